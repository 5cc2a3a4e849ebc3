//! The typed values, as immutable Python objects.
//!
//! Each class wraps the Rust value from `mpd_proto::model` and exposes its
//! fields under the same names as read-only properties. Sequences of nested
//! values are tuples; `to_dict()` gives plain JSON-ready values (dicts,
//! lists, str, int, bool, None) with the same keys as the Rust value's serde
//! serialization.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use pyo3::IntoPyObjectExt;

use mpd_client::mpd_proto;

/// A Rust field value that can become a Python value.
pub(crate) trait Field {
    /// The value for a property: nested models as model objects, sequences
    /// as tuples, mappings as (fresh) dicts.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    /// The value for `to_dict()`: nested models as dicts, sequences as lists.
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_py(py)
    }
}

macro_rules! scalar_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.into_bound_py_any(py)
            }
        }
    )*};
}
scalar_field!(String, u32, u64, i32, bool);

/// State enums reach Python as the daemon's word.
macro_rules! word_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.to_string().into_bound_py_any(py)
            }
        }
    )*};
}
word_field!(
    mpd_proto::model::PathDmState,
    mpd_proto::model::CheckerState,
    mpd_proto::model::DevState,
    mpd_proto::model::MapDmState,
    mpd_proto::model::GroupState,
    mpd_proto::model::MarginalState,
    mpd_proto::model::Queueing
);

impl<T: Field> Field for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_plain(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl Field for BTreeMap<String, u64> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = PyDict::new(py);
        for (k, v) in self {
            d.set_item(k, v)?;
        }
        Ok(d.into_any())
    }
}

impl<T: Model> Field for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.clone().wrap(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyTuple::new(py, items)?.into_any())
    }
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.plain(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

/// A Rust model type with its Python class.
pub(crate) trait Model: Clone {
    /// Wraps the value in its Python class.
    fn wrap<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    /// The value as a plain dict.
    fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

/// A hash consistent with `==` on the wrapped value (equal values print
/// equal `Debug` text).
fn debug_hash(value: &impl std::fmt::Debug) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{value:?}").hash(&mut h);
    h.finish()
}

/// Defines a frozen pyclass wrapping a Rust model, with one read-only
/// property per field, `__repr__`, `__eq__`, `__hash__` and `to_dict()`.
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident($inner:ty) {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
        $($extra:tt)*
    ) => {
        $(#[$meta])*
        #[pyclass(module = "multipathd", frozen, eq)]
        #[derive(Clone, PartialEq)]
        pub struct $name {
            pub(crate) inner: $inner,
        }

        impl From<$inner> for $name {
            fn from(inner: $inner) -> Self {
                $name { inner }
            }
        }

        impl Model for $inner {
            fn wrap<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Bound::new(py, $name::from(self)).map(Bound::into_any)
            }
            fn plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let d = PyDict::new(py);
                $( d.set_item(stringify!($field), self.$field.to_plain(py)?)?; )*
                Ok(d.into_any())
            }
        }

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.inner.$field.to_py(py)
                }
            )*

            /// The value as plain JSON-ready data: a dict with the same keys
            /// as the attributes, nested values as dicts and lists.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.inner.plain(py)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let mut parts: Vec<String> = Vec::new();
                $(
                    parts.push(format!(
                        "{}={}",
                        stringify!($field),
                        self.inner.$field.to_py(py)?.repr()?
                    ));
                )*
                Ok(format!("{}({})", stringify!($name), parts.join(", ")))
            }

            fn __hash__(&self) -> u64 {
                debug_hash(&self.inner)
            }

            $($extra)*
        }
    };
}

model! {
    /// One path (a SCSI or NVMe device under a multipath map), from
    /// Client.list_paths(). Fields the daemon reports as unknown are None.
    Path(mpd_proto::model::Path) {
        /// Kernel device name ("sda").
        device,
        /// Device major number.
        major,
        /// Device minor number.
        minor,
        /// The WWID of the LUN behind the path.
        uuid,
        /// The kernel's device state ("running", "offline"); None for an orphan.
        dev_state,
        /// The path's state in the device-mapper table ("active", "failed").
        dm_state,
        /// The path checker's verdict ("ready", "faulty", "ghost", "i/o pending", ...).
        checker_state,
        /// The name of the map the path belongs to; None for an orphan.
        map,
        /// SCSI host:channel:target:LUN ("0:0:0:1").
        hcil,
        /// Path priority; None when undefined.
        priority,
        /// Vendor.
        vendor,
        /// Product.
        product,
        /// Revision (0.11+ report it).
        revision,
        /// Serial number.
        serial,
        /// Whether the path is marginal.
        marginal,
        /// The checker in use ("tur", "directio", ...).
        checker,
    }
}

model! {
    /// One multipath map (a device-mapper multipath target), from
    /// Client.list_maps().
    Map(mpd_proto::model::Map) {
        /// Map name (alias or WWID).
        name,
        /// WWID of the LUN.
        uuid,
        /// The dm device ("dm-0").
        device,
        /// Number of active paths (usable: "ready" or "ghost"), the daemon's
        /// count; not the total.
        active_paths,
        /// Queueing mode as the daemon prints it ("off", "on", "5 chk", ...).
        queueing,
        /// Device-mapper state ("active", "suspend").
        dm_state,
        /// Size as the daemon prints it ("16M", "1.0T").
        size,
        /// Table features ("0", "1 queue_if_no_path").
        features,
        /// Hardware handler ("1 alua", "0").
        hwhandler,
        /// Write protection ("rw", "ro").
        write_prot,
        /// Failback policy ("manual", "immediate", a number).
        failback,
        /// Vendor.
        vendor,
        /// Product.
        product,
        /// Revision.
        revision,
    }
}

model! {
    /// All maps with their path groups and paths, from Client.topology()
    /// (`show maps json`) or Client.topology_text() (`show topology`).
    Topology(mpd_proto::model::Topology) {
        /// The JSON format's major version; None when parsed from text.
        major_version,
        /// The JSON format's minor version; None when parsed from text.
        minor_version,
        /// The maps.
        maps,
    }

    /// The map with this name, or None.
    fn map(&self, py: Python<'_>, name: &str) -> PyResult<Option<Py<MapTopology>>> {
        self.inner
            .map(name)
            .map(|m| Py::new(py, MapTopology::from(m.clone())))
            .transpose()
    }

    /// Every path of every map, as (map, path) pairs.
    /// Each map is one object, shared by the pairs of its paths.
    fn paths(&self, py: Python<'_>) -> PyResult<Vec<(Py<MapTopology>, Py<TopologyPath>)>> {
        let mut pairs = Vec::new();
        let mut current: Option<(&mpd_proto::model::MapTopology, Py<MapTopology>)> = None;
        for (m, p) in self.inner.paths() {
            let map = match &current {
                Some((last, obj)) if std::ptr::eq(*last, m) => obj.clone_ref(py),
                _ => {
                    let obj = Py::new(py, MapTopology::from(m.clone()))?;
                    current = Some((m, obj.clone_ref(py)));
                    obj
                }
            };
            pairs.push((map, Py::new(py, TopologyPath::from(p.clone()))?));
        }
        Ok(pairs)
    }
}

model! {
    /// One map with its path groups, from Client.map_topology() or inside a
    /// Topology.
    MapTopology(mpd_proto::model::MapTopology) {
        /// Map name.
        name,
        /// WWID.
        uuid,
        /// The dm device ("dm-0").
        device,
        /// Failback policy.
        failback,
        /// Queueing mode.
        queueing,
        /// Number of active paths (usable: "ready" or "ghost"), the daemon's
        /// count; not the total (total_paths).
        active_paths,
        /// Number of paths in the map's path groups, whatever their state.
        total_paths,
        /// Write protection ("rw"/"ro").
        write_prot,
        /// Device-mapper state ("active", "suspend").
        dm_state,
        /// Table features.
        features,
        /// Hardware handler.
        hwhandler,
        /// The last action the daemon took on the map ("create", "reload", ...).
        action,
        /// Path failures counted.
        path_faults,
        /// Vendor.
        vendor,
        /// Product.
        product,
        /// Revision.
        revision,
        /// Path-group switches counted.
        switch_grp,
        /// Table loads counted.
        map_loads,
        /// Seconds spent queueing.
        total_q_time,
        /// Queueing timeouts counted.
        q_timeouts,
        /// Size as printed ("16M"); only the text topology carries it.
        size,
        /// The path groups, in the table's order.
        path_groups,
    }
}

model! {
    /// One path group of a map.
    PathGroup(mpd_proto::model::PathGroup) {
        /// Path selector ("service-time 0").
        selector,
        /// Group priority.
        priority,
        /// Group state ("active", "enabled", "disabled").
        dm_state,
        /// Whether the group is marginal.
        marginal,
        /// Group number, from 1 (the number switch_group() takes).
        number,
        /// The paths of the group.
        paths,
    }
}

model! {
    /// One path inside a path group.
    TopologyPath(mpd_proto::model::TopologyPath) {
        /// Kernel device name.
        device,
        /// Major number.
        major,
        /// Minor number.
        minor,
        /// State in the dm table ("active", "failed").
        dm_state,
        /// Kernel device state ("running", "offline").
        dev_state,
        /// Checker verdict ("ready", "faulty").
        checker_state,
        /// Checker name ("tur").
        checker,
        /// Path priority.
        priority,
        /// Host WWNN (FC).
        host_wwnn,
        /// Target WWNN (FC).
        target_wwnn,
        /// Host WWPN (FC).
        host_wwpn,
        /// Target WWPN (FC).
        target_wwpn,
        /// Host adapter (PCI address).
        host_adapter,
        /// LUN in hex (0.9+).
        lun_hex,
        /// Whether the path is marginal.
        marginal,
        /// H:C:T:L; only the text topology carries it.
        hcil,
    }
}

model! {
    /// `show status`: how many paths each checker state holds.
    DaemonStatus(mpd_proto::model::DaemonStatus) {
        /// Paths per checker state ("up", "down", "ghost", ...); a new dict
        /// on each access.
        checker_states,
        /// Total number of paths.
        paths,
        /// Whether the daemon is busy (reconfiguring or handling uevents).
        busy,
    }
}

model! {
    /// `show daemon`: the daemon's pid and state word.
    DaemonState(mpd_proto::model::DaemonState) {
        /// Process id.
        pid,
        /// State: "idle", "running", "configure", "shutdown", "startup", ...
        state,
    }
}

model! {
    /// One row of `show maps status`.
    MapStatus(mpd_proto::model::MapStatus) {
        /// Map name.
        name,
        /// Failback policy.
        failback,
        /// Queueing ("off", "on", "5 chk", ...).
        queueing,
        /// Number of active paths (usable: "ready" or "ghost"); not the total.
        active_paths,
        /// dm state ("active", "suspend").
        dm_state,
        /// Write protection.
        write_prot,
    }
}

model! {
    /// One row of `show maps stats`.
    MapStats(mpd_proto::model::MapStats) {
        /// Map name.
        name,
        /// Path failures.
        path_faults,
        /// Path-group switches.
        switch_grp,
        /// Table loads.
        map_loads,
        /// Seconds spent queueing.
        total_q_time,
        /// Queueing timeouts.
        q_timeouts,
    }
}

model! {
    /// A persistent-reservation key, from Client.pr_key().
    PrKey(mpd_client::PrKey) {
        /// The 64-bit key.
        key,
        /// Whether it persists through power loss (":aptpl").
        aptpl,
    }

    /// The key as the daemon writes it: "0x1a" or "0x1a:aptpl".
    fn __str__(&self) -> String {
        let suffix = if self.inner.aptpl { ":aptpl" } else { "" };
        format!("{:#x}{suffix}", self.inner.key)
    }
}

/// A multipath-tools release number (from Client.daemon_version() and
/// UnknownCommand.version).
///
/// Compares and hashes like the tuple (major, minor, patch), so
/// `client.daemon_version() >= (0, 9, 0)` works; str() gives "0.9.4".
#[pyclass(module = "multipathd", frozen)]
#[derive(Clone, PartialEq, Eq)]
pub struct DaemonVersion {
    inner: mpd_proto::DaemonVersion,
}

impl From<mpd_proto::DaemonVersion> for DaemonVersion {
    fn from(inner: mpd_proto::DaemonVersion) -> Self {
        DaemonVersion { inner }
    }
}

impl DaemonVersion {
    fn tuple(&self) -> (u32, u32, u32) {
        (self.inner.major, self.inner.minor, self.inner.patch)
    }
}

#[pymethods]
impl DaemonVersion {
    /// DaemonVersion(major, minor, patch)
    #[new]
    fn new(major: u32, minor: u32, patch: u32) -> Self {
        mpd_proto::DaemonVersion::new(major, minor, patch).into()
    }

    /// Parses "0.9.4" or "v0.9.4"; raises ValueError otherwise.
    #[classmethod]
    fn parse(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        text.parse::<mpd_proto::DaemonVersion>()
            .map(Self::from)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    /// Major number.
    #[getter]
    fn major(&self) -> u32 {
        self.inner.major
    }

    /// Minor number.
    #[getter]
    fn minor(&self) -> u32 {
        self.inner.minor
    }

    /// Patch number.
    #[getter]
    fn patch(&self) -> u32 {
        self.inner.patch
    }

    /// The version as a tuple (major, minor, patch).
    fn to_tuple(&self) -> (u32, u32, u32) {
        self.tuple()
    }

    /// The version as a dict with keys major, minor, patch.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("major", self.inner.major)?;
        d.set_item("minor", self.inner.minor)?;
        d.set_item("patch", self.inner.patch)?;
        Ok(d)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        let (a, b, c) = self.tuple();
        format!("DaemonVersion({a}, {b}, {c})")
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.tuple().into_pyobject(py)?.hash()
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let theirs = if let Ok(v) = other.cast::<DaemonVersion>() {
            v.get().tuple()
        } else if let Ok(t) = other.extract::<(u32, u32, u32)>() {
            t
        } else {
            return Ok(py.NotImplemented());
        };
        op.matches(self.tuple().cmp(&theirs)).into_py_any(py)
    }
}

/// The `PrStatus` enum class (a `str` enum made with the functional API).
static PR_STATUS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `multipathd.PrStatus`, created on first use.
pub(crate) fn pr_status_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    let class = PR_STATUS.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let members = [("SET", "set"), ("UNSET", "unset"), ("UNKNOWN", "unknown")];
        let kwargs = PyDict::new(py);
        kwargs.set_item("module", "multipathd")?;
        kwargs.set_item("type", py.get_type::<pyo3::types::PyString>())?;
        let class = py
            .import("enum")?
            .getattr("Enum")?
            .call(("PrStatus", members), Some(&kwargs))?;
        class.setattr(
            "__doc__",
            "Whether the daemon has registered a reservation key for a map\n\
             (Client.pr_status()). A str enum: PrStatus.SET == \"set\".",
        )?;
        Ok(class.cast_into::<PyType>()?.unbind())
    })?;
    Ok(class.bind(py))
}

/// The `PrStatus` member for a Rust value.
pub(crate) fn pr_status<'py>(
    py: Python<'py>,
    status: mpd_client::PrStatus,
) -> PyResult<Bound<'py, PyAny>> {
    let value = match status {
        mpd_client::PrStatus::Set => "set",
        mpd_client::PrStatus::Unset => "unset",
        mpd_client::PrStatus::Unknown => "unknown",
    };
    pr_status_class(py)?.call1((value,))
}

/// A Rust client operation's output as a Python value (the generated
/// operation methods of `Client` return it).
pub(crate) trait ToPython {
    /// The Python value.
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl ToPython for () {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}

impl ToPython for String {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
}

/// Models and lists of models, through their wrapper classes.
macro_rules! to_python_model {
    ($($rust:ty => $py:ident),* $(,)?) => {$(
        impl ToPython for $rust {
            fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                $py::from(self).into_py_any(py)
            }
        }
        impl ToPython for Vec<$rust> {
            fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                self.into_iter().map($py::from).collect::<Vec<_>>().into_py_any(py)
            }
        }
    )*};
}
to_python_model!(
    mpd_proto::model::Path => Path,
    mpd_proto::model::Map => Map,
    mpd_proto::model::Topology => Topology,
    mpd_proto::model::MapTopology => MapTopology,
    mpd_proto::model::DaemonStatus => DaemonStatus,
    mpd_proto::model::DaemonState => DaemonState,
    mpd_proto::model::MapStatus => MapStatus,
    mpd_proto::model::MapStats => MapStats,
);

impl ToPython for mpd_client::PrStatus {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pr_status(py, self)?.unbind())
    }
}

impl ToPython for Option<mpd_client::PrKey> {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.map(PrKey::from).into_py_any(py)
    }
}

impl ToPython for mpd_proto::DaemonVersion {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        DaemonVersion::from(self).into_py_any(py)
    }
}
