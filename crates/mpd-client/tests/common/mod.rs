//! In-process fake daemons on real unix sockets, for replaying recorded
//! replies and for hostile behaviour the simulator should not need to model.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use mpd_proto::frame::{encode_frame, payload_text, Decoder};

/// What the fake does with one command.
pub enum Response {
    /// Frame this text (plus NUL) and send it.
    Text(String),
    /// Send these bytes exactly, then keep serving.
    Bytes(Vec<u8>),
    /// Send these bytes, then close the connection.
    BytesThenClose(Vec<u8>),
    /// Never answer (until the client goes away).
    Hang,
    /// Close without a reply.
    Close,
    /// Answer with this text, then close.
    TextThenClose(String),
}

pub struct Fake {
    pub address: String,
    pub commands: Arc<Mutex<Vec<String>>>,
    pub connections: Arc<AtomicUsize>,
    _dir: Option<tempfile::TempDir>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Fake {
    /// A fake on a private abstract name.
    pub fn start_abstract(handler: impl Fn(&str) -> Response + Send + Sync + 'static) -> Fake {
        let name = format!(
            "mpd-client-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let listener = UnixListener::bind_addr(&addr).unwrap();
        Self::serve(listener, format!("@{name}"), None, handler)
    }

    /// A fake on a socket file in a temporary directory.
    pub fn start_path(handler: impl Fn(&str) -> Response + Send + Sync + 'static) -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let path: PathBuf = dir.path().join("multipathd.socket");
        let listener = UnixListener::bind(&path).unwrap();
        Self::serve(listener, path.display().to_string(), Some(dir), handler)
    }

    fn serve(
        listener: UnixListener,
        address: String,
        dir: Option<tempfile::TempDir>,
        handler: impl Fn(&str) -> Response + Send + Sync + 'static,
    ) -> Fake {
        let commands = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler = Arc::new(handler);
        let (c2, n2) = (commands.clone(), connections.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                n2.fetch_add(1, Ordering::SeqCst);
                let (h, c) = (handler.clone(), c2.clone());
                thread::spawn(move || serve_conn(stream, &*h, &c));
            }
        });
        Fake {
            address,
            commands,
            connections,
            _dir: dir,
        }
    }

    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn serve_conn(mut s: UnixStream, handler: &dyn Fn(&str) -> Response, log: &Mutex<Vec<String>>) {
    let mut dec = Decoder::for_commands();
    let mut buf = [0u8; 4096];
    loop {
        let n = match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        while !chunk.is_empty() {
            let Ok((used, frame)) = dec.decode(chunk) else {
                return;
            };
            chunk = &chunk[used..];
            let Some(frame) = frame else { continue };
            let cmd = payload_text(frame).unwrap();
            log.lock().unwrap().push(cmd.clone());
            match handler(&cmd) {
                Response::Text(t) => {
                    if s.write_all(&encode_frame(t.as_bytes())).is_err() {
                        return;
                    }
                }
                Response::Bytes(b) => {
                    if s.write_all(&b).is_err() {
                        return;
                    }
                }
                Response::BytesThenClose(b) => {
                    let _ = s.write_all(&b);
                    return;
                }
                Response::TextThenClose(t) => {
                    let _ = s.write_all(&encode_frame(t.as_bytes()));
                    return;
                }
                Response::Hang => {
                    // Wait until the client closes its end.
                    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                    let mut sink = [0u8; 64];
                    while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
                    return;
                }
                Response::Close => return,
            }
        }
    }
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/multipathd")
}

/// Recorded replies of one version, keyed by the tokens of the command that
/// produced them (the first recording of each command wins).
pub fn recorded(version: &str) -> HashMap<Vec<String>, String> {
    let dir = fixtures_dir();
    let list = std::fs::read_to_string(dir.join("commands.txt")).unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.join(version))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut out = HashMap::new();
    for line in list.lines() {
        let (id, cmd) = line.split_once('\t').unwrap();
        if id.starts_with("unpriv") || id == "084" {
            continue;
        }
        let file = files
            .iter()
            .find(|f| f.starts_with(&format!("{id}_")))
            .unwrap();
        let text = payload_text(std::fs::read(dir.join(version).join(file)).unwrap()).unwrap();
        out.entry(mpd_proto::quote::tokenize(cmd)).or_insert(text);
    }
    out
}

/// A fake that answers recorded commands with their recorded replies, and
/// anything else with the version's "unknown command" reply (067).
pub fn replay(version: &str) -> Fake {
    let table = recorded(version);
    let unknown = table[&vec!["frobnicate".to_owned()]].clone();
    Fake::start_abstract(move |cmd| {
        let t = mpd_proto::quote::tokenize(cmd);
        Response::Text(table.get(&t).cloned().unwrap_or_else(|| unknown.clone()))
    })
}

/// One recorded reply by file-name prefix.
pub fn fixture(version: &str, prefix: &str) -> String {
    let d = fixtures_dir().join(version);
    let f = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap();
    payload_text(std::fs::read(f).unwrap()).unwrap()
}
