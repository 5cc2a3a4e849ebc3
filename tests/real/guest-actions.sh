# The named actions tests take inside a test guest, as shell functions run
# by the guest's root shell (tests/real/guest-action sends this file and
# the call through MPD_REAL_GUEST_SOCKET: one channel for all of them).
# Each prints what it did on one line and fails (non-zero) if it could
# not. Written for the guest's Debian userland (dash, procps, iproute2,
# socat). Never pidof: it can match the guest's init script (pid 1).

# How long an action waits for its effect, in tenths of a second.
MPD_WAIT_TENTHS=${MPD_WAIT_TENTHS:-600}

_wait_until() { # DESCRIPTION COMMAND...
  local what=$1 i=0
  shift
  until "$@"; do
    i=$((i + 1))
    if [ "$i" -ge "$MPD_WAIT_TENTHS" ]; then
      echo "guest-action: timed out waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}
# The daemon's pid, from /proc (pidof may match the guest's init script).
# With the shell's read, not cat: a fork per process is slow in the guest.
_daemon_pid() {
  local p c
  for p in /proc/[0-9]*; do
    c=""
    { read -r c <"$p/comm"; } 2>/dev/null || continue
    [ "$c" = multipathd ] && { echo "${p#/proc/}"; return 0; }
  done
  return 1
}
_daemon_gone() { ! _daemon_pid >/dev/null; }
_daemon_answers() { multipathd show daemon 2>/dev/null | grep -q 'pid'; }
_daemon_idle() { multipathd show daemon 2>/dev/null | grep -q idle; }
_listening() { ss -ltn | grep -q ":$1 "; }
_listener_pid() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1; }

# daemon-stop: SIGTERM, as systemctl stop does; waits until it has exited.
daemon_stop() {
  local p
  p=$(_daemon_pid) || { echo "daemon-stop: multipathd is not running" >&2; return 1; }
  kill -TERM $p
  _wait_until "multipathd to exit" _daemon_gone
  echo "daemon-stop: multipathd $p stopped"
}

# daemon-kill: SIGKILL (a crash); waits until it is gone.
daemon_kill() {
  local p
  p=$(_daemon_pid) || { echo "daemon-kill: multipathd is not running" >&2; return 1; }
  kill -KILL $p
  _wait_until "multipathd to die" _daemon_gone
  echo "daemon-kill: multipathd $p killed"
}

# daemon-start: starts multipathd as the guest's init does (foreground
# daemon, log to the console through a pipe) in its own session, and
# waits until it answers and is idle.
daemon_start() {
  if _daemon_pid >/dev/null; then
    echo "daemon-start: multipathd is already running" >&2
    return 1
  fi
  setsid sh -c 'multipathd -d -s 2>&1 | cat >/dev/console' </dev/null >/dev/null 2>&1 &
  _wait_until "multipathd to answer" _daemon_answers
  _wait_until "multipathd to be idle" _daemon_idle
  echo "daemon-start: multipathd $(_daemon_pid) running"
}

# daemon-restart: daemon-stop then daemon-start.
daemon_restart() { daemon_stop && daemon_start; }

# hold-map MAP SECONDS: opens /dev/mapper/MAP (as a mount would) for
# SECONDS in the background; prints the holder's pid (release-map PID).
hold_map() {
  local map=$1 secs=${2:-600}
  [ -e "/dev/mapper/$map" ] || { echo "hold-map: no /dev/mapper/$map" >&2; return 1; }
  setsid sh -c 'exec 3<"$1"; exec sleep "$2"' sh "/dev/mapper/$map" "$secs" </dev/null >/dev/null 2>&1 &
  echo "hold-map: $!"
}

# release-map PID: ends a holder of hold-map.
release_map() {
  kill "$1" && echo "release-map: $1 released"
}

# relay-drop [PORT]: stops the guest-side relay of the control socket
# (default 5000, the root one) and its open connections: the host's
# socket then connects but gets no daemon, as when the daemon's socket
# is unreachable.
relay_drop() {
  local port=${1:-5000} p
  p=$(_listener_pid "$port")
  [ -n "$p" ] || { echo "relay-drop: nothing listens on $port" >&2; return 1; }
  pkill -P "$p" 2>/dev/null || true   # its connections: children of that pid only
  kill "$p"
  _wait_until "the relay on $port to stop" eval "! _listening $port"
  echo "relay-drop: relay $p on $port stopped"
}

# relay-restore [PORT]: starts the relay again (5001: as user nobody).
relay_restore() {
  local port=${1:-5000} su=""
  [ "$port" = 5001 ] && su=",su=nobody"
  setsid socat "TCP-LISTEN:$port,fork,reuseaddr$su" \
    ABSTRACT-CONNECT:/org/kernel/linux/storage/multipathd </dev/null >/dev/null 2>&1 &
  _wait_until "the relay on $port" _listening "$port"
  echo "relay-restore: relay on $port listening"
}
