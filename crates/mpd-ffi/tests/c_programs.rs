//! The C side of the tests: builds the programs of `tests/c` against the
//! `libmpd.so` cargo built for this run and runs them under valgrind
//! (through `tests/c/run`, which CI can also call on its own). Fails, and
//! never skips, when cc, valgrind, pkg-config or binutils is missing.
//!
//! Two builds of the library are involved:
//!
//! - the production one, without the simulator, which `install.sh`
//!   installs: the example is built against it, and it must export no
//!   `mpd_sim_` symbol;
//! - one with the cargo feature `sim`, which the test programs link (they
//!   start simulated daemons with `mpd_sim_start`).
//!
//! `cargo test` built one of them already, with this package's features
//! (normally none: the production one). The other is built here by a
//! nested cargo, see [`other_build`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// The directory of the library built by a nested
/// `cargo build -p mpd-ffi [--features sim] --locked --target-dir
/// <target>/c-tests` in this test's profile: the build this test run did
/// not make (with the simulator if this run's has none, without it
/// otherwise). Built once per test binary, whichever test asks first.
///
/// - Its own target dir: a cdylib's file name has no hash, so a build
///   with other features in `<target>` would overwrite
///   `<target>/<profile>/deps/libmpd.so`, the very file this run tests
///   (and `<target>/<profile>/libmpd.so`, which `cargo build` users expect
///   to be the production library); and a nested cargo must never wait
///   for the lock of the directory the outer one builds in (whether the
///   outer one still holds it while tests run differs between cargo
///   versions). `tests/c/run` on its own builds its sim library into the
///   same `<target>/c-tests`, so they share it.
/// - `-p mpd-ffi` and only the features named: cargo's feature
///   unification cannot carry `sim` into anything else, nor another
///   package's features into this build.
/// - `--locked`: the same Cargo.lock as the outer build; nothing to
///   resolve or download, since the outer build fetched every package
///   (mpd-sim is a workspace member).
fn other_build() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let deps = lib_dir();
        let profile_dir = deps.parent().expect("target/<profile>");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a profile directory name");
        let target = profile_dir.parent().expect("target").join("c-tests");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(root())
            .args(["build", "-p", "mpd-ffi", "--locked", "--target-dir"])
            .arg(&target);
        if !cfg!(feature = "sim") {
            cmd.args(["--features", "sim"]);
        }
        match profile {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        let out = cmd.output().expect("cargo runs");
        assert!(
            out.status.success(),
            "{cmd:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let dir = target.join(profile);
        assert!(dir.join("libmpd.so").is_file(), "{cmd:?} made no libmpd.so");
        dir
    })
}

/// The library the test programs link, with the simulator.
fn sim_lib_dir() -> PathBuf {
    if cfg!(feature = "sim") {
        lib_dir()
    } else {
        other_build().to_owned()
    }
}

/// The production library, without the simulator.
fn production_lib() -> PathBuf {
    if cfg!(feature = "sim") {
        other_build().join("libmpd.so")
    } else {
        lib_dir().join("libmpd.so")
    }
}

/// The names of the functions and objects a shared library exports
/// (`nm -D --defined-only`: "ADDRESS TYPE NAME" lines).
fn exported_symbols(lib: &Path) -> BTreeSet<String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib)
        .output()
        .expect("nm runs (Debian: apt-get install binutils; scripts/test installs it)");
    assert!(out.status.success(), "nm -D {} failed", lib.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(str::to_owned)
        .collect()
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
    // The programs find the library through their RUNPATH (tests/c/run
    // links them against a copy of MPD_LIB_DIR/libmpd.so). cargo runs this
    // test with LD_LIBRARY_PATH listing target/<profile> before
    // target/<profile>/deps, and LD_LIBRARY_PATH wins over RUNPATH:
    // inherited, it would load the possibly stale copy there (a function
    // added since the last `cargo build` is then an undefined symbol).
    let out = Command::new("bash")
        .arg(root().join("tests/c/run"))
        .env_remove("LD_LIBRARY_PATH")
        .env("MPD_LIB_DIR", sim_lib_dir())
        .env("MPD_INSTALL_LIB", production_lib())
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

/// The production library has no simulator in it; the `sim` build has
/// every `mpd_sim_` function of the header, and otherwise the same
/// functions.
#[test]
fn only_the_sim_build_exports_the_simulator() {
    let production = exported_symbols(&production_lib());
    let with_sim = exported_symbols(&sim_lib_dir().join("libmpd.so"));
    let is_sim = |s: &&String| s.starts_with("mpd_sim_");

    let leaked: Vec<_> = production.iter().filter(is_sim).collect();
    assert!(
        leaked.is_empty(),
        "the production libmpd exports {leaked:?}"
    );
    assert!(production.contains("mpd_client_connect"), "{production:?}");

    let header = header_functions();
    let sim_functions: BTreeSet<_> = header.iter().filter(is_sim).cloned().collect();
    assert!(sim_functions.contains("mpd_sim_start"), "{header:?}");
    let exported_sim: BTreeSet<_> = with_sim.iter().filter(is_sim).cloned().collect();
    assert_eq!(
        exported_sim, sim_functions,
        "the sim build's mpd_sim_ functions"
    );
    let rest = |set: &BTreeSet<String>| -> BTreeSet<String> {
        set.iter()
            .filter(|s| s.starts_with("mpd_") && !s.starts_with("mpd_sim_"))
            .cloned()
            .collect()
    };
    assert_eq!(rest(&with_sim), rest(&production));
    // Every function of the header is exported by one of the builds.
    for f in &header {
        assert!(
            production.contains(f) || with_sim.contains(f),
            "no build exports {f}"
        );
    }
}

/// The SONAME build.rs gives the library (`readelf -d`): `libmpd.so.0`
/// while the crate is 0.x. tests/c/run checks the installed files and
/// links.
#[test]
fn both_builds_have_the_soname() {
    let expected = format!("libmpd.so.{}", env!("CARGO_PKG_VERSION_MAJOR"));
    if env!("CARGO_PKG_VERSION").starts_with("0.") {
        assert_eq!(expected, "libmpd.so.0");
    }
    for lib in [production_lib(), sim_lib_dir().join("libmpd.so")] {
        let out = Command::new("readelf")
            .arg("-d")
            .arg(&lib)
            .output()
            .expect("readelf runs (Debian: apt-get install binutils)");
        assert!(out.status.success(), "readelf -d {} failed", lib.display());
        let dynamic = String::from_utf8_lossy(&out.stdout);
        let soname = dynamic
            .lines()
            .find(|l| l.contains("(SONAME)"))
            .and_then(|l| l.split('[').nth(1))
            .and_then(|rest| rest.split(']').next());
        assert_eq!(soname, Some(expected.as_str()), "{}", lib.display());
    }
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
    let without_pointers = [
        "mpd_version",
        "mpd_result_str",
        "mpd_last_error",
        "mpd_health_state_str",
    ];
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
/// test_ops.c, test_watch.c or test_errors.c.
#[test]
fn every_function_is_exercised() {
    let calls = calls_in(&["test_ops.c", "test_watch.c", "test_errors.c"]);
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
