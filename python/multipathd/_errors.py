"""The exceptions of the ``multipathd`` package.

One class per kind of failure of the Rust client (``mpd_client::ErrorKind``),
all under :class:`Error`, each also a subclass of the builtin a Python user
would catch anyway (``ValueError``, ``ConnectionError``, ``TimeoutError``,
``PermissionError``, ``OSError``). Import them from ``multipathd``.

The compiled module raises them: each ``mpd_client::ErrorKind`` has its
class (:data:`KINDS` maps the kind's name, e.g. ``"not_found"``, to it), and
the instance gets the attributes below. Every attribute
has a class-level default (``None``, or ``False``/``True`` for
``not_found``), so an instance made by hand has them all too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Type

if TYPE_CHECKING:
    from multipathd._multipathd import DaemonVersion

__all__ = [
    "Error",
    "InvalidArgument",
    "ConnectionFailed",
    "Timeout",
    "DaemonTimeout",
    "WaitTimeout",
    "ConnectionClosed",
    "ProtocolError",
    "PermissionDenied",
    "NotFound",
    "CommandFailed",
    "UnknownCommand",
    "Blacklisted",
    "MapInUse",
    "IoError",
    "UntrustedPeer",
]


class Error(Exception):
    """Root of every exception this package raises.

    Attributes set on every instance (None where they do not apply):
    command: the command text as sent (arguments quoted), or None when the
    error happened before a command existed (InvalidArgument,
    ConnectionFailed); reply: the daemon's full reply, when it answered.

    A bug in the Rust code (a panic) is raised as a plain Error.
    """

    command: Optional[str] = None
    """The command text as sent (arguments quoted); None for InvalidArgument
    and ConnectionFailed, which happen before a command is sent."""
    reply: Optional[str] = None
    """The daemon's full reply, when it answered."""
    kind: Optional[str] = None
    """The kind of failure, as the Rust ``ErrorKind::name()`` (``"not_found"``,
    ``"daemon_timeout"``, ...); None for an error of the binding itself."""
    transient: bool = False
    """True when the failure may go away by itself (the daemon restarting or
    busy, a broken connection, the map still in use): the same call may
    succeed later."""
    may_have_run: bool = False
    """True when the command may have reached the daemon and run although no
    answer says so (the client's timeout, a dropped connection): do not
    send an action again blindly."""


class InvalidArgument(Error, ValueError):
    """An argument was refused before anything was sent: an empty name, a
    control character (such as a newline), a command over the daemon's
    512-byte limit, a path group of 0, a malformed reservation key, or a
    timeout that is not a positive number of seconds. Also a ValueError."""


class ConnectionFailed(Error, ConnectionError):
    """No daemon could be reached. Also a ConnectionError.

    address: the address tried; errno (OSError's attribute): the operating
    system's error number (e.g. errno.ENOENT, errno.ECONNREFUSED), when
    there is one, else None.
    """

    address: Optional[str] = None
    """The address tried: a path, or "@name" for an abstract socket."""


class Timeout(Error, TimeoutError):
    """No complete reply within the client's timeout. Also a TimeoutError.

    The command may have reached the daemon and run (may_have_run is True):
    an action is never sent again by the library. The connection is
    dropped and the next call opens a new one. The subclasses are the
    daemon's own "timeout" (DaemonTimeout) and a wait's deadline
    (WaitTimeout).
    """

    after: Optional[float] = None
    """Seconds the client waited; None for DaemonTimeout."""
    detail: Optional[str] = None
    """What happened, in words."""


class DaemonTimeout(Timeout):
    """The daemon was busy and answered "timeout": it gave up waiting for
    its own lock and did not run the command, so sending it again is safe
    (may_have_run is False). A Timeout (and a TimeoutError) too."""


class WaitTimeout(Timeout):
    """A wait (or a safe removal) did not reach its condition before its
    deadline. A Timeout (and a TimeoutError) too."""

    what: Optional[str] = None
    """What was waited for, in words."""
    last: Optional[Dict[str, Any]] = None
    """The last state seen, as a dict with a "kind" key ("map", "path",
    "paths", "settling", "removal", "nothing")."""


class ConnectionClosed(Error, ConnectionError):
    """The daemon closed the connection before a complete reply (it does
    this for a command it cannot read, or when it exits). Also a
    ConnectionError."""

    detail: Optional[str] = None
    """What was received before the close."""


class ProtocolError(Error):
    """The peer sent bytes that are not a valid reply: a bad length prefix,
    a payload without its NUL, or text that does not parse as the command's
    reply."""

    detail: Optional[str] = None
    """What was wrong."""


class PermissionDenied(Error, PermissionError):
    """The daemon refused the command because this process is not root (it
    accepts only show/list commands from other users). Also a
    PermissionError."""


class CommandFailed(Error):
    """The daemon answered "fail": the action could not be done (on daemons
    before 0.10, also: no such map or path, which they cannot tell apart).

    Since 0.10 the daemon says when a map or path does not exist; that is
    the subclass NotFound, so ``except CommandFailed`` catches it too.
    """

    message: Optional[str] = None
    """The daemon's reason, when it gave one (NotFound: "device not
    found"), else None."""
    not_found: bool = False
    """True when the daemon said the map or path does not exist (only 0.10+
    say so: the instance is then a NotFound)."""


class NotFound(CommandFailed):
    """The daemon said the map or path does not exist (it answered "fail"
    with "device not found"; multipath-tools 0.10 and later). Older daemons
    answer a bare "fail" for an unknown map or path: CommandFailed, with
    not_found False."""

    message: Optional[str] = "device not found"
    """The daemon's reason: "device not found"."""
    not_found: bool = True
    """Always True."""


class UnknownCommand(Error):
    """The daemon does not know the command (or it lacks an argument): it
    answered with its help text. Typically a command newer than the daemon,
    such as reconfigure_all() on 0.8."""

    version: Optional[DaemonVersion] = None
    """The daemon's version, read from its help text, or None."""


class Blacklisted(Error):
    """add_path() on a device the daemon's configuration blacklists (or that
    does not exist)."""


class MapInUse(Error):
    """The map is open (mounted, or held by another device) and cannot be
    removed."""


class IoError(Error, OSError):
    """Another I/O error on an established connection. Also an OSError,
    with errno set."""


class UntrustedPeer(Error, ConnectionError):
    """The process holding the socket is not a daemon this client trusts:
    it runs as a uid the ``trust`` policy refuses (by default anything but
    root and the caller's own uid; any local user can bind the abstract
    name while multipathd is down). Nothing was sent. Also a
    ConnectionError. Pass ``trust="any"`` to talk to a simulator run by
    another user."""

    address: Optional[str] = None
    """The address connected to."""
    uid: Optional[int] = None
    """The peer's uid, as the kernel recorded it (None if unreadable)."""
    pid: Optional[int] = None
    """The peer's process id, when the kernel could tell."""
    expected: Optional[str] = None
    """What the policy accepts, in words ("uid 0")."""


KINDS: Dict[str, Type[Error]] = {
    "invalid_argument": InvalidArgument,
    "connect": ConnectionFailed,
    "timeout": Timeout,
    "daemon_timeout": DaemonTimeout,
    "connection_closed": ConnectionClosed,
    "protocol": ProtocolError,
    "permission_denied": PermissionDenied,
    "not_found": NotFound,
    "command_failed": CommandFailed,
    "unknown_command": UnknownCommand,
    "blacklisted": Blacklisted,
    "map_in_use": MapInUse,
    "io": IoError,
    "wait_timeout": WaitTimeout,
    "untrusted_peer": UntrustedPeer,
}
"""The class for each kind of failure, by the Rust ``ErrorKind::name()``
(``"not_found"``, ``"connect"``, ``"io"``, ...). The compiled module raises
through this table; the tests check that it has exactly one class per kind."""

# Their public home is the package: tracebacks and reprs say
# `multipathd.CommandFailed`, as before these classes moved to Python.
for _cls in (Error, *KINDS.values()):
    _cls.__module__ = "multipathd"
del _cls
