//! Judging a map's health from one topology.
//!
//! A map is as healthy as the paths I/O can use. A path counts as *up*
//! when its checker finds it usable (`ready` or `ghost`, as the daemon's
//! `count_active_paths` counts) and the kernel has not failed it in the dm
//! table. From the up and total counts, the queueing mode and the map's dm
//! state, [`map_health`] gives one [`HealthState`] with the counts and the
//! offending paths; [`health`] does it for every map and sums them up.
//!
//! The JSON `paths` field alone ([`MapTopology::active_paths`]) is not a
//! total: it drops to 0 when every path fails, while the map still has all
//! its paths. A driver that read it as the total deleted live maps during a
//! network flap (hpe-storage/csi-driver#564); here the total comes from the
//! path groups.
//!
//! ```
//! use mpd_proto::health::{map_health, HealthState};
//! use mpd_proto::model::topology::parse_topology_text;
//!
//! let t = parse_topology_text(
//!     "mpatha (3600a) dm-0 IBM,2145\n\
//!      size=16M features='1 queue_if_no_path' hwhandler='1 alua' wp=rw\n\
//!      |-+- policy='service-time 0' prio=50 status=active\n\
//!      | `- 0:0:0:0 sda 8:0  active ready  running\n\
//!      `-+- policy='service-time 0' prio=10 status=enabled\n  \
//!        `- 1:0:0:0 sdc 8:32 failed faulty running\n").unwrap();
//! let h = map_health(&t.maps[0]);
//! assert_eq!(h.state, HealthState::Degraded);
//! assert_eq!((h.up_paths, h.total_paths), (1, 2));
//! assert_eq!(h.down_paths[0].device, "sdc");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::state::{CheckerState, MapDmState, PathDmState, Queueing};
use crate::model::{MapTopology, Topology, TopologyPath};

/// How a map is doing, worst first in [`HealthState::ALL`]'s reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HealthState {
    /// Every path is up.
    Healthy,
    /// Some paths are up, some are not: I/O flows, redundancy is lost.
    Degraded,
    /// The map is suspended: I/O is held until `resume map`.
    Suspended,
    /// No path is up and the map queues I/O: I/O hangs until a path
    /// returns (or the queueing time runs out).
    AllPathsDownQueueing,
    /// No path is up and the map does not queue: I/O fails.
    AllPathsDownFailing,
    /// The map has no path at all.
    NoPaths,
}

impl HealthState {
    /// Every state, best first.
    pub const ALL: [HealthState; 6] = [
        HealthState::Healthy,
        HealthState::Degraded,
        HealthState::Suspended,
        HealthState::AllPathsDownQueueing,
        HealthState::AllPathsDownFailing,
        HealthState::NoPaths,
    ];

    /// A stable snake-case name (`all_paths_down_queueing`), as serde
    /// writes it.
    pub const fn name(self) -> &'static str {
        match self {
            HealthState::Healthy => "healthy",
            HealthState::Degraded => "degraded",
            HealthState::Suspended => "suspended",
            HealthState::AllPathsDownQueueing => "all_paths_down_queueing",
            HealthState::AllPathsDownFailing => "all_paths_down_failing",
            HealthState::NoPaths => "no_paths",
        }
    }

    /// True for [`HealthState::Healthy`] only.
    pub fn is_healthy(self) -> bool {
        self == HealthState::Healthy
    }

    /// True when I/O to the map can make progress now (healthy or
    /// degraded).
    pub fn io_flows(self) -> bool {
        matches!(self, HealthState::Healthy | HealthState::Degraded)
    }
}

impl fmt::Display for HealthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A path that is not up, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DownPath {
    /// Kernel device name.
    pub device: String,
    /// Its state in the dm table.
    pub dm_state: Option<PathDmState>,
    /// The checker's verdict.
    pub checker_state: Option<CheckerState>,
}

/// The health of one map.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MapHealth {
    /// Map name.
    pub name: String,
    /// WWID.
    pub uuid: Option<String>,
    /// The verdict.
    pub state: HealthState,
    /// Paths that are up (checker usable, not failed in the dm table).
    pub up_paths: u32,
    /// Every path of the map's path groups.
    pub total_paths: u32,
    /// The paths that are not up.
    pub down_paths: Vec<DownPath>,
    /// Whether the map queues I/O when no path is left (queueing mode
    /// `on`, `N chk`, `N sec`, or `queue_if_no_path` in its features).
    pub queues: bool,
}

/// Whether a path is up: its checker finds it usable and the kernel has
/// not failed it.
pub fn path_is_up(p: &TopologyPath) -> bool {
    is_up(p.checker_state.as_ref(), p.dm_state.as_ref())
}

/// Whether a path in these states is up (see [`path_is_up`]).
pub fn is_up(checker: Option<&CheckerState>, dm: Option<&PathDmState>) -> bool {
    checker.is_some_and(CheckerState::is_usable) && dm != Some(&PathDmState::Failed)
}

/// Whether a map with this queueing mode and these table features queues
/// I/O when no path is left.
pub fn map_queues(queueing: Option<&Queueing>, features: Option<&str>) -> bool {
    queueing.is_some_and(Queueing::queues)
        || features.is_some_and(|f| f.split_whitespace().any(|w| w == "queue_if_no_path"))
}

/// The verdict on a map from its dm state, its up and total paths, and
/// whether it queues: the one rule behind [`map_health`], for callers that
/// hold the states in another shape (the exporter's raw listings).
///
/// ```
/// use mpd_proto::health::{verdict, HealthState};
/// assert_eq!(verdict(false, 1, 2, false), HealthState::Degraded);
/// assert_eq!(verdict(false, 0, 2, true), HealthState::AllPathsDownQueueing);
/// assert_eq!(verdict(true, 2, 2, false), HealthState::Suspended);
/// ```
pub fn verdict(suspended: bool, up: u32, total: u32, queues: bool) -> HealthState {
    if suspended {
        HealthState::Suspended
    } else if total == 0 {
        HealthState::NoPaths
    } else if up == total {
        HealthState::Healthy
    } else if up > 0 {
        HealthState::Degraded
    } else if queues {
        HealthState::AllPathsDownQueueing
    } else {
        HealthState::AllPathsDownFailing
    }
}

/// Whether the map queues I/O with no path left.
fn queues(m: &MapTopology) -> bool {
    map_queues(m.queueing.as_ref(), m.features.as_deref())
}

/// Judges one map.
pub fn map_health(m: &MapTopology) -> MapHealth {
    let mut up = 0u32;
    let mut total = 0u32;
    let mut down = Vec::new();
    for p in m.path_groups.iter().flat_map(|g| &g.paths) {
        total += 1;
        if path_is_up(p) {
            up += 1;
        } else {
            down.push(DownPath {
                device: p.device.clone(),
                dm_state: p.dm_state.clone(),
                checker_state: p.checker_state.clone(),
            });
        }
    }
    let queues = queues(m);
    let state = verdict(m.dm_state == Some(MapDmState::Suspend), up, total, queues);
    MapHealth {
        name: m.name.clone(),
        uuid: m.uuid.clone(),
        state,
        up_paths: up,
        total_paths: total,
        down_paths: down,
        queues,
    }
}

/// The daemon-wide picture: every map's health and how many maps are in
/// each state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Health {
    /// Each map, in the topology's order.
    pub maps: Vec<MapHealth>,
    /// How many maps are in each state (every state present, 0 or more).
    pub counts: BTreeMap<HealthState, u32>,
}

impl Health {
    /// The maps in this state.
    pub fn in_state(&self, state: HealthState) -> impl Iterator<Item = &MapHealth> {
        self.maps.iter().filter(move |m| m.state == state)
    }

    /// True when every map is healthy (also with no map at all).
    pub fn all_healthy(&self) -> bool {
        self.maps.iter().all(|m| m.state.is_healthy())
    }

    /// The map with this name.
    pub fn map(&self, name: &str) -> Option<&MapHealth> {
        self.maps.iter().find(|m| m.name == name)
    }
}

/// Judges every map of a topology.
pub fn health(t: &Topology) -> Health {
    let maps: Vec<MapHealth> = t.maps.iter().map(map_health).collect();
    let mut counts: BTreeMap<HealthState, u32> = HealthState::ALL.iter().map(|s| (*s, 0)).collect();
    for m in &maps {
        *counts.entry(m.state).or_default() += 1;
    }
    Health { maps, counts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PathGroup;

    fn path(dev: &str, dm: &str, chk: &str) -> TopologyPath {
        TopologyPath {
            device: dev.into(),
            dm_state: Some(PathDmState::parse(dm)),
            checker_state: Some(CheckerState::parse(chk)),
            ..TopologyPath::default()
        }
    }

    fn map(paths: Vec<TopologyPath>) -> MapTopology {
        MapTopology {
            name: "m".into(),
            dm_state: Some(MapDmState::Active),
            path_groups: vec![PathGroup {
                paths,
                ..PathGroup::default()
            }],
            ..MapTopology::default()
        }
    }

    #[test]
    fn every_state() {
        let up = || path("sda", "active", "ready");
        let down = || path("sdb", "failed", "faulty");
        assert_eq!(
            map_health(&map(vec![up(), up()])).state,
            HealthState::Healthy
        );
        assert_eq!(
            map_health(&map(vec![up(), down()])).state,
            HealthState::Degraded
        );
        assert_eq!(map_health(&map(vec![])).state, HealthState::NoPaths);
        let mut m = map(vec![down()]);
        assert_eq!(map_health(&m).state, HealthState::AllPathsDownFailing);
        m.queueing = Some(Queueing::Seconds(12));
        assert_eq!(map_health(&m).state, HealthState::AllPathsDownQueueing);
        m.queueing = Some(Queueing::Off);
        m.features = Some("1 queue_if_no_path".into());
        assert_eq!(map_health(&m).state, HealthState::AllPathsDownQueueing);
        m.dm_state = Some(MapDmState::Suspend);
        assert_eq!(map_health(&m).state, HealthState::Suspended);
    }

    #[test]
    fn ghost_is_up_and_a_failed_dm_path_is_not() {
        let h = map_health(&map(vec![
            path("sda", "active", "ghost"),
            path("sdb", "failed", "ready"),
            path("sdc", "active", "i/o pending"),
        ]));
        assert_eq!((h.up_paths, h.total_paths), (1, 3));
        let down: Vec<_> = h.down_paths.iter().map(|p| p.device.as_str()).collect();
        assert_eq!(down, ["sdb", "sdc"]);
    }

    #[test]
    fn a_summary_counts_every_state() {
        let t = Topology {
            maps: vec![
                map(vec![path("sda", "active", "ready")]),
                map(vec![path("sdb", "failed", "faulty")]),
            ],
            ..Topology::default()
        };
        let h = health(&t);
        assert_eq!(h.counts.len(), HealthState::ALL.len());
        assert_eq!(h.counts[&HealthState::Healthy], 1);
        assert_eq!(h.counts[&HealthState::AllPathsDownFailing], 1);
        assert!(!h.all_healthy());
        assert_eq!(h.in_state(HealthState::Healthy).count(), 1);
        let json = serde_json::to_string(&h.maps[1].state).unwrap();
        assert_eq!(json, "\"all_paths_down_failing\"");
    }
}
