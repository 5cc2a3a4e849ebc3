//! `multipathd.testing.Simulator`: `mpd_sim`'s simulated daemon, for Python
//! tests.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::client::{address, seconds};
use crate::errors::detached;

/// A simulated multipathd on a unix socket, for tests.
///
/// It speaks the daemon's protocol and answers byte for byte as the real
/// daemon of the chosen release ("0.8.5", "0.9.4" or "0.11.1") over a
/// simulated SAN of `maps` maps with `paths_per_map` paths each (maps
/// "mpatha", "mpathb", ...; paths "sda", "sdb", ...). Commands change its
/// state as the daemon would.
///
/// It starts listening at once, on `socket` (a path or "@name") or, by
/// default, on a private abstract address that no other simulator uses;
/// pass `address` to Client. It stops on stop(), at the end of a `with`
/// block, when garbage-collected, or when a client sends `shutdown`.
///
/// immediate: apply checker-driven changes at once (reinstate_path makes
/// the path active at once) instead of at the next checker run.
/// nonroot: treat every client as non-root, so every command but show/list
/// raises PermissionDenied. The peer's real uid is never looked at: with
/// nonroot=False every client counts as root.
/// reply_delay: seconds to delay every reply; fault: see set_fault().
/// checker_tick: real seconds per second of the daemon's checker loop, or
/// None to run the checker only through checker_pass()/advance().
/// prkeys_file: pretend a reservation_key file is configured, so that
/// set_pr_key() keys stick.
///
/// Invalid settings raise ValueError; a socket that cannot be bound raises
/// OSError.
#[pyclass(module = "multipathd.testing", frozen)]
pub struct Simulator {
    handle: Mutex<Option<mpd_sim::SimHandle>>,
    address: String,
    version: mpd_sim::Version,
}

fn sim_error(_py: Python<'_>, e: mpd_sim::Error) -> PyErr {
    match e {
        mpd_sim::Error::Config(_) => PyValueError::new_err(e.to_string()),
        _ => PyOSError::new_err(e.to_string()),
    }
}

fn stopped() -> PyErr {
    PyRuntimeError::new_err("the simulator is stopped")
}

impl Simulator {
    fn lock(&self) -> MutexGuard<'_, Option<mpd_sim::SimHandle>> {
        self.handle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the running simulator, with the GIL released.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mpd_sim::SimHandle) -> T + Send,
    ) -> PyResult<T> {
        detached(
            py,
            || self.lock().as_ref().map(f).ok_or(()),
            |_, ()| stopped(),
        )
    }
}

#[pymethods]
impl Simulator {
    #[new]
    #[pyo3(signature = (
        version = "0.9.4", maps = 2, paths_per_map = 2, immediate = true, nonroot = false,
        socket = None, *, reply_delay = 0.0, fault = "none", checker_tick = Some(1.0),
        prkeys_file = false
    ))]
    // pyo3 cannot render the `Some(1.0)` default, so the signature is spelt out.
    #[pyo3(
        text_signature = "(version='0.9.4', maps=2, paths_per_map=2, immediate=True, nonroot=False, socket=None, *, reply_delay=0.0, fault='none', checker_tick=1.0, prkeys_file=False)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        version: &str,
        maps: usize,
        paths_per_map: usize,
        immediate: bool,
        nonroot: bool,
        socket: Option<&Bound<'_, PyAny>>,
        reply_delay: f64,
        fault: &str,
        checker_tick: Option<f64>,
        prkeys_file: bool,
    ) -> PyResult<Self> {
        let version: mpd_sim::Version = version
            .parse()
            .map_err(|e: mpd_sim::version::UnknownVersion| PyValueError::new_err(e.to_string()))?;
        let fault: mpd_sim::Fault = fault
            .parse()
            .map_err(|e: mpd_sim::fault::UnknownFault| PyValueError::new_err(e.to_string()))?;
        let reply_delay = delay(reply_delay)?;
        let checker_tick = checker_tick
            .map(|s| seconds(py, "checker_tick", s))
            .transpose()?;
        let mut builder = mpd_sim::Sim::builder()
            .version(version)
            .maps(maps)
            .paths_per_map(paths_per_map)
            .immediate(immediate)
            .privilege(privilege(nonroot))
            .reply_delay(reply_delay)
            .fault(fault)
            .checker_tick(checker_tick)
            .prkeys_file(prkeys_file);
        if let Some(socket) = socket {
            builder = builder.socket(match address(socket)? {
                mpd_client::Address::Path(p) => mpd_sim::Address::Path(p),
                mpd_client::Address::Abstract(n) => mpd_sim::Address::Abstract(n),
            });
        }
        let handle = detached(py, move || builder.start(), sim_error)?;
        Ok(Simulator {
            address: handle.address(),
            version: handle.version(),
            handle: Mutex::new(Some(handle)),
        })
    }

    /// The address to pass to Client: a path, or "@name" for an abstract
    /// socket.
    #[getter]
    fn address(&self) -> &str {
        &self.address
    }

    /// The imitated release, e.g. "0.9.4".
    #[getter]
    fn version(&self) -> &'static str {
        self.version.as_str()
    }

    /// False once stopped (by stop(), the end of a `with` block, or a
    /// client's `shutdown`).
    #[getter]
    fn running(&self, py: Python<'_>) -> PyResult<bool> {
        detached(
            py,
            || Ok::<_, ()>(self.lock().as_ref().is_some_and(|h| h.is_running())),
            |_, ()| stopped(),
        )
    }

    /// Connections accepted so far.
    #[getter]
    fn connections_accepted(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, |h| h.connections_accepted())
    }

    /// The current fault's name (see set_fault()).
    #[getter]
    fn fault(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |h| h.fault().to_string())
    }

    /// Stops serving, closes every connection and waits for the server's
    /// threads (removing a socket file). Stopping twice is harmless.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        detached(
            py,
            || {
                let handle = self.lock().take();
                if let Some(h) = handle {
                    h.stop();
                }
                Ok::<_, ()>(())
            },
            |_, ()| stopped(),
        )
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Stops the simulator; exceptions propagate.
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: &Bound<'_, PyAny>,
        exc: &Bound<'_, PyAny>,
        tb: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let _ = (exc_type, exc, tb);
        self.stop(py)?;
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Simulator(version='{}', socket={})",
            self.version.as_str(),
            PyString::new(py, &self.address).repr()?
        ))
    }

    /// Sets how the simulator answers every command from now on, also on
    /// connections already open:
    ///
    /// "none": behave (the default);
    /// "timeout": do not run the command, answer the release's timeout text
    /// (the client raises Timeout);
    /// "hang": never answer (the client raises Timeout after its timeout);
    /// "drop-mid-reply": run the command, send part of the reply, close
    /// (ConnectionClosed);
    /// "close": close without a reply, without running the command
    /// (ConnectionClosed);
    /// "bad-length=N": run the command, announce N bytes, send the real
    /// reply, close; N=0 or N >= 32 MiB is a ProtocolError ("bad-length"
    /// alone means 1 TiB).
    ///
    /// An unknown name raises ValueError.
    fn set_fault(&self, py: Python<'_>, fault: &str) -> PyResult<()> {
        let fault: mpd_sim::Fault = fault
            .parse()
            .map_err(|e: mpd_sim::fault::UnknownFault| PyValueError::new_err(e.to_string()))?;
        self.with(py, move |h| h.set_fault(fault))
    }

    /// Back to normal answers (set_fault("none")).
    fn clear_fault(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |h| h.set_fault(mpd_sim::Fault::None))
    }

    /// Delays every reply from now on by this many seconds (0 for none);
    /// combines with any fault.
    fn set_reply_delay(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        let d = delay(seconds)?;
        self.with(py, move |h| h.set_reply_delay(d))
    }

    /// Treats every client as non-root (True) or as root (False) for the
    /// commands from now on.
    fn set_nonroot(&self, py: Python<'_>, nonroot: bool) -> PyResult<()> {
        self.with(py, move |h| h.set_privilege(privilege(nonroot)))
    }

    /// Switches immediate mode (see the class docstring).
    fn set_immediate(&self, py: Python<'_>, immediate: bool) -> PyResult<()> {
        self.with(py, move |h| h.set_immediate(immediate))
    }

    /// Makes the disk behind a path stop (False) or resume (True) answering
    /// I/O: the checker marks the path failed/faulty (or reinstates it) at
    /// its next check, at once in immediate mode. Returns False if there is
    /// no such disk.
    fn set_path_health(&self, py: Python<'_>, device: String, healthy: bool) -> PyResult<bool> {
        self.with(py, move |h| h.set_path_health(&device, healthy))
    }

    /// Marks the map named `map` (e.g. "mpatha") as open -- mounted, or
    /// held by another device -- (in_use=True) or closed again (False).
    /// While it is open, the daemon cannot remove it: Client.remove_map()
    /// raises MapInUse on 0.11.1 ("fail\nmap or partition in use\n") and
    /// CommandFailed on 0.8.5 and 0.9.4, which answer a bare "fail"; the
    /// map stays. Returns False if there is no such map.
    #[pyo3(signature = (map, in_use = true))]
    fn set_map_in_use(&self, py: Python<'_>, map: String, in_use: bool) -> PyResult<bool> {
        self.with(py, move |h| h.set_map_in_use(&map, in_use))
    }

    /// Runs the path checker on every path now.
    fn checker_pass(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |h| h.checker_pass())
    }

    /// Advances the checker loop by this many daemon seconds.
    fn advance(&self, py: Python<'_>, seconds: u32) -> PyResult<()> {
        self.with(py, move |h| h.advance(seconds))
    }

    /// Runs a command in-process as a root client would, without a socket,
    /// and returns the reply text; faults and delays do not apply. For
    /// checking the simulator's state from a test.
    fn execute(&self, py: Python<'_>, command: String) -> PyResult<String> {
        self.with(py, move |h| h.execute(&command))
    }
}

fn privilege(nonroot: bool) -> mpd_sim::Privilege {
    if nonroot {
        mpd_sim::Privilege::NonRoot
    } else {
        mpd_sim::Privilege::Root
    }
}

fn delay(secs: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(secs).map_err(|_| {
        PyValueError::new_err(format!(
            "invalid reply delay: {secs} is not a number of seconds >= 0"
        ))
    })
}
