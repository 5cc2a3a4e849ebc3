//! A tour of the simulator: start it, talk to it like a client, pull a
//! cable, watch the checker, inject a fault.
//!
//! ```text
//! cargo run -p mpd-sim --example flaky_san
//! ```

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use mpd_sim::{Fault, Privilege, Sim, Version};

/// One command over a connection: length prefix, text, NUL; then the reply.
fn ask(s: &mut UnixStream, command: &str) -> std::io::Result<String> {
    s.write_all(&mpd_proto::frame::encode_frame(command.as_bytes()))?;
    let mut len = [0u8; 8];
    s.read_exact(&mut len)?;
    let mut reply = vec![0u8; usize::from_ne_bytes(len)];
    s.read_exact(&mut reply)?;
    reply.pop(); // the NUL
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Sim::builder()
        .version(Version::V0_11_1)
        .maps(2)
        .paths_per_map(3)
        // A fast clock: one checker second every 50 ms.
        .checker_tick(Some(Duration::from_millis(50)))
        .privilege(Privilege::Root)
        .start()?;
    println!(
        "simulated multipathd {} on {}\n",
        sim.version(),
        sim.address()
    );

    let mut s = sim.connect()?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    print!("{}", ask(&mut s, "show topology")?);

    println!("\n# the cable to host 1 is pulled");
    sim.set_path_health("sdc", false);
    sim.set_path_health("sdd", false);
    std::thread::sleep(Duration::from_millis(600));
    print!("{}", ask(&mut s, "show paths")?);
    print!("{}", ask(&mut s, "show maps status")?);

    println!("\n# and plugged back in");
    sim.set_path_health("sdc", true);
    sim.set_path_health("sdd", true);
    std::thread::sleep(Duration::from_millis(600));
    print!("{}", ask(&mut s, "show paths format \"%d %t %T %m\"")?);

    println!("\n# the daemon gets overloaded");
    sim.set_fault(Fault::Timeout);
    print!("{}", ask(&mut s, "fail path sda")?);
    sim.set_fault(Fault::None);

    println!("\n# unknown commands get the release's help");
    let help = ask(&mut s, "frobnicate")?;
    println!("{}", help.lines().take(4).collect::<Vec<_>>().join("\n"));
    Ok(())
}
