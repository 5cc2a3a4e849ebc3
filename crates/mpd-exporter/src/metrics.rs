//! Rendering a [`Scrape`] as Prometheus text or OpenMetrics.
//!
//! Both formats carry the same samples with the same names and labels, so
//! a query reads the same whichever format the scraper negotiated. What
//! differs is the metadata: OpenMetrics names counter families without
//! `_total` (the sample keeps it), has the `info` and `stateset` types and
//! ends with `# EOF`; the Prometheus text format calls all of those gauges
//! (or counters) and names each family after its samples.
//!
//! A state set has one sample per state, 1 for the current state and 0 for
//! the others, the state in a label named like the family (as OpenMetrics
//! asks, and as Prometheus' Python client does in both formats):
//! `multipathd_path_checker_state{map="mpatha",wwid="…",path="sda",
//! multipathd_path_checker_state="ready"} 1`. A word the daemon prints that
//! this exporter does not know becomes one more state with the value 1; an
//! unknown state (the daemon's `undef`) leaves every state at 0.
//!
//! ```
//! use mpd_exporter::metrics::{render, Format};
//! use mpd_exporter::Scrape;
//!
//! let down = Scrape::unreachable(std::time::Duration::from_millis(2), 1, "connection refused");
//! let text = render(&down, Format::Prometheus);
//! assert!(text.contains("\nmultipathd_up 0\n"));
//! assert!(render(&down, Format::OpenMetrics).ends_with("# EOF\n"));
//! ```

use std::fmt::Write;

use mpd_proto::health::{map_health, HealthState};
use mpd_proto::model::{CheckerState, DevState, MapDmState, MarginalState, PathDmState, Queueing};

use crate::Scrape;

/// The exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Prometheus,
    /// OpenMetrics 1.0 (`application/openmetrics-text; version=1.0.0`).
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// The format an `Accept` header asks for: OpenMetrics when it lists
    /// `application/openmetrics-text` with a weight above zero and at least
    /// that of any other type it accepts, else the Prometheus text format.
    ///
    /// ```
    /// use mpd_exporter::metrics::Format;
    /// // What Prometheus 2.42 sends:
    /// let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /// assert_eq!(Format::negotiate(Some(prom)), Format::OpenMetrics);
    /// assert_eq!(Format::negotiate(Some("text/plain")), Format::Prometheus);
    /// assert_eq!(Format::negotiate(None), Format::Prometheus);
    /// ```
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Prometheus;
        };
        let (mut om, mut other) = (0.0f32, 0.0f32);
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0f32;
            for p in parts {
                if let Some((k, v)) = p.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("q") {
                        q = v.trim().parse().unwrap_or(0.0);
                    }
                }
            }
            if media == "application/openmetrics-text" {
                om = om.max(q);
            } else {
                other = other.max(q);
            }
        }
        if om > 0.0 && om >= other {
            Format::OpenMetrics
        } else {
            Format::Prometheus
        }
    }
}

/// The kind of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gauge,
    Counter,
    Info,
    StateSet,
}

/// Every family this exporter writes: name (of the samples, without the
/// `_total` or `_info` suffix for counters and infos), kind, help.
/// Kept in one table so that the README's table and the tests can check
/// it.
pub const FAMILIES: &[(&str, &str, &str)] = &[
    ("multipathd_up", "gauge", "1 if multipathd answered this scrape, else 0."),
    ("multipathd_version", "info", "multipath-tools version of the daemon."),
    ("multipathd_busy", "gauge", "1 while the daemon is busy (reconfiguring or handling uevents)."),
    ("multipathd_scrape_duration_seconds", "gauge", "How long this scrape of the daemon took."),
    ("multipathd_scrape_commands", "gauge", "Daemon commands this scrape sent."),
    ("multipathd_scrape_errors", "counter", "Scrapes in which the daemon did not answer or answered unreadably."),
    ("multipathd_maps", "gauge", "Maps the daemon monitors."),
    ("multipathd_map_active_paths", "gauge", "Active paths of the map (the daemon's count: checker usable)."),
    ("multipathd_map_paths", "gauge", "Paths of the map in all its path groups."),
    ("multipathd_map_up_paths", "gauge", "Paths of the map that are up (checker usable and not failed in the dm table)."),
    ("multipathd_map_health", "stateset", "Health of the map, judged from its paths, queueing and dm state."),
    ("multipathd_map_queueing", "stateset", "Queueing mode of the map when no path is left (no_path_retry): off, on, checks (N chk), seconds (N sec), unset (-)."),
    ("multipathd_map_queueing_retries", "gauge", "The N of a queueing mode of N checks or N seconds."),
    ("multipathd_map_queues_io", "gauge", "1 if the map queues I/O when no path is left."),
    ("multipathd_map_dm_state", "stateset", "Device-mapper state of the map."),
    ("multipathd_map_path_faults", "counter", "Path failures of the map, as the daemon counts them."),
    ("multipathd_map_switch_group", "counter", "Path group switches of the map."),
    ("multipathd_map_loads", "counter", "Table loads of the map."),
    ("multipathd_map_queueing_time_seconds", "counter", "Time the map spent queueing I/O without a path."),
    ("multipathd_map_queueing_timeouts", "counter", "Times the map's queueing ran out (no_path_retry expired)."),
    ("multipathd_path_dm_state", "stateset", "State of the path in the map's dm table."),
    ("multipathd_path_checker_state", "stateset", "The path checker's verdict on the path."),
    ("multipathd_path_device_state", "stateset", "Kernel device state of the path."),
    ("multipathd_path_marginal", "stateset", "Whether the path is marginal."),
];

fn family(name: &str) -> (Kind, &'static str) {
    let (_, kind, help) = FAMILIES
        .iter()
        .find(|(n, _, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not in FAMILIES"));
    let kind = match *kind {
        "gauge" => Kind::Gauge,
        "counter" => Kind::Counter,
        "info" => Kind::Info,
        _ => Kind::StateSet,
    };
    (kind, help)
}

/// Writes a label value escaped for both formats (`\\`, `\"`, `\n`).
fn escape(out: &mut String, v: &str) {
    if !v.contains(['\\', '"', '\n']) {
        out.push_str(v);
        return;
    }
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

struct Writer {
    out: String,
    format: Format,
}

impl Writer {
    /// The metadata lines of a family; returns the sample name.
    fn header(&mut self, name: &'static str) -> String {
        let (kind, help) = family(name);
        let om = self.format == Format::OpenMetrics;
        let (family, sample, ty) = match (kind, om) {
            (Kind::Gauge, _) => (name.to_owned(), name.to_owned(), "gauge"),
            (Kind::Counter, true) => (name.to_owned(), format!("{name}_total"), "counter"),
            (Kind::Counter, false) => (format!("{name}_total"), format!("{name}_total"), "counter"),
            (Kind::Info, true) => (name.to_owned(), format!("{name}_info"), "info"),
            (Kind::Info, false) => (format!("{name}_info"), format!("{name}_info"), "gauge"),
            (Kind::StateSet, true) => (name.to_owned(), name.to_owned(), "stateset"),
            (Kind::StateSet, false) => (name.to_owned(), name.to_owned(), "gauge"),
        };
        let _ = writeln!(self.out, "# HELP {family} {help}");
        let _ = writeln!(self.out, "# TYPE {family} {ty}");
        if om && name.ends_with("_seconds") {
            let _ = writeln!(self.out, "# UNIT {family} seconds");
        }
        sample
    }

    /// One sample: `name{labels} value`, where `labels` is an escaped,
    /// comma-separated label list (possibly empty) and `state` one more
    /// label (a state set's) to append.
    fn sample(&mut self, name: &str, labels: &str, state: Option<(&str, &str)>, value: u64) {
        let o = &mut self.out;
        o.push_str(name);
        if !labels.is_empty() || state.is_some() {
            o.push('{');
            o.push_str(labels);
            if let Some((k, v)) = state {
                if !labels.is_empty() {
                    o.push(',');
                }
                o.push_str(k);
                o.push_str("=\"");
                escape(o, v);
                o.push('"');
            }
            o.push('}');
        }
        o.push(' ');
        push_u64(o, value);
        o.push('\n');
    }

    /// One state set: every known state, and the current one if unknown.
    fn stateset(&mut self, name: &str, labels: &str, known: &[&str], current: Option<&str>) {
        for state in known {
            let v = u64::from(current == Some(*state));
            self.sample(name, labels, Some((name, state)), v);
        }
        if let Some(c) = current {
            if !known.contains(&c) {
                self.sample(name, labels, Some((name, c)), 1);
            }
        }
    }
}

fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// An escaped label list: `k1="v1",k2="v2"`.
fn label_list(pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 4).sum());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        escape(&mut out, v);
        out.push('"');
    }
    out
}

fn words<T>(known: &[T], f: impl Fn(&T) -> &str) -> Vec<&str> {
    known.iter().map(f).collect()
}

fn queueing_state(q: Option<&Queueing>) -> (&str, Option<u32>) {
    match q {
        None => ("unset", None),
        Some(Queueing::Off) => ("off", None),
        Some(Queueing::On) => ("on", None),
        Some(Queueing::Checks(n)) => ("checks", Some(*n)),
        Some(Queueing::Seconds(n)) => ("seconds", Some(*n)),
        Some(Queueing::Other(s)) => (s.as_str(), None),
        // Queueing is non_exhaustive.
        #[allow(unreachable_patterns)]
        Some(_) => ("other", None),
    }
}

const QUEUEING: &[&str] = &["unset", "off", "on", "checks", "seconds"];

/// Renders one scrape in the given format.
pub fn render(s: &Scrape, format: Format) -> String {
    let paths = s.topology.as_ref().map_or(0, |t| t.paths().count());
    let mut w = Writer {
        out: String::with_capacity(4096 + paths * 3072),
        format,
    };

    let n = w.header("multipathd_up");
    w.sample(&n, "", None, u64::from(s.up));
    if let Some(v) = &s.version {
        let n = w.header("multipathd_version");
        w.sample(&n, "", Some(("version", &v.to_string())), 1);
    }
    if let Some(busy) = s.busy {
        let n = w.header("multipathd_busy");
        w.sample(&n, "", None, u64::from(busy));
    }
    let n = w.header("multipathd_scrape_duration_seconds");
    let _ = writeln!(w.out, "{n} {:.6}", s.duration.as_secs_f64());
    let n = w.header("multipathd_scrape_commands");
    w.sample(&n, "", None, s.commands);
    let n = w.header("multipathd_scrape_errors");
    w.sample(&n, "", None, s.errors_total);

    if let Some(t) = &s.topology {
        let n = w.header("multipathd_maps");
        w.sample(&n, "", None, t.maps.len() as u64);

        // Each map's labels, escaped once.
        let maps: Vec<String> = t
            .maps
            .iter()
            .map(|m| label_list(&[("map", &m.name), ("wwid", m.uuid.as_deref().unwrap_or(""))]))
            .collect();
        let healths: Vec<_> = t.maps.iter().map(map_health).collect();

        let per_map = |w: &mut Writer, name: &'static str, f: &dyn Fn(usize) -> Option<u64>| {
            let n = w.header(name);
            for (i, labels) in maps.iter().enumerate() {
                if let Some(v) = f(i) {
                    w.sample(&n, labels, None, v);
                }
            }
        };
        per_map(&mut w, "multipathd_map_active_paths", &|i| {
            t.maps[i].active_paths.map(u64::from)
        });
        per_map(&mut w, "multipathd_map_paths", &|i| {
            Some(u64::from(healths[i].total_paths))
        });
        per_map(&mut w, "multipathd_map_up_paths", &|i| {
            Some(u64::from(healths[i].up_paths))
        });

        let health_words: Vec<&str> = HealthState::ALL.iter().map(|h| h.name()).collect();
        let n = w.header("multipathd_map_health");
        for (i, labels) in maps.iter().enumerate() {
            w.stateset(&n, labels, &health_words, Some(healths[i].state.name()));
        }

        let n = w.header("multipathd_map_queueing");
        for (i, labels) in maps.iter().enumerate() {
            let (state, _) = queueing_state(t.maps[i].queueing.as_ref());
            w.stateset(&n, labels, QUEUEING, Some(state));
        }
        per_map(&mut w, "multipathd_map_queueing_retries", &|i| {
            queueing_state(t.maps[i].queueing.as_ref()).1.map(u64::from)
        });
        per_map(&mut w, "multipathd_map_queues_io", &|i| {
            Some(u64::from(healths[i].queues))
        });

        let dm_words = words(MapDmState::KNOWN, |s| s.as_str());
        let n = w.header("multipathd_map_dm_state");
        for (i, labels) in maps.iter().enumerate() {
            w.stateset(
                &n,
                labels,
                &dm_words,
                t.maps[i].dm_state.as_ref().map(|s| s.as_str()),
            );
        }

        per_map(&mut w, "multipathd_map_path_faults", &|i| {
            t.maps[i].path_faults
        });
        per_map(&mut w, "multipathd_map_switch_group", &|i| {
            t.maps[i].switch_grp
        });
        per_map(&mut w, "multipathd_map_loads", &|i| t.maps[i].map_loads);
        per_map(&mut w, "multipathd_map_queueing_time_seconds", &|i| {
            t.maps[i].total_q_time
        });
        per_map(&mut w, "multipathd_map_queueing_timeouts", &|i| {
            t.maps[i].q_timeouts
        });

        // Per-path state sets; each path's labels escaped once.
        let path_labels: Vec<String> = t
            .maps
            .iter()
            .zip(&maps)
            .flat_map(|(m, labels)| {
                m.path_groups.iter().flat_map(|g| &g.paths).map(move |p| {
                    let mut l = labels.clone();
                    l.push(',');
                    l.push_str(&label_list(&[("path", &p.device)]));
                    l
                })
            })
            .collect();
        type Pick = fn(&mpd_proto::model::TopologyPath) -> Option<&str>;
        let path_sets: [(&'static str, Vec<&str>, Pick); 4] = [
            (
                "multipathd_path_dm_state",
                words(PathDmState::KNOWN, |s| s.as_str()),
                |p| p.dm_state.as_ref().map(|s| s.as_str()),
            ),
            (
                "multipathd_path_checker_state",
                words(CheckerState::KNOWN, |s| s.as_str()),
                |p| p.checker_state.as_ref().map(|s| s.as_str()),
            ),
            (
                "multipathd_path_device_state",
                words(DevState::KNOWN, |s| s.as_str()),
                |p| p.dev_state.as_ref().map(|s| s.as_str()),
            ),
            (
                "multipathd_path_marginal",
                words(MarginalState::KNOWN, |s| s.as_str()),
                |p| p.marginal.as_ref().map(|s| s.as_str()),
            ),
        ];
        for (name, known, pick) in &path_sets {
            let n = w.header(name);
            for ((_, p), labels) in t.paths().zip(&path_labels) {
                w.stateset(&n, labels, known, pick(p));
            }
        }
    }

    if format == Format::OpenMetrics {
        w.out.push_str("# EOF\n");
    }
    w.out
}
