//! The simulated daemon's state (maps, path groups, paths) and every change
//! a command or the path checker makes to it. Pure data: no I/O, no clock.
//!
//! The initial topology imitates the recorded test set-up (`scsi_debug`
//! with one target per host and one LUN per map): map `i` (`mpatha`,
//! `mpathb`, …) is LUN `i`, path `k` of a map is on SCSI host `k`, and disks
//! are named in discovery order (host-major), so 2 maps × 2 paths give
//! `sda`=0:0:0:0 and `sdc`=1:0:0:0 for `mpatha`, `sdb`=0:0:0:1 and
//! `sdd`=1:0:0:1 for `mpathb`. The path grouping policy is `failover` (one
//! path group per path) sorted by priority: host 0 has priority 50 (ALUA
//! active/optimized), the others 10.
//!
//! By concern: `types` holds the value types (paths, path groups, maps,
//! disks, LUNs), `naming` the device names, `checker` the path checker and
//! `effects` what the commands change; all are re-exported here. This
//! module holds [`State`] itself: its construction (discovery, map
//! creation and reloads) and its look-ups.

use std::collections::HashMap;

use mpd_proto::model::{GroupState, PathDmState};

mod checker;
mod effects;
mod naming;
mod types;

pub use checker::{MAX_POLLING_INTERVAL, POLLING_INTERVAL};
pub(crate) use effects::Change;
use naming::disk_dev_t;
pub use naming::{devnode_allowed, disk_name, map_alias};
pub use types::{
    Disk, Hcil, Lun, MapAction, PathCheck, QueueWithoutDaemon, SimMap, SimMapStats, SimPath,
    SimPathGroup,
};

/// Everything the simulated daemon knows. Cloning it gives a consistent
/// snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The monitored maps (`mpvec`), in the daemon's order.
    pub maps: Vec<SimMap>,
    /// The monitored paths (`pathvec`), in the daemon's order.
    pub paths: Vec<SimPath>,
    /// All simulated disks, in discovery order.
    pub disks: Vec<Disk>,
    /// All simulated LUNs.
    pub luns: Vec<Lun>,
    /// `forcequeueing daemon` state.
    pub queue_without_daemon: QueueWithoutDaemon,
    /// 0.8 keeps the last computed path column widths in a global; `show
    /// map M topology` reuses them.
    pub(crate) legacy_path_widths: Option<Vec<usize>>,
    /// Device name → position in `paths`; a hint only (checked on use), so
    /// changing `paths` directly never gives wrong answers, just slower ones.
    index: PathIndex,
}

/// A lookup cache that never affects equality or debug output.
#[derive(Clone, Default)]
struct PathIndex(HashMap<String, usize>);

impl PartialEq for PathIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PathIndex {}

impl std::fmt::Debug for PathIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl State {
    /// The initial state: `maps` maps with `paths_per_map` paths each, all
    /// healthy, as after the daemon's start-up.
    pub fn new(maps: usize, paths_per_map: usize) -> State {
        let mut luns = Vec::with_capacity(maps);
        for i in 0..maps {
            let serial = (2000 + i).to_string();
            luns.push(Lun {
                alias: map_alias(i),
                wwid: format!("1Linux_scsi_debug_{serial}"),
                serial,
            });
        }
        let mut disks = Vec::with_capacity(maps * paths_per_map);
        for k in 0..paths_per_map {
            for i in 0..maps {
                let index = k * maps + i;
                disks.push(Disk {
                    dev: disk_name(index),
                    dev_t: disk_dev_t(index),
                    hcil: Hcil {
                        host: k as u32,
                        channel: 0,
                        target: 0,
                        lun: i as u64,
                    },
                    lun: i,
                    priority: if k == 0 { 50 } else { 10 },
                    tpg: ((k as u32 + 1) & 0x7f) << 8,
                    healthy: true,
                });
            }
        }
        let mut state = State {
            maps: Vec::new(),
            paths: Vec::new(),
            disks,
            luns,
            queue_without_daemon: QueueWithoutDaemon::No,
            legacy_path_widths: None,
            index: PathIndex::default(),
        };
        state.discover_all();
        state
    }

    /// Forgets everything and discovers all disks and maps afresh, as
    /// start-up and `reconfigure` do.
    fn discover_all(&mut self) {
        self.maps.clear();
        self.paths.clear();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.luns.len()];
        for d in 0..self.disks.len() {
            let p = self.fresh_path(d);
            members[self.disks[d].lun].push(self.paths.len());
            self.paths.push(p);
        }
        self.reindex();
        for (lun, members) in members.into_iter().enumerate() {
            if !members.is_empty() {
                let minor = self.maps.len() as u32;
                self.create_map_with(lun, MapAction::Create, members, minor);
            }
        }
    }

    /// Rebuilds the device-name index of the path vector.
    fn reindex(&mut self) {
        self.index.0 = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.dev.clone(), i))
            .collect();
    }

    fn lun_of_wwid(&self, wwid: &str) -> Option<usize> {
        self.luns.iter().position(|l| l.wwid == wwid)
    }

    /// A path for disk `d` as discovery sets it up (not yet in a map).
    fn fresh_path(&self, d: usize) -> SimPath {
        let disk = &self.disks[d];
        let lun = &self.luns[disk.lun];
        let up = disk.healthy;
        SimPath {
            dev: disk.dev.clone(),
            dev_t: disk.dev_t.clone(),
            hcil: disk.hcil,
            wwid: lun.wwid.clone(),
            serial: lun.serial.clone(),
            priority: disk.priority,
            tpg: disk.tpg,
            map: None,
            dm_state: None,
            checker_state: if up { PathCheck::Up } else { PathCheck::Down },
            checker_enabled: true,
            offline: false,
            marginal: false,
            tick: MAX_POLLING_INTERVAL,
            checkint: MAX_POLLING_INTERVAL,
        }
    }

    /// Lowest free device-mapper minor (the kernel's allocation).
    fn free_minor(&self) -> u32 {
        (0..)
            .find(|m| self.maps.iter().all(|mp| mp.minor != *m))
            .unwrap_or(0)
    }

    /// Creates the map of `lun` from the monitored paths with its WWID
    /// (`coalesce_paths`). Returns its index, or `None` without paths.
    fn create_map(&mut self, lun: usize, action: MapAction) -> Option<usize> {
        let wwid = &self.luns[lun].wwid;
        let members: Vec<usize> = (0..self.paths.len())
            .filter(|&i| self.paths[i].wwid == *wwid)
            .collect();
        if members.is_empty() {
            return None;
        }
        let minor = self.free_minor();
        Some(self.create_map_with(lun, action, members, minor))
    }

    fn create_map_with(
        &mut self,
        lun: usize,
        action: MapAction,
        members: Vec<usize>,
        minor: u32,
    ) -> usize {
        let wwid = self.luns[lun].wwid.clone();
        let alias = self.luns[lun].alias.clone();
        for &i in &members {
            let p = &mut self.paths[i];
            p.map = Some(alias.clone());
            p.dm_state = if p.checker_state.is_usable() {
                Some(PathDmState::Active)
            } else {
                Some(PathDmState::Failed)
            };
        }
        let map = SimMap {
            alias,
            wwid,
            minor,
            groups: Vec::new(),
            suspended: false,
            queueing: None,
            action,
            stats: SimMapStats {
                map_loads: 1,
                ..SimMapStats::default()
            },
            prflag: false,
            prhold: false,
            prkey: None,
            size_sectors: 16 * 1024 * 2,
            lun,
            in_use: false,
        };
        self.maps.push(map);
        let m = self.maps.len() - 1;
        let devs: Vec<String> = members.iter().map(|&i| self.paths[i].dev.clone()).collect();
        self.maps[m].groups = self.group_paths(&devs);
        // udev reads the new device: I/O picks the first usable group.
        self.activate_first_group(m);
        m
    }

    /// `failover` grouping, sorted by group priority (only usable paths
    /// count) as `sort_pathgroups` does; new groups are all `enabled`.
    fn group_paths(&self, devs: &[String]) -> Vec<SimPathGroup> {
        let mut groups: Vec<(i32, usize, SimPathGroup)> = devs
            .iter()
            .map(|d| {
                let (prio, enabled) = match self.path(d) {
                    Some(p) if p.checker_state.is_usable() => (p.priority, 1),
                    _ => (0, 0),
                };
                (
                    prio,
                    enabled,
                    SimPathGroup {
                        paths: vec![d.clone()],
                        state: GroupState::Enabled,
                    },
                )
            })
            .collect();
        groups.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        groups.into_iter().map(|(_, _, g)| g).collect()
    }

    fn activate_first_group(&mut self, m: usize) {
        let first_usable = self.maps[m].groups.iter().position(|g| {
            g.paths.iter().any(|d| {
                self.path(d)
                    .is_some_and(|p| p.dm_state == Some(PathDmState::Active))
            })
        });
        if let Some(g) = first_usable {
            self.maps[m].groups[g].state = GroupState::Active;
        }
    }

    /// Reloads a map's table from its current paths (`reload_map`): groups
    /// re-sorted, no group current until the next I/O, one more load.
    pub(crate) fn reload(&mut self, m: usize) {
        let devs: Vec<String> = self.maps[m]
            .groups
            .iter()
            .flat_map(|g| g.paths.iter().cloned())
            .collect();
        self.maps[m].groups = self.group_paths(&devs);
        self.maps[m].stats.map_loads += 1;
        self.maps[m].action = MapAction::Nothing;
    }

    /// The path called `dev`.
    pub fn path(&self, dev: &str) -> Option<&SimPath> {
        self.path_by_dev(dev).map(|i| &self.paths[i])
    }

    /// Index of the path called `dev`.
    pub(crate) fn path_by_dev(&self, dev: &str) -> Option<usize> {
        match self.index.0.get(dev) {
            Some(&i) if self.paths.get(i).is_some_and(|p| p.dev == dev) => Some(i),
            _ => self.paths.iter().position(|p| p.dev == dev),
        }
    }

    /// Index of the path with this `major:minor`.
    pub(crate) fn path_by_devt(&self, devt: &str) -> Option<usize> {
        self.paths.iter().position(|p| p.dev_t == devt)
    }

    /// The map called `alias`.
    pub fn map(&self, alias: &str) -> Option<&SimMap> {
        self.maps.iter().find(|m| m.alias == alias)
    }

    /// `find_mp_by_alias`.
    pub(crate) fn map_by_alias(&self, alias: &str) -> Option<usize> {
        if alias.is_empty() {
            return None;
        }
        self.maps.iter().position(|m| m.alias == alias)
    }

    /// `find_mp_by_minor`.
    pub(crate) fn map_by_minor(&self, minor: i64) -> Option<usize> {
        self.maps.iter().position(|m| i64::from(m.minor) == minor)
    }

    /// The paths of a map, in table order.
    pub fn map_paths<'a>(&'a self, map: &'a SimMap) -> impl Iterator<Item = &'a SimPath> + 'a {
        map.groups
            .iter()
            .flat_map(|g| g.paths.iter())
            .filter_map(move |d| self.path(d))
    }

    /// `count_active_paths`: paths whose checker reports them usable.
    pub fn active_paths(&self, map: &SimMap) -> usize {
        self.map_paths(map)
            .filter(|p| p.checker_state.is_usable())
            .count()
    }

    /// `path_group_prio_update`: average priority of the usable paths,
    /// and whether all paths are marginal.
    pub fn group_priority(&self, group: &SimPathGroup) -> (i32, bool) {
        let mut sum = 0;
        let mut enabled = 0;
        let mut marginal = 0;
        let mut n = 0;
        for p in group.paths.iter().filter_map(|d| self.path(d)) {
            n += 1;
            if p.marginal {
                marginal += 1;
            }
            if p.checker_state.is_usable() {
                sum += p.priority;
                enabled += 1;
            }
        }
        let prio = if enabled > 0 { sum / enabled } else { 0 };
        (prio, n > 0 && marginal == n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_layout() {
        let s = State::new(2, 2);
        let devs: Vec<_> = s
            .paths
            .iter()
            .map(|p| (p.dev.as_str(), p.hcil.to_string(), p.priority))
            .collect();
        assert_eq!(
            devs,
            [
                ("sda", "0:0:0:0".to_string(), 50),
                ("sdb", "0:0:0:1".to_string(), 50),
                ("sdc", "1:0:0:0".to_string(), 10),
                ("sdd", "1:0:0:1".to_string(), 10)
            ]
        );
        let a = s.map("mpatha").unwrap();
        assert_eq!(a.minor, 0);
        assert_eq!(a.groups.len(), 2);
        assert_eq!(a.groups[0].paths, ["sda"]);
        assert_eq!(a.groups[0].state, GroupState::Active);
        assert_eq!(a.groups[1].paths, ["sdc"]);
        assert_eq!(s.map("mpathb").unwrap().wwid, "1Linux_scsi_debug_2001");
    }
}
