//! The wildcards of each release (`%n`, `%d`, …): their headers and how
//! each prints a value from the state.

use mpd_proto::model::{CheckerState, DevState, MapDmState, MarginalState, PathDmState};
use std::borrow::Cow;

use crate::state::{SimMap, SimPath, SimPathGroup, State};
use crate::version::Version;

/// One wildcard: its letter and its column header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub wc: u8,
    pub header: &'static str,
}

const fn f(wc: u8, header: &'static str) -> Field {
    Field { wc, header }
}

const MAP_0_9: [Field; 24] = [
    f(b'n', "name"),
    f(b'w', "uuid"),
    f(b'd', "sysfs"),
    f(b'F', "failback"),
    f(b'Q', "queueing"),
    f(b'N', "paths"),
    f(b'r', "write_prot"),
    f(b't', "dm-st"),
    f(b'S', "size"),
    f(b'f', "features"),
    f(b'x', "failures"),
    f(b'h', "hwhandler"),
    f(b'A', "action"),
    f(b'0', "path_faults"),
    f(b'1', "switch_grp"),
    f(b'2', "map_loads"),
    f(b'3', "total_q_time"),
    f(b'4', "q_timeouts"),
    f(b's', "vend/prod/rev"),
    f(b'v', "vend"),
    f(b'p', "prod"),
    f(b'e', "rev"),
    f(b'G', "foreign"),
    f(b'g', "vpd page data"),
];

const MAP_0_11: [Field; 25] = [
    f(b'n', "name"),
    f(b'w', "uuid"),
    f(b'd', "sysfs"),
    f(b'F', "failback"),
    f(b'Q', "queueing"),
    f(b'N', "paths"),
    f(b'r', "write_prot"),
    f(b't', "dm-st"),
    f(b'S', "size"),
    f(b'f', "features"),
    f(b'x', "failures"),
    f(b'h', "hwhandler"),
    f(b'A', "action"),
    f(b'0', "path_faults"),
    f(b'1', "switch_grp"),
    f(b'2', "map_loads"),
    f(b'3', "total_q_time"),
    f(b'4', "q_timeouts"),
    f(b's', "vend/prod"),
    f(b'v', "vend"),
    f(b'p', "prod"),
    f(b'e', "rev"),
    f(b'G', "foreign"),
    f(b'g', "vpd page data"),
    f(b'k', "max_sectors_kb"),
];

const PATH_0_8: [Field; 24] = [
    f(b'w', "uuid"),
    f(b'i', "hcil"),
    f(b'd', "dev"),
    f(b'D', "dev_t"),
    f(b't', "dm_st"),
    f(b'o', "dev_st"),
    f(b'T', "chk_st"),
    f(b's', "vend/prod/rev"),
    f(b'c', "checker"),
    f(b'C', "next_check"),
    f(b'p', "pri"),
    f(b'S', "size"),
    f(b'z', "serial"),
    f(b'M', "marginal_st"),
    f(b'm', "multipath"),
    f(b'N', "host WWNN"),
    f(b'n', "target WWNN"),
    f(b'R', "host WWPN"),
    f(b'r', "target WWPN"),
    f(b'a', "host adapter"),
    f(b'G', "foreign"),
    f(b'g', "vpd page data"),
    f(b'0', "failures"),
    f(b'P', "protocol"),
];

const PATH_0_9: [Field; 26] = {
    let mut out = [f(b'I', "init_st"); 26];
    let mut i = 0;
    while i < 24 {
        out[i] = PATH_0_8[i];
        i += 1;
    }
    out[25] = f(b'L', "LUN hex");
    out
};

const PATH_0_11: [Field; 28] = {
    let mut out = [f(b'A', "TPG"); 28];
    let mut i = 0;
    while i < 26 {
        out[i] = PATH_0_9[i];
        i += 1;
    }
    out[27] = f(b'k', "max_sectors_kb");
    out
};

/// Path group wildcards (all releases).
pub(crate) const GROUP_FIELDS: [Field; 4] = [
    f(b's', "selector"),
    f(b'p', "pri"),
    f(b't', "dm_st"),
    f(b'M', "marginal_st"),
];

/// The map wildcards of a release, in `show wildcards` order.
pub(crate) fn map_fields(v: Version) -> &'static [Field] {
    match v {
        Version::V0_8_5 | Version::V0_9_4 => &MAP_0_9,
        Version::V0_11_1 | Version::V0_15_1 => &MAP_0_11,
    }
}

/// The path wildcards of a release, in `show wildcards` order.
pub(crate) fn path_fields(v: Version) -> &'static [Field] {
    match v {
        Version::V0_8_5 => &PATH_0_8,
        Version::V0_9_4 => &PATH_0_9,
        Version::V0_11_1 | Version::V0_15_1 => &PATH_0_11,
    }
}

/// Index of a wildcard letter in a table.
pub(crate) fn lookup(fields: &[Field], wc: u8) -> Option<usize> {
    fields.iter().position(|f| f.wc == wc)
}

const VENDOR: &str = "Linux";
const PRODUCT: &str = "scsi_debug";
const REVISION: &str = "0191";
const SELECTOR: &str = "service-time 0";
const FEATURES: &str = "0";
const HWHANDLER: &str = "1 alua";
const CHECKER: &str = "tur";
/// `queue/max_sectors_kb` of a `scsi_debug` disk and its map (not in the
/// recordings: the kernel default for this device, 512).
const MAX_SECTORS_KB: &str = "512";
/// Size of each simulated LUN in 512-byte sectors (16 MiB).
pub(crate) const LUN_SECTORS: u64 = 16 * 1024 * 2;

/// `snprint_size`: KiB, MiB, … with one decimal below 10.
pub(crate) fn size_text(sectors: u64) -> String {
    let mut s = (sectors >> 1) as f32;
    let units = ['K', 'M', 'G', 'T', 'P'];
    let mut u = 0;
    while s >= 1024.0 && u < units.len() - 1 {
        s /= 1024.0;
        u += 1;
    }
    let prec = usize::from(s < 10.0);
    format!("{s:.prec$}{}", units[u])
}

/// `snprint_progress`: ten characters of `X`/`.` and `cur/total`.
pub(crate) fn progress(cur: u32, total: u32) -> String {
    let mut out = String::new();
    if let Some(i) = (10 * cur).checked_div(total) {
        let i = i.min(10) as usize;
        out.push_str(&"X".repeat(i));
        out.push_str(&".".repeat(10 - i));
    }
    out.push_str(&format!(" {cur}/{total}"));
    out
}

/// `int_to_scsilun` of a LUN, as `0x%016x`.
fn lun_hex(lun: u64) -> String {
    let hex = ((lun & 0xffff) << 48)
        | ((lun & 0xffff_0000) << 16)
        | ((lun & 0xffff_0000_0000) >> 16)
        | ((lun & 0xffff_0000_0000_0000) >> 48);
    format!("0x{hex:016x}")
}

/// A state's word, or the daemon's placeholder for "none".
fn or_placeholder(state: Option<&str>, placeholder: &str) -> Cow<'static, str> {
    state.unwrap_or(placeholder).to_owned().into()
}

/// A map's device-mapper state (`%t`).
fn map_dm_state(m: &SimMap) -> MapDmState {
    if m.suspended {
        MapDmState::Suspend
    } else {
        MapDmState::Active
    }
}

/// A path's SCSI device state (`%o`); unknown for an orphan, whose device
/// the daemon does not look at.
fn dev_state(p: &SimPath) -> Option<DevState> {
    match (&p.map, p.offline) {
        (None, _) => None,
        (Some(_), true) => Some(DevState::Offline),
        (Some(_), false) => Some(DevState::Running),
    }
}

/// The checker state `%T` shows: none (`undef`) for an orphan.
fn checker_state(p: &SimPath) -> Option<CheckerState> {
    p.map.as_ref().and(p.checker_state.checker_state())
}

/// `%M` of a path (its flag) or a path group (all its paths marginal).
fn marginal_state(marginal: bool) -> MarginalState {
    if marginal {
        MarginalState::Marginal
    } else {
        MarginalState::Normal
    }
}

/// The value of map wildcard `wc`.
pub(crate) fn map_value<'a>(st: &State, v: Version, m: &'a SimMap, wc: u8) -> Cow<'a, str> {
    // Only the vendor wildcards look at the paths.
    let has_paths = || st.map_paths(m).next().is_some();
    let or_hash = |s: &'static str| -> Cow<'a, str> {
        if has_paths() {
            s.into()
        } else {
            "##".into()
        }
    };
    match wc {
        b'n' => m.alias.as_str().into(),
        b'w' => m.wwid.as_str().into(),
        b'd' => format!("dm-{}", m.minor).into(),
        b'F' => match v {
            Version::V0_11_1 | Version::V0_15_1 => "manual".into(),
            _ => "-".into(),
        },
        b'Q' => match &m.queueing {
            Some(q) => q.to_string().into(),
            None => "-".into(),
        },
        b'N' => st.active_paths(m).to_string().into(),
        b'r' => "rw".into(),
        b't' => map_dm_state(m).as_str().to_owned().into(),
        b'S' => size_text(m.size_sectors).into(),
        b'f' => FEATURES.into(),
        b'x' => m.stats.map_failures.to_string().into(),
        b'h' => HWHANDLER.into(),
        b'A' => match m.action {
            crate::state::MapAction::Create => "create".into(),
            crate::state::MapAction::Nothing => "".into(),
        },
        b'0' => m.stats.path_faults.to_string().into(),
        b'1' => m.stats.switch_grp.to_string().into(),
        b'2' => m.stats.map_loads.to_string().into(),
        b'3' => m.stats.total_q_time.to_string().into(),
        b'4' => m.stats.q_timeouts.to_string().into(),
        b's' => {
            if has_paths() {
                format!("{VENDOR},{PRODUCT}").into()
            } else {
                "##,##".into()
            }
        }
        b'v' => or_hash(VENDOR),
        b'p' => or_hash(PRODUCT),
        b'e' => or_hash(REVISION),
        b'G' => "--".into(),
        b'g' => "[undef]".into(),
        b'k' if v.is_0_11_plus() => MAX_SECTORS_KB.into(),
        _ => "".into(),
    }
}

/// The value of path wildcard `wc`.
pub(crate) fn path_value<'a>(_st: &State, v: Version, p: &'a SimPath, wc: u8) -> Cow<'a, str> {
    let orphan = p.map.is_none();
    match wc {
        b'w' => p.wwid.as_str().into(),
        b'i' => p.hcil.to_string().into(),
        b'd' => p.dev.as_str().into(),
        b'D' => p.dev_t.as_str().into(),
        b't' => or_placeholder(p.dm_state.as_ref().map(PathDmState::as_str), "undef"),
        b'o' => or_placeholder(dev_state(p).as_ref().map(DevState::as_str), "unknown"),
        b'T' => or_placeholder(checker_state(p).as_ref().map(CheckerState::as_str), "undef"),
        b's' => match v {
            Version::V0_11_1 | Version::V0_15_1 => format!("{VENDOR},{PRODUCT},{REVISION}").into(),
            _ => format!("{VENDOR},{PRODUCT}").into(),
        },
        b'c' => if orphan { "(null)" } else { CHECKER }.into(),
        b'C' => {
            if orphan {
                "orphan".into()
            } else {
                progress(p.tick, p.checkint).into()
            }
        }
        b'p' => p.priority.to_string().into(),
        b'S' => size_text(LUN_SECTORS).into(),
        b'z' => p.serial.as_str().into(),
        b'M' => marginal_state(p.marginal).as_str().to_owned().into(),
        b'm' => p.map.as_deref().unwrap_or("[orphan]").into(),
        b'N' | b'n' | b'R' | b'r' | b'a' | b'g' => "[undef]".into(),
        b'G' => "--".into(),
        b'0' => "0".into(),
        b'P' => "scsi:unspec".into(),
        b'I' if v != Version::V0_8_5 => if orphan { "new" } else { "ok" }.into(),
        b'L' if v != Version::V0_8_5 => lun_hex(p.hcil.lun).into(),
        b'A' if v.is_0_11_plus() => format!("0x{:04x}", p.tpg).into(),
        b'k' if v.is_0_11_plus() => MAX_SECTORS_KB.into(),
        _ => "".into(),
    }
}

/// The value of path group wildcard `wc`.
pub(crate) fn group_value(st: &State, g: &SimPathGroup, wc: u8) -> Cow<'static, str> {
    match wc {
        b's' => SELECTOR.into(),
        b'p' => st.group_priority(g).0.to_string().into(),
        b't' => g.state.as_str().to_owned().into(),
        b'M' => marginal_state(st.group_priority(g).1)
            .as_str()
            .to_owned()
            .into(),
        _ => "".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_progress() {
        assert_eq!(size_text(32768), "16M");
        assert_eq!(size_text(2 * 1024 * 2), "2.0M");
        assert_eq!(size_text(2), "1.0K");
        assert_eq!(size_text(3 * 1024 * 1024 * 1024 * 2), "3.0T");
        assert_eq!(progress(6, 8), "XXXXXXX... 6/8");
        assert_eq!(progress(2, 8), "XX........ 2/8");
        assert_eq!(progress(1, 2), "XXXXX..... 1/2");
        assert_eq!(progress(0, 0), " 0/0");
    }

    #[test]
    fn lun_hex_matches_recordings() {
        assert_eq!(lun_hex(0), "0x0000000000000000");
        assert_eq!(lun_hex(1), "0x0001000000000000");
        assert_eq!(lun_hex(0x1_0000), "0x0000000100000000");
    }
}
