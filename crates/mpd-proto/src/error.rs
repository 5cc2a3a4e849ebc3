//! The one error type of this crate.

use thiserror::Error;

/// Everything that can go wrong while building a command or reading a reply.
///
/// Building errors ([`Error::InvalidArgument`], [`Error::CommandTooLong`]) are
/// raised before a single byte is produced, so an invalid command never
/// reaches the daemon. Reading errors ([`Error::Frame`], [`Error::Parse`])
/// describe bytes that the daemon (or something pretending to be it) sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A name, format string or other argument cannot be passed to the daemon
    /// without changing the command's meaning.
    #[error("invalid {what}: {reason}")]
    InvalidArgument {
        /// Which argument (e.g. `map name`, `path name`, `format`).
        what: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The encoded command is longer than the daemon accepts; it would close
    /// the connection without a reply.
    #[error("command is {len} bytes, the daemon accepts at most {max}")]
    CommandTooLong {
        /// Length of the command payload including its trailing NUL.
        len: usize,
        /// The limit ([`crate::MAX_COMMAND_LEN`]).
        max: usize,
    },
    /// A frame on the wire is malformed.
    #[error("bad frame: {0}")]
    Frame(#[from] FrameError),
    /// A reply's text does not have the shape its command produces.
    #[error("cannot parse {what}: {reason}")]
    Parse {
        /// What was being parsed (e.g. `path list`, `maps json`).
        what: &'static str,
        /// What was wrong, with the offending line where useful.
        reason: String,
    },
}

/// A malformed frame: the length prefix or the payload is not what the
/// protocol allows.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The length prefix is 0; every payload holds at least its NUL.
    #[error("length prefix is 0")]
    ZeroLength,
    /// The length prefix is larger than the accepted maximum. Nothing was
    /// allocated for it.
    #[error("length prefix {len} exceeds the limit of {max} bytes")]
    TooLong {
        /// The announced length.
        len: u64,
        /// The configured limit.
        max: usize,
    },
    /// The payload does not end with the NUL byte the daemon always sends.
    #[error("payload does not end with a NUL byte")]
    MissingNul,
    /// The payload holds a NUL byte before its end.
    #[error("payload holds a NUL byte at offset {0} before its end")]
    InteriorNul(usize),
    /// The peer sent bytes after a complete reply, which a request/reply
    /// peer never does.
    #[error("{0} unexpected bytes after the reply")]
    Trailing(usize),
    /// The peer closed the stream in the middle of a frame.
    #[error("stream ended after {got} of {expected} bytes")]
    Truncated {
        /// Bytes of the frame (prefix plus payload) that arrived.
        got: usize,
        /// Bytes the frame should have had.
        expected: usize,
    },
}

impl Error {
    pub(crate) fn parse(what: &'static str, reason: impl Into<String>) -> Self {
        Error::Parse {
            what,
            reason: reason.into(),
        }
    }
}
