//! The jobs (health, waits, safe removal) against the simulator of each
//! release: each wait meets its condition, and each times out with the last
//! state seen; a removal of a map in use retries and then reports.

use std::thread;
use std::time::{Duration, Instant};

use mpd_client::{
    Client, Error, ErrorKind, HealthState, LastSeen, PathWant, RemoveOptions, WaitOptions,
};
use mpd_sim::{Fault, Sim, SimHandle, Version};

const VERSIONS: [Version; 3] = [Version::V0_8_5, Version::V0_9_4, Version::V0_11_1];

fn start(v: Version, immediate: bool) -> (SimHandle, Client) {
    let sim = Sim::builder()
        .version(v)
        .maps(2)
        .paths_per_map(2)
        .immediate(immediate)
        .start()
        .unwrap();
    let c = Client::connect_to(sim.address().as_str()).unwrap();
    (sim, c)
}

fn quick(ms: u64) -> WaitOptions {
    WaitOptions::timeout(Duration::from_millis(ms)).max_interval(Duration::from_millis(100))
}

/// Runs `f` while another thread runs `later` after `after`.
fn meanwhile<R>(after: Duration, later: impl FnOnce() + Send, f: impl FnOnce() -> R) -> R {
    thread::scope(|s| {
        s.spawn(|| {
            thread::sleep(after);
            later();
        });
        f()
    })
}

/// The wait returned a WaitTimeout within its deadline (plus a margin).
fn timed_out(r: Result<impl std::fmt::Debug, Error>, t: Instant, ms: u64) -> LastSeen {
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(ms) && took < Duration::from_millis(ms + 150),
        "took {took:?}"
    );
    match r {
        Err(Error::WaitTimeout { last, .. }) => *last,
        other => panic!("expected a WaitTimeout: {other:?}"),
    }
}

#[test]
fn wait_for_map_by_name_and_wwid() {
    for v in VERSIONS {
        let (sim, mut c) = start(v, true);
        let wwid = sim.state().maps[0].wwid.clone();
        let m = c.wait_for_map("mpatha", 2, &quick(500)).unwrap();
        assert_eq!((m.name.as_str(), m.active_paths), ("mpatha", Some(2)));
        assert_eq!(
            c.wait_for_map(&wwid, 1, &quick(500)).unwrap().name,
            "mpatha"
        );

        // A path fails: the map has one active path until it is back.
        c.fail_path("sda").unwrap();
        let t = Instant::now();
        let last = timed_out(c.wait_for_map("mpatha", 2, &quick(300)), t, 300);
        match last {
            LastSeen::Map { map: Some(m) } => assert_eq!(m.active_paths, Some(1), "{v}"),
            other => panic!("{v}: {other:?}"),
        }
        let m = meanwhile(
            Duration::from_millis(150),
            || {
                sim.execute("reinstate path sda");
            },
            || c.wait_for_map("mpatha", 2, &quick(2000)),
        )
        .unwrap();
        assert_eq!(m.active_paths, Some(2), "{v}");

        // A map that never comes.
        let t = Instant::now();
        let last = timed_out(c.wait_for_map("nosuch", 1, &quick(200)), t, 200);
        assert_eq!(last, LastSeen::Map { map: None });
    }
}

#[test]
fn wait_for_path_states() {
    for v in VERSIONS {
        // The checker runs in the background: reinstatement shows at its
        // next pass, which the wait sits out.
        let (sim, mut c) = start(v, false);
        c.fail_path("sdb").unwrap();
        let p = c
            .wait_for_path("sdb", &PathWant::failed(), &quick(500))
            .unwrap();
        assert_eq!(p.map.as_deref(), Some("mpathb"), "{v}");
        c.reinstate_path("sdb").unwrap();
        let p = c
            .wait_for_path(
                "sdb",
                &PathWant::up(),
                &WaitOptions::timeout(Duration::from_secs(5)),
            )
            .unwrap();
        assert_eq!(p.device, "sdb");

        // The checker finds the disk dead: it never comes back up.
        sim.set_path_health("sdc", false);
        c.fail_path("sdc").unwrap();
        c.reinstate_path("sdc").unwrap();
        let t = Instant::now();
        match timed_out(c.wait_for_path("sdc", &PathWant::up(), &quick(400)), t, 400) {
            LastSeen::Path { path: Some(p) } => assert_ne!(
                (p.dm_state, p.checker_state),
                (PathWant::up().dm_state, PathWant::up().checker_state),
                "{v}"
            ),
            other => panic!("{v}: {other:?}"),
        }
    }
}

#[test]
fn wait_for_gone_paths_and_maps() {
    for v in VERSIONS {
        let (sim, mut c) = start(v, true);
        let t = Instant::now();
        match timed_out(c.wait_paths_gone(&["sda", "nosuch"], &quick(200)), t, 200) {
            LastSeen::Paths { paths } => {
                assert_eq!(paths.len(), 1);
                assert_eq!(paths[0].device, "sda");
            }
            other => panic!("{v}: {other:?}"),
        }
        meanwhile(
            Duration::from_millis(100),
            || {
                sim.execute("del path sda");
            },
            || c.wait_paths_gone(&["sda"], &quick(1000)),
        )
        .unwrap();

        let t = Instant::now();
        assert!(matches!(
            timed_out(c.wait_map_gone("mpathb", &quick(200)), t, 200),
            LastSeen::Map { map: Some(_) }
        ));
        meanwhile(
            Duration::from_millis(100),
            || {
                sim.execute("del map mpathb");
            },
            || c.wait_map_gone("mpathb", &quick(1000)),
        )
        .unwrap();
        c.wait_map_gone("nosuch", &quick(100)).unwrap();
    }
}

#[test]
fn wait_settled_sits_out_changes() {
    let (sim, mut c) = start(Version::V0_9_4, true);
    let quiet = Duration::from_millis(200);
    c.wait_settled(quiet, &quick(1000)).unwrap();

    // Paths flap for 400 ms: settled only after the flapping stops.
    let t = Instant::now();
    meanwhile(
        Duration::ZERO,
        || {
            for i in 0..8 {
                let cmd = if i % 2 == 0 {
                    "fail path sda"
                } else {
                    "reinstate path sda"
                };
                sim.execute(cmd);
                thread::sleep(Duration::from_millis(50));
            }
        },
        || c.wait_settled(quiet, &quick(3000)),
    )
    .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(400 + 150),
        "{:?}",
        t.elapsed()
    );

    // Never quiet for long enough within the deadline.
    let t = Instant::now();
    let r = meanwhile(
        Duration::ZERO,
        || {
            for i in 0..10 {
                let cmd = if i % 2 == 0 {
                    "fail path sdb"
                } else {
                    "reinstate path sdb"
                };
                sim.execute(cmd);
                thread::sleep(Duration::from_millis(40));
            }
        },
        || c.wait_settled(Duration::from_secs(2), &quick(300)),
    );
    assert!(matches!(
        timed_out(r, t, 300),
        LastSeen::Settling { busy: false, .. }
    ));
}

#[test]
fn a_busy_or_restarting_daemon_does_not_end_a_wait() {
    let (sim, mut c) = start(Version::V0_11_1, true);
    sim.set_fault(Fault::Timeout);
    let m = meanwhile(
        Duration::from_millis(200),
        || sim.set_fault(Fault::None),
        || c.wait_for_map("mpatha", 2, &quick(2000)),
    )
    .unwrap();
    assert_eq!(m.name, "mpatha");
    // Other failures end it at once.
    sim.set_privilege(mpd_sim::Privilege::NonRoot);
    let mut nonroot = Client::connect_to(sim.address().as_str()).unwrap();
    assert!(
        nonroot.wait_for_map("mpatha", 1, &quick(500)).is_ok(),
        "reads are allowed"
    );
    let e = nonroot
        .remove_map_safely("mpatha", &RemoveOptions::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
}

#[test]
fn health_follows_the_paths() {
    for v in VERSIONS {
        let (_sim, mut c) = start(v, true);
        let h = c.health().unwrap();
        assert!(h.all_healthy(), "{v}: {h:?}");
        assert_eq!(h.counts[&HealthState::Healthy], 2);

        c.fail_path("sda").unwrap();
        let m = c.map_health("mpatha").unwrap();
        assert_eq!(m.state, HealthState::Degraded, "{v}");
        assert_eq!((m.up_paths, m.total_paths), (1, 2));
        assert_eq!(m.down_paths[0].device, "sda");

        c.fail_path("sdc").unwrap();
        let m = c.map_health("mpatha").unwrap();
        assert_eq!((m.up_paths, m.total_paths), (0, 2), "{v}: the total stays");
        assert!(
            matches!(
                m.state,
                HealthState::AllPathsDownFailing | HealthState::AllPathsDownQueueing
            ),
            "{v}: {m:?}"
        );
        c.suspend_map("mpathb").unwrap();
        let h = c.health().unwrap();
        assert_eq!(h.map("mpathb").unwrap().state, HealthState::Suspended);
        assert_eq!(h.counts[&HealthState::Suspended], 1);
    }
}

#[test]
fn safe_removal_retries_while_in_use_then_succeeds() {
    for v in VERSIONS {
        let (sim, mut c) = start(v, true);
        sim.set_map_in_use("mpatha", true);
        let opts = RemoveOptions {
            interval: Duration::from_millis(50),
            ..RemoveOptions::default()
        };
        let r = meanwhile(
            Duration::from_millis(300),
            || {
                sim.set_map_in_use("mpatha", false);
            },
            || c.remove_map_safely("mpatha", &opts),
        )
        .unwrap();
        assert!(r.attempts >= 2, "{v}: {r:?}");
        assert!(r.queueing_disabled && !r.already_gone && !r.queueing_restored);
        let expected = if v == Version::V0_11_1 {
            ErrorKind::MapInUse
        } else {
            ErrorKind::CommandFailed // a bare "fail" before 0.10
        };
        assert_eq!(r.last_error_kind, Some(expected), "{v}");
        assert!(c.list_maps().unwrap().iter().all(|m| m.name != "mpatha"));

        // Again: already gone, nothing sent but the listing.
        let again = c.remove_map_safely("mpatha", &opts).unwrap();
        assert!(again.already_gone && again.attempts == 0);
    }
}

#[test]
fn safe_removal_of_a_map_that_stays_in_use_reports_and_restores_queueing() {
    for v in VERSIONS {
        let (sim, mut c) = start(v, true);
        sim.set_map_in_use("mpathb", true);
        let opts = RemoveOptions {
            timeout: Duration::from_millis(400),
            interval: Duration::from_millis(50),
            ..RemoveOptions::default()
        };
        let t = Instant::now();
        let r = c.remove_map_safely("mpathb", &opts);
        assert!(
            t.elapsed() < Duration::from_millis(600),
            "{:?}",
            t.elapsed()
        );
        let removal = match r {
            Err(Error::WaitTimeout { last, .. }) => match *last {
                LastSeen::Removal { removal } => removal,
                other => panic!("{v}: {other:?}"),
            },
            other => panic!("{v}: {other:?}"),
        };
        assert!(removal.attempts >= 2, "{v}: {removal:?}");
        assert!(
            removal.queueing_disabled && removal.queueing_restored,
            "{removal:?}"
        );
        assert!(removal.last_error.is_some());
        assert!(c.list_maps().unwrap().iter().any(|m| m.name == "mpathb"));
        // Queueing is back to what it was (the simulator's: not set).
        let st = c.map_status().unwrap();
        let b = st.iter().find(|m| m.name == "mpathb").unwrap();
        assert_eq!(b.queueing, None, "{v}");
    }
}

#[test]
fn safe_removal_by_wwid_and_names_that_cannot_be_sent() {
    for v in VERSIONS {
        let (sim, mut c) = start(v, true);
        // `del map` takes the name: the job finds it for a WWID.
        let wwid = sim.state().maps[1].wwid.clone();
        let r = c
            .remove_map_safely(&wwid, &RemoveOptions::default())
            .unwrap();
        assert_eq!((r.attempts, r.already_gone), (1, false), "{v}: {r:?}");
        assert!(c
            .list_maps()
            .unwrap()
            .iter()
            .all(|m| m.uuid.as_deref() != Some(&wwid)));
        // JSON of the report: durations in seconds, kinds by name.
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["elapsed"].is_f64(), "{json}");

        // Nothing is listed for a name that could not be sent.
        let sent = c.commands_sent();
        for bad in ["", "x\ny"] {
            let e = c
                .remove_map_safely(bad, &RemoveOptions::default())
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
            let e = c.wait_map_gone(bad, &quick(100)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            let e = c.wait_for_map(bad, 1, &quick(100)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            let e = c
                .wait_for_path(bad, &PathWant::up(), &quick(100))
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            let e = c.wait_paths_gone(&["sda", bad], &quick(100)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        }
        assert_eq!(c.commands_sent(), sent, "nothing sent");
    }
}
