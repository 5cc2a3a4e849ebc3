"""multipathd.testing.Simulator itself."""

from __future__ import annotations

import pytest

import multipathd
from multipathd.testing import Simulator


def test_defaults() -> None:
    with Simulator() as sim:
        assert sim.version == "0.9.4"
        assert sim.address.startswith("@")
        assert sim.running
        assert sim.fault == "none"
        assert repr(sim) == f"Simulator(version='0.9.4', socket={sim.address!r})"
        with multipathd.Client(sim.address) as c:
            assert len(c.list_maps()) == 2
            assert len(c.list_paths()) == 4
        assert sim.connections_accepted == 1
    assert not sim.running


def test_private_addresses_do_not_collide() -> None:
    with Simulator() as a, Simulator() as b:
        assert a.address != b.address


@pytest.mark.parametrize("maps, per_map", [(1, 1), (3, 4)])
def test_sizes(maps: int, per_map: int) -> None:
    with Simulator(maps=maps, paths_per_map=per_map) as sim, multipathd.Client(sim.address) as c:
        assert len(c.list_maps()) == maps
        assert len(c.list_paths()) == maps * per_map


@pytest.mark.parametrize("version", ["0.8.5", "0.9.4", "0.11.1", "0.15.1"])
def test_daemon_without_maps(version: str) -> None:
    with Simulator(version=version, maps=0) as sim, multipathd.Client(sim.address) as c:
        assert c.daemon_state().state == "idle"
        assert c.list_maps() == []
        assert c.list_paths() == []
        assert c.map_status() == []


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="0.10.0"):
        Simulator(version="0.10.0")
    with pytest.raises(ValueError):
        Simulator(paths_per_map=0)
    with pytest.raises(ValueError):
        Simulator(fault="explode")
    with pytest.raises(ValueError):
        Simulator(reply_delay=-1)
    with Simulator() as sim:
        with pytest.raises(ValueError):
            sim.set_fault("explode")


def test_address_in_use() -> None:
    with Simulator() as sim:
        with pytest.raises(OSError):
            Simulator(socket=sim.address)


def test_fault_names_round_trip() -> None:
    with Simulator() as sim:
        for name in ["timeout", "hang", "drop-mid-reply", "close", "bad-length=0", "none"]:
            sim.set_fault(name)
            assert sim.fault == name
        sim.set_fault("hang")
        sim.clear_fault()
        assert sim.fault == "none"


def test_stop_is_idempotent_and_final() -> None:
    sim = Simulator()
    sim.stop()
    sim.stop()
    assert not sim.running
    with pytest.raises(RuntimeError):
        sim.set_fault("hang")
    with pytest.raises(multipathd.ConnectionFailed):
        multipathd.Client(sim.address)


def test_execute_and_path_health() -> None:
    with Simulator(immediate=True) as sim, multipathd.Client(sim.address) as c:
        assert "mpatha" in sim.execute("show maps")
        assert sim.set_path_health("sdb", False)
        assert not sim.set_path_health("sdzz", False)
        states = {p.device: (p.dm_state, p.checker_state) for p in c.list_paths()}
        assert states["sdb"] == ("failed", "faulty")
        sim.set_path_health("sdb", True)
        assert {p.device: p.dm_state for p in c.list_paths()}["sdb"] == "active"


def test_checker_runs_on_demand() -> None:
    with Simulator(immediate=False, checker_tick=None) as sim, multipathd.Client(sim.address) as c:
        sim.set_path_health("sda", False)
        assert c.list_paths()[0].dm_state == "active"  # not checked yet
        sim.checker_pass()
        assert c.list_paths()[0].dm_state == "failed"
        sim.set_immediate(True)
        c.reinstate_path("sda")
        sim.set_path_health("sda", True)
        assert c.list_paths()[0].dm_state == "active"


def test_module_docstring_examples() -> None:
    import doctest

    import multipathd.testing

    for module in (multipathd, multipathd.testing):
        result = doctest.testmod(module)
        assert result.failed == 0, module
    assert doctest.testmod(multipathd.testing).attempted == 3
