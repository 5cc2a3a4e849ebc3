//! A map in use (open: mounted, or held by another device): `del map` and
//! `del maps` leave it in place and answer as each release does for
//! `DM_FLUSH_BUSY` — `fail\nmap or partition in use\n` on 0.11.1
//! (`uxlsnr.c` `default_reply`, `-EBUSY`), a plain `fail\n` on 0.8.5 and
//! 0.9.4, whose flush just returns 1.

mod common;

use std::io::{BufRead, BufReader};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ask, ask_once};
use mpd_sim::{Privilege, Sim, SimHandle, Version};

/// The reply to `del map`/`del maps` that meets a busy map.
fn busy_reply(v: Version) -> &'static [u8] {
    match v {
        Version::V0_11_1 | Version::V0_15_1 => b"fail\nmap or partition in use\n\0",
        _ => b"fail\n\0",
    }
}

fn sim(v: Version, maps: usize) -> SimHandle {
    Sim::builder()
        .version(v)
        .maps(maps)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .unwrap()
}

/// The exact payload of the reply, trailing NUL included.
fn raw_reply(sim: &SimHandle, command: &str) -> Vec<u8> {
    match ask(&mut common::connect(sim), command) {
        common::Answer::Reply(p) => p,
        other => panic!("{command}: {other:?}"),
    }
}

fn map_names(sim: &SimHandle) -> String {
    ask_once(sim, "show maps raw format %n")
}

#[test]
fn del_map_of_a_map_in_use_per_version() {
    for v in mpd_sim::version::ALL_VERSIONS {
        let sim = sim(v, 2);
        assert!(sim.set_map_in_use("mpatha", true), "{v}");
        let before = sim.state();
        assert_eq!(raw_reply(&sim, "del map mpatha"), busy_reply(v), "{v}");
        // Nothing changed: still listed, paths still in it, not suspended.
        assert_eq!(sim.state(), before, "{v}");
        assert_eq!(map_names(&sim), "mpatha\nmpathb\n", "{v}");
        assert_eq!(
            ask_once(&sim, "show paths raw format \"%d %m %t\""),
            "sda mpatha active\nsdb mpathb active\nsdc mpatha active\nsdd mpathb active\n",
            "{v}"
        );
        // Quoted and through the official spelling too.
        assert_eq!(
            raw_reply(&sim, "remove multipath \"mpatha\""),
            busy_reply(v),
            "{v}"
        );
        // The other map is not in use.
        assert_eq!(raw_reply(&sim, "del map mpathb"), b"ok\n\0", "{v}");
        assert_eq!(map_names(&sim), "mpatha\n", "{v}");
        // Once closed, it goes.
        assert!(sim.set_map_in_use("mpatha", false), "{v}");
        assert_eq!(raw_reply(&sim, "del map mpatha"), b"ok\n\0", "{v}");
        let empty = if v == Version::V0_8_5 { "" } else { "ok\n" };
        assert_eq!(map_names(&sim), empty, "{v}");
        assert_eq!(sim.state().path("sda").unwrap().dm_state, None, "{v}");
    }
}

#[test]
fn del_map_by_minor_on_0_11_1() {
    // 0.11.1 finds the map by `dm-N` as well (find_mp_by_str).
    let sim = sim(Version::V0_11_1, 2);
    sim.set_map_in_use("mpathb", true);
    assert_eq!(
        raw_reply(&sim, "del map dm-1"),
        busy_reply(Version::V0_11_1)
    );
    assert_eq!(map_names(&sim), "mpatha\nmpathb\n");
    // An unknown map is still "device not found", not "in use".
    assert_eq!(
        raw_reply(&sim, "del map nosuchmap"),
        b"fail\ndevice not found\n\0"
    );
}

#[test]
fn del_maps_flushes_the_others_and_fails() {
    for v in mpd_sim::version::ALL_VERSIONS {
        let sim = sim(v, 3);
        sim.set_map_in_use("mpathb", true);
        assert_eq!(raw_reply(&sim, "del maps"), busy_reply(v), "{v}");
        assert_eq!(map_names(&sim), "mpathb\n", "{v}");
        assert_eq!(
            ask_once(&sim, "show paths raw format \"%d %m\""),
            "sda [orphan]\nsdb mpathb\nsdc [orphan]\nsdd [orphan]\nsde mpathb\nsdf [orphan]\n",
            "{v}"
        );
        // Two in use: the same answer.
        assert_eq!(ask_once(&sim, "reconfigure"), "ok\n", "{v}");
        sim.set_map_in_use("mpathc", true);
        assert_eq!(raw_reply(&sim, "del maps"), busy_reply(v), "{v}");
        assert_eq!(map_names(&sim), "mpathb\nmpathc\n", "{v}");
        sim.set_map_in_use("mpathb", false);
        sim.set_map_in_use("mpathc", false);
        assert_eq!(raw_reply(&sim, "del maps"), b"ok\n\0", "{v}");
        assert!(sim.state().maps.is_empty(), "{v}");
    }
}

#[test]
fn in_use_survives_reconfigure_and_unknown_maps_are_refused() {
    let sim = sim(Version::V0_11_1, 2);
    assert!(!sim.set_map_in_use("nosuchmap", true));
    assert!(!sim.set_map_in_use("dm-0", true), "by name only");
    assert!(sim.set_map_in_use("mpatha", true));
    assert!(sim.state().map("mpatha").unwrap().in_use);
    assert!(!sim.state().map("mpathb").unwrap().in_use);
    // reconfigure reloads the device; its holders keep it open.
    assert_eq!(ask_once(&sim, "reconfigure"), "ok\n");
    assert!(sim.state().map("mpatha").unwrap().in_use);
    assert_eq!(
        raw_reply(&sim, "del map mpatha"),
        busy_reply(Version::V0_11_1)
    );
    // Other actions on an open map work as before.
    for cmd in [
        "suspend map mpatha",
        "resume map mpatha",
        "resize map mpatha",
        "reload map mpatha",
        "disablequeueing map mpatha",
        "restorequeueing map mpatha",
    ] {
        assert_eq!(ask_once(&sim, cmd), "ok\n", "{cmd}");
    }
    // In-process too (SimHandle::execute).
    assert_eq!(
        sim.execute("del map mpatha"),
        "fail\nmap or partition in use\n"
    );
}

#[test]
fn binary_in_use_flag() {
    let name = format!("@mpd-sim-in-use-test-{}", std::process::id());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpd-sim"))
        .args([
            "--socket",
            &name,
            "--version",
            "0.11.1",
            "--force-root",
            "--in-use",
            "mpatha",
            "--in-use=mpathb",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run mpd-sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, format!("listening on {name}\n"));
    let sa = SocketAddr::from_abstract_name(&name.as_bytes()[1..]).unwrap();
    let mut s = UnixStream::connect_addr(&sa).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        ask(&mut s, "del map mpatha").text(),
        "fail\nmap or partition in use\n"
    );
    assert_eq!(
        ask(&mut s, "del maps").text(),
        "fail\nmap or partition in use\n"
    );
    assert_eq!(
        ask(&mut s, "show maps raw format %n").text(),
        "mpatha\nmpathb\n"
    );
    assert_eq!(ask(&mut s, "shutdown").text(), "ok\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "mpd-sim did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }

    // A map the simulator does not have is an error before it listens.
    let out = Command::new(env!("CARGO_BIN_EXE_mpd-sim"))
        .args(["--socket", &name, "--maps", "1", "--in-use", "mpathb"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--in-use mpathb: no such map"));
}
