//! The Rust participant of the fault campaign (`tests/faults/campaign`):
//! a client issuing a mix of reads and actions with deadlines, a watch and
//! a wait, against a daemon that is killed and restarted meanwhile.
//!
//! ```text
//! fault_driver --socket ADDR --dir DIR --path DEV [--timeout-ms N] [--trust-any]
//! ```
//!
//! It runs until the file `DIR/stop` appears, then checks that it works
//! again (a read succeeds within `DIR/recover-ms`, default 15 s) and
//! prints one JSON object: the calls, the errors by kind, the longest call
//! against its deadline, the actions it sent (`fail path DEV`, `reinstate
//! path DEV`: each call sends at most once), and what the watch and the
//! wait saw. The campaign compares the actions with the daemon's own
//! record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use mpd_client::{Client, ClientBuilder, PeerTrust, WaitOptions, Watch, WatchOptions};
use serde_json::json;

#[derive(Default)]
struct Tally {
    calls: u64,
    ok: u64,
    errors: BTreeMap<String, u64>,
    longest_ms: f64,
    actions_sent: BTreeMap<String, u64>,
    actions_ok: BTreeMap<String, u64>,
}

impl Tally {
    fn record<T>(&mut self, started: Instant, r: &mpd_client::Result<T>) {
        self.calls += 1;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        if ms > self.longest_ms {
            self.longest_ms = ms;
        }
        match r {
            Ok(_) => self.ok += 1,
            Err(e) => *self.errors.entry(e.kind().name().to_owned()).or_default() += 1,
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "calls": self.calls,
            "ok": self.ok,
            "errors": self.errors,
            "longest_ms": (self.longest_ms * 10.0).round() / 10.0,
            "actions_sent": self.actions_sent,
            "actions_ok": self.actions_ok,
        })
    }
}

struct Args {
    socket: String,
    dir: PathBuf,
    path: String,
    timeout: Duration,
    trust: PeerTrust,
}

fn args() -> Args {
    let mut a = Args {
        socket: String::new(),
        dir: PathBuf::new(),
        path: "sda".into(),
        timeout: Duration::from_millis(1000),
        trust: PeerTrust::RootOrSelf,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--socket" => a.socket = v(),
            "--dir" => a.dir = v().into(),
            "--path" => a.path = v(),
            "--timeout-ms" => a.timeout = Duration::from_millis(v().parse().expect("ms")),
            "--trust-any" => a.trust = PeerTrust::Any,
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!a.socket.is_empty() && !a.dir.as_os_str().is_empty());
    a
}

fn builder(a: &Args) -> ClientBuilder {
    Client::builder()
        .address(a.socket.as_str())
        .timeout(a.timeout)
        .connect_timeout(a.timeout)
        .trust(a.trust)
}

fn stopped(dir: &Path) -> bool {
    dir.join("stop").exists()
}

/// Connects, counting each failed attempt as a call, until it works or
/// the campaign ends.
fn connect(a: &Args, tally: &mut Tally) -> Option<Client> {
    loop {
        let t = Instant::now();
        let r = builder(a).connect();
        tally.record(t, &r);
        match r {
            Ok(c) => return Some(c),
            Err(_) if stopped(&a.dir) => return None,
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn main() {
    let a = Arc::new(args());
    let stop = Arc::new(AtomicBool::new(false));

    // The watch: counts its events by kind until stopped.
    let watch = {
        let a = Arc::clone(&a);
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let mut events: BTreeMap<String, u64> = BTreeMap::new();
            let mut tally = Tally::default();
            let Some(client) = connect(&a, &mut tally) else {
                return (events, tally, 0.0);
            };
            let mut w = Watch::new(
                client,
                WatchOptions {
                    interval: Duration::from_millis(100),
                    ..WatchOptions::default()
                },
            );
            let mut longest = 0.0f64;
            while !stop.load(Ordering::SeqCst) {
                let t = Instant::now();
                let r = w.next_event(Duration::from_millis(200));
                longest = longest.max(t.elapsed().as_secs_f64() * 1e3);
                match r {
                    Ok(Some(e)) => *events.entry(e.kind().to_owned()).or_default() += 1,
                    Ok(None) => {}
                    Err(e) => *events.entry(format!("error:{}", e.kind())).or_default() += 1,
                }
            }
            (events, tally, longest)
        })
    };

    // The wait: waits for mpatha with one active path, again and again.
    let wait = {
        let a = Arc::clone(&a);
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let mut tally = Tally::default();
            let deadline = Duration::from_secs(3);
            let Some(mut c) = connect(&a, &mut tally) else {
                return (tally, deadline);
            };
            while !stop.load(Ordering::SeqCst) {
                let t = Instant::now();
                let r = c.wait_for_map(
                    "mpatha",
                    1,
                    &WaitOptions {
                        timeout: deadline,
                        ..WaitOptions::default()
                    },
                );
                tally.record(t, &r);
                thread::sleep(Duration::from_millis(100));
            }
            (tally, deadline)
        })
    };

    // The client: reads and actions.
    let mut tally = Tally::default();
    let mut recovered_ms = None;
    if let Some(mut c) = connect(&a, &mut tally) {
        let mut i: u64 = 0;
        while !stopped(&a.dir) {
            i += 1;
            let t = Instant::now();
            match i % 6 {
                0 | 3 => {
                    let r = c.list_paths();
                    tally.record(t, &r);
                }
                1 => {
                    let r = c.list_maps();
                    tally.record(t, &r);
                }
                4 => {
                    let r = c.status();
                    tally.record(t, &r);
                }
                2 | 5 => {
                    let (name, r) = if i % 12 < 6 {
                        ("fail_path", c.fail_path(&a.path))
                    } else {
                        ("reinstate_path", c.reinstate_path(&a.path))
                    };
                    tally.record(t, &r);
                    *tally.actions_sent.entry(name.into()).or_default() += 1;
                    if r.is_ok() {
                        *tally.actions_ok.entry(name.into()).or_default() += 1;
                    }
                }
                _ => unreachable!(),
            }
            thread::sleep(Duration::from_millis(10));
        }
        // Works again: a read succeeds soon after the daemon is back.
        let limit = std::fs::read_to_string(a.dir.join("recover-ms"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(15_000u64);
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(limit) {
            if c.list_maps().is_ok() {
                recovered_ms = Some(t.elapsed().as_millis() as u64);
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
    stop.store(true, Ordering::SeqCst);
    let (events, watch_connect, watch_longest) = watch.join().expect("watch thread");
    let (wait_tally, wait_deadline) = wait.join().expect("wait thread");
    let out = json!({
        "participant": "rust",
        "deadline_ms": (a.timeout * 2).as_millis() as u64,
        "client": tally.json(),
        "recovered_ms": recovered_ms,
        "watch": {
            "events": events,
            "connect": watch_connect.json(),
            "longest_next_event_ms": (watch_longest * 10.0).round() / 10.0,
        },
        "wait": {
            "deadline_ms": (wait_deadline + a.timeout * 2).as_millis() as u64,
            "tally": wait_tally.json(),
        },
    });
    println!("{out}");
}
