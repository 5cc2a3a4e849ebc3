"""The Python participant of the fault campaign (tests/faults/campaign).

    python driver.py SOCKET DIR PATH TIMEOUT_MS [THREADS]

THREADS threads (default 2) share one multipathd.Client (the GIL is
released while each call waits) and issue a mix of reads and actions
(fail_path/reinstate_path PATH) until DIR/stop appears; then a read must
succeed within DIR/recover-ms. Prints one JSON object like the Rust
driver's.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Dict, Optional

import multipathd

sock, dirname, path, timeout_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
timeout = timeout_ms / 1000.0
trust = "any" if os.environ.get("MPD_CAMPAIGN_TRUST_ANY") else None
lock = threading.Lock()
tally: Dict[str, Any] = {
    "calls": 0,
    "ok": 0,
    "errors": {},
    "longest_ms": 0.0,
    "actions_sent": {},
    "actions_ok": {},
}


def stopped() -> bool:
    return os.path.exists(os.path.join(dirname, "stop"))


def record(started: float, err: Optional[multipathd.Error], action: Optional[str] = None) -> None:
    ms = (time.monotonic() - started) * 1000.0
    with lock:
        tally["calls"] += 1
        tally["longest_ms"] = max(tally["longest_ms"], round(ms, 1))
        if err is None:
            tally["ok"] += 1
        else:
            kind = err.kind or "binding"
            tally["errors"][kind] = tally["errors"].get(kind, 0) + 1
        if action:
            tally["actions_sent"][action] = tally["actions_sent"].get(action, 0) + 1
            if err is None:
                tally["actions_ok"][action] = tally["actions_ok"].get(action, 0) + 1


def call(fn: Any, action: Optional[str] = None) -> bool:
    t = time.monotonic()
    try:
        fn()
    except multipathd.Error as e:
        record(t, e, action)
        return False
    record(t, None, action)
    return True


client: Optional[multipathd.Client] = None
while client is None and not stopped():
    t = time.monotonic()
    try:
        client = multipathd.Client(sock, timeout=timeout, trust=trust)
        record(t, None)
    except multipathd.Error as e:
        record(t, e)
        time.sleep(0.05)


def worker(n: int) -> None:
    assert client is not None
    i = 0
    while not stopped():
        i += 1
        step = i % 6
        if step in (0, 3):
            call(client.list_paths)
        elif step == 1:
            call(client.list_maps)
        elif step == 4:
            call(client.status)
        elif n == 0:
            # One thread sends the actions, so that fail and reinstate alternate.
            if i % 12 < 6:
                call(lambda: client.fail_path(path), "fail_path")
            else:
                call(lambda: client.reinstate_path(path), "reinstate_path")
        time.sleep(0.01)


recovered_ms = None
if client is not None:
    ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    try:
        with open(os.path.join(dirname, "recover-ms")) as f:
            limit = int(f.read().strip())
    except OSError:
        limit = 15000
    t = time.monotonic()
    while (time.monotonic() - t) * 1000 < limit:
        try:
            client.list_maps()
            recovered_ms = int((time.monotonic() - t) * 1000)
            break
        except multipathd.Error:
            time.sleep(0.05)

print(
    json.dumps(
        {
            "participant": "python",
            "threads": threads,
            # A call may first wait for the call of each other thread on
            # the shared client (one at a time), then connect and read.
            "deadline_ms": threads * 2 * timeout_ms,
            "client": tally,
            "recovered_ms": recovered_ms,
        }
    )
)
