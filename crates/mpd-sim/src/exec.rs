//! One command, start to finish: permission check, parsing, the handler's
//! effect on the state, and the reply text in the release's conventions.
//! Pure: the caller owns the state and does the I/O.

use crate::parse::{self, Key, Op, ParseError, Parsed};
use crate::render::{json, table, text, topology};
use crate::state::{Change, QueueWithoutDaemon, State};
use crate::version::Version;

/// Who sent the command and how the simulator behaves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    pub version: Version,
    pub is_root: bool,
    pub immediate: bool,
    pub pid: u32,
    /// `reservation_key file` is configured, so `setprkey` sticks.
    pub prkeys_file: bool,
}

/// What the connection does after sending the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    Continue,
    /// `shutdown`: the daemon exits.
    Shutdown,
}

/// The reply to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub reply: String,
    pub after: After,
}

/// A handler's result: its return code and the reply text it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Fail,
    NoDevice,
    /// `-EBUSY` (0.10+): the map is open and cannot be flushed.
    Busy,
}

struct HandlerResult {
    status: Status,
    text: Option<String>,
}

impl HandlerResult {
    fn status(status: Status) -> Self {
        HandlerResult { status, text: None }
    }
    fn text(text: String) -> Self {
        HandlerResult {
            status: Status::Ok,
            text: Some(text),
        }
    }
}

/// The command as the daemon sees it: C string up to the first NUL.
fn c_string(command: &str) -> &str {
    match command.find('\0') {
        Some(n) => &command[..n],
        None => command,
    }
}

/// Runs one command against `state`.
pub(crate) fn execute(state: &mut State, ctx: &Context, command: &str) -> Outcome {
    let v = ctx.version;
    let cmd = c_string(command);
    let reply = |reply: String| Outcome {
        reply,
        after: After::Continue,
    };
    if v.is_legacy() && !ctx.is_root && !cmd.starts_with("list") && !cmd.starts_with("show") {
        return reply(v.permission_denied().to_owned());
    }
    let parsed = match parse::parse(v, cmd) {
        Ok(p) => p,
        Err(e) => return reply(parse_error_reply(v, cmd, e)),
    };
    if !v.is_legacy() && !ctx.is_root && parsed.first() != Key::List {
        return reply(v.permission_denied().to_owned());
    }
    let result = run(state, ctx, &parsed);
    let after = if parsed.op == Op::Shutdown {
        After::Shutdown
    } else {
        After::Continue
    };
    Outcome {
        reply: compose(v, result),
        after,
    }
}

fn parse_error_reply(v: Version, cmd: &str, e: ParseError) -> String {
    let prefix = if v.fail_prefixed() { "fail\n" } else { "" };
    let line = match e {
        ParseError::Unknown => return "fail\n".to_owned(),
        // 0.8.5 (as packaged) prints no line for an unknown word.
        ParseError::NotFound if v.is_legacy() => None,
        ParseError::NotFound => Some(format!("{cmd}: not found\n")),
        ParseError::MissingArgument => Some(format!("{cmd}: Missing argument\n")),
        ParseError::NoMemory => Some(format!("{cmd}: Not enough memory\n")),
    };
    format!("{prefix}{}", text::help(v, line))
}

fn compose(v: Version, r: HandlerResult) -> String {
    if v.is_legacy() {
        return match (r.status, r.text) {
            (Status::Ok, Some(t)) => t,
            (Status::Ok, None) => "ok\n".to_owned(),
            _ => "fail\n".to_owned(),
        };
    }
    if let Some(t) = r.text.filter(|t| !t.is_empty()) {
        return t;
    }
    match r.status {
        Status::Ok => "ok\n".to_owned(),
        Status::Fail => "fail\n".to_owned(),
        Status::NoDevice if v.fail_prefixed() => "fail\ndevice not found\n".to_owned(),
        Status::NoDevice => "fail\n".to_owned(),
        Status::Busy if v.fail_prefixed() => "fail\nmap or partition in use\n".to_owned(),
        // Before 0.10 a busy map is one more reason for returning 1.
        Status::Busy => "fail\n".to_owned(),
    }
}

/// `convert_dev`: drops a leading `/dev/`; for paths, `cciss/x` becomes
/// `cciss!x`.
fn convert_dev(name: &str, is_path: bool) -> String {
    let mut s = name.to_owned();
    if is_path {
        if let Some(i) = s.find("cciss/") {
            s.replace_range(i + 5..i + 6, "!");
        }
    }
    match s.strip_prefix("/dev/") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => s,
    }
}

/// `sscanf(s, "dm-%d")`: the number after `dm-` (C `%d`: optional leading
/// whitespace and sign), and whether anything follows it.
fn scan_dm_minor(s: &str) -> Option<(i64, bool)> {
    let rest = s.strip_prefix("dm-")?;
    let rest = rest.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let value: i64 = digits[..n].parse().unwrap_or(i64::MAX);
    Some((if neg { -value } else { value }, n < digits.len()))
}

/// `find_mp_by_str`: `dm-N` by minor, else by alias (0.11: a `dm-N` that
/// matches no map falls back to the alias).
fn find_map_by_str(st: &State, v: Version, name: &str) -> Option<usize> {
    match scan_dm_minor(name) {
        Some((minor, trailing)) if v.is_0_11_plus() => {
            let by_minor = if trailing {
                None
            } else {
                st.map_by_minor(minor)
            };
            by_minor.or_else(|| st.map_by_alias(name))
        }
        Some((minor, _)) => st.map_by_minor(minor),
        None => st.map_by_alias(name),
    }
}

/// How a handler reports an unknown device: 0.10+ `-ENODEV`, else 1.
fn no_dev(v: Version) -> Status {
    if v.is_0_11_plus() {
        Status::NoDevice
    } else {
        Status::Fail
    }
}

/// The path a path command names: by name, then `major:minor` (0.11:
/// `major:minor` first).
fn find_path(st: &State, v: Version, name: &str, devt_too: bool) -> Option<usize> {
    if v.is_0_11_plus() {
        st.path_by_devt(name).or_else(|| st.path_by_dev(name))
    } else if devt_too {
        st.path_by_dev(name).or_else(|| st.path_by_devt(name))
    } else {
        st.path_by_dev(name)
    }
}

fn change_result(c: Change) -> HandlerResult {
    match c {
        Change::Ok => HandlerResult::status(Status::Ok),
        Change::Fail => HandlerResult::status(Status::Fail),
        Change::Blacklisted => HandlerResult::text("blacklisted\n".into()),
        Change::Busy => HandlerResult::status(Status::Busy),
    }
}

/// `parse_prkey_flags`: `[0x]HEX{1,16}[:aptpl]`.
fn parse_prkey(s: &str) -> Option<(u64, bool)> {
    let (key, flags) = match s.split_once(':') {
        Some((k, f)) => (k, f == "aptpl"),
        None => (s, false),
    };
    let mut k = key;
    if let Some(r) = k.strip_prefix('0') {
        k = r;
    }
    if let Some(r) = k.strip_prefix(['x', 'X']) {
        k = r;
    }
    if k.is_empty() || k.len() > 16 || !k.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(k, 16).ok().map(|n| (n, flags))
}

fn run(st: &mut State, ctx: &Context, p: &Parsed) -> HandlerResult {
    let v = ctx.version;
    let legacy = v.is_legacy();
    let fmt = || p.param(Key::Fmt).to_owned();
    let map_name = || convert_dev(p.param(Key::Map), false);
    let path_name = || convert_dev(p.param(Key::Path), true);
    // The handlers that look a map up by `dm-N` or alias (0.11: find_mp_by_str).
    let map_for_action = |st: &State| -> Result<usize, HandlerResult> {
        find_map_by_str(st, v, &map_name()).ok_or(HandlerResult::status(no_dev(v)))
    };
    macro_rules! try_map {
        ($e:expr) => {
            match $e {
                Ok(m) => m,
                Err(r) => return r,
            }
        };
    }
    match p.op {
        Op::ListPaths | Op::ListPathsFmt | Op::ListPathsRaw => {
            let (format, pretty) = match p.op {
                Op::ListPaths => (table::PRINT_PATH_CHECKER.to_owned(), true),
                Op::ListPathsFmt => (fmt(), true),
                _ => (fmt(), false),
            };
            if legacy {
                st.legacy_path_widths = Some(table::path_layout(st, v, true));
            }
            HandlerResult::text(table::show_paths(st, v, &format, pretty))
        }
        Op::ListPath => {
            let name = path_name();
            if legacy {
                st.legacy_path_widths = Some(table::path_layout(st, v, true));
            }
            match find_path(st, v, &name, false) {
                Some(i) => HandlerResult::text(table::path_line(st, v, &st.paths[i], "%o", None)),
                None => HandlerResult::status(no_dev(v)),
            }
        }
        Op::ListMaps => HandlerResult::text(table::show_maps(st, v, table::PRINT_MAP_NAMES, true)),
        Op::ListMapsStatus => {
            HandlerResult::text(table::show_maps(st, v, table::PRINT_MAP_STATUS, true))
        }
        Op::ListMapsStats => {
            HandlerResult::text(table::show_maps(st, v, table::PRINT_MAP_STATS, true))
        }
        Op::ListMapsFmt => HandlerResult::text(table::show_maps(st, v, &fmt(), true)),
        Op::ListMapsRaw => HandlerResult::text(table::show_maps(st, v, &fmt(), false)),
        Op::ListStatus => HandlerResult::text(text::status(st)),
        Op::ListDaemon => HandlerResult::text(text::daemon(ctx.pid)),
        Op::ListMapsTopology => {
            if legacy {
                st.legacy_path_widths = Some(table::path_layout(st, v, false));
            }
            HandlerResult::text(topology::maps_topology(st, v))
        }
        Op::ListMapsJson => HandlerResult::text(json::maps_json(st, v)),
        Op::ListMapTopology => {
            let m = try_map!(map_for_action(st));
            let widths = if legacy {
                st.legacy_path_widths
                    .clone()
                    .unwrap_or_else(|| vec![0; crate::render::fields::path_fields(v).len()])
            } else {
                table::path_layout(st, v, false)
            };
            HandlerResult::text(topology::map_topology(st, v, &st.maps[m], &widths))
        }
        Op::ListMapFmt | Op::ListMapRaw => {
            if legacy {
                st.legacy_path_widths = Some(table::path_layout(st, v, false));
            }
            let m = try_map!(map_for_action(st));
            let padded = !(legacy && p.op == Op::ListMapRaw);
            HandlerResult::text(table::show_map(st, v, &st.maps[m], &fmt(), padded))
        }
        Op::ListMapJson => {
            let m = try_map!(map_for_action(st));
            HandlerResult::text(json::map_json(st, v, &st.maps[m]))
        }
        Op::ListConfigLocal => HandlerResult::text(text::config_local(v, st)),
        Op::ListConfig => HandlerResult::text(text::config(v, st)),
        Op::ListBlacklist => HandlerResult::text(text::blacklist(v).to_owned()),
        Op::ListDevices => HandlerResult::text(text::devices(st)),
        Op::ListWildcards => HandlerResult::text(text::wildcards(v)),
        Op::ResetMapsStats => {
            for m in 0..st.maps.len() {
                st.reset_stats(m);
            }
            HandlerResult::status(Status::Ok)
        }
        Op::ResetMapStats => {
            let m = try_map!(map_for_action(st));
            st.reset_stats(m);
            HandlerResult::status(Status::Ok)
        }
        Op::AddPath => change_result(st.add_path(&path_name(), ctx.immediate)),
        Op::DelPath => match find_path(st, v, &path_name(), false) {
            Some(i) => change_result(st.del_path(i)),
            None => HandlerResult::status(no_dev(v)),
        },
        Op::AddMap => change_result(st.add_map(&map_name(), v)),
        Op::DelMap => {
            let m = if v.is_0_11_plus() {
                try_map!(map_for_action(st))
            } else {
                // The device-mapper name, i.e. the alias.
                match st.map_by_alias(&map_name()) {
                    Some(m) => m,
                    None => return HandlerResult::status(Status::Fail),
                }
            };
            change_result(st.del_map(m))
        }
        Op::DelMaps => {
            // Every map that can be flushed is; one in use stays, and
            // makes the whole command fail (0.10+: `-EBUSY`).
            let mut m = 0;
            let mut busy = false;
            while m < st.maps.len() {
                if st.del_map(m) != Change::Ok {
                    busy = true;
                    m += 1;
                }
            }
            HandlerResult::status(if busy { Status::Busy } else { Status::Ok })
        }
        Op::SwitchGroup => {
            let Some(m) = st.map_by_alias(&map_name()) else {
                return HandlerResult::status(Status::Fail);
            };
            change_result(st.switch_group(m, atoi(p.param(Key::Group))))
        }
        Op::Reconfigure | Op::ReconfigureAll => {
            st.reconfigure();
            HandlerResult::status(Status::Ok)
        }
        Op::Suspend | Op::Resume | Op::ResetMap => {
            let Some(m) = st.map_by_alias(&map_name()) else {
                return HandlerResult::status(Status::Fail);
            };
            match p.op {
                Op::Suspend => st.maps[m].suspended = true,
                Op::Resume => st.maps[m].suspended = false,
                _ => {}
            }
            HandlerResult::status(Status::Ok)
        }
        Op::Resize => {
            // The LUN size never changes: "map is still the same size".
            try_map!(map_for_action(st));
            HandlerResult::status(Status::Ok)
        }
        Op::Reload => {
            let m = try_map!(map_for_action(st));
            st.reload(m);
            HandlerResult::status(Status::Ok)
        }
        Op::Reinstate | Op::Fail | Op::SetMarginal | Op::UnsetMarginal => {
            let Some(i) = find_path(st, v, &path_name(), true) else {
                return HandlerResult::status(no_dev(v));
            };
            change_result(match p.op {
                Op::Reinstate => st.reinstate_path(i, v, ctx.immediate),
                Op::Fail => st.fail_path(i),
                Op::SetMarginal => st.set_marginal(i, true),
                _ => st.set_marginal(i, false),
            })
        }
        Op::UnsetMarginalMap => {
            let m = try_map!(map_for_action(st));
            change_result(st.unset_marginal_map(m))
        }
        Op::DisableQ => {
            let m = try_map!(map_for_action(st));
            st.disable_queueing(m);
            HandlerResult::status(Status::Ok)
        }
        Op::RestoreQ => {
            let m = try_map!(map_for_action(st));
            st.restore_queueing(m);
            HandlerResult::status(Status::Ok)
        }
        Op::DisableQAll => {
            for m in 0..st.maps.len() {
                st.disable_queueing(m);
            }
            HandlerResult::status(Status::Ok)
        }
        Op::RestoreQAll => {
            for m in 0..st.maps.len() {
                st.restore_queueing(m);
            }
            HandlerResult::status(Status::Ok)
        }
        Op::Quit | Op::Shutdown => HandlerResult::status(Status::Ok),
        Op::ForceQDaemon => {
            st.queue_without_daemon = QueueWithoutDaemon::Forced;
            HandlerResult::status(Status::Ok)
        }
        Op::RestoreQDaemon => {
            st.queue_without_daemon = QueueWithoutDaemon::No;
            HandlerResult::status(Status::Ok)
        }
        Op::GetPrStatus | Op::SetPrStatus | Op::SetPrStatusList | Op::UnsetPrStatus => {
            let m = try_map!(map_for_action(st));
            match p.op {
                Op::GetPrStatus => {
                    let set = st.maps[m].prflag;
                    HandlerResult::text(if v.is_0_11_plus() {
                        if set { "set\n" } else { "unset\n" }.to_owned()
                    } else {
                        if set { "1" } else { "0" }.to_owned()
                    })
                }
                Op::SetPrStatus | Op::SetPrStatusList => {
                    // 0.13+ registers the key on the map's paths while
                    // setting the status; with no key that fails and the
                    // status stays unset (the daemon still answers ok), as
                    // recorded from 0.15.1.
                    let key = matches!(st.maps[m].prkey, Some((k, _)) if k != 0);
                    if !v.has_pr_hold() || key {
                        st.maps[m].prflag = true;
                    }
                    HandlerResult::status(Status::Ok)
                }
                _ => {
                    st.maps[m].prflag = false;
                    st.maps[m].prhold = false;
                    HandlerResult::status(Status::Ok)
                }
            }
        }
        Op::GetPrHold => {
            let m = try_map!(map_for_action(st));
            HandlerResult::text(
                if st.maps[m].prhold {
                    "set\n"
                } else {
                    "unset\n"
                }
                .to_owned(),
            )
        }
        Op::SetPrHold | Op::UnsetPrHold => {
            let m = try_map!(map_for_action(st));
            st.maps[m].prhold = p.op == Op::SetPrHold;
            HandlerResult::status(Status::Ok)
        }
        Op::GetPrKey => {
            let m = try_map!(map_for_action(st));
            HandlerResult::text(match st.maps[m].prkey {
                None | Some((0, _)) => "none\n".to_owned(),
                Some((k, aptpl)) => format!("0x{k:x}{}\n", if aptpl { ":aptpl" } else { "" }),
            })
        }
        Op::SetPrKey => {
            let m = try_map!(map_for_action(st));
            let Some((key, aptpl)) = parse_prkey(p.param(Key::KeyK)) else {
                return HandlerResult::status(Status::Fail);
            };
            if key == 0 {
                st.maps[m].prkey = None;
                return HandlerResult::status(Status::Ok);
            }
            if !ctx.prkeys_file {
                // Without `reservation_key file` the key read back is not
                // the key written: set_prkey fails.
                return HandlerResult::status(Status::Fail);
            }
            st.maps[m].prkey = Some((key, aptpl));
            HandlerResult::status(Status::Ok)
        }
        Op::UnsetPrKey => {
            let m = try_map!(map_for_action(st));
            st.maps[m].prkey = None;
            HandlerResult::status(Status::Ok)
        }
    }
}

/// C `atoi`.
fn atoi(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n: i64 = rest
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |acc, d| {
            acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    if neg {
        -n
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(v: Version) -> Context {
        Context {
            version: v,
            is_root: true,
            immediate: false,
            pid: 1,
            prkeys_file: false,
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(convert_dev("/dev/sda", true), "sda");
        assert_eq!(convert_dev("/dev/", true), "/dev/");
        assert_eq!(convert_dev("cciss/c0d0", true), "cciss!c0d0");
        assert_eq!(scan_dm_minor("dm-1"), Some((1, false)));
        assert_eq!(scan_dm_minor("dm-1x"), Some((1, true)));
        assert_eq!(scan_dm_minor("dm- -2"), Some((-2, false)));
        assert_eq!(scan_dm_minor("dm-x"), None);
        assert_eq!(atoi(" 12abc"), 12);
        assert_eq!(atoi("abc"), 0);
        assert_eq!(parse_prkey("0x1234"), Some((0x1234, false)));
        assert_eq!(parse_prkey("abc:aptpl"), Some((0xabc, true)));
        assert_eq!(parse_prkey("0x"), None);
        assert_eq!(parse_prkey("12345678901234567"), None);
    }

    #[test]
    fn permission_and_errors() {
        let mut st = State::new(2, 2);
        let mut c = ctx(Version::V0_9_4);
        c.is_root = false;
        assert_eq!(
            execute(&mut st, &c, "fail path sda").reply,
            "permission deny: need to be root\n"
        );
        assert!(execute(&mut st, &c, "frobnicate")
            .reply
            .starts_with("frobnicate: not found\n"));
        assert_eq!(
            execute(&mut st, &c, "show maps raw format %n").reply,
            "mpatha\nmpathb\n"
        );
        let mut c = ctx(Version::V0_8_5);
        c.is_root = false;
        assert_eq!(
            execute(&mut st, &c, " show maps").reply,
            "permission deny: need to be root"
        );
        assert!(execute(&mut st, &c, "showx")
            .reply
            .starts_with("multipath-tools v0.8.5"));
        let c = ctx(Version::V0_11_1);
        assert_eq!(
            execute(&mut st, &c, "fail path nosuch").reply,
            "fail\ndevice not found\n"
        );
        assert_eq!(execute(&mut st, &c, "SHOW MAPS").reply, "fail\n");
    }

    #[test]
    fn empty_tables() {
        for v in crate::version::ALL_VERSIONS {
            let mut st = State::new(1, 1);
            let c = ctx(v);
            assert_eq!(execute(&mut st, &c, "del path sda").reply, "ok\n");
            assert!(st.maps.is_empty());
            let want = if v.is_legacy() { "" } else { "ok\n" };
            assert_eq!(execute(&mut st, &c, "show paths").reply, want, "{v}");
            assert_eq!(execute(&mut st, &c, "show maps").reply, want, "{v}");
            assert_eq!(
                execute(&mut st, &c, "show maps json").reply,
                "{\n   \"major_version\": 0,\n   \"minor_version\": 1,\n   \"maps\": []\n}\n"
            );
        }
    }
}
