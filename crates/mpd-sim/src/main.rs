//! `mpd-sim`: run a simulated multipathd on a unix socket until stopped.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use mpd_sim::{Address, Fault, Privilege, Sim, Version};
use nix::sys::signal::{SigSet, Signal};

const USAGE: &str = "\
usage: mpd-sim [options]

Runs a simulated multipathd on a unix socket until SIGINT/SIGTERM or a
`shutdown` command.

options:
  --socket PATH|@NAME     where to listen (default @/org/kernel/linux/storage/multipathd)
  --version V             0.8.5, 0.9.4 (default) or 0.11.1
  --maps N                number of maps (default 2)
  --paths-per-map M       paths per map (default 2)
  --immediate             reinstated/added paths become ready at once
  --force-nonroot         treat every client as non-root
  --force-root            treat every client as root
  --delay-ms N            delay every reply by N ms
  --fault KIND            none, timeout, drop-mid-reply, bad-length[=N], hang, close
  --timeout               same as --fault timeout
  --drop-mid-reply        same as --fault drop-mid-reply
  --bad-length N          same as --fault bad-length=N
  --hang                  same as --fault hang
  --checker-tick-ms N     real time per checker second (default 1000; 0 = no background checker)
  --prkeys-file           behave as if reservation_key file were configured
  --command-log FILE      append every command received to FILE, one line each
  --in-use MAP            map MAP (e.g. mpatha) is open, so `del map` fails as
                          the release answers for a busy map; repeatable
  -h, --help              this text
";

/// What the command line asks for: the simulator's settings, and the maps to
/// mark as in use once it runs.
struct Options {
    builder: mpd_sim::SimBuilder,
    in_use: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut b = Sim::builder().socket(Address::default_abstract());
    let mut in_use = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") && f != "--fault" => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        let number = |name: &str, s: String| -> Result<u64, String> {
            s.parse::<u64>()
                .map_err(|_| format!("{name}: {s:?} is not a number"))
        };
        b = match flag {
            "-h" | "--help" => return Ok(None),
            "--socket" => b.socket(Address::parse(&value(flag)?)),
            "--version" => b.version(value(flag)?.parse::<Version>().map_err(|e| e.to_string())?),
            "--maps" => b.maps(number(flag, value(flag)?)? as usize),
            "--paths-per-map" => b.paths_per_map(number(flag, value(flag)?)? as usize),
            "--immediate" => b.immediate(true),
            "--command-log" => b.command_log(value(flag)?),
            "--force-nonroot" => b.privilege(Privilege::NonRoot),
            "--force-root" => b.privilege(Privilege::Root),
            "--delay-ms" => b.reply_delay(Duration::from_millis(number(flag, value(flag)?)?)),
            "--fault" => b.fault(value(flag)?.parse::<Fault>().map_err(|e| e.to_string())?),
            "--timeout" => b.fault(Fault::Timeout),
            "--drop-mid-reply" => b.fault(Fault::DropMidReply),
            "--bad-length" => b.fault(Fault::BadLength(number(flag, value(flag)?)?)),
            "--hang" => b.fault(Fault::Hang),
            "--checker-tick-ms" => {
                let ms = number(flag, value(flag)?)?;
                b.checker_tick((ms > 0).then(|| Duration::from_millis(ms)))
            }
            "--prkeys-file" => b.prkeys_file(true),
            "--in-use" => {
                in_use.push(value(flag)?);
                b
            }
            other => return Err(format!("unknown option {other:?}")),
        };
    }
    Ok(Some(Options { builder: b, in_use }))
}

/// Blocks SIGINT and SIGTERM in this thread (and the threads it starts
/// later), so one thread can wait for them with `sigwait`.
fn block_signals() -> SigSet {
    let mut set = SigSet::empty();
    set.add(Signal::SIGINT);
    set.add(Signal::SIGTERM);
    // Cannot fail: the set is valid and SIG_BLOCK is a valid operation.
    let _ = set.thread_block();
    set
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Options { builder, in_use } = match parse_args(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mpd-sim: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let set = block_signals();
    let sim = match builder.start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mpd-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Before the "listening" line, which is what a script waits for.
    for map in &in_use {
        if !sim.set_map_in_use(map, true) {
            eprintln!("mpd-sim: --in-use {map}: no such map");
            return ExitCode::from(2);
        }
    }
    println!("listening on {}", sim.address());
    let _ = std::io::stdout().flush();
    let stopper = sim.stopper();
    std::thread::spawn(move || {
        // The signals are blocked in every thread, so they are delivered
        // here.
        let _ = set.wait();
        stopper.stop();
    });
    sim.wait();
    sim.stop();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_flags() {
        assert!(parse_args(&args("--help")).unwrap().is_none());
        assert!(parse_args(&args(
            "--maps 3 --paths-per-map=4 --version 0.8.5 --immediate"
        ))
        .is_ok());
        assert!(parse_args(&args("--fault bad-length=0 --delay-ms 5 --socket @x")).is_ok());
        assert!(parse_args(&args("--version 1.0")).is_err());
        assert!(parse_args(&args("--maps")).is_err());
        assert!(parse_args(&args("--frob")).is_err());
        let o = parse_args(&args("--in-use mpatha --in-use=mpathb"))
            .unwrap()
            .unwrap();
        assert_eq!(o.in_use, ["mpatha", "mpathb"]);
        assert!(parse_args(&args("--in-use")).is_err());
    }
}
