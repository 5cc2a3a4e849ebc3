#!/usr/bin/env python3
"""multipathd.AsyncClient against the blocking Client on threads and against
``asyncio.create_subprocess_exec("multipathd", "show", "daemon")``: commands/s
and per-command latency with 1, 10 and 100 concurrent tasks, all on the same
simulator socket (the daemon's default abstract address, which is what the
official client knows: the script re-runs itself under ``unshare -n`` so
that the address is private to it).

    python/run-tests -q test_async.py     # builds python/.venv with the wheel
    python/.venv/bin/python bench/async/async_py.py [--commands N] [--spawns N]

Needs root (unshare) and the official client (Debian's multipath-tools). It
prints a table and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Awaitable, Callable, List, Tuple

import multipathd
from multipathd.testing import Simulator

ADDRESS = "@/org/kernel/linux/storage/multipathd"


def summary(mode: str, tasks: int, wall: float, lat: List[float]) -> Tuple[str, int, float, float, float]:
    lat.sort()
    p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
    return (mode, tasks, len(lat) / wall, statistics.median(lat) * 1e6, p99 * 1e6)


async def run_tasks(tasks: int, total: int, call: Callable[[], Awaitable[object]]) -> Tuple[float, List[float]]:
    per = max(1, total // tasks)
    lat: List[float] = []

    async def one() -> None:
        for _ in range(per):
            t = time.perf_counter()
            await call()
            lat.append(time.perf_counter() - t)

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(tasks)))
    return time.perf_counter() - start, lat


def threads(tasks: int, total: int) -> Tuple[float, List[float]]:
    per = max(1, total // tasks)
    lat: List[float] = []
    lock = threading.Lock()

    def one() -> None:
        c = multipathd.Client(ADDRESS)
        mine = []
        for _ in range(per):
            t = time.perf_counter()
            c.daemon_state()
            mine.append(time.perf_counter() - t)
        with lock:
            lat.extend(mine)

    start = time.perf_counter()
    with ThreadPoolExecutor(tasks) as ex:
        for f in [ex.submit(one) for _ in range(tasks)]:
            f.result()
    return time.perf_counter() - start, lat


async def main(commands: int, spawns: int, official: str) -> None:
    rows = []
    for tasks in (1, 10, 100):
        one = multipathd.AsyncClient(ADDRESS)
        wall, lat = await run_tasks(tasks, commands, one.daemon_state)
        rows.append(summary("AsyncClient", tasks, wall, lat))
        pool = multipathd.AsyncClient(ADDRESS, connections=min(tasks, 16))
        wall, lat = await run_tasks(tasks, commands, pool.daemon_state)
        rows.append(summary("AsyncClient pool", tasks, wall, lat))
        wall, lat = threads(tasks, commands)
        rows.append(summary("Client threads", tasks, wall, lat))

        async def spawn() -> None:
            p = await asyncio.create_subprocess_exec(
                official, "show", "daemon", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            out, _ = await p.communicate()
            assert p.returncode == 0 and out, out

        wall, lat = await run_tasks(tasks, max(spawns, tasks), spawn)
        rows.append(summary("subprocess", tasks, wall, lat))

    print(f"`show daemon` per command; {commands} commands per client row, {spawns} per subprocess row")
    print(f"{'mode':<18} {'tasks':>5} {'cmds/s':>10} {'p50 µs':>10} {'p99 µs':>10}")
    for mode, tasks, per_s, p50, p99 in rows:
        print(f"{mode:<18} {tasks:>5} {per_s:>10.0f} {p50:>10.1f} {p99:>10.1f}")
    by = {(r[0], r[1]): r[2] for r in rows}
    print(
        "10 tasks: AsyncClient / subprocess commands/s = "
        f"{by[('AsyncClient', 10)] / by[('subprocess', 10)]:.0f}x (goal: at least 10x); "
        f"pool: {by[('AsyncClient pool', 10)] / by[('subprocess', 10)]:.0f}x"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--commands", type=int, default=3000)
    ap.add_argument("--spawns", type=int, default=200)
    args = ap.parse_args()
    if os.environ.get("MPD_BENCH_UNSHARED") != "1":
        os.environ["MPD_BENCH_UNSHARED"] = "1"
        os.execvp("unshare", ["unshare", "-n", sys.executable, *sys.argv])
    official = shutil.which("multipathd") or "/sbin/multipathd"
    with Simulator(socket=ADDRESS, checker_tick=None):
        asyncio.run(main(args.commands, args.spawns, official))
