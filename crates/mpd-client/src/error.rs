//! The client's error type.

use std::io;
use std::time::Duration;

use mpd_proto::reply::{Failure, FailureKind};
use mpd_proto::DaemonVersion;
use thiserror::Error;

/// Everything a client call can fail with. Match on it; every variant keeps
/// the command text (quoted as sent) and, where the daemon answered, its
/// full reply.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before anything was sent: an empty name, a
    /// control character, a command over the daemon's 512-byte limit.
    #[error("invalid argument: {0}")]
    InvalidArgument(#[source] mpd_proto::Error),
    /// No daemon could be reached at `address`.
    #[error("cannot connect to multipathd at {address}: {source}")]
    Connect {
        /// The address tried (a path, or `@name` for an abstract socket).
        address: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// No complete reply within the client's timeout. The command may have
    /// reached the daemon and run: an action is never sent again
    /// automatically (see [`ErrorKind::may_have_run`]).
    #[error("{command:?}: {detail}")]
    Timeout {
        /// The command.
        command: String,
        /// How long the client waited.
        after: Duration,
        /// What happened, in words.
        detail: String,
    },
    /// The daemon itself answered `timeout`: it gave up waiting for its own
    /// lock (it was busy reconfiguring or handling events) and did *not*
    /// run the command, so sending it again is safe.
    #[error("{command:?}: the daemon was busy and answered \"timeout\" (the command was not run)")]
    DaemonTimeout {
        /// The command.
        command: String,
        /// The daemon's full reply.
        reply: String,
    },
    /// The daemon closed the connection before a complete reply (it does
    /// this for a command it cannot read, or when it exits).
    #[error("{command:?}: the daemon closed the connection ({detail})")]
    ConnectionClosed {
        /// The command.
        command: String,
        /// What was received before the close.
        detail: String,
    },
    /// The peer sent bytes that are not a valid reply: a bad length prefix,
    /// a payload without its NUL, or text that does not parse as the
    /// command's reply.
    #[error("{command:?}: protocol error: {source}")]
    Protocol {
        /// The command.
        command: String,
        /// What was wrong.
        #[source]
        source: mpd_proto::Error,
    },
    /// The daemon refused the command because this process is not root.
    #[error("{command:?}: permission denied (the daemon accepts only show/list commands from non-root users)")]
    PermissionDenied {
        /// The command.
        command: String,
        /// The daemon's reply.
        reply: String,
    },
    /// The daemon said the map or path does not exist (`fail` + `device
    /// not found`, 0.10+). Older daemons answer a bare `fail`, which is
    /// [`Error::CommandFailed`].
    #[error("{command:?}: no such map or path (the daemon answered \"device not found\")")]
    NotFound {
        /// The command.
        command: String,
        /// The daemon's full reply.
        reply: String,
    },
    /// The daemon answered `fail`: the action could not be done (on
    /// daemons before 0.10, also: no such map or path).
    #[error("{command:?} failed{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    CommandFailed {
        /// The command.
        command: String,
        /// The daemon's reason, when it gave one (0.10+: `device not found`).
        message: Option<String>,
        /// The daemon's full reply.
        reply: String,
    },
    /// The daemon does not know the command (or it lacks an argument): it
    /// answered with its help text. Typically a command newer than the
    /// daemon, such as `reconfigure all` on 0.8.
    #[error("{command:?}: not supported by this multipathd{}", version.map(|v| format!(" ({v})")).unwrap_or_default())]
    UnknownCommand {
        /// The command.
        command: String,
        /// The daemon's version, read from its help text.
        version: Option<DaemonVersion>,
        /// The daemon's full reply.
        reply: String,
    },
    /// `add path` on a device the daemon's configuration blacklists (or
    /// that does not exist).
    #[error("{command:?}: the device is blacklisted or unknown to the daemon")]
    Blacklisted {
        /// The command.
        command: String,
    },
    /// The map is open (mounted, or held by another device) and cannot be
    /// removed.
    #[error("{command:?}: map or partition in use")]
    MapInUse {
        /// The command.
        command: String,
        /// The daemon's full reply.
        reply: String,
    },
    /// A wait (or a safe removal) did not reach its condition before its
    /// deadline; `last` is what it saw last.
    #[error("{what}: not reached within {after:?} (last seen: {last})")]
    WaitTimeout {
        /// What was waited for, in words.
        what: String,
        /// The deadline.
        after: Duration,
        /// The last state seen.
        last: Box<crate::jobs::LastSeen>,
    },
    /// The peer on the socket is not a daemon this client trusts: the
    /// process that holds the address runs as a uid the
    /// [`PeerTrust`](crate::PeerTrust) policy refuses (any local user can
    /// bind the abstract name while multipathd is down). Nothing was sent.
    #[error("refusing the peer at {address}: it runs as {}{}, expected {expected} (see PeerTrust)", uid.map(|u| format!("uid {u}")).unwrap_or_else(|| "an unknown uid".into()), pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    UntrustedPeer {
        /// The address connected to.
        address: String,
        /// The peer's uid, as the kernel recorded it (None if unreadable).
        uid: Option<u32>,
        /// The peer's process id, when the kernel could tell.
        pid: Option<i32>,
        /// What the policy accepts, in words (`"uid 0"`).
        expected: String,
    },
    /// Another I/O error on an established connection.
    #[error("{command:?}: I/O error: {source}")]
    Io {
        /// The command.
        command: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

/// What kind of failure an [`Error`](enum@Error) is, without its details: one flat
/// list for matching, for exit codes, and for the bindings (each Python
/// exception class and each C result code corresponds to one kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidArgument`].
    InvalidArgument,
    /// [`Error::Connect`].
    Connect,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::DaemonTimeout`].
    DaemonTimeout,
    /// [`Error::ConnectionClosed`].
    ConnectionClosed,
    /// [`Error::Protocol`].
    Protocol,
    /// [`Error::PermissionDenied`].
    PermissionDenied,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::CommandFailed`].
    CommandFailed,
    /// [`Error::UnknownCommand`].
    UnknownCommand,
    /// [`Error::Blacklisted`].
    Blacklisted,
    /// [`Error::MapInUse`].
    MapInUse,
    /// [`Error::Io`].
    Io,
    /// [`Error::WaitTimeout`].
    WaitTimeout,
    /// [`Error::UntrustedPeer`].
    UntrustedPeer,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::InvalidArgument,
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::DaemonTimeout,
        ErrorKind::ConnectionClosed,
        ErrorKind::Protocol,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::CommandFailed,
        ErrorKind::UnknownCommand,
        ErrorKind::Blacklisted,
        ErrorKind::MapInUse,
        ErrorKind::Io,
        ErrorKind::WaitTimeout,
        ErrorKind::UntrustedPeer,
    ];

    /// A stable identifier in snake case (`not_found`), the name of the
    /// kind's [`PerKind`] field; the C result code is named after it
    /// (`MPD_NOT_FOUND`).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::DaemonTimeout => "daemon_timeout",
            ErrorKind::ConnectionClosed => "connection_closed",
            ErrorKind::Protocol => "protocol",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::CommandFailed => "command_failed",
            ErrorKind::UnknownCommand => "unknown_command",
            ErrorKind::Blacklisted => "blacklisted",
            ErrorKind::MapInUse => "map_in_use",
            ErrorKind::Io => "io",
            ErrorKind::WaitTimeout => "wait_timeout",
            ErrorKind::UntrustedPeer => "untrusted_peer",
        }
    }

    /// The kind with this [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the command may have reached the daemon and run although
    /// no answer says so: the client's own timeout, a connection closed or
    /// an I/O error after sending, or a reply that could not be read. Such
    /// a command must not be sent again blindly if it is an action.
    pub const fn may_have_run(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout | ErrorKind::ConnectionClosed | ErrorKind::Io | ErrorKind::Protocol
        )
    }

    /// Whether the failure may go away by itself, so that the same command
    /// can succeed later: no daemon listening (restarting), the daemon
    /// busy (`timeout`), the map still in use, or a connection that broke.
    /// Refusals that will not change (permission, unknown command, not
    /// found, invalid argument, a plain `fail`) are not transient.
    pub const fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Connect
                | ErrorKind::DaemonTimeout
                | ErrorKind::MapInUse
                | ErrorKind::Timeout
                | ErrorKind::ConnectionClosed
                | ErrorKind::Io
                | ErrorKind::WaitTimeout
        )
    }

    /// Whether the daemon could not be reached or was too busy to answer:
    /// no daemon listening, a broken connection, the client's timeout, the
    /// daemon's `timeout`, another socket error. The waits and the watch sit
    /// these out (a restarting daemon); other failures end them.
    pub const fn is_unreachable(self) -> bool {
        matches!(
            self,
            ErrorKind::Connect
                | ErrorKind::ConnectionClosed
                | ErrorKind::Timeout
                | ErrorKind::DaemonTimeout
                | ErrorKind::Io
        )
    }

    /// Whether a command that failed this way may be sent again
    /// automatically, the rule of [`Client`](crate::Client)'s
    /// [`RetryPolicy`](crate::RetryPolicy): a command that only reads
    /// (`read_only`) and failed transiently (no daemon listening, the
    /// daemon's `timeout`, a broken connection, the client's timeout).
    /// Actions are never re-sent automatically, not even after the daemon's
    /// `timeout` (which says it did not run the action, see
    /// [`may_have_run`](Self::may_have_run): the caller may decide to send
    /// it again, as [`Client::remove_map_safely`](crate::Client::remove_map_safely)
    /// does).
    pub const fn is_retry_safe(self, read_only: bool) -> bool {
        read_only && self.is_transient()
    }
}

/// One value per [`ErrorKind`]: a table that the bindings fill to map
/// every kind to their own form (a C result code, a Python exception
/// class). Unlike a `match` on the non-exhaustive [`ErrorKind`], building
/// this struct names every kind, so a kind added to this crate breaks the
/// build of every table until it is mapped: no kind falls through a
/// catch-all arm. Look a kind up with [`ErrorKind::pick`].
///
/// ```
/// use mpd_client::{ErrorKind, PerKind};
///
/// const EXIT_CODES: PerKind<u8> = PerKind {
///     invalid_argument: 2, connect: 3, timeout: 4, daemon_timeout: 14, connection_closed: 5,
///     protocol: 6, permission_denied: 7, not_found: 8, command_failed: 9,
///     unknown_command: 10, blacklisted: 11, map_in_use: 12, io: 13, wait_timeout: 15,
///     untrusted_peer: 16,
/// };
/// assert_eq!(*ErrorKind::NotFound.pick(&EXIT_CODES), 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PerKind<T> {
    /// For [`ErrorKind::InvalidArgument`].
    pub invalid_argument: T,
    /// For [`ErrorKind::Connect`].
    pub connect: T,
    /// For [`ErrorKind::Timeout`].
    pub timeout: T,
    /// For [`ErrorKind::DaemonTimeout`].
    pub daemon_timeout: T,
    /// For [`ErrorKind::ConnectionClosed`].
    pub connection_closed: T,
    /// For [`ErrorKind::Protocol`].
    pub protocol: T,
    /// For [`ErrorKind::PermissionDenied`].
    pub permission_denied: T,
    /// For [`ErrorKind::NotFound`].
    pub not_found: T,
    /// For [`ErrorKind::CommandFailed`].
    pub command_failed: T,
    /// For [`ErrorKind::UnknownCommand`].
    pub unknown_command: T,
    /// For [`ErrorKind::Blacklisted`].
    pub blacklisted: T,
    /// For [`ErrorKind::MapInUse`].
    pub map_in_use: T,
    /// For [`ErrorKind::Io`].
    pub io: T,
    /// For [`ErrorKind::WaitTimeout`].
    pub wait_timeout: T,
    /// For [`ErrorKind::UntrustedPeer`].
    pub untrusted_peer: T,
}

impl ErrorKind {
    /// This kind's entry of a [`PerKind`] table.
    pub const fn pick<T>(self, table: &PerKind<T>) -> &T {
        match self {
            ErrorKind::InvalidArgument => &table.invalid_argument,
            ErrorKind::Connect => &table.connect,
            ErrorKind::Timeout => &table.timeout,
            ErrorKind::DaemonTimeout => &table.daemon_timeout,
            ErrorKind::ConnectionClosed => &table.connection_closed,
            ErrorKind::Protocol => &table.protocol,
            ErrorKind::PermissionDenied => &table.permission_denied,
            ErrorKind::NotFound => &table.not_found,
            ErrorKind::CommandFailed => &table.command_failed,
            ErrorKind::UnknownCommand => &table.unknown_command,
            ErrorKind::Blacklisted => &table.blacklisted,
            ErrorKind::MapInUse => &table.map_in_use,
            ErrorKind::Io => &table.io,
            ErrorKind::WaitTimeout => &table.wait_timeout,
            ErrorKind::UntrustedPeer => &table.untrusted_peer,
        }
    }
}

/// A kind serializes as its [`name`](ErrorKind::name).
impl serde::Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
            Error::Connect { .. } => ErrorKind::Connect,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::DaemonTimeout { .. } => ErrorKind::DaemonTimeout,
            Error::ConnectionClosed { .. } => ErrorKind::ConnectionClosed,
            Error::Protocol { .. } => ErrorKind::Protocol,
            Error::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::CommandFailed { .. } => ErrorKind::CommandFailed,
            Error::UnknownCommand { .. } => ErrorKind::UnknownCommand,
            Error::Blacklisted { .. } => ErrorKind::Blacklisted,
            Error::MapInUse { .. } => ErrorKind::MapInUse,
            Error::Io { .. } => ErrorKind::Io,
            Error::WaitTimeout { .. } => ErrorKind::WaitTimeout,
            Error::UntrustedPeer { .. } => ErrorKind::UntrustedPeer,
        }
    }

    /// True when the daemon said the map or path does not exist
    /// ([`Error::NotFound`]). Only 0.10+ say so explicitly; older daemons
    /// answer a bare `fail` ([`Error::CommandFailed`]), which cannot be
    /// told apart from other failures.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// The command this error is about, when there was one.
    pub fn command(&self) -> Option<&str> {
        match self {
            Error::InvalidArgument(_)
            | Error::Connect { .. }
            | Error::WaitTimeout { .. }
            | Error::UntrustedPeer { .. } => None,
            Error::Timeout { command, .. }
            | Error::ConnectionClosed { command, .. }
            | Error::Protocol { command, .. }
            | Error::DaemonTimeout { command, .. }
            | Error::PermissionDenied { command, .. }
            | Error::NotFound { command, .. }
            | Error::CommandFailed { command, .. }
            | Error::UnknownCommand { command, .. }
            | Error::Blacklisted { command }
            | Error::MapInUse { command, .. }
            | Error::Io { command, .. } => Some(command),
        }
    }

    /// The daemon's full reply text, when it answered.
    pub fn reply(&self) -> Option<&str> {
        match self {
            Error::PermissionDenied { reply, .. }
            | Error::DaemonTimeout { reply, .. }
            | Error::NotFound { reply, .. }
            | Error::CommandFailed { reply, .. }
            | Error::UnknownCommand { reply, .. }
            | Error::MapInUse { reply, .. } => Some(reply),
            _ => None,
        }
    }

    /// Turns a classified failure reply into the matching error.
    pub fn from_failure(command: &str, f: Failure) -> Self {
        let command = command.to_owned();
        match f.kind {
            FailureKind::PermissionDenied => Error::PermissionDenied {
                command,
                reply: f.text,
            },
            FailureKind::Timeout => Error::DaemonTimeout {
                command,
                reply: f.text,
            },
            FailureKind::Blacklisted => Error::Blacklisted { command },
            FailureKind::MapInUse => Error::MapInUse {
                command,
                reply: f.text,
            },
            FailureKind::UnknownCommand | FailureKind::MissingArgument => Error::UnknownCommand {
                command,
                version: f.version(),
                reply: f.text,
            },
            FailureKind::DeviceNotFound => Error::NotFound {
                command,
                reply: f.text,
            },
            // `Failed`, and kinds a newer mpd-proto may add: the daemon
            // said `fail`, with its reason kept.
            _ => Error::CommandFailed {
                command,
                message: f.message,
                reply: f.text,
            },
        }
    }
}

/// The client's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_names_and_tables_agree() {
        let names = PerKind {
            invalid_argument: "invalid_argument",
            connect: "connect",
            timeout: "timeout",
            daemon_timeout: "daemon_timeout",
            connection_closed: "connection_closed",
            protocol: "protocol",
            permission_denied: "permission_denied",
            not_found: "not_found",
            command_failed: "command_failed",
            unknown_command: "unknown_command",
            blacklisted: "blacklisted",
            map_in_use: "map_in_use",
            io: "io",
            wait_timeout: "wait_timeout",
            untrusted_peer: "untrusted_peer",
        };
        let mut seen = std::collections::BTreeSet::new();
        for kind in ErrorKind::ALL {
            assert_eq!(*kind.pick(&names), kind.name());
            assert_eq!(ErrorKind::from_name(kind.name()), Some(kind));
            assert!(seen.insert(kind.name()));
        }
    }

    #[test]
    fn failures_become_their_kinds() {
        use mpd_proto::reply::classify;
        use mpd_proto::{Reply, ReplyShape};
        let kind = |text: &str| match classify(text, ReplyShape::Action) {
            Reply::Failure(f) => Error::from_failure("x", f).kind(),
            other => panic!("{other:?}"),
        };
        assert_eq!(kind("fail\ndevice not found\n"), ErrorKind::NotFound);
        assert_eq!(kind("fail\n"), ErrorKind::CommandFailed);
        assert_eq!(kind("fail\nmap or partition in use\n"), ErrorKind::MapInUse);
        assert_eq!(kind("timeout\n"), ErrorKind::DaemonTimeout);
        assert_eq!(kind("fail\ntimeout\n"), ErrorKind::DaemonTimeout);
        assert_eq!(kind("blacklisted\n"), ErrorKind::Blacklisted);
        assert_eq!(
            kind("permission deny: need to be root"),
            ErrorKind::PermissionDenied
        );
    }

    #[test]
    fn retry_rules() {
        // The daemon's "timeout": retried for reads, never for actions
        // (although it says the action did not run).
        assert!(ErrorKind::DaemonTimeout.is_retry_safe(true));
        assert!(!ErrorKind::DaemonTimeout.is_retry_safe(false));
        assert!(!ErrorKind::DaemonTimeout.may_have_run());
        // The client's own timeout: maybe run; only reads are retried.
        assert!(ErrorKind::Timeout.is_retry_safe(true));
        assert!(!ErrorKind::Timeout.is_retry_safe(false));
        // Reads are retried on a transient failure; actions are not (the
        // policy is conservative even where nothing was sent).
        assert!(ErrorKind::Connect.is_retry_safe(true));
        assert!(!ErrorKind::Connect.is_retry_safe(false));
        assert!(!ErrorKind::MapInUse.is_retry_safe(false));
        // Refusals that will not change are never retried.
        for k in [
            ErrorKind::PermissionDenied,
            ErrorKind::NotFound,
            ErrorKind::CommandFailed,
            ErrorKind::UnknownCommand,
            ErrorKind::InvalidArgument,
        ] {
            assert!(!k.is_retry_safe(true), "{k}");
        }
    }
}
