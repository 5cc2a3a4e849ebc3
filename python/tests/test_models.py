"""The value classes: immutable, typed, comparable, hashable, JSON-ready."""

from __future__ import annotations

import enum
import json
import pickle
from typing import Any, List, Type

import pytest

import multipathd
from multipathd import Client, _multipathd
from multipathd.testing import Simulator


def test_to_dict_round_trips_through_json(vclient: Client) -> None:
    values: list[Any] = [
        *vclient.list_paths(),
        *vclient.list_maps(),
        vclient.topology(),
        vclient.topology_text(),
        vclient.map_topology("mpatha"),
        vclient.status(),
        vclient.daemon_state(),
        *vclient.map_status(),
        *vclient.map_stats(),
        vclient.daemon_version(),
    ]
    for v in values:
        d = v.to_dict()
        assert json.loads(json.dumps(d)) == d, type(v).__name__


def test_to_dict_keys_are_the_attributes(client: Client) -> None:
    t = client.topology()
    d = t.to_dict()
    assert list(d) == ["major_version", "minor_version", "maps"]
    m = d["maps"][0]
    assert m["name"] == "mpatha"
    assert isinstance(m["path_groups"], list)
    p = m["path_groups"][0]["paths"][0]
    assert p["device"] == "sda"
    for key, value in client.list_paths()[0].to_dict().items():
        assert getattr(client.list_paths()[0], key) == value
    assert client.status().to_dict() == {"checker_states": {"up": 4}, "paths": 4, "busy": False}
    assert client.daemon_version().to_dict() == {"major": 0, "minor": 9, "patch": 4}


def test_values_are_immutable(client: Client) -> None:
    p = client.list_paths()[0]
    with pytest.raises(AttributeError):
        p.device = "sdx"  # type: ignore[misc]
    t = client.topology()
    assert isinstance(t.maps, tuple)
    s = client.status()
    s.checker_states["up"] = 0  # a copy
    assert client.status().checker_states == {"up": 4}
    assert s.checker_states == {"up": 4}
    with pytest.raises(TypeError):
        multipathd.Path()


def test_equality_and_hash(client: Client) -> None:
    a, b = client.list_paths(), client.list_paths()
    assert a == b
    assert a[0] is not b[0]
    assert hash(a[0]) == hash(b[0])
    assert a[0] != a[1]
    assert len({*a, *b}) == 4
    assert client.topology() == client.topology()
    assert len({client.topology(), client.topology()}) == 1
    assert a[0] != "sda"
    client.fail_path("sda")
    assert client.list_paths()[0] != a[0]


def test_repr(client: Client) -> None:
    p = client.list_paths()[0]
    assert repr(p).startswith("Path(device='sda', major=8, minor=0, ")
    assert "dm_state=<PathDmState.ACTIVE: 'active'>" in repr(p)
    assert repr(client.daemon_state()).startswith("DaemonState(pid=")
    assert "paths=(TopologyPath(device='sda'" in repr(client.topology().maps[0].path_groups[0])


def test_daemon_version_compares_like_a_tuple() -> None:
    v = multipathd.DaemonVersion(0, 9, 4)
    assert (v.major, v.minor, v.patch) == (0, 9, 4)
    assert str(v) == "0.9.4"
    assert repr(v) == "DaemonVersion(0, 9, 4)"
    assert v == (0, 9, 4)
    assert v.to_tuple() == (0, 9, 4)
    assert v > (0, 8, 5) and v < (0, 11, 1) and v >= (0, 9, 4) and v <= (0, 9, 4)
    assert v < multipathd.DaemonVersion(0, 11, 1)
    assert hash(v) == hash((0, 9, 4))
    assert multipathd.DaemonVersion.parse("v0.11.1") == (0, 11, 1)
    with pytest.raises(ValueError):
        multipathd.DaemonVersion.parse("0.11")
    assert v != "0.9.4"
    with pytest.raises(TypeError):
        v < "0.9.5"  # type: ignore[operator]


def test_pr_status_is_a_str_enum() -> None:
    import enum

    assert issubclass(multipathd.PrStatus, enum.Enum)
    assert issubclass(multipathd.PrStatus, str)
    assert [s.value for s in multipathd.PrStatus] == ["set", "unset", "unknown"]
    assert multipathd.PrStatus("set") is multipathd.PrStatus.SET
    unset: str = "unset"
    assert multipathd.PrStatus.UNSET == unset


def test_pr_key_value() -> None:
    from multipathd.testing import Simulator

    with Simulator(prkeys_file=True) as sim, Client(sim.address) as c:
        c.set_pr_key("mpatha", "0xABC")
        k = c.pr_key("mpatha")
        assert k is not None
        assert (k.key, k.aptpl, str(k)) == (0xABC, False, "0xabc")
        assert k.to_dict() == {"key": 0xABC, "aptpl": False}
        assert k == c.pr_key("mpatha")


def test_docstrings() -> None:
    assert multipathd.Client.__doc__ and "GIL" in multipathd.Client.__doc__
    assert multipathd.Client.fail_path.__doc__
    assert "failed" in multipathd.Client.fail_path.__doc__
    assert multipathd.Path.dm_state.__doc__
    assert multipathd.Path.__doc__
    assert multipathd.testing.Simulator.__doc__


# ----- to_dict() is the serde serialization -----


def all_values(c: Client) -> List[Any]:
    t = c.topology()
    m = t.maps[0]
    g = m.path_groups[0]
    return [
        *c.list_paths(),
        *c.list_maps(),
        t,
        c.topology_text(),
        m,
        c.map_topology("mpathb"),
        g,
        g.paths[0],
        c.status(),
        c.daemon_state(),
        *c.map_status(),
        *c.map_stats(),
    ]


def test_to_dict_is_the_serde_serialization(vclient: Client) -> None:
    """to_dict() equals json.loads of what serde_json makes of the Rust value,
    keys in the same order, for every model class."""
    for v in all_values(vclient):
        d = v.to_dict()
        serde = json.loads(_multipathd._serde_json(v))
        assert d == serde, type(v).__name__
        assert list(d) == list(serde)
        assert json.loads(json.dumps(d)) == d


def test_to_dict_of_a_path_and_a_map_topology(client: Client) -> None:
    """Known values (0.9.4 simulator): states as the daemon's words, the
    renamed keys."""
    d = client.list_paths()[0].to_dict()
    assert d == {
        "device": "sda",
        "major": 8,
        "minor": 0,
        "uuid": "1Linux_scsi_debug_2000",
        "dev_state": "running",
        "dm_state": "active",
        "checker_state": "ready",
        "map": "mpatha",
        "hcil": "0:0:0:0",
        "priority": 50,
        "vendor": "Linux",
        "product": "scsi_debug",
        "revision": None,
        "serial": "2000",
        "marginal": "normal",
        "checker": "tur",
    }
    assert all(type(v) in (str, int, type(None)) for v in d.values())
    m = client.map_topology("mpatha").to_dict()
    assert list(m) == [
        "name", "uuid", "device", "failback", "queueing", "active_paths", "total_paths",
        "write_prot", "dm_state", "features", "hwhandler", "action", "path_faults",
        "vendor", "product", "revision", "switch_grp", "map_loads", "total_q_time",
        "q_timeouts", "size", "path_groups",
    ]  # fmt: skip
    assert (m["active_paths"], m["total_paths"], m["dm_state"]) == (2, 2, "active")
    g = m["path_groups"][1]
    assert {k: g[k] for k in ("dm_state", "marginal", "number", "priority")} == {
        "dm_state": "enabled",
        "marginal": "normal",
        "number": 2,
        "priority": 10,
    }
    assert g["paths"][0]["device"] == "sdc"
    assert g["paths"][0]["dev_state"] == "running"
    assert client.topology().maps[0].to_dict() == m


# ----- state enums -----

STATE_ENUMS = {
    multipathd.PathDmState: ["active", "failed"],
    multipathd.CheckerState: [
        "ready", "faulty", "shaky", "ghost", "i/o pending", "i/o timeout", "delayed",
        "disconnected",
    ],
    multipathd.DevState: ["running", "offline"],
    multipathd.MapDmState: ["active", "suspend"],
    multipathd.GroupState: ["active", "enabled", "disabled"],
    multipathd.MarginalState: ["marginal", "normal"],
}  # fmt: skip


@pytest.mark.parametrize("cls", list(STATE_ENUMS), ids=lambda c: c.__name__)
def test_state_enums_are_str_enums_of_the_daemons_words(cls: Type[enum.Enum]) -> None:
    assert issubclass(cls, enum.Enum) and issubclass(cls, str)
    assert cls.__module__ == "multipathd"
    assert cls.__doc__
    assert [m.value for m in cls] == STATE_ENUMS[cls]
    for m in cls:
        assert m == m.value and cls(m.value) is m
        assert str(m) == f"{m}" == m.value  # prints as the word
        assert hash(m) == hash(m.value)
        assert pickle.loads(pickle.dumps(m)) is m


def test_state_member_names() -> None:
    words: List[str] = ["i/o pending", "i/o timeout", "normal", "suspend"]
    assert multipathd.CheckerState.PENDING == words[0]
    assert multipathd.CheckerState.TIMEOUT == words[1]
    assert multipathd.MarginalState.NORMAL == words[2]
    assert multipathd.MapDmState.SUSPEND == words[3]


def test_model_states_are_members(vclient: Client) -> None:
    p = vclient.list_paths()[0]
    assert p.dm_state is multipathd.PathDmState.ACTIVE
    assert p.checker_state is multipathd.CheckerState.READY
    assert p.dev_state is multipathd.DevState.RUNNING
    assert p.marginal is multipathd.MarginalState.NORMAL
    word: str = "active"
    assert p.dm_state == word  # still compares as the word
    vclient.fail_path("sda")
    vclient.suspend_map("mpathb")
    assert vclient.list_paths()[0].dm_state is multipathd.PathDmState.FAILED
    (tp,) = [p for _, p in vclient.topology().paths() if p.device == "sda"]
    assert tp.dm_state is multipathd.PathDmState.FAILED
    assert tp.dev_state is multipathd.DevState.RUNNING
    mb = vclient.list_maps()[1]
    assert mb.dm_state is multipathd.MapDmState.SUSPEND
    assert vclient.map_status()[1].dm_state is multipathd.MapDmState.SUSPEND
    assert vclient.map_topology("mpathb").dm_state is multipathd.MapDmState.SUSPEND


def test_queueing_is_the_daemons_text() -> None:
    with Simulator(version="0.11.1") as sim, Client(sim.address) as c:
        values = {m.queueing for m in c.list_maps()}
        values |= {m.queueing for m in c.map_status()}
        values |= {m.queueing for m in c.topology().maps}
        assert values and all(v is None or type(v) is str for v in values)
        c.disable_map_queuing("mpatha")
        assert c.list_maps()[0].queueing == "off"
        assert type(c.list_maps()[0].queueing) is str


def test_active_paths_is_not_the_total(client: Client) -> None:
    client.fail_path("sda")
    assert [m.active_paths for m in client.list_maps()] == [1, 2]
    assert [m.active_paths for m in client.map_status()] == [1, 2]
    t = client.topology()
    assert [(m.active_paths, m.total_paths) for m in t.maps] == [(1, 2), (2, 2)]


# ----- nested values: made lazily, once -----


def test_nested_tuples_are_made_once(client: Client) -> None:
    t = client.topology()
    assert t.maps is t.maps
    m = t.maps[0]
    assert m.path_groups is m.path_groups
    g = m.path_groups[0]
    assert g.paths is g.paths
    assert t.map("mpatha") is m
    pairs = t.paths()
    assert pairs[0][0] is m and pairs[0][1] is g.paths[0]
    assert [p for _, p in t.paths()] == [p for _, p in pairs]
    assert all(a[1] is b[1] for a, b in zip(t.paths(), pairs))
    standalone = client.map_topology("mpatha")
    assert standalone.path_groups is standalone.path_groups
    assert standalone == m and hash(standalone) == hash(m)
    assert standalone.path_groups == m.path_groups


def test_paths_first_then_maps(client: Client) -> None:
    """paths() before maps: the same objects either way."""
    t = client.topology()
    pairs = t.paths()
    assert pairs[2][0] is t.maps[1]
    assert pairs[2][1] is t.maps[1].path_groups[0].paths[0]


def test_nested_values_outlive_their_topology(client: Client) -> None:
    t = client.topology()
    p = t.maps[1].path_groups[1].paths[0]
    g = t.maps[1].path_groups[1]
    del t
    import gc

    gc.collect()
    assert p.device == "sdd" and g.number == 2 and g.paths[0] is p


def test_hash_follows_equality(client: Client) -> None:
    t1, t2 = client.topology(), client.topology()
    assert t1 == t2 and hash(t1) == hash(t2)
    assert t1.maps[0] == t2.maps[0] and hash(t1.maps[0]) == hash(t2.maps[0])
    assert t1.maps[0] != t1.maps[1]
    p1, p2 = t1.maps[0].path_groups[0].paths[0], t2.maps[0].path_groups[0].paths[0]
    assert p1 == p2 and hash(p1) == hash(p2) and p1 is not p2
    assert len({p for _, p in t1.paths()} | {p for _, p in t2.paths()}) == 4
    client.fail_path("sda")
    t3 = client.topology()
    assert t3 != t1 and t3.maps[1] == t1.maps[1]
    assert t3.maps[0].path_groups[0].paths[0] != p1
