//! The result codes, their descriptions, and the thread's last-error
//! message.
//!
//! Uses only `cstr`: the panic boundary, the pointer helpers and the
//! exported functions all build on it. The exported functions that read
//! it (`mpd_result_str`, `mpd_last_error`) are in `lib.rs`, since each
//! needs the panic boundary.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use mpd_client::{ErrorKind, LastSeen, PerKind};
use strum::{EnumMessage, IntoStaticStr, VariantArray};

use crate::cstr::cstring;

/// What a fallible `mpd_` function returns. `MPD_OK` is 0; every other
/// value is a failure, whose message is then available from
/// `mpd_client_last_error` (for functions taking a client) and
/// `mpd_last_error` (always).
///
/// Codes 1 to 11 and 15 to 18 are the Rust client's error kinds (one code per
/// `mpd_client::ErrorKind`, named after it); 12 to 14 are the C layer's
/// own. New codes may be added at the end: treat unknown values as
/// failures.
//
// This enum is the one list of codes; cbindgen copies it into the header,
// so it stays written out here. The derives give each code its name
// (`IntoStaticStr`), its doc comment (`EnumMessage::get_documentation`,
// which `mpd_result_str` shows C programs) and the list of all of them
// (`VariantArray`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, VariantArray, IntoStaticStr, EnumMessage)]
pub enum mpd_result {
    /// Success.
    MPD_OK = 0,
    /// An argument was refused before anything was sent: an empty name, a
    /// control character (e.g. a newline), a command over the daemon's
    /// 512-byte limit, an unknown simulator setting.
    MPD_INVALID_ARGUMENT = 1,
    /// No daemon could be reached at the address.
    MPD_CONNECT = 2,
    /// No complete reply within the client's timeout: the command may have
    /// run (an action is not sent again by the library).
    MPD_TIMEOUT = 3,
    /// The daemon closed the connection before a complete reply.
    MPD_CONNECTION_CLOSED = 4,
    /// The peer sent something that is not a valid reply (bad length
    /// prefix, unparsable text).
    MPD_PROTOCOL = 5,
    /// The daemon refused the command because this process is not root.
    MPD_PERMISSION_DENIED = 6,
    /// The daemon answered `fail`: the action could not be done (before
    /// 0.10 also: no such map or path).
    MPD_COMMAND_FAILED = 7,
    /// The daemon does not know the command (it is newer than the daemon).
    MPD_UNKNOWN_COMMAND = 8,
    /// `add path` on a device the daemon blacklists or does not know.
    MPD_BLACKLISTED = 9,
    /// The map is in use (mounted, or held by another device).
    MPD_MAP_IN_USE = 10,
    /// Another I/O error on an established connection.
    MPD_IO = 11,
    /// A pointer argument that must not be NULL was NULL.
    MPD_NULL_ARGUMENT = 12,
    /// A string argument was not valid UTF-8.
    MPD_INVALID_UTF8 = 13,
    /// A bug: Rust code panicked. The panic was caught; the message says
    /// where. The object involved may be in an unexpected state.
    MPD_PANIC = 14,
    /// The daemon said the map or path does not exist (`device not found`,
    /// 0.10+; older daemons answer a bare `fail`: `MPD_COMMAND_FAILED`).
    MPD_NOT_FOUND = 15,
    /// The daemon was busy and answered `timeout`: it did not run the
    /// command, which may be sent again.
    MPD_DAEMON_TIMEOUT = 16,
    /// A wait (or a safe removal) did not reach its condition before its
    /// deadline; the message says what was seen last.
    MPD_WAIT_TIMEOUT = 17,
    /// The process holding the socket is not a daemon this client trusts:
    /// it runs as a uid the trust policy refuses (by default anything but
    /// root and the caller's own uid). Nothing was sent.
    MPD_UNTRUSTED_PEER = 18,
}

impl mpd_result {
    /// What `mpd_result_str` returns for the code: its name and its doc
    /// comment, e.g. `MPD_DAEMON_TIMEOUT: the daemon was busy and answered
    /// "timeout": it did not run the command, which may be sent again`.
    fn description(self) -> String {
        let name: &'static str = self.into();
        format!(
            "{name}: {}",
            plain(self.get_documentation().unwrap_or_default())
        )
    }

    /// The code for a Rust client error: the code of its kind.
    pub(crate) fn of(e: &mpd_client::Error) -> mpd_result {
        mpd_result::of_kind(e.kind())
    }

    /// The code of a client error kind.
    pub(crate) fn of_kind(kind: ErrorKind) -> mpd_result {
        *kind.pick(&BY_KIND)
    }
}

/// The code of each client error kind. Building a `PerKind` names every
/// kind, so a kind added to mpd-client does not compile here until it has
/// its code (no catch-all).
const BY_KIND: PerKind<mpd_result> = PerKind {
    invalid_argument: mpd_result::MPD_INVALID_ARGUMENT,
    connect: mpd_result::MPD_CONNECT,
    timeout: mpd_result::MPD_TIMEOUT,
    daemon_timeout: mpd_result::MPD_DAEMON_TIMEOUT,
    connection_closed: mpd_result::MPD_CONNECTION_CLOSED,
    protocol: mpd_result::MPD_PROTOCOL,
    permission_denied: mpd_result::MPD_PERMISSION_DENIED,
    not_found: mpd_result::MPD_NOT_FOUND,
    command_failed: mpd_result::MPD_COMMAND_FAILED,
    unknown_command: mpd_result::MPD_UNKNOWN_COMMAND,
    blacklisted: mpd_result::MPD_BLACKLISTED,
    map_in_use: mpd_result::MPD_MAP_IN_USE,
    io: mpd_result::MPD_IO,
    wait_timeout: mpd_result::MPD_WAIT_TIMEOUT,
    untrusted_peer: mpd_result::MPD_UNTRUSTED_PEER,
};

/// A failed call: the code and the message for the last-error functions.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: mpd_result,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: mpd_result, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A NULL pointer where `what` was required.
    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(mpd_result::MPD_NULL_ARGUMENT, format!("{what} is NULL"))
    }

    /// An argument the C layer refuses itself.
    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(mpd_result::MPD_INVALID_ARGUMENT, message)
    }
}

impl From<mpd_client::Error> for Failure {
    fn from(e: mpd_client::Error) -> Failure {
        let mut message = e.to_string();
        if let mpd_client::Error::WaitTimeout { last, .. } = &e {
            if let LastSeen::Removal { removal } = &**last {
                message.push_str(&removal_note(removal));
            }
        }
        Failure::new(mpd_result::of(&e), message)
    }
}

/// What a C caller cannot otherwise learn about a safe removal that
/// timed out (`*out` stays zeroed on failure): the code of the last
/// refusal and what became of queueing, appended to the message, e.g.
/// `" [last refusal: MPD_MAP_IN_USE; queueing disabled, then restored]"`.
fn removal_note(r: &mpd_client::Removal) -> String {
    let refusal: &str = r
        .last_error_kind
        .map_or("none", |k| mpd_result::of_kind(k).into());
    let queueing = match (r.queueing_disabled, r.queueing_restored) {
        (false, _) => "queueing left as it was",
        (true, true) => "queueing disabled, then restored",
        (true, false) => "queueing disabled, not restored",
    };
    format!(" [last refusal: {refusal}; {queueing}]")
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Sets this thread's last error message.
pub(crate) fn set_last_error(message: &str) {
    let message = cstring(message);
    // `try_with`: during thread teardown the slot may be gone; the message
    // is then simply not kept.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = message);
}

/// Runs `f`; on failure records the message as the thread's last error and
/// returns the code.
pub(crate) fn record(f: impl FnOnce() -> Result<(), Failure>) -> mpd_result {
    match f() {
        Ok(()) => mpd_result::MPD_OK,
        Err(failure) => {
            set_last_error(&failure.message);
            failure.code
        }
    }
}

/// A doc comment as text to follow `"NAME: "`: its lines joined into one,
/// Markdown's `code` marks as "code", the first letter in lower case
/// (unless the second is upper case too) and the final period dropped.
fn plain(doc: &str) -> String {
    let text = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.replace('`', "\"");
    let text = text.strip_suffix('.').unwrap_or(&text);
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second) if !second.is_some_and(char::is_uppercase) => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_owned(),
    }
}

/// What `mpd_result_str` gives for a value that is no code.
const UNKNOWN_RESULT: &CStr =
    c"MPD_UNKNOWN_RESULT: not a result code of this version of libmpd (treat it as a failure)";

/// The static string `mpd_result_str` returns for `result`: the code's
/// description, or [`UNKNOWN_RESULT`]. The descriptions are made once, on
/// first use, in the order of `mpd_result::VARIANTS`, and kept for the
/// life of the process.
pub(crate) fn result_str(result: u32) -> &'static CStr {
    static DESCRIPTIONS: OnceLock<Vec<CString>> = OnceLock::new();
    let descriptions = DESCRIPTIONS.get_or_init(|| {
        mpd_result::VARIANTS
            .iter()
            .map(|r| cstring(r.description()))
            .collect()
    });
    mpd_result::VARIANTS
        .iter()
        .position(|r| *r as u32 == result)
        .and_then(|i| descriptions.get(i))
        .map_or(UNKNOWN_RESULT, CString::as_c_str)
}

/// This thread's last error message (`""` if there was none yet), valid
/// until the next [`set_last_error`] on this thread. Never NULL.
pub(crate) fn last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_described_by_its_name_and_doc_comment() {
        assert_eq!(mpd_result::VARIANTS.len(), 19, "no code added or removed");
        for (i, r) in mpd_result::VARIANTS.iter().enumerate() {
            assert_eq!(*r as u32, i as u32, "codes are contiguous, in order");
            let name: &str = r.into();
            assert_eq!(name, format!("{r:?}"));
            let doc = r.get_documentation().expect("every code has a doc comment");
            let text = result_str(*r as u32).to_str().unwrap();
            assert_eq!(text, format!("{name}: {}", plain(doc)));
            assert!(text.len() > name.len() + 5, "{text}");
            assert!(
                !text.contains(['\n', '`']) && !text.ends_with('.'),
                "{text}"
            );
            // Made once: the same static string every time.
            assert_eq!(result_str(*r as u32).as_ptr(), text.as_ptr().cast());
        }
        assert_eq!(
            result_str(mpd_result::MPD_TIMEOUT as u32).to_str().unwrap(),
            "MPD_TIMEOUT: no complete reply within the client's timeout: the command may have run (an action is not sent again by the library)"
        );
        assert_eq!(result_str(0).to_str().unwrap(), "MPD_OK: success");
        for unknown in [19, 999, u32::MAX] {
            assert!(result_str(unknown)
                .to_str()
                .unwrap()
                .starts_with("MPD_UNKNOWN_RESULT: "));
        }
    }

    #[test]
    fn doc_comments_become_plain_text() {
        assert_eq!(plain("Success."), "success");
        assert_eq!(
            plain("`add path` on a\ndevice."),
            "\"add path\" on a device"
        );
        assert_eq!(plain("NULL was given"), "NULL was given");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn client_errors_map_to_their_codes() {
        let io = || std::io::Error::other("x");
        let cases = [
            (
                mpd_client::Error::Connect {
                    address: "@x".into(),
                    source: io(),
                },
                mpd_result::MPD_CONNECT,
            ),
            (
                mpd_client::Error::Blacklisted {
                    command: "add path \"x\"".into(),
                },
                mpd_result::MPD_BLACKLISTED,
            ),
            (
                mpd_client::Error::MapInUse {
                    command: "del map \"m\"".into(),
                    reply: "fail\nmap or partition in use\n".into(),
                },
                mpd_result::MPD_MAP_IN_USE,
            ),
            (
                mpd_client::Error::Io {
                    command: "show paths".into(),
                    source: io(),
                },
                mpd_result::MPD_IO,
            ),
        ];
        for (e, code) in cases {
            let f = Failure::from(e);
            assert_eq!(f.code, code, "{}", f.message);
        }
        let removal = mpd_client::Removal {
            map: "mpatha".into(),
            attempts: 3,
            already_gone: false,
            queueing_disabled: true,
            queueing_restored: true,
            last_error_kind: Some(ErrorKind::MapInUse),
            last_error: Some("\"del map \\\"mpatha\\\"\": map or partition in use".into()),
            elapsed: std::time::Duration::from_millis(900),
        };
        let f = Failure::from(mpd_client::Error::WaitTimeout {
            what: "remove map \"mpatha\"".into(),
            after: std::time::Duration::from_secs(1),
            last: Box::new(LastSeen::Removal { removal }),
        });
        assert_eq!(f.code, mpd_result::MPD_WAIT_TIMEOUT);
        assert!(
            f.message.ends_with(
                "map or partition in use) [last refusal: MPD_MAP_IN_USE; queueing disabled, then restored]"
            ),
            "{}",
            f.message
        );
        let f = Failure::from(mpd_client::Error::WaitTimeout {
            what: "map \"x\"".into(),
            after: std::time::Duration::from_secs(1),
            last: Box::new(LastSeen::Map { map: None }),
        });
        assert!(!f.message.contains("last refusal"), "{}", f.message);

        let not_found = mpd_client::Error::NotFound {
            command: "fail path \"x\"".into(),
            reply: "fail\ndevice not found\n".into(),
        };
        assert_eq!(mpd_result::of(&not_found), mpd_result::MPD_NOT_FOUND);
    }

    /// Every client error kind has its own code, named after the kind
    /// (`not_found` -> `MPD_NOT_FOUND`), and no two kinds share one.
    #[test]
    fn every_error_kind_has_its_own_code() {
        let mut codes = std::collections::BTreeSet::new();
        for kind in mpd_client::ErrorKind::ALL {
            let code = *kind.pick(&BY_KIND);
            let name: &str = code.into();
            assert_eq!(name, format!("MPD_{}", kind.name().to_ascii_uppercase()));
            assert!(codes.insert(code as u32), "{kind} shares {name}");
        }
    }
}
