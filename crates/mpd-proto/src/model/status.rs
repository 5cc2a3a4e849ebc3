//! Daemon status and the padded tables (`show maps status`, `show maps
//! stats`, and any `show … format`).
//!
//! ```
//! use mpd_proto::model::status::{parse_daemon_state, parse_daemon_status};
//!
//! let s = parse_daemon_status("path checker states:\nup                  4\n\npaths: 4\nbusy: False\n").unwrap();
//! assert_eq!((s.checker_states["up"], s.paths, s.busy), (4, 4, false));
//! assert_eq!(parse_daemon_state("pid 217 idle\n").unwrap().pid, 217);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::known;
use super::state::{opt_state, MapDmState, Queueing};
use crate::error::Error;

/// `show status`: how many paths each checker state holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DaemonStatus {
    /// Paths per checker state (`up`, `down`, `ghost`, …).
    pub checker_states: BTreeMap<String, u64>,
    /// Total number of paths.
    pub paths: u64,
    /// Whether the daemon is busy (reconfiguring or handling uevents).
    pub busy: bool,
}

/// `show daemon`: the daemon's pid and state word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DaemonState {
    /// Process id.
    pub pid: u32,
    /// State: `idle`, `running`, `configure`, `shutdown`, `startup`, …
    pub state: String,
}

/// One row of `show maps status`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MapStatus {
    /// Map name.
    pub name: String,
    /// Failback policy.
    pub failback: Option<String>,
    /// Queueing (`off`, `on`, `5 chk`, …); `None` for `-`.
    pub queueing: Option<Queueing>,
    /// Number of *active* paths (the checker finds them usable), the
    /// daemon's `%N`; not the total.
    pub active_paths: Option<u32>,
    /// dm state (`active`, `suspend`).
    pub dm_state: Option<MapDmState>,
    /// Write protection.
    pub write_prot: Option<String>,
}

/// One row of `show maps stats`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MapStats {
    /// Map name.
    pub name: String,
    /// Path failures.
    pub path_faults: Option<u64>,
    /// Path-group switches.
    pub switch_grp: Option<u64>,
    /// Table loads.
    pub map_loads: Option<u64>,
    /// Seconds spent queueing.
    pub total_q_time: Option<u64>,
    /// Queueing timeouts.
    pub q_timeouts: Option<u64>,
}

/// A padded table as `show paths`, `show maps`, `show … format F` print it:
/// a header line, then rows whose columns are left-aligned and padded to the
/// widest cell, separated by one space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Table {
    /// Column headers.
    pub header: Vec<String>,
    /// Rows, one cell per column, trimmed.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Index of the column with this header.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The cells of one column.
    pub fn cells<'a>(&'a self, name: &str) -> Option<impl Iterator<Item = &'a str> + 'a> {
        let i = self.column(name)?;
        Some(self.rows.iter().map(move |r| r[i].as_str()))
    }
}

/// Parses a padded table. A column starts where the header has a word and
/// every line has a space just before it, so cells that contain spaces
/// (`5 chk`, `i/o pending`) stay whole.
pub fn parse_table(text: &str) -> Result<Table, Error> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let Some(header) = lines.first() else {
        return Ok(Table::default());
    };
    if !lines.iter().all(|l| l.is_ascii()) {
        // Column positions are byte positions; fall back to whitespace
        // splitting when wide characters could shift them.
        return split_table(&lines);
    }
    let hb = header.as_bytes();
    let space_at = |line: &str, i: usize| line.as_bytes().get(i).is_none_or(|&b| b == b' ');
    let mut starts = Vec::new();
    for i in 0..hb.len() {
        let word_start = hb[i] != b' ' && (i == 0 || hb[i - 1] == b' ');
        if word_start && (i == 0 || lines.iter().all(|l| space_at(l, i - 1))) {
            starts.push(i);
        }
    }
    let cut = |line: &str| -> Vec<String> {
        starts
            .iter()
            .enumerate()
            .map(|(k, &s)| {
                let end = starts.get(k + 1).map_or(line.len(), |&e| e.min(line.len()));
                line.get(s.min(line.len())..end)
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            })
            .collect()
    };
    Ok(Table {
        header: cut(header),
        rows: lines[1..].iter().map(|l| cut(l)).collect(),
    })
}

fn split_table(lines: &[&str]) -> Result<Table, Error> {
    let header: Vec<String> = lines[0].split_whitespace().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for l in &lines[1..] {
        let row: Vec<String> = l.split_whitespace().map(str::to_owned).collect();
        if row.len() != header.len() {
            return Err(Error::parse(
                "table",
                format!("row {l:?} does not match the header"),
            ));
        }
        rows.push(row);
    }
    Ok(Table { header, rows })
}

fn column(t: &Table, what: &'static str, name: &str) -> Result<usize, Error> {
    t.column(name)
        .ok_or_else(|| Error::parse(what, format!("no {name:?} column in {:?}", t.header)))
}

fn num<T: std::str::FromStr>(what: &'static str, cell: &str) -> Result<Option<T>, Error> {
    match known(cell) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Error::parse(what, format!("{v:?} is not a number"))),
    }
}

/// Parses `show maps status`.
pub fn parse_map_status(text: &str) -> Result<Vec<MapStatus>, Error> {
    const W: &str = "map status";
    let t = parse_table(text)?;
    if t.header.is_empty() {
        return Ok(Vec::new());
    }
    let [n, f, q, p, d, w] = [
        "name",
        "failback",
        "queueing",
        "paths",
        "dm-st",
        "write_prot",
    ]
    .map(|c| column(&t, W, c));
    let (n, f, q, p, d, w) = (n?, f?, q?, p?, d?, w?);
    t.rows
        .iter()
        .map(|r| {
            Ok(MapStatus {
                name: r[n].clone(),
                failback: known(&r[f]),
                queueing: opt_state(&r[q]),
                active_paths: num(W, &r[p])?,
                dm_state: opt_state(&r[d]),
                write_prot: known(&r[w]),
            })
        })
        .collect()
}

/// Parses `show maps stats`.
pub fn parse_map_stats(text: &str) -> Result<Vec<MapStats>, Error> {
    const W: &str = "map stats";
    let t = parse_table(text)?;
    if t.header.is_empty() {
        return Ok(Vec::new());
    }
    let [n, pf, sg, ml, tq, qt] = [
        "name",
        "path_faults",
        "switch_grp",
        "map_loads",
        "total_q_time",
        "q_timeouts",
    ]
    .map(|c| column(&t, W, c));
    let (n, pf, sg, ml, tq, qt) = (n?, pf?, sg?, ml?, tq?, qt?);
    t.rows
        .iter()
        .map(|r| {
            Ok(MapStats {
                name: r[n].clone(),
                path_faults: num(W, &r[pf])?,
                switch_grp: num(W, &r[sg])?,
                map_loads: num(W, &r[ml])?,
                total_q_time: num(W, &r[tq])?,
                q_timeouts: num(W, &r[qt])?,
            })
        })
        .collect()
}

/// Parses `show status`.
pub fn parse_daemon_status(text: &str) -> Result<DaemonStatus, Error> {
    const W: &str = "daemon status";
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("path checker states:") {
        return Err(Error::parse(
            W,
            "does not start with \"path checker states:\"",
        ));
    }
    let mut s = DaemonStatus::default();
    let (mut paths, mut busy) = (None, None);
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(v) = line.strip_prefix("paths:") {
            paths = Some(num::<u64>(W, v)?.ok_or_else(|| Error::parse(W, "no path count"))?);
        } else if let Some(v) = line.strip_prefix("busy:") {
            busy = Some(match v.trim() {
                "True" => true,
                "False" => false,
                other => return Err(Error::parse(W, format!("busy is {other:?}"))),
            });
        } else {
            let (state, count) = line
                .rsplit_once(' ')
                .ok_or_else(|| Error::parse(W, format!("unreadable line {line:?}")))?;
            let count = num::<u64>(W, count)?.unwrap_or(0);
            s.checker_states.insert(state.trim().to_owned(), count);
        }
    }
    s.paths = paths.ok_or_else(|| Error::parse(W, "no \"paths:\" line"))?;
    s.busy = busy.ok_or_else(|| Error::parse(W, "no \"busy:\" line"))?;
    Ok(s)
}

/// Parses `show daemon` (`pid 217 idle`).
pub fn parse_daemon_state(text: &str) -> Result<DaemonState, Error> {
    let bad = || {
        Error::parse(
            "daemon state",
            format!("{:?} is not \"pid N STATE\"", text.trim()),
        )
    };
    let rest = text.trim().strip_prefix("pid ").ok_or_else(bad)?;
    let (pid, state) = rest.split_once(' ').ok_or_else(bad)?;
    let state = state.trim();
    if state.is_empty() {
        return Err(bad());
    }
    Ok(DaemonState {
        pid: pid.parse().map_err(|_| bad())?,
        state: state.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_keeps_cells_with_spaces() {
        let t = parse_table(
            "name   failback queueing paths dm-st   write_prot\n\
             mpatha -        5 chk    1     suspend rw        \n\
             mpathb manual   -        2     active  ro        \n",
        )
        .unwrap();
        assert_eq!(
            t.header,
            [
                "name",
                "failback",
                "queueing",
                "paths",
                "dm-st",
                "write_prot"
            ]
        );
        assert_eq!(t.rows[0], ["mpatha", "-", "5 chk", "1", "suspend", "rw"]);
        let s = parse_map_status(
            "name   failback queueing paths dm-st   write_prot\nmpatha -        5 chk    1     suspend rw        \n",
        )
        .unwrap();
        assert_eq!(s[0].queueing, Some(Queueing::Checks(5)));
        assert_eq!(s[0].dm_state, Some(MapDmState::Suspend));
        assert_eq!(s[0].failback, None);
    }

    #[test]
    fn errors() {
        assert!(parse_daemon_state("pid x idle").is_err());
        assert!(parse_daemon_state("pid 1").is_err());
        assert!(parse_daemon_status("paths: 4\n").is_err());
        assert!(parse_daemon_status("path checker states:\nbusy: False\n").is_err());
        assert!(parse_map_status("a b\n1 2\n").is_err());
        assert!(parse_map_stats("").unwrap().is_empty());
    }
}
