//! A small HTTP/1.1 server with hard limits, for `/metrics`.
//!
//! One thread accepts; a fixed pool of workers ([`ServerOptions::workers`])
//! serves the connections, each one request and then closed
//! (`Connection: close`). Every limit is fixed when the server starts:
//!
//! - connections: at most `workers` being served and `queue` waiting; one
//!   more is answered `503` at once by the accepting thread and closed;
//! - the request head (request line and headers) is read into a buffer of
//!   `max_head_bytes`: a longer one is answered `431` and closed;
//! - the whole head must arrive within `head_timeout` (a deadline, not a
//!   per-read timeout, so a client sending one byte at a time is cut off
//!   too): `408` and closed;
//! - a response must be taken within `write_timeout`.
//!
//! A request line that is not `METHOD TARGET HTTP/1.x`, or a header line
//! without a colon, is `400`; a method other than `GET` or `HEAD` is `405`;
//! a request body is never read. So threads and memory are bounded by the
//! options whatever clients send.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::metrics::{Body, Format, Renderer, StateSets};
use crate::{Collector, Error};

/// The server's limits and address.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Where to listen (default `127.0.0.1:9786`: loopback only).
    pub listen: String,
    /// Worker threads (default 4).
    pub workers: usize,
    /// Accepted connections waiting for a worker (default 16).
    pub queue: usize,
    /// The longest request head, in bytes (default 8 KiB).
    pub max_head_bytes: usize,
    /// The deadline for the whole request head (default 5 s).
    pub head_timeout: Duration,
    /// The deadline for writing the response (default 10 s).
    pub write_timeout: Duration,
    /// How state sets are written (default: the current state only).
    pub state_sets: StateSets,
}

/// The default listen address: loopback, port 9786.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9786";

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            listen: DEFAULT_LISTEN.to_owned(),
            workers: 4,
            queue: 16,
            max_head_bytes: 8192,
            head_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            state_sets: StateSets::Current,
        }
    }
}

/// A running server; [`Server::stop`] (or dropping it) ends it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<()>>,
}

const LANDING: &str = "<html><head><title>mpd-exporter</title></head><body>\
<h1>mpd-exporter</h1><p>multipathd metrics: <a href=\"/metrics\">/metrics</a></p></body></html>\n";

impl Server {
    /// Binds and starts serving `collector`'s scrapes on `/metrics`.
    pub fn start(options: ServerOptions, collector: Collector) -> Result<Server, Error> {
        if options.workers == 0 || options.max_head_bytes < 64 {
            return Err(Error::Usage(
                "workers must be at least 1 and the head limit at least 64 bytes".into(),
            ));
        }
        let listener = TcpListener::bind(&options.listen).map_err(|source| Error::Bind {
            address: options.listen.clone(),
            source,
        })?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let collector = Arc::new(Mutex::new((collector, Renderer::new(options.state_sets))));
        // Connect and learn the version before the first scrape, without
        // holding up the start.
        let early = collector.clone();
        std::thread::Builder::new()
            .name("prepare".into())
            .spawn(move || early.lock().unwrap_or_else(|p| p.into_inner()).0.prepare())?;
        let (tx, rx) = sync_channel::<TcpStream>(options.queue);
        let rx = Arc::new(Mutex::new(rx));
        let options = Arc::new(options);

        let mut workers = Vec::with_capacity(options.workers);
        for i in 0..options.workers {
            let (rx, options, collector) = (rx.clone(), options.clone(), collector.clone());
            workers.push(
                std::thread::Builder::new()
                    .name(format!("http-{i}"))
                    .spawn(move || worker(&rx, &options, &collector))?,
            );
        }
        let stop = stopping.clone();
        let acceptor = std::thread::Builder::new()
            .name("accept".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else {
                        // EMFILE and the like: do not spin.
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    };
                    match tx.try_send(stream) {
                        Ok(()) => {}
                        Err(TrySendError::Full(mut s)) | Err(TrySendError::Disconnected(mut s)) => {
                            let _ = s.set_write_timeout(Some(Duration::from_millis(200)));
                            let _ = respond(
                                &mut s,
                                503,
                                "text/plain; charset=utf-8",
                                b"too many connections\n",
                                true,
                            );
                            let _ = s.shutdown(Shutdown::Both);
                        }
                    }
                }
                // Dropping tx ends the workers once the queue is served.
            })?;
        Ok(Server {
            addr,
            stopping,
            acceptor: Some(acceptor),
            workers,
        })
    }

    /// The address the server listens on (with the port the system chose
    /// for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks until the server stops (it does not stop by itself).
    pub fn wait(mut self) {
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
    }

    /// Stops accepting, lets the workers finish, and joins every thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accepting thread.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.acceptor.is_some() {
            self.shutdown();
        }
    }
}

/// The collector and the renderer, scraped and rendered under one lock.
type Shared = Mutex<(Collector, Renderer)>;

fn worker(rx: &Mutex<Receiver<TcpStream>>, options: &ServerOptions, collector: &Shared) {
    let mut buf = vec![0u8; options.max_head_bytes];
    loop {
        let next = rx.lock().map(|r| r.recv());
        let Ok(Ok(stream)) = next else { return };
        serve(stream, &mut buf, options, collector);
    }
}

/// A request head, as far as this server cares.
#[derive(Debug, PartialEq, Eq)]
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    accept: Option<&'a str>,
}

/// Why a head is refused, as a status code.
fn parse_head(head: &str) -> Result<Request<'_>, u16> {
    let mut lines = head.split("\r\n").flat_map(|l| l.split('\n'));
    let line = lines.next().ok_or(400u16)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if !token(method) || !target.starts_with('/') || !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(400);
    }
    let mut accept = None;
    for l in lines {
        if l.is_empty() {
            continue;
        }
        let (name, value) = l.split_once(':').ok_or(400u16)?;
        if !token(name) {
            return Err(400);
        }
        if name.eq_ignore_ascii_case("accept") {
            accept = Some(value.trim());
        }
    }
    let path = target.split('?').next().unwrap_or(target);
    Ok(Request {
        method,
        path,
        accept,
    })
}

/// Reads the head into `buf` within the deadline: its length, or the
/// status to answer with (`None`: close without answering).
fn read_head(
    stream: &mut TcpStream,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<usize, Option<u16>> {
    let mut len = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Some(408));
        }
        stream.set_read_timeout(Some(left)).map_err(|_| None)?;
        if len == buf.len() {
            return Err(Some(431));
        }
        match stream.read(&mut buf[len..]) {
            Ok(0) => return Err(None),
            Ok(n) => {
                len += n;
                // The head ends at the first empty line; anything after
                // it (a body) is not read as head.
                let head = &buf[..len];
                let end = head
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map(|i| i + 4)
                    .into_iter()
                    .chain(head.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
                    .min();
                if let Some(end) = end {
                    return Ok(end);
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Some(408))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(None),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let allow = if status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{allow}Connection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// A 200 response with a scrape's body, written part by part.
fn respond_body(
    stream: &mut TcpStream,
    content_type: &str,
    body: &Body,
    with_body: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        for part in body.parts() {
            stream.write_all(part)?;
        }
    }
    stream.flush()
}

fn serve(mut stream: TcpStream, buf: &mut [u8], options: &ServerOptions, collector: &Shared) {
    let deadline = Instant::now() + options.head_timeout;
    let _ = stream.set_write_timeout(Some(options.write_timeout));
    let text = "text/plain; charset=utf-8";
    let outcome = match read_head(&mut stream, buf, deadline) {
        Err(None) => return,
        Err(Some(status)) => Err(status),
        Ok(len) => std::str::from_utf8(&buf[..len])
            .map_err(|_| 400u16)
            .and_then(parse_head)
            .and_then(|r| {
                if r.method == "GET" || r.method == "HEAD" {
                    Ok(r)
                } else {
                    Err(405)
                }
            })
            .map(|r| {
                let head_only = r.method == "HEAD";
                match r.path {
                    "/metrics" => {
                        let format = Format::negotiate(r.accept);
                        // A panic in a scrape poisons the lock: the next
                        // scrape may work all the same.
                        let lock = || collector.lock().unwrap_or_else(|p| p.into_inner());
                        let body = {
                            let mut g = lock();
                            let (c, r) = &mut *g;
                            c.scrape_with(|s, parsed| r.render_parsed(s, parsed, format))
                        };
                        let _ = respond_body(&mut stream, format.content_type(), &body, !head_only);
                        drop(body);
                        // The version, once per connection, outside the
                        // scrape's time and command count.
                        lock().0.prepare();
                    }
                    "/" => {
                        let _ = respond(
                            &mut stream,
                            200,
                            "text/html; charset=utf-8",
                            LANDING.as_bytes(),
                            !head_only,
                        );
                    }
                    _ => {
                        let _ = respond(&mut stream, 404, text, b"not found\n", !head_only);
                    }
                }
            }),
    };
    if let Err(status) = outcome {
        let body = format!("{}\n", reason(status).to_ascii_lowercase());
        let _ = respond(&mut stream, status, text, body.as_bytes(), true);
        // Let the client read the answer before the close: stop sending,
        // then drain briefly what it still sends (a close with unread
        // data would reset the connection and could lose the answer).
        let _ = stream.shutdown(Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
        let mut sink = [0u8; 1024];
        let until = Instant::now() + Duration::from_millis(200);
        while Instant::now() < until {
            match stream.read(&mut sink) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed_or_refused() {
        let r = parse_head("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\n\r\n")
            .unwrap();
        assert_eq!(
            r,
            Request {
                method: "GET",
                path: "/metrics",
                accept: Some("text/plain")
            }
        );
        assert_eq!(parse_head("GET / HTTP/1.0\n\n").unwrap().path, "/");
        for bad in [
            "GET /metrics\r\n\r\n",
            "GET  /metrics HTTP/1.1\r\n\r\n",
            "GET metrics HTTP/1.1\r\n\r\n",
            "GET /metrics HTTP/2.0\r\n\r\n",
            "GET /metrics HTTP/1.1 x\r\n\r\n",
            "G(T /metrics HTTP/1.1\r\n\r\n",
            "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET /metrics HTTP/1.1\r\nbad name: x\r\n\r\n",
            "\r\n\r\n",
        ] {
            assert_eq!(parse_head(bad), Err(400), "{bad:?}");
        }
    }
}
