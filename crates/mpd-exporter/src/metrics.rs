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
use std::sync::Arc;

use mpd_proto::health::HealthState;
use mpd_proto::model::snapshot::{Snapshot, SnapshotPath};
use mpd_proto::model::{CheckerState, DevState, MapDmState, MarginalState, PathDmState, Queueing};

use crate::{Listings, Scrape};

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
    ("multipathd_busy", "gauge", "1 while the daemon is handling uevents (`show status`; read with --busy only)."),
    ("multipathd_scrape_duration_seconds", "gauge", "How long this scrape of the daemon took."),
    ("multipathd_scrape_commands", "gauge", "Daemon commands this scrape sent."),
    ("multipathd_scrape_errors", "counter", "Scrapes in which the daemon did not answer or answered unreadably."),
    ("multipathd_maps", "gauge", "Maps the daemon monitors."),
    ("multipathd_map_active_paths", "gauge", "Active paths of the map (the daemon's count: checker usable)."),
    ("multipathd_map_paths", "gauge", "Paths of the map."),
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
    if !v.bytes().any(|b| matches!(b, b'\\' | b'"' | b'\n')) {
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
    /// Whether state sets list every known state (0 or 1) or only the
    /// current one.
    all_states: bool,
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
        if !self.all_states {
            if let Some(c) = current {
                self.sample(name, labels, Some((name, c)), 1);
            }
            return;
        }
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
/// Appends an escaped label list to `out`.
fn push_labels(out: &mut String, pairs: &[(&str, &str)]) {
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        escape(out, v);
        out.push('"');
    }
}

/// The escaped label lists of many objects, in one string.
#[derive(Default)]
struct Labels {
    text: String,
    ends: Vec<usize>,
}

impl Labels {
    fn with_capacity(objects: usize, bytes_each: usize) -> Labels {
        Labels {
            text: String::with_capacity(objects * bytes_each),
            ends: Vec::with_capacity(objects),
        }
    }

    fn push(&mut self, pairs: &[(&str, &str)]) {
        push_labels(&mut self.text, pairs);
        self.ends.push(self.text.len());
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }
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

/// How state sets are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StateSets {
    /// Only the current state, with the value 1: one series per object and
    /// family (the default).
    #[default]
    Current,
    /// Every known state, 1 for the current one and 0 for the others.
    All,
}

/// Renders one scrape in the given format, with state sets that list
/// only the current state (see [`render_with`]).
pub fn render(s: &Scrape, format: Format) -> String {
    render_with(s, format, StateSets::Current)
}

/// Renders one scrape in the given format and state-set style.
pub fn render_with(s: &Scrape, format: Format, states: StateSets) -> String {
    let objects = s
        .listings
        .as_ref()
        .map(|l| render_objects(l, format, states))
        .unwrap_or_default();
    let mut out = render_head(s, format, states);
    out.push_str(&objects);
    out.push_str(eof(format));
    out
}

/// The end of a body: `# EOF` in OpenMetrics.
fn eof(format: Format) -> &'static str {
    match format {
        Format::OpenMetrics => "# EOF\n",
        Format::Prometheus => "",
    }
}

/// The daemon's and the scrape's own families.
fn render_head(s: &Scrape, format: Format, states: StateSets) -> String {
    let mut w = Writer {
        out: String::with_capacity(2048),
        format,
        all_states: states == StateSets::All,
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
    w.out
}

/// The maps' and paths' families of one pair of listings.
fn render_objects(l: &Listings, format: Format, states: StateSets) -> String {
    render_objects_into(String::new(), l, None, format, states)
}

/// [`render_objects`] into `out` (cleared first; its memory reused);
/// `parsed` spares parsing the listings again.
fn render_objects_into(
    out: String,
    l: &Listings,
    parsed: Option<&Snapshot<'_>>,
    format: Format,
    states: StateSets,
) -> String {
    match parsed {
        Some(snap) => render_snapshot_into(out, snap, format, states),
        None => match l.snapshot() {
            Ok(snap) => render_snapshot_into(out, &snap, format, states),
            // A Collector keeps only listings that parse.
            Err(_) => {
                let mut out = out;
                out.clear();
                out
            }
        },
    }
}

fn render_snapshot_into(
    mut out: String,
    snap: &Snapshot<'_>,
    format: Format,
    states: StateSets,
) -> String {
    out.clear();
    out.reserve(4096 + snap.paths.len() * 1024 + snap.maps.len() * 1536);
    let mut w = Writer {
        out,
        format,
        all_states: states == StateSets::All,
    };
    render_snapshot(&mut w, snap);
    w.out
}

/// A rendered scrape in parts, written one after the other: the part made
/// from the daemon's listings may be shared with earlier scrapes.
#[derive(Debug, Clone)]
pub struct Body {
    head: String,
    objects: Arc<String>,
    eof: &'static str,
}

impl Body {
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.head.len() + self.objects.len() + self.eof.len()
    }

    /// True when there is nothing to write (never for a scrape).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parts, in order.
    pub fn parts(&self) -> [&[u8]; 3] {
        [
            self.head.as_bytes(),
            self.objects.as_bytes(),
            self.eof.as_bytes(),
        ]
    }
}

/// Renders scrapes and keeps, per format, what it made of the last
/// listings: when a scrape's listings are the previous one's (the
/// [`Collector`](crate::Collector) hands out the same `Arc` for identical
/// replies), the maps' and paths' families are not rendered again.
///
/// ```
/// use mpd_exporter::metrics::{render, Format, Renderer, StateSets};
/// use mpd_exporter::Scrape;
///
/// let down = Scrape::unreachable(std::time::Duration::from_millis(2), 1, "refused");
/// let mut r = Renderer::new(StateSets::Current);
/// let body = r.render(&down, Format::OpenMetrics);
/// let text: Vec<u8> = body.parts().concat();
/// assert_eq!(text, render(&down, Format::OpenMetrics).into_bytes());
/// ```
#[derive(Debug, Default)]
pub struct Renderer {
    states: StateSets,
    /// Per format: the listings and their rendering.
    cache: Vec<(Format, Arc<Listings>, Arc<String>)>,
    renders: u64,
}

impl Renderer {
    /// A renderer writing state sets in the given style.
    pub fn new(states: StateSets) -> Renderer {
        Renderer {
            states,
            cache: Vec::new(),
            renders: 0,
        }
    }

    /// How often the maps' and paths' families were rendered (not taken
    /// from the cache).
    pub fn renders(&self) -> u64 {
        self.renders
    }

    /// The body of one scrape: the same bytes as [`render_with`].
    pub fn render(&mut self, s: &Scrape, format: Format) -> Body {
        self.render_parsed(s, None, format)
    }

    /// [`Renderer::render`] with the scrape's listings already parsed, as
    /// [`Collector::scrape_with`](crate::Collector::scrape_with) hands them
    /// over: they are then not parsed again.
    pub fn render_parsed(
        &mut self,
        s: &Scrape,
        parsed: Option<&Snapshot<'_>>,
        format: Format,
    ) -> Body {
        let objects = match &s.listings {
            None => Arc::new(String::new()),
            Some(l) => {
                let hit = self
                    .cache
                    .iter()
                    .find(|(f, cached, _)| *f == format && Arc::ptr_eq(cached, l));
                match hit {
                    Some((_, _, text)) => text.clone(),
                    None => {
                        self.renders += 1;
                        // The memory of this format's last rendering, when
                        // no response holds it any more.
                        let old = self
                            .cache
                            .iter()
                            .position(|(f, _, _)| *f == format)
                            .map(|i| self.cache.swap_remove(i).2);
                        let buf = old
                            .and_then(|a| Arc::try_unwrap(a).ok())
                            .unwrap_or_default();
                        let text =
                            Arc::new(render_objects_into(buf, l, parsed, format, self.states));
                        self.cache.push((format, l.clone(), text.clone()));
                        text
                    }
                }
            }
        };
        Body {
            head: render_head(s, format, self.states),
            objects,
            eof: eof(format),
        }
    }
}

/// The maps' and paths' families.
fn render_snapshot(w: &mut Writer, snap: &Snapshot<'_>) {
    let path_maps = snap.path_maps();
    let healths = snap.health_with(&path_maps);
    let n = w.header("multipathd_maps");
    w.sample(&n, "", None, snap.maps.len() as u64);

    // Each map's labels, escaped once.
    let mut maps = Labels::with_capacity(snap.maps.len(), 64);
    for m in &snap.maps {
        maps.push(&[("map", m.name), ("wwid", m.uuid.unwrap_or(""))]);
    }

    let per_map = |w: &mut Writer, name: &'static str, f: &dyn Fn(usize) -> Option<u64>| {
        let n = w.header(name);
        for (i, labels) in maps.iter().enumerate() {
            if let Some(v) = f(i) {
                w.sample(&n, labels, None, v);
            }
        }
    };
    per_map(w, "multipathd_map_active_paths", &|i| {
        snap.maps[i].active_paths.map(u64::from)
    });
    per_map(w, "multipathd_map_paths", &|i| {
        Some(u64::from(healths[i].total_paths))
    });
    per_map(w, "multipathd_map_up_paths", &|i| {
        Some(u64::from(healths[i].up_paths))
    });

    let health_words: Vec<&str> = HealthState::ALL.iter().map(|h| h.name()).collect();
    let n = w.header("multipathd_map_health");
    for (i, labels) in maps.iter().enumerate() {
        w.stateset(&n, labels, &health_words, Some(healths[i].state.name()));
    }

    let n = w.header("multipathd_map_queueing");
    for (i, labels) in maps.iter().enumerate() {
        let (state, _) = queueing_state(snap.maps[i].queueing.as_ref());
        w.stateset(&n, labels, QUEUEING, Some(state));
    }
    per_map(w, "multipathd_map_queueing_retries", &|i| {
        queueing_state(snap.maps[i].queueing.as_ref())
            .1
            .map(u64::from)
    });
    per_map(w, "multipathd_map_queues_io", &|i| {
        Some(u64::from(healths[i].queues))
    });

    let dm_words = words(MapDmState::KNOWN, |s| s.as_str());
    let n = w.header("multipathd_map_dm_state");
    for (i, labels) in maps.iter().enumerate() {
        let current = snap.maps[i].dm_state.as_ref().map(|s| s.as_str());
        w.stateset(&n, labels, &dm_words, current);
    }

    per_map(w, "multipathd_map_path_faults", &|i| {
        snap.maps[i].path_faults
    });
    per_map(w, "multipathd_map_switch_group", &|i| {
        snap.maps[i].switch_grp
    });
    per_map(w, "multipathd_map_loads", &|i| snap.maps[i].map_loads);
    per_map(w, "multipathd_map_queueing_time_seconds", &|i| {
        snap.maps[i].total_q_time
    });
    per_map(w, "multipathd_map_queueing_timeouts", &|i| {
        snap.maps[i].q_timeouts
    });

    // Per-path state sets, for the paths in a map; each path's labels
    // escaped once. The WWID is the map's: on the map series only.
    let mut paths: Vec<&SnapshotPath<'_>> = Vec::with_capacity(snap.paths.len());
    let mut path_labels = Labels::with_capacity(snap.paths.len(), 48);
    for (p, m) in snap.paths.iter().zip(&path_maps) {
        if let Some(m) = *m {
            paths.push(p);
            path_labels.push(&[
                ("map", snap.maps[m].name),
                ("path", p.device),
                ("hcil", p.hcil.unwrap_or("")),
            ]);
        }
    }
    type Pick = for<'a> fn(&'a SnapshotPath<'_>) -> Option<&'a str>;
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
        for (p, labels) in paths.iter().zip(path_labels.iter()) {
            w.stateset(&n, labels, known, pick(p));
        }
    }
}
