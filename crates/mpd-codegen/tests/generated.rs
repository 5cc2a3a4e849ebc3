//! The generated files are checked in: this test regenerates them from
//! `mpd_proto::ops::OPERATIONS` and fails on any difference.
//! `MPD_BLESS=1 cargo test -p mpd-codegen --test generated` rewrites them
//! (then regenerate the C header: `MPD_BLESS=1 cargo test -p mpd-ffi --test header`).

use std::path::Path;

#[test]
fn checked_in_files_match_the_operation_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = mpd_codegen::generate(&root).expect("generation works");
    let bless = std::env::var_os("MPD_BLESS").is_some();
    let mut stale = Vec::new();
    for (path, generated) in files {
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        if checked_in == generated {
            continue;
        }
        if bless {
            std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let first = checked_in
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n  checked in: {a}\n  generated:  {b}", i + 1))
            .unwrap_or_else(|| "one is a prefix of the other".into());
        stale.push(format!("{} ({first})", path.display()));
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date:\n{}\nRegenerate them with: \
         MPD_BLESS=1 cargo test -p mpd-codegen --test generated && \
         MPD_BLESS=1 cargo test -p mpd-ffi --test header",
        stale.join("\n")
    );
}
