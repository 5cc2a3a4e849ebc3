//! # mpd-ffi: the C API of the multipathd client
//!
//! Builds `libmpd.so`, whose interface is `include/mpd.h` (generated from
//! this crate by cbindgen and checked in). It is a thin layer over
//! [`mpd_client`]: every function converts its C arguments, calls the Rust
//! client, and converts the result back. No behaviour lives here.
//!
//! Conventions, for every exported function:
//!
//! - One prefix, `mpd_`. Handles are opaque (`mpd_client`, `mpd_path_list`,
//!   `mpd_topology`, …) and each owned one has a `_free` function that
//!   accepts NULL.
//! - Fallible functions return an [`mpd_result`]; a result is written to an
//!   out-pointer, which is set to NULL first whenever it is not NULL itself.
//! - Strings in and out are NUL-terminated UTF-8. A string returned by an
//!   accessor is owned by the object it came from.
//! - A NULL pointer where one is not allowed is `MPD_NULL_ARGUMENT`, a
//!   string that is not UTF-8 is `MPD_INVALID_UTF8`, and a panic is caught
//!   at the boundary and becomes `MPD_PANIC` (or NULL, 0, -1 for accessors).
//!
//! With the cargo feature `sim` (off by default), the crate also exposes
//! the simulated daemon of `mpd-sim` (`mpd_sim_start`, …) so that C
//! programs can be tested without root or a SAN. The header declares those
//! functions under `#if defined(MPD_SIM)`: a test program defines `MPD_SIM`
//! and links a libmpd built with `--features sim`. The library that
//! `install.sh` installs is built without it.
// The C names (`mpd_client`, `mpd_result`, `MPD_OK`) are the API.
#![allow(non_camel_case_types)]
// Every exported function takes raw pointers from C and is therefore not
// checked by Rust's type system whatever its signature says; marking them
// all `unsafe` would only move the contract from the header, where C users
// read it, to Rust docs, where they do not. Each pointer is dereferenced in
// one of the helpers of `ffi.rs` (and a client's last-error slot in
// `panic::caught`), under a SAFETY comment that names the header's rule it
// relies on.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

// The modules in dependency order: each uses only those above it.
//
//   cstr    C strings from Rust text (a leaf)
//   error   result codes, `Failure`, the thread's last error
//   panic   the panic boundary, `ffi_boundary!` (hence `#[macro_use]`,
//           before every module that uses it)
//   ffi     the casts between C pointers and Rust values
//   client, model, sim, watch   the exported functions of each object
//           (sim only with the `sim` feature)
mod cstr;
mod error;
#[macro_use]
mod panic;
mod ffi;

mod client;
mod model;
mod ops;
#[cfg(feature = "sim")]
mod sim;
mod watch;

pub use client::*;
pub use error::mpd_result;
pub use model::*;
pub use ops::*;
#[cfg(feature = "sim")]
pub use sim::*;
pub use watch::*;

use std::ffi::c_char;

/// The version of this library, e.g. `"0.1.0"` (a static string).
#[no_mangle]
pub extern "C" fn mpd_version() -> *const c_char {
    ffi_boundary! {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}

/// What a result code means: its name, a colon and its description, e.g.
/// `"MPD_NOT_FOUND: the daemon said the map or path does not exist ..."`
/// (the text of the code's comment in this header).
/// A static string, never NULL. A value that is no code gives
/// `"MPD_UNKNOWN_RESULT: ..."`.
#[no_mangle]
pub extern "C" fn mpd_result_str(result: u32) -> *const c_char {
    ffi_boundary! { error::result_str(result).as_ptr() }
}

/// The message of the last failure of any `mpd_` function on the calling
/// thread, whichever object it concerned; `""` if there was none yet. It
/// is the only way to learn why a function failed before there is a
/// client (`mpd_client_connect`, `mpd_sim_start`) or when the client
/// pointer was NULL.
///
/// Ownership: the string belongs to the library and stays valid until the
/// next `mpd_` call on this thread. Never NULL.
#[no_mangle]
pub extern "C" fn mpd_last_error() -> *const c_char {
    ffi_boundary! { error::last_error() }
}
