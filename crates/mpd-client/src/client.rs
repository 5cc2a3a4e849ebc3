//! The blocking client.

use std::time::{Duration, Instant};

use mpd_proto::model::pr::{self, PrKey, PrStatus};
use mpd_proto::model::{maps, paths, status, topology};
use mpd_proto::model::{
    DaemonState, DaemonStatus, Map, MapStats, MapStatus, MapTopology, Path, Topology,
};
use mpd_proto::reply::classify;
use mpd_proto::{Command, DaemonVersion, Reply, MAX_REPLY_LEN};

use crate::address::Address;
use crate::error::{Error, Result};
use crate::transport::{Conn, WireError};

/// The default reply timeout, as libmpathcmd's `DEFAULT_REPLY_TIMEOUT`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(4000);

/// Settings for a [`Client`]; build one with [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    address: Option<Address>,
    timeout: Duration,
    connect_timeout: Duration,
    max_reply_len: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            address: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_TIMEOUT,
            max_reply_len: MAX_REPLY_LEN - 1,
        }
    }
}

impl ClientBuilder {
    /// Connect to this address instead of discovering the daemon.
    pub fn address(mut self, address: impl Into<Address>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// How long to wait for each command's complete reply (default 4 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to wait for the connection (default 4 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Refuse replies longer than this many bytes (default: just under
    /// 32 MiB, as libmpathcmd).
    pub fn max_reply_len(mut self, len: usize) -> Self {
        self.max_reply_len = len.clamp(1, MAX_REPLY_LEN - 1);
        self
    }

    /// Connects. With no address, tries [`Address::discover`]'s list in
    /// order and keeps the first that answers.
    pub fn connect(self) -> Result<Client> {
        let candidates = match &self.address {
            Some(a) => vec![a.clone()],
            None => Address::discover(),
        };
        let mut last = None;
        for addr in candidates {
            match Conn::connect(&addr, self.connect_timeout) {
                Ok(conn) => {
                    return Ok(Client {
                        address: addr,
                        conn: Some(conn),
                        timeout: self.timeout,
                        connect_timeout: self.connect_timeout,
                        max_reply_len: self.max_reply_len,
                        version: None,
                    })
                }
                Err(e) => last = Some((addr, e)),
            }
        }
        let (addr, source) = last.expect("discover() yields at least one address");
        Err(Error::Connect {
            address: addr.to_string(),
            source,
        })
    }
}

/// A connection to multipathd that runs one command at a time.
///
/// The connection is kept and reused. If the daemon closed it while it sat
/// idle, the client reconnects once before sending; it never sends a
/// command twice. After a timeout or a protocol error the connection is
/// dropped and the next command opens a new one.
///
/// ```no_run
/// use mpd_client::Client;
///
/// let mut client = Client::connect()?;
/// for path in client.list_paths()? {
///     println!("{} {:?} {:?}", path.device, path.dm_state, path.checker_state);
/// }
/// client.fail_path("sda")?;
/// # Ok::<(), mpd_client::Error>(())
/// ```
pub struct Client {
    address: Address,
    conn: Option<Conn>,
    timeout: Duration,
    connect_timeout: Duration,
    max_reply_len: usize,
    version: Option<DaemonVersion>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.address)
            .field("connected", &self.conn.is_some())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Client {
    /// Settings: address, timeouts, reply limit.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects to the daemon where the official client would find it:
    /// `MULTIPATH_SOCKET_NAME` if set, else `/run/multipathd.socket` if it
    /// exists, else the abstract `@/org/kernel/linux/storage/multipathd`.
    pub fn connect() -> Result<Client> {
        ClientBuilder::default().connect()
    }

    /// Connects to this address (a path, or `@name` for an abstract socket).
    pub fn connect_to(address: impl Into<Address>) -> Result<Client> {
        ClientBuilder::default().address(address).connect()
    }

    /// The address this client talks to.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The reply timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Changes the reply timeout for the following commands.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Closes the connection now; the next command reconnects.
    pub fn close(&mut self) {
        self.conn = None;
    }

    /// True while a connection is open.
    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// The escape hatch: sends any command and returns the classified reply,
    /// failures included. Only transport problems and invalid arguments are
    /// errors here.
    pub fn send(&mut self, command: &Command) -> Result<Reply> {
        let text = command.text().map_err(Error::InvalidArgument)?;
        let frame = mpd_proto::frame::encode_frame(text.as_bytes());
        let reply = self.round_trip(&text, &frame)?;
        let reply = classify(&reply, command.reply_shape());
        if let Reply::Failure(f) = &reply {
            if let Some(v) = f.version() {
                self.version = Some(v);
            }
        }
        Ok(reply)
    }

    /// Sends any command and returns its text: empty for `ok`, the data
    /// for a query; a failure reply becomes the matching [`Error`].
    pub fn call(&mut self, command: &Command) -> Result<String> {
        match self.send(command)? {
            Reply::Ok => Ok(String::new()),
            Reply::Data(d) => Ok(d),
            Reply::Failure(f) => Err(Error::from_failure(&Self::shown(command), f)),
        }
    }

    fn shown(command: &Command) -> String {
        command.text().unwrap_or_default()
    }

    fn round_trip(&mut self, text: &str, frame: &[u8]) -> Result<String> {
        match &self.conn {
            Some(c) if c.is_stale() => self.conn = None,
            _ => {}
        }
        if self.conn.is_none() {
            let conn = Conn::connect(&self.address, self.connect_timeout).map_err(|source| {
                Error::Connect {
                    address: self.address.to_string(),
                    source,
                }
            })?;
            self.conn = Some(conn);
        }
        let conn = self.conn.as_mut().expect("connected above");
        let deadline = Instant::now() + self.timeout;
        let result = conn
            .send(frame, deadline)
            .and_then(|()| conn.recv(self.max_reply_len, deadline));
        result.map_err(|e| {
            // The stream is out of step after any of these: drop it.
            self.conn = None;
            let command = text.to_owned();
            match e {
                WireError::TimedOut => Error::Timeout {
                    command,
                    after: Some(self.timeout),
                    detail: format!("no complete reply within {:?}", self.timeout),
                },
                WireError::Closed(detail) => Error::ConnectionClosed { command, detail },
                WireError::Frame(f) => Error::Protocol {
                    command,
                    source: f.into(),
                },
                WireError::Io(source) => Error::Io { command, source },
            }
        })
    }

    fn action(&mut self, command: Command) -> Result<()> {
        match self.send(&command)? {
            Reply::Ok => Ok(()),
            Reply::Failure(f) => Err(Error::from_failure(&Self::shown(&command), f)),
            Reply::Data(d) => Err(Error::Protocol {
                command: Self::shown(&command),
                source: mpd_proto::Error::Parse {
                    what: "action reply",
                    reason: format!("expected \"ok\", got {d:?}"),
                },
            }),
        }
    }

    fn query<T>(
        &mut self,
        command: Command,
        parse: impl FnOnce(&str) -> std::result::Result<T, mpd_proto::Error>,
    ) -> Result<T> {
        let text = self.call(&command)?;
        parse(&text).map_err(|source| Error::Protocol {
            command: Self::shown(&command),
            source,
        })
    }

    /// A listing query: an empty listing arrives as `ok` on 0.9+ and as an
    /// empty reply on 0.8; both reach `parse` as an empty text.
    fn list_query<T>(
        &mut self,
        command: Command,
        parse: impl FnOnce(&str) -> std::result::Result<T, mpd_proto::Error>,
    ) -> Result<T> {
        self.query(command, |t| parse(mpd_proto::reply::listing(t)))
    }

    // ----- the contract -----

    /// Lists every path (`show paths raw format …` with [`Path::FORMAT`]).
    pub fn list_paths(&mut self) -> Result<Vec<Path>> {
        let cmd = Command::ShowPathsFormat {
            format: Path::FORMAT.into(),
            raw: true,
        };
        self.list_query(cmd, |t| paths::parse_paths(t, &Path::FIELDS))
    }

    /// Lists every map (`show maps raw format …` with [`Map::FORMAT`]).
    pub fn list_maps(&mut self) -> Result<Vec<Map>> {
        let cmd = Command::ShowMapsFormat {
            format: Map::FORMAT.into(),
            raw: true,
        };
        self.list_query(cmd, |t| maps::parse_maps(t, &Map::FIELDS))
    }

    /// `reconfigure`: re-reads the configuration and updates the maps.
    pub fn reconfigure(&mut self) -> Result<()> {
        self.action(Command::Reconfigure)
    }

    /// `reconfigure all` (0.9+): also reloads maps that did not change.
    /// On 0.8 this is [`Error::UnknownCommand`].
    pub fn reconfigure_all(&mut self) -> Result<()> {
        self.action(Command::ReconfigureAll)
    }

    /// `add path P`: starts using a path.
    pub fn add_path(&mut self, path: &str) -> Result<()> {
        self.action(Command::AddPath(path.into()))
    }

    /// `del path P`: stops using a path.
    pub fn remove_path(&mut self, path: &str) -> Result<()> {
        self.action(Command::DelPath(path.into()))
    }

    /// `add map M`: starts monitoring a map (0.9+ can re-create a removed
    /// map from its WWID; 0.8 only adopts an existing dm map).
    pub fn add_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::AddMap(map.into()))
    }

    /// `del map M`: removes a map.
    pub fn remove_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::DelMap(map.into()))
    }

    /// `suspend map M`.
    pub fn suspend_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::SuspendMap(map.into()))
    }

    /// `resume map M`.
    pub fn resume_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::ResumeMap(map.into()))
    }

    /// `resize map M`: picks up a changed LUN size.
    pub fn resize_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::ResizeMap(map.into()))
    }

    /// `reset map M`: re-applies the map's settings.
    pub fn reset_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::ResetMap(map.into()))
    }

    /// `reload map M`: reloads the map's table.
    pub fn reload_map(&mut self, map: &str) -> Result<()> {
        self.action(Command::ReloadMap(map.into()))
    }

    /// `fail path P`. The daemon answers at once; the path shows `failed`
    /// in the dm table right away.
    pub fn fail_path(&mut self, path: &str) -> Result<()> {
        self.action(Command::FailPath(path.into()))
    }

    /// `reinstate path P`. The daemon answers at once; the states change at
    /// the next checker run, so poll [`Client::list_paths`] to wait.
    pub fn reinstate_path(&mut self, path: &str) -> Result<()> {
        self.action(Command::ReinstatePath(path.into()))
    }

    /// `disablequeueing map M`.
    pub fn disable_map_queuing(&mut self, map: &str) -> Result<()> {
        self.action(Command::DisableQueueingMap(map.into()))
    }

    /// `disablequeueing maps`: on every map.
    pub fn disable_queuing(&mut self) -> Result<()> {
        self.action(Command::DisableQueueingMaps)
    }

    /// `restorequeueing map M`.
    pub fn restore_map_queuing(&mut self, map: &str) -> Result<()> {
        self.action(Command::RestoreQueueingMap(map.into()))
    }

    /// `restorequeueing maps`: on every map.
    pub fn restore_queuing(&mut self) -> Result<()> {
        self.action(Command::RestoreQueueingMaps)
    }

    // ----- beyond the contract -----

    /// Every map with its path groups and paths (`show maps json`).
    pub fn topology(&mut self) -> Result<Topology> {
        self.query(Command::ShowMapsJson, topology::parse_topology_json)
    }

    /// One map with its path groups and paths (`show map M json`).
    pub fn map_topology(&mut self, map: &str) -> Result<MapTopology> {
        self.query(Command::ShowMapJson(map.into()), topology::parse_map_json)
    }

    /// The text tree of `show topology`, parsed (carries H:C:T:L and sizes
    /// that the JSON lacks).
    pub fn topology_text(&mut self) -> Result<Topology> {
        self.list_query(Command::ShowTopology, topology::parse_topology_text)
    }

    /// `show status`: paths per checker state, busy flag.
    pub fn status(&mut self) -> Result<DaemonStatus> {
        self.query(Command::ShowStatus, status::parse_daemon_status)
    }

    /// `show daemon`: pid and state.
    pub fn daemon_state(&mut self) -> Result<DaemonState> {
        self.query(Command::ShowDaemon, status::parse_daemon_state)
    }

    /// `show maps status`.
    pub fn map_status(&mut self) -> Result<Vec<MapStatus>> {
        self.list_query(Command::ShowMapsStatus, status::parse_map_status)
    }

    /// `show maps stats`.
    pub fn map_stats(&mut self) -> Result<Vec<MapStats>> {
        self.list_query(Command::ShowMapsStats, status::parse_map_stats)
    }

    /// `show path P`: the path's kernel device state (e.g. `running`).
    pub fn path_state(&mut self, path: &str) -> Result<String> {
        self.query(Command::ShowPath(path.into()), |t| Ok(t.trim().to_owned()))
    }

    /// `switchgroup map M group G` (groups count from 1).
    pub fn switch_group(&mut self, map: &str, group: u32) -> Result<()> {
        self.action(Command::SwitchGroup {
            map: map.into(),
            group,
        })
    }

    /// `setmarginal path P`.
    pub fn set_marginal(&mut self, path: &str) -> Result<()> {
        self.action(Command::SetMarginal(path.into()))
    }

    /// `unsetmarginal path P`.
    pub fn unset_marginal(&mut self, path: &str) -> Result<()> {
        self.action(Command::UnsetMarginalPath(path.into()))
    }

    /// `unsetmarginal map M`: every path of the map.
    pub fn unset_map_marginal(&mut self, map: &str) -> Result<()> {
        self.action(Command::UnsetMarginalMap(map.into()))
    }

    /// `forcequeueing daemon`: queue on every map even when the daemon stops.
    pub fn force_queuing_daemon(&mut self) -> Result<()> {
        self.action(Command::ForceQueueingDaemon)
    }

    /// `restorequeueing daemon`.
    pub fn restore_queuing_daemon(&mut self) -> Result<()> {
        self.action(Command::RestoreQueueingDaemon)
    }

    /// `reset maps stats`.
    pub fn reset_maps_stats(&mut self) -> Result<()> {
        self.action(Command::ResetMapsStats)
    }

    /// `reset map M stats`.
    pub fn reset_map_stats(&mut self, map: &str) -> Result<()> {
        self.action(Command::ResetMapStats(map.into()))
    }

    /// `getprstatus map M`.
    pub fn pr_status(&mut self, map: &str) -> Result<PrStatus> {
        self.query(Command::GetPrStatus(map.into()), pr::parse_pr_status)
    }

    /// `setprstatus map M`.
    pub fn set_pr_status(&mut self, map: &str) -> Result<()> {
        self.action(Command::SetPrStatus(map.into()))
    }

    /// `unsetprstatus map M`.
    pub fn unset_pr_status(&mut self, map: &str) -> Result<()> {
        self.action(Command::UnsetPrStatus(map.into()))
    }

    /// `getprkey map M`: `None` when no key is set.
    pub fn pr_key(&mut self, map: &str) -> Result<Option<PrKey>> {
        self.query(Command::GetPrKey(map.into()), pr::parse_pr_key)
    }

    /// `setprkey map M key K` (`K` like `0x123abc`, optionally `:aptpl`).
    pub fn set_pr_key(&mut self, map: &str, key: &str) -> Result<()> {
        self.action(Command::SetPrKey {
            map: map.into(),
            key: key.into(),
        })
    }

    /// `unsetprkey map M`.
    pub fn unset_pr_key(&mut self, map: &str) -> Result<()> {
        self.action(Command::UnsetPrKey(map.into()))
    }

    /// `show config`: the daemon's effective configuration, as text.
    pub fn config(&mut self) -> Result<String> {
        self.call(&Command::ShowConfig)
    }

    /// `show config local`: the configuration from the local files only.
    pub fn config_local(&mut self) -> Result<String> {
        self.call(&Command::ShowConfigLocal)
    }

    /// `show wildcards`, as text.
    pub fn wildcards(&mut self) -> Result<String> {
        self.call(&Command::ShowWildcards)
    }

    /// `shutdown`: stops the daemon.
    pub fn shutdown(&mut self) -> Result<()> {
        self.action(Command::Shutdown)
    }

    /// The daemon's multipath-tools version. It is read from the help text
    /// the daemon sends for an incomplete command (`show`), which every
    /// release answers without side effects and to any peer; the answer is
    /// cached.
    pub fn daemon_version(&mut self) -> Result<DaemonVersion> {
        if let Some(v) = self.version {
            return Ok(v);
        }
        let cmd = Command::Raw {
            text: "show".into(),
            shape: mpd_proto::ReplyShape::Data,
        };
        let reply = self.send(&cmd)?;
        let version = match &reply {
            Reply::Failure(f) => f.version(),
            _ => None,
        };
        let version = version.ok_or_else(|| Error::Protocol {
            command: "show".into(),
            source: mpd_proto::Error::Parse {
                what: "help text",
                reason: "the reply to \"show\" names no multipath-tools version".into(),
            },
        })?;
        self.version = Some(version);
        Ok(version)
    }
}
