"""multipathd.Watch, multipathd.Event and multipathd.watch_events against the
simulated daemon: the exact events of failed, reinstated, removed and added
paths and maps, a daemon restart on the same address, no event when nothing
changes (within the timeout), the GIL released while waiting."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest

import multipathd
from multipathd.testing import Simulator

# The watch's poll interval in these tests, and what a loaded 2-core machine
# may add to a deadline.
INTERVAL = 0.2
MARGIN = 0.4
# The watch's first retry delays while the daemon is down are 0.25, 0.5, 1 s.
BACKOFF = 1.0


def take(watch: multipathd.Watch, n: int) -> List[multipathd.Event]:
    """The next n events, each within an interval (+ margin); then nothing
    else is queued."""
    events: List[multipathd.Event] = []
    while len(events) < n:
        e = watch.next_event(INTERVAL + MARGIN)
        assert e is not None, f"only {len(events)} of {n} events came: {events}"
        events.append(e)
    assert watch.next_event(0) is None, "more events"
    return events


def quiet(watch: multipathd.Watch, seconds: float) -> None:
    """No event within `seconds`, and next_event returns in time."""
    start = time.monotonic()
    e = watch.next_event(seconds)
    took = time.monotonic() - start
    assert e is None, e
    assert took <= seconds + MARGIN, took


@pytest.fixture
def watch(vsim: Simulator) -> Iterator[multipathd.Watch]:
    with multipathd.Watch(vsim.address, interval=INTERVAL, timeout=2.0) as w:
        # The first call polls at once: the baseline, no event.
        assert w.next_event(0) is None
        assert w.commands_sent == 1
        yield w


def path_changed(dev: str, map: str, old: tuple[str, str], new: tuple[str, str]) -> Dict[str, Any]:
    return {
        "event": "path_state_changed",
        "device": dev,
        "map": map,
        "old_dm_state": old[0],
        "new_dm_state": new[0],
        "old_checker_state": old[1],
        "new_checker_state": new[1],
    }


def active(map: str, old: int, new: int, total: int) -> Dict[str, Any]:
    return {"event": "active_paths_changed", "map": map, "old": old, "new": new, "total": total}


UP = ("active", "ready")
DOWN = ("failed", "faulty")


def wwid(client: multipathd.Client, map: str) -> Optional[str]:
    m = client.topology().map(map)
    assert m is not None
    return m.uuid


def test_a_failed_and_reinstated_path(
    vsim: Simulator, watch: multipathd.Watch, vclient: multipathd.Client
) -> None:
    # mpatha: sda and sdc; mpathb: sdb and sdd.
    vclient.fail_path("sda")
    events = take(watch, 3)
    assert [e.kind for e in events] == [
        "path_state_changed",
        "active_paths_changed",
        "map_health_changed",
    ]
    assert [(e.map, e.device) for e in events] == [
        ("mpatha", "sda"),
        ("mpatha", None),
        ("mpatha", None),
    ]
    assert events[0].to_dict() == path_changed("sda", "mpatha", UP, DOWN)
    assert str(events[0]) == "path sda (mpatha): active ready -> failed faulty"
    assert events[1].to_dict() == active("mpatha", 2, 1, 2)
    assert str(events[1]) == "map mpatha: active paths 2 -> 1 of 2"
    health = events[2].to_dict()
    assert (health["event"], health["map"], health["old"], health["new"]) == (
        "map_health_changed",
        "mpatha",
        "healthy",
        "degraded",
    )
    assert health["health"]["state"] == "degraded"
    assert (health["health"]["up_paths"], health["health"]["total_paths"]) == (1, 2)
    assert health["health"]["down_paths"] == [
        {"device": "sda", "dm_state": "failed", "checker_state": "faulty"}
    ]
    assert health["health"]["uuid"] == wwid(vclient, "mpatha")
    assert str(events[2]) == "map mpatha: healthy -> degraded"
    quiet(watch, 2 * INTERVAL)

    vclient.reinstate_path("sda")  # immediate mode: at once
    events = take(watch, 3)
    assert events[0].to_dict() == path_changed("sda", "mpatha", DOWN, UP)
    assert events[1].to_dict() == active("mpatha", 1, 2, 2)
    assert (events[2].to_dict()["old"], events[2].to_dict()["new"]) == ("degraded", "healthy")

    # The disks behind both paths of mpathb stop answering; the checker
    # finds them at its next pass (run by the test).
    assert vsim.set_path_health("sdd", False)
    assert vsim.set_path_health("sdb", False)
    vsim.checker_pass()
    events = take(watch, 4)
    assert [e.to_dict() for e in events[:3]] == [
        path_changed("sdb", "mpathb", UP, DOWN),
        path_changed("sdd", "mpathb", UP, DOWN),
        active("mpathb", 2, 0, 2),
    ]
    assert str(events[3]) == "map mpathb: healthy -> all_paths_down_failing"
    assert watch.listings_sent == watch.commands_sent
    assert watch.daemon_reachable


def test_paths_and_maps_removed_and_added(
    vsim: Simulator, watch: multipathd.Watch, vclient: multipathd.Client
) -> None:
    wwid_b = wwid(vclient, "mpathb")
    assert wwid_b is not None

    vclient.remove_path("sdc")
    assert [e.to_dict() for e in take(watch, 2)] == [
        {"event": "path_removed", "device": "sdc", "map": "mpatha"},
        active("mpatha", 2, 1, 1),
    ]
    vclient.add_path("sdc")
    events = take(watch, 2)
    assert [e.to_dict() for e in events] == [
        {"event": "path_added", "device": "sdc", "map": "mpatha"},
        active("mpatha", 1, 2, 2),
    ]
    assert str(events[0]) == "path sdc added to mpatha"

    vclient.remove_map("mpathb")
    events = take(watch, 3)
    assert [e.to_dict() for e in events] == [
        {"event": "path_removed", "device": "sdb", "map": "mpathb"},
        {"event": "path_removed", "device": "sdd", "map": "mpathb"},
        {"event": "map_removed", "name": "mpathb", "wwid": wwid_b},
    ]
    assert (events[2].kind, events[2].map, events[2].device) == ("map_removed", "mpathb", None)
    assert str(events[2]) == f"map mpathb ({wwid_b}) removed"
    quiet(watch, INTERVAL)

    # 0.8 cannot add a map device-mapper no longer has; reconfigure brings
    # it back there.
    if vsim.version == "0.8.5":
        vclient.reconfigure()
    else:
        vclient.add_map("mpathb")
    assert [e.to_dict() for e in take(watch, 3)] == [
        {"event": "map_added", "name": "mpathb", "wwid": wwid_b},
        {"event": "path_added", "device": "sdb", "map": "mpathb"},
        {"event": "path_added", "device": "sdd", "map": "mpathb"},
    ]
    quiet(watch, 2 * INTERVAL)


def restart(version: str, address: str) -> Simulator:
    """A simulator on the address of one just stopped (retrying briefly in
    case the name is still being released)."""
    deadline = time.monotonic() + 2.0
    while True:
        try:
            return Simulator(version=version, socket=address, checker_tick=None)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@pytest.mark.parametrize("version", ["0.8.5", "0.9.4", "0.11.1", "0.15.1"])
def test_a_daemon_restart_on_the_same_address(version: str) -> None:
    sim = Simulator(version=version, checker_tick=None)
    address = sim.address
    with multipathd.Watch(address, interval=INTERVAL, timeout=2.0) as watch:
        assert watch.next_event(0) is None
        sim.stop()
        e = watch.next_event(INTERVAL + MARGIN)
        assert e is not None and e.kind == "daemon_unreachable", e
        assert (e.map, e.device) == (None, None)
        error = e.to_dict()["error"]
        assert address in error
        assert str(e) == f"daemon unreachable: {error}"
        assert not watch.daemon_reachable
        # Exactly one such event: the watch keeps retrying, quietly.
        sent = watch.commands_sent
        quiet(watch, 0.6)
        assert watch.commands_sent > sent

        with restart(version, address) as sim2:
            sim2.execute("fail path sda")
            e = watch.next_event(BACKOFF + MARGIN)
            major, minor, patch = (int(n) for n in version.split("."))
            assert e is not None and e.to_dict() == {
                "event": "daemon_back",
                "version": {"major": major, "minor": minor, "patch": patch},
            }, e
            assert str(e) == f"daemon back ({version})"
            assert watch.daemon_reachable
            # Then the changes made while the watch could not look.
            events = take(watch, 3)
            assert events[0].to_dict() == path_changed("sda", "mpatha", UP, DOWN)
            assert events[1].to_dict() == active("mpatha", 2, 1, 2)
            assert events[2].kind == "map_health_changed"
            quiet(watch, 2 * INTERVAL)


def test_no_event_when_nothing_changes(sim: Simulator, client: multipathd.Client) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL) as watch:
        assert watch.next_event(0) is None
        client.list_paths()  # read-only commands change nothing
        start = time.monotonic()
        for timeout in (0.05, 0.3, 0.5):
            quiet(watch, timeout)
        elapsed = time.monotonic() - start
        # The baseline and one listing per interval since.
        assert watch.listings_sent - 1 <= elapsed / INTERVAL + 1
        assert watch.listings_sent >= 3
        # A zero timeout never sleeps.
        start = time.monotonic()
        for _ in range(50):
            assert watch.next_event(0) is None
        assert time.monotonic() - start < INTERVAL


def test_iteration_blocks_until_the_next_events(sim: Simulator, client: multipathd.Client) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL) as watch:
        assert iter(watch) is watch
        assert watch.next_event(0) is None
        client.fail_path("sdb")
        start = time.monotonic()
        kinds: List[str] = []
        for e in watch:
            kinds.append(e.kind)
            if len(kinds) == 3:
                break
        assert time.monotonic() - start <= INTERVAL + MARGIN
        assert kinds == ["path_state_changed", "active_paths_changed", "map_health_changed"]
        client.reinstate_path("sdb")
        assert next(watch).device == "sdb"


def test_the_gil_is_released_while_waiting(sim: Simulator) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL) as watch:
        assert watch.next_event(0) is None
        ticks = 0
        done = threading.Event()

        def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                time.sleep(0.001)

        t = threading.Thread(target=tick)
        t.start()
        try:
            quiet(watch, 1.0)
        finally:
            done.set()
            t.join()
        # Had the wait held the GIL, the thread could not have run.
        assert ticks > 100, ticks


def test_a_watch_in_a_thread_and_watch_events(sim: Simulator, client: multipathd.Client) -> None:
    stop = threading.Event()
    seen: List[multipathd.Event] = []

    def watcher() -> None:
        for e in multipathd.watch_events(sim.address, interval=INTERVAL, stop=stop):
            seen.append(e)

    t = threading.Thread(target=watcher)
    t.start()
    # The generator's baseline needs one poll; then the change.
    deadline = time.monotonic() + 5
    while sim.connections_accepted < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)
    client.fail_path("sda")
    deadline = time.monotonic() + INTERVAL + 2 * MARGIN
    while len(seen) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    t.join(timeout=2.0)
    assert not t.is_alive(), "the generator did not end on stop"
    assert [e.kind for e in seen] == [
        "path_state_changed",
        "active_paths_changed",
        "map_health_changed",
    ]


def test_watch_events_ends_after_a_quiet_timeout(sim: Simulator) -> None:
    start = time.monotonic()
    assert list(multipathd.watch_events(sim.address, interval=INTERVAL, timeout=0.5)) == []
    took = time.monotonic() - start
    assert 0.5 <= took <= 0.5 + MARGIN, took
    with pytest.raises(multipathd.InvalidArgument):
        next(multipathd.watch_events(sim.address, timeout=-1.0))
    with pytest.raises(multipathd.ConnectionFailed):
        next(multipathd.watch_events("@multipathd-py-test-nobody-here"))


def test_events_compare_and_hash_by_value(sim: Simulator, client: multipathd.Client) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL) as a, multipathd.Watch(
        sim.address, interval=INTERVAL
    ) as b:
        assert a.next_event(0) is None and b.next_event(0) is None
        client.fail_path("sda")
        ea, eb = take(a, 3), take(b, 3)
        assert ea == eb
        assert ea[0] != ea[1]
        assert ea[0] != "path_state_changed"
        assert len(set(ea + eb)) == 3
        assert hash(ea[2]) == hash(eb[2])
        assert repr(ea[0]) == "<Event path_state_changed: path sda (mpatha): active ready -> failed faulty>"
        with pytest.raises(AttributeError):
            ea[0].kind = "x"  # type: ignore[misc]


def test_close_and_the_context_manager(sim: Simulator) -> None:
    watch = multipathd.Watch(sim.address, interval=0.5)
    assert repr(watch) == f"Watch(socket={sim.address!r}, interval=0.5)"
    assert (watch.address, watch.interval, watch.closed) == (sim.address, 0.5, False)
    assert (watch.commands_sent, watch.listings_sent) == (0, 0)
    assert watch.daemon_reachable and not watch.uevents_active and watch.uevent_error is None
    with watch as w:
        assert w is watch
        assert w.next_event(0) is None
    assert watch.closed
    assert watch.commands_sent == 1
    watch.close()  # twice: harmless
    with pytest.raises(ValueError, match="closed"):
        watch.next_event(0)
    with pytest.raises(ValueError, match="closed"):
        next(watch)


def test_invalid_arguments_and_no_daemon(sim: Simulator) -> None:
    for interval, timeout in ((0.0, 1.0), (-1.0, 1.0), (1.0, 0.0)):
        with pytest.raises(multipathd.InvalidArgument):
            multipathd.Watch(sim.address, interval=interval, timeout=timeout)
    with multipathd.Watch(sim.address) as watch:
        for bad in (-1.0, float("nan")):
            with pytest.raises(multipathd.InvalidArgument):
                watch.next_event(bad)
    with pytest.raises(multipathd.ConnectionFailed):
        multipathd.Watch("@multipathd-py-test-nobody-here", timeout=0.5)


def test_uevents_are_optional(sim: Simulator, client: multipathd.Client) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL, uevents=True) as watch:
        # Either the socket opened, or the watch says why it polls only.
        assert watch.uevents_active != (watch.uevent_error is not None)
        assert watch.next_event(0) is None
        client.fail_path("sda")
        assert take(watch, 3)[0].device == "sda"


def test_a_hanging_daemon_is_unreachable_within_the_timeout(sim: Simulator) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL, timeout=0.3) as watch:
        assert watch.next_event(0) is None
        sim.set_fault("hang")
        start = time.monotonic()
        e = watch.next_event(INTERVAL + 0.3 + MARGIN)
        assert e is not None and e.kind == "daemon_unreachable", e
        assert time.monotonic() - start <= INTERVAL + 0.3 + MARGIN
        sim.clear_fault()
        e = watch.next_event(BACKOFF + 0.3 + MARGIN)
        assert e is not None and e.kind == "daemon_back", e


def test_other_errors_are_raised_and_the_watch_goes_on(sim: Simulator) -> None:
    with multipathd.Watch(sim.address, interval=INTERVAL) as watch:
        assert watch.next_event(0) is None
        sim.set_fault("bad-length")
        with pytest.raises(multipathd.ProtocolError):
            watch.next_event(INTERVAL + MARGIN)
        assert watch.daemon_reachable
        sim.clear_fault()
        sim.execute("fail path sdb")
        events = take(watch, 3)
        assert events[0].to_dict() == path_changed("sdb", "mpathb", UP, DOWN)


def test_a_signal_interrupts_a_blocking_wait(sim: Simulator) -> None:
    """The wait runs in slices with signal checks between them, so a
    signal handler's exception (KeyboardInterrupt for Ctrl-C) ends it."""

    class Interrupted(Exception):
        pass

    def handler(signum: int, frame: object) -> None:
        raise Interrupted()

    old = signal.signal(signal.SIGALRM, handler)
    try:
        with multipathd.Watch(sim.address, interval=INTERVAL) as watch:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            start = time.monotonic()
            with pytest.raises(Interrupted):
                next(watch)
            assert time.monotonic() - start <= 0.3 + MARGIN
            # The watch is still usable.
            assert watch.next_event(0) is None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
