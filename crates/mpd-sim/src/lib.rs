//! # mpd-sim: a simulated multipathd
//!
//! A stand-in for `multipathd`, the Linux device-mapper multipath daemon,
//! on its unix control socket: same framing, same command language (keyword
//! abbreviation, quoting, comments), same replies byte for byte (padded
//! tables, `raw format` with every wildcard, topology trees, JSON, help
//! texts, error conventions) as the real daemon of the chosen release
//! (0.8.5, 0.9.4 or 0.11.1), over a simulated SAN of `N` maps × `M` paths.
//! For tests, demos and development without root, SAN or device-mapper.
//!
//! Commands change the state as the daemon would: `fail path` fails a path
//! at once and `reinstate path` brings it back at the next path-checker run
//! (every second of simulated time a path whose timer ran out is checked;
//! [`SimBuilder::immediate`] applies reinstatement at once), `del`/`add
//! path` and `map`, `suspend`, `disablequeueing`, `switchgroup`,
//! `setmarginal`, `reconfigure`, the `pr` commands, `shutdown`… Faults can
//! be injected, also while clients are connected ([`Fault`],
//! [`SimHandle::set_fault`]).
//!
//! ```
//! use std::io::{Read, Write};
//! use mpd_sim::{Sim, Version};
//!
//! let sim = Sim::builder().version(Version::V0_9_4).maps(2).paths_per_map(2).start()?;
//! // A private abstract address unless `.socket(…)` was given.
//! assert!(sim.address().starts_with('@'));
//!
//! // Talk to it as any client would: length prefix, text, NUL.
//! let mut s = sim.connect()?;
//! s.write_all(&mpd_proto::frame::encode_frame(b"fail path sda"))?;
//! let mut len = [0u8; 8];
//! s.read_exact(&mut len)?;
//! let mut reply = vec![0u8; usize::from_ne_bytes(len)];
//! s.read_exact(&mut reply)?;
//! assert_eq!(reply, b"ok\n\0");
//!
//! // The state is visible to the test.
//! let state = sim.state();
//! let sda = state.path("sda").unwrap();
//! assert_eq!(sda.checker_state, mpd_sim::PathCheck::Down);
//! assert_eq!(sda.dm_state, Some(mpd_proto::model::PathDmState::Failed));
//!
//! // Or run a command in-process, as root, and get the reply text.
//! assert!(sim.execute("show paths").contains("failed faulty"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The [`State`] holds [`SimMap`]s, [`SimPathGroup`]s and [`SimPath`]s —
//! named apart from the models the client returns
//! (`mpd_proto::model::{Map, PathGroup, Path}`) — whose states are
//! `mpd_proto::model`'s enums (`PathDmState`, `GroupState`, `Queueing`), so
//! the simulator prints every state with the spelling table the parsers
//! read. The checker's internal state is a [`PathCheck`] (the daemon's
//! `PATH_*` values), printed through [`PathCheck::checker_state`].
#![forbid(unsafe_code)]

mod exec;
pub mod fault;
mod parse;
mod render;
mod server;
pub mod state;
pub mod version;

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use fault::Fault;
pub use state::{PathCheck, SimMap, SimPath, SimPathGroup, State};
pub use version::Version;

/// The abstract socket name every multipathd release listens on.
pub const DEFAULT_ABSTRACT_NAME: &str = "/org/kernel/linux/storage/multipathd";

/// Errors starting the simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The socket could not be created (address in use, bad path, …).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// A setting makes no sense (e.g. zero paths per map).
    #[error("invalid simulator setting: {0}")]
    Config(String),
    /// Starting a thread failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Where the simulator listens: a socket file or a Linux abstract name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// A socket file.
    Path(PathBuf),
    /// An abstract name, without the leading NUL (written `@name`).
    Abstract(String),
}

impl Address {
    /// Parses `@name` as an abstract name and anything else as a path.
    pub fn parse(s: &str) -> Address {
        match s.strip_prefix('@') {
            Some(name) => Address::Abstract(name.to_owned()),
            None => Address::Path(PathBuf::from(s)),
        }
    }

    /// The daemon's default address, `@/org/kernel/linux/storage/multipathd`.
    pub fn default_abstract() -> Address {
        Address::Abstract(DEFAULT_ABSTRACT_NAME.to_owned())
    }

    /// A fresh abstract name no other simulator in this or another process
    /// uses (process id, counter and clock).
    pub fn unique_abstract() -> Address {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        Address::Abstract(format!(
            "{DEFAULT_ABSTRACT_NAME}-sim-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Path(p) => write!(f, "{}", p.display()),
            Address::Abstract(n) => write!(f, "@{n}"),
        }
    }
}

impl From<&str> for Address {
    fn from(s: &str) -> Address {
        Address::parse(s)
    }
}

impl From<String> for Address {
    fn from(s: String) -> Address {
        Address::parse(&s)
    }
}

impl From<PathBuf> for Address {
    fn from(p: PathBuf) -> Address {
        Address::Path(p)
    }
}

/// Who counts as root (only root may run commands other than
/// `list`/`show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Privilege {
    /// The peer's uid from `SO_PEERCRED`, as the daemon does (default).
    #[default]
    PeerCred,
    /// Every peer is root (handy when tests run as a normal user).
    Root,
    /// No peer is root (to test permission handling as root).
    NonRoot,
}

/// Entry point: `Sim::builder()…start()`.
#[derive(Debug, Clone, Copy)]
pub struct Sim;

impl Sim {
    /// A builder with the defaults: 0.9.4, 2 maps × 2 paths, a private
    /// abstract address, checker running in real time.
    pub fn builder() -> SimBuilder {
        SimBuilder::default()
    }
}

/// Settings for a simulator; [`SimBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct SimBuilder {
    version: Version,
    maps: usize,
    paths_per_map: usize,
    immediate: bool,
    address: Option<Address>,
    privilege: Privilege,
    reply_delay: Duration,
    fault: Fault,
    checker_tick: Option<Duration>,
    prkeys_file: bool,
    pid: Option<u32>,
    command_log: Option<PathBuf>,
}

impl Default for SimBuilder {
    fn default() -> Self {
        SimBuilder {
            version: Version::default(),
            maps: 2,
            paths_per_map: 2,
            immediate: false,
            address: None,
            privilege: Privilege::PeerCred,
            reply_delay: Duration::ZERO,
            fault: Fault::None,
            checker_tick: Some(Duration::from_secs(1)),
            prkeys_file: false,
            pid: None,
            command_log: None,
        }
    }
}

impl SimBuilder {
    /// The release to imitate (default 0.9.4).
    pub fn version(mut self, v: Version) -> Self {
        self.version = v;
        self
    }

    /// Number of maps (LUNs), default 2.
    pub fn maps(mut self, n: usize) -> Self {
        self.maps = n;
        self
    }

    /// Paths per map (SCSI hosts), default 2.
    pub fn paths_per_map(mut self, n: usize) -> Self {
        self.paths_per_map = n;
        self
    }

    /// Apply checker-driven changes at once: `reinstate path` makes the
    /// path `active ready` immediately, `add path` is `ready` at once, and a
    /// device's health change ([`SimHandle::set_path_health`]) shows
    /// immediately. Default false (the daemon's timing).
    pub fn immediate(mut self, yes: bool) -> Self {
        self.immediate = yes;
        self
    }

    /// Where to listen: a path or `@abstract-name` (see [`Address`]).
    /// Default: a private unique abstract name, so parallel tests never
    /// collide. [`Address::default_abstract`] is the real daemon's address.
    pub fn socket(mut self, address: impl Into<Address>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// Who counts as root (default: the peer's real uid).
    pub fn privilege(mut self, p: Privilege) -> Self {
        self.privilege = p;
        self
    }

    /// Treat every peer as not root (`--force-nonroot`).
    pub fn force_nonroot(self, yes: bool) -> Self {
        self.privilege(if yes {
            Privilege::NonRoot
        } else {
            Privilege::PeerCred
        })
    }

    /// Delay every reply by this much (default none).
    pub fn reply_delay(mut self, d: Duration) -> Self {
        self.reply_delay = d;
        self
    }

    /// Start with this fault (default [`Fault::None`]).
    pub fn fault(mut self, f: Fault) -> Self {
        self.fault = f;
        self
    }

    /// How much real time one second of the daemon's checker loop takes
    /// (default 1 s); `None` stops the background checker, so the checker
    /// only runs through [`SimHandle::advance`] and
    /// [`SimHandle::checker_pass`] — for deterministic tests.
    pub fn checker_tick(mut self, tick: Option<Duration>) -> Self {
        self.checker_tick = tick;
        self
    }

    /// Pretend `reservation_key file` is configured, so `setprkey` keys
    /// stick and `getprkey` shows them. Default false, as in the recorded
    /// set-up (there `setprkey` answers `fail`).
    pub fn prkeys_file(mut self, yes: bool) -> Self {
        self.prkeys_file = yes;
        self
    }

    /// The pid `show daemon` reports (default: this process's).
    pub fn pid(mut self, pid: u32) -> Self {
        self.pid = Some(pid);
        self
    }

    /// Appends every command received to this file, one line each (the
    /// text as a Rust string literal), before handling it: the daemon-side
    /// record the fault campaign counts (no action received twice).
    pub fn command_log(mut self, path: impl Into<PathBuf>) -> Self {
        self.command_log = Some(path.into());
        self
    }

    /// The initial state these settings give, without starting anything.
    pub fn initial_state(&self) -> State {
        State::new(self.maps, self.paths_per_map)
    }

    fn check(&self) -> Result<(), Error> {
        if self.paths_per_map == 0 && self.maps > 0 {
            return Err(Error::Config("paths per map must be at least 1".into()));
        }
        if self.maps.saturating_mul(self.paths_per_map) > 100_000 {
            return Err(Error::Config("at most 100000 paths".into()));
        }
        if self.checker_tick == Some(Duration::ZERO) {
            return Err(Error::Config("checker tick must not be zero".into()));
        }
        Ok(())
    }

    /// Binds the socket and starts serving. The simulator runs until
    /// [`SimHandle::stop`], the handle is dropped, or a client sends
    /// `shutdown`.
    pub fn start(self) -> Result<SimHandle, Error> {
        self.check()?;
        let address = self
            .address
            .clone()
            .unwrap_or_else(Address::unique_abstract);
        let controls = server::Controls {
            fault: self.fault,
            delay: self.reply_delay,
            privilege: self.privilege,
            immediate: self.immediate,
            prkeys_file: self.prkeys_file,
        };
        let runtime = server::Runtime::start(
            self.version,
            self.initial_state(),
            controls,
            address,
            self.checker_tick,
            self.pid.unwrap_or_else(std::process::id),
            match &self.command_log {
                Some(p) => Some(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(p)?,
                ),
                None => None,
            },
        )?;
        Ok(SimHandle { runtime })
    }
}

/// A running simulator. Dropping it stops it (and removes a socket file).
pub struct SimHandle {
    runtime: server::Runtime,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("address", &self.runtime.shared.address)
            .field("version", &self.runtime.shared.version)
            .finish_non_exhaustive()
    }
}

/// Stops a simulator from another thread (e.g. a signal handler thread).
#[derive(Clone)]
pub struct Stopper(Arc<server::Shared>);

impl Stopper {
    /// Stops the simulator (idempotent).
    pub fn stop(&self) {
        self.0.request_stop();
    }
}

impl fmt::Debug for Stopper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stopper")
    }
}

impl SimHandle {
    fn shared(&self) -> &server::Shared {
        &self.runtime.shared
    }

    /// The address to connect to: a path, or `@name` for an abstract name.
    pub fn address(&self) -> String {
        self.shared().address.to_string()
    }

    /// The address as a value.
    pub fn socket_address(&self) -> &Address {
        &self.shared().address
    }

    /// The release being imitated.
    pub fn version(&self) -> Version {
        self.shared().version
    }

    /// Opens a client connection to the simulator.
    pub fn connect(&self) -> std::io::Result<std::os::unix::net::UnixStream> {
        server::connect(&self.shared().address)
    }

    /// A snapshot of the state (maps, groups, paths and their states).
    pub fn state(&self) -> State {
        self.shared().state().clone()
    }

    /// Changes the state directly (e.g. to set up an unusual topology).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.shared().state())
    }

    /// Runs a command as a root client would, without a socket, and
    /// returns the reply text (without the trailing NUL). Faults and delays
    /// do not apply.
    pub fn execute(&self, command: &str) -> String {
        let c = self.shared().controls();
        let ctx = exec::Context {
            version: self.shared().version,
            is_root: true,
            immediate: c.immediate,
            pid: self.shared().pid,
            prkeys_file: c.prkeys_file,
        };
        let out = exec::execute(&mut self.shared().state(), &ctx, command);
        if out.after == exec::After::Shutdown {
            self.shared().request_stop();
        }
        out.reply
    }

    /// Sets the fault for all commands from now on (also on open
    /// connections).
    pub fn set_fault(&self, fault: Fault) {
        self.shared().update_controls(|c| c.fault = fault);
    }

    /// The current fault.
    pub fn fault(&self) -> Fault {
        self.shared().controls().fault
    }

    /// Delays every reply from now on.
    pub fn set_reply_delay(&self, d: Duration) {
        self.shared().update_controls(|c| c.delay = d);
    }

    /// Changes who counts as root, for commands from now on.
    pub fn set_privilege(&self, p: Privilege) {
        self.shared().update_controls(|c| c.privilege = p);
    }

    /// Switches immediate mode (see [`SimBuilder::immediate`]).
    pub fn set_immediate(&self, yes: bool) {
        self.shared().update_controls(|c| c.immediate = yes);
    }

    /// Makes the disk behind a path stop (`false`) or resume (`true`)
    /// answering I/O: the checker marks the path `failed faulty` (or
    /// reinstates it) at its next check — at once in immediate mode.
    /// Returns false if there is no such disk.
    pub fn set_path_health(&self, dev: &str, healthy: bool) -> bool {
        let immediate = self.shared().controls().immediate;
        self.shared()
            .state()
            .set_disk_health(dev, healthy, immediate)
    }

    /// Marks a map as open — mounted, or held by another device — (`true`)
    /// or closed again (`false`). While it is open, `del map` and `del
    /// maps` leave it in place and answer as the release does for a busy
    /// map: `fail\nmap or partition in use\n` on 0.11.1, `fail\n` on
    /// 0.8.5 and 0.9.4 (`del maps` still flushes the other maps). `map` is
    /// the map's name (alias). Returns false if the daemon monitors no
    /// such map.
    pub fn set_map_in_use(&self, map: &str, in_use: bool) -> bool {
        self.shared().state().set_map_in_use(map, in_use)
    }

    /// Runs the path checker on every path now.
    pub fn checker_pass(&self) {
        self.shared().state().checker_pass();
    }

    /// Advances the checker loop by `seconds` daemon seconds.
    pub fn advance(&self, seconds: u32) {
        let mut st = self.shared().state();
        for _ in 0..seconds {
            st.checker_second();
        }
    }

    /// Connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.shared().accepted.load(Ordering::SeqCst)
    }

    /// Commands received so far (complete frames, whatever became of
    /// them).
    pub fn commands_received(&self) -> u64 {
        self.shared().commands.load(Ordering::SeqCst)
    }

    /// False once stopped (by [`SimHandle::stop`], a [`Stopper`] or a
    /// `shutdown` command).
    pub fn is_running(&self) -> bool {
        !self.shared().is_stopping()
    }

    /// Blocks until the simulator is told to stop (a `shutdown` command or
    /// a [`Stopper`]).
    pub fn wait(&self) {
        self.shared().wait_stopped();
    }

    /// A handle that can stop the simulator from elsewhere.
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.runtime.shared))
    }

    /// Stops serving, closes all connections, waits for the threads, and
    /// removes a socket file.
    pub fn stop(mut self) {
        self.runtime.stop();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.runtime.stop();
    }
}

/// Renders the reply the given release would send for `command` on `state`
/// as root, without any I/O (the state is changed as the command would).
pub fn respond(version: Version, state: &mut State, command: &str) -> String {
    let ctx = exec::Context {
        version,
        is_root: true,
        immediate: false,
        pid: std::process::id(),
        prkeys_file: false,
    };
    exec::execute(state, &ctx, command).reply
}
