//! Topology: maps with their path groups and paths.
//!
//! [`parse_topology_json`] reads `show maps json` and `show map M json`
//! (every release's key set; unknown keys are ignored). [`parse_topology_text`]
//! reads the tree of `show topology` / `show maps topology` /
//! `show map M topology`, which carries fewer fields but also the H:C:T:L of
//! each path and the map size.
//!
//! ```
//! use mpd_proto::model::topology::parse_topology_text;
//!
//! let text = "create: mpatha (1Linux_scsi_debug_2000) dm-0 Linux,scsi_debug\n\
//!             size=16M features='0' hwhandler='1 alua' wp=rw\n\
//!             `-+- policy='service-time 0' prio=50 status=active\n  \
//!               `- 0:0:0:0 sda 8:0 active ready running\n";
//! let t = parse_topology_text(text).unwrap();
//! let path = &t.maps[0].path_groups[0].paths[0];
//! assert_eq!((path.device.as_str(), path.minor), ("sda", Some(0)));
//! ```

use serde::{Deserialize, Serialize};

use super::de::{opt_prio, opt_state, opt_str, opt_u32, opt_u64};
use super::state::{
    opt_state as state_of, CheckerState, DevState, GroupState, MapDmState, MarginalState,
    PathDmState, Queueing,
};
use super::{known, parse_dev_t, split_vpr};
use crate::error::Error;

/// All maps with their path groups and paths.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Topology {
    /// The JSON format's major version (0 in every release so far); `None`
    /// when parsed from text.
    #[serde(deserialize_with = "opt_u32")]
    pub major_version: Option<u32>,
    /// The JSON format's minor version.
    #[serde(deserialize_with = "opt_u32")]
    pub minor_version: Option<u32>,
    /// The maps.
    pub maps: Vec<MapTopology>,
}

/// One map with its path groups.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MapTopology {
    /// Map name.
    pub name: String,
    /// WWID.
    #[serde(deserialize_with = "opt_str")]
    pub uuid: Option<String>,
    /// The dm device (`dm-0`); JSON key `sysfs`.
    #[serde(alias = "sysfs", deserialize_with = "opt_str")]
    pub device: Option<String>,
    /// Failback policy.
    #[serde(deserialize_with = "opt_str")]
    pub failback: Option<String>,
    /// Queueing mode; `None` for `-` (`no_path_retry` not set).
    #[serde(deserialize_with = "opt_state")]
    pub queueing: Option<Queueing>,
    /// Number of *active* paths (usable: `ready` or `ghost`), the daemon's
    /// `count_active_paths`; JSON key `paths`. Not the total, which is
    /// [`total_paths`](Self::total_paths): during a path outage this is 0
    /// while the map still has all its paths.
    #[serde(alias = "paths", deserialize_with = "opt_u32")]
    pub active_paths: Option<u32>,
    /// Number of paths in the map's path groups, whatever their state
    /// (counted by the parser from the groups it read).
    pub total_paths: u32,
    /// Write protection (`rw`/`ro`).
    #[serde(deserialize_with = "opt_str")]
    pub write_prot: Option<String>,
    /// Device-mapper state (`active`, `suspend`); JSON key `dm_st`.
    #[serde(alias = "dm_st", deserialize_with = "opt_state")]
    pub dm_state: Option<MapDmState>,
    /// Table features.
    #[serde(deserialize_with = "opt_str")]
    pub features: Option<String>,
    /// Hardware handler.
    #[serde(deserialize_with = "opt_str")]
    pub hwhandler: Option<String>,
    /// The last action the daemon took on the map (`create`, `reload`, …).
    #[serde(deserialize_with = "opt_str")]
    pub action: Option<String>,
    /// Path failures counted.
    #[serde(deserialize_with = "opt_u64")]
    pub path_faults: Option<u64>,
    /// Vendor; JSON key `vend`.
    #[serde(alias = "vend", deserialize_with = "opt_str")]
    pub vendor: Option<String>,
    /// Product; JSON key `prod`.
    #[serde(alias = "prod", deserialize_with = "opt_str")]
    pub product: Option<String>,
    /// Revision; JSON key `rev`.
    #[serde(alias = "rev", deserialize_with = "opt_str")]
    pub revision: Option<String>,
    /// Path-group switches counted.
    #[serde(deserialize_with = "opt_u64")]
    pub switch_grp: Option<u64>,
    /// Table loads counted.
    #[serde(deserialize_with = "opt_u64")]
    pub map_loads: Option<u64>,
    /// Seconds spent queueing.
    #[serde(deserialize_with = "opt_u64")]
    pub total_q_time: Option<u64>,
    /// Queueing timeouts counted.
    #[serde(deserialize_with = "opt_u64")]
    pub q_timeouts: Option<u64>,
    /// Size as printed (`16M`); only the text topology carries it.
    #[serde(deserialize_with = "opt_str")]
    pub size: Option<String>,
    /// The path groups, in the table's order.
    pub path_groups: Vec<PathGroup>,
}

/// One path group of a map.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PathGroup {
    /// Path selector (`service-time 0`).
    #[serde(deserialize_with = "opt_str")]
    pub selector: Option<String>,
    /// Group priority; JSON key `pri`.
    #[serde(alias = "pri", deserialize_with = "opt_prio")]
    pub priority: Option<i32>,
    /// Group state (`active`, `enabled`, `disabled`); JSON key `dm_st`.
    #[serde(alias = "dm_st", deserialize_with = "opt_state")]
    pub dm_state: Option<GroupState>,
    /// Whether the group is marginal; JSON key `marginal_st`.
    #[serde(alias = "marginal_st", deserialize_with = "opt_state")]
    pub marginal: Option<MarginalState>,
    /// Group number, from 1 (the number `switchgroup` takes); JSON key
    /// `group`.
    #[serde(alias = "group", deserialize_with = "opt_u32")]
    pub number: Option<u32>,
    /// The paths of the group.
    pub paths: Vec<TopologyPath>,
}

/// One path inside a path group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "RawTopologyPath")]
pub struct TopologyPath {
    /// Kernel device name; JSON key `dev`.
    pub device: String,
    /// Major number, from `dev_t`.
    pub major: Option<u32>,
    /// Minor number, from `dev_t`.
    pub minor: Option<u32>,
    /// State in the dm table (`active`, `failed`); JSON key `dm_st`.
    pub dm_state: Option<PathDmState>,
    /// Kernel device state (`running`, `offline`); JSON key `dev_st`.
    pub dev_state: Option<DevState>,
    /// Checker verdict (`ready`, `faulty`); JSON key `chk_st`.
    pub checker_state: Option<CheckerState>,
    /// Checker name (`tur`).
    pub checker: Option<String>,
    /// Path priority; JSON key `pri`.
    pub priority: Option<i32>,
    /// Host WWNN (FC).
    pub host_wwnn: Option<String>,
    /// Target WWNN (FC).
    pub target_wwnn: Option<String>,
    /// Host WWPN (FC).
    pub host_wwpn: Option<String>,
    /// Target WWPN (FC).
    pub target_wwpn: Option<String>,
    /// Host adapter (PCI address).
    pub host_adapter: Option<String>,
    /// LUN in hex (0.9+).
    pub lun_hex: Option<String>,
    /// Whether the path is marginal; JSON key `marginal_st`.
    pub marginal: Option<MarginalState>,
    /// H:C:T:L; only the text topology carries it.
    pub hcil: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTopologyPath {
    #[serde(alias = "dev")]
    device: String,
    #[serde(deserialize_with = "opt_str")]
    dev_t: Option<String>,
    #[serde(deserialize_with = "opt_u32")]
    major: Option<u32>,
    #[serde(deserialize_with = "opt_u32")]
    minor: Option<u32>,
    #[serde(alias = "dm_st", deserialize_with = "opt_state")]
    dm_state: Option<PathDmState>,
    #[serde(alias = "dev_st", deserialize_with = "opt_state")]
    dev_state: Option<DevState>,
    #[serde(alias = "chk_st", deserialize_with = "opt_state")]
    checker_state: Option<CheckerState>,
    #[serde(deserialize_with = "opt_str")]
    checker: Option<String>,
    #[serde(alias = "pri", deserialize_with = "opt_prio")]
    priority: Option<i32>,
    #[serde(deserialize_with = "opt_str")]
    host_wwnn: Option<String>,
    #[serde(deserialize_with = "opt_str")]
    target_wwnn: Option<String>,
    #[serde(deserialize_with = "opt_str")]
    host_wwpn: Option<String>,
    #[serde(deserialize_with = "opt_str")]
    target_wwpn: Option<String>,
    #[serde(deserialize_with = "opt_str")]
    host_adapter: Option<String>,
    #[serde(deserialize_with = "opt_str")]
    lun_hex: Option<String>,
    #[serde(alias = "marginal_st", deserialize_with = "opt_state")]
    marginal: Option<MarginalState>,
    #[serde(deserialize_with = "opt_str")]
    hcil: Option<String>,
}

impl From<RawTopologyPath> for TopologyPath {
    fn from(r: RawTopologyPath) -> Self {
        let (major, minor) = match r.dev_t.as_deref().and_then(parse_dev_t) {
            Some((a, b)) => (Some(a), Some(b)),
            None => (r.major, r.minor),
        };
        TopologyPath {
            device: r.device,
            major,
            minor,
            dm_state: r.dm_state,
            dev_state: r.dev_state,
            checker_state: r.checker_state,
            checker: r.checker,
            priority: r.priority,
            host_wwnn: r.host_wwnn,
            target_wwnn: r.target_wwnn,
            host_wwpn: r.host_wwpn,
            target_wwpn: r.target_wwpn,
            host_adapter: r.host_adapter,
            lun_hex: r.lun_hex,
            marginal: r.marginal,
            hcil: r.hcil,
        }
    }
}

impl Topology {
    /// Every path of every map, with the name of its map.
    pub fn paths(&self) -> impl Iterator<Item = (&MapTopology, &TopologyPath)> {
        self.maps.iter().flat_map(|m| {
            m.path_groups
                .iter()
                .flat_map(move |g| g.paths.iter().map(move |p| (m, p)))
        })
    }

    /// The map with this name.
    pub fn map(&self, name: &str) -> Option<&MapTopology> {
        self.maps.iter().find(|m| m.name == name)
    }
}

#[derive(Deserialize)]
struct JsonReply {
    #[serde(default, deserialize_with = "opt_u32")]
    major_version: Option<u32>,
    #[serde(default, deserialize_with = "opt_u32")]
    minor_version: Option<u32>,
    #[serde(default)]
    maps: Option<Vec<MapTopology>>,
    #[serde(default)]
    map: Option<MapTopology>,
}

fn json_error(e: serde_json::Error) -> Error {
    Error::parse("topology json", e.to_string())
}

/// The daemon prints names into its JSON as they are, without escaping: a
/// device-mapper name with a backslash (e.g. `space\x20map`, as
/// device-mapper's name mangling shows a space) makes an invalid escape.
/// When a reply does not parse, each backslash that does not start a valid
/// JSON escape is read as a literal backslash and the reply is parsed once
/// more; if that fails too, the first error is the one reported.
fn from_daemon_json(text: &str) -> Result<JsonReply, Error> {
    match serde_json::from_str(text) {
        Ok(r) => Ok(r),
        Err(first) => match escape_stray_backslashes(text) {
            Some(fixed) => serde_json::from_str(&fixed).map_err(|_| json_error(first)),
            None => Err(json_error(first)),
        },
    }
}

/// `text` with every backslash that does not begin a valid JSON escape
/// doubled, or `None` when there is none.
fn escape_stray_backslashes(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let valid_at = |i: usize| match b.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => true,
        Some(b'u') => b.len() > i + 5 && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit),
        _ => false,
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if valid_at(i) {
                i += 2;
                continue;
            }
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            o.push_str(&text[copied..=i]);
            o.push('\\');
            copied = i + 1;
        }
        i += 1;
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// Parses `show maps json` or `show map M json` (a single map becomes a
/// one-element topology).
///
/// Names the daemon printed with a backslash that JSON does not accept
/// (device-mapper's mangled names, `space\x20map`) are read literally.
pub fn parse_topology_json(text: &str) -> Result<Topology, Error> {
    let r = from_daemon_json(text)?;
    let maps = match (r.maps, r.map) {
        (Some(maps), None) => maps,
        (None, Some(map)) => vec![map],
        (None, None) => {
            return Err(Error::parse(
                "topology json",
                "neither \"maps\" nor \"map\" present",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(Error::parse(
                "topology json",
                "both \"maps\" and \"map\" present",
            ))
        }
    };
    Ok(Topology {
        major_version: r.major_version,
        minor_version: r.minor_version,
        maps: count_paths(maps),
    })
}

/// Sets each map's [`MapTopology::total_paths`] from its groups.
fn count_paths(mut maps: Vec<MapTopology>) -> Vec<MapTopology> {
    for m in &mut maps {
        m.total_paths = m.path_groups.iter().map(|g| g.paths.len() as u32).sum();
    }
    maps
}

/// Parses `show map M json` into its one map.
pub fn parse_map_json(text: &str) -> Result<MapTopology, Error> {
    let mut t = parse_topology_json(text)?;
    if t.maps.len() != 1 {
        return Err(Error::parse(
            "map json",
            format!("expected one map, found {}", t.maps.len()),
        ));
    }
    Ok(t.maps.remove(0))
}

const ACTIONS: [&str; 6] = ["create", "reload", "rename", "switchpg", "reject", "resize"];

/// Parses the tree printed by `show topology`, `show maps topology` and
/// `show map M topology`.
///
/// The map line is `[action: ]name[ (wwid)] dm-N vendor,product`; the
/// properties line `size=… features='…' hwhandler='…' wp=…`; a group line
/// `policy='…' prio=N status=…`; a path line `H:C:T:L dev M:m dm_st chk_st
/// dev_st`. A checker state may contain a space (`i/o pending`).
pub fn parse_topology_text(text: &str) -> Result<Topology, Error> {
    let mut maps: Vec<MapTopology> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| Error::parse("topology", format!("{why} in line {line:?}"));
        let body = line.trim_start_matches(['|', '`', ' ']);
        if let Some(group) = body.strip_prefix("-+- ") {
            let map = maps
                .last_mut()
                .ok_or_else(|| bad("path group before any map"))?;
            let mut g = parse_group_line(group).ok_or_else(|| bad("unreadable path group"))?;
            g.number = Some(map.path_groups.len() as u32 + 1);
            map.path_groups.push(g);
        } else if let Some(path) = body.strip_prefix("- ") {
            let group = maps
                .last_mut()
                .and_then(|m| m.path_groups.last_mut())
                .ok_or_else(|| bad("path before any path group"))?;
            group
                .paths
                .push(parse_path_line(path).ok_or_else(|| bad("unreadable path"))?);
        } else if let Some(props) = line.strip_prefix("size=") {
            let map = maps
                .last_mut()
                .ok_or_else(|| bad("properties before any map"))?;
            parse_props(props, map).ok_or_else(|| bad("unreadable map properties"))?;
        } else if line.starts_with([' ', '|', '`']) {
            return Err(bad("unexpected tree line"));
        } else {
            maps.push(parse_map_line(line).ok_or_else(|| bad("unreadable map line"))?);
        }
    }
    Ok(Topology {
        major_version: None,
        minor_version: None,
        maps: count_paths(maps),
    })
}

fn parse_map_line(line: &str) -> Option<MapTopology> {
    let mut m = MapTopology::default();
    let mut rest = line;
    if let Some((word, after)) = line.split_once(": ") {
        if ACTIONS.contains(&word) {
            m.action = Some(word.to_owned());
            rest = after;
        }
    }
    // The dm device is the last " dm-N " token; what follows is vend,prod.
    let mut dm_at = None;
    let mut search = rest;
    let mut base = 0;
    while let Some(i) = search.find(" dm-") {
        let start = base + i + 1;
        let tail = &rest[start + 3..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(tail.as_bytes().get(digits), None | Some(b' ')) {
            dm_at = Some((start, start + 3 + digits));
        }
        base = start;
        search = &rest[base..];
    }
    let (dm_start, dm_end) = dm_at?;
    m.device = Some(rest[dm_start..dm_end].to_owned());
    let head = &rest[..dm_start - 1];
    let vpr = rest[dm_end..].trim_start();
    (m.vendor, m.product, m.revision) = split_vpr(vpr);
    match head.rsplit_once(" (") {
        Some((name, wwid)) if wwid.ends_with(')') => {
            m.name = name.to_owned();
            m.uuid = known(&wwid[..wwid.len() - 1]);
        }
        _ => {
            // No "(wwid)": the name is the WWID itself.
            m.name = head.to_owned();
            m.uuid = Some(head.to_owned());
        }
    }
    (!m.name.is_empty()).then_some(m)
}

/// Value of `key=` in `s`: quoted with `'…'` or up to the next space.
fn prop<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let start = s.find(key)? + key.len();
    let v = &s[start..];
    if let Some(q) = v.strip_prefix('\'') {
        q.find('\'').map(|end| &q[..end])
    } else {
        Some(v.split(' ').next().unwrap_or(""))
    }
}

fn parse_props(props: &str, m: &mut MapTopology) -> Option<()> {
    let full = format!("size={props}");
    m.size = known(prop(&full, "size=")?);
    m.features = known(prop(&full, "features=")?);
    m.hwhandler = known(prop(&full, "hwhandler=")?);
    m.write_prot = known(prop(&full, "wp=")?);
    Some(())
}

fn parse_group_line(s: &str) -> Option<PathGroup> {
    let priority = match prop(s, "prio=")? {
        "-1" | "#" | "-" | "" => None,
        p => Some(p.parse().ok()?),
    };
    Some(PathGroup {
        selector: known(prop(s, "policy=")?),
        priority,
        dm_state: state_of(prop(s, "status=")?),
        marginal: prop(s, "marginal=").and_then(|v| match v {
            "yes" => Some(MarginalState::Marginal),
            "no" => Some(MarginalState::Normal),
            v => state_of(v),
        }),
        number: None,
        paths: Vec::new(),
    })
}

fn parse_path_line(s: &str) -> Option<TopologyPath> {
    let mut words = s.split_whitespace();
    let hcil = words.next()?;
    let device = words.next()?;
    let (major, minor) = parse_dev_t(words.next()?)?;
    let dm_state = words.next()?;
    let rest: Vec<&str> = words.collect();
    let (status, checker) = rest.split_last()?;
    if checker.is_empty() {
        return None;
    }
    Some(TopologyPath {
        device: device.to_owned(),
        major: Some(major),
        minor: Some(minor),
        dm_state: state_of(dm_state),
        dev_state: state_of(status),
        checker_state: state_of(&checker.join(" ")),
        hcil: known(hcil),
        ..TopologyPath::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_placeholders_and_unknown_keys() {
        let t = parse_topology_json(
            r#"{"major_version": 0, "minor_version": 1, "maps": [{"name": "m", "uuid": "u",
            "sysfs": "dm-3", "queueing": "-", "paths": 1, "future_key": {"x": [1]},
            "path_groups": [{"pri": -1, "dm_st": "enabled", "marginal_st": "marginal", "group": 1,
              "paths": [{"dev": "sdx", "dev_t": "65:16", "host_wwnn": "[undef]", "pri": "7"}]}]}]}"#,
        )
        .unwrap();
        let m = &t.maps[0];
        assert_eq!(m.device.as_deref(), Some("dm-3"));
        assert_eq!(m.queueing, None);
        let g = &m.path_groups[0];
        assert_eq!(
            (g.priority, g.marginal.as_ref()),
            (None, Some(&MarginalState::Marginal))
        );
        assert_eq!(g.dm_state, Some(GroupState::Enabled));
        assert_eq!((m.active_paths, m.total_paths), (Some(1), 1));
        let p = &g.paths[0];
        assert_eq!(
            (p.major, p.minor, p.priority),
            (Some(65), Some(16), Some(7))
        );
        assert_eq!(p.host_wwnn, None);
    }

    #[test]
    fn json_round_trips_through_serde() {
        let t = parse_topology_json(r#"{"map": {"name": "m", "path_groups": [{"paths": [{"dev": "sda", "dev_t": "8:0", "marginal_st": "normal"}]}]}}"#).unwrap();
        let again: Topology = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(t, again);
    }

    #[test]
    fn unescaped_backslashes_in_names_are_read_literally() {
        // As 0.9.4 and 0.11.1 print a map whose dm name is mangled.
        let text = "{\n   \"major_version\": 0,\n   \"minor_version\": 1,\n   \"maps\": [{\n      \"name\" : \"space\\x20map\",\n      \"uuid\" : \"3600\\u0041\",\n      \"path_groups\": []\n   }]\n}\n";
        let t = parse_topology_json(text).unwrap();
        assert_eq!(t.maps[0].name, "space\\x20map");
        // A valid escape keeps its meaning.
        assert_eq!(t.maps[0].uuid.as_deref(), Some("3600A"));
        assert_eq!(escape_stray_backslashes(r#"{"a": "\\n"}"#), None);
        assert_eq!(
            escape_stray_backslashes(r#""a\x" "\u12" "\"#).as_deref(),
            Some(r#""a\\x" "\\u12" "\\"#)
        );
        // Still invalid after the repair: the first error is reported.
        let e = parse_topology_json(r#"{"maps": [{"name": "a\x"#).unwrap_err();
        assert!(e.to_string().contains("invalid escape"), "{e}");
    }

    #[test]
    fn json_errors() {
        assert!(parse_topology_json("").is_err());
        assert!(parse_topology_json("{}").is_err());
        assert!(parse_topology_json(r#"{"maps": [{"name": "m", "paths": "many"}]}"#).is_err());
        assert!(parse_topology_json(r#"{"maps": [], "map": {}}"#).is_err());
        assert!(parse_map_json(r#"{"maps": []}"#).is_err());
    }

    #[test]
    fn text_map_lines() {
        let m = parse_map_line("space map (36001) dm-12 IBM,2145 xx").unwrap();
        assert_eq!(
            (m.name.as_str(), m.uuid.as_deref(), m.device.as_deref()),
            ("space map", Some("36001"), Some("dm-12"))
        );
        assert_eq!(
            (m.vendor.as_deref(), m.product.as_deref()),
            (Some("IBM"), Some("2145 xx"))
        );
        let m = parse_map_line("36001 dm-1 Linux,scsi_debug").unwrap();
        assert_eq!(
            (m.name.as_str(), m.uuid.as_deref(), m.action),
            ("36001", Some("36001"), None)
        );
        let m = parse_map_line("reload: a dm-x (w) dm-2 V,P").unwrap();
        assert_eq!(
            (m.name.as_str(), m.device.as_deref(), m.action.as_deref()),
            ("a dm-x", Some("dm-2"), Some("reload"))
        );
        assert!(parse_map_line("no device here").is_none());
    }

    #[test]
    fn text_paths_with_spaced_checker_state() {
        let p = parse_path_line("0:0:0:0 sda 8:0  active i/o pending running").unwrap();
        assert_eq!(p.checker_state, Some(CheckerState::Pending));
        assert_eq!(p.dev_state, Some(DevState::Running));
        assert!(parse_path_line("0:0:0:0 sda 8:0 active").is_none());
        assert!(parse_topology_text("|-+- policy='x' prio=1 status=active\n").is_err());
        assert!(parse_topology_text(
            "mpatha (w) dm-0 V,P\n| `- 0:0:0:0 sda 8:0 active ready running\n"
        )
        .is_err());
    }
}
