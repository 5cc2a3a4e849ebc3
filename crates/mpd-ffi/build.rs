//! Gives `libmpd.so` its SONAME, `libmpd.so.MAJOR` with the crate's major
//! version (`libmpd.so.0` for 0.x): a program linked against the library
//! records that name and the dynamic linker looks for a file of that name.
//! `install.sh` installs `libmpd.so.VERSION` with the links
//! `libmpd.so.MAJOR -> libmpd.so.VERSION` and `libmpd.so -> libmpd.so.MAJOR`.
//! A release that breaks the C ABI must change the major version.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The flag is the ELF linkers' (GNU ld, gold, lld); multipathd, and so
    // this library, is Linux only.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major =
            std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmpd.so.{major}");
    }
}
