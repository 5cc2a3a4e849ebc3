//! The exception hierarchy, the conversion of [`mpd_client::Error`] into it,
//! and the panic guard.
//!
//! Every class derives from `multipathd.Error` and, where one fits, from the
//! builtin a Python user would catch (`ValueError`, `ConnectionError`,
//! `TimeoutError`, `PermissionError`, `OSError`). The classes are made with
//! `type(name, bases, dict)` because pyo3's `create_exception!` takes only
//! one base. Their attributes (`command`, `reply`, …) default to `None` on
//! the class and are set on each instance.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{
    PyConnectionError, PyException, PyOSError, PyPermissionError, PyTimeoutError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::IntoPyObjectExt;

use crate::models::DaemonVersion;

/// The exception classes, created once per process.
pub(crate) struct Classes {
    pub(crate) error: Py<PyType>,
    pub(crate) invalid_argument: Py<PyType>,
    pub(crate) connection_failed: Py<PyType>,
    pub(crate) timeout: Py<PyType>,
    pub(crate) connection_closed: Py<PyType>,
    pub(crate) protocol_error: Py<PyType>,
    pub(crate) permission_denied: Py<PyType>,
    pub(crate) command_failed: Py<PyType>,
    pub(crate) unknown_command: Py<PyType>,
    pub(crate) blacklisted: Py<PyType>,
    pub(crate) map_in_use: Py<PyType>,
    pub(crate) io_error: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

const ERROR_DOC: &str = "Root of every exception this package raises.\n\n\
    Attributes set on every instance (None where they do not apply):\n\
    command: the command text as sent (arguments quoted), or None when\n\
    the error happened before a command existed (InvalidArgument,\n\
    ConnectionFailed);\n\
    reply: the daemon's full reply, when it answered.";

/// The attributes every class has; they default to None on the class.
const ATTRIBUTES: [&str; 2] = ["command", "reply"];

/// Makes `class name(*bases)` in module `multipathd`, with its docstring and
/// class-level defaults for `attrs`.
fn make<'py>(
    py: Python<'py>,
    name: &str,
    doc: &str,
    bases: Bound<'py, PyTuple>,
    attrs: &[&str],
) -> PyResult<Py<PyType>> {
    let dict = PyDict::new(py);
    dict.set_item("__doc__", doc)?;
    dict.set_item("__module__", "multipathd")?;
    for attr in attrs {
        // A flag defaults to False, everything else to None.
        if *attr == "not_found" {
            dict.set_item(*attr, false)?;
        } else {
            dict.set_item(*attr, py.None())?;
        }
    }
    let ty = py
        .get_type::<PyType>()
        .call1((name, bases, dict))?
        .cast_into::<PyType>()?;
    Ok(ty.unbind())
}

impl Classes {
    fn create(py: Python<'_>) -> PyResult<Classes> {
        let error = make(
            py,
            "Error",
            ERROR_DOC,
            PyTuple::new(py, [py.get_type::<PyException>()])?,
            &ATTRIBUTES,
        )?;
        let sub = |name: &'static str,
                   doc: &'static str,
                   builtin: Option<Bound<'_, PyType>>,
                   attrs: &[&str]|
         -> PyResult<Py<PyType>> {
            let mut bases = vec![error.bind(py).clone()];
            bases.extend(builtin);
            make(py, name, doc, PyTuple::new(py, bases)?, attrs)
        };
        Ok(Classes {
            invalid_argument: sub(
                "InvalidArgument",
                "An argument was refused before anything was sent: an empty name, a\n\
                 control character (such as a newline), a command over the daemon's\n\
                 512-byte limit, a path group of 0, a malformed reservation key, or a\n\
                 timeout that is not a positive number of seconds. Also a ValueError.",
                Some(py.get_type::<PyValueError>()),
                &[],
            )?,
            connection_failed: sub(
                "ConnectionFailed",
                "No daemon could be reached. Also a ConnectionError.\n\n\
                 address: the address tried; errno: the operating system's error\n\
                 number (e.g. errno.ENOENT, errno.ECONNREFUSED), when there is one.",
                Some(py.get_type::<PyConnectionError>()),
                &["address"],
            )?,
            timeout: sub(
                "Timeout",
                "No complete reply within the timeout, or the daemon itself answered\n\
                 \"timeout\". Also a TimeoutError.\n\n\
                 after: seconds the client waited, or None when the daemon gave up;\n\
                 detail: what happened, in words.",
                Some(py.get_type::<PyTimeoutError>()),
                &["after", "detail"],
            )?,
            connection_closed: sub(
                "ConnectionClosed",
                "The daemon closed the connection before a complete reply (it does\n\
                 this for a command it cannot read, or when it exits). Also a\n\
                 ConnectionError.\n\n\
                 detail: what was received before the close.",
                Some(py.get_type::<PyConnectionError>()),
                &["detail"],
            )?,
            protocol_error: sub(
                "ProtocolError",
                "The peer sent bytes that are not a valid reply: a bad length prefix,\n\
                 a payload without its NUL, or text that does not parse as the\n\
                 command's reply.\n\n\
                 detail: what was wrong.",
                None,
                &["detail"],
            )?,
            permission_denied: sub(
                "PermissionDenied",
                "The daemon refused the command because this process is not root (it\n\
                 accepts only show/list commands from other users). Also a\n\
                 PermissionError.",
                Some(py.get_type::<PyPermissionError>()),
                &[],
            )?,
            command_failed: sub(
                "CommandFailed",
                "The daemon answered \"fail\": no such map or path, or the action could\n\
                 not be done.\n\n\
                 message: the daemon's reason when it gave one (0.10+: \"device not\n\
                 found\"), else None; not_found: True when the daemon said the map or\n\
                 path does not exist (only 0.10+ say so; older daemons answer a bare\n\
                 \"fail\", so this is False there).",
                None,
                &["message", "not_found"],
            )?,
            unknown_command: sub(
                "UnknownCommand",
                "The daemon does not know the command (or it lacks an argument): it\n\
                 answered with its help text. Typically a command newer than the\n\
                 daemon, such as reconfigure_all() on 0.8.\n\n\
                 version: the daemon's DaemonVersion, read from its help text, or None.",
                None,
                &["version"],
            )?,
            blacklisted: sub(
                "Blacklisted",
                "add_path() on a device the daemon's configuration blacklists (or that\n\
                 does not exist).",
                None,
                &[],
            )?,
            map_in_use: sub(
                "MapInUse",
                "The map is open (mounted, or held by another device) and cannot be\n\
                 removed.",
                None,
                &[],
            )?,
            io_error: sub(
                "IoError",
                "Another I/O error on an established connection. Also an OSError,\n\
                 with errno set.",
                Some(py.get_type::<PyOSError>()),
                &[],
            )?,
            error,
        })
    }

    /// The classes, created on first use.
    pub(crate) fn get(py: Python<'_>) -> PyResult<&'static Classes> {
        CLASSES.get_or_try_init(py, || Classes::create(py))
    }

    /// Every class, for the module.
    pub(crate) fn all(&self) -> [&Py<PyType>; 12] {
        [
            &self.error,
            &self.invalid_argument,
            &self.connection_failed,
            &self.timeout,
            &self.connection_closed,
            &self.protocol_error,
            &self.permission_denied,
            &self.command_failed,
            &self.unknown_command,
            &self.blacklisted,
            &self.map_in_use,
            &self.io_error,
        ]
    }
}

/// Builds an instance of `class` with `message` as its only argument and
/// the given attributes.
fn raise<'py>(
    py: Python<'py>,
    class: &Py<PyType>,
    message: String,
    attrs: Vec<(&'static str, Bound<'py, PyAny>)>,
) -> PyResult<PyErr> {
    let exc = class.bind(py).call1((message,))?;
    for (name, value) in attrs {
        exc.setattr(name, value)?;
    }
    Ok(PyErr::from_value(exc))
}

fn opt_str<'py>(py: Python<'py>, s: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    s.into_bound_py_any(py)
}

/// Turns a client error into the matching Python exception.
pub(crate) fn to_pyerr(py: Python<'_>, err: mpd_client::Error) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: mpd_client::Error) -> PyResult<PyErr> {
    use mpd_client::Error as E;
    let c = Classes::get(py)?;
    let message = err.to_string();
    let mut attrs = vec![
        ("command", opt_str(py, err.command())?),
        ("reply", opt_str(py, err.reply())?),
    ];
    let class = match &err {
        E::InvalidArgument(_) => &c.invalid_argument,
        E::Connect { address, source } => {
            attrs.push(("address", address.into_bound_py_any(py)?));
            attrs.push(("errno", source.raw_os_error().into_bound_py_any(py)?));
            &c.connection_failed
        }
        E::Timeout { after, detail, .. } => {
            attrs.push(("after", after.as_secs_f64().into_bound_py_any(py)?));
            attrs.push(("detail", detail.into_bound_py_any(py)?));
            &c.timeout
        }
        E::DaemonTimeout { .. } => {
            attrs.push(("after", py.None().into_bound(py)));
            attrs.push((
                "detail",
                "the daemon answered \"timeout\"".into_bound_py_any(py)?,
            ));
            &c.timeout
        }
        E::ConnectionClosed { detail, .. } => {
            attrs.push(("detail", detail.into_bound_py_any(py)?));
            &c.connection_closed
        }
        E::Protocol { source, .. } => {
            attrs.push(("detail", source.to_string().into_bound_py_any(py)?));
            &c.protocol_error
        }
        E::PermissionDenied { .. } => &c.permission_denied,
        E::CommandFailed { message, .. } => {
            attrs.push(("message", opt_str(py, message.as_deref())?));
            attrs.push(("not_found", err.is_not_found().into_bound_py_any(py)?));
            &c.command_failed
        }
        E::UnknownCommand { version, .. } => {
            let v = version.map(DaemonVersion::from);
            attrs.push(("version", v.into_bound_py_any(py)?));
            &c.unknown_command
        }
        E::Blacklisted { .. } => &c.blacklisted,
        E::MapInUse { .. } => &c.map_in_use,
        E::Io { source, .. } => {
            attrs.push(("errno", source.raw_os_error().into_bound_py_any(py)?));
            &c.io_error
        }
        // `mpd_client::Error` is non-exhaustive: a kind added later is at
        // least a `multipathd.Error` with its message and command.
        _ => &c.error,
    };
    raise(py, class, message, attrs)
}

/// A `multipathd.InvalidArgument` raised by the binding itself (for an
/// argument that never reaches mpd-client, such as a negative timeout).
pub(crate) fn invalid_argument(py: Python<'_>, message: String) -> PyErr {
    Classes::get(py)
        .and_then(|c| raise(py, &c.invalid_argument, message, Vec::new()))
        .unwrap_or_else(|e| e)
}

/// A `multipathd.Error` for a panic in Rust code, so that it never reaches
/// Python as pyo3's `PanicException` (a `BaseException` that `except
/// Exception` does not catch).
pub(crate) fn panic_error(py: Python<'_>, payload: Box<dyn Any + Send>) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_owned());
    let message = format!("internal error in the multipathd binding (Rust panic: {what})");
    Classes::get(py)
        .and_then(|c| raise(py, &c.error, message, Vec::new()))
        .unwrap_or_else(|e| e)
}

/// Runs `f` with the GIL released and any panic caught, turning its error
/// with `convert` once the GIL is held again.
pub(crate) fn detached<T, E, F>(
    py: Python<'_>,
    f: F,
    convert: impl FnOnce(Python<'_>, E) -> PyErr,
) -> PyResult<T>
where
    F: FnOnce() -> Result<T, E> + Send,
    T: Send,
    E: Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(convert(py, e)),
        Err(payload) => Err(panic_error(py, payload)),
    }
}

/// Panics inside the binding's panic guard, so that the tests can check
/// that a Rust panic reaches Python as `multipathd.Error`. Not public API.
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
pub(crate) fn panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    detached(
        py,
        move || -> Result<(), std::convert::Infallible> { panic!("{message}") },
        |_, e| match e {},
    )
}
