"""Interleaved rounds of the typed topology at one size, for the Python
binding's goal (`topology()` within 1.2x of the Rust client's).

    unshare -n python topology_rounds.py --rust EXE --sim EXE --python PY
        [--python-old PY] [--extra NAME=CMD ...] [--paths 10000] [--rounds 6]

Starts mpd-sim (0.9.4 replies, `--paths` paths in maps of 2) on the default
abstract name, then runs, `--rounds` times with the order reversed every
other round, each for 2 s: the Rust `compare` bench's `latency --op
topology` (topology() and counting its paths, one connection), and
contenders.py's binding-call (topology() alone), binding-walk (topology()
and every attribute of every path) and binding (topology() and
len(paths())) with `--python` and, if given, `--python-old` (a venv with
another build of the package, e.g. an older commit's). `--extra NAME=CMD`
adds any program that prints contenders.py's JSON line (CMD split on
spaces). Prints one JSON object: each contender's per-round medians (us),
and the median over rounds of each one's ratio to the Rust contender.

Every process is pinned to the last CPU, the simulator too, as in run.py;
run it under `flock /tmp/mpd-cpu.lock` on a shared machine.
"""

import argparse
import json
import os
import statistics
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as R  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rust", required=True)
    p.add_argument("--sim", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--python-old")
    p.add_argument("--extra", action="append", default=[])
    p.add_argument("--paths", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=6)
    a = p.parse_args()

    def runner(python):
        return R.Runner(types.SimpleNamespace(suite="sim", smoke=False, rust=a.rust, sim=a.sim,
                                              python=python, mpathcmd="", dmmp=""))

    r = runner(a.python)
    specs = [("rust", r.rust("topology"))]
    for name, cmd in (e.split("=", 1) for e in a.extra):
        specs.append((name, cmd.split()))
    for tag, python in (("python", a.python), ("python-old", a.python_old)):
        if python:
            rr = runner(python)
            specs += [(f"{tag}-call", rr.py("binding-call", "topology")),
                      (f"{tag}-walk", rr.py("binding-walk", "topology")),
                      (f"{tag}-paths", rr.py("binding", "topology"))]
    medians = {name: [] for name, _ in specs}
    with R.Sim(a.sim, a.paths // 2, 2):
        for k in range(a.rounds):
            for name, argv in specs if k % 2 == 0 else specs[::-1]:
                rec = r.measure(argv)
                medians[name].append(rec["median_us"])
                R.log(f"round {k} {name}: median {rec['median_us'] / 1000:.1f} ms "
                      f"({rec['iterations']} calls)")
    ratios = {name: round(statistics.median(x / y for x, y in zip(v, medians["rust"])), 3)
              for name, v in medians.items()}
    print(json.dumps({"paths": a.paths, "rounds": a.rounds, "median_us": medians,
                      "ratio_to_rust": ratios}, indent=1))


if __name__ == "__main__":
    main()
