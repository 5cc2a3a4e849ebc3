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
#   LIBDIR=DIR     where the library and pkgconfig/mpd.pc go (default
#                  PREFIX/lib; Debian's multiarch dir for the .deb), absolute
#   INCLUDEDIR=DIR where mpd.h goes (default PREFIX/include), absolute
#
# The root Makefile's `make install PREFIX=...` runs this script.
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
libdir=${LIBDIR:-$prefix/lib}
includedir=${INCLUDEDIR:-$prefix/include}
for d in "$libdir" "$includedir"; do
  case $d in
    /*) ;;
    *) echo "install.sh: LIBDIR and INCLUDEDIR must be absolute (got $d)" >&2; exit 2 ;;
  esac
done
# mpd.pc names them relative to ${prefix} where they are under it.
pc_libdir=$libdir pc_includedir=$includedir
case $libdir in "$prefix"/*) pc_libdir="\${prefix}${libdir#"$prefix"}" ;; esac
case $includedir in "$prefix"/*) pc_includedir="\${prefix}${includedir#"$prefix"}" ;; esac
dlib=${DESTDIR:-}$libdir
dinc=${DESTDIR:-}$includedir
install -d "$dlib/pkgconfig" "$dinc"
install -m 0755 "$lib" "$dlib/$real"
# Relative links, so that a DESTDIR staging tree can be moved as it is.
# -f replaces what an earlier install left (links, or a plain libmpd.so).
ln -sfn "$real" "$dlib/$soname"
ln -sfn "$soname" "$dlib/libmpd.so"
install -m 0644 "$root/include/mpd.h" "$dinc/mpd.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$pc_libdir|" -e "s|@INCLUDEDIR@|$pc_includedir|" \
  -e "s|@VERSION@|$version|" -e "s|@URL@|${url:-}|" \
  "$crate/mpd.pc.in" > "$dlib/pkgconfig/mpd.pc"
chmod 0644 "$dlib/pkgconfig/mpd.pc"
echo "installed libmpd $version${DESTDIR:+ under $DESTDIR}: $libdir/$real, $soname -> $real, libmpd.so -> $soname, $libdir/pkgconfig/mpd.pc, $includedir/mpd.h"
