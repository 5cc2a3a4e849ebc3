//! What the jobs cost, in daemon commands and in time, as the topology
//! grows: `cargo bench -p mpd-client --bench jobs` prints a Markdown table
//! (numbers, no assertion; BENCHMARKS.md quotes a run).
//!
//! Against the simulator (0.9.4 replies), maps of two paths: 10, 100,
//! 1,000 and 10,000 paths. For each job met at once (the common case: the
//! caller checks a condition that already holds) the median time of a call
//! and the commands it sent; for `wait_settled` the commands of a whole
//! wait for 200 ms of quiet; for the watch the listings it sent per
//! interval over 2 s with nothing changing, and the time of one step (one
//! `show maps json` plus the diff).

use std::time::{Duration, Instant};

use mpd_client::{Client, PathWant, WaitOptions, Watch, WatchOptions};
use mpd_proto::events::diff;
use mpd_sim::{Sim, Version};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `f` `n` times; the median time and the commands of one call.
fn measure(c: &mut Client, n: usize, mut f: impl FnMut(&mut Client)) -> (Duration, u64) {
    let mut times = Vec::with_capacity(n);
    let before = c.commands_sent();
    for _ in 0..n {
        let t = Instant::now();
        f(c);
        times.push(t.elapsed());
    }
    (median(times), (c.commands_sent() - before) / n as u64)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    // `cargo bench` passes --bench; nothing else is expected.
    let wait = WaitOptions::timeout(Duration::from_secs(30));
    println!("| paths | health() | wait_for_map (met) | wait_for_path (met) | wait_settled(200 ms) | watch: listings per interval | watch step (json + diff) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for maps in [5usize, 50, 500, 5000] {
        let sim = Sim::builder()
            .version(Version::V0_9_4)
            .maps(maps)
            .paths_per_map(2)
            .immediate(true)
            .start()
            .expect("simulator starts");
        let mut c = Client::connect_to(sim.address().as_str()).expect("client connects");
        let n = if maps >= 5000 { 5 } else { 21 };
        let last_map = c.list_maps().unwrap().pop().unwrap().name;
        let last_path = c.list_paths().unwrap().pop().unwrap().device;

        let (health, health_cmds) = measure(&mut c, n, |c| {
            c.health().unwrap();
        });
        let (map, map_cmds) = measure(&mut c, n, |c| {
            c.wait_for_map(&last_map, 2, &wait).unwrap();
        });
        let (path, path_cmds) = measure(&mut c, n, |c| {
            c.wait_for_path(&last_path, &PathWant::up(), &wait).unwrap();
        });
        let before = c.commands_sent();
        let t = Instant::now();
        c.wait_settled(Duration::from_millis(200), &wait).unwrap();
        let settled = (t.elapsed(), c.commands_sent() - before);

        // The watch: 2 s of nothing at a 200 ms interval.
        let interval = Duration::from_millis(200);
        let watch_client = Client::connect_to(sim.address().as_str()).unwrap();
        let mut w = Watch::new(
            watch_client,
            WatchOptions {
                interval,
                ..WatchOptions::default()
            },
        );
        assert!(w.next_event(Duration::ZERO).unwrap().is_none(), "baseline");
        let start_listings = w.listings_sent();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(2) {
            assert!(w.next_event(Duration::from_millis(100)).unwrap().is_none());
        }
        let per_interval = (w.listings_sent() - start_listings) as f64
            / (t.elapsed().as_secs_f64() / interval.as_secs_f64());
        // One step's work: the listing and the diff against the last one.
        let baseline = c.topology().unwrap();
        let (step, _) = measure(&mut c, n, |c| {
            let now = c.topology().unwrap();
            assert!(diff(&baseline, &now).is_empty());
        });

        println!(
            "| {} | {} ({} cmd) | {} ({} cmd) | {} ({} cmd) | {} ({} cmds) | {:.2} | {} |",
            maps * 2,
            ms(health),
            health_cmds,
            ms(map),
            map_cmds,
            ms(path),
            path_cmds,
            ms(settled.0),
            settled.1,
            per_interval,
            ms(step),
        );
    }
}
