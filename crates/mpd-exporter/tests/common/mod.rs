//! Helpers of the exporter's tests: the exporter binary, an HTTP GET on
//! loopback, Debian's promtool and a real Prometheus server.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A program that must be installed: found on PATH, or the test FAILS
/// (scripts/test installs it with `scripts/setup prometheus`).
pub fn required(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin", "/usr/sbin", "/bin"].map(PathBuf::from))
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{program}` is not installed: this test needs it (Debian package prometheus: \
                 `scripts/setup prometheus`, which scripts/test runs)"
            )
        })
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An HTTP response: status, head (lowercase header names) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as is and reads the whole response (the server closes).
pub fn raw(addr: &str, request: &[u8]) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(request)?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes)?;
    parse_response(&bytes)
}

pub fn parse_response(bytes: &[u8]) -> std::io::Result<Response> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no head in {text:?}")))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Response {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// GET `path` with an optional Accept header.
pub fn get(addr: &str, path: &str, accept: Option<&str>) -> Response {
    let accept = accept.map_or(String::new(), |a| format!("Accept: {a}\r\n"));
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n");
    raw(addr, req.as_bytes()).unwrap_or_else(|e| panic!("GET {addr}{path}: {e}"))
}

/// The value of one sample line (`name{labels} value`) whose text before
/// the value is exactly `series`.
pub fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.rsplit_once(' ').filter(|(s, _)| *s == series))
        .and_then(|(_, v)| v.parse().ok())
}

/// Runs `promtool check metrics` on a text exposition: its output, which
/// must be empty for clean metrics.
pub fn promtool_check_metrics(text: &str) -> (bool, String) {
    let mut child = Command::new(required("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), msg)
}

/// A child process killed when dropped.
pub struct Proc {
    pub child: Child,
    pub name: &'static str,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The exporter binary, started on a free loopback port for `socket`;
/// returns it and its address once it serves.
pub fn start_exporter(socket: &str, extra: &[&str]) -> (Proc, String) {
    start_exporter_bin(env!("CARGO_BIN_EXE_mpd-exporter"), socket, extra)
}

/// The same with another build of the exporter binary.
pub fn start_exporter_bin(bin: &str, socket: &str, extra: &[&str]) -> (Proc, String) {
    // Port 0: the exporter picks a free port and says which (a port picked
    // here and freed could be taken before the exporter binds it).
    let mut child = Command::new(bin)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--socket",
            socket,
            "--timeout",
            "2",
        ])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mpd-exporter");
    // It says where it serves once it listens; the daemon's version,
    // read in a thread from the start, may come first.
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let addr = loop {
        let mut line = String::new();
        let n = err.read_line(&mut line).unwrap();
        said.push_str(&line);
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap_or_default().to_owned();
        }
        assert!(n > 0 && said.lines().count() < 10, "exporter said {said:?}");
    };
    eprint!("[exporter] {said}");
    // Keep draining its log so that it never blocks on stderr.
    std::thread::spawn(move || {
        let mut l = String::new();
        while err.read_line(&mut l).map(|n| n > 0).unwrap_or(false) {
            eprint!("[exporter] {l}");
            l.clear();
        }
    });
    (
        Proc {
            child,
            name: "mpd-exporter",
        },
        addr,
    )
}

/// A real Prometheus server on loopback scraping `targets` every
/// `interval`, with its config and data in a temporary directory.
pub struct Prometheus {
    pub proc: Proc,
    pub addr: String,
    pub _dir: tempfile::TempDir,
}

impl Prometheus {
    pub fn start(targets: &[&str], interval: Duration) -> Prometheus {
        let bin = required("prometheus");
        let dir = tempfile::tempdir().unwrap();
        let secs = interval.as_millis();
        let targets: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
        let config = format!(
            "global:\n  scrape_interval: {secs}ms\n  scrape_timeout: {secs}ms\n  evaluation_interval: {secs}ms\n\
             scrape_configs:\n  - job_name: multipathd\n    static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
        let child = Command::new(bin)
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let p = Prometheus {
            proc: Proc {
                child,
                name: "prometheus",
            },
            addr,
            _dir: dir,
        };
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = raw(
                &p.addr,
                format!(
                    "GET /-/ready HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    p.addr
                )
                .as_bytes(),
            ) {
                if r.status == 200 {
                    break;
                }
            }
            assert!(
                Instant::now() < until,
                "prometheus not ready after 60 s: {}",
                p.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        p
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// An instant query: the result vector as (labels, value) pairs.
    pub fn query(&self, promql: &str) -> Vec<(serde_json::Value, f64)> {
        let q = encode(promql);
        let r = get(&self.addr, &format!("/api/v1/query?query={q}"), None);
        assert_eq!(r.status, 200, "query {promql}: {}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["status"], "success", "{}", r.body);
        v["data"]["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["metric"].clone(),
                    s["value"][1].as_str().unwrap().parse::<f64>().unwrap(),
                )
            })
            .collect()
    }

    /// The single value of a query, if it has one.
    pub fn value(&self, promql: &str) -> Option<f64> {
        let r = self.query(promql);
        assert!(r.len() <= 1, "{promql} has {} series: {r:?}", r.len());
        r.first().map(|(_, v)| *v)
    }

    /// Polls `promql` every 50 ms until it equals `want`; the time it took.
    pub fn wait_for(&self, promql: &str, want: f64, timeout: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if self.value(promql) == Some(want) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < timeout,
                "{promql} did not become {want} within {timeout:?} (last {:?})",
                self.value(promql)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The scrape targets' health and last error (`/api/v1/targets`).
    pub fn targets(&self) -> Vec<(String, String)> {
        let r = get(&self.addr, "/api/v1/targets", None);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["data"]["activeTargets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["health"].as_str().unwrap_or("").to_owned(),
                    t["lastError"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }
}

/// Percent-encodes a query parameter.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The crate's directory.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
