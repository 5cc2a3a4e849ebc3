//! include/mpd.h is generated from this crate by cbindgen and checked in:
//! this test regenerates it and fails if anything changed.
//! `MPD_BLESS=1 cargo test -p mpd-ffi --test header` rewrites it.

use std::path::Path;

#[test]
fn checked_in_header_matches_the_code() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = crate_dir.join("../../include/mpd.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("crates/mpd-ffi/cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses mpd-ffi");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    if std::env::var_os("MPD_BLESS").is_some() {
        std::fs::write(&header, &generated).expect("include/mpd.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&header).unwrap_or_default();
    if checked_in != generated {
        let first_difference = checked_in
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n  checked in: {a}\n  generated:  {b}", i + 1))
            .unwrap_or_else(|| "one is a prefix of the other".into());
        panic!(
            "include/mpd.h is out of date ({first_difference}).\n\
             Regenerate it with: MPD_BLESS=1 cargo test -p mpd-ffi --test header"
        );
    }
}
