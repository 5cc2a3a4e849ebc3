//! `mpd_sim`: the simulated multipathd of `mpd-sim`, for tests and demos
//! of C programs without root, SAN or device-mapper.

use std::ffi::{c_char, CString};
use std::time::Duration;

use ::mpd_sim::{Fault, Privilege, Sim, SimHandle, Version};

use crate::cstr::cstring;
use crate::error::{self, mpd_result, Failure};
use crate::ffi::{free_box, try_mut, try_opt_str, try_str, with_ref, Out};

/// `mpd_sim_start` flag: reinstated and added paths become `ready` at
/// once, instead of at the simulated checker's next run.
pub const MPD_SIM_IMMEDIATE: u32 = 1;
/// `mpd_sim_start` flag: treat every client as non-root, so every command
/// but `show`/`list` is refused (`MPD_PERMISSION_DENIED`).
pub const MPD_SIM_FORCE_NONROOT: u32 = 2;
/// `mpd_sim_start` flag: no background path checker; states change only
/// through commands and `mpd_sim_checker_pass` (deterministic tests).
pub const MPD_SIM_NO_CHECKER: u32 = 4;

const ALL_FLAGS: u32 = MPD_SIM_IMMEDIATE | MPD_SIM_FORCE_NONROOT | MPD_SIM_NO_CHECKER;

/// A running simulated multipathd, listening on a private abstract socket
/// (`mpd_sim_address`). Create it with `mpd_sim_start`; `mpd_sim_free`
/// stops it.
pub struct mpd_sim {
    handle: SimHandle,
    address: CString,
}

impl From<::mpd_sim::Error> for Failure {
    fn from(e: ::mpd_sim::Error) -> Failure {
        let code = match e {
            ::mpd_sim::Error::Config(_) => mpd_result::MPD_INVALID_ARGUMENT,
            _ => mpd_result::MPD_IO,
        };
        Failure::new(code, format!("simulator: {e}"))
    }
}

/// Runs `f` on the simulator; failures are recorded as the thread's last
/// error.
fn with_sim(sim: *mut mpd_sim, f: impl FnOnce(&SimHandle) -> Result<(), Failure>) -> mpd_result {
    error::record(|| f(&try_mut(sim, "sim")?.handle))
}

/// Starts a simulated daemon and writes it to `*out`.
///
/// - `version`: the release to imitate, `"0.8.5"`, `"0.9.4"` or
///   `"0.11.1"`; NULL for 0.9.4. Anything else is `MPD_INVALID_ARGUMENT`.
/// - `maps`, `paths_per_map`: the simulated SAN; its maps are `mpatha`,
///   `mpathb`, … and its paths `sda`, `sdb`, … (`paths_per_map` must be at
///   least 1 when `maps` is not 0).
/// - `flags`: `MPD_SIM_IMMEDIATE`, `MPD_SIM_FORCE_NONROOT`,
///   `MPD_SIM_NO_CHECKER`, or'ed; 0 for none. Unknown bits are
///   `MPD_INVALID_ARGUMENT`.
/// - `out`: receives the simulator (owned by the caller: `mpd_sim_free`
///   stops and frees it), or NULL on failure.
///
/// The reason for a failure is in `mpd_last_error()`.
#[no_mangle]
pub extern "C" fn mpd_sim_start(
    version: *const c_char,
    maps: usize,
    paths_per_map: usize,
    flags: u32,
    out: *mut *mut mpd_sim,
) -> mpd_result {
    ffi_boundary! {
        let out = Out::new(out);
        error::record(|| {
            out.check("out")?;
            let version = match try_opt_str(version, "version")? {
                None => Version::default(),
                Some(v) => v
                    .parse::<Version>()
                    .map_err(|e| Failure::invalid(e.to_string()))?,
            };
            if flags & !ALL_FLAGS != 0 {
                return Err(Failure::invalid(format!("unknown simulator flags {flags:#x}")));
            }
            let handle = Sim::builder()
                .version(version)
                .maps(maps)
                .paths_per_map(paths_per_map)
                .immediate(flags & MPD_SIM_IMMEDIATE != 0)
                .force_nonroot(flags & MPD_SIM_FORCE_NONROOT != 0)
                .checker_tick(if flags & MPD_SIM_NO_CHECKER != 0 {
                    None
                } else {
                    Some(Duration::from_secs(1))
                })
                .start()?;
            let address = cstring(handle.address());
            out.put(mpd_sim { handle, address }, "out")
        })
    }
}

/// The address the simulator listens on (`"@…"`), to pass to
/// `mpd_client_connect`; owned by the simulator. NULL if `sim` is NULL.
#[no_mangle]
pub extern "C" fn mpd_sim_address(sim: *const mpd_sim) -> *const c_char {
    ffi_boundary! { with_ref(sim, |s| s.address.as_ptr()) }
}

/// Sets how the simulator answers every command from now on, also on open
/// connections. `fault` is one of:
///
/// - `"none"`: behave;
/// - `"timeout"`: answer the daemon's `timeout` text (→ `MPD_TIMEOUT`);
/// - `"hang"`: never answer (→ `MPD_TIMEOUT` after the client's timeout);
/// - `"drop-mid-reply"`: send part of the reply and close
///   (→ `MPD_CONNECTION_CLOSED`);
/// - `"close"`: close without a reply (→ `MPD_CONNECTION_CLOSED`);
/// - `"bad-length=N"` (or `"bad-length"`: 1 TiB): send N as the length
///   prefix (→ `MPD_PROTOCOL` for 0 and from 32 MiB up).
///
/// Anything else is `MPD_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn mpd_sim_set_fault(sim: *mut mpd_sim, fault: *const c_char) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            let fault = try_str(fault, "fault")?
                .parse::<Fault>()
                .map_err(|e| Failure::invalid(e.to_string()))?;
            s.set_fault(fault);
            Ok(())
        })
    }
}

/// Delays every reply from now on by `delay_ms` milliseconds (0: none).
#[no_mangle]
pub extern "C" fn mpd_sim_set_reply_delay(sim: *mut mpd_sim, delay_ms: u32) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            s.set_reply_delay(Duration::from_millis(delay_ms.into()));
            Ok(())
        })
    }
}

/// Treats every client as non-root (`true`) or judges by the peer's uid
/// as the daemon does (`false`), for commands from now on.
#[no_mangle]
pub extern "C" fn mpd_sim_set_force_nonroot(sim: *mut mpd_sim, nonroot: bool) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            s.set_privilege(if nonroot { Privilege::NonRoot } else { Privilege::PeerCred });
            Ok(())
        })
    }
}

/// Switches immediate mode (see `MPD_SIM_IMMEDIATE`).
#[no_mangle]
pub extern "C" fn mpd_sim_set_immediate(sim: *mut mpd_sim, immediate: bool) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            s.set_immediate(immediate);
            Ok(())
        })
    }
}

/// Makes the disk behind path `device` stop (`healthy` false) or resume
/// answering I/O: the checker fails or reinstates the path at its next
/// run (at once in immediate mode). `MPD_INVALID_ARGUMENT` if there is no
/// such disk.
#[no_mangle]
pub extern "C" fn mpd_sim_set_path_health(
    sim: *mut mpd_sim,
    device: *const c_char,
    healthy: bool,
) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            let device = try_str(device, "device")?;
            if s.set_path_health(device, healthy) {
                Ok(())
            } else {
                Err(Failure::invalid(format!("simulator: no disk {device:?}")))
            }
        })
    }
}

/// Marks map `map` (its name, e.g. `"mpatha"`) as open — mounted, or held
/// by another device — (`in_use` true) or closed again (false). While it
/// is open the daemon cannot remove it: `mpd_client_remove_map` gives
/// `MPD_MAP_IN_USE` on 0.11.1 (`fail\nmap or partition in use\n`) and
/// `MPD_COMMAND_FAILED` on 0.8.5 and 0.9.4, which answer a bare `fail`;
/// the map stays. `MPD_INVALID_ARGUMENT` if there is no such map.
#[no_mangle]
pub extern "C" fn mpd_sim_set_map_in_use(
    sim: *mut mpd_sim,
    map: *const c_char,
    in_use: bool,
) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            let map = try_str(map, "map")?;
            if s.set_map_in_use(map, in_use) {
                Ok(())
            } else {
                Err(Failure::invalid(format!("simulator: no map {map:?}")))
            }
        })
    }
}

/// Runs the simulated path checker on every path now.
#[no_mangle]
pub extern "C" fn mpd_sim_checker_pass(sim: *mut mpd_sim) -> mpd_result {
    ffi_boundary! {
        with_sim(sim, |s| {
            s.checker_pass();
            Ok(())
        })
    }
}

/// Stops the simulator (closing its connections and waiting for its
/// threads) and frees it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_sim_free(sim: *mut mpd_sim) {
    ffi_boundary! { free_box(sim) }
}
