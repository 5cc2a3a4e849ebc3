//! A monitoring snapshot: every map with its queueing mode, dm state and
//! counters, and every path with its states and H:C:T:L, from two raw
//! listings.
//!
//! What a monitor reads on every scrape. `show maps json` carries the same
//! states but is ten times longer, costs the daemon and the parser
//! accordingly, and has no H:C:T:L; the two listings here,
//! [`maps_command`] and [`paths_command`], are small, exist with the same
//! wildcards in every supported release (0.8.5 and later), and parse
//! without copying: a [`Snapshot`] borrows the reply texts.
//!
//! ```
//! use mpd_proto::health::HealthState;
//! use mpd_proto::model::snapshot::Snapshot;
//!
//! let maps = "3600a|1|12 chk|active|1 queue_if_no_path|3|1|2|0|0|mpatha\n";
//! let paths = "sda|0:0:0:1|active|ready|running|normal|mpatha\n\
//!              sdb|1:0:0:1|failed|faulty|running|normal|mpatha\n";
//! let s = Snapshot::parse(maps, paths).unwrap();
//! assert_eq!(s.maps[0].path_faults, Some(3));
//! assert_eq!(s.paths[1].hcil, Some("1:0:0:1"));
//! let h = s.health();
//! assert_eq!(h[0].state, HealthState::Degraded);
//! assert_eq!((h[0].up_paths, h[0].total_paths), (1, 2));
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::state::{CheckerState, DevState, MapDmState, MarginalState, PathDmState, Queueing};
use crate::command::Command;
use crate::error::Error;
use crate::health::{is_up, map_queues, verdict, HealthState};

/// The map listing's format: WWID, active paths, queueing, dm state,
/// features, the five counters, and the name last (the one value a user
/// chooses freely, so a `|` in it cannot shift the others).
pub const MAPS_FORMAT: &str = "%w|%N|%Q|%t|%f|%0|%1|%2|%3|%4|%n";
const MAP_FIELDS: usize = 11;

/// The path listing's format: device, H:C:T:L, dm state, checker state,
/// device state, marginal state, and the map's name last. (A path's WWID
/// is its map's.)
pub const PATHS_FORMAT: &str = "%d|%i|%t|%T|%o|%M|%m";
const PATH_FIELDS: usize = 7;

/// `show maps raw format` with [`MAPS_FORMAT`].
pub fn maps_command() -> Command {
    Command::ShowMapsFormat {
        format: MAPS_FORMAT.to_owned(),
        raw: true,
    }
}

/// `show paths raw format` with [`PATHS_FORMAT`].
pub fn paths_command() -> Command {
    Command::ShowPathsFormat {
        format: PATHS_FORMAT.to_owned(),
        raw: true,
    }
}

/// One map of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotMap<'a> {
    /// The listing's line this map was read from (without its newline):
    /// equal lines mean equal maps.
    pub line: &'a str,
    /// Map name (alias, or the WWID without one).
    pub name: &'a str,
    /// WWID.
    pub uuid: Option<&'a str>,
    /// Active paths as the daemon counts them (`%N`: checker usable).
    pub active_paths: Option<u32>,
    /// Queueing mode; `None` for `-` (not set).
    pub queueing: Option<Queueing>,
    /// Device-mapper state.
    pub dm_state: Option<MapDmState>,
    /// Table features (`1 queue_if_no_path`).
    pub features: Option<&'a str>,
    /// Path failures (`%0`).
    pub path_faults: Option<u64>,
    /// Path-group switches (`%1`).
    pub switch_grp: Option<u64>,
    /// Table loads (`%2`).
    pub map_loads: Option<u64>,
    /// Seconds spent queueing (`%3`).
    pub total_q_time: Option<u64>,
    /// Queueing timeouts (`%4`).
    pub q_timeouts: Option<u64>,
}

/// One path of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPath<'a> {
    /// The listing's line this path was read from (without its newline).
    pub line: &'a str,
    /// Kernel device name (`sda`).
    pub device: &'a str,
    /// SCSI host:channel:target:LUN; `None` for `#:#:#:#` (not SCSI).
    pub hcil: Option<&'a str>,
    /// State in the dm table; `None` for a path in no map.
    pub dm_state: Option<PathDmState>,
    /// The checker's verdict; `None` when not checked.
    pub checker_state: Option<CheckerState>,
    /// Kernel device state; `None` when unknown.
    pub dev_state: Option<DevState>,
    /// Marginal or normal.
    pub marginal: Option<MarginalState>,
    /// The map the path belongs to; `None` for an orphan.
    pub map: Option<&'a str>,
}

/// Maps and paths as two raw listings show them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot<'a> {
    /// Every map, in the daemon's order.
    pub maps: Vec<SnapshotMap<'a>>,
    /// Every path the daemon knows, orphans included, in its order.
    pub paths: Vec<SnapshotPath<'a>>,
}

/// A map's verdict in a [`Snapshot`] (see [`crate::health`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotHealth {
    /// The verdict.
    pub state: HealthState,
    /// Paths that are up (checker usable, not failed in the dm table).
    pub up_paths: u32,
    /// The map's paths.
    pub total_paths: u32,
    /// Whether the map queues I/O when no path is left.
    pub queues: bool,
}

/// A value, or `None` for the daemon's placeholders.
fn known(s: &str) -> Option<&str> {
    // Every placeholder is empty or starts with one of these.
    if !matches!(s.as_bytes().first(), None | Some(b'-' | b'[' | b'u' | b'#')) {
        return Some(s);
    }
    match s {
        "" | "-" | "[undef]" | "undef" | "[orphan]" | "[offline]" | "[unknown]" | "#"
        | "#:#:#:#" => None,
        v => Some(v),
    }
}

/// FNV-1a, cheaper than SipHash for short keys such as map names (aliases
/// root configured, or WWIDs the devices report). Names made to collide
/// would cost at worst time quadratic in the number of maps of one
/// listing, which the daemon's reply size already bounds.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A state word, or `None` for placeholders and `unknown`.
fn state<T>(s: &str, parse: fn(&str) -> T) -> Option<T> {
    match known(s)? {
        "unknown" => None,
        w => Some(parse(w)),
    }
}

/// Splits `line` on `|` into exactly `N` fields, the last taking any
/// extra `|`.
fn fields<const N: usize>(line: &str) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut start = 0;
    let mut k = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'|' && k < N - 1 {
            // Splitting at an ASCII byte keeps both sides valid UTF-8.
            out[k] = line.get(start..i)?;
            start = i + 1;
            k += 1;
        }
    }
    if k < N - 1 {
        return None;
    }
    out[N - 1] = line.get(start..)?;
    Some(out)
}

impl<'a> Snapshot<'a> {
    /// Parses the replies to [`maps_command`] and [`paths_command`] (an
    /// empty listing may be empty or `ok`, as the versions answer it).
    /// A line without the expected fields, or with a count that is not a
    /// number, is an error that names the line.
    pub fn parse(maps: &'a str, paths: &'a str) -> Result<Snapshot<'a>, Error> {
        let maps = crate::reply::listing(maps);
        let paths = crate::reply::listing(paths);
        let mut s = Snapshot {
            maps: Vec::with_capacity(maps.len() / 48),
            paths: Vec::with_capacity(paths.len() / 48),
        };
        for line in maps.lines().filter(|l| !l.is_empty()) {
            s.maps.push(parse_map(line)?);
        }
        for line in paths.lines().filter(|l| !l.is_empty()) {
            s.paths.push(parse_path(line)?);
        }
        Ok(s)
    }

    /// For each path, the index of its map in [`Snapshot::maps`] (`None`
    /// for an orphan, or a map the map listing did not show).
    pub fn path_maps(&self) -> Vec<Option<usize>> {
        let index: HashMap<&str, usize, BuildHasherDefault<Fnv>> = self
            .maps
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name, i))
            .collect();
        self.paths
            .iter()
            .map(|p| p.map.and_then(|m| index.get(m).copied()))
            .collect()
    }

    /// Each map's health, in [`Snapshot::maps`]' order: the same rule as
    /// [`crate::health::map_health`] on the same states.
    pub fn health(&self) -> Vec<SnapshotHealth> {
        self.health_with(&self.path_maps())
    }

    /// [`Snapshot::health`] with the result of [`Snapshot::path_maps`]
    /// already at hand.
    pub fn health_with(&self, path_maps: &[Option<usize>]) -> Vec<SnapshotHealth> {
        let mut counts = vec![(0u32, 0u32); self.maps.len()];
        for (p, m) in self.paths.iter().zip(path_maps) {
            if let Some(i) = *m {
                counts[i].1 += 1;
                if is_up(p.checker_state.as_ref(), p.dm_state.as_ref()) {
                    counts[i].0 += 1;
                }
            }
        }
        self.maps
            .iter()
            .zip(counts)
            .map(|(m, (up, total))| {
                let queues = map_queues(m.queueing.as_ref(), m.features);
                SnapshotHealth {
                    state: verdict(m.dm_state == Some(MapDmState::Suspend), up, total, queues),
                    up_paths: up,
                    total_paths: total,
                    queues,
                }
            })
            .collect()
    }
}

fn number<T: std::str::FromStr>(line: &str, what: &str, v: &str) -> Result<Option<T>, Error> {
    match known(v) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            Error::parse(
                "snapshot listing",
                format!("{what} {v:?} is not a number in line {line:?}"),
            )
        }),
    }
}

fn parse_map(line: &str) -> Result<SnapshotMap<'_>, Error> {
    let [uuid, active, queueing, dm, features, c0, c1, c2, c3, c4, name] =
        fields::<MAP_FIELDS>(line).ok_or_else(|| {
            Error::parse(
                "map listing",
                format!("expected {MAP_FIELDS} fields separated by '|' in line {line:?}"),
            )
        })?;
    if name.is_empty() {
        return Err(Error::parse(
            "map listing",
            format!("no map name in line {line:?}"),
        ));
    }
    Ok(SnapshotMap {
        line,
        name,
        uuid: known(uuid),
        active_paths: number(line, "active path count", active)?,
        queueing: state(queueing, Queueing::parse),
        dm_state: state(dm, MapDmState::parse),
        features: known(features),
        path_faults: number(line, "path_faults", c0)?,
        switch_grp: number(line, "switch_grp", c1)?,
        map_loads: number(line, "map_loads", c2)?,
        total_q_time: number(line, "total_q_time", c3)?,
        q_timeouts: number(line, "q_timeouts", c4)?,
    })
}

fn parse_path(line: &str) -> Result<SnapshotPath<'_>, Error> {
    let [device, hcil, dm, checker, dev, marginal, map] =
        fields::<PATH_FIELDS>(line).ok_or_else(|| {
            Error::parse(
                "path listing",
                format!("expected {PATH_FIELDS} fields separated by '|' in line {line:?}"),
            )
        })?;
    let device = known(device)
        .ok_or_else(|| Error::parse("path listing", format!("no device in line {line:?}")))?;
    Ok(SnapshotPath {
        line,
        device,
        hcil: known(hcil),
        dm_state: state(dm, PathDmState::parse),
        checker_state: state(checker, CheckerState::parse),
        dev_state: state(dev, DevState::parse),
        marginal: state(marginal, MarginalState::parse),
        map: known(map),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_listings_on_every_version() {
        for (m, p) in [("", ""), ("ok\n", "ok\n")] {
            let s = Snapshot::parse(m, p).unwrap();
            assert!(s.maps.is_empty() && s.paths.is_empty());
        }
    }

    #[test]
    fn every_placeholder_is_none_and_look_alikes_are_values() {
        for p in [
            "",
            "-",
            "[undef]",
            "undef",
            "[orphan]",
            "[offline]",
            "[unknown]",
            "#",
            "#:#:#:#",
        ] {
            assert_eq!(known(p), None, "{p:?}");
        }
        for v in ["--", "[x]", "undefined", "u", "#1", "0:0:0:0", "ready", "0"] {
            assert_eq!(known(v), Some(v), "{v:?}");
        }
    }

    #[test]
    fn map_names_index_paths_whatever_their_order() {
        let maps: String = (0..50)
            .map(|i| format!("w{i}|1|-|active|0|0|0|1|0|0|m{i}\n"))
            .collect();
        let paths: String = (0..50)
            .rev()
            .map(|i| format!("sd{i}|0:0:0:{i}|active|ready|running|normal|m{i}\n"))
            .chain(["sdx|#|undef|undef|undef|normal|gone\n".to_owned()])
            .collect();
        let s = Snapshot::parse(&maps, &paths).unwrap();
        let expected: Vec<Option<usize>> = (0..50).rev().map(Some).chain([None]).collect();
        assert_eq!(s.path_maps(), expected);
    }

    #[test]
    fn placeholders_orphans_and_pipes_in_names() {
        let maps = "3600b|-|-|undef|0|0|0|1|0|0|odd|name\n";
        let paths = "sdc|#:#:#:#|undef|undef|unknown|normal|[orphan]\n\
                     sdd|2:0:0:0|active|ready|running|marginal|odd|name\n";
        let s = Snapshot::parse(maps, paths).unwrap();
        let m = &s.maps[0];
        assert_eq!(m.name, "odd|name");
        assert_eq!((m.active_paths, m.queueing.as_ref()), (None, None));
        assert_eq!(m.dm_state, None);
        let orphan = &s.paths[0];
        assert_eq!((orphan.hcil, orphan.map), (None, None));
        assert_eq!(
            (orphan.dm_state.as_ref(), orphan.dev_state.as_ref()),
            (None, None)
        );
        assert_eq!(s.paths[1].map, Some("odd|name"));
        assert_eq!(s.paths[1].marginal, Some(MarginalState::Marginal));
        assert_eq!(m.line, maps.trim_end());
        assert_eq!(s.paths[1].line, paths.lines().nth(1).unwrap());
        assert_eq!(s.path_maps(), vec![None, Some(0)]);
        let h = s.health();
        assert_eq!((h[0].up_paths, h[0].total_paths), (1, 1));
        assert_eq!(h[0].state, HealthState::Healthy);
    }

    #[test]
    fn verdicts_match_map_health() {
        let maps = "w1|0|on|active|0|0|0|0|0|0|queued\n\
                    w2|0|off|active|0|0|0|0|0|0|failing\n\
                    w3|2|-|suspend|0|0|0|0|0|0|held\n\
                    w4|0|-|active|1 queue_if_no_path|0|0|0|0|0|featq\n\
                    w5|0|-|active|0|0|0|0|0|0|empty\n";
        let paths = "sda|0:0:0:0|failed|faulty|running|normal|queued\n\
                     sdb|0:0:0:1|failed|faulty|running|normal|failing\n\
                     sdc|0:0:0:2|active|ready|running|normal|held\n\
                     sdd|0:0:0:3|active|i/o pending|running|normal|featq\n";
        let s = Snapshot::parse(maps, paths).unwrap();
        let states: Vec<_> = s.health().iter().map(|h| h.state).collect();
        assert_eq!(
            states,
            [
                HealthState::AllPathsDownQueueing,
                HealthState::AllPathsDownFailing,
                HealthState::Suspended,
                HealthState::AllPathsDownQueueing,
                HealthState::NoPaths,
            ]
        );
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        for (m, p) in [
            ("w|1|on|active\n", ""),
            ("w|x|on|active|0|0|0|0|0|0|m\n", ""),
            ("w|1|on|active|0|0|0|0|0|0|\n", ""),
            ("", "sda|0:0:0:0|active\n"),
            ("", "|0:0:0:0|active|ready|running|normal|m\n"),
            ("", "fail\n"),
        ] {
            let e = Snapshot::parse(m, p).unwrap_err().to_string();
            assert!(e.contains("line"), "{e}");
        }
    }
}
