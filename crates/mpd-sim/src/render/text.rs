//! The other `show` replies: status, daemon, devices, wildcards, config,
//! blacklist, and the help text.

use super::fields::{self, GROUP_FIELDS};
use crate::state::{PathCheck, QueueWithoutDaemon, State};
use crate::version::Version;

/// `show status`: paths per checker state, monitored paths, uevent queue.
pub(crate) fn status(st: &State) -> String {
    let mut out = String::from("path checker states:\n");
    for s in PathCheck::ALL {
        let n = st.paths.iter().filter(|p| p.checker_state == s).count();
        if n > 0 {
            out.push_str(&format!("{:<20}{}\n", s.status_name(), n));
        }
    }
    // Orphaned paths have their device closed and are not monitored.
    let monitored = st.paths.iter().filter(|p| p.map.is_some()).count();
    out.push_str(&format!("\npaths: {monitored}\nbusy: False\n"));
    out
}

/// `show daemon`.
pub(crate) fn daemon(pid: u32) -> String {
    format!("pid {pid} idle\n")
}

/// `show wildcards`: every wildcard of the release with its header.
pub(crate) fn wildcards(v: Version) -> String {
    let mut out = String::from("multipath format wildcards:\n");
    for f in fields::map_fields(v) {
        out.push_str(&format!("%{}  {}\n", f.wc as char, f.header));
    }
    out.push_str("\npath format wildcards:\n");
    for f in fields::path_fields(v) {
        out.push_str(&format!("%{}  {}\n", f.wc as char, f.header));
    }
    // 0.11 no longer lists the path group wildcards.
    if !v.is_0_11_plus() {
        out.push_str("\npathgroup format wildcards:\n");
        for f in &GROUP_FIELDS {
            out.push_str(&format!("%{}  {}\n", f.wc as char, f.header));
        }
    }
    out
}

/// `show devices`: the block devices udev knows, in sysfs path order (the
/// SCSI disks under their hosts, then the dm devices), with how the
/// blacklist and the daemon see them.
pub(crate) fn devices(st: &State) -> String {
    let mut entries: Vec<(String, String)> = Vec::new();
    for d in &st.disks {
        let syspath = format!(
            "/sys/devices/pseudo_0/adapter{h}/host{h}/target{h}:0:0/{}/block/{}",
            d.hcil,
            d.dev,
            h = d.hcil.host
        );
        let status = if st.path(&d.dev).is_some() {
            // The daemon's own text has a stray leading space.
            " devnode whitelisted, monitored"
        } else if crate::state::devnode_allowed(&d.dev) {
            "devnode whitelisted, unmonitored"
        } else {
            "devnode blacklisted, unmonitored"
        };
        entries.push((syspath, format!("    {} {status}\n", d.dev)));
    }
    for m in &st.maps {
        entries.push((
            format!("/sys/devices/virtual/block/dm-{}", m.minor),
            format!("    dm-{} devnode blacklisted, unmonitored\n", m.minor),
        ));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from("available block devices:\n");
    for (_, line) in entries {
        out.push_str(&line);
    }
    out
}

/// `queue_without_daemon` as `show config` prints it.
fn with_qwd(text: &str, st: &State) -> String {
    match st.queue_without_daemon {
        QueueWithoutDaemon::No => text.to_owned(),
        QueueWithoutDaemon::Forced => text.replacen(
            "\tqueue_without_daemon \"no\"\n",
            "\tqueue_without_daemon \"forced\"\n",
            1,
        ),
    }
}

/// `show config` (the recorded configuration of that release).
pub(crate) fn config(v: Version, st: &State) -> String {
    with_qwd(v.config_text(), st)
}

/// `show config local`: the recorded configuration plus a `multipaths`
/// section listing the current maps.
pub(crate) fn config_local(v: Version, st: &State) -> String {
    let mut out = with_qwd(v.config_local_head(), st);
    out.push_str("multipaths {\n");
    for m in &st.maps {
        out.push_str(&format!("\tmultipath {{\n\t\twwid \"{}\"\n", m.wwid));
        if m.alias != m.wwid {
            out.push_str(&format!("\t\t# alias \"{}\"\n", m.alias));
        }
        out.push_str("\t}\n");
    }
    out.push_str("}\n");
    out
}

/// `show blacklist` (recorded).
pub(crate) fn blacklist(v: Version) -> &'static str {
    v.blacklist_text()
}

/// The help text, optionally after an error line (`X: not found`, …).
pub(crate) fn help(v: Version, error_line: Option<String>) -> String {
    let mut out = error_line.unwrap_or_default();
    out.push_str(v.banner());
    out.push_str(v.help_body());
    out
}
