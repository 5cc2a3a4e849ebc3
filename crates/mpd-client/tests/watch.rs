//! The watch (`mpd_client::watch`) against the simulated daemon of each
//! release: the events of a failed and reinstated path, of paths and maps
//! removed and added, of a daemon restart, faults; no event when nothing
//! changes; one listing per interval; and every `next_event` returns within
//! its timeout (plus a margin for a loaded machine), measured.
//!
//! The simulator runs without its background checker and in immediate
//! mode, so every state change comes from the test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mpd_client::mpd_proto::health::{HealthState, MapHealth};
use mpd_client::watch::{Watch, WatchOptions};
use mpd_client::{CheckerState, Client, Event, PathDmState, RetryPolicy};
use mpd_sim::{Fault, Sim, SimHandle, Version};

const VERSIONS: [Version; 3] = [Version::V0_8_5, Version::V0_9_4, Version::V0_11_1];

/// The watch's poll interval in these tests.
const INTERVAL: Duration = Duration::from_millis(200);
const BACKOFF_INITIAL: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_millis(200);
/// What a loaded 2-core machine may add to a deadline.
const MARGIN: Duration = Duration::from_millis(250);

/// The largest time a `next_event` took beyond its timeout, in µs: for
/// calls that may wait for a hanging daemon (the client's reply timeout)
/// and for all others; and the largest delay from a change to its last
/// event. Over all tests of this binary (they run in parallel).
static MAX_OVERRUN_US: AtomicU64 = AtomicU64::new(0);
static MAX_OVERRUN_HANGING_US: AtomicU64 = AtomicU64::new(0);
static MAX_LATENCY_US: AtomicU64 = AtomicU64::new(0);

fn options() -> WatchOptions {
    WatchOptions {
        interval: INTERVAL,
        backoff_initial: BACKOFF_INITIAL,
        backoff_max: BACKOFF_MAX,
        uevents: false,
    }
}

fn sim(v: Version, maps: usize, per_map: usize) -> mpd_sim::SimBuilder {
    Sim::builder()
        .version(v)
        .maps(maps)
        .paths_per_map(per_map)
        .immediate(true)
        .checker_tick(None)
}

/// A simulator, a watch on it with its baseline taken, and a second client
/// to act with.
fn start(v: Version, maps: usize, per_map: usize) -> (SimHandle, Watch, Client) {
    let sim = sim(v, maps, per_map).start().expect("simulator starts");
    let client = Client::connect_to(sim.address().as_str()).expect("watch client connects");
    let mut watch = Watch::new(client, options());
    // The first call polls at once: the baseline, no event.
    assert_eq!(next(&mut watch, Duration::ZERO), None, "{v}");
    assert_eq!(watch.commands_sent(), 1, "{v}");
    assert!(watch.snapshot().is_some(), "{v}");
    let actor = Client::connect_to(sim.address().as_str()).expect("actor connects");
    (sim, watch, actor)
}

/// `next_event`, checked to return within its timeout + MARGIN (+ the
/// client's reply timeout when a poll may be under way: `extra`).
fn next_within(watch: &mut Watch, timeout: Duration, extra: Duration) -> Option<Event> {
    let start = Instant::now();
    let e = watch.next_event(timeout).expect("next_event");
    let took = start.elapsed();
    let overrun = took.saturating_sub(timeout).as_micros() as u64;
    if extra.is_zero() {
        MAX_OVERRUN_US.fetch_max(overrun, Ordering::Relaxed);
    } else {
        MAX_OVERRUN_HANGING_US.fetch_max(overrun, Ordering::Relaxed);
    }
    assert!(
        took <= timeout + extra + MARGIN,
        "next_event({timeout:?}) took {took:?} (event {e:?})"
    );
    e
}

fn next(watch: &mut Watch, timeout: Duration) -> Option<Event> {
    next_within(watch, timeout, Duration::ZERO)
}

/// The next `n` events, each within one interval (+ margin) of the call;
/// then checks nothing else is queued. Records the latency from `since`.
fn take(watch: &mut Watch, n: usize, since: Instant) -> Vec<Event> {
    let mut out = Vec::new();
    while out.len() < n {
        match next(watch, INTERVAL + MARGIN) {
            Some(e) => out.push(e),
            None => panic!("only {} of {n} events came: {out:#?}", out.len()),
        }
    }
    let latency = since.elapsed();
    MAX_LATENCY_US.fetch_max(latency.as_micros() as u64, Ordering::Relaxed);
    assert!(
        latency <= INTERVAL + MARGIN,
        "the events came {latency:?} after the change"
    );
    assert_eq!(watch.pending_events(), 0, "more events: {out:#?}");
    out
}

/// No event within `d`.
fn quiet(watch: &mut Watch, d: Duration) {
    let e = next(watch, d);
    assert_eq!(e, None);
}

fn report(test: &str) {
    let us = |a: &AtomicU64| Duration::from_micros(a.load(Ordering::Relaxed));
    eprintln!(
        "{test}: so far, max next_event overrun {:?} ({:?} with a hanging daemon), \
         max change-to-event latency {:?} (interval {INTERVAL:?})",
        us(&MAX_OVERRUN_US),
        us(&MAX_OVERRUN_HANGING_US),
        us(&MAX_LATENCY_US),
    );
}

fn path_changed(
    dev: &str,
    map: &str,
    (old_dm, old_chk): (PathDmState, CheckerState),
    (new_dm, new_chk): (PathDmState, CheckerState),
) -> Event {
    Event::PathStateChanged {
        device: dev.into(),
        map: map.into(),
        old_dm_state: Some(old_dm),
        new_dm_state: Some(new_dm),
        old_checker_state: Some(old_chk),
        new_checker_state: Some(new_chk),
    }
}

fn active(map: &str, old: u32, new: u32, total: u32) -> Event {
    Event::ActivePathsChanged {
        map: map.into(),
        old: Some(old),
        new: Some(new),
        total,
    }
}

fn path_added(dev: &str, map: &str) -> Event {
    Event::PathAdded {
        device: dev.into(),
        map: map.into(),
    }
}

fn path_removed(dev: &str, map: &str) -> Event {
    Event::PathRemoved {
        device: dev.into(),
        map: map.into(),
    }
}

fn wwid(sim: &SimHandle, map: &str) -> Option<String> {
    sim.state()
        .maps
        .iter()
        .find(|m| m.alias == map)
        .map(|m| m.wwid.clone())
}

/// Checks a health event and returns its `MapHealth`.
fn health_changed<'a>(
    e: &'a Event,
    map: &str,
    old: HealthState,
    new: HealthState,
) -> &'a MapHealth {
    match e {
        Event::MapHealthChanged {
            map: m,
            old: o,
            new: n,
            health,
        } if m == map && *o == old && *n == new => {
            assert_eq!(health.state, new);
            assert_eq!(health.name, map);
            health
        }
        other => panic!("expected {map}: {old} -> {new}, got {other:?}"),
    }
}

const UP: (PathDmState, CheckerState) = (PathDmState::Active, CheckerState::Ready);
const DOWN: (PathDmState, CheckerState) = (PathDmState::Failed, CheckerState::Faulty);

#[test]
fn a_failed_and_reinstated_path_on_every_release() {
    for v in VERSIONS {
        // mpatha: sda (host 0) and sdc (host 1); mpathb: sdb and sdd.
        let (sim, mut watch, mut actor) = start(v, 2, 2);

        let t = Instant::now();
        actor.fail_path("sda").unwrap();
        let events = take(&mut watch, 3, t);
        assert_eq!(events[0], path_changed("sda", "mpatha", UP, DOWN), "{v}");
        assert_eq!(events[1], active("mpatha", 2, 1, 2), "{v}");
        let h = health_changed(
            &events[2],
            "mpatha",
            HealthState::Healthy,
            HealthState::Degraded,
        );
        assert_eq!((h.up_paths, h.total_paths), (1, 2), "{v}");
        assert_eq!(h.down_paths[0].device, "sda", "{v}");
        assert_eq!(h.uuid, wwid(&sim, "mpatha"), "{v}");
        quiet(&mut watch, 2 * INTERVAL);

        // Immediate mode: reinstated at once, as if the checker ran.
        let t = Instant::now();
        actor.reinstate_path("sda").unwrap();
        let events = take(&mut watch, 3, t);
        assert_eq!(events[0], path_changed("sda", "mpatha", DOWN, UP), "{v}");
        assert_eq!(events[1], active("mpatha", 1, 2, 2), "{v}");
        health_changed(
            &events[2],
            "mpatha",
            HealthState::Degraded,
            HealthState::Healthy,
        );
        quiet(&mut watch, 2 * INTERVAL);

        // The disk behind sdd stops answering; the checker finds it at its
        // next pass (run by the test).
        assert!(sim.set_path_health("sdd", false));
        sim.checker_pass();
        let t = Instant::now();
        let events = take(&mut watch, 3, t);
        assert_eq!(events[0], path_changed("sdd", "mpathb", UP, DOWN), "{v}");
        assert_eq!(events[1], active("mpathb", 2, 1, 2), "{v}");
        health_changed(
            &events[2],
            "mpathb",
            HealthState::Healthy,
            HealthState::Degraded,
        );
        // Both paths of mpathb down: no path left, and the map does not
        // queue (no_path_retry unset).
        assert!(sim.set_path_health("sdb", false));
        sim.checker_pass();
        let t = Instant::now();
        let events = take(&mut watch, 3, t);
        assert_eq!(events[0], path_changed("sdb", "mpathb", UP, DOWN), "{v}");
        assert_eq!(events[1], active("mpathb", 1, 0, 2), "{v}");
        health_changed(
            &events[2],
            "mpathb",
            HealthState::Degraded,
            HealthState::AllPathsDownFailing,
        );
        assert_eq!(watch.listings_sent(), watch.commands_sent(), "{v}");
    }
    report("a_failed_and_reinstated_path_on_every_release");
}

#[test]
fn paths_and_maps_removed_and_added_on_every_release() {
    for v in VERSIONS {
        let (sim, mut watch, mut actor) = start(v, 2, 2);
        let wwid_b = wwid(&sim, "mpathb");

        let t = Instant::now();
        actor.remove_path("sdc").unwrap();
        let events = take(&mut watch, 2, t);
        assert_eq!(
            events,
            [path_removed("sdc", "mpatha"), active("mpatha", 2, 1, 1)],
            "{v}"
        );

        let t = Instant::now();
        actor.add_path("sdc").unwrap();
        let events = take(&mut watch, 2, t);
        assert_eq!(
            events,
            [path_added("sdc", "mpatha"), active("mpatha", 1, 2, 2)],
            "{v}"
        );

        let t = Instant::now();
        actor.remove_map("mpathb").unwrap();
        let events = take(&mut watch, 3, t);
        assert_eq!(
            events,
            [
                path_removed("sdb", "mpathb"),
                path_removed("sdd", "mpathb"),
                Event::MapRemoved {
                    name: "mpathb".into(),
                    wwid: wwid_b.clone()
                },
            ],
            "{v}"
        );
        quiet(&mut watch, INTERVAL);

        // 0.8 cannot add a map device-mapper no longer has; reconfigure
        // brings it back there.
        let t = Instant::now();
        if v == Version::V0_8_5 {
            actor.reconfigure().unwrap();
        } else {
            actor.add_map("mpathb").unwrap();
        }
        let events = take(&mut watch, 3, t);
        assert_eq!(
            events,
            [
                Event::MapAdded {
                    name: "mpathb".into(),
                    wwid: wwid_b.clone()
                },
                path_added("sdb", "mpathb"),
                path_added("sdd", "mpathb"),
            ],
            "{v}"
        );
        quiet(&mut watch, 2 * INTERVAL);
    }
    report("paths_and_maps_removed_and_added_on_every_release");
}

#[test]
fn a_daemon_restart_on_every_release() {
    for v in VERSIONS {
        let (sim, mut watch, _actor) = start(v, 2, 2);
        let address = sim.address();

        let t = Instant::now();
        sim.stop();
        let e = next(&mut watch, INTERVAL + MARGIN);
        let Some(Event::DaemonUnreachable { error }) = e else {
            panic!("{v}: {e:?}");
        };
        let unreachable_after = t.elapsed();
        assert!(
            unreachable_after <= INTERVAL + MARGIN,
            "{v}: unreachable after {unreachable_after:?}"
        );
        assert!(!watch.is_daemon_reachable());
        assert!(error.contains(&address), "{v}: {error}");
        // Exactly one: the watch keeps retrying, quietly.
        let sent = watch.commands_sent();
        quiet(&mut watch, 3 * BACKOFF_MAX);
        quiet(&mut watch, Duration::ZERO);
        assert!(watch.commands_sent() >= sent + 2, "{v}: retries");

        // Back on the same address with another topology (3 maps: the
        // paths are spread differently), and sda failed before the watch
        // could look.
        let sim = sim_at(v, &address, 3);
        sim.execute("fail path sda");
        let t = Instant::now();
        let e = next(&mut watch, BACKOFF_MAX + MARGIN);
        assert_eq!(
            e,
            Some(Event::DaemonBack {
                version: Some(v.daemon_version())
            }),
            "{v}"
        );
        assert!(watch.is_daemon_reachable());
        eprintln!(
            "{v}: DaemonUnreachable {unreachable_after:?} after the stop, \
             DaemonBack {:?} after the restart",
            t.elapsed()
        );
        // Before: mpatha sda+sdc, mpathb sdb+sdd. After: mpatha sda+sdd,
        // mpathb sdb+sde, mpathc sdc+sdf.
        let events = take(&mut watch, 10, t);
        assert_eq!(
            events[..9],
            [
                path_removed("sdc", "mpatha"),
                path_removed("sdd", "mpathb"),
                path_added("sdd", "mpatha"),
                path_added("sde", "mpathb"),
                Event::MapAdded {
                    name: "mpathc".into(),
                    wwid: wwid(&sim, "mpathc"),
                },
                path_added("sdc", "mpathc"),
                path_added("sdf", "mpathc"),
                path_changed("sda", "mpatha", UP, DOWN),
                active("mpatha", 2, 1, 2),
            ],
            "{v}"
        );
        health_changed(
            &events[9],
            "mpatha",
            HealthState::Healthy,
            HealthState::Degraded,
        );
        quiet(&mut watch, 2 * INTERVAL);
    }
    report("a_daemon_restart_on_every_release");
}

fn sim_at(v: Version, address: &str, maps: usize) -> SimHandle {
    // The old listener is gone once stop() returned; retry briefly in case
    // the name is still being released.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match sim(v, maps, 2).socket(address).start() {
            Ok(s) => return s,
            Err(e) if Instant::now() < deadline => {
                eprintln!("restart on {address}: {e}; retrying");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("restart on {address}: {e}"),
        }
    }
}

#[test]
fn a_restart_reports_the_new_release_and_changes_made_while_down() {
    let (sim, mut watch, _actor) = start(Version::V0_8_5, 2, 2);
    let address = sim.address();
    // The client caches the version; the watch must not report the stale
    // one after an upgrade.
    assert_eq!(
        watch.client_mut().daemon_version().unwrap(),
        Version::V0_8_5.daemon_version()
    );
    sim.stop();
    assert!(matches!(
        next(&mut watch, INTERVAL + MARGIN),
        Some(Event::DaemonUnreachable { .. })
    ));
    quiet(&mut watch, 2 * BACKOFF_MAX);
    let sim = sim_at(Version::V0_11_1, &address, 2);
    sim.execute("del path sdd");
    let t = Instant::now();
    assert_eq!(
        next(&mut watch, BACKOFF_MAX + MARGIN),
        Some(Event::DaemonBack {
            version: Some(Version::V0_11_1.daemon_version())
        })
    );
    assert_eq!(
        take(&mut watch, 2, t),
        [path_removed("sdd", "mpathb"), active("mpathb", 2, 1, 1)]
    );
    assert_eq!(
        watch.client_mut().daemon_version().unwrap(),
        Version::V0_11_1.daemon_version()
    );
    report("a_restart_reports_the_new_release_and_changes_made_while_down");
}

#[test]
fn a_daemon_down_at_the_first_poll() {
    let sim = sim(Version::V0_9_4, 1, 2).start().unwrap();
    let address = sim.address();
    let client = Client::connect_to(address.as_str()).unwrap();
    sim.stop();
    let mut watch = Watch::new(client, options());
    assert!(watch.snapshot().is_none());
    assert!(matches!(
        next(&mut watch, Duration::ZERO),
        Some(Event::DaemonUnreachable { .. })
    ));
    quiet(&mut watch, 2 * BACKOFF_MAX);
    let _sim = sim_at(Version::V0_9_4, &address, 1);
    assert_eq!(
        next(&mut watch, BACKOFF_MAX + MARGIN),
        Some(Event::DaemonBack {
            version: Some(Version::V0_9_4.daemon_version())
        })
    );
    // The first snapshot is the baseline: nothing to diff it against.
    quiet(&mut watch, 2 * INTERVAL);
    assert_eq!(watch.snapshot().unwrap().maps.len(), 1);
    report("a_daemon_down_at_the_first_poll");
}

#[test]
fn no_event_when_nothing_changes_and_one_listing_per_interval() {
    for v in VERSIONS {
        let (_sim, mut watch, mut actor) = start(v, 3, 4);
        // Read-only commands from another client change nothing.
        actor.list_paths().unwrap();
        actor.topology().unwrap();
        let t = Instant::now();
        let mut counts = Vec::new();
        const N: u64 = 8;
        for _ in 0..N {
            quiet(&mut watch, INTERVAL);
            counts.push(watch.commands_sent());
        }
        let elapsed = t.elapsed();
        // The baseline and then one poll per interval.
        let polls = watch.commands_sent() - 1;
        assert!(
            (N - 1..=N + 1).contains(&polls),
            "{v}: {polls} polls in {N} intervals ({elapsed:?}): {counts:?}"
        );
        for w in counts.windows(2) {
            assert!(w[1] - w[0] <= 2, "{v}: {counts:?}");
        }
        // Never more than one listing per interval since the baseline.
        let bound = (elapsed.as_secs_f64() / INTERVAL.as_secs_f64()).floor() as u64 + 1;
        assert!(watch.listings_sent() - 1 <= bound, "{v}: {counts:?}");
        assert_eq!(watch.listings_sent(), watch.commands_sent());
        eprintln!("{v}: {polls} polls in {N} intervals of {INTERVAL:?} ({elapsed:?})");
    }
    report("no_event_when_nothing_changes_and_one_listing_per_interval");
}

#[test]
fn a_zero_timeout_never_sleeps() {
    let (_sim, mut watch, _actor) = start(Version::V0_11_1, 1, 1);
    let t = Instant::now();
    for _ in 0..100 {
        assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
    }
    // No poll was due: nothing was sent, nothing waited.
    assert_eq!(watch.commands_sent(), 1);
    assert!(t.elapsed() < Duration::from_millis(50), "{:?}", t.elapsed());
    // Once a poll is due, a zero-timeout call takes it.
    std::thread::sleep(INTERVAL);
    assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
    assert_eq!(watch.commands_sent(), 2);
}

#[test]
fn the_iterator_blocks_until_the_next_events() {
    let (_sim, mut watch, mut actor) = start(Version::V0_9_4, 2, 2);
    actor.fail_path("sdb").unwrap();
    let t = Instant::now();
    let events: Vec<Event> = (&mut watch)
        .take(3)
        .collect::<Result<_, _>>()
        .expect("events");
    assert!(t.elapsed() <= INTERVAL + MARGIN, "{:?}", t.elapsed());
    assert_eq!(
        events.iter().map(Event::kind).collect::<Vec<_>>(),
        [
            "path_state_changed",
            "active_paths_changed",
            "map_health_changed"
        ]
    );
    assert_eq!(events[0].device(), Some("sdb"));
}

#[test]
fn a_hanging_daemon_is_unreachable_within_the_client_timeout() {
    const CLIENT_TIMEOUT: Duration = Duration::from_millis(300);
    for v in VERSIONS {
        let sim = sim(v, 1, 2).start().unwrap();
        let client = Client::builder()
            .address(sim.address().as_str())
            .timeout(CLIENT_TIMEOUT)
            .connect()
            .unwrap();
        let mut watch = Watch::new(client, options());
        assert_eq!(next(&mut watch, Duration::ZERO), None);

        sim.set_fault(Fault::Hang);
        let t = Instant::now();
        let e = next_within(&mut watch, INTERVAL, CLIENT_TIMEOUT);
        let Some(Event::DaemonUnreachable { error }) = e else {
            panic!("{v}: {e:?}");
        };
        assert!(error.contains("no complete reply"), "{v}: {error}");
        assert!(t.elapsed() <= INTERVAL + CLIENT_TIMEOUT + MARGIN, "{v}");
        // Still hanging: each retry costs the client timeout, and no
        // second event comes.
        assert_eq!(
            next_within(&mut watch, INTERVAL, CLIENT_TIMEOUT),
            None,
            "{v}"
        );

        sim.set_fault(Fault::None);
        let e = next_within(&mut watch, BACKOFF_MAX + MARGIN, CLIENT_TIMEOUT);
        assert_eq!(
            e,
            Some(Event::DaemonBack {
                version: Some(v.daemon_version())
            }),
            "{v}"
        );
        quiet(&mut watch, INTERVAL);
    }
    report("a_hanging_daemon_is_unreachable_within_the_client_timeout");
}

#[test]
fn faults_that_make_the_daemon_unreachable() {
    for (fault, words) in [
        (Fault::DropMidReply, "closed the connection"),
        (Fault::CloseWithoutReply, "closed the connection"),
        // The daemon's own "timeout" answer: it is there but cannot serve.
        (Fault::Timeout, "timeout"),
    ] {
        for v in VERSIONS {
            let (sim, mut watch, _actor) = start(v, 1, 2);
            sim.set_fault(fault);
            let e = next(&mut watch, INTERVAL + MARGIN);
            let Some(Event::DaemonUnreachable { error }) = e else {
                panic!("{v} {fault}: {e:?}");
            };
            assert!(error.contains(words), "{v} {fault}: {error}");
            quiet(&mut watch, 2 * BACKOFF_MAX);
            // A change while it misbehaves is reported after it is back.
            sim.execute("fail path sda");
            sim.set_fault(Fault::None);
            let t = Instant::now();
            assert!(
                matches!(
                    next(&mut watch, BACKOFF_MAX + MARGIN),
                    Some(Event::DaemonBack { version: Some(got) }) if got == v.daemon_version()
                ),
                "{v} {fault}"
            );
            let events = take(&mut watch, 3, t);
            assert_eq!(events[0], path_changed("sda", "mpatha", UP, DOWN));
        }
    }
    report("faults_that_make_the_daemon_unreachable");
}

#[test]
fn other_errors_are_returned_and_the_watch_goes_on() {
    for v in VERSIONS {
        let (sim, mut watch, _actor) = start(v, 1, 2);
        // A length prefix of 1 TiB: a protocol error, not an outage.
        sim.set_fault(Fault::BadLength(1 << 40));
        std::thread::sleep(INTERVAL);
        let err = watch
            .next_event(Duration::ZERO)
            .expect_err("a protocol error");
        assert_eq!(err.kind(), mpd_client::ErrorKind::Protocol, "{v}: {err}");
        assert!(watch.is_daemon_reachable());
        // The next poll waits for the interval, then works again.
        sim.set_fault(Fault::None);
        assert_eq!(next(&mut watch, Duration::ZERO), None, "{v}");
        sim.execute("fail path sdb");
        let t = Instant::now();
        let events = take(&mut watch, 3, t);
        assert_eq!(
            events[0],
            path_changed("sdb", "mpatha", UP, DOWN),
            "{v}: no DaemonBack, just the change"
        );
    }
}

#[test]
fn uevents_are_optional_and_polling_still_works() {
    let sim = sim(Version::V0_9_4, 1, 2).start().unwrap();
    let client = Client::connect_to(sim.address().as_str()).unwrap();
    let mut watch = Watch::new(
        client,
        WatchOptions {
            uevents: true,
            ..options()
        },
    );
    // Either the socket opened, or the watch says why it polls only.
    assert_ne!(watch.uevents_active(), watch.uevent_error().is_some());
    eprintln!(
        "uevents active: {}, error: {:?}",
        watch.uevents_active(),
        watch.uevent_error()
    );
    assert_eq!(next(&mut watch, Duration::ZERO), None);
    sim.execute("fail path sda");
    let t = Instant::now();
    let events = take(&mut watch, 3, t);
    assert_eq!(events[0].device(), Some("sda"));
    quiet(&mut watch, 2 * INTERVAL);
}

#[test]
fn events_serialize_for_the_bindings() {
    let (_sim, mut watch, mut actor) = start(Version::V0_11_1, 1, 2);
    actor.fail_path("sda").unwrap();
    let t = Instant::now();
    let events = take(&mut watch, 3, t);
    let json = serde_json::to_value(&events).unwrap();
    assert_eq!(json[0]["event"], "path_state_changed");
    assert_eq!(json[0]["new_checker_state"], "faulty");
    assert_eq!(json[1]["event"], "active_paths_changed");
    assert_eq!(json[2]["event"], "map_health_changed");
    assert_eq!(json[2]["new"], "degraded");
    assert_eq!(json[2]["health"]["down_paths"][0]["device"], "sda");
}

#[test]
fn the_client_retry_policy_is_set_aside_for_the_watch() {
    let policy = RetryPolicy::attempts(5).backoff(Duration::from_millis(200));
    let sim = sim(Version::V0_9_4, 1, 2).start().unwrap();
    let client = Client::builder()
        .address(sim.address().as_str())
        .retry(policy)
        .connect()
        .unwrap();
    let mut watch = Watch::new(client, options());
    assert_eq!(next(&mut watch, Duration::ZERO), None);
    sim.stop();
    // No retries inside the poll (they would take 200+400+800+1600 ms).
    let t = Instant::now();
    assert!(matches!(
        next(&mut watch, INTERVAL + MARGIN),
        Some(Event::DaemonUnreachable { .. })
    ));
    assert!(t.elapsed() <= INTERVAL + MARGIN, "{:?}", t.elapsed());
    assert_eq!(watch.commands_sent(), 2);
    assert_eq!(watch.client().retries(), 0);
    // The client keeps its policy for its own commands.
    assert_eq!(watch.client().retry_policy(), policy);
}

#[test]
fn a_watch_can_move_to_another_thread() {
    fn send<T: Send + 'static>() {}
    send::<Watch>();
    send::<Event>();
    send::<WatchOptions>();
    let (sim, watch, _actor) = start(Version::V0_8_5, 1, 1);
    let watch = std::thread::spawn(move || {
        let mut watch = watch;
        assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
        watch
    })
    .join()
    .unwrap();
    assert!(watch.is_daemon_reachable());
    assert_eq!(watch.into_client().address().to_string(), sim.address());
}
