//! State changes, checker timing, permissions and topology generalisation,
//! observed through the socket as a client sees them.

mod common;

use std::time::{Duration, Instant};

use common::{ask, ask_once, connect};
use mpd_proto::model::{GroupState, PathDmState};
use mpd_sim::{PathCheck, Privilege, Sim, SimHandle, Version};

fn sim(v: Version) -> SimHandle {
    Sim::builder()
        .version(v)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .unwrap()
}

fn path_states(sim: &SimHandle, dev: &str) -> (Option<PathDmState>, PathCheck) {
    let p = sim.state().path(dev).cloned().unwrap();
    (p.dm_state, p.checker_state)
}

#[test]
fn fail_is_immediate_and_reinstate_waits_for_the_checker() {
    let sim = sim(Version::V0_9_4);
    assert_eq!(ask_once(&sim, "fail path sda"), "ok\n");
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Failed), PathCheck::Down)
    );
    // The checker leaves a failed-by-operator path alone.
    sim.advance(20);
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Failed), PathCheck::Down)
    );
    assert_eq!(ask_once(&sim, "reinstate path sda"), "ok\n");
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Failed), PathCheck::Down)
    );
    // Within one polling interval (2 s) the checker brings it back.
    sim.advance(2);
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Active), PathCheck::Up)
    );
    assert_eq!(sim.state().map("mpatha").unwrap().stats.path_faults, 1);
    assert!(ask_once(&sim, "show maps stats").contains("mpatha 1 "));
}

#[test]
fn immediate_mode_reinstates_at_once() {
    let sim = Sim::builder()
        .immediate(true)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .unwrap();
    ask_once(&sim, "fail path 8:0");
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Failed), PathCheck::Down)
    );
    ask_once(&sim, "reinstate path sda");
    assert_eq!(
        path_states(&sim, "sda"),
        (Some(PathDmState::Active), PathCheck::Up)
    );
}

#[test]
fn background_checker_runs_in_real_time() {
    let sim = Sim::builder()
        .checker_tick(Some(Duration::from_millis(20)))
        .privilege(Privilege::Root)
        .start()
        .unwrap();
    ask_once(&sim, "fail path sda");
    ask_once(&sim, "reinstate path sda");
    let deadline = Instant::now() + Duration::from_secs(10);
    while path_states(&sim, "sda") != (Some(PathDmState::Active), PathCheck::Up) {
        assert!(Instant::now() < deadline, "path never came back");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn device_health_drives_the_checker() {
    let sim = sim(Version::V0_9_4);
    assert!(sim.set_path_health("sdc", false));
    assert!(!sim.set_path_health("sdzz", false));
    sim.advance(1);
    assert_eq!(
        path_states(&sim, "sdc"),
        (Some(PathDmState::Failed), PathCheck::Down)
    );
    assert!(ask_once(&sim, "show status").contains("down                1\n"));
    sim.set_path_health("sdc", true);
    sim.advance(1);
    assert_eq!(
        path_states(&sim, "sdc"),
        (Some(PathDmState::Active), PathCheck::Up)
    );
}

#[test]
fn map_state_commands() {
    let sim = sim(Version::V0_9_4);
    let mut s = connect(&sim);
    assert_eq!(ask(&mut s, "suspend map mpatha").text(), "ok\n");
    assert!(sim.state().map("mpatha").unwrap().suspended);
    assert!(ask(&mut s, "show maps status")
        .text()
        .contains("mpatha -        -        2     suspend rw"));
    assert_eq!(ask(&mut s, "resume map mpatha").text(), "ok\n");
    assert!(!sim.state().map("mpatha").unwrap().suspended);
    assert_eq!(ask(&mut s, "disablequeueing map dm-1").text(), "ok\n");
    assert!(ask(&mut s, "show maps raw format \"%n %Q\"")
        .text()
        .contains("mpathb off\n"));
    assert_eq!(ask(&mut s, "restorequeueing maps").text(), "ok\n");
    assert_eq!(ask(&mut s, "show maps raw format \"%Q\"").text(), "-\n-\n");
    assert_eq!(ask(&mut s, "switchgroup map mpatha group 2").text(), "ok\n");
    assert!(sim
        .state()
        .map("mpatha")
        .unwrap()
        .groups
        .iter()
        .all(|g| g.state == GroupState::Enabled));
    assert_eq!(
        ask(&mut s, "switchgroup map mpatha group 3").text(),
        "fail\n"
    );
    assert_eq!(ask(&mut s, "reload map mpatha").text(), "ok\n");
    assert_eq!(sim.state().map("mpatha").unwrap().stats.map_loads, 2);
    assert_eq!(ask(&mut s, "setmarginal path sdc").text(), "ok\n");
    assert!(ask(&mut s, "show map mpatha json")
        .text()
        .contains("\"marginal_st\" : \"marginal\""));
    assert_eq!(ask(&mut s, "unsetmarginal map mpatha").text(), "ok\n");
    assert!(!sim.state().path("sdc").unwrap().marginal);
    assert_eq!(ask(&mut s, "setprstatus map mpatha").text(), "ok\n");
    assert_eq!(ask(&mut s, "getprstatus map mpatha").text(), "1");
    assert_eq!(
        ask(&mut s, "setprkey map mpatha key 0x1234").text(),
        "fail\n"
    );
    assert_eq!(ask(&mut s, "getprkey map mpatha").text(), "none\n");
    assert_eq!(ask(&mut s, "forcequeueing daemon").text(), "ok\n");
    assert!(ask(&mut s, "show config")
        .text()
        .contains("\tqueue_without_daemon \"forced\"\n"));
    assert_eq!(ask(&mut s, "restorequeueing daemon").text(), "ok\n");
    assert!(ask(&mut s, "show config")
        .text()
        .contains("\tqueue_without_daemon \"no\"\n"));
}

#[test]
fn prkeys_when_configured() {
    let sim = Sim::builder()
        .prkeys_file(true)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .unwrap();
    assert_eq!(
        ask_once(&sim, "setprkey map mpatha key 0xABC:aptpl"),
        "ok\n"
    );
    assert_eq!(ask_once(&sim, "getprkey map mpatha"), "0xabc:aptpl\n");
    assert_eq!(ask_once(&sim, "unsetprkey map mpatha"), "ok\n");
    assert_eq!(ask_once(&sim, "getprkey map mpatha"), "none\n");
    assert_eq!(ask_once(&sim, "setprkey map mpatha key zz"), "fail\n");
}

#[test]
fn del_and_add_paths_and_maps() {
    for v in mpd_sim::version::ALL_VERSIONS {
        let sim = sim(v);
        assert_eq!(ask_once(&sim, "del path sda"), "ok\n");
        assert!(sim.state().path("sda").is_none());
        assert_eq!(
            ask_once(&sim, "show paths raw format %d"),
            "sdb\nsdc\nsdd\n"
        );
        assert_eq!(ask_once(&sim, "add path /dev/sda"), "ok\n");
        assert_eq!(
            ask_once(&sim, "show paths raw format %d"),
            "sdb\nsdc\nsdd\nsda\n"
        );
        assert_eq!(path_states(&sim, "sda").1, PathCheck::Pending);
        sim.checker_pass();
        assert_eq!(
            path_states(&sim, "sda"),
            (Some(PathDmState::Active), PathCheck::Up)
        );
        assert_eq!(ask_once(&sim, "add path dm-0"), "blacklisted\n");
        assert_eq!(ask_once(&sim, "add path sdq"), "fail\n");
        // Deleting a map orphans its paths.
        assert_eq!(ask_once(&sim, "del map mpatha"), "ok\n");
        assert_eq!(ask_once(&sim, "show paths raw format \"%d %m %t %T %o %C\""),
            "sdb mpathb active ready running XXXXXXXXXX 8/8\nsdc [orphan] undef undef unknown orphan\nsdd mpathb active ready running XXXXXXXXXX 8/8\nsda [orphan] undef undef unknown orphan\n");
        assert!(ask_once(&sim, "show status").ends_with("\npaths: 2\nbusy: False\n"));
        let readd = ask_once(&sim, "add map mpatha");
        if v == Version::V0_8_5 {
            assert_eq!(readd, "fail\n", "0.8.5 cannot re-create a flushed map");
            assert!(sim.state().map("mpatha").is_none());
        } else {
            assert_eq!(readd, "ok\n");
            assert_eq!(sim.state().map("mpatha").unwrap().minor, 0);
            assert_eq!(
                ask_once(&sim, "show maps raw format %n"),
                "mpathb\nmpatha\n"
            );
        }
        // reconfigure rediscovers everything in order.
        assert_eq!(ask_once(&sim, "reconfigure"), "ok\n");
        assert_eq!(
            ask_once(&sim, "show maps raw format %n"),
            "mpatha\nmpathb\n"
        );
        assert_eq!(
            ask_once(&sim, "show paths raw format %d"),
            "sda\nsdb\nsdc\nsdd\n"
        );
        // Deleting the last path of a map removes the map.
        ask_once(&sim, "del path sda");
        ask_once(&sim, "del path sdc");
        assert!(sim.state().map("mpatha").is_none(), "{v}");
        let empty = ask_once(&sim, "del maps");
        assert_eq!(empty, "ok\n");
        let show = ask_once(&sim, "show maps");
        assert_eq!(show, if v == Version::V0_8_5 { "" } else { "ok\n" }, "{v}");
    }
}

#[test]
fn unknown_devices_per_version() {
    for (v, fail) in [
        (Version::V0_8_5, "fail\n"),
        (Version::V0_9_4, "fail\n"),
        (Version::V0_11_1, "fail\ndevice not found\n"),
        (Version::V0_15_1, "fail\ndevice not found\n"),
    ] {
        let sim = sim(v);
        assert_eq!(ask_once(&sim, "fail path nosuchpath"), fail, "{v}");
        assert_eq!(ask_once(&sim, "show map nosuchmap json"), fail, "{v}");
        assert_eq!(ask_once(&sim, "suspend map nosuchmap"), "fail\n", "{v}");
        assert_eq!(
            ask_once(&sim, "add path nosuchpath"),
            "blacklisted\n",
            "{v}"
        );
    }
}

#[test]
fn permissions_per_version() {
    for (v, denied) in [
        (Version::V0_8_5, "permission deny: need to be root"),
        (Version::V0_9_4, "permission deny: need to be root\n"),
        (Version::V0_11_1, "fail\npermission deny: need to be root\n"),
        (Version::V0_15_1, "fail\npermission deny: need to be root\n"),
    ] {
        let sim = Sim::builder()
            .version(v)
            .force_nonroot(true)
            .checker_tick(None)
            .start()
            .unwrap();
        assert_eq!(ask_once(&sim, "fail path sda"), denied, "{v}");
        assert_eq!(ask_once(&sim, "shutdown"), denied, "{v}");
        assert_eq!(
            ask_once(&sim, "show maps raw format %n"),
            "mpatha\nmpathb\n",
            "{v}"
        );
        assert_eq!(
            ask_once(&sim, "list maps raw format %n"),
            "mpatha\nmpathb\n",
            "{v}"
        );
        assert!(sim.is_running());
        // 0.8 tests the raw text; 0.9+ the first keyword.
        let abbreviated = ask_once(&sim, "sho maps raw format %n");
        if v == Version::V0_8_5 {
            assert_eq!(abbreviated, denied);
        } else {
            assert_eq!(abbreviated, "mpatha\nmpathb\n");
        }
        assert_eq!(
            sim.state().path("sda").unwrap().dm_state,
            Some(PathDmState::Active)
        );
    }
}

#[test]
fn peer_credentials_decide_by_default() {
    // Whoever runs the tests: root may change state, others may not.
    let sim = Sim::builder().checker_tick(None).start().unwrap();
    let root = unsafe { libc::getuid() } == 0;
    let reply = ask_once(&sim, "fail path sda");
    assert_eq!(reply == "ok\n", root, "{reply:?}");
    // Switching at run time applies to the next command.
    sim.set_privilege(Privilege::NonRoot);
    assert_eq!(
        ask_once(&sim, "reinstate path sda"),
        "permission deny: need to be root\n"
    );
    sim.set_privilege(Privilege::Root);
    assert_eq!(ask_once(&sim, "reinstate path sda"), "ok\n");
}

#[test]
fn shutdown_answers_then_stops() {
    let sim = sim(Version::V0_9_4);
    let mut s = connect(&sim);
    assert_eq!(ask(&mut s, "shutdown").text(), "ok\n");
    sim.wait();
    assert!(!sim.is_running());
    // The connection that sent it is closed after the reply.
    assert_eq!(common::receive(&mut s), common::Answer::Closed { got: 0 });
    sim.stop();
}

#[test]
fn many_maps_and_paths_are_named_like_the_kernel() {
    let sim = Sim::builder()
        .maps(28)
        .paths_per_map(3)
        .checker_tick(None)
        .start()
        .unwrap();
    let st = sim.state();
    assert_eq!(st.maps.len(), 28);
    assert_eq!(st.paths.len(), 84);
    assert_eq!(st.maps[26].alias, "mpathaa");
    assert_eq!(st.maps[27].minor, 27);
    let p = st.path("sdaa").unwrap(); // disk 26: host 0, LUN 26
    assert_eq!(
        (p.hcil.to_string(), p.map.as_deref(), p.priority),
        ("0:0:0:26".into(), Some("mpathaa"), 50)
    );
    let p = st.path("sdcf").unwrap(); // disk 83: host 2, LUN 27
    assert_eq!(
        (p.hcil.to_string(), p.dev_t.as_str(), p.priority),
        ("2:0:0:27".into(), "69:48", 10)
    );
    let m = st.map("mpathb").unwrap();
    let groups: Vec<_> = m.groups.iter().map(|g| g.paths.clone()).collect();
    assert_eq!(groups, [vec!["sdb"], vec!["sdad"], vec!["sdbf"]]);
    let topo = sim.execute("show map mpathb topology");
    assert!(topo.starts_with("create: mpathb (1Linux_scsi_debug_2001) dm-1 Linux,scsi_debug\n"));
    assert!(topo.contains("|-+- policy='service-time 0' prio=10 status=enabled\n| `- 1:0:0:1  sdad 65:208 active ready running\n"), "{topo}");
    // Columns are padded to the widest value of the whole path vector.
    let table = sim.execute("show paths");
    assert!(
        table.starts_with("hcil     dev  dev_t  pri dm_st  chk_st dev_st  next_check    \n"),
        "{table}"
    );
}

#[test]
fn wildcards_all_render_for_every_version() {
    for v in mpd_sim::version::ALL_VERSIONS {
        let sim = sim(v);
        let wc = sim.execute("show wildcards");
        let (maps, rest) = wc.split_once("\npath format wildcards:\n").unwrap();
        let paths = rest.split("\npathgroup").next().unwrap();
        let letters = |s: &str| -> String {
            s.lines()
                .filter_map(|l| l.strip_prefix('%'))
                .map(|l| format!("%{}", &l[..1]))
                .collect::<Vec<_>>()
                .join("|")
        };
        let mline = sim.execute(&format!("show maps raw format \"{}\"", letters(maps)));
        let pline = sim.execute(&format!("show paths raw format \"{}\"", letters(paths)));
        let m0 = mline.lines().next().unwrap();
        let p0 = pline.lines().next().unwrap();
        match v {
            Version::V0_8_5 => {
                assert_eq!(m0, "mpatha|1Linux_scsi_debug_2000|dm-0|-|-|2|rw|active|16M|0|0|1 alua|create|0|0|1|0|0|Linux,scsi_debug|Linux|scsi_debug|0191|--|[undef]");
                assert_eq!(p0, "1Linux_scsi_debug_2000|0:0:0:0|sda|8:0|active|running|ready|Linux,scsi_debug|tur|XXXXXXXXXX 8/8|50|16M|2000|normal|mpatha|[undef]|[undef]|[undef]|[undef]|[undef]|--|[undef]|0|scsi:unspec");
            }
            Version::V0_9_4 => {
                assert!(p0.ends_with("|0|scsi:unspec|ok|0x0000000000000000"), "{p0}");
            }
            Version::V0_11_1 | Version::V0_15_1 => {
                assert!(
                    m0.starts_with("mpatha|1Linux_scsi_debug_2000|dm-0|manual|"),
                    "{m0}"
                );
                assert!(
                    m0.ends_with("|Linux,scsi_debug|Linux|scsi_debug|0191|--|[undef]|512"),
                    "{m0}"
                );
                assert!(p0.ends_with("|ok|0x0000000000000000|0x0100|512"), "{p0}");
                assert!(p0.contains("|Linux,scsi_debug,0191|"), "{p0}");
            }
        }
    }
}

/// The PR hold commands and `setprstatus … pathlist` of 0.15.1, and how the
/// older profiles refuse them (as recorded).
#[test]
fn pr_hold_and_pathlist_per_version() {
    let s15 = sim(Version::V0_15_1);
    assert_eq!(s15.execute("getprhold map mpatha"), "unset\n");
    assert_eq!(s15.execute("setprhold map mpatha"), "ok\n");
    assert_eq!(s15.execute("getprhold map mpatha"), "set\n");
    assert_eq!(s15.execute("getprhold map mpathb"), "unset\n");
    // unsetprstatus also clears the hold.
    assert_eq!(s15.execute("unsetprstatus map mpatha"), "ok\n");
    assert_eq!(s15.execute("getprhold map mpatha"), "unset\n");
    assert_eq!(s15.execute("setprhold map mpatha"), "ok\n");
    assert_eq!(s15.execute("unsetprhold map mpatha"), "ok\n");
    assert_eq!(s15.execute("getprhold map mpatha"), "unset\n");
    // Without a key the registration fails: the status stays unset.
    assert_eq!(
        s15.execute("setprstatus map mpatha pathlist \"sda sdc\""),
        "ok\n"
    );
    assert_eq!(s15.execute("getprstatus map mpatha"), "unset\n");
    assert_eq!(
        s15.execute("getprhold map nosuchmap"),
        "fail\ndevice not found\n"
    );
    // "pathlist" needs its argument.
    assert!(s15
        .execute("setprstatus map mpatha pathlist")
        .starts_with("fail\nsetprstatus map mpatha pathlist: Missing argument\n"));

    // With a key (reservation_key file), setprstatus sticks.
    let keyed = Sim::builder()
        .version(Version::V0_15_1)
        .prkeys_file(true)
        .checker_tick(None)
        .start()
        .unwrap();
    assert_eq!(keyed.execute("setprkey map mpatha key 0x12ab"), "ok\n");
    assert_eq!(keyed.execute("setprstatus map mpatha pathlist sda"), "ok\n");
    assert_eq!(keyed.execute("getprstatus map mpatha"), "set\n");

    // 0.11.1 and 0.9.4: the unknown keyword is not the last word: "fail".
    for v in [Version::V0_9_4, Version::V0_11_1] {
        let old = sim(v);
        for cmd in [
            "getprhold map mpatha",
            "setprhold map mpatha",
            "setprstatus map mpatha pathlist sda",
        ] {
            assert_eq!(old.execute(cmd), "fail\n", "{v} {cmd}");
        }
    }
    // 0.8.5: the help text.
    let old = sim(Version::V0_8_5);
    assert!(old
        .execute("getprhold map mpatha")
        .starts_with("multipath-tools v0.8.5"));
}
