//! The result codes, their names, and the thread's last-error message.
//!
//! Uses only `cstr`: the panic boundary, the pointer helpers and the
//! exported functions all build on it. The exported functions that read
//! it (`mpd_result_str`, `mpd_last_error`) are in `lib.rs`, since each
//! needs the panic boundary.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};

use crate::cstr::cstring;

/// What a fallible `mpd_` function returns. `MPD_OK` is 0; every other
/// value is a failure, whose message is then available from
/// `mpd_client_last_error` (for functions taking a client) and
/// `mpd_last_error` (always).
///
/// Codes 1 to 11 are the Rust client's error kinds; 12 to 14 are the C
/// layer's own. New codes may be added at the end: treat unknown values
/// as failures.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum mpd_result {
    /// Success.
    MPD_OK = 0,
    /// An argument was refused before anything was sent: an empty name, a
    /// control character (e.g. a newline), a command over the daemon's
    /// 512-byte limit, an unknown simulator setting.
    MPD_INVALID_ARGUMENT = 1,
    /// No daemon could be reached at the address.
    MPD_CONNECT = 2,
    /// No complete reply within the timeout, or the daemon answered
    /// `timeout`.
    MPD_TIMEOUT = 3,
    /// The daemon closed the connection before a complete reply.
    MPD_CONNECTION_CLOSED = 4,
    /// The peer sent something that is not a valid reply (bad length
    /// prefix, unparsable text).
    MPD_PROTOCOL = 5,
    /// The daemon refused the command because this process is not root.
    MPD_PERMISSION_DENIED = 6,
    /// The daemon answered `fail`: no such map or path, or the action
    /// could not be done.
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
}

impl mpd_result {
    const ALL: [mpd_result; 15] = [
        mpd_result::MPD_OK,
        mpd_result::MPD_INVALID_ARGUMENT,
        mpd_result::MPD_CONNECT,
        mpd_result::MPD_TIMEOUT,
        mpd_result::MPD_CONNECTION_CLOSED,
        mpd_result::MPD_PROTOCOL,
        mpd_result::MPD_PERMISSION_DENIED,
        mpd_result::MPD_COMMAND_FAILED,
        mpd_result::MPD_UNKNOWN_COMMAND,
        mpd_result::MPD_BLACKLISTED,
        mpd_result::MPD_MAP_IN_USE,
        mpd_result::MPD_IO,
        mpd_result::MPD_NULL_ARGUMENT,
        mpd_result::MPD_INVALID_UTF8,
        mpd_result::MPD_PANIC,
    ];

    /// The code's name, NUL-terminated.
    fn name(self) -> &'static str {
        use mpd_result::*;
        match self {
            MPD_OK => "MPD_OK\0",
            MPD_INVALID_ARGUMENT => "MPD_INVALID_ARGUMENT\0",
            MPD_CONNECT => "MPD_CONNECT\0",
            MPD_TIMEOUT => "MPD_TIMEOUT\0",
            MPD_CONNECTION_CLOSED => "MPD_CONNECTION_CLOSED\0",
            MPD_PROTOCOL => "MPD_PROTOCOL\0",
            MPD_PERMISSION_DENIED => "MPD_PERMISSION_DENIED\0",
            MPD_COMMAND_FAILED => "MPD_COMMAND_FAILED\0",
            MPD_UNKNOWN_COMMAND => "MPD_UNKNOWN_COMMAND\0",
            MPD_BLACKLISTED => "MPD_BLACKLISTED\0",
            MPD_MAP_IN_USE => "MPD_MAP_IN_USE\0",
            MPD_IO => "MPD_IO\0",
            MPD_NULL_ARGUMENT => "MPD_NULL_ARGUMENT\0",
            MPD_INVALID_UTF8 => "MPD_INVALID_UTF8\0",
            MPD_PANIC => "MPD_PANIC\0",
        }
    }

    /// The code for a Rust client error.
    pub(crate) fn of(e: &mpd_client::Error) -> mpd_result {
        use mpd_client::Error as E;
        match e {
            E::InvalidArgument(_) => mpd_result::MPD_INVALID_ARGUMENT,
            E::Connect { .. } => mpd_result::MPD_CONNECT,
            E::Timeout { .. } => mpd_result::MPD_TIMEOUT,
            E::ConnectionClosed { .. } => mpd_result::MPD_CONNECTION_CLOSED,
            E::Protocol { .. } => mpd_result::MPD_PROTOCOL,
            E::PermissionDenied { .. } => mpd_result::MPD_PERMISSION_DENIED,
            E::CommandFailed { .. } => mpd_result::MPD_COMMAND_FAILED,
            E::UnknownCommand { .. } => mpd_result::MPD_UNKNOWN_COMMAND,
            E::Blacklisted { .. } => mpd_result::MPD_BLACKLISTED,
            E::MapInUse { .. } => mpd_result::MPD_MAP_IN_USE,
            E::Io { .. } => mpd_result::MPD_IO,
            // `Error` is non-exhaustive. A kind added to mpd-client needs
            // its own code here; until then it is reported as I/O, and
            // the message says what it is.
            _ => mpd_result::MPD_IO,
        }
    }
}

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
        Failure::new(mpd_result::of(&e), e.to_string())
    }
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

/// The static string `mpd_result_str` returns for `result`: its name, or
/// `"MPD_UNKNOWN_RESULT"` for a value that is no code.
pub(crate) fn result_str(result: u32) -> &'static CStr {
    let name = mpd_result::ALL
        .iter()
        .find(|r| **r as u32 == result)
        .map_or("MPD_UNKNOWN_RESULT\0", |r| r.name());
    CStr::from_bytes_with_nul(name.as_bytes()).unwrap_or_default()
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
    fn every_code_has_its_name() {
        for (i, r) in mpd_result::ALL.iter().enumerate() {
            assert_eq!(*r as u32, i as u32, "codes are contiguous");
            let name = result_str(*r as u32);
            assert_eq!(format!("{r:?}"), name.to_str().unwrap());
        }
        let unknown = result_str(999);
        assert_eq!(unknown.to_str().unwrap(), "MPD_UNKNOWN_RESULT");
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
    }
}
