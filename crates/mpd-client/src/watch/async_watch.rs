//! The watch on tokio: the same [`Schedule`] as [`Watch`](super::Watch),
//! driven with `.await`, and a [`Stream`] of its events.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use mpd_proto::Event;

use super::{deadline_in, Next, Schedule, WatchOptions};
use crate::client::RetryPolicy;
use crate::error::Result;
use crate::{AsyncClient, Topology};

/// Watches the daemon and yields an [`Event`] for every change: the
/// [`Watch`](super::Watch) of the async client, with the same polling,
/// outage handling and events (see the [module docs](super)).
///
/// It polls only: [`WatchOptions::uevents`] is not supported here and is
/// reported by [`AsyncWatch::uevent_error`]. Its commands go out through
/// its [`AsyncClient`] (a clone of one shares its connections) with no
/// retry policy: the watch retries on its own schedule.
///
/// ```no_run
/// # async fn demo() -> mpd_client::Result<()> {
/// use std::time::Duration;
/// use mpd_client::watch::{AsyncWatch, WatchOptions};
/// use mpd_client::AsyncClient;
///
/// let client = AsyncClient::connect().await?;
/// let mut watch = AsyncWatch::new(client, WatchOptions::default());
/// while let Some(event) = watch.next_event(Duration::from_secs(5)).await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct AsyncWatch {
    client: AsyncClient,
    core: Schedule,
    uevent_error: Option<String>,
}

impl AsyncWatch {
    /// A watch that polls through `client`. Nothing is sent yet: the first
    /// [`next_event`](Self::next_event) takes the baseline snapshot.
    pub fn new(client: AsyncClient, options: WatchOptions) -> AsyncWatch {
        let uevent_error = options
            .uevents
            .then(|| "the async watch polls only (no uevents)".to_owned());
        AsyncWatch {
            client,
            core: Schedule::new(options),
            uevent_error,
        }
    }

    /// The next event: a queued one at once, else the events of the polls
    /// that fall due within `timeout`; `Ok(None)` when none came in time.
    /// As [`Watch::next_event`](super::Watch::next_event).
    ///
    /// Cancellation-safe between polls; a poll cancelled mid-command drops
    /// its connection (as every command of [`AsyncClient`]) and is taken
    /// again at the next call.
    pub async fn next_event(&mut self, timeout: Duration) -> Result<Option<Event>> {
        let deadline = deadline_in(timeout);
        let mut polled = false;
        loop {
            match self.core.next(&mut polled, deadline) {
                Next::Event(e) => return Ok(Some(e)),
                Next::Poll => self.poll().await?,
                Next::Sleep(wake) => tokio::time::sleep_until(wake.into()).await,
                Next::Timeout => return Ok(None),
            }
        }
    }

    /// Takes one snapshot and queues what it shows.
    async fn poll(&mut self) -> Result<()> {
        let started = self.core.start_poll();
        let listing = self
            .client
            .execute_with(&mpd_proto::ops::GetTopology {}, RetryPolicy::NEVER)
            .await;
        let version = if self.core.comes_back(&listing) {
            let query = self.core.version_query();
            Schedule::version_of(self.client.send_with(&query, RetryPolicy::NEVER).await)
        } else {
            None
        };
        self.core.end_poll(started, listing, version)
    }

    /// The events queued and not yet returned.
    pub fn pending_events(&self) -> usize {
        self.core.pending_events()
    }

    /// Every command this watch has sent (or tried to send): one listing
    /// per poll, plus one version query per [`Event::DaemonBack`].
    pub fn commands_sent(&self) -> u64 {
        self.core.commands_sent()
    }

    /// The `show maps json` listings this watch has sent (or tried to).
    pub fn listings_sent(&self) -> u64 {
        self.core.listings_sent()
    }

    /// The last snapshot read (kept while the daemon is unreachable).
    pub fn snapshot(&self) -> Option<&Topology> {
        self.core.snapshot()
    }

    /// False from an [`Event::DaemonUnreachable`] until the daemon answers
    /// again.
    pub fn is_daemon_reachable(&self) -> bool {
        self.core.is_daemon_reachable()
    }

    /// Always false: the async watch polls only.
    pub fn uevents_active(&self) -> bool {
        false
    }

    /// Why [`WatchOptions::uevents`] was asked for but is not used.
    pub fn uevent_error(&self) -> Option<&str> {
        self.uevent_error.as_deref()
    }

    /// The options it was made with.
    pub fn options(&self) -> &WatchOptions {
        self.core.options()
    }

    /// The client (a handle: commands sent through it share its
    /// connections).
    pub fn client(&self) -> &AsyncClient {
        &self.client
    }

    /// Ends the watch and returns its client.
    pub fn into_client(self) -> AsyncClient {
        self.client
    }

    /// The watch as a [`Stream`] of events that never ends; errors are
    /// items, and the stream goes on after one.
    pub fn into_stream(self) -> WatchStream {
        WatchStream {
            state: State::Idle(Box::new(self)),
        }
    }
}

type Pending = Pin<Box<dyn Future<Output = (Box<AsyncWatch>, Result<Event>)> + Send>>;

enum State {
    Idle(Box<AsyncWatch>),
    Waiting(Pending),
    Gone,
}

/// [`AsyncWatch::into_stream`]: a [`Stream`] of `Result<Event>` that never
/// ends. Dropping it ends the watch.
pub struct WatchStream {
    state: State,
}

impl std::fmt::Debug for WatchStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchStream").finish_non_exhaustive()
    }
}

impl Stream for WatchStream {
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut self.state, State::Gone) {
                State::Idle(mut watch) => {
                    self.state = State::Waiting(Box::pin(async move {
                        loop {
                            match watch.next_event(Duration::from_secs(3600)).await {
                                Ok(Some(e)) => return (watch, Ok(e)),
                                Ok(None) => continue,
                                Err(e) => return (watch, Err(e)),
                            }
                        }
                    }));
                }
                State::Waiting(mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Ready((watch, item)) => {
                        self.state = State::Idle(watch);
                        return Poll::Ready(Some(item));
                    }
                    Poll::Pending => {
                        self.state = State::Waiting(fut);
                        return Poll::Pending;
                    }
                },
                State::Gone => return Poll::Ready(None),
            }
        }
    }
}
