"""A small typed program over the multipathd package (checked with
``mypy --strict`` by the test suite).

It prints the maps and paths, fails a path, waits until the daemon shows it
failed, reinstates it, and reports what it saw.

Run it against a real daemon (as root)::

    python typed_example.py @/org/kernel/linux/storage/multipathd sda

or, with no arguments, against a simulated 0.11.1 daemon started here.
"""

from __future__ import annotations

import sys
import time
from typing import Dict, List, Optional

import multipathd
from multipathd.testing import Simulator


def path_states(client: multipathd.Client) -> Dict[str, Optional[str]]:
    """Each path's state in the device-mapper table."""
    return {p.device: p.dm_state for p in client.list_paths()}


def wait_for(client: multipathd.Client, device: str, state: str, timeout: float) -> bool:
    """Polls until `device` shows `state`, or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path_states(client).get(device) == state:
            return True
        time.sleep(0.1)
    return False


def exercise(address: str, device: str) -> List[str]:
    """Fails and reinstates one path; returns a log of what happened."""
    log: List[str] = []
    with multipathd.Client(address, timeout=4.0) as client:
        version: multipathd.DaemonVersion = client.daemon_version()
        log.append(f"multipathd {version} at {client.address}")
        topology: multipathd.Topology = client.topology()
        for m in topology.maps:
            groups = ", ".join(
                f"group {g.number}: {' '.join(p.device for p in g.paths)}" for g in m.path_groups
            )
            log.append(f"map {m.name} ({m.device}): {groups}")
        try:
            client.fail_path(device)
        except multipathd.PermissionDenied:
            log.append("not root: cannot fail a path")
            return log
        except multipathd.CommandFailed as e:
            log.append(f"no such path {device}: {e.message or e.reply}")
            return log
        log.append(f"{device} failed: {wait_for(client, device, 'failed', 5.0)}")
        client.reinstate_path(device)
        log.append(f"{device} active again: {wait_for(client, device, 'active', 30.0)}")
        stats: Dict[str, Optional[int]] = {s.name: s.path_faults for s in client.map_stats()}
        log.append(f"path faults per map: {stats}")
        if version >= (0, 9, 0):
            client.reconfigure_all()
            log.append("reconfigured all maps")
    return log


def main(argv: List[str]) -> int:
    if len(argv) >= 2:
        lines = exercise(argv[1], argv[2] if len(argv) > 2 else "sda")
    else:
        with Simulator(version="0.11.1", maps=2, paths_per_map=2) as sim:
            lines = exercise(sim.address, "sda")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
