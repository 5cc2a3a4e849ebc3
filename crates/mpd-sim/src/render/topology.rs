//! `show topology`, `show maps topology`, `show map M topology`: the tree
//! `multipath -ll` prints.
//!
//! ```text
//! create: mpatha (1Linux_scsi_debug_2000) dm-0 Linux,scsi_debug
//! size=16M features='0' hwhandler='1 alua' wp=rw
//! |-+- policy='service-time 0' prio=50 status=active
//! | `- 0:0:0:0 sda 8:0  active ready running
//! `-+- policy='service-time 0' prio=10 status=enabled
//!   `- 1:0:0:0 sdc 8:32 active ready running
//! ```
//!
//! Map and group lines are not padded; path lines are, with the widths of
//! the whole path vector (so `8:0` is padded to the width of `8:32`).

use super::fields::{self, GROUP_FIELDS};
use super::table::{self, expand};
use crate::state::{MapAction, SimMap, State};
use crate::version::Version;

const PRINT_MAP_PROPS: &str = "size=%S features='%f' hwhandler='%h' wp=%r";
const PRINT_PG_INDENT: &str = "policy='%s' prio=%p status=%t";
const PRINT_PATH_INDENT: &str = "%i %d %D %t %T %o";

/// One map's tree; `path_widths` are the path column widths to pad with.
pub(crate) fn map_topology(st: &State, v: Version, m: &SimMap, path_widths: &[usize]) -> String {
    let need_action = m.action != MapAction::Nothing;
    let need_wwid = m.alias != m.wwid;
    let style = format!(
        "{}%n{} %d %s",
        if need_action { "%A: " } else { "" },
        if need_wwid { " (%w)" } else { "" }
    );
    let mut out = table::map_line(st, v, m, &style, None);
    out.push_str(&table::map_line(st, v, m, PRINT_MAP_PROPS, None));
    let ngroups = m.groups.len();
    for (j, g) in m.groups.iter().enumerate() {
        let last_group = j + 1 == ngroups;
        out.push_str(if last_group { "`-+- " } else { "|-+- " });
        out.push_str(&expand(
            v,
            PRINT_PG_INDENT,
            &GROUP_FIELDS,
            &|i| fields::group_value(st, g, GROUP_FIELDS[i].wc),
            None,
        ));
        let paths: Vec<_> = g.paths.iter().filter_map(|d| st.path(d)).collect();
        for (i, p) in paths.iter().enumerate() {
            out.push(if last_group { ' ' } else { '|' });
            out.push_str(if i + 1 == paths.len() { " `- " } else { " |- " });
            out.push_str(&table::path_line(
                st,
                v,
                p,
                PRINT_PATH_INDENT,
                Some(path_widths),
            ));
        }
    }
    out
}

/// All maps' trees (widths from the whole path vector, no headers).
pub(crate) fn maps_topology(st: &State, v: Version) -> String {
    let widths = table::path_layout(st, v, false);
    st.maps
        .iter()
        .map(|m| map_topology(st, v, m, &widths))
        .collect()
}
