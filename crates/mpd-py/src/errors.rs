//! The conversion of [`mpd_client::Error`] into the package's exceptions,
//! and the panic guard.
//!
//! The exception classes are written in Python, in `multipathd/_errors.py`
//! (with their docstrings and class-level attribute defaults). Each
//! [`mpd_client::ErrorKind`] has its class, named in one `PerKind` table
//! here (exhaustive: a new kind does not compile until it has one); an
//! error becomes an instance of its kind's class, with the message, the
//! kind's name and retry properties (`kind`, `transient`, `may_have_run`)
//! and the attributes its variant carries (`command`, `reply`, `address`,
//! `errno`, `after`, `detail`, `message`, `version`, `what`, `last`). The
//! test suite checks that the module's `KINDS` table agrees with every kind
//! the Rust client has (`error_kinds`).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyModule, PyType};
use pyo3::IntoPyObjectExt;

use mpd_client::{ErrorKind, PerKind};

use crate::models::DaemonVersion;

/// The Python module that defines the exception classes.
pub(crate) const MODULE: &str = "multipathd._errors";

/// The class of each kind of failure, by its name in [`MODULE`]. A
/// `PerKind` names every kind, so a kind added to mpd-client does not
/// compile here until it has its class (no catch-all); the tests check
/// that the module's `KINDS` table agrees.
const CLASS_NAMES: PerKind<&str> = PerKind {
    invalid_argument: "InvalidArgument",
    connect: "ConnectionFailed",
    timeout: "Timeout",
    daemon_timeout: "DaemonTimeout",
    connection_closed: "ConnectionClosed",
    protocol: "ProtocolError",
    permission_denied: "PermissionDenied",
    not_found: "NotFound",
    command_failed: "CommandFailed",
    unknown_command: "UnknownCommand",
    blacklisted: "Blacklisted",
    map_in_use: "MapInUse",
    io: "IoError",
    wait_timeout: "WaitTimeout",
    untrusted_peer: "UntrustedPeer",
};

/// What the binding needs from [`MODULE`], looked up once per process.
struct Classes {
    /// `multipathd.Error`, the root (and the class of a panic).
    error: Py<PyType>,
    /// The module itself.
    module: Py<PyModule>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

impl Classes {
    fn get(py: Python<'_>) -> PyResult<&'static Classes> {
        CLASSES.get_or_try_init(py, || {
            let module = py.import(MODULE)?;
            Ok(Classes {
                error: module.getattr("Error")?.cast_into::<PyType>()?.unbind(),
                module: module.unbind(),
            })
        })
    }

    /// The class for a kind of failure.
    fn of<'py>(&self, py: Python<'py>, kind: ErrorKind) -> PyResult<Bound<'py, PyType>> {
        let name = *kind.pick(&CLASS_NAMES);
        Ok(self.module.bind(py).getattr(name)?.cast_into::<PyType>()?)
    }
}

/// Adds the exception classes to the compiled module too (the stubs
/// re-export them from there), so that `multipathd._multipathd.Error` is
/// `multipathd.Error`.
pub(crate) fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let module = m.py().import(MODULE)?;
    for name in module.getattr("__all__")?.extract::<Vec<String>>()? {
        m.add(name.as_str(), module.getattr(name.as_str())?)?;
    }
    Ok(())
}

/// Builds an instance of `class` with `message` as its only argument and
/// the given attributes.
fn raise<'py>(
    class: &Bound<'py, PyType>,
    message: String,
    attrs: Vec<(&'static str, Bound<'py, PyAny>)>,
) -> PyResult<PyErr> {
    let exc = class.call1((message,))?;
    for (name, value) in attrs {
        exc.setattr(name, value)?;
    }
    Ok(PyErr::from_value(exc))
}

/// Turns a client error into the matching Python exception.
pub(crate) fn to_pyerr(py: Python<'_>, err: mpd_client::Error) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: mpd_client::Error) -> PyResult<PyErr> {
    use mpd_client::Error as E;
    let class = Classes::get(py)?.of(py, err.kind())?;
    let kind = err.kind();
    let mut attrs = vec![
        ("command", err.command().into_bound_py_any(py)?),
        ("reply", err.reply().into_bound_py_any(py)?),
        ("kind", kind.name().into_bound_py_any(py)?),
        ("transient", kind.is_transient().into_bound_py_any(py)?),
        ("may_have_run", kind.may_have_run().into_bound_py_any(py)?),
    ];
    // The attributes only some variants carry. The class comes from the
    // kind above, so a variant without extra fields needs nothing here.
    if let E::Connect { address, source } = &err {
        attrs.push(("address", address.into_bound_py_any(py)?));
        attrs.push(("errno", source.raw_os_error().into_bound_py_any(py)?));
    }
    if let E::Timeout { after, detail, .. } = &err {
        attrs.push(("after", after.as_secs_f64().into_bound_py_any(py)?));
        attrs.push(("detail", detail.into_bound_py_any(py)?));
    }
    if let E::WaitTimeout { what, after, last } = &err {
        attrs.push(("what", what.into_bound_py_any(py)?));
        attrs.push(("after", after.as_secs_f64().into_bound_py_any(py)?));
        attrs.push(("last", pythonize::pythonize(py, &**last)?));
    }
    if let E::ConnectionClosed { detail, .. } = &err {
        attrs.push(("detail", detail.into_bound_py_any(py)?));
    }
    if let E::Protocol { source, .. } = &err {
        attrs.push(("detail", source.to_string().into_bound_py_any(py)?));
    }
    if let E::CommandFailed { message, .. } = &err {
        attrs.push(("message", message.as_deref().into_bound_py_any(py)?));
    }
    if let E::UnknownCommand { version, .. } = &err {
        let version = version.map(DaemonVersion::from);
        attrs.push(("version", version.into_bound_py_any(py)?));
    }
    if let E::UntrustedPeer {
        address,
        uid,
        pid,
        expected,
    } = &err
    {
        attrs.push(("address", address.into_bound_py_any(py)?));
        attrs.push(("uid", uid.into_bound_py_any(py)?));
        attrs.push(("pid", pid.into_bound_py_any(py)?));
        attrs.push(("expected", expected.into_bound_py_any(py)?));
    }
    if let E::Io { source, .. } = &err {
        attrs.push(("errno", source.raw_os_error().into_bound_py_any(py)?));
    }
    raise(&class, err.to_string(), attrs)
}

/// A `multipathd.InvalidArgument` raised by the binding itself (for an
/// argument that never reaches mpd-client, such as a negative timeout).
pub(crate) fn invalid_argument(py: Python<'_>, message: String) -> PyErr {
    Classes::get(py)
        .and_then(|c| c.of(py, ErrorKind::InvalidArgument))
        .and_then(|class| raise(&class, message, Vec::new()))
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
        .and_then(|c| raise(c.error.bind(py), message, Vec::new()))
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

/// The name of every kind of failure of the Rust client
/// (`mpd_client::ErrorKind::name()` of each of `ErrorKind::ALL`), for the
/// test that checks `multipathd._errors.KINDS` against it. Not public API.
#[pyfunction]
#[pyo3(name = "_error_kinds")]
pub(crate) fn error_kinds(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, ErrorKind::ALL.iter().map(|k| k.name()))
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
