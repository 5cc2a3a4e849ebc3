//! The soak: `cargo bench -p mpd-client --bench soak [-- COMMANDS]` sends
//! 1,000,000 commands (default) through one client to a simulator (0.9.4,
//! 2 maps × 2 paths, in this process), closing the connection every 1,000
//! commands so that connections churn too, and samples this process's
//! resident memory (`/proc/self/statm`) and open file descriptors
//! (`/proc/self/fd`) every 10,000 commands. It writes the samples to
//! `target/soak/soak.csv` and a plot to `target/soak/soak.svg` (copied to
//! `bench/results/soak.svg` for BENCHMARKS.md), and prints the first, last
//! and largest values. Numbers, no assertion: flat lines are the result.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use mpd_client::Client;

struct Sample {
    commands: u64,
    rss_kib: u64,
    fds: u64,
    seconds: f64,
}

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4 // 4 KiB pages on x86_64
}

fn fds() -> u64 {
    std::fs::read_dir("/proc/self/fd").unwrap().count() as u64
}

fn main() {
    let total: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let every = (total / 100).max(1);
    let sim = mpd_sim::Sim::builder()
        .immediate(true)
        .checker_tick(None)
        .start()
        .unwrap();
    let mut c = Client::connect_to(sim.address().as_str()).unwrap();
    let mut samples = Vec::new();
    let start = Instant::now();
    let sample = |n: u64| Sample {
        commands: n,
        rss_kib: rss_kib(),
        fds: fds(),
        seconds: start.elapsed().as_secs_f64(),
    };
    samples.push(sample(0));
    for i in 1..=total {
        match i % 5 {
            0 => drop(c.list_paths().unwrap()),
            1 => drop(c.list_maps().unwrap()),
            2 => c.fail_path("sda").unwrap(),
            3 => c.reinstate_path("sda").unwrap(),
            _ => drop(c.status().unwrap()),
        }
        if i % 1000 == 0 {
            c.close();
        }
        if i % every == 0 {
            samples.push(sample(i));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(c.commands_sent(), total);

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/soak");
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("commands,seconds,rss_kib,open_fds\n");
    for s in &samples {
        writeln!(
            csv,
            "{},{:.3},{},{}",
            s.commands, s.seconds, s.rss_kib, s.fds
        )
        .unwrap();
    }
    std::fs::write(dir.join("soak.csv"), csv).unwrap();
    std::fs::write(dir.join("soak.svg"), svg(&samples, total)).unwrap();

    // The first sample after warm-up (10 % in) against the last: flat?
    let warm = &samples[samples.len() / 10];
    let last = samples.last().unwrap();
    let max_rss = samples.iter().map(|s| s.rss_kib).max().unwrap();
    let (min_fd, max_fd) = (
        samples.iter().map(|s| s.fds).min().unwrap(),
        samples.iter().map(|s| s.fds).max().unwrap(),
    );
    println!("| soak | value |");
    println!("|---|---|");
    println!("| commands | {total} ({} connections) |", total / 1000);
    println!(
        "| time | {secs:.1} s ({:.0} commands/s) |",
        total as f64 / secs
    );
    println!(
        "| RSS at start / after 10 % / at the end / largest | {} / {} / {} / {} KiB |",
        samples[0].rss_kib, warm.rss_kib, last.rss_kib, max_rss
    );
    println!("| open fds, fewest / most | {min_fd} / {max_fd} |");
    println!("| samples | {} (target/soak/soak.csv) |", samples.len());
}

/// Two panels, RSS (KiB) and open fds, against commands sent.
fn svg(samples: &[Sample], total: u64) -> String {
    let (w, h, pad) = (720.0, 200.0, 60.0);
    let mut out = String::new();
    let height = 2.0 * h + 3.0 * 30.0;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" font-family="sans-serif" font-size="12">"#
    )
    .unwrap();
    writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#).unwrap();
    fn rss(s: &Sample) -> f64 {
        s.rss_kib as f64
    }
    fn fd_count(s: &Sample) -> f64 {
        s.fds as f64
    }
    type Panel = (&'static str, &'static str, fn(&Sample) -> f64);
    let panels: [Panel; 2] = [
        ("resident memory (KiB)", "#1f77b4", rss),
        ("open file descriptors", "#d62728", fd_count),
    ];
    for (k, (title, color, value)) in panels.iter().enumerate() {
        let top = 30.0 + k as f64 * (h + 30.0);
        let max = samples.iter().map(value).fold(0.0, f64::max).max(1.0) * 1.2;
        let x = |n: u64| pad + (w - 2.0 * pad) * n as f64 / total as f64;
        let y = |v: f64| top + h - 20.0 - (h - 40.0) * v / max;
        writeln!(out, r#"<text x="{pad}" y="{}" font-weight="bold">{title}, against commands sent (0 to {total})</text>"#, top - 8.0).unwrap();
        writeln!(
            out,
            r#"<line x1="{pad}" y1="{}" x2="{}" y2="{}" stroke="black"/>"#,
            y(0.0),
            w - pad,
            y(0.0)
        )
        .unwrap();
        writeln!(
            out,
            r#"<line x1="{pad}" y1="{}" x2="{pad}" y2="{}" stroke="black"/>"#,
            y(0.0),
            y(max)
        )
        .unwrap();
        for frac in [0.0, 0.5, 1.0] {
            let v = max / 1.2 * frac;
            writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end">{v:.0}</text>"#,
                pad - 4.0,
                y(v) + 4.0
            )
            .unwrap();
        }
        let points: Vec<String> = samples
            .iter()
            .map(|s| format!("{:.1},{:.1}", x(s.commands), y(value(s))))
            .collect();
        writeln!(
            out,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        )
        .unwrap();
    }
    out.push_str("</svg>\n");
    out
}
