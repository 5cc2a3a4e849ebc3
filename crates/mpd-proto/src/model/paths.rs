//! Paths, from `show paths raw format`.
//!
//! [`Path::FORMAT`] is the format string the client sends; [`parse_paths`]
//! reads the reply for any list of [`PathField`]s joined by `|`, so recorded
//! replies with other field orders parse too.
//!
//! ```
//! use mpd_proto::model::paths::{parse_paths, PathField};
//! use mpd_proto::model::Path;
//!
//! let fields = [PathField::Device, PathField::DevT, PathField::DmState];
//! let paths = parse_paths("sda|8:0|active\n", &fields).unwrap();
//! assert_eq!((paths[0].major, paths[0].minor), (8, 0));
//! assert_eq!(paths[0].dm_state, Some(mpd_proto::model::PathDmState::Active));
//! ```

use serde::{Deserialize, Serialize};

use super::state::{opt_state, CheckerState, DevState, MarginalState, PathDmState};
use super::{known, parse_dev_t, split_fields, split_vpr};
use crate::error::Error;

/// One path (a SCSI or NVMe device under a multipath map).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Path {
    /// Kernel device name (`sda`).
    pub device: String,
    /// Device major number.
    pub major: u32,
    /// Device minor number.
    pub minor: u32,
    /// The WWID of the LUN behind the path.
    pub uuid: Option<String>,
    /// The kernel's device state (`running`, `offline`); `None` for an
    /// orphan path.
    pub dev_state: Option<DevState>,
    /// The path's state in the device-mapper table (`active`, `failed`);
    /// `None` for an orphan path.
    pub dm_state: Option<PathDmState>,
    /// The path checker's verdict (`ready`, `faulty`, `ghost`,
    /// `i/o pending`, …); `None` when not checked yet.
    pub checker_state: Option<CheckerState>,
    /// The name of the map the path belongs to; `None` for an orphan.
    pub map: Option<String>,
    /// SCSI host:channel:target:LUN (`0:0:0:1`).
    pub hcil: Option<String>,
    /// Path priority; `None` when undefined.
    pub priority: Option<i32>,
    /// Vendor.
    pub vendor: Option<String>,
    /// Product.
    pub product: Option<String>,
    /// Revision (0.11+ report it in the `%s` field).
    pub revision: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Whether the path is marginal.
    pub marginal: Option<MarginalState>,
    /// The checker in use (`tur`, `directio`, …).
    pub checker: Option<String>,
}

/// A path wildcard that [`parse_paths`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathField {
    /// `%d`: device name.
    Device,
    /// `%D`: major:minor.
    DevT,
    /// `%t`: dm state.
    DmState,
    /// `%T`: checker state.
    CheckerState,
    /// `%w`: WWID.
    Uuid,
    /// `%o`: device state.
    DevState,
    /// `%m`: map name.
    Map,
    /// `%i`: H:C:T:L.
    Hcil,
    /// `%p`: priority.
    Priority,
    /// `%s`: `vendor,product[,revision]`.
    VendProdRev,
    /// `%z`: serial.
    Serial,
    /// `%M`: marginal state.
    Marginal,
    /// `%c`: checker name.
    Checker,
}

impl PathField {
    /// The wildcard, e.g. `%d`.
    pub fn wildcard(self) -> &'static str {
        use PathField::*;
        match self {
            Device => "%d",
            DevT => "%D",
            DmState => "%t",
            CheckerState => "%T",
            Uuid => "%w",
            DevState => "%o",
            Map => "%m",
            Hcil => "%i",
            Priority => "%p",
            VendProdRev => "%s",
            Serial => "%z",
            Marginal => "%M",
            Checker => "%c",
        }
    }
}

/// Builds a raw format string from fields, joined by `|`.
pub fn format_for(fields: &[PathField]) -> String {
    fields
        .iter()
        .map(|f| f.wildcard())
        .collect::<Vec<_>>()
        .join("|")
}

impl Path {
    /// The fields the client asks for, in order. Every one of them exists in
    /// 0.8.5 and later. The free-text vendor field comes last, so a `|` in it
    /// cannot shift the others.
    pub const FIELDS: [PathField; 13] = [
        PathField::Device,
        PathField::DevT,
        PathField::DmState,
        PathField::CheckerState,
        PathField::Uuid,
        PathField::DevState,
        PathField::Map,
        PathField::Hcil,
        PathField::Priority,
        PathField::Marginal,
        PathField::Checker,
        PathField::Serial,
        PathField::VendProdRev,
    ];

    /// The format string for [`Path::FIELDS`]:
    /// `%d|%D|%t|%T|%w|%o|%m|%i|%p|%M|%c|%z|%s`.
    pub const FORMAT: &'static str = "%d|%D|%t|%T|%w|%o|%m|%i|%p|%M|%c|%z|%s";
}

/// Parses the reply to `show paths raw format F`, where `F` is `fields`'
/// wildcards joined by `|` (see [`format_for`]). Blank lines are skipped.
pub fn parse_paths(text: &str, fields: &[PathField]) -> Result<Vec<Path>, Error> {
    if !fields.contains(&PathField::Device) || !fields.contains(&PathField::DevT) {
        return Err(Error::parse(
            "path list",
            "the fields must include %d and %D",
        ));
    }
    let mut out = Vec::with_capacity(text.len() / 96 + 1);
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_line(line, fields)?);
    }
    Ok(out)
}

fn parse_line(line: &str, fields: &[PathField]) -> Result<Path, Error> {
    let bad = |why: &str| Error::parse("path list", format!("{why} in line {line:?}"));
    let values = split_fields(line, fields.len()).ok_or_else(|| {
        bad(&format!(
            "expected {} fields separated by '|'",
            fields.len()
        ))
    })?;
    let mut p = Path::default();
    for (field, value) in fields.iter().zip(values) {
        match field {
            PathField::Device => {
                p.device = known(value).ok_or_else(|| bad("no device name"))?;
            }
            PathField::DevT => {
                (p.major, p.minor) =
                    parse_dev_t(value).ok_or_else(|| bad("major:minor is not two numbers"))?;
            }
            PathField::DmState => p.dm_state = opt_state(value),
            PathField::CheckerState => p.checker_state = opt_state(value),
            PathField::Uuid => p.uuid = known(value),
            PathField::DevState => p.dev_state = opt_state(value),
            PathField::Map => p.map = known(value),
            PathField::Hcil => p.hcil = known(value),
            PathField::Priority => {
                p.priority = match value.trim() {
                    "" | "-1" | "#" | "-" => None,
                    v => Some(v.parse().map_err(|_| bad("priority is not a number"))?),
                }
            }
            PathField::VendProdRev => (p.vendor, p.product, p.revision) = split_vpr(value),
            PathField::Serial => p.serial = known(value),
            PathField::Marginal => p.marginal = opt_state(value),
            PathField::Checker => p.checker = known(value),
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_matches_fields() {
        assert_eq!(format_for(&Path::FIELDS), Path::FORMAT);
    }

    #[test]
    fn reads_every_field() {
        let line = "sdq|65:0|failed|i/o pending|3600a|offline|mpathx|2:0:1:3|-1|marginal|tur|SN1|IBM,2145,0000\n";
        let p = &parse_paths(line, &Path::FIELDS).unwrap()[0];
        assert_eq!(p.device, "sdq");
        assert_eq!((p.major, p.minor), (65, 0));
        assert_eq!(p.checker_state, Some(CheckerState::Pending));
        assert_eq!(p.priority, None);
        assert_eq!(p.marginal, Some(MarginalState::Marginal));
        assert_eq!(p.revision.as_deref(), Some("0000"));
    }

    #[test]
    fn orphans_and_errors() {
        let p = &parse_paths(
            "sdz|8:0|undef|ready||running|[orphan]|0:0:0:0|10|normal|tur||Linux,scsi_debug",
            &Path::FIELDS,
        )
        .unwrap()[0];
        assert_eq!(
            (p.map.as_deref(), p.dm_state.as_ref(), p.uuid.as_deref()),
            (None, None, None)
        );
        // 0.12+: a path waiting to be added when it comes online.
        let p = &parse_paths(
            "sdz|8:0|undef|faulty||offline|[offline]|0:0:0:0|10|normal|tur||Linux,scsi_debug",
            &Path::FIELDS,
        )
        .unwrap()[0];
        assert_eq!(p.map, None);
        assert_eq!(p.checker_state.as_ref().map(|s| s.as_str()), Some("faulty"));
        assert!(parse_paths("sda|8:0\n", &Path::FIELDS).is_err());
        assert!(parse_paths("sda|x:0|a|b|c|d|e|f|1|normal|tur|s|v", &Path::FIELDS).is_err());
        assert!(parse_paths("sda|8:0|a|b|c|d|e|f|high|normal|tur|s|v", &Path::FIELDS).is_err());
        assert!(parse_paths("", &Path::FIELDS).unwrap().is_empty());
        assert!(parse_paths("sda", &[PathField::Device]).is_err());
    }
}
