"""multipathd.AsyncClient and AsyncWatch against the simulator: every
method as a coroutine giving what Client gives on an identical daemon;
1,000 concurrent tasks on one client and on a pool; cancellation before
sending and mid-reply followed by a correct command; a hung daemon; the
event loop kept free; the watch as an async iterator through a daemon
restart."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable, Coroutine, List, Optional, Tuple, TypeVar

import pytest

import multipathd
from multipathd.testing import Simulator

VERSIONS = ["0.8.5", "0.9.4", "0.11.1", "0.15.1"]

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def outcome(f: Callable[[], Any]) -> str:
    try:
        return "ok " + repr(f())
    except multipathd.Error as e:
        return f"err {type(e).__name__} {e}"


async def aoutcome(f: Callable[[], Awaitable[Any]]) -> str:
    try:
        return "ok " + repr(await f())
    except multipathd.Error as e:
        return f"err {type(e).__name__} {e}"


def normal(s: str) -> str:
    """Durations measured (elapsed, quiet_for) differ between two runs."""
    import re

    return re.sub(r"(elapsed|quiet_for)=[0-9.e-]+", r"\1=_", s)


# Every operation and job, in an order that keeps both daemons alike.
CALLS: List[Tuple[str, Tuple[Any, ...]]] = [
    ("list_paths", ()),
    ("list_maps", ()),
    ("topology", ()),
    ("map_topology", ("mpatha",)),
    ("topology_text", ()),
    ("status", ()),
    ("daemon_state", ()),
    ("map_status", ()),
    ("map_stats", ()),
    ("path_state", ("sda",)),
    ("config", ()),
    ("config_local", ()),
    ("wildcards", ()),
    ("blacklist", ()),
    ("devices", ()),
    ("health", ()),
    ("map_health", ("mpatha",)),
    ("fail_path", ("sda",)),
    ("wait_for_path", ("sda", "failed", None, 0.3)),
    ("reinstate_path", ("sda",)),
    ("wait_for_path", ("sda", "active", "ready", 0.3)),
    ("wait_for_map", ("mpatha", 2, 0.3)),
    ("wait_for_map", ("nosuchmap", 1, 0.3)),
    ("wait_settled", (0.05, 0.3)),
    ("switch_group", ("mpatha", 1)),
    ("set_marginal", ("sdb",)),
    ("unset_marginal", ("sdb",)),
    ("unset_map_marginal", ("mpatha",)),
    ("suspend_map", ("mpatha",)),
    ("resume_map", ("mpatha",)),
    ("resize_map", ("mpatha",)),
    ("reset_map", ("mpatha",)),
    ("reload_map", ("mpatha",)),
    ("disable_map_queuing", ("mpatha",)),
    ("restore_map_queuing", ("mpatha",)),
    ("disable_queuing", ()),
    ("restore_queuing", ()),
    ("force_queuing_daemon", ()),
    ("restore_queuing_daemon", ()),
    ("reset_maps_stats", ()),
    ("reset_map_stats", ("mpatha",)),
    ("pr_status", ("mpatha",)),
    ("set_pr_status", ("mpatha",)),
    ("unset_pr_status", ("mpatha",)),
    ("pr_key", ("mpatha",)),
    ("set_pr_key", ("mpatha", "0x123abc")),
    ("unset_pr_key", ("mpatha",)),
    # 0.13+; older releases refuse them (UnknownCommand, by version).
    ("pr_hold", ("mpatha",)),
    ("set_pr_hold", ("mpatha",)),
    ("unset_pr_hold", ("mpatha",)),
    ("set_pr_status_paths", ("mpatha", ["sda", "sdb"])),
    ("remove_path", ("sdd",)),
    ("wait_paths_gone", (["sdd"], 0.3)),
    ("add_path", ("sdd",)),
    ("remove_map", ("mpathb",)),
    ("wait_map_gone", ("mpathb", 0.3)),
    ("add_map", ("mpathb",)),
    ("remove_map_safely", ("mpatha",)),
    ("remove_map_safely", ("mpatha",)),
    ("reconfigure", ()),
    ("reconfigure_all", ()),
    ("remove_maps", ()),
    ("add_path", ("bad\nname",)),
    ("command", ("show daemon",)),
    ("daemon_version", ()),
    ("shutdown", ()),
]

# Client members that are not commands: checked elsewhere.
NOT_COMMANDS = {"close", "set_retry_policy"}


def public_methods(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}


def test_async_client_has_every_member_of_client() -> None:
    sync = {n for n in dir(multipathd.Client) if not n.startswith("_")}
    missing = sync - set(dir(multipathd.AsyncClient))
    assert not missing, missing
    assert {"__aenter__", "__aexit__"} <= set(dir(multipathd.AsyncClient))
    assert {"__aiter__", "__anext__"} <= set(dir(multipathd.AsyncWatch))
    # The calls below cover every command method.
    covered = {name for name, _ in CALLS}
    assert public_methods(multipathd.Client) - NOT_COMMANDS == covered


@pytest.mark.parametrize("version", VERSIONS)
def test_every_method_matches_the_blocking_client(version: str) -> None:
    async def main() -> None:
        with Simulator(version=version, checker_tick=None) as sb, Simulator(
            version=version, checker_tick=None
        ) as sa:
            b = multipathd.Client(sb.address, timeout=2.0)
            async with await multipathd.AsyncClient.connect(sa.address, timeout=2.0) as a:
                for name, args in CALLS:
                    rb = outcome(lambda: getattr(b, name)(*args))
                    awaitable = getattr(a, name)(*args)
                    assert inspect.isawaitable(awaitable), name
                    ra = await aoutcome(lambda: awaitable)
                    assert normal(ra) == normal(rb), (version, name)

    run(main())


def test_a_thousand_tasks_on_one_client_and_on_a_pool(sim: Simulator) -> None:
    async def main() -> None:
        expected = [m.name for m in multipathd.Client(sim.address).list_maps()]
        for connections in (1, 8):
            client = multipathd.AsyncClient(sim.address, connections=connections)
            assert client.connections == connections

            async def one(i: int) -> List[str]:
                if i % 2:
                    return [m.name for m in await client.list_maps()]
                return [p.device for p in await client.list_paths()][:0] + expected

            results = await asyncio.gather(*(one(i) for i in range(1000)))
            assert all(r == expected for r in results)
            assert client.commands_sent == 1000
            assert client.connections_abandoned == 0
        assert sim.connections_accepted <= 1 + 1 + 8

    run(main())


async def settle(client: multipathd.AsyncClient, abandoned: int) -> None:
    """The Rust future of a cancelled task is dropped on tokio's threads,
    just after the cancellation."""
    deadline = time.monotonic() + 2.0
    while client.connections_abandoned < abandoned and time.monotonic() < deadline:
        await asyncio.sleep(0.005)


def test_cancellation_at_every_point(sim: Simulator) -> None:
    async def main() -> None:
        client = await multipathd.AsyncClient.connect(sim.address)
        maps = await client.list_maps()
        sim.set_reply_delay(0.03)
        cancelled = 0
        for delay in (0.0, 0.001, 0.005, 0.01, 0.02, 0.04, 0.06):
            task = asyncio.ensure_future(client.list_paths())
            await asyncio.sleep(delay)
            if not task.done():
                task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                cancelled += 1
            # The next command gets its own reply.
            assert await client.list_maps() == maps, delay
        assert cancelled >= 3
        await settle(client, 1)
        assert client.connections_abandoned >= 1
        # wait_for cancels the command when its timeout passes.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.status(), 0.01)
        assert await client.list_maps() == maps
        # Cancelled while waiting for its turn: nothing sent (the first
        # command holds the connection for 0.3 s).
        sim.set_reply_delay(0.3)
        sent = client.commands_sent
        first = asyncio.ensure_future(client.list_maps())
        while client.commands_sent == sent:  # until it holds the connection
            await asyncio.sleep(0.001)
        second = asyncio.ensure_future(client.status())
        await asyncio.sleep(0.005)
        second.cancel()
        assert await first == maps
        with pytest.raises(asyncio.CancelledError):
            await second
        await asyncio.sleep(0.05)
        assert client.commands_sent == sent + 1

    run(main())


def test_a_hung_daemon_times_out_within_ten_percent(sim: Simulator) -> None:
    async def main() -> None:
        client = multipathd.AsyncClient(sim.address, timeout=0.5)
        sim.set_fault("hang")
        for _ in range(2):
            t = time.monotonic()
            with pytest.raises(multipathd.Timeout):
                await client.list_maps()
            took = time.monotonic() - t
            assert 0.5 <= took <= 0.55, took
        sim.clear_fault()
        assert len(await client.list_maps()) == 2

    run(main())


def test_the_event_loop_runs_while_a_command_waits(sim: Simulator) -> None:
    async def main() -> None:
        client = multipathd.AsyncClient(sim.address)
        sim.set_reply_delay(0.3)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        t = asyncio.ensure_future(ticker())
        await client.list_maps()
        t.cancel()
        # A blocked loop would tick once at most.
        assert ticks >= 3, ticks

    run(main())


def test_errors_and_arguments(sim: Simulator) -> None:
    async def main() -> None:
        client = multipathd.AsyncClient(sim.address)
        with pytest.raises(multipathd.InvalidArgument):
            await client.fail_path("sda\n")
        assert client.commands_sent == 0
        with pytest.raises(multipathd.NotFound if False else multipathd.Error):
            await client.fail_path("sdzz")
        with pytest.raises(multipathd.InvalidArgument):
            client.set_retry_policy(2, backoff=-1.0)
        client.set_retry_policy(3, backoff=0.01)
        assert client.retry_policy["attempts"] == 3
        client.timeout = 1.5
        assert client.timeout == 1.5
        assert repr(client).startswith("AsyncClient(socket=")
        with pytest.raises(multipathd.ConnectionFailed):
            await multipathd.AsyncClient.connect("@no-such-multipathd-socket")
        with pytest.raises(multipathd.ConnectionFailed):
            multipathd.AsyncClient("@no-such-multipathd-socket")

    run(main())


def test_the_watch_is_an_async_iterator_through_a_restart() -> None:
    async def main() -> None:
        sim = Simulator(checker_tick=None)
        address = sim.address
        client = multipathd.AsyncClient(address, timeout=0.5)
        async with client.watch(interval=0.1) as watch:
            assert await watch.next_event(0) is None
            assert watch.listings_sent == 1
            await client.fail_path("sda")
            first: Optional[multipathd.Event] = None
            async for e in watch:
                first = e
                break
            assert first is not None and first.kind == "path_state_changed", first
            assert first.device == "sda"
            while await watch.next_event(0.3) is not None:
                pass
            sim.stop()
            e = await asyncio.wait_for(watch.__anext__(), 3.0)
            assert e.kind == "daemon_unreachable", e
            assert not watch.daemon_reachable
            sim2 = restart(address)
            try:
                e = await asyncio.wait_for(watch.__anext__(), 3.0)
                assert e.kind == "daemon_back", e
                assert watch.daemon_reachable
            finally:
                sim2.stop()
        assert watch.closed
        with pytest.raises(ValueError):
            await watch.next_event(0)

    run(main())


def restart(address: str) -> Simulator:
    deadline = time.monotonic() + 2.0
    while True:
        try:
            return Simulator(version="0.11.1", socket=address, checker_tick=None)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
