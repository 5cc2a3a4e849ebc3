//! `multipathd.Client`: `mpd_client::Client` behind a mutex, one Python
//! method per Rust method, the GIL released while waiting.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::{detached, invalid_argument, to_pyerr};
use crate::models::ToPython;

/// Turns seconds into a Duration; anything but a positive finite number is
/// an InvalidArgument.
pub(crate) fn seconds(py: Python<'_>, what: &str, secs: f64) -> PyResult<Duration> {
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(invalid_argument(
            py,
            format!("invalid {what}: {secs} is not a positive number of seconds"),
        )),
    }
}

/// Reads a socket address from Python: a str (`@name` for an abstract
/// socket) or an os.PathLike.
pub(crate) fn address(socket: &Bound<'_, PyAny>) -> PyResult<mpd_client::Address> {
    if let Ok(s) = socket.extract::<String>() {
        return Ok(mpd_client::Address::parse(&s));
    }
    let path: std::path::PathBuf = socket.extract()?;
    Ok(mpd_client::Address::Path(path))
}

/// A connection to multipathd that runs one command at a time.
///
/// socket: where the daemon listens, a path or "@name" for an abstract
/// socket (an os.PathLike is a path). With None, the daemon is found the
/// way the official client finds it: $MULTIPATH_SOCKET_NAME if set, else
/// /run/multipathd.socket if it exists, else the abstract
/// "@/org/kernel/linux/storage/multipathd".
///
/// timeout: seconds to wait for the connection and for each complete reply
/// (the `timeout` property changes the reply timeout later).
///
/// The constructor connects (ConnectionFailed if no daemon answers). The
/// connection is kept and reused; if the daemon closed it while idle, the
/// client reconnects once before sending, and it never sends a command
/// twice. After a Timeout or a ProtocolError the connection is dropped and
/// the next call opens a new one.
///
/// Every method releases the GIL while it waits on the socket, so other
/// Python threads keep running. One client may be shared by threads: calls
/// take turns (an internal lock), each waiting for the one before.
///
/// Arguments are checked before anything is sent: a name with a control
/// character (such as a newline), or a command over the daemon's 512-byte
/// limit, raises InvalidArgument and nothing reaches the daemon.
#[pyclass(module = "multipathd", frozen)]
pub struct Client {
    inner: Mutex<mpd_client::Client>,
    address: String,
}

impl Client {
    /// The client, also after a panic in another call (the connection is
    /// then dropped, as its stream may be out of step).
    fn lock(&self) -> MutexGuard<'_, mpd_client::Client> {
        self.inner.lock().unwrap_or_else(|poisoned| {
            self.inner.clear_poison();
            let mut guard = poisoned.into_inner();
            guard.close();
            guard
        })
    }

    /// Runs one client operation with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut mpd_client::Client) -> mpd_client::Result<T> + Send,
    ) -> PyResult<T> {
        detached(py, || f(&mut self.lock()), to_pyerr)
    }
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (socket = None, timeout = 4.0))]
    fn new(py: Python<'_>, socket: Option<&Bound<'_, PyAny>>, timeout: f64) -> PyResult<Self> {
        let timeout = seconds(py, "timeout", timeout)?;
        let mut builder = mpd_client::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout);
        if let Some(socket) = socket {
            builder = builder.address(address(socket)?);
        }
        let client = detached(py, move || builder.connect(), to_pyerr)?;
        Ok(Client {
            address: client.address().to_string(),
            inner: Mutex::new(client),
        })
    }

    /// The address this client talks to: a path, or "@name" for an abstract
    /// socket.
    #[getter]
    fn address(&self) -> &str {
        &self.address
    }

    /// Seconds to wait for each command's complete reply; settable (a new
    /// value waits for a call in progress and applies to the calls after it).
    #[getter]
    fn timeout(&self, py: Python<'_>) -> PyResult<f64> {
        self.run(py, |c| Ok(c.timeout().as_secs_f64()))
    }

    #[setter]
    fn set_timeout(&self, py: Python<'_>, timeout: f64) -> PyResult<()> {
        let timeout = seconds(py, "timeout", timeout)?;
        self.run(py, move |c| {
            c.set_timeout(timeout);
            Ok(())
        })
    }

    /// True while a connection is open.
    #[getter]
    fn connected(&self, py: Python<'_>) -> PyResult<bool> {
        self.run(py, |c| Ok(c.is_connected()))
    }

    /// Closes the connection now. The client stays usable: the next call
    /// opens a new connection (as the Rust client does). Closing twice is
    /// harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.run(py, |c| {
            c.close();
            Ok(())
        })
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the connection; exceptions propagate.
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
            "Client(socket={})",
            PyString::new(py, &self.address).repr()?
        ))
    }

    /// Sends a command text as it is and returns the daemon's reply.
    ///
    /// The text must be free of control characters and fit the daemon's
    /// 512-byte limit (else InvalidArgument); quoting its arguments is the
    /// caller's job. A failure reply raises its exception as for the typed
    /// methods: "fail" is CommandFailed, the non-root refusal
    /// PermissionDenied, the daemon's "timeout" Timeout, its help text
    /// UnknownCommand.
    ///
    /// With action=False (the default) any other reply is returned
    /// unchanged, "ok\n" included. With action=True the command is read as
    /// an action: "ok" returns "", "blacklisted" raises Blacklisted, and
    /// any other text is returned.
    #[pyo3(signature = (text, *, action = false))]
    fn command(&self, py: Python<'_>, text: String, action: bool) -> PyResult<String> {
        let shape = if action {
            mpd_client::mpd_proto::ReplyShape::Action
        } else {
            mpd_client::mpd_proto::ReplyShape::Data
        };
        self.run(py, move |c| {
            c.call(&mpd_client::Command::Raw { text, shape })
        })
    }

    // ----- the contract -----

    /// Every path (`show paths raw format ...`), as a list of Path.
    fn list_paths(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.list_paths())?.to_python(py)
    }

    /// Every map (`show maps raw format ...`), as a list of Map.
    fn list_maps(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.list_maps())?.to_python(py)
    }

    /// `reconfigure`: re-reads the configuration and updates the maps.
    fn reconfigure(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.reconfigure())?.to_python(py)
    }

    /// `reconfigure all` (0.9+): also reloads maps that did not change. On
    /// 0.8 this raises UnknownCommand.
    fn reconfigure_all(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.reconfigure_all())?.to_python(py)
    }

    /// `add path P`: starts using a path.
    fn add_path(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.add_path(&path))?.to_python(py)
    }

    /// `del path P`: stops using a path.
    fn remove_path(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.remove_path(&path))?.to_python(py)
    }

    /// `add map M`: starts monitoring a map (0.9+ can re-create a removed map
    /// from its WWID; 0.8 only adopts an existing dm map).
    fn add_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.add_map(&map))?.to_python(py)
    }

    /// `del map M`: removes a map.
    fn remove_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.remove_map(&map))?.to_python(py)
    }

    /// `suspend map M`.
    fn suspend_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.suspend_map(&map))?.to_python(py)
    }

    /// `resume map M`.
    fn resume_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.resume_map(&map))?.to_python(py)
    }

    /// `resize map M`: picks up a changed LUN size.
    fn resize_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.resize_map(&map))?.to_python(py)
    }

    /// `reset map M`: re-applies the map's settings.
    fn reset_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.reset_map(&map))?.to_python(py)
    }

    /// `reload map M`: reloads the map's table.
    fn reload_map(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.reload_map(&map))?.to_python(py)
    }

    /// `fail path P`. The daemon answers at once; the path shows "failed" in
    /// the dm table right away.
    fn fail_path(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.fail_path(&path))?.to_python(py)
    }

    /// `reinstate path P`. The daemon answers at once; the states change at
    /// the next checker run, so poll list_paths() to wait.
    fn reinstate_path(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.reinstate_path(&path))?
            .to_python(py)
    }

    /// `disablequeueing map M`.
    fn disable_map_queuing(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.disable_map_queuing(&map))?
            .to_python(py)
    }

    /// `disablequeueing maps`: on every map.
    fn disable_queuing(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.disable_queuing())?.to_python(py)
    }

    /// `restorequeueing map M`.
    fn restore_map_queuing(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.restore_map_queuing(&map))?
            .to_python(py)
    }

    /// `restorequeueing maps`: on every map.
    fn restore_queuing(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.restore_queuing())?.to_python(py)
    }

    // ----- beyond the contract -----

    /// Every map with its path groups and paths (`show maps json`).
    fn topology(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.topology())?.to_python(py)
    }

    /// One map with its path groups and paths (`show map M json`).
    fn map_topology(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.map_topology(&map))?.to_python(py)
    }

    /// The text tree of `show topology`, parsed (carries H:C:T:L and sizes
    /// that the JSON lacks).
    fn topology_text(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.topology_text())?.to_python(py)
    }

    /// `show status`: paths per checker state, busy flag.
    fn status(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.status())?.to_python(py)
    }

    /// `show daemon`: pid and state.
    fn daemon_state(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.daemon_state())?.to_python(py)
    }

    /// `show maps status`, one MapStatus per map.
    fn map_status(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.map_status())?.to_python(py)
    }

    /// `show maps stats`, one MapStats per map.
    fn map_stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.map_stats())?.to_python(py)
    }

    /// `show path P`: the path's kernel device state (e.g. "running").
    fn path_state(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.path_state(&path))?.to_python(py)
    }

    /// `switchgroup map M group G` (groups count from 1).
    fn switch_group(&self, py: Python<'_>, map: String, group: u32) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.switch_group(&map, group))?
            .to_python(py)
    }

    /// `setmarginal path P`.
    fn set_marginal(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.set_marginal(&path))?.to_python(py)
    }

    /// `unsetmarginal path P`.
    fn unset_marginal(&self, py: Python<'_>, path: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.unset_marginal(&path))?
            .to_python(py)
    }

    /// `unsetmarginal map M`: every path of the map.
    fn unset_map_marginal(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.unset_map_marginal(&map))?
            .to_python(py)
    }

    /// `forcequeueing daemon`: queue on every map even when the daemon stops.
    fn force_queuing_daemon(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.force_queuing_daemon())?.to_python(py)
    }

    /// `restorequeueing daemon`.
    fn restore_queuing_daemon(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.restore_queuing_daemon())?.to_python(py)
    }

    /// `reset maps stats`.
    fn reset_maps_stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.reset_maps_stats())?.to_python(py)
    }

    /// `reset map M stats`.
    fn reset_map_stats(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.reset_map_stats(&map))?
            .to_python(py)
    }

    /// `getprstatus map M`, as a PrStatus.
    fn pr_status(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.pr_status(&map))?.to_python(py)
    }

    /// `setprstatus map M`.
    fn set_pr_status(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.set_pr_status(&map))?.to_python(py)
    }

    /// `unsetprstatus map M`.
    fn unset_pr_status(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.unset_pr_status(&map))?
            .to_python(py)
    }

    /// `getprkey map M`: a PrKey, or None when no key is set.
    fn pr_key(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.pr_key(&map))?.to_python(py)
    }

    /// `setprkey map M key K` (K like "0x123abc", optionally with ":aptpl").
    fn set_pr_key(&self, py: Python<'_>, map: String, key: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.set_pr_key(&map, &key))?
            .to_python(py)
    }

    /// `unsetprkey map M`.
    fn unset_pr_key(&self, py: Python<'_>, map: String) -> PyResult<Py<PyAny>> {
        self.run(py, move |c| c.unset_pr_key(&map))?.to_python(py)
    }

    /// `show config`: the daemon's effective configuration, as text.
    fn config(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.config())?.to_python(py)
    }

    /// `show config local`: the configuration from the local files only.
    fn config_local(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.config_local())?.to_python(py)
    }

    /// `show wildcards`, as text.
    fn wildcards(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.wildcards())?.to_python(py)
    }

    /// `shutdown`: stops the daemon.
    fn shutdown(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.shutdown())?.to_python(py)
    }

    /// The daemon's multipath-tools version, as a DaemonVersion. It is read
    /// from the help text the daemon sends for an incomplete command
    /// (`show`), which every release answers without side effects and to
    /// any peer; the answer is cached.
    fn daemon_version(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.daemon_version())?.to_python(py)
    }
}
