//! `mpd_client`: a connection to multipathd and one function per
//! operation of [`mpd_client::Client`].

use std::ffi::{c_char, CString};
use std::time::Duration;

use ::mpd_client::{Client, Command, DEFAULT_TIMEOUT};
use mpd_proto::ReplyShape;

use crate::cstr::cstring;
use crate::error::{self, mpd_result, Failure};
use crate::ffi::{try_mut, try_opt_str, try_str, with_ref, Out, OutString, OutValue};
use crate::model::{
    mpd_daemon_state, mpd_daemon_version, mpd_map_list, mpd_map_topology, mpd_path_list,
    mpd_status, mpd_topology,
};
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

/// An operation that takes one name (path or map) and answers `ok`.
fn named(
    client: *mut mpd_client,
    name: *const c_char,
    what: &str,
    op: impl FnOnce(&mut Client, &str) -> ::mpd_client::Result<()>,
) -> mpd_result {
    with_client(client, |c| {
        let name = try_str(name, what)?;
        Ok(op(c, name)?)
    })
}

/// A query whose answer becomes an owned object behind `out`.
fn query<T, R>(
    client: *mut mpd_client,
    out: *mut *mut T,
    op: impl FnOnce(&mut Client) -> ::mpd_client::Result<R>,
) -> mpd_result
where
    T: From<R>,
{
    let out = Out::new(out);
    with_client(client, |c| {
        out.check("out")?;
        let value = op(c)?;
        out.put(T::from(value), "out")
    })
}

/// A query whose answer is text, handed over behind `out`.
fn query_string(
    client: *mut mpd_client,
    out: *mut *mut c_char,
    op: impl FnOnce(&mut Client) -> Result<String, Failure>,
) -> mpd_result {
    let out = OutString::new(out);
    with_client(client, |c| {
        out.check("out")?;
        let text = op(c)?;
        out.put(text, "out")
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

// ----- queries -----

/// Lists every path (`show paths raw format …`) into `*out`, a new list
/// owned by the caller (free with `mpd_path_list_free`); NULL on failure.
#[no_mangle]
pub extern "C" fn mpd_client_list_paths(
    client: *mut mpd_client,
    out: *mut *mut mpd_path_list,
) -> mpd_result {
    ffi_boundary! { query(client, out, Client::list_paths) }
}

/// Lists every map (`show maps raw format …`) into `*out`, a new list
/// owned by the caller (free with `mpd_map_list_free`); NULL on failure.
#[no_mangle]
pub extern "C" fn mpd_client_list_maps(
    client: *mut mpd_client,
    out: *mut *mut mpd_map_list,
) -> mpd_result {
    ffi_boundary! { query(client, out, Client::list_maps) }
}

/// Every map with its path groups and paths (`show maps json`) into
/// `*out`, owned by the caller (free with `mpd_topology_free`); NULL on
/// failure.
#[no_mangle]
pub extern "C" fn mpd_client_topology(
    client: *mut mpd_client,
    out: *mut *mut mpd_topology,
) -> mpd_result {
    ffi_boundary! { query(client, out, Client::topology) }
}

/// One map with its path groups and paths (`show map M json`) into
/// `*out`, owned by the caller (free with `mpd_map_topology_free`); NULL
/// on failure.
#[no_mangle]
pub extern "C" fn mpd_client_map_topology(
    client: *mut mpd_client,
    map: *const c_char,
    out: *mut *mut mpd_map_topology,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        with_client(client, |c| {
            let map = try_str(map, "map")?;
            out.check("out")?;
            let value = c.map_topology(map)?;
            out.put(mpd_map_topology::from(value), "out")
        })
    }
}

/// `show status` (paths per checker state, busy flag) into `*out`, owned
/// by the caller (free with `mpd_status_free`); NULL on failure.
#[no_mangle]
pub extern "C" fn mpd_client_status(
    client: *mut mpd_client,
    out: *mut *mut mpd_status,
) -> mpd_result {
    ffi_boundary! { query(client, out, Client::status) }
}

/// `show daemon` (pid and state) into `*out`, owned by the caller (free
/// with `mpd_daemon_state_free`); NULL on failure.
#[no_mangle]
pub extern "C" fn mpd_client_daemon_state(
    client: *mut mpd_client,
    out: *mut *mut mpd_daemon_state,
) -> mpd_result {
    ffi_boundary! { query(client, out, Client::daemon_state) }
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

/// `show path P`: the path's kernel device state (e.g. `"running"`), as a
/// new string in `*out` that the caller frees with `mpd_string_free`;
/// NULL on failure.
#[no_mangle]
pub extern "C" fn mpd_client_path_state(
    client: *mut mpd_client,
    path: *const c_char,
    out: *mut *mut c_char,
) -> mpd_result {
    ffi_boundary! {
        query_string(client, out, |c| {
            let path = try_str(path, "path")?;
            Ok(c.path_state(path)?)
        })
    }
}

/// `show config`: the daemon's effective configuration, as a new string
/// in `*out` that the caller frees with `mpd_string_free`; NULL on
/// failure.
#[no_mangle]
pub extern "C" fn mpd_client_config(client: *mut mpd_client, out: *mut *mut c_char) -> mpd_result {
    ffi_boundary! { query_string(client, out, |c| Ok(c.config()?)) }
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
        query_string(client, out, |c| {
            let text = try_str(text, "text")?;
            let command = Command::Raw {
                text: text.to_owned(),
                shape: ReplyShape::Action,
            };
            Ok(c.call(&command)?)
        })
    }
}

// ----- actions -----

/// `reconfigure`: re-reads the configuration and updates the maps.
#[no_mangle]
pub extern "C" fn mpd_client_reconfigure(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! { with_client(client, |c| Ok(c.reconfigure()?)) }
}

/// `reconfigure all` (0.9+): also reloads maps that did not change.
/// `MPD_UNKNOWN_COMMAND` on 0.8.
#[no_mangle]
pub extern "C" fn mpd_client_reconfigure_all(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! { with_client(client, |c| Ok(c.reconfigure_all()?)) }
}

/// `add path P`: starts using a path. `MPD_BLACKLISTED` if the daemon's
/// blacklist excludes it or it does not exist.
#[no_mangle]
pub extern "C" fn mpd_client_add_path(client: *mut mpd_client, path: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::add_path) }
}

/// `del path P`: stops using a path.
#[no_mangle]
pub extern "C" fn mpd_client_remove_path(
    client: *mut mpd_client,
    path: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::remove_path) }
}

/// `add map M`: starts monitoring a map (0.9+ can re-create a removed map
/// from its WWID).
#[no_mangle]
pub extern "C" fn mpd_client_add_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::add_map) }
}

/// `del map M`: removes a map. `MPD_MAP_IN_USE` if it is open (0.10+;
/// older daemons answer a bare `fail`: `MPD_COMMAND_FAILED`).
#[no_mangle]
pub extern "C" fn mpd_client_remove_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::remove_map) }
}

/// `suspend map M`.
#[no_mangle]
pub extern "C" fn mpd_client_suspend_map(
    client: *mut mpd_client,
    map: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::suspend_map) }
}

/// `resume map M`.
#[no_mangle]
pub extern "C" fn mpd_client_resume_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::resume_map) }
}

/// `resize map M`: picks up a changed LUN size.
#[no_mangle]
pub extern "C" fn mpd_client_resize_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::resize_map) }
}

/// `reset map M`: re-applies the map's settings.
#[no_mangle]
pub extern "C" fn mpd_client_reset_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::reset_map) }
}

/// `reload map M`: reloads the map's table.
#[no_mangle]
pub extern "C" fn mpd_client_reload_map(client: *mut mpd_client, map: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::reload_map) }
}

/// `fail path P`: the path shows `failed` in the dm table at once.
#[no_mangle]
pub extern "C" fn mpd_client_fail_path(client: *mut mpd_client, path: *const c_char) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::fail_path) }
}

/// `reinstate path P`: the daemon answers at once; the states change at
/// its next checker run, so poll `mpd_client_list_paths` to wait.
#[no_mangle]
pub extern "C" fn mpd_client_reinstate_path(
    client: *mut mpd_client,
    path: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::reinstate_path) }
}

/// `disablequeueing map M`.
#[no_mangle]
pub extern "C" fn mpd_client_disable_map_queuing(
    client: *mut mpd_client,
    map: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::disable_map_queuing) }
}

/// `disablequeueing maps`: on every map.
#[no_mangle]
pub extern "C" fn mpd_client_disable_queuing(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! { with_client(client, |c| Ok(c.disable_queuing()?)) }
}

/// `restorequeueing map M`.
#[no_mangle]
pub extern "C" fn mpd_client_restore_map_queuing(
    client: *mut mpd_client,
    map: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::restore_map_queuing) }
}

/// `restorequeueing maps`: on every map.
#[no_mangle]
pub extern "C" fn mpd_client_restore_queuing(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! { with_client(client, |c| Ok(c.restore_queuing()?)) }
}

/// `switchgroup map M group G`: groups count from 1 (see
/// `mpd_path_group_number`).
#[no_mangle]
pub extern "C" fn mpd_client_switch_group(
    client: *mut mpd_client,
    map: *const c_char,
    group: u32,
) -> mpd_result {
    ffi_boundary! {
        with_client(client, |c| {
            let map = try_str(map, "map")?;
            Ok(c.switch_group(map, group)?)
        })
    }
}

/// `setmarginal path P`.
#[no_mangle]
pub extern "C" fn mpd_client_set_marginal(
    client: *mut mpd_client,
    path: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::set_marginal) }
}

/// `unsetmarginal path P`.
#[no_mangle]
pub extern "C" fn mpd_client_unset_marginal(
    client: *mut mpd_client,
    path: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, path, "path", Client::unset_marginal) }
}

/// `unsetmarginal map M`: every path of the map.
#[no_mangle]
pub extern "C" fn mpd_client_unset_map_marginal(
    client: *mut mpd_client,
    map: *const c_char,
) -> mpd_result {
    ffi_boundary! { named(client, map, "map", Client::unset_map_marginal) }
}

/// `shutdown`: stops the daemon.
#[no_mangle]
pub extern "C" fn mpd_client_shutdown(client: *mut mpd_client) -> mpd_result {
    ffi_boundary! { with_client(client, |c| Ok(c.shutdown()?)) }
}

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
