//! The typed values, as immutable Python objects.
//!
//! Each class wraps a Rust value from `mpd_proto::model` and exposes its
//! fields under the same names as read-only properties:
//!
//! - states (`dm_state`, `checker_state`, `dev_state`, `marginal`) as
//!   members of `str` enums made here from the Rust enums' spelling tables
//!   (`KNOWN`, `as_str()`), a word the library does not know as a plain
//!   `str`; queueing as the daemon's text (`"5 chk"`);
//! - nested sequences as tuples, built on first access and kept;
//! - `to_dict()` from the model's serde `Serialize` (via `pythonize`),
//!   `__hash__` from its `Hash`, `==` from its `PartialEq`.
//!
//! A topology is converted lazily: `Topology` holds the parsed Rust value in
//! an `Arc`, and `MapTopology`, `PathGroup` and `TopologyPath` objects are
//! made only when Python asks for them, each sharing that `Arc` plus its
//! indices (no copy of the Rust data).
//!
//! The jobs' results (`Health`, `MapHealth`, `DownPath`, `Removal`) follow
//! the same conventions; the health verdict is the `str` enum
//! `HealthState`, made from `HealthState::ALL` and `name()`. `Health` (it
//! holds a mapping) and `Removal` are unhashable (`__hash__` is None), as a
//! Python class with `__eq__` and no `__hash__`.
//!
//! `ToPython` turns every output type of `mpd_client::Client`'s
//! operations and jobs into its Python value; `path_want` reads
//! `wait_for_path()`'s states.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::IntoPyObjectExt;
use serde::Serialize;

use mpd_client::mpd_proto;
use mpd_proto::health as rh;
use mpd_proto::model as rs;

// ----- conversion of the operations' results -----

/// The Python value of an operation's result: every output type of
/// `mpd_client::Client`'s operations implements it, so that a method is
/// `self.run(py, move |c| c.NAME(args))?.to_python(py)`.
pub(crate) trait ToPython {
    /// The value as a Python object.
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

/// Actions: `None`.
impl ToPython for () {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}

/// Text replies (`config()`, `path_state()`, `command()`): `str`.
impl ToPython for String {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
}

/// A model's Python class, from the Rust value.
macro_rules! to_python_via {
    ($($rust:ty => $class:ty),* $(,)?) => {$(
        impl ToPython for $rust {
            fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                <$class>::from(self).into_py_any(py)
            }
        }
    )*};
}
to_python_via!(
    rs::Path => Path,
    rs::Map => Map,
    rh::Health => Health,
    rh::MapHealth => MapHealth,
    mpd_client::Removal => Removal,
    rs::Topology => Topology,
    rs::MapTopology => MapTopology,
    rs::DaemonStatus => DaemonStatus,
    rs::DaemonState => DaemonState,
    mpd_proto::DaemonVersion => DaemonVersion,
);

/// Lists of models: a `list` of the model's class.
macro_rules! to_python_list {
    ($($rust:ty => $class:ty),* $(,)?) => {$(
        impl ToPython for Vec<$rust> {
            fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                self.into_iter()
                    .map(<$class>::from)
                    .collect::<Vec<_>>()
                    .into_py_any(py)
            }
        }
    )*};
}
to_python_list!(
    rs::Path => Path,
    rs::Map => Map,
    rs::MapStatus => MapStatus,
    rs::MapStats => MapStats,
);

/// The condition of `Client.wait_for_path()`: each state given, a word
/// read with the Rust enum's `parse` (so an enum member, which is a `str`,
/// works too). A word the library does not know is kept as the enum's
/// `Other` and compared as the daemon prints it.
pub(crate) fn path_want(
    dm_state: Option<String>,
    checker_state: Option<String>,
) -> mpd_client::PathWant {
    mpd_client::PathWant {
        dm_state: dm_state.as_deref().map(rs::PathDmState::parse),
        checker_state: checker_state.as_deref().map(rs::CheckerState::parse),
    }
}

/// `pr_status()`: a `PrStatus` member.
impl ToPython for mpd_client::PrStatus {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        pr_status(py, self).map(Bound::unbind)
    }
}

/// `pr_key()`: a `PrKey`, or `None` when no key is set.
impl ToPython for Option<mpd_client::PrKey> {
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.map(PrKey::from).into_py_any(py)
    }
}

// ----- str enums -----

/// Makes a `str` enum with the functional API of `enum.Enum`, in module
/// `multipathd`. With `prints_as_word`, `str()` and `format()` of a member
/// give its value (as `enum.StrEnum` does), so that printing a state shows
/// the daemon's word, as when states were plain strings.
fn str_enum<'py>(
    py: Python<'py>,
    name: &str,
    doc: &str,
    members: Vec<(String, String)>,
    prints_as_word: bool,
) -> PyResult<Bound<'py, PyType>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("module", "multipathd")?;
    kwargs.set_item("type", py.get_type::<PyString>())?;
    let class = py
        .import("enum")?
        .getattr("Enum")?
        .call((name, members), Some(&kwargs))?;
    class.setattr("__doc__", doc)?;
    if prints_as_word {
        let s = py.get_type::<PyString>();
        class.setattr("__str__", s.getattr("__str__")?)?;
        class.setattr("__format__", s.getattr("__format__")?)?;
    }
    Ok(class.cast_into::<PyType>()?)
}

/// A Python enum class made from a Rust enum, with its members in the
/// Rust spelling table's order.
pub(crate) struct EnumClass {
    class: Py<PyType>,
    members: Vec<Py<PyAny>>,
}

/// `CheckerState::Pending` (its `Debug` name, `Pending`) -> `PENDING`;
/// `FooBar` -> `FOO_BAR`.
fn constant_name(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

/// A state enum of `mpd_proto::model::state`, made into a Python `str`
/// enum from its spelling table.
pub(crate) trait StateEnum: PartialEq + std::fmt::Debug + Sized + 'static {
    /// The Python class name (the Rust name).
    const NAME: &'static str;
    /// The class docstring.
    const DOC: &'static str;
    /// The Rust enum's `KNOWN`.
    fn known() -> &'static [Self];
    /// The daemon's word (`as_str()`).
    fn word(&self) -> &str;
    /// False for `Other(word)`.
    fn is_known_word(&self) -> bool;
    /// Where the class is kept once made.
    fn cell() -> &'static PyOnceLock<EnumClass>;

    /// The Python class, made on first use.
    fn class(py: Python<'_>) -> PyResult<&'static EnumClass> {
        Self::cell().get_or_try_init(py, || {
            let members = Self::known()
                .iter()
                .map(|s| (constant_name(&format!("{s:?}")), s.word().to_owned()))
                .collect();
            let class = str_enum(py, Self::NAME, Self::DOC, members, true)?;
            let members = Self::known()
                .iter()
                .map(|s| class.call1((s.word(),)).map(Bound::unbind))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(EnumClass {
                class: class.unbind(),
                members,
            })
        })
    }

    /// The enum member for a known state, the word as a plain `str` for
    /// `Other`.
    fn to_member<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if self.is_known_word() {
            if let Some(i) = Self::known().iter().position(|k| k == self) {
                return Ok(Self::class(py)?.members[i].bind(py).clone());
            }
        }
        Ok(PyString::new(py, self.word()).into_any())
    }
}

macro_rules! state_enum {
    ($($t:ident: $doc:literal;)*) => {$(
        impl StateEnum for rs::$t {
            const NAME: &'static str = stringify!($t);
            const DOC: &'static str = $doc;
            fn known() -> &'static [Self] {
                rs::$t::KNOWN
            }
            fn word(&self) -> &str {
                self.as_str()
            }
            fn is_known_word(&self) -> bool {
                self.is_known()
            }
            fn cell() -> &'static PyOnceLock<EnumClass> {
                static CELL: PyOnceLock<EnumClass> = PyOnceLock::new();
                &CELL
            }
        }

        impl Field for rs::$t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.to_member(py)
            }
        }
    )*};
}

state_enum! {
    PathDmState: "A path's state in its map's device-mapper table (Path.dm_state,\n\
        TopologyPath.dm_state). A str enum whose values are the daemon's words:\n\
        PathDmState.FAILED == \"failed\"; str() gives the word.";
    CheckerState: "The path checker's verdict (Path.checker_state,\n\
        TopologyPath.checker_state). A str enum whose values are the daemon's\n\
        words: CheckerState.PENDING == \"i/o pending\"; str() gives the word.";
    DevState: "The kernel's state of a path's device (Path.dev_state,\n\
        TopologyPath.dev_state). A str enum whose values are the daemon's words:\n\
        DevState.RUNNING == \"running\"; str() gives the word.";
    MapDmState: "A map's device-mapper state (Map.dm_state, MapTopology.dm_state,\n\
        MapStatus.dm_state). A str enum whose values are the daemon's words:\n\
        MapDmState.SUSPEND == \"suspend\"; str() gives the word.";
    GroupState: "A path group's state (PathGroup.dm_state). A str enum whose values\n\
        are the daemon's words: GroupState.ENABLED == \"enabled\"; str() gives the\n\
        word.";
    MarginalState: "Whether a path or path group is marginal (Path.marginal,\n\
        TopologyPath.marginal, PathGroup.marginal). A str enum whose values are\n\
        the daemon's words: MarginalState.MARGINAL == \"marginal\", and\n\
        MarginalState.NORMAL == \"normal\" (a non-empty str: test with ==, not\n\
        truthiness); str() gives the word.";
}

/// The health verdict: every state of `HealthState::ALL`, spelt by its
/// `name()` (there is no unknown word).
impl StateEnum for rh::HealthState {
    const NAME: &'static str = "HealthState";
    const DOC: &'static str = "How a map is doing (MapHealth.state, the keys of Health.counts),\n\
        best first. A str enum whose values are stable snake-case names:\n\
        HealthState.DEGRADED == \"degraded\"; str() gives the name.";
    fn known() -> &'static [Self] {
        &rh::HealthState::ALL
    }
    fn word(&self) -> &str {
        self.name()
    }
    fn is_known_word(&self) -> bool {
        true
    }
    fn cell() -> &'static PyOnceLock<EnumClass> {
        static CELL: PyOnceLock<EnumClass> = PyOnceLock::new();
        &CELL
    }
}

impl Field for rh::HealthState {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_member(py)
    }
}

/// Reads a `HealthState` from Python: a member or its value (as
/// `HealthState(x)` does; ValueError otherwise).
fn health_state(state: &Bound<'_, PyAny>) -> PyResult<rh::HealthState> {
    let py = state.py();
    let class = rh::HealthState::class(py)?;
    let member = class.class.bind(py).call1((state,))?;
    class
        .members
        .iter()
        .position(|m| m.bind(py).is(&member))
        .map(|i| rh::HealthState::ALL[i])
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("not a HealthState"))
}

/// Every state enum class, for the module.
pub(crate) fn state_enum_classes(py: Python<'_>) -> PyResult<Vec<&Bound<'_, PyType>>> {
    Ok(vec![
        rh::HealthState::class(py)?.class.bind(py),
        rs::PathDmState::class(py)?.class.bind(py),
        rs::CheckerState::class(py)?.class.bind(py),
        rs::DevState::class(py)?.class.bind(py),
        rs::MapDmState::class(py)?.class.bind(py),
        rs::GroupState::class(py)?.class.bind(py),
        rs::MarginalState::class(py)?.class.bind(py),
    ])
}

/// The `PrStatus` enum class and its members (SET, UNSET, UNKNOWN).
static PR_STATUS: PyOnceLock<EnumClass> = PyOnceLock::new();

fn pr_status_enum(py: Python<'_>) -> PyResult<&'static EnumClass> {
    PR_STATUS.get_or_try_init(py, || {
        let words = ["set", "unset", "unknown"];
        let members = words
            .iter()
            .map(|w| (w.to_uppercase(), (*w).to_owned()))
            .collect();
        let class = str_enum(
            py,
            "PrStatus",
            "Whether the daemon has registered a reservation key for a map\n\
             (Client.pr_status()). A str enum: PrStatus.SET == \"set\".",
            members,
            false,
        )?;
        let members = words
            .iter()
            .map(|w| class.call1((*w,)).map(Bound::unbind))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(EnumClass {
            class: class.unbind(),
            members,
        })
    })
}

/// `multipathd.PrStatus`, created on first use.
pub(crate) fn pr_status_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    Ok(pr_status_enum(py)?.class.bind(py))
}

/// The `PrStatus` member for a Rust value.
pub(crate) fn pr_status<'py>(
    py: Python<'py>,
    status: mpd_client::PrStatus,
) -> PyResult<Bound<'py, PyAny>> {
    let i = match status {
        mpd_client::PrStatus::Set => 0,
        mpd_client::PrStatus::Unset => 1,
        mpd_client::PrStatus::Unknown => 2,
    };
    Ok(pr_status_enum(py)?.members[i].bind(py).clone())
}

// ----- fields -----

/// A Rust field value that can become a Python value.
pub(crate) trait Field {
    /// The value for a property: states as enum members (or str), mappings
    /// as (fresh) dicts.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
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

/// Queueing carries numbers (`5 chk`, `12 sec`): it reaches Python as the
/// daemon's text.
impl Field for rs::Queueing {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, &self.to_string()).into_any())
    }
}

/// A duration (`Removal.elapsed`): float seconds.
impl Field for std::time::Duration {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.as_secs_f64().into_bound_py_any(py)
    }
}

/// A kind of failure (`Removal.last_error_kind`): its name, as the
/// exceptions' `kind` (`"map_in_use"`).
impl Field for mpd_client::ErrorKind {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self.name()).into_any())
    }
}

impl<T: Field> Field for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_py(py),
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

// ----- the model classes -----

/// A Python model class: the Rust value it shows.
pub(crate) trait Model {
    /// The Rust model.
    type Inner: Serialize + PartialEq;
    /// The Rust value.
    fn get(&self) -> &Self::Inner;
}

/// A hash consistent with `==` on the Rust value (its derived `Hash`).
fn hash_of(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The methods every model class has: one read-only property per scalar
/// field, `to_dict()`, `__repr__` (the scalar fields, then the `nested`
/// ones, which the class defines itself) and `__hash__` (none after
/// `unhashable`, for a Rust type without `Hash`: the class is then
/// unhashable); and `$extra`.
macro_rules! model_methods {
    (unhashable $($rest:tt)*) => {
        model_methods! { @impl [] $($rest)* }
    };
    ($name:ident $($rest:tt)*) => {
        model_methods! {
            @impl [
                fn __hash__(&self) -> u64 {
                    hash_of(self.get())
                }
            ]
            $name $($rest)*
        }
    };
    (
        @impl [$($hash:tt)*]
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
        nested [$($nested:ident),*]
        $($extra:tt)*
    ) => {
        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.get().$field.to_py(py)
                }
            )*

            /// The value as plain JSON-ready data (dicts, lists, str, int,
            /// bool, None), with the keys of the Rust value's serde
            /// serialization (the attribute names); states as the daemon's
            /// words.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(pythonize::pythonize(py, self.get())?)
            }

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                let parts: Vec<String> = vec![
                    $( format!("{}={}", stringify!($field), slf.getattr(stringify!($field))?.repr()?), )*
                    $( format!("{}={}", stringify!($nested), slf.getattr(stringify!($nested))?.repr()?), )*
                ];
                Ok(format!("{}({})", stringify!($name), parts.join(", ")))
            }

            $($hash)*

            $($extra)*
        }
    };
}

/// A model class that owns its Rust value.
macro_rules! model {
    (
        $(#[$meta:meta])*
        unhashable $name:ident($inner:ty) $fields:tt
        $($extra:tt)*
    ) => {
        model! { @class $(#[$meta])* $name($inner) }
        model_methods! { unhashable $name $fields nested [] $($extra)* }
    };
    (
        $(#[$meta:meta])*
        $name:ident($inner:ty) $fields:tt
        $($extra:tt)*
    ) => {
        model! { @class $(#[$meta])* $name($inner) }
        model_methods! { $name $fields nested [] $($extra)* }
    };
    (@class $(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[pyclass(module = "multipathd", frozen, eq)]
        #[derive(PartialEq)]
        pub struct $name {
            pub(crate) inner: $inner,
        }

        impl From<$inner> for $name {
            fn from(inner: $inner) -> Self {
                $name { inner }
            }
        }

        impl Model for $name {
            type Inner = $inner;
            fn get(&self) -> &$inner {
                &self.inner
            }
        }
    };
}

model! {
    /// One path (a SCSI or NVMe device under a multipath map), from
    /// Client.list_paths(). Fields the daemon reports as unknown are None.
    Path(rs::Path) {
        /// Kernel device name ("sda").
        device,
        /// Device major number.
        major,
        /// Device minor number.
        minor,
        /// The WWID of the LUN behind the path.
        uuid,
        /// The kernel's device state: a DevState ("running", "offline"), a
        /// plain str for a state this library does not know; None for an
        /// orphan.
        dev_state,
        /// The path's state in the device-mapper table: a PathDmState
        /// ("active", "failed"); None for an orphan.
        dm_state,
        /// The path checker's verdict: a CheckerState ("ready", "faulty",
        /// "ghost", "i/o pending", ...); None when not checked yet.
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
        /// A MarginalState: MARGINAL or NORMAL.
        marginal,
        /// The checker in use ("tur", "directio", ...).
        checker,
    }
}

model! {
    /// One multipath map (a device-mapper multipath target), from
    /// Client.list_maps().
    Map(rs::Map) {
        /// Map name (alias or WWID).
        name,
        /// WWID of the LUN.
        uuid,
        /// The dm device ("dm-0").
        device,
        /// Number of active paths (usable: checker "ready" or "ghost"), the
        /// daemon's count; not the total.
        active_paths,
        /// Queueing mode as the daemon prints it: "off", "on", "5 chk" (I/O
        /// would queue for 5 checker intervals), "12 sec" (queueing now,
        /// fails in 12 s).
        queueing,
        /// Device-mapper state: a MapDmState ("active", "suspend").
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
    /// `show status`: how many paths each checker state holds.
    DaemonStatus(rs::DaemonStatus) {
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
    DaemonState(rs::DaemonState) {
        /// Process id.
        pid,
        /// State: "idle", "running", "configure", "shutdown", "startup", ...
        state,
    }
}

model! {
    /// One row of `show maps status`.
    MapStatus(rs::MapStatus) {
        /// Map name.
        name,
        /// Failback policy.
        failback,
        /// Queueing as the daemon prints it ("off", "on", "5 chk", "12 sec").
        queueing,
        /// Number of active paths (usable: "ready" or "ghost"); not the total.
        active_paths,
        /// dm state: a MapDmState ("active", "suspend").
        dm_state,
        /// Write protection.
        write_prot,
    }
}

model! {
    /// One row of `show maps stats`.
    MapStats(rs::MapStats) {
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

/// The serde JSON of a model object's Rust value (`serde_json::to_string`),
/// for the test that `to_dict()` equals `json.loads` of it. Not public API.
#[pyfunction]
#[pyo3(name = "_serde_json")]
pub(crate) fn serde_json_of(value: &Bound<'_, PyAny>) -> PyResult<String> {
    fn json(v: &impl Serialize) -> PyResult<String> {
        serde_json::to_string(v).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
    macro_rules! each_class {
        ($($class:ty),*) => {$(
            if let Ok(v) = value.cast::<$class>() {
                return json(Model::get(v.get()));
            }
        )*};
    }
    each_class!(
        Path,
        Map,
        Topology,
        MapTopology,
        PathGroup,
        TopologyPath,
        DaemonStatus,
        DaemonState,
        MapStatus,
        MapStats,
        PrKey,
        Health,
        MapHealth,
        DownPath,
        Removal
    );
    Err(pyo3::exceptions::PyTypeError::new_err(
        "not a multipathd model object",
    ))
}

// ----- the topology, converted lazily -----

/// Where a map of a topology lives: in a shared `Topology` (at an index),
/// or alone (from `Client.map_topology()`).
#[derive(Clone)]
enum MapRef {
    InTopology(Arc<rs::Topology>, usize),
    Alone(Arc<rs::MapTopology>),
}

impl MapRef {
    fn get(&self) -> &rs::MapTopology {
        match self {
            MapRef::InTopology(t, i) => &t.maps[*i],
            MapRef::Alone(m) => m,
        }
    }
}

/// The tuple kept in `cell`, made by `make` from `n` objects on first use.
fn cached_tuple<'py, T: pyo3::PyClass + Into<PyClassInitializer<T>>>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyTuple>>,
    n: usize,
    make: impl Fn(usize) -> T,
) -> PyResult<Bound<'py, PyTuple>> {
    let tuple = cell.get_or_try_init(py, || {
        let items = (0..n)
            .map(|i| Bound::new(py, make(i)))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items).map(Bound::unbind)
    })?;
    Ok(tuple.bind(py).clone())
}

/// All maps with their path groups and paths, from Client.topology()
/// (`show maps json`) or Client.topology_text() (`show topology`).
///
/// The maps, their groups and paths become Python objects only when asked
/// for (`maps`, `map()`, `paths()`), once each.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct Topology {
    inner: Arc<rs::Topology>,
    maps: PyOnceLock<Py<PyTuple>>,
}

impl From<rs::Topology> for Topology {
    fn from(inner: rs::Topology) -> Self {
        Topology {
            inner: Arc::new(inner),
            maps: PyOnceLock::new(),
        }
    }
}

impl PartialEq for Topology {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner == other.inner
    }
}

impl Model for Topology {
    type Inner = rs::Topology;
    fn get(&self) -> &rs::Topology {
        &self.inner
    }
}

impl Topology {
    fn maps_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.maps, self.inner.maps.len(), |i| {
            MapTopology::new(MapRef::InTopology(self.inner.clone(), i))
        })
    }
}

model_methods! {
    Topology {
        /// The JSON format's major version; None when parsed from text.
        major_version,
        /// The JSON format's minor version; None when parsed from text.
        minor_version,
    }
    nested [maps]

    /// The maps, a tuple of MapTopology (made on first access, then kept).
    #[getter]
    fn maps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.maps_tuple(py)
    }

    /// The map with this name (the same object as in `maps`), or None.
    fn map<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.maps.iter().position(|m| m.name == name) {
            Some(i) => Ok(Some(self.maps_tuple(py)?.get_item(i)?)),
            None => Ok(None),
        }
    }

    /// Every path of every map, as a list of (map, path) pairs, in the
    /// maps' and groups' order. The objects are those of `maps`,
    /// `path_groups` and `paths`.
    fn paths<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let pairs = PyList::empty(py);
        for map in self.maps_tuple(py)?.iter() {
            let m = map.cast::<MapTopology>()?;
            for group in m.get().groups_tuple(py)?.iter() {
                let g = group.cast::<PathGroup>()?;
                for path in g.get().paths_tuple(py)?.iter() {
                    pairs.append(PyTuple::new(py, [map.clone(), path])?)?;
                }
            }
        }
        Ok(pairs)
    }
}

/// One map with its path groups, from Client.map_topology() or inside a
/// Topology.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct MapTopology {
    map: MapRef,
    groups: PyOnceLock<Py<PyTuple>>,
}

impl MapTopology {
    fn new(map: MapRef) -> Self {
        MapTopology {
            map,
            groups: PyOnceLock::new(),
        }
    }

    fn groups_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.groups, self.get().path_groups.len(), |i| {
            PathGroup {
                map: self.map.clone(),
                group: i,
                paths: PyOnceLock::new(),
            }
        })
    }
}

impl From<rs::MapTopology> for MapTopology {
    fn from(inner: rs::MapTopology) -> Self {
        MapTopology::new(MapRef::Alone(Arc::new(inner)))
    }
}

impl PartialEq for MapTopology {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Model for MapTopology {
    type Inner = rs::MapTopology;
    fn get(&self) -> &rs::MapTopology {
        self.map.get()
    }
}

model_methods! {
    MapTopology {
        /// Map name.
        name,
        /// WWID.
        uuid,
        /// The dm device ("dm-0").
        device,
        /// Failback policy.
        failback,
        /// Queueing as the daemon prints it ("off", "on", "5 chk", "12 sec").
        queueing,
        /// Number of active paths (usable: "ready" or "ghost"), the daemon's
        /// count; not the total (total_paths).
        active_paths,
        /// Number of paths in the map's path groups, whatever their state.
        total_paths,
        /// Write protection ("rw"/"ro").
        write_prot,
        /// Device-mapper state: a MapDmState ("active", "suspend").
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
    }
    nested [path_groups]

    /// The path groups in the table's order, a tuple of PathGroup (made on
    /// first access, then kept).
    #[getter]
    fn path_groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.groups_tuple(py)
    }
}

/// One path group of a map.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct PathGroup {
    map: MapRef,
    group: usize,
    paths: PyOnceLock<Py<PyTuple>>,
}

impl PathGroup {
    fn paths_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.paths, self.get().paths.len(), |i| TopologyPath {
            map: self.map.clone(),
            group: self.group,
            path: i,
        })
    }
}

impl PartialEq for PathGroup {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Model for PathGroup {
    type Inner = rs::PathGroup;
    fn get(&self) -> &rs::PathGroup {
        &self.map.get().path_groups[self.group]
    }
}

model_methods! {
    PathGroup {
        /// Path selector ("service-time 0").
        selector,
        /// Group priority.
        priority,
        /// Group state: a GroupState ("active", "enabled", "disabled").
        dm_state,
        /// A MarginalState: MARGINAL or NORMAL.
        marginal,
        /// Group number, from 1 (the number switch_group() takes).
        number,
    }
    nested [paths]

    /// The paths of the group, a tuple of TopologyPath (made on first
    /// access, then kept).
    #[getter]
    fn paths<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.paths_tuple(py)
    }
}

/// One path inside a path group.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct TopologyPath {
    map: MapRef,
    group: usize,
    path: usize,
}

impl PartialEq for TopologyPath {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Model for TopologyPath {
    type Inner = rs::TopologyPath;
    fn get(&self) -> &rs::TopologyPath {
        &self.map.get().path_groups[self.group].paths[self.path]
    }
}

model_methods! {
    TopologyPath {
        /// Kernel device name.
        device,
        /// Major number.
        major,
        /// Minor number.
        minor,
        /// State in the dm table: a PathDmState ("active", "failed").
        dm_state,
        /// Kernel device state: a DevState ("running", "offline").
        dev_state,
        /// Checker verdict: a CheckerState ("ready", "faulty", ...).
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
        /// A MarginalState: MARGINAL or NORMAL.
        marginal,
        /// H:C:T:L; only the text topology carries it.
        hcil,
    }
    nested []
}

// ----- the jobs' results -----

/// The daemon-wide health picture, from Client.health(): every map's
/// health, and how many maps are in each state.
///
/// Not hashable (an unhashable value, like a dict); compares by value.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct Health {
    inner: rh::Health,
    maps: PyOnceLock<Py<PyTuple>>,
}

impl From<rh::Health> for Health {
    fn from(inner: rh::Health) -> Self {
        Health {
            inner,
            maps: PyOnceLock::new(),
        }
    }
}

impl PartialEq for Health {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Model for Health {
    type Inner = rh::Health;
    fn get(&self) -> &rh::Health {
        &self.inner
    }
}

impl Health {
    fn maps_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.maps, self.inner.maps.len(), |i| {
            MapHealth::from(self.inner.maps[i].clone())
        })
    }
}

model_methods! {
    unhashable Health {}
    nested [maps, counts]

    /// Each map's health in the topology's order, a tuple of MapHealth
    /// (made on first access, then kept).
    #[getter]
    fn maps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.maps_tuple(py)
    }

    /// How many maps are in each state: a dict with every HealthState
    /// member as a key (0 or more), best first; a new dict on each access.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (state, n) in &self.inner.counts {
            d.set_item(state.to_member(py)?, n)?;
        }
        Ok(d)
    }

    /// The health of the map with this name (the same object as in
    /// `maps`), or None.
    fn map<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.maps.iter().position(|m| m.name == name) {
            Some(i) => Ok(Some(self.maps_tuple(py)?.get_item(i)?)),
            None => Ok(None),
        }
    }

    /// The maps in this state (a HealthState member or its value; another
    /// value raises ValueError), as a list of the objects of `maps`.
    fn in_state<'py>(&self, state: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let py = state.py();
        let state = health_state(state)?;
        let maps = self.maps_tuple(py)?;
        let out = PyList::empty(py);
        for (i, m) in self.inner.maps.iter().enumerate() {
            if m.state == state {
                out.append(maps.get_item(i)?)?;
            }
        }
        Ok(out)
    }

    /// True when every map is healthy (also with no map at all).
    fn all_healthy(&self) -> bool {
        self.inner.all_healthy()
    }
}

/// The health of one map, from Client.map_health() or inside a Health.
///
/// A path is up when its checker finds it usable ("ready" or "ghost") and
/// the kernel has not failed it in the dm table.
#[pyclass(module = "multipathd", frozen, eq)]
pub struct MapHealth {
    inner: rh::MapHealth,
    down_paths: PyOnceLock<Py<PyTuple>>,
}

impl From<rh::MapHealth> for MapHealth {
    fn from(inner: rh::MapHealth) -> Self {
        MapHealth {
            inner,
            down_paths: PyOnceLock::new(),
        }
    }
}

impl PartialEq for MapHealth {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Model for MapHealth {
    type Inner = rh::MapHealth;
    fn get(&self) -> &rh::MapHealth {
        &self.inner
    }
}

model_methods! {
    MapHealth {
        /// Map name.
        name,
        /// WWID.
        uuid,
        /// The verdict: a HealthState (HEALTHY, DEGRADED, SUSPENDED,
        /// ALL_PATHS_DOWN_QUEUEING, ALL_PATHS_DOWN_FAILING, NO_PATHS).
        state,
        /// Paths that are up (checker usable, not failed in the dm table).
        up_paths,
        /// Every path of the map's path groups, whatever its state.
        total_paths,
        /// Whether the map queues I/O when no path is left (queueing "on",
        /// "N chk", "N sec", or queue_if_no_path in its features).
        queues,
    }
    nested [down_paths]

    /// The paths that are not up, a tuple of DownPath (made on first
    /// access, then kept).
    #[getter]
    fn down_paths<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.down_paths, self.inner.down_paths.len(), |i| {
            DownPath::from(self.inner.down_paths[i].clone())
        })
    }
}

model! {
    /// A path of a map that is not up (MapHealth.down_paths), and why.
    DownPath(rh::DownPath) {
        /// Kernel device name ("sdc").
        device,
        /// Its state in the dm table: a PathDmState ("failed"), a plain str
        /// for a word this library does not know; None if not reported.
        dm_state,
        /// The checker's verdict: a CheckerState ("faulty", "i/o pending",
        /// ...); None when not checked yet.
        checker_state,
    }
}

model! {
    /// What Client.remove_map_safely() did (also in a WaitTimeout's
    /// `last["removal"]` when it did not finish, as to_dict() gives it).
    ///
    /// Not hashable (an unhashable value, like a dict); compares by value.
    unhashable Removal(mpd_client::Removal) {
        /// The map asked for.
        map,
        /// `del map` commands sent.
        attempts,
        /// The map was not there to begin with (nothing was sent but the
        /// listing): removing it again is not an error.
        already_gone,
        /// Queueing was disabled before the removal.
        queueing_disabled,
        /// Queueing was restored because the removal did not finish.
        queueing_restored,
        /// The kind of the last refusal, as the exceptions' `kind`
        /// ("map_in_use", "command_failed", "daemon_timeout", ...), or None.
        last_error_kind,
        /// The last refusal, in words, or None.
        last_error,
        /// Seconds it took, a float. (to_dict() has serde's form of the
        /// Rust Duration: {"secs": int, "nanos": int}.)
        elapsed,
    }
}

// ----- DaemonVersion -----

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

    /// Pickles as DaemonVersion(major, minor, patch) (so that an
    /// UnknownCommand, which carries one, pickles too).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (u32, u32, u32))> {
        Ok((slf.get_type(), slf.get().tuple()))
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
