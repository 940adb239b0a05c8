#!/usr/bin/env python3
"""report.py - the benchmark's table: reads what bench/run.sh measured (the
key=value lines of bench_floor_sqlite and bench_ingest, wrk's --latency output)
and prints each jic figure next to its floor, with the ratio, the target and
PASS/MISS. Writes the same text to --out. Owns nothing but that file.

Exit status: 0 when every measurement is valid (PASS or MISS alike), 1 when a
run had errors (non-2xx answers, socket errors, a missing figure)."""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def keyvals(path):
    rows = []
    with open(path) as f:
        for line in f:
            kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
            if kv:
                rows.append(kv)
    return rows


def wrk(path):
    """Requests/s, p99 in ms and a list of problems from wrk's output."""
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    problems = []
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if bad:
        problems.append(bad.group(0).strip())
    sock = re.search(r"Socket errors:.*", text)
    if sock:
        problems.append(sock.group(0).strip())
    if not rps or not p99:
        problems.append("wrk printed no figures")
        return None, None, problems
    return float(rps.group(1)), float(p99.group(1)) * UNITS[p99.group(2)], problems


def ratio_row(name, jic, floor, target, unit):
    if jic is None:
        return [name, "-", f"{floor:,.0f} {unit}", "-", f">= {target} x floor", "n/a"]
    r = jic / floor
    return [name, f"{jic:,.0f} {unit}", f"{floor:,.0f} {unit}", f"{r:.2f}",
            f">= {target} x floor", "PASS" if r >= target else "MISS"]


def table(rows):
    head = ["figure", "jic", "floor", "ratio", "target", "result"]
    rows = [head] + rows
    w = [max(len(r[i]) for r in rows) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
    out = [line(rows[0]), "  ".join("-" * x for x in w)]
    return "\n".join(out + [line(r) for r in rows[1:]])


CONNS = 32  # wrk -c32, as bench/run.sh runs it
P99_MS = 10.0


def get_rows(label, query, size, jic, nginx):
    """The requests/s and p99 rows of one GET page, and a note on the p99
    floor that Little's law puts under it: with CONNS requests always in
    flight, the mean latency is CONNS / throughput, and p99 is at least the
    mean. jic and nginx are (rps, p99) pairs; jic may be (None, None)."""
    name = f"GET {label} ?{query}"
    rows = [ratio_row(f"{name} requests/s", jic[0], nginx[0], 0.5, "req/s")]
    bound_ms = 1000.0 * CONNS / jic[0] if jic[0] else None
    bound = bound_ms is not None and bound_ms >= P99_MS
    result = "n/a" if jic[1] is None else ("PASS" if jic[1] < P99_MS else
                                           ("MISS (bound)" if bound else "MISS"))
    rows.append([f"{name} p99 latency", "-" if jic[1] is None else f"{jic[1]:.2f} ms",
                 f"{nginx[1]:.2f} ms", "-", f"< {P99_MS:g} ms", result])
    need = CONNS * 1000.0 / P99_MS
    note = (f"{label} page: " + (f"{size:,} bytes; " if size else "") +
            f"Little's law at {CONNS} connections: mean latency = {CONNS} / throughput, so "
            f"p99 < {P99_MS:g} ms needs more than {need:,.0f} req/s" +
            (f" ({need * size / 1e9:.1f} GB/s of responses)" if size else "") +
            f"; nginx's {nginx[0]:,.0f} req/s means {1000.0 * CONNS / nginx[0]:.1f} ms")
    if bound_ms is not None:
        note += f", jic's {jic[0]:,.0f} req/s {bound_ms:.1f} ms"
    note += " at the least" + (": the target is out of reach at this size" if bound else "")
    return rows, note


def context():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=os.path.dirname(__file__)).stdout.strip()
    except OSError:
        rev = "?"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"jic benchmark, {now}, commit {rev or '?'}, {os.cpu_count()} CPUs, "
            f"load average {load} at the end (other work on the machine skews figures)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--floor", required=True)
    ap.add_argument("--ingest")
    ap.add_argument("--get", action="append", default=[],
                    help="one GET page: label|query|bytes|nginx wrk output|jic wrk output "
                         "(the last empty without jicd)")
    # One page the older way (bench/smoke.sh): a --get without the size.
    ap.add_argument("--wrk-nginx")
    ap.add_argument("--wrk-jic", default="")
    ap.add_argument("--query", default="limit=100")
    ap.add_argument("--out", required=True)
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    if a.wrk_nginx:
        a.get.insert(0, f"page|{a.query}|0|{a.wrk_nginx}|{a.wrk_jic}")

    problems = []
    floors = [float(r["objects_per_s"]) for r in keyvals(a.floor)]
    floor_a = statistics.median(floors)
    ing = keyvals(a.ingest)[0] if a.ingest else None
    if ing and ing.get("failed_batches", "0") != "0":
        problems.append(f"ingest: {ing['failed_batches']} batches failed")

    rows = [ratio_row("ingest objects/s", float(ing["objects_per_s"]) if ing else None, floor_a,
                      0.5, "obj/s")]
    get_notes = []
    for spec in a.get:
        label, query, size, ng_file, jic_file = spec.split("|", 4)
        ng_rps, ng_p99, p = wrk(ng_file)
        problems += [f"nginx ({label}): {x}" for x in p]
        jic = (None, None)
        if jic_file:
            jic_rps, jic_p99, p = wrk(jic_file)
            problems += [f"jicd ({label}): {x}" for x in p]
            jic = (jic_rps, jic_p99)
        if ng_rps is None:
            continue
        r, note = get_rows(label, query, int(size), jic, (ng_rps, ng_p99))
        rows += r
        get_notes.append(note)

    lines = [context(), a.note, "", table(rows), "",
             "floor (a): bench_floor_sqlite, one transaction, WAL, synchronous=NORMAL; "
             "median of " + ", ".join(f"{x:,.0f}" for x in floors) + " obj/s"]
    if ing:
        share = float(ing["client_cpu_share"]) * 100
        lines.append(f"ingest: {ing['objects']} objects in {ing['batches']} POSTs, "
                     f"{ing['seconds']} s; client C/libcurl, prebuilt envelopes, its own CPU "
                     f"{ing['client_cpu_s']} s ({share:.1f}% of the wall time)")
    lines.append("floor (b): nginx-light, static file, worker_processes auto, access_log off")
    lines += get_notes
    lines += [f"error: {x}" for x in problems]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
