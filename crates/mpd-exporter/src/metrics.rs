//! Rendering a [`Scrape`] as Prometheus text or OpenMetrics.
//!
//! Both formats carry the same samples with the same names and labels, so
//! a query reads the same whichever format the scraper negotiated. What
//! differs is the metadata: OpenMetrics names counter families without
//! `_total` (the sample keeps it), has the `info` and `stateset` types and
//! ends with `# EOF`; the Prometheus text format calls all of those gauges
//! (or counters) and names each family after its samples.
//!
//! A state set's state is in a label named like the family (as
//! OpenMetrics asks, and as Prometheus' Python client does in both
//! formats): `multipathd_path_checker_state{map="mpatha",path="sda",
//! hcil="0:0:0:0",multipathd_path_checker_state="ready"} 1`. By default
//! ([`StateSets::Current`]) only the current state has a sample, with the
//! value 1, and an unknown state (the daemon's `undef`) none; with
//! [`StateSets::All`] every known state has one, 1 for the current state
//! and 0 for the others. A word the daemon prints that this exporter does
//! not know becomes one more state with the value 1, in both styles.
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

use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;
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

struct Writer<'p> {
    out: String,
    format: Format,
    /// Whether state sets list every known state (0 or 1) or only the
    /// current one.
    all_states: bool,
    /// The previous rendering of the same maps and paths, and which of
    /// them changed since: the samples of the others are copied from it.
    prev: Option<Prev<'p>>,
    /// Where each object's samples went, family by family.
    sections: Vec<Section>,
    /// Bytes copied from the previous rendering.
    reused: u64,
    /// Whether `sections` is unfit for the next rendering.
    broken: bool,
}

impl Writer<'_> {
    fn new(out: String, format: Format, states: StateSets) -> Writer<'static> {
        Writer {
            out,
            format,
            all_states: states == StateSets::All,
            prev: None,
            sections: Vec::new(),
            reused: 0,
            broken: false,
        }
    }
}

/// The kinds of objects whose samples are kept apart.
#[derive(Debug, Clone, Copy)]
enum Object {
    Map,
    Path,
}

/// A previous rendering, its layout, and the objects that changed since
/// (indices, ascending).
struct Prev<'p> {
    text: &'p str,
    layout: &'p Layout,
    maps: Vec<usize>,
    paths: Vec<usize>,
}

impl Prev<'_> {
    fn changed(&self, kind: Object) -> &[usize] {
        match kind {
            Object::Map => &self.maps,
            Object::Path => &self.paths,
        }
    }
}

/// Where a rendering put each object's samples, and the listing lines it
/// made them from: enough for the next rendering to copy the samples of
/// every object whose line (and, for a map, whose paths' lines) did not
/// change.
#[derive(Debug, Default)]
struct Layout {
    /// Per family of per-object samples, in the order written.
    sections: Vec<Section>,
    /// Each map's line, as a range of the map listing.
    map_lines: Vec<Range<usize>>,
    /// Each path's line, as a range of the path listing.
    path_lines: Vec<Range<usize>>,
    /// Each path's map.
    path_maps: Vec<Option<usize>>,
}

/// One family's per-object samples: where they start, and where each
/// object's end (an object without samples ends where it starts).
#[derive(Debug)]
struct Section {
    start: usize,
    ends: Vec<usize>,
}

impl Section {
    fn range(&self, i: usize) -> Range<usize> {
        let start = if i == 0 { self.start } else { self.ends[i - 1] };
        start..self.ends[i]
    }
}

/// A family's sample name, and the start of its labelled samples
/// (`name{`), made once per family.
struct Family {
    name: String,
    open: String,
}

/// The ends of a state set's samples after an object's labels, made once
/// per family: `,family="state"} 1` and `… 0`, per known state.
struct States<'w> {
    words: &'w [&'w str],
    ones: Vec<String>,
    zeros: Vec<String>,
}

impl<'w> States<'w> {
    fn new(family: &Family, words: &'w [&'w str]) -> States<'w> {
        let end = |w: &str, v: char| {
            let mut s = String::with_capacity(family.name.len() + w.len() + 9);
            s.push(',');
            s.push_str(&family.name);
            s.push_str("=\"");
            escape(&mut s, w);
            s.push_str("\"} ");
            s.push(v);
            s.push('\n');
            s
        };
        States {
            words,
            ones: words.iter().map(|w| end(w, '1')).collect(),
            zeros: words.iter().map(|w| end(w, '0')).collect(),
        }
    }
}

impl Writer<'_> {
    /// The objects of a kind whose samples are written rather than copied
    /// (ascending); `None` for all of them.
    fn written(&self, kind: Object) -> Option<&[usize]> {
        self.prev.as_ref().map(|p| p.changed(kind))
    }

    /// One family's samples for each of `n` objects of a kind, `one`
    /// writing object `i`'s; the objects that did not change since the
    /// previous rendering have theirs copied from it instead, each run of
    /// them in one piece.
    fn objects(&mut self, kind: Object, n: usize, mut one: impl FnMut(&mut Self, usize)) {
        let prev = self.prev.take();
        let k = self.sections.len();
        let start = self.out.len();
        let mut ends = Vec::with_capacity(n);
        let from = prev.as_ref().and_then(|p| {
            let section = p.layout.sections.get(k)?;
            (section.ends.len() == n).then_some((p.text, section, p.changed(kind)))
        });
        match from {
            None => {
                for i in 0..n {
                    one(self, i);
                    ends.push(self.out.len());
                }
            }
            Some((text, section, changed)) => {
                // The first object not written yet.
                let mut next = 0;
                for &c in changed.iter().chain([n].iter()) {
                    if next < c {
                        // The unchanged objects next..c.
                        let old = section.range(next).start..section.ends[c - 1];
                        match text.get(old.clone()) {
                            Some(t) => {
                                let at = self.out.len();
                                self.out.push_str(t);
                                self.reused += t.len() as u64;
                                ends.extend(
                                    section.ends[next..c]
                                        .iter()
                                        .map(|e| e.saturating_sub(old.start) + at),
                                );
                            }
                            // Not expected (a layout always matches its
                            // text): written instead, and this layout
                            // not kept.
                            None => {
                                self.broken = true;
                                for i in next..c {
                                    one(self, i);
                                    ends.push(self.out.len());
                                }
                            }
                        }
                    }
                    if c < n {
                        one(self, c);
                        ends.push(self.out.len());
                    }
                    next = c + 1;
                }
            }
        }
        self.prev = prev;
        self.sections.push(Section { start, ends });
    }

    /// The metadata lines of a family; returns its sample name.
    fn header(&mut self, name: &'static str) -> Family {
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
        Family {
            open: format!("{sample}{{"),
            name: sample,
        }
    }

    /// One sample: `name{labels} value`, where `labels` is an escaped,
    /// comma-separated label list (possibly empty) and `state` one more
    /// label (a state set's) to append.
    fn sample(&mut self, f: &Family, labels: &str, state: Option<(&str, &str)>, value: u64) {
        let o = &mut self.out;
        if labels.is_empty() && state.is_none() {
            o.push_str(&f.name);
            push_value(o, " ", value);
            return;
        }
        o.push_str(&f.open);
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
        push_value(o, "} ", value);
    }

    /// One state set's samples for an object: every known state, and the
    /// current one if unknown; with `labels` not empty.
    fn stateset(&mut self, f: &Family, labels: &str, states: &States<'_>, current: Option<&str>) {
        debug_assert!(!labels.is_empty());
        let at = current.and_then(|c| states.words.iter().position(|w| *w == c));
        let line = |o: &mut String, end: &str| {
            o.push_str(&f.open);
            o.push_str(labels);
            o.push_str(end);
        };
        if self.all_states {
            for (i, (one, zero)) in states.ones.iter().zip(&states.zeros).enumerate() {
                line(&mut self.out, if at == Some(i) { one } else { zero });
            }
        } else if let Some(i) = at {
            line(&mut self.out, &states.ones[i]);
        }
        if let (None, Some(c)) = (at, current) {
            self.sample(f, labels, Some((&f.name, c)), 1);
        }
    }
}

/// Appends `sep`, `value` and a newline in one step.
fn push_value(out: &mut String, sep: &str, value: u64) {
    let mut buf = [0u8; 24];
    let n = sep.len();
    buf[..n].copy_from_slice(sep.as_bytes());
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = value;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let d = digits.len() - i;
    buf[n..n + d].copy_from_slice(&digits[i..]);
    buf[n + d] = b'\n';
    // `sep` is a str and the rest ASCII.
    out.push_str(std::str::from_utf8(&buf[..n + d + 1]).unwrap_or("\n"));
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
    /// The label lists of objects `0..n` as `pairs` gives them (`None`:
    /// no labels): of every object, or only of those in `only`
    /// (ascending), the others left empty.
    fn of<'a, const K: usize>(
        n: usize,
        only: Option<&[usize]>,
        bytes_each: usize,
        pairs: impl Fn(usize) -> Option<[(&'a str, &'a str); K]>,
    ) -> Labels {
        let mut l = Labels {
            text: String::with_capacity(only.map_or(n, <[usize]>::len) * bytes_each),
            ends: Vec::with_capacity(n),
        };
        let mut only = only.map(|o| o.iter().peekable());
        for i in 0..n {
            let wanted = match only.as_mut() {
                None => true,
                Some(o) => o.next_if_eq(&&i).is_some(),
            };
            if let Some(p) = pairs(i).filter(|_| wanted) {
                push_labels(&mut l.text, &p);
            }
            l.ends.push(l.text.len());
        }
        l
    }

    /// Object `i`'s labels; made from `pairs` when they were left out.
    fn get<'a, const K: usize>(
        &self,
        i: usize,
        pairs: impl Fn(usize) -> Option<[(&'a str, &'a str); K]>,
    ) -> Cow<'_, str> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        match &self.text[start..self.ends[i]] {
            "" => {
                let mut out = String::new();
                if let Some(p) = pairs(i) {
                    push_labels(&mut out, &p);
                }
                Cow::Owned(out)
            }
            l => Cow::Borrowed(l),
        }
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
    let mut w = Writer::new(String::with_capacity(2048), format, states);
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
    let _ = writeln!(w.out, "{} {:.6}", n.name, s.duration.as_secs_f64());
    let n = w.header("multipathd_scrape_commands");
    w.sample(&n, "", None, s.commands);
    let n = w.header("multipathd_scrape_errors");
    w.sample(&n, "", None, s.errors_total);
    w.out
}

/// The maps' and paths' families of one pair of listings.
fn render_objects(l: &Listings, format: Format, states: StateSets) -> String {
    match l.snapshot() {
        Ok(snap) => {
            let mut w = Writer::new(String::new(), format, states);
            render_snapshot(&mut w, &snap);
            w.out
        }
        // A Collector keeps only listings that parse.
        Err(_) => String::new(),
    }
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
/// replies), the maps' and paths' families are not rendered again; when
/// they differ but show the same number of maps and paths, only the
/// samples of the maps and paths whose lines changed (and of the maps of
/// those paths) are written anew, the rest copied from the last
/// rendering.
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
    /// Per format: the listings, their rendering and its layout.
    cache: Vec<Cached>,
    /// A rendering no response holds any more: memory for the next one.
    spare: Option<String>,
    renders: u64,
    reused: u64,
}

#[derive(Debug)]
struct Cached {
    format: Format,
    listings: Arc<Listings>,
    text: Arc<String>,
    layout: Layout,
}

impl Renderer {
    /// A renderer writing state sets in the given style.
    pub fn new(states: StateSets) -> Renderer {
        Renderer {
            states,
            ..Renderer::default()
        }
    }

    /// How often the maps' and paths' families were rendered (not taken
    /// whole from the cache).
    pub fn renders(&self) -> u64 {
        self.renders
    }

    /// Bytes of samples copied from earlier renderings (of maps and paths
    /// that did not change), over all renderings.
    pub fn reused_bytes(&self) -> u64 {
        self.reused
    }

    /// The body of one scrape: the same bytes as [`render_with`].
    pub fn render(&mut self, s: &Scrape, format: Format) -> Body {
        self.render_parsed(s, None, format)
    }

    /// [`Renderer::render`] with the scrape's listings already parsed, as
    /// [`Collector::scrape_with`](crate::Collector::scrape_with) hands them
    /// over: they are then not parsed again. `parsed` must be the parse
    /// of the scrape's listings.
    pub fn render_parsed(
        &mut self,
        s: &Scrape,
        parsed: Option<&Snapshot<'_>>,
        format: Format,
    ) -> Body {
        let objects = match &s.listings {
            None => Arc::new(String::new()),
            Some(l) => {
                let at = self.cache.iter().position(|c| c.format == format);
                match at.map(|i| &self.cache[i]) {
                    Some(c) if Arc::ptr_eq(&c.listings, l) => c.text.clone(),
                    _ => {
                        let prev = at.map(|i| self.cache.swap_remove(i));
                        let text = match parsed {
                            Some(snap) => self.render_objects(l, snap, prev.as_ref(), format),
                            None => match l.snapshot() {
                                Ok(snap) => self.render_objects(l, &snap, prev.as_ref(), format),
                                // A Collector keeps only listings that parse.
                                Err(_) => (String::new(), Layout::default()),
                            },
                        };
                        if let Some(p) = prev {
                            // Its memory, when no response holds it.
                            self.spare = Arc::try_unwrap(p.text).ok();
                        }
                        let (text, layout) = text;
                        let text = Arc::new(text);
                        self.cache.push(Cached {
                            format,
                            listings: l.clone(),
                            text: text.clone(),
                            layout,
                        });
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

    /// Renders the maps and paths of `l` (parsed: `snap`), copying from
    /// `prev` what did not change.
    fn render_objects(
        &mut self,
        l: &Listings,
        snap: &Snapshot<'_>,
        prev: Option<&Cached>,
        format: Format,
    ) -> (String, Layout) {
        self.renders += 1;
        let path_maps = snap.path_maps();
        let mut out = self.spare.take().unwrap_or_default();
        out.clear();
        let mut w = Writer::new(out, format, self.states);
        w.prev = prev.and_then(|p| {
            let (maps, paths) = changes(&p.listings, &p.layout, snap, &path_maps)?;
            Some(Prev {
                text: &p.text,
                layout: &p.layout,
                maps,
                paths,
            })
        });
        let reserve = w.prev.as_ref().map_or(
            4096 + snap.paths.len() * 1024 + snap.maps.len() * 1536,
            |p| p.text.len() + 4096,
        );
        w.out.reserve(reserve);
        render_snapshot_with(&mut w, snap, &path_maps);
        self.reused += w.reused;
        let layout = match (
            w.broken,
            lines(&l.maps, &snap.maps, |m| m.line),
            lines(&l.paths, &snap.paths, |p| p.line),
        ) {
            (false, Some(map_lines), Some(path_lines)) => Layout {
                sections: w.sections,
                map_lines,
                path_lines,
                path_maps,
            },
            _ => Layout::default(),
        };
        (w.out, layout)
    }
}

/// Where each object's line lies in `text`, when all lie in it.
fn lines<T>(text: &str, objects: &[T], line: impl Fn(&T) -> &str) -> Option<Vec<Range<usize>>> {
    let base = text.as_ptr() as usize;
    objects
        .iter()
        .map(|o| {
            let l = line(o);
            let start = (l.as_ptr() as usize).checked_sub(base)?;
            let end = start + l.len();
            (end <= text.len()).then_some(start..end)
        })
        .collect()
}

/// Which maps and paths changed from the listings `old` (laid out as
/// `layout` says) to `snap` (indices, ascending): a path whose line or
/// map changed, a map whose line changed or that has (or had) such a
/// path. `None` when the number of maps or paths differs (everything is
/// written anew).
fn changes(
    old: &Listings,
    layout: &Layout,
    snap: &Snapshot<'_>,
    path_maps: &[Option<usize>],
) -> Option<(Vec<usize>, Vec<usize>)> {
    if layout.map_lines.len() != snap.maps.len()
        || layout.path_lines.len() != snap.paths.len()
        || layout.path_maps.len() != path_maps.len()
    {
        return None;
    }
    let mut maps: Vec<bool> = snap
        .maps
        .iter()
        .zip(&layout.map_lines)
        .map(|(m, r)| old.maps.get(r.clone()) != Some(m.line))
        .collect();
    let mut paths = Vec::new();
    for (i, (p, r)) in snap.paths.iter().zip(&layout.path_lines).enumerate() {
        if old.paths.get(r.clone()) != Some(p.line) || layout.path_maps[i] != path_maps[i] {
            for m in [layout.path_maps[i], path_maps[i]].into_iter().flatten() {
                if let Some(c) = maps.get_mut(m) {
                    *c = true;
                }
            }
            paths.push(i);
        }
    }
    let maps = maps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.then_some(i))
        .collect();
    Some((maps, paths))
}

/// The maps' and paths' families.
fn render_snapshot(w: &mut Writer<'_>, snap: &Snapshot<'_>) {
    render_snapshot_with(w, snap, &snap.path_maps());
}

/// [`render_snapshot`] with each path's map at hand.
fn render_snapshot_with(w: &mut Writer<'_>, snap: &Snapshot<'_>, path_maps: &[Option<usize>]) {
    let healths = snap.health_with(path_maps);
    let n = w.header("multipathd_maps");
    w.sample(&n, "", None, snap.maps.len() as u64);

    // The labels of each map written, escaped once.
    let count = snap.maps.len();
    let map_pairs = |i: usize| {
        let m = &snap.maps[i];
        Some([("map", m.name), ("wwid", m.uuid.unwrap_or(""))])
    };
    let maps = Labels::of(count, w.written(Object::Map), 64, map_pairs);

    let per_map = |w: &mut Writer<'_>, name: &'static str, f: &dyn Fn(usize) -> Option<u64>| {
        let n = w.header(name);
        w.objects(Object::Map, count, |w, i| {
            if let Some(v) = f(i) {
                w.sample(&n, &maps.get(i, map_pairs), None, v);
            }
        });
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
    let health_words = States::new(&n, &health_words);
    w.objects(Object::Map, count, |w, i| {
        w.stateset(
            &n,
            &maps.get(i, map_pairs),
            &health_words,
            Some(healths[i].state.name()),
        );
    });

    let n = w.header("multipathd_map_queueing");
    let queueing_words = States::new(&n, QUEUEING);
    w.objects(Object::Map, count, |w, i| {
        let (state, _) = queueing_state(snap.maps[i].queueing.as_ref());
        w.stateset(&n, &maps.get(i, map_pairs), &queueing_words, Some(state));
    });
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
    let dm_words = States::new(&n, &dm_words);
    w.objects(Object::Map, count, |w, i| {
        let current = snap.maps[i].dm_state.as_ref().map(|s| s.as_str());
        w.stateset(&n, &maps.get(i, map_pairs), &dm_words, current);
    });

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

    // Per-path state sets, for the paths in a map; the labels of each
    // path written, escaped once (none for an orphan). The WWID is the
    // map's: on the map series only.
    let path_pairs = |i: usize| {
        let p = &snap.paths[i];
        path_maps[i].map(|m| {
            [
                ("map", snap.maps[m].name),
                ("path", p.device),
                ("hcil", p.hcil.unwrap_or("")),
            ]
        })
    };
    let path_labels = Labels::of(snap.paths.len(), w.written(Object::Path), 48, path_pairs);
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
        let known = States::new(&n, known);
        w.objects(Object::Path, snap.paths.len(), |w, i| {
            // Orphans (in no map) have no samples.
            if path_maps[i].is_some() {
                w.stateset(
                    &n,
                    &path_labels.get(i, path_pairs),
                    &known,
                    pick(&snap.paths[i]),
                );
            }
        });
    }
}
