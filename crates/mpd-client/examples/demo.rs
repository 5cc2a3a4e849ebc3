//! The library at work: topology, paths, maps, then fail and reinstate one
//! path and watch its state change.
//!
//! ```text
//! cargo run -p mpd-client --example demo -- [--write] [SOCKET]
//! ```
//! Without `--write` only read-only commands are sent. `scripts/demo` runs
//! this against a real multipathd when one answers (read-only unless you pass
//! `--write`), and otherwise against the simulated daemon (with `--write`).

use std::time::{Duration, Instant};

use mpd_client::{Client, Error, Path, PathDmState};

fn show_paths(paths: &[Path]) {
    let header = ["device", "dev_t", "dm", "checker", "dev", "map", "hcil"];
    println!(
        "  {:<8} {:<7} {:<8} {:<10} {:<8} {:<10} {}",
        header[0], header[1], header[2], header[3], header[4], header[5], header[6]
    );
    for p in paths {
        println!(
            "  {:<8} {:<7} {:<8} {:<10} {:<8} {:<10} {}",
            p.device,
            format!("{}:{}", p.major, p.minor),
            p.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("-"),
            p.checker_state.as_ref().map(|s| s.as_str()).unwrap_or("-"),
            p.dev_state.as_ref().map(|s| s.as_str()).unwrap_or("-"),
            p.map.as_deref().unwrap_or("-"),
            p.hcil.as_deref().unwrap_or("-"),
        );
    }
}

fn state_of(client: &mut Client, dev: &str) -> Result<(String, String), Error> {
    let p = client.list_paths()?.into_iter().find(|p| p.device == dev);
    let p = p.ok_or_else(|| Error::CommandFailed {
        command: "list paths".into(),
        message: Some(format!("{dev} disappeared")),
        reply: String::new(),
    })?;
    Ok((
        p.dm_state.map(|s| s.to_string()).unwrap_or_default(),
        p.checker_state.map(|s| s.to_string()).unwrap_or_default(),
    ))
}

/// Polls until the path reaches `want` (dm state) or the deadline passes.
fn watch(client: &mut Client, dev: &str, want: &str, limit: Duration) -> Result<bool, Error> {
    let start = Instant::now();
    let mut last = None;
    loop {
        let s = state_of(client, dev)?;
        if last.as_ref() != Some(&s) {
            println!(
                "  {:>6.2}s  {dev}: dm={} checker={}",
                start.elapsed().as_secs_f64(),
                s.0,
                s.1
            );
            last = Some(s.clone());
        }
        if s.0 == want {
            return Ok(true);
        }
        if start.elapsed() > limit {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut write = false;
    let mut addr = None;
    for a in std::env::args().skip(1) {
        if a == "--write" {
            write = true;
        } else {
            addr = Some(a);
        }
    }
    let mut client = match &addr {
        Some(a) => Client::connect_to(a.as_str())?,
        None => Client::connect()?,
    };
    let version = client.daemon_version()?;
    println!("== multipathd {version} at {}", client.address());

    let status = client.status()?;
    println!(
        "== status: {} paths, checker states {:?}, busy={}",
        status.paths, status.checker_states, status.busy
    );

    println!("== topology (show maps json)");
    let topo = client.topology()?;
    for m in &topo.maps {
        println!(
            "  {} ({}) {} {} features='{}' queueing={}",
            m.name,
            m.uuid.as_deref().unwrap_or("?"),
            m.device.as_deref().unwrap_or("?"),
            m.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("?"),
            m.features.as_deref().unwrap_or("?"),
            m.queueing.as_ref().map_or("-".into(), |q| q.to_string()),
        );
        for g in &m.path_groups {
            let devs: Vec<&str> = g.paths.iter().map(|p| p.device.as_str()).collect();
            println!(
                "    group {} {} prio={} [{}]",
                g.number.unwrap_or(0),
                g.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                g.priority.map_or("-".into(), |p| p.to_string()),
                devs.join(", ")
            );
        }
    }

    println!("== maps (show maps raw format)");
    for m in client.list_maps()? {
        println!(
            "  {:<10} {:<6} paths={} size={}",
            m.name,
            m.device.unwrap_or_default(),
            m.active_paths.unwrap_or(0),
            m.size.unwrap_or_default()
        );
    }

    println!("== paths (show paths raw format)");
    let paths = client.list_paths()?;
    show_paths(&paths);

    if !write {
        println!("== read-only run: pass --write to fail and reinstate a path");
        return Ok(());
    }
    // A path whose map keeps another active path, so I/O never stops.
    let victim = paths.iter().find(|p| {
        p.dm_state == Some(PathDmState::Active)
            && paths.iter().any(|q| {
                q.device != p.device && q.map == p.map && q.dm_state == Some(PathDmState::Active)
            })
    });
    let Some(victim) = victim else {
        println!("== no map has two active paths; not failing anything");
        return Ok(());
    };
    let dev = victim.device.clone();
    println!("== fail path {dev}");
    client.fail_path(&dev)?;
    watch(&mut client, &dev, "failed", Duration::from_secs(10))?;
    println!("== reinstate path {dev} (the checker brings it back at its next run)");
    client.reinstate_path(&dev)?;
    if !watch(&mut client, &dev, "active", Duration::from_secs(30))? {
        println!("  {dev} did not come back within 30 s");
        std::process::exit(1);
    }
    println!("== done");
    Ok(())
}
