//! One connection to the daemon: connect, send a frame, read a frame.
//! All protocol knowledge lives in `mpd-proto`; this is only sockets.

use std::io::{self, Read};
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

use mpd_proto::frame::{payload_text, Decoder};
use mpd_proto::FrameError;

use crate::address::Address;

/// Size of the read buffer (the decoder's growth step matches it).
pub(crate) const READ_BUF: usize = 64 * 1024;

/// What went wrong on the wire, before it is given its command for context.
#[derive(Debug)]
pub(crate) enum WireError {
    TimedOut,
    Closed(String),
    Frame(FrameError),
    Io(io::Error),
}

pub(crate) struct Conn {
    /// A connected unix stream socket (blocking; every read and write is
    /// bounded by a socket timeout derived from the command's deadline).
    sock: socket2::Socket,
    buf: Box<[u8]>,
}

/// A new unix stream socket for `addr` and the address to connect it to.
pub(crate) fn socket_for(addr: &Address) -> io::Result<(socket2::Socket, socket2::SockAddr)> {
    let sa = addr.sockaddr()?;
    let sock = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM.cloexec(), None)?;
    Ok((sock, sa))
}

/// True when the peer has closed the connection (or it is otherwise
/// unusable) while it sat idle. Unsolicited bytes also make it unusable.
pub(crate) fn is_stale(sock: socket2::SockRef<'_>) -> bool {
    let mut b = [MaybeUninit::<u8>::uninit(); 1];
    // A non-blocking peek: one syscall, the socket's mode is unchanged.
    match sock.recv_with_flags(&mut b, libc::MSG_PEEK | libc::MSG_DONTWAIT) {
        // Nothing to read: the connection is alive and quiet.
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
        // 0: the peer closed; more: bytes nobody asked for.
        Ok(_) => true,
    }
}

/// What a failed write means; `None`: interrupted, try again.
pub(crate) fn send_error(e: io::Error) -> Option<WireError> {
    match e.kind() {
        io::ErrorKind::Interrupted => None,
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Some(WireError::TimedOut),
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => {
            Some(WireError::Closed(format!("while sending: {e}")))
        }
        _ => Some(WireError::Io(e)),
    }
}

/// What a failed read means; `None`: interrupted, try again.
pub(crate) fn recv_error(e: io::Error) -> Option<WireError> {
    match e.kind() {
        io::ErrorKind::Interrupted => None,
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Some(WireError::TimedOut),
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => {
            Some(WireError::Closed(e.to_string()))
        }
        _ => Some(WireError::Io(e)),
    }
}

/// One reply being read: the bytes received go in, the reply's text
/// comes out once complete.
pub(crate) struct ReplyReader {
    decoder: Decoder,
}

impl ReplyReader {
    pub(crate) fn new(max_len: usize) -> ReplyReader {
        ReplyReader {
            decoder: Decoder::new(max_len),
        }
    }

    /// Takes the bytes of one read (`bytes` empty: the peer closed).
    /// Returns the reply once it is complete; bytes after it are an error.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<Option<String>, WireError> {
        if bytes.is_empty() {
            return Err(WireError::Closed(match self.decoder.finish() {
                Ok(()) => "no reply".to_owned(),
                Err(e) => e.to_string(),
            }));
        }
        let (used, frame) = self.decoder.decode(bytes).map_err(WireError::Frame)?;
        match frame {
            Some(_) if used != bytes.len() => {
                Err(WireError::Frame(FrameError::Trailing(bytes.len() - used)))
            }
            Some(frame) => payload_text(frame).map(Some).map_err(WireError::Frame),
            None => Ok(None),
        }
    }
}

impl Conn {
    pub(crate) fn connect(addr: &Address, timeout: Duration) -> io::Result<Conn> {
        let (sock, sa) = socket_for(addr)?;
        if timeout.is_zero() {
            sock.connect(&sa)?;
        } else {
            sock.connect_timeout(&sa, timeout)?;
        }
        Ok(Conn {
            sock,
            buf: vec![0u8; READ_BUF].into_boxed_slice(),
        })
    }

    /// The connected socket (for the peer check).
    pub(crate) fn socket(&self) -> &socket2::Socket {
        &self.sock
    }

    /// True when the peer has closed the connection while it sat idle.
    pub(crate) fn is_stale(&self) -> bool {
        is_stale(socket2::SockRef::from(&self.sock))
    }

    /// Sends a whole frame, without SIGPIPE, within the deadline.
    pub(crate) fn send(&mut self, frame: &[u8], deadline: Instant) -> Result<(), WireError> {
        let mut sent = 0;
        while sent < frame.len() {
            let left = remaining(deadline).ok_or(WireError::TimedOut)?;
            self.sock
                .set_write_timeout(Some(left))
                .map_err(WireError::Io)?;
            // MSG_NOSIGNAL: a daemon that went away is EPIPE, not SIGPIPE.
            match self
                .sock
                .send_with_flags(&frame[sent..], libc::MSG_NOSIGNAL)
            {
                Ok(n) => sent += n,
                Err(e) => match send_error(e) {
                    None => continue,
                    Some(w) => return Err(w),
                },
            }
        }
        Ok(())
    }

    /// Reads one reply frame within the deadline and returns its text.
    pub(crate) fn recv(&mut self, max_len: usize, deadline: Instant) -> Result<String, WireError> {
        let mut reader = ReplyReader::new(max_len);
        loop {
            let left = remaining(deadline).ok_or(WireError::TimedOut)?;
            self.sock
                .set_read_timeout(Some(left))
                .map_err(WireError::Io)?;
            let n = match self.sock.read(&mut self.buf) {
                Ok(n) => n,
                Err(e) => match recv_error(e) {
                    None => continue,
                    Some(w) => return Err(w),
                },
            };
            if let Some(text) = reader.feed(&self.buf[..n])? {
                return Ok(text);
            }
        }
    }
}

fn remaining(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    (!left.is_zero()).then_some(left)
}
