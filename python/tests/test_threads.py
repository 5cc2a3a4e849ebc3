"""The GIL is released while a call waits on the socket."""

from __future__ import annotations

import threading
import time

import multipathd
from multipathd.testing import Simulator


def test_other_threads_run_while_a_call_waits() -> None:
    with Simulator(reply_delay=1.0) as sim, multipathd.Client(sim.address, timeout=5.0) as c:
        done = threading.Event()
        result: list[object] = []

        def call() -> None:
            started = time.monotonic()
            result.append(c.daemon_state())
            result.append(time.monotonic() - started)
            done.set()

        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.1)  # the call is now waiting on the slow daemon
        counter = 0
        while not done.is_set():
            counter += 1
        t.join()
        assert isinstance(result[0], multipathd.DaemonState)
        assert isinstance(result[1], float) and result[1] >= 1.0
        # Had the call held the GIL, this loop could not have run at all
        # during the ~0.9 s left; it runs millions of times per second.
        assert counter > 100_000, counter


def test_calls_from_threads_take_turns_on_one_client() -> None:
    with Simulator(reply_delay=0.2) as sim, multipathd.Client(sim.address, timeout=5.0) as c:
        results: list[int] = []
        start = time.monotonic()
        threads = [
            threading.Thread(target=lambda: results.append(len(c.list_maps()))) for _ in range(4)
        ]
        for t in threads:
            t.start()
        # The main thread can use the client's properties meanwhile.
        assert c.address == sim.address
        for t in threads:
            t.join()
        assert results == [2, 2, 2, 2]
        assert time.monotonic() - start >= 0.8  # one after the other


def test_timeout_property_does_not_block_other_threads() -> None:
    with Simulator(reply_delay=1.0) as sim, multipathd.Client(sim.address, timeout=5.0) as c:
        t = threading.Thread(target=c.daemon_state)
        t.start()
        time.sleep(0.1)
        ticks = 0
        stop = threading.Event()

        def tick() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.001)

        ticker = threading.Thread(target=tick)
        ticker.start()
        assert c.timeout == 5.0  # waits for the call, with the GIL released
        stop.set()
        ticker.join()
        t.join()
        assert ticks > 50
