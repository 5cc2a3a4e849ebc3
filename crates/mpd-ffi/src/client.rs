//! `mpd_client`: a connection to multipathd and one function per
//! operation of [`mpd_client::Client`].

use std::ffi::{c_char, c_int, CString};
use std::time::Duration;

use ::mpd_client::{Client, Command, DEFAULT_TIMEOUT};
use mpd_proto::ReplyShape;

use crate::cstr::cstring;
use crate::error::{self, mpd_result, Failure};
use crate::ffi::{try_mut, try_opt_str, try_str, with_ref, Out, OutString, OutValue};
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

// ----- life cycle -----

/// Connects to multipathd and writes a new client to `*out`.
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
/// Fails with `MPD_CONNECT` when nothing answers; the reason is then in
/// `mpd_last_error()`.
#[no_mangle]
pub extern "C" fn mpd_client_connect(
    address: *const c_char,
    timeout_ms: u32,
    out: *mut *mut mpd_client,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        error::record(|| {
            out.check("out")?;
            let address = try_opt_str(address, "address")?;
            let t = timeout(timeout_ms);
            let mut builder = Client::builder().timeout(t).connect_timeout(t);
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
