#!/usr/bin/env bash
# Builds the release libmpd.so (the production library: without the
# simulator of the cargo feature `sim`) and installs it with its header and
# pkg-config file:
#
#   PREFIX/lib/libmpd.so.VERSION            the library (e.g. libmpd.so.0.1.0)
#   PREFIX/lib/libmpd.so.MAJOR -> libmpd.so.VERSION
#                                           its SONAME (libmpd.so.0), what
#                                           programs load at run time
#   PREFIX/lib/libmpd.so -> libmpd.so.MAJOR what `-lmpd` finds at link time
#   PREFIX/include/mpd.h
#   PREFIX/lib/pkgconfig/mpd.pc
#
# VERSION is the crate's version and MAJOR its first number, as build.rs
# writes it into the library's SONAME.
#
# usage: crates/mpd-ffi/install.sh PREFIX
#
# Then: PKG_CONFIG_PATH=PREFIX/lib/pkgconfig cc prog.c $(pkg-config --cflags --libs mpd)
# (and LD_LIBRARY_PATH=PREFIX/lib to run it, unless PREFIX/lib is a
# directory the dynamic linker searches: for /usr/local/lib, run ldconfig
# after installing, as for any library).
#
# Environment:
#   MPD_LIB=FILE   install this libmpd.so instead of building one (the
#                  tests install the debug build this way); whatever it was
#                  built with is installed, so for a system prefix give it
#                  a build without --features sim
#   DESTDIR=DIR    stage the files under DIR (for packaging); mpd.pc still
#                  names PREFIX
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 PREFIX" >&2
  exit 2
fi
prefix=$1
case $prefix in
  /*) ;;
  *) prefix=$(cd "$prefix" 2>/dev/null && pwd || echo "$PWD/$prefix") ;;
esac
crate=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$crate/../.." && pwd)

# The version: the crate's own, or the workspace's.
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$crate/Cargo.toml" | head -n1)
if [ -z "$version" ]; then
  version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)
fi
url=$(sed -n '/^\[workspace.package\]/,/^\[/s/^repository *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)

lib=${MPD_LIB:-}
if [ -z "$lib" ]; then
  (cd "$root" && cargo build --release -p mpd-ffi)
  lib=${CARGO_TARGET_DIR:-$root/target}/release/libmpd.so
fi
if [ ! -f "$lib" ]; then
  echo "install.sh: no library at $lib" >&2
  exit 1
fi

real=libmpd.so.$version
soname=libmpd.so.${version%%.*}
dest=${DESTDIR:-}$prefix
install -d "$dest/lib/pkgconfig" "$dest/include"
install -m 0755 "$lib" "$dest/lib/$real"
# Relative links, so that a DESTDIR staging tree can be moved as it is.
# -f replaces what an earlier install left (links, or a plain libmpd.so).
ln -sfn "$real" "$dest/lib/$soname"
ln -sfn "$soname" "$dest/lib/libmpd.so"
install -m 0644 "$root/include/mpd.h" "$dest/include/mpd.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@URL@|${url:-}|" \
  "$crate/mpd.pc.in" > "$dest/lib/pkgconfig/mpd.pc"
chmod 0644 "$dest/lib/pkgconfig/mpd.pc"
echo "installed libmpd $version into $dest (lib/$real, lib/$soname -> $real, lib/libmpd.so -> $soname, include/mpd.h, lib/pkgconfig/mpd.pc)"
