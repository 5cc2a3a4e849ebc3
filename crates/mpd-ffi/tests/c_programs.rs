//! The C side of the tests: builds the programs of `tests/c` against the
//! `libmpd.so` cargo built for this run and runs them under valgrind
//! (through `tests/c/run`, which CI can also call on its own). Fails, and
//! never skips, when cc, valgrind or pkg-config is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `target/<profile>/deps`, where this test binary lives. Before the
/// integration tests, `cargo test` builds the crate's cdylib there
/// (`deps/libmpd.so`); it does not refresh the copy in `target/<profile>/`,
/// which only `cargo build` updates and which may be stale here.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .expect("the test binary is in target/<profile>/deps")
        .to_owned()
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names of the functions `include/mpd.h` declares.
fn header_functions() -> BTreeSet<String> {
    let header = read(&root().join("include/mpd.h"));
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
        // A declaration: `TYPE NAME(ARGS...` with NAME the last word
        // before the first parenthesis.
        let Some(open) = line.find('(') else {
            continue;
        };
        let name = line[..open].rsplit([' ', '*']).next().unwrap_or_default();
        if name.starts_with("mpd_") {
            names.insert(name.to_owned());
        }
    }
    names
}

fn calls_in(files: &[&str]) -> String {
    files
        .iter()
        .map(|f| read(&root().join("tests/c").join(f)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn c_programs_pass_under_valgrind() {
    let lib_dir = lib_dir();
    let lib = lib_dir.join("libmpd.so");
    assert!(
        lib.is_file(),
        "{} is missing: cargo should build the cdylib before the integration tests",
        lib.display()
    );
    // The cdylib and the rlib come from the same rustc run: a library
    // older than the rlib would be a stale build.
    let rlib = lib_dir.join("libmpd.rlib");
    if rlib.is_file() {
        let age = modified(&rlib)
            .duration_since(modified(&lib))
            .unwrap_or_default();
        assert!(
            age.as_secs() < 60,
            "{} is older than {}: stale cdylib",
            lib.display(),
            rlib.display()
        );
    }
    // The programs find the library through their RUNPATH (MPD_LIB_DIR).
    // cargo runs this test with LD_LIBRARY_PATH listing target/<profile>
    // before target/<profile>/deps, and LD_LIBRARY_PATH wins over RUNPATH:
    // inherited, it would load the possibly stale copy there (a function
    // added since the last `cargo build` is then an undefined symbol).
    let out = Command::new("bash")
        .arg(root().join("tests/c/run"))
        .env_remove("LD_LIBRARY_PATH")
        .env("MPD_LIB_DIR", &lib_dir)
        .output()
        .expect("bash runs tests/c/run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tests/c/run failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    println!("{stdout}{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn the_header_declares_every_operation() {
    let names = header_functions();
    assert!(names.len() > 100, "parsed only {names:?}");
    for op in [
        "mpd_client_connect",
        "mpd_client_free",
        "mpd_client_last_error",
        "mpd_last_error",
        "mpd_result_str",
        "mpd_client_list_paths",
        "mpd_client_list_maps",
        "mpd_client_reconfigure",
        "mpd_client_add_path",
        "mpd_client_remove_path",
        "mpd_client_add_map",
        "mpd_client_remove_map",
        "mpd_client_suspend_map",
        "mpd_client_resume_map",
        "mpd_client_resize_map",
        "mpd_client_reset_map",
        "mpd_client_reload_map",
        "mpd_client_fail_path",
        "mpd_client_reinstate_path",
        "mpd_client_disable_map_queuing",
        "mpd_client_disable_queuing",
        "mpd_client_restore_map_queuing",
        "mpd_client_restore_queuing",
        "mpd_client_topology",
        "mpd_client_status",
        "mpd_client_daemon_state",
        "mpd_client_command",
        "mpd_client_switch_group",
        "mpd_client_daemon_version",
        "mpd_client_map_topology",
        "mpd_sim_start",
        "mpd_sim_address",
        "mpd_sim_set_fault",
        "mpd_sim_free",
    ] {
        assert!(names.contains(op), "mpd.h lacks {op}");
    }
}

/// test_null.c passes NULL to every function that takes a pointer.
#[test]
fn every_function_is_called_with_null() {
    let calls = calls_in(&["test_null.c"]);
    let without_pointers = ["mpd_version", "mpd_result_str", "mpd_last_error"];
    let missing: Vec<_> = header_functions()
        .into_iter()
        .filter(|f| !without_pointers.contains(&f.as_str()))
        .filter(|f| {
            let call = format!("{f}(");
            // Some call whose argument list (up to the first `)`) has NULL.
            !calls.lines().any(|l| {
                l.find(&call).is_some_and(|i| {
                    let args = &l[i + call.len()..];
                    args[..args.find(')').unwrap_or(args.len())].contains("NULL")
                })
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "test_null.c never passes NULL to {missing:?}"
    );
}

/// Every function is also used for real (not only with NULL) by
/// test_ops.c or test_errors.c.
#[test]
fn every_function_is_exercised() {
    let calls = calls_in(&["test_ops.c", "test_errors.c"]);
    let missing: Vec<_> = header_functions()
        .into_iter()
        .filter(|f| !calls.contains(&format!("{f}(")))
        .collect();
    assert!(missing.is_empty(), "no C test uses {missing:?}");
}

/// Both READMEs (the crate's and the project's) show tests/c/example.c as
/// it is (from its first #include), so the example they print is the one
/// the tests compile and run.
#[test]
fn readme_shows_the_tested_example() {
    let example = read(&root().join("tests/c/example.c"));
    let example = &example[example.find("#include").expect("example.c includes")..];
    for readme_path in [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        root().join("README.md"),
    ] {
        let readme = read(&readme_path);
        let block = readme
            .split("```c\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .unwrap_or_else(|| panic!("{} has a ```c block", readme_path.display()));
        assert_eq!(
            block,
            example,
            "{}'s example differs from tests/c/example.c",
            readme_path.display()
        );
    }
}
