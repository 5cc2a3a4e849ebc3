//! Differential test against real daemons: for each release, a fresh
//! simulator (2 maps × 2 paths) gets every command of
//! `tests/fixtures/multipathd/commands.txt`, in order, over one connection
//! (the `unpriv_*` lines over a connection that is not root, the 5000-byte
//! command over its own connection since the daemon drops it), and each
//! reply must equal the recorded reply of that release byte for byte —
//! after the normalization in `common/run_dependent.rs`, the one place that
//! lists what may differ between two runs of the real daemon.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::run_dependent;
use common::{ask, connect, Answer};
use mpd_sim::{Privilege, Sim, Version};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/multipathd")
}

/// `commands.txt`: (id, command) with `<N x>` expanded to N `x`.
fn commands() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixtures().join("commands.txt")).expect("commands.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (id, cmd) = l.split_once('\t').expect("id<TAB>command");
            let mut cmd = cmd.to_owned();
            if let (Some(a), Some(b)) = (cmd.find('<'), cmd.find(" x>")) {
                let n: usize = cmd[a + 1..b].parse().expect("<N x>");
                cmd.replace_range(a..b + 3, &"x".repeat(n));
            }
            (id.to_owned(), cmd)
        })
        .collect()
}

fn recorded(v: Version, id: &str) -> Vec<u8> {
    let dir = fixtures().join(v.as_str());
    let prefix = if id.starts_with("unpriv") {
        id.to_owned()
    } else {
        format!("{id}_")
    };
    let entry = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .find(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n == prefix || n.starts_with(&prefix)
        })
        .unwrap_or_else(|| panic!("no fixture {id} for {v}"));
    std::fs::read(entry.path()).expect("read fixture")
}

fn visible(s: &str) -> String {
    s.replace('\t', "\\t").replace(' ', "·")
}

/// A line diff (longest common subsequence) that shows trailing spaces
/// (as `·`) and tabs; `-` lines are recorded only, `+` simulated only.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split('\n').collect();
    let a: Vec<&str> = actual.split('\n').collect();
    // lcs[i][j]: common lines of e[i..] and a[j..].
    let mut lcs = vec![vec![0u32; a.len() + 1]; e.len() + 1];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if e[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    let mut shown = 0;
    let mut emit = |out: &mut String, sign: char, line: usize, text: &str| {
        if shown < 24 {
            let _ = writeln!(out, "  {sign} {line:>4} | {}", visible(text));
        }
        shown += 1;
    };
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            i += 1;
            j += 1;
        } else if j < a.len() && (i == e.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            emit(&mut out, '+', j + 1, a[j]);
            j += 1;
        } else {
            emit(&mut out, '-', i + 1, e[i]);
            i += 1;
        }
    }
    if shown > 24 {
        let _ = writeln!(out, "  … {} more differing lines", shown - 24);
    }
    out
}

fn replay(v: Version) -> Vec<String> {
    let sim = Sim::builder()
        .version(v)
        .maps(2)
        .paths_per_map(2)
        .immediate(false)
        .checker_tick(None)
        .privilege(Privilege::Root)
        .start()
        .expect("start simulator");
    let mut main = connect(&sim);
    let mut failures = Vec::new();
    for (id, cmd) in commands() {
        if run_dependent::checker_pass_before(v, &id) {
            sim.checker_pass();
        }
        let want = recorded(v, &id);
        let got = if id.starts_with("unpriv") {
            sim.set_privilege(Privilege::NonRoot);
            let mut s = connect(&sim);
            let a = ask(&mut s, &cmd);
            sim.set_privilege(Privilege::Root);
            a
        } else if want.starts_with(b"<<transport error") {
            let mut s = connect(&sim);
            ask(&mut s, &cmd)
        } else {
            ask(&mut main, &cmd)
        };
        let label = format!(
            "{v} {id} {:?}",
            if cmd.len() > 60 { &cmd[..60] } else { &cmd[..] }
        );
        if want.starts_with(b"<<transport error") {
            if got != (Answer::Closed { got: 0 }) {
                failures.push(format!(
                    "{label}: expected the connection closed without a reply, got {got:?}"
                ));
            }
            continue;
        }
        let Answer::Reply(payload) = got else {
            failures.push(format!("{label}: expected a reply, got {got:?}"));
            continue;
        };
        if payload.last() != Some(&0) || want.last() != Some(&0) {
            failures.push(format!("{label}: frame without trailing NUL"));
            continue;
        }
        let want = String::from_utf8_lossy(&want[..want.len() - 1]).into_owned();
        let got = String::from_utf8_lossy(&payload[..payload.len() - 1]).into_owned();
        let (nw, ng) = (
            run_dependent::normalize(&want),
            run_dependent::normalize(&got),
        );
        if nw != ng {
            failures.push(format!(
                "{label}: reply differs (- recorded, + simulated)\n{}",
                diff(&nw, &ng)
            ));
        }
    }
    assert!(sim.is_running(), "{v}: simulator stopped during the replay");
    failures
}

fn check(v: Version) {
    let failures = replay(v);
    assert!(
        failures.is_empty(),
        "{} of the recorded replies of {v} differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn replays_recorded_session_0_8_5() {
    check(Version::V0_8_5);
}

#[test]
fn replays_recorded_session_0_9_4() {
    check(Version::V0_9_4);
}

#[test]
fn replays_recorded_session_0_11_1() {
    check(Version::V0_11_1);
}

#[test]
fn replays_recorded_session_0_15_1() {
    check(Version::V0_15_1);
}

/// The pure renderer agrees with the socket path (same state changes, same
/// text) for the whole session.
#[test]
fn pure_rendering_matches_socket_replies() {
    for v in mpd_sim::version::ALL_VERSIONS {
        let mut st = Sim::builder().initial_state();
        let sim = Sim::builder()
            .version(v)
            .checker_tick(None)
            .privilege(Privilege::Root)
            .start()
            .unwrap();
        let mut s = connect(&sim);
        for (id, cmd) in commands() {
            if id.starts_with("unpriv") || cmd.len() > 512 || cmd.contains("daemon") {
                continue;
            }
            let pure = mpd_sim::respond(v, &mut st, &cmd);
            assert_eq!(ask(&mut s, &cmd).text(), pure, "{v} {id}");
        }
    }
}
