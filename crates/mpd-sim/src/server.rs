//! The socket side: listening, one thread per connection, framing, the
//! peer's credentials, faults, and the background path checker.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mpd_proto::frame::{Decoder, LEN_PREFIX};

use crate::exec::{self, After, Context};
use crate::fault::Fault;
use crate::state::State;
use crate::version::Version;
use crate::{Address, Error, Privilege};

/// How long the daemon waits for the rest of a command whose length it
/// has read (`uxsock_timeout`, 4000 ms by default).
pub(crate) const UXSOCK_TIMEOUT: Duration = Duration::from_millis(4000);

/// Settings that can change while the simulator runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Controls {
    pub fault: Fault,
    pub delay: Duration,
    pub privilege: Privilege,
    pub immediate: bool,
    pub prkeys_file: bool,
}

/// What the listener, the connections, the checker and the handle share.
pub(crate) struct Shared {
    pub version: Version,
    pub pid: u32,
    pub state: Mutex<State>,
    pub controls: Mutex<Controls>,
    stopping: AtomicBool,
    stopped: Mutex<bool>,
    stopped_cv: Condvar,
    conns: Mutex<HashMap<u64, UnixStream>>,
    next_conn: AtomicU64,
    pub accepted: AtomicUsize,
    pub address: Address,
    /// Commands received (complete frames), faults included.
    pub commands: AtomicU64,
    /// Where each received command is appended, one line each (its text
    /// as a Rust string literal), before it is handled.
    pub command_log: Option<Mutex<std::fs::File>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking holder must not take the whole simulator down.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn controls(&self) -> Controls {
        *lock(&self.controls)
    }

    pub fn update_controls(&self, f: impl FnOnce(&mut Controls)) {
        f(&mut lock(&self.controls));
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Starts stopping: no new connections, open ones are shut down.
    /// Safe to call from any thread, any number of times.
    pub fn request_stop(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the acceptor with a connection of our own.
        let _ = connect(&self.address);
        for (_, c) in lock(&self.conns).drain() {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
        *lock(&self.stopped) = true;
        self.stopped_cv.notify_all();
    }

    /// Blocks until [`Shared::request_stop`] was called.
    pub fn wait_stopped(&self) {
        let mut s = lock(&self.stopped);
        while !*s {
            s = self.stopped_cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Sleeps up to `d`, returning early (true) when stopping.
    fn sleep_unless_stopping(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut s = lock(&self.stopped);
        loop {
            if *s {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            s = self
                .stopped_cv
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// Connects a client socket to `address`.
pub(crate) fn connect(address: &Address) -> io::Result<UnixStream> {
    match address {
        Address::Path(p) => UnixStream::connect(p),
        Address::Abstract(name) => {
            let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
            UnixStream::connect_addr(&addr)
        }
    }
}

/// Binds the listening socket. A stale socket file (nobody accepting) is
/// replaced; a live one is an error.
pub(crate) fn bind(address: &Address) -> Result<UnixListener, Error> {
    let err = |source: io::Error| Error::Bind {
        address: address.to_string(),
        source,
    };
    match address {
        Address::Abstract(name) => {
            let addr = SocketAddr::from_abstract_name(name.as_bytes()).map_err(err)?;
            UnixListener::bind_addr(&addr).map_err(err)
        }
        Address::Path(p) => match UnixListener::bind(p) {
            Ok(l) => Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && is_stale_socket(p) => {
                std::fs::remove_file(p).map_err(err)?;
                UnixListener::bind(p).map_err(err)
            }
            Err(e) => Err(err(e)),
        },
    }
}

fn is_stale_socket(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let is_socket = std::fs::symlink_metadata(p)
        .map(|m| m.file_type().is_socket())
        .unwrap_or(false);
    is_socket && UnixStream::connect(p).is_err()
}

/// The peer's uid (`SO_PEERCRED`), if the kernel tells.
fn peer_uid(s: &UnixStream) -> Option<u32> {
    nix::sys::socket::getsockopt(s, nix::sys::socket::sockopt::PeerCredentials)
        .ok()
        .map(|cred| cred.uid())
}

/// Everything the running simulator owns besides [`Shared`].
pub(crate) struct Runtime {
    pub shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    conn_threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    socket_file: Option<PathBuf>,
}

impl Runtime {
    pub fn start(
        version: Version,
        state: State,
        controls: Controls,
        address: Address,
        checker_tick: Option<Duration>,
        pid: u32,
        command_log: Option<std::fs::File>,
    ) -> Result<Runtime, Error> {
        let listener = bind(&address)?;
        let socket_file = match &address {
            Address::Path(p) => Some(p.clone()),
            Address::Abstract(_) => None,
        };
        let shared = Arc::new(Shared {
            version,
            pid,
            state: Mutex::new(state),
            controls: Mutex::new(controls),
            stopping: AtomicBool::new(false),
            stopped: Mutex::new(false),
            stopped_cv: Condvar::new(),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
            accepted: AtomicUsize::new(0),
            address,
            commands: AtomicU64::new(0),
            command_log: command_log.map(Mutex::new),
        });
        let conn_threads = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        {
            let shared = Arc::clone(&shared);
            let conn_threads = Arc::clone(&conn_threads);
            threads.push(
                thread::Builder::new()
                    .name("mpd-sim-accept".into())
                    .spawn(move || accept_loop(listener, shared, conn_threads))?,
            );
        }
        if let Some(tick) = checker_tick {
            let shared = Arc::clone(&shared);
            threads.push(
                thread::Builder::new()
                    .name("mpd-sim-checker".into())
                    .spawn(move || {
                        while !shared.sleep_unless_stopping(tick) {
                            shared.state().checker_second();
                        }
                    })?,
            );
        }
        Ok(Runtime {
            shared,
            threads,
            conn_threads,
            socket_file,
        })
    }

    /// Stops everything and waits for the threads; removes a socket file.
    pub fn stop(&mut self) {
        self.shared.request_stop();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let conns: Vec<_> = lock(&self.conn_threads).drain(..).collect();
        for t in conns {
            let _ = t.join();
        }
        if let Some(p) = self.socket_file.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn accept_loop(
    listener: UnixListener,
    shared: Arc<Shared>,
    conn_threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
) {
    for stream in listener.incoming() {
        if shared.is_stopping() {
            break;
        }
        let Ok(stream) = stream else {
            // EMFILE and friends: back off a little rather than spin.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        if shared.is_stopping() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            break;
        }
        let sh = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name(format!("mpd-sim-conn-{id}"))
            .spawn(move || {
                serve(&sh, stream);
                lock(&sh.conns).remove(&id);
            });
        let mut threads = lock(&conn_threads);
        // Reap finished connection threads so a long run does not pile them up.
        let (done, running): (Vec<_>, Vec<_>) = threads.drain(..).partition(|t| t.is_finished());
        for t in done {
            let _ = t.join();
        }
        *threads = running;
        if let Ok(t) = spawned {
            threads.push(t);
        }
    }
}

/// Serves one client until it closes, the simulator stops, or a fault or
/// protocol error ends the connection.
fn serve(shared: &Shared, mut stream: UnixStream) {
    let uid = peer_uid(&stream);
    let mut decoder = Decoder::for_commands();
    let mut buf = [0u8; 4096];
    let mut pending: Vec<u8> = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        if shared.is_stopping() {
            return;
        }
        // Hand buffered bytes to the decoder first.
        if !pending.is_empty() {
            match decoder.decode(&pending) {
                Ok((used, frame)) => {
                    pending.drain(..used);
                    if let Some(payload) = frame {
                        deadline = None;
                        let _ = stream.set_read_timeout(None);
                        if !handle_command(shared, &mut stream, uid, &payload) {
                            return;
                        }
                    } else if !decoder.is_idle() && deadline.is_none() {
                        deadline = Some(Instant::now() + UXSOCK_TIMEOUT);
                    }
                    continue;
                }
                // Length 0 or over 512: the daemon drops the client.
                Err(_) => return,
            }
        }
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // The rest of the command never came.
                if shared.version.is_legacy() {
                    return;
                }
                decoder = Decoder::for_commands();
                deadline = None;
                let _ = stream.set_read_timeout(None);
                if send_reply(shared, &mut stream, shared.version.timeout_reply()).is_err() {
                    return;
                }
                continue;
            }
            let _ = stream.set_read_timeout(Some(left));
        }
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Runs one command and answers it. Returns false when the connection must
/// end.
fn handle_command(
    shared: &Shared,
    stream: &mut UnixStream,
    uid: Option<u32>,
    payload: &[u8],
) -> bool {
    let controls = shared.controls();
    let text = String::from_utf8_lossy(payload).into_owned();
    shared.commands.fetch_add(1, Ordering::SeqCst);
    if let Some(log) = &shared.command_log {
        // One write per line (O_APPEND): the record survives a kill -9.
        let line = format!("{:?}\n", text.trim_end_matches('\0'));
        let _ = lock(log).write_all(line.as_bytes());
    }
    let is_root = match controls.privilege {
        Privilege::PeerCred => uid == Some(0),
        Privilege::Root => true,
        Privilege::NonRoot => false,
    };
    match controls.fault {
        Fault::Hang => {
            // Swallow input until the client goes away or we stop.
            let mut sink = [0u8; 1024];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            loop {
                if shared.is_stopping() {
                    return false;
                }
                match stream.read(&mut sink) {
                    Ok(0) => return false,
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock
                                | io::ErrorKind::TimedOut
                                | io::ErrorKind::Interrupted
                        ) => {}
                    Err(_) => return false,
                }
            }
        }
        Fault::CloseWithoutReply => return false,
        Fault::Timeout => {
            if shared.sleep_unless_stopping(controls.delay) {
                return false;
            }
            return send_reply(shared, stream, shared.version.timeout_reply()).is_ok();
        }
        _ => {}
    }
    let outcome = {
        let ctx = Context {
            version: shared.version,
            is_root,
            immediate: controls.immediate,
            pid: shared.pid,
            prkeys_file: controls.prkeys_file,
        };
        let mut st = shared.state();
        exec::execute(&mut st, &ctx, &text)
    };
    if shared.sleep_unless_stopping(controls.delay) {
        return false;
    }
    let mut body = outcome.reply.into_bytes();
    body.push(0);
    let ok = match controls.fault {
        Fault::DropMidReply => {
            let mut wire = body.len().to_ne_bytes().to_vec();
            wire.extend_from_slice(&body[..body.len() / 2]);
            let _ = send_all(stream, &wire);
            false
        }
        Fault::BadLength(n) => {
            let mut wire = (n as usize).to_ne_bytes().to_vec();
            wire.extend_from_slice(&body);
            let _ = send_all(stream, &wire);
            false
        }
        _ => {
            let mut wire = Vec::with_capacity(LEN_PREFIX + body.len());
            wire.extend_from_slice(&body.len().to_ne_bytes());
            wire.extend_from_slice(&body);
            send_all(stream, &wire).is_ok()
        }
    };
    if outcome.after == After::Shutdown {
        let _ = stream.flush();
        shared.request_stop();
        return false;
    }
    ok
}

fn send_reply(_shared: &Shared, stream: &mut UnixStream, text: &str) -> io::Result<()> {
    send_all(stream, &mpd_proto::frame::encode_frame(text.as_bytes()))
}

/// Writes everything with `MSG_NOSIGNAL`, as the daemon does: a client
/// that went away must not raise SIGPIPE in the process hosting the
/// simulator (which may be a C or Python program that does not ignore it).
fn send_all(stream: &UnixStream, mut bytes: &[u8]) -> io::Result<()> {
    use nix::sys::socket::{send, MsgFlags};
    while !bytes.is_empty() {
        match send(stream.as_raw_fd(), bytes, MsgFlags::MSG_NOSIGNAL) {
            Ok(n) => bytes = &bytes[n..],
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
