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
//! The crate also exposes the simulated daemon of `mpd-sim`
//! (`mpd_sim_start`, …) so that C programs can be tested without root or a
//! SAN.
#![warn(missing_docs, rust_2018_idioms, clippy::all)]
// The C names (`mpd_client`, `mpd_result`, `MPD_OK`) are the API.
#![allow(non_camel_case_types)]
// Every exported function takes raw pointers from C and is therefore not
// checked by Rust's type system whatever its signature says; marking them
// all `unsafe` would only move the contract from the header, where C users
// read it, to Rust docs, where they do not. Each pointer is dereferenced in
// one of the helpers of `ffi.rs`, under a SAFETY comment that names the
// header's rule it relies on.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

// Declaration order is the header's order.
#[macro_use]
mod panic;
mod client;
mod error;
mod ffi;
mod model;
mod ops;
mod sim;

pub use client::*;
pub use error::*;
pub use model::*;
pub use ops::*;
pub use sim::*;

use std::ffi::c_char;

/// The version of this library, e.g. `"0.1.0"` (a static string).
#[no_mangle]
pub extern "C" fn mpd_version() -> *const c_char {
    ffi_boundary! {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}
