#!/usr/bin/env bash
# Builds the release libmpd.so and installs it with its header and
# pkg-config file:
#
#   PREFIX/lib/libmpd.so
#   PREFIX/include/mpd.h
#   PREFIX/lib/pkgconfig/mpd.pc
#
# usage: crates/mpd-ffi/install.sh PREFIX
#
# Then: PKG_CONFIG_PATH=PREFIX/lib/pkgconfig cc prog.c $(pkg-config --cflags --libs mpd)
# (and LD_LIBRARY_PATH=PREFIX/lib to run it, unless PREFIX/lib is a
# directory the dynamic linker searches, as /usr/local/lib is).
#
# Environment:
#   MPD_LIB=FILE   install this libmpd.so instead of building one (the
#                  tests install the debug build this way)
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

dest=${DESTDIR:-}$prefix
install -d "$dest/lib/pkgconfig" "$dest/include"
install -m 0755 "$lib" "$dest/lib/libmpd.so"
install -m 0644 "$root/include/mpd.h" "$dest/include/mpd.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@URL@|${url:-}|" \
  "$crate/mpd.pc.in" > "$dest/lib/pkgconfig/mpd.pc"
chmod 0644 "$dest/lib/pkgconfig/mpd.pc"
echo "installed libmpd $version into $dest (lib/libmpd.so, include/mpd.h, lib/pkgconfig/mpd.pc)"
