//! The path checker: every second of the daemon's checker loop, the paths
//! whose timer ran out are checked and their states follow the health of
//! their disks; `reinstate path`, `add path` and health changes schedule
//! checks.

use mpd_proto::model::PathDmState;

use super::{PathCheck, State};

/// The daemon's polling interval (seconds between checks of a path that
/// just changed state).
pub const POLLING_INTERVAL: u32 = 2;
/// The daemon's `max_polling_interval` (seconds between checks of a stable
/// path).
pub const MAX_POLLING_INTERVAL: u32 = 8;

impl State {
    /// Runs the path checker on path `i` now.
    pub(super) fn check_path(&mut self, i: usize) {
        let Some(alias) = self.paths[i].map.clone() else {
            return;
        };
        if !self.paths[i].checker_enabled {
            return;
        }
        let healthy = self
            .disks
            .iter()
            .find(|d| d.dev == self.paths[i].dev)
            .is_none_or(|d| d.healthy);
        let m = self.map_by_alias(&alias);
        let p = &mut self.paths[i];
        if healthy {
            let changed =
                p.checker_state != PathCheck::Up || p.dm_state != Some(PathDmState::Active);
            p.checker_state = PathCheck::Up;
            p.dm_state = Some(PathDmState::Active);
            if changed {
                p.checkint = POLLING_INTERVAL;
            } else if p.checkint < MAX_POLLING_INTERVAL / 2 {
                p.checkint *= 2;
            } else {
                p.checkint = MAX_POLLING_INTERVAL;
            }
        } else {
            let was_down = p.checker_state == PathCheck::Down;
            p.checker_state = PathCheck::Down;
            p.dm_state = Some(PathDmState::Failed);
            p.checkint = POLLING_INTERVAL;
            if !was_down {
                if let Some(m) = m {
                    self.maps[m].stats.path_faults += 1;
                }
            }
        }
        let p = &mut self.paths[i];
        p.tick = p.checkint;
    }

    /// One second of the daemon's checker loop: paths whose timer runs out
    /// are checked.
    pub(crate) fn checker_second(&mut self) {
        for i in 0..self.paths.len() {
            let p = &mut self.paths[i];
            if p.map.is_none() {
                continue;
            }
            if p.tick > 1 {
                p.tick -= 1;
                continue;
            }
            if !p.checker_enabled {
                p.tick = 1;
                continue;
            }
            self.check_path(i);
        }
    }

    /// Checks every path now, whatever its timer says.
    pub(crate) fn checker_pass(&mut self) {
        for i in 0..self.paths.len() {
            self.check_path(i);
        }
    }

    /// Sets the health of the disk called `dev` (a cable pull or its
    /// repair). Returns false if there is no such disk.
    pub(crate) fn set_disk_health(&mut self, dev: &str, healthy: bool, immediate: bool) -> bool {
        let Some(d) = self.disks.iter_mut().find(|d| d.dev == dev) else {
            return false;
        };
        d.healthy = healthy;
        if let Some(i) = self.path_by_dev(dev) {
            if immediate {
                self.check_path(i);
            } else {
                let p = &mut self.paths[i];
                p.tick = p.tick.min(1);
            }
        }
        true
    }

    pub(super) fn check_path_unmapped(&mut self, i: usize) {
        let healthy = self
            .disks
            .iter()
            .find(|d| d.dev == self.paths[i].dev)
            .is_none_or(|d| d.healthy);
        self.paths[i].checker_state = if healthy {
            PathCheck::Up
        } else {
            PathCheck::Down
        };
    }
}
