//! The async client against the blocking client on threads: commands/s
//! and per-command latency with 1, 10 and 100 concurrent tasks (threads
//! for the blocking client), against the same simulator socket. Prints a
//! table (not a criterion benchmark).
//!
//! | mode | what runs |
//! |---|---|
//! | `blocking` | N threads, each with its own `Client` (N connections) |
//! | `async-1conn` | N tokio tasks on one `AsyncClient` (one connection: the commands take turns) |
//! | `async-pool` | N tokio tasks on one `AsyncClient` with min(N, 16) connections |
//! | `async-ct` | 1 task on a current-thread runtime |
//!
//! The command is `show daemon` (`daemon_state()`), the cheapest one.
//! `cargo bench -p mpd-client --bench async` (`-- --commands K` for K
//! commands per configuration, default 6000; tokio runs 2 worker
//! threads).

use std::time::{Duration, Instant};

use mpd_client::{AsyncClient, Client};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

struct Row {
    mode: &'static str,
    tasks: usize,
    per_s: f64,
    p50: Duration,
    p99: Duration,
}

fn row(mode: &'static str, tasks: usize, wall: Duration, mut lat: Vec<Duration>) -> Row {
    lat.sort();
    Row {
        mode,
        tasks,
        per_s: lat.len() as f64 / wall.as_secs_f64(),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
    }
}

fn blocking(address: &str, tasks: usize, commands: usize) -> Row {
    let per = commands / tasks;
    let start = Instant::now();
    let lat: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                s.spawn(|| {
                    let mut c = Client::connect_to(address).unwrap();
                    c.daemon_state().unwrap();
                    (0..per)
                        .map(|_| {
                            let t = Instant::now();
                            c.daemon_state().unwrap();
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    row("blocking", tasks, start.elapsed(), lat)
}

async fn run_async(mode: &'static str, client: AsyncClient, tasks: usize, commands: usize) -> Row {
    let per = commands / tasks;
    client.daemon_state().await.unwrap();
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per);
                for _ in 0..per {
                    let t = Instant::now();
                    c.daemon_state().await.unwrap();
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat = Vec::with_capacity(commands);
    for h in handles {
        lat.extend(h.await.unwrap());
    }
    row(mode, tasks, start.elapsed(), lat)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut commands = 6000;
    while let Some(a) = args.next() {
        if a == "--commands" {
            commands = args
                .next()
                .and_then(|v| v.parse().ok())
                .expect("--commands K");
        }
    }
    let sim = mpd_sim::Sim::builder()
        .maps(2)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        .start()
        .expect("simulator starts");
    let address = sim.address();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for tasks in [1usize, 10, 100] {
        rows.push(blocking(&address, tasks, commands));
        rows.push(rt.block_on(async {
            let c = AsyncClient::connect_to(address.as_str()).await.unwrap();
            run_async("async-1conn", c, tasks, commands).await
        }));
        rows.push(rt.block_on(async {
            let c = Client::builder()
                .address(address.as_str())
                .connect_pool(tasks.min(16))
                .await
                .unwrap();
            run_async("async-pool", c, tasks, commands).await
        }));
    }
    // One task on a current-thread runtime: no hand-over between worker
    // threads.
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rows.push(current.block_on(async {
        let c = AsyncClient::connect_to(address.as_str()).await.unwrap();
        run_async("async-ct", c, 1, commands).await
    }));
    println!("{commands} `show daemon` commands per row, simulator 0.9.4 in-process");
    println!(
        "{:<12} {:>5} {:>10} {:>10} {:>10}",
        "mode", "tasks", "cmds/s", "p50 µs", "p99 µs"
    );
    for r in &rows {
        println!(
            "{:<12} {:>5} {:>10.0} {:>10.1} {:>10.1}",
            r.mode,
            r.tasks,
            r.per_s,
            r.p50.as_secs_f64() * 1e6,
            r.p99.as_secs_f64() * 1e6
        );
    }
    let one = |m: &str| {
        rows.iter()
            .find(|r| r.mode == m && r.tasks == 1)
            .unwrap()
            .p50
    };
    println!(
        "one task: async p50 / blocking p50 = {:.2} on the 2-thread runtime, {:.2} on a \
         current-thread one (goal: at most 1.2)",
        one("async-1conn").as_secs_f64() / one("blocking").as_secs_f64(),
        one("async-ct").as_secs_f64() / one("blocking").as_secs_f64()
    );
}
