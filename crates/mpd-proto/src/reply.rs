//! Classification of daemon replies.
//!
//! The daemon has no status code: the reply is text, and its conventions
//! changed between releases (see the table in the crate's README and the
//! recorded fixtures). [`classify`] reads a reply by its first lines, knowing
//! only whether the command was an action or a query, and works the same for
//! every release: it never needs to guess the daemon's version.
//!
//! | situation | 0.8.x | 0.9.x | 0.10+ |
//! |---|---|---|---|
//! | success | `ok` | `ok` | `ok` |
//! | failure | `fail` | `fail` | `fail`, optionally a reason line |
//! | not root | `permission deny: need to be root` (no newline) | same + newline | `fail` + same |
//! | unknown command | help text | `X: not found` + help | `fail` + `X: not found` + help |
//! | missing argument | `X: Missing argument` + help | same | `fail` + same |
//! | timeout | `timeout` | `timeout` | `fail` + `timeout` |
//!
//! ```
//! use mpd_proto::reply::{classify, FailureKind};
//! use mpd_proto::{Reply, ReplyShape};
//!
//! assert_eq!(classify("ok\n", ReplyShape::Action), Reply::Ok);
//! for denial in ["permission deny: need to be root",
//!                "permission deny: need to be root\n",
//!                "fail\npermission deny: need to be root\n"] {
//!     let Reply::Failure(f) = classify(denial, ReplyShape::Action) else { panic!() };
//!     assert_eq!(f.kind, FailureKind::PermissionDenied);
//! }
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::command::ReplyShape;

/// A classified reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The daemon accepted the action (`ok`).
    Ok,
    /// The reply to a query, as text (without the trailing NUL).
    Data(String),
    /// The daemon refused or could not run the command.
    Failure(Failure),
}

/// Why the daemon did not do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FailureKind {
    /// `fail`, with or without a reason the other kinds do not cover.
    Failed,
    /// `fail` + `device not found` (0.10+): no such map or path.
    DeviceNotFound,
    /// `fail` + `map or partition in use` (0.10+).
    MapInUse,
    /// The peer is not root and the command is not a `show`/`list`.
    PermissionDenied,
    /// The daemon gave up after its `uxsock_timeout`.
    Timeout,
    /// `blacklisted`: `add path` on a device the configuration excludes.
    Blacklisted,
    /// The daemon does not know the command (it answered with its help).
    UnknownCommand,
    /// A keyword lacks its argument (the daemon answered with its help).
    MissingArgument,
}

/// A failure reply, with the daemon's full text kept for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// The daemon's one-line reason, when it gave one (e.g.
    /// `device not found`, `frobnicate: not found`).
    pub message: Option<String>,
    /// The whole reply text.
    pub text: String,
}

impl Failure {
    /// The daemon's version, when the reply carries its help text.
    pub fn version(&self) -> Option<DaemonVersion> {
        version_from_help(&self.text)
    }

    /// The daemon's help text (its command reference), when the reply
    /// carries it.
    pub fn help(&self) -> Option<&str> {
        help_start(&self.text).map(|i| &self.text[i..])
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailureKind::Failed => "failed",
            FailureKind::DeviceNotFound => "device not found",
            FailureKind::MapInUse => "map or partition in use",
            FailureKind::PermissionDenied => "permission denied",
            FailureKind::Timeout => "daemon timed out",
            FailureKind::Blacklisted => "blacklisted",
            FailureKind::UnknownCommand => "unknown command",
            FailureKind::MissingArgument => "missing argument",
        };
        match &self.message {
            Some(m) if !m.eq_ignore_ascii_case(kind) => write!(f, "{kind}: {m}"),
            _ => f.write_str(kind),
        }
    }
}

/// A multipath-tools release number, as the daemon's help text states it
/// (`multipath-tools v0.9.4 (12/19, 2022)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DaemonVersion {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Patch number.
    pub patch: u32,
}

impl DaemonVersion {
    /// Builds a version.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        DaemonVersion {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for DaemonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for DaemonVersion {
    type Err = crate::Error;

    /// Parses `0.9.4` or `v0.9.4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::parse("daemon version", format!("{s:?} is not N.N.N"));
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut it = s.split('.');
        let mut next = || -> Result<u32, crate::Error> {
            it.next().and_then(|p| p.parse().ok()).ok_or_else(bad)
        };
        let v = DaemonVersion::new(next()?, next()?, next()?);
        if it.next().is_some() {
            return Err(bad());
        }
        Ok(v)
    }
}

const HELP_MARKER: &str = "multipath-tools v";
const DENIED: &str = "permission deny: need to be root";

/// Byte offset of the help text's first line, if the reply holds one within
/// its first three lines.
fn help_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(3) {
        if line.starts_with(HELP_MARKER) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The data of a listing query (`show paths`, `show maps … format`,
/// `show maps status`/`stats`, `show topology`) with nothing to list.
///
/// When a query produces no output, 0.8 sends an empty reply, while 0.9 and
/// later send `ok\n` instead (the daemon's default reply for a command that
/// succeeded without output). This maps the latter to the former, so a
/// listing parser sees an empty text on every version. Only use it for
/// queries whose data can never be the line `ok` itself (not for a
/// user-supplied format, which could print `ok`).
///
/// ```
/// assert_eq!(mpd_proto::reply::listing("ok\n"), "");
/// assert_eq!(mpd_proto::reply::listing(""), "");
/// assert_eq!(mpd_proto::reply::listing("sda|8:0\n"), "sda|8:0\n");
/// ```
pub fn listing(text: &str) -> &str {
    if text == "ok\n" {
        ""
    } else {
        text
    }
}

/// Reads the daemon's version from a reply that carries its help text
/// (the answer to an unknown command or a missing argument).
pub fn version_from_help(text: &str) -> Option<DaemonVersion> {
    let start = help_start(text)?;
    let line = text[start..].lines().next()?;
    let word = line[HELP_MARKER.len() - 1..].split_whitespace().next()?;
    word.parse().ok()
}

/// Classifies a reply text (the payload without its NUL).
///
/// `shape` says whether the command was an action or a query. It matters
/// only where the texts are ambiguous: `ok`/`blacklisted` are outcomes of an
/// action but could be data of a query. Failures are recognised by their
/// first line (`fail`, `timeout`, the denial, the help text) in every shape.
///
/// A query whose *data* is exactly `fail` or `timeout` (a single map named
/// `timeout` listed with format `%n`, say) cannot be told apart from the
/// daemon's failure on 0.8/0.9; the typed queries in `mpd-client` use
/// formats with separators so that this cannot happen.
pub fn classify(text: &str, shape: ReplyShape) -> Reply {
    let (first, rest) = match text.split_once('\n') {
        Some((f, r)) => (f, r),
        None => (text, ""),
    };
    let failure = |kind: FailureKind, message: Option<&str>| {
        Reply::Failure(Failure {
            kind,
            message: message.map(str::to_owned),
            text: text.to_owned(),
        })
    };
    if first == DENIED {
        return failure(FailureKind::PermissionDenied, Some(first));
    }
    if first == "fail" {
        let (second, after) = rest.split_once('\n').unwrap_or((rest, ""));
        return match second {
            "" => failure(FailureKind::Failed, None),
            DENIED => failure(FailureKind::PermissionDenied, Some(second)),
            "timeout" => failure(FailureKind::Timeout, Some(second)),
            "map or partition in use" => failure(FailureKind::MapInUse, Some(second)),
            "device not found" => failure(FailureKind::DeviceNotFound, Some(second)),
            _ => match help_kind(second, after) {
                Some(kind) => failure(kind, Some(second)),
                None => failure(FailureKind::Failed, Some(rest.trim_end())),
            },
        };
    }
    if first == "timeout" && rest.is_empty() {
        return failure(FailureKind::Timeout, None);
    }
    if first.starts_with(HELP_MARKER) && rest.starts_with("CLI commands reference:") {
        return failure(FailureKind::UnknownCommand, None);
    }
    if let Some(kind) = help_kind(first, rest) {
        return failure(kind, Some(first));
    }
    if shape == ReplyShape::Action && rest.is_empty() {
        match first {
            "ok" => return Reply::Ok,
            "blacklisted" => return failure(FailureKind::Blacklisted, None),
            _ => {}
        }
    }
    Reply::Data(text.to_owned())
}

/// `X: not found` / `X: Missing argument` followed by the help text.
fn help_kind(line: &str, after: &str) -> Option<FailureKind> {
    if !after.starts_with(HELP_MARKER) {
        return None;
    }
    if line.ends_with(": not found") {
        Some(FailureKind::UnknownCommand)
    } else if line.ends_with(": Missing argument") {
        Some(FailureKind::MissingArgument)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str, shape: ReplyShape) -> Option<FailureKind> {
        match classify(text, shape) {
            Reply::Failure(f) => Some(f.kind),
            _ => None,
        }
    }

    #[test]
    fn plain_outcomes() {
        use FailureKind::*;
        let a = ReplyShape::Action;
        assert_eq!(classify("ok\n", a), Reply::Ok);
        assert_eq!(kind("fail\n", a), Some(Failed));
        assert_eq!(kind("fail\ndevice not found\n", a), Some(DeviceNotFound));
        assert_eq!(kind("fail\nmap or partition in use\n", a), Some(MapInUse));
        assert_eq!(kind("timeout\n", a), Some(Timeout));
        assert_eq!(kind("fail\ntimeout\n", a), Some(Timeout));
        assert_eq!(kind("blacklisted\n", a), Some(Blacklisted));
        assert_eq!(kind("fail\nsomething new\n", a), Some(Failed));
        // The same texts as data of a query.
        let d = ReplyShape::Data;
        assert_eq!(classify("ok\n", d), Reply::Data("ok\n".into()));
        assert_eq!(
            classify("blacklisted\n", d),
            Reply::Data("blacklisted\n".into())
        );
        assert_eq!(kind("fail\n", d), Some(Failed));
        assert_eq!(classify("0", d), Reply::Data("0".into()));
        assert_eq!(classify("", d), Reply::Data(String::new()));
        // An unexpected text for an action is data, for the caller to judge.
        assert_eq!(classify("weird\n", a), Reply::Data("weird\n".into()));
    }

    #[test]
    fn messages_are_kept() {
        let Reply::Failure(f) = classify("fail\nsomething new\nmore\n", ReplyShape::Action) else {
            panic!()
        };
        assert_eq!(f.message.as_deref(), Some("something new\nmore"));
        assert_eq!(f.to_string(), "failed: something new\nmore");
    }

    #[test]
    fn versions() {
        assert_eq!(
            "0.11.1".parse::<DaemonVersion>().unwrap(),
            DaemonVersion::new(0, 11, 1)
        );
        assert!("0.11".parse::<DaemonVersion>().is_err());
        assert!("0.11.1.2".parse::<DaemonVersion>().is_err());
        assert_eq!(
            version_from_help("fail\nx: not found\nmultipath-tools v0.11.1 (01/24, 2025)\nCLI commands reference:\n"),
            Some(DaemonVersion::new(0, 11, 1))
        );
        assert_eq!(version_from_help("ok\n"), None);
        assert!(DaemonVersion::new(0, 9, 4) < DaemonVersion::new(0, 11, 1));
    }
}
