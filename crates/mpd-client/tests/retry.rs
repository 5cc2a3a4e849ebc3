//! The retry policy against the simulator: a read that failed transiently
//! (the daemon's `timeout` included) is sent again; an action never is.

use std::thread;
use std::time::{Duration, Instant};

use mpd_client::{Client, Error, ErrorKind, RetryPolicy};
use mpd_sim::{Fault, Sim, SimHandle, Version};

fn start() -> (SimHandle, Client) {
    let sim = Sim::builder()
        .version(Version::V0_11_1)
        .maps(1)
        .paths_per_map(2)
        .start()
        .unwrap();
    let c = Client::builder()
        .address(sim.address().as_str())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::attempts(8).backoff(Duration::from_millis(20)))
        .connect()
        .unwrap();
    (sim, c)
}

fn map_loads(sim: &SimHandle) -> u32 {
    sim.state().maps[0].stats.map_loads
}

/// Runs `f` while another thread clears the simulator's fault after
/// `after`.
fn with_fault_cleared_after<R>(sim: &SimHandle, after: Duration, f: impl FnOnce() -> R) -> R {
    thread::scope(|s| {
        s.spawn(|| {
            thread::sleep(after);
            sim.set_fault(Fault::None);
        });
        f()
    })
}

#[test]
fn a_busy_daemon_is_asked_again_for_reads_not_for_actions() {
    let (sim, mut c) = start();
    // The daemon answers "timeout" (did not run it): an action comes back
    // at once as DaemonTimeout, not run, and is not sent again.
    sim.set_fault(Fault::Timeout);
    let loads = map_loads(&sim);
    let e = c.reload_map("mpatha").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DaemonTimeout, "{e}");
    assert!(!e.kind().may_have_run());
    assert_eq!(c.retries(), 0);
    assert_eq!(map_loads(&sim), loads, "not run");

    sim.set_fault(Fault::Timeout);
    let before = c.retries();
    let maps = with_fault_cleared_after(&sim, Duration::from_millis(150), || c.list_maps());
    assert_eq!(maps.unwrap().len(), 1);
    assert!(c.retries() > before);
}

#[test]
fn an_action_that_may_have_run_is_never_sent_again() {
    let (sim, mut c) = start();
    // The daemon runs the command, then breaks the connection mid-reply.
    sim.set_fault(Fault::DropMidReply);
    let loads = map_loads(&sim);
    let e = c.reload_map("mpatha").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionClosed, "{e}");
    assert!(e.kind().may_have_run());
    assert_eq!(c.retries(), 0);
    assert_eq!(map_loads(&sim), loads + 1, "sent once, run once");

    // The client's own timeout on an action: not retried either.
    sim.set_fault(Fault::Hang);
    let t = Instant::now();
    let e = c.fail_path("sda").unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e}");
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(c.retries(), 0);
}

#[test]
fn a_read_is_retried_over_a_broken_connection_and_a_hang() {
    let (sim, mut c) = start();
    sim.set_fault(Fault::DropMidReply);
    let paths = with_fault_cleared_after(&sim, Duration::from_millis(100), || c.list_paths());
    assert_eq!(paths.unwrap().len(), 2);
    assert!(c.retries() >= 1);

    sim.set_fault(Fault::Hang);
    let before = c.retries();
    let maps = with_fault_cleared_after(&sim, Duration::from_millis(250), || c.list_maps());
    assert_eq!(maps.unwrap().len(), 1);
    assert!(c.retries() > before);
}

#[test]
fn lasting_refusals_and_the_limits_end_the_retries() {
    let (sim, mut c) = start();
    // Not transient: not retried.
    let e = c.fail_path("nosuch").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(c.retries(), 0);

    // Attempts run out: the last error comes back.
    sim.set_fault(Fault::Timeout);
    let e = c.list_maps().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DaemonTimeout, "{e}");
    assert_eq!(c.retries(), 7, "8 attempts in all");

    // A deadline stops the retries earlier.
    c.set_retry_policy(
        RetryPolicy::attempts(100)
            .backoff(Duration::from_millis(20))
            .deadline(Duration::from_millis(150)),
    );
    let t = Instant::now();
    assert_eq!(c.list_maps().unwrap_err().kind(), ErrorKind::DaemonTimeout);
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );

    // The default policy never retries.
    c.set_retry_policy(RetryPolicy::default());
    let before = c.retries();
    assert!(c.list_maps().is_err());
    assert_eq!(c.retries(), before);
}
