//! Conformance against a live multipathd (0.8.5, 0.9.4, 0.11.1, 0.15.1 in
//! QEMU VMs).
//!
//! The tests below are `#[ignore]`d: a plain `cargo test` lists them as
//! ignored and prints a notice (test `real_daemon_not_run_notice`) that they
//! did not run. `tests/real/conformance` boots each release and runs them
//! with `--ignored`, setting:
//!
//! - `MPD_REAL_SOCKET`: a unix socket relayed to the daemon as root;
//! - `MPD_REAL_NONROOT_SOCKET`: the same daemon, seen from a non-root peer;
//! - `MPD_REAL_GUEST_SOCKET`: a shell inside the guest, as root (to hold a
//!   map open, to run the uevent probe; see tests/real/guest);
//! - `MPD_REAL_UEVENT_PROBE`: examples/uevent_probe built statically, run
//!   inside the guest;
//! - `MPD_REAL_SOCKET_PROBE`: examples/socket_probe built statically, run
//!   inside the guest (socket discovery, as root and as `nobody`);
//! - `MPD_REAL_VERSION`: the multipath-tools version in the guest;
//! - `MPD_REAL_LUNS`, `MPD_REAL_PATHS`: maps, and paths per map;
//! - `MPD_REAL_SPACE_ALIAS` (optional): the alias, containing a space, of
//!   the last map;
//! - `MPD_REAL_NO_PATH_RETRY` (optional): the guest's `no_path_retry`.
//!
//! Run with `--ignored` but without those variables, every test fails.
//!
//! The tests share one daemon: a lock runs them one at a time, each starts
//! by waiting until every map and path is back and healthy, and each puts
//! back what it changed (before asserting, where it can), so that one
//! failure does not cascade into the others.
//!
//! Where the releases differ, each is handled explicitly; see "Version
//! differences seen" in tests/real/README.md.

use std::io::Write;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mpd_client::{
    Client, Error, Event, HealthState, Map, MapDmState, Path, PathDmState, PathWant, PrStatus,
    RemoveOptions, WaitOptions, Watch, WatchOptions,
};
use mpd_proto::DaemonVersion;

/// Printed by a plain `cargo test`, straight to stderr (libtest captures
/// only `print!`/`eprint!`), so that it shows without `--nocapture`.
#[test]
fn real_daemon_not_run_notice() {
    if std::env::var_os("MPD_REAL_SOCKET").is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTICE: the conformance suite against a real multipathd \
             (crates/mpd-client/tests/real_daemon.rs) was NOT run: \
             MPD_REAL_SOCKET is unset. Run tests/real/conformance \
             (boots 0.8.5, 0.9.4, 0.11.1 and 0.15.1 in QEMU).\n"
        );
    }
}

const V0_9: DaemonVersion = DaemonVersion::new(0, 9, 0);
const V0_10: DaemonVersion = DaemonVersion::new(0, 10, 0);
const V0_12: DaemonVersion = DaemonVersion::new(0, 12, 0);
const V0_13: DaemonVersion = DaemonVersion::new(0, 13, 0);
const V0_13_1: DaemonVersion = DaemonVersion::new(0, 13, 1);

/// Long enough for anything the daemon does on its own (uevents, reloads,
/// the checker) in a slow emulated guest.
const SLOW: Duration = Duration::from_secs(60);

/// How long the daemon must look settled before a test starts.
const STABLE: Duration = Duration::from_secs(1);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run this suite through tests/real/conformance, \
             which boots a real multipathd"
        )
    })
}

fn env_count(name: &str) -> usize {
    env(name).parse().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn client(var: &str) -> Client {
    Client::builder()
        .address(env(var).as_str())
        .timeout(Duration::from_secs(20))
        .connect()
        .unwrap_or_else(|e| panic!("{var}: {e}"))
}

/// Runs a shell command inside the guest, as root, through its shell
/// socket (`MPD_REAL_GUEST_SOCKET`, see tests/real/guest); its exit status
/// and output.
fn guest(command: &str) -> (i32, String) {
    use std::io::Read;
    let mut s = std::os::unix::net::UnixStream::connect(env("MPD_REAL_GUEST_SOCKET"))
        .expect("the guest's shell socket");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "{command}\necho \"MPD-GUEST-STATUS $?\"\nexit\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("the guest's output");
    let status = out
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("MPD-GUEST-STATUS "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no status from the guest for {command:?}: {out:?}"));
    let text = out
        .lines()
        .filter(|l| !l.starts_with("MPD-GUEST-STATUS "))
        .collect::<Vec<_>>()
        .join("\n");
    (status, text)
}

/// One test's view of the daemon.
struct Daemon {
    _lock: MutexGuard<'static, ()>,
    c: Client,
    version: DaemonVersion,
    luns: usize,
    paths: usize,
    space_alias: Option<String>,
    no_path_retry: Option<String>,
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Takes the daemon for one test, once every map and path is back.
fn daemon(test: &str) -> Daemon {
    let lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let version: DaemonVersion = env("MPD_REAL_VERSION").parse().unwrap();
    eprintln!("== {test} (multipathd {version})");
    let mut d = Daemon {
        _lock: lock,
        c: client("MPD_REAL_SOCKET"),
        version,
        luns: env_count("MPD_REAL_LUNS"),
        paths: env_count("MPD_REAL_PATHS"),
        space_alias: std::env::var("MPD_REAL_SPACE_ALIAS").ok(),
        no_path_retry: std::env::var("MPD_REAL_NO_PATH_RETRY").ok(),
    };
    assert_eq!(d.c.daemon_version().unwrap(), version);
    d.settled();
    d
}

/// Polls `f` until it returns true or `limit` passes.
fn eventually(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("  {what}: after {:.1}s", start.elapsed().as_secs_f64());
}

fn find<'a>(paths: &'a [Path], dev: &str) -> Option<&'a Path> {
    paths.iter().find(|p| p.device == dev)
}

fn healthy(p: &Path) -> bool {
    p.dm_state.as_ref().map(|s| s.as_str()) == Some("active")
        && p.checker_state.as_ref().map(|s| s.as_str()) == Some("ready")
}

impl Daemon {
    /// Waits until every map and path is listed and healthy and the daemon
    /// is idle, and stays so for [`STABLE`]: right after a change the
    /// daemon may still drop and re-add a map on the uevents that follow
    /// (0.9.4 seen after add path).
    fn settled(&mut self) {
        let (luns, paths) = (self.luns, self.paths);
        let c = &mut self.c;
        let mut since: Option<Instant> = None;
        eventually("every map and path back, healthy and stable", SLOW, || {
            let good = match (c.list_maps(), c.list_paths(), c.map_status()) {
                (Ok(ms), Ok(ps), Ok(st)) => {
                    ms.len() == luns
                        && ms.iter().all(|m| m.active_paths == Some(paths as u32))
                        && ps.len() == luns * paths
                        && ps.iter().all(healthy)
                        && st
                            .iter()
                            .all(|s| s.dm_state.as_ref().map(|s| s.as_str()) == Some("active"))
                        && c.status().map(|s| !s.busy).unwrap_or(false)
                }
                _ => false,
            };
            if !good {
                since = None;
                return false;
            }
            since.get_or_insert_with(Instant::now).elapsed() >= STABLE
        });
    }

    /// A map named without a space, and one of its paths.
    fn map_and_path(&mut self) -> (String, String) {
        let maps = self.c.list_maps().unwrap();
        let map = maps
            .iter()
            .map(|m| &m.name)
            .find(|n| Some(*n) != self.space_alias.as_ref())
            .expect("a map without a space in its name")
            .clone();
        let dev = self
            .c
            .list_paths()
            .unwrap()
            .into_iter()
            .find(|p| p.map.as_deref() == Some(&map))
            .unwrap()
            .device;
        eprintln!("  using map {map:?}, path {dev}");
        (map, dev)
    }

    fn status(&mut self, map: &str) -> mpd_client::MapStatus {
        self.c
            .map_status()
            .unwrap()
            .into_iter()
            .find(|s| s.name == map)
            .unwrap_or_else(|| panic!("{map:?} not in show maps status"))
    }

    fn stats(&mut self, map: &str) -> mpd_client::MapStats {
        self.c
            .map_stats()
            .unwrap()
            .into_iter()
            .find(|s| s.name == map)
            .unwrap_or_else(|| panic!("{map:?} not in show maps stats"))
    }

    /// The checker interval: `max_polling_interval` from `show config`
    /// (the interval of a path that stays healthy grows up to it), plus one
    /// `polling_interval` of slack for the emulated guest.
    fn checker_interval(&mut self) -> Duration {
        let config = self.c.config().unwrap();
        let value = |key: &str| {
            config.lines().find_map(|l| {
                l.trim()
                    .strip_prefix(key)?
                    .strip_prefix(' ')?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
        };
        let polling = value("polling_interval").expect("polling_interval in show config");
        let max = value("max_polling_interval").unwrap_or(4 * polling);
        Duration::from_secs(max + polling)
    }

    /// The value `show maps status` gives a map's queueing after a restore:
    /// with `no_path_retry N` configured and paths up, "N chk". Without it,
    /// restore on every release leaves "off": `select_no_path_retry` sets
    /// the value only from the configuration and keeps the disabled one.
    fn restored_queueing(&self, before: &str) -> String {
        match &self.no_path_retry {
            Some(n) if n.parse::<u32>().is_ok() => {
                assert_eq!(before, format!("{n} chk"), "no_path_retry {n}");
                before.to_owned()
            }
            Some(q) if q == "queue" => {
                assert_eq!(before, "on");
                before.to_owned()
            }
            Some(other) => panic!("MPD_REAL_NO_PATH_RETRY={other}: not handled"),
            None => {
                assert_eq!(before, "-", "no no_path_retry configured");
                "off".to_owned()
            }
        }
    }
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn lists_agree_with_each_other_and_with_show_topology() {
    let mut d = daemon("lists agree with each other and with show topology");
    let c = &mut d.c;
    let paths = c.list_paths().unwrap();
    let maps = c.list_maps().unwrap();
    let topo = c.topology().unwrap();
    let text = c.topology_text().unwrap();
    assert_eq!(maps.len(), d.luns);
    assert_eq!(paths.len(), d.luns * d.paths);
    assert_eq!(topo.maps.len(), maps.len());
    assert_eq!(text.maps.len(), maps.len());
    assert_eq!(topo.paths().count(), paths.len());
    assert_eq!(text.paths().count(), paths.len());
    for m in &maps {
        let t = topo
            .map(&m.name)
            .unwrap_or_else(|| panic!("{} not in show maps json", m.name));
        let tt = text
            .map(&m.name)
            .unwrap_or_else(|| panic!("{} not in show topology", m.name));
        let one = c.map_topology(&m.name).unwrap();
        assert_eq!(one.uuid, t.uuid);
        assert!(m.uuid.is_some() && m.device.is_some(), "{m:?}");
        assert_eq!((&m.uuid, &m.device), (&t.uuid, &t.device));
        assert_eq!((&tt.uuid, &tt.device), (&t.uuid, &t.device));
        assert_eq!(m.size, tt.size);
        let in_groups: usize = t.path_groups.iter().map(|g| g.paths.len()).sum();
        assert_eq!(m.active_paths, Some(in_groups as u32));
        assert_eq!(t.path_groups.len(), tt.path_groups.len());
        for (g, tg) in t.path_groups.iter().zip(&tt.path_groups) {
            assert_eq!((&g.selector, g.priority), (&tg.selector, tg.priority));
            assert_eq!(g.paths.len(), tg.paths.len());
            for (p, tp) in g.paths.iter().zip(&tg.paths) {
                assert_eq!(p.device, tp.device);
                let lp = find(&paths, &p.device)
                    .unwrap_or_else(|| panic!("{} not in list_paths", p.device));
                assert_eq!(lp.map.as_deref(), Some(m.name.as_str()));
                assert_eq!(lp.uuid, m.uuid);
                assert_eq!((Some(lp.major), Some(lp.minor)), (p.major, p.minor));
                assert_eq!((tp.major, tp.minor), (p.major, p.minor));
                assert_eq!(lp.hcil, tp.hcil);
                assert_eq!(lp.dm_state, p.dm_state);
                assert_eq!(lp.checker_state, p.checker_state);
                assert_eq!(lp.priority, g.priority);
            }
        }
    }
    let status = c.status().unwrap();
    assert_eq!(status.paths as usize, paths.len());
    assert_eq!(
        status.checker_states.get("up").copied(),
        Some(paths.len() as u64)
    );
    assert!(c.daemon_state().unwrap().pid > 1);
    let names = |v: Vec<String>| {
        let mut v = v;
        v.sort();
        v
    };
    assert_eq!(
        names(
            c.map_status()
                .unwrap()
                .into_iter()
                .map(|s| s.name)
                .collect()
        ),
        names(maps.iter().map(|m| m.name.clone()).collect())
    );
    assert_eq!(
        names(c.map_stats().unwrap().into_iter().map(|s| s.name).collect()),
        names(maps.iter().map(|m| m.name.clone()).collect())
    );
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn fail_path_is_failed_within_the_checker_interval_and_reinstate_path_active_again() {
    let mut d = daemon("fail_path then failed, reinstate_path then active again");
    let (map, dev) = d.map_and_path();
    let interval = d.checker_interval();
    let faults = d.stats(&map).path_faults;
    eprintln!("  checker interval (with slack): {interval:?}");

    d.c.fail_path(&dev).unwrap();
    let c = &mut d.c;
    let mut seen = None;
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        eventually("path failed", interval, || {
            let ps = c.list_paths().unwrap();
            let p = find(&ps, &dev).unwrap().clone();
            let in_topology = c
                .map_topology(&map)
                .unwrap()
                .path_groups
                .iter()
                .flat_map(|g| &g.paths)
                .find(|tp| tp.device == dev)
                .and_then(|tp| tp.dm_state.clone());
            let done =
                p.dm_state == Some(PathDmState::Failed) && in_topology == Some(PathDmState::Failed);
            seen = Some(p);
            done
        })
    }));
    // Reinstate in any case, so that the other tests find the path healthy.
    let reinstated = d.c.reinstate_path(&dev);
    if let Err(e) = failed {
        eprintln!("  last seen: {seen:?}");
        std::panic::resume_unwind(e);
    }
    reinstated.unwrap();
    let c = &mut d.c;
    eventually("path active and ready again", interval, || {
        let ps = c.list_paths().unwrap();
        healthy(find(&ps, &dev).unwrap())
    });
    // Not asserted: whether the failure is counted depends on timing (on
    // 0.11.1 a second fail/reinstate of the same path left path_faults at 1;
    // the daemon counts it when its dm event handler, not the operator,
    // marks the path down).
    eprintln!(
        "  path_faults {faults:?} -> {:?}",
        d.stats(&map).path_faults
    );
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn suspend_and_resume_show_in_map_status() {
    let mut d = daemon("suspend_map/resume_map in map status");
    let (map, _) = d.map_and_path();
    let before = d.status(&map).dm_state;
    d.c.suspend_map(&map).unwrap();
    let suspended = d.status(&map);
    let others: Vec<_> =
        d.c.map_status()
            .unwrap()
            .into_iter()
            .filter(|s| s.name != map)
            .map(|s| s.dm_state)
            .collect();
    let listed = d.c.list_maps().unwrap();
    d.c.resume_map(&map).unwrap();
    let resumed = d.status(&map).dm_state;

    assert_eq!(before, Some(MapDmState::Active));
    assert_eq!(
        suspended.dm_state.as_ref().map(|s| s.as_str()),
        Some("suspend")
    );
    let m = listed.iter().find(|m| m.name == map).unwrap();
    assert_eq!(
        m.dm_state.as_ref().map(|s| s.as_str()),
        Some("suspend"),
        "list_maps: {m:?}"
    );
    assert!(
        others.iter().all(|s| *s == Some(MapDmState::Active)),
        "only {map} is suspended: {others:?}"
    );
    assert_eq!(resumed, Some(MapDmState::Active));
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn queueing_per_map_and_on_all_maps_shows_in_map_status() {
    let mut d = daemon("disable/restore queueing per map and on all maps");
    let (map, _) = d.map_and_path();
    let queueing = |d: &mut Daemon| -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> =
            d.c.map_status()
                .unwrap()
                .into_iter()
                .map(|s| (s.name, s.queueing.map(|q| q.to_string())))
                .collect();
        v.sort();
        v
    };
    let before = queueing(&mut d);
    eprintln!("  before: {before:?}");
    let restored: Vec<_> = before
        .iter()
        .map(|(n, q)| (n.clone(), Some(d.restored_queueing(q.as_deref().unwrap()))))
        .collect();

    d.c.disable_map_queuing(&map).unwrap();
    let one_off = queueing(&mut d);
    let listed = d.c.list_maps().unwrap();
    d.c.restore_map_queuing(&map).unwrap();
    let one_back = queueing(&mut d);
    d.c.disable_queuing().unwrap();
    let all_off = queueing(&mut d);
    d.c.restore_queuing().unwrap();
    let all_back = queueing(&mut d);
    eprintln!("  {map} off: {one_off:?}\n  restored: {one_back:?}");
    eprintln!("  all off: {all_off:?}\n  restored: {all_back:?}");

    for ((name, q), (_, was)) in one_off.iter().zip(&before) {
        if *name == map {
            assert_eq!(q.as_deref(), Some("off"));
        } else {
            assert_eq!(q, was, "{name} changed with {map}");
        }
    }
    let m: &Map = listed.iter().find(|m| m.name == map).unwrap();
    assert_eq!(
        m.queueing.as_ref().map(|q| q.to_string()).as_deref(),
        Some("off"),
        "list_maps: {m:?}"
    );
    for ((name, q), (_, r)) in one_back.iter().zip(&restored) {
        if *name == map {
            assert_eq!(q, r, "{name} after restore_map_queuing");
        } else {
            assert_eq!(q, &before.iter().find(|b| b.0 == *name).unwrap().1);
        }
    }
    assert!(
        all_off.iter().all(|(_, q)| q.as_deref() == Some("off")),
        "{all_off:?}"
    );
    assert_eq!(all_back, restored, "after restore_queuing");
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn resize_reset_reload_reconfigure_succeed() {
    let mut d = daemon("resize_map, reset_map, reload_map, reconfigure");
    let (map, _) = d.map_and_path();
    let size = d.status(&map);
    let loads = d.stats(&map).map_loads.expect("map_loads");
    d.c.resize_map(&map).unwrap();
    d.c.reset_map(&map).unwrap();
    d.c.reload_map(&map).unwrap();
    let after = d.stats(&map).map_loads.expect("map_loads");
    assert_eq!(after, loads + 1, "reload_map loads the table once more");
    let listed = d.c.list_maps().unwrap();
    assert!(listed.iter().any(|m| m.name == map));
    assert_eq!(d.status(&map).dm_state, size.dm_state);

    let pid = d.c.daemon_state().unwrap().pid;
    d.c.reconfigure().unwrap();
    d.settled();
    match d.c.reconfigure_all() {
        Ok(()) => assert!(d.version >= V0_9, "0.8 has no reconfigure all"),
        Err(Error::UnknownCommand { version: v, .. }) if d.version < V0_9 => {
            assert_eq!(v, Some(d.version), "the version in the help text");
        }
        Err(e) => panic!("reconfigure all on {}: {e}", d.version),
    }
    d.settled();
    assert_eq!(d.c.daemon_state().unwrap().pid, pid, "same daemon");
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn remove_path_and_add_path_change_the_lists() {
    let mut d = daemon("remove_path/add_path");
    let (map, dev) = d.map_and_path();
    let per_map = d.paths as u32;
    d.c.remove_path(&dev).unwrap();
    let c = &mut d.c;
    let gone = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        eventually("path gone from list_paths and the map", SLOW, || {
            let ps = c.list_paths().unwrap();
            let ms = c.list_maps().unwrap();
            let t = c.map_topology(&map).unwrap();
            find(&ps, &dev).is_none()
                && ms.iter().find(|m| m.name == map).unwrap().active_paths == Some(per_map - 1)
                && !t
                    .path_groups
                    .iter()
                    .flat_map(|g| &g.paths)
                    .any(|p| p.device == dev)
        })
    }));
    let added = d.c.add_path(&dev);
    if let Err(e) = gone {
        std::panic::resume_unwind(e);
    }
    added.unwrap();
    let c = &mut d.c;
    eventually("path back in list_paths and the map", SLOW, || {
        let ps = c.list_paths().unwrap();
        let ms = c.list_maps().unwrap();
        find(&ps, &dev).is_some_and(|p| p.map.as_deref() == Some(&map))
            && ms.iter().find(|m| m.name == map).unwrap().active_paths == Some(per_map)
    });
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn remove_map_and_add_map_change_the_lists() {
    let mut d = daemon("remove_map/add_map");
    let (map, _) = d.map_and_path();
    let uuid = d.c.map_topology(&map).unwrap().uuid;
    // Right after a reload udev may still hold the map open: the daemon
    // then answers fail (0.9.4 seen); retry briefly.
    let c = &mut d.c;
    let mut removed = None;
    eventually("map removed from list_maps", SLOW, || {
        if removed.is_none() {
            match c.remove_map(&map) {
                Ok(()) => removed = Some(()),
                Err(Error::CommandFailed { .. } | Error::MapInUse { .. }) => return false,
                Err(e) => panic!("remove map: {e}"),
            }
        }
        let ms = c.list_maps().unwrap();
        !ms.iter().any(|m| m.name == map || m.uuid == uuid)
    });
    // Its paths stay, without a map.
    let orphans: Vec<_> =
        d.c.list_paths()
            .unwrap()
            .into_iter()
            .filter(|p| p.uuid == uuid)
            .collect();
    assert_eq!(orphans.len(), d.paths, "{orphans:?}");
    assert!(orphans.iter().all(|p| p.map.is_none()), "{orphans:?}");
    assert!(d.c.topology().unwrap().map(&map).is_none());

    match d.c.add_map(&map) {
        Ok(()) => assert!(d.version >= V0_9, "0.8 cannot re-create a removed map"),
        // 0.8 only adopts maps that exist in device-mapper; a reconfigure
        // creates it again.
        Err(Error::CommandFailed { .. }) if d.version < V0_9 => {
            eprintln!("  {}: add map fails, reconfigure instead", d.version);
            d.c.reconfigure().unwrap();
        }
        Err(e) => panic!("add map on {}: {e}", d.version),
    }
    let c = &mut d.c;
    eventually("map back in list_maps", SLOW, || {
        c.list_maps()
            .map(|ms| ms.iter().any(|m| m.name == map && m.uuid == uuid))
            .unwrap_or(false)
    });
    d.settled();
    let ps = d.c.list_paths().unwrap();
    assert!(
        ps.iter()
            .filter(|p| p.uuid == uuid)
            .all(|p| p.map.as_deref() == Some(&map)),
        "{ps:?}"
    );
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn jobs_health_waits_and_safe_removal() {
    let mut d = daemon("jobs: health, waits, safe removal");
    let (map, dev) = d.map_and_path();
    let interval = d.checker_interval();
    assert!(d.c.health().unwrap().all_healthy());
    assert_eq!(d.c.map_health(&map).unwrap().state, HealthState::Healthy);

    // fail: the path is failed at once, the map degraded with it down.
    d.c.fail_path(&dev).unwrap();
    let failed =
        d.c.wait_for_path(&dev, &PathWant::failed(), &WaitOptions::timeout(interval));
    let degraded = d.c.map_health(&map);
    d.c.reinstate_path(&dev).unwrap();
    let failed = failed.unwrap();
    assert_eq!(failed.dm_state, Some(PathDmState::Failed));
    let degraded = degraded.unwrap();
    assert_eq!(degraded.state, HealthState::Degraded, "{degraded:?}");
    assert_eq!(degraded.total_paths as usize, d.paths);
    assert!(
        degraded.down_paths.iter().any(|p| p.device == dev),
        "{degraded:?}"
    );

    // reinstate: back up within the checker interval, the map healthy.
    let t = Instant::now();
    d.c.wait_for_path(&dev, &PathWant::up(), &WaitOptions::timeout(2 * interval))
        .unwrap();
    eprintln!("  {dev} up again after {:.1}s", t.elapsed().as_secs_f64());
    let c = &mut d.c;
    eventually("map healthy again", interval, || {
        c.map_health(&map).unwrap().state == HealthState::Healthy
    });
    d.c.wait_settled(Duration::from_secs(1), &WaitOptions::timeout(SLOW))
        .unwrap();

    // Safe removal of a map nobody holds open, then add map (0.9+; 0.8
    // re-creates it at reconfigure) and wait for it with all its paths.
    let uuid = d.c.map_topology(&map).unwrap().uuid.unwrap();
    let r =
        d.c.remove_map_safely(
            &map,
            &RemoveOptions {
                timeout: SLOW,
                ..RemoveOptions::default()
            },
        )
        .unwrap();
    eprintln!("  removed {map}: {r:?}");
    assert!(r.attempts >= 1 && !r.already_gone && r.queueing_disabled);
    assert!(d.c.list_maps().unwrap().iter().all(|m| m.name != map));
    let again =
        d.c.remove_map_safely(&map, &RemoveOptions::default())
            .unwrap();
    assert!(again.already_gone, "{again:?}");
    if d.version >= V0_9 {
        d.c.add_map(&map).unwrap();
    } else {
        d.c.reconfigure().unwrap();
    }
    let m =
        d.c.wait_for_map(&uuid, d.paths as u32, &WaitOptions::timeout(SLOW))
            .unwrap();
    assert_eq!(m.name, map);
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn watch_reports_a_failure_and_the_reinstatement() {
    let mut d = daemon("watch: fail and reinstate");
    let (map, dev) = d.map_and_path();
    let interval = d.checker_interval();
    let mut w = Watch::new(
        client("MPD_REAL_SOCKET"),
        WatchOptions {
            interval: Duration::from_millis(500),
            ..WatchOptions::default()
        },
    );
    // The first poll is the baseline: no event.
    assert_eq!(w.next_event(Duration::from_millis(100)).unwrap(), None);

    /// Events until `done` holds for the events seen, or `limit` passes.
    fn until(w: &mut Watch, limit: Duration, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
        let start = Instant::now();
        let mut seen = Vec::new();
        while !done(&seen) {
            let left = limit.saturating_sub(start.elapsed());
            assert!(!left.is_zero(), "not within {limit:?}: {seen:#?}");
            if let Some(e) = w.next_event(left).unwrap() {
                eprintln!("  {:.1}s {e}", start.elapsed().as_secs_f64());
                seen.push(e);
            }
        }
        seen
    }
    let state_of = |seen: &[Event], dm: PathDmState| {
        seen.iter().any(|e| {
            matches!(e, Event::PathStateChanged { device, new_dm_state, .. }
                if *device == dev && new_dm_state.as_ref() == Some(&dm))
        })
    };
    let health_of = |seen: &[Event], h: HealthState| {
        seen.iter().any(
            |e| matches!(e, Event::MapHealthChanged { map: m, new, .. } if *m == map && *new == h),
        )
    };

    d.c.fail_path(&dev).unwrap();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        until(&mut w, interval, |seen| {
            state_of(seen, PathDmState::Failed) && health_of(seen, HealthState::Degraded)
        })
    }));
    d.c.reinstate_path(&dev).unwrap();
    if let Err(e) = failed {
        std::panic::resume_unwind(e);
    }
    until(&mut w, 2 * interval, |seen| {
        state_of(seen, PathDmState::Active) && health_of(seen, HealthState::Healthy)
    });
    assert!(w.listings_sent() >= 2);
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn a_map_held_open_in_the_guest_is_in_use_until_released() {
    let mut d = daemon("remove_map of a map held open in the guest");
    let (map, _) = d.map_and_path();
    let dm =
        d.c.list_maps()
            .unwrap()
            .into_iter()
            .find(|m| m.name == map)
            .unwrap();
    let dm = dm.device.expect("the map's dm device");
    let (status, out) = guest(&format!(
        "setsid sh -c 'exec 3</dev/{dm}; echo $$ >/run/mpd-holder.pid; exec sleep 600' \
         >/dev/null 2>&1 </dev/null & sleep 1; cat /run/mpd-holder.pid"
    ));
    assert_eq!(status, 0, "holding /dev/{dm} open: {out}");
    eprintln!("  /dev/{dm} ({map}) held open by pid {}", out.trim());
    let v = d.version;
    let held = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // 0.10+ say why; earlier releases answer a bare "fail".
        match d.c.remove_map(&map) {
            Err(Error::MapInUse { .. }) if v >= V0_10 => {}
            Err(Error::CommandFailed { message: None, .. }) if v < V0_10 => {}
            other => panic!("remove_map of an open map on {v}: {other:?}"),
        }
        assert!(d.c.list_maps().unwrap().iter().any(|m| m.name == map));
        let opts = RemoveOptions {
            timeout: Duration::from_secs(3),
            interval: Duration::from_millis(250),
            ..RemoveOptions::default()
        };
        match d.c.remove_map_safely(&map, &opts) {
            Err(Error::WaitTimeout { last, .. }) => match *last {
                mpd_client::LastSeen::Removal { removal } => {
                    eprintln!("  safe removal while held: {removal:?}");
                    assert!(removal.attempts >= 2, "{removal:?}");
                    assert!(removal.queueing_disabled && removal.queueing_restored);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("remove_map_safely of an open map on {v}: {other:?}"),
        }
        assert!(d.c.list_maps().unwrap().iter().any(|m| m.name == map));
    }));
    let (status, out) = guest("kill $(cat /run/mpd-holder.pid) && rm /run/mpd-holder.pid");
    if let Err(e) = held {
        std::panic::resume_unwind(e);
    }
    assert_eq!(status, 0, "releasing /dev/{dm}: {out}");

    // Released: the safe removal succeeds; then the map comes back.
    let r =
        d.c.remove_map_safely(
            &map,
            &RemoveOptions {
                timeout: SLOW,
                ..RemoveOptions::default()
            },
        )
        .unwrap();
    eprintln!("  removed once released: {r:?}");
    assert!(d.c.list_maps().unwrap().iter().all(|m| m.name != map));
    if v >= V0_9 {
        d.c.add_map(&map).unwrap();
    } else {
        d.c.reconfigure().unwrap();
    }
    d.c.wait_for_map(&map, d.paths as u32, &WaitOptions::timeout(SLOW))
        .unwrap();
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn uevents_wake_the_watch_inside_the_guest() {
    let mut d = daemon("the watch's uevent wake-up, inside the guest");
    let (_, dev) = d.map_and_path();
    // examples/uevent_probe, built statically by tests/real/conformance,
    // copied in through the guest's shell.
    let probe = env("MPD_REAL_UEVENT_PROBE");
    let b64 = std::process::Command::new("base64")
        .arg(&probe)
        .output()
        .expect("base64 runs");
    assert!(b64.status.success(), "base64 {probe}");
    let b64 = String::from_utf8(b64.stdout).unwrap();
    let (status, out) = guest(&format!(
        "base64 -d >/tmp/uevent_probe <<'MPD_EOF'\n{b64}MPD_EOF\n\
         chmod +x /tmp/uevent_probe && \
         /tmp/uevent_probe @/org/kernel/linux/storage/multipathd {dev}"
    ));
    eprintln!("{}", out.trim_end());
    assert_eq!(status, 0, "uevent_probe in the guest: {out}");
    assert!(out.contains("uevents_active=true"), "{out}");
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn operations_on_a_missing_map_or_path_fail_typed() {
    let mut d = daemon("operations on a missing map or path");
    let v = d.version;
    let c = &mut d.c;
    let (m, p) = ("nosuchmap", "nosuchpath");
    // (what, result, 0.10+ add "device not found": NotFound). 0.8.5 and
    // 0.9.4 answer a bare "fail" (CommandFailed) to all of them; 0.11.1
    // says why for most, not for suspend, resume, reset (reassign), add map
    // and switchgroup.
    let cases: Vec<(&str, Result<(), Error>, bool)> = vec![
        ("fail_path", c.fail_path(p), true),
        ("reinstate_path", c.reinstate_path(p), true),
        ("remove_path", c.remove_path(p), true),
        ("path_state", c.path_state(p).map(drop), true),
        ("set_marginal", c.set_marginal(p), true),
        ("unset_marginal", c.unset_marginal(p), true),
        ("suspend_map", c.suspend_map(m), false),
        ("resume_map", c.resume_map(m), false),
        ("resize_map", c.resize_map(m), true),
        ("reset_map", c.reset_map(m), false),
        ("reload_map", c.reload_map(m), true),
        ("remove_map", c.remove_map(m), true),
        ("add_map", c.add_map(m), false),
        ("disable_map_queuing", c.disable_map_queuing(m), true),
        ("restore_map_queuing", c.restore_map_queuing(m), true),
        ("switch_group", c.switch_group(m, 1), false),
        ("map_topology", c.map_topology(m).map(drop), true),
        ("unset_map_marginal", c.unset_map_marginal(m), true),
        ("reset_map_stats", c.reset_map_stats(m), true),
        ("pr_status", c.pr_status(m).map(drop), true),
    ];
    let mut wrong = Vec::new();
    for (what, r, says_not_found) in cases {
        // NotFound where the daemon says "device not found", a bare
        // CommandFailed everywhere else.
        let ok = match &r {
            Err(Error::NotFound { .. }) => says_not_found && v >= V0_10,
            Err(Error::CommandFailed { message: None, .. }) => !(says_not_found && v >= V0_10),
            _ => false,
        };
        if !ok {
            wrong.push(format!("{what}: {r:?}"));
        }
    }
    match c.add_path(p) {
        Err(Error::Blacklisted { .. }) => {}
        r => wrong.push(format!("add_path: {r:?}")),
    }
    assert!(wrong.is_empty(), "on {v}:\n{}", wrong.join("\n"));
    // And nothing changed.
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn nonroot_peer_is_denied_every_action_and_can_still_list() {
    let mut d = daemon("non-root peer");
    let (map, dev) = d.map_and_path();
    let maps = d.c.list_maps().unwrap();
    let paths = d.c.list_paths().unwrap();
    let mut u = client("MPD_REAL_NONROOT_SOCKET");

    // Reading works, and sees what root sees.
    assert_eq!(u.daemon_version().unwrap(), d.version);
    assert_eq!(u.list_maps().unwrap(), maps);
    let mut up = u.list_paths().unwrap();
    let mut rp = paths.clone();
    // next_check is not in the list; the states may move between the calls.
    for p in up.iter_mut().chain(rp.iter_mut()) {
        p.checker_state = None;
        p.dm_state = None;
    }
    assert_eq!(up, rp);
    assert_eq!(u.topology().unwrap().maps.len(), maps.len());
    assert_eq!(u.topology_text().unwrap().maps.len(), maps.len());
    assert_eq!(u.map_topology(&map).unwrap().name, map);
    assert_eq!(u.map_status().unwrap().len(), maps.len());
    assert_eq!(u.map_stats().unwrap().len(), maps.len());
    assert_eq!(u.status().unwrap().paths as usize, paths.len());
    assert!(u.daemon_state().unwrap().pid > 1);
    assert!(u.config().unwrap().contains("polling_interval"));
    u.path_state(&dev).unwrap();

    // Every action (and the pr queries, which are not list/show) is refused
    // before it does anything, on every release. 0.8.5 checks the peer
    // before parsing the command, so even its unknown "reconfigure all" is
    // refused; 0.9+ parse first, and know all of these.
    let denied: Vec<(&str, Result<(), Error>)> = vec![
        ("reconfigure", u.reconfigure()),
        ("reconfigure_all", u.reconfigure_all()),
        ("add_path", u.add_path(&dev)),
        ("remove_path", u.remove_path(&dev)),
        ("add_map", u.add_map(&map)),
        ("remove_map", u.remove_map(&map)),
        ("suspend_map", u.suspend_map(&map)),
        ("resume_map", u.resume_map(&map)),
        ("resize_map", u.resize_map(&map)),
        ("reset_map", u.reset_map(&map)),
        ("reload_map", u.reload_map(&map)),
        ("fail_path", u.fail_path(&dev)),
        ("reinstate_path", u.reinstate_path(&dev)),
        ("disable_map_queuing", u.disable_map_queuing(&map)),
        ("disable_queuing", u.disable_queuing()),
        ("restore_map_queuing", u.restore_map_queuing(&map)),
        ("restore_queuing", u.restore_queuing()),
        ("switch_group", u.switch_group(&map, 1)),
        ("set_marginal", u.set_marginal(&dev)),
        ("unset_marginal", u.unset_marginal(&dev)),
        ("unset_map_marginal", u.unset_map_marginal(&map)),
        ("force_queuing_daemon", u.force_queuing_daemon()),
        ("restore_queuing_daemon", u.restore_queuing_daemon()),
        ("reset_maps_stats", u.reset_maps_stats()),
        ("reset_map_stats", u.reset_map_stats(&map)),
        ("pr_status", u.pr_status(&map).map(drop)),
        ("set_pr_status", u.set_pr_status(&map)),
        ("unset_pr_status", u.unset_pr_status(&map)),
        ("pr_key", u.pr_key(&map).map(drop)),
        ("set_pr_key", u.set_pr_key(&map, "0x1")),
        ("unset_pr_key", u.unset_pr_key(&map)),
        ("shutdown", u.shutdown()),
    ];
    let wrong: Vec<_> = denied
        .into_iter()
        .filter(|(_, r)| !matches!(r, Err(Error::PermissionDenied { .. })))
        .map(|(what, r)| format!("{what}: {r:?}"))
        .collect();
    assert!(wrong.is_empty(), "on {}:\n{}", d.version, wrong.join("\n"));

    // Still listing after all the refusals, and nothing changed.
    assert_eq!(u.list_maps().unwrap().len(), maps.len());
    let now = d.c.list_paths().unwrap();
    assert_eq!(now.len(), paths.len());
    assert!(now.iter().all(healthy), "{now:?}");
    assert!(d.c.daemon_state().unwrap().pid > 1, "still running");
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn a_map_alias_with_a_space_is_addressed_by_name() {
    let mut d = daemon("a map alias with a space");
    let Some(alias) = d.space_alias.clone() else {
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: MPD_REAL_SPACE_ALIAS is unset: the test of an alias with a space was \
             NOT run (start the guest with --space-alias)"
        );
        return;
    };
    assert!(alias.contains(' '));
    let ms = d.c.list_maps().unwrap();
    let m = ms
        .iter()
        .find(|m| m.name == alias)
        .unwrap_or_else(|| panic!("{alias:?} not listed: {ms:?}"))
        .clone();
    assert!(
        !ms.iter().any(|m| m.name.contains("\\x20")),
        "a phantom mangled map: {ms:?}"
    );
    assert_eq!(d.c.map_topology(&alias).unwrap().uuid, m.uuid);
    assert_eq!(
        d.c.topology_text().unwrap().map(&alias).unwrap().uuid,
        m.uuid
    );
    let dev =
        d.c.list_paths()
            .unwrap()
            .into_iter()
            .find(|p| p.map.as_deref() == Some(alias.as_str()))
            .expect("a path of the map")
            .device;

    // The tests/real guest runs multipathd without device-mapper name
    // mangling, so that every release accepts the alias (see the README):
    // every action must work.
    d.c.suspend_map(&alias).unwrap();
    let suspended = d.status(&alias).dm_state;
    d.c.resume_map(&alias).unwrap();
    assert_eq!(suspended, Some(MapDmState::Suspend));
    assert_eq!(
        d.status(&alias).dm_state.as_ref().map(|s| s.as_str()),
        Some("active")
    );

    let before = d.status(&alias).queueing.map(|q| q.to_string());
    d.c.disable_map_queuing(&alias).unwrap();
    let off = d.status(&alias).queueing.map(|q| q.to_string());
    d.c.restore_map_queuing(&alias).unwrap();
    assert_eq!(off.as_deref(), Some("off"));
    let restored = d.restored_queueing(before.as_deref().unwrap());
    assert_eq!(
        d.status(&alias)
            .queueing
            .as_ref()
            .map(|q| q.to_string())
            .as_deref(),
        Some(restored.as_str())
    );

    let loads = d.stats(&alias).map_loads.unwrap();
    d.c.reload_map(&alias).unwrap();
    assert_eq!(d.stats(&alias).map_loads, Some(loads + 1));
    d.c.resize_map(&alias).unwrap();
    d.c.reset_map(&alias).unwrap();
    d.c.switch_group(&alias, 1).unwrap();
    d.c.reset_map_stats(&alias).unwrap();

    d.c.fail_path(&dev).unwrap();
    d.c.reinstate_path(&dev).unwrap();
    d.settled();
    let ms = d.c.list_maps().unwrap();
    assert!(ms.iter().any(|m| m.name == alias), "{ms:?}");
    assert!(
        !ms.iter().any(|m| m.name.contains("\\x20")),
        "a phantom mangled map: {ms:?}"
    );
}

/// Copies a local file (an example built statically by
/// tests/real/conformance, named by the variable `var`) into the guest as
/// `/tmp/NAME`, executable by every user; returns the shell text that does
/// it, to be followed by the commands that use it.
fn install_in_guest(var: &str, name: &str) -> String {
    let local = env(var);
    let b64 = std::process::Command::new("base64")
        .arg(&local)
        .output()
        .expect("base64 runs");
    assert!(b64.status.success(), "base64 {local}");
    let b64 = String::from_utf8(b64.stdout).unwrap();
    format!("base64 -d >/tmp/{name} <<'MPD_EOF'\n{b64}MPD_EOF\nchmod 755 /tmp/{name}\n")
}

/// The output of one `== NAME` section of a guest script.
fn section<'a>(out: &'a str, name: &str) -> &'a str {
    let start = out
        .find(&format!("== {name}\n"))
        .unwrap_or_else(|| panic!("no section {name} in {out:?}"));
    let body = &out[start + name.len() + 4..];
    &body[..body.find("\n== ").map(|i| i + 1).unwrap_or(body.len())]
}

/// `key=value` from a section.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn socket_discovery_inside_the_guest() {
    let mut d = daemon("socket discovery inside the guest (root and nobody)");
    let v = d.version;
    let luns = d.luns.to_string();
    const ABSTRACT: &str = "@/org/kernel/linux/storage/multipathd";
    const PATHNAME: &str = "/run/multipathd.socket";
    let nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    let script = format!(
        "{install}\
         echo '== stat'; stat -c '%A %U' {PATHNAME} 2>&1; echo rc=$?\n\
         echo '== default'; /tmp/socket_probe; echo rc=$?\n\
         echo '== env-abstract'; MULTIPATH_SOCKET_NAME={ABSTRACT} /tmp/socket_probe; echo rc=$?\n\
         echo '== env-path'; MULTIPATH_SOCKET_NAME={PATHNAME} /tmp/socket_probe; echo rc=$?\n\
         echo '== env-missing'; MULTIPATH_SOCKET_NAME=/run/mpd-no-such.socket /tmp/socket_probe; echo rc=$?\n\
         echo '== nobody'; {nobody} /tmp/socket_probe; echo rc=$?\n\
         echo '== nobody-abstract'; MULTIPATH_SOCKET_NAME={ABSTRACT} {nobody} /tmp/socket_probe; echo rc=$?\n\
         echo '== fallback'\n\
         if [ -e {PATHNAME} ]; then mv {PATHNAME} {PATHNAME}.away; /tmp/socket_probe; echo rc=$?; \
            mv {PATHNAME}.away {PATHNAME}; else /tmp/socket_probe; echo rc=$?; fi\n\
         echo '== after'; /tmp/socket_probe; echo rc=$?\n",
        install = install_in_guest("MPD_REAL_SOCKET_PROBE", "socket_probe"),
    );
    let (status, out) = guest(&script);
    eprintln!("{}", out.trim_end());
    assert_eq!(status, 0, "{out}");
    let has_path = v >= V0_12;

    // The socket file: 0.12+ create it, any user may connect.
    let stat = section(&out, "stat");
    if has_path {
        assert!(stat.starts_with("srw-rw-rw- root\n"), "{stat:?}");
    } else {
        assert!(stat.contains("No such file"), "{stat:?}");
    }

    // Root, nothing set: the pathname socket first on 0.12+, else the
    // abstract name; reads work, the missing map is CommandFailed.
    let s = section(&out, "default");
    let expect_disc = if has_path {
        format!("{PATHNAME},{ABSTRACT}")
    } else {
        ABSTRACT.to_owned()
    };
    assert_eq!(field(s, "discover"), Some(expect_disc.as_str()), "{s}");
    let first = if has_path { PATHNAME } else { ABSTRACT };
    assert_eq!(field(s, "address"), Some(first), "{s}");
    assert_eq!(field(s, "maps"), Some(luns.as_str()), "{s}");
    assert_eq!(field(s, "action"), Some("command_failed"), "{s}");
    assert_eq!(field(s, "rc"), Some("0"), "{s}");

    // MULTIPATH_SOCKET_NAME names the one address tried.
    let s = section(&out, "env-abstract");
    assert_eq!(field(s, "discover"), Some(ABSTRACT), "{s}");
    assert_eq!(field(s, "address"), Some(ABSTRACT), "{s}");
    assert_eq!(field(s, "maps"), Some(luns.as_str()), "{s}");
    let s = section(&out, "env-path");
    assert_eq!(field(s, "discover"), Some(PATHNAME), "{s}");
    if has_path {
        assert_eq!(field(s, "address"), Some(PATHNAME), "{s}");
        assert_eq!(field(s, "maps"), Some(luns.as_str()), "{s}");
        assert_eq!(field(s, "rc"), Some("0"), "{s}");
    } else {
        assert!(field(s, "error").is_some(), "{s}");
        assert_eq!(field(s, "rc"), Some("1"), "{s}");
    }
    let s = section(&out, "env-missing");
    assert_eq!(field(s, "discover"), Some("/run/mpd-no-such.socket"), "{s}");
    assert!(
        field(s, "error").is_some_and(|e| e.contains("/run/mpd-no-such.socket")),
        "{s}"
    );
    assert_eq!(field(s, "rc"), Some("1"), "{s}");

    // User nobody: reads through the pathname socket (0.12+; the abstract
    // name before), every action refused.
    for name in ["nobody", "nobody-abstract"] {
        let s = section(&out, name);
        let want = if name == "nobody" { first } else { ABSTRACT };
        assert_eq!(field(s, "address"), Some(want), "{name}: {s}");
        assert_eq!(field(s, "maps"), Some(luns.as_str()), "{name}: {s}");
        assert_eq!(field(s, "action"), Some("permission_denied"), "{name}: {s}");
        assert_eq!(field(s, "rc"), Some("0"), "{name}: {s}");
    }

    // No socket file: the abstract name, as the official client falls back.
    let s = section(&out, "fallback");
    assert_eq!(field(s, "address"), Some(ABSTRACT), "{s}");
    assert_eq!(field(s, "maps"), Some(luns.as_str()), "{s}");
    let s = section(&out, "after");
    assert_eq!(field(s, "address"), Some(first), "{s}");
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn pr_hold_and_pathlist_where_the_release_has_them() {
    let mut d = daemon("PR hold and setprstatus pathlist (0.13+), refused before");
    let v = d.version;
    let (map, dev) = d.map_and_path();
    let peer =
        d.c.list_paths()
            .unwrap()
            .into_iter()
            .find(|p| p.map.as_deref() == Some(&map) && p.device != dev)
            .map(|p| p.device)
            .expect("a second path of the map");
    let mut u = client("MPD_REAL_NONROOT_SOCKET");
    if v >= V0_13 {
        let c = &mut d.c;
        assert_eq!(c.pr_hold(&map).unwrap(), PrStatus::Unset);
        c.set_pr_hold(&map).unwrap();
        let held = c.pr_hold(&map);
        c.unset_pr_hold(&map).unwrap();
        assert_eq!(held.unwrap(), PrStatus::Set);
        assert_eq!(c.pr_hold(&map).unwrap(), PrStatus::Unset);
        // The hold is per map.
        for m in c.list_maps().unwrap() {
            assert_eq!(c.pr_hold(&m.name).unwrap(), PrStatus::Unset, "{}", m.name);
        }
        let e = c.pr_hold("nosuchmap").unwrap_err();
        assert!(e.is_not_found(), "{e}");
        let e = c.set_pr_hold("nosuchmap").unwrap_err();
        assert!(e.is_not_found(), "{e}");
        // Non-root: PermissionDenied even for the query.
        for r in [
            u.pr_hold(&map).map(drop),
            u.set_pr_hold(&map),
            u.unset_pr_hold(&map),
        ] {
            assert!(matches!(r, Err(Error::PermissionDenied { .. })), "{r:?}");
        }
        assert_eq!(d.c.pr_hold(&map).unwrap(), PrStatus::Unset);
    } else {
        // Refused whichever way the release does it (help text on 0.8.5,
        // a bare "fail" on 0.9.4/0.11.1): UnknownCommand, with the version.
        let c = &mut d.c;
        for (what, r) in [
            ("pr_hold", c.pr_hold(&map).map(drop)),
            ("set_pr_hold", c.set_pr_hold(&map)),
            ("unset_pr_hold", c.unset_pr_hold(&map)),
        ] {
            match r {
                Err(Error::UnknownCommand { version, .. }) => {
                    assert_eq!(version, Some(v), "{what}")
                }
                other => panic!("{what} on {v}: {other:?}"),
            }
        }
    }
    if v >= V0_13_1 {
        let c = &mut d.c;
        // No reservation key is configured: the daemon accepts the command
        // but cannot register, so the status stays unset.
        c.set_pr_status_paths(&map, &[dev.as_str(), peer.as_str()])
            .unwrap();
        assert_eq!(c.pr_status(&map).unwrap(), PrStatus::Unset);
        c.unset_pr_status(&map).unwrap();
        let e = c
            .set_pr_status_paths("nosuchmap", &[dev.as_str()])
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
        let r = u.set_pr_status_paths(&map, &[dev.as_str()]);
        assert!(matches!(r, Err(Error::PermissionDenied { .. })), "{r:?}");
    } else {
        match d
            .c
            .set_pr_status_paths(&map, &[dev.as_str(), peer.as_str()])
        {
            Err(Error::UnknownCommand { version, .. }) => assert_eq!(version, Some(v)),
            other => panic!("set_pr_status_paths on {v}: {other:?}"),
        }
        assert_eq!(d.c.pr_status(&map).unwrap(), PrStatus::Unset);
    }
    // A list that cannot be sent is refused before anything is sent.
    let sent = d.c.commands_sent();
    let e = d.c.set_pr_status_paths(&map, &[]).unwrap_err();
    assert_eq!(e.kind(), mpd_client::ErrorKind::InvalidArgument);
    assert_eq!(d.c.commands_sent(), sent);
    d.settled();
}

#[test]
#[ignore = "needs a real multipathd: run tests/real/conformance (boots QEMU VMs)"]
fn the_async_client_round_trip() {
    use mpd_client::watch::AsyncWatch;
    use mpd_client::AsyncClient;

    let mut d = daemon(
        "the async client: listings, fail/reinstate, waits, watch, concurrency, cancellation",
    );
    let (map, dev) = d.map_and_path();
    let interval = d.checker_interval();
    let maps = d.c.list_maps().unwrap();
    let paths = d.c.list_paths().unwrap();
    let version = d.version;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let a = Client::builder()
            .address(env("MPD_REAL_SOCKET").as_str())
            .timeout(Duration::from_secs(20))
            .connect_pool(4)
            .await
            .unwrap();
        assert_eq!(a.daemon_version().await.unwrap(), version);
        assert_eq!(a.list_maps().await.unwrap(), maps);
        let names = |ps: &[Path]| ps.iter().map(|p| p.device.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a.list_paths().await.unwrap()), names(&paths));
        let topo = a.topology().await.unwrap();
        assert_eq!(
            topo.maps.iter().map(|m| &m.name).collect::<Vec<_>>(),
            maps.iter().map(|m| &m.name).collect::<Vec<_>>()
        );
        assert_eq!(a.health().await.unwrap().maps.len(), maps.len());

        // 200 tasks at once on the pool.
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let a = a.clone();
                tokio::spawn(async move { a.list_maps().await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().len(), maps.len());
        }

        // Cancelled at once, and just after sending: the next command is
        // answered right.
        for wait in [
            Duration::ZERO,
            Duration::from_micros(200),
            Duration::from_millis(2),
        ] {
            let _ = tokio::time::timeout(wait, a.topology()).await;
            assert_eq!(a.list_maps().await.unwrap(), maps);
        }

        // An action and the waits, and the watch sees them.
        let mut watch = AsyncWatch::new(
            a.clone(),
            WatchOptions {
                interval: Duration::from_millis(500),
                ..WatchOptions::default()
            },
        );
        assert_eq!(watch.next_event(Duration::ZERO).await.unwrap(), None);
        a.fail_path(&dev).await.unwrap();
        let failed = a
            .wait_for_path(&dev, &PathWant::failed(), &WaitOptions::timeout(interval))
            .await;
        // The watch sees the failure (before the reinstatement, so that
        // two snapshots differ).
        let mut saw = false;
        let deadline = Instant::now() + interval;
        while failed.is_ok() && Instant::now() < deadline && !saw {
            if let Ok(Some(Event::PathStateChanged { device, .. })) =
                watch.next_event(Duration::from_secs(1)).await
            {
                saw = device == dev;
            }
        }
        // Reinstate in any case, so that the other tests find the path
        // healthy.
        a.reinstate_path(&dev).await.unwrap();
        assert_eq!(failed.unwrap().dm_state, Some(PathDmState::Failed));
        assert!(saw, "the async watch saw {dev} change");
        a.wait_for_path(&dev, &PathWant::up(), &WaitOptions::timeout(SLOW))
            .await
            .unwrap();
        a.wait_for_map(&map, d.paths as u32, &WaitOptions::timeout(SLOW))
            .await
            .unwrap();
        // Invalid arguments never reach the daemon.
        let sent = a.commands_sent();
        assert!(matches!(
            a.fail_path("sda\n").await,
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(a.commands_sent(), sent);
        // The non-root peer: the same typed refusal as the blocking client.
        let nonroot = AsyncClient::connect_to(env("MPD_REAL_NONROOT_SOCKET"))
            .await
            .unwrap();
        assert_eq!(nonroot.list_maps().await.unwrap().len(), maps.len());
        assert!(matches!(
            nonroot.fail_path(&dev).await,
            Err(Error::PermissionDenied { .. })
        ));
    });
}
