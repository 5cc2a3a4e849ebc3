//! # mpd-exporter: multipathd metrics for Prometheus
//!
//! The library behind the `mpd-exporter` binary: a [`Collector`] that keeps
//! one connection to multipathd and reads it with at most two commands per
//! scrape, [`metrics::render`] that writes a [`Scrape`] in the Prometheus
//! text format or OpenMetrics, and [`http::Server`], a small bounded
//! HTTP/1.1 server (fixed worker pool, connection cap, header size limit,
//! deadlines) that serves `/metrics`.
//!
//! Each scrape sends two small listings, `show maps raw format` (every
//! map's WWID, active paths, queueing mode, dm state, features and the five
//! counters) and `show paths raw format` (every path's H:C:T:L and states),
//! both with the wildcards every supported release has
//! ([`mpd_proto::model::snapshot`]). The daemon's version is read once per
//! connection, between scrapes ([`Collector::prepare`], which the server
//! calls after each response), so a scrape sends two commands; a scrape
//! that had to connect itself goes without the version, which the next one
//! has. The busy flag of `show status` costs a third command and is read
//! only when asked for ([`CollectorOptions::busy`], `--busy`). When the
//! daemon does not answer, the scrape still succeeds with
//! `multipathd_up 0`, and the next scrape connects again.
//!
//! The server renders with a [`metrics::Renderer`] inside
//! [`Collector::scrape_with`]: listings equal to the last ones are neither
//! parsed nor rendered again, new ones are parsed once, and of those only
//! the maps and paths whose lines changed are rendered anew.
//!
//! ```no_run
//! use std::time::Duration;
//! use mpd_exporter::{metrics, Collector, CollectorOptions};
//!
//! let mut collector = Collector::new(CollectorOptions {
//!     address: None, // where the official client looks
//!     timeout: Duration::from_secs(4),
//!     busy: false,
//! });
//! let scrape = collector.scrape();
//! print!("{}", metrics::render(&scrape, metrics::Format::Prometheus));
//! ```
#![forbid(unsafe_code)]

pub mod http;
pub mod metrics;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mpd_client::{Address, Client};
use mpd_proto::model::snapshot::{self, Snapshot};
use mpd_proto::DaemonVersion;

/// The errors of the exporter.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line option or setting is not valid.
    #[error("{0}")]
    Usage(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// Any other I/O failure of the server.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// How the collector reaches the daemon.
#[derive(Debug, Clone)]
pub struct CollectorOptions {
    /// The daemon's socket; `None` finds it as the official client does
    /// (`MULTIPATH_SOCKET_NAME`, `/run/multipathd.socket`, the abstract
    /// name).
    pub address: Option<Address>,
    /// The deadline of each daemon command (and of connecting).
    pub timeout: Duration,
    /// Also read `show status` each scrape for `multipathd_busy`: a third
    /// daemon command per scrape.
    pub busy: bool,
}

impl Default for CollectorOptions {
    fn default() -> Self {
        CollectorOptions {
            address: None,
            timeout: Duration::from_secs(4),
            busy: false,
        }
    }
}

/// What one scrape of the daemon saw.
#[derive(Debug, Clone)]
pub struct Scrape {
    /// Whether the daemon answered every command of this scrape.
    pub up: bool,
    /// The daemon's multipath-tools version, when known.
    pub version: Option<DaemonVersion>,
    /// The daemon's busy flag (`show status`), when read this scrape.
    pub busy: Option<bool>,
    /// The daemon's replies to the two listings, when it answered them;
    /// the same `Arc` as the previous scrape's when the replies were
    /// identical (so a renderer can reuse what it made of them).
    pub listings: Option<Arc<Listings>>,
    /// How long the scrape took.
    pub duration: Duration,
    /// Daemon commands sent in this scrape.
    pub commands: u64,
    /// Failed scrapes since the collector started, this one included.
    pub errors_total: u64,
    /// Why this scrape failed, if it did.
    pub error: Option<String>,
}

impl Scrape {
    /// A scrape that read these listings (up, two commands, no time
    /// taken, no error): for rendering listings recorded elsewhere.
    ///
    /// ```
    /// use mpd_exporter::metrics::{render, Format};
    /// use mpd_exporter::{Listings, Scrape};
    ///
    /// let s = Scrape::from_listings(Listings {
    ///     maps: "3600a|1|-|active|0|0|0|1|0|0|mpatha\n".into(),
    ///     paths: "sda|0:0:0:0|active|ready|running|normal|mpatha\n".into(),
    /// });
    /// assert!(render(&s, Format::Prometheus)
    ///     .contains("multipathd_map_up_paths{map=\"mpatha\",wwid=\"3600a\"} 1\n"));
    /// ```
    pub fn from_listings(listings: Listings) -> Scrape {
        Scrape {
            up: true,
            version: None,
            busy: None,
            listings: Some(Arc::new(listings)),
            duration: Duration::ZERO,
            commands: 2,
            errors_total: 0,
            error: None,
        }
    }

    /// A scrape in which the daemon did not answer.
    pub fn unreachable(duration: Duration, errors_total: u64, error: &str) -> Scrape {
        Scrape {
            up: false,
            version: None,
            busy: None,
            listings: None,
            duration,
            commands: 0,
            errors_total,
            error: Some(error.to_owned()),
        }
    }
}

/// The replies to [`snapshot::maps_command`] and
/// [`snapshot::paths_command`], kept as the daemon sent them; a
/// [`Collector`] only keeps replies that parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listings {
    /// The map listing.
    pub maps: String,
    /// The path listing.
    pub paths: String,
}

impl Listings {
    /// The maps and paths these replies show.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, mpd_proto::Error> {
        Snapshot::parse(&self.maps, &self.paths)
    }
}

/// Reads the daemon for each scrape over one kept connection.
#[derive(Debug)]
pub struct Collector {
    options: CollectorOptions,
    client: Option<Client>,
    version: Option<DaemonVersion>,
    errors_total: u64,
    scrapes_total: u64,
    /// Whether the last scrape reached the daemon (for logging changes).
    last_up: Option<bool>,
    /// The last listings that parsed.
    last: Option<Arc<Listings>>,
}

impl Collector {
    /// A collector; it connects at the first scrape.
    pub fn new(options: CollectorOptions) -> Collector {
        Collector {
            options,
            client: None,
            version: None,
            errors_total: 0,
            scrapes_total: 0,
            last_up: None,
            last: None,
        }
    }

    /// Scrapes done so far.
    pub fn scrapes_total(&self) -> u64 {
        self.scrapes_total
    }

    /// Whether a connection to the daemon is open.
    pub fn is_connected(&self) -> bool {
        self.client.as_ref().is_some_and(Client::is_connected)
    }

    fn connect(&self) -> Result<Client, mpd_client::Error> {
        let mut b = Client::builder()
            .timeout(self.options.timeout)
            .connect_timeout(self.options.timeout);
        if let Some(a) = &self.options.address {
            b = b.address(a.clone());
        }
        b.connect()
    }

    /// Between scrapes: reads the daemon's version once per connection,
    /// so that scrapes need only their two listings. Before the first
    /// scrape it connects too; after a failed scrape it leaves connecting
    /// to the next one (a daemon that hangs then holds up one scrape, not
    /// two). Errors are left for the next scrape to meet and report.
    pub fn prepare(&mut self) {
        if self.client.is_none() {
            if self.scrapes_total > 0 {
                return;
            }
            match self.connect() {
                Ok(c) => self.client = Some(c),
                Err(_) => return,
            }
        }
        if self.version.is_none() {
            if let Some(c) = self.client.as_mut() {
                match c.daemon_version() {
                    Ok(v) => {
                        eprintln!("mpd-exporter: multipathd {v}");
                        self.version = Some(v);
                    }
                    Err(_) => self.client = None,
                }
            }
        }
    }

    /// One scrape: two daemon commands (three with
    /// [`CollectorOptions::busy`]); never fails (a daemon that does not
    /// answer gives `up == false`).
    pub fn scrape(&mut self) -> Scrape {
        self.scrape_with(|s, _| s.clone())
    }

    /// One scrape, handed to `f` with the maps and paths parsed when the
    /// listings differ from the last ones (`None` when they are the same,
    /// or when the daemon did not answer): a renderer that keeps what it
    /// made of the last listings then never parses them again.
    pub fn scrape_with<R>(&mut self, f: impl FnOnce(&Scrape, Option<&Snapshot<'_>>) -> R) -> R {
        let start = Instant::now();
        self.scrapes_total += 1;
        let (read, commands) = self.read_listings();
        let (listings, busy) = match read {
            Ok(r) => r,
            Err(e) => {
                let s = self.finish(start, Err(e), commands);
                return f(&s, None);
            }
        };
        if let Some(last) = self.last.as_ref().filter(|l| ***l == listings) {
            let last = last.clone();
            let s = self.finish(start, Ok((last, busy)), commands);
            return f(&s, None);
        }
        let listings = Arc::new(listings);
        match listings.snapshot() {
            Ok(snap) => {
                self.last = Some(listings.clone());
                let s = self.finish(start, Ok((listings.clone(), busy)), commands);
                f(&s, Some(&snap))
            }
            Err(e) => {
                // Replies that do not parse: start afresh on a new
                // connection.
                self.client = None;
                let e = format!("unreadable reply: {e}");
                let s = self.finish(start, Err(e), commands);
                f(&s, None)
            }
        }
    }

    /// The scrape's commands, on the kept connection or a new one.
    fn read_listings(&mut self) -> (Result<(Listings, Option<bool>), String>, u64) {
        let client = match self.client.take() {
            Some(c) => Ok(c),
            None => self.connect(),
        };
        match client {
            Err(e) => (Err(e.to_string()), 0),
            Ok(mut c) => {
                let before = c.commands_sent();
                let out = Self::read(&mut c, self.options.busy);
                let commands = c.commands_sent() - before;
                // After a failure the connection may be in any state: it is
                // dropped, and the version with it (the daemon may come
                // back upgraded).
                if out.is_ok() {
                    self.client = Some(c);
                }
                (out, commands)
            }
        }
    }

    /// The scrape from what was read; logs when the daemon starts or stops
    /// answering.
    fn finish(
        &mut self,
        start: Instant,
        result: Result<(Arc<Listings>, Option<bool>), String>,
        commands: u64,
    ) -> Scrape {
        let duration = start.elapsed();
        let scrape = match result {
            Ok((listings, busy)) => Scrape {
                up: true,
                version: self.version,
                busy,
                listings: Some(listings),
                duration,
                commands,
                errors_total: self.errors_total,
                error: None,
            },
            Err(e) => {
                self.errors_total += 1;
                self.version = None;
                let mut s = Scrape::unreachable(duration, self.errors_total, &e);
                s.commands = commands;
                s
            }
        };
        if self.last_up != Some(scrape.up) {
            match &scrape.error {
                None => eprintln!("mpd-exporter: multipathd answers"),
                Some(e) => eprintln!("mpd-exporter: multipathd does not answer: {e}"),
            }
            self.last_up = Some(scrape.up);
        }
        scrape
    }

    /// The commands of one scrape on a connected client (a failure reply
    /// is the client's typed error).
    fn read(c: &mut Client, busy: bool) -> Result<(Listings, Option<bool>), String> {
        let mut listing = |command| c.call(&command).map_err(|e| e.to_string());
        let listings = Listings {
            maps: listing(snapshot::maps_command())?,
            paths: listing(snapshot::paths_command())?,
        };
        let busy = if busy {
            Some(c.status().map_err(|e| e.to_string())?.busy)
        } else {
            None
        };
        Ok((listings, busy))
    }
}
