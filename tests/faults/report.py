"""Reads the participants' JSON and the daemon's command log of a fault
campaign (tests/faults/campaign), prints the table and checks the rules.
Exits 1 if a rule is broken."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--target", required=True)
ap.add_argument("--restarts", type=int, required=True)
ap.add_argument("--kills", type=int, required=True)
ap.add_argument("--terms", type=int, required=True)
ap.add_argument("--seconds", type=int, required=True)
ap.add_argument("--paths", nargs=3, required=True)
ap.add_argument("--command-log")
ap.add_argument("--log-kind", default="commands", choices=["commands", "daemon-log"])
a = ap.parse_args()

failures: List[str] = []


def load(name: str) -> Optional[Dict[str, Any]]:
    p = os.path.join(a.dir, f"{name}.json")
    try:
        with open(p) as f:
            text = f.read().strip()
        return json.loads(text.splitlines()[-1])
    except (OSError, ValueError, IndexError) as e:
        failures.append(f"{name}: no result ({e})")
        return None


received: Dict[str, int] = {}
total_received = None
if a.command_log:
    with open(a.command_log) as f:
        lines = f.read().splitlines()
    total_received = len(lines)
    for line in lines:
        received[line] = received.get(line, 0) + 1


def log_count(op: str, dev: str) -> Optional[int]:
    if total_received is None:
        return None
    word = "fail" if op == "fail_path" else "reinstate"
    return received.get(f'"{word} path \\"{dev}\\""', 0)


def errs(d: Dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "-"


rows = []
for name, dev in zip(["rust", "python", "c"], a.paths):
    r = load(name)
    if r is None:
        continue
    c = r["client"]
    deadline = r["deadline_ms"]
    acts = []
    for op in ("fail_path", "reinstate_path"):
        sent = c["actions_sent"].get(op, 0)
        ok = c["actions_ok"].get(op, 0)
        got = log_count(op, dev)
        acts.append(f"{op.split('_')[0]} {sent}/{ok}/{'-' if got is None else got}")
        if got is not None and not (ok <= got <= sent):
            failures.append(f"{name}: {op} {dev}: sent {sent}, ok {ok}, daemon received {got}")
        if sent == 0:
            failures.append(f"{name}: sent no {op}")
    if c["longest_ms"] > deadline:
        failures.append(f"{name}: a call took {c['longest_ms']} ms, deadline {deadline} ms")
    if c["ok"] == 0:
        failures.append(f"{name}: no call succeeded")
    if r.get("recovered_ms") is None:
        failures.append(f"{name}: did not work again after the last restart")
    unknown = set(c["errors"]) - {
        "connect", "connection_closed", "timeout", "daemon_timeout", "io", "protocol",
        "command_failed", "not_found",
    }
    if unknown:
        failures.append(f"{name}: unexpected error kinds {sorted(unknown)}")
    label = name + (f" ({r['threads']} threads)" if "threads" in r else "")
    rows.append([label, c["calls"], c["ok"], errs(c["errors"]), c["longest_ms"], deadline,
                 "; ".join(acts), r.get("recovered_ms")])

rust = load("rust")
if rust:
    w = rust["watch"]
    ev = w["events"]
    lost, back = ev.get("daemon_unreachable", 0), ev.get("daemon_back", 0)
    changes = ev.get("map_added", 0) + ev.get("map_removed", 0)
    other = {k: v for k, v in ev.items() if k.startswith("error:")}
    summary = (f"events {sum(ev.values())}: outages {lost}, back {back}, maps +{ev.get('map_added', 0)}"
               f"/-{ev.get('map_removed', 0)}, paths +{ev.get('path_added', 0)}/-{ev.get('path_removed', 0)}, "
               f"path states {ev.get('path_state_changed', 0)}")
    # One next_event(200 ms) may run a poll: its deadline is 200 ms plus
    # the client's (connect + reply).
    rows.append(["watch (next_event)", "-", "-", errs({k[6:]: v for k, v in other.items()}),
                 w["longest_next_event_ms"], 200 + rust["deadline_ms"], summary, "-"])
    if lost == 0 or back == 0:
        failures.append(f"watch: outages seen {lost}, returns {back}")
    if abs(lost - back) > 1:
        failures.append(f"watch: {lost} outages but {back} returns")
    if a.target == "sim" and changes == 0:
        failures.append("watch: reported no map added or removed across the restarts")
    if w["longest_next_event_ms"] > 200 + rust["deadline_ms"]:
        failures.append(f"watch: next_event took {w['longest_next_event_ms']} ms")
    if other:
        failures.append(f"watch: ended with errors {ev}")
    wt = rust["wait"]
    t = wt["tally"]
    rows.append(["wait (mpatha, 3 s)", t["calls"], t["ok"], errs(t["errors"]), t["longest_ms"],
                 wt["deadline_ms"], "-", "-"])
    if t["longest_ms"] > wt["deadline_ms"]:
        failures.append(f"wait: took {t['longest_ms']} ms, deadline {wt['deadline_ms']} ms")
    if t["ok"] == 0:
        failures.append("wait: never succeeded")

ex = load("exporter")  # a missing report is a failure (load)
if ex:
    c = ex["client"]
    up = ex["up"]
    rows.append(["exporter (scrapes)", c["calls"], c["ok"], errs(c["errors"]), c["longest_ms"],
                 ex["deadline_ms"], f"multipathd_up 1: {up['1']}, 0: {up['0']}", "-"])
    if c["longest_ms"] > ex["deadline_ms"] or c["ok"] == 0:
        failures.append(f"exporter: {c}")
    # Every answered scrape says whether the daemon answered; some saw it.
    if up["missing"] or up["1"] == 0:
        failures.append(f"exporter: multipathd_up {up}")

head = ["participant", "calls", "ok", "errors by kind", "longest ms", "deadline ms",
        "actions sent/ok/daemon-received (watch: events)", "recovered ms"]
table = [head] + [[str(x) for x in r] for r in rows]
widths = [max(len(r[i]) for r in table) for i in range(len(head))]
print()
print(f"fault campaign against {a.target}: {a.restarts} restarts ({a.kills} kill -9, {a.terms} SIGTERM) in {a.seconds} s"
      + (f", {total_received} commands received by the daemon" if a.log_kind == "commands" else
         f", {total_received} of the clients' actions in the daemon's log ('fail|reinstate path MAJ:MIN (operator)')"))
for i, r in enumerate(table):
    print("  ".join(c.ljust(widths[j]) for j, c in enumerate(r)).rstrip())
    if i == 0:
        print("  ".join("-" * w for w in widths))
print()
if failures:
    for f in failures:
        print(f"FAILED: {f}")
    sys.exit(1)
print("campaign: every call within its deadline, no action received twice, every client back, the watch saw the outages")
