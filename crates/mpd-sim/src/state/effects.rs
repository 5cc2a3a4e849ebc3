//! What the commands do to the state: `fail`/`reinstate path`, `add`/`del
//! path` and `map`, `reconfigure`, `switchgroup`, marginal paths, queueing,
//! statistics. (`suspend`/`resume` and the `pr` commands only set a field
//! of the map, which the command layer does itself.)

use mpd_proto::model::{GroupState, PathDmState, Queueing};

use super::{
    devnode_allowed, MapAction, PathCheck, SimMapStats, SimPathGroup, State, POLLING_INTERVAL,
};
use crate::version::Version;

/// What a state change reported, mapped to the daemon's reply by the
/// command layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Done (`ok`).
    Ok,
    /// Refused (`fail`).
    Fail,
    /// `add path` of a device the blacklist excludes.
    Blacklisted,
    /// The map is open and cannot be flushed (`DM_FLUSH_BUSY`).
    Busy,
}

impl State {
    /// `fail path`: the kernel fails the path, the daemon sees the event
    /// and stops checking it until `reinstate path`.
    pub(crate) fn fail_path(&mut self, i: usize) -> Change {
        let Some(alias) = self.paths[i].map.clone() else {
            return Change::Fail;
        };
        let p = &mut self.paths[i];
        p.checker_enabled = false;
        p.dm_state = Some(PathDmState::Failed);
        if p.checker_state != PathCheck::Down {
            p.checker_state = PathCheck::Down;
            if let Some(m) = self.map_by_alias(&alias) {
                self.maps[m].stats.path_faults += 1;
            }
        }
        let p = &mut self.paths[i];
        p.tick = p.tick.min(POLLING_INTERVAL);
        Change::Ok
    }

    /// `reinstate path`: the checker is enabled again; the path comes back
    /// at its next check (at once with `immediate`). 0.12+ show it
    /// unchecked (`undef`) until then.
    pub(crate) fn reinstate_path(&mut self, i: usize, version: Version, immediate: bool) -> Change {
        if self.paths[i].map.is_none() {
            return Change::Fail;
        }
        let p = &mut self.paths[i];
        p.checker_enabled = true;
        if version.is_0_11_plus() {
            p.tick = 1;
        }
        if version.reinstate_unchecks() {
            p.checker_state = PathCheck::Unchecked;
        }
        if immediate {
            self.check_path(i);
        }
        Change::Ok
    }

    /// `del path`: the path leaves its map (reloaded, or removed with its
    /// last path) and the path vector.
    pub(crate) fn del_path(&mut self, i: usize) -> Change {
        let p = self.paths.remove(i);
        self.reindex();
        if let Some(alias) = p.map {
            if let Some(m) = self.map_by_alias(&alias) {
                for g in &mut self.maps[m].groups {
                    g.paths.retain(|d| *d != p.dev);
                }
                self.maps[m].groups.retain(|g| !g.paths.is_empty());
                if self.maps[m].groups.is_empty() {
                    self.maps.remove(m);
                } else {
                    self.reload(m);
                }
            }
        }
        Change::Ok
    }

    /// `add path`: `dev` must pass the blacklist (`devnode
    /// "!^(sd[a-z]|dasd[a-z]|nvme[0-9])"`) and exist.
    pub(crate) fn add_path(&mut self, dev: &str, immediate: bool) -> Change {
        if !devnode_allowed(dev) {
            return Change::Blacklisted;
        }
        if let Some(i) = self.path_by_dev(dev) {
            return if self.paths[i].map.is_some() {
                Change::Ok
            } else {
                self.join_map(i, immediate)
            };
        }
        let Some(d) = self.disks.iter().position(|d| d.dev == dev) else {
            return Change::Fail;
        };
        let mut p = self.fresh_path(d);
        // The asynchronous TUR check has not finished yet.
        if !immediate {
            p.checker_state = PathCheck::Pending;
        }
        p.tick = 1;
        p.checkint = POLLING_INTERVAL;
        self.index.0.insert(p.dev.clone(), self.paths.len());
        self.paths.push(p);
        let i = self.paths.len() - 1;
        if immediate {
            self.check_path_unmapped(i);
        }
        self.join_map(i, immediate)
    }

    /// Puts an unmapped path into the map of its WWID (reloading it), or
    /// creates that map.
    fn join_map(&mut self, i: usize, _immediate: bool) -> Change {
        let wwid = self.paths[i].wwid.clone();
        let Some(lun) = self.lun_of_wwid(&wwid) else {
            return Change::Fail;
        };
        match self.maps.iter().position(|m| m.wwid == wwid) {
            Some(m) => {
                let alias = self.maps[m].alias.clone();
                let p = &mut self.paths[i];
                p.map = Some(alias);
                p.dm_state = if p.checker_state == PathCheck::Down {
                    Some(PathDmState::Failed)
                } else {
                    Some(PathDmState::Active)
                };
                let dev = p.dev.clone();
                self.maps[m].groups.push(SimPathGroup {
                    paths: vec![dev],
                    state: GroupState::Enabled,
                });
                self.reload(m);
                Change::Ok
            }
            None => {
                let pending = self.paths[i].checker_state;
                let m = self.create_map(lun, MapAction::Create);
                // A pending path is not failed in the new table.
                if pending == PathCheck::Pending {
                    self.paths[i].dm_state = Some(PathDmState::Active);
                    if let Some(m) = m {
                        if !self.maps[m]
                            .groups
                            .iter()
                            .any(|g| g.state == GroupState::Active)
                        {
                            self.activate_first_group(m);
                        }
                    }
                }
                if m.is_some() {
                    Change::Ok
                } else {
                    Change::Fail
                }
            }
        }
    }

    /// `del map`: the map is flushed; its paths stay, as orphans. A map in
    /// use is left as it is (the daemon checks the open count before it
    /// suspends or removes anything).
    pub(crate) fn del_map(&mut self, m: usize) -> Change {
        if self.maps[m].in_use {
            return Change::Busy;
        }
        let map = self.maps.remove(m);
        for p in &mut self.paths {
            if p.map.as_deref() == Some(map.alias.as_str()) {
                p.map = None;
                p.dm_state = None;
                p.checker_enabled = true;
            }
        }
        Change::Ok
    }

    /// `add map` in 0.9+: starts monitoring the map, re-creating it from its
    /// paths when device-mapper no longer has it. `name` is an alias from
    /// the bindings, a WWID or `dm-N`.
    pub(crate) fn add_map(&mut self, name: &str, version: Version) -> Change {
        if self.map_by_alias(name).is_some() || self.maps.iter().any(|m| m.wwid == name) {
            return Change::Ok;
        }
        if version.is_legacy() {
            // 0.8 only takes maps device-mapper still has; the simulator's
            // device-mapper holds exactly the monitored maps.
            return Change::Fail;
        }
        let Some(lun) = self
            .luns
            .iter()
            .position(|l| l.alias == name || l.wwid == name)
        else {
            return Change::Fail;
        };
        // Re-initialise the orphaned paths of that LUN.
        let wwid = self.luns[lun].wwid.clone();
        for i in 0..self.paths.len() {
            if self.paths[i].wwid == wwid && self.paths[i].map.is_none() {
                self.check_path_unmapped(i);
                self.paths[i].checker_enabled = true;
            }
        }
        match self.create_map(lun, MapAction::Create) {
            Some(_) => Change::Ok,
            None => Change::Fail,
        }
    }

    /// `reconfigure`: the daemon drops its state and discovers everything
    /// again (deleted paths and maps come back, counters restart).
    pub(crate) fn reconfigure(&mut self) {
        let before = std::mem::take(&mut self.maps);
        let qwd = self.queue_without_daemon;
        self.discover_all();
        self.queue_without_daemon = qwd;
        for m in &mut self.maps {
            // The existing tables are reloaded; no group is current until
            // the next I/O.
            m.action = MapAction::Nothing;
            for g in &mut m.groups {
                g.state = GroupState::Enabled;
            }
            if let Some(old) = before.iter().find(|old| old.wwid == m.wwid) {
                m.prkey = old.prkey;
                // The device stays open: its holders do not notice.
                m.in_use = old.in_use;
            }
        }
    }

    /// Marks the map named `alias` as open (or no longer open). Returns
    /// false if the daemon monitors no such map.
    pub fn set_map_in_use(&mut self, alias: &str, in_use: bool) -> bool {
        match self.map_by_alias(alias) {
            Some(m) => {
                self.maps[m].in_use = in_use;
                true
            }
            None => false,
        }
    }

    /// `switchgroup map M group N`: the kernel switches at the next I/O; no
    /// group is current until then. `group` is `atoi` of the argument.
    pub(crate) fn switch_group(&mut self, m: usize, group: i64) -> Change {
        let n = self.maps[m].groups.len() as i64;
        if group < 1 || group > n {
            return Change::Fail;
        }
        for g in &mut self.maps[m].groups {
            g.state = GroupState::Enabled;
        }
        Change::Ok
    }

    /// `setmarginal` / `unsetmarginal path`.
    pub(crate) fn set_marginal(&mut self, i: usize, marginal: bool) -> Change {
        let Some(alias) = self.paths[i].map.clone() else {
            return Change::Fail;
        };
        self.paths[i].marginal = marginal;
        if let Some(m) = self.map_by_alias(&alias) {
            self.reload(m);
        }
        Change::Ok
    }

    /// `unsetmarginal map`.
    pub(crate) fn unset_marginal_map(&mut self, m: usize) -> Change {
        let devs: Vec<String> = self.maps[m]
            .groups
            .iter()
            .flat_map(|g| g.paths.clone())
            .collect();
        for d in devs {
            if let Some(i) = self.path_by_dev(&d) {
                self.paths[i].marginal = false;
            }
        }
        self.reload(m);
        Change::Ok
    }

    /// `disablequeueing map`.
    pub(crate) fn disable_queueing(&mut self, m: usize) {
        if self.active_paths(&self.maps[m]) == 0 {
            self.maps[m].stats.map_failures += 1;
        }
        self.maps[m].queueing = Some(Queueing::Off);
    }

    /// `restorequeueing map`: back to the configured policy (none).
    pub(crate) fn restore_queueing(&mut self, m: usize) {
        self.maps[m].queueing = None;
    }

    /// `reset map(s) stats`.
    pub(crate) fn reset_stats(&mut self, m: usize) {
        self.maps[m].stats = SimMapStats::default();
    }
}
