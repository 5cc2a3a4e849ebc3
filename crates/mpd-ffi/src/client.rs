//! `mpd_client`: a connection to multipathd and one function per
//! operation of [`mpd_client::Client`].

use std::ffi::{c_char, c_int, CString};
use std::time::Duration;

use ::mpd_client::{
    CheckerState, Client, Command, PathDmState, PathWant, RemoveOptions, WaitOptions,
    DEFAULT_TIMEOUT,
};
use mpd_proto::ReplyShape;

use crate::cstr::cstring;
use crate::error::{self, mpd_result, Failure};
use crate::ffi::{
    try_mut, try_opt_str, try_ref, try_slice, try_str, with_ref, Out, OutString, OutValue,
};
use crate::model::mpd_daemon_version;
use crate::panic::ClientCall;

/// A connection to multipathd that runs one command at a time (the Rust
/// `mpd_client::Client`). Create it with `mpd_client_connect`, free it
/// with `mpd_client_free`.
///
/// The connection is kept between calls; if the daemon closed it while
/// idle, the next call reconnects once. A client may move between threads
/// but must not be used by two threads at the same time.
pub struct mpd_client {
    inner: Client,
    address: CString,
    last_error: CString,
}

/// Runs one operation on a client: NULL client → `MPD_NULL_ARGUMENT`;
/// otherwise the outcome is stored as the client's last error and, on
/// failure, the thread's. A panic is not caught here but by the caller's
/// `ffi_boundary!`, which the `ClientCall` mark tells to record it as this
/// client's last error too.
fn with_client(
    client: *mut mpd_client,
    f: impl FnOnce(&mut Client) -> Result<(), Failure>,
) -> mpd_result {
    let client = match try_mut(client, "client") {
        Ok(c) => c,
        Err(f) => return error::record(|| Err(f)),
    };
    let call = ClientCall::enter(&mut client.last_error);
    let outcome = f(&mut client.inner);
    drop(call);
    match outcome {
        Ok(()) => {
            client.last_error = CString::default();
            mpd_result::MPD_OK
        }
        Err(failure) => {
            client.last_error = cstring(failure.message.as_str());
            error::record(|| Err(failure))
        }
    }
}

/// Runs an action: `MPD_OK` or the failure's code (see [`with_client`]).
pub(crate) fn action(
    client: *mut mpd_client,
    f: impl FnOnce(&mut Client) -> Result<(), Failure>,
) -> mpd_result {
    with_client(client, f)
}

/// Runs a query whose answer becomes an owned object behind `out` (NULL
/// first, and after any failure).
pub(crate) fn object<T, R>(
    client: *mut mpd_client,
    out: *mut *mut T,
    f: impl FnOnce(&mut Client) -> Result<R, Failure>,
) -> mpd_result
where
    T: From<R>,
{
    let out = Out::new(out);
    with_client(client, |c| {
        out.check("out")?;
        let value = f(c)?;
        out.put(T::from(value), "out")
    })
}

/// Runs a query whose answer is text, handed over behind `out` (a string
/// the caller frees with `mpd_string_free`).
pub(crate) fn string(
    client: *mut mpd_client,
    out: *mut *mut c_char,
    f: impl FnOnce(&mut Client) -> Result<String, Failure>,
) -> mpd_result {
    let out = OutString::new(out);
    with_client(client, |c| {
        out.check("out")?;
        let text = f(c)?;
        out.put(text, "out")
    })
}

/// Runs a query whose answer is a plain value the caller provides storage
/// for (zeroed first).
pub(crate) fn value<T, R>(
    client: *mut mpd_client,
    out: *mut T,
    f: impl FnOnce(&mut Client) -> Result<R, Failure>,
) -> mpd_result
where
    T: Default + From<R>,
{
    let out = OutValue::new(out);
    with_client(client, |c| {
        out.check("out")?;
        let v = f(c)?;
        out.put(T::from(v), "out")
    })
}

fn timeout(ms: u32) -> Duration {
    if ms == 0 {
        DEFAULT_TIMEOUT
    } else {
        Duration::from_millis(ms.into())
    }
}

// ----- the jobs' arguments (used by the generated ops.rs) -----

/// A job's deadline: `timeout_ms`, or for 0 the Rust default (30 s, polls
/// from 50 ms doubling to 1 s apart).
pub(crate) fn wait_options(timeout_ms: u32) -> WaitOptions {
    if timeout_ms == 0 {
        WaitOptions::default()
    } else {
        WaitOptions::timeout(Duration::from_millis(timeout_ms.into()))
    }
}

/// The states `mpd_client_wait_for_path` waits for: each NULL means any,
/// each word is read with the Rust state enum's `parse` (a word the
/// library does not know is compared as the daemon prints it, as a newer
/// daemon's state would be).
pub(crate) fn path_want(
    dm_state: *const c_char,
    checker_state: *const c_char,
) -> Result<PathWant, Failure> {
    Ok(PathWant {
        dm_state: try_opt_str(dm_state, "dm_state")?.map(PathDmState::parse),
        checker_state: try_opt_str(checker_state, "checker_state")?.map(CheckerState::parse),
    })
}

/// How `mpd_client_remove_map_safely` goes about it: `timeout_ms` (0: the
/// Rust default, 30 s) and whether to disable queueing first; the pause
/// between attempts is the Rust default.
pub(crate) fn remove_options(timeout_ms: u32, disable_queueing: bool) -> RemoveOptions {
    let default = RemoveOptions::default();
    RemoveOptions {
        timeout: if timeout_ms == 0 {
            default.timeout
        } else {
            Duration::from_millis(timeout_ms.into())
        },
        disable_queueing,
        ..default
    }
}

/// A list of strings passed as an array and a count (`paths`,
/// `paths_count`): NULL with a count of 0 is an empty list; NULL with a
/// count above 0, or a NULL element, is `MPD_NULL_ARGUMENT` (naming
/// `what[i]` for an element); an element that is not UTF-8 is
/// `MPD_INVALID_UTF8`.
pub(crate) fn try_str_array<'a>(
    ptr: *const *const c_char,
    count: usize,
    what: &str,
) -> Result<Vec<&'a str>, Failure> {
    try_slice(ptr, count, what)?
        .iter()
        .enumerate()
        .map(|(i, s)| try_str(*s, &format!("{what}[{i}]")))
        .collect()
}

// ----- life cycle -----

/// `mpd_client_connect_with` trust: believe a daemon running as root
/// (uid 0) or as this process's own effective uid. The default of
/// `mpd_client_connect`; for a root caller it means root only.
pub const MPD_TRUST_ROOT_OR_SELF: i64 = -1;

/// `mpd_client_connect_with` trust: no check, any peer is believed (a
/// simulator run by another user). Never for a real daemon on a host
/// where others have shells.
pub const MPD_TRUST_ANY: i64 = -2;

/// The Rust policy for a C `trust` value.
pub(crate) fn trust_policy(trust: i64) -> Result<::mpd_client::PeerTrust, Failure> {
    match trust {
        MPD_TRUST_ROOT_OR_SELF => Ok(::mpd_client::PeerTrust::RootOrSelf),
        MPD_TRUST_ANY => Ok(::mpd_client::PeerTrust::Any),
        uid => u32::try_from(uid)
            .map(::mpd_client::PeerTrust::Uid)
            .map_err(|_| Failure::invalid(format!("invalid trust {uid}"))),
    }
}

/// Connects to multipathd and writes a new client to `*out`: as
/// `mpd_client_connect_with` with `MPD_TRUST_ROOT_OR_SELF`.
///
/// - `address`: a socket path (`"/run/multipathd.socket"`) or an abstract
///   name written `"@name"`; NULL finds the daemon as the official client
///   does (`$MULTIPATH_SOCKET_NAME` if set, else `/run/multipathd.socket`
///   if it exists, else `@/org/kernel/linux/storage/multipathd`). An empty
///   string is `MPD_INVALID_ARGUMENT`.
/// - `timeout_ms`: how long to wait for the connection and for each
///   reply; 0 means the default, 4000 ms.
/// - `out`: receives the client (owned by the caller: free it with
///   `mpd_client_free`), or NULL on failure.
///
/// Fails with `MPD_CONNECT` when nothing answers, and with
/// `MPD_UNTRUSTED_PEER` when the process holding the socket runs as
/// another uid than root or the caller's; the reason is then in
/// `mpd_last_error()`.
#[no_mangle]
pub extern "C" fn mpd_client_connect(
    address: *const c_char,
    timeout_ms: u32,
    out: *mut *mut mpd_client,
) -> mpd_result {
    mpd_client_connect_with(address, timeout_ms, MPD_TRUST_ROOT_OR_SELF, out)
}

/// Connects to multipathd as `mpd_client_connect`, believing the peer
/// `trust` names: `MPD_TRUST_ROOT_OR_SELF`, `MPD_TRUST_ANY` (no check), or
/// a uid (0 or more: exactly that uid; 0 for root only). The peer's
/// credentials (`SO_PEERCRED`) are checked on every new connection, before
/// anything is sent; a refused peer is `MPD_UNTRUSTED_PEER`. Another
/// negative value is `MPD_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn mpd_client_connect_with(
    address: *const c_char,
    timeout_ms: u32,
    trust: i64,
    out: *mut *mut mpd_client,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        error::record(|| {
            out.check("out")?;
            let address = try_opt_str(address, "address")?;
            let t = timeout(timeout_ms);
            let mut builder = Client::builder()
                .timeout(t)
                .connect_timeout(t)
                .trust(trust_policy(trust)?);
            if let Some(a) = address {
                if a.is_empty() {
                    return Err(Failure::invalid("address is empty"));
                }
                builder = builder.address(a);
            }
            let inner = builder.connect()?;
            let address = cstring(inner.address().to_string());
            out.put(
                mpd_client {
                    inner,
                    address,
                    last_error: CString::default(),
                },
                "out",
            )
        })
    }
}

/// Closes the connection and frees the client and every string it owns.
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_client_free(client: *mut mpd_client) {
    ffi_boundary! { crate::ffi::free_box(client) }
}

/// The message of the last failed call on `client`, `""` if the last call
/// succeeded; NULL if `client` is NULL.
///
/// Ownership: the string belongs to the client and stays valid until the
/// next call on it (or `mpd_client_free`).
#[no_mangle]
pub extern "C" fn mpd_client_last_error(client: *const mpd_client) -> *const c_char {
    ffi_boundary! { with_ref(client, |c| c.last_error.as_ptr()) }
}

/// The address the client talks to (`"@name"` for an abstract socket),
/// owned by the client; NULL if `client` is NULL.
#[no_mangle]
pub extern "C" fn mpd_client_address(client: *const mpd_client) -> *const c_char {
    ffi_boundary! { with_ref(client, |c| c.address.as_ptr()) }
}

/// The reply timeout in milliseconds; 0 if `client` is NULL.
#[no_mangle]
pub extern "C" fn mpd_client_timeout(client: *const mpd_client) -> u32 {
    ffi_boundary! {
        with_ref(client, |c| u32::try_from(c.inner.timeout().as_millis()).unwrap_or(u32::MAX))
    }
}

/// Whether a connection is open now: 1 yes, 0 no (the next call then
/// opens one), -1 if `client` is NULL.
#[no_mangle]
pub extern "C" fn mpd_client_is_connected(client: *const mpd_client) -> c_int {
    ffi_boundary! { with_ref(client, |c| c_int::from(c.inner.is_connected())) }
}

/// When a client sends a command again by itself (`mpd_client_set_retry_policy`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct mpd_retry_policy {
    /// Attempts in all, the first one included; 1 (or 0) never retries.
    pub attempts: u32,
    /// Milliseconds before the first retry; doubled after each one.
    pub backoff_ms: u32,
    /// The longest pause, in milliseconds.
    pub max_backoff_ms: u32,
    /// No retry starts later than this many milliseconds after the first
    /// attempt; 0 for no limit but `attempts`.
    pub deadline_ms: u32,
}

fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Sets when the client sends a read (`show …`) again by itself: when it
/// failed transiently (no daemon listening, a broken connection, the
/// client's timeout, the daemon busy: its `timeout`). Actions are never
/// sent again by the client. The default is
/// never (`attempts` 1). `backoff_ms` and `max_backoff_ms` of 0 mean 50 and
/// 1000.
#[no_mangle]
pub extern "C" fn mpd_client_set_retry_policy(
    client: *mut mpd_client,
    policy: mpd_retry_policy,
) -> mpd_result {
    ffi_boundary! {
        with_client(client, |c| {
            let or = |ms: u32, default: u64| {
                Duration::from_millis(if ms == 0 { default } else { ms.into() })
            };
            let mut p = ::mpd_client::RetryPolicy::attempts(policy.attempts)
                .backoff(or(policy.backoff_ms, 50))
                .max_backoff(or(policy.max_backoff_ms, 1000));
            if policy.deadline_ms > 0 {
                p = p.deadline(Duration::from_millis(policy.deadline_ms.into()));
            }
            c.set_retry_policy(p);
            Ok(())
        })
    }
}

/// The client's retry policy, written to `*out` (zeroed first; also when
/// `client` is NULL).
#[no_mangle]
pub extern "C" fn mpd_client_retry_policy(
    client: *const mpd_client,
    out: *mut mpd_retry_policy,
) -> mpd_result {
    ffi_boundary! {
        let out = OutValue::new(out);
        error::record(|| {
            out.check("out")?;
            let c = try_ref(client, "client")?;
            let p = c.inner.retry_policy();
            out.put(
                mpd_retry_policy {
                    attempts: p.attempts,
                    backoff_ms: millis(p.backoff),
                    max_backoff_ms: millis(p.max_backoff),
                    deadline_ms: p.deadline.map_or(0, millis),
                },
                "out",
            )
        })
    }
}

/// How many times the client has sent a command again under its retry
/// policy; 0 if `client` is NULL.
#[no_mangle]
pub extern "C" fn mpd_client_retries(client: *const mpd_client) -> u64 {
    ffi_boundary! { with_ref(client, |c| c.inner.retries()) }
}

/// How many commands the client has sent (each attempt counts); 0 if
/// `client` is NULL.
#[no_mangle]
pub extern "C" fn mpd_client_commands_sent(client: *const mpd_client) -> u64 {
    ffi_boundary! { with_ref(client, |c| c.inner.commands_sent()) }
}

/// Changes the reply timeout for the following calls (0: the default,
/// 4000 ms).
#[no_mangle]
pub extern "C" fn mpd_client_set_timeout(client: *mut mpd_client, timeout_ms: u32) -> mpd_result {
    ffi_boundary! {
        with_client(client, |c| {
            c.set_timeout(timeout(timeout_ms));
            Ok(())
        })
    }
}

/// Closes the connection now; the next call reconnects.
#[no_mangle]
pub extern "C" fn mpd_client_close(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! {
        with_client(client, |c| {
            c.close();
            Ok(())
        })
    }
}

/// The daemon's multipath-tools version, written to `*out` (a plain
/// struct the caller provides; zeroed on failure). Read from the help
/// text, which any peer may ask for; cached by the client.
#[no_mangle]
pub extern "C" fn mpd_client_daemon_version(
    client: *mut mpd_client,
    out: *mut mpd_daemon_version,
) -> mpd_result {
    ffi_boundary! {
        let out = OutValue::new(out);
        with_client(client, |c| {
            out.check("out")?;
            let v = c.daemon_version()?;
            out.put(v.into(), "out")
        })
    }
}

/// Sends any command text as it is (the escape hatch; quoting its
/// arguments is the caller's job) and writes the reply to `*out`: `""`
/// for `ok`, the data for a query. A new string the caller frees with
/// `mpd_string_free`; NULL on failure.
///
/// The daemon's refusals become result codes as for the typed functions
/// (`MPD_COMMAND_FAILED`, `MPD_PERMISSION_DENIED`, `MPD_UNKNOWN_COMMAND`
/// for a command the daemon does not know, …). A text that is empty, has
/// a control character or is over 511 bytes is `MPD_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn mpd_client_command(
    client: *mut mpd_client,
    text: *const c_char,
    out: *mut *mut c_char,
) -> mpd_result {
    ffi_boundary! {
        string(client, out, |c| {
            let text = try_str(text, "text")?;
            let command = Command::Raw {
                text: text.to_owned(),
                shape: ReplyShape::Action,
            };
            Ok(c.call(&command)?)
        })
    }
}

// The operations (mpd_client_list_paths, mpd_client_fail_path, …) are
// generated from mpd-proto's operation table into ops.rs.
#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener};

    fn text(s: *const c_char) -> String {
        assert!(!s.is_null());
        // SAFETY: the library's strings are NUL-terminated and live long
        // enough for this copy.
        unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned()
    }

    #[test]
    fn job_arguments() {
        assert_eq!(wait_options(0), WaitOptions::default());
        assert_eq!(wait_options(200).timeout, Duration::from_millis(200));
        assert_eq!(remove_options(0, true), RemoveOptions::default());
        let r = remove_options(1500, false);
        assert_eq!(r.timeout, Duration::from_millis(1500));
        assert!(!r.disable_queueing);
        assert_eq!(r.interval, RemoveOptions::default().interval);

        let want = path_want(c"failed".as_ptr(), std::ptr::null()).unwrap();
        assert_eq!(want, PathWant::failed());
        let want = path_want(c"active".as_ptr(), c"ready".as_ptr()).unwrap();
        assert_eq!(want, PathWant::up());
        assert_eq!(
            path_want(std::ptr::null(), std::ptr::null()).unwrap(),
            PathWant::default()
        );
        // A word the library does not know is kept (a newer daemon's).
        let want = path_want(std::ptr::null(), c"frobbed".as_ptr()).unwrap();
        assert_eq!(
            want.checker_state,
            Some(CheckerState::Other("frobbed".into()))
        );
        let bad = [0xffu8, 0];
        let e = path_want(std::ptr::null(), bad.as_ptr().cast()).unwrap_err();
        assert_eq!(e.code, mpd_result::MPD_INVALID_UTF8);
        assert_eq!(
            e.message,
            "checker_state is not valid UTF-8 (invalid utf-8 sequence of 1 bytes from index 0)"
        );
    }

    #[test]
    fn string_arrays() {
        let items = [c"sda".as_ptr(), c"sdb".as_ptr()];
        assert_eq!(
            try_str_array(items.as_ptr(), 2, "paths").unwrap(),
            ["sda", "sdb"]
        );
        assert!(try_str_array(std::ptr::null(), 0, "paths")
            .unwrap()
            .is_empty());
        let e = try_str_array(std::ptr::null(), 1, "paths").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (mpd_result::MPD_NULL_ARGUMENT, "paths is NULL")
        );
        let holey = [c"sda".as_ptr(), std::ptr::null()];
        let e = try_str_array(holey.as_ptr(), 2, "paths").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (mpd_result::MPD_NULL_ARGUMENT, "paths[1] is NULL")
        );
        let bad = [0xffu8, 0];
        let e = try_str_array([bad.as_ptr().cast()].as_ptr(), 1, "paths").unwrap_err();
        assert_eq!(e.code, mpd_result::MPD_INVALID_UTF8);
    }

    /// A panic inside an operation is caught once, by the entry point's
    /// `ffi_boundary!`, and is both the client's and the thread's last
    /// error; the client stays usable.
    #[test]
    fn a_panic_in_an_operation_is_the_clients_last_error() {
        let name = format!("mpd-ffi-panic-test-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let _listener = UnixListener::bind_addr(&addr).unwrap();
        let address = cstring(format!("@{name}"));
        let mut client = std::ptr::null_mut();
        assert_eq!(
            mpd_client_connect(address.as_ptr(), 0, &mut client),
            mpd_result::MPD_OK
        );

        let op = |client| -> mpd_result {
            ffi_boundary! { with_client(client, |_| panic!("in an operation")) }
        };
        assert_eq!(op(client), mpd_result::MPD_PANIC);
        let expected = "panic in libmpd: in an operation";
        assert_eq!(text(mpd_client_last_error(client)), expected);
        assert_eq!(text(crate::error::last_error()), expected);

        // The next call on the client succeeds and clears its last error.
        assert_eq!(mpd_client_set_timeout(client, 10), mpd_result::MPD_OK);
        assert_eq!(text(mpd_client_last_error(client)), "");
        mpd_client_free(client);
    }
}
