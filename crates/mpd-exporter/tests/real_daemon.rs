//! The exporter in front of a real multipathd (0.8.5, 0.9.4, 0.11.1 in
//! the QEMU VMs of tests/real), scraped by a real Prometheus on the host.
//!
//! `#[ignore]`d: `tests/real/conformance` runs it with `--ignored` per
//! release (through tests/real/run-suites), with `MPD_REAL_SOCKET` (the
//! daemon, relayed), `MPD_REAL_GUEST_SOCKET` (a root shell in the guest)
//! and `MPD_REAL_VERSION` set; `MPD_EXPORTER_BIN` may name the exporter
//! binary to run (default: the one cargo built with this test). Run with
//! `--ignored` without those variables, it fails.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{sample, Prometheus};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is unset: run this through tests/real/conformance"))
}

/// Printed by a plain `cargo test`, so that the ignored test is not
/// mistaken for a pass.
#[test]
fn real_daemon_not_run_notice() {
    if std::env::var_os("MPD_REAL_SOCKET").is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTICE: the exporter against a real multipathd \
             (crates/mpd-exporter/tests/real_daemon.rs) was NOT run: \
             MPD_REAL_SOCKET is unset. Run tests/real/conformance.\n"
        );
    }
}

/// A shell function listing multipathd's pids in the guest (from /proc:
/// not every release's guest has pidof or pgrep).
const PIDS: &str = "pids() { for p in /proc/[0-9]*; do \
    [ \"$(cat $p/comm 2>/dev/null)\" = multipathd ] && echo ${p#/proc/}; done; };";

/// A shell command in the guest, as root: its status and output.
fn guest(command: &str) -> (i32, String) {
    let mut s = std::os::unix::net::UnixStream::connect(env("MPD_REAL_GUEST_SOCKET"))
        .expect("the guest's shell socket");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(s, "{command}\necho \"MPD-GUEST-STATUS $?\"\nexit\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("the guest's output");
    let status = out
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("MPD-GUEST-STATUS "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no status from the guest for {command:?}: {out:?}"));
    (status, out)
}

#[test]
#[ignore = "needs a real multipathd: tests/real/conformance runs it"]
fn prometheus_sees_a_failed_path_its_reinstatement_and_a_daemon_restart() {
    let socket = env("MPD_REAL_SOCKET");
    let version = env("MPD_REAL_VERSION");
    let interval = Duration::from_secs(1);
    let bin = std::env::var("MPD_EXPORTER_BIN").ok();
    let (_exporter, addr) = match &bin {
        Some(b) => common::start_exporter_bin(b, &socket, &["--timeout", "10"]),
        None => common::start_exporter(&socket, &["--timeout", "10"]),
    };
    let prom = Prometheus::start(&[&addr], interval);

    prom.wait_for("multipathd_up", 1.0, Duration::from_secs(60));
    assert_eq!(
        prom.value(&format!("multipathd_version_info{{version=\"{version}\"}}")),
        Some(1.0)
    );
    for (health, error) in prom.targets() {
        assert_eq!((health.as_str(), error.as_str()), ("up", ""));
    }
    // Promtool on what the real daemon gives.
    let body = common::get(&addr, "/metrics", None).body;
    let (ok, msg) = common::promtool_check_metrics(&body);
    assert!(ok && msg.trim().is_empty(), "promtool: {msg}");
    assert_eq!(sample(&body, "multipathd_scrape_commands"), Some(2.0));

    // The same through the socket whose peer is not root: every read is
    // allowed, so the exporter needs no root.
    let mut nonroot = mpd_exporter::Collector::new(mpd_exporter::CollectorOptions {
        address: Some(mpd_client::Address::parse(&env("MPD_REAL_NONROOT_SOCKET"))),
        timeout: Duration::from_secs(10),
        busy: false,
    });
    for i in 0..2 {
        if i == 1 {
            nonroot.prepare();
        }
        let s = nonroot.scrape();
        assert!(s.up, "non-root: {:?}", s.error);
        assert_eq!(s.commands, 2);
        let want = (i == 1).then(|| version.clone());
        assert_eq!(s.version.map(|v| v.to_string()), want);
    }
    // The H:C:T:L label, as the library lists it.
    let mut lister = mpd_client::Client::connect_to(mpd_client::Address::parse(&socket)).unwrap();
    let paths = lister.list_paths().unwrap();
    let sda = paths.iter().find(|p| p.device == "sda").expect("sda");
    let hcil = sda.hcil.clone().expect("sda has an H:C:T:L");
    assert!(
        body.contains(&format!("path=\"sda\",hcil=\"{hcil}\"")),
        "no hcil {hcil} for sda"
    );

    let failed = "multipathd_path_dm_state{path=\"sda\",multipathd_path_dm_state=\"failed\"}";
    let active = "multipathd_path_dm_state{path=\"sda\",multipathd_path_dm_state=\"active\"}";
    prom.wait_for(active, 1.0, Duration::from_secs(30));
    let faults = |p: &Prometheus| {
        p.query("sum(multipathd_map_path_faults_total)")
            .first()
            .map(|(_, v)| *v)
            .unwrap()
    };
    let faults_before = faults(&prom);

    // fail path: failed in the dm table at once, in Prometheus within two
    // scrape intervals.
    let mut client = mpd_client::Client::connect_to(mpd_client::Address::parse(&socket)).unwrap();
    let t0 = Instant::now();
    client.fail_path("sda").unwrap();
    let r = std::panic::catch_unwind(|| prom.wait_for(failed, 1.0, 2 * interval));
    let seen_failed = t0.elapsed();
    // Put it back before asserting.
    client.reinstate_path("sda").unwrap();
    let t1 = Instant::now();
    assert!(
        r.is_ok(),
        "the failed path was not seen within two intervals"
    );
    // Reinstated: active at the daemon's next check; in Prometheus within
    // two intervals of that (the checker runs every few seconds).
    prom.wait_for(active, 1.0, Duration::from_secs(20));
    let seen_back = t1.elapsed();
    eprintln!(
        "multipathd {version}: failed path in Prometheus after {seen_failed:?}, \
         reinstated after {seen_back:?}"
    );
    prom.wait_for(
        "sum(multipathd_map_health{multipathd_map_health=\"healthy\"})",
        prom.value("multipathd_maps").unwrap(),
        Duration::from_secs(30),
    );
    assert!(
        faults(&prom) > faults_before,
        "path_faults did not count the failure"
    );
    drop(client);

    // The daemon restarts: up 0 while it is gone, the exporter serving
    // throughout, then up 1 with every map back.
    let maps = prom.value("multipathd_maps").unwrap();
    // In a subshell: the guest's shell must live on to print the status.
    let (st, out) = guest(&format!(
        "( {PIDS} kill $(pids); i=0; while [ -n \"$(pids)\" ]; do \
         i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.2; done )"
    ));
    assert_eq!(st, 0, "multipathd did not stop: {out}");
    prom.wait_for("multipathd_up", 0.0, Duration::from_secs(10));
    assert_eq!(prom.value("up"), Some(1.0), "the exporter itself stays up");
    // Without -d, multipathd detaches by itself.
    let (st, out) = guest(&format!(
        "multipathd </dev/null >/dev/null 2>&1; sleep 1; {PIDS} [ -n \"$(pids)\" ]"
    ));
    assert_eq!(st, 0, "multipathd did not start: {out}");
    prom.wait_for("multipathd_up", 1.0, Duration::from_secs(60));
    prom.wait_for("multipathd_maps", maps, Duration::from_secs(60));
    prom.wait_for(
        "sum(multipathd_map_health{multipathd_map_health=\"healthy\"})",
        maps,
        Duration::from_secs(60),
    );
    for (health, error) in prom.targets() {
        assert_eq!((health.as_str(), error.as_str()), ("up", ""));
    }
}
