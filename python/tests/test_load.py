"""Load: one Client shared by many threads (the GIL is released while each
call waits, calls take turns on the client), many clients in many threads,
and many client processes, all against one simulator: no error, no
deadlock (every thread and process must finish within a bound), and every
call reaches the daemon once. Throughput is printed (run with -s to see
it; the numbers are not asserted)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Callable, List

import multipathd
from multipathd.testing import Simulator

CALLS = 200


def _mix(c: multipathd.Client, i: int, dev: str) -> None:
    step = i % 4
    if step == 0:
        assert c.list_paths()
    elif step == 1:
        assert c.list_maps()
    elif step == 2:
        c.fail_path(dev)
    else:
        c.reinstate_path(dev)


def _run_threads(n: int, target: Callable[[int], None]) -> float:
    errors: List[BaseException] = []

    def wrapped(k: int) -> None:
        try:
            target(k)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    start = time.monotonic()
    ts = [threading.Thread(target=wrapped, args=(k,), daemon=True) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread did not finish: deadlock or hang"
    assert not errors, errors
    return time.monotonic() - start


def _devs() -> List[str]:
    return [f"sd{chr(ord('a') + k)}" for k in range(8)]


def test_one_client_shared_by_many_threads() -> None:
    with Simulator(maps=4, immediate=True, checker_tick=None) as sim:
        with multipathd.Client(sim.address) as c:
            before = c.commands_sent

            def one(k: int) -> None:
                for i in range(CALLS):
                    _mix(c, i, _devs()[k])

            secs = _run_threads(8, one)
            assert c.commands_sent - before == 8 * CALLS
    print(f"\nPython, 1 client shared by 8 threads: {8 * CALLS / secs:.0f} calls/s")


def test_many_clients_in_many_threads() -> None:
    with Simulator(maps=4, immediate=True, checker_tick=None) as sim:

        def one(k: int) -> None:
            with multipathd.Client(sim.address) as c:
                for i in range(CALLS):
                    _mix(c, i, _devs()[k])

        secs = _run_threads(8, one)
        assert sim.connections_accepted >= 8
    print(f"\nPython, 8 clients in 8 threads: {8 * CALLS / secs:.0f} calls/s")


_CHILD = """
import sys, multipathd
address, dev, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
with multipathd.Client(address) as c:
    for i in range(calls):
        step = i % 4
        if step == 0:
            assert c.list_paths()
        elif step == 1:
            assert c.list_maps()
        elif step == 2:
            c.fail_path(dev)
        else:
            c.reinstate_path(dev)
"""


def test_many_clients_in_many_processes() -> None:
    with Simulator(maps=4, immediate=True, checker_tick=None) as sim:
        start = time.monotonic()
        procs = [
            subprocess.Popen([sys.executable, "-c", _CHILD, sim.address, d, str(CALLS)])
            for d in _devs()[:4]
        ]
        for p in procs:
            assert p.wait(timeout=120) == 0, "a client process failed"
        secs = time.monotonic() - start
    print(f"\nPython, 4 client processes: {4 * CALLS / secs:.0f} calls/s (including interpreter start-up)")
