//! # mpd-exporter: multipathd metrics for Prometheus
//!
//! The library behind the `mpd-exporter` binary: a [`Collector`] that keeps
//! one connection to multipathd and reads it with at most two commands per
//! scrape, [`metrics::render`] that writes a [`Scrape`] in the Prometheus
//! text format or OpenMetrics, and [`http::Server`], a small bounded
//! HTTP/1.1 server (fixed worker pool, connection cap, header size limit,
//! deadlines) that serves `/metrics`.
//!
//! Each scrape sends `show maps json` (maps, their counters, path groups
//! and paths with their states) and `show status` (the busy flag). The
//! daemon's version is read once per connection from its help text; on
//! that scrape it takes the place of `show status`, so the busy flag is
//! missing from the first scrape after each (re)connection and the count
//! stays at two. When the daemon does not answer, the scrape still
//! succeeds with `multipathd_up 0`, and the next scrape connects again.
//!
//! ```no_run
//! use std::time::Duration;
//! use mpd_exporter::{metrics, Collector, CollectorOptions};
//!
//! let mut collector = Collector::new(CollectorOptions {
//!     address: None, // where the official client looks
//!     timeout: Duration::from_secs(4),
//! });
//! let scrape = collector.scrape();
//! print!("{}", metrics::render(&scrape, metrics::Format::Prometheus));
//! ```
#![forbid(unsafe_code)]

pub mod http;
pub mod metrics;

use std::time::{Duration, Instant};

use mpd_client::{Address, Client};
use mpd_proto::model::Topology;
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
}

impl Default for CollectorOptions {
    fn default() -> Self {
        CollectorOptions {
            address: None,
            timeout: Duration::from_secs(4),
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
    /// Maps, path groups and paths (`show maps json`), when the daemon
    /// answered.
    pub topology: Option<Topology>,
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
    /// A scrape in which the daemon did not answer.
    pub fn unreachable(duration: Duration, errors_total: u64, error: &str) -> Scrape {
        Scrape {
            up: false,
            version: None,
            busy: None,
            topology: None,
            duration,
            commands: 0,
            errors_total,
            error: Some(error.to_owned()),
        }
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

    /// One scrape: at most two daemon commands; never fails (a daemon that
    /// does not answer gives `up == false`).
    pub fn scrape(&mut self) -> Scrape {
        let start = Instant::now();
        self.scrapes_total += 1;
        let client = match self.client.take() {
            Some(c) => Ok(c),
            None => self.connect(),
        };
        let (result, commands) = match client {
            Err(e) => (Err(e), 0),
            Ok(mut c) => {
                let before = c.commands_sent();
                let out = Self::read(&mut c, &mut self.version);
                let commands = c.commands_sent() - before;
                // After a failure the connection may be in any state: it is
                // dropped, and the version with it (the daemon may come
                // back upgraded).
                if out.is_ok() {
                    self.client = Some(c);
                }
                (out, commands)
            }
        };
        let duration = start.elapsed();
        let scrape = match result {
            Ok((topology, busy)) => Scrape {
                up: true,
                version: self.version,
                busy,
                topology: Some(topology),
                duration,
                commands,
                errors_total: self.errors_total,
                error: None,
            },
            Err(e) => {
                self.errors_total += 1;
                self.version = None;
                let mut s = Scrape::unreachable(duration, self.errors_total, &e.to_string());
                s.commands = commands;
                s
            }
        };
        if self.last_up != Some(scrape.up) {
            match &scrape.error {
                None => eprintln!(
                    "mpd-exporter: multipathd {} answers",
                    scrape
                        .version
                        .map_or_else(|| "?".to_owned(), |v| v.to_string())
                ),
                Some(e) => eprintln!("mpd-exporter: multipathd does not answer: {e}"),
            }
            self.last_up = Some(scrape.up);
        }
        scrape
    }

    /// The commands of one scrape on a connected client.
    fn read(
        c: &mut Client,
        version: &mut Option<DaemonVersion>,
    ) -> Result<(Topology, Option<bool>), mpd_client::Error> {
        let topology = c.topology()?;
        let busy = match version {
            Some(_) => Some(c.status()?.busy),
            None => {
                *version = Some(c.daemon_version()?);
                None
            }
        };
        Ok((topology, busy))
    }
}
