//! The `mpdctl` binary against the simulator (in-process, on a private
//! abstract socket): every subcommand, the JSON schema, and every exit
//! code of the README's table.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use mpd_client::mpd_proto::ops::{ArgKind, OutputKind, OPERATIONS};
use mpd_sim::{Fault, Privilege, Sim, SimHandle, Version};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mpdctl");

fn sim(v: Version) -> SimHandle {
    Sim::builder()
        .version(v)
        .maps(2)
        .paths_per_map(2)
        .immediate(true)
        .checker_tick(None)
        .prkeys_file(true)
        // Root whoever runs the tests: actions need it.
        .privilege(Privilege::Root)
        .start()
        .expect("simulator starts")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// Runs `mpdctl --socket ADDR ARGS…`.
fn ctl(sim: &SimHandle, args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.arg("--socket").arg(sim.address()).args(args);
    finish(cmd.output().expect("mpdctl runs"))
}

/// Runs `mpdctl ARGS…` with no socket given.
fn bare(args: &[&str]) -> Run {
    finish(Command::new(BIN).args(args).output().expect("mpdctl runs"))
}

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {s:?}"))
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn sample(kind: ArgKind) -> &'static str {
    match kind {
        ArgKind::Path => "sda",
        ArgKind::Map => "mpatha",
        ArgKind::Group => "1",
        ArgKind::Key => "0x1",
        ArgKind::Count => "1",
        ArgKind::PathList => "sda",
        other => panic!("no sample for {other:?}"),
    }
}

#[test]
fn every_operation_runs_with_and_without_json() {
    for op in OPERATIONS {
        let name = op.name.replace('_', "-");
        let mut args: Vec<&str> = vec![&name];
        args.extend(op.args.iter().map(|a| sample(a.kind)));
        for with_json in [false, true] {
            // A fresh daemon each time: some operations remove things or
            // stop the daemon. The newest profile knows every operation
            // (0.11.1 lacks the PR hold and pathlist commands).
            let s = sim(Version::V0_15_1);
            let mut a = args.clone();
            if with_json {
                a.insert(0, "--json");
            }
            let r = ctl(&s, &a);
            assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
            assert!(r.stderr.is_empty(), "{a:?}: {}", r.stderr);
            match (with_json, op.output) {
                (true, OutputKind::Unit) => {
                    assert_eq!(json(&r.stdout), serde_json::json!({"ok": true}), "{a:?}")
                }
                (true, _) => {
                    json(&r.stdout);
                }
                (false, OutputKind::Unit) => assert_eq!(r.stdout, "", "{a:?}"),
                (false, OutputKind::PrKey | OutputKind::Text) => {
                    assert!(!r.stdout.is_empty(), "{a:?}")
                }
                // Tables and one-word answers end with a newline.
                (false, _) => assert!(r.stdout.ends_with('\n'), "{a:?}: {:?}", r.stdout),
            }
        }
    }
}

#[test]
fn actions_reach_the_daemon() {
    let s = sim(Version::V0_11_1);
    assert_eq!(ctl(&s, &["fail", "sda"]).code, 0);
    assert_eq!(
        s.state().path("sda").unwrap().dm_state,
        Some(mpd_client::PathDmState::Failed)
    );
    assert_eq!(ctl(&s, &["reinstate", "sda"]).code, 0);
    assert_eq!(
        s.state().path("sda").unwrap().dm_state,
        Some(mpd_client::PathDmState::Active)
    );
    assert_eq!(ctl(&s, &["remove-map", "mpathb"]).code, 0);
    let maps = json(&ctl(&s, &["--json", "maps"]).stdout);
    let names: Vec<&str> = maps
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mpatha"]);
    // The queueing actions.
    assert_eq!(ctl(&s, &["disable-map-queuing", "mpatha"]).code, 0);
    let st = json(&ctl(&s, &["--json", "map-status"]).stdout);
    assert_eq!(st[0]["queueing"], "off", "{st}");
    assert_eq!(ctl(&s, &["restore-map-queuing", "mpatha"]).code, 0);
}

#[test]
fn aliases_and_tables() {
    let s = sim(Version::V0_9_4);
    let paths = ctl(&s, &["paths"]);
    assert_eq!(paths.code, 0);
    let lines: Vec<&str> = paths.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", paths.stdout);
    assert!(lines[0].starts_with("DEVICE  DEV_T  MAP"), "{}", lines[0]);
    // Aligned: every column starts where its header starts.
    let col = lines[0].find("CHECKER").unwrap();
    for l in &lines[1..] {
        assert_eq!(&l[col - 2..col], "  ", "{l}");
        assert_ne!(&l[col..col + 1], " ", "{l}");
    }
    assert_eq!(paths.stdout, ctl(&s, &["list-paths"]).stdout);
    let maps = ctl(&s, &["maps"]);
    assert!(maps.stdout.starts_with("NAME    UUID"), "{}", maps.stdout);
    assert!(maps.stdout.contains("mpatha"));
    let status = ctl(&s, &["status"]);
    assert!(status.stdout.contains("paths       4"), "{}", status.stdout);
    let topo = ctl(&s, &["topology"]);
    assert_eq!(topo.stdout.lines().count(), 5, "{}", topo.stdout);
    assert_eq!(ctl(&s, &["fail", "sdb"]).code, 0);
    assert_eq!(ctl(&s, &["reinstate", "sdb"]).code, 0);
}

#[test]
fn the_json_schema() {
    let s = sim(Version::V0_11_1);
    let paths = json(&ctl(&s, &["--json", "paths"]).stdout);
    assert_eq!(paths.as_array().unwrap().len(), 4);
    assert_eq!(
        keys(&paths[0]),
        [
            "checker",
            "checker_state",
            "dev_state",
            "device",
            "dm_state",
            "hcil",
            "major",
            "map",
            "marginal",
            "minor",
            "priority",
            "product",
            "revision",
            "serial",
            "uuid",
            "vendor"
        ]
    );
    assert_eq!(paths[0]["device"], "sda");
    assert_eq!(paths[0]["dm_state"], "active");
    assert_eq!(paths[0]["checker_state"], "ready");
    let maps = json(&ctl(&s, &["maps", "--json"]).stdout);
    assert_eq!(
        keys(&maps[0]),
        [
            "active_paths",
            "device",
            "dm_state",
            "failback",
            "features",
            "hwhandler",
            "name",
            "product",
            "queueing",
            "revision",
            "size",
            "uuid",
            "vendor",
            "write_prot"
        ]
    );
    let status = json(&ctl(&s, &["--json", "status"]).stdout);
    assert_eq!(keys(&status), ["busy", "checker_states", "paths"]);
    let topo = json(&ctl(&s, &["--json", "topology"]).stdout);
    assert_eq!(keys(&topo), ["major_version", "maps", "minor_version"]);
    let m = &topo["maps"][0];
    assert_eq!(m["name"], "mpatha");
    assert!(m["path_groups"][0]["paths"][0]["device"].is_string());
    let health = json(&ctl(&s, &["--json", "health"]).stdout);
    assert_eq!(keys(&health), ["counts", "maps"]);
    assert_eq!(
        keys(&health["maps"][0]),
        [
            "down_paths",
            "name",
            "queues",
            "state",
            "total_paths",
            "up_paths",
            "uuid"
        ]
    );
    assert_eq!(health["counts"]["healthy"], 2);
    assert_eq!(ctl(&s, &["fail", "sda"]).code, 0);
    let one = json(&ctl(&s, &["--json", "health", "mpatha"]).stdout);
    assert_eq!(one["state"], "degraded");
    assert_eq!(one["down_paths"][0]["device"], "sda");
    let text = ctl(&s, &["health"]).stdout;
    assert!(text.contains("mpatha  degraded  1/2"), "{text}");
    assert_eq!(
        json(&ctl(&s, &["--json", "pr-key", "mpatha"]).stdout),
        Value::Null
    );
    assert_eq!(ctl(&s, &["set-pr-key", "mpatha", "0x1a"]).code, 0);
    assert_eq!(
        json(&ctl(&s, &["--json", "pr-key", "mpatha"]).stdout),
        serde_json::json!({"key": "0x1a", "aptpl": false})
    );
    assert_eq!(ctl(&s, &["pr-key", "mpatha"]).stdout, "0x1a\n");
}

#[test]
fn waits() {
    let s = sim(Version::V0_11_1);
    let r = ctl(
        &s,
        &["--json", "wait", "map", "mpatha", "--min-active", "2"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)["name"], "mpatha");
    // By WWID too.
    let r = ctl(&s, &["wait", "map", "1Linux_scsi_debug_2001"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mpathb"));
    // Not there in time: wait_timeout, with the last state seen.
    let r = ctl(
        &s,
        &[
            "--timeout",
            "300ms",
            "wait",
            "map",
            "mpatha",
            "--min-active",
            "3",
        ],
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("last seen: map mpatha with 2 active paths"),
        "{}",
        r.stderr
    );
    // No progress line: stderr is not a terminal.
    assert!(!r.stderr.contains("waiting for"), "{}", r.stderr);

    assert_eq!(ctl(&s, &["fail", "sda"]).code, 0);
    let r = ctl(&s, &["--json", "wait", "path", "sda", "--failed"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)["dm_state"], "failed");
    let r = ctl(&s, &["--timeout", "0.3", "wait", "path", "sda", "--up"]);
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert_eq!(ctl(&s, &["reinstate", "sda"]).code, 0);
    let r = ctl(
        &s,
        &[
            "wait",
            "path",
            "sda",
            "--dm-state",
            "active",
            "--checker-state",
            "ready",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(ctl(&s, &["wait", "path", "sda"]).stdout.contains("sda"));

    assert_eq!(ctl(&s, &["remove-path", "sdc"]).code, 0);
    assert_eq!(ctl(&s, &["wait", "paths-gone", "sdc"]).code, 0);
    let r = ctl(
        &s,
        &["--timeout", "200ms", "wait", "paths-gone", "sdc", "sdd"],
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert!(r.stderr.contains("sdd"), "{}", r.stderr);

    assert_eq!(ctl(&s, &["remove-map", "mpathb"]).code, 0);
    assert_eq!(ctl(&s, &["wait", "map-gone", "mpathb"]).code, 0);
    assert_eq!(
        ctl(&s, &["--timeout", "200ms", "wait", "map-gone", "mpatha"]).code,
        15
    );
    let r = ctl(&s, &["wait", "settled", "--quiet", "100ms"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        ctl(
            &s,
            &["--timeout", "100ms", "wait", "settled", "--quiet", "5s"]
        )
        .code,
        15
    );
}

#[test]
fn remove_map_safely() {
    let s = sim(Version::V0_11_1);
    let r = ctl(&s, &["--json", "remove-map-safely", "mpatha"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["map"], "mpatha");
    assert_eq!(v["attempts"], 1);
    assert_eq!(v["queueing_disabled"], true);
    // Gone already: not an error.
    let r = ctl(&s, &["--json", "remove-map-safely", "mpatha"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)["already_gone"], true);
    // In use until the deadline: wait_timeout, queueing restored.
    assert!(s.set_map_in_use("mpathb", true));
    let r = ctl(
        &s,
        &[
            "--timeout",
            "400ms",
            "remove-map-safely",
            "mpathb",
            "--keep-queueing",
        ],
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
    assert!(
        r.stderr.contains("map_in_use") || r.stderr.contains("in use"),
        "{}",
        r.stderr
    );
    assert!(s.state().map("mpathb").is_some());
}

#[test]
fn watch_prints_events() {
    let s = sim(Version::V0_11_1);
    // Nothing happens: --for ends it, nothing printed.
    let r = ctl(&s, &["watch", "--interval", "50ms", "--for", "300ms"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    // A path fails while it watches: JSON lines, --count ends it.
    let child = Command::new(BIN)
        .args([
            "--socket",
            &s.address(),
            "--json",
            "watch",
            "--interval",
            "50ms",
        ])
        .args(["--count", "2", "--for", "20s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it take its baseline first.
    let baseline = s.connections_accepted();
    for _ in 0..100 {
        if s.connections_accepted() > baseline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    s.execute("fail path sda");
    let r = finish(child.wait_with_output().unwrap());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<Value> = r.stdout.lines().map(json).collect();
    assert_eq!(events.len(), 2, "{}", r.stdout);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "path_state_changed" && e["device"] == "sda"),
        "{}",
        r.stdout
    );
    // As text lines.
    let child = Command::new(BIN)
        .args(["--socket", &s.address(), "watch", "--interval", "50ms"])
        .args(["--count", "1", "--for", "20s"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    s.execute("reinstate path sda");
    let r = finish(child.wait_with_output().unwrap());
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("sda"), "{}", r.stdout);
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = bare(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("mpdctl"), "{shell}");
        assert!(r.stdout.contains("remove-map-safely"), "{shell}");
        assert!(r.stdout.contains("disable-map-queuing"), "{shell}");
    }
    assert_eq!(bare(&["completions", "tcsh"]).code, 2);
    let man = bare(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH mpdctl"), "{}", man.stdout);
    assert!(
        man.stdout.contains("wait_timeout"),
        "the exit codes are in the man page"
    );
    assert!(man.stdout.contains("fail\\-path"), "{}", man.stdout);
    let dir = tempfile::tempdir().unwrap();
    let r = bare(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "mpdctl.1",
        "mpdctl-fail-path.1",
        "mpdctl-wait-path.1",
        "mpdctl-watch.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH mpdctl"), "{page}");
    }
    let help = bare(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit status:"));
    assert!(help.stdout.contains("15  wait_timeout"), "{}", help.stdout);
}

// ----- one test per exit code -----

#[test]
fn exit_0_success_and_2_usage() {
    let s = sim(Version::V0_11_1);
    assert_eq!(ctl(&s, &["status"]).code, 0);
    for args in [
        &["frobnicate"][..],
        &["fail-path"],
        &["switch-group", "mpatha", "0"],
        &["switch-group", "mpatha", "x"],
        &["--timeout", "soon", "status"],
        &["wait", "path", "sda", "--up", "--failed"],
        &[],
    ] {
        let r = ctl(&s, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty());
    }
}

#[test]
fn exit_1_command_failed() {
    // 0.9.4 answers a bare "fail" for a missing path.
    let s = sim(Version::V0_9_4);
    let r = ctl(&s, &["fail", "sdz"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("failed"), "{}", r.stderr);
}

#[test]
fn exit_3_invalid_argument() {
    let s = sim(Version::V0_11_1);
    let before = s.state();
    for bad in ["", "sd\na", "sd\u{1}a"] {
        let r = ctl(&s, &["fail", bad]);
        assert_eq!(r.code, 3, "{bad:?}: {}", r.stderr);
    }
    let long = "x".repeat(600);
    assert_eq!(ctl(&s, &["remove-map", &long]).code, 3);
    assert_eq!(ctl(&s, &["wait", "map", ""]).code, 3);
    // Nothing reached the daemon (the client connects first, but sends
    // nothing that does not validate).
    assert_eq!(s.state(), before);
    let r = ctl(&s, &["--json", "fail", ""]);
    let e = json(&r.stderr);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    assert_eq!(e["error"]["exit_code"], 3);
}

#[test]
fn exit_4_permission_denied() {
    let s = sim(Version::V0_11_1);
    s.set_privilege(Privilege::NonRoot);
    let r = ctl(&s, &["fail", "sda"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    // Queries are allowed.
    assert_eq!(ctl(&s, &["paths"]).code, 0);
    let r = ctl(&s, &["--json", "reconfigure"]);
    assert_eq!(r.code, 4);
    let e = json(&r.stderr);
    assert_eq!(e["error"]["kind"], "permission_denied");
    assert_eq!(e["error"]["command"], "reconfigure");
    assert_eq!(r.stdout, "");
}

#[test]
fn exit_5_not_found() {
    let s = sim(Version::V0_11_1);
    assert_eq!(ctl(&s, &["fail", "sdz"]).code, 5);
    assert_eq!(ctl(&s, &["resize-map", "nosuch"]).code, 5);
    let r = ctl(&s, &["--json", "remove-map", "nosuch"]);
    assert_eq!(r.code, 5);
    let e = json(&r.stderr);
    assert_eq!(e["error"]["kind"], "not_found");
    assert_eq!(e["error"]["reply"], "fail\ndevice not found\n");
}

#[test]
fn exit_6_map_in_use() {
    let s = sim(Version::V0_11_1);
    assert!(s.set_map_in_use("mpatha", true));
    let r = ctl(&s, &["remove-map", "mpatha"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("in use"), "{}", r.stderr);
}

#[test]
fn exit_7_daemon_timeout() {
    let s = sim(Version::V0_9_4);
    s.set_fault(Fault::Timeout);
    assert_eq!(ctl(&s, &["status"]).code, 7);
    assert_eq!(ctl(&s, &["fail", "sda"]).code, 7);
    let s = sim(Version::V0_11_1);
    s.set_fault(Fault::Timeout);
    let r = ctl(&s, &["--json", "maps"]);
    assert_eq!(r.code, 7);
    assert_eq!(json(&r.stderr)["error"]["kind"], "daemon_timeout");
}

#[test]
fn exit_8_connection_failed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-daemon.socket");
    let r = bare(&["--socket", path.to_str().unwrap(), "status"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect"), "{}", r.stderr);
    let r = bare(&[
        "--socket",
        "@mpdctl-test-nobody-listens",
        "--json",
        "fail",
        "sda",
    ]);
    assert_eq!(r.code, 8);
    assert_eq!(json(&r.stderr)["error"]["kind"], "connect");
    // The waits sit out a daemon that is not there, until their deadline.
    let r = bare(&[
        "--socket",
        path.to_str().unwrap(),
        "--timeout",
        "300ms",
        "wait",
        "map",
        "mpatha",
    ]);
    assert_eq!(r.code, 8, "the first connection fails: {}", r.stderr);
}

#[test]
fn exit_9_timeout() {
    let s = sim(Version::V0_11_1);
    s.set_fault(Fault::Hang);
    let r = ctl(&s, &["--timeout", "300ms", "status"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
}

#[test]
fn exit_10_connection_closed() {
    let s = sim(Version::V0_11_1);
    s.set_fault(Fault::CloseWithoutReply);
    assert_eq!(ctl(&s, &["paths"]).code, 10);
    s.set_fault(Fault::DropMidReply);
    assert_eq!(ctl(&s, &["paths"]).code, 10);
}

#[test]
fn exit_11_protocol() {
    let s = sim(Version::V0_11_1);
    s.set_fault(Fault::BadLength(0));
    let r = ctl(&s, &["status"]);
    assert_eq!(r.code, 11, "{}", r.stderr);
}

#[test]
fn exit_12_unknown_command() {
    // `reconfigure all` is 0.9+.
    let s = sim(Version::V0_8_5);
    let r = ctl(&s, &["reconfigure-all"]);
    assert_eq!(r.code, 12, "{}", r.stderr);
    assert!(r.stderr.contains("not supported"), "{}", r.stderr);
}

#[test]
fn exit_13_blacklisted() {
    let s = sim(Version::V0_11_1);
    let r = ctl(&s, &["add-path", "loop0"]);
    assert_eq!(r.code, 13, "{}", r.stderr);
}

#[test]
fn exit_14_io() {
    // An I/O error that is neither a timeout nor a closed connection
    // cannot be provoked through a socket peer; the other source of this
    // code is stdout failing.
    let s = sim(Version::V0_11_1);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = Command::new(BIN)
        .args(["--socket", &s.address(), "paths"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(14),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn exit_15_wait_timeout() {
    let s = sim(Version::V0_11_1);
    let r = ctl(
        &s,
        &["--json", "--timeout", "200ms", "wait", "map", "nosuch"],
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
    let e = json(&r.stderr);
    assert_eq!(e["error"]["kind"], "wait_timeout");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no such map"));
}

/// A listener of user `nobody` on an abstract name that answers nothing
/// and reports the bytes each connection sent (tests/support/impostor.py).
struct Impostor {
    child: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
    address: String,
}

impl Impostor {
    fn start(tag: &str) -> Impostor {
        use std::io::BufRead;
        // Another user's process: starting one needs root (CI runs as
        // root); as another user the test fails, saying so.
        assert!(
            nix_is_root(),
            "needs root: it starts a listener as user nobody"
        );
        let name = format!("mpdctl-{tag}-{}", std::process::id());
        let mut child = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .args(["/usr/bin/python3", "-c"])
            .arg(include_str!("../../../tests/support/impostor.py"))
            .arg(&name)
            .stdout(Stdio::piped())
            .spawn()
            .expect("setpriv and /usr/bin/python3 (scripts/test installs python3)");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the listener did not start");
        Impostor {
            child,
            out,
            address: format!("@{name}"),
        }
    }

    /// The bytes the next connection sent (once its client has gone).
    fn received(&mut self) -> usize {
        use std::io::BufRead;
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix("conn ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("the listener said {line:?}"))
    }
}

impl Drop for Impostor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn exit_16_untrusted_peer() {
    let mut impostor = Impostor::start("impostor");
    let r = bare(&["--json", "--socket", &impostor.address, "fail", "sda"]);
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert_eq!(json(&r.stderr)["error"]["kind"], "untrusted_peer");
    // Refused before anything was sent: the impostor got no byte.
    assert_eq!(impostor.received(), 0, "the impostor received the command");
}

#[test]
fn trust_any_talks_to_another_users_socket() {
    let mut other = Impostor::start("other");
    // With --trust-any the command is sent; the listener never answers, so
    // the reply times out (9), and the listener counts the bytes.
    let r = bare(&[
        "--socket",
        &other.address,
        "--trust-any",
        "--timeout",
        "300ms",
        "status",
    ]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(other.received() > 0, "nothing reached the listener");
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        .unwrap_or(false)
}

#[test]
fn every_kind_has_its_own_documented_code() {
    // The README's table is the binary's table.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let help = bare(&["--help"]).stdout;
    for kind in mpd_client::ErrorKind::ALL {
        let line = help
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(kind.name()))
            .unwrap_or_else(|| panic!("{kind} not in --help"));
        let code = line.split_whitespace().next().unwrap();
        let row = format!("| {code} | `{}` |", kind.name());
        assert!(readme.contains(&row), "README lacks the row {row:?}");
    }
}

#[test]
fn a_wait_shows_progress_on_a_terminal_only() {
    // `script` (util-linux, Essential in Debian) gives mpdctl a terminal.
    let s = sim(Version::V0_11_1);
    let cmd = format!(
        "{BIN} --socket {} --timeout 700ms wait map nosuch",
        s.address()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("script(1) from util-linux runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(15), "{text}");
    assert!(text.contains("waiting for map nosuch: "), "{text:?}");
    assert!(text.contains("of 0.7s"), "{text:?}");
    // The line is erased before the error is printed.
    assert!(text.contains("\r\x1b[K"), "{text:?}");
    // Without a terminal: no progress line (see `waits`).
}
