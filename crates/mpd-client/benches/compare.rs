//! The Rust contender of `bench/compare` (not a criterion benchmark: a
//! plain program that `bench/compare` runs once per measurement, so that
//! each contender is a fresh process timed the same way as the C and
//! Python ones). Every mode prints one JSON object on stdout.
//!
//! ```text
//! compare latency --op OP [LOOP] [--reconnect] [--socket ADDR]
//!     OP: daemon-state (`show daemon`), topology (`show maps json`),
//!         list-paths (`show paths raw format …`)
//! compare parse --kind maps-json|paths --file F [LOOP]
//! compare fetch --kind maps-json|paths --out F [--socket ADDR]
//! ```
//!
//! LOOP: `--iterations N` (the most timed calls, default 1000), `--seconds
//! S` (stop earlier once S seconds have passed, after at least 5 calls),
//! `--warmup W` (untimed calls first, default 10).
//!
//! `latency` times each call of one [`Client`] (one connection; with
//! `--reconnect` the connection is closed before every call, so each call
//! connects anew). `parse` times the pure parse of a recorded reply and
//! measures its heap with a counting allocator: the peak above the input
//! while parsing, and what the result keeps. `fetch` saves a reply for
//! `parse` (and for the Python baselines). The default socket is the
//! daemon's default abstract name.
//!
//! Build: `cargo bench -p mpd-client --bench compare --no-run`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use mpd_client::mpd_proto::model::{paths, topology};
use mpd_client::mpd_proto::reply::listing;
use mpd_client::{Address, Client, Command, Path};
use serde_json::{json, Value};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are
// updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak resident set size of this program so far, in KiB: `VmHWM` of
/// /proc/self/status (not `getrusage`'s `ru_maxrss`, which Linux carries
/// over `execve` from a bigger parent). -1 if unknown.
fn peak_rss_kib() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(-1)
}

/// The summary every contender prints (same keys in C and Python).
fn summary(contender: &str, mut samples: Vec<u64>, total_ns: u128) -> Value {
    samples.sort_unstable();
    let n = samples.len();
    let q = |q: f64| samples[(q * (n - 1) as f64).round() as usize] as f64 / 1000.0;
    let mean = samples.iter().map(|&s| s as f64).sum::<f64>() / n as f64 / 1000.0;
    json!({
        "contender": contender,
        "iterations": n,
        "total_s": total_ns as f64 / 1e9,
        "ops_per_s": n as f64 / (total_ns as f64 / 1e9),
        "mean_us": mean,
        "min_us": q(0.0),
        "median_us": q(0.5),
        "p90_us": q(0.9),
        "p99_us": q(0.99),
    })
}

/// The measurement loop: `warmup` untimed calls, then at most `iterations`
/// timed ones, ending early once `seconds` (if not 0) have passed after at
/// least 5 calls.
#[derive(Clone, Copy)]
struct Loop {
    warmup: usize,
    iterations: usize,
    seconds: f64,
}

/// Runs `f` as `l` says and summarises the timed calls.
fn time_calls(
    contender: &str,
    l: Loop,
    mut f: impl FnMut() -> Result<(), String>,
) -> Result<Value, String> {
    for _ in 0..l.warmup {
        f()?;
    }
    let mut samples = Vec::with_capacity(l.iterations.min(1 << 20));
    let start = Instant::now();
    let budget = std::time::Duration::from_secs_f64(l.seconds);
    while samples.len() < l.iterations {
        let t = Instant::now();
        f()?;
        samples.push(t.elapsed().as_nanos() as u64);
        if l.seconds > 0.0 && samples.len() >= 5 && start.elapsed() >= budget {
            break;
        }
    }
    Ok(summary(contender, samples, start.elapsed().as_nanos()))
}

struct Args {
    mode: String,
    op: String,
    kind: String,
    file: String,
    out: String,
    socket: Address,
    timing: Loop,
    reconnect: bool,
}

fn parse_args() -> Result<Args, String> {
    // `cargo bench` appends `--bench`; it means nothing here.
    let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut a = Args {
        mode: it
            .next()
            .ok_or("usage: compare latency|parse|fetch [options]")?,
        op: String::new(),
        kind: String::new(),
        file: String::new(),
        out: String::new(),
        socket: Address::default_abstract(),
        timing: Loop {
            warmup: 10,
            iterations: 1000,
            seconds: 0.0,
        },
        reconnect: false,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let count = |s: String| s.parse::<usize>().map_err(|_| format!("not a count: {s}"));
        match flag.as_str() {
            "--op" => a.op = value()?,
            "--kind" => a.kind = value()?,
            "--file" => a.file = value()?,
            "--out" => a.out = value()?,
            "--socket" => a.socket = Address::parse(&value()?),
            "--iterations" => a.timing.iterations = count(value()?)?.max(1),
            "--warmup" => a.timing.warmup = count(value()?)?,
            "--seconds" => {
                let s = value()?;
                a.timing.seconds = s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v >= 0.0)
                    .ok_or(format!("not a number of seconds: {s}"))?;
            }
            "--reconnect" => a.reconnect = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(a)
}

fn paths_command() -> Command {
    Command::ShowPathsFormat {
        format: Path::FORMAT.into(),
        raw: true,
    }
}

fn latency(a: &Args) -> Result<Value, String> {
    let mut client = Client::connect_to(a.socket.clone()).map_err(|e| e.to_string())?;
    let reconnect = a.reconnect;
    let mut count = 0usize;
    let mut call = |client: &mut Client| -> Result<(), String> {
        if reconnect {
            client.close();
        }
        let e = |e: mpd_client::Error| e.to_string();
        match a.op.as_str() {
            "daemon-state" => {
                client.daemon_state().map_err(e)?;
            }
            "topology" => count = client.topology().map_err(e)?.paths().count(),
            "list-paths" => count = client.list_paths().map_err(e)?.len(),
            other => return Err(format!("unknown --op {other}")),
        }
        Ok(())
    };
    let name = if reconnect { "rust-reconnect" } else { "rust" };
    let mut v = time_calls(name, a.timing, || call(&mut client))?;
    v["op"] = json!(a.op);
    v["peak_rss_kib"] = json!(peak_rss_kib());
    if a.op != "daemon-state" {
        v["paths"] = json!(count);
    }
    Ok(v)
}

/// Runs `f` once and returns its result with the heap it needed: the peak
/// above the heap before the call, and what the result still holds.
fn heap_of<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    let retained = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (out, peak, retained)
}

fn parse(a: &Args) -> Result<Value, String> {
    let text = std::fs::read_to_string(&a.file).map_err(|e| format!("{}: {e}", a.file))?;
    let e = |e: mpd_client::mpd_proto::Error| e.to_string();
    // Heap first, on a quiet heap: one parse whose result is kept.
    let (n_paths, peak, retained) = match a.kind.as_str() {
        "maps-json" => {
            let (t, peak, kept) = heap_of(|| topology::parse_topology_json(&text));
            (t.map_err(e)?.paths().count(), peak, kept)
        }
        "paths" => {
            let (l, peak, kept) = heap_of(|| paths::parse_paths(listing(&text), &Path::FIELDS));
            (l.map_err(e)?.len(), peak, kept)
        }
        other => return Err(format!("unknown --kind {other}")),
    };
    let timing = Loop {
        warmup: 2,
        ..a.timing
    };
    let mut v = time_calls(&format!("rust-parse-{}", a.kind), timing, || {
        if a.kind == "maps-json" {
            topology::parse_topology_json(&text).map_err(e)?;
        } else {
            paths::parse_paths(listing(&text), &Path::FIELDS).map_err(e)?;
        }
        Ok(())
    })?;
    v["input_bytes"] = json!(text.len());
    v["paths"] = json!(n_paths);
    v["heap_peak_bytes"] = json!(peak);
    v["heap_retained_bytes"] = json!(retained);
    v["peak_rss_kib"] = json!(peak_rss_kib());
    Ok(v)
}

fn fetch(a: &Args) -> Result<Value, String> {
    let cmd = match a.kind.as_str() {
        "maps-json" => Command::ShowMapsJson,
        "paths" => paths_command(),
        other => return Err(format!("unknown --kind {other}")),
    };
    let mut client = Client::connect_to(a.socket.clone()).map_err(|e| e.to_string())?;
    let text = client.call(&cmd).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &text).map_err(|e| format!("{}: {e}", a.out))?;
    Ok(json!({ "command": cmd.text().unwrap_or_default(), "bytes": text.len(), "out": a.out }))
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|a| match a.mode.as_str() {
        "latency" => latency(&a),
        "parse" => parse(&a),
        "fetch" => fetch(&a),
        other => Err(format!("unknown mode {other}")),
    });
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}
