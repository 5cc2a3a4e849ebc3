//! `mpd_watch` and `mpd_event`: the watch of [`mpd_client::watch`] with
//! its own connection, and its events as opaque objects with accessors.
//!
//! An event is converted once, when `mpd_watch_next` hands it out: every
//! string becomes a `CString` the event owns (its JSON and its text too).

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::OnceLock;
use std::time::Duration;

use ::mpd_client::watch::{Watch, WatchOptions};
use ::mpd_client::{Client, Event, DEFAULT_TIMEOUT};

use crate::cstr::{cstring, opt_cstring, opt_ptr};
use crate::error::{self, mpd_result, Failure};
use crate::ffi::{free_box, try_mut, try_opt_str, with_ref, Out, OutValue};
use crate::model::mpd_daemon_version;
use crate::panic::{ClientCall, Fallback};

/// `mpd_watch_new` flag: on Linux, also listen to the kernel's uevents and
/// poll at once (no sooner than 50 ms after the poll before, at most four
/// early polls per interval) when device-mapper reports a path failed or
/// reinstated. If the uevent socket cannot be opened the watch polls only
/// (see `mpd_watch_uevents_active`).
pub const MPD_WATCH_UEVENTS: u32 = 1;

/// `mpd_watch_new` flag: believe any peer (no `SO_PEERCRED` check), for a
/// simulator run by another user. Without it the watch, like
/// `mpd_client_connect`, believes only a daemon running as root or as the
/// caller's own uid (`MPD_UNTRUSTED_PEER` otherwise).
pub const MPD_WATCH_TRUST_ANY: u32 = 2;

const ALL_FLAGS: u32 = MPD_WATCH_UEVENTS | MPD_WATCH_TRUST_ANY;

/// What an `mpd_event` reports, from `mpd_event_kind` (the type cannot be
/// called `mpd_event_kind` too: C has one namespace for both). New kinds
/// may be added at the end: treat unknown values as events to ignore.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum mpd_event_type {
    /// Not an event: what `mpd_event_kind(NULL)` returns.
    MPD_EVENT_UNKNOWN = 0,
    /// A map appeared (`mpd_event_map`, `mpd_event_wwid`).
    MPD_EVENT_MAP_ADDED = 1,
    /// A map went away (its paths' `MPD_EVENT_PATH_REMOVED` come first).
    MPD_EVENT_MAP_REMOVED = 2,
    /// A path joined a map (`mpd_event_device`, `mpd_event_map`).
    MPD_EVENT_PATH_ADDED = 3,
    /// A path left a map (or went away with it).
    MPD_EVENT_PATH_REMOVED = 4,
    /// A path's dm state, its checker state, or both changed
    /// (`mpd_event_old_dm_state`, …).
    MPD_EVENT_PATH_STATE_CHANGED = 5,
    /// A map's count of active paths changed
    /// (`mpd_event_old_active_paths`, `mpd_event_new_active_paths`,
    /// `mpd_event_total_paths`).
    MPD_EVENT_ACTIVE_PATHS_CHANGED = 6,
    /// A map's health changed (`mpd_event_old_health`,
    /// `mpd_event_new_health`).
    MPD_EVENT_MAP_HEALTH_CHANGED = 7,
    /// The daemon stopped answering (`mpd_event_error`); once per outage.
    MPD_EVENT_DAEMON_UNREACHABLE = 8,
    /// The daemon answers again (`mpd_event_version`); the changes made
    /// meanwhile follow.
    MPD_EVENT_DAEMON_BACK = 9,
}

/// The C kind of each of `Event::KINDS`, in its order. The array's length
/// is that of `Event::KINDS`: a kind added to mpd-proto does not compile
/// here until it has its C value (the unit test checks the names).
const KINDS: [mpd_event_type; Event::KINDS.len()] = [
    mpd_event_type::MPD_EVENT_MAP_ADDED,
    mpd_event_type::MPD_EVENT_MAP_REMOVED,
    mpd_event_type::MPD_EVENT_PATH_ADDED,
    mpd_event_type::MPD_EVENT_PATH_REMOVED,
    mpd_event_type::MPD_EVENT_PATH_STATE_CHANGED,
    mpd_event_type::MPD_EVENT_ACTIVE_PATHS_CHANGED,
    mpd_event_type::MPD_EVENT_MAP_HEALTH_CHANGED,
    mpd_event_type::MPD_EVENT_DAEMON_UNREACHABLE,
    mpd_event_type::MPD_EVENT_DAEMON_BACK,
];

impl Fallback for mpd_event_type {
    fn fallback() -> Self {
        mpd_event_type::MPD_EVENT_UNKNOWN
    }
}

impl mpd_event_type {
    fn of(e: &Event) -> mpd_event_type {
        Event::KINDS
            .iter()
            .position(|k| *k == e.kind())
            .map_or(mpd_event_type::MPD_EVENT_UNKNOWN, |i| KINDS[i])
    }
}

/// The kinds' names as C strings, made once.
fn kind_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| Event::KINDS.iter().map(|k| cstring(*k)).collect())
}

// ----- events -----

type OptStr = Option<CString>;

fn opt_word(s: &Option<impl std::fmt::Display>) -> OptStr {
    s.as_ref().map(|s| cstring(s.to_string()))
}

/// One change the watch saw, or a change of the daemon's reachability,
/// from `mpd_watch_next`. Owned by the caller; free with
/// `mpd_event_free`. Its strings are borrowed from it.
pub struct mpd_event {
    kind: mpd_event_type,
    map: OptStr,
    device: OptStr,
    wwid: OptStr,
    old_dm_state: OptStr,
    new_dm_state: OptStr,
    old_checker_state: OptStr,
    new_checker_state: OptStr,
    old_active: i64,
    new_active: i64,
    total: i64,
    old_health: OptStr,
    new_health: OptStr,
    error: OptStr,
    version: Option<mpd_daemon_version>,
    text: CString,
    json: CString,
}

impl From<Event> for mpd_event {
    fn from(e: Event) -> mpd_event {
        let mut out = mpd_event {
            kind: mpd_event_type::of(&e),
            map: opt_cstring(e.map().map(str::to_owned)),
            device: opt_cstring(e.device().map(str::to_owned)),
            wwid: None,
            old_dm_state: None,
            new_dm_state: None,
            old_checker_state: None,
            new_checker_state: None,
            old_active: -1,
            new_active: -1,
            total: -1,
            old_health: None,
            new_health: None,
            error: None,
            version: None,
            text: cstring(e.to_string()),
            // Serializing an event cannot fail (no maps with non-string
            // keys, no custom serializers that fail).
            json: cstring(serde_json::to_string(&e).unwrap_or_default()),
        };
        match e {
            Event::MapAdded { wwid, .. } | Event::MapRemoved { wwid, .. } => {
                out.wwid = opt_cstring(wwid);
            }
            Event::PathStateChanged {
                old_dm_state,
                new_dm_state,
                old_checker_state,
                new_checker_state,
                ..
            } => {
                out.old_dm_state = opt_word(&old_dm_state);
                out.new_dm_state = opt_word(&new_dm_state);
                out.old_checker_state = opt_word(&old_checker_state);
                out.new_checker_state = opt_word(&new_checker_state);
            }
            Event::ActivePathsChanged {
                old, new, total, ..
            } => {
                out.old_active = old.map_or(-1, i64::from);
                out.new_active = new.map_or(-1, i64::from);
                out.total = i64::from(total);
            }
            Event::MapHealthChanged {
                old, new, health, ..
            } => {
                out.old_health = Some(cstring(old.name()));
                out.new_health = Some(cstring(new.name()));
                out.wwid = opt_cstring(health.uuid);
                out.total = i64::from(health.total_paths);
            }
            Event::DaemonUnreachable { error } => out.error = Some(cstring(error)),
            Event::DaemonBack { version } => out.version = version.map(Into::into),
            // The path events carry only their map and device. A kind
            // mpd-proto adds later has its JSON and text.
            _ => {}
        }
        out
    }
}

/// What the event reports; `MPD_EVENT_UNKNOWN` for NULL.
#[no_mangle]
pub extern "C" fn mpd_event_kind(event: *const mpd_event) -> mpd_event_type {
    ffi_boundary! { with_ref(event, |e| e.kind) }
}

/// The name of an event kind, as the JSON's `"event"` field spells it
/// (`"path_state_changed"`); a static string. NULL for a value that is no
/// kind (`MPD_EVENT_UNKNOWN` included).
#[no_mangle]
pub extern "C" fn mpd_event_kind_str(kind: u32) -> *const c_char {
    ffi_boundary! {
        KINDS
            .iter()
            .position(|k| *k as u32 == kind)
            .and_then(|i| kind_names().get(i))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    }
}

/// The map the event is about (its name); NULL for the daemon events.
#[no_mangle]
pub extern "C" fn mpd_event_map(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.map)) }
}

/// The path the event is about (`"sda"`): the path events only, else
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_event_device(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.device)) }
}

/// The map's WWID: `MPD_EVENT_MAP_ADDED`, `MPD_EVENT_MAP_REMOVED` and
/// `MPD_EVENT_MAP_HEALTH_CHANGED` (when the daemon printed one); else
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_event_wwid(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.wwid)) }
}

/// `MPD_EVENT_PATH_STATE_CHANGED`: the path's dm state before
/// (`"active"`, `"failed"`); NULL when the daemon printed `undef`, and
/// for the other kinds.
#[no_mangle]
pub extern "C" fn mpd_event_old_dm_state(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.old_dm_state)) }
}

/// `MPD_EVENT_PATH_STATE_CHANGED`: the dm state now (NULL as for
/// `mpd_event_old_dm_state`).
#[no_mangle]
pub extern "C" fn mpd_event_new_dm_state(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.new_dm_state)) }
}

/// `MPD_EVENT_PATH_STATE_CHANGED`: the checker state before (`"ready"`,
/// `"faulty"`, …); NULL when the daemon printed `undef`, and for the other
/// kinds.
#[no_mangle]
pub extern "C" fn mpd_event_old_checker_state(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.old_checker_state)) }
}

/// `MPD_EVENT_PATH_STATE_CHANGED`: the checker state now (NULL as for
/// `mpd_event_old_checker_state`).
#[no_mangle]
pub extern "C" fn mpd_event_new_checker_state(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.new_checker_state)) }
}

/// `MPD_EVENT_ACTIVE_PATHS_CHANGED`: the map's active paths before; -1
/// when not reported, for the other kinds, or for NULL.
#[no_mangle]
pub extern "C" fn mpd_event_old_active_paths(event: *const mpd_event) -> i64 {
    ffi_boundary! { with_ref(event, |e| e.old_active) }
}

/// `MPD_EVENT_ACTIVE_PATHS_CHANGED`: the map's active paths now (-1 as
/// for `mpd_event_old_active_paths`).
#[no_mangle]
pub extern "C" fn mpd_event_new_active_paths(event: *const mpd_event) -> i64 {
    ffi_boundary! { with_ref(event, |e| e.new_active) }
}

/// Every path of the map now, whatever its state:
/// `MPD_EVENT_ACTIVE_PATHS_CHANGED` and `MPD_EVENT_MAP_HEALTH_CHANGED`;
/// -1 for the other kinds (or NULL).
#[no_mangle]
pub extern "C" fn mpd_event_total_paths(event: *const mpd_event) -> i64 {
    ffi_boundary! { with_ref(event, |e| e.total) }
}

/// `MPD_EVENT_MAP_HEALTH_CHANGED`: the map's health before, a string
/// owned by the event: `"healthy"`, `"degraded"`, `"suspended"`,
/// `"all_paths_down_queueing"`, `"all_paths_down_failing"`, `"no_paths"`
/// (names may be added). NULL for the other kinds.
#[no_mangle]
pub extern "C" fn mpd_event_old_health(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.old_health)) }
}

/// `MPD_EVENT_MAP_HEALTH_CHANGED`: the map's health now (see
/// `mpd_event_old_health`). NULL for the other kinds.
#[no_mangle]
pub extern "C" fn mpd_event_new_health(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.new_health)) }
}

/// `MPD_EVENT_DAEMON_UNREACHABLE`: what went wrong, in words (the
/// client's error message, naming the address). NULL for the other kinds.
#[no_mangle]
pub extern "C" fn mpd_event_error(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| opt_ptr(&e.error)) }
}

/// `MPD_EVENT_DAEMON_BACK`: writes the daemon's multipath-tools version
/// (read afresh: a daemon upgraded during the outage reports its new
/// release) to `*out` and returns true. Returns false, with `*out` zeroed,
/// for the other kinds and when the version could not be read; false for
/// a NULL argument.
#[no_mangle]
pub extern "C" fn mpd_event_version(event: *const mpd_event, out: *mut mpd_daemon_version) -> bool {
    ffi_boundary! {
        let out = OutValue::new(out);
        with_ref(event, |e| match e.version {
            Some(v) => out.put(v, "out").is_ok(),
            None => false,
        })
    }
}

/// The event as one line of text, as the Rust library prints it
/// (`"path sda (mpatha): active ready -> failed faulty"`); owned by the
/// event. NULL for NULL.
#[no_mangle]
pub extern "C" fn mpd_event_text(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| e.text.as_ptr()) }
}

/// The event as a JSON object, its kind under `"event"` and every field
/// of the kind (`{"event":"path_added","device":"sda","map":"mpatha"}`),
/// as the Rust and Python libraries serialize it; owned by the event.
/// NULL for NULL.
#[no_mangle]
pub extern "C" fn mpd_event_json(event: *const mpd_event) -> *const c_char {
    ffi_boundary! { with_ref(event, |e| e.json.as_ptr()) }
}

/// Frees an event and every string borrowed from it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_event_free(event: *mut mpd_event) {
    ffi_boundary! { free_box(event) }
}

// ----- the watch -----

/// Watches multipathd and yields an `mpd_event` for every change (the
/// Rust `mpd_client::watch::Watch`, with its own connection). Create it
/// with `mpd_watch_new`, free it with `mpd_watch_free`.
///
/// multipathd cannot push changes, so the watch polls it: once per
/// interval it sends one `show maps json` and reports what changed since
/// the listing before. The first listing (at the first `mpd_watch_next`)
/// is the baseline and yields nothing. When the daemon cannot be reached
/// (connection refused or closed, no reply within the timeout, the
/// daemon's own `timeout` answer), the watch yields one
/// `MPD_EVENT_DAEMON_UNREACHABLE` and retries, after 250 ms and then at
/// doubling delays up to 5 s; when the daemon answers again, one
/// `MPD_EVENT_DAEMON_BACK`, then the changes made meanwhile.
///
/// A watch may move between threads but must not be used by two threads
/// at the same time.
pub struct mpd_watch {
    inner: Watch,
    address: CString,
    last_error: CString,
    uevent_error: OptStr,
}

/// Runs `f` on a watch, keeping its last error as `with_client` does for
/// a client.
fn with_watch(
    watch: *mut mpd_watch,
    f: impl FnOnce(&mut Watch) -> Result<(), Failure>,
) -> mpd_result {
    let watch = match try_mut(watch, "watch") {
        Ok(w) => w,
        Err(f) => return error::record(|| Err(f)),
    };
    let call = ClientCall::enter(&mut watch.last_error);
    let outcome = f(&mut watch.inner);
    drop(call);
    if watch.uevent_error.as_deref().map(CStr::to_bytes)
        != watch.inner.uevent_error().map(str::as_bytes)
    {
        watch.uevent_error = opt_cstring(watch.inner.uevent_error().map(str::to_owned));
    }
    match outcome {
        Ok(()) => {
            watch.last_error = CString::default();
            mpd_result::MPD_OK
        }
        Err(failure) => {
            watch.last_error = cstring(failure.message.as_str());
            error::record(|| Err(failure))
        }
    }
}

fn millis_or(ms: u32, default: Duration) -> Duration {
    if ms == 0 {
        default
    } else {
        Duration::from_millis(ms.into())
    }
}

/// Connects to multipathd and writes a new watch to `*out`.
///
/// - `address`: as for `mpd_client_connect` (NULL: find the daemon as
///   the official client does; `"@name"`: an abstract socket).
/// - `interval_ms`: the time between two polls, from start to start; 0
///   means the default, 1000 ms.
/// - `flags`: `MPD_WATCH_UEVENTS`, `MPD_WATCH_TRUST_ANY`, both, or 0. Unknown bits are
///   `MPD_INVALID_ARGUMENT`.
/// - `timeout_ms`: how long to wait for the connection and for each
///   reply (a daemon that hangs is unreachable after it); 0 means the
///   default, 4000 ms.
/// - `out`: receives the watch (owned by the caller: free it with
///   `mpd_watch_free`), or NULL on failure.
///
/// Nothing is polled yet. Fails with `MPD_CONNECT` when nothing answers;
/// the reason is then in `mpd_last_error()`.
#[no_mangle]
pub extern "C" fn mpd_watch_new(
    address: *const c_char,
    interval_ms: u32,
    flags: u32,
    timeout_ms: u32,
    out: *mut *mut mpd_watch,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        error::record(|| {
            out.check("out")?;
            let address = try_opt_str(address, "address")?;
            if flags & !ALL_FLAGS != 0 {
                return Err(Failure::invalid(format!("unknown watch flags {flags:#x}")));
            }
            let t = millis_or(timeout_ms, DEFAULT_TIMEOUT);
            let mut builder = Client::builder().timeout(t).connect_timeout(t);
            if flags & MPD_WATCH_TRUST_ANY != 0 {
                builder = builder.trust(::mpd_client::PeerTrust::Any);
            }
            if let Some(a) = address {
                if a.is_empty() {
                    return Err(Failure::invalid("address is empty"));
                }
                builder = builder.address(a);
            }
            let client = builder.connect()?;
            let address = cstring(client.address().to_string());
            let options = WatchOptions {
                interval: millis_or(interval_ms, ::mpd_client::watch::DEFAULT_INTERVAL),
                uevents: flags & MPD_WATCH_UEVENTS != 0,
                ..WatchOptions::default()
            };
            let inner = Watch::new(client, options);
            let uevent_error = opt_cstring(inner.uevent_error().map(str::to_owned));
            out.put(
                mpd_watch {
                    inner,
                    address,
                    last_error: CString::default(),
                    uevent_error,
                },
                "out",
            )
        })
    }
}

/// Waits up to `timeout_ms` milliseconds for the next event.
///
/// - `MPD_OK` and `*out` a new event (owned by the caller: free it with
///   `mpd_event_free`) when one came: a queued one at once, else the
///   changes seen by the polls that fall due meanwhile.
/// - `MPD_OK` and `*out` NULL when no event came within the timeout.
/// - A failure code (`*out` NULL) for an error that is not about reaching
///   the daemon (`MPD_PERMISSION_DENIED`, `MPD_PROTOCOL`, …): the watch
///   stays usable and polls again at the next interval.
///
/// With 0 it never sleeps: it polls if a poll is due and returns what
/// that gave. A poll under way when the timeout passes runs to its end,
/// which the watch's `timeout_ms` bounds.
#[no_mangle]
pub extern "C" fn mpd_watch_next(
    watch: *mut mpd_watch,
    timeout_ms: u32,
    out: *mut *mut mpd_event,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        with_watch(watch, |w| {
            out.check("out")?;
            match w.next_event(Duration::from_millis(timeout_ms.into()))? {
                Some(e) => out.put(mpd_event::from(e), "out"),
                None => Ok(()),
            }
        })
    }
}

/// Closes the watch's connection and frees it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_watch_free(watch: *mut mpd_watch) {
    ffi_boundary! { free_box(watch) }
}

/// The message of the last failed call on `watch`, `""` if the last call
/// succeeded; NULL if `watch` is NULL. Owned by the watch, valid until the
/// next call on it.
#[no_mangle]
pub extern "C" fn mpd_watch_last_error(watch: *const mpd_watch) -> *const c_char {
    ffi_boundary! { with_ref(watch, |w| w.last_error.as_ptr()) }
}

/// The address the watch polls (`"@name"` for an abstract socket), owned
/// by the watch; NULL if `watch` is NULL.
#[no_mangle]
pub extern "C" fn mpd_watch_address(watch: *const mpd_watch) -> *const c_char {
    ffi_boundary! { with_ref(watch, |w| w.address.as_ptr()) }
}

/// Every command the watch has sent (or tried to): one `show maps json`
/// per poll, plus one version query per `MPD_EVENT_DAEMON_BACK`. 0 for
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_watch_commands_sent(watch: *const mpd_watch) -> u64 {
    ffi_boundary! { with_ref(watch, |w| w.inner.commands_sent()) }
}

/// The `show maps json` listings the watch has sent (or tried to): one
/// per poll. 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_watch_listings_sent(watch: *const mpd_watch) -> u64 {
    ffi_boundary! { with_ref(watch, |w| w.inner.listings_sent()) }
}

/// 0 from an `MPD_EVENT_DAEMON_UNREACHABLE` until the daemon answers
/// again, 1 otherwise; -1 for NULL.
#[no_mangle]
pub extern "C" fn mpd_watch_daemon_reachable(watch: *const mpd_watch) -> c_int {
    ffi_boundary! { with_ref(watch, |w| c_int::from(w.inner.is_daemon_reachable())) }
}

/// 1 when kernel uevents can wake the watch early (`MPD_WATCH_UEVENTS`
/// and the socket opened), 0 otherwise; -1 for NULL.
#[no_mangle]
pub extern "C" fn mpd_watch_uevents_active(watch: *const mpd_watch) -> c_int {
    ffi_boundary! { with_ref(watch, |w| c_int::from(w.inner.uevents_active())) }
}

/// Why `MPD_WATCH_UEVENTS` was asked for but the watch polls only (the
/// socket could not be opened, or stopped working); NULL otherwise (and
/// for NULL). Owned by the watch, valid until the next call on it.
#[no_mangle]
pub extern "C" fn mpd_watch_uevent_error(watch: *const mpd_watch) -> *const c_char {
    ffi_boundary! { with_ref(watch, |w| opt_ptr(&w.uevent_error)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C kinds are named after the Rust kinds, in their order, and
    /// numbered from 1; `mpd_event_kind_str` gives the Rust names.
    #[test]
    fn every_kind_has_its_c_value_and_name() {
        for (i, (name, kind)) in Event::KINDS.iter().zip(KINDS).enumerate() {
            assert_eq!(kind as u32, i as u32 + 1);
            assert_eq!(
                format!("{kind:?}"),
                format!("MPD_EVENT_{}", name.to_ascii_uppercase())
            );
            let s = mpd_event_kind_str(kind as u32);
            // SAFETY: a static NUL-terminated string from kind_names().
            assert_eq!(unsafe { CStr::from_ptr(s) }.to_str().unwrap(), *name);
        }
        for none in [0, 10, u32::MAX] {
            assert!(mpd_event_kind_str(none).is_null());
        }
    }

    #[test]
    fn events_convert_with_their_fields() {
        let e = mpd_event::from(Event::ActivePathsChanged {
            map: "mpatha".into(),
            old: Some(2),
            new: None,
            total: 2,
        });
        assert_eq!(e.kind, mpd_event_type::MPD_EVENT_ACTIVE_PATHS_CHANGED);
        assert_eq!((e.old_active, e.new_active, e.total), (2, -1, 2));
        assert_eq!(e.map.as_deref(), Some(c"mpatha"));
        assert!(e.device.is_none() && e.error.is_none() && e.version.is_none());
        assert_eq!(
            e.json.to_str().unwrap(),
            r#"{"event":"active_paths_changed","map":"mpatha","old":2,"new":null,"total":2}"#
        );
        assert_eq!(
            e.text.to_str().unwrap(),
            "map mpatha: active paths 2 -> - of 2"
        );

        let e = mpd_event::from(Event::DaemonBack {
            version: Some(::mpd_client::DaemonVersion::new(0, 9, 4)),
        });
        assert_eq!(
            e.version,
            Some(mpd_daemon_version {
                major: 0,
                minor: 9,
                patch: 4
            })
        );
        assert!(e.map.is_none());
    }
}
