//! Load: one client shared by many threads, many clients in many threads,
//! and many client processes, all against one simulator at once: every
//! call succeeds, nothing deadlocks (each scenario must end within a
//! generous bound, checked by a watchdog), and the simulator counts exactly
//! the commands sent. Throughput is measured by `benches/load.rs`.

use std::process::Command as Proc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use mpd_client::Client;

const CALLS: usize = 300;

/// Runs `f` in a thread; fails if it does not finish within `limit` (a
/// deadlock) instead of hanging the test run.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .expect("the scenario did not finish: deadlock or hang")
}

/// One call of the mix: a read or an action, by index.
fn one(c: &mut Client, i: usize, dev: &str) {
    match i % 4 {
        0 => assert!(!c.list_paths().unwrap().is_empty()),
        1 => assert!(!c.list_maps().unwrap().is_empty()),
        2 => c.fail_path(dev).unwrap(),
        _ => c.reinstate_path(dev).unwrap(),
    }
}

fn sim() -> mpd_sim::SimHandle {
    mpd_sim::Sim::builder()
        .maps(4)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        .start()
        .unwrap()
}

#[test]
fn one_client_shared_by_many_threads() {
    let sim = sim();
    let before = sim.commands_received();
    let client = Arc::new(Mutex::new(
        Client::connect_to(sim.address().as_str()).unwrap(),
    ));
    let threads = 8;
    within(Duration::from_secs(120), move || {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let client = Arc::clone(&client);
                thread::spawn(move || {
                    let dev = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"][t];
                    for i in 0..CALLS {
                        one(&mut client.lock().unwrap(), i, dev);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().expect("a thread failed");
        }
    });
    assert_eq!(
        sim.commands_received() - before,
        (threads * CALLS) as u64,
        "every call sent exactly one command"
    );
}

#[test]
fn many_clients_in_many_threads() {
    let sim = sim();
    let address = sim.address();
    let threads = 16;
    within(Duration::from_secs(120), move || {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let address = address.clone();
                thread::spawn(move || {
                    let mut c = Client::connect_to(address.as_str()).unwrap();
                    let dev = format!("sd{}", (b'a' + (t % 8) as u8) as char);
                    for i in 0..CALLS {
                        one(&mut c, i, &dev);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().expect("a thread failed");
        }
    });
    assert_eq!(sim.commands_received(), (threads * CALLS) as u64);
}

/// A child process of this test binary: `MPD_LOAD_CHILD=ADDR` runs the mix
/// against ADDR and exits (the test harness runs only this test in it).
#[test]
fn many_clients_in_many_processes() {
    if let Ok(address) = std::env::var("MPD_LOAD_CHILD") {
        let mut c = Client::connect_to(address.as_str()).unwrap();
        let dev = std::env::var("MPD_LOAD_DEV").unwrap();
        for i in 0..CALLS {
            one(&mut c, i, &dev);
        }
        return;
    }
    let sim = sim();
    let procs = 6;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..procs)
        .map(|p| {
            Proc::new(&exe)
                .args(["many_clients_in_many_processes", "--exact", "--quiet"])
                .env("MPD_LOAD_CHILD", sim.address())
                .env("MPD_LOAD_DEV", format!("sd{}", (b'a' + p as u8) as char))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let statuses = within(Duration::from_secs(120), move || {
        children
            .into_iter()
            .map(|mut c| c.wait().unwrap())
            .collect::<Vec<_>>()
    });
    for s in statuses {
        assert!(s.success(), "a client process failed: {s}");
    }
    assert_eq!(sim.commands_received(), (procs * CALLS) as u64);
}
