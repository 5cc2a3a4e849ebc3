//! Prints the multipath topology and daemon status, like
//! `multipathd show topology` but from typed values.
//!
//! ```text
//! cargo run -p mpd-client --example mpstat [SOCKET]
//! ```
//! SOCKET is a path or `@abstract-name`; without it the daemon is found as
//! the official client finds it.

use mpd_client::{Client, Error};

fn main() -> Result<(), Error> {
    let mut client = match std::env::args().nth(1) {
        Some(addr) => Client::connect_to(addr.as_str())?,
        None => Client::connect()?,
    };
    let version = client.daemon_version()?;
    let status = client.status()?;
    println!(
        "multipathd {version} at {}: {} paths, busy={}",
        client.address(),
        status.paths,
        status.busy
    );
    for map in client.topology()?.maps {
        println!(
            "{} ({}) {} {}",
            map.name,
            map.uuid.as_deref().unwrap_or("?"),
            map.device.as_deref().unwrap_or("?"),
            map.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("?")
        );
        for group in &map.path_groups {
            println!(
                "  group {} prio={:?} {}",
                group.number.unwrap_or(0),
                group.priority,
                group.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("?")
            );
            for p in &group.paths {
                println!(
                    "    {} {}:{} {} {}",
                    p.device,
                    p.major.unwrap_or(0),
                    p.minor.unwrap_or(0),
                    p.dm_state.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                    p.checker_state.as_ref().map(|s| s.as_str()).unwrap_or("?")
                );
            }
        }
    }
    Ok(())
}
