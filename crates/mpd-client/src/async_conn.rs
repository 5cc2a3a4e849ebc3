//! One connection to the daemon on tokio: connect, send a frame, read a
//! frame. The same socket setup, error mapping and frame reading as the
//! blocking transport (`transport.rs`); only the waiting differs.

use std::io;
use std::time::{Duration, Instant};

use tokio::io::Interest;
use tokio::net::UnixStream;

use crate::address::Address;
use crate::transport::{self, recv_error, send_error, ReplyReader, WireError, READ_BUF};

pub(crate) struct AsyncConn {
    stream: UnixStream,
    buf: Box<[u8]>,
}

impl AsyncConn {
    /// Connects within `timeout` (zero: no limit), as the blocking client.
    pub(crate) async fn connect(addr: &Address, timeout: Duration) -> io::Result<AsyncConn> {
        let (sock, sa) = transport::socket_for(addr)?;
        sock.set_nonblocking(true)?;
        let in_progress = match sock.connect(&sa) {
            Ok(()) => false,
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => true,
            Err(e) => return Err(e),
        };
        let stream = UnixStream::from_std(std::os::unix::net::UnixStream::from(sock))?;
        if in_progress {
            let ready = stream.writable();
            if timeout.is_zero() {
                ready.await?;
            } else {
                tokio::time::timeout(timeout, ready)
                    .await
                    .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
            }
            if let Some(e) = stream.take_error()? {
                return Err(e);
            }
        }
        // The caller checks the peer's credentials on `socket()` before
        // anything is sent.
        Ok(AsyncConn {
            stream,
            buf: vec![0u8; READ_BUF].into_boxed_slice(),
        })
    }

    /// The connected stream (for the peer check).
    pub(crate) fn socket(&self) -> &UnixStream {
        &self.stream
    }

    /// True when the peer has closed the connection while it sat idle.
    pub(crate) fn is_stale(&self) -> bool {
        transport::is_stale(socket2::SockRef::from(&self.stream))
    }

    /// Sends the frame and reads the reply, both within the deadline.
    ///
    /// Not cancellation-safe by itself: a caller dropped mid-way must drop
    /// the connection (the client's lease does).
    pub(crate) async fn round_trip(
        &mut self,
        frame: &[u8],
        max_len: usize,
        deadline: Instant,
    ) -> Result<String, WireError> {
        let exchange = async {
            self.send(frame).await?;
            self.recv(max_len).await
        };
        match tokio::time::timeout_at(deadline.into(), exchange).await {
            Ok(result) => result,
            Err(_) => Err(WireError::TimedOut),
        }
    }

    async fn send(&mut self, frame: &[u8]) -> Result<(), WireError> {
        let mut sent = 0;
        while sent < frame.len() {
            self.stream.writable().await.map_err(WireError::Io)?;
            // MSG_NOSIGNAL: a daemon that went away is EPIPE, not SIGPIPE.
            let stream = &self.stream;
            let result = stream.try_io(Interest::WRITABLE, || {
                socket2::SockRef::from(stream).send_with_flags(&frame[sent..], libc::MSG_NOSIGNAL)
            });
            match result {
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => match send_error(e) {
                    None => continue,
                    Some(w) => return Err(w),
                },
            }
        }
        Ok(())
    }

    async fn recv(&mut self, max_len: usize) -> Result<String, WireError> {
        let mut reader = ReplyReader::new(max_len);
        loop {
            self.stream.readable().await.map_err(WireError::Io)?;
            let n = match self.stream.try_read(&mut self.buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
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
