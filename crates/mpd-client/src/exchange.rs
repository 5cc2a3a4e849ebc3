//! What a command exchange does besides I/O, shared by the blocking
//! [`crate::Client`] and (with the `tokio` feature) the async
//! `AsyncClient`: which addresses to try, the retry decision, framing,
//! turning wire failures and replies into [`Error`]s and outputs.
//! Each transport only moves the bytes.

use std::time::{Duration, Instant};

use mpd_proto::reply::classify;
use mpd_proto::{Answer, Command, DaemonVersion, FailureKind, Operation, Reply};

use crate::address::Address;
use crate::client::RetryPolicy;
use crate::error::{Error, ErrorKind, Result};
use crate::transport::WireError;

/// The addresses to try, in order: the one configured, else
/// [`Address::discover`]'s list.
pub(crate) fn candidates(configured: Option<&Address>) -> Vec<Address> {
    match configured {
        Some(a) => vec![a.clone()],
        None => Address::discover(),
    }
}

/// The error for a failed connection to `address`.
pub(crate) fn connect_error(address: &Address, source: std::io::Error) -> Error {
    Error::Connect {
        address: address.to_string(),
        source,
    }
}

/// A command checked and framed, ready to send.
pub(crate) struct Prepared {
    /// The command's text (for errors).
    pub(crate) text: String,
    /// Whether it is read-only (may be retried).
    pub(crate) read_only: bool,
}

impl Prepared {
    /// Checks `command` (quoting, length) before anything is sent.
    pub(crate) fn new(command: &Command) -> Result<Prepared> {
        Ok(Prepared {
            text: command.text().map_err(Error::InvalidArgument)?,
            read_only: command.is_read_only(),
        })
    }

    /// Writes the command's frame into `frame` (cleared first; its
    /// allocation is reused).
    pub(crate) fn frame_into(&self, frame: &mut Vec<u8>) {
        frame.clear();
        mpd_proto::frame::encode_frame_into(self.text.as_bytes(), frame);
    }
}

/// The deadline of one command's reply.
pub(crate) fn reply_deadline(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
}

/// A wire failure, given its command for context.
pub(crate) fn wire_error(e: WireError, command: &str, timeout: Duration) -> Error {
    let command = command.to_owned();
    match e {
        WireError::TimedOut => Error::Timeout {
            command,
            after: timeout,
            detail: format!("no complete reply within {timeout:?}"),
        },
        WireError::Closed(detail) => Error::ConnectionClosed { command, detail },
        WireError::Frame(f) => Error::Protocol {
            command,
            source: f.into(),
        },
        WireError::Io(source) => Error::Io { command, source },
    }
}

/// Classifies a reply's text for its command; a failure that names the
/// daemon's version also gives it.
pub(crate) fn classify_reply(command: &Command, text: &str) -> (Reply, Option<DaemonVersion>) {
    let reply = classify(text, command.reply_shape());
    let version = match &reply {
        Reply::Failure(f) => f.version(),
        _ => None,
    };
    (reply, version)
}

/// The text of a command as shown in errors.
pub(crate) fn shown(command: &Command) -> String {
    command.text().unwrap_or_default()
}

/// What `call` returns for a reply: empty for `ok`, the data for a query,
/// the matching [`Error`] for a failure.
pub(crate) fn reply_text(command: &Command, reply: Reply) -> Result<String> {
    match reply {
        Reply::Ok => Ok(String::new()),
        Reply::Data(d) => Ok(d),
        Reply::Failure(f) => Err(Error::from_failure(&shown(command), f)),
    }
}

/// What `execute` returns for a reply: the operation's parsed output.
pub(crate) fn parse_output<O: Operation>(
    op: &O,
    command: &Command,
    reply: &Reply,
    version: Option<DaemonVersion>,
) -> Result<O::Output> {
    let answer = match reply {
        Reply::Ok => Answer::Ok,
        Reply::Data(d) => Answer::Data(d),
        Reply::Failure(f) => return Err(failure_error(command, f, version)),
    };
    op.parse(answer).map_err(|source| Error::Protocol {
        command: shown(command),
        source,
    })
}

/// Whether telling what `reply` means needs the daemon's version: a bare
/// `fail` to a command that not every release knows. 0.8 answers such a
/// command with its help text, but 0.9+ with a bare `fail` when the unknown
/// keyword is not the command's last word (`getprhold map M`), which only
/// the version tells from a real failure.
pub(crate) fn needs_version(command: &Command, reply: &Reply) -> bool {
    matches!(reply, Reply::Failure(f)
        if f.kind == mpd_proto::FailureKind::Failed && f.message.is_none())
        && command.since().is_some()
}

/// The error for a failure reply: [`Error::UnknownCommand`] for a command
/// newer than the daemon's `version` (when known), else the failure's own.
pub(crate) fn failure_error(
    command: &Command,
    f: &mpd_proto::Failure,
    version: Option<DaemonVersion>,
) -> Error {
    let shown = shown(command);
    if let (mpd_proto::FailureKind::Failed, None, Some(since), Some(v)) =
        (f.kind, f.message.as_ref(), command.since(), version)
    {
        if v < since {
            return Error::UnknownCommand {
                command: shown,
                version: Some(v),
                reply: f.text.clone(),
            };
        }
    }
    Error::from_failure(&shown, f.clone())
}

/// The command that asks for the daemon's version: `show`, whose help text
/// names the release.
pub(crate) fn version_query() -> Command {
    Command::Raw {
        text: "show".into(),
        shape: mpd_proto::ReplyShape::Data,
    }
}

/// The version in the reply to [`version_query`].
pub(crate) fn version_from_reply(reply: &Reply) -> Result<DaemonVersion> {
    let version = match reply {
        Reply::Failure(f) => f.version(),
        _ => None,
    };
    version.ok_or_else(|| Error::Protocol {
        command: "show".into(),
        source: mpd_proto::Error::Parse {
            what: "help text",
            reason: "the reply to \"show\" names no multipath-tools version".into(),
        },
    })
}

/// The [`RetryPolicy`] applied to one command: after each attempt, says
/// whether to send it again and after what pause.
pub(crate) struct Retrier {
    policy: RetryPolicy,
    read_only: bool,
    start: Instant,
    pause: Duration,
    attempt: u32,
}

impl Retrier {
    pub(crate) fn new(policy: RetryPolicy, read_only: bool) -> Retrier {
        Retrier {
            policy,
            read_only,
            start: Instant::now(),
            pause: policy.backoff,
            attempt: 1,
        }
    }

    /// After an attempt with this outcome: the pause before the next one,
    /// or `None` to return the outcome.
    pub(crate) fn again(&mut self, outcome: &Result<Reply>) -> Option<Duration> {
        let failed = match outcome {
            Err(e) => Some(e.kind()),
            Ok(Reply::Failure(f)) if f.kind == FailureKind::Timeout => {
                Some(ErrorKind::DaemonTimeout)
            }
            Ok(_) => None,
        };
        let again = failed.is_some_and(|k| k.is_retry_safe(self.read_only))
            && self.attempt < self.policy.attempts
            && self
                .policy
                .deadline
                .is_none_or(|d| self.start.elapsed() + self.pause <= d);
        if !again {
            return None;
        }
        let pause = self.pause;
        self.pause = (self.pause * 2).min(self.policy.max_backoff);
        self.attempt += 1;
        Some(pause)
    }
}
