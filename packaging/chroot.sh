# Sourced by the install tests of packaging/ (bash): a throw-away copy of
# the cached clean root of packaging/test-root, entered with chroot.
#
#   chroot_new            sets $croot: an overlay over the cached root (or a
#                         copy, where overlayfs is unavailable), /proc and
#                         /dev bind-mounted; removed on exit
#   in_root CMD...        runs CMD in it as root, with a minimal environment
#                         (PATH=/usr/sbin:/usr/bin:/sbin:/bin, no Rust)
#
# The cleanup unmounts first and removes nothing while anything under the
# root is still mounted.

chroot_base=""
chroot_tmp=""
croot=""

chroot_cleanup() {
  [ -n "$chroot_tmp" ] || return 0
  local m
  for m in "$croot/dev" "$croot/proc" "$croot"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m" || true; fi
  done
  if grep -q " $chroot_tmp" /proc/mounts; then
    echo "chroot.sh: something is still mounted under $chroot_tmp; not removing it" >&2
    return 0
  fi
  rm -rf "$chroot_tmp"
  chroot_tmp=""
}

chroot_new() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  chroot_base=$("$here/test-root")
  chroot_tmp=$(mktemp -d /var/tmp/mpd-chroot.XXXXXX)
  trap chroot_cleanup EXIT
  croot=$chroot_tmp/root
  mkdir -p "$croot" "$chroot_tmp/upper" "$chroot_tmp/work"
  if ! mount -t overlay overlay \
       -o "lowerdir=$chroot_base,upperdir=$chroot_tmp/upper,workdir=$chroot_tmp/work" \
       "$croot" 2>/dev/null; then
    echo "chroot.sh: no overlayfs here; copying the root" >&2
    cp -a "$chroot_base/." "$croot/"
  fi
  mount --bind /proc "$croot/proc"
  mount --bind /dev "$croot/dev"
  cp /etc/resolv.conf "$croot/etc/resolv.conf" 2>/dev/null || true
}

in_root() {
  chroot "$croot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

# Fails if a Rust toolchain is reachable in the root.
no_rust_in_root() {
  local t
  for t in cargo rustc rustup; do
    if in_root sh -c "command -v $t" >/dev/null 2>&1; then
      echo "chroot.sh: $t is in the test root; the test needs a host without Rust" >&2
      return 1
    fi
  done
  if [ -e "$croot/root/.cargo" ] || [ -e "$croot/root/.rustup" ]; then
    echo "chroot.sh: a Rust toolchain is under /root in the test root" >&2
    return 1
  fi
}
