//! Typed values the daemon reports, and the parsers that build them.
//!
//! Each submodule parses one reply shape; every parser takes the reply text,
//! returns a `Result`, and never panics.
//!
//! - [`paths`]: [`Path`] rows from `show paths raw format`.
//! - [`maps`]: [`Map`] rows from `show maps raw format`.
//! - [`topology`]: [`Topology`] from `show maps json` / `show map M json`, and
//!   from the text of `show topology`.
//! - [`state`]: the states the daemon prints, as enums with one spelling
//!   table each ([`CheckerState`], [`PathDmState`], [`Queueing`], …).
//! - [`snapshot`]: a [`Snapshot`](snapshot::Snapshot) of every map (with its
//!   counters) and path (with its H:C:T:L) from two raw listings, for
//!   monitors.
//! - [`status`]: [`DaemonStatus`], [`DaemonState`], [`MapStatus`],
//!   [`MapStats`], and a generic padded [`Table`].
//!
//! Values the daemon prints as `-`, `[undef]`, `[orphan]` or leaves empty
//! become `None`; so does 0.12+'s `[offline]` for the map of a path that is
//! in no map yet (one the daemon will add once it comes online).

mod de;
pub mod maps;
pub mod paths;
pub mod pr;
pub mod snapshot;
pub mod state;
pub mod status;
pub mod topology;

pub use maps::{Map, MapField};
pub use paths::{Path, PathField};
pub use state::{
    CheckerState, DevState, GroupState, MapDmState, MarginalState, PathDmState, Queueing,
};
pub use status::{DaemonState, DaemonStatus, MapStats, MapStatus, Table};
pub use topology::{MapTopology, PathGroup, Topology, TopologyPath};

/// A field value, or `None` where the daemon says it does not know.
pub(crate) fn known(s: &str) -> Option<String> {
    match s.trim() {
        "" | "-" | "[undef]" | "undef" | "[orphan]" | "[offline]" | "[unknown]" | "#" => None,
        v => Some(v.to_owned()),
    }
}

/// Parses `major:minor`.
pub(crate) fn parse_dev_t(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.trim().split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Splits `vend,prod[,rev]` (the `%s` wildcard). 0.8/0.9 print vendor and
/// product, 0.11 adds the revision for paths.
pub(crate) fn split_vpr(s: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut it = s.splitn(3, ',');
    let v = it.next().and_then(known);
    let p = it.next().and_then(known);
    let r = it.next().and_then(known);
    (v, p, r)
}

/// Splits one raw-format line on `|` into exactly `n` fields, the last one
/// taking any extra `|`.
pub(crate) fn split_fields(line: &str, n: usize) -> Option<Vec<&str>> {
    let fields: Vec<&str> = line.splitn(n, '|').collect();
    (fields.len() == n).then_some(fields)
}
