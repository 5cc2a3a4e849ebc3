//! A stream of typed events from successive snapshots of the daemon.
//!
//! multipathd cannot push changes to a client, so a [`Watch`] polls it: once
//! per [`WatchOptions::interval`] it sends **one** command, `show maps
//! json` ([`Client::topology`]), and queues the [`Event`]s that
//! [`mpd_proto::events::diff`] finds between that snapshot and the one
//! before. The first snapshot is the baseline and yields no events.
//! [`Watch::next_event`] is the step function: it returns the next queued
//! event, polling when a poll is due, or `Ok(None)` when nothing came
//! within its timeout. `Watch` is also an [`Iterator`] that blocks until the
//! next event.
//!
//! ```no_run
//! use std::time::Duration;
//! use mpd_client::watch::{Watch, WatchOptions};
//! use mpd_client::{Client, Event};
//!
//! let client = Client::connect()?;
//! let mut watch = Watch::new(client, WatchOptions::default()); // every 1 s
//! loop {
//!     match watch.next_event(Duration::from_secs(5))? {
//!         Some(Event::MapHealthChanged { map, new, .. }) => println!("{map} is {new}"),
//!         Some(Event::DaemonUnreachable { error }) => eprintln!("multipathd is gone: {error}"),
//!         Some(other) => println!("{other}"),
//!         None => {} // nothing happened in 5 s
//!     }
//! }
//! # Ok::<(), mpd_client::Error>(())
//! ```
//!
//! # The daemon going away
//!
//! When a poll fails because the daemon cannot be reached — connection
//! refused or closed, no reply within the client's timeout, the daemon
//! busy (its own `timeout` answer), another I/O error
//! ([`is_unreachable`]) — the watch yields **one**
//! [`Event::DaemonUnreachable`] and keeps polling,
//! first after [`WatchOptions::backoff_initial`], then at doubling
//! intervals up to [`WatchOptions::backoff_max`]. When the daemon answers
//! again it yields [`Event::DaemonBack`] with the daemon's version (read
//! afresh, so an upgraded daemon reports its new release), then the diff
//! between the last snapshot before the outage and the first after it:
//! nothing changed meanwhile is lost, only coalesced.
//!
//! Other errors (permission denied, a reply that does not parse, …) are
//! returned from [`Watch::next_event`]; the watch stays usable and polls
//! again at the next interval.
//!
//! The watch does its own retrying: its commands go out with the client's
//! [`RetryPolicy`] set aside (restored afterwards), so a poll is one
//! command and an outage is seen within the client's timeouts.
//!
//! # Timing
//!
//! [`Watch::next_event`] returns as soon as an event is queued, and
//! otherwise when its timeout has passed — except that a poll it has
//! started runs to its end, which the client's own deadlines bound (the
//! connect timeout and the reply timeout, 4 s each by default; lower them
//! with [`crate::ClientBuilder::timeout`] for a watch that must answer
//! faster when the daemon hangs). A call with a zero timeout never sleeps:
//! it polls if a poll is due and returns what that gave.
//!
//! Polls are at least [`WatchOptions::interval`] apart (from start to
//! start; while the daemon is unreachable, the backoff delay apart), so
//! the watch sends at most one listing per interval (uevents aside, see
//! below); [`Watch::commands_sent`] counts every command it sent, which is
//! one per poll plus one version query per [`Event::DaemonBack`].
//!
//! # Kernel uevents (Linux)
//!
//! With [`WatchOptions::uevents`] the watch also listens to the kernel's
//! uevents (a `NETLINK_KOBJECT_UEVENT` socket) and polls at once, instead
//! of at the next interval, when device-mapper reports a path failed or
//! reinstated (`DM_ACTION=PATH_FAILED` / `PATH_REINSTATED`) — "at once"
//! meaning no sooner than 50 ms after the poll before (a burst of events is
//! seen by one poll), and for at most four early polls per interval (a
//! storm of events costs at most four listings per interval beyond the
//! regular one; the one-listing-per-interval rule holds without uevents
//! only). The events queued behind the first are read and dropped: one poll
//! sees them all.
//! Polling on the interval continues as before, from the early poll on.
//! If the socket cannot be opened (not permitted, not Linux), the watch
//! polls only, and [`Watch::uevents_active`] is false with the reason in
//! [`Watch::uevent_error`].

#[cfg(feature = "tokio")]
mod async_watch;
mod uevent;

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use mpd_proto::events::diff;
use mpd_proto::{Command, DaemonVersion, Event, Reply, ReplyShape};

use crate::client::{Client, RetryPolicy};
use crate::error::{Error, Result};
use crate::Topology;

#[cfg(feature = "tokio")]
pub use async_watch::{AsyncWatch, WatchStream};

/// The default poll interval.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// The default first retry delay after the daemon became unreachable.
pub const DEFAULT_BACKOFF_INITIAL: Duration = Duration::from_millis(250);

/// The default longest retry delay while the daemon is unreachable.
pub const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(5);

/// How a [`Watch`] polls. A plain struct: set the fields you need and take
/// the rest from [`Default`].
///
/// ```
/// use std::time::Duration;
/// use mpd_client::watch::WatchOptions;
///
/// let options = WatchOptions {
///     interval: Duration::from_millis(500),
///     ..WatchOptions::default()
/// };
/// assert_eq!(options.backoff_initial, Duration::from_millis(250));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WatchOptions {
    /// Time between two polls, from start to start (default 1 s). Zero is
    /// taken as 1 ms.
    pub interval: Duration,
    /// While the daemon is unreachable: the delay before the first retry
    /// (default 250 ms). Each further retry waits twice as long as the
    /// one before, up to [`backoff_max`](Self::backoff_max). Zero is taken
    /// as 1 ms.
    pub backoff_initial: Duration,
    /// The longest delay between two retries (default 5 s).
    pub backoff_max: Duration,
    /// Linux: also poll at once when the kernel reports a dm path failed
    /// or reinstated (see the [module docs](self)). Default false.
    pub uevents: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            interval: DEFAULT_INTERVAL,
            backoff_initial: DEFAULT_BACKOFF_INITIAL,
            backoff_max: DEFAULT_BACKOFF_MAX,
            uevents: false,
        }
    }
}

/// Whether an error means the daemon cannot be reached now (the watch
/// turns it into [`Event::DaemonUnreachable`]) rather than a problem to
/// report: [`Error::Connect`] (no daemon listening),
/// [`Error::ConnectionClosed`], [`Error::Timeout`] (no reply within the
/// client's timeout), [`Error::DaemonTimeout`] (the daemon answered
/// `timeout`: it is there but too busy to serve) and [`Error::Io`]
/// (another error on the socket). These are the failures the
/// [waits](crate::WaitOptions) sit out too ([`ErrorKind::is_unreachable`](crate::ErrorKind::is_unreachable)).
pub fn is_unreachable(e: &Error) -> bool {
    e.kind().is_unreachable()
}

/// What a watch does next ([`Schedule::next`]).
pub(crate) enum Next {
    /// Return this event.
    Event(Event),
    /// Take a snapshot now ([`Schedule::start_poll`] … [`Schedule::end_poll`]).
    Poll,
    /// Sleep until then (a uevent may cut it short).
    Sleep(Instant),
    /// The call's timeout passed with nothing to return.
    Timeout,
}

/// A watch's state and timing, without I/O: when to poll, what a
/// snapshot or a failure means, which events to queue. [`Watch`] and the
/// async watch both drive it.
#[derive(Debug)]
pub(crate) struct Schedule {
    options: WatchOptions,
    queue: VecDeque<Event>,
    /// The last snapshot read; kept through an outage.
    snapshot: Option<Topology>,
    /// True from the [`Event::DaemonUnreachable`] to the next snapshot.
    down: bool,
    /// When the next poll is due (`None`: at once).
    next_poll: Option<Instant>,
    /// When the last poll started.
    last_poll: Option<Instant>,
    /// When the early polls of the last interval were due (uevents).
    early_polls: Vec<Instant>,
    /// The current retry delay while down.
    backoff: Duration,
    commands: u64,
    listings: u64,
}

/// The deadline `timeout` from now (far off for a huge timeout).
pub(crate) fn deadline_in(timeout: Duration) -> Instant {
    let start = Instant::now();
    start
        .checked_add(timeout)
        .unwrap_or_else(|| start + Duration::from_secs(365 * 24 * 3600))
}

impl Schedule {
    pub(crate) fn new(options: WatchOptions) -> Schedule {
        Schedule {
            backoff: options.backoff_initial,
            options,
            queue: VecDeque::new(),
            snapshot: None,
            down: false,
            next_poll: None,
            last_poll: None,
            early_polls: Vec::new(),
            commands: 0,
            listings: 0,
        }
    }

    /// The step of `next_event`: a queued event, else a poll if one is due
    /// (one even with a zero timeout, more only before `deadline`; `polled`
    /// tells whether this call polled already), else a sleep.
    pub(crate) fn next(&mut self, polled: &mut bool, deadline: Instant) -> Next {
        if let Some(e) = self.queue.pop_front() {
            return Next::Event(e);
        }
        let now = Instant::now();
        let due = self.next_poll.is_none_or(|t| t <= now);
        if due && (!*polled || now < deadline) {
            *polled = true;
            return Next::Poll;
        }
        if now >= deadline {
            return Next::Timeout;
        }
        Next::Sleep(self.next_poll.map_or(deadline, |t| t.min(deadline)))
    }

    fn interval(&self) -> Duration {
        self.options.interval.max(Duration::from_millis(1))
    }

    /// A poll starts: its listing is counted. Returns its start.
    pub(crate) fn start_poll(&mut self) -> Instant {
        let started = Instant::now();
        self.last_poll = Some(started);
        self.commands += 1;
        self.listings += 1;
        started
    }

    /// Whether this listing ends an outage: then the daemon's version is
    /// read afresh ([`Schedule::version_query`]) before
    /// [`Schedule::end_poll`].
    pub(crate) fn comes_back(&self, listing: &Result<Topology>) -> bool {
        self.down && listing.is_ok()
    }

    /// The version query for [`Event::DaemonBack`] (counted): `show`,
    /// whose help text names the release.
    pub(crate) fn version_query(&mut self) -> Command {
        self.commands += 1;
        Command::Raw {
            text: "show".into(),
            shape: ReplyShape::Data,
        }
    }

    /// The version in the reply to [`Schedule::version_query`].
    pub(crate) fn version_of(reply: Result<Reply>) -> Option<DaemonVersion> {
        match reply {
            Ok(Reply::Failure(f)) => f.version(),
            _ => None,
        }
    }

    /// A poll that started at `started` ended with `listing` (and, when it
    /// [came back](Schedule::comes_back), the daemon's `version`): queues
    /// its events and schedules the next poll. An error that is not about
    /// reachability is returned.
    pub(crate) fn end_poll(
        &mut self,
        started: Instant,
        listing: Result<Topology>,
        version: Option<DaemonVersion>,
    ) -> Result<()> {
        match listing {
            Ok(topology) => {
                self.next_poll = Some(started + self.interval());
                if self.down {
                    self.down = false;
                    self.backoff = self.options.backoff_initial;
                    self.queue.push_back(Event::DaemonBack { version });
                }
                if let Some(before) = &self.snapshot {
                    self.queue.extend(diff(before, &topology));
                }
                self.snapshot = Some(topology);
                Ok(())
            }
            Err(e) if is_unreachable(&e) => {
                if self.down {
                    self.backoff = self.backoff.saturating_mul(2).min(self.options.backoff_max);
                } else {
                    self.down = true;
                    self.backoff = self.options.backoff_initial;
                    self.queue.push_back(Event::DaemonUnreachable {
                        error: e.to_string(),
                    });
                }
                let delay = self.backoff.max(Duration::from_millis(1));
                self.next_poll = Some(started + delay);
                Ok(())
            }
            Err(e) => {
                self.next_poll = Some(started + self.interval());
                Err(e)
            }
        }
    }

    pub(crate) fn pending_events(&self) -> usize {
        self.queue.len()
    }
    pub(crate) fn commands_sent(&self) -> u64 {
        self.commands
    }
    pub(crate) fn listings_sent(&self) -> u64 {
        self.listings
    }
    pub(crate) fn snapshot(&self) -> Option<&Topology> {
        self.snapshot.as_ref()
    }
    pub(crate) fn is_daemon_reachable(&self) -> bool {
        !self.down
    }
    pub(crate) fn options(&self) -> &WatchOptions {
        &self.options
    }
}

/// Watches the daemon and yields an [`Event`] for every change (see the
/// [module docs](self)).
///
/// It owns its [`Client`]; [`Watch::client_mut`] lends it out between
/// events (commands sent that way are not counted by
/// [`Watch::commands_sent`]) and [`Watch::into_client`] gives it back.
pub struct Watch {
    client: Client,
    core: Schedule,
    uevents: Option<uevent::Listener>,
    uevent_error: Option<String>,
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch")
            .field("client", &self.client)
            .field("options", &self.core.options)
            .field("queued", &self.core.queue.len())
            .field("has_snapshot", &self.core.snapshot.is_some())
            .field("daemon_reachable", &!self.core.down)
            .field("commands_sent", &self.core.commands)
            .field("uevents_active", &self.uevents.is_some())
            .finish()
    }
}

impl Watch {
    /// A watch that polls through `client`. Nothing is sent yet: the first
    /// [`next_event`](Self::next_event) takes the baseline snapshot.
    ///
    /// With [`WatchOptions::uevents`] the uevent socket is opened here; if
    /// that fails the watch polls only (see [`Watch::uevent_error`]).
    pub fn new(client: Client, options: WatchOptions) -> Watch {
        let (uevents, uevent_error) = if options.uevents {
            match uevent::Listener::open() {
                Ok(l) => (Some(l), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (None, None)
        };
        Watch {
            client,
            core: Schedule::new(options),
            uevents,
            uevent_error,
        }
    }

    /// The next event: a queued one at once, else the events of the polls
    /// that fall due within `timeout`; `Ok(None)` when none came in time.
    ///
    /// An error that is not about the daemon's reachability (see
    /// [`is_unreachable`]) is returned; the watch stays usable. See the
    /// [module docs](self) for how long a call may take when a poll is
    /// under way.
    pub fn next_event(&mut self, timeout: Duration) -> Result<Option<Event>> {
        let deadline = deadline_in(timeout);
        let mut polled = false;
        loop {
            match self.core.next(&mut polled, deadline) {
                Next::Event(e) => return Ok(Some(e)),
                Next::Poll => self.poll()?,
                Next::Sleep(wake) => self.wait_until(wake),
                Next::Timeout => return Ok(None),
            }
        }
    }

    /// The events queued and not yet returned.
    pub fn pending_events(&self) -> usize {
        self.core.pending_events()
    }

    /// Every command this watch has sent (or tried to send) to the daemon:
    /// one `show maps json` per poll, plus one `show` (the version query)
    /// per [`Event::DaemonBack`].
    pub fn commands_sent(&self) -> u64 {
        self.core.commands_sent()
    }

    /// The `show maps json` listings this watch has sent (or tried to):
    /// one per poll.
    pub fn listings_sent(&self) -> u64 {
        self.core.listings_sent()
    }

    /// The last snapshot read (kept while the daemon is unreachable);
    /// `None` before the first successful poll.
    pub fn snapshot(&self) -> Option<&Topology> {
        self.core.snapshot()
    }

    /// False from an [`Event::DaemonUnreachable`] until the daemon answers
    /// again.
    pub fn is_daemon_reachable(&self) -> bool {
        self.core.is_daemon_reachable()
    }

    /// True when kernel uevents can wake the watch early.
    pub fn uevents_active(&self) -> bool {
        self.uevents.is_some()
    }

    /// Why [`WatchOptions::uevents`] was asked for but the watch polls
    /// only (the socket could not be opened).
    pub fn uevent_error(&self) -> Option<&str> {
        self.uevent_error.as_deref()
    }

    /// The options it was made with.
    pub fn options(&self) -> &WatchOptions {
        self.core.options()
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client, to send other commands between events.
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Ends the watch and returns its client.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// Takes one snapshot and queues what it shows. The watch's commands
    /// go out with the client's retry policy set aside: the watch retries
    /// by itself, on its own schedule. The version query goes through
    /// [`Client::send`], which also refreshes what
    /// [`Client::daemon_version`] returns.
    fn poll(&mut self) -> Result<()> {
        let started = self.core.start_poll();
        let policy = self.client.retry_policy();
        self.client.set_retry_policy(RetryPolicy::NEVER);
        let listing = self.client.topology();
        let version = if self.core.comes_back(&listing) {
            let query = self.core.version_query();
            Schedule::version_of(self.client.send(&query))
        } else {
            None
        };
        self.client.set_retry_policy(policy);
        self.core.end_poll(started, listing, version)
    }

    /// Sleeps until `wake`, or until a uevent makes a poll due at once.
    fn wait_until(&mut self, wake: Instant) {
        let left = wake.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        match &mut self.uevents {
            Some(listener) => match listener.wait(left) {
                Ok(true) => self.core.on_path_uevent(),
                Ok(false) => {}
                Err(e) => {
                    // A socket that stopped working: poll only from now on.
                    self.uevent_error = Some(e);
                    self.uevents = None;
                }
            },
            None => std::thread::sleep(left),
        }
    }
}

/// The least time between a poll and an early one a uevent brings: a
/// burst of path events (a cable pull fails every path of an HBA) is seen
/// by one poll.
const EARLY_POLL_GAP: Duration = Duration::from_millis(50);

/// At most this many early polls per interval.
const EARLY_POLLS_PER_INTERVAL: usize = 4;

impl Schedule {
    /// A dm path event arrived: poll at once, but no sooner than
    /// [`EARLY_POLL_GAP`] after the poll before, and for at most
    /// [`EARLY_POLLS_PER_INTERVAL`] early polls per interval (then the
    /// regular poll stays as it is). Never later than the poll already due.
    pub(crate) fn on_path_uevent(&mut self) {
        let now = Instant::now();
        let target = self
            .last_poll
            .map(|t| t + EARLY_POLL_GAP)
            .filter(|t| *t > now)
            .unwrap_or(now);
        match self.next_poll {
            // Already due at once, or no later than this early poll.
            None => return,
            Some(n) if n <= target => return,
            Some(_) => {}
        }
        let window = self.interval();
        self.early_polls
            .retain(|t| now.saturating_duration_since(*t) < window);
        if self.early_polls.len() >= EARLY_POLLS_PER_INTERVAL {
            return;
        }
        self.early_polls.push(target);
        self.next_poll = (target > now).then_some(target);
    }
}

/// Blocks until the next event; never ends (`None` is never returned).
/// Errors are items: the iteration may go on after one.
impl Iterator for Watch {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_event(Duration::from_secs(3600)) {
                Ok(Some(e)) => return Some(Ok(e)),
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_uevent_brings_the_next_poll_forward() {
        let sim = mpd_sim::Sim::builder().checker_tick(None).start().unwrap();
        let client = Client::connect_to(sim.address().as_str()).unwrap();
        let options = WatchOptions {
            interval: Duration::from_secs(8),
            ..WatchOptions::default()
        };
        let mut watch = Watch::new(client, options);
        assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
        let polled = watch.core.last_poll.unwrap();
        assert_eq!(watch.core.next_poll, Some(polled + Duration::from_secs(8)));
        // Right after a poll: the next one comes the least gap after it.
        watch.core.on_path_uevent();
        assert_eq!(watch.core.next_poll, Some(polled + EARLY_POLL_GAP));
        // A second event of the burst changes nothing, and uses no budget.
        watch.core.on_path_uevent();
        assert_eq!(watch.core.next_poll, Some(polled + EARLY_POLL_GAP));
        assert_eq!(watch.core.early_polls.len(), 1);
        // Long after the poll before: at once.
        watch.core.last_poll = Some(polled - Duration::from_secs(3));
        watch.core.on_path_uevent();
        assert_eq!(watch.core.next_poll, None);
        assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
        assert_eq!(watch.commands_sent(), 2);
        // Nor later than at once.
        watch.core.on_path_uevent();
        assert_eq!(
            watch.core.next_poll,
            Some(watch.core.last_poll.unwrap() + EARLY_POLL_GAP)
        );
        watch.core.next_poll = None;
        watch.core.on_path_uevent();
        assert_eq!(watch.core.next_poll, None);
    }

    #[test]
    fn a_storm_of_uevents_brings_at_most_four_early_polls_per_interval() {
        let sim = mpd_sim::Sim::builder().checker_tick(None).start().unwrap();
        let client = Client::connect_to(sim.address().as_str()).unwrap();
        let options = WatchOptions {
            interval: Duration::from_secs(60),
            ..WatchOptions::default()
        };
        let mut watch = Watch::new(client, options);
        assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
        for _ in 0..EARLY_POLLS_PER_INTERVAL {
            watch.core.on_path_uevent();
            assert!(watch.core.next_poll.unwrap() <= Instant::now() + EARLY_POLL_GAP);
            std::thread::sleep(EARLY_POLL_GAP);
            assert_eq!(watch.next_event(Duration::ZERO).unwrap(), None);
        }
        assert_eq!(watch.listings_sent(), 1 + EARLY_POLLS_PER_INTERVAL as u64);
        // The budget is spent: the regular poll stays a minute off.
        watch.core.on_path_uevent();
        assert!(watch.core.next_poll.unwrap() > Instant::now() + Duration::from_secs(50));
    }
}
