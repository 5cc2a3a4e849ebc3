//! The blocking client.

use std::time::Duration;

use mpd_proto::{Command, DaemonVersion, Operation, Reply, MAX_REPLY_LEN};

use crate::address::Address;
use crate::error::Result;
use crate::exchange::{self, Prepared, Retrier};
use crate::transport::Conn;
use crate::trust::{check_peer, PeerTrust};

/// The default reply timeout, as libmpathcmd's `DEFAULT_REPLY_TIMEOUT`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(4000);

/// When a [`Client`] sends a command again by itself.
///
/// Only where it is safe ([`ErrorKind::is_retry_safe`](crate::ErrorKind::is_retry_safe)): a read-only
/// command (`show …`) that failed transiently (no daemon listening, a
/// broken connection, the client's timeout, the daemon busy: its `timeout`
/// reply). Actions are never sent again by the client, whatever the
/// failure. The default is [`RetryPolicy::NEVER`].
///
/// ```no_run
/// use std::time::Duration;
/// use mpd_client::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .retry(RetryPolicy::attempts(5).backoff(Duration::from_millis(100)))
///     .connect()?;
/// # Ok::<(), mpd_client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; 1 never retries.
    pub attempts: u32,
    /// The pause before the first retry; doubled after each one.
    pub backoff: Duration,
    /// The longest pause.
    pub max_backoff: Duration,
    /// No retry starts later than this after the first attempt.
    pub deadline: Option<Duration>,
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub const NEVER: RetryPolicy = RetryPolicy {
        attempts: 1,
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_secs(1),
        deadline: None,
    };

    /// Up to `n` attempts in all (at least 1), 50 ms doubling to 1 s
    /// between them.
    pub const fn attempts(n: u32) -> RetryPolicy {
        RetryPolicy {
            attempts: if n == 0 { 1 } else { n },
            ..RetryPolicy::NEVER
        }
    }

    /// With this first pause.
    pub const fn backoff(self, backoff: Duration) -> RetryPolicy {
        RetryPolicy { backoff, ..self }
    }

    /// With this longest pause.
    pub const fn max_backoff(self, max_backoff: Duration) -> RetryPolicy {
        RetryPolicy {
            max_backoff,
            ..self
        }
    }

    /// Starting no retry later than `deadline` after the first attempt.
    pub const fn deadline(self, deadline: Duration) -> RetryPolicy {
        RetryPolicy {
            deadline: Some(deadline),
            ..self
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::NEVER
    }
}

/// Settings for a [`Client`]; build one with [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) address: Option<Address>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_reply_len: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) trust: PeerTrust,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            address: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_TIMEOUT,
            max_reply_len: MAX_REPLY_LEN - 1,
            retry: RetryPolicy::NEVER,
            trust: PeerTrust::RootOrSelf,
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

    /// When to send a command again by itself (default: never).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Which peer to believe (default [`PeerTrust::RootOrSelf`]: a daemon
    /// running as root, or as this process's own effective uid). The
    /// peer's credentials are checked on every new connection, before
    /// anything is sent; a refused peer is [`Error::UntrustedPeer`](crate::Error::UntrustedPeer).
    /// [`PeerTrust::Any`] turns the check off (simulators run by another
    /// user).
    pub fn trust(mut self, trust: PeerTrust) -> Self {
        self.trust = trust;
        self
    }

    /// Connects. With no address, tries [`Address::discover`]'s list in
    /// order and keeps the first that answers.
    pub fn connect(self) -> Result<Client> {
        let mut last = None;
        for addr in exchange::candidates(self.address.as_ref()) {
            match Conn::connect(&addr, self.connect_timeout) {
                Ok(conn) => {
                    // A peer that holds the address but is not trusted
                    // ends the search: it is reported, never skipped.
                    check_peer(conn.socket(), self.trust, &addr.to_string())?;
                    return Ok(Client {
                        address: addr,
                        conn: Some(conn),
                        timeout: self.timeout,
                        connect_timeout: self.connect_timeout,
                        max_reply_len: self.max_reply_len,
                        version: None,
                        frame: Vec::new(),
                        retry: self.retry,
                        retries: 0,
                        commands_sent: 0,
                        trust: self.trust,
                    });
                }
                Err(e) => last = Some((addr, e)),
            }
        }
        let (addr, source) = last.expect("discover() yields at least one address");
        Err(exchange::connect_error(&addr, source))
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
    /// The last command's frame: its allocation is reused.
    frame: Vec<u8>,
    retry: RetryPolicy,
    retries: u64,
    commands_sent: u64,
    trust: PeerTrust,
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

    /// Which peer this client believes (checked on every new connection).
    pub fn trust(&self) -> PeerTrust {
        self.trust
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Changes the retry policy for the following commands.
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// How many commands this client has sent (each attempt counts; a
    /// command refused before sending does not).
    pub fn commands_sent(&self) -> u64 {
        self.commands_sent
    }

    /// How many times this client has sent a command again under its
    /// retry policy.
    pub fn retries(&self) -> u64 {
        self.retries
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
    ///
    /// The [`RetryPolicy`] applies here: a read-only command that failed
    /// transiently (the daemon's `timeout` included) is sent again after a
    /// pause while attempts are left; an action never is.
    pub fn send(&mut self, command: &Command) -> Result<Reply> {
        let prepared = Prepared::new(command)?;
        let mut retrier = Retrier::new(self.retry, prepared.read_only);
        loop {
            let outcome = self.send_once(command, &prepared);
            match retrier.again(&outcome) {
                None => return outcome,
                Some(pause) => std::thread::sleep(pause),
            }
            self.retries += 1;
        }
    }

    /// One attempt of [`Client::send`].
    fn send_once(&mut self, command: &Command, prepared: &Prepared) -> Result<Reply> {
        self.commands_sent += 1;
        let mut frame = std::mem::take(&mut self.frame);
        prepared.frame_into(&mut frame);
        let reply = self.round_trip(&prepared.text, &frame);
        self.frame = frame;
        let (reply, version) = exchange::classify_reply(command, &reply?);
        if version.is_some() {
            self.version = version;
        }
        Ok(reply)
    }

    /// Sends any command and returns its text: empty for `ok`, the data
    /// for a query; a failure reply becomes the matching [`Error`](crate::Error).
    pub fn call(&mut self, command: &Command) -> Result<String> {
        let reply = self.send(command)?;
        exchange::reply_text(command, reply)
    }

    fn round_trip(&mut self, text: &str, frame: &[u8]) -> Result<String> {
        match &self.conn {
            Some(c) if c.is_stale() => self.conn = None,
            _ => {}
        }
        if self.conn.is_none() {
            let conn = Conn::connect(&self.address, self.connect_timeout)
                .map_err(|source| exchange::connect_error(&self.address, source))?;
            check_peer(conn.socket(), self.trust, &self.address.to_string())?;
            self.conn = Some(conn);
        }
        let conn = self.conn.as_mut().expect("connected above");
        let deadline = exchange::reply_deadline(self.timeout);
        let result = conn
            .send(frame, deadline)
            .and_then(|()| conn.recv(self.max_reply_len, deadline));
        result.map_err(|e| {
            // The stream is out of step after any of these: drop it.
            self.conn = None;
            exchange::wire_error(e, text, self.timeout)
        })
    }

    /// Runs one operation of [`mpd_proto::ops`]: sends its command and
    /// parses the reply into its typed output. Every named method (e.g.
    /// [`Client::resize_map`]) is this call with its operation.
    ///
    /// A failure reply becomes the matching [`Error`](crate::Error); a reply that does
    /// not parse is [`Error::Protocol`](crate::Error::Protocol).
    ///
    /// ```no_run
    /// use mpd_client::mpd_proto::ops;
    ///
    /// let mut client = mpd_client::Client::connect()?;
    /// let maps = client.execute(&ops::ListMaps {})?;
    /// client.execute(&ops::ResizeMap { map: maps[0].name.clone() })?;
    /// # Ok::<(), mpd_client::Error>(())
    /// ```
    pub fn execute<O: Operation>(&mut self, op: &O) -> Result<O::Output> {
        let command = op.command();
        let reply = self.send(&command)?;
        let version = if exchange::needs_version(&command, &reply) {
            self.daemon_version().ok()
        } else {
            None
        };
        exchange::parse_output(op, &command, &reply, version)
    }

    /// The daemon's multipath-tools version. It is read from the help text
    /// the daemon sends for an incomplete command (`show`), which every
    /// release answers without side effects and to any peer; the answer is
    /// cached.
    pub fn daemon_version(&mut self) -> Result<DaemonVersion> {
        if let Some(v) = self.version {
            return Ok(v);
        }
        let reply = self.send(&exchange::version_query())?;
        let version = exchange::version_from_reply(&reply)?;
        self.version = Some(version);
        Ok(version)
    }
}
