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

/// The command of `command(text, action=...)`: the text as it is, read as
/// an action or as a query.
pub(crate) fn raw_command(text: String, action: bool) -> mpd_client::Command {
    let shape = if action {
        mpd_client::mpd_proto::ReplyShape::Action
    } else {
        mpd_client::mpd_proto::ReplyShape::Data
    };
    mpd_client::Command::Raw { text, shape }
}

/// The retry policy of `set_retry_policy`'s arguments (seconds).
pub(crate) fn retry_policy(
    py: Python<'_>,
    attempts: u32,
    backoff: f64,
    max_backoff: f64,
    deadline: Option<f64>,
) -> PyResult<mpd_client::RetryPolicy> {
    let mut policy = mpd_client::RetryPolicy::attempts(attempts)
        .backoff(seconds(py, "backoff", backoff)?)
        .max_backoff(seconds(py, "max_backoff", max_backoff)?);
    if let Some(d) = deadline {
        policy = policy.deadline(seconds(py, "deadline", d)?);
    }
    Ok(policy)
}

/// A retry policy as the dict of the `retry_policy` property.
pub(crate) fn retry_policy_dict(
    py: Python<'_>,
    p: mpd_client::RetryPolicy,
) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let d = pyo3::types::PyDict::new(py);
    d.set_item("attempts", p.attempts)?;
    d.set_item("backoff", p.backoff.as_secs_f64())?;
    d.set_item("max_backoff", p.max_backoff.as_secs_f64())?;
    d.set_item("deadline", p.deadline.map(|d| d.as_secs_f64()))?;
    Ok(d)
}

/// Reads a peer-trust policy from Python: `"root_or_self"` (the
/// default), `"any"` (no check), or an int uid (exactly that uid; 0: root
/// only).
pub(crate) fn trust(py: Python<'_>, trust: &Bound<'_, PyAny>) -> PyResult<mpd_client::PeerTrust> {
    if let Ok(s) = trust.extract::<String>() {
        return match s.as_str() {
            "root_or_self" => Ok(mpd_client::PeerTrust::RootOrSelf),
            "any" => Ok(mpd_client::PeerTrust::Any),
            _ => Err(invalid_argument(
                py,
                format!("invalid trust {s:?}: \"root_or_self\", \"any\" or a uid"),
            )),
        };
    }
    match trust.extract::<u32>() {
        Ok(uid) => Ok(mpd_client::PeerTrust::Uid(uid)),
        Err(_) => Err(invalid_argument(
            py,
            "invalid trust: \"root_or_self\", \"any\" or a uid (int >= 0)".to_owned(),
        )),
    }
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
/// trust: which peer to believe, checked on every new connection before
/// anything is sent (UntrustedPeer otherwise): "root_or_self" (the default,
/// None: a daemon running as root or as this process's own uid), an int
/// uid (exactly that uid; 0 for root only), or "any" (no check: a
/// simulator run by another user).
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
    pub(crate) fn run<T: Send>(
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
    #[pyo3(signature = (socket = None, timeout = 4.0, *, trust = None))]
    fn new(
        py: Python<'_>,
        socket: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        trust: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let timeout = seconds(py, "timeout", timeout)?;
        let mut builder = mpd_client::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout);
        if let Some(t) = trust {
            builder = builder.trust(self::trust(py, t)?);
        }
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

    /// Sends reads (`show ...`) again by themselves when they failed
    /// transiently (no daemon listening, a broken connection, the client's
    /// timeout, the daemon busy: its "timeout"). Actions are never sent
    /// again by the client.
    ///
    /// attempts: attempts in all, the first included (1: never retry, the
    /// default); backoff: seconds before the first retry, doubled after each
    /// up to max_backoff; deadline: no retry starts later than this many
    /// seconds after the first attempt (None: no limit but attempts).
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
        self.run(py, move |c| {
            c.set_retry_policy(policy);
            Ok(())
        })
    }

    /// The retry policy, as a dict with the keys attempts, backoff,
    /// max_backoff (seconds) and deadline (seconds or None).
    #[getter]
    fn retry_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let p = self.run(py, |c| Ok(c.retry_policy()))?;
        retry_policy_dict(py, p)
    }

    /// How many times the client has sent a command again under its retry
    /// policy.
    #[getter]
    fn retries(&self, py: Python<'_>) -> PyResult<u64> {
        self.run(py, |c| Ok(c.retries()))
    }

    /// How many commands the client has sent (each attempt counts).
    #[getter]
    fn commands_sent(&self, py: Python<'_>) -> PyResult<u64> {
        self.run(py, |c| Ok(c.commands_sent()))
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
        let command = raw_command(text, action);
        self.run(py, move |c| c.call(&command))
    }

    // The operation methods (list_paths, fail_path, …) and the jobs
    // (health, wait_for_map, remove_map_safely, …) are generated from
    // mpd-proto's OPERATIONS and JOBS tables into ops.rs.

    /// The daemon's multipath-tools version, as a DaemonVersion. It is read
    /// from the help text the daemon sends for an incomplete command
    /// (`show`), which every release answers without side effects and to
    /// any peer; the answer is cached.
    fn daemon_version(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.run(py, |c| c.daemon_version())?.to_python(py)
    }
}
