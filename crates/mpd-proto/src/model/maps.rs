//! Maps, from `show maps raw format`.
//!
//! ```
//! use mpd_proto::model::maps::{parse_maps, MapField};
//!
//! let fields = [MapField::Name, MapField::Uuid, MapField::Sysfs];
//! let maps = parse_maps("mpatha|1Linux_scsi_debug_2000|dm-0\n", &fields).unwrap();
//! assert_eq!(maps[0].device.as_deref(), Some("dm-0"));
//! ```

use serde::{Deserialize, Serialize};

use super::state::{opt_state, MapDmState, Queueing};
use super::{known, split_fields, split_vpr};
use crate::error::Error;

/// One multipath map (a device-mapper `multipath` target).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Map {
    /// Map name (alias or WWID).
    pub name: String,
    /// WWID of the LUN.
    pub uuid: Option<String>,
    /// The dm device (`dm-0`).
    pub device: Option<String>,
    /// Number of *active* paths: the paths the checker finds usable
    /// (`ready` or `ghost`), the daemon's `%N` (`count_active_paths`). Not
    /// the total: a map whose paths all failed shows 0 here and still has
    /// its paths (see [`MapTopology::total_paths`](super::MapTopology)).
    pub active_paths: Option<u32>,
    /// Queueing mode (`off`, `on`, `5 chk`, …); `None` for `-`
    /// (`no_path_retry` not set).
    pub queueing: Option<Queueing>,
    /// Device-mapper state (`active`, `suspend`).
    pub dm_state: Option<MapDmState>,
    /// Size as the daemon prints it (`16M`, `1.0T`).
    pub size: Option<String>,
    /// Table features (`0`, `1 queue_if_no_path`).
    pub features: Option<String>,
    /// Hardware handler (`1 alua`, `0`).
    pub hwhandler: Option<String>,
    /// Write protection (`rw`, `ro`).
    pub write_prot: Option<String>,
    /// Failback policy (`manual`, `immediate`, a number); `None` for `-`.
    pub failback: Option<String>,
    /// Vendor.
    pub vendor: Option<String>,
    /// Product.
    pub product: Option<String>,
    /// Revision.
    pub revision: Option<String>,
}

/// A map wildcard that [`parse_maps`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MapField {
    /// `%n`: name.
    Name,
    /// `%w`: WWID.
    Uuid,
    /// `%d`: dm device.
    Sysfs,
    /// `%N`: number of active paths.
    Paths,
    /// `%Q`: queueing.
    Queueing,
    /// `%t`: dm state.
    DmState,
    /// `%s`: `vendor,product[,revision]`.
    VendProdRev,
    /// `%S`: size.
    Size,
    /// `%f`: features.
    Features,
    /// `%h`: hardware handler.
    HwHandler,
    /// `%r`: write protection.
    WriteProt,
    /// `%F`: failback.
    Failback,
    /// `%v`: vendor.
    Vendor,
    /// `%p`: product.
    Product,
    /// `%e`: revision.
    Revision,
}

impl MapField {
    /// The wildcard, e.g. `%n`.
    pub fn wildcard(self) -> &'static str {
        use MapField::*;
        match self {
            Name => "%n",
            Uuid => "%w",
            Sysfs => "%d",
            Paths => "%N",
            Queueing => "%Q",
            DmState => "%t",
            VendProdRev => "%s",
            Size => "%S",
            Features => "%f",
            HwHandler => "%h",
            WriteProt => "%r",
            Failback => "%F",
            Vendor => "%v",
            Product => "%p",
            Revision => "%e",
        }
    }
}

/// Builds a raw format string from fields, joined by `|`.
pub fn format_for(fields: &[MapField]) -> String {
    fields
        .iter()
        .map(|f| f.wildcard())
        .collect::<Vec<_>>()
        .join("|")
}

impl Map {
    /// The fields the client asks for; all exist in 0.8.5 and later. The map
    /// name, the only field a user chooses freely, comes last so that a `|`
    /// in it cannot shift the others.
    pub const FIELDS: [MapField; 14] = [
        MapField::Uuid,
        MapField::Sysfs,
        MapField::Paths,
        MapField::Queueing,
        MapField::DmState,
        MapField::Size,
        MapField::Features,
        MapField::HwHandler,
        MapField::WriteProt,
        MapField::Failback,
        MapField::Vendor,
        MapField::Product,
        MapField::Revision,
        MapField::Name,
    ];

    /// The format string for [`Map::FIELDS`].
    pub const FORMAT: &'static str = "%w|%d|%N|%Q|%t|%S|%f|%h|%r|%F|%v|%p|%e|%n";
}

/// Parses the reply to `show maps raw format F`, where `F` is `fields`'
/// wildcards joined by `|`. Blank lines are skipped.
pub fn parse_maps(text: &str, fields: &[MapField]) -> Result<Vec<Map>, Error> {
    if !fields.contains(&MapField::Name) {
        return Err(Error::parse("map list", "the fields must include %n"));
    }
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_line(line, fields)?);
    }
    Ok(out)
}

fn parse_line(line: &str, fields: &[MapField]) -> Result<Map, Error> {
    let bad = |why: &str| Error::parse("map list", format!("{why} in line {line:?}"));
    let values = split_fields(line, fields.len()).ok_or_else(|| {
        bad(&format!(
            "expected {} fields separated by '|'",
            fields.len()
        ))
    })?;
    let mut m = Map::default();
    for (field, value) in fields.iter().zip(values) {
        match field {
            MapField::Name => {
                if value.is_empty() {
                    return Err(bad("no map name"));
                }
                m.name = value.to_owned();
            }
            MapField::Uuid => m.uuid = known(value),
            MapField::Sysfs => m.device = known(value),
            MapField::Paths => {
                m.active_paths = match known(value) {
                    None => None,
                    Some(v) => Some(v.parse().map_err(|_| bad("path count is not a number"))?),
                }
            }
            MapField::Queueing => m.queueing = opt_state(value),
            MapField::DmState => m.dm_state = opt_state(value),
            MapField::VendProdRev => {
                let (v, p, r) = split_vpr(value);
                m.vendor = v;
                m.product = p;
                if r.is_some() {
                    m.revision = r;
                }
            }
            MapField::Size => m.size = known(value),
            MapField::Features => m.features = known(value),
            MapField::HwHandler => m.hwhandler = known(value),
            MapField::WriteProt => m.write_prot = known(value),
            MapField::Failback => m.failback = known(value),
            MapField::Vendor => m.vendor = known(value),
            MapField::Product => m.product = known(value),
            MapField::Revision => m.revision = known(value),
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_matches_fields() {
        assert_eq!(format_for(&Map::FIELDS), Map::FORMAT);
    }

    #[test]
    fn names_with_separators_and_spaces() {
        let line = "3600a|dm-3|4|5 chk|suspend|1.0T|1 queue_if_no_path|1 alua|ro|manual|IBM|2145|0000|my | map\n";
        let m = &parse_maps(line, &Map::FIELDS).unwrap()[0];
        assert_eq!(m.name, "my | map");
        assert_eq!(m.queueing, Some(Queueing::Checks(5)));
        assert_eq!(m.dm_state, Some(MapDmState::Suspend));
        assert_eq!(m.active_paths, Some(4));
        assert_eq!(m.features.as_deref(), Some("1 queue_if_no_path"));
        assert!(parse_maps("a|b\n", &Map::FIELDS).is_err());
        assert!(parse_maps("u|dm-0|many|-|a|1M|0|0|rw|-|v|p|r|n", &Map::FIELDS).is_err());
    }
}
