//! The command line: built with clap's builder API, the operation
//! subcommands from `mpd_proto::ops::OPERATIONS` (name, documentation,
//! arguments), the rest by hand.

use std::time::Duration;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use mpd_client::mpd_proto::ops::{ArgKind, OpSpec, OPERATIONS};

use crate::exit;

/// Short, everyday names for some operations (visible aliases; the
/// operation's own name, in kebab case, always works).
pub const ALIASES: &[(&str, &str)] = &[
    ("list_paths", "paths"),
    ("list_maps", "maps"),
    ("fail_path", "fail"),
    ("reinstate_path", "reinstate"),
];

/// Where each job of `mpd_proto::ops::JOBS` is on the command line (a
/// test checks that every job is here and that the subcommands exist).
#[cfg(test)]
pub const JOB_COMMANDS: &[(&str, &str)] = &[
    ("health", "health"),
    ("map_health", "health MAP"),
    ("wait_for_map", "wait map"),
    ("wait_map_gone", "wait map-gone"),
    ("wait_for_path", "wait path"),
    ("wait_paths_gone", "wait paths-gone"),
    ("wait_settled", "wait settled"),
    ("remove_map_safely", "remove-map-safely"),
];

/// The subcommand name of an operation: its name in kebab case.
pub fn op_command_name(op: &OpSpec) -> String {
    op.name.replace('_', "-")
}

/// The operation a subcommand name stands for.
pub fn op_for_command(name: &str) -> Option<&'static OpSpec> {
    OPERATIONS.iter().find(|op| op_command_name(op) == name)
}

/// The arguments of an operation subcommand, as the generated dispatch
/// reads them.
#[derive(Debug)]
pub struct OpArgs<'a> {
    matches: &'a ArgMatches,
}

impl OpArgs<'_> {
    /// A string argument (a path, a map, a key).
    pub fn text(&self, name: &str) -> &str {
        self.matches
            .get_one::<String>(name)
            .map(String::as_str)
            .expect("required by the subcommand")
    }

    /// A number argument (a group).
    pub fn number(&self, name: &str) -> u32 {
        *self
            .matches
            .get_one::<u32>(name)
            .expect("required by the subcommand")
    }
}

/// Wraps the matches of an operation subcommand.
pub fn op_args(matches: &ArgMatches) -> OpArgs<'_> {
    OpArgs { matches }
}

/// The first paragraph of a doc (the `about`), on one line.
fn summary(doc: &str) -> String {
    doc.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn op_arg(name: &'static str, kind: ArgKind) -> Arg {
    let arg = Arg::new(name).required(true);
    match kind {
        ArgKind::Path => arg
            .value_name("PATH")
            .help("The path's kernel device name (sda)"),
        ArgKind::Map => arg
            .value_name("MAP")
            .help("The map's name, alias, WWID or dm device"),
        ArgKind::Key => arg
            .value_name("KEY")
            .help("A reservation key (0x123abc, optionally :aptpl)"),
        ArgKind::Group => arg
            .value_name("GROUP")
            .help("A path group number, from 1")
            .value_parser(value_parser!(u32).range(1..)),
        ArgKind::Count => arg.value_name("N").value_parser(value_parser!(u32)),
        // Only the jobs take the other kinds; they have their own
        // subcommands. A command that takes one fails the tests.
        other => arg.value_name(format!("{other:?}").to_uppercase()),
    }
}

/// The subcommand of one operation.
fn op_command(op: &'static OpSpec) -> Command {
    let mut cmd = Command::new(op_command_name(op))
        .about(summary(op.doc))
        .long_about(op.doc.trim().to_owned());
    for (name, alias) in ALIASES {
        if *name == op.name {
            cmd = cmd.visible_alias(*alias);
        }
    }
    for a in op.args {
        cmd = cmd.arg(op_arg(a.name, a.kind));
    }
    cmd
}

/// Parses a duration: `30` (seconds), `1.5s`, `500ms`, `2m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (30, 1.5s, 500ms, 2m)"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("{s:?} is not a duration (30, 1.5s, 500ms, 2m)"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| e.to_string())
}

fn wait_command() -> Command {
    Command::new("wait")
        .about("Wait for a state (the library's waits); WaitTimeout after --timeout (default 30s)")
        .long_about(
            "Wait for a state, polling the daemon with the library's waits (one cheap listing \
             per poll, 50 ms doubling to 1 s apart). A restarting or busy daemon does not end \
             a wait; another failure does. The deadline is --timeout (default 30s); when it \
             passes the exit code is that of wait_timeout, with the last state seen. On a \
             terminal a progress line is shown on stderr.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("map")
                .about("Until the map exists with at least --min-active active paths; prints its row")
                .arg(Arg::new("map").required(true).value_name("MAP").help("Name, alias or WWID"))
                .arg(
                    Arg::new("min_active")
                        .long("min-active")
                        .value_name("N")
                        .default_value("1")
                        .value_parser(value_parser!(u32))
                        .help("Active paths needed"),
                ),
        )
        .subcommand(
            Command::new("map-gone")
                .about("Until the map is gone")
                .arg(Arg::new("map").required(true).value_name("MAP").help("Name, alias or WWID")),
        )
        .subcommand(
            Command::new("path")
                .about("Until the path is listed in the states asked for (none given: listed at all); prints its row")
                .arg(Arg::new("path").required(true).value_name("PATH"))
                .arg(
                    Arg::new("dm_state")
                        .long("dm-state")
                        .value_name("STATE")
                        .help("The dm state wanted (active, failed)"),
                )
                .arg(
                    Arg::new("checker_state")
                        .long("checker-state")
                        .value_name("STATE")
                        .help("The checker state wanted (ready, faulty, ghost, …)"),
                )
                .arg(
                    Arg::new("up")
                        .long("up")
                        .action(ArgAction::SetTrue)
                        .conflicts_with_all(["dm_state", "checker_state", "failed"])
                        .help("Same as --dm-state active --checker-state ready"),
                )
                .arg(
                    Arg::new("failed")
                        .long("failed")
                        .action(ArgAction::SetTrue)
                        .conflicts_with_all(["dm_state", "checker_state"])
                        .help("Same as --dm-state failed"),
                ),
        )
        .subcommand(
            Command::new("paths-gone")
                .about("Until none of the paths is listed any more")
                .arg(
                    Arg::new("paths")
                        .required(true)
                        .num_args(1..)
                        .value_name("PATH"),
                ),
        )
        .subcommand(
            Command::new("settled")
                .about("Until the daemon is not busy and its topology unchanged for --quiet")
                .arg(
                    Arg::new("quiet")
                        .long("quiet")
                        .value_name("DURATION")
                        .default_value("2s")
                        .value_parser(parse_duration)
                        .help("How long the topology must stay unchanged"),
                ),
        )
}

/// The whole command line.
pub fn command() -> Command {
    let mut cmd = Command::new("mpdctl")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Query and control multipathd: typed output, JSON for scripts, one exit code per error kind")
        .long_about(
            "mpdctl talks to multipathd over its control socket, like the multipathd command, \
             but prints aligned tables for people and one documented JSON schema with --json, \
             and exits with one documented code per kind of error.",
        )
        .after_help(exit::help_table())
        .after_long_help(exit::help_table())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("socket")
                .long("socket")
                .global(true)
                .value_name("ADDRESS")
                .help("The daemon's socket: a path, or @name for an abstract socket (default: as multipathd, $MULTIPATH_SOCKET_NAME, /run/multipathd.socket, @/org/kernel/linux/storage/multipathd)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("DURATION")
                .value_parser(parse_duration)
                .help("Give up after this long (30, 1.5s, 500ms, 2m): the reply timeout of a command (default 4s), the deadline of a wait or a safe removal (default 30s)"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print JSON (the README's schema) instead of tables; errors as JSON on stderr"),
        )
        .arg(
            Arg::new("trust-any")
                .long("trust-any")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Talk to whoever owns the socket, not only root or yourself (simulators run by another user; never for a real daemon on a shared host)"),
        );
    for op in OPERATIONS {
        cmd = cmd.subcommand(op_command(op));
    }
    cmd.subcommand(
        Command::new("health")
            .about("Every map's health and the count per state, or one map's health")
            .arg(Arg::new("map").value_name("MAP").help("Only this map")),
    )
    .subcommand(wait_command())
    .subcommand(
        Command::new("remove-map-safely")
            .about("Remove a map so that it is gone when the command returns (retries while in use or busy)")
            .long_about(
                "Remove a map so that it is gone when the command returns: disables queueing \
                 first (unless --keep-queueing), retries while the map is in use or the daemon \
                 busy, takes \"not found\" as done, verifies; on the deadline (--timeout, \
                 default 30s) restores queueing and exits with wait_timeout's code.",
            )
            .arg(Arg::new("map").required(true).value_name("MAP"))
            .arg(
                Arg::new("keep_queueing")
                    .long("keep-queueing")
                    .action(ArgAction::SetTrue)
                    .help("Do not disable queueing first"),
            ),
    )
    .subcommand(
        Command::new("watch")
            .about("Print events (map added, path failed, health changed, …) as they happen")
            .long_about(
                "Poll the daemon (one `show maps json` per --interval) and print one line per \
                 event, or one JSON object per line with --json. Runs until interrupted, or \
                 until --count events or --for a duration.",
            )
            .arg(
                Arg::new("interval")
                    .long("interval")
                    .value_name("DURATION")
                    .default_value("1s")
                    .value_parser(parse_duration)
                    .help("Time between polls"),
            )
            .arg(
                Arg::new("count")
                    .long("count")
                    .value_name("N")
                    .value_parser(value_parser!(u64).range(1..))
                    .help("Stop after N events"),
            )
            .arg(
                Arg::new("for")
                    .long("for")
                    .value_name("DURATION")
                    .value_parser(parse_duration)
                    .help("Stop after this long"),
            )
            .arg(
                Arg::new("uevents")
                    .long("uevents")
                    .action(ArgAction::SetTrue)
                    .help("Also poll at once on the kernel's dm path uevents (Linux)"),
            ),
    )
    .subcommand(
        Command::new("completions")
            .about("Print a shell completion script")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(value_parser!(clap_complete::Shell)),
            ),
    )
    .subcommand(
        Command::new("man")
            .about("Print the man page (roff), or write every page to --dir")
            .arg(
                Arg::new("dir")
                    .long("dir")
                    .value_name("DIR")
                    .value_parser(value_parser!(std::path::PathBuf))
                    .help("Write mpdctl.1 and one page per subcommand (mpdctl-fail-path.1, …) into DIR"),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("nan").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_operation_has_a_subcommand_and_a_dispatch() {
        let cmd = command();
        for op in OPERATIONS {
            let sub = cmd
                .find_subcommand(op_command_name(op))
                .unwrap_or_else(|| panic!("{}: no subcommand", op.name));
            assert_eq!(sub.get_positionals().count(), op.args.len(), "{}", op.name);
            for a in op.args {
                assert!(
                    matches!(
                        a.kind,
                        ArgKind::Path
                            | ArgKind::Map
                            | ArgKind::Key
                            | ArgKind::Group
                            | ArgKind::Count
                    ),
                    "{}: argument kind {:?} has no command-line form",
                    op.name,
                    a.kind
                );
            }
        }
        let names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        assert_eq!(
            crate::ops::DISPATCHED,
            names.as_slice(),
            "crates/mpdctl/src/ops.rs is stale: MPD_BLESS=1 cargo test -p mpd-codegen --test generated"
        );
        for (name, _) in ALIASES {
            assert!(OpSpec::find(name).is_some(), "alias of unknown {name}");
        }
    }

    #[test]
    fn every_job_has_a_subcommand() {
        use mpd_client::mpd_proto::ops::JOBS;
        let cmd = command();
        for job in JOBS {
            let (_, line) = JOB_COMMANDS
                .iter()
                .find(|(n, _)| *n == job.name)
                .unwrap_or_else(|| panic!("job {} has no mpdctl subcommand", job.name));
            let mut sub = &cmd;
            for word in line
                .split(' ')
                .filter(|w| !w.chars().all(|c| c.is_ascii_uppercase()))
            {
                sub = sub
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("{}: no subcommand {word}", job.name));
            }
        }
        assert_eq!(JOB_COMMANDS.len(), JOBS.len());
    }
}
