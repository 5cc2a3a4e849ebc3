//! The exporter's HTTP side on loopback, against clients that misbehave:
//! malformed requests, oversized heads, slow clients holding sockets, and
//! many connections at once. The exporter binary runs with small limits
//! (2 workers, a queue of 4, a 1 KiB head, a 1 s head deadline); its
//! threads and memory are read from /proc while it is under attack, and
//! it serves /metrics again afterwards.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{get, raw, sample};

fn exporter() -> (mpd_sim::SimHandle, common::Proc, String) {
    let sim = mpd_sim::Sim::builder().start().unwrap();
    let (proc, addr) = common::start_exporter(
        &sim.address(),
        &[
            "--workers",
            "2",
            "--queue",
            "4",
            "--max-header-bytes",
            "1024",
            "--header-timeout",
            "1",
        ],
    );
    (sim, proc, addr)
}

fn proc_status(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn assert_serves(addr: &str) {
    let r = get(addr, "/metrics", None);
    assert_eq!(r.status, 200);
    assert_eq!(sample(&r.body, "multipathd_up"), Some(1.0), "{}", r.body);
}

#[test]
fn routes_methods_and_content_negotiation() {
    let (_sim, _p, addr) = exporter();
    let r = get(&addr, "/metrics", None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(
        r.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        r.body.len()
    );
    assert!(!r.body.contains("# EOF"));

    let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let r = get(&addr, "/metrics", Some(prom));
    assert_eq!(
        r.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(r.body.ends_with("# EOF\n"));
    let r = get(
        &addr,
        "/metrics?name[]=x",
        Some("text/plain;q=1, application/openmetrics-text;q=0.5"),
    );
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));

    assert_eq!(get(&addr, "/", None).status, 200);
    assert_eq!(get(&addr, "/nope", None).status, 404);
    let r = raw(&addr, b"HEAD /metrics HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    let r = raw(
        &addr,
        b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
    )
    .unwrap();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
}

#[test]
fn malformed_requests_get_400_and_the_server_goes_on() {
    let (_sim, _p, addr) = exporter();
    for bad in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /metrics\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\n\r\n",
        b"GET http://x/metrics HTTP/1.1\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nno-colon-header\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n",
        b"\xff\xfe\x00\x01 / HTTP/1.1\r\n\r\n",
        b"\r\n\r\n",
    ] {
        let r = raw(&addr, bad).unwrap_or_else(|e| panic!("{bad:?}: {e}"));
        assert_eq!(r.status, 400, "{:?}", String::from_utf8_lossy(bad));
    }
    // A client that connects and says nothing, or closes at once.
    drop(TcpStream::connect(&addr).unwrap());
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /met").unwrap();
    drop(s);
    assert_serves(&addr);
}

#[test]
fn an_oversized_head_gets_431_without_growing_memory() {
    let (_sim, p, addr) = exporter();
    let pid = p.child.id();
    assert_serves(&addr);
    let rss_before = proc_status(pid, "VmRSS:");
    for _ in 0..20 {
        let mut req = b"GET /metrics HTTP/1.1\r\n".to_vec();
        // 1 MiB of headers, far beyond the 1 KiB limit.
        for i in 0..16384 {
            req.extend_from_slice(format!("X-Pad-{i}: {}\r\n", "a".repeat(50)).as_bytes());
        }
        req.extend_from_slice(b"\r\n");
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        // The server stops reading after 1 KiB: our write may fail.
        let _ = s.write_all(&req);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let r = common::parse_response(&out).expect("an answer before the close");
        assert_eq!(r.status, 431);
    }
    let rss_after = proc_status(pid, "VmRSS:");
    eprintln!("VmRSS {rss_before} kB before 20 MiB of oversized heads, {rss_after} kB after");
    assert!(
        rss_after < rss_before + 2048,
        "RSS grew from {rss_before} to {rss_after} kB"
    );
    assert_serves(&addr);
}

#[test]
fn slow_clients_are_cut_off_at_the_head_deadline() {
    let (_sim, p, addr) = exporter();
    // Slowloris: more clients than workers, each sending a byte every
    // 300 ms and never finishing the head.
    let start = Instant::now();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
                let mut got = Vec::new();
                for b in
                    b"GET /metrics HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        .iter()
                        .cycle()
                {
                    if s.write_all(&[*b]).is_err() {
                        break;
                    }
                    let mut buf = [0u8; 512];
                    match s.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                        Err(_) => {}
                    }
                    if start.elapsed() > Duration::from_secs(10) {
                        panic!("a slow client was held for 10 s");
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
                (start.elapsed(), String::from_utf8_lossy(&got).into_owned())
            })
        })
        .collect();
    // Meanwhile the threads stay as configured: accept + 2 workers + main.
    std::thread::sleep(Duration::from_millis(500));
    let threads = proc_status(p.child.id(), "Threads:");
    assert!(threads <= 4, "{threads} threads");
    for h in handles {
        let (held, answer) = h.join().unwrap();
        // Cut off by the 1 s deadline (the later ones waited in the queue
        // for a worker first).
        assert!(held < Duration::from_secs(5), "held for {held:?}");
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408 "),
            "{answer:?}"
        );
    }
    assert_serves(&addr);
}

#[test]
fn many_connections_are_capped_and_answered_503_beyond_the_queue() {
    let (_sim, p, addr) = exporter();
    // 50 idle connections: 2 are with workers, 4 wait, the rest get 503.
    let mut held: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let threads = proc_status(p.child.id(), "Threads:");
    assert!(threads <= 4, "{threads} threads with 50 connections");
    let mut refused = 0;
    for s in &mut held {
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut buf = [0u8; 128];
        if let Ok(n) = s.read(&mut buf) {
            if String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 503 ") {
                refused += 1;
            }
        }
    }
    assert!(refused >= 40, "only {refused} of 50 were refused");
    drop(held);
    // Once the held ones time out, /metrics is served again.
    std::thread::sleep(Duration::from_millis(1500));
    assert_serves(&addr);
}

#[test]
fn the_binary_reads_the_version_between_scrapes_and_takes_busy_and_all_states() {
    let sim = mpd_sim::Sim::builder().start().unwrap();
    let version = sim.version().to_string();
    let info = format!("multipathd_version_info{{version=\"{version}\"}}");

    // The defaults: two commands a scrape, the version learned at start
    // (or after the first scrape), no busy flag, current states only.
    let (_p, addr) = common::start_exporter(&sim.address(), &[]);
    let mut body = String::new();
    for _ in 0..3 {
        body = get(&addr, "/metrics", None).body;
        if sample(&body, &info).is_some() {
            break;
        }
    }
    assert_eq!(sample(&body, &info), Some(1.0), "{body}");
    assert_eq!(sample(&body, "multipathd_scrape_commands"), Some(2.0));
    assert!(!body.contains("multipathd_busy"));
    assert!(!body
        .lines()
        .any(|l| l.ends_with("\"} 0") && l.contains("_state=")));

    // --busy: show status too; --all-states: the states that do not hold,
    // with 0.
    let (_q, addr) = common::start_exporter(&sim.address(), &["--busy", "--all-states"]);
    let body = get(&addr, "/metrics", None).body;
    assert_eq!(sample(&body, "multipathd_scrape_commands"), Some(3.0));
    assert_eq!(sample(&body, "multipathd_busy"), Some(0.0));
    assert!(body.lines().any(
        |l| l.contains("path=\"sda\"") && l.ends_with("multipathd_path_dm_state=\"failed\"} 0")
    ));

    // Flags that take no value refuse one.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mpd-exporter"))
        .arg("--busy=yes")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--busy takes no value"));
}
