"""The value classes: immutable, typed, comparable, hashable, JSON-ready."""

from __future__ import annotations

import json
from typing import Any

import pytest

import multipathd
from multipathd import Client


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
        multipathd.Path()  # type: ignore[call-arg]


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
    assert "dm_state='active'" in repr(p)
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
    assert multipathd.PrStatus.UNSET == "unset"


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
