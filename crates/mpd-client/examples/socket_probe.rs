//! Shows where [`Client::connect`] finds the daemon, on the daemon's own
//! host (the conformance suite runs it inside each test guest, as root and
//! as user `nobody`, with and without `MULTIPATH_SOCKET_NAME`).
//!
//! ```text
//! socket_probe
//! ```
//!
//! Connects the way the official client does (`MULTIPATH_SOCKET_NAME`,
//! else `/run/multipathd.socket` if it exists, else the abstract name),
//! lists the maps, and tries one harmless action (`suspend map` of a map
//! that does not exist). Prints `discover=…` (the candidates, in order),
//! `address=…` (the one that answered), `maps=N` and `action=KIND` (the
//! error kind's name: `command_failed` for root, `permission_denied` for
//! others). Exits 0 when it connected and listed the maps, 1 otherwise
//! (with `error=…`).

use std::process::ExitCode;

use mpd_client::{Address, Client};

fn main() -> ExitCode {
    let found: Vec<String> = Address::discover().iter().map(|a| a.to_string()).collect();
    println!("discover={}", found.join(","));
    let mut c = match Client::connect() {
        Ok(c) => c,
        Err(e) => {
            println!("error={e}");
            return ExitCode::from(1);
        }
    };
    println!("address={}", c.address());
    match c.list_maps() {
        Ok(maps) => println!("maps={}", maps.len()),
        Err(e) => {
            println!("error={e}");
            return ExitCode::from(1);
        }
    }
    match c.suspend_map("mpd-socket-probe-nosuchmap") {
        Ok(()) => println!("action=ok"),
        Err(e) => println!("action={}", e.kind().name()),
    }
    ExitCode::SUCCESS
}
