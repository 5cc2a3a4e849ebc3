//! `multipathd.Watch` and `multipathd.Event`: `mpd_client::watch::Watch`
//! with its own connection, and its events as frozen Python objects.
//!
//! The watch lives behind a mutex. A wait runs in slices of at most
//! 100 ms with the GIL released, and checks for signals between two
//! slices, so that Ctrl-C interrupts a blocking `next(watch)`; the Rust
//! watch keeps its own schedule across the slices (a poll falls due when
//! it falls due, whichever slice is running). The counters are mirrored
//! into atomics after every slice, so that reading them never waits for a
//! slice under way in another thread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use mpd_client::watch::WatchOptions;

use crate::client::{address, seconds};
use crate::errors::{detached, invalid_argument, to_pyerr};

/// The longest time the GIL-free wait runs before Python gets a chance to
/// handle a signal.
const SLICE: Duration = Duration::from_millis(100);

/// A wait's timeout from Python: seconds >= 0, or `inf` for no limit.
fn wait_timeout(py: Python<'_>, secs: f64) -> PyResult<Option<Duration>> {
    if secs == f64::INFINITY {
        return Ok(None);
    }
    Duration::try_from_secs_f64(secs).map(Some).map_err(|_| {
        invalid_argument(
            py,
            format!("invalid timeout: {secs} is not a number of seconds >= 0"),
        )
    })
}

/// Why one slice of a wait failed.
enum StepError {
    /// `close()` was called.
    Closed,
    /// The client's error (the watch stays usable).
    Client(mpd_client::Error),
}

fn closed() -> PyErr {
    PyValueError::new_err("the watch is closed")
}

/// Watches multipathd and yields an Event for every change.
///
/// multipathd cannot push changes, so the watch polls it: once per
/// `interval` seconds it sends one `show maps json` and reports what
/// changed since the listing before (the first listing is the baseline
/// and yields nothing). When the daemon cannot be reached it yields one
/// Event of kind "daemon_unreachable" and retries (after 0.25 s, then at
/// doubling delays up to 5 s); when the daemon answers again, one
/// "daemon_back" event, then the changes made meanwhile.
///
/// socket and timeout: as for Client (the constructor connects:
/// ConnectionFailed if no daemon answers). timeout also bounds each poll:
/// a daemon that hangs is seen as unreachable after it.
///
/// uevents: on Linux, also listen to the kernel's uevents and poll at once
/// (no sooner than interval/4 after the poll before) when device-mapper
/// reports a path failed or reinstated. If that socket cannot be opened
/// the watch polls only (uevents_active False, uevent_error says why).
///
/// next_event(timeout) returns the next event, or None when none came
/// within timeout seconds (a poll under way when the timeout passes runs
/// to its end, which the client's timeout bounds). Iterating blocks until
/// the next event and never ends. Both release the GIL while they wait and
/// let Ctrl-C through. An error that is not about reaching the daemon
/// (PermissionDenied, ProtocolError, ...) is raised; the watch stays
/// usable and polls again at the next interval.
///
/// close() (or the end of a `with` block) ends the watch and its
/// connection; using it afterwards raises ValueError. One watch may be
/// shared by threads: their waits take turns.
#[pyclass(module = "multipathd", frozen)]
pub struct Watch {
    inner: Mutex<Option<mpd_client::Watch>>,
    address: String,
    interval: f64,
    commands: AtomicU64,
    listings: AtomicU64,
    reachable: AtomicBool,
    uevents: AtomicBool,
    uevent_error: Mutex<Option<String>>,
}

impl Watch {
    /// The watch (`None` once closed), also after a panic in another call.
    fn lock(&self) -> MutexGuard<'_, Option<mpd_client::Watch>> {
        self.inner.lock().unwrap_or_else(|poisoned| {
            self.inner.clear_poison();
            poisoned.into_inner()
        })
    }

    /// Copies the counters out of the watch.
    fn mirror(&self, w: &mpd_client::Watch) {
        self.commands.store(w.commands_sent(), Ordering::Relaxed);
        self.listings.store(w.listings_sent(), Ordering::Relaxed);
        self.reachable
            .store(w.is_daemon_reachable(), Ordering::Relaxed);
        self.uevents.store(w.uevents_active(), Ordering::Relaxed);
        let mut error = self
            .uevent_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if error.as_deref() != w.uevent_error() {
            *error = w.uevent_error().map(str::to_owned);
        }
    }

    /// One `next_event(timeout)` of the Rust watch, with the GIL released.
    fn step(&self, py: Python<'_>, timeout: Duration) -> PyResult<Option<mpd_client::Event>> {
        detached(
            py,
            || {
                let mut guard = self.lock();
                let w = guard.as_mut().ok_or(StepError::Closed)?;
                let out = w.next_event(timeout);
                self.mirror(w);
                out.map_err(StepError::Client)
            },
            |py, e| match e {
                StepError::Closed => closed(),
                StepError::Client(e) => to_pyerr(py, e),
            },
        )
    }

    /// Waits up to `timeout` (`None`: until an event) in slices, checking
    /// for signals between them.
    fn wait(&self, py: Python<'_>, timeout: Option<Duration>) -> PyResult<Option<Event>> {
        let start = Instant::now();
        loop {
            let left = timeout.map(|t| t.saturating_sub(start.elapsed()));
            let slice = left.map_or(SLICE, |l| l.min(SLICE));
            if let Some(e) = self.step(py, slice)? {
                return Ok(Some(Event { inner: e }));
            }
            if left.is_some_and(|l| l <= slice) {
                return Ok(None);
            }
            py.check_signals()?;
        }
    }
}

#[pymethods]
impl Watch {
    #[new]
    #[pyo3(signature = (socket = None, *, interval = 1.0, uevents = false, timeout = 4.0, trust = None))]
    fn new(
        py: Python<'_>,
        socket: Option<&Bound<'_, PyAny>>,
        interval: f64,
        uevents: bool,
        timeout: f64,
        trust: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let interval_d = seconds(py, "interval", interval)?;
        let timeout = seconds(py, "timeout", timeout)?;
        let mut builder = mpd_client::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout);
        if let Some(t) = trust {
            builder = builder.trust(crate::client::trust(py, t)?);
        }
        if let Some(socket) = socket {
            builder = builder.address(address(socket)?);
        }
        let options = WatchOptions {
            interval: interval_d,
            uevents,
            ..WatchOptions::default()
        };
        let watch = detached(
            py,
            move || {
                builder
                    .connect()
                    .map(|client| mpd_client::Watch::new(client, options))
            },
            to_pyerr,
        )?;
        let this = Watch {
            address: watch.client().address().to_string(),
            interval,
            commands: AtomicU64::new(0),
            listings: AtomicU64::new(0),
            reachable: AtomicBool::new(true),
            uevents: AtomicBool::new(false),
            uevent_error: Mutex::new(None),
            inner: Mutex::new(None),
        };
        this.mirror(&watch);
        *this.lock() = Some(watch);
        Ok(this)
    }

    /// The next event, or None if none came within `timeout` seconds (0:
    /// do not wait, but take a poll that is due; math.inf: no limit). The
    /// GIL is released while waiting.
    fn next_event(&self, py: Python<'_>, timeout: f64) -> PyResult<Option<Event>> {
        let timeout = wait_timeout(py, timeout)?;
        self.wait(py, timeout)
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Blocks until the next event (the iteration never ends).
    fn __next__(&self, py: Python<'_>) -> PyResult<Event> {
        loop {
            if let Some(e) = self.wait(py, None)? {
                return Ok(e);
            }
        }
    }

    /// Ends the watch and closes its connection. Closing twice is
    /// harmless; a wait under way in another thread ends first.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let watch = detached(py, || Ok::<_, ()>(self.lock().take()), |_, ()| closed())?;
        if let Some(w) = &watch {
            self.mirror(w);
        }
        drop(watch);
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the watch; exceptions propagate.
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: &Bound<'_, PyAny>,
        exc: &Bound<'_, PyAny>,
        tb: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let _ = (exc_type, exc, tb);
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Watch(socket={}, interval={})",
            PyString::new(py, &self.address).repr()?,
            self.interval
        ))
    }

    /// The address the watch polls: a path, or "@name".
    #[getter]
    fn address(&self) -> &str {
        &self.address
    }

    /// Seconds between two polls.
    #[getter]
    fn interval(&self) -> f64 {
        self.interval
    }

    /// True once close() was called.
    #[getter]
    fn closed(&self, py: Python<'_>) -> PyResult<bool> {
        detached(py, || Ok::<_, ()>(self.lock().is_none()), |_, ()| closed())
    }

    /// Every command the watch has sent (or tried to): one `show maps
    /// json` per poll, plus one version query per "daemon_back" event.
    #[getter]
    fn commands_sent(&self) -> u64 {
        self.commands.load(Ordering::Relaxed)
    }

    /// The `show maps json` listings the watch has sent (or tried to): one
    /// per poll.
    #[getter]
    fn listings_sent(&self) -> u64 {
        self.listings.load(Ordering::Relaxed)
    }

    /// False from a "daemon_unreachable" event until the daemon answers
    /// again.
    #[getter]
    fn daemon_reachable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    /// True when kernel uevents can wake the watch early.
    #[getter]
    fn uevents_active(&self) -> bool {
        self.uevents.load(Ordering::Relaxed)
    }

    /// Why uevents=True was asked for but the watch polls only; None
    /// otherwise.
    #[getter]
    fn uevent_error(&self) -> Option<String> {
        self.uevent_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// One change the watch saw, or a change of the daemon's reachability.
///
/// kind: what happened, one of "map_added", "map_removed", "path_added",
/// "path_removed", "path_state_changed", "active_paths_changed",
/// "map_health_changed", "daemon_unreachable", "daemon_back". map and
/// device: the map and path it is about (None where that does not apply).
/// to_dict() gives every field of the event (its serde serialization, with
/// the kind under "event"); str() the daemon's words ("path sda (mpatha):
/// active ready -> failed faulty"). Events compare and hash by value.
#[pyclass(module = "multipathd", frozen, eq)]
#[derive(PartialEq)]
pub struct Event {
    pub(crate) inner: mpd_client::Event,
}

#[pymethods]
impl Event {
    /// What happened ("path_state_changed", ...).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    /// The map the event is about; None for the daemon events.
    #[getter]
    fn map(&self) -> Option<&str> {
        self.inner.map()
    }

    /// The path the event is about ("sda"); None but for the path events.
    #[getter]
    fn device(&self) -> Option<&str> {
        self.inner.device()
    }

    /// Every field as plain data: {"event": kind, ...} with the fields of
    /// the kind (states as the daemon's words, health states snake case).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.inner)?)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("<Event {}: {}>", self.inner.kind(), self.inner)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        // Equal events serialize to equal text.
        let text = serde_json::to_string(&self.inner).unwrap_or_default();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        h.finish()
    }
}
