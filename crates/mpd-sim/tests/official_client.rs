//! The official command-line client (`multipathd` from Debian's
//! `multipath-tools`, bookworm = 0.9.4) talks to the simulator on the
//! daemon's default abstract address and prints what the recorded 0.9.4
//! daemon printed.
//!
//! The `multipathd` binary must be installed (`apt-get install
//! multipath-tools`; CI installs it): without it this test FAILS, it does
//! not skip. The client only knows the default address, so this binary has
//! a single test and takes a lock file shared with every other test that
//! binds that address.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::run_dependent;
use mpd_proto::model::PathDmState;
use mpd_sim::{Address, PathCheck, Privilege, Sim, Version};

fn find_multipathd() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|d| d.join("multipathd"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the official client `multipathd` is not installed: this test needs it \
                 (Debian package multipath-tools: `apt-get install -y multipath-tools`)"
            )
        })
}

fn recorded(id: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/multipathd/0.9.4");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{id}_"))
        })
        .unwrap();
    let bytes = std::fs::read(entry.path()).unwrap();
    String::from_utf8(bytes[..bytes.len() - 1].to_vec()).unwrap()
}

/// Runs `multipathd <args>` and returns (stdout, exit code).
fn client(bin: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        out.stderr.is_empty(),
        "multipathd {args:?} wrote to stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn official_client_against_default_abstract_address() {
    let bin = find_multipathd();
    let _lock = common::default_address_lock();
    let sim = Sim::builder()
        .version(Version::V0_9_4)
        .socket(Address::default_abstract())
        .checker_tick(None)
        // The client itself runs as whoever runs the tests.
        .privilege(Privilege::Root)
        .start()
        .unwrap_or_else(|e| {
            panic!("cannot listen on the default address (is a real multipathd running?): {e}")
        });
    assert_eq!(sim.address(), "@/org/kernel/linux/storage/multipathd");

    let (out, code) = client(&bin, &["show", "paths"]);
    assert_eq!(code, 0);
    assert_eq!(
        run_dependent::normalize(&out),
        run_dependent::normalize(&recorded("003"))
    );

    let (out, code) = client(&bin, &["show", "maps", "json"]);
    assert_eq!(code, 0);
    assert_eq!(out, recorded("009"));

    let (out, code) = client(&bin, &["fail", "path", "sda"]);
    assert_eq!((out.as_str(), code), ("ok\n", 0));
    let sda = sim.state().path("sda").cloned().unwrap();
    assert_eq!(
        (sda.dm_state, sda.checker_state),
        (Some(PathDmState::Failed), PathCheck::Down)
    );

    let (out, _) = client(&bin, &["show", "paths"]);
    assert_eq!(
        run_dependent::normalize(&out),
        run_dependent::normalize(&recorded("030"))
    );

    // The client's exit status follows the daemon's "fail".
    let (out, code) = client(&bin, &["fail", "path", "nosuchpath"]);
    assert_eq!((out.as_str(), code), ("fail\n", 1));

    // Interactive mode (`multipathd -k`), commands on stdin, one connection.
    let mut child = Command::new(&bin)
        .arg("-k")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"show maps raw format %n\nreinstate path sda\nshow maps raw format %N\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        // sda comes back at the checker's next run, not yet.
        "mpatha\nmpathb\nok\n1\n2\n"
    );
    sim.checker_pass();
    assert_eq!(
        sim.state().path("sda").unwrap().dm_state,
        Some(PathDmState::Active)
    );
}
