//! What a subcommand prints: aligned tables for people, the models' serde
//! JSON for scripts (the README documents the schema).

use std::fmt::Display;

use mpd_client::{
    DaemonState, DaemonStatus, Health, Map, MapHealth, MapStats, MapStatus, MapTopology, Path,
    PrKey, PrStatus, Removal, Topology,
};
use serde_json::{json, Value};

/// The result of a subcommand. The variants of the operations' output
/// kinds carry `mpd_proto::ops::OutputKind`'s names (the generated
/// dispatch in `ops.rs` relies on that).
#[derive(Debug)]
pub enum Output {
    /// An action that succeeded.
    Done,
    /// Text, printed as it is (JSON: a string).
    Text(String),
    /// Path rows.
    Paths(Vec<Path>),
    /// Map rows.
    Maps(Vec<Map>),
    /// The topology.
    Topology(Topology),
    /// One map's topology.
    MapTopology(MapTopology),
    /// `show status`.
    DaemonStatus(DaemonStatus),
    /// `show daemon`.
    DaemonState(DaemonState),
    /// `show maps status`.
    MapStatusList(Vec<MapStatus>),
    /// `show maps stats`.
    MapStatsList(Vec<MapStats>),
    /// A reservation status.
    PrStatus(PrStatus),
    /// A reservation key, if one is set.
    PrKey(Option<PrKey>),
    /// Every map's health.
    Health(Health),
    /// One map's health.
    MapHealth(MapHealth),
    /// One map's row (a wait's result).
    MapRow(Map),
    /// One path's row (a wait's result).
    PathRow(Path),
    /// What a safe removal did.
    Removal(Removal),
}

fn pr_status_word(s: PrStatus) -> &'static str {
    match s {
        PrStatus::Set => "set",
        PrStatus::Unset => "unset",
        PrStatus::Unknown => "unknown",
    }
}

fn opt<T: Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// Aligned columns, two spaces apart, the last one not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len().saturating_sub(1);
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i == last {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn path_rows(paths: &[Path]) -> String {
    let rows: Vec<Vec<String>> = paths
        .iter()
        .map(|p| {
            vec![
                p.device.clone(),
                format!("{}:{}", p.major, p.minor),
                opt(&p.map),
                opt(&p.dm_state),
                opt(&p.checker_state),
                opt(&p.dev_state),
                opt(&p.hcil),
                opt(&p.priority),
            ]
        })
        .collect();
    table(
        &[
            "DEVICE", "DEV_T", "MAP", "DM", "CHECKER", "DEV", "HCIL", "PRIO",
        ],
        &rows,
    )
}

fn map_rows(maps: &[Map]) -> String {
    let rows: Vec<Vec<String>> = maps
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                opt(&m.uuid),
                opt(&m.device),
                opt(&m.active_paths),
                opt(&m.dm_state),
                opt(&m.queueing),
                opt(&m.size),
                opt(&m.vendor),
                opt(&m.product),
            ]
        })
        .collect();
    table(
        &[
            "NAME", "UUID", "DEVICE", "ACTIVE", "DM", "QUEUEING", "SIZE", "VENDOR", "PRODUCT",
        ],
        &rows,
    )
}

fn topology_text(maps: &[MapTopology]) -> String {
    let mut rows = Vec::new();
    for m in maps {
        for (gi, g) in m.path_groups.iter().enumerate() {
            for p in &g.paths {
                rows.push(vec![
                    m.name.clone(),
                    opt(&m.uuid),
                    g.number.unwrap_or(gi as u32 + 1).to_string(),
                    opt(&g.dm_state),
                    opt(&g.priority),
                    p.device.clone(),
                    opt(&p.dm_state),
                    opt(&p.checker_state),
                    opt(&p.dev_state),
                    opt(&p.hcil),
                ]);
            }
        }
        if m.path_groups.iter().all(|g| g.paths.is_empty()) {
            let dash = || "-".to_owned();
            rows.push(vec![
                m.name.clone(),
                opt(&m.uuid),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
            ]);
        }
    }
    table(
        &[
            "MAP", "UUID", "GROUP", "GROUP_DM", "PRIO", "PATH", "DM", "CHECKER", "DEV", "HCIL",
        ],
        &rows,
    )
}

fn health_rows(maps: &[&MapHealth]) -> String {
    let rows: Vec<Vec<String>> = maps
        .iter()
        .map(|m| {
            let down: Vec<&str> = m.down_paths.iter().map(|p| p.device.as_str()).collect();
            vec![
                m.name.clone(),
                m.state.to_string(),
                format!("{}/{}", m.up_paths, m.total_paths),
                if m.queues { "yes" } else { "no" }.to_owned(),
                if down.is_empty() {
                    "-".to_owned()
                } else {
                    down.join(",")
                },
            ]
        })
        .collect();
    table(&["MAP", "STATE", "UP", "QUEUES", "DOWN_PATHS"], &rows)
}

impl Output {
    /// The text for people (ends with a newline unless empty).
    pub fn text(&self) -> String {
        match self {
            Output::Done => String::new(),
            Output::Text(t) => {
                if t.is_empty() || t.ends_with('\n') {
                    t.clone()
                } else {
                    format!("{t}\n")
                }
            }
            Output::Paths(p) => path_rows(p),
            Output::PathRow(p) => path_rows(std::slice::from_ref(p)),
            Output::Maps(m) => map_rows(m),
            Output::MapRow(m) => map_rows(std::slice::from_ref(m)),
            Output::Topology(t) => topology_text(&t.maps),
            Output::MapTopology(m) => topology_text(std::slice::from_ref(m)),
            Output::DaemonStatus(s) => {
                let mut rows = vec![
                    vec!["paths".to_owned(), s.paths.to_string()],
                    vec!["busy".to_owned(), s.busy.to_string()],
                ];
                for (state, n) in &s.checker_states {
                    rows.push(vec![format!("checker {state}"), n.to_string()]);
                }
                table(&["FIELD", "VALUE"], &rows)
            }
            Output::DaemonState(d) => table(
                &["PID", "STATE"],
                &[vec![d.pid.to_string(), d.state.clone()]],
            ),
            Output::MapStatusList(list) => {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|m| {
                        vec![
                            m.name.clone(),
                            opt(&m.failback),
                            opt(&m.queueing),
                            opt(&m.active_paths),
                            opt(&m.dm_state),
                            opt(&m.write_prot),
                        ]
                    })
                    .collect();
                table(
                    &["NAME", "FAILBACK", "QUEUEING", "ACTIVE", "DM", "WRITE_PROT"],
                    &rows,
                )
            }
            Output::MapStatsList(list) => {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|m| {
                        vec![
                            m.name.clone(),
                            opt(&m.path_faults),
                            opt(&m.switch_grp),
                            opt(&m.map_loads),
                            opt(&m.total_q_time),
                            opt(&m.q_timeouts),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "NAME",
                        "PATH_FAULTS",
                        "SWITCH_GRP",
                        "MAP_LOADS",
                        "TOTAL_Q_TIME",
                        "Q_TIMEOUTS",
                    ],
                    &rows,
                )
            }
            Output::PrStatus(s) => format!("{}\n", pr_status_word(*s)),
            Output::PrKey(None) => "none\n".to_owned(),
            Output::PrKey(Some(k)) => {
                format!("0x{:x}{}\n", k.key, if k.aptpl { ":aptpl" } else { "" })
            }
            Output::Health(h) => {
                let mut s = health_rows(&h.maps.iter().collect::<Vec<_>>());
                let counts: Vec<String> =
                    h.counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
                s.push_str(&format!("\n{}\n", counts.join(", ")));
                s
            }
            Output::MapHealth(m) => health_rows(&[m]),
            Output::Removal(r) => {
                let mut rows = vec![
                    vec!["map".to_owned(), r.map.clone()],
                    vec!["attempts".to_owned(), r.attempts.to_string()],
                    vec!["already_gone".to_owned(), r.already_gone.to_string()],
                    vec![
                        "queueing_disabled".to_owned(),
                        r.queueing_disabled.to_string(),
                    ],
                    vec![
                        "elapsed".to_owned(),
                        format!("{:.3}s", r.elapsed.as_secs_f64()),
                    ],
                ];
                if let Some(e) = &r.last_error {
                    rows.push(vec!["last_error".to_owned(), e.clone()]);
                }
                table(&["FIELD", "VALUE"], &rows)
            }
        }
    }

    /// The JSON value (see the README's schema).
    pub fn json(&self) -> Value {
        let v = match self {
            Output::Done => return json!({ "ok": true }),
            Output::Text(t) => serde_json::to_value(t),
            Output::Paths(p) => serde_json::to_value(p),
            Output::PathRow(p) => serde_json::to_value(p),
            Output::Maps(m) => serde_json::to_value(m),
            Output::MapRow(m) => serde_json::to_value(m),
            Output::Topology(t) => serde_json::to_value(t),
            Output::MapTopology(m) => serde_json::to_value(m),
            Output::DaemonStatus(s) => serde_json::to_value(s),
            Output::DaemonState(d) => serde_json::to_value(d),
            Output::MapStatusList(l) => serde_json::to_value(l),
            Output::MapStatsList(l) => serde_json::to_value(l),
            Output::PrStatus(s) => return json!(pr_status_word(*s)),
            Output::PrKey(None) => return Value::Null,
            Output::PrKey(Some(k)) => {
                return json!({ "key": format!("0x{:x}", k.key), "aptpl": k.aptpl })
            }
            Output::Health(h) => serde_json::to_value(h),
            Output::MapHealth(m) => serde_json::to_value(m),
            Output::Removal(r) => serde_json::to_value(r),
        };
        v.expect("the models serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align() {
        let t = table(
            &["A", "BB", "C"],
            &[
                vec!["long-cell".into(), "x".into(), "end".into()],
                vec!["y".into(), "-".into(), "".into()],
            ],
        );
        assert_eq!(t, "A          BB  C\nlong-cell  x   end\ny          -\n");
    }
}
