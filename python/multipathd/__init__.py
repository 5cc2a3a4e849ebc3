"""Client for multipathd, the Linux device-mapper multipath daemon.

Talks to the daemon over its unix control socket, the way ``multipathd show
...`` does, with typed results and exceptions and one connection for many
commands. The work is done by the Rust crate ``mpd-client``; this package is
its Python face.

    >>> import multipathd
    >>> with multipathd.Client() as client:          # doctest: +SKIP
    ...     for path in client.list_paths():
    ...         print(path.device, path.dm_state, path.checker_state)

Beside the daemon's commands, the client does the jobs callers otherwise
write by hand: ``health()``, waits (``wait_for_map()``, ``wait_paths_gone()``,
...) that raise :class:`WaitTimeout` with the last state seen, and
``remove_map_safely()``.

``multipathd.Watch`` (and the generator ``multipathd.watch_events``) polls
the daemon and yields an ``Event`` for every change.

``multipathd.AsyncClient`` has every method of ``Client`` as a coroutine,
for asyncio (``async with``; cancelling a task cancels its command), and
``AsyncClient.watch()`` gives an ``AsyncWatch`` to use with ``async for``.

``multipathd.testing.Simulator`` runs a simulated daemon for tests. The
exceptions are defined in ``multipathd._errors``, the rest in the compiled
module ``multipathd._multipathd``; import everything from here.
"""

from multipathd._errors import (
    Blacklisted,
    CommandFailed,
    ConnectionClosed,
    ConnectionFailed,
    DaemonTimeout,
    Error,
    InvalidArgument,
    IoError,
    MapInUse,
    NotFound,
    PermissionDenied,
    ProtocolError,
    Timeout,
    UnknownCommand,
    UntrustedPeer,
    WaitTimeout,
)
from multipathd._multipathd import (
    DEFAULT_ABSTRACT_NAME,
    DEFAULT_SOCKET_PATH,
    DEFAULT_TIMEOUT,
    SOCKET_ENV,
    AsyncClient,
    AsyncWatch,
    CheckerState,
    Client,
    DaemonState,
    DaemonStatus,
    DaemonVersion,
    DevState,
    DownPath,
    Event,
    GroupState,
    Health,
    HealthState,
    Map,
    MapDmState,
    MapHealth,
    MapStats,
    MapStatus,
    MapTopology,
    MarginalState,
    Path,
    PathDmState,
    PathGroup,
    PrKey,
    PrStatus,
    Removal,
    Topology,
    TopologyPath,
    Watch,
    __version__,
)
from multipathd._watch import watch_events

__all__ = [
    "DEFAULT_ABSTRACT_NAME",
    "DEFAULT_SOCKET_PATH",
    "DEFAULT_TIMEOUT",
    "SOCKET_ENV",
    "AsyncClient",
    "AsyncWatch",
    "Blacklisted",
    "CheckerState",
    "Client",
    "CommandFailed",
    "ConnectionClosed",
    "ConnectionFailed",
    "DaemonState",
    "DaemonStatus",
    "DaemonVersion",
    "DevState",
    "DownPath",
    "Error",
    "Event",
    "GroupState",
    "Health",
    "HealthState",
    "InvalidArgument",
    "IoError",
    "UntrustedPeer",
    "Map",
    "MapDmState",
    "MapHealth",
    "MapInUse",
    "MapStats",
    "MapStatus",
    "MapTopology",
    "MarginalState",
    "NotFound",
    "Path",
    "PathDmState",
    "PathGroup",
    "PermissionDenied",
    "PrKey",
    "PrStatus",
    "ProtocolError",
    "Removal",
    "Timeout",
    "DaemonTimeout",
    "WaitTimeout",
    "Topology",
    "TopologyPath",
    "UnknownCommand",
    "Watch",
    "watch_events",
    "__version__",
]
