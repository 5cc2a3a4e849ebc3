//! One connection to the daemon: connect, send a frame, read a frame.
//! All protocol knowledge lives in `mpd-proto`; this is only sockets.

use std::io::{self, Read};
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

use mpd_proto::frame::{payload_text, Decoder};
use mpd_proto::FrameError;

use crate::address::Address;

/// Size of the read buffer (the decoder's growth step matches it).
const READ_BUF: usize = 64 * 1024;

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

impl Conn {
    pub(crate) fn connect(addr: &Address, timeout: Duration) -> io::Result<Conn> {
        let sa = addr.sockaddr()?;
        let sock =
            socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM.cloexec(), None)?;
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

    /// True when the peer has closed the connection (or it is otherwise
    /// unusable) while it sat idle. Unsolicited bytes also make it unusable.
    pub(crate) fn is_stale(&self) -> bool {
        let mut b = [MaybeUninit::<u8>::uninit(); 1];
        // A non-blocking peek: one syscall, the socket stays blocking.
        match self
            .sock
            .recv_with_flags(&mut b, libc::MSG_PEEK | libc::MSG_DONTWAIT)
        {
            // Nothing to read: the connection is alive and quiet.
            Err(e) => e.kind() != io::ErrorKind::WouldBlock,
            // 0: the peer closed; more: bytes nobody asked for.
            Ok(_) => true,
        }
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
                Err(e) => match e.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                        return Err(WireError::TimedOut)
                    }
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => {
                        return Err(WireError::Closed(format!("while sending: {e}")))
                    }
                    _ => return Err(WireError::Io(e)),
                },
            }
        }
        Ok(())
    }

    /// Reads one reply frame within the deadline and returns its text.
    pub(crate) fn recv(&mut self, max_len: usize, deadline: Instant) -> Result<String, WireError> {
        let mut decoder = Decoder::new(max_len);
        loop {
            let left = remaining(deadline).ok_or(WireError::TimedOut)?;
            self.sock
                .set_read_timeout(Some(left))
                .map_err(WireError::Io)?;
            let n = match self.sock.read(&mut self.buf) {
                Ok(0) => {
                    return Err(WireError::Closed(match decoder.finish() {
                        Ok(()) => "no reply".to_owned(),
                        Err(e) => e.to_string(),
                    }))
                }
                Ok(n) => n,
                Err(e) => match e.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                        return Err(WireError::TimedOut)
                    }
                    io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => {
                        return Err(WireError::Closed(e.to_string()))
                    }
                    _ => return Err(WireError::Io(e)),
                },
            };
            let (used, frame) = decoder.decode(&self.buf[..n]).map_err(WireError::Frame)?;
            if let Some(frame) = frame {
                if used != n {
                    return Err(WireError::Frame(FrameError::Trailing(n - used)));
                }
                return payload_text(frame).map_err(WireError::Frame);
            }
        }
    }
}

fn remaining(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    (!left.is_zero()).then_some(left)
}
