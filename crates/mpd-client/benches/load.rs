//! Throughput under load: `cargo bench -p mpd-client --bench load` prints
//! a Markdown table of calls per second against one simulator (0.9.4, 4
//! maps × 2 paths, in this process) for: one client in one thread; one
//! client shared by 8 threads (`Arc<Mutex<Client>>`); 8 clients in 8
//! threads; 4 client processes (this binary again, `--child`). The mix is
//! `list_paths`, `list_maps`, `fail_path`, `reinstate_path` in turn.
//! Numbers, no assertion (tests/load.rs checks correctness).

use std::process::Command as Proc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use mpd_client::Client;

fn one(c: &mut Client, i: usize, dev: &str) {
    match i % 4 {
        0 => drop(c.list_paths().unwrap()),
        1 => drop(c.list_maps().unwrap()),
        2 => c.fail_path(dev).unwrap(),
        _ => c.reinstate_path(dev).unwrap(),
    }
}

fn dev(n: usize) -> String {
    format!("sd{}", (b'a' + (n % 8) as u8) as char)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let mut c = Client::connect_to(args[2].as_str()).unwrap();
        let n: usize = args[3].parse().unwrap();
        let d = dev(args[4].parse().unwrap());
        for i in 0..n {
            one(&mut c, i, &d);
        }
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let n = 20_000;
    let sim = mpd_sim::Sim::builder()
        .maps(4)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        .start()
        .unwrap();
    let addr = sim.address();
    println!("| scenario | calls | seconds | calls/s |");
    println!("|---|---|---|---|");
    let report = |name: &str, calls: usize, t: Instant| {
        let s = t.elapsed().as_secs_f64();
        println!("| {name} | {calls} | {s:.2} | {:.0} |", calls as f64 / s);
    };

    let mut c = Client::connect_to(addr.as_str()).unwrap();
    let t = Instant::now();
    for i in 0..n {
        one(&mut c, i, "sda");
    }
    report("1 client, 1 thread", n, t);

    let shared = Arc::new(Mutex::new(c));
    let t = Instant::now();
    let hs: Vec<_> = (0..8)
        .map(|k| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                for i in 0..n / 8 {
                    one(&mut shared.lock().unwrap(), i, &dev(k));
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    report("1 client shared by 8 threads", n, t);

    let t = Instant::now();
    let hs: Vec<_> = (0..8)
        .map(|k| {
            let addr = addr.clone();
            thread::spawn(move || {
                let mut c = Client::connect_to(addr.as_str()).unwrap();
                for i in 0..n / 8 {
                    one(&mut c, i, &dev(k));
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    report("8 clients, 8 threads", n, t);

    let exe = std::env::current_exe().unwrap();
    let t = Instant::now();
    let children: Vec<_> = (0..4)
        .map(|k| {
            Proc::new(&exe)
                .args(["--child", &addr, &(n / 4).to_string(), &k.to_string()])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut ch in children {
        assert!(ch.wait().unwrap().success());
    }
    report("4 client processes", n, t);
    println!(
        "\n(the simulator, in this process, received {} commands)",
        sim.commands_received()
    );
}
