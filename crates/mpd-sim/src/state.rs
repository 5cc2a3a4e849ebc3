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

use std::collections::HashMap;

use crate::version::Version;

/// The daemon's polling interval (seconds between checks of a path that
/// just changed state).
pub const POLLING_INTERVAL: u32 = 2;
/// The daemon's `max_polling_interval` (seconds between checks of a stable
/// path).
pub const MAX_POLLING_INTERVAL: u32 = 8;

/// The state a path checker reported (multipathd's `PATH_*` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckerState {
    /// `PATH_WILD`: never checked.
    Wild,
    /// `PATH_UNCHECKED`.
    Unchecked,
    /// `PATH_DOWN`, shown as `faulty`.
    Down,
    /// `PATH_UP`, shown as `ready`.
    Up,
    /// `PATH_SHAKY`.
    Shaky,
    /// `PATH_GHOST` (standby path).
    Ghost,
    /// `PATH_PENDING`, shown as `i/o pending` (asynchronous check running).
    Pending,
    /// `PATH_TIMEOUT`, shown as `i/o timeout`.
    Timeout,
    /// `PATH_REMOVED`.
    Removed,
    /// `PATH_DELAYED`.
    Delayed,
}

impl CheckerState {
    /// How `show paths` prints it (`%T`).
    pub fn display_name(self) -> &'static str {
        match self {
            CheckerState::Up => "ready",
            CheckerState::Down => "faulty",
            CheckerState::Shaky => "shaky",
            CheckerState::Ghost => "ghost",
            CheckerState::Pending => "i/o pending",
            CheckerState::Timeout => "i/o timeout",
            CheckerState::Delayed => "delayed",
            _ => "undef",
        }
    }

    /// How `show status` names it (`checker_state_name`).
    pub fn status_name(self) -> &'static str {
        match self {
            CheckerState::Wild => "wild",
            CheckerState::Unchecked => "unchecked",
            CheckerState::Down => "down",
            CheckerState::Up => "up",
            CheckerState::Shaky => "shaky",
            CheckerState::Ghost => "ghost",
            CheckerState::Pending => "pending",
            CheckerState::Timeout => "timeout",
            CheckerState::Removed => "removed",
            CheckerState::Delayed => "delayed",
        }
    }

    /// Every state, in the daemon's numeric order.
    pub const ALL: [CheckerState; 10] = [
        CheckerState::Wild,
        CheckerState::Unchecked,
        CheckerState::Down,
        CheckerState::Up,
        CheckerState::Shaky,
        CheckerState::Ghost,
        CheckerState::Pending,
        CheckerState::Timeout,
        CheckerState::Removed,
        CheckerState::Delayed,
    ];

    /// Up or ghost: the path counts as usable (`count_active_paths`).
    pub fn is_usable(self) -> bool {
        matches!(self, CheckerState::Up | CheckerState::Ghost)
    }
}

/// The path's state in the device-mapper table (`%t` of a path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DmPathState {
    /// `active`.
    Active,
    /// `failed`.
    Failed,
    /// `undef` (the path belongs to no map).
    Undef,
}

impl DmPathState {
    /// How it is printed.
    pub fn name(self) -> &'static str {
        match self {
            DmPathState::Active => "active",
            DmPathState::Failed => "failed",
            DmPathState::Undef => "undef",
        }
    }
}

/// A path group's state in the device-mapper status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupState {
    /// The group I/O currently goes to.
    Active,
    /// Usable, not current.
    Enabled,
    /// Bypassed.
    Disabled,
}

impl GroupState {
    /// How it is printed.
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Active => "active",
            GroupState::Enabled => "enabled",
            GroupState::Disabled => "disabled",
        }
    }
}

/// What the daemon last did to a map (`%A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapAction {
    /// Nothing pending (printed as an empty string).
    Nothing,
    /// The map was created by the daemon (`create`).
    Create,
}

/// Map statistics (`show maps stats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MapStats {
    /// Path failures seen (`path_faults`).
    pub path_faults: u32,
    /// Path group switches done by the daemon (`switch_grp`).
    pub switch_grp: u32,
    /// Table loads (`map_loads`).
    pub map_loads: u32,
    /// Seconds spent queueing (`total_q_time`).
    pub total_q_time: u32,
    /// Queueing timeouts (`q_timeouts`).
    pub q_timeouts: u32,
    /// Times the map lost all paths (`failures`, `%x`).
    pub map_failures: u32,
}

/// A SCSI address (host, channel, target, LUN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hcil {
    /// SCSI host number.
    pub host: u32,
    /// Channel.
    pub channel: u32,
    /// Target id.
    pub target: u32,
    /// Logical unit number.
    pub lun: u64,
}

impl std::fmt::Display for Hcil {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}:{}",
            self.host, self.channel, self.target, self.lun
        )
    }
}

/// A path as the daemon knows it (an entry of its path vector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Kernel device name, e.g. `sda`.
    pub dev: String,
    /// `major:minor`, e.g. `8:0`.
    pub dev_t: String,
    /// SCSI address.
    pub hcil: Hcil,
    /// WWID of the LUN (shared by all paths of a map).
    pub wwid: String,
    /// Unit serial number.
    pub serial: String,
    /// Path priority (ALUA: 50 optimized, 10 non-optimized).
    pub priority: i32,
    /// ALUA target port group id.
    pub tpg: u32,
    /// Alias of the map the path belongs to; `None` for an orphan path.
    pub map: Option<String>,
    /// State in the map's device-mapper table.
    pub dm_state: DmPathState,
    /// Last checker result.
    pub checker_state: CheckerState,
    /// False after `fail path` until `reinstate path`: the checker leaves
    /// the path alone.
    pub checker_enabled: bool,
    /// The SCSI device is offline (`dev_st`).
    pub offline: bool,
    /// Marked marginal (`setmarginal path`).
    pub marginal: bool,
    /// Seconds until the next check.
    pub tick: u32,
    /// Seconds between checks.
    pub checkint: u32,
}

/// A path group of a map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathGroup {
    /// The paths, by device name.
    pub paths: Vec<String>,
    /// The group's state in the kernel.
    pub state: GroupState,
}

/// Queueing policy of a map (`%Q`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queueing {
    /// `no_path_retry` not configured: printed `-`.
    Undef,
    /// Disabled by `disablequeueing`: printed `off`.
    Off,
}

/// A multipath map the daemon monitors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map {
    /// Name (user-friendly alias), e.g. `mpatha`.
    pub alias: String,
    /// WWID (the dm uuid without its `mpath-` prefix).
    pub wwid: String,
    /// Device-mapper minor number (`dm-N`).
    pub minor: u32,
    /// Path groups in table order.
    pub groups: Vec<PathGroup>,
    /// Suspended with `suspend map`.
    pub suspended: bool,
    /// Queueing policy.
    pub queueing: Queueing,
    /// Last action.
    pub action: MapAction,
    /// Counters.
    pub stats: MapStats,
    /// Persistent-reservation flag (`setprstatus`).
    pub prflag: bool,
    /// Persistent-reservation key and APTPL flag (`setprkey`).
    pub prkey: Option<(u64, bool)>,
    /// Size in 512-byte sectors.
    pub size_sectors: u64,
    /// LUN index (position in the simulated hardware).
    pub lun: usize,
    /// The map is open (mounted, or held by another device such as a
    /// partition or LVM): device-mapper's open count is not zero, so `del
    /// map` and `del maps` cannot flush it (`DM_FLUSH_BUSY` in 0.10+). Set
    /// by the test (`SimHandle::set_map_in_use`), never by a command; kept
    /// across `reconfigure`, which reloads the existing device.
    pub in_use: bool,
}

/// A simulated SCSI disk (the hardware, known whether or not the daemon
/// monitors it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disk {
    /// Kernel name.
    pub dev: String,
    /// `major:minor`.
    pub dev_t: String,
    /// SCSI address.
    pub hcil: Hcil,
    /// LUN index, i.e. which map it belongs to.
    pub lun: usize,
    /// Priority.
    pub priority: i32,
    /// ALUA target port group.
    pub tpg: u32,
    /// The device answers I/O (a path checker would report it up).
    pub healthy: bool,
}

/// A simulated logical unit: one per map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lun {
    /// The alias the bindings file gives it.
    pub alias: String,
    /// WWID.
    pub wwid: String,
    /// Unit serial number.
    pub serial: String,
}

/// How `queue_without_daemon` is set (`forcequeueing daemon`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueWithoutDaemon {
    /// `no` (configured).
    No,
    /// `forced` by `forcequeueing daemon`.
    Forced,
}

/// Everything the simulated daemon knows. Cloning it gives a consistent
/// snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The monitored maps (`mpvec`), in the daemon's order.
    pub maps: Vec<Map>,
    /// The monitored paths (`pathvec`), in the daemon's order.
    pub paths: Vec<Path>,
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

/// Major numbers of the sd driver's first 256 disks.
const SD_MAJORS: [u32; 16] = [
    8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135,
];

/// `sda`, …, `sdz`, `sdaa`, … (the kernel's `sd_format_disk_name`).
pub fn disk_name(index: usize) -> String {
    format!("sd{}", letters(index))
}

/// `mpatha`, …, `mpathz`, `mpathaa`, … (user_friendly_names).
pub fn map_alias(index: usize) -> String {
    format!("mpath{}", letters(index))
}

/// Bijective base-26 letters: 0 → a, 25 → z, 26 → aa.
fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn disk_dev_t(index: usize) -> String {
    if index < 256 {
        format!("{}:{}", SD_MAJORS[index / 16], (index % 16) * 16)
    } else {
        // Beyond 256 disks the kernel hands out extended dev_t (blkext).
        format!("259:{}", index - 256)
    }
}

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
    fn fresh_path(&self, d: usize) -> Path {
        let disk = &self.disks[d];
        let lun = &self.luns[disk.lun];
        let up = disk.healthy;
        Path {
            dev: disk.dev.clone(),
            dev_t: disk.dev_t.clone(),
            hcil: disk.hcil,
            wwid: lun.wwid.clone(),
            serial: lun.serial.clone(),
            priority: disk.priority,
            tpg: disk.tpg,
            map: None,
            dm_state: DmPathState::Undef,
            checker_state: if up {
                CheckerState::Up
            } else {
                CheckerState::Down
            },
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
                DmPathState::Active
            } else {
                DmPathState::Failed
            };
        }
        let map = Map {
            alias,
            wwid,
            minor,
            groups: Vec::new(),
            suspended: false,
            queueing: Queueing::Undef,
            action,
            stats: MapStats {
                map_loads: 1,
                ..MapStats::default()
            },
            prflag: false,
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
    fn group_paths(&self, devs: &[String]) -> Vec<PathGroup> {
        let mut groups: Vec<(i32, usize, PathGroup)> = devs
            .iter()
            .map(|d| {
                let (prio, enabled) = match self.path(d) {
                    Some(p) if p.checker_state.is_usable() => (p.priority, 1),
                    _ => (0, 0),
                };
                (
                    prio,
                    enabled,
                    PathGroup {
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
                    .is_some_and(|p| p.dm_state == DmPathState::Active)
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
    pub fn path(&self, dev: &str) -> Option<&Path> {
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
    pub fn map(&self, alias: &str) -> Option<&Map> {
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
    pub fn map_paths<'a>(&'a self, map: &'a Map) -> impl Iterator<Item = &'a Path> + 'a {
        map.groups
            .iter()
            .flat_map(|g| g.paths.iter())
            .filter_map(move |d| self.path(d))
    }

    /// `count_active_paths`: paths whose checker reports them usable.
    pub fn active_paths(&self, map: &Map) -> usize {
        self.map_paths(map)
            .filter(|p| p.checker_state.is_usable())
            .count()
    }

    /// `path_group_prio_update`: average priority of the usable paths,
    /// and whether all paths are marginal.
    pub fn group_priority(&self, group: &PathGroup) -> (i32, bool) {
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

    // ----- commands -------------------------------------------------------

    /// `fail path`: the kernel fails the path, the daemon sees the event
    /// and stops checking it until `reinstate path`.
    pub(crate) fn fail_path(&mut self, i: usize) -> Change {
        let Some(alias) = self.paths[i].map.clone() else {
            return Change::Fail;
        };
        let p = &mut self.paths[i];
        p.checker_enabled = false;
        p.dm_state = DmPathState::Failed;
        if p.checker_state != CheckerState::Down {
            p.checker_state = CheckerState::Down;
            if let Some(m) = self.map_by_alias(&alias) {
                self.maps[m].stats.path_faults += 1;
            }
        }
        let p = &mut self.paths[i];
        p.tick = p.tick.min(POLLING_INTERVAL);
        Change::Ok
    }

    /// `reinstate path`: the checker is enabled again; the path comes back
    /// at its next check (at once with `immediate`).
    pub(crate) fn reinstate_path(&mut self, i: usize, version: Version, immediate: bool) -> Change {
        if self.paths[i].map.is_none() {
            return Change::Fail;
        }
        let p = &mut self.paths[i];
        p.checker_enabled = true;
        if version == Version::V0_11_1 {
            p.tick = 1;
        }
        if immediate {
            self.check_path(i);
        }
        Change::Ok
    }

    /// Runs the path checker on path `i` now.
    fn check_path(&mut self, i: usize) {
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
            let changed = p.checker_state != CheckerState::Up || p.dm_state != DmPathState::Active;
            p.checker_state = CheckerState::Up;
            p.dm_state = DmPathState::Active;
            if changed {
                p.checkint = POLLING_INTERVAL;
            } else if p.checkint < MAX_POLLING_INTERVAL / 2 {
                p.checkint *= 2;
            } else {
                p.checkint = MAX_POLLING_INTERVAL;
            }
        } else {
            let was_down = p.checker_state == CheckerState::Down;
            p.checker_state = CheckerState::Down;
            p.dm_state = DmPathState::Failed;
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
            p.checker_state = CheckerState::Pending;
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

    fn check_path_unmapped(&mut self, i: usize) {
        let healthy = self
            .disks
            .iter()
            .find(|d| d.dev == self.paths[i].dev)
            .is_none_or(|d| d.healthy);
        self.paths[i].checker_state = if healthy {
            CheckerState::Up
        } else {
            CheckerState::Down
        };
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
                p.dm_state = if p.checker_state == CheckerState::Down {
                    DmPathState::Failed
                } else {
                    DmPathState::Active
                };
                let dev = p.dev.clone();
                self.maps[m].groups.push(PathGroup {
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
                if pending == CheckerState::Pending {
                    self.paths[i].dm_state = DmPathState::Active;
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
                p.dm_state = DmPathState::Undef;
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
        self.maps[m].queueing = Queueing::Off;
    }

    /// `restorequeueing map`: back to the configured policy (none).
    pub(crate) fn restore_queueing(&mut self, m: usize) {
        self.maps[m].queueing = Queueing::Undef;
    }

    /// `reset map(s) stats`.
    pub(crate) fn reset_stats(&mut self, m: usize) {
        self.maps[m].stats = MapStats::default();
    }
}

/// The default device-node blacklist of the recorded set-up:
/// `devnode "!^(sd[a-z]|dasd[a-z]|nvme[0-9])"`.
pub fn devnode_allowed(dev: &str) -> bool {
    let b = dev.as_bytes();
    let lower = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_lowercase());
    (dev.starts_with("sd") && lower(2))
        || (dev.starts_with("dasd") && lower(4))
        || (dev.starts_with("nvme") && b.get(4).is_some_and(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(disk_name(0), "sda");
        assert_eq!(disk_name(25), "sdz");
        assert_eq!(disk_name(26), "sdaa");
        assert_eq!(disk_name(27), "sdab");
        assert_eq!(disk_name(701), "sdzz");
        assert_eq!(disk_name(702), "sdaaa");
        assert_eq!(map_alias(1), "mpathb");
        assert_eq!(disk_dev_t(0), "8:0");
        assert_eq!(disk_dev_t(3), "8:48");
        assert_eq!(disk_dev_t(16), "65:0");
        assert_eq!(disk_dev_t(256), "259:0");
    }

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

    #[test]
    fn blacklist() {
        assert!(devnode_allowed("sda"));
        assert!(devnode_allowed("sdzz"));
        assert!(devnode_allowed("nvme0n1"));
        assert!(!devnode_allowed("dm-0"));
        assert!(!devnode_allowed("nosuchpath"));
        assert!(!devnode_allowed("sd"));
        assert!(!devnode_allowed("sdA"));
    }
}
