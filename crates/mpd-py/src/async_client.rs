//! `multipathd.AsyncClient` and `multipathd.AsyncWatch`: the async Rust
//! client (`mpd_client::AsyncClient`) and watch on the tokio runtime of
//! `pyo3-async-runtimes`, each method returning an asyncio awaitable.
//!
//! The Rust future runs on tokio's threads, without the GIL; the GIL is
//! taken only to convert the result. Cancelling the Python task (or the
//! awaitable) drops the Rust future, which the async client handles as
//! any cancellation: a command not yet sent is not sent, one cancelled
//! mid-reply closes its connection. A panic in the Rust future reaches
//! Python as `multipathd.Error`, as in the blocking client.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::client::{address, raw_command, retry_policy, retry_policy_dict, seconds};
use crate::errors::{detached, panic_error, to_pyerr};
use crate::models::ToPython;
use crate::watch::Event;

/// A future whose panics become an `Err` with the payload.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.get_mut().0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// A result converted with [`ToPython`] once the GIL is held.
struct Converted<T>(T);

impl<'py, T: ToPython> IntoPyObject<'py> for Converted<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.0.to_python(py)?.into_bound(py))
    }
}

/// A future that ends, without being polled again, once its flag is set
/// (its Python awaitable was cancelled).
struct CancelFirst<F> {
    cancelled: Arc<AtomicBool>,
    inner: Pin<Box<F>>,
}

impl<T, F: Future<Output = PyResult<T>>> Future for CancelFirst<F> {
    type Output = PyResult<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.cancelled.load(Ordering::Acquire) {
            // Never seen: the Python future is already cancelled.
            return Poll::Ready(Err(pyo3::exceptions::PyBaseException::new_err("cancelled")));
        }
        this.inner.as_mut().poll(cx)
    }
}

/// The awaitable of a Rust future: its error becomes the matching Python
/// exception, a panic `multipathd.Error`, the value its Python object.
///
/// pyo3-async-runtimes drops the Rust future when the awaitable is
/// cancelled, but polls it once more first; a done-callback of our own
/// sets a flag that stops that poll, so that a command still waiting for
/// its connection when its task is cancelled is not sent.
fn awaitable<'py, T, E, Fut>(
    py: Python<'py>,
    fut: Fut,
    convert: fn(Python<'_>, E) -> PyErr,
) -> PyResult<Bound<'py, PyAny>>
where
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    E: Send + 'static,
{
    let cancelled = Arc::new(AtomicBool::new(false));
    let flag = cancelled.clone();
    let guarded = async move {
        match CatchUnwind(Box::pin(fut)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Python::attach(|py| convert(py, e))),
            Err(payload) => Err(Python::attach(|py| panic_error(py, payload))),
        }
    };
    let awaitable = pyo3_async_runtimes::tokio::future_into_py(
        py,
        CancelFirst {
            cancelled,
            inner: Box::pin(guarded),
        },
    )?;
    let on_done = pyo3::types::PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, pyo3::types::PyTuple>,
              _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>|
              -> PyResult<()> {
            if args.get_item(0)?.call_method0("cancelled")?.is_truthy()? {
                flag.store(true, Ordering::Release);
            }
            Ok(())
        },
    )?;
    awaitable.call_method1("add_done_callback", (on_done,))?;
    Ok(awaitable)
}

/// The settings of the constructor and of `connect`.
fn builder(
    py: Python<'_>,
    socket: Option<&Bound<'_, PyAny>>,
    timeout: f64,
    trust: Option<&Bound<'_, PyAny>>,
) -> PyResult<mpd_client::ClientBuilder> {
    let timeout = seconds(py, "timeout", timeout)?;
    let mut builder = mpd_client::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout);
    if let Some(socket) = socket {
        builder = builder.address(address(socket)?);
    }
    if let Some(t) = trust {
        builder = builder.trust(crate::client::trust(py, t)?);
    }
    Ok(builder)
}

/// A connection (or a pool of connections) to multipathd for asyncio:
/// every method of Client, as a coroutine.
///
/// socket, timeout, trust: as for Client. connections: how many commands may be
/// in flight at once (default 1: the commands of concurrent tasks take
/// turns on one connection); the extra connections open when first
/// needed.
///
/// The constructor connects (the connect of a unix socket does not wait
/// for the daemon); `await AsyncClient.connect(...)` does the same from a
/// coroutine. `async with` closes the idle connections at the end.
///
/// Each method returns an awaitable; the command runs on the binding's
/// tokio threads without the GIL. Cancelling the task that awaits it
/// cancels the command cleanly: a command not yet sent is not sent; one
/// cancelled between sending and the end of its reply closes its
/// connection (the daemon may still have run it), and the next command
/// opens a new one. The same errors, deadlines, reply limit and retry
/// policy as Client.
#[pyclass(module = "multipathd", frozen)]
pub struct AsyncClient {
    inner: mpd_client::AsyncClient,
    address: String,
}

impl From<mpd_client::AsyncClient> for AsyncClient {
    fn from(inner: mpd_client::AsyncClient) -> Self {
        AsyncClient {
            address: inner.address().to_string(),
            inner,
        }
    }
}

impl AsyncClient {
    /// The awaitable of one async client call.
    pub(crate) fn run<'py, T, Fut>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(mpd_client::AsyncClient) -> Fut,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        Fut: Future<Output = mpd_client::Result<T>> + Send + 'static,
        T: ToPython + Send + 'static,
    {
        let fut = f(self.inner.clone());
        awaitable(py, async move { fut.await.map(Converted) }, to_pyerr)
    }
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (socket = None, timeout = 4.0, connections = 1, *, trust = None))]
    fn new(
        py: Python<'_>,
        socket: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        connections: usize,
        trust: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let builder = builder(py, socket, timeout, trust)?;
        let rt = pyo3_async_runtimes::tokio::get_runtime();
        let client = detached(
            py,
            move || rt.block_on(builder.connect_pool(connections)),
            to_pyerr,
        )?;
        Ok(client.into())
    }

    /// Connects without blocking the event loop; returns an AsyncClient.
    #[staticmethod]
    #[pyo3(signature = (socket = None, timeout = 4.0, connections = 1, *, trust = None))]
    fn connect<'py>(
        py: Python<'py>,
        socket: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        connections: usize,
        trust: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let builder = builder(py, socket, timeout, trust)?;
        awaitable(
            py,
            async move {
                builder
                    .connect_pool(connections)
                    .await
                    .map(AsyncClient::from)
            },
            to_pyerr,
        )
    }

    /// The address this client talks to.
    #[getter]
    fn address(&self) -> &str {
        &self.address
    }

    /// Seconds to wait for each command's complete reply; settable.
    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.timeout().as_secs_f64()
    }

    #[setter]
    fn set_timeout(&self, py: Python<'_>, timeout: f64) -> PyResult<()> {
        self.inner.set_timeout(seconds(py, "timeout", timeout)?);
        Ok(())
    }

    /// True while a connection is open and idle.
    #[getter]
    fn connected(&self) -> bool {
        self.inner.is_connected()
    }

    /// How many commands may be in flight at once.
    #[getter]
    fn connections(&self) -> usize {
        self.inner.connections()
    }

    /// How many connections were closed because a command was cancelled
    /// between sending and the end of its reply.
    #[getter]
    fn connections_abandoned(&self) -> u64 {
        self.inner.connections_abandoned()
    }

    /// As Client.set_retry_policy.
    #[pyo3(signature = (attempts, backoff = 0.05, max_backoff = 1.0, deadline = None))]
    fn set_retry_policy(
        &self,
        py: Python<'_>,
        attempts: u32,
        backoff: f64,
        max_backoff: f64,
        deadline: Option<f64>,
    ) -> PyResult<()> {
        let policy = retry_policy(py, attempts, backoff, max_backoff, deadline)?;
        self.inner.set_retry_policy(policy);
        Ok(())
    }

    /// The retry policy, as Client.retry_policy.
    #[getter]
    fn retry_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        retry_policy_dict(py, self.inner.retry_policy())
    }

    /// How many times a command was sent again under the retry policy.
    #[getter]
    fn retries(&self) -> u64 {
        self.inner.retries()
    }

    /// How many commands the client has sent (each attempt counts).
    #[getter]
    fn commands_sent(&self) -> u64 {
        self.inner.commands_sent()
    }

    /// Closes the idle connections now; the client stays usable.
    fn close(&self) {
        self.inner.close();
    }

    fn __aenter__<'py>(slf: Py<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, async move { Ok::<_, PyErr>(slf) }, |_, e| e)
    }

    /// Closes the idle connections; exceptions propagate.
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        exc_type: &Bound<'_, PyAny>,
        exc: &Bound<'_, PyAny>,
        tb: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = (exc_type, exc, tb);
        self.inner.close();
        awaitable(py, async move { Ok::<_, PyErr>(false) }, |_, e| e)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "AsyncClient(socket={}, connections={})",
            PyString::new(py, &self.address).repr()?,
            self.inner.connections()
        ))
    }

    /// As Client.command, as a coroutine.
    #[pyo3(signature = (text, *, action = false))]
    fn command<'py>(
        &self,
        py: Python<'py>,
        text: String,
        action: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let command = raw_command(text, action);
        self.run(py, move |c| async move { c.call(&command).await })
    }

    /// As Client.daemon_version, as a coroutine.
    fn daemon_version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.run(py, |c| async move { c.daemon_version().await })
    }

    /// An AsyncWatch that polls through this client's connections every
    /// `interval` seconds.
    #[pyo3(signature = (*, interval = 1.0))]
    fn watch(&self, py: Python<'_>, interval: f64) -> PyResult<AsyncWatch> {
        let options = mpd_client::WatchOptions {
            interval: seconds(py, "interval", interval)?,
            ..mpd_client::WatchOptions::default()
        };
        Ok(AsyncWatch {
            address: self.address.clone(),
            interval,
            shared: Arc::new(Shared {
                watch: tokio::sync::Mutex::new(Some(mpd_client::AsyncWatch::new(
                    self.inner.clone(),
                    options,
                ))),
                closed: AtomicBool::new(false),
                commands: AtomicU64::new(0),
                listings: AtomicU64::new(0),
                reachable: AtomicBool::new(true),
            }),
        })
    }

    // The operation methods (list_paths, fail_path, …) and the jobs
    // (health, wait_for_map, …) are generated into async_ops.rs.
}

/// What an AsyncWatch's awaitables share with it.
struct Shared {
    watch: tokio::sync::Mutex<Option<mpd_client::AsyncWatch>>,
    closed: AtomicBool,
    commands: AtomicU64,
    listings: AtomicU64,
    reachable: AtomicBool,
}

/// Why a step of the async watch failed.
enum StepError {
    Closed,
    Client(mpd_client::Error),
}

fn step_error(py: Python<'_>, e: StepError) -> PyErr {
    match e {
        StepError::Closed => PyValueError::new_err("the watch is closed"),
        StepError::Client(e) => to_pyerr(py, e),
    }
}

impl Shared {
    /// The next event within `timeout` (None: wait for one).
    async fn next(&self, timeout: Option<Duration>) -> Result<Option<Event>, StepError> {
        let mut guard = self.watch.lock().await;
        loop {
            if self.closed.load(Ordering::Relaxed) {
                *guard = None;
            }
            let w = guard.as_mut().ok_or(StepError::Closed)?;
            let out = w
                .next_event(timeout.unwrap_or(Duration::from_secs(3600)))
                .await;
            self.commands.store(w.commands_sent(), Ordering::Relaxed);
            self.listings.store(w.listings_sent(), Ordering::Relaxed);
            self.reachable
                .store(w.is_daemon_reachable(), Ordering::Relaxed);
            match out {
                Ok(None) if timeout.is_none() => continue,
                Ok(e) => return Ok(e.map(|inner| Event { inner })),
                Err(e) => return Err(StepError::Client(e)),
            }
        }
    }
}

/// Watch for asyncio, made by AsyncClient.watch(): `async for event in
/// watch` yields an Event for every change, as Watch does (the same
/// polling, outage events and errors; polling only, no uevents). Its
/// commands share the client's connections.
///
/// next_event(timeout) waits at most `timeout` seconds and gives None when
/// nothing happened. Cancelling a wait is safe; a poll cancelled
/// mid-command is taken again by the next wait.
#[pyclass(module = "multipathd", frozen)]
pub struct AsyncWatch {
    address: String,
    interval: f64,
    shared: Arc<Shared>,
}

#[pymethods]
impl AsyncWatch {
    /// The next event, or None when none came within `timeout` seconds.
    fn next_event<'py>(&self, py: Python<'py>, timeout: f64) -> PyResult<Bound<'py, PyAny>> {
        let timeout = Duration::try_from_secs_f64(timeout).map_err(|_| {
            crate::errors::invalid_argument(
                py,
                format!("invalid timeout: {timeout} is not a number of seconds >= 0"),
            )
        })?;
        let shared = self.shared.clone();
        awaitable(
            py,
            async move { shared.next(Some(timeout)).await },
            step_error,
        )
    }

    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Waits for the next event.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let shared = self.shared.clone();
        awaitable(
            py,
            async move {
                match shared.next(None).await {
                    Ok(Some(e)) => Ok(e),
                    Ok(None) => unreachable!("waits for an event"),
                    Err(e) => Err(e),
                }
            },
            step_error,
        )
    }

    /// Ends the watch; a wait under way ends with ValueError at its next
    /// step. Closing twice is harmless.
    fn close(&self) {
        self.shared.closed.store(true, Ordering::Relaxed);
        if let Ok(mut w) = self.shared.watch.try_lock() {
            *w = None;
        }
    }

    fn __aenter__<'py>(slf: Py<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, async move { Ok::<_, PyErr>(slf) }, |_, e| e)
    }

    /// Closes the watch; exceptions propagate.
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        exc_type: &Bound<'_, PyAny>,
        exc: &Bound<'_, PyAny>,
        tb: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = (exc_type, exc, tb);
        self.close();
        awaitable(py, async move { Ok::<_, PyErr>(false) }, |_, e| e)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "AsyncWatch(socket={}, interval={})",
            PyString::new(py, &self.address).repr()?,
            self.interval
        ))
    }

    /// The client's address.
    #[getter]
    fn address(&self) -> &str {
        &self.address
    }

    /// Seconds between two polls.
    #[getter]
    fn interval(&self) -> f64 {
        self.interval
    }

    /// True after close().
    #[getter]
    fn closed(&self) -> bool {
        self.shared.closed.load(Ordering::Relaxed)
    }

    /// Commands the watch has sent (one listing per poll, one version
    /// query per daemon_back).
    #[getter]
    fn commands_sent(&self) -> u64 {
        self.shared.commands.load(Ordering::Relaxed)
    }

    /// Listings the watch has sent (one per poll).
    #[getter]
    fn listings_sent(&self) -> u64 {
        self.shared.listings.load(Ordering::Relaxed)
    }

    /// False from a daemon_unreachable event until the daemon answers.
    #[getter]
    fn daemon_reachable(&self) -> bool {
        self.shared.reachable.load(Ordering::Relaxed)
    }

    /// Always False: the async watch polls only.
    #[getter]
    fn uevents_active(&self) -> bool {
        false
    }

    /// Always None (uevents are not asked for).
    #[getter]
    fn uevent_error(&self) -> Option<String> {
        None
    }
}
