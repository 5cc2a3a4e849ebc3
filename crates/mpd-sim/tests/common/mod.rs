//! A raw client for the tests: frames by hand, reports exactly what came
//! back (a reply, or the connection closing), never hides protocol errors.
#![allow(dead_code)]

pub mod run_dependent;

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use mpd_sim::SimHandle;

/// What the simulator did with one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A complete frame: the payload, trailing NUL included.
    Reply(Vec<u8>),
    /// The connection closed after `got` bytes of the frame.
    Closed { got: usize },
    /// Nothing arrived in time.
    Silent,
}

impl Answer {
    /// The reply text without its NUL; panics on anything else.
    pub fn text(&self) -> String {
        match self {
            Answer::Reply(p) => {
                assert_eq!(p.last(), Some(&0), "reply without trailing NUL: {p:?}");
                String::from_utf8_lossy(&p[..p.len() - 1]).into_owned()
            }
            other => panic!("expected a reply, got {other:?}"),
        }
    }
}

/// Connects with a read timeout, so a broken simulator fails the test
/// instead of hanging it.
pub fn connect(sim: &SimHandle) -> UnixStream {
    let s = sim.connect().expect("connect to simulator");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Sends `text` as one frame (length counts the NUL we append).
pub fn send(s: &mut UnixStream, text: &[u8]) -> io::Result<()> {
    s.write_all(&mpd_proto::frame::encode_frame(text))
}

/// Reads one frame (or what is left of it).
pub fn receive(s: &mut UnixStream) -> Answer {
    let mut prefix = [0u8; 8];
    let mut got = 0;
    while got < 8 {
        match s.read(&mut prefix[got..]) {
            Ok(0) => return Answer::Closed { got },
            Ok(n) => got += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Answer::Silent
            }
            Err(_) => return Answer::Closed { got },
        }
    }
    let len = usize::from_ne_bytes(prefix);
    assert!(len < 64 << 20, "unexpected reply length {len}");
    let mut payload = vec![0u8; len];
    let mut have = 0;
    while have < len {
        match s.read(&mut payload[have..]) {
            Ok(0) => return Answer::Closed { got: 8 + have },
            Ok(n) => have += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Answer::Silent
            }
            Err(_) => return Answer::Closed { got: 8 + have },
        }
    }
    Answer::Reply(payload)
}

/// Sends a command and reads the answer.
pub fn ask(s: &mut UnixStream, text: &str) -> Answer {
    if send(s, text.as_bytes()).is_err() {
        return Answer::Closed { got: 0 };
    }
    receive(s)
}

/// One command on a fresh connection; the reply text.
pub fn ask_once(sim: &SimHandle, text: &str) -> String {
    let mut s = connect(sim);
    ask(&mut s, text).text()
}

/// Serializes the tests (in any test binary) that bind the daemon's default
/// abstract address: an exclusive `flock` on a file in the temp directory,
/// held until the guard is dropped.
pub fn default_address_lock() -> std::fs::File {
    use std::os::fd::AsRawFd;
    let path = std::env::temp_dir().join("mpd-sim-default-address.lock");
    // Read-only is enough for flock, and works when another user created
    // the file.
    let f = std::fs::File::open(&path)
        .or_else(|_| {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        })
        .expect("open lock file");
    // SAFETY: flock on a file descriptor we own.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(rc, 0, "flock {}", path.display());
    f
}
