"""Runs one suite of bench/compare and writes its raw results (JSON).

    run.py sim --out FILE [--smoke] TOOLS...
    run.py vm  --out FILE [--smoke] TOOLS...

TOOLS (all required): --rust EXE (the `compare` bench binary of
mpd-client), --sim EXE (mpd-sim), --mpathcmd EXE, --dmmp EXE (bench/c),
--python EXE (the venv's python, with the `multipathd` package).

Every contender talks to the daemon at the default abstract socket
@/org/kernel/linux/storage/multipathd, because that is the only address
Debian bookworm's multipathd client and libmpathcmd (0.9.4) know. Run this
in a private network namespace (`unshare -n`, as bench/compare does): the
abstract name is then ours alone, whatever else runs on the machine.

sim: mpd-sim (0.9.4 replies) on that name; the latency set on 2 maps x 2
paths, then the topology sizes (10, 100, 1,000, 10,000 paths; 2 paths per
map): end-to-end calls, pure parse of the saved replies, memory.
vm: a relay (socat) from that name to $MPD_REAL_SOCKET, the real daemon in
the QEMU guest of tests/real (run under tests/real/with-daemon); the
latency set only.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ABSTRACT = "/org/kernel/linux/storage/multipathd"
HERE = os.path.dirname(os.path.abspath(__file__))
CONTENDERS_PY = os.path.join(HERE, "..", "py", "contenders.py")
PATH_FORMAT = "%d|%D|%t|%T|%w|%o|%m|%i|%p|%M|%c|%z|%s"
COMMANDS = {
    "daemon-state": "show daemon",
    "topology": "show maps json",
    "list-paths": f'show paths raw format "{PATH_FORMAT}"',
}
SIZES = [10, 100, 1000, 10000]
SMOKE_SIZES = [10, 100]


# Pinning, on machines with 2+ CPUs: every contender runs on the last CPU,
# so that no process migrates mid-measurement (on this 2-vCPU VM,
# migrations alone made the median of the same parse flip between 1.7 and
# 2.9 ms). The simulator runs on the same CPU ("same"): a wake-up across
# CPUs costs ~18 us each way in this VM (an IPI through the hypervisor),
# more than a whole `show daemon` round trip on one CPU, and would bury the
# differences between the clients. The latency set is also run with the
# simulator on the first CPU ("split"), for the cross-CPU picture.
CPUS = sorted(os.sched_getaffinity(0))
CLIENT_CPU = CPUS[-1]
OTHER_CPU = CPUS[0]


def pinned(cpu):
    """preexec_fn that pins the child to `cpu` (a no-op on one CPU)."""
    def pin():
        os.sched_setaffinity(0, {cpu})
    return pin if len(CPUS) > 1 else None


def log(msg):
    print(f"run.py: {msg}", file=sys.stderr, flush=True)


def daemon_answers(timeout=0.2):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect("\0" + ABSTRACT)
        return True
    except OSError:
        return False
    finally:
        s.close()


def wait_for_daemon(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if daemon_answers():
            return
        time.sleep(0.05)
    sys.exit(f"run.py: nothing listens on @{ABSTRACT} after {seconds} s")


class Runner:
    def __init__(self, args):
        self.a = args
        self.records = []
        # Time budget per measurement; iterations are only a cap.
        # The latency set runs in `rounds` rounds, the contenders interleaved
        # (every other round in reverse order), each round a fresh process
        # with its share of the time: slow drifts (the guest's path
        # checker, other load) then hit every contender alike.
        if args.smoke:
            self.loop = {"seconds": 0.01, "iterations": 5, "warmup": 1}
            self.slow_loop = self.loop
            self.rounds = 1
        elif args.suite == "vm":
            self.loop = {"seconds": 4.0, "iterations": 200000, "warmup": 5}
            self.slow_loop = {"seconds": 4.0, "iterations": 200000, "warmup": 2}
            self.rounds = 4
        else:
            self.loop = {"seconds": 2.0, "iterations": 1000000, "warmup": 20}
            self.slow_loop = {"seconds": 2.0, "iterations": 1000000, "warmup": 3}
            self.rounds = 2
        self.share = 1.0  # of the loop's seconds, for one round

    def measure(self, argv):
        """Runs one contender process and returns its JSON line."""
        p = subprocess.run(argv, capture_output=True, text=True,
                           preexec_fn=pinned(CLIENT_CPU))
        if p.returncode != 0:
            sys.exit(f"run.py: {' '.join(argv)} failed ({p.returncode}):\n{p.stderr}")
        return json.loads(p.stdout.strip().splitlines()[-1])

    def run(self, argv, **tags):
        """Runs one contender process and records its JSON line."""
        return self.record(self.measure(argv), tags)

    def record(self, rec, tags):
        rec.update(tags)
        rec["suite"] = self.a.suite
        self.records.append(rec)
        med = rec.get("median_us")
        log(f"{tags.get('section')}/{tags.get('op', rec.get('kind', ''))}"
            f" {tags.get('size_paths', '')} {rec['contender']}: "
            + (f"median {med:.1f} us, {rec['ops_per_s']:.0f}/s" if med is not None
               else json.dumps({k: v for k, v in rec.items() if 'rss' in k})))
        return rec

    # -- argv builders; `slow` picks the loop for per-connection contenders --

    def loop_args(self, style, slow=False):
        lp = self.slow_loop if slow else self.loop
        seconds = f"{lp['seconds'] * self.share:g}"
        if style == "c":
            return ["--warmup", str(lp["warmup"]), "--seconds", seconds, str(lp["iterations"])]
        return ["--warmup", str(lp["warmup"]), "--seconds", seconds,
                "--iterations", str(lp["iterations"])]

    def rust(self, op, reconnect=False):
        return ([self.a.rust, "latency", "--op", op]
                + (["--reconnect"] if reconnect else []) + self.loop_args("rust", reconnect))

    def py(self, contender, op, slow=False):
        return ([self.a.python, CONTENDERS_PY, "latency", contender, "--op", op]
                + self.loop_args("py", slow))

    def mpathcmd(self, op, reconnect=False):
        return ([self.a.mpathcmd] + (["--reconnect"] if reconnect else [])
                + self.loop_args("c", reconnect) + [COMMANDS[op]])

    def dmmp(self):
        return [self.a.dmmp] + self.loop_args("c", True)

    def contenders(self, op, raw_python=False):
        """(argv, tags) of every contender of one operation (`raw_python`:
        also the binding's raw text, to tell its parsing from its I/O)."""
        c = [
            (self.rust(op), {"client": "rust", "connection": "one"}),
            (self.rust(op, True), {"client": "rust", "connection": "per call"}),
            (self.py("binding", op), {"client": "python", "connection": "one"}),
        ]
        if op != "daemon-state":
            c.append((self.py("binding-text", op),
                      {"client": "python-text", "connection": "one"}))
        if raw_python:
            c.append((self.py("binding-raw", op), {"client": "python-raw", "connection": "one"}))
            if op == "topology":
                # The typed call alone (the objects of a topology are made
                # lazily), and with every path's attributes read.
                c.append((self.py("binding-call", op), {"client": "python-call", "connection": "one"}))
                c.append((self.py("binding-walk", op), {"client": "python-walk", "connection": "one"}))
        c += [
            (self.mpathcmd(op), {"client": "libmpathcmd", "connection": "one"}),
            (self.mpathcmd(op, True), {"client": "libmpathcmd", "connection": "per call"}),
        ]
        if op == "topology":
            c.append((self.dmmp(), {"client": "libdmmp", "connection": "per call"}))
        c.append((self.py("subprocess", op, True),
                  {"client": "subprocess", "connection": "per call"}))
        return c

    def latency_set(self, size_paths, **placement):
        self.share = 1.0 / self.rounds
        specs = [(op, argv, tags) for op in ("daemon-state", "topology")
                 for argv, tags in self.contenders(op)]
        self.share = 1.0
        rounds = [[] for _ in specs]
        for k in range(self.rounds):
            order = list(enumerate(specs))
            for i, (op, argv, tags) in order if k % 2 == 0 else reversed(order):
                rounds[i].append(self.measure(argv))
        for (op, _, tags), recs in zip(specs, rounds):
            self.record(merge(recs), dict(section="latency", op=op, command=COMMANDS[op],
                                          size_paths=size_paths, **tags, **placement))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def merge(recs):
    """One record from the rounds of one contender: counts and time summed
    (so commands/s = all calls / all time), min the least, the median and
    the p90/p99 the median of the rounds' values; each round kept under
    "rounds"."""
    if len(recs) == 1:
        return recs[0]
    out = dict(recs[-1])
    out["iterations"] = sum(r["iterations"] for r in recs)
    out["total_s"] = sum(r["total_s"] for r in recs)
    out["ops_per_s"] = out["iterations"] / out["total_s"]
    out["mean_us"] = sum(r["mean_us"] * r["iterations"] for r in recs) / out["iterations"]
    out["min_us"] = min(r["min_us"] for r in recs)
    for k in ("median_us", "p90_us", "p99_us"):
        out[k] = median([r[k] for r in recs])
    if any("peak_rss_kib" in r for r in recs):
        out["peak_rss_kib"] = max(r.get("peak_rss_kib", 0) for r in recs)
    out["rounds"] = [{k: r[k] for k in ("iterations", "total_s", "median_us", "ops_per_s")}
                     for r in recs]
    return out


class Sim:
    """mpd-sim on the default abstract name, for one topology size."""

    def __init__(self, exe, maps, paths_per_map, cpu=CLIENT_CPU):
        if daemon_answers():
            sys.exit(f"run.py: something already listens on @{ABSTRACT}; "
                     "run in a private network namespace (unshare -n)")
        self.p = subprocess.Popen(
            [exe, "--version", "0.9.4", "--maps", str(maps),
             "--paths-per-map", str(paths_per_map), "--checker-tick-ms", "0"],
            stdout=subprocess.PIPE, text=True, preexec_fn=pinned(cpu))
        line = self.p.stdout.readline()
        if not line.startswith("listening on"):
            sys.exit(f"run.py: mpd-sim did not start: {line!r}")
        wait_for_daemon(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def sim_suite(r):
    a = r.a
    with Sim(a.sim, 2, 2):
        r.latency_set(4, placement="same")
    if len(CPUS) > 1:
        with Sim(a.sim, 2, 2, cpu=OTHER_CPU):
            r.latency_set(4, placement="split")
    tmp = tempfile.mkdtemp(prefix="mpd-bench-")
    try:
        for size in SMOKE_SIZES if a.smoke else SIZES:
            with Sim(a.sim, size // 2, 2):
                scaling(r, size, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def scaling(r, size, tmp):
    a = r.a
    tags = {"section": "scaling", "size_paths": size, "placement": "same"}
    files = {}
    for kind in ("maps-json", "paths"):
        files[kind] = os.path.join(tmp, f"{kind}-{size}")
        subprocess.run([a.rust, "fetch", "--kind", kind, "--out", files[kind]],
                       check=True, stdout=subprocess.DEVNULL)
    # End to end: the same socket, the same command, each client's own way.
    for op in ("topology", "list-paths"):
        for argv, t in r.contenders(op, raw_python=True):
            if op == "list-paths" and t["client"] == "libmpathcmd" and t["connection"] != "one":
                continue
            r.run(argv, op=op, command=COMMANDS[op], kind="e2e", **t, **tags)
    # Pure parse of the saved replies (no I/O).
    for kind, op in (("maps-json", "topology"), ("paths", "list-paths")):
        r.run([a.rust, "parse", "--kind", kind, "--file", files[kind]]
              + r.loop_args("rust"), op=op, kind="parse", client="rust", **tags)
        pykind = "json-loads" if kind == "maps-json" else "split-paths"
        r.run([a.python, CONTENDERS_PY, "parse", pykind, "--file", files[kind]]
              + r.loop_args("py"), op=op, kind="parse", client=f"python-{pykind}", **tags)
    # Memory: one operation in a fresh Python process each.
    for what, op in (("json-loads", "topology"), ("binding", "topology"),
                     ("binding-text", "topology"), ("split-paths", "list-paths"),
                     ("binding", "list-paths"), ("binding-text", "list-paths")):
        where = (["--file", files["maps-json" if op == "topology" else "paths"]]
                 if what in ("json-loads", "split-paths") else ["--op", op])
        r.run([a.python, CONTENDERS_PY, "mem", what] + where,
              op=op, kind="mem", client=f"python-{what}", **tags)


def vm_suite(r):
    # MPD_BENCH_TARGET: bench/compare's own relay to the guest (TCP_NODELAY);
    # else tests/real's socket.
    sock = os.environ.get("MPD_BENCH_TARGET") or os.environ.get("MPD_REAL_SOCKET")
    if not sock:
        sys.exit("run.py: vm suite needs MPD_REAL_SOCKET (run under tests/real/with-daemon)")
    if daemon_answers():
        sys.exit(f"run.py: something already listens on @{ABSTRACT}; use unshare -n")
    relay = subprocess.Popen(
        ["socat", f"ABSTRACT-LISTEN:{ABSTRACT},fork", f"UNIX-CONNECT:{sock}"],
        stderr=subprocess.DEVNULL)
    try:
        wait_for_daemon(10)
        luns = int(os.environ.get("MPD_REAL_LUNS", "2"))
        paths = int(os.environ.get("MPD_REAL_PATHS", "2"))
        r.latency_set(luns * paths)
    finally:
        relay.terminate()
        relay.wait()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("suite", choices=["sim", "vm"])
    p.add_argument("--out", required=True)
    p.add_argument("--smoke", action="store_true")
    for t in ("rust", "sim", "mpathcmd", "dmmp", "python"):
        p.add_argument(f"--{t}", required=True)
    a = p.parse_args()
    r = Runner(a)
    started = time.time()
    (sim_suite if a.suite == "sim" else vm_suite)(r)
    out = {
        "suite": a.suite,
        "smoke": a.smoke,
        "started": started,
        "seconds": round(time.time() - started, 1),
        "loop": r.loop,
        "rounds": r.rounds,
        "pinning": ({"client_cpu": CLIENT_CPU,
                     "daemon_cpu": CLIENT_CPU if a.suite == "sim" else None,
                     "split_daemon_cpu": OTHER_CPU if a.suite == "sim" else None}
                    if len(CPUS) > 1 else None),
        "slow_loop": r.slow_loop,
        "records": r.records,
    }
    if a.suite == "vm":
        out["daemon"] = {k: os.environ.get(f"MPD_REAL_{k.upper()}")
                         for k in ("version", "release", "luns", "paths")}
        out["relay"] = os.environ.get("MPD_BENCH_RELAY", "tests/real's relay")
    else:
        out["daemon"] = {"version": "0.9.4", "release": "mpd-sim"}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    log(f"{a.suite}: {len(r.records)} measurements in {out['seconds']} s -> {a.out}")


if __name__ == "__main__":
    main()
