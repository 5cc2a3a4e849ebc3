"""The Python contenders of bench/compare. Each run prints one JSON object.

    contenders.py latency CONTENDER --op OP [--iterations N] [--seconds S] [--warmup W]
        CONTENDER: binding      multipathd.Client, one connection, typed call
                                (topology: + len(t.paths()), list-paths: + len())
                   binding-call the typed call alone, its result unused
                   binding-walk topology only: the typed call, then every
                                attribute of every path, through maps,
                                path_groups and paths
                   binding-text multipathd.Client.command(text), then parsed
                                as a script would: json.loads (topology),
                                a split per line (list-paths)
                   binding-raw  multipathd.Client.command(text), no parsing
                   subprocess   `multipathd <command>` per call via subprocess.run,
                                as os-brick and CSI drivers do, parsed as
                                binding-text does
        OP: daemon-state (`show daemon`), topology (`show maps json`),
            list-paths (`show paths raw format ...`)
    contenders.py parse KIND --file F [--iterations N] [--seconds S]
        KIND: json-loads    json.loads of a saved `show maps json` reply
              split-paths   a hand-written parser of a saved path listing
    contenders.py mem WHAT (--file F | --op OP)
        peak RSS growth (VmHWM) of one operation in this
        fresh process. WHAT: json-loads, split-paths (of --file);
        binding, binding-text (OP from the daemon, as in latency)

Timing: time.perf_counter_ns around each call; `--iterations` is the most
calls, `--seconds` stops earlier once that much time has passed (at least
5 calls). The daemon is at the default abstract socket.
"""

import argparse
import json
import operator
import subprocess
import sys
import time

SOCKET = "@/org/kernel/linux/storage/multipathd"
# mpd-proto's Path::FORMAT: the listing the typed list_paths() asks for.
PATH_FORMAT = "%d|%D|%t|%T|%w|%o|%m|%i|%p|%M|%c|%z|%s"
COMMANDS = {
    "daemon-state": "show daemon",
    "topology": "show maps json",
    "list-paths": f'show paths raw format "{PATH_FORMAT}"',
}
# Every attribute of a TopologyPath, read by binding-walk.
TOPOLOGY_PATH_ATTRS = (
    "device", "major", "minor", "dm_state", "dev_state", "checker_state", "checker",
    "priority", "host_wwnn", "target_wwnn", "host_wwpn", "target_wwpn", "host_adapter",
    "lun_hex", "marginal", "hcil",
)
PATH_FIELDS = (
    "dev", "dev_t", "dm_st", "chk_st", "wwid", "dev_st", "map", "hcil",
    "pri", "marginal", "checker", "serial", "vend_prod_rev",
)


def summary(contender, samples, total_ns):
    samples = sorted(samples)
    n = len(samples)

    def q(x):
        return samples[round(x * (n - 1))] / 1000.0

    return {
        "contender": contender,
        "iterations": n,
        "total_s": total_ns / 1e9,
        "ops_per_s": n / (total_ns / 1e9),
        "mean_us": sum(samples) / n / 1000.0,
        "min_us": q(0.0),
        "median_us": q(0.5),
        "p90_us": q(0.9),
        "p99_us": q(0.99),
    }


def time_calls(contender, fn, iterations, seconds, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    clock = time.perf_counter_ns
    start = clock()
    budget = start + int(seconds * 1e9) if seconds else None
    for i in range(iterations):
        t = clock()
        fn()
        end = clock()
        samples.append(end - t)
        if budget is not None and end >= budget and i + 1 >= 5:
            break
    return summary(contender, samples, clock() - start)


def split_paths(text):
    """What a script scraping the listing would write: one dict per line."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rec = dict(zip(PATH_FIELDS, line.split("|")))
        major, _, minor = rec["dev_t"].partition(":")
        rec["major"], rec["minor"] = int(major), int(minor)
        rec["pri"] = int(rec["pri"]) if rec["pri"].lstrip("-").isdigit() else None
        out.append(rec)
    return out


def parse_text(op, text):
    """A script's parse of a reply: json.loads or split_paths."""
    if op == "topology":
        return count_paths(json.loads(text))
    if op == "list-paths":
        return len(split_paths(text))
    return len(text.split())


def count_paths(obj):
    return sum(len(g["paths"]) for m in obj["maps"] for g in m["path_groups"])


def peak_rss_kib():
    """VmHWM of /proc/self/status: this program's peak RSS. (getrusage's
    ru_maxrss would include the parent's peak: Linux keeps it over execve.)"""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def latency(args):
    op, kind = args.op, args.contender
    command = COMMANDS[op]
    result = {}
    if kind == "subprocess":
        if op == "list-paths":
            # One argument per word, as a shell would pass them.
            argv = ["multipathd", "show", "paths", "raw", "format", PATH_FORMAT]
        else:
            argv = ["multipathd", *command.split()]

        def fn():
            out = subprocess.run(argv, capture_output=True, check=True, text=True).stdout
            if op != "daemon-state":
                result["paths"] = parse_text(op, out)
    else:
        import multipathd

        client = multipathd.Client(SOCKET)
        typed = {
            "daemon-state": client.daemon_state,
            "topology": client.topology,
            "list-paths": client.list_paths,
        }[op]
        if kind == "binding-call":
            fn = typed
        elif kind == "binding-walk":
            if op != "topology":
                sys.exit("binding-walk is for --op topology")
            read = operator.attrgetter(*TOPOLOGY_PATH_ATTRS)

            def fn():
                n = 0
                for m in typed().maps:
                    for g in m.path_groups:
                        for p in g.paths:
                            read(p)
                            n += 1
                result["paths"] = n
        elif kind == "binding":
            call = typed
            counter = {
                "topology": lambda t: len(t.paths()),
                "list-paths": len,
            }.get(op)

            def fn():
                r = call()
                if counter:
                    result["paths"] = counter(r)
        elif kind == "binding-text":
            def fn():
                n = parse_text(op, client.command(command))
                if op != "daemon-state":
                    result["paths"] = n
        elif kind == "binding-raw":
            def fn():
                client.command(command)
        else:
            sys.exit(f"unknown contender {kind}")
    name = {"binding": "python", "binding-call": "python-call", "binding-walk": "python-walk",
            "binding-text": "python-text", "binding-raw": "python-raw",
            "subprocess": "subprocess"}[kind]
    r = time_calls(name, fn, args.iterations, args.seconds, args.warmup)
    r["op"] = op
    r.update(result)
    return r


def parse(args):
    with open(args.file, encoding="utf-8") as f:
        text = f.read()
    if args.kind == "json-loads":
        def fn():
            return json.loads(text)
        paths = count_paths(fn())
    elif args.kind == "split-paths":
        def fn():
            return split_paths(text)
        paths = len(fn())
    else:
        sys.exit(f"unknown kind {args.kind}")
    r = time_calls(f"python-{args.kind}", fn, args.iterations, args.seconds, 2)
    r["input_bytes"] = len(text.encode())
    r["paths"] = paths
    return r


def mem(args):
    what = args.what
    if what in ("json-loads", "split-paths"):
        with open(args.file, encoding="utf-8") as f:
            text = f.read()
        op = (lambda: json.loads(text)) if what == "json-loads" else (lambda: split_paths(text))
    elif what in ("binding", "binding-text"):
        import multipathd

        client = multipathd.Client(SOCKET)
        client.daemon_state()  # connected, code paths loaded
        if what == "binding":
            op = {"topology": client.topology, "list-paths": client.list_paths}[args.op]
        else:
            def op():
                return parse_text(args.op, client.command(COMMANDS[args.op]))
    else:
        sys.exit(f"unknown mem {what}")
    before = peak_rss_kib()
    kept = op()
    after = peak_rss_kib()
    del kept
    return {"contender": f"python-mem-{what}", "op": args.op, "peak_rss_before_kib": before,
            "peak_rss_kib": after, "peak_rss_growth_kib": after - before}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("contender")
    lat.add_argument("--op", required=True, choices=sorted(COMMANDS))
    par = sub.add_parser("parse")
    par.add_argument("kind")
    par.add_argument("--file", required=True)
    for s in (lat, par):
        s.add_argument("--iterations", type=int, default=1000)
        s.add_argument("--seconds", type=float, default=0.0)
        s.add_argument("--warmup", type=int, default=5)
    m = sub.add_parser("mem")
    m.add_argument("what")
    m.add_argument("--file")
    m.add_argument("--op", choices=["topology", "list-paths"])
    args = p.parse_args()
    result = {"latency": latency, "parse": parse, "mem": mem}[args.mode](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
