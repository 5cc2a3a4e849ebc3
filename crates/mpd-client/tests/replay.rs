//! The client against fake daemons that replay what real multipathd 0.8.5,
//! 0.9.4, 0.11.1 and 0.15.1 answered.

mod common;

use common::{fixture, replay, Fake, Response};
use mpd_client::{Client, Error, ErrorKind, PrStatus};
use mpd_proto::DaemonVersion;

const VERSIONS: [&str; 4] = ["0.8.5", "0.9.4", "0.11.1", "0.15.1"];

#[test]
fn typed_queries_parse_recorded_replies() {
    for v in VERSIONS {
        let fake = replay(v);
        let mut c = Client::connect_to(fake.address.as_str()).unwrap();
        let topo = c.topology().unwrap();
        assert_eq!(
            topo.maps
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["mpatha", "mpathb"]
        );
        assert_eq!(topo.paths().count(), 4);
        let m = c.map_topology("mpatha").unwrap();
        assert_eq!(m.device.as_deref(), Some("dm-0"));
        let text = c.topology_text().unwrap();
        assert_eq!(
            text.maps[1].path_groups[0].paths[0].hcil.as_deref(),
            Some("0:0:0:1")
        );
        let s = c.status().unwrap();
        assert_eq!((s.paths, s.busy), (4, false));
        assert_eq!(c.daemon_state().unwrap().state, "idle");
        assert_eq!(c.map_status().unwrap().len(), 2);
        assert_eq!(c.map_stats().unwrap()[0].map_loads, Some(1));
        assert_eq!(c.path_state("sda").unwrap(), "running");
        assert_eq!(c.pr_key("mpatha").unwrap(), None);
        assert_eq!(c.pr_status("mpatha").unwrap(), PrStatus::Unset);
        assert!(c.config().unwrap().starts_with("defaults {"));
        assert!(c
            .wildcards()
            .unwrap()
            .starts_with("multipath format wildcards:"));
        assert_eq!(
            c.daemon_version().unwrap(),
            v.parse::<DaemonVersion>().unwrap()
        );
        // One connection served all of it.
        assert_eq!(fake.connections(), 1, "{v}");
    }
}

#[test]
fn typed_actions_and_failures() {
    for v in VERSIONS {
        let fake = replay(v);
        let mut c = Client::connect_to(fake.address.as_str()).unwrap();
        c.fail_path("sda").unwrap();
        c.reinstate_path("sda").unwrap();
        c.suspend_map("mpatha").unwrap();
        c.resume_map("mpatha").unwrap();
        c.resize_map("mpatha").unwrap();
        c.reset_map("mpatha").unwrap();
        c.reload_map("mpatha").unwrap();
        c.disable_map_queuing("mpatha").unwrap();
        c.restore_map_queuing("mpatha").unwrap();
        c.disable_queuing().unwrap();
        c.restore_queuing().unwrap();
        c.force_queuing_daemon().unwrap();
        c.restore_queuing_daemon().unwrap();
        c.switch_group("mpatha", 2).unwrap();
        c.set_marginal("sda").unwrap();
        c.unset_marginal("sda").unwrap();
        c.unset_map_marginal("mpatha").unwrap();
        c.remove_path("sda").unwrap();
        c.add_path("sda").unwrap();
        c.remove_map("mpatha").unwrap();
        c.reconfigure().unwrap();

        // Missing things: a bare "fail" before 0.10, "device not found" after.
        // NotFound where the daemon says so, CommandFailed where it cannot.
        let missing = |e: &Error| match v {
            "0.11.1" | "0.15.1" => matches!(e, Error::NotFound { .. }),
            _ => matches!(e, Error::CommandFailed { message: None, .. }),
        };
        let e = c.fail_path("nosuchpath").unwrap_err();
        assert!(missing(&e), "{v}: {e}");
        let says_why = v == "0.11.1" || v == "0.15.1";
        assert_eq!(e.is_not_found(), says_why, "{v}");
        assert_eq!(e.kind() == ErrorKind::NotFound, says_why, "{v}");
        assert_eq!(e.command(), Some("fail path \"nosuchpath\""));
        // `suspend map` of a missing map is a bare "fail" on every release.
        let e = c.suspend_map("nosuchmap").unwrap_err();
        assert!(
            matches!(e, Error::CommandFailed { message: None, .. }),
            "{v}: {e}"
        );
        let e = c.map_topology("nosuchmap").unwrap_err();
        assert!(missing(&e), "{v}: {e}");
        let e = c.add_path("nosuchpath").unwrap_err();
        assert!(matches!(e, Error::Blacklisted { .. }), "{e}");
        match c.reconfigure_all() {
            Ok(()) => assert_ne!(v, "0.8.5"),
            Err(Error::UnknownCommand { version, reply, .. }) => {
                assert_eq!(v, "0.8.5");
                assert_eq!(version, Some(DaemonVersion::new(0, 8, 5)));
                assert!(reply.contains("CLI commands reference:"));
            }
            Err(e) => panic!("{v}: {e}"),
        }
        // add map after del map: 0.8.5 fails, 0.9+ re-create.
        assert_eq!(c.add_map("mpatha").is_ok(), v != "0.8.5");
        assert_eq!(fake.connections(), 1);
    }
}

/// The PR hold commands and `setprstatus … pathlist` (0.13+): typed values
/// on 0.15.1; UnknownCommand with the version on the releases that lack
/// them, whether they refused with their help text (0.8.5) or a bare `fail`
/// (0.9.4, 0.11.1).
#[test]
fn pr_hold_and_pathlist_typed_or_unknown_by_version() {
    for v in VERSIONS {
        let fake = replay(v);
        let mut c = Client::connect_to(fake.address.as_str()).unwrap();
        let calls: Vec<(&str, Result<(), Error>)> = vec![
            (
                "pr_hold",
                c.pr_hold("mpatha").map(|s| assert_eq!(s, PrStatus::Unset)),
            ),
            ("set_pr_hold", c.set_pr_hold("mpatha")),
            ("unset_pr_hold", c.unset_pr_hold("mpatha")),
            (
                "set_pr_status_paths",
                c.set_pr_status_paths("mpatha", &["sda", "sdc"]),
            ),
        ];
        for (what, r) in calls {
            match (v, r) {
                ("0.15.1", r) => r.unwrap_or_else(|e| panic!("{v} {what}: {e}")),
                (_, Err(Error::UnknownCommand { version, .. })) => {
                    assert_eq!(version, Some(v.parse().unwrap()), "{what}")
                }
                (_, r) => panic!("{v} {what}: {r:?}"),
            }
        }
        let e = c.pr_hold("nosuchmap").unwrap_err();
        if v == "0.15.1" {
            assert!(e.is_not_found(), "{e}");
        } else {
            assert_eq!(e.kind(), ErrorKind::UnknownCommand, "{v}: {e}");
        }
        // A real bare "fail" of a command every release knows stays
        // CommandFailed (suspend of a missing map).
        let e = c.suspend_map("nosuchmap").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::CommandFailed, "{v}");
        // Bad lists never reach the daemon.
        let before = fake.commands().len();
        for bad in [&[][..], &["sda sdb"][..], &[""][..]] {
            let e = c.set_pr_status_paths("mpatha", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        }
        assert_eq!(fake.commands().len(), before);
    }
}

#[test]
fn permission_denied_in_every_spelling() {
    for v in VERSIONS {
        let denial = fixture(v, "unpriv_fail");
        let fake = Fake::start_abstract(move |_| Response::Text(denial.clone()));
        let mut c = Client::connect_to(fake.address.as_str()).unwrap();
        for r in [c.fail_path("sda"), c.reconfigure(), c.remove_map("mpatha")] {
            match r {
                Err(Error::PermissionDenied { reply, .. }) => {
                    assert!(reply.contains("need to be root"))
                }
                other => panic!("{v}: {other:?}"),
            }
        }
    }
}

#[test]
fn quoted_names_reach_the_daemon_as_one_token() {
    let fake = Fake::start_path(|_| Response::Text("ok\n".into()));
    let mut c = Client::connect_to(fake.address.as_str()).unwrap();
    c.suspend_map("my \"odd\" map # x").unwrap();
    let sent = fake.commands();
    assert_eq!(sent, [r#"suspend map "my ""odd"" map # x""#]);
    assert_eq!(
        mpd_proto::quote::tokenize(&sent[0])[2],
        "my \"odd\" map # x"
    );
}
