//! # mpd-proto: the multipathd control-socket protocol, without I/O
//!
//! `multipathd`, the Linux device-mapper multipath daemon, takes commands on a
//! unix socket. This crate turns typed commands into the exact bytes the
//! daemon expects, and the daemon's replies into typed values, for the
//! multipath-tools releases in the field (0.8.5, 0.9.4 and 0.11.1 are
//! verified against recorded replies). It performs no I/O: no sockets, no
//! threads, no clock. The blocking client is `mpd-client`; everything here is
//! a pure function on bytes or text, so it can be tested and fuzzed cheaply.
//!
//! The big assumption: the peer speaks multipathd's framing (a native-endian
//! `size_t` length, then text and a NUL), so this crate is only meaningful on
//! the machine running the daemon.
//!
//! - [`frame`]: length-prefix framing and an incremental [`frame::Decoder`].
//! - [`quote`]: quoting arguments for the daemon's tokenizer, and a model of it.
//! - [`command`]: every command as a [`Command`], rendered and validated.
//! - [`reply`]: classification of replies (ok, fail, permission denied, …).
//! - [`ops`]: every operation (command + reply parser + output type),
//!   declared once in one table; the front ends are generated from it.
//! - [`events`]: what changed between two topology snapshots, as typed
//!   [`Event`]s ([`events::diff`]).
//! - [`health`]: a map's health judged from one topology (healthy,
//!   degraded, all paths down while queueing, …).
//! - [`model`]: the typed values (paths, maps, topology, status) and their
//!   parsers.
//!
//! ```
//! use mpd_proto::{frame, reply, Command, Reply};
//!
//! let mut bytes = Vec::new();
//! Command::ReinstatePath("sda".into()).encode(&mut bytes).unwrap();
//! assert_eq!(&bytes[frame::LEN_PREFIX..], b"reinstate path \"sda\"\0");
//!
//! // 0.11.1 answers an unknown path like this:
//! let r = reply::classify("fail\ndevice not found\n", mpd_proto::ReplyShape::Action);
//! assert!(matches!(r, Reply::Failure(f) if f.kind == reply::FailureKind::DeviceNotFound));
//! ```
#![forbid(unsafe_code)]

pub mod command;
pub mod error;
pub mod events;
pub mod frame;
pub mod health;
pub mod model;
pub mod ops;
pub mod quote;
pub mod reply;

pub use command::{Command, ReplyShape};
pub use error::{Error, FrameError};
pub use events::Event;
pub use frame::{MAX_COMMAND_LEN, MAX_REPLY_LEN};
pub use ops::{Answer, Operation};
pub use reply::{DaemonVersion, Failure, FailureKind, Reply};

/// The crate README's examples, compiled as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
