//! The daemon's values as opaque C objects with accessors.
//!
//! Each object is converted once, when the client returns it: every string
//! becomes a `CString` the object owns, so an accessor only hands out a
//! pointer. Accessors never fail: given NULL they return NULL, 0 or -1.
//!
//! - Optional strings are NULL when the daemon does not know the value.
//! - Optional numbers are `int64_t`, -1 when unknown.
//! - Optional flags are `int`: 1 yes, 0 no, -1 unknown.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, CString};
use std::ptr;
use std::sync::OnceLock;

use mpd_client::{
    DaemonState, DaemonStatus, DaemonVersion, DownPath, Health, HealthState, Map, MapHealth,
    MapStats, MapStatus, MapTopology, Path, PathGroup, PrKey, PrStatus, Removal, Topology,
    TopologyPath,
};

use crate::cstr::{cstring, opt_cstring, opt_ptr};
use crate::error::mpd_result;
use crate::ffi::{free_box, free_string, opt_count, opt_flag, opt_i64, try_str, with_ref};
use crate::panic::Fallback;

type OptStr = Option<CString>;

/// A state enum as the daemon's word.
fn opt_word(s: Option<impl std::fmt::Display>) -> OptStr {
    s.map(|s| cstring(s.to_string()))
}

/// The element at `i` of an object's list, NULL when out of range.
fn element<T>(items: &[T], i: usize) -> *const T {
    items.get(i).map_or(ptr::null(), |x| x as *const T)
}

/// The first item whose `key` equals the C string `wanted`; NULL if none
/// does or `wanted` is NULL or not UTF-8.
fn find<T>(items: &[T], wanted: *const c_char, key: impl Fn(&T) -> &CString) -> *const T {
    let Ok(wanted) = try_str(wanted, "name") else {
        return ptr::null();
    };
    items
        .iter()
        .find(|x| key(x).as_bytes() == wanted.as_bytes())
        .map_or(ptr::null(), |x| x as *const T)
}

// ----- paths -----

/// One path (a SCSI or NVMe device under a map): borrowed from an
/// `mpd_path_list` (`mpd_client_list_paths`), or owned by the caller when
/// it comes from `mpd_client_wait_for_path` (then free it with
/// `mpd_path_free`). A path from a wait has the fields the wait reads:
/// device, major and minor, dm state, checker state and map; the other
/// accessors return NULL or -1.
pub struct mpd_path {
    device: CString,
    major: u32,
    minor: u32,
    uuid: OptStr,
    dev_state: OptStr,
    dm_state: OptStr,
    checker_state: OptStr,
    map: OptStr,
    hcil: OptStr,
    priority: Option<i32>,
    vendor: OptStr,
    product: OptStr,
    revision: OptStr,
    serial: OptStr,
    marginal: Option<bool>,
    checker: OptStr,
}

impl From<Path> for mpd_path {
    fn from(p: Path) -> mpd_path {
        mpd_path {
            device: cstring(p.device),
            major: p.major,
            minor: p.minor,
            uuid: opt_cstring(p.uuid),
            dev_state: opt_word(p.dev_state),
            dm_state: opt_word(p.dm_state),
            checker_state: opt_word(p.checker_state),
            map: opt_cstring(p.map),
            hcil: opt_cstring(p.hcil),
            priority: p.priority,
            vendor: opt_cstring(p.vendor),
            product: opt_cstring(p.product),
            revision: opt_cstring(p.revision),
            serial: opt_cstring(p.serial),
            marginal: p.marginal.and_then(|m| m.as_flag()),
            checker: opt_cstring(p.checker),
        }
    }
}

/// The paths returned by `mpd_client_list_paths`. Owned by the caller;
/// free with `mpd_path_list_free`.
pub struct mpd_path_list {
    items: Vec<mpd_path>,
}

impl From<Vec<Path>> for mpd_path_list {
    fn from(v: Vec<Path>) -> mpd_path_list {
        mpd_path_list {
            items: v.into_iter().map(mpd_path::from).collect(),
        }
    }
}

/// The number of paths in `list`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_path_list_len(list: *const mpd_path_list) -> usize {
    ffi_boundary! { with_ref(list, |l| l.items.len()) }
}

/// The path at `index` (from 0), borrowed from `list` (valid until
/// `mpd_path_list_free`); NULL if `list` is NULL or `index` is out of
/// range.
#[no_mangle]
pub extern "C" fn mpd_path_list_get(list: *const mpd_path_list, index: usize) -> *const mpd_path {
    ffi_boundary! { with_ref(list, |l| element(&l.items, index)) }
}

/// The path whose device name is `device` (`"sda"`), borrowed from
/// `list`; NULL if there is none (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_path_list_find(
    list: *const mpd_path_list,
    device: *const c_char,
) -> *const mpd_path {
    ffi_boundary! {
        with_ref(list, |l| find(&l.items, device, |p| &p.device))
    }
}

/// Frees a path list and every path and string borrowed from it. NULL is
/// a no-op.
#[no_mangle]
pub extern "C" fn mpd_path_list_free(list: *mut mpd_path_list) {
    ffi_boundary! { free_box(list) }
}

/// Frees a path returned by `mpd_client_wait_for_path`. Never pass a path
/// borrowed from an `mpd_path_list`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_path_free(path: *mut mpd_path) {
    ffi_boundary! { free_box(path) }
}

/// The kernel device name (`"sda"`); never NULL for a non-NULL `path`.
#[no_mangle]
pub extern "C" fn mpd_path_device(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| p.device.as_ptr()) }
}

/// The device's major number; -1 for NULL (a listed path always has one).
/// The same type as `mpd_topology_path_major`.
#[no_mangle]
pub extern "C" fn mpd_path_major(path: *const mpd_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| i64::from(p.major)) }
}

/// The device's minor number; -1 for NULL (a listed path always has one).
/// The same type as `mpd_topology_path_minor`.
#[no_mangle]
pub extern "C" fn mpd_path_minor(path: *const mpd_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| i64::from(p.minor)) }
}

/// The WWID of the LUN behind the path, or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_uuid(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.uuid)) }
}

/// The kernel's device state (`"running"`, `"offline"`), or NULL for an
/// orphan path.
#[no_mangle]
pub extern "C" fn mpd_path_dev_state(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.dev_state)) }
}

/// The path's state in the device-mapper table (`"active"`, `"failed"`),
/// or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_dm_state(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.dm_state)) }
}

/// The path checker's verdict (`"ready"`, `"faulty"`, `"ghost"`, …), or
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_path_checker_state(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.checker_state)) }
}

/// The name of the map the path belongs to; NULL for an orphan path.
#[no_mangle]
pub extern "C" fn mpd_path_map(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.map)) }
}

/// SCSI host:channel:target:LUN (`"0:0:0:1"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_hcil(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.hcil)) }
}

/// The path priority; -1 when undefined (or NULL).
#[no_mangle]
pub extern "C" fn mpd_path_priority(path: *const mpd_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| opt_i64(p.priority)) }
}

/// The vendor, or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_vendor(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.vendor)) }
}

/// The product, or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_product(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.product)) }
}

/// The revision (reported by 0.11+), or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_revision(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.revision)) }
}

/// The serial number, or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_serial(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.serial)) }
}

/// Whether the path is marginal: 1 yes, 0 no, -1 unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_path_marginal(path: *const mpd_path) -> c_int {
    ffi_boundary! { with_ref(path, |p| opt_flag(p.marginal)) }
}

/// The checker in use (`"tur"`, `"directio"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_checker(path: *const mpd_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.checker)) }
}

// ----- maps -----

/// One multipath map: borrowed from an `mpd_map_list`
/// (`mpd_client_list_maps`), or owned by the caller when it comes from
/// `mpd_client_wait_for_map` (then free it with `mpd_map_free`). A map
/// from a wait has the fields the wait reads: name, WWID and active
/// paths; the other accessors return NULL.
pub struct mpd_map {
    name: CString,
    uuid: OptStr,
    device: OptStr,
    active_paths: Option<u32>,
    queueing: OptStr,
    dm_state: OptStr,
    size: OptStr,
    features: OptStr,
    hwhandler: OptStr,
    write_prot: OptStr,
    failback: OptStr,
    vendor: OptStr,
    product: OptStr,
    revision: OptStr,
}

impl From<Map> for mpd_map {
    fn from(m: Map) -> mpd_map {
        mpd_map {
            name: cstring(m.name),
            uuid: opt_cstring(m.uuid),
            device: opt_cstring(m.device),
            active_paths: m.active_paths,
            queueing: opt_word(m.queueing),
            dm_state: opt_word(m.dm_state),
            size: opt_cstring(m.size),
            features: opt_cstring(m.features),
            hwhandler: opt_cstring(m.hwhandler),
            write_prot: opt_cstring(m.write_prot),
            failback: opt_cstring(m.failback),
            vendor: opt_cstring(m.vendor),
            product: opt_cstring(m.product),
            revision: opt_cstring(m.revision),
        }
    }
}

/// The maps returned by `mpd_client_list_maps`. Owned by the caller; free
/// with `mpd_map_list_free`.
pub struct mpd_map_list {
    items: Vec<mpd_map>,
}

impl From<Vec<Map>> for mpd_map_list {
    fn from(v: Vec<Map>) -> mpd_map_list {
        mpd_map_list {
            items: v.into_iter().map(mpd_map::from).collect(),
        }
    }
}

/// The number of maps in `list`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_list_len(list: *const mpd_map_list) -> usize {
    ffi_boundary! { with_ref(list, |l| l.items.len()) }
}

/// The map at `index` (from 0), borrowed from `list` (valid until
/// `mpd_map_list_free`); NULL if `list` is NULL or `index` is out of range.
#[no_mangle]
pub extern "C" fn mpd_map_list_get(list: *const mpd_map_list, index: usize) -> *const mpd_map {
    ffi_boundary! { with_ref(list, |l| element(&l.items, index)) }
}

/// The map called `name` (`"mpatha"`), borrowed from `list`; NULL if
/// there is none (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_map_list_find(
    list: *const mpd_map_list,
    name: *const c_char,
) -> *const mpd_map {
    ffi_boundary! {
        with_ref(list, |l| find(&l.items, name, |m| &m.name))
    }
}

/// Frees a map list and every map and string borrowed from it. NULL is a
/// no-op.
#[no_mangle]
pub extern "C" fn mpd_map_list_free(list: *mut mpd_map_list) {
    ffi_boundary! { free_box(list) }
}

/// Frees a map returned by `mpd_client_wait_for_map`. Never pass a map
/// borrowed from an `mpd_map_list`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_map_free(map: *mut mpd_map) {
    ffi_boundary! { free_box(map) }
}

/// The map name (alias or WWID); never NULL for a non-NULL `map`.
#[no_mangle]
pub extern "C" fn mpd_map_name(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| m.name.as_ptr()) }
}

/// The WWID of the LUN, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_uuid(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.uuid)) }
}

/// The dm device (`"dm-0"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_device(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.device)) }
}

/// The number of *active* paths (the checker finds them usable: ready or
/// ghost), the daemon's `%N`; not the total. -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_active_paths(map: *const mpd_map) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_i64(m.active_paths)) }
}

/// The queueing mode as the daemon prints it (`"off"`, `"on"`,
/// `"5 chk"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_queueing(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.queueing)) }
}

/// The device-mapper state (`"active"`, `"suspend"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_dm_state(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.dm_state)) }
}

/// The size as the daemon prints it (`"16M"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_size(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.size)) }
}

/// The table features (`"1 queue_if_no_path"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_features(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.features)) }
}

/// The hardware handler (`"1 alua"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_hwhandler(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.hwhandler)) }
}

/// The write protection (`"rw"`, `"ro"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_write_prot(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.write_prot)) }
}

/// The failback policy (`"manual"`, `"immediate"`, a number), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_failback(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.failback)) }
}

/// The vendor, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_vendor(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.vendor)) }
}

/// The product, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_product(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.product)) }
}

/// The revision, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_revision(map: *const mpd_map) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.revision)) }
}

// ----- topology -----

/// Every map with its path groups and paths, from `mpd_client_topology`.
/// Owned by the caller; free with `mpd_topology_free`.
pub struct mpd_topology {
    major_version: Option<u32>,
    minor_version: Option<u32>,
    maps: Vec<mpd_map_topology>,
}

/// One map with its path groups: borrowed from an `mpd_topology`, or
/// owned by the caller when it comes from `mpd_client_map_topology` (then
/// free it with `mpd_map_topology_free`).
pub struct mpd_map_topology {
    name: CString,
    uuid: OptStr,
    device: OptStr,
    failback: OptStr,
    queueing: OptStr,
    active_paths: Option<u32>,
    total_paths: u32,
    write_prot: OptStr,
    dm_state: OptStr,
    features: OptStr,
    hwhandler: OptStr,
    action: OptStr,
    path_faults: Option<u64>,
    vendor: OptStr,
    product: OptStr,
    revision: OptStr,
    switch_grp: Option<u64>,
    map_loads: Option<u64>,
    total_q_time: Option<u64>,
    q_timeouts: Option<u64>,
    size: OptStr,
    groups: Vec<mpd_path_group>,
}

/// One path group of a map. Borrowed from its map.
pub struct mpd_path_group {
    selector: OptStr,
    priority: Option<i32>,
    dm_state: OptStr,
    marginal: Option<bool>,
    group: Option<u32>,
    paths: Vec<mpd_topology_path>,
}

/// One path inside a path group. Borrowed from its group.
pub struct mpd_topology_path {
    device: CString,
    major: Option<u32>,
    minor: Option<u32>,
    dm_state: OptStr,
    dev_state: OptStr,
    checker_state: OptStr,
    checker: OptStr,
    priority: Option<i32>,
    host_wwnn: OptStr,
    target_wwnn: OptStr,
    host_wwpn: OptStr,
    target_wwpn: OptStr,
    host_adapter: OptStr,
    lun_hex: OptStr,
    marginal: Option<bool>,
    hcil: OptStr,
}

impl From<Topology> for mpd_topology {
    fn from(t: Topology) -> mpd_topology {
        mpd_topology {
            major_version: t.major_version,
            minor_version: t.minor_version,
            maps: t.maps.into_iter().map(mpd_map_topology::from).collect(),
        }
    }
}

impl From<MapTopology> for mpd_map_topology {
    fn from(m: MapTopology) -> mpd_map_topology {
        mpd_map_topology {
            name: cstring(m.name),
            uuid: opt_cstring(m.uuid),
            device: opt_cstring(m.device),
            failback: opt_cstring(m.failback),
            queueing: opt_word(m.queueing),
            active_paths: m.active_paths,
            total_paths: m.total_paths,
            write_prot: opt_cstring(m.write_prot),
            dm_state: opt_word(m.dm_state),
            features: opt_cstring(m.features),
            hwhandler: opt_cstring(m.hwhandler),
            action: opt_cstring(m.action),
            path_faults: m.path_faults,
            vendor: opt_cstring(m.vendor),
            product: opt_cstring(m.product),
            revision: opt_cstring(m.revision),
            switch_grp: m.switch_grp,
            map_loads: m.map_loads,
            total_q_time: m.total_q_time,
            q_timeouts: m.q_timeouts,
            size: opt_cstring(m.size),
            groups: m
                .path_groups
                .into_iter()
                .map(mpd_path_group::from)
                .collect(),
        }
    }
}

impl From<PathGroup> for mpd_path_group {
    fn from(g: PathGroup) -> mpd_path_group {
        mpd_path_group {
            selector: opt_cstring(g.selector),
            priority: g.priority,
            dm_state: opt_word(g.dm_state),
            marginal: g.marginal.and_then(|m| m.as_flag()),
            group: g.number,
            paths: g.paths.into_iter().map(mpd_topology_path::from).collect(),
        }
    }
}

impl From<TopologyPath> for mpd_topology_path {
    fn from(p: TopologyPath) -> mpd_topology_path {
        mpd_topology_path {
            device: cstring(p.device),
            major: p.major,
            minor: p.minor,
            dm_state: opt_word(p.dm_state),
            dev_state: opt_word(p.dev_state),
            checker_state: opt_word(p.checker_state),
            checker: opt_cstring(p.checker),
            priority: p.priority,
            host_wwnn: opt_cstring(p.host_wwnn),
            target_wwnn: opt_cstring(p.target_wwnn),
            host_wwpn: opt_cstring(p.host_wwpn),
            target_wwpn: opt_cstring(p.target_wwpn),
            host_adapter: opt_cstring(p.host_adapter),
            lun_hex: opt_cstring(p.lun_hex),
            marginal: p.marginal.and_then(|m| m.as_flag()),
            hcil: opt_cstring(p.hcil),
        }
    }
}

/// The JSON format's major version; -1 when unknown (a topology parsed
/// from text, or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_major_version(topology: *const mpd_topology) -> i64 {
    ffi_boundary! { with_ref(topology, |t| opt_i64(t.major_version)) }
}

/// The JSON format's minor version; -1 when unknown (a topology parsed
/// from text, or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_minor_version(topology: *const mpd_topology) -> i64 {
    ffi_boundary! { with_ref(topology, |t| opt_i64(t.minor_version)) }
}

/// The number of maps in `topology`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_map_count(topology: *const mpd_topology) -> usize {
    ffi_boundary! { with_ref(topology, |t| t.maps.len()) }
}

/// The map at `index` (from 0), borrowed from `topology` (valid until
/// `mpd_topology_free`; do not free it); NULL if out of range.
#[no_mangle]
pub extern "C" fn mpd_topology_map(
    topology: *const mpd_topology,
    index: usize,
) -> *const mpd_map_topology {
    ffi_boundary! { with_ref(topology, |t| element(&t.maps, index)) }
}

/// The map called `name`, borrowed from `topology`; NULL if there is none
/// (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_topology_find_map(
    topology: *const mpd_topology,
    name: *const c_char,
) -> *const mpd_map_topology {
    ffi_boundary! {
        with_ref(topology, |t| find(&t.maps, name, |m| &m.name))
    }
}

/// Frees a topology and every map, group, path and string borrowed from
/// it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_topology_free(topology: *mut mpd_topology) {
    ffi_boundary! { free_box(topology) }
}

/// Frees a map topology returned by `mpd_client_map_topology`. Never pass
/// a map borrowed from an `mpd_topology`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_map_topology_free(map: *mut mpd_map_topology) {
    ffi_boundary! { free_box(map) }
}

/// The map name; never NULL for a non-NULL `map`.
#[no_mangle]
pub extern "C" fn mpd_map_topology_name(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| m.name.as_ptr()) }
}

/// The WWID, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_uuid(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.uuid)) }
}

/// The dm device (`"dm-0"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_device(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.device)) }
}

/// The failback policy, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_failback(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.failback)) }
}

/// The queueing mode, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_queueing(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.queueing)) }
}

/// The number of *active* paths (usable: ready or ghost), the daemon's
/// count; not the total (`mpd_map_topology_total_paths`). -1 when unknown
/// (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_active_paths(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_i64(m.active_paths)) }
}

/// The number of paths in the map's path groups, whatever their state; -1
/// for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_total_paths(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| i64::from(m.total_paths)) }
}

/// The write protection (`"rw"`, `"ro"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_write_prot(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.write_prot)) }
}

/// The device-mapper state (`"active"`, `"suspend"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_dm_state(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.dm_state)) }
}

/// The table features, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_features(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.features)) }
}

/// The hardware handler, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_hwhandler(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.hwhandler)) }
}

/// The last action the daemon took on the map (`"create"`, `"reload"`),
/// or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_action(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.action)) }
}

/// Path failures counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_path_faults(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_count(m.path_faults)) }
}

/// The vendor, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_vendor(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.vendor)) }
}

/// The product, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_product(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.product)) }
}

/// The revision, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_revision(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.revision)) }
}

/// Path-group switches counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_switch_grp(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_count(m.switch_grp)) }
}

/// Table loads counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_map_loads(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_count(m.map_loads)) }
}

/// Seconds spent queueing; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_total_q_time(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_count(m.total_q_time)) }
}

/// Queueing timeouts counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_topology_q_timeouts(map: *const mpd_map_topology) -> i64 {
    ffi_boundary! { with_ref(map, |m| opt_count(m.q_timeouts)) }
}

/// The size as printed (`"16M"`), or NULL (the JSON topology that
/// `mpd_client_topology` reads does not carry it).
#[no_mangle]
pub extern "C" fn mpd_map_topology_size(map: *const mpd_map_topology) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.size)) }
}

/// The number of path groups of `map`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_topology_group_count(map: *const mpd_map_topology) -> usize {
    ffi_boundary! { with_ref(map, |m| m.groups.len()) }
}

/// The path group at `index` (from 0, in the table's order), borrowed
/// from `map`; NULL if out of range.
#[no_mangle]
pub extern "C" fn mpd_map_topology_group(
    map: *const mpd_map_topology,
    index: usize,
) -> *const mpd_path_group {
    ffi_boundary! { with_ref(map, |m| element(&m.groups, index)) }
}

/// The path selector (`"service-time 0"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_group_selector(group: *const mpd_path_group) -> *const c_char {
    ffi_boundary! { with_ref(group, |g| opt_ptr(&g.selector)) }
}

/// The group priority; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_path_group_priority(group: *const mpd_path_group) -> i64 {
    ffi_boundary! { with_ref(group, |g| opt_i64(g.priority)) }
}

/// The group state (`"active"`, `"enabled"`, `"disabled"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_path_group_dm_state(group: *const mpd_path_group) -> *const c_char {
    ffi_boundary! { with_ref(group, |g| opt_ptr(&g.dm_state)) }
}

/// Whether the group is marginal: 1 yes, 0 no, -1 unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_path_group_marginal(group: *const mpd_path_group) -> c_int {
    ffi_boundary! { with_ref(group, |g| opt_flag(g.marginal)) }
}

/// The group number, from 1 (what `mpd_client_switch_group` takes); -1
/// when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_path_group_number(group: *const mpd_path_group) -> i64 {
    ffi_boundary! { with_ref(group, |g| opt_i64(g.group)) }
}

/// The number of paths in `group`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_path_group_path_count(group: *const mpd_path_group) -> usize {
    ffi_boundary! { with_ref(group, |g| g.paths.len()) }
}

/// The path at `index` (from 0), borrowed from `group`; NULL if out of
/// range.
#[no_mangle]
pub extern "C" fn mpd_path_group_path(
    group: *const mpd_path_group,
    index: usize,
) -> *const mpd_topology_path {
    ffi_boundary! { with_ref(group, |g| element(&g.paths, index)) }
}

/// The kernel device name; never NULL for a non-NULL `path`.
#[no_mangle]
pub extern "C" fn mpd_topology_path_device(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| p.device.as_ptr()) }
}

/// The major number; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_path_major(path: *const mpd_topology_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| opt_i64(p.major)) }
}

/// The minor number; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_path_minor(path: *const mpd_topology_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| opt_i64(p.minor)) }
}

/// The state in the dm table (`"active"`, `"failed"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_dm_state(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.dm_state)) }
}

/// The kernel device state (`"running"`, `"offline"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_dev_state(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.dev_state)) }
}

/// The checker verdict (`"ready"`, `"faulty"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_checker_state(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.checker_state)) }
}

/// The checker name (`"tur"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_checker(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.checker)) }
}

/// The path priority; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_path_priority(path: *const mpd_topology_path) -> i64 {
    ffi_boundary! { with_ref(path, |p| opt_i64(p.priority)) }
}

/// The host WWNN (Fibre Channel), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_host_wwnn(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.host_wwnn)) }
}

/// The target WWNN (Fibre Channel), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_target_wwnn(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.target_wwnn)) }
}

/// The host WWPN (Fibre Channel), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_host_wwpn(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.host_wwpn)) }
}

/// The target WWPN (Fibre Channel), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_target_wwpn(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.target_wwpn)) }
}

/// The host adapter (PCI address), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_host_adapter(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.host_adapter)) }
}

/// The LUN in hex (0.9+), or NULL.
#[no_mangle]
pub extern "C" fn mpd_topology_path_lun_hex(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.lun_hex)) }
}

/// Whether the path is marginal: 1 yes, 0 no, -1 unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_topology_path_marginal(path: *const mpd_topology_path) -> c_int {
    ffi_boundary! { with_ref(path, |p| opt_flag(p.marginal)) }
}

/// H:C:T:L, or NULL (the JSON topology that `mpd_client_topology` reads
/// does not carry it).
#[no_mangle]
pub extern "C" fn mpd_topology_path_hcil(path: *const mpd_topology_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.hcil)) }
}

// ----- status -----

/// `show status`: how many paths each checker state holds, from
/// `mpd_client_status`. Owned by the caller; free with `mpd_status_free`.
pub struct mpd_status {
    states: Vec<(CString, u64)>,
    paths: u64,
    busy: bool,
}

impl From<DaemonStatus> for mpd_status {
    fn from(s: DaemonStatus) -> mpd_status {
        mpd_status {
            states: s
                .checker_states
                .into_iter()
                .map(|(k, v)| (cstring(k), v))
                .collect(),
            paths: s.paths,
            busy: s.busy,
        }
    }
}

/// The total number of paths; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_status_paths(status: *const mpd_status) -> u64 {
    ffi_boundary! { with_ref(status, |s| s.paths) }
}

/// Whether the daemon is busy (reconfiguring or handling uevents); false
/// for NULL.
#[no_mangle]
pub extern "C" fn mpd_status_busy(status: *const mpd_status) -> bool {
    ffi_boundary! { with_ref(status, |s| s.busy) }
}

/// The number of checker states listed (`"up"`, `"down"`, …); 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_status_state_count(status: *const mpd_status) -> usize {
    ffi_boundary! { with_ref(status, |s| s.states.len()) }
}

/// The name of the checker state at `index` (sorted by name), borrowed
/// from `status`; NULL if out of range.
#[no_mangle]
pub extern "C" fn mpd_status_state_name(status: *const mpd_status, index: usize) -> *const c_char {
    ffi_boundary! {
        with_ref(status, |s| s.states.get(index).map_or(ptr::null(), |(k, _)| k.as_ptr()))
    }
}

/// The number of paths in the checker state at `index`; 0 if out of
/// range.
#[no_mangle]
pub extern "C" fn mpd_status_state_paths(status: *const mpd_status, index: usize) -> u64 {
    ffi_boundary! { with_ref(status, |s| s.states.get(index).map_or(0, |(_, v)| *v)) }
}

/// The number of paths in the checker state called `state` (e.g. `"up"`);
/// 0 if the daemon did not list it (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_status_paths_in_state(
    status: *const mpd_status,
    state: *const c_char,
) -> u64 {
    ffi_boundary! {
        with_ref(status, |s| {
            let Ok(state) = try_str(state, "state") else {
                return 0;
            };
            s.states
                .iter()
                .find(|(k, _)| k.to_str() == Ok(state))
                .map_or(0, |(_, v)| *v)
        })
    }
}

/// Frees a status. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_status_free(status: *mut mpd_status) {
    ffi_boundary! { free_box(status) }
}

// ----- daemon state -----

/// `show daemon`: the daemon's pid and state, from
/// `mpd_client_daemon_state`. Owned by the caller; free with
/// `mpd_daemon_state_free`.
pub struct mpd_daemon_state {
    pid: u32,
    state: CString,
}

impl From<DaemonState> for mpd_daemon_state {
    fn from(d: DaemonState) -> mpd_daemon_state {
        mpd_daemon_state {
            pid: d.pid,
            state: cstring(d.state),
        }
    }
}

/// The daemon's process id; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_daemon_state_pid(state: *const mpd_daemon_state) -> u32 {
    ffi_boundary! { with_ref(state, |s| s.pid) }
}

/// The state word (`"idle"`, `"running"`, `"configure"`, …), borrowed
/// from `state`; NULL for NULL.
#[no_mangle]
pub extern "C" fn mpd_daemon_state_state(state: *const mpd_daemon_state) -> *const c_char {
    ffi_boundary! { with_ref(state, |s| s.state.as_ptr()) }
}

/// Frees a daemon state. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_daemon_state_free(state: *mut mpd_daemon_state) {
    ffi_boundary! { free_box(state) }
}

// ----- health -----

/// How a map is doing (`mpd_map_health_state`), worst last. The values
/// are those of the Rust `HealthState`, in its order;
/// `mpd_health_state_str` gives each one's name.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum mpd_health_state {
    /// Not a state: what `mpd_map_health_state` returns for NULL (and for
    /// a state this version of libmpd does not know).
    MPD_HEALTH_UNKNOWN = -1,
    /// Every path is up.
    MPD_HEALTH_HEALTHY = 0,
    /// Some paths are up, some are not: I/O flows, redundancy is lost.
    MPD_HEALTH_DEGRADED = 1,
    /// The map is suspended: I/O is held until `resume map`.
    MPD_HEALTH_SUSPENDED = 2,
    /// No path is up and the map queues I/O: I/O hangs until a path
    /// returns (or the queueing time runs out).
    MPD_HEALTH_ALL_PATHS_DOWN_QUEUEING = 3,
    /// No path is up and the map does not queue: I/O fails.
    MPD_HEALTH_ALL_PATHS_DOWN_FAILING = 4,
    /// The map has no path at all.
    MPD_HEALTH_NO_PATHS = 5,
}

impl From<HealthState> for mpd_health_state {
    fn from(s: HealthState) -> mpd_health_state {
        // Every state is named: `HealthState` is `#[non_exhaustive]`, so
        // Rust wants the last arm for a state added to mpd-proto later;
        // the test `every_health_state_has_its_own_value` fails until it
        // has its own value here.
        match s {
            HealthState::Healthy => mpd_health_state::MPD_HEALTH_HEALTHY,
            HealthState::Degraded => mpd_health_state::MPD_HEALTH_DEGRADED,
            HealthState::Suspended => mpd_health_state::MPD_HEALTH_SUSPENDED,
            HealthState::AllPathsDownQueueing => {
                mpd_health_state::MPD_HEALTH_ALL_PATHS_DOWN_QUEUEING
            }
            HealthState::AllPathsDownFailing => mpd_health_state::MPD_HEALTH_ALL_PATHS_DOWN_FAILING,
            HealthState::NoPaths => mpd_health_state::MPD_HEALTH_NO_PATHS,
            _ => mpd_health_state::MPD_HEALTH_UNKNOWN,
        }
    }
}

impl Fallback for mpd_health_state {
    fn fallback() -> Self {
        mpd_health_state::MPD_HEALTH_UNKNOWN
    }
}

/// The Rust state whose C value is `state`, if there is one (not for
/// `MPD_HEALTH_UNKNOWN` or a value that is no state).
fn health_state(state: c_int) -> Option<HealthState> {
    HealthState::ALL
        .into_iter()
        .find(|s| mpd_health_state::from(*s) as c_int == state)
}

/// Every map's health and how many maps are in each state, from
/// `mpd_client_health`. Owned by the caller; free with `mpd_health_free`.
pub struct mpd_health {
    maps: Vec<mpd_map_health>,
    counts: BTreeMap<HealthState, u32>,
}

/// One map's health: borrowed from an `mpd_health`, or owned by the caller
/// when it comes from `mpd_client_map_health` (then free it with
/// `mpd_map_health_free`).
pub struct mpd_map_health {
    name: CString,
    uuid: OptStr,
    state: mpd_health_state,
    up_paths: u32,
    total_paths: u32,
    down_paths: Vec<mpd_down_path>,
    queues: bool,
}

/// A path of a map that is not up, and why. Borrowed from its
/// `mpd_map_health`.
pub struct mpd_down_path {
    device: CString,
    dm_state: OptStr,
    checker_state: OptStr,
}

impl From<Health> for mpd_health {
    fn from(h: Health) -> mpd_health {
        mpd_health {
            maps: h.maps.into_iter().map(mpd_map_health::from).collect(),
            counts: h.counts,
        }
    }
}

impl From<MapHealth> for mpd_map_health {
    fn from(m: MapHealth) -> mpd_map_health {
        mpd_map_health {
            name: cstring(m.name),
            uuid: opt_cstring(m.uuid),
            state: m.state.into(),
            up_paths: m.up_paths,
            total_paths: m.total_paths,
            down_paths: m.down_paths.into_iter().map(mpd_down_path::from).collect(),
            queues: m.queues,
        }
    }
}

impl From<DownPath> for mpd_down_path {
    fn from(p: DownPath) -> mpd_down_path {
        mpd_down_path {
            device: cstring(p.device),
            dm_state: opt_word(p.dm_state),
            checker_state: opt_word(p.checker_state),
        }
    }
}

/// The name of a health state, as the Rust library and the Python
/// binding spell it: `"healthy"`, `"degraded"`, `"suspended"`,
/// `"all_paths_down_queueing"`, `"all_paths_down_failing"`,
/// `"no_paths"`. A static string; NULL for `MPD_HEALTH_UNKNOWN` and any
/// value that is no state.
#[no_mangle]
pub extern "C" fn mpd_health_state_str(state: c_int) -> *const c_char {
    ffi_boundary! {
        static NAMES: OnceLock<Vec<(HealthState, CString)>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            HealthState::ALL
                .into_iter()
                .map(|s| (s, cstring(s.name())))
                .collect()
        });
        health_state(state)
            .and_then(|s| names.iter().find(|(n, _)| *n == s))
            .map_or(ptr::null(), |(_, name)| name.as_ptr())
    }
}

/// The number of maps in `health`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_health_map_count(health: *const mpd_health) -> usize {
    ffi_boundary! { with_ref(health, |h| h.maps.len()) }
}

/// The health of the map at `index` (from 0, in the daemon's order),
/// borrowed from `health`; NULL if `health` is NULL or `index` is out of
/// range.
#[no_mangle]
pub extern "C" fn mpd_health_map(health: *const mpd_health, index: usize) -> *const mpd_map_health {
    ffi_boundary! { with_ref(health, |h| element(&h.maps, index)) }
}

/// The health of the map called `name`, borrowed from `health`; NULL if
/// there is none (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_health_find_map(
    health: *const mpd_health,
    name: *const c_char,
) -> *const mpd_map_health {
    ffi_boundary! { with_ref(health, |h| find(&h.maps, name, |m| &m.name)) }
}

/// How many maps are in `state` (an `mpd_health_state`); 0 for NULL, and
/// for a value that is no state.
#[no_mangle]
pub extern "C" fn mpd_health_count(health: *const mpd_health, state: c_int) -> usize {
    ffi_boundary! {
        with_ref(health, |h| {
            health_state(state)
                .and_then(|s| h.counts.get(&s))
                .map_or(0, |n| *n as usize)
        })
    }
}

/// Whether every map is healthy (also when there is no map); false for
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_health_all_healthy(health: *const mpd_health) -> bool {
    ffi_boundary! {
        with_ref(health, |h| {
            h.maps
                .iter()
                .all(|m| m.state == mpd_health_state::MPD_HEALTH_HEALTHY)
        })
    }
}

/// Frees a health and every map health, down path and string borrowed
/// from it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_health_free(health: *mut mpd_health) {
    ffi_boundary! { free_box(health) }
}

/// The map name; never NULL for a non-NULL `map`.
#[no_mangle]
pub extern "C" fn mpd_map_health_name(map: *const mpd_map_health) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| m.name.as_ptr()) }
}

/// The WWID of the LUN, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_uuid(map: *const mpd_map_health) -> *const c_char {
    ffi_boundary! { with_ref(map, |m| opt_ptr(&m.uuid)) }
}

/// The verdict; `MPD_HEALTH_UNKNOWN` for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_state(map: *const mpd_map_health) -> mpd_health_state {
    ffi_boundary! { with_ref(map, |m| m.state) }
}

/// The paths that are up: the checker finds them usable (ready or ghost)
/// and the kernel has not failed them. -1 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_up_paths(map: *const mpd_map_health) -> i64 {
    ffi_boundary! { with_ref(map, |m| i64::from(m.up_paths)) }
}

/// Every path of the map's path groups, whatever its state (the same
/// count as `mpd_map_topology_total_paths`). -1 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_total_paths(map: *const mpd_map_health) -> i64 {
    ffi_boundary! { with_ref(map, |m| i64::from(m.total_paths)) }
}

/// Whether the map queues I/O when no path is left (queueing `on`,
/// `N chk`, `N sec`, or `queue_if_no_path` in its features); false for
/// NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_queues(map: *const mpd_map_health) -> bool {
    ffi_boundary! { with_ref(map, |m| m.queues) }
}

/// The number of paths that are not up; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_health_down_path_count(map: *const mpd_map_health) -> usize {
    ffi_boundary! { with_ref(map, |m| m.down_paths.len()) }
}

/// The path at `index` (from 0) of those that are not up, borrowed from
/// `map`; NULL if `map` is NULL or `index` is out of range.
#[no_mangle]
pub extern "C" fn mpd_map_health_down_path(
    map: *const mpd_map_health,
    index: usize,
) -> *const mpd_down_path {
    ffi_boundary! { with_ref(map, |m| element(&m.down_paths, index)) }
}

/// Frees a map health returned by `mpd_client_map_health`. Never pass one
/// borrowed from an `mpd_health`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_map_health_free(map: *mut mpd_map_health) {
    ffi_boundary! { free_box(map) }
}

/// The kernel device name (`"sdc"`); never NULL for a non-NULL `path`.
#[no_mangle]
pub extern "C" fn mpd_down_path_device(path: *const mpd_down_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| p.device.as_ptr()) }
}

/// The path's state in the dm table (`"failed"`, `"active"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_down_path_dm_state(path: *const mpd_down_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.dm_state)) }
}

/// The checker's verdict (`"faulty"`, `"shaky"`, …), or NULL (never
/// checked).
#[no_mangle]
pub extern "C" fn mpd_down_path_checker_state(path: *const mpd_down_path) -> *const c_char {
    ffi_boundary! { with_ref(path, |p| opt_ptr(&p.checker_state)) }
}

// ----- map status and stats -----

/// One row of `show maps status`, from `mpd_client_map_status`. Borrowed
/// from its `mpd_map_status_list`.
pub struct mpd_map_status {
    name: CString,
    failback: OptStr,
    queueing: OptStr,
    active_paths: Option<u32>,
    dm_state: OptStr,
    write_prot: OptStr,
}

impl From<MapStatus> for mpd_map_status {
    fn from(m: MapStatus) -> mpd_map_status {
        mpd_map_status {
            name: cstring(m.name),
            failback: opt_cstring(m.failback),
            queueing: opt_word(m.queueing),
            active_paths: m.active_paths,
            dm_state: opt_word(m.dm_state),
            write_prot: opt_cstring(m.write_prot),
        }
    }
}

/// The rows returned by `mpd_client_map_status`. Owned by the caller; free
/// with `mpd_map_status_list_free`.
pub struct mpd_map_status_list {
    items: Vec<mpd_map_status>,
}

impl From<Vec<MapStatus>> for mpd_map_status_list {
    fn from(v: Vec<MapStatus>) -> mpd_map_status_list {
        mpd_map_status_list {
            items: v.into_iter().map(mpd_map_status::from).collect(),
        }
    }
}

/// The number of rows in `list`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_status_list_len(list: *const mpd_map_status_list) -> usize {
    ffi_boundary! { with_ref(list, |l| l.items.len()) }
}

/// The row at `index` (from 0), borrowed from `list`; NULL if out of range.
#[no_mangle]
pub extern "C" fn mpd_map_status_list_get(
    list: *const mpd_map_status_list,
    index: usize,
) -> *const mpd_map_status {
    ffi_boundary! { with_ref(list, |l| element(&l.items, index)) }
}

/// The row of the map called `name`, borrowed from `list`; NULL if there is
/// none (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_map_status_list_find(
    list: *const mpd_map_status_list,
    name: *const c_char,
) -> *const mpd_map_status {
    ffi_boundary! { with_ref(list, |l| find(&l.items, name, |m| &m.name)) }
}

/// Frees a map status list and every row and string borrowed from it.
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpd_map_status_list_free(list: *mut mpd_map_status_list) {
    ffi_boundary! { free_box(list) }
}

/// The map name; never NULL for a non-NULL `status`.
#[no_mangle]
pub extern "C" fn mpd_map_status_name(status: *const mpd_map_status) -> *const c_char {
    ffi_boundary! { with_ref(status, |m| m.name.as_ptr()) }
}

/// The failback policy, or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_status_failback(status: *const mpd_map_status) -> *const c_char {
    ffi_boundary! { with_ref(status, |m| opt_ptr(&m.failback)) }
}

/// The queueing mode (`"off"`, `"on"`, `"5 chk"`, `"12 sec"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_status_queueing(status: *const mpd_map_status) -> *const c_char {
    ffi_boundary! { with_ref(status, |m| opt_ptr(&m.queueing)) }
}

/// The number of active (usable) paths, not the total; -1 when unknown
/// (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_status_active_paths(status: *const mpd_map_status) -> i64 {
    ffi_boundary! { with_ref(status, |m| opt_i64(m.active_paths)) }
}

/// The device-mapper state (`"active"`, `"suspend"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_status_dm_state(status: *const mpd_map_status) -> *const c_char {
    ffi_boundary! { with_ref(status, |m| opt_ptr(&m.dm_state)) }
}

/// The write protection (`"rw"`, `"ro"`), or NULL.
#[no_mangle]
pub extern "C" fn mpd_map_status_write_prot(status: *const mpd_map_status) -> *const c_char {
    ffi_boundary! { with_ref(status, |m| opt_ptr(&m.write_prot)) }
}

/// One row of `show maps stats`, from `mpd_client_map_stats`. Borrowed
/// from its `mpd_map_stats_list`.
pub struct mpd_map_stats {
    name: CString,
    path_faults: Option<u64>,
    switch_grp: Option<u64>,
    map_loads: Option<u64>,
    total_q_time: Option<u64>,
    q_timeouts: Option<u64>,
}

impl From<MapStats> for mpd_map_stats {
    fn from(m: MapStats) -> mpd_map_stats {
        mpd_map_stats {
            name: cstring(m.name),
            path_faults: m.path_faults,
            switch_grp: m.switch_grp,
            map_loads: m.map_loads,
            total_q_time: m.total_q_time,
            q_timeouts: m.q_timeouts,
        }
    }
}

/// The rows returned by `mpd_client_map_stats`. Owned by the caller; free
/// with `mpd_map_stats_list_free`.
pub struct mpd_map_stats_list {
    items: Vec<mpd_map_stats>,
}

impl From<Vec<MapStats>> for mpd_map_stats_list {
    fn from(v: Vec<MapStats>) -> mpd_map_stats_list {
        mpd_map_stats_list {
            items: v.into_iter().map(mpd_map_stats::from).collect(),
        }
    }
}

/// The number of rows in `list`; 0 for NULL.
#[no_mangle]
pub extern "C" fn mpd_map_stats_list_len(list: *const mpd_map_stats_list) -> usize {
    ffi_boundary! { with_ref(list, |l| l.items.len()) }
}

/// The row at `index` (from 0), borrowed from `list`; NULL if out of range.
#[no_mangle]
pub extern "C" fn mpd_map_stats_list_get(
    list: *const mpd_map_stats_list,
    index: usize,
) -> *const mpd_map_stats {
    ffi_boundary! { with_ref(list, |l| element(&l.items, index)) }
}

/// The row of the map called `name`, borrowed from `list`; NULL if there is
/// none (or an argument is NULL or not UTF-8).
#[no_mangle]
pub extern "C" fn mpd_map_stats_list_find(
    list: *const mpd_map_stats_list,
    name: *const c_char,
) -> *const mpd_map_stats {
    ffi_boundary! { with_ref(list, |l| find(&l.items, name, |m| &m.name)) }
}

/// Frees a map stats list and every row and string borrowed from it. NULL
/// is a no-op.
#[no_mangle]
pub extern "C" fn mpd_map_stats_list_free(list: *mut mpd_map_stats_list) {
    ffi_boundary! { free_box(list) }
}

/// The map name; never NULL for a non-NULL `stats`.
#[no_mangle]
pub extern "C" fn mpd_map_stats_name(stats: *const mpd_map_stats) -> *const c_char {
    ffi_boundary! { with_ref(stats, |m| m.name.as_ptr()) }
}

/// Path failures counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_stats_path_faults(stats: *const mpd_map_stats) -> i64 {
    ffi_boundary! { with_ref(stats, |m| opt_count(m.path_faults)) }
}

/// Path-group switches counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_stats_switch_grp(stats: *const mpd_map_stats) -> i64 {
    ffi_boundary! { with_ref(stats, |m| opt_count(m.switch_grp)) }
}

/// Table loads counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_stats_map_loads(stats: *const mpd_map_stats) -> i64 {
    ffi_boundary! { with_ref(stats, |m| opt_count(m.map_loads)) }
}

/// Seconds spent queueing; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_stats_total_q_time(stats: *const mpd_map_stats) -> i64 {
    ffi_boundary! { with_ref(stats, |m| opt_count(m.total_q_time)) }
}

/// Queueing timeouts counted; -1 when unknown (or NULL).
#[no_mangle]
pub extern "C" fn mpd_map_stats_q_timeouts(stats: *const mpd_map_stats) -> i64 {
    ffi_boundary! { with_ref(stats, |m| opt_count(m.q_timeouts)) }
}

// ----- plain values -----

/// A multipath-tools release number (`0.9.4`), filled in by
/// `mpd_client_daemon_version`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct mpd_daemon_version {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Patch number.
    pub patch: u32,
}

impl From<DaemonVersion> for mpd_daemon_version {
    fn from(v: DaemonVersion) -> mpd_daemon_version {
        mpd_daemon_version {
            major: v.major,
            minor: v.minor,
            patch: v.patch,
        }
    }
}

/// Whether the daemon has registered a reservation key for a map, from
/// `mpd_client_pr_status`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum mpd_pr_status {
    /// The daemon has not checked yet (`unknown`, 0.10+); also the value
    /// written first, before the call succeeds.
    #[default]
    MPD_PR_UNKNOWN = 0,
    /// A key is registered (`1` before 0.10, `set` since).
    MPD_PR_SET = 1,
    /// No key is registered (`0` before 0.10, `unset` since).
    MPD_PR_UNSET = 2,
}

impl From<PrStatus> for mpd_pr_status {
    fn from(s: PrStatus) -> mpd_pr_status {
        match s {
            PrStatus::Set => mpd_pr_status::MPD_PR_SET,
            PrStatus::Unset => mpd_pr_status::MPD_PR_UNSET,
            PrStatus::Unknown => mpd_pr_status::MPD_PR_UNKNOWN,
        }
    }
}

/// A map's persistent-reservation key, from `mpd_client_pr_key`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct mpd_pr_key {
    /// False when the daemon has no key for the map (then `key` and
    /// `aptpl` are 0).
    pub has_key: bool,
    /// The 64-bit key.
    pub key: u64,
    /// Whether it persists through power loss (`:aptpl`).
    pub aptpl: bool,
}

impl From<Option<PrKey>> for mpd_pr_key {
    fn from(k: Option<PrKey>) -> mpd_pr_key {
        match k {
            Some(k) => mpd_pr_key {
                has_key: true,
                key: k.key,
                aptpl: k.aptpl,
            },
            None => mpd_pr_key::default(),
        }
    }
}

/// What `mpd_client_remove_map_safely` did, written to a struct the caller
/// provides. It is zeroed first and filled in only on success: after a
/// failure, `MPD_WAIT_TIMEOUT` included, it stays zeroed and the message
/// (`mpd_client_last_error`) says what was done — the attempts, the last
/// refusal with its code (`[last refusal: MPD_MAP_IN_USE; …]`) and
/// whether queueing was restored.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct mpd_removal {
    /// `del map` commands sent (0 when the map was already gone).
    pub attempts: u32,
    /// The map was not there to begin with: nothing was removed, which is
    /// not an error.
    pub already_gone: bool,
    /// Queueing was disabled on the map before the removal.
    pub queueing_disabled: bool,
    /// Queueing was restored because the removal did not finish. Always
    /// false here, as the Rust field is only set on the way to
    /// `MPD_WAIT_TIMEOUT`, when this struct stays zeroed: the message
    /// says `queueing disabled, then restored` instead.
    pub queueing_restored: bool,
    /// The code of the last refusal before the map went (e.g.
    /// `MPD_MAP_IN_USE` after a retry); `MPD_OK` if there was none.
    pub last_error: mpd_result,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

impl Default for mpd_removal {
    /// All zero: no attempt, no flag, `MPD_OK`, 0 ms.
    fn default() -> Self {
        mpd_removal {
            attempts: 0,
            already_gone: false,
            queueing_disabled: false,
            queueing_restored: false,
            last_error: mpd_result::MPD_OK,
            elapsed_ms: 0,
        }
    }
}

impl From<Removal> for mpd_removal {
    fn from(r: Removal) -> mpd_removal {
        mpd_removal {
            attempts: r.attempts,
            already_gone: r.already_gone,
            queueing_disabled: r.queueing_disabled,
            queueing_restored: r.queueing_restored,
            last_error: r
                .last_error_kind
                .map_or(mpd_result::MPD_OK, mpd_result::of_kind),
            elapsed_ms: u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Frees a string the library handed over with ownership (from
/// `mpd_client_command`, `mpd_client_path_state`, `mpd_client_config`).
/// NULL is a no-op. Never pass a string borrowed from an object.
#[no_mangle]
pub extern "C" fn mpd_string_free(string: *mut c_char) {
    ffi_boundary! { free_string(string) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::time::Duration;
    use strum::VariantArray;

    /// Every Rust health state has its own C value, named after it
    /// (`AllPathsDownQueueing` -> `MPD_HEALTH_ALL_PATHS_DOWN_QUEUEING`), in
    /// the Rust order, and the C enum has no other value but
    /// `MPD_HEALTH_UNKNOWN`.
    #[test]
    fn every_health_state_has_its_own_value() {
        assert_eq!(mpd_health_state::VARIANTS.len(), HealthState::ALL.len() + 1);
        for (i, s) in HealthState::ALL.into_iter().enumerate() {
            let c = mpd_health_state::from(s);
            assert_ne!(c, mpd_health_state::MPD_HEALTH_UNKNOWN, "{s:?}");
            assert_eq!(c as c_int, i as c_int, "{s:?}");
            assert_eq!(
                format!("{c:?}"),
                format!("MPD_HEALTH_{}", s.name().to_ascii_uppercase())
            );
            assert_eq!(health_state(c as c_int), Some(s));
            // SAFETY: a non-NULL result is a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(mpd_health_state_str(c as c_int)) };
            assert_eq!(name.to_str().unwrap(), s.name());
        }
        for not_a_state in [-1, 6, 1000, c_int::MIN] {
            assert_eq!(health_state(not_a_state), None);
            assert!(mpd_health_state_str(not_a_state).is_null());
        }
        assert_eq!(
            mpd_health_state::fallback(),
            mpd_health_state::MPD_HEALTH_UNKNOWN
        );
    }

    #[test]
    fn a_removal_for_c() {
        assert_eq!(
            mpd_removal::default(),
            mpd_removal {
                attempts: 0,
                already_gone: false,
                queueing_disabled: false,
                queueing_restored: false,
                last_error: mpd_result::MPD_OK,
                elapsed_ms: 0,
            }
        );
        let r = mpd_removal::from(Removal {
            map: "mpatha".into(),
            attempts: 2,
            already_gone: false,
            queueing_disabled: true,
            queueing_restored: false,
            last_error_kind: Some(mpd_client::ErrorKind::MapInUse),
            last_error: Some("in use".into()),
            elapsed: Duration::from_micros(1_250_900),
        });
        assert_eq!(r.attempts, 2);
        assert!(r.queueing_disabled && !r.queueing_restored && !r.already_gone);
        assert_eq!(r.last_error, mpd_result::MPD_MAP_IN_USE);
        assert_eq!(r.elapsed_ms, 1250);
    }
}
