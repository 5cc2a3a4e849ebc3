//! The jobs every consumer writes by hand: judging health, waiting for a
//! state, removing a map safely.
//!
//! Each wait polls the daemon with the cheapest command that answers — a
//! raw-format listing of just the fields it needs — at growing intervals
//! ([`WaitOptions`]: 50 ms, doubling, at most 1 s by default), until its
//! condition holds or its deadline passes. A daemon that is restarting or
//! busy meanwhile (no daemon listening, `timeout`, a dropped connection) does
//! not end a wait; another failure does. On expiry the error is
//! [`Error::WaitTimeout`], with the last state seen.
//!
//! | job | commands per poll |
//! |---|---|
//! | [`Client::wait_for_map`], [`Client::wait_map_gone`] | 1: `show maps raw format "%w\|%N\|%n"` |
//! | [`Client::wait_for_path`], [`Client::wait_paths_gone`] | 1: `show paths raw format "%d\|%D\|%t\|%T\|%m"` |
//! | [`Client::wait_settled`] | 3: `show status`, the path listing, and `show maps raw format "%w\|%N\|%t\|%0\|%2\|%n"` (the fault and load counters catch a path that failed and came back between two polls) |
//! | [`Client::health`], [`Client::map_health`] | 1: `show maps json` / `show map M json` |
//!
//! So a wait that is met at once costs one command, and one that takes
//! `t` seconds costs about `log2(max/first) + t / max` polls (with the
//! defaults, about 5 + `t` commands).
//!
//! ```no_run
//! use std::time::Duration;
//! use mpd_client::{Client, WaitOptions};
//!
//! let mut client = Client::connect()?;
//! // A new LUN: wait until its map has both paths up (os-brick, CSI).
//! let map = client.wait_for_map("3600a098038303053453f463045727a69", 2,
//!                               &WaitOptions::timeout(Duration::from_secs(30)))?;
//! println!("{} is ready", map.name);
//! # Ok::<(), mpd_client::Error>(())
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use mpd_proto::health::{self, Health, MapHealth};
use mpd_proto::model::maps::{parse_maps, MapField};
use mpd_proto::model::paths::{parse_paths, PathField};
use mpd_proto::model::state::{CheckerState, PathDmState};
use mpd_proto::model::{Map, Path};
use mpd_proto::ops::{self, Operation};
use mpd_proto::{Command, Reply};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::exchange;
use crate::Client;

/// The deadline and pacing of a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitOptions {
    /// How long the whole wait may take.
    pub timeout: Duration,
    /// The pause after the first poll; doubled after each poll.
    pub first_interval: Duration,
    /// The longest pause between polls.
    pub max_interval: Duration,
}

impl WaitOptions {
    /// A deadline of `timeout`, polls from 50 ms doubling to 1 s apart.
    pub const fn timeout(timeout: Duration) -> WaitOptions {
        WaitOptions {
            timeout,
            first_interval: Duration::from_millis(50),
            max_interval: Duration::from_secs(1),
        }
    }

    /// With this longest pause between polls.
    pub const fn max_interval(self, max_interval: Duration) -> WaitOptions {
        WaitOptions {
            max_interval,
            ..self
        }
    }

    /// With this first pause.
    pub const fn first_interval(self, first_interval: Duration) -> WaitOptions {
        WaitOptions {
            first_interval,
            ..self
        }
    }
}

impl Default for WaitOptions {
    /// 30 s, polls from 50 ms doubling to 1 s apart.
    fn default() -> Self {
        WaitOptions::timeout(Duration::from_secs(30))
    }
}

/// What a wait saw last before its deadline passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LastSeen {
    /// Nothing: the daemon did not answer (the last error says why).
    Nothing {
        /// The last error, in words.
        error: String,
    },
    /// The map's row, or `None` when the map was not there.
    Map {
        /// The row.
        map: Option<Map>,
    },
    /// The path's row, or `None` when the path was not there.
    Path {
        /// The row.
        path: Option<Path>,
    },
    /// The paths still there.
    Paths {
        /// Their rows.
        paths: Vec<Path>,
    },
    /// The daemon's busy flag and how long the topology had been unchanged.
    Settling {
        /// `show status`'s busy flag.
        busy: bool,
        /// Since when the topology had not changed (seconds when
        /// serialized).
        #[serde(serialize_with = "seconds")]
        quiet_for: Duration,
    },
    /// A removal that did not finish.
    Removal {
        /// What happened so far.
        removal: Removal,
    },
}

impl fmt::Display for LastSeen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LastSeen::Nothing { error } => write!(f, "no answer ({error})"),
            LastSeen::Map { map: None } => f.write_str("no such map"),
            LastSeen::Map { map: Some(m) } => write!(
                f,
                "map {} with {} active paths",
                m.name,
                m.active_paths.map_or("?".into(), |n| n.to_string())
            ),
            LastSeen::Path { path: None } => f.write_str("no such path"),
            LastSeen::Path { path: Some(p) } => write!(
                f,
                "path {} dm {} checker {}",
                p.device,
                p.dm_state.as_ref().map_or("-", |s| s.as_str()),
                p.checker_state.as_ref().map_or("-", |s| s.as_str())
            ),
            LastSeen::Paths { paths } => {
                let names: Vec<&str> = paths.iter().map(|p| p.device.as_str()).collect();
                write!(f, "paths still there: {}", names.join(", "))
            }
            LastSeen::Settling { busy, quiet_for } => {
                write!(f, "busy: {busy}, unchanged for {quiet_for:?}")
            }
            LastSeen::Removal { removal } => write!(
                f,
                "{} attempts, last: {}",
                removal.attempts,
                removal.last_error.as_deref().unwrap_or("none")
            ),
        }
    }
}

/// The condition [`Client::wait_for_path`] waits for: every state given
/// must match.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PathWant {
    /// The path's state in the dm table.
    pub dm_state: Option<PathDmState>,
    /// The checker's verdict.
    pub checker_state: Option<CheckerState>,
}

impl fmt::Display for PathWant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.dm_state, &self.checker_state) {
            (None, None) => f.write_str("listed"),
            (Some(d), None) => write!(f, "dm state {d}"),
            (None, Some(c)) => write!(f, "checker state {c}"),
            (Some(d), Some(c)) => write!(f, "dm state {d} and checker state {c}"),
        }
    }
}

impl PathWant {
    /// `active` in the dm table and `ready` for the checker: the path is
    /// back.
    pub fn up() -> PathWant {
        PathWant {
            dm_state: Some(PathDmState::Active),
            checker_state: Some(CheckerState::Ready),
        }
    }

    /// `failed` in the dm table.
    pub fn failed() -> PathWant {
        PathWant {
            dm_state: Some(PathDmState::Failed),
            checker_state: None,
        }
    }

    fn matches(&self, p: &Path) -> bool {
        self.dm_state
            .as_ref()
            .is_none_or(|s| p.dm_state.as_ref() == Some(s))
            && self
                .checker_state
                .as_ref()
                .is_none_or(|s| p.checker_state.as_ref() == Some(s))
    }
}

/// How [`Client::remove_map_safely`] goes about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemoveOptions {
    /// How long the whole removal may take.
    pub timeout: Duration,
    /// Disable queueing on the map first, so that I/O still queued fails
    /// instead of keeping the map busy (as os-brick does before a flush).
    pub disable_queueing: bool,
    /// The pause between attempts while the map is in use or the daemon
    /// busy; doubled after each attempt, up to 2 s.
    pub interval: Duration,
}

impl Default for RemoveOptions {
    /// 30 s, queueing disabled first, 250 ms between attempts at first.
    fn default() -> Self {
        RemoveOptions {
            timeout: Duration::from_secs(30),
            disable_queueing: true,
            interval: Duration::from_millis(250),
        }
    }
}

/// What a safe removal did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// The map asked for.
    pub map: String,
    /// `del map` commands sent.
    pub attempts: u32,
    /// The map was not there to begin with (nothing was sent but the
    /// listing): removing it again is not an error.
    pub already_gone: bool,
    /// Queueing was disabled before the removal.
    pub queueing_disabled: bool,
    /// Queueing was restored because the removal did not finish.
    pub queueing_restored: bool,
    /// The kind of the last refusal (`map_in_use`, `daemon_timeout`, …),
    /// if there was one.
    pub last_error_kind: Option<ErrorKind>,
    /// The last refusal, in words.
    pub last_error: Option<String>,
    /// How long it took (seconds when serialized).
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

/// A duration as seconds (a float), for JSON and Python.
fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// What a job asks of the client that runs it. Each job is a state
/// machine without I/O ([`Job::step`]); the blocking [`Client`] and the
/// async client drive the same machines, so a job's logic is written once.
pub(crate) enum Step<T> {
    /// Send this command (with the client's retry policy) and step again
    /// with its outcome.
    Send(Command),
    /// Pause this long, then step again with no input.
    Sleep(Duration),
    /// The job's result.
    Done(Result<T>),
}

/// A job: stepped first with `None`, then with the outcome of each
/// [`Step::Send`] (and `None` after each [`Step::Sleep`]) until
/// [`Step::Done`].
pub(crate) trait Job {
    type Output;
    fn step(&mut self, input: Option<Result<Reply>>) -> Step<Self::Output>;
}

/// The text of a listing's reply, as `call` gives it.
fn text_of(cmd: &Command, reply: Result<Reply>) -> Result<String> {
    exchange::reply_text(cmd, reply?)
}

/// Parses a raw-format listing's rows (an empty listing is `ok` on 0.9+).
fn rows<T>(
    cmd: &Command,
    reply: Result<Reply>,
    parse: impl FnOnce(&str) -> std::result::Result<T, mpd_proto::Error>,
) -> Result<T> {
    let text = text_of(cmd, reply)?;
    parse(mpd_proto::reply::listing(&text)).map_err(|source| Error::Protocol {
        command: exchange::shown(cmd),
        source,
    })
}

/// `show maps raw format "%w|%N|%n"`.
fn map_rows_command() -> Command {
    Command::ShowMapsFormat {
        format: "%w|%N|%n".into(),
        raw: true,
    }
}

/// The rows of [`map_rows_command`]'s reply.
fn map_rows(reply: Result<Reply>) -> Result<Vec<Map>> {
    const FIELDS: [MapField; 3] = [MapField::Uuid, MapField::Paths, MapField::Name];
    rows(&map_rows_command(), reply, |t| parse_maps(t, &FIELDS))
}

/// `show paths raw format "%d|%D|%t|%T|%m"`.
fn path_rows_command() -> Command {
    Command::ShowPathsFormat {
        format: "%d|%D|%t|%T|%m".into(),
        raw: true,
    }
}

/// The rows of [`path_rows_command`]'s reply.
fn path_rows(reply: Result<Reply>) -> Result<Vec<Path>> {
    const FIELDS: [PathField; 5] = [
        PathField::Device,
        PathField::DevT,
        PathField::DmState,
        PathField::CheckerState,
        PathField::Map,
    ];
    rows(&path_rows_command(), reply, |t| parse_paths(t, &FIELDS))
}

/// The output of an operation's reply, as `execute` gives it.
fn output<O: Operation>(op: &O, reply: Result<Reply>) -> Result<O::Output> {
    exchange::parse_output(op, &op.command(), &reply?, None)
}

/// Refuses a name that cannot be sent (empty, control characters) with
/// the same error a command would give, before any listing.
fn check_name(what: &'static str, name: &str) -> Result<()> {
    mpd_proto::quote::validate(what, name).map_err(Error::InvalidArgument)
}

/// Whether a map row is the map named (by name or WWID).
fn is_map(m: &Map, map: &str) -> bool {
    m.name == map || m.uuid.as_deref() == Some(map)
}

/// Failures a wait sits out: the daemon restarting or busy
/// ([`ErrorKind::is_unreachable`]).
fn passing(e: &Error) -> bool {
    e.kind().is_unreachable()
}

/// What one poll of a wait decides from its commands' replies: the value
/// waited for, or what was seen instead.
type Verdict<T> = Result<(Option<T>, LastSeen)>;

/// A wait: polls with `commands` until `judge` gives a value or the
/// deadline passes (see the module docs).
pub(crate) struct Poll<T, F> {
    what: String,
    opts: WaitOptions,
    commands: Vec<Command>,
    replies: Vec<Result<Reply>>,
    judge: F,
    start: Option<Instant>,
    pause: Duration,
    _out: std::marker::PhantomData<fn() -> T>,
}

impl<T, F: FnMut(Vec<Result<Reply>>) -> Verdict<T>> Poll<T, F> {
    fn new(what: String, opts: &WaitOptions, commands: Vec<Command>, judge: F) -> Self {
        Poll {
            what,
            opts: *opts,
            commands,
            replies: Vec::new(),
            judge,
            start: None,
            pause: opts.first_interval,
            _out: std::marker::PhantomData,
        }
    }
}

impl<T, F: FnMut(Vec<Result<Reply>>) -> Verdict<T>> Job for Poll<T, F> {
    type Output = T;

    fn step(&mut self, input: Option<Result<Reply>>) -> Step<T> {
        let start = *self.start.get_or_insert_with(Instant::now);
        if let Some(reply) = input {
            // A failure ends the poll at once: its later commands are
            // not sent.
            let failed = reply.is_err();
            self.replies.push(reply);
            if !failed && self.replies.len() < self.commands.len() {
                return Step::Send(self.commands[self.replies.len()].clone());
            }
        } else {
            self.replies.clear();
            return Step::Send(self.commands[0].clone());
        }
        let replies = std::mem::take(&mut self.replies);
        let last = match replies.iter().position(Result::is_err) {
            Some(_) => {
                let e = replies
                    .into_iter()
                    .find_map(Result::err)
                    .expect("found above");
                if !passing(&e) {
                    return Step::Done(Err(e));
                }
                LastSeen::Nothing {
                    error: e.to_string(),
                }
            }
            None => match (self.judge)(replies) {
                Ok((Some(v), _)) => return Step::Done(Ok(v)),
                Ok((None, last)) => last,
                Err(e) if passing(&e) => LastSeen::Nothing {
                    error: e.to_string(),
                },
                Err(e) => return Step::Done(Err(e)),
            },
        };
        let elapsed = start.elapsed();
        if elapsed >= self.opts.timeout {
            return Step::Done(Err(Error::WaitTimeout {
                what: self.what.clone(),
                after: self.opts.timeout,
                last: Box::new(last),
            }));
        }
        let pause = self.pause.min(self.opts.timeout - elapsed);
        self.pause = (self.pause * 2).min(self.opts.max_interval);
        Step::Sleep(pause)
    }
}

/// The one reply of a one-command poll.
fn only(replies: Vec<Result<Reply>>) -> Result<Reply> {
    replies.into_iter().next().expect("one command per poll")
}

/// [`Client::wait_for_map`]'s job.
pub(crate) fn wait_for_map(
    map: &str,
    min_active: u32,
    opts: &WaitOptions,
) -> Result<impl Job<Output = Map>> {
    check_name("map name", map)?;
    let map = map.to_owned();
    Ok(Poll::new(
        format!("map {map:?} with {min_active} active paths"),
        opts,
        vec![map_rows_command()],
        move |r| {
            let found = map_rows(only(r))?.into_iter().find(|m| is_map(m, &map));
            let ready = found
                .as_ref()
                .is_some_and(|m| m.active_paths.unwrap_or(0) >= min_active);
            Ok(if ready {
                (found, LastSeen::Map { map: None })
            } else {
                (None, LastSeen::Map { map: found })
            })
        },
    ))
}

/// [`Client::wait_map_gone`]'s job.
pub(crate) fn wait_map_gone(map: &str, opts: &WaitOptions) -> Result<impl Job<Output = ()>> {
    check_name("map name", map)?;
    let map = map.to_owned();
    Ok(Poll::new(
        format!("map {map:?} gone"),
        opts,
        vec![map_rows_command()],
        move |r| {
            Ok(
                match map_rows(only(r))?.into_iter().find(|m| is_map(m, &map)) {
                    None => (Some(()), LastSeen::Map { map: None }),
                    Some(m) => (None, LastSeen::Map { map: Some(m) }),
                },
            )
        },
    ))
}

/// [`Client::wait_for_path`]'s job.
pub(crate) fn wait_for_path(
    path: &str,
    want: &PathWant,
    opts: &WaitOptions,
) -> Result<impl Job<Output = Path>> {
    check_name("path name", path)?;
    let (path, want) = (path.to_owned(), want.clone());
    Ok(Poll::new(
        format!("path {path:?} {want}"),
        opts,
        vec![path_rows_command()],
        move |r| {
            let found = path_rows(only(r))?.into_iter().find(|p| p.device == path);
            Ok(match found {
                Some(p) if want.matches(&p) => (Some(p), LastSeen::Path { path: None }),
                other => (None, LastSeen::Path { path: other }),
            })
        },
    ))
}

/// [`Client::wait_paths_gone`]'s job.
pub(crate) fn wait_paths_gone(paths: &[&str], opts: &WaitOptions) -> Result<impl Job<Output = ()>> {
    for p in paths {
        check_name("path name", p)?;
    }
    let what = format!("paths {paths:?} gone");
    let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
    Ok(Poll::new(what, opts, vec![path_rows_command()], move |r| {
        let left: Vec<Path> = path_rows(only(r))?
            .into_iter()
            .filter(|p| paths.contains(&p.device))
            .collect();
        Ok(if left.is_empty() {
            (Some(()), LastSeen::Paths { paths: left })
        } else {
            (None, LastSeen::Paths { paths: left })
        })
    }))
}

/// [`Client::wait_settled`]'s job.
pub(crate) fn wait_settled(quiet: Duration, opts: &WaitOptions) -> impl Job<Output = ()> {
    let mut previous: Option<(Vec<Path>, String)> = None;
    let mut since = Instant::now();
    let counters = Command::ShowMapsFormat {
        format: "%w|%N|%t|%0|%2|%n".into(),
        raw: true,
    };
    let commands = vec![
        ops::GetStatus {}.command(),
        path_rows_command(),
        counters.clone(),
    ];
    Poll::new(
        format!("daemon settled for {quiet:?}"),
        opts,
        commands,
        move |r| {
            let mut r = r.into_iter();
            let mut next = || r.next().expect("three commands per poll");
            let busy = output(&ops::GetStatus {}, next())?.busy;
            let rows = (path_rows(next())?, text_of(&counters, next())?);
            if previous.as_ref() != Some(&rows) || busy {
                previous = Some(rows);
                since = Instant::now();
            }
            let quiet_for = since.elapsed();
            Ok(if !busy && quiet_for >= quiet {
                (Some(()), LastSeen::Settling { busy, quiet_for })
            } else {
                (None, LastSeen::Settling { busy, quiet_for })
            })
        },
    )
}

/// Where [`RemoveMap`] is.
enum Phase {
    /// The first listing (is the map there; its name).
    Listing,
    /// Queueing being disabled.
    Disabling,
    /// A `del map` sent.
    Removing,
    /// After a bare `fail`: is the map still listed?
    CheckingFailure,
    /// After a removal that looked done: is the map gone from the listing?
    Confirming,
    /// The deadline passed: queueing being restored.
    Restoring,
    /// Paused between attempts.
    Pausing,
}

/// [`Client::remove_map_safely`]'s job.
pub(crate) struct RemoveMap {
    asked: String,
    name: String,
    opts: RemoveOptions,
    start: Instant,
    r: Removal,
    phase: Phase,
    pause: Duration,
    /// The last `del map`'s refusal.
    refusal: Option<Error>,
}

/// Whether a listing's reply shows the map (an unreadable listing counts
/// as showing it).
fn listed(reply: Result<Reply>, map: &str) -> bool {
    map_rows(reply).map_or(true, |rows| rows.iter().any(|m| is_map(m, map)))
}

impl RemoveMap {
    pub(crate) fn new(map: &str, opts: &RemoveOptions) -> Result<RemoveMap> {
        check_name("map name", map)?;
        Ok(RemoveMap {
            asked: map.to_owned(),
            name: map.to_owned(),
            opts: *opts,
            start: Instant::now(),
            r: Removal {
                map: map.to_owned(),
                attempts: 0,
                already_gone: false,
                queueing_disabled: false,
                queueing_restored: false,
                last_error_kind: None,
                last_error: None,
                elapsed: Duration::ZERO,
            },
            phase: Phase::Listing,
            pause: opts.interval,
            refusal: None,
        })
    }

    fn finish(&mut self, result: Result<()>) -> Step<Removal> {
        self.r.elapsed = self.start.elapsed();
        Step::Done(result.map(|()| self.r.clone()))
    }

    fn attempt(&mut self) -> Step<Removal> {
        self.r.attempts += 1;
        self.phase = Phase::Removing;
        Step::Send(
            ops::RemoveMap {
                map: self.name.clone(),
            }
            .command(),
        )
    }

    /// After an attempt that did not end the job: give up on a refusal
    /// that is no reason to try again, restore queueing when the deadline
    /// has passed, or pause.
    fn after_attempt(&mut self) -> Step<Removal> {
        if let Some(e) = self.refusal.take() {
            let retry = matches!(
                e.kind(),
                ErrorKind::MapInUse
                    | ErrorKind::CommandFailed
                    | ErrorKind::DaemonTimeout
                    | ErrorKind::Connect
                    | ErrorKind::ConnectionClosed
                    | ErrorKind::Timeout
            );
            if !retry {
                return Step::Done(Err(e));
            }
            self.r.last_error_kind = Some(e.kind());
            self.r.last_error = Some(e.to_string());
        }
        if self.start.elapsed() + self.pause > self.opts.timeout {
            if self.r.queueing_disabled {
                self.phase = Phase::Restoring;
                return Step::Send(
                    ops::RestoreMapQueuing {
                        map: self.name.clone(),
                    }
                    .command(),
                );
            }
            return self.time_out();
        }
        self.phase = Phase::Pausing;
        let pause = self.pause;
        self.pause = (self.pause * 2).min(Duration::from_secs(2));
        Step::Sleep(pause)
    }

    fn time_out(&mut self) -> Step<Removal> {
        self.r.elapsed = self.start.elapsed();
        Step::Done(Err(Error::WaitTimeout {
            what: format!("remove map {:?}", self.name),
            after: self.opts.timeout,
            last: Box::new(LastSeen::Removal {
                removal: self.r.clone(),
            }),
        }))
    }

    fn disable_or_attempt(&mut self) -> Step<Removal> {
        if self.opts.disable_queueing {
            self.phase = Phase::Disabling;
            return Step::Send(
                ops::DisableMapQueuing {
                    map: self.name.clone(),
                }
                .command(),
            );
        }
        self.attempt()
    }
}

impl Job for RemoveMap {
    type Output = Removal;

    fn step(&mut self, input: Option<Result<Reply>>) -> Step<Removal> {
        let Some(reply) = input else {
            return match self.phase {
                Phase::Listing => Step::Send(map_rows_command()),
                _ => self.attempt(),
            };
        };
        match self.phase {
            Phase::Listing => match map_rows(reply) {
                // The daemon's `del map` takes the map's name (or alias),
                // not its WWID: the listing gives the name for a WWID.
                Ok(rows) => match rows.into_iter().find(|m| is_map(m, &self.asked)) {
                    Some(row) => {
                        self.name = row.name;
                        self.disable_or_attempt()
                    }
                    None => {
                        self.r.already_gone = true;
                        self.finish(Ok(()))
                    }
                },
                // Busy or restarting: the attempts find out.
                Err(e) if passing(&e) => self.disable_or_attempt(),
                Err(e) => Step::Done(Err(e)),
            },
            Phase::Disabling => {
                let op = ops::DisableMapQueuing {
                    map: self.name.clone(),
                };
                match output(&op, reply) {
                    Ok(()) => self.r.queueing_disabled = true,
                    Err(e) if e.kind() == ErrorKind::PermissionDenied => return Step::Done(Err(e)),
                    // Gone meanwhile, or the daemon busy: the removal
                    // decides.
                    Err(_) => {}
                }
                self.attempt()
            }
            Phase::Removing => {
                let op = ops::RemoveMap {
                    map: self.name.clone(),
                };
                match output(&op, reply) {
                    Ok(()) => {
                        self.phase = Phase::Confirming;
                        Step::Send(map_rows_command())
                    }
                    Err(e) => {
                        let kind = e.kind();
                        self.refusal = Some(e);
                        match kind {
                            ErrorKind::NotFound => {
                                self.phase = Phase::Confirming;
                                Step::Send(map_rows_command())
                            }
                            // Old releases answer a bare "fail" for a map
                            // that is missing and for one in use: the
                            // listing tells which.
                            ErrorKind::CommandFailed => {
                                self.phase = Phase::CheckingFailure;
                                Step::Send(map_rows_command())
                            }
                            _ => self.after_attempt(),
                        }
                    }
                }
            }
            Phase::CheckingFailure => {
                if listed(reply, &self.name) {
                    self.after_attempt()
                } else {
                    self.phase = Phase::Confirming;
                    Step::Send(map_rows_command())
                }
            }
            Phase::Confirming => {
                if listed(reply, &self.name) {
                    self.after_attempt()
                } else {
                    self.finish(Ok(()))
                }
            }
            Phase::Restoring => {
                let op = ops::RestoreMapQueuing {
                    map: self.name.clone(),
                };
                if output(&op, reply).is_ok() {
                    self.r.queueing_restored = true;
                }
                self.time_out()
            }
            Phase::Pausing => self.attempt(),
        }
    }
}

impl Client {
    /// Runs a job to its end.
    fn drive<J: Job>(&mut self, mut job: J) -> Result<J::Output> {
        let mut input = None;
        loop {
            match job.step(input.take()) {
                Step::Send(cmd) => input = Some(self.send(&cmd)),
                Step::Sleep(pause) => std::thread::sleep(pause),
                Step::Done(result) => return result,
            }
        }
    }

    /// Waits until the map named `map` (its name, alias or WWID) exists
    /// with at least `min_active` active paths, and returns its row (WWID,
    /// active paths, name). One command per poll (see the module docs).
    pub fn wait_for_map(&mut self, map: &str, min_active: u32, opts: &WaitOptions) -> Result<Map> {
        self.drive(wait_for_map(map, min_active, opts)?)
    }

    /// Waits until the map named `map` (name or WWID) is gone. One command
    /// per poll.
    pub fn wait_map_gone(&mut self, map: &str, opts: &WaitOptions) -> Result<()> {
        self.drive(wait_map_gone(map, opts)?)
    }

    /// Waits until the path `path` (`sda`) is listed in the states `want`
    /// asks for, and returns its row. One command per poll.
    pub fn wait_for_path(
        &mut self,
        path: &str,
        want: &PathWant,
        opts: &WaitOptions,
    ) -> Result<Path> {
        self.drive(wait_for_path(path, want, opts)?)
    }

    /// Waits until none of `paths` is listed any more (after `del path`, or
    /// a LUN unmapped on the array). One command per poll.
    pub fn wait_paths_gone(&mut self, paths: &[&str], opts: &WaitOptions) -> Result<()> {
        self.drive(wait_paths_gone(paths, opts)?)
    }

    /// Waits until the daemon has settled: not busy, and the topology
    /// unchanged for `quiet` — the path listing (devices, states, maps) and
    /// each map's active paths, dm state, path-fault and table-load
    /// counters (a path that failed and came back between two polls still
    /// counts as a change). Three commands per poll.
    pub fn wait_settled(&mut self, quiet: Duration, opts: &WaitOptions) -> Result<()> {
        self.drive(wait_settled(quiet, opts))
    }

    /// Every map's health and how many maps are in each state, from one
    /// `show maps json` (see [`mpd_proto::health`]).
    pub fn health(&mut self) -> Result<Health> {
        Ok(health::health(&self.topology()?))
    }

    /// One map's health, from one `show map M json`.
    pub fn map_health(&mut self, map: &str) -> Result<MapHealth> {
        Ok(health::map_health(&self.map_topology(map)?))
    }

    /// Removes a map so that it is gone when the call returns.
    ///
    /// Checks that the map is there (a map already gone is success, with
    /// [`Removal::already_gone`]); disables queueing on it first unless
    /// told not to; sends `del map` while the map is in use or the daemon
    /// busy (0.10+ say `map or partition in use`; older releases a bare
    /// `fail` while the map is still listed), pausing between attempts;
    /// takes "not found" as done; and checks that the map is no longer
    /// listed. When the deadline passes first, queueing is restored and
    /// the error is [`Error::WaitTimeout`] with the [`Removal`] so far.
    /// Other refusals (permission denied, …) end it at once.
    pub fn remove_map_safely(&mut self, map: &str, opts: &RemoveOptions) -> Result<Removal> {
        self.drive(RemoveMap::new(map, opts)?)
    }
}
