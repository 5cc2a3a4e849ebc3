//! # mpd-py: the compiled half of the `multipathd` Python package
//!
//! This crate builds `multipathd._multipathd`, which the package in
//! `python/multipathd` re-exports. It only converts: Rust models become
//! frozen Python classes, `mpd_client::Error` becomes a Python exception
//! hierarchy, and every call runs the Rust client with the GIL released.
//! All protocol and client behaviour lives in `mpd-client` and `mpd-proto`.
//!
//! - [`client`]: `multipathd.Client`, one method per `mpd_client::Client`
//!   method.
//! - [`async_client`]: `multipathd.AsyncClient` and `multipathd.AsyncWatch`,
//!   over `mpd_client::AsyncClient` on a tokio runtime, as asyncio
//!   awaitables.
//! - [`models`]: `Path`, `Map`, `Topology`, … (a topology converted
//!   lazily), the jobs' `Health`, `MapHealth`, `DownPath`, `Removal`, the
//!   state enums (`CheckerState`, …, `HealthState`) and `PrStatus`,
//!   `DaemonVersion`; `ToPython`, the conversion of every operation's and
//!   job's result.
//! - [`sim`]: `multipathd.testing.Simulator`, over `mpd_sim`.
//! - [`watch`]: `multipathd.Watch` and `multipathd.Event`, over
//!   `mpd_client::watch`.
//! - [`errors`]: the error conversion into the exception classes of
//!   `multipathd/_errors.py` (by `ErrorKind::name()`), and the panic guard
//!   (a Rust panic reaches Python as `multipathd.Error`, never as pyo3's
//!   `PanicException`).
//!
//! Build the wheel with maturin from `python/` (`pip install ./python`); the
//! pytest suite in `python/tests` runs against the installed package.

pub mod async_client;
mod async_ops;
pub mod client;
pub mod errors;
pub mod models;
mod ops;
pub mod sim;
pub mod watch;

use pyo3::prelude::*;

/// The compiled module `multipathd._multipathd`.
#[pymodule]
#[pyo3(name = "_multipathd")]
fn multipathd_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_TIMEOUT", mpd_client::DEFAULT_TIMEOUT.as_secs_f64())?;
    m.add("DEFAULT_SOCKET_PATH", mpd_client::DEFAULT_SOCKET_PATH)?;
    m.add(
        "DEFAULT_ABSTRACT_NAME",
        format!("@{}", mpd_client::DEFAULT_ABSTRACT_NAME),
    )?;
    m.add("SOCKET_ENV", mpd_client::SOCKET_ENV)?;

    m.add_class::<client::Client>()?;
    m.add_class::<async_client::AsyncClient>()?;
    m.add_class::<async_client::AsyncWatch>()?;
    m.add_class::<models::Path>()?;
    m.add_class::<models::Map>()?;
    m.add_class::<models::Topology>()?;
    m.add_class::<models::MapTopology>()?;
    m.add_class::<models::PathGroup>()?;
    m.add_class::<models::TopologyPath>()?;
    m.add_class::<models::DaemonStatus>()?;
    m.add_class::<models::DaemonState>()?;
    m.add_class::<models::MapStatus>()?;
    m.add_class::<models::MapStats>()?;
    m.add_class::<models::PrKey>()?;
    m.add_class::<models::DaemonVersion>()?;
    m.add_class::<models::Health>()?;
    m.add_class::<models::MapHealth>()?;
    m.add_class::<models::DownPath>()?;
    m.add_class::<models::Removal>()?;
    m.add_class::<sim::Simulator>()?;
    m.add_class::<watch::Watch>()?;
    m.add_class::<watch::Event>()?;
    m.add("PrStatus", models::pr_status_class(py)?)?;
    for class in models::state_enum_classes(py)? {
        m.add(class.name()?, class)?;
    }

    errors::add_to(m)?;
    m.add_function(wrap_pyfunction!(errors::panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(models::serde_json_of, m)?)?;
    Ok(())
}
