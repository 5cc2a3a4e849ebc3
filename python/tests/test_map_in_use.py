"""MapInUse from a real cause: the simulator's map marked open
(Simulator.set_map_in_use), then Client.remove_map()."""

from __future__ import annotations

import pytest

import multipathd
from multipathd import Client
from multipathd.testing import Simulator


def map_names(c: Client) -> list[str]:
    return [m.name for m in c.list_maps()]


def test_remove_map_in_use_raises_map_in_use_on_0_11_1() -> None:
    with Simulator(version="0.11.1") as sim, Client(sim.address) as c:
        assert sim.set_map_in_use("mpatha") is True
        with pytest.raises(multipathd.MapInUse) as e:
            c.remove_map("mpatha")
        assert type(e.value) is multipathd.MapInUse
        assert isinstance(e.value, multipathd.Error)
        assert e.value.command == 'del map "mpatha"'
        assert e.value.reply == "fail\nmap or partition in use\n"
        assert "map or partition in use" in str(e.value)
        # The map stays, and the connection is still usable.
        assert map_names(c) == ["mpatha", "mpathb"]
        # Closed again, it goes.
        assert sim.set_map_in_use("mpatha", False) is True
        c.remove_map("mpatha")
        assert map_names(c) == ["mpathb"]


@pytest.mark.parametrize("version", ["0.8.5", "0.9.4"])
def test_remove_map_in_use_is_a_plain_failure_before_0_10(version: str) -> None:
    with Simulator(version=version) as sim, Client(sim.address) as c:
        assert sim.set_map_in_use("mpathb", in_use=True)
        with pytest.raises(multipathd.CommandFailed) as e:
            c.remove_map("mpathb")
        assert not isinstance(e.value, multipathd.MapInUse)
        assert e.value.reply == "fail\n"
        assert e.value.command == 'del map "mpathb"'
        assert map_names(c) == ["mpatha", "mpathb"]
        c.remove_map("mpatha")
        assert map_names(c) == ["mpathb"]


def test_unknown_map_and_stopped_simulator() -> None:
    sim = Simulator(version="0.11.1")
    assert sim.set_map_in_use("nosuchmap") is False
    with Client(sim.address) as c:
        # An unknown map is "not found", not "in use".
        with pytest.raises(multipathd.CommandFailed) as e:
            c.remove_map("nosuchmap")
        assert not isinstance(e.value, multipathd.MapInUse)
        assert e.value.not_found
    sim.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        sim.set_map_in_use("mpatha")
