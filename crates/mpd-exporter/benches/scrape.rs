//! The exporter's scrape against the fork-per-scrape approach, as the
//! topology grows: `cargo bench -p mpd-exporter` prints Markdown tables
//! (numbers, no assertion; BENCHMARKS.md quotes a run).
//!
//! Both read the same simulator (0.9.4 replies, maps of two paths: 10,
//! 100, 1,000 and 10,000 paths) on the daemon's default abstract address,
//! the only one Debian's `multipathd` client knows; a lock file shared
//! with the simulator's official-client test keeps other tests off it.
//!
//! - exporter: one HTTP GET of `/metrics` on loopback from the exporter
//!   (in this process, its kept connection to the daemon), response read
//!   in full: the daemon's commands, parsing, rendering and HTTP.
//! - fork: `multipathd show maps json` run as a process, its output parsed
//!   into the topology (what vexxhost/multipathd_exporter does per scrape,
//!   without rendering anything).
//!
//! Three cases: *steady*, nothing changes between scrapes (the exporter's
//! renderer reuses what it made of identical listings); *changing*, a
//! path fails or comes back before every scrape (its dm state and its
//! map's counters change, so every scrape parses the new listings and
//! writes that path's and map's samples anew, copying the rest from the
//! last rendering); and
//! steady with `--all-states` (every state of a state set, 0 or 1). The
//! change is made between the timed parts. CPU is user + system time of
//! this process (simulator, exporter, HTTP client) and, for the fork, of
//! its children, taken around each timed part.
//!
//! Then the exporter binary's memory (VmRSS) over 10,000 scrapes at 100
//! paths. `-- --smoke`: 10 paths, a few iterations, 200 scrapes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use mpd_exporter::http::{Server, ServerOptions};
use mpd_exporter::metrics::StateSets;
use mpd_exporter::{Collector, CollectorOptions};
use mpd_sim::{Address, Sim, Version};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// One HTTP GET of `/metrics`, the response read into `buf`.
fn get(addr: &str, buf: &mut Vec<u8>) {
    buf.clear();
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    s.read_to_end(buf).unwrap();
}

/// The body of a response, checked to be a 200.
fn body(buf: &[u8]) -> &str {
    let out = std::str::from_utf8(buf).unwrap();
    assert!(
        out.starts_with("HTTP/1.1 200 "),
        "{}",
        &out[..out.len().min(200)]
    );
    out
}

fn sample(body: &str, name: &str) -> f64 {
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn lock(path: &str) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .or_else(|_| std::fs::File::open(path))
        .expect("open lock file");
    // SAFETY: flock on a descriptor we own.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(rc, 0, "flock {path}");
    f
}

/// CPU time (user + system) of this process, and of its waited-for
/// children.
fn cpu() -> (Duration, Duration) {
    let get = |who| {
        // SAFETY: getrusage fills the struct we own.
        let mut r: libc::rusage = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::getrusage(who, &mut r) };
        assert_eq!(rc, 0);
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        tv(r.ru_utime) + tv(r.ru_stime)
    };
    (get(libc::RUSAGE_SELF), get(libc::RUSAGE_CHILDREN))
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let multipathd = ["/usr/sbin/multipathd", "/sbin/multipathd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("Debian's multipathd client (multipath-tools; scripts/setup installs it)");
    let _default = lock(
        &std::env::temp_dir()
            .join("mpd-sim-default-address.lock")
            .to_string_lossy(),
    );

    println!("| paths | case | exporter scrape (HTTP, median) | CPU per scrape | daemon commands per scrape (max) | body | fork: `multipathd show maps json` + parse (median) | CPU per scrape | fork / exporter (time) | fork / exporter (CPU) |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let sizes: &[usize] = if smoke { &[5] } else { &[5, 50, 500, 5000] };
    for &maps in sizes {
        let sim = Sim::builder()
            .version(Version::V0_9_4)
            .socket(Address::default_abstract())
            .maps(maps)
            .paths_per_map(2)
            .checker_tick(None)
            // `reinstate path` takes effect at once, not at a checker tick.
            .immediate(true)
            .start()
            .expect("the simulator listens on the default address (is a multipathd running?)");
        let start = |state_sets| {
            Server::start(
                ServerOptions {
                    listen: "127.0.0.1:0".into(),
                    state_sets,
                    ..ServerOptions::default()
                },
                Collector::new(CollectorOptions {
                    address: Some(mpd_client::Address::default_abstract()),
                    timeout: Duration::from_secs(30),
                    busy: false,
                }),
            )
            .unwrap()
        };
        let server = start(StateSets::Current);
        let server_all = start(StateSets::All);
        let addr = server.local_addr().to_string();
        let addr_all = server_all.local_addr().to_string();
        let n = match (smoke, maps) {
            (true, _) => 3,
            (_, m) if m >= 5000 => 9,
            (_, m) if m >= 500 => 31,
            _ => 101,
        };
        // The path that fails and comes back in the changing case.
        let first = sim.state().paths[0].dev.clone();
        let mut failed = false;
        let mut toggle = || {
            let verb = if failed { "reinstate" } else { "fail" };
            failed = !failed;
            let reply = sim.execute(&format!("{verb} path {first}"));
            assert_eq!(reply, "ok\n", "{verb} path {first}");
        };
        let mut buf = Vec::new();
        // Connect, learn the version.
        get(&addr, &mut buf);
        get(&addr_all, &mut buf);
        let cases = [
            ("steady", &addr, false),
            ("changing", &addr, true),
            ("steady, `--all-states`", &addr_all, false),
        ];
        for (case, addr, changing) in cases {
            let (mut times, mut cpus, mut commands, mut size) = (Vec::new(), Vec::new(), 0f64, 0);
            let mut last_body: Option<Vec<u8>> = None;
            for _ in 0..n {
                if changing {
                    toggle();
                }
                let c0 = cpu();
                let t = Instant::now();
                get(addr, &mut buf);
                times.push(t.elapsed());
                cpus.push(cpu().0 - c0.0);
                let text = body(&buf);
                commands = commands.max(sample(text, "multipathd_scrape_commands"));
                assert_eq!(sample(text, "multipathd_up"), 1.0);
                size = buf.len();
                // The changing case must change what is rendered.
                let objects = text
                    .split_once("multipathd_maps ")
                    .map(|(_, r)| r.as_bytes().to_vec());
                if changing {
                    assert!(objects != last_body, "the listings did not change");
                }
                last_body = objects;
            }
            let exporter = median(times);
            let exporter_cpu = median(cpus);

            let (mut times, mut cpus) = (Vec::new(), Vec::new());
            for _ in 0..n {
                if changing {
                    toggle();
                }
                let c0 = cpu();
                let t = Instant::now();
                let out = Command::new(multipathd)
                    .args(["show", "maps", "json"])
                    .output()
                    .expect("run multipathd");
                let text = String::from_utf8(out.stdout).unwrap();
                let topo = mpd_proto::model::topology::parse_topology_json(&text).unwrap();
                times.push(t.elapsed());
                let c1 = cpu();
                // The simulator and the parsing here, and the multipathd
                // process.
                cpus.push(c1.0 - c0.0 + (c1.1 - c0.1));
                assert_eq!(topo.maps.len(), maps);
            }
            let fork = median(times);
            let fork_cpu = median(cpus);
            println!(
                "| {} | {} | {} | {} | {} | {} kB | {} | {} | {:.1}× | {:.1}× |",
                maps * 2,
                case,
                ms(exporter),
                ms(exporter_cpu),
                commands,
                size / 1024,
                ms(fork),
                ms(fork_cpu),
                fork.as_secs_f64() / exporter.as_secs_f64(),
                fork_cpu.as_secs_f64() / exporter_cpu.as_secs_f64()
            );
        }
        server.stop();
        server_all.stop();
        sim.stop();
    }
    drop(_default);

    // Memory: the exporter binary, 10,000 scrapes at 100 paths.
    let sim = Sim::builder()
        .version(Version::V0_9_4)
        .maps(50)
        .paths_per_map(2)
        .checker_tick(None)
        .start()
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpd-exporter"))
        .args(["--listen", &addr, "--socket", &sim.address()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < until, "exporter does not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    let total = if smoke { 200 } else { 10_000 };
    let marks = [1, total / 10, total / 2, total];
    let mut line = Vec::new();
    let t = Instant::now();
    let mut buf = Vec::new();
    for i in 1..=total {
        get(&addr, &mut buf);
        if marks.contains(&i) {
            line.push(format!("{i}: {} kB", rss_kb(child.id())));
        }
    }
    println!();
    println!(
        "exporter VmRSS over {total} scrapes at 100 paths ({:.1} s): {}",
        t.elapsed().as_secs_f64(),
        line.join(", ")
    );
    let _ = child.kill();
    let _ = child.wait();
}
