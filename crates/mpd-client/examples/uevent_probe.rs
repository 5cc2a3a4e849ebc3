//! Checks the watch's early wake-up on kernel uevents, on the daemon's own
//! host (the conformance suite runs it inside each test guest).
//!
//! ```text
//! uevent_probe [SOCKET] [DEVICE]
//! ```
//!
//! Starts a watch with uevents and a long poll interval (10 s), takes its
//! baseline, fails DEVICE (default: the first path listed) and measures how
//! long until the watch reports the failure: with the uevent wake-up that
//! is a few tens of milliseconds (the kernel's `PATH_FAILED` uevent, then
//! one listing), without it up to the whole interval. Then reinstates the
//! path the same way. Prints `uevents_active=…`, `fail_ms=…` and
//! `reinstate_ms=…`; exits 0 when uevents were active and each event came
//! long before the next poll was due (within a second; polling alone takes
//! up to the 10 s interval), 1 otherwise.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use mpd_client::{CheckerState, Client, Event, PathDmState, Watch, WatchOptions};

const INTERVAL: Duration = Duration::from_secs(10);

fn wait_for(w: &mut Watch, start: Instant, want: impl Fn(&Event) -> bool) -> Option<Duration> {
    while start.elapsed() < 2 * INTERVAL {
        match w.next_event(2 * INTERVAL - start.elapsed()) {
            Ok(Some(e)) => {
                println!("event after {:?}: {e}", start.elapsed());
                if want(&e) {
                    return Some(start.elapsed());
                }
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("uevent_probe: {e}");
                return None;
            }
        }
    }
    None
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let connect = |a: Option<&String>| match a {
        Some(s) => Client::connect_to(s.as_str()),
        None => Client::connect(),
    };
    let (mut c, wc) = match (connect(args.first()), connect(args.first())) {
        (Ok(c), Ok(w)) => (c, w),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("uevent_probe: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dev = match args.get(1) {
        Some(d) => d.clone(),
        None => match c.list_paths() {
            Ok(ps) => match ps.into_iter().find(|p| p.map.is_some()) {
                Some(p) => p.device,
                None => {
                    eprintln!("uevent_probe: no path in a map");
                    return ExitCode::FAILURE;
                }
            },
            Err(e) => {
                eprintln!("uevent_probe: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut w = Watch::new(
        wc,
        WatchOptions {
            interval: INTERVAL,
            uevents: true,
            ..WatchOptions::default()
        },
    );
    if let Err(e) = w.next_event(Duration::ZERO) {
        eprintln!("uevent_probe: baseline: {e}");
        return ExitCode::FAILURE;
    }
    println!("uevents_active={}", w.uevents_active());
    if let Some(why) = w.uevent_error() {
        println!("uevent_error={why}");
    }
    // Let the baseline's poll pass, so the next one is a whole interval off.
    std::thread::sleep(Duration::from_millis(200));

    let start = Instant::now();
    if let Err(e) = c.fail_path(&dev) {
        eprintln!("uevent_probe: fail path {dev}: {e}");
        return ExitCode::FAILURE;
    }
    let failed = wait_for(&mut w, start, |e| {
        matches!(e, Event::PathStateChanged { device, new_dm_state, .. }
            if *device == dev && *new_dm_state == Some(PathDmState::Failed))
    });
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    if let Err(e) = c.reinstate_path(&dev) {
        eprintln!("uevent_probe: reinstate path {dev}: {e}");
        return ExitCode::FAILURE;
    }
    // Reinstated at once in the dm table; the checker confirms later.
    let reinstated = wait_for(&mut w, start, |e| {
        matches!(e, Event::PathStateChanged { device, new_dm_state, .. }
            if *device == dev && *new_dm_state == Some(PathDmState::Active))
            || matches!(e, Event::PathStateChanged { device, new_checker_state, .. }
            if *device == dev && *new_checker_state == Some(CheckerState::Ready))
    });
    let ms =
        |d: Option<Duration>| d.map_or("none".into(), |d| format!("{:.1}", d.as_secs_f64() * 1e3));
    println!("fail_ms={}", ms(failed));
    println!("reinstate_ms={}", ms(reinstated));
    let early = |d: Option<Duration>| d.is_some_and(|d| d < Duration::from_secs(1));
    if w.uevents_active() && early(failed) && early(reinstated) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
