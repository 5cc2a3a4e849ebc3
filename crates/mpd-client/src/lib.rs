//! # mpd-client: a blocking client for multipathd
//!
//! Talks to the Linux device-mapper multipath daemon over its control
//! socket, the way `multipathd show …` does, but with typed results and
//! errors and one connection for many commands. The protocol itself (framing,
//! quoting, reply parsing) lives in [`mpd_proto`]; this crate owns the socket.
//!
//! ```no_run
//! use mpd_client::{Client, Error};
//!
//! let mut client = Client::connect()?;          // finds the daemon like the official client
//! let topo = client.topology()?;                 // maps, path groups, paths
//! for (map, path) in topo.paths() {
//!     println!("{} {} {:?}", map.name, path.device, path.checker_state);
//! }
//! match client.fail_path("sdx") {
//!     Err(Error::CommandFailed { .. }) => println!("no such path"),
//!     Err(Error::PermissionDenied { .. }) => println!("run me as root"),
//!     other => other?,
//! }
//! # Ok::<(), mpd_client::Error>(())
//! ```
//!
//! Every method validates its arguments before anything is sent: names are
//! quoted for the daemon's tokenizer, and a name with a control character or
//! a command over 512 bytes is an [`Error::InvalidArgument`].
#![forbid(unsafe_code)]

mod address;
#[cfg(feature = "tokio")]
mod async_client;
#[cfg(feature = "tokio")]
mod async_conn;
#[cfg(feature = "tokio")]
mod async_ops;
mod client;
mod error;
mod exchange;
pub(crate) mod jobs;
mod ops;
mod transport;
pub mod trust;
pub mod watch;

pub use address::{Address, DEFAULT_ABSTRACT_NAME, DEFAULT_SOCKET_PATH, SOCKET_ENV};
#[cfg(feature = "tokio")]
pub use async_client::AsyncClient;
pub use client::{Client, ClientBuilder, RetryPolicy, DEFAULT_TIMEOUT};
pub use error::{Error, ErrorKind, PerKind, Result};
pub use jobs::{LastSeen, PathWant, Removal, RemoveOptions, WaitOptions};
pub use mpd_proto;
pub use mpd_proto::health::{DownPath, Health, HealthState, MapHealth};
pub use mpd_proto::model::pr::{PrKey, PrStatus};
pub use mpd_proto::model::{
    CheckerState, DaemonState, DaemonStatus, DevState, GroupState, Map, MapDmState, MapStats,
    MapStatus, MapTopology, MarginalState, Path, PathDmState, PathGroup, Queueing, Topology,
    TopologyPath,
};
pub use mpd_proto::{Command, DaemonVersion, Event, Reply};
pub use trust::PeerTrust;
#[cfg(feature = "tokio")]
pub use watch::{AsyncWatch, WatchStream};
pub use watch::{Watch, WatchOptions};

/// The crate README's examples (crates/mpd-client/README.md), compiled as
/// doc tests. (The project README's are compiled by mpd-codegen's doc
/// tests: this crate's package for crates.io holds only its own files.)
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct CrateReadmeDoctests;
