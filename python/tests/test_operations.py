"""Every Client operation against the simulated daemon, on every release,
with the state checked afterwards."""

from __future__ import annotations

import os
import pathlib
import time

import pytest

import multipathd
from multipathd import Client
from multipathd.testing import Simulator


def path(client: Client, device: str) -> multipathd.Path:
    (p,) = [p for p in client.list_paths() if p.device == device]
    return p


def map_(client: Client, name: str) -> multipathd.Map:
    (m,) = [m for m in client.list_maps() if m.name == name]
    return m


def test_list_paths(vclient: Client) -> None:
    paths = vclient.list_paths()
    assert [p.device for p in paths] == ["sda", "sdb", "sdc", "sdd"]
    sda = paths[0]
    assert isinstance(sda, multipathd.Path)
    assert (sda.major, sda.minor) == (8, 0)
    assert sda.map == "mpatha"
    assert sda.dm_state == "active"
    assert sda.checker_state == "ready"
    assert sda.dev_state == "running"
    assert sda.dev_state is multipathd.DevState.RUNNING
    assert sda.dm_state is multipathd.PathDmState.ACTIVE
    assert sda.checker_state is multipathd.CheckerState.READY
    assert sda.hcil == "0:0:0:0"
    assert sda.uuid == "1Linux_scsi_debug_2000"
    assert sda.checker == "tur"
    assert sda.marginal is multipathd.MarginalState.NORMAL
    assert (sda.vendor, sda.product) == ("Linux", "scsi_debug")
    assert {p.map for p in paths} == {"mpatha", "mpathb"}


def test_list_maps(vclient: Client) -> None:
    maps = vclient.list_maps()
    assert [m.name for m in maps] == ["mpatha", "mpathb"]
    a = maps[0]
    assert a.device == "dm-0"
    assert a.active_paths == 2
    assert a.dm_state is multipathd.MapDmState.ACTIVE
    assert a.size == "16M"
    assert a.write_prot == "rw"
    assert a.uuid == "1Linux_scsi_debug_2000"


def test_fail_path_then_reinstate(vclient: Client) -> None:
    vclient.fail_path("sda")
    assert path(vclient, "sda").dm_state == "failed"
    assert path(vclient, "sdb").dm_state == "active"
    vclient.reinstate_path("sda")  # immediate=True: the checker's effect shows at once
    assert path(vclient, "sda").dm_state == "active"
    assert path(vclient, "sda").checker_state == "ready"


def test_reinstate_waits_for_the_checker_without_immediate() -> None:
    with Simulator(immediate=False, checker_tick=None) as sim, Client(sim.address) as c:
        c.fail_path("sda")
        c.reinstate_path("sda")
        assert path(c, "sda").dm_state == "failed"
        sim.advance(30)  # past the checker interval
        assert path(c, "sda").dm_state == "active"


def test_suspend_and_resume_map(vclient: Client) -> None:
    vclient.suspend_map("mpatha")
    assert map_(vclient, "mpatha").dm_state == "suspend"
    assert map_(vclient, "mpathb").dm_state == "active"
    vclient.resume_map("mpatha")
    assert map_(vclient, "mpatha").dm_state == "active"


def test_map_queuing(vclient: Client) -> None:
    vclient.disable_map_queuing("mpatha")
    assert map_(vclient, "mpatha").queueing == "off"
    assert map_(vclient, "mpathb").queueing != "off"
    vclient.restore_map_queuing("mpatha")
    assert map_(vclient, "mpatha").queueing != "off"


def test_all_maps_queuing(vclient: Client) -> None:
    vclient.disable_queuing()
    assert [m.queueing for m in vclient.list_maps()] == ["off", "off"]
    assert [s.queueing for s in vclient.map_status()] == ["off", "off"]
    vclient.restore_queuing()
    assert all(m.queueing != "off" for m in vclient.list_maps())


def test_remove_and_add_path(vclient: Client) -> None:
    vclient.remove_path("sdd")
    assert [p.device for p in vclient.list_paths()] == ["sda", "sdb", "sdc"]
    assert map_(vclient, "mpathb").active_paths == 1
    vclient.add_path("sdd")
    assert [p.device for p in vclient.list_paths()] == ["sda", "sdb", "sdc", "sdd"]
    assert path(vclient, "sdd").map == "mpathb"
    assert map_(vclient, "mpathb").active_paths == 2


def test_remove_map(vclient: Client) -> None:
    vclient.remove_map("mpathb")
    assert [m.name for m in vclient.list_maps()] == ["mpatha"]
    # Its paths (sdb, sdd) stay, as orphans.
    assert {p.device: p.map for p in vclient.list_paths()} == {
        "sda": "mpatha",
        "sdb": None,
        "sdc": "mpatha",
        "sdd": None,
    }


@pytest.mark.parametrize("version", ["0.9.4", "0.11.1"])
def test_add_map_recreates_a_removed_map(version: str) -> None:
    with Simulator(version=version) as sim, Client(sim.address) as c:
        c.remove_map("mpathb")
        assert len(c.list_maps()) == 1
        c.add_map("mpathb")
        assert [m.name for m in c.list_maps()] == ["mpatha", "mpathb"]


def test_add_map_on_085_only_adopts_existing_maps() -> None:
    with Simulator(version="0.8.5") as sim, Client(sim.address) as c:
        c.add_map("mpatha")  # exists: adopted
        c.remove_map("mpathb")
        with pytest.raises(multipathd.CommandFailed):
            c.add_map("mpathb")
        assert [m.name for m in c.list_maps()] == ["mpatha"]


def test_map_actions_answer_ok_and_keep_the_map(vclient: Client) -> None:
    before = map_(vclient, "mpatha")
    vclient.resize_map("mpatha")
    vclient.reset_map("mpatha")
    vclient.reload_map("mpatha")
    after = map_(vclient, "mpatha")
    assert (after.name, after.dm_state, after.active_paths) == (before.name, "active", 2)


def test_reconfigure(vclient: Client) -> None:
    vclient.reconfigure()
    assert [m.name for m in vclient.list_maps()] == ["mpatha", "mpathb"]


@pytest.mark.parametrize("version", ["0.9.4", "0.11.1"])
def test_reconfigure_all(version: str) -> None:
    with Simulator(version=version) as sim, Client(sim.address) as c:
        c.reconfigure_all()
        assert len(c.list_maps()) == 2


def test_topology(vclient: Client) -> None:
    t = vclient.topology()
    assert isinstance(t, multipathd.Topology)
    assert [m.name for m in t.maps] == ["mpatha", "mpathb"]
    a = t.maps[0]
    assert isinstance(a.path_groups, tuple)
    assert [g.number for g in a.path_groups] == [1, 2]
    assert [(g.dm_state, g.marginal) for g in a.path_groups] == [
        (multipathd.GroupState.ACTIVE, multipathd.MarginalState.NORMAL),
        (multipathd.GroupState.ENABLED, multipathd.MarginalState.NORMAL),
    ]
    assert [(m.active_paths, m.total_paths) for m in t.maps] == [(2, 2), (2, 2)]
    assert [[p.device for p in g.paths] for g in a.path_groups] == [["sda"], ["sdc"]]
    assert a.path_groups[0].paths[0].dm_state == "active"
    assert t.map("mpathb") == t.maps[1]
    assert t.map("nosuch") is None
    assert [(m.name, p.device) for m, p in t.paths()] == [
        ("mpatha", "sda"),
        ("mpatha", "sdc"),
        ("mpathb", "sdb"),
        ("mpathb", "sdd"),
    ]
    pairs = t.paths()
    # One object per map, shared by the pairs of its paths.
    assert pairs[0][0] is pairs[1][0] and pairs[0][0] == t.maps[0]
    assert pairs[1][0] is not pairs[2][0]


def test_topology_shows_a_failed_path(vclient: Client) -> None:
    vclient.fail_path("sdb")
    states = {p.device: p.dm_state for _, p in vclient.topology().paths()}
    assert states == {"sda": "active", "sdb": "failed", "sdc": "active", "sdd": "active"}


def test_topology_text(vclient: Client) -> None:
    t = vclient.topology_text()
    assert [m.name for m in t.maps] == ["mpatha", "mpathb"]
    assert t.major_version is None
    assert t.maps[0].size == "16M"
    assert [p.hcil for _, p in t.paths()] == ["0:0:0:0", "1:0:0:0", "0:0:0:1", "1:0:0:1"]


def test_map_topology(vclient: Client) -> None:
    m = vclient.map_topology("mpathb")
    assert isinstance(m, multipathd.MapTopology)
    assert m.name == "mpathb"
    assert m.device == "dm-1"
    assert [p.device for g in m.path_groups for p in g.paths] == ["sdb", "sdd"]


def test_status(vclient: Client) -> None:
    s = vclient.status()
    assert s.paths == 4
    assert s.checker_states == {"up": 4}
    assert s.busy is False
    vclient.fail_path("sda")
    assert vclient.status().checker_states == {"up": 3, "down": 1}


def test_daemon_state(vclient: Client) -> None:
    s = vclient.daemon_state()
    assert s.pid == os.getpid()  # the simulator reports its own process
    assert s.state == "idle"


def test_map_status_and_stats(vclient: Client) -> None:
    status = vclient.map_status()
    assert [(s.name, s.active_paths, s.dm_state) for s in status] == [
        ("mpatha", 2, "active"),
        ("mpathb", 2, "active"),
    ]
    vclient.fail_path("sda")
    stats = {s.name: s for s in vclient.map_stats()}
    assert stats["mpatha"].path_faults == 1
    assert stats["mpathb"].path_faults == 0
    vclient.reset_map_stats("mpatha")
    assert {s.name: s.path_faults for s in vclient.map_stats()}["mpatha"] == 0
    vclient.fail_path("sdc")
    vclient.reset_maps_stats()
    assert [s.path_faults for s in vclient.map_stats()] == [0, 0]


def test_path_state(vclient: Client) -> None:
    assert vclient.path_state("sda") == "running"


def test_switch_group(vclient: Client) -> None:
    def states(name: str) -> list[tuple[int | None, str | None]]:
        return [(g.number, g.dm_state) for g in vclient.map_topology(name).path_groups]

    assert states("mpatha") == [(1, "active"), (2, "enabled")]
    vclient.switch_group("mpatha", 2)
    # The kernel switches at the next I/O; until then no group is active.
    assert states("mpatha") == [(1, "enabled"), (2, "enabled")]
    assert states("mpathb") == [(1, "active"), (2, "enabled")]
    with pytest.raises(multipathd.CommandFailed):
        vclient.switch_group("mpatha", 3)


def test_marginal(vclient: Client) -> None:
    vclient.set_marginal("sda")
    assert path(vclient, "sda").marginal is multipathd.MarginalState.MARGINAL
    vclient.unset_marginal("sda")
    assert path(vclient, "sda").marginal is multipathd.MarginalState.NORMAL
    vclient.set_marginal("sda")
    vclient.set_marginal("sdc")
    vclient.set_marginal("sdb")
    vclient.unset_map_marginal("mpatha")
    assert {p.device: p.marginal for p in vclient.list_paths()} == {
        "sda": "normal",
        "sdb": "marginal",
        "sdc": "normal",
        "sdd": "normal",
    }


def test_daemon_queuing(vclient: Client) -> None:
    vclient.force_queuing_daemon()
    vclient.restore_queuing_daemon()
    assert vclient.daemon_state().state == "idle"


def test_pr_status(vclient: Client) -> None:
    assert vclient.pr_status("mpatha") is multipathd.PrStatus.UNSET
    if str(vclient.daemon_version()) == "0.15.1":
        # 0.13+ register the key while setting the status: with no key
        # that fails and the status stays unset.
        vclient.set_pr_status("mpatha")
        assert vclient.pr_status("mpatha") is multipathd.PrStatus.UNSET
        return
    vclient.set_pr_status("mpatha")
    status = vclient.pr_status("mpatha")
    assert status is multipathd.PrStatus.SET
    word: str = "set"
    assert status == word
    vclient.unset_pr_status("mpatha")
    assert vclient.pr_status("mpatha") is multipathd.PrStatus.UNSET


@pytest.mark.parametrize("version", ["0.8.5", "0.9.4", "0.11.1", "0.15.1"])
def test_pr_key(version: str) -> None:
    with Simulator(version=version, prkeys_file=True) as sim, Client(sim.address) as c:
        assert c.pr_key("mpatha") is None
        c.set_pr_key("mpatha", "0x1a:aptpl")
        key = c.pr_key("mpatha")
        assert key is not None
        assert (key.key, key.aptpl) == (0x1A, True)
        assert str(key) == "0x1a:aptpl"
        c.unset_pr_key("mpatha")
        assert c.pr_key("mpatha") is None


def test_set_pr_key_without_a_keys_file_fails(client: Client) -> None:
    with pytest.raises(multipathd.CommandFailed):
        client.set_pr_key("mpatha", "0x1a")


def test_config_texts(vclient: Client) -> None:
    config = vclient.config()
    assert config.startswith("defaults {")
    assert "blacklist {" in config
    assert vclient.config_local().startswith("defaults {")
    assert "%d" in vclient.wildcards()


def test_daemon_version(vsim: Simulator, vclient: Client) -> None:
    v = vclient.daemon_version()
    assert str(v) == vsim.version
    assert v == multipathd.DaemonVersion.parse(vsim.version)


def test_shutdown(vsim: Simulator, vclient: Client) -> None:
    vclient.shutdown()
    deadline = time.monotonic() + 5
    while vsim.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not vsim.running
    with pytest.raises((multipathd.ConnectionFailed, multipathd.ConnectionClosed)):
        vclient.list_maps()


def test_raw_command_returns_the_reply(vclient: Client) -> None:
    assert vclient.command("show daemon").startswith("pid ")
    assert vclient.command("show maps format %n").split() == ["name", "mpatha", "mpathb"]
    # Read as data, an action's "ok" comes back as it is…
    assert vclient.command("fail path sda") == "ok\n"
    assert path(vclient, "sda").dm_state == "failed"
    # …read as an action, it is "".
    assert vclient.command("reinstate path sda", action=True) == ""


def test_raw_command_failures_raise(vclient: Client) -> None:
    with pytest.raises(multipathd.CommandFailed) as e:
        vclient.command("fail path nosuch")
    assert e.value.command == "fail path nosuch"
    with pytest.raises(multipathd.UnknownCommand):
        vclient.command("frobnicate")
    with pytest.raises(multipathd.InvalidArgument):
        vclient.command("show maps\nshutdown")


def test_client_properties(sim: Simulator) -> None:
    with Client(sim.address, timeout=1.5) as c:
        assert c.address == sim.address
        assert c.timeout == 1.5
        c.timeout = 0.25
        assert c.timeout == 0.25
        assert c.connected
        c.close()
        assert not c.connected
        assert c.list_maps()  # reconnects
        assert c.connected
        assert repr(c) == f"Client(socket={sim.address!r})"
    assert not c.connected


def test_client_finds_the_daemon_through_the_environment(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(multipathd.SOCKET_ENV, sim.address)
    with Client() as c:
        assert c.address == sim.address
        assert len(c.list_paths()) == 4


def test_socket_file_address(tmp_path: pathlib.Path) -> None:
    sock = tmp_path / "multipathd.socket"
    with Simulator(socket=sock) as sim:
        assert sim.address == str(sock)
        assert sock.exists()
        with Client(sock) as c:  # an os.PathLike
            assert c.address == str(sock)
            assert len(c.list_maps()) == 2
    assert not sock.exists()


def test_one_client_many_threads(client: Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: len(client.list_paths()), range(200)))
    assert results == [4] * 200



def test_retry_policy(sim: Simulator) -> None:
    """Reads are asked again after the daemon's "timeout" or a closed
    connection; actions never are (the daemon's "timeout" says it did not
    run one: may_have_run is False, the caller decides)."""
    with Client(sim.address) as c:
        assert c.retry_policy == {
            "attempts": 1,
            "backoff": 0.05,
            "max_backoff": 1.0,
            "deadline": None,
        }
        c.set_retry_policy(3, backoff=0.01, max_backoff=0.02)
        assert c.retry_policy["attempts"] == 3
        sent = c.commands_sent
        sim.set_fault("timeout")
        with pytest.raises(multipathd.DaemonTimeout):
            c.list_maps()
        assert (c.retries, c.commands_sent - sent) == (2, 3)
        with pytest.raises(multipathd.DaemonTimeout) as e:
            c.reload_map("mpatha")
        assert not e.value.may_have_run
        assert c.retries == 2  # an action: not again
        sim.set_fault("close")
        with pytest.raises(multipathd.ConnectionClosed):
            c.reload_map("mpatha")
        assert c.retries == 2  # an action that may have run: not again
        sim.clear_fault()
        assert len(c.list_maps()) == 2
        with pytest.raises(multipathd.InvalidArgument):
            c.set_retry_policy(2, backoff=-1.0)
        c.set_retry_policy(2, deadline=0.5)
        assert c.retry_policy["deadline"] == 0.5


def test_pr_hold_and_pathlist_on_0_15() -> None:
    with Simulator(version="0.15.1", checker_tick=None) as sim, Client(sim.address) as c:
        assert c.pr_hold("mpatha") is multipathd.PrStatus.UNSET
        c.set_pr_hold("mpatha")
        assert c.pr_hold("mpatha") is multipathd.PrStatus.SET
        c.unset_pr_hold("mpatha")
        assert c.pr_hold("mpatha") is multipathd.PrStatus.UNSET
        c.set_pr_status_paths("mpatha", ["sda", "sdc"])
        with pytest.raises(multipathd.NotFound):
            c.pr_hold("nosuchmap")
        for bad in ([], ["sda sdb"], [""]):
            with pytest.raises(multipathd.InvalidArgument):
                c.set_pr_status_paths("mpatha", bad)


@pytest.mark.parametrize("version", ["0.8.5", "0.9.4", "0.11.1"])
def test_pr_hold_and_pathlist_before_0_13_are_unknown(version: str) -> None:
    with Simulator(version=version, checker_tick=None) as sim, Client(sim.address) as c:
        for call in (
            lambda: c.pr_hold("mpatha"),
            lambda: c.set_pr_hold("mpatha"),
            lambda: c.unset_pr_hold("mpatha"),
            lambda: c.set_pr_status_paths("mpatha", ["sda"]),
        ):
            with pytest.raises(multipathd.UnknownCommand) as e:
                call()
            assert str(e.value.version) == version
