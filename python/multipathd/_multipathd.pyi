"""Type stubs for the compiled module ``multipathd._multipathd``.

Everything here is re-exported by ``multipathd`` (and ``Simulator`` by
``multipathd.testing``); import it from there.
"""

import enum
import os
from types import TracebackType
from typing import Any, AsyncIterator, ClassVar, Dict, Final, List, Optional, Tuple, Type, Union, final

__all__ = [
    "__version__",
    "DEFAULT_TIMEOUT",
    "DEFAULT_SOCKET_PATH",
    "DEFAULT_ABSTRACT_NAME",
    "SOCKET_ENV",
    "Client",
    "Path",
    "Map",
    "Topology",
    "MapTopology",
    "PathGroup",
    "TopologyPath",
    "DaemonStatus",
    "DaemonState",
    "MapStatus",
    "MapStats",
    "PrKey",
    "DaemonVersion",
    "Health",
    "MapHealth",
    "DownPath",
    "Removal",
    "Simulator",
    "Watch",
    "AsyncClient",
    "AsyncWatch",
    "Event",
    "PrStatus",
    "PathDmState",
    "CheckerState",
    "DevState",
    "MapDmState",
    "GroupState",
    "MarginalState",
    "HealthState",
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
    "_panic_for_tests",
    "_error_kinds",
    "_serde_json",
]

__version__: Final[str]
DEFAULT_TIMEOUT: Final[float]
"""The default reply timeout in seconds (4.0, as libmpathcmd)."""
DEFAULT_SOCKET_PATH: Final[str]
"""The pathname socket multipathd 0.12+ also listens on."""
DEFAULT_ABSTRACT_NAME: Final[str]
"""The abstract address every release listens on, as "@name"."""
SOCKET_ENV: Final[str]
"""The environment variable that overrides the address (MULTIPATH_SOCKET_NAME)."""

_Socket = Union[str, "os.PathLike[str]"]

# ----- exceptions: defined in multipathd._errors (their own annotations and
# docstrings are the stubs), also attributes of this module -----

from multipathd._errors import Blacklisted as Blacklisted
from multipathd._errors import CommandFailed as CommandFailed
from multipathd._errors import ConnectionClosed as ConnectionClosed
from multipathd._errors import ConnectionFailed as ConnectionFailed
from multipathd._errors import DaemonTimeout as DaemonTimeout
from multipathd._errors import Error as Error
from multipathd._errors import InvalidArgument as InvalidArgument
from multipathd._errors import IoError as IoError
from multipathd._errors import UntrustedPeer as UntrustedPeer
from multipathd._errors import MapInUse as MapInUse
from multipathd._errors import NotFound as NotFound
from multipathd._errors import PermissionDenied as PermissionDenied
from multipathd._errors import ProtocolError as ProtocolError
from multipathd._errors import Timeout as Timeout
from multipathd._errors import UnknownCommand as UnknownCommand
from multipathd._errors import WaitTimeout as WaitTimeout

# ----- values -----

@final
class DaemonVersion:
    """A multipath-tools release number; compares like (major, minor, patch)."""

    def __new__(cls, major: int, minor: int, patch: int) -> DaemonVersion: ...
    @classmethod
    def parse(cls, text: str) -> DaemonVersion: ...
    @property
    def major(self) -> int: ...
    @property
    def minor(self) -> int: ...
    @property
    def patch(self) -> int: ...
    def to_tuple(self) -> Tuple[int, int, int]: ...
    def __reduce__(self) -> Tuple[Type[DaemonVersion], Tuple[int, int, int]]: ...
    def to_dict(self) -> Dict[str, int]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: Union[DaemonVersion, Tuple[int, int, int]], /) -> bool: ...
    def __le__(self, other: Union[DaemonVersion, Tuple[int, int, int]], /) -> bool: ...
    def __gt__(self, other: Union[DaemonVersion, Tuple[int, int, int]], /) -> bool: ...
    def __ge__(self, other: Union[DaemonVersion, Tuple[int, int, int]], /) -> bool: ...

class PrStatus(str, enum.Enum):
    """Whether the daemon has registered a reservation key for a map."""

    SET = "set"
    UNSET = "unset"
    UNKNOWN = "unknown"
    def __new__(cls, value: object) -> PrStatus: ...

# The state enums: str enums whose values are the daemon's words, made from
# the Rust enums' spelling tables. str() and format() of a member give the
# word. A model attribute holds a member for a known word, the word as a
# plain str for one this library does not know, None for unknown.

class PathDmState(str, enum.Enum):
    """A path's state in its map's device-mapper table."""

    ACTIVE = "active"
    FAILED = "failed"
    def __new__(cls, value: object) -> PathDmState: ...

class CheckerState(str, enum.Enum):
    """The path checker's verdict."""

    READY = "ready"
    FAULTY = "faulty"
    SHAKY = "shaky"
    GHOST = "ghost"
    PENDING = "i/o pending"
    TIMEOUT = "i/o timeout"
    DELAYED = "delayed"
    DISCONNECTED = "disconnected"
    def __new__(cls, value: object) -> CheckerState: ...

class DevState(str, enum.Enum):
    """The kernel's state of a path's device."""

    RUNNING = "running"
    OFFLINE = "offline"
    def __new__(cls, value: object) -> DevState: ...

class MapDmState(str, enum.Enum):
    """A map's device-mapper state."""

    ACTIVE = "active"
    SUSPEND = "suspend"
    def __new__(cls, value: object) -> MapDmState: ...

class GroupState(str, enum.Enum):
    """A path group's state."""

    ACTIVE = "active"
    ENABLED = "enabled"
    DISABLED = "disabled"
    def __new__(cls, value: object) -> GroupState: ...

class MarginalState(str, enum.Enum):
    """Whether a path or path group is marginal (NORMAL is a non-empty str:
    compare with ==, do not test its truth)."""

    MARGINAL = "marginal"
    NORMAL = "normal"
    def __new__(cls, value: object) -> MarginalState: ...

class HealthState(str, enum.Enum):
    """How a map is doing (MapHealth.state, the keys of Health.counts), best
    first."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    SUSPENDED = "suspended"
    ALL_PATHS_DOWN_QUEUEING = "all_paths_down_queueing"
    ALL_PATHS_DOWN_FAILING = "all_paths_down_failing"
    NO_PATHS = "no_paths"
    def __new__(cls, value: object) -> HealthState: ...

_PathDm = Optional[Union[PathDmState, str]]
_Checker = Optional[Union[CheckerState, str]]
_Dev = Optional[Union[DevState, str]]
_MapDm = Optional[Union[MapDmState, str]]
_Group = Optional[Union[GroupState, str]]
_Marginal = Optional[Union[MarginalState, str]]

@final
class Path:
    """One path, from Client.list_paths()."""

    @property
    def device(self) -> str: ...
    @property
    def major(self) -> int: ...
    @property
    def minor(self) -> int: ...
    @property
    def uuid(self) -> Optional[str]: ...
    @property
    def dev_state(self) -> _Dev: ...
    @property
    def dm_state(self) -> _PathDm: ...
    @property
    def checker_state(self) -> _Checker: ...
    @property
    def map(self) -> Optional[str]: ...
    @property
    def hcil(self) -> Optional[str]: ...
    @property
    def priority(self) -> Optional[int]: ...
    @property
    def vendor(self) -> Optional[str]: ...
    @property
    def product(self) -> Optional[str]: ...
    @property
    def revision(self) -> Optional[str]: ...
    @property
    def serial(self) -> Optional[str]: ...
    @property
    def marginal(self) -> _Marginal: ...
    @property
    def checker(self) -> Optional[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Map:
    """One multipath map, from Client.list_maps()."""

    @property
    def name(self) -> str: ...
    @property
    def uuid(self) -> Optional[str]: ...
    @property
    def device(self) -> Optional[str]: ...
    @property
    def active_paths(self) -> Optional[int]: ...
    @property
    def queueing(self) -> Optional[str]:
        """The daemon's text: "off", "on", "5 chk", "12 sec"."""
    @property
    def dm_state(self) -> _MapDm: ...
    @property
    def size(self) -> Optional[str]: ...
    @property
    def features(self) -> Optional[str]: ...
    @property
    def hwhandler(self) -> Optional[str]: ...
    @property
    def write_prot(self) -> Optional[str]: ...
    @property
    def failback(self) -> Optional[str]: ...
    @property
    def vendor(self) -> Optional[str]: ...
    @property
    def product(self) -> Optional[str]: ...
    @property
    def revision(self) -> Optional[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class TopologyPath:
    """One path inside a path group."""

    @property
    def device(self) -> str: ...
    @property
    def major(self) -> Optional[int]: ...
    @property
    def minor(self) -> Optional[int]: ...
    @property
    def dm_state(self) -> _PathDm: ...
    @property
    def dev_state(self) -> _Dev: ...
    @property
    def checker_state(self) -> _Checker: ...
    @property
    def checker(self) -> Optional[str]: ...
    @property
    def priority(self) -> Optional[int]: ...
    @property
    def host_wwnn(self) -> Optional[str]: ...
    @property
    def target_wwnn(self) -> Optional[str]: ...
    @property
    def host_wwpn(self) -> Optional[str]: ...
    @property
    def target_wwpn(self) -> Optional[str]: ...
    @property
    def host_adapter(self) -> Optional[str]: ...
    @property
    def lun_hex(self) -> Optional[str]: ...
    @property
    def marginal(self) -> _Marginal: ...
    @property
    def hcil(self) -> Optional[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class PathGroup:
    """One path group of a map."""

    @property
    def selector(self) -> Optional[str]: ...
    @property
    def priority(self) -> Optional[int]: ...
    @property
    def dm_state(self) -> _Group: ...
    @property
    def marginal(self) -> _Marginal: ...
    @property
    def number(self) -> Optional[int]: ...
    @property
    def paths(self) -> Tuple[TopologyPath, ...]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class MapTopology:
    """One map with its path groups."""

    @property
    def name(self) -> str: ...
    @property
    def uuid(self) -> Optional[str]: ...
    @property
    def device(self) -> Optional[str]: ...
    @property
    def failback(self) -> Optional[str]: ...
    @property
    def queueing(self) -> Optional[str]:
        """The daemon's text: "off", "on", "5 chk", "12 sec"."""
    @property
    def active_paths(self) -> Optional[int]: ...
    @property
    def total_paths(self) -> int: ...
    @property
    def write_prot(self) -> Optional[str]: ...
    @property
    def dm_state(self) -> _MapDm: ...
    @property
    def features(self) -> Optional[str]: ...
    @property
    def hwhandler(self) -> Optional[str]: ...
    @property
    def action(self) -> Optional[str]: ...
    @property
    def path_faults(self) -> Optional[int]: ...
    @property
    def vendor(self) -> Optional[str]: ...
    @property
    def product(self) -> Optional[str]: ...
    @property
    def revision(self) -> Optional[str]: ...
    @property
    def switch_grp(self) -> Optional[int]: ...
    @property
    def map_loads(self) -> Optional[int]: ...
    @property
    def total_q_time(self) -> Optional[int]: ...
    @property
    def q_timeouts(self) -> Optional[int]: ...
    @property
    def size(self) -> Optional[str]: ...
    @property
    def path_groups(self) -> Tuple[PathGroup, ...]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Topology:
    """All maps with their path groups and paths."""

    @property
    def major_version(self) -> Optional[int]: ...
    @property
    def minor_version(self) -> Optional[int]: ...
    @property
    def maps(self) -> Tuple[MapTopology, ...]: ...
    def map(self, name: str) -> Optional[MapTopology]: ...
    def paths(self) -> List[Tuple[MapTopology, TopologyPath]]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class DaemonStatus:
    """`show status`: paths per checker state."""

    @property
    def checker_states(self) -> Dict[str, int]: ...
    @property
    def paths(self) -> int: ...
    @property
    def busy(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class DaemonState:
    """`show daemon`: pid and state."""

    @property
    def pid(self) -> int: ...
    @property
    def state(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class MapStatus:
    """One row of `show maps status`."""

    @property
    def name(self) -> str: ...
    @property
    def failback(self) -> Optional[str]: ...
    @property
    def queueing(self) -> Optional[str]:
        """The daemon's text: "off", "on", "5 chk", "12 sec"."""
    @property
    def active_paths(self) -> Optional[int]: ...
    @property
    def dm_state(self) -> _MapDm: ...
    @property
    def write_prot(self) -> Optional[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class MapStats:
    """One row of `show maps stats`."""

    @property
    def name(self) -> str: ...
    @property
    def path_faults(self) -> Optional[int]: ...
    @property
    def switch_grp(self) -> Optional[int]: ...
    @property
    def map_loads(self) -> Optional[int]: ...
    @property
    def total_q_time(self) -> Optional[int]: ...
    @property
    def q_timeouts(self) -> Optional[int]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class PrKey:
    """A persistent-reservation key; str() gives "0x1a" or "0x1a:aptpl"."""

    @property
    def key(self) -> int: ...
    @property
    def aptpl(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

# ----- the jobs' results -----

@final
class DownPath:
    """A path of a map that is not up, and why."""

    @property
    def device(self) -> str: ...
    @property
    def dm_state(self) -> _PathDm: ...
    @property
    def checker_state(self) -> _Checker: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class MapHealth:
    """The health of one map, from Client.map_health() or in a Health."""

    @property
    def name(self) -> str: ...
    @property
    def uuid(self) -> Optional[str]: ...
    @property
    def state(self) -> HealthState: ...
    @property
    def up_paths(self) -> int: ...
    @property
    def total_paths(self) -> int: ...
    @property
    def queues(self) -> bool: ...
    @property
    def down_paths(self) -> Tuple[DownPath, ...]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Health:
    """Every map's health and how many maps are in each state, from
    Client.health(). Unhashable."""

    @property
    def maps(self) -> Tuple[MapHealth, ...]: ...
    @property
    def counts(self) -> Dict[HealthState, int]:
        """Every HealthState member with its number of maps; a new dict on
        each access."""
    def map(self, name: str) -> Optional[MapHealth]: ...
    def in_state(self, state: Union[HealthState, str]) -> List[MapHealth]: ...
    def all_healthy(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Removal:
    """What Client.remove_map_safely() did. Unhashable."""

    @property
    def map(self) -> str: ...
    @property
    def attempts(self) -> int: ...
    @property
    def already_gone(self) -> bool: ...
    @property
    def queueing_disabled(self) -> bool: ...
    @property
    def queueing_restored(self) -> bool: ...
    @property
    def last_error_kind(self) -> Optional[str]:
        """The kind of the last refusal ("map_in_use", ...), as Error.kind."""
    @property
    def last_error(self) -> Optional[str]: ...
    @property
    def elapsed(self) -> float:
        """Seconds."""
    def to_dict(self) -> Dict[str, Any]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

# ----- the client -----

@final
class Client:
    """A connection to multipathd that runs one command at a time."""

    def __new__(
        cls,
        socket: Optional[_Socket] = None,
        timeout: float = 4.0,
        *,
        trust: Union[str, int, None] = None,
    ) -> Client: ...
    @property
    def address(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @timeout.setter
    def timeout(self, timeout: float) -> None: ...
    @property
    def connected(self) -> bool: ...
    def set_retry_policy(
        self,
        attempts: int,
        backoff: float = 0.05,
        max_backoff: float = 1.0,
        deadline: Optional[float] = None,
    ) -> None:
        """Sends reads (show ...) again by themselves when they failed
        transiently (no daemon listening, a broken connection, the client's
        timeout, the daemon's "timeout"). Actions are never sent again.
        attempts counts the first one (1: never retry, the default)."""
    @property
    def retry_policy(self) -> Dict[str, Any]:
        """attempts, backoff, max_backoff (seconds), deadline (seconds or None)."""
    @property
    def retries(self) -> int:
        """How many times a command was sent again under the retry policy."""
    @property
    def commands_sent(self) -> int:
        """How many commands the client has sent (each attempt counts)."""
    def close(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    def command(self, text: str, *, action: bool = False) -> str: ...
    # ----- operations: generated by crates/mpd-codegen from mpd_proto::ops; do not edit -----
    def list_paths(self) -> List[Path]:
        """Lists every path (`show paths raw format …` with `Path::FORMAT`)."""
    def list_maps(self) -> List[Map]:
        """Lists every map (`show maps raw format …` with `Map::FORMAT`)."""
    def reconfigure(self) -> None:
        """`reconfigure`: re-reads the configuration and updates the maps."""
    def add_path(self, path: str) -> None:
        """`add path P`: starts using a path."""
    def remove_path(self, path: str) -> None:
        """`del path P`: stops using a path."""
    def add_map(self, map: str) -> None:
        """`add map M`: starts monitoring a map (0.9+ can re-create a removed
        map from its WWID; 0.8 only adopts an existing dm map).
        """
    def remove_map(self, map: str) -> None:
        """`del map M`: removes a map (MapInUse while it is open, on 0.10+)."""
    def suspend_map(self, map: str) -> None:
        """`suspend map M`: holds the map's I/O."""
    def resume_map(self, map: str) -> None:
        """`resume map M`: releases the map's I/O."""
    def resize_map(self, map: str) -> None:
        """`resize map M`: picks up a changed LUN size."""
    def reset_map(self, map: str) -> None:
        """`reset map M`: re-applies the map's settings."""
    def reload_map(self, map: str) -> None:
        """`reload map M`: reloads the map's table."""
    def fail_path(self, path: str) -> None:
        """`fail path P`. The daemon answers at once; the path shows `failed`
        in the dm table right away.
        """
    def reinstate_path(self, path: str) -> None:
        """`reinstate path P`. The daemon answers at once; the states change at
        the next checker run, so poll the path list to wait.
        """
    def disable_map_queuing(self, map: str) -> None:
        """`disablequeueing map M`: I/O fails at once when the map has no path."""
    def disable_queuing(self) -> None:
        """`disablequeueing maps`: on every map."""
    def restore_map_queuing(self, map: str) -> None:
        """`restorequeueing map M`: back to the configured queueing."""
    def restore_queuing(self) -> None:
        """`restorequeueing maps`: on every map."""
    def reconfigure_all(self) -> None:
        """`reconfigure all` (0.9+): also reloads maps that did not change. On
        0.8 this is UnknownCommand.
        """
    def topology(self) -> Topology:
        """Every map with its path groups and paths (`show maps json`)."""
    def map_topology(self, map: str) -> MapTopology:
        """One map with its path groups and paths (`show map M json`)."""
    def topology_text(self) -> Topology:
        """The text tree of `show topology`, parsed (carries H:C:T:L and sizes
        that the JSON lacks).
        """
    def status(self) -> DaemonStatus:
        """`show status`: paths per checker state, busy flag."""
    def daemon_state(self) -> DaemonState:
        """`show daemon`: pid and state."""
    def map_status(self) -> List[MapStatus]:
        """`show maps status`: one row per map."""
    def map_stats(self) -> List[MapStats]:
        """`show maps stats`: the counters of each map."""
    def path_state(self, path: str) -> str:
        """`show path P`: the path's kernel device state (e.g. `running`)."""
    def switch_group(self, map: str, group: int) -> None:
        """`switchgroup map M group G` (groups count from 1)."""
    def set_marginal(self, path: str) -> None:
        """`setmarginal path P`."""
    def unset_marginal(self, path: str) -> None:
        """`unsetmarginal path P`."""
    def unset_map_marginal(self, map: str) -> None:
        """`unsetmarginal map M`: every path of the map."""
    def force_queuing_daemon(self) -> None:
        """`forcequeueing daemon`: queue on every map even when the daemon stops."""
    def restore_queuing_daemon(self) -> None:
        """`restorequeueing daemon`."""
    def reset_maps_stats(self) -> None:
        """`reset maps stats`: zeroes the counters of every map."""
    def reset_map_stats(self, map: str) -> None:
        """`reset map M stats`: zeroes the map's counters."""
    def pr_status(self, map: str) -> PrStatus:
        """`getprstatus map M`: whether a reservation key is registered."""
    def set_pr_status(self, map: str) -> None:
        """`setprstatus map M`."""
    def unset_pr_status(self, map: str) -> None:
        """`unsetprstatus map M`."""
    def set_pr_status_paths(self, map: str, paths: List[str]) -> None:
        """`setprstatus map M pathlist L` (0.13.1+): marks the map's
        reservation as registered and names the paths on which the key is
        already registered (the daemon registers it on the others). Older
        daemons answer UnknownCommand.
        """
    def pr_hold(self, map: str) -> PrStatus:
        """`getprhold map M` (0.13+): whether the map holds the reservation
        (`set`, `unset`, or `unknown`). Older daemons answer
        UnknownCommand.
        """
    def set_pr_hold(self, map: str) -> None:
        """`setprhold map M` (0.13+): records that the map holds the
        reservation.
        """
    def unset_pr_hold(self, map: str) -> None:
        """`unsetprhold map M` (0.13+): records that the map does not hold the
        reservation.
        """
    def pr_key(self, map: str) -> Optional[PrKey]:
        """`getprkey map M`: the reservation key, or none when no key is set."""
    def set_pr_key(self, map: str, key: str) -> None:
        """`setprkey map M key K` (K like `0x123abc`, optionally `:aptpl`)."""
    def unset_pr_key(self, map: str) -> None:
        """`unsetprkey map M`."""
    def config(self) -> str:
        """`show config`: the daemon's effective configuration, as text."""
    def config_local(self) -> str:
        """`show config local`: the configuration from the local files only."""
    def wildcards(self) -> str:
        """`show wildcards`: the format wildcards, as text."""
    def blacklist(self) -> str:
        """`show blacklist`: the blacklist and its exceptions, as text."""
    def devices(self) -> str:
        """`show devices`: every block device and whether it is blacklisted, as
        text.
        """
    def remove_maps(self) -> None:
        """`del maps`: removes every map the daemon monitors."""
    def shutdown(self) -> None:
        """`shutdown`: stops the daemon."""
    def health(self) -> Health:
        """Every map's health and how many maps are in each state, from one
        `show maps json`.
        """
    def map_health(self, map: str) -> MapHealth:
        """One map's health (healthy, degraded, all paths down, …), from one
        `show map M json`.
        """
    def wait_for_map(self, map: str, min_active: int, timeout: float = 30.0) -> Map:
        """Waits until the map (name, alias or WWID) exists with at least
        `min_active` active paths; returns its row. Polls
        `show maps raw format` (one command per poll, backoff from 50 ms to
        1 s); WaitTimeout after the deadline, with the last state seen.
        """
    def wait_map_gone(self, map: str, timeout: float = 30.0) -> None:
        """Waits until the map (name, alias or WWID) is gone. One command per
        poll.
        """
    def wait_for_path(self, path: str, dm_state: Optional[str] = None, checker_state: Optional[str] = None, timeout: float = 30.0) -> Path:
        """Waits until the path is listed in the states asked for (dm state
        and/or checker state; none given: any); returns its row. One command
        per poll.
        """
    def wait_paths_gone(self, paths: List[str], timeout: float = 30.0) -> None:
        """Waits until none of the paths is listed any more. One command per
        poll.
        """
    def wait_settled(self, quiet: float, timeout: float = 30.0) -> None:
        """Waits until the daemon is not busy and its topology has been
        unchanged for `quiet`. Three commands per poll.
        """
    def remove_map_safely(self, map: str, timeout: float = 30.0, disable_queueing: bool = True) -> Removal:
        """Removes a map so that it is gone when the call returns: disables
        queueing first (optional), retries while the map is in use or the
        daemon busy, takes "not found" as done, verifies; on the deadline
        restores queueing and raises WaitTimeout with what happened.
        """
    # ----- end of the generated operations -----
    def daemon_version(self) -> DaemonVersion: ...

# ----- the watch -----

@final
class Event:
    """One change the watch saw, or a change of the daemon's reachability.
    repr() shows the kind and str()."""

    @property
    def kind(self) -> str:
        """"map_added", "map_removed", "path_added", "path_removed",
        "path_state_changed", "active_paths_changed", "map_health_changed",
        "daemon_unreachable" or "daemon_back"."""
    @property
    def map(self) -> Optional[str]: ...
    @property
    def device(self) -> Optional[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class AsyncClient:
    """A connection (or a pool of connections) to multipathd for asyncio:
    every method of Client, as a coroutine. Commands of concurrent tasks
    take turns on each connection; `connections` is how many may be in
    flight at once. Cancelling a task cancels its command: a command
    cancelled mid-reply closes its connection, and the next command opens a
    new one."""

    def __new__(
        cls,
        socket: Optional[_Socket] = None,
        timeout: float = 4.0,
        connections: int = 1,
        *,
        trust: Union[str, int, None] = None,
    ) -> AsyncClient: ...
    @staticmethod
    async def connect(
        socket: Optional[_Socket] = None,
        timeout: float = 4.0,
        connections: int = 1,
        *,
        trust: Union[str, int, None] = None,
    ) -> AsyncClient:
        """Connects without blocking the event loop."""
    @property
    def address(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @timeout.setter
    def timeout(self, timeout: float) -> None: ...
    @property
    def connected(self) -> bool: ...
    @property
    def connections(self) -> int:
        """How many commands may be in flight at once."""
    @property
    def connections_abandoned(self) -> int:
        """Connections closed because a command was cancelled mid-reply."""
    def set_retry_policy(
        self,
        attempts: int,
        backoff: float = 0.05,
        max_backoff: float = 1.0,
        deadline: Optional[float] = None,
    ) -> None: ...
    @property
    def retry_policy(self) -> Dict[str, Any]: ...
    @property
    def retries(self) -> int: ...
    @property
    def commands_sent(self) -> int: ...
    def close(self) -> None: ...
    async def __aenter__(self) -> AsyncClient: ...
    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    async def command(self, text: str, *, action: bool = False) -> str: ...
    def watch(self, *, interval: float = 1.0) -> AsyncWatch:
        """An AsyncWatch polling through this client's connections."""
    # ----- async operations: generated by crates/mpd-codegen from mpd_proto::ops; do not edit -----
    async def list_paths(self) -> List[Path]:
        """Lists every path (`show paths raw format …` with `Path::FORMAT`)."""
    async def list_maps(self) -> List[Map]:
        """Lists every map (`show maps raw format …` with `Map::FORMAT`)."""
    async def reconfigure(self) -> None:
        """`reconfigure`: re-reads the configuration and updates the maps."""
    async def add_path(self, path: str) -> None:
        """`add path P`: starts using a path."""
    async def remove_path(self, path: str) -> None:
        """`del path P`: stops using a path."""
    async def add_map(self, map: str) -> None:
        """`add map M`: starts monitoring a map (0.9+ can re-create a removed
        map from its WWID; 0.8 only adopts an existing dm map).
        """
    async def remove_map(self, map: str) -> None:
        """`del map M`: removes a map (MapInUse while it is open, on 0.10+)."""
    async def suspend_map(self, map: str) -> None:
        """`suspend map M`: holds the map's I/O."""
    async def resume_map(self, map: str) -> None:
        """`resume map M`: releases the map's I/O."""
    async def resize_map(self, map: str) -> None:
        """`resize map M`: picks up a changed LUN size."""
    async def reset_map(self, map: str) -> None:
        """`reset map M`: re-applies the map's settings."""
    async def reload_map(self, map: str) -> None:
        """`reload map M`: reloads the map's table."""
    async def fail_path(self, path: str) -> None:
        """`fail path P`. The daemon answers at once; the path shows `failed`
        in the dm table right away.
        """
    async def reinstate_path(self, path: str) -> None:
        """`reinstate path P`. The daemon answers at once; the states change at
        the next checker run, so poll the path list to wait.
        """
    async def disable_map_queuing(self, map: str) -> None:
        """`disablequeueing map M`: I/O fails at once when the map has no path."""
    async def disable_queuing(self) -> None:
        """`disablequeueing maps`: on every map."""
    async def restore_map_queuing(self, map: str) -> None:
        """`restorequeueing map M`: back to the configured queueing."""
    async def restore_queuing(self) -> None:
        """`restorequeueing maps`: on every map."""
    async def reconfigure_all(self) -> None:
        """`reconfigure all` (0.9+): also reloads maps that did not change. On
        0.8 this is UnknownCommand.
        """
    async def topology(self) -> Topology:
        """Every map with its path groups and paths (`show maps json`)."""
    async def map_topology(self, map: str) -> MapTopology:
        """One map with its path groups and paths (`show map M json`)."""
    async def topology_text(self) -> Topology:
        """The text tree of `show topology`, parsed (carries H:C:T:L and sizes
        that the JSON lacks).
        """
    async def status(self) -> DaemonStatus:
        """`show status`: paths per checker state, busy flag."""
    async def daemon_state(self) -> DaemonState:
        """`show daemon`: pid and state."""
    async def map_status(self) -> List[MapStatus]:
        """`show maps status`: one row per map."""
    async def map_stats(self) -> List[MapStats]:
        """`show maps stats`: the counters of each map."""
    async def path_state(self, path: str) -> str:
        """`show path P`: the path's kernel device state (e.g. `running`)."""
    async def switch_group(self, map: str, group: int) -> None:
        """`switchgroup map M group G` (groups count from 1)."""
    async def set_marginal(self, path: str) -> None:
        """`setmarginal path P`."""
    async def unset_marginal(self, path: str) -> None:
        """`unsetmarginal path P`."""
    async def unset_map_marginal(self, map: str) -> None:
        """`unsetmarginal map M`: every path of the map."""
    async def force_queuing_daemon(self) -> None:
        """`forcequeueing daemon`: queue on every map even when the daemon stops."""
    async def restore_queuing_daemon(self) -> None:
        """`restorequeueing daemon`."""
    async def reset_maps_stats(self) -> None:
        """`reset maps stats`: zeroes the counters of every map."""
    async def reset_map_stats(self, map: str) -> None:
        """`reset map M stats`: zeroes the map's counters."""
    async def pr_status(self, map: str) -> PrStatus:
        """`getprstatus map M`: whether a reservation key is registered."""
    async def set_pr_status(self, map: str) -> None:
        """`setprstatus map M`."""
    async def unset_pr_status(self, map: str) -> None:
        """`unsetprstatus map M`."""
    async def set_pr_status_paths(self, map: str, paths: List[str]) -> None:
        """`setprstatus map M pathlist L` (0.13.1+): marks the map's
        reservation as registered and names the paths on which the key is
        already registered (the daemon registers it on the others). Older
        daemons answer UnknownCommand.
        """
    async def pr_hold(self, map: str) -> PrStatus:
        """`getprhold map M` (0.13+): whether the map holds the reservation
        (`set`, `unset`, or `unknown`). Older daemons answer
        UnknownCommand.
        """
    async def set_pr_hold(self, map: str) -> None:
        """`setprhold map M` (0.13+): records that the map holds the
        reservation.
        """
    async def unset_pr_hold(self, map: str) -> None:
        """`unsetprhold map M` (0.13+): records that the map does not hold the
        reservation.
        """
    async def pr_key(self, map: str) -> Optional[PrKey]:
        """`getprkey map M`: the reservation key, or none when no key is set."""
    async def set_pr_key(self, map: str, key: str) -> None:
        """`setprkey map M key K` (K like `0x123abc`, optionally `:aptpl`)."""
    async def unset_pr_key(self, map: str) -> None:
        """`unsetprkey map M`."""
    async def config(self) -> str:
        """`show config`: the daemon's effective configuration, as text."""
    async def config_local(self) -> str:
        """`show config local`: the configuration from the local files only."""
    async def wildcards(self) -> str:
        """`show wildcards`: the format wildcards, as text."""
    async def blacklist(self) -> str:
        """`show blacklist`: the blacklist and its exceptions, as text."""
    async def devices(self) -> str:
        """`show devices`: every block device and whether it is blacklisted, as
        text.
        """
    async def remove_maps(self) -> None:
        """`del maps`: removes every map the daemon monitors."""
    async def shutdown(self) -> None:
        """`shutdown`: stops the daemon."""
    async def health(self) -> Health:
        """Every map's health and how many maps are in each state, from one
        `show maps json`.
        """
    async def map_health(self, map: str) -> MapHealth:
        """One map's health (healthy, degraded, all paths down, …), from one
        `show map M json`.
        """
    async def wait_for_map(self, map: str, min_active: int, timeout: float = 30.0) -> Map:
        """Waits until the map (name, alias or WWID) exists with at least
        `min_active` active paths; returns its row. Polls
        `show maps raw format` (one command per poll, backoff from 50 ms to
        1 s); WaitTimeout after the deadline, with the last state seen.
        """
    async def wait_map_gone(self, map: str, timeout: float = 30.0) -> None:
        """Waits until the map (name, alias or WWID) is gone. One command per
        poll.
        """
    async def wait_for_path(self, path: str, dm_state: Optional[str] = None, checker_state: Optional[str] = None, timeout: float = 30.0) -> Path:
        """Waits until the path is listed in the states asked for (dm state
        and/or checker state; none given: any); returns its row. One command
        per poll.
        """
    async def wait_paths_gone(self, paths: List[str], timeout: float = 30.0) -> None:
        """Waits until none of the paths is listed any more. One command per
        poll.
        """
    async def wait_settled(self, quiet: float, timeout: float = 30.0) -> None:
        """Waits until the daemon is not busy and its topology has been
        unchanged for `quiet`. Three commands per poll.
        """
    async def remove_map_safely(self, map: str, timeout: float = 30.0, disable_queueing: bool = True) -> Removal:
        """Removes a map so that it is gone when the call returns: disables
        queueing first (optional), retries while the map is in use or the
        daemon busy, takes "not found" as done, verifies; on the deadline
        restores queueing and raises WaitTimeout with what happened.
        """
    # ----- end of the generated async operations -----
    async def daemon_version(self) -> DaemonVersion: ...
    def __repr__(self) -> str: ...

@final
class AsyncWatch:
    """Watch for asyncio: `async for event in watch` yields an Event for
    every change (polling only: no uevents)."""

    async def next_event(self, timeout: float) -> Optional[Event]: ...
    def __aiter__(self) -> AsyncIterator[Event]: ...
    async def __anext__(self) -> Event: ...
    def close(self) -> None: ...
    async def __aenter__(self) -> AsyncWatch: ...
    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    @property
    def address(self) -> str: ...
    @property
    def interval(self) -> float: ...
    @property
    def closed(self) -> bool: ...
    @property
    def commands_sent(self) -> int: ...
    @property
    def listings_sent(self) -> int: ...
    @property
    def daemon_reachable(self) -> bool: ...
    @property
    def uevents_active(self) -> bool: ...
    @property
    def uevent_error(self) -> Optional[str]: ...
    def __repr__(self) -> str: ...

@final
class Watch:
    """Polls multipathd and yields an Event for every change."""

    def __new__(
        cls,
        socket: Optional[_Socket] = None,
        *,
        interval: float = 1.0,
        uevents: bool = False,
        timeout: float = 4.0,
        trust: Union[str, int, None] = None,
    ) -> Watch: ...
    def next_event(self, timeout: float) -> Optional[Event]: ...
    def __iter__(self) -> Watch: ...
    def __next__(self) -> Event: ...
    def close(self) -> None: ...
    def __enter__(self) -> Watch: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    @property
    def address(self) -> str: ...
    @property
    def interval(self) -> float: ...
    @property
    def closed(self) -> bool: ...
    @property
    def commands_sent(self) -> int: ...
    @property
    def listings_sent(self) -> int: ...
    @property
    def daemon_reachable(self) -> bool: ...
    @property
    def uevents_active(self) -> bool: ...
    @property
    def uevent_error(self) -> Optional[str]: ...

# ----- the simulator (multipathd.testing) -----

@final
class Simulator:
    """A simulated multipathd on a unix socket, for tests."""

    def __new__(
        cls,
        version: str = "0.9.4",
        maps: int = 2,
        paths_per_map: int = 2,
        immediate: bool = True,
        nonroot: bool = False,
        socket: Optional[_Socket] = None,
        *,
        reply_delay: float = 0.0,
        fault: str = "none",
        checker_tick: Optional[float] = 1.0,
        prkeys_file: bool = False,
    ) -> Simulator: ...
    @property
    def address(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def running(self) -> bool: ...
    @property
    def connections_accepted(self) -> int: ...
    @property
    def fault(self) -> str: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Simulator: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...
    def set_fault(self, fault: str) -> None: ...
    def clear_fault(self) -> None: ...
    def set_reply_delay(self, seconds: float) -> None: ...
    def set_nonroot(self, nonroot: bool) -> None: ...
    def set_immediate(self, immediate: bool) -> None: ...
    def set_path_health(self, device: str, healthy: bool) -> bool: ...
    def set_map_in_use(self, map: str, in_use: bool = True) -> bool: ...
    def checker_pass(self) -> None: ...
    def advance(self, seconds: int) -> None: ...
    def execute(self, command: str) -> str: ...

def _error_kinds() -> List[str]:
    """The name of every kind of failure of the Rust client
    (mpd_client::ErrorKind::name()), the keys multipathd._errors.KINDS must
    have. For the test suite only; not public API."""

def _serde_json(value: object) -> str:
    """serde_json's text of a model object's Rust value (what to_dict()
    must equal after json.loads). For the test suite only; not public API."""

def _panic_for_tests(message: str) -> None:
    """Panics in Rust inside the binding's panic guard (raises Error). For
    the test suite only; not public API."""
