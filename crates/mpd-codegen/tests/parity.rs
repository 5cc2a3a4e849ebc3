//! Rust, Python and C at parity: every public operation and every model
//! field of the Rust API exists in the Python stubs (`multipathd`, which
//! `mypy.stubtest` holds to the compiled module) and in the C header
//! (`include/mpd.h`, generated from the C library) under its mapped name.
//! Deliberate gaps are in the allow-lists below, each with its reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mpd_proto::health::{DownPath, Health, HealthState, MapHealth};
use mpd_proto::model::pr::PrKey;
use mpd_proto::model::{
    DaemonState, DaemonStatus, Map, MapStats, MapStatus, MapTopology, Path as MpdPath, PathGroup,
    Topology, TopologyPath,
};
use mpd_proto::ops::{JOBS, OPERATIONS};
use mpd_proto::DaemonVersion;

fn map_health() -> MapHealth {
    MapHealth {
        name: String::new(),
        uuid: None,
        state: HealthState::Healthy,
        up_paths: 0,
        total_paths: 0,
        down_paths: Vec::new(),
        queues: false,
    }
}

fn down_path() -> DownPath {
    DownPath {
        device: String::new(),
        dm_state: None,
        checker_state: None,
    }
}

fn removal() -> mpd_client::Removal {
    mpd_client::Removal {
        map: String::new(),
        attempts: 0,
        already_gone: false,
        queueing_disabled: false,
        queueing_restored: false,
        last_error_kind: None,
        last_error: None,
        elapsed: std::time::Duration::ZERO,
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The functions `include/mpd.h` declares (outside comments).
fn c_functions(header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut in_comment = false;
    for line in header.lines() {
        let line = line.trim();
        if line.starts_with("/*") {
            in_comment = true;
        }
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.starts_with('#') || line.starts_with("typedef") {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let name = line[..open].rsplit([' ', '*']).next().unwrap_or_default();
        if name.starts_with("mpd_") {
            names.insert(name.to_owned());
        }
    }
    names
}

/// The fields of a C struct the header defines in full (`typedef struct
/// NAME { ... } NAME;`).
fn c_struct_fields(header: &str, name: &str) -> BTreeSet<String> {
    let start = header
        .find(&format!("typedef struct {name} {{"))
        .unwrap_or_else(|| panic!("mpd.h defines no struct {name}"));
    let end = start + header[start..].find(&format!("}} {name};")).unwrap();
    header[start..end]
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.starts_with("/*") || l.starts_with('*') || !l.ends_with(';') {
                return None;
            }
            l.trim_end_matches(';')
                .rsplit(' ')
                .next()
                .map(|s| s.trim_start_matches('*').to_owned())
        })
        .collect()
}

/// The names a class of the stub declares: methods, properties and
/// annotated attributes.
fn pyi_members(stub: &str, class: &str) -> BTreeSet<String> {
    let head = format!("class {class}");
    let start = stub
        .lines()
        .position(|l| l.starts_with(&head) && l[head.len()..].starts_with([':', '(']))
        .unwrap_or_else(|| panic!("the stub has no class {class}"));
    let mut names = BTreeSet::new();
    for line in stub.lines().skip(start + 1) {
        if !line.is_empty() && !line.starts_with(' ') {
            break;
        }
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("def ") {
            names.insert(rest.split('(').next().unwrap().to_owned());
        } else if let Some((name, _)) = l.split_once(':') {
            if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

/// The `pub fn`s of the hand-written `impl Client` blocks of mpd-client
/// (every source file but the generated `ops.rs`).
fn rust_client_methods() -> BTreeSet<String> {
    let dir = root().join("crates/mpd-client/src");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !file.ends_with(".rs") || file == "ops.rs" {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let mut rest = src.as_str();
        while let Some(start) = rest.find("\nimpl Client {") {
            let block = &rest[start + 1..];
            let end = block.find("\n}\n").map_or(block.len(), |e| e + 3);
            names.extend(
                block[..end]
                    .lines()
                    .filter_map(|l| l.strip_prefix("    pub fn "))
                    .map(|l| l.split(['(', '<']).next().unwrap().to_owned()),
            );
            rest = &block[end..];
        }
    }
    names
}

/// A model's field names, from its serde serialization.
fn fields<T: serde::Serialize>(value: &T) -> Vec<String> {
    match serde_json::to_value(value).unwrap() {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        other => panic!("not a struct: {other}"),
    }
}

#[test]
fn every_operation_is_in_rust_python_and_c() {
    let stub = read("python/multipathd/_multipathd.pyi");
    let py = pyi_members(&stub, "Client");
    let c = c_functions(&read("include/mpd.h"));
    let rust = read("crates/mpd-client/src/ops.rs");
    let jobs = read("crates/mpd-client/src/jobs.rs");
    let mut missing = Vec::new();
    for op in OPERATIONS.iter().chain(JOBS) {
        let src = if op.kind == mpd_proto::ops::OpKind::Job {
            &jobs
        } else {
            &rust
        };
        if !src.contains(&format!("pub fn {}(", op.name)) {
            missing.push(format!("Rust Client::{}", op.name));
        }
        if !py.contains(op.name) {
            missing.push(format!("Python Client.{}", op.name));
        }
        if !c.contains(&format!("mpd_client_{}", op.name)) {
            missing.push(format!("C mpd_client_{}", op.name));
        }
    }
    assert!(missing.is_empty(), "missing: {missing:?}");
}

/// A name in Python or C, or the reason there is none.
type Mapped = Result<&'static str, &'static str>;

/// The hand-written methods of the Rust `Client` and their names in Python
/// and C; `Err` is a deliberate gap, with the reason.
fn client_method_map() -> BTreeMap<&'static str, (Mapped, Mapped)> {
    BTreeMap::from([
        // (Python, C)
        (
            "builder",
            (
                Err("keyword arguments of Client(socket=, timeout=)"),
                Err("mpd_client_connect's address and timeout_ms arguments"),
            ),
        ),
        ("connect", (Ok("__new__"), Ok("mpd_client_connect"))),
        ("connect_to", (Ok("__new__"), Ok("mpd_client_connect"))),
        ("address", (Ok("address"), Ok("mpd_client_address"))),
        ("timeout", (Ok("timeout"), Ok("mpd_client_timeout"))),
        ("set_timeout", (Ok("timeout"), Ok("mpd_client_set_timeout"))),
        ("close", (Ok("close"), Ok("mpd_client_close"))),
        (
            "is_connected",
            (Ok("connected"), Ok("mpd_client_is_connected")),
        ),
        // `send` returns the classified reply, failures included; Python
        // and C run raw text through `command`, which maps failures to
        // exceptions / result codes as `call` does.
        ("send", (Ok("command"), Ok("mpd_client_command"))),
        ("call", (Ok("command"), Ok("mpd_client_command"))),
        (
            "execute",
            (
                Err("generic over Rust operation types; every operation is a named method"),
                Err("generic over Rust operation types; every operation is a named function"),
            ),
        ),
        (
            "daemon_version",
            (Ok("daemon_version"), Ok("mpd_client_daemon_version")),
        ),
        (
            "retry_policy",
            (Ok("retry_policy"), Ok("mpd_client_retry_policy")),
        ),
        (
            "set_retry_policy",
            (Ok("set_retry_policy"), Ok("mpd_client_set_retry_policy")),
        ),
        ("retries", (Ok("retries"), Ok("mpd_client_retries"))),
        // The peer-trust policy is chosen when connecting and never
        // changes; Python and C take it there and have no getter.
        (
            "trust",
            (
                Err("set by Client(..., trust=...), fixed for the client's life"),
                Err("set by mpd_client_connect_with's trust, fixed for the client's life"),
            ),
        ),
        (
            "commands_sent",
            (Ok("commands_sent"), Ok("mpd_client_commands_sent")),
        ),
        // The jobs: generated from mpd_proto::ops::JOBS.
        ("health", (Ok("health"), Ok("mpd_client_health"))),
        (
            "map_health",
            (Ok("map_health"), Ok("mpd_client_map_health")),
        ),
        (
            "wait_for_map",
            (Ok("wait_for_map"), Ok("mpd_client_wait_for_map")),
        ),
        (
            "wait_map_gone",
            (Ok("wait_map_gone"), Ok("mpd_client_wait_map_gone")),
        ),
        (
            "wait_for_path",
            (Ok("wait_for_path"), Ok("mpd_client_wait_for_path")),
        ),
        (
            "wait_paths_gone",
            (Ok("wait_paths_gone"), Ok("mpd_client_wait_paths_gone")),
        ),
        (
            "wait_settled",
            (Ok("wait_settled"), Ok("mpd_client_wait_settled")),
        ),
        (
            "remove_map_safely",
            (Ok("remove_map_safely"), Ok("mpd_client_remove_map_safely")),
        ),
    ])
}

#[test]
fn every_client_method_is_in_python_and_c() {
    let stub = read("python/multipathd/_multipathd.pyi");
    let py = pyi_members(&stub, "Client");
    let c = c_functions(&read("include/mpd.h"));
    let map = client_method_map();
    let rust = rust_client_methods();
    let unmapped: Vec<_> = rust
        .iter()
        .filter(|m| !map.contains_key(m.as_str()))
        .collect();
    assert!(
        unmapped.is_empty(),
        "Rust Client methods without a Python/C mapping here: {unmapped:?}"
    );
    let stale: Vec<_> = map.keys().filter(|m| !rust.contains(**m)).collect();
    assert!(
        stale.is_empty(),
        "mapped but not in the Rust Client: {stale:?}"
    );
    for (method, (p, cn)) in map {
        if let Ok(p) = p {
            assert!(
                py.contains(p),
                "Client::{method}: Python Client.{p} missing"
            );
        }
        if let Ok(cn) = cn {
            assert!(c.contains(cn), "Client::{method}: C {cn} missing");
        }
    }
}

/// A model: its fields, its Python class, and its C form (a prefix for
/// accessor functions, or a struct defined in the header).
enum CForm {
    Accessors(&'static str),
    Struct(&'static str),
}

/// Fields deliberately not under their plain name in C, with the reason.
const C_FIELD_GAPS: &[(&str, &str, &str)] = &[
    (
        "mpd_topology",
        "maps",
        "a list: mpd_topology_map_count, mpd_topology_map, mpd_topology_find_map",
    ),
    (
        "mpd_map_topology",
        "path_groups",
        "a list: mpd_map_topology_group_count, mpd_map_topology_group",
    ),
    (
        "mpd_path_group",
        "paths",
        "a list: mpd_path_group_path_count, mpd_path_group_path",
    ),
    (
        "mpd_status",
        "checker_states",
        "a mapping: mpd_status_state_count, _state_name, _state_paths, _paths_in_state",
    ),
    (
        "mpd_health",
        "maps",
        "a list: mpd_health_map_count, mpd_health_map, mpd_health_find_map",
    ),
    (
        "mpd_health",
        "counts",
        "a mapping: mpd_health_count(health, state)",
    ),
    (
        "mpd_map_health",
        "down_paths",
        "a list: mpd_map_health_down_path_count, mpd_map_health_down_path",
    ),
];

/// Fields of C value structs under another name or form, with the reason.
const C_STRUCT_GAPS: &[(&str, &str, &str)] = &[
    (
        "mpd_removal",
        "map",
        "the caller passed it; a value struct owns no string",
    ),
    (
        "mpd_removal",
        "last_error_kind",
        "as a result code: mpd_removal.last_error",
    ),
    (
        "mpd_removal",
        "last_error",
        "the code is mpd_removal.last_error; the text is in the call's error message",
    ),
    (
        "mpd_removal",
        "elapsed",
        "in milliseconds: mpd_removal.elapsed_ms",
    ),
];

#[test]
fn every_model_field_is_in_python_and_c() {
    let stub = read("python/multipathd/_multipathd.pyi");
    let header = read("include/mpd.h");
    let c = c_functions(&header);
    let models: Vec<(&str, Vec<String>, CForm)> = vec![
        (
            "Path",
            fields(&MpdPath::default()),
            CForm::Accessors("mpd_path"),
        ),
        ("Map", fields(&Map::default()), CForm::Accessors("mpd_map")),
        (
            "Topology",
            fields(&Topology::default()),
            CForm::Accessors("mpd_topology"),
        ),
        (
            "MapTopology",
            fields(&MapTopology::default()),
            CForm::Accessors("mpd_map_topology"),
        ),
        (
            "PathGroup",
            fields(&PathGroup::default()),
            CForm::Accessors("mpd_path_group"),
        ),
        (
            "TopologyPath",
            fields(&TopologyPath::default()),
            CForm::Accessors("mpd_topology_path"),
        ),
        (
            "DaemonStatus",
            fields(&DaemonStatus::default()),
            CForm::Accessors("mpd_status"),
        ),
        (
            "DaemonState",
            fields(&DaemonState::default()),
            CForm::Accessors("mpd_daemon_state"),
        ),
        (
            "MapStatus",
            fields(&MapStatus::default()),
            CForm::Accessors("mpd_map_status"),
        ),
        (
            "MapStats",
            fields(&MapStats::default()),
            CForm::Accessors("mpd_map_stats"),
        ),
        (
            "PrKey",
            fields(&PrKey {
                key: 0,
                aptpl: false,
            }),
            CForm::Struct("mpd_pr_key"),
        ),
        (
            "DaemonVersion",
            fields(&DaemonVersion::new(0, 0, 0)),
            CForm::Struct("mpd_daemon_version"),
        ),
        (
            "Health",
            fields(&Health::default()),
            CForm::Accessors("mpd_health"),
        ),
        (
            "MapHealth",
            fields(&map_health()),
            CForm::Accessors("mpd_map_health"),
        ),
        (
            "DownPath",
            fields(&down_path()),
            CForm::Accessors("mpd_down_path"),
        ),
        ("Removal", fields(&removal()), CForm::Struct("mpd_removal")),
    ];
    let mut missing = Vec::new();
    for (class, fields, cform) in models {
        assert!(!fields.is_empty(), "{class} has no fields");
        let py = pyi_members(&stub, class);
        for f in &fields {
            if !py.contains(f) {
                missing.push(format!("Python {class}.{f}"));
            }
            match &cform {
                CForm::Accessors(prefix) => {
                    let gap = C_FIELD_GAPS.iter().any(|(p, g, _)| p == prefix && g == f);
                    if !gap && !c.contains(&format!("{prefix}_{f}")) {
                        missing.push(format!("C {prefix}_{f}"));
                    }
                }
                CForm::Struct(name) => {
                    let gap = C_STRUCT_GAPS.iter().any(|(p, g, _)| p == name && g == f);
                    if !gap && !c_struct_fields(&header, name).contains(f) {
                        missing.push(format!("C {name}.{f}"));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "missing: {missing:#?}");
    // Every allow-list entry is still needed.
    for (prefix, field, _) in C_FIELD_GAPS {
        assert!(
            !c.contains(&format!("{prefix}_{field}")),
            "{prefix}_{field} exists now: drop it from C_FIELD_GAPS"
        );
    }
}

#[test]
fn every_error_kind_has_its_c_code() {
    let header = read("include/mpd.h");
    for kind in mpd_client::ErrorKind::ALL {
        let code = format!("MPD_{}", kind.name().to_ascii_uppercase());
        assert!(
            header.contains(&format!("  {code} = ")),
            "mpd.h has no {code}"
        );
    }
}

/// The watch's public methods and their names in Python (`multipathd.Watch`)
/// and C (`mpd_watch_*`); `Err` is a deliberate gap, with the reason.
fn watch_method_map() -> BTreeMap<&'static str, (Mapped, Mapped)> {
    const RUST_OBJECTS: &str = "hands out Rust objects (the client, the options, the snapshot); \
         the bindings own their watch's client";
    BTreeMap::from([
        ("new", (Ok("__new__"), Ok("mpd_watch_new"))),
        ("next_event", (Ok("next_event"), Ok("mpd_watch_next"))),
        (
            "commands_sent",
            (Ok("commands_sent"), Ok("mpd_watch_commands_sent")),
        ),
        (
            "listings_sent",
            (Ok("listings_sent"), Ok("mpd_watch_listings_sent")),
        ),
        (
            "is_daemon_reachable",
            (Ok("daemon_reachable"), Ok("mpd_watch_daemon_reachable")),
        ),
        (
            "uevents_active",
            (Ok("uevents_active"), Ok("mpd_watch_uevents_active")),
        ),
        (
            "uevent_error",
            (Ok("uevent_error"), Ok("mpd_watch_uevent_error")),
        ),
        (
            "pending_events",
            (
                Err("events already read but not returned: an internal queue"),
                Err("events already read but not returned: an internal queue"),
            ),
        ),
        ("snapshot", (Err(RUST_OBJECTS), Err(RUST_OBJECTS))),
        ("options", (Err(RUST_OBJECTS), Err(RUST_OBJECTS))),
        ("client", (Err(RUST_OBJECTS), Err(RUST_OBJECTS))),
        ("client_mut", (Err(RUST_OBJECTS), Err(RUST_OBJECTS))),
        ("into_client", (Err(RUST_OBJECTS), Err(RUST_OBJECTS))),
    ])
}

#[test]
fn every_watch_method_is_in_python_and_c() {
    let src = read("crates/mpd-client/src/watch/mod.rs");
    let start = src.find("\nimpl Watch {").expect("impl Watch");
    let block = &src[start + 1..];
    let block = &block[..block.find("\n}\n").unwrap()];
    let rust: BTreeSet<String> = block
        .lines()
        .filter_map(|l| l.strip_prefix("    pub fn "))
        .map(|l| l.split(['(', '<']).next().unwrap().to_owned())
        .collect();
    let map = watch_method_map();
    let keys: BTreeSet<String> = map.keys().map(|k| k.to_string()).collect();
    assert_eq!(rust, keys, "Rust Watch methods vs the mapping here");
    let py = pyi_members(&read("python/multipathd/_multipathd.pyi"), "Watch");
    let c = c_functions(&read("include/mpd.h"));
    for (method, (p, cn)) in map {
        if let Ok(p) = p {
            assert!(py.contains(p), "Watch::{method}: Python Watch.{p} missing");
        }
        if let Ok(cn) = cn {
            assert!(c.contains(cn), "Watch::{method}: C {cn} missing");
        }
    }
    // Every kind of event has its C value, named after the kind; its
    // fields reach Python through to_dict() and C through the accessors and
    // mpd_event_json.
    let header = read("include/mpd.h");
    for kind in mpd_proto::Event::KINDS {
        let value = format!("MPD_EVENT_{}", kind.to_ascii_uppercase());
        assert!(header.contains(&value), "mpd.h has no {value}");
    }
    assert!(c.contains("mpd_event_json"));
}

/// The `pub fn`s and `pub async fn`s of the `impl TYPE {` blocks of these
/// source files.
fn impl_methods(files: &[&str], ty: &str) -> BTreeSet<String> {
    let opener = format!("\nimpl {ty} {{");
    let mut names = BTreeSet::new();
    for file in files {
        let src = read(file);
        let mut rest = src.as_str();
        while let Some(start) = rest.find(&opener) {
            let block = &rest[start + 1..];
            let end = block.find("\n}\n").map_or(block.len(), |e| e + 3);
            names.extend(
                block[..end]
                    .lines()
                    .filter_map(|l| {
                        l.strip_prefix("    pub fn ")
                            .or_else(|| l.strip_prefix("    pub async fn "))
                    })
                    .map(|l| l.split(['(', '<']).next().unwrap().to_owned()),
            );
            rest = &block[end..];
        }
    }
    names
}

#[test]
fn every_operation_and_job_is_in_the_async_client() {
    let ops = impl_methods(&["crates/mpd-client/src/async_ops.rs"], "AsyncClient");
    let jobs = impl_methods(&["crates/mpd-client/src/async_client.rs"], "AsyncClient");
    let mut missing = Vec::new();
    for op in OPERATIONS {
        if !ops.contains(op.name) {
            missing.push(op.name);
        }
    }
    for op in JOBS {
        if !jobs.contains(op.name) {
            missing.push(op.name);
        }
    }
    assert!(missing.is_empty(), "AsyncClient lacks: {missing:?}");
}

/// What only one of the Rust clients has, and why.
const ASYNC_ONLY: &[(&str, &str)] = &[
    (
        "connections",
        "the size of the async client's connection pool",
    ),
    (
        "connections_abandoned",
        "connections closed because a command's future was dropped mid-reply",
    ),
];

#[test]
fn the_async_client_has_every_method_of_the_blocking_client() {
    let mut blocking = rust_client_methods();
    blocking.extend(impl_methods(&["crates/mpd-client/src/ops.rs"], "Client"));
    let mut async_ = impl_methods(
        &[
            "crates/mpd-client/src/async_client.rs",
            "crates/mpd-client/src/async_ops.rs",
        ],
        "AsyncClient",
    );
    for (name, _why) in ASYNC_ONLY {
        assert!(async_.remove(*name), "allow-list entry {name} not needed");
    }
    assert_eq!(
        async_, blocking,
        "AsyncClient's methods (left) vs Client's (right)"
    );
}

#[test]
fn the_async_watch_has_every_method_of_the_watch() {
    let watch = impl_methods(&["crates/mpd-client/src/watch/mod.rs"], "Watch");
    let mut async_ = impl_methods(
        &["crates/mpd-client/src/watch/async_watch.rs"],
        "AsyncWatch",
    );
    // Blocking only: lending the client out mutably (an AsyncClient is a
    // handle: `client()` lends one that sends through the same
    // connections). Async only: the Stream.
    assert!(async_.remove("into_stream"));
    async_.insert("client_mut".into());
    assert_eq!(
        async_, watch,
        "AsyncWatch's methods (left) vs Watch's (right)"
    );
}

/// mpdctl, the command: every operation has a dispatch arm in its generated
/// `ops.rs` (its subcommand is built from the same table at run time;
/// mpdctl's own tests check the subcommands), and every job is placed on
/// its command line (`JOB_COMMANDS` in `crates/mpdctl/src/cli.rs`).
#[test]
fn every_operation_and_job_is_in_mpdctl() {
    let dispatch = read("crates/mpdctl/src/ops.rs");
    let cli = read("crates/mpdctl/src/cli.rs");
    let mut missing = Vec::new();
    for op in OPERATIONS {
        let arm = format!("\"{}\" => ", op.name);
        let call = format!(".{}(", op.name);
        if !dispatch.contains(&arm) || !dispatch.contains(&call) {
            missing.push(format!(
                "operation {} (regenerate: MPD_BLESS=1 cargo test -p mpd-codegen --test generated)",
                op.name
            ));
        }
    }
    for job in JOBS {
        if !cli.contains(&format!("(\"{}\", \"", job.name)) {
            missing.push(format!(
                "job {} (add it to JOB_COMMANDS and give it a subcommand)",
                job.name
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "missing from mpdctl:\n{}",
        missing.join("\n")
    );
}

/// The fuzz target of the parsers (fuzz/fuzz_targets/parsers.rs) parses
/// through every operation whose reply carries data: an operation added to
/// the table with a parser of its own fails here until the target has it.
#[test]
fn the_parsers_fuzz_target_has_every_data_operation() {
    use mpd_proto::ops::OutputKind;
    let target = read("fuzz/fuzz_targets/parsers.rs");
    let missing: Vec<_> = OPERATIONS
        .iter()
        .filter(|o| !matches!(o.output, OutputKind::Unit | OutputKind::Text))
        .filter(|o| !target.contains(&format!("ops::{} ", o.type_name)))
        .map(|o| o.type_name)
        .collect();
    assert!(
        missing.is_empty(),
        "fuzz/fuzz_targets/parsers.rs lacks {missing:?}"
    );
}
