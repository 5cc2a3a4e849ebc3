//! `Client::remove_map` on a map that is open (the simulator's
//! `set_map_in_use`): `Error::MapInUse` where the daemon says so (0.10+,
//! here 0.11.1), a plain `CommandFailed` where it only answers `fail`
//! (0.8.5, 0.9.4). Either way the map is still there afterwards.

use mpd_client::{Client, Error};
use mpd_sim::{Privilege, Sim, SimHandle, Version};

fn start(v: Version) -> (SimHandle, Client) {
    let sim = Sim::builder()
        .version(v)
        .maps(2)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        // Root whoever runs the tests: del map needs it.
        .privilege(Privilege::Root)
        .start()
        .expect("simulator starts");
    let client = Client::connect_to(sim.address().as_str()).expect("client connects");
    (sim, client)
}

fn map_names(c: &mut Client) -> Vec<String> {
    c.list_maps().unwrap().into_iter().map(|m| m.name).collect()
}

#[test]
fn remove_map_in_use_is_map_in_use_on_0_11_1() {
    let (sim, mut c) = start(Version::V0_11_1);
    assert!(sim.set_map_in_use("mpatha", true));
    let e = c.remove_map("mpatha").unwrap_err();
    match &e {
        Error::MapInUse { command, reply } => {
            assert_eq!(command, "del map \"mpatha\"");
            assert_eq!(reply, "fail\nmap or partition in use\n");
        }
        other => panic!("expected MapInUse, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "\"del map \\\"mpatha\\\"\": map or partition in use"
    );
    assert_eq!(e.command(), Some("del map \"mpatha\""));
    assert_eq!(e.reply(), Some("fail\nmap or partition in use\n"));
    assert!(!e.is_not_found());
    // The connection is still usable and the map is still there.
    assert_eq!(map_names(&mut c), ["mpatha", "mpathb"]);
    // By its dm-N name too.
    assert!(matches!(c.remove_map("dm-0"), Err(Error::MapInUse { .. })));
    // Unknown maps stay "not found", not "in use".
    let e = c.remove_map("nosuchmap").unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    // Closed again, it goes.
    assert!(sim.set_map_in_use("mpatha", false));
    c.remove_map("mpatha").unwrap();
    assert_eq!(map_names(&mut c), ["mpathb"]);
}

#[test]
fn remove_map_in_use_is_a_plain_failure_before_0_10() {
    for v in [Version::V0_8_5, Version::V0_9_4] {
        let (sim, mut c) = start(v);
        assert!(sim.set_map_in_use("mpathb", true), "{v}");
        match c.remove_map("mpathb").unwrap_err() {
            Error::CommandFailed {
                command,
                message,
                reply,
            } => {
                assert_eq!(command, "del map \"mpathb\"", "{v}");
                assert_eq!(message, None, "{v}");
                assert_eq!(reply, "fail\n", "{v}");
            }
            other => panic!("{v}: expected CommandFailed, got {other:?}"),
        }
        assert_eq!(map_names(&mut c), ["mpatha", "mpathb"], "{v}");
        // The other map is not in use.
        c.remove_map("mpatha").unwrap();
        assert_eq!(map_names(&mut c), ["mpathb"], "{v}");
        sim.set_map_in_use("mpathb", false);
        c.remove_map("mpathb").unwrap();
        assert_eq!(map_names(&mut c), Vec::<String>::new(), "{v}");
    }
}

#[test]
fn other_operations_on_a_map_in_use_succeed() {
    for v in [Version::V0_8_5, Version::V0_9_4, Version::V0_11_1] {
        let (sim, mut c) = start(v);
        sim.set_map_in_use("mpatha", true);
        c.suspend_map("mpatha").unwrap();
        c.resume_map("mpatha").unwrap();
        c.resize_map("mpatha").unwrap();
        c.reload_map("mpatha").unwrap();
        c.disable_map_queuing("mpatha").unwrap();
        c.restore_map_queuing("mpatha").unwrap();
        c.reconfigure().unwrap();
        // Still open after reconfigure.
        assert!(c.remove_map("mpatha").is_err(), "{v}");
        assert_eq!(map_names(&mut c), ["mpatha", "mpathb"], "{v}");
    }
}
