//! The value types of the state: paths, path groups, maps, and the
//! simulated hardware (disks and LUNs) behind them.

use mpd_proto::model::{CheckerState, GroupState, PathDmState, Queueing};

/// The state a path checker reported, as the daemon keeps it internally
/// (multipathd's `PATH_*` values). Several print as `undef`: what the
/// daemon prints (`%T`, JSON `chk_st`) is [`PathCheck::checker_state`],
/// spelt by `mpd_proto`'s [`CheckerState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathCheck {
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

impl PathCheck {
    /// The checker state `show paths` prints for it (`%T`); `None` for the
    /// states printed as `undef` (wild, unchecked, removed).
    pub fn checker_state(self) -> Option<CheckerState> {
        match self {
            PathCheck::Up => Some(CheckerState::Ready),
            PathCheck::Down => Some(CheckerState::Faulty),
            PathCheck::Shaky => Some(CheckerState::Shaky),
            PathCheck::Ghost => Some(CheckerState::Ghost),
            PathCheck::Pending => Some(CheckerState::Pending),
            PathCheck::Timeout => Some(CheckerState::Timeout),
            PathCheck::Delayed => Some(CheckerState::Delayed),
            PathCheck::Wild | PathCheck::Unchecked | PathCheck::Removed => None,
        }
    }

    /// How `show status` names it (`checker_state_name`): the
    /// [`CheckerState::status_name`] of its checker state, or its own word
    /// for the states `%T` prints as `undef`.
    pub fn status_name(self) -> String {
        match self {
            PathCheck::Wild => "wild".to_owned(),
            PathCheck::Unchecked => "unchecked".to_owned(),
            PathCheck::Removed => "removed".to_owned(),
            other => other
                .checker_state()
                .map(|c| c.status_name().to_owned())
                .unwrap_or_default(),
        }
    }

    /// Every state, in the daemon's numeric order.
    pub const ALL: [PathCheck; 10] = [
        PathCheck::Wild,
        PathCheck::Unchecked,
        PathCheck::Down,
        PathCheck::Up,
        PathCheck::Shaky,
        PathCheck::Ghost,
        PathCheck::Pending,
        PathCheck::Timeout,
        PathCheck::Removed,
        PathCheck::Delayed,
    ];

    /// Up or ghost: the path counts as usable (`count_active_paths`, as
    /// [`CheckerState::is_usable`]).
    pub fn is_usable(self) -> bool {
        self.checker_state().is_some_and(|c| c.is_usable())
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
pub struct SimMapStats {
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
pub struct SimPath {
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
    /// State in the map's device-mapper table (`%t`); `None` (printed
    /// `undef`) while the path belongs to no map.
    pub dm_state: Option<PathDmState>,
    /// Last checker result.
    pub checker_state: PathCheck,
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
pub struct SimPathGroup {
    /// The paths, by device name.
    pub paths: Vec<String>,
    /// The group's state in the kernel (`%t`).
    pub state: GroupState,
}

/// A multipath map the daemon monitors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMap {
    /// Name (user-friendly alias), e.g. `mpatha`.
    pub alias: String,
    /// WWID (the dm uuid without its `mpath-` prefix).
    pub wwid: String,
    /// Device-mapper minor number (`dm-N`).
    pub minor: u32,
    /// Path groups in table order.
    pub groups: Vec<SimPathGroup>,
    /// Suspended with `suspend map`.
    pub suspended: bool,
    /// Queueing mode (`%Q`): `None` (printed `-`) while `no_path_retry`
    /// is not configured, as in the simulated set-up; `Some(Off)` after
    /// `disablequeueing`.
    pub queueing: Option<Queueing>,
    /// Last action.
    pub action: MapAction,
    /// Counters.
    pub stats: SimMapStats,
    /// Persistent-reservation flag (`setprstatus`).
    pub prflag: bool,
    /// Whether the map holds the reservation (`setprhold`, 0.13+).
    pub prhold: bool,
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
