"""The exporter participant of the fault campaign: scrapes URL every 0.5 s
until DIR/stop appears; prints the calls, the HTTP statuses and errors by
kind, the longest scrape (its deadline: 10 s, Prometheus's default
scrape timeout), and how many answered scrapes said `multipathd_up 1` and
`multipathd_up 0`."""

import json
import os
import sys
import time
import urllib.error
import urllib.request

url, dirname = sys.argv[1], sys.argv[2]
tally = {"calls": 0, "ok": 0, "errors": {}, "longest_ms": 0.0}
up = {"1": 0, "0": 0, "missing": 0}
while not os.path.exists(os.path.join(dirname, "stop")):
    t = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = r.read().decode()
            kind = None if r.status == 200 else f"http_{r.status}"
        if kind is None:
            said = [ln.split()[-1] for ln in body.splitlines() if ln.startswith("multipathd_up ")]
            up[said[0] if said and said[0] in up else "missing"] += 1
    except urllib.error.HTTPError as e:
        kind = f"http_{e.code}"
    except OSError as e:
        kind = type(e).__name__
    ms = (time.monotonic() - t) * 1000
    tally["calls"] += 1
    tally["longest_ms"] = max(tally["longest_ms"], round(ms, 1))
    if kind is None:
        tally["ok"] += 1
    else:
        tally["errors"][kind] = tally["errors"].get(kind, 0) + 1
    time.sleep(0.5)
print(json.dumps({"participant": "exporter", "deadline_ms": 10000, "client": tally, "up": up}))
