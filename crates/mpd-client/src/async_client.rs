//! The async client, on tokio (feature `tokio`): see [`AsyncClient`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use mpd_proto::{Command, DaemonVersion, Operation, Reply};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::address::Address;
use crate::async_conn::AsyncConn;
use crate::client::{ClientBuilder, RetryPolicy};
use crate::error::Result;
use crate::exchange::{self, Prepared, Retrier};
use crate::jobs::{self, Job, Step};
use crate::trust::{check_peer, PeerTrust};
#[cfg(doc)]
use crate::Client;
use crate::{Health, Map, MapHealth, Path, PathWant, Removal, RemoveOptions, WaitOptions};
use mpd_proto::health;

/// One connection of the pool and its reusable frame buffer.
#[derive(Default)]
struct Slot {
    conn: Option<AsyncConn>,
    frame: Vec<u8>,
}

/// What may change after connecting.
#[derive(Debug, Clone, Copy)]
struct Settings {
    timeout: Duration,
    retry: RetryPolicy,
}

struct Inner {
    address: Address,
    trust: PeerTrust,
    connect_timeout: Duration,
    max_reply_len: usize,
    size: usize,
    settings: Mutex<Settings>,
    permits: Semaphore,
    idle: Mutex<Vec<Slot>>,
    version: Mutex<Option<DaemonVersion>>,
    commands_sent: AtomicU64,
    retries: AtomicU64,
    abandoned: AtomicU64,
}

/// An async connection (or pool of connections) to multipathd.
///
/// [`AsyncClient`] has every operation of the blocking [`Client`] under the
/// same name, as an `async fn` (generated from the same operation table),
/// with the same discovery, deadlines, reply limit, reconnect-once rule,
/// retry policy and errors: all of that lives in functions both clients
/// call; only the waiting differs.
///
/// # Sharing and concurrency
///
/// The protocol runs one command at a time per connection. An
/// [`AsyncClient`] is a cheap handle (`Clone`, `Send`, `Sync`; every method
/// takes `&self`) over a small pool of connections: one by default
/// ([`ClientBuilder::connect_async`]), so commands from many tasks are
/// queued and sent one after the other; `n` with
/// [`ClientBuilder::connect_pool`], so up to `n` commands are in flight at
/// once. The extra connections open when first needed.
///
/// # Cancellation
///
/// Dropping a command's future (a `select!`, a `timeout`, an aborted
/// task) is safe at any point. Before its command was sent, nothing
/// happened. Once it was sent and before its whole reply was read, the
/// future owns its connection, and dropping it closes that connection
/// instead of leaving half a reply for the next command, which opens a new
/// one. (The daemon may still run a command that was sent: an action
/// cancelled mid-reply may have taken effect.)
///
/// ```no_run
/// # async fn demo() -> mpd_client::Result<()> {
/// use mpd_client::{AsyncClient, Client};
///
/// let client = AsyncClient::connect().await?;
/// for path in client.list_paths().await? {
///     println!("{} {:?}", path.device, path.checker_state);
/// }
/// // Eight connections for many concurrent tasks.
/// let pool = Client::builder().connect_pool(8).await?;
/// let (maps, status) = tokio::join!(pool.list_maps(), pool.status());
/// # let _ = (maps?, status?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncClient")
            .field("address", &self.inner.address)
            .field("connections", &self.inner.size)
            .field("timeout", &self.timeout())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks; a poisoned one is usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ClientBuilder {
    /// Connects an [`AsyncClient`] with one connection (commands from
    /// concurrent tasks take turns). With no address, tries
    /// [`Address::discover`]'s list in order and keeps the first that
    /// answers, as [`ClientBuilder::connect`].
    pub async fn connect_async(self) -> Result<AsyncClient> {
        self.connect_pool(1).await
    }

    /// Connects an [`AsyncClient`] that keeps up to `connections`
    /// connections (at least 1), so that as many commands can be in flight
    /// at once. The first connection is opened now, the others when first
    /// needed.
    pub async fn connect_pool(self, connections: usize) -> Result<AsyncClient> {
        let size = connections.max(1);
        let mut last = None;
        for addr in exchange::candidates(self.address.as_ref()) {
            match AsyncConn::connect(&addr, self.connect_timeout).await {
                Ok(conn) => {
                    // A peer that holds the address but is not trusted
                    // ends the search, as for the blocking client.
                    check_peer(conn.socket(), self.trust, &addr.to_string())?;
                    let mut idle: Vec<Slot> = (1..size).map(|_| Slot::default()).collect();
                    idle.push(Slot {
                        conn: Some(conn),
                        frame: Vec::new(),
                    });
                    return Ok(AsyncClient {
                        inner: Arc::new(Inner {
                            address: addr,
                            trust: self.trust,
                            connect_timeout: self.connect_timeout,
                            max_reply_len: self.max_reply_len,
                            size,
                            settings: Mutex::new(Settings {
                                timeout: self.timeout,
                                retry: self.retry,
                            }),
                            permits: Semaphore::new(size),
                            idle: Mutex::new(idle),
                            version: Mutex::new(None),
                            commands_sent: AtomicU64::new(0),
                            retries: AtomicU64::new(0),
                            abandoned: AtomicU64::new(0),
                        }),
                    });
                }
                Err(e) => last = Some((addr, e)),
            }
        }
        let (addr, source) = last.expect("discover() yields at least one address");
        Err(exchange::connect_error(&addr, source))
    }
}

/// A connection taken from the pool for one command. Dropped with a
/// command in flight (its future cancelled), it closes the connection.
struct Lease<'a> {
    inner: &'a Inner,
    slot: Slot,
    in_flight: bool,
    _permit: SemaphorePermit<'a>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut slot = std::mem::take(&mut self.slot);
        if self.in_flight {
            // Half a reply may be on its way: nobody else may read it.
            slot.conn = None;
            self.inner.abandoned.fetch_add(1, Ordering::Relaxed);
        }
        lock(&self.inner.idle).push(slot);
    }
}

impl AsyncClient {
    /// Settings: address, timeouts, reply limit, retry policy; then
    /// [`ClientBuilder::connect_async`] or [`ClientBuilder::connect_pool`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects to the daemon where the official client would find it, as
    /// [`Client::connect`].
    pub async fn connect() -> Result<AsyncClient> {
        ClientBuilder::default().connect_async().await
    }

    /// Connects to this address (a path, or `@name` for an abstract socket).
    pub async fn connect_to(address: impl Into<Address>) -> Result<AsyncClient> {
        ClientBuilder::default()
            .address(address)
            .connect_async()
            .await
    }

    /// The address this client talks to.
    pub fn address(&self) -> &Address {
        &self.inner.address
    }

    /// How many connections it may keep (commands in flight at once).
    pub fn connections(&self) -> usize {
        self.inner.size
    }

    /// The reply timeout.
    pub fn timeout(&self) -> Duration {
        lock(&self.inner.settings).timeout
    }

    /// Changes the reply timeout for the following commands (of every
    /// handle of this client).
    pub fn set_timeout(&self, timeout: Duration) {
        lock(&self.inner.settings).timeout = timeout;
    }

    /// Which peer this client believes (checked on every new connection,
    /// before anything is sent), as [`Client::trust`].
    pub fn trust(&self) -> PeerTrust {
        self.inner.trust
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        lock(&self.inner.settings).retry
    }

    /// Changes the retry policy for the following commands.
    pub fn set_retry_policy(&self, policy: RetryPolicy) {
        lock(&self.inner.settings).retry = policy;
    }

    /// How many commands this client has sent (each attempt counts; a
    /// command refused before sending does not).
    pub fn commands_sent(&self) -> u64 {
        self.inner.commands_sent.load(Ordering::Relaxed)
    }

    /// How many times this client has sent a command again under its
    /// retry policy.
    pub fn retries(&self) -> u64 {
        self.inner.retries.load(Ordering::Relaxed)
    }

    /// How many connections were closed because a command's future was
    /// dropped between sending and the end of its reply.
    pub fn connections_abandoned(&self) -> u64 {
        self.inner.abandoned.load(Ordering::Relaxed)
    }

    /// Closes the idle connections now; the next command reconnects.
    pub fn close(&self) {
        for slot in lock(&self.inner.idle).iter_mut() {
            slot.conn = None;
        }
    }

    /// True while a connection is open and idle.
    pub fn is_connected(&self) -> bool {
        lock(&self.inner.idle).iter().any(|s| s.conn.is_some())
    }

    /// Takes a connection slot, waiting while all are busy; the most
    /// recently used (connected) one first.
    async fn lease(&self) -> Lease<'_> {
        let permit = self
            .inner
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let mut idle = lock(&self.inner.idle);
        let at = idle
            .iter()
            .rposition(|s| s.conn.is_some())
            .unwrap_or(idle.len() - 1);
        let slot = idle.swap_remove(at);
        drop(idle);
        Lease {
            inner: &self.inner,
            slot,
            in_flight: false,
            _permit: permit,
        }
    }

    /// The escape hatch: sends any command and returns the classified
    /// reply, failures included, as [`Client::send`] (the same
    /// [`RetryPolicy`] rules).
    pub async fn send(&self, command: &Command) -> Result<Reply> {
        let policy = self.retry_policy();
        self.send_with(command, policy).await
    }

    /// [`AsyncClient::send`] with this retry policy instead of the
    /// client's.
    pub(crate) async fn send_with(&self, command: &Command, policy: RetryPolicy) -> Result<Reply> {
        let prepared = Prepared::new(command)?;
        let mut retrier = Retrier::new(policy, prepared.read_only);
        loop {
            let outcome = self.send_once(command, &prepared).await;
            match retrier.again(&outcome) {
                None => return outcome,
                Some(pause) => tokio::time::sleep(pause).await,
            }
            self.inner.retries.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One attempt of [`AsyncClient::send`].
    async fn send_once(&self, command: &Command, prepared: &Prepared) -> Result<Reply> {
        let mut lease = self.lease().await;
        let inner = &*self.inner;
        inner.commands_sent.fetch_add(1, Ordering::Relaxed);
        let slot = &mut lease.slot;
        if slot.conn.as_ref().is_some_and(AsyncConn::is_stale) {
            slot.conn = None;
        }
        if slot.conn.is_none() {
            let conn = AsyncConn::connect(&inner.address, inner.connect_timeout)
                .await
                .map_err(|source| exchange::connect_error(&inner.address, source))?;
            check_peer(conn.socket(), inner.trust, &inner.address.to_string())?;
            slot.conn = Some(conn);
        }
        prepared.frame_into(&mut slot.frame);
        let timeout = self.timeout();
        let deadline = exchange::reply_deadline(timeout);
        lease.in_flight = true;
        let slot = &mut lease.slot;
        let conn = slot.conn.as_mut().expect("connected above");
        let result = conn
            .round_trip(&slot.frame, inner.max_reply_len, deadline)
            .await;
        lease.in_flight = false;
        let text = result.map_err(|e| {
            // The stream is out of step after any of these: drop it.
            lease.slot.conn = None;
            exchange::wire_error(e, &prepared.text, timeout)
        })?;
        drop(lease);
        let (reply, version) = exchange::classify_reply(command, &text);
        if version.is_some() {
            *lock(&inner.version) = version;
        }
        Ok(reply)
    }

    /// Sends any command and returns its text, as [`Client::call`].
    pub async fn call(&self, command: &Command) -> Result<String> {
        let reply = self.send(command).await?;
        exchange::reply_text(command, reply)
    }

    /// Runs one operation of [`mpd_proto::ops`], as [`Client::execute`].
    /// Every named method (e.g. [`AsyncClient::resize_map`]) is this call
    /// with its operation.
    pub async fn execute<O: Operation>(&self, op: &O) -> Result<O::Output> {
        self.execute_with(op, self.retry_policy()).await
    }

    /// [`AsyncClient::execute`] with this retry policy instead of the
    /// client's.
    pub(crate) async fn execute_with<O: Operation>(
        &self,
        op: &O,
        policy: RetryPolicy,
    ) -> Result<O::Output> {
        let command = op.command();
        let reply = self.send_with(&command, policy).await?;
        let version = if exchange::needs_version(&command, &reply) {
            self.daemon_version().await.ok()
        } else {
            None
        };
        exchange::parse_output(op, &command, &reply, version)
    }

    /// The daemon's multipath-tools version, as
    /// [`Client::daemon_version`] (cached).
    pub async fn daemon_version(&self) -> Result<DaemonVersion> {
        if let Some(v) = *lock(&self.inner.version) {
            return Ok(v);
        }
        let reply = self.send(&exchange::version_query()).await?;
        let version = exchange::version_from_reply(&reply)?;
        *lock(&self.inner.version) = Some(version);
        Ok(version)
    }
}

/// The jobs (waits, safe removal): the same state machines as the blocking
/// client's, driven with `.await`.
impl AsyncClient {
    /// Runs a job to its end.
    async fn drive<J: Job>(&self, mut job: J) -> Result<J::Output> {
        let mut input = None;
        loop {
            match job.step(input.take()) {
                Step::Send(cmd) => input = Some(self.send(&cmd).await),
                Step::Sleep(pause) => tokio::time::sleep(pause).await,
                Step::Done(result) => return result,
            }
        }
    }

    /// As [`Client::wait_for_map`].
    pub async fn wait_for_map(
        &self,
        map: &str,
        min_active: u32,
        opts: &WaitOptions,
    ) -> Result<Map> {
        self.drive(jobs::wait_for_map(map, min_active, opts)?).await
    }

    /// As [`Client::wait_map_gone`].
    pub async fn wait_map_gone(&self, map: &str, opts: &WaitOptions) -> Result<()> {
        self.drive(jobs::wait_map_gone(map, opts)?).await
    }

    /// As [`Client::wait_for_path`].
    pub async fn wait_for_path(
        &self,
        path: &str,
        want: &PathWant,
        opts: &WaitOptions,
    ) -> Result<Path> {
        self.drive(jobs::wait_for_path(path, want, opts)?).await
    }

    /// As [`Client::wait_paths_gone`].
    pub async fn wait_paths_gone(&self, paths: &[&str], opts: &WaitOptions) -> Result<()> {
        self.drive(jobs::wait_paths_gone(paths, opts)?).await
    }

    /// As [`Client::wait_settled`].
    pub async fn wait_settled(&self, quiet: Duration, opts: &WaitOptions) -> Result<()> {
        self.drive(jobs::wait_settled(quiet, opts)).await
    }

    /// As [`Client::health`].
    pub async fn health(&self) -> Result<Health> {
        Ok(health::health(&self.topology().await?))
    }

    /// As [`Client::map_health`].
    pub async fn map_health(&self, map: &str) -> Result<MapHealth> {
        Ok(health::map_health(&self.map_topology(map).await?))
    }

    /// As [`Client::remove_map_safely`].
    pub async fn remove_map_safely(&self, map: &str, opts: &RemoveOptions) -> Result<Removal> {
        self.drive(jobs::RemoveMap::new(map, opts)?).await
    }
}
