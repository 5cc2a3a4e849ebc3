"""Smoke test of the Python binding against a real multipathd.

tests/real/conformance boots multipathd 0.8.5, 0.9.4, 0.11.1 and 0.15.1 in QEMU
guests and runs this file against each, with MPD_REAL_SOCKET (root peer),
MPD_REAL_NONROOT_SOCKET (non-root peer), MPD_REAL_VERSION and
MPD_REAL_SPACE_ALIAS set (see tests/real/README.md). Without
MPD_REAL_SOCKET every test is skipped, with a warning in pytest's summary
saying so. The full conformance suite is the Rust one
(crates/mpd-client/tests/real_daemon.rs); this checks the same basic round
trip through the binding.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Callable, Iterator, Optional, Tuple

import pytest

import multipathd

SOCKET = os.environ.get("MPD_REAL_SOCKET")
NOT_RUN = (
    "MPD_REAL_SOCKET is unset: the smoke test against a real multipathd was "
    "NOT run (tests/real/conformance runs it on 0.8.5, 0.9.4, 0.11.1 and 0.15.1)"
)

if not SOCKET:
    warnings.warn(NOT_RUN, pytest.PytestWarning, stacklevel=1)
    pytestmark = pytest.mark.skip(reason=NOT_RUN)

# Long enough for what the daemon does on its own in a slow emulated guest.
SLOW = 60.0


def env(name: str) -> str:
    value = os.environ.get(name)
    assert value, f"{name} is not set (tests/real/conformance sets it)"
    return value


def eventually(what: str, limit: float, check: Callable[[], bool]) -> None:
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < limit, f"{what}: not within {limit} s"
        time.sleep(0.2)
    print(f"{what}: after {time.monotonic() - start:.1f} s")


def healthy(p: multipathd.Path) -> bool:
    return p.dm_state == "active" and p.checker_state == "ready"


def find(paths: "list[multipathd.Path]", device: str) -> Optional[multipathd.Path]:
    return next((p for p in paths if p.device == device), None)


def path_of(c: multipathd.Client, device: str) -> multipathd.Path:
    p = find(c.list_paths(), device)
    assert p is not None, f"{device} not listed"
    return p


@pytest.fixture
def client() -> Iterator[multipathd.Client]:
    """A root client, once every map and path is listed and healthy."""
    luns, per_map = int(env("MPD_REAL_LUNS")), int(env("MPD_REAL_PATHS"))
    with multipathd.Client(env("MPD_REAL_SOCKET"), timeout=20.0) as c:
        assert c.daemon_version() == multipathd.DaemonVersion.parse(
            env("MPD_REAL_VERSION")
        )

        since: "list[float]" = []

        def settled() -> bool:
            """True once every map and path has been listed and healthy for
            a second (the daemon may still drop and re-add a map right
            after a change)."""
            paths = c.list_paths()
            good = (
                len(c.list_maps()) == luns
                and len(paths) == luns * per_map
                and all(healthy(p) for p in paths)
            )
            if not good:
                since.clear()
                return False
            if not since:
                since.append(time.monotonic())
            return time.monotonic() - since[0] >= 1.0

        eventually("every map and path healthy and stable", SLOW, settled)
        yield c


def map_and_path(c: multipathd.Client) -> Tuple[str, str]:
    """A map whose name has no space, and one of its paths."""
    alias = os.environ.get("MPD_REAL_SPACE_ALIAS")
    name = next(m.name for m in c.list_maps() if m.name != alias)
    device = next(p.device for p in c.list_paths() if p.map == name)
    return name, device


def checker_interval(c: multipathd.Client) -> float:
    """max_polling_interval from show config, plus one polling_interval of
    slack for the emulated guest."""
    values: "dict[str, int]" = {}
    for line in c.config().splitlines():
        words = line.split()
        if len(words) == 2 and words[1].isdigit():
            values.setdefault(words[0], int(words[1]))
    polling = values["polling_interval"]
    return float(values.get("max_polling_interval", 4 * polling) + polling)


def test_lists_and_topology_agree(client: multipathd.Client) -> None:
    paths = client.list_paths()
    maps = client.list_maps()
    topology = client.topology()
    assert maps and paths
    assert sorted(m.name for m in maps) == sorted(t.name for t in topology.maps)
    assert len(topology.paths()) == len(paths)
    for m in maps:
        t = topology.map(m.name)
        assert t is not None, m.name
        assert (t.uuid, t.device) == (m.uuid, m.device)
        in_groups = [p for g in t.path_groups for p in g.paths]
        assert t.total_paths == len(in_groups)
        # Every path is healthy here (the fixture waits for it): all count.
        assert m.active_paths == len(in_groups)
        for tp in in_groups:
            p = find(paths, tp.device)
            assert p is not None, tp.device
            assert p.map == m.name
            assert p.uuid == m.uuid
            assert (p.major, p.minor) == (tp.major, tp.minor)
    assert client.status().paths == len(paths)


def test_fail_path_then_reinstate_path(client: multipathd.Client) -> None:
    name, device = map_and_path(client)
    limit = checker_interval(client)
    client.fail_path(device)
    try:
        eventually(
            f"{device} failed",
            limit,
            lambda: path_of(client, device).dm_state == "failed",
        )
    finally:
        client.reinstate_path(device)
    eventually(
        f"{device} active again",
        limit,
        lambda: healthy(path_of(client, device)),
    )
    assert path_of(client, device).map == name


def test_nonroot_peer_is_denied_and_can_list(client: multipathd.Client) -> None:
    name, device = map_and_path(client)
    maps = client.list_maps()
    with multipathd.Client(env("MPD_REAL_NONROOT_SOCKET"), timeout=20.0) as user:
        assert [m.name for m in user.list_maps()] == [m.name for m in maps]
        assert len(user.list_paths()) == len(client.list_paths())
        assert len(user.topology().maps) == len(maps)
        actions: "list[Tuple[str, Callable[[], object]]]" = [
            ("reconfigure", user.reconfigure),
            ("fail_path", lambda: user.fail_path(device)),
            ("reinstate_path", lambda: user.reinstate_path(device)),
            ("suspend_map", lambda: user.suspend_map(name)),
            ("resume_map", lambda: user.resume_map(name)),
            ("remove_map", lambda: user.remove_map(name)),
            ("disable_queuing", user.disable_queuing),
        ]
        for what, action in actions:
            with pytest.raises(multipathd.PermissionDenied) as e:
                action()
            assert isinstance(e.value, PermissionError), what
            assert e.value.command, what
        assert len(user.list_maps()) == len(maps)
    assert all(healthy(p) for p in client.list_paths())


def test_missing_map_or_path_is_a_typed_failure(client: multipathd.Client) -> None:
    version = client.daemon_version()
    # 0.10+ add "device not found"; 0.8.5 and 0.9.4 answer a bare "fail".
    says_not_found = version >= (0, 10, 0)
    actions: "list[Tuple[str, Callable[[], object]]]" = [
        ("map_topology", lambda: client.map_topology("nosuchmap")),
        ("reload_map", lambda: client.reload_map("nosuchmap")),
        ("fail_path", lambda: client.fail_path("nosuchpath")),
    ]
    for what, action in actions:
        with pytest.raises(multipathd.CommandFailed) as e:
            action()
        assert e.value.not_found is says_not_found, (what, e.value.reply)
    # suspend answers a bare "fail" on every release.
    with pytest.raises(multipathd.CommandFailed) as e:
        client.suspend_map("nosuchmap")
    assert e.value.not_found is False
    with pytest.raises(multipathd.Blacklisted):
        client.add_path("nosuchpath")


def test_pr_hold_and_pathlist(client: multipathd.Client) -> None:
    """0.13+: the PR hold round trip and setprstatus with a path list;
    before: UnknownCommand with the version, however the release refused."""
    version = client.daemon_version()
    name, device = map_and_path(client)
    if version >= (0, 13, 0):
        assert client.pr_hold(name) is multipathd.PrStatus.UNSET
        client.set_pr_hold(name)
        try:
            assert client.pr_hold(name) is multipathd.PrStatus.SET
        finally:
            client.unset_pr_hold(name)
        assert client.pr_hold(name) is multipathd.PrStatus.UNSET
        client.set_pr_status_paths(name, [device])
        # No key configured: the registration fails, the status stays unset.
        assert client.pr_status(name) is multipathd.PrStatus.UNSET
        with pytest.raises(multipathd.NotFound):
            client.pr_hold("nosuchmap")
    else:
        calls: "list[Callable[[], object]]" = [
            lambda: client.pr_hold(name),
            lambda: client.set_pr_hold(name),
            lambda: client.set_pr_status_paths(name, [device]),
        ]
        for call in calls:
            with pytest.raises(multipathd.UnknownCommand) as e:
                call()
            assert e.value.version == version


def test_jobs_and_watch(client: multipathd.Client) -> None:
    """Health, waits and the watch through the binding: a failed path shows
    as a failure event and a degraded map, and its reinstatement as the
    reverse."""
    name, device = map_and_path(client)
    limit = checker_interval(client)
    assert client.health().all_healthy()
    assert client.wait_for_map(name, 1, timeout=limit).name == name
    with multipathd.Watch(env("MPD_REAL_SOCKET"), interval=0.5, timeout=20.0) as w:
        assert w.next_event(0.2) is None  # the first listing is the baseline
        client.fail_path(device)
        try:
            p = client.wait_for_path(device, dm_state="failed", timeout=limit)
            assert p.dm_state == multipathd.PathDmState.FAILED
            h = client.map_health(name)
            assert h.state == multipathd.HealthState.DEGRADED, h
            assert device in [d.device for d in h.down_paths]
            seen: "list[multipathd.Event]" = []
            start = time.monotonic()
            while not any(
                e.kind == "path_state_changed" and e.device == device for e in seen
            ):
                assert time.monotonic() - start < limit, seen
                e = w.next_event(limit)
                if e is not None:
                    print(f"event: {e}")
                    seen.append(e)
        finally:
            client.reinstate_path(device)
        client.wait_for_path(device, dm_state="active", checker_state="ready", timeout=2 * limit)
        eventually(
            f"{name} healthy",
            limit,
            lambda: client.map_health(name).state == multipathd.HealthState.HEALTHY,
        )
        assert w.listings_sent >= 2


def test_async_client_round_trip(client: multipathd.Client) -> None:
    """The same round trip through multipathd.AsyncClient: listings,
    concurrent tasks, a cancelled command, fail/reinstate with the waits,
    the async watch."""
    import asyncio

    name, device = map_and_path(client)
    limit = checker_interval(client)
    maps = client.list_maps()
    paths = [p.device for p in client.list_paths()]

    async def main() -> None:
        async with await multipathd.AsyncClient.connect(
            env("MPD_REAL_SOCKET"), timeout=20.0, connections=4
        ) as a:
            assert await a.daemon_version() == client.daemon_version()
            assert await a.list_maps() == maps
            assert [p.device for p in await a.list_paths()] == paths
            results = await asyncio.gather(*(a.list_maps() for _ in range(100)))
            assert all(r == maps for r in results)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(a.topology(), 0.0001)
            assert await a.list_maps() == maps
            watch = a.watch(interval=0.5)
            assert await watch.next_event(0) is None
            await a.fail_path(device)
            try:
                p = await a.wait_for_path(device, dm_state="failed", timeout=limit)
                assert p.dm_state == "failed"
                # The watch sees the failure (before the reinstatement, so
                # that two snapshots differ).
                seen = False
                deadline = time.monotonic() + limit
                while not seen and time.monotonic() < deadline:
                    e = await watch.next_event(1.0)
                    seen = e is not None and e.kind == "path_state_changed" and e.device == device
                assert seen, f"the async watch saw {device} change"
            finally:
                await a.reinstate_path(device)
            watch.close()
            await a.wait_for_path(device, dm_state="active", checker_state="ready", timeout=SLOW)
            m = await a.wait_for_map(name, 1, timeout=SLOW)
            assert m.name == name
            with pytest.raises(multipathd.InvalidArgument):
                await a.fail_path("sda\n")

    asyncio.run(main())
