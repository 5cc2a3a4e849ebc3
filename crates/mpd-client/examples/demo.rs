//! The library at work: topology, paths, maps, then fail and reinstate one
//! path, with the library's wait, health verdict and watch of events.
//!
//! ```text
//! cargo run -p mpd-client --example demo -- [--write] [SOCKET]
//! ```
//! Without `--write` only read-only commands are sent. `scripts/demo` runs
//! this against a real multipathd when one answers (read-only unless you pass
//! `--write`), and otherwise against the simulated daemon (with `--write`).

use std::time::{Duration, Instant};

use mpd_client::{Client, Error, Path, PathDmState, PathWant, WaitOptions, Watch, WatchOptions};

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

/// Prints the events the watch has, for up to `quiet` without one.
fn show_events(events: &mut Watch, quiet: Duration) -> Result<(), Error> {
    while let Some(e) = events.next_event(quiet)? {
        println!("  event: {e}");
    }
    Ok(())
}

fn show_health(client: &mut Client, map: &str) -> Result<(), Error> {
    let h = client.map_health(map)?;
    println!(
        "  {map}: {} ({} of {} paths up)",
        h.state, h.up_paths, h.total_paths
    );
    Ok(())
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
            "  {:<10} {:<6} active_paths={} size={}",
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
    let map = victim.map.clone().unwrap_or_default();
    // The library's watch, on a connection of its own: events as they come.
    let mut events = Watch::new(
        Client::connect_to(client.address().clone())?,
        WatchOptions {
            interval: Duration::from_millis(200),
            ..WatchOptions::default()
        },
    );
    events.next_event(Duration::ZERO)?; // the baseline
    println!("== fail path {dev}");
    client.fail_path(&dev)?;
    client.wait_for_path(
        &dev,
        &PathWant::failed(),
        &WaitOptions::timeout(Duration::from_secs(10)),
    )?;
    show_events(&mut events, Duration::from_millis(400))?;
    show_health(&mut client, &map)?;
    println!("== reinstate path {dev} (the checker brings it back at its next run)");
    client.reinstate_path(&dev)?;
    let start = Instant::now();
    match client.wait_for_path(
        &dev,
        &PathWant::up(),
        &WaitOptions::timeout(Duration::from_secs(30)),
    ) {
        Ok(_) => println!("  {dev} up after {:.2}s", start.elapsed().as_secs_f64()),
        Err(e @ Error::WaitTimeout { .. }) => {
            println!("  {e}");
            std::process::exit(1);
        }
        Err(e) => return Err(e.into()),
    }
    show_events(&mut events, Duration::from_millis(400))?;
    show_health(&mut client, &map)?;
    println!("== done");
    Ok(())
}
