//! # mpdctl: the everyday multipathd command, typed
//!
//! `mpdctl paths`, `maps`, `topology`, `status`, `health`, every action
//! of the operation table (`fail`, `reinstate`, `add-path`, `remove-map`,
//! `resize-map`, `disable-map-queuing`, `reconfigure`, …), the library's
//! waits (`wait map|map-gone|path|paths-gone|settled`) and `watch`.
//! Aligned tables for people, `--json` for scripts (the README documents
//! the schema), and one exit code per error kind ([`exit::CODES`]).
//!
//! The operation subcommands are built from `mpd_proto::ops::OPERATIONS`
//! (see [`cli`]) and dispatched by `ops.rs`, which `crates/mpd-codegen`
//! generates from the same table: an operation added there reaches mpdctl
//! without a hand-written line.
#![forbid(unsafe_code)]

mod cli;
mod exit;
mod ops;
mod output;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use mpd_client::watch::{Watch, WatchOptions};
use mpd_client::{CheckerState, Client, Error, PathDmState, PathWant, RemoveOptions, WaitOptions};
use serde_json::json;

use crate::output::Output;

/// The default deadline of a wait or a safe removal.
const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// How a run ends when it does not succeed.
enum Failure {
    /// A client error: its kind's exit code.
    Client(Error),
    /// Writing the output failed (other than a closed pipe).
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Client(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

/// The global options every subcommand sees.
struct Global {
    socket: Option<String>,
    timeout: Option<Duration>,
    json: bool,
    trust_any: bool,
}

impl Global {
    fn from(m: &ArgMatches) -> Global {
        Global {
            socket: m.get_one::<String>("socket").cloned(),
            timeout: m.get_one::<Duration>("timeout").copied(),
            json: m.get_flag("json"),
            trust_any: m.get_flag("trust-any"),
        }
    }

    /// A client whose reply timeout is `reply` (or the library's default).
    fn client(&self, reply: Option<Duration>) -> Result<Client, Error> {
        let mut b = Client::builder();
        if let Some(s) = &self.socket {
            b = b.address(s.as_str());
        }
        if let Some(t) = reply {
            b = b.timeout(t).connect_timeout(t);
        }
        if self.trust_any {
            b = b.trust(mpd_client::PeerTrust::Any);
        }
        b.connect()
    }

    /// A client for one command: `--timeout` is the reply timeout.
    fn command_client(&self) -> Result<Client, Error> {
        self.client(self.timeout)
    }

    /// The deadline of a wait: `--timeout`, else 30 s. Each poll's reply
    /// timeout is the library's default, or the deadline if shorter.
    fn wait(&self) -> (WaitOptions, Option<Duration>) {
        let deadline = self.timeout.unwrap_or(DEFAULT_WAIT);
        let reply = (deadline < mpd_client::DEFAULT_TIMEOUT).then_some(deadline);
        (WaitOptions::timeout(deadline), reply)
    }
}

fn main() -> ExitCode {
    let matches = match cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // Help and version go to stdout with 0, usage errors to stderr
            // with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let global = Global::from(&matches);
    match run(&global, &matches) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(exit::OK)
        }
        Err(Failure::Output(e)) => {
            eprintln!("mpdctl: cannot write the output: {e}");
            ExitCode::from(exit::code(mpd_client::ErrorKind::Io))
        }
        Err(Failure::Client(e)) => {
            let code = exit::code(e.kind());
            report(&global, &e, code);
            ExitCode::from(code)
        }
    }
}

/// Prints an error on stderr: a line, or a JSON object with `--json`.
fn report(global: &Global, e: &Error, code: u8) {
    if global.json {
        let v = json!({
            "error": {
                "kind": e.kind().name(),
                "exit_code": code,
                "message": e.to_string(),
                "command": e.command(),
                "reply": e.reply(),
            }
        });
        eprintln!("{v}");
    } else {
        eprintln!("mpdctl: {e}");
    }
}

fn print(global: &Global, out: &Output) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", out.json())?;
    } else {
        stdout.write_all(out.text().as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

fn run(global: &Global, matches: &ArgMatches) -> Result<(), Failure> {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    let out = match name {
        "completions" => {
            let shell = *sub
                .get_one::<clap_complete::Shell>("shell")
                .expect("required");
            let mut stdout = io::stdout().lock();
            clap_complete::generate(shell, &mut cli::command(), "mpdctl", &mut stdout);
            stdout.flush()?;
            return Ok(());
        }
        "man" => {
            if let Some(dir) = sub.get_one::<std::path::PathBuf>("dir") {
                clap_mangen::generate_to(cli::command(), dir)?;
                return Ok(());
            }
            let mut stdout = io::stdout().lock();
            clap_mangen::Man::new(cli::command()).render(&mut stdout)?;
            stdout.flush()?;
            return Ok(());
        }
        "health" => {
            let mut c = global.command_client()?;
            match sub.get_one::<String>("map") {
                Some(map) => Output::MapHealth(c.map_health(map)?),
                None => Output::Health(c.health()?),
            }
        }
        "wait" => wait(global, sub)?,
        "remove-map-safely" => {
            let map = sub.get_one::<String>("map").expect("required");
            let (wait, reply) = global.wait();
            let mut c = global.client(reply)?;
            let opts = RemoveOptions {
                timeout: wait.timeout,
                disable_queueing: !sub.get_flag("keep_queueing"),
                ..RemoveOptions::default()
            };
            Output::Removal(c.remove_map_safely(map, &opts)?)
        }
        "watch" => return watch(global, sub),
        other => {
            let op = cli::op_for_command(other).expect("every other subcommand is an operation");
            let mut c = global.command_client()?;
            ops::run(&mut c, op.name, &cli::op_args(sub))
                .expect("ops.rs dispatches every operation (see the tests)")?
        }
    };
    print(global, &out)
}

/// Shows `what` and the time spent on stderr while `job` runs, when
/// stderr is a terminal.
fn with_progress<T>(what: String, deadline: Duration, job: impl FnOnce() -> T) -> T {
    if !io::stderr().is_terminal() {
        return job();
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let start = Instant::now();
    let painter = std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            eprint!(
                "\r\x1b[Kwaiting for {what}: {:.1}s of {:.1}s",
                start.elapsed().as_secs_f64(),
                deadline.as_secs_f64()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        eprint!("\r\x1b[K");
    });
    let result = job();
    done.store(true, Ordering::Relaxed);
    let _ = painter.join();
    result
}

fn wait(global: &Global, sub: &ArgMatches) -> Result<Output, Failure> {
    let (name, m) = sub.subcommand().expect("a wait subcommand is required");
    let (opts, reply) = global.wait();
    let mut c = global.client(reply)?;
    let text = |k: &str| m.get_one::<String>(k).expect("required").as_str();
    let deadline = opts.timeout;
    Ok(match name {
        "map" => {
            let map = text("map");
            let min = *m.get_one::<u32>("min_active").expect("defaulted");
            let row = with_progress(format!("map {map}"), deadline, || {
                c.wait_for_map(map, min, &opts)
            })?;
            Output::MapRow(row)
        }
        "map-gone" => {
            let map = text("map");
            with_progress(format!("map {map} to go"), deadline, || {
                c.wait_map_gone(map, &opts)
            })?;
            Output::Done
        }
        "path" => {
            let path = text("path");
            let want = if m.get_flag("up") {
                PathWant::up()
            } else if m.get_flag("failed") {
                PathWant::failed()
            } else {
                PathWant {
                    dm_state: m
                        .get_one::<String>("dm_state")
                        .map(|s| PathDmState::parse(s)),
                    checker_state: m
                        .get_one::<String>("checker_state")
                        .map(|s| CheckerState::parse(s)),
                }
            };
            let row = with_progress(format!("path {path} ({want})"), deadline, || {
                c.wait_for_path(path, &want, &opts)
            })?;
            Output::PathRow(row)
        }
        "paths-gone" => {
            let paths: Vec<&str> = m
                .get_many::<String>("paths")
                .expect("required")
                .map(String::as_str)
                .collect();
            with_progress(format!("paths {} to go", paths.join(",")), deadline, || {
                c.wait_paths_gone(&paths, &opts)
            })?;
            Output::Done
        }
        "settled" => {
            let quiet = *m.get_one::<Duration>("quiet").expect("defaulted");
            with_progress("the daemon to settle".into(), deadline, || {
                c.wait_settled(quiet, &opts)
            })?;
            Output::Done
        }
        other => unreachable!("clap knows no wait subcommand {other}"),
    })
}

fn watch(global: &Global, sub: &ArgMatches) -> Result<(), Failure> {
    let client = global.command_client()?;
    let options = WatchOptions {
        interval: *sub.get_one::<Duration>("interval").expect("defaulted"),
        uevents: sub.get_flag("uevents"),
        ..WatchOptions::default()
    };
    let count = sub.get_one::<u64>("count").copied();
    let until = sub.get_one::<Duration>("for").map(|d| Instant::now() + *d);
    let mut watch = Watch::new(client, options);
    if let Some(reason) = watch.uevent_error() {
        eprintln!("mpdctl: no uevents, polling only: {reason}");
    }
    let mut seen = 0u64;
    let mut stdout = io::stdout().lock();
    loop {
        let step = match until {
            Some(t) => match t.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left.min(Duration::from_secs(1)),
                _ => break,
            },
            None => Duration::from_secs(1),
        };
        if let Some(event) = watch.next_event(step)? {
            if global.json {
                let line = serde_json::to_string(&event).expect("events serialize");
                writeln!(stdout, "{line}")?;
            } else {
                writeln!(stdout, "{event}")?;
            }
            stdout.flush()?;
            seen += 1;
            if count.is_some_and(|n| seen >= n) {
                break;
            }
        }
    }
    Ok(())
}
