//! `mpd-exporter`: serves multipathd's state as Prometheus metrics.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use mpd_client::Address;
use mpd_exporter::http::{Server, ServerOptions, DEFAULT_LISTEN};
use mpd_exporter::metrics::StateSets;
use mpd_exporter::{Collector, CollectorOptions, Error};

const USAGE: &str = "\
usage: mpd-exporter [options]

Serves multipathd's maps, paths and counters as Prometheus metrics on
http://LISTEN/metrics (OpenMetrics when the scraper asks for it). Keeps one
connection to the daemon and sends two small listings per scrape (the
version is read once per connection, between scrapes); when the daemon
does not answer, multipathd_up is 0. Logs to stderr.

options:
  --listen ADDR          where to serve (default 127.0.0.1:9786, loopback only)
  --socket PATH|@NAME    the daemon's socket (default: MULTIPATH_SOCKET_NAME,
                         else /run/multipathd.socket if it exists, else
                         @/org/kernel/linux/storage/multipathd)
  --timeout SECONDS      deadline of each daemon command (default 4)
  --busy                 also read `show status` each scrape, for
                         multipathd_busy (a third command per scrape)
  --all-states           state sets list every known state (0 or 1), not
                         only the current one (about 2.5 times the series)
  --workers N            HTTP worker threads (default 4)
  --queue N              connections waiting for a worker; more get 503 (default 16)
  --max-header-bytes N   longest request head (default 8192)
  --header-timeout SECONDS  deadline for a request head (default 5)
  -h, --help             this text
  -V, --version          the exporter's version
";

fn seconds(flag: &str, v: &str) -> Result<Duration, Error> {
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{flag}: {v:?} is not a number of seconds in (0, 3600]"
            ))
        })
}

fn count(flag: &str, v: &str) -> Result<usize, Error> {
    v.parse::<usize>()
        .ok()
        .filter(|n| (1..=1 << 20).contains(n))
        .ok_or_else(|| Error::Usage(format!("{flag}: {v:?} is not a positive number")))
}

fn parse(args: &[String]) -> Result<Option<(ServerOptions, CollectorOptions)>, Error> {
    let mut server = ServerOptions {
        listen: DEFAULT_LISTEN.to_owned(),
        ..ServerOptions::default()
    };
    let mut collector = CollectorOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, Error> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| Error::Usage(format!("{flag} needs a value"))),
            }
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "-V" | "--version" => {
                println!("mpd-exporter {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            "--listen" => server.listen = value()?,
            "--socket" => {
                let v = value()?;
                if v.is_empty() || v == "@" {
                    return Err(Error::Usage("--socket: empty address".into()));
                }
                collector.address = Some(Address::parse(&v));
            }
            "--timeout" => collector.timeout = seconds(flag, &value()?)?,
            "--busy" | "--all-states" if inline.is_some() => {
                return Err(Error::Usage(format!("{flag} takes no value")));
            }
            "--busy" => collector.busy = true,
            "--all-states" => server.state_sets = StateSets::All,
            "--workers" => server.workers = count(flag, &value()?)?,
            "--queue" => server.queue = count(flag, &value()?)?,
            "--max-header-bytes" => {
                server.max_head_bytes = count(flag, &value()?)?.max(64);
            }
            "--header-timeout" => server.head_timeout = seconds(flag, &value()?)?,
            other => return Err(Error::Usage(format!("unknown option {other:?}"))),
        }
    }
    Ok(Some((server, collector)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (server, collector) = match parse(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mpd-exporter: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let daemon = collector
        .address
        .as_ref()
        .map_or_else(|| "the default address".to_owned(), |a| a.to_string());
    match Server::start(server, Collector::new(collector)) {
        Ok(s) => {
            eprintln!(
                "mpd-exporter: serving http://{}/metrics for multipathd at {daemon}",
                s.local_addr()
            );
            s.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mpd-exporter: {e}");
            ExitCode::FAILURE
        }
    }
}
