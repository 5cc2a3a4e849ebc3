//! Operations: each command paired with the parser of its reply and its
//! output type, declared once.
//!
//! An [`Operation`] is "send this, get that typed value": its
//! [`command`](Operation::command) is what goes to the daemon and its
//! [`parse`](Operation::parse) reads the daemon's answer into
//! [`Operation::Output`]. A transport runs any of them the same way
//! (`mpd_client::Client::execute`), and handles the daemon's failure replies
//! itself before `parse` is called.
//!
//! The table at the bottom of this file ([`OPERATIONS`], from one
//! `operations!` invocation) is the single declaration of every operation:
//! it defines the operation types of this module and the metadata from
//! which `crates/mpd-codegen` generates the named methods of the Rust
//! client, the Python methods and their stubs, and the C functions and
//! header. Adding an operation means adding a [`Command`] (if the daemon
//! command is new) and one entry here, then regenerating
//! (`MPD_BLESS=1 cargo test -p mpd-codegen`).
//!
//! ```
//! use mpd_proto::ops::{self, Answer, Operation};
//!
//! let op = ops::ResizeMap { map: "mpatha".into() };
//! assert_eq!(op.command().text().unwrap(), r#"resize map "mpatha""#);
//! assert_eq!(op.parse(Answer::Ok), Ok(()));
//!
//! let listing = ops::ListMaps {};
//! assert!(listing.parse(Answer::Data("ok\n")).unwrap().is_empty()); // 0.9+: empty listing
//! ```

use crate::command::Command;
use crate::error::Error;
use crate::model::pr::{self, PrKey, PrStatus};
use crate::model::{maps, paths, status, topology};
use crate::model::{
    DaemonState, DaemonStatus, Map, MapStats, MapStatus, MapTopology, Path, Topology,
};

/// A reply that is not a failure, as an operation's parser sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// The daemon accepted an action (`ok`).
    Ok,
    /// The data of a query (the payload without its NUL).
    Data(&'a str),
}

impl<'a> Answer<'a> {
    /// The answer to a classified reply, or `None` for a failure (which the
    /// transport turns into its own error).
    pub fn of(reply: &'a crate::Reply) -> Option<Answer<'a>> {
        match reply {
            crate::Reply::Ok => Some(Answer::Ok),
            crate::Reply::Data(d) => Some(Answer::Data(d)),
            crate::Reply::Failure(_) => None,
        }
    }
}

/// One command and the typed value its reply gives.
pub trait Operation {
    /// What a successful reply parses to.
    type Output;

    /// The command to send (its arguments are validated when it is
    /// rendered, before anything is sent).
    fn command(&self) -> Command;

    /// Reads a successful reply. A reply of the wrong shape (data for an
    /// action, text that does not parse) is an [`Error::Parse`].
    fn parse(&self, answer: Answer<'_>) -> Result<Self::Output, Error>;
}

/// What an operation argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArgKind {
    /// A path's kernel device name (`sda`): a string.
    Path,
    /// A map's name, alias, WWID or dm device: a string.
    Map,
    /// A path group number, from 1: an unsigned 32-bit integer.
    Group,
    /// A persistent-reservation key (`0x123abc`, optionally `:aptpl`): a
    /// string.
    Key,
    /// A count (jobs): an unsigned 32-bit integer.
    Count,
    /// A duration (jobs): seconds in Python, milliseconds in C.
    Seconds,
    /// A wait's deadline (jobs: `WaitOptions`): `timeout` seconds in
    /// Python (default 30), `timeout_ms` in C (0: 30 s).
    Wait,
    /// The states a path must reach (jobs: `PathWant`): optional
    /// `dm_state` and `checker_state` words.
    PathWant,
    /// Several path names (jobs): a list of strings.
    PathList,
    /// How to remove a map safely (jobs: `RemoveOptions`): a deadline and
    /// whether to disable queueing first.
    RemoveOptions,
}

/// One argument of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArgSpec {
    /// The argument's name (the field of the operation type).
    pub name: &'static str,
    /// Its kind.
    pub kind: ArgKind,
}

/// What an operation returns, as the front ends know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputKind {
    /// Nothing: an action (`()`).
    Unit,
    /// Text (`String`).
    Text,
    /// `Vec<Path>`.
    Paths,
    /// `Vec<Map>`.
    Maps,
    /// [`Topology`].
    Topology,
    /// [`MapTopology`].
    MapTopology,
    /// [`DaemonStatus`].
    DaemonStatus,
    /// [`DaemonState`].
    DaemonState,
    /// `Vec<MapStatus>`.
    MapStatusList,
    /// `Vec<MapStats>`.
    MapStatsList,
    /// [`PrStatus`].
    PrStatus,
    /// `Option<PrKey>`.
    PrKey,
    /// A daemon-wide health summary (`mpd_proto::health::Health`).
    Health,
    /// One map's health (`mpd_proto::health::MapHealth`).
    MapHealth,
    /// One map's row ([`Map`]).
    MapRow,
    /// One path's row ([`Path`]).
    PathRow,
    /// What a safe removal did (`mpd_client::Removal`).
    Removal,
}

/// What a table entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OpKind {
    /// One daemon command and its reply ([`OPERATIONS`]).
    Command,
    /// A job of the client: several commands with a deadline, written in
    /// `mpd-client` ([`JOBS`]).
    Job,
}

/// The metadata of one operation: what the code generator needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpSpec {
    /// The method name in every front end (`resize_map`).
    pub name: &'static str,
    /// The operation type in this module (`ResizeMap`).
    pub type_name: &'static str,
    /// The documentation, as written above the entry.
    pub doc: &'static str,
    /// The arguments, in order.
    pub args: &'static [ArgSpec],
    /// What it returns.
    pub output: OutputKind,
    /// Part of the contract every front end must offer.
    pub contract: bool,
    /// A command or a job.
    pub kind: OpKind,
}

impl OpSpec {
    /// The operation or job with this name.
    pub fn find(name: &str) -> Option<&'static OpSpec> {
        OPERATIONS.iter().chain(JOBS).find(|o| o.name == name)
    }
}

// ----- reply readers the table uses -----

fn action(answer: Answer<'_>) -> Result<(), Error> {
    match answer {
        Answer::Ok => Ok(()),
        Answer::Data(d) => Err(Error::parse(
            "action reply",
            format!("expected \"ok\", got {d:?}"),
        )),
    }
}

fn data<'a>(answer: Answer<'a>) -> Result<&'a str, Error> {
    match answer {
        Answer::Data(d) => Ok(d),
        Answer::Ok => Err(Error::parse(
            "query reply",
            "expected data, got the reply of an action",
        )),
    }
}

/// A listing: an empty one is `ok` on 0.9+ (see [`crate::reply::listing`]).
fn listing(answer: Answer<'_>) -> Result<&str, Error> {
    data(answer).map(crate::reply::listing)
}

fn text(answer: Answer<'_>) -> Result<String, Error> {
    data(answer).map(str::to_owned)
}

macro_rules! arg_type {
    (Path) => {
        String
    };
    (Map) => {
        String
    };
    (Group) => {
        u32
    };
    (Key) => {
        String
    };
    (PathList) => {
        Vec<String>
    };
}

#[cfg(test)]
macro_rules! sample_arg {
    (Path) => {
        "sda".to_owned()
    };
    (Map) => {
        "mpatha".to_owned()
    };
    (Group) => {
        1
    };
    (Key) => {
        "0x1".to_owned()
    };
    (PathList) => {
        vec!["sda".to_owned(), "sdc".to_owned()]
    };
}

macro_rules! output_type {
    (Unit) => { () };
    (Text) => { String };
    (Paths) => { Vec<Path> };
    (Maps) => { Vec<Map> };
    (Topology) => { Topology };
    (MapTopology) => { MapTopology };
    (DaemonStatus) => { DaemonStatus };
    (DaemonState) => { DaemonState };
    (MapStatusList) => { Vec<MapStatus> };
    (MapStatsList) => { Vec<MapStats> };
    (PrStatus) => { PrStatus };
    (PrKey) => { Option<PrKey> };
}

/// The table: one entry per operation.
///
/// ```text
/// /// doc
/// Type name(arg: Kind, ...) -> Output [contract]? => command-expression; |answer| parse-expression;
/// ```
///
/// In the command expression the arguments are bound by reference.
macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        $ty:ident $name:ident ( $($arg:ident : $kind:ident),* ) -> $out:ident $([$contract:ident])?
            => $cmd:expr ; |$answer:ident| $parse:expr ;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub struct $ty {
                $(
                    #[doc = concat!("The `", stringify!($arg), "` argument.")]
                    pub $arg: arg_type!($kind),
                )*
            }

            impl Operation for $ty {
                type Output = output_type!($out);

                fn command(&self) -> Command {
                    let $ty { $($arg),* } = self;
                    $cmd
                }

                fn parse(&self, $answer: Answer<'_>) -> Result<Self::Output, Error> {
                    $parse
                }
            }
        )*

        /// Every operation, in the table's order.
        pub const OPERATIONS: &[OpSpec] = &[$(
            OpSpec {
                name: stringify!($name),
                type_name: stringify!($ty),
                doc: concat!($($doc, "\n"),*),
                args: &[$(ArgSpec { name: stringify!($arg), kind: ArgKind::$kind }),*],
                output: OutputKind::$out,
                contract: operations!(@contract $($contract)?),
                kind: OpKind::Command,
            },
        )*];

        /// Each operation with sample arguments, and its command.
        #[cfg(test)]
        fn samples() -> Vec<(&'static OpSpec, Command)> {
            let commands = vec![$(
                $ty { $($arg: sample_arg!($kind)),* }.command(),
            )*];
            OPERATIONS.iter().zip(commands).collect()
        }
    };
    (@contract contract) => { true };
    (@contract) => { false };
}

operations! {
    // ----- the contract -----

    /// Lists every path (`show paths raw format …` with `Path::FORMAT`).
    ListPaths list_paths() -> Paths [contract]
        => Command::ShowPathsFormat { format: Path::FORMAT.into(), raw: true };
        |a| paths::parse_paths(listing(a)?, &Path::FIELDS);

    /// Lists every map (`show maps raw format …` with `Map::FORMAT`).
    ListMaps list_maps() -> Maps [contract]
        => Command::ShowMapsFormat { format: Map::FORMAT.into(), raw: true };
        |a| maps::parse_maps(listing(a)?, &Map::FIELDS);

    /// `reconfigure`: re-reads the configuration and updates the maps.
    Reconfigure reconfigure() -> Unit [contract] => Command::Reconfigure; |a| action(a);

    /// `add path P`: starts using a path.
    AddPath add_path(path: Path) -> Unit [contract] => Command::AddPath(path.clone()); |a| action(a);

    /// `del path P`: stops using a path.
    RemovePath remove_path(path: Path) -> Unit [contract] => Command::DelPath(path.clone()); |a| action(a);

    /// `add map M`: starts monitoring a map (0.9+ can re-create a removed
    /// map from its WWID; 0.8 only adopts an existing dm map).
    AddMap add_map(map: Map) -> Unit [contract] => Command::AddMap(map.clone()); |a| action(a);

    /// `del map M`: removes a map (MapInUse while it is open, on 0.10+).
    RemoveMap remove_map(map: Map) -> Unit [contract] => Command::DelMap(map.clone()); |a| action(a);

    /// `suspend map M`: holds the map's I/O.
    SuspendMap suspend_map(map: Map) -> Unit [contract] => Command::SuspendMap(map.clone()); |a| action(a);

    /// `resume map M`: releases the map's I/O.
    ResumeMap resume_map(map: Map) -> Unit [contract] => Command::ResumeMap(map.clone()); |a| action(a);

    /// `resize map M`: picks up a changed LUN size.
    ResizeMap resize_map(map: Map) -> Unit [contract] => Command::ResizeMap(map.clone()); |a| action(a);

    /// `reset map M`: re-applies the map's settings.
    ResetMap reset_map(map: Map) -> Unit [contract] => Command::ResetMap(map.clone()); |a| action(a);

    /// `reload map M`: reloads the map's table.
    ReloadMap reload_map(map: Map) -> Unit [contract] => Command::ReloadMap(map.clone()); |a| action(a);

    /// `fail path P`. The daemon answers at once; the path shows `failed`
    /// in the dm table right away.
    FailPath fail_path(path: Path) -> Unit [contract] => Command::FailPath(path.clone()); |a| action(a);

    /// `reinstate path P`. The daemon answers at once; the states change at
    /// the next checker run, so poll the path list to wait.
    ReinstatePath reinstate_path(path: Path) -> Unit [contract]
        => Command::ReinstatePath(path.clone()); |a| action(a);

    /// `disablequeueing map M`: I/O fails at once when the map has no path.
    DisableMapQueuing disable_map_queuing(map: Map) -> Unit [contract]
        => Command::DisableQueueingMap(map.clone()); |a| action(a);

    /// `disablequeueing maps`: on every map.
    DisableQueuing disable_queuing() -> Unit [contract]
        => Command::DisableQueueingMaps; |a| action(a);

    /// `restorequeueing map M`: back to the configured queueing.
    RestoreMapQueuing restore_map_queuing(map: Map) -> Unit [contract]
        => Command::RestoreQueueingMap(map.clone()); |a| action(a);

    /// `restorequeueing maps`: on every map.
    RestoreQueuing restore_queuing() -> Unit [contract]
        => Command::RestoreQueueingMaps; |a| action(a);

    // ----- beyond the contract -----

    /// `reconfigure all` (0.9+): also reloads maps that did not change. On
    /// 0.8 this is UnknownCommand.
    ReconfigureAll reconfigure_all() -> Unit => Command::ReconfigureAll; |a| action(a);

    /// Every map with its path groups and paths (`show maps json`).
    GetTopology topology() -> Topology
        => Command::ShowMapsJson; |a| topology::parse_topology_json(data(a)?);

    /// One map with its path groups and paths (`show map M json`).
    GetMapTopology map_topology(map: Map) -> MapTopology
        => Command::ShowMapJson(map.clone()); |a| topology::parse_map_json(data(a)?);

    /// The text tree of `show topology`, parsed (carries H:C:T:L and sizes
    /// that the JSON lacks).
    GetTopologyText topology_text() -> Topology
        => Command::ShowTopology; |a| topology::parse_topology_text(listing(a)?);

    /// `show status`: paths per checker state, busy flag.
    GetStatus status() -> DaemonStatus
        => Command::ShowStatus; |a| status::parse_daemon_status(data(a)?);

    /// `show daemon`: pid and state.
    GetDaemonState daemon_state() -> DaemonState
        => Command::ShowDaemon; |a| status::parse_daemon_state(data(a)?);

    /// `show maps status`: one row per map.
    GetMapStatus map_status() -> MapStatusList
        => Command::ShowMapsStatus; |a| status::parse_map_status(listing(a)?);

    /// `show maps stats`: the counters of each map.
    GetMapStats map_stats() -> MapStatsList
        => Command::ShowMapsStats; |a| status::parse_map_stats(listing(a)?);

    /// `show path P`: the path's kernel device state (e.g. `running`).
    GetPathState path_state(path: Path) -> Text
        => Command::ShowPath(path.clone()); |a| Ok(data(a)?.trim().to_owned());

    /// `switchgroup map M group G` (groups count from 1).
    SwitchGroup switch_group(map: Map, group: Group) -> Unit
        => Command::SwitchGroup { map: map.clone(), group: *group }; |a| action(a);

    /// `setmarginal path P`.
    SetMarginal set_marginal(path: Path) -> Unit
        => Command::SetMarginal(path.clone()); |a| action(a);

    /// `unsetmarginal path P`.
    UnsetMarginal unset_marginal(path: Path) -> Unit
        => Command::UnsetMarginalPath(path.clone()); |a| action(a);

    /// `unsetmarginal map M`: every path of the map.
    UnsetMapMarginal unset_map_marginal(map: Map) -> Unit
        => Command::UnsetMarginalMap(map.clone()); |a| action(a);

    /// `forcequeueing daemon`: queue on every map even when the daemon stops.
    ForceQueuingDaemon force_queuing_daemon() -> Unit
        => Command::ForceQueueingDaemon; |a| action(a);

    /// `restorequeueing daemon`.
    RestoreQueuingDaemon restore_queuing_daemon() -> Unit
        => Command::RestoreQueueingDaemon; |a| action(a);

    /// `reset maps stats`: zeroes the counters of every map.
    ResetMapsStats reset_maps_stats() -> Unit => Command::ResetMapsStats; |a| action(a);

    /// `reset map M stats`: zeroes the map's counters.
    ResetMapStats reset_map_stats(map: Map) -> Unit
        => Command::ResetMapStats(map.clone()); |a| action(a);

    /// `getprstatus map M`: whether a reservation key is registered.
    GetPrStatus pr_status(map: Map) -> PrStatus
        => Command::GetPrStatus(map.clone()); |a| pr::parse_pr_status(data(a)?);

    /// `setprstatus map M`.
    SetPrStatus set_pr_status(map: Map) -> Unit
        => Command::SetPrStatus(map.clone()); |a| action(a);

    /// `unsetprstatus map M`.
    UnsetPrStatus unset_pr_status(map: Map) -> Unit
        => Command::UnsetPrStatus(map.clone()); |a| action(a);

    /// `setprstatus map M pathlist L` (0.13.1+): marks the map's
    /// reservation as registered and names the paths on which the key is
    /// already registered (the daemon registers it on the others). Older
    /// daemons answer UnknownCommand.
    SetPrStatusPaths set_pr_status_paths(map: Map, paths: PathList) -> Unit
        => Command::SetPrStatusPathlist { map: map.clone(), paths: paths.clone() }; |a| action(a);

    /// `getprhold map M` (0.13+): whether the map holds the reservation
    /// (`set`, `unset`, or `unknown`). Older daemons answer
    /// UnknownCommand.
    GetPrHold pr_hold(map: Map) -> PrStatus
        => Command::GetPrHold(map.clone()); |a| pr::parse_pr_status(data(a)?);

    /// `setprhold map M` (0.13+): records that the map holds the
    /// reservation.
    SetPrHold set_pr_hold(map: Map) -> Unit
        => Command::SetPrHold(map.clone()); |a| action(a);

    /// `unsetprhold map M` (0.13+): records that the map does not hold the
    /// reservation.
    UnsetPrHold unset_pr_hold(map: Map) -> Unit
        => Command::UnsetPrHold(map.clone()); |a| action(a);

    /// `getprkey map M`: the reservation key, or none when no key is set.
    GetPrKey pr_key(map: Map) -> PrKey
        => Command::GetPrKey(map.clone()); |a| pr::parse_pr_key(data(a)?);

    /// `setprkey map M key K` (K like `0x123abc`, optionally `:aptpl`).
    SetPrKey set_pr_key(map: Map, key: Key) -> Unit
        => Command::SetPrKey { map: map.clone(), key: key.clone() }; |a| action(a);

    /// `unsetprkey map M`.
    UnsetPrKey unset_pr_key(map: Map) -> Unit
        => Command::UnsetPrKey(map.clone()); |a| action(a);

    /// `show config`: the daemon's effective configuration, as text.
    GetConfig config() -> Text => Command::ShowConfig; |a| text(a);

    /// `show config local`: the configuration from the local files only.
    GetConfigLocal config_local() -> Text => Command::ShowConfigLocal; |a| text(a);

    /// `show wildcards`: the format wildcards, as text.
    GetWildcards wildcards() -> Text => Command::ShowWildcards; |a| text(a);

    /// `show blacklist`: the blacklist and its exceptions, as text.
    GetBlacklist blacklist() -> Text => Command::ShowBlacklist; |a| text(a);

    /// `show devices`: every block device and whether it is blacklisted, as
    /// text.
    GetDevices devices() -> Text => Command::ShowDevices; |a| text(a);

    /// `del maps`: removes every map the daemon monitors.
    RemoveMaps remove_maps() -> Unit => Command::DelMaps; |a| action(a);

    /// `shutdown`: stops the daemon.
    Shutdown shutdown() -> Unit => Command::Shutdown; |a| action(a);
}

/// The jobs table: metadata only; each job is a method of
/// `mpd_client::Client` written by hand (in its `jobs` module), and the
/// code generator binds it in Python and C like an operation.
macro_rules! jobs {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident ( $($arg:ident : $kind:ident),* ) -> $out:ident ;
    )*) => {
        /// Every job, in the table's order.
        pub const JOBS: &[OpSpec] = &[$(
            OpSpec {
                name: stringify!($name),
                type_name: "",
                doc: concat!($($doc, "\n"),*),
                args: &[$(ArgSpec { name: stringify!($arg), kind: ArgKind::$kind }),*],
                output: OutputKind::$out,
                contract: false,
                kind: OpKind::Job,
            },
        )*];
    };
}

jobs! {
    /// Every map's health and how many maps are in each state, from one
    /// `show maps json`.
    health() -> Health;

    /// One map's health (healthy, degraded, all paths down, …), from one
    /// `show map M json`.
    map_health(map: Map) -> MapHealth;

    /// Waits until the map (name, alias or WWID) exists with at least
    /// `min_active` active paths; returns its row. Polls
    /// `show maps raw format` (one command per poll, backoff from 50 ms to
    /// 1 s); WaitTimeout after the deadline, with the last state seen.
    wait_for_map(map: Map, min_active: Count, wait: Wait) -> MapRow;

    /// Waits until the map (name, alias or WWID) is gone. One command per
    /// poll.
    wait_map_gone(map: Map, wait: Wait) -> Unit;

    /// Waits until the path is listed in the states asked for (dm state
    /// and/or checker state; none given: any); returns its row. One command
    /// per poll.
    wait_for_path(path: Path, want: PathWant, wait: Wait) -> PathRow;

    /// Waits until none of the paths is listed any more. One command per
    /// poll.
    wait_paths_gone(paths: PathList, wait: Wait) -> Unit;

    /// Waits until the daemon is not busy and its topology has been
    /// unchanged for `quiet`. Three commands per poll.
    wait_settled(quiet: Seconds, wait: Wait) -> Unit;

    /// Removes a map so that it is gone when the call returns: disables
    /// queueing first (optional), retries while the map is in use or the
    /// daemon busy, takes "not found" as done, verifies; on the deadline
    /// restores queueing and raises WaitTimeout with what happened.
    remove_map_safely(map: Map, options: RemoveOptions) -> Removal;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let mut names = std::collections::BTreeSet::new();
        for op in OPERATIONS {
            assert!(names.insert(op.name), "{} twice", op.name);
            assert!(!op.doc.trim().is_empty(), "{} has no doc", op.name);
        }
        let contract = OPERATIONS.iter().filter(|o| o.contract).count();
        assert_eq!(contract, 18, "the contract's operations");
        assert_eq!(OpSpec::find("resize_map").unwrap().type_name, "ResizeMap");
        for job in JOBS {
            assert!(names.insert(job.name), "{} twice", job.name);
            assert_eq!(job.kind, OpKind::Job);
            assert!(!job.doc.trim().is_empty(), "{} has no doc", job.name);
        }
        assert_eq!(OpSpec::find("wait_for_map").unwrap().kind, OpKind::Job);
    }

    #[test]
    fn actions_and_queries_read_their_answers() {
        let op = FailPath { path: "sda".into() };
        assert_eq!(op.command(), Command::FailPath("sda".into()));
        assert!(op.parse(Answer::Data("weird\n")).is_err());
        let paths = ListPaths {};
        assert!(paths.parse(Answer::Ok).is_err());
        assert!(paths.parse(Answer::Data("")).unwrap().is_empty());
        let state = GetPathState { path: "sda".into() };
        assert_eq!(state.parse(Answer::Data("running\n")).unwrap(), "running");
        let sw = SwitchGroup {
            map: "m".into(),
            group: 2,
        };
        assert_eq!(
            sw.command().text().unwrap(),
            "switchgroup map \"m\" group 2"
        );
    }

    #[test]
    fn the_shape_of_each_command_agrees_with_its_output() {
        // An action's command is an action for the reply classifier and a
        // query's a query (else `ok` would be misread), and every command
        // renders with valid arguments.
        use crate::ReplyShape;
        let samples = samples();
        assert_eq!(samples.len(), OPERATIONS.len());
        for (op, command) in samples {
            let shape = if op.output == OutputKind::Unit {
                ReplyShape::Action
            } else {
                ReplyShape::Data
            };
            assert_eq!(command.reply_shape(), shape, "{}", op.name);
            assert!(command.text().is_ok(), "{}", op.name);
        }
    }
}
