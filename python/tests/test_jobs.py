"""The jobs (health, waits, safe removal) against the simulated daemon: each
meets its condition, and each wait ends on its deadline with a WaitTimeout
that says what it waited for and what it saw last."""

from __future__ import annotations

import enum
import json
import math
import pickle
import threading
import time
from typing import Any, Callable, Iterator, List

import pytest

import multipathd
from multipathd import Client, HealthState, _multipathd
from multipathd.testing import Simulator

WWID_A = "1Linux_scsi_debug_2000"  # mpatha's WWID in the simulator
MARGIN = 0.5  # seconds a wait may overrun its timeout (one poll, scheduling)


def later(delay: float, action: Callable[[], object]) -> threading.Thread:
    """Runs `action` in a thread after `delay` seconds (the client is busy
    waiting meanwhile: act through the simulator or another client)."""

    def run() -> None:
        time.sleep(delay)
        action()

    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.fixture
def after() -> Iterator[Callable[[float, Callable[[], object]], None]]:
    """`later`, with the threads joined at the end of the test."""
    threads: List[threading.Thread] = []
    yield lambda delay, action: threads.append(later(delay, action))
    for t in threads:
        t.join()


def timed_out(call: Callable[[], object], timeout: float) -> multipathd.WaitTimeout:
    """Runs a wait that must end with WaitTimeout after `timeout` seconds
    (not before, and not much later)."""
    start = time.monotonic()
    with pytest.raises(multipathd.WaitTimeout) as e:
        call()
    elapsed = time.monotonic() - start
    assert timeout <= elapsed < timeout + MARGIN, elapsed
    err = e.value
    assert isinstance(err, multipathd.Timeout) and isinstance(err, TimeoutError)
    assert err.kind == "wait_timeout"
    assert err.after == timeout
    assert err.what
    assert err.last is not None and "kind" in err.last
    assert err.what in str(err)
    return err


def map_names(c: Client) -> List[str]:
    return [m.name for m in c.list_maps()]


def paths_of(c: Client) -> List[str]:
    return [p.device for p in c.list_paths()]


# ----- health -----


def test_health_turns_degraded_after_fail_path(vclient: Client) -> None:
    h = vclient.health()
    assert isinstance(h, multipathd.Health)
    assert h.all_healthy()
    assert [(m.name, m.state, m.up_paths, m.total_paths) for m in h.maps] == [
        ("mpatha", HealthState.HEALTHY, 2, 2),
        ("mpathb", HealthState.HEALTHY, 2, 2),
    ]
    assert h.counts[HealthState.HEALTHY] == 2
    vclient.fail_path("sda")
    h = vclient.health()
    assert not h.all_healthy()
    a = h.map("mpatha")
    assert a is not None and a is h.maps[0]
    assert a.state is HealthState.DEGRADED
    assert (a.up_paths, a.total_paths) == (1, 2)
    assert a.uuid == WWID_A
    (down,) = a.down_paths
    assert isinstance(down, multipathd.DownPath)
    assert down.device == "sda"
    assert down.dm_state is multipathd.PathDmState.FAILED
    assert down.checker_state is multipathd.CheckerState.FAULTY
    assert h.counts[HealthState.DEGRADED] == 1 and h.counts[HealthState.HEALTHY] == 1
    assert h.in_state(HealthState.DEGRADED) == [a]
    assert h.in_state("degraded")[0] is a
    assert [m.name for m in h.in_state("healthy")] == ["mpathb"]
    assert h.in_state(HealthState.NO_PATHS) == []
    assert h.map("nosuch") is None
    # map_health(): the same verdict, from `show map M json`.
    one = vclient.map_health("mpatha")
    assert one == a and hash(one) == hash(a)
    assert vclient.map_health("mpathb").state == "healthy"


def test_health_all_paths_down_and_suspended(vclient: Client) -> None:
    vclient.fail_path("sda")
    vclient.fail_path("sdc")  # mpatha's other path
    vclient.suspend_map("mpathb")
    h = vclient.health()
    a, b = h.maps
    assert a.up_paths == 0 and [p.device for p in a.down_paths] == ["sda", "sdc"]
    want = HealthState.ALL_PATHS_DOWN_QUEUEING if a.queues else HealthState.ALL_PATHS_DOWN_FAILING
    assert a.state is want
    assert b.state is HealthState.SUSPENDED
    assert sum(h.counts.values()) == 2
    assert h.counts[want] == 1 and h.counts[HealthState.SUSPENDED] == 1


def test_map_health_of_an_unknown_map(client: Client) -> None:
    with pytest.raises(multipathd.CommandFailed):
        client.map_health("nosuch")


def test_health_values(client: Client) -> None:
    client.fail_path("sda")
    h = client.health()
    assert h.maps is h.maps  # made once
    assert isinstance(h.maps, tuple)
    a = h.maps[0]
    assert a.down_paths is a.down_paths and isinstance(a.down_paths, tuple)
    # counts: every state, in HealthState's order, keys the members.
    assert list(h.counts) == list(HealthState)
    assert all(type(k) is HealthState for k in h.counts)
    h.counts[HealthState.HEALTHY] = 99  # a new dict each time
    assert h.counts[HealthState.HEALTHY] == 1
    # to_dict() is serde's, states as their names.
    d = h.to_dict()
    assert d == json.loads(_multipathd._serde_json(h))
    assert list(d) == ["maps", "counts"]
    assert d["counts"]["degraded"] == 1
    assert d["maps"][0]["state"] == "degraded"
    assert d["maps"][0]["down_paths"] == [
        {"device": "sda", "dm_state": "failed", "checker_state": "faulty"}
    ]
    for v in (a, a.down_paths[0]):
        assert v.to_dict() == json.loads(_multipathd._serde_json(v))
    assert a.to_dict() == d["maps"][0]
    for key, value in a.to_dict().items():
        if key != "down_paths":
            assert getattr(a, key) == value
    # Equality, hashing: Health has no Hash in Rust, so it is unhashable.
    h2 = client.health()
    assert h == h2 and h is not h2
    with pytest.raises(TypeError):
        hash(h)
    assert multipathd.Health.__hash__ is None
    assert hash(h.maps[0]) == hash(h2.maps[0]) and h.maps[0] == h2.maps[0]
    assert len({*h.maps, *h2.maps}) == 2
    assert hash(a.down_paths[0]) == hash(h2.maps[0].down_paths[0])
    # Immutable, not constructible.
    with pytest.raises(AttributeError):
        a.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        multipathd.Health()
    with pytest.raises(ValueError):
        h.in_state("bogus")
    assert repr(h).startswith("Health(maps=(MapHealth(name='mpatha', ")
    assert "counts={<HealthState.HEALTHY: 'healthy'>: 1" in repr(h)
    assert "down_paths=(DownPath(device='sda', dm_state=<PathDmState.FAILED" in repr(a)


def test_health_state_enum() -> None:
    assert issubclass(HealthState, enum.Enum) and issubclass(HealthState, str)
    assert HealthState.__module__ == "multipathd"
    assert HealthState.__doc__
    assert [s.value for s in HealthState] == [
        "healthy",
        "degraded",
        "suspended",
        "all_paths_down_queueing",
        "all_paths_down_failing",
        "no_paths",
    ]
    assert [s.name for s in HealthState] == [s.value.upper() for s in HealthState]
    for s in HealthState:
        assert HealthState(s.value) is s
        assert str(s) == f"{s}" == s.value
        assert pickle.loads(pickle.dumps(s)) is s


# ----- wait_for_map -----


def test_wait_for_map_met_at_once(vclient: Client) -> None:
    start = time.monotonic()
    m = vclient.wait_for_map("mpatha", 2)
    assert time.monotonic() - start < 0.5
    assert isinstance(m, multipathd.Map)
    assert (m.name, m.uuid, m.active_paths) == ("mpatha", WWID_A, 2)
    # By WWID, as os-brick knows a new LUN.
    assert vclient.wait_for_map(WWID_A, 1, timeout=1.0).name == "mpatha"


def test_wait_for_map_met_when_the_path_returns(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    vclient.fail_path("sda")
    after(0.3, lambda: vsim.execute("reinstate path sda"))
    start = time.monotonic()
    m = vclient.wait_for_map(WWID_A, 2, timeout=5.0)
    assert 0.3 <= time.monotonic() - start < 2.0
    assert m.name == "mpatha" and m.active_paths == 2


def test_wait_for_map_met_when_the_map_appears(
    sim: Simulator, client: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    client.remove_map("mpatha")
    assert map_names(client) == ["mpathb"]
    after(0.3, lambda: sim.execute(f"add map {WWID_A}"))  # 0.9+ re-creates it
    m = client.wait_for_map(WWID_A, 2, timeout=5.0)
    assert m.name == "mpatha"


def test_wait_for_map_times_out(vclient: Client) -> None:
    e = timed_out(lambda: vclient.wait_for_map("mpatha", 3, timeout=0.4), 0.4)
    assert e.last is not None
    assert e.last["kind"] == "map"
    assert e.last["map"]["name"] == "mpatha" and e.last["map"]["active_paths"] == 2
    assert "mpatha" in (e.what or "")
    e = timed_out(lambda: vclient.wait_for_map("nosuch", 1, timeout=0.3), 0.3)
    assert e.last == {"kind": "map", "map": None}


# ----- wait_map_gone -----


def test_wait_map_gone(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    vclient.wait_map_gone("nosuch", timeout=1.0)  # gone already
    after(0.3, lambda: vsim.execute("del map mpathb"))
    start = time.monotonic()
    vclient.wait_map_gone("mpathb", timeout=5.0)
    assert 0.3 <= time.monotonic() - start < 2.0
    assert map_names(vclient) == ["mpatha"]


def test_wait_map_gone_times_out(vclient: Client) -> None:
    e = timed_out(lambda: vclient.wait_map_gone(WWID_A, timeout=0.3), 0.3)
    assert e.last is not None and e.last["kind"] == "map"
    assert e.last["map"]["name"] == "mpatha"


# ----- wait_for_path -----


def test_wait_for_path(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    p = vclient.wait_for_path("sda", timeout=1.0)  # no state given: listed
    assert isinstance(p, multipathd.Path)
    assert (p.device, p.map, p.dm_state) == ("sda", "mpatha", "active")
    after(0.3, lambda: vsim.execute("fail path sda"))
    start = time.monotonic()
    p = vclient.wait_for_path("sda", dm_state="failed", timeout=5.0)
    assert 0.3 <= time.monotonic() - start < 2.0
    assert p.dm_state is multipathd.PathDmState.FAILED
    # Enum members are words too; both states must match.
    p = vclient.wait_for_path(
        "sda",
        dm_state=multipathd.PathDmState.FAILED,
        checker_state=multipathd.CheckerState.FAULTY,
        timeout=1.0,
    )
    assert p.checker_state is multipathd.CheckerState.FAULTY
    after(0.3, lambda: vsim.execute("reinstate path sda"))
    p = vclient.wait_for_path("sda", dm_state="active", checker_state="ready", timeout=5.0)
    assert p.dm_state is multipathd.PathDmState.ACTIVE


def test_wait_for_path_times_out(vclient: Client) -> None:
    e = timed_out(
        lambda: vclient.wait_for_path("sda", dm_state=multipathd.PathDmState.FAILED, timeout=0.3),
        0.3,
    )
    assert e.last is not None and e.last["kind"] == "path"
    assert e.last["path"]["device"] == "sda" and e.last["path"]["dm_state"] == "active"
    # Only the checker state asked for: it must match as well.
    e = timed_out(lambda: vclient.wait_for_path("sda", checker_state="ghost", timeout=0.3), 0.3)
    assert e.last is not None and e.last["path"]["checker_state"] == "ready"
    # A path that is not there.
    e = timed_out(lambda: vclient.wait_for_path("sdzz", timeout=0.3), 0.3)
    assert e.last == {"kind": "path", "path": None}


# ----- wait_paths_gone -----


def test_wait_paths_gone(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    vclient.wait_paths_gone([], timeout=1.0)
    vclient.wait_paths_gone(["sdzz"], timeout=1.0)
    after(0.2, lambda: vsim.execute("del path sda"))
    after(0.4, lambda: vsim.execute("del path sdc"))
    start = time.monotonic()
    vclient.wait_paths_gone(["sda", "sdc"], timeout=5.0)
    assert 0.4 <= time.monotonic() - start < 2.0
    assert paths_of(vclient) == ["sdb", "sdd"]


def test_wait_paths_gone_times_out(vclient: Client) -> None:
    vclient.remove_path("sda")
    e = timed_out(lambda: vclient.wait_paths_gone(["sda", "sdb", "sdc"], timeout=0.3), 0.3)
    assert e.last is not None and e.last["kind"] == "paths"
    assert [p["device"] for p in e.last["paths"]] == ["sdb", "sdc"]


# ----- wait_settled -----


def test_wait_settled(client: Client) -> None:
    start = time.monotonic()
    client.wait_settled(0.3, timeout=5.0)
    assert 0.3 <= time.monotonic() - start < 2.0


def test_wait_settled_times_out_while_paths_flap(sim: Simulator, client: Client) -> None:
    stop = threading.Event()

    def flap() -> None:
        while not stop.is_set():
            sim.execute("fail path sda")
            time.sleep(0.02)
            sim.execute("reinstate path sda")
            time.sleep(0.02)

    t = threading.Thread(target=flap)
    t.start()
    try:
        e = timed_out(lambda: client.wait_settled(0.5, timeout=1.0), 1.0)
    finally:
        stop.set()
        t.join()
    assert e.last is not None and e.last["kind"] == "settling"
    assert e.last["busy"] is False
    quiet_for = e.last["quiet_for"]  # seconds, a float
    assert quiet_for < 0.5


def test_wait_settled_times_out_when_quiet_exceeds_the_timeout(client: Client) -> None:
    e = timed_out(lambda: client.wait_settled(5.0, timeout=0.3), 0.3)
    assert e.last is not None and e.last["kind"] == "settling"
    assert "settled" in (e.what or "")


# ----- remove_map_safely -----


def test_remove_map_safely(vclient: Client) -> None:
    r = vclient.remove_map_safely("mpathb")
    assert isinstance(r, multipathd.Removal)
    assert (r.map, r.attempts, r.already_gone) == ("mpathb", 1, False)
    assert (r.queueing_disabled, r.queueing_restored) == (True, False)
    assert (r.last_error_kind, r.last_error) == (None, None)
    assert isinstance(r.elapsed, float) and 0 <= r.elapsed < 1.0
    assert map_names(vclient) == ["mpatha"]
    # Again: already gone, nothing sent but the listing.
    again = vclient.remove_map_safely("mpathb")
    assert (again.attempts, again.already_gone, again.queueing_disabled) == (0, True, False)
    # Without disabling queueing first.
    r = vclient.remove_map_safely("mpatha", disable_queueing=False)
    assert (r.attempts, r.queueing_disabled) == (1, False)
    assert map_names(vclient) == []


def test_removal_values(client: Client) -> None:
    r = client.remove_map_safely("mpathb")
    d = r.to_dict()
    assert d == json.loads(_multipathd._serde_json(r))
    assert list(d) == [
        "map", "attempts", "already_gone", "queueing_disabled", "queueing_restored",
        "last_error_kind", "last_error", "elapsed",
    ]  # fmt: skip
    # elapsed: float seconds as an attribute, serde's Duration in to_dict().
    assert isinstance(d["elapsed"], float)  # seconds, as the attribute
    assert math.isclose(d["elapsed"], r.elapsed)
    assert r == r and r != client.remove_map_safely("mpathb")  # already_gone differs
    with pytest.raises(TypeError):
        hash(r)
    assert multipathd.Removal.__hash__ is None
    with pytest.raises(AttributeError):
        r.attempts = 3  # type: ignore[misc]
    assert repr(r).startswith("Removal(map='mpathb', attempts=1, already_gone=False, ")


def _refusal(version: str) -> str:
    """The kind of `del map` refusal of a map in use: 0.10+ say so, older
    releases answer a bare "fail"."""
    return "map_in_use" if version in ("0.11.1", "0.15.1") else "command_failed"


def test_remove_map_safely_retries_until_the_map_is_freed(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    assert vsim.set_map_in_use("mpatha")
    after(0.6, lambda: vsim.set_map_in_use("mpatha", False))
    start = time.monotonic()
    r = vclient.remove_map_safely("mpatha", timeout=10.0)
    assert 0.6 <= time.monotonic() - start < 4.0
    assert r.attempts >= 2
    assert r.last_error_kind == _refusal(vsim.version)
    assert r.last_error
    assert (r.already_gone, r.queueing_disabled, r.queueing_restored) == (False, True, False)
    assert r.elapsed >= 0.6
    assert map_names(vclient) == ["mpathb"]


def test_remove_map_safely_reports_a_map_that_stays_in_use(
    vsim: Simulator, vclient: Client
) -> None:
    assert vsim.set_map_in_use("mpatha")
    start = time.monotonic()
    with pytest.raises(multipathd.WaitTimeout) as e:
        vclient.remove_map_safely("mpatha", timeout=1.0)
    assert time.monotonic() - start < 1.0 + MARGIN
    err = e.value
    assert err.after == 1.0 and "mpatha" in (err.what or "")
    assert err.last is not None and err.last["kind"] == "removal"
    removal: Any = err.last["removal"]
    assert removal["map"] == "mpatha"
    assert removal["attempts"] >= 2
    assert removal["already_gone"] is False
    assert removal["queueing_disabled"] is True
    assert removal["queueing_restored"] is True
    assert removal["last_error_kind"] == _refusal(vsim.version)
    # The map stays, with its queueing back as configured.
    assert map_names(vclient) == ["mpatha", "mpathb"]
    assert vclient.list_maps()[0].queueing != "off"


def test_remove_map_safely_without_disabling_queueing_restores_nothing(
    sim: Simulator, client: Client
) -> None:
    sim.set_map_in_use("mpatha")
    with pytest.raises(multipathd.WaitTimeout) as e:
        client.remove_map_safely("mpatha", timeout=0.6, disable_queueing=False)
    assert e.value.last is not None
    removal: Any = e.value.last["removal"]
    assert (removal["queueing_disabled"], removal["queueing_restored"]) == (False, False)


# ----- the README's recipes -----


def test_recipes(
    vsim: Simulator, vclient: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    """Attach (wait for the map by WWID), monitor (health), detach (remove
    the paths, wait until they are gone, remove the map safely)."""
    vclient.fail_path("sda")
    after(0.2, lambda: vsim.execute("reinstate path sda"))
    m = vclient.wait_for_map(WWID_A, 2, timeout=10)
    assert m.name == "mpatha"
    vclient.fail_path("sdd")
    h = vclient.health()
    assert [(m.name, m.state) for m in h.maps if m.state is not HealthState.HEALTHY] == [
        ("mpathb", HealthState.DEGRADED)
    ]
    assert {str(s): n for s, n in h.counts.items() if n} == {"healthy": 1, "degraded": 1}
    paths = [p.device for p in vclient.list_paths() if p.map == "mpatha"]
    assert paths == ["sda", "sdc"]
    for p in paths:
        vclient.remove_path(p)
    vclient.wait_paths_gone(paths, timeout=10)
    r = vclient.remove_map_safely("mpatha", timeout=10)
    assert r.already_gone or r.attempts >= 1
    assert map_names(vclient) == ["mpathb"]


# ----- a busy daemon, the GIL, arguments -----


def test_a_wait_sits_out_a_busy_daemon(
    sim: Simulator, client: Client, after: Callable[[float, Callable[[], object]], None]
) -> None:
    sim.set_fault("timeout")  # the daemon answers "timeout" to everything
    after(0.3, sim.clear_fault)
    assert client.wait_for_map("mpatha", 2, timeout=5.0).name == "mpatha"
    # Busy the whole time: nothing seen, the last error said.
    sim.set_fault("timeout")
    e = timed_out(lambda: client.wait_for_map("mpatha", 2, timeout=0.3), 0.3)
    assert e.last is not None and e.last["kind"] == "nothing"
    assert "timeout" in e.last["error"]


def test_other_threads_run_during_a_wait(sim: Simulator) -> None:
    with Client(sim.address) as c:
        done = threading.Event()
        caught: List[BaseException] = []

        def wait() -> None:
            try:
                c.wait_for_map("mpatha", 3, timeout=1.0)
            except BaseException as e:  # noqa: BLE001
                caught.append(e)
            done.set()

        t = threading.Thread(target=wait)
        t.start()
        time.sleep(0.1)  # the wait is now polling and sleeping in Rust
        counter = 0
        while not done.is_set():
            counter += 1
        t.join()
        assert len(caught) == 1 and isinstance(caught[0], multipathd.WaitTimeout)
        # Had the wait held the GIL, this loop could not have run during
        # the ~0.9 s left; it runs millions of times per second.
        assert counter > 100_000, counter


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda c: c.wait_for_map("mpatha", 1, timeout=-1.0), multipathd.InvalidArgument),
        (lambda c: c.wait_for_map("mpatha", 1, timeout=0.0), multipathd.InvalidArgument),
        (lambda c: c.wait_map_gone("mpatha", timeout=math.nan), multipathd.InvalidArgument),
        (lambda c: c.wait_for_path("sda", timeout=math.inf), multipathd.InvalidArgument),
        (lambda c: c.wait_paths_gone(["sda"], timeout=-1.0), multipathd.InvalidArgument),
        (lambda c: c.wait_settled(-0.5), multipathd.InvalidArgument),
        (lambda c: c.wait_settled(0.5, timeout=-1.0), multipathd.InvalidArgument),
        (lambda c: c.remove_map_safely("mpatha", timeout=-1.0), multipathd.InvalidArgument),
        (lambda c: c.wait_paths_gone("sda"), TypeError),
        (lambda c: c.wait_for_map("mpatha", "2"), TypeError),
        (lambda c: c.wait_for_map("mpatha", -1), OverflowError),
        (lambda c: c.wait_for_path("sda", dm_state=1), TypeError),
    ],
    ids=[
        "negative-timeout", "zero-timeout", "nan-timeout", "infinite-timeout",
        "paths-negative-timeout", "negative-quiet", "settled-negative-timeout",
        "remove-negative-timeout", "str-for-paths", "str-for-count", "negative-count",
        "int-for-state",
    ],
)  # fmt: skip
def test_argument_errors_send_nothing(sim: Simulator, call, error: type) -> None:  # type: ignore[no-untyped-def]
    with Client(sim.address, timeout=1.0) as c:
        assert len(c.list_maps()) == 2
        accepted = sim.connections_accepted
        sim.set_fault("hang")  # anything sent would wait for the 1 s timeout
        start = time.monotonic()
        with pytest.raises(error) as e:
            call(c)
        assert time.monotonic() - start < 0.5
        if isinstance(e.value, multipathd.InvalidArgument):
            assert e.value.command is None
            assert "invalid" in str(e.value)
        sim.clear_fault()
        assert c.connected
        assert len(c.list_maps()) == 2  # still in step
        assert sim.connections_accepted == accepted
