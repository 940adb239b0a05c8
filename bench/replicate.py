#!/usr/bin/env python3
"""replicate.py - the replication benchmark's helpers, driven by
bench/replicate.sh:

  prep    ATT&CK repeated with fresh ids: copy k of every object gets the id
          TYPE--uuid5(k, old uuid); every string of the copy equal to the id
          of an object of the set (its *_ref and *_refs) is rewritten the same
          way, so relationships stay consistent within a copy. Writes the
          first --bulk objects and the next --extra objects to two files, one
          compact object a line.
  pair    sets up a source and a puller node: the shared collection, the
          puller's member and account at the source with a read grant, the
          peer at the puller.
  wait    POSTs sync/now to the puller and waits until its pulls have stored
          --count versions; prints seconds=... (time from the sync/now).
  report  the table (report.py's layout), printed and written to --out.

Owns nothing but the files it is told to write. Python 3 standard library only."""
import argparse
import json
import os
import re
import sqlite3
import sys
import time
import urllib.request
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the table and the run's context line)

COLLECTION = "5a7c0a1e-0000-4000-8000-0000000be4c0"
NS = uuid.UUID("6b1f3b8e-5f3c-4b5e-9a51-6a1c0c9e0b11")
ID_RE = re.compile(r'"([a-z0-9-]{3,250})--([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   r'[0-9a-f]{12})"')


def prep(a):
    with open(a.base) as f:
        base = [line.rstrip("\n") for line in f if line.strip()]
    own = set()
    for line in base:
        own.add(json.loads(line)["id"].split("--", 1)[1])
    want = a.bulk + a.extra
    out_bulk, out_extra = open(a.out_bulk, "w"), open(a.out_extra, "w")
    n = copy = 0
    while n < want:
        fresh = {u: str(uuid.uuid5(NS, "%d/%s" % (copy, u))) for u in own}

        def swap(m):
            u = fresh.get(m.group(2))
            return '"%s--%s"' % (m.group(1), u) if u else m.group(0)

        for line in base:
            if n >= want:
                break
            (out_bulk if n < a.bulk else out_extra).write(ID_RE.sub(swap, line) + "\n")
            n += 1
        copy += 1
    out_bulk.close()
    out_extra.close()
    print("objects=%d copies=%d bulk=%d extra=%d" % (n, copy, a.bulk, a.extra))
    return 0


def call(url, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={
        "Authorization": "Bearer " + token, "Accept": "application/json",
        "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
    return json.loads(text) if text else {}


def pair(a):
    src, dst = (a.src_url, a.src_token), (a.dst_url, a.dst_token)
    src_member = call(*src, "GET", "/jic/v1/node")["member"]
    dst_member = call(*dst, "GET", "/jic/v1/node")["member"]
    for (url, tok), me, other in ((src, src_member, dst_member), (dst, dst_member, src_member)):
        call(url, tok, "POST", "/jic/v1/members", {"id": other, "name_en": other.title(),
                                                   "name_ar": "عضو", "kind": "full"})
        call(url, tok, "POST", "/jic/v1/collections", {
            "id": COLLECTION, "alias": "bench", "title": "Benchmark",
            "description": "ATT&CK Enterprise repeated with fresh ids", "owner": me})
        call(url, tok, "PUT", "/jic/v1/collections/%s/grants/%s" % (COLLECTION, me),
             {"right": "write"})
    acct = "node-" + dst_member
    call(*src, "POST", "/jic/v1/accounts", {"id": acct, "member": dst_member, "role": "analyst"})
    secret = call(*src, "POST", "/jic/v1/tokens", {"account": acct, "label": "bench"})["token"]
    call(*src, "PUT", "/jic/v1/collections/%s/grants/%s" % (COLLECTION, dst_member),
         {"right": "read"})
    call(*dst, "POST", "/jic/v1/peers", {
        "id": "src", "member": src_member, "url": a.src_url, "api_root": "/api/",
        "account": acct, "token": secret, "pulls": [{"remote": COLLECTION}]})
    print("collection=%s" % COLLECTION)
    return 0


def pulled(url, token):
    pulls = call(url, token, "GET", "/jic/v1/sync")["pulls"]
    errors = [p["last_error"] for p in pulls if p.get("last_error")]
    return sum(p["pulled"] for p in pulls), errors


def wait(a):
    before, _ = pulled(a.url, a.token)
    t0 = time.monotonic()
    call(a.url, a.token, "POST", "/jic/v1/sync/now", {})
    deadline = t0 + a.timeout
    n, errors = before, []
    while n < a.count:
        if time.monotonic() > deadline:
            print("replicate: %d of %d versions after %d s; errors: %s" %
                  (n, a.count, a.timeout, errors), file=sys.stderr)
            return 1
        time.sleep(0.02)
        n, errors = pulled(a.url, a.token)
    secs = time.monotonic() - t0
    stored = None
    if a.db:
        con = sqlite3.connect("file:%s?mode=ro" % a.db, uri=True)
        stored = con.execute("SELECT count(*) FROM objects").fetchone()[0]
        dup = con.execute("SELECT count(*) FROM (SELECT 1 FROM objects GROUP BY coll, id, "
                          "modified HAVING count(*) > 1)").fetchone()[0]
        con.close()
        if stored != a.count or dup:
            print("replicate: the puller stores %d versions (%d doubled), not %d" %
                  (stored, dup, a.count), file=sys.stderr)
            return 1
    print("versions=%d new=%d before=%d seconds=%.3f objects_per_s=%.1f" %
          (n, n - before, before, secs, (n - before) / secs))
    return 0


def keyvals(path):
    rows = report.keyvals(path)
    if not rows:
        raise SystemExit("replicate: no figures in %s" % path)
    return rows[-1]


def median_round(paths):
    """The round whose seconds are the median of the rounds' (the upper one
    of an even count), and every round's seconds in order."""
    rounds = [keyvals(p) for p in paths]
    by_time = sorted(rounds, key=lambda r: float(r["seconds"]))
    return by_time[len(by_time) // 2], [float(r["seconds"]) for r in rounds]


def do_report(a):
    ing, rep = keyvals(a.ingest), keyvals(a.replicate)
    (small, small_all), (big, big_all) = median_round(a.catchup_small), median_round(a.catchup_big)
    problems = []
    if ing.get("failed_batches", "0") != "0":
        problems.append("ingest: %s batches failed" % ing["failed_batches"])
    floor = float(ing["objects_per_s"])
    rows = [report.ratio_row("replication objects/s", float(rep["objects_per_s"]), floor, 0.5,
                             "obj/s")]
    ts, tb = float(small["seconds"]), float(big["seconds"])
    r = tb / ts
    sizes = sorted(int(keyvals(p)["versions"]) for p in a.catchup_big)
    rows.append(["catch-up %s missing, source of %s vs of %s" % (
        f"{int(big['new']):,}", f"{sizes[0]:,}-{sizes[-1]:,}" if len(sizes) > 1 else
        f"{sizes[0]:,}", f"{int(small['versions']):,}"),
        f"{tb:.2f} s", f"{ts:.2f} s", f"{r:.2f}", "<= 1.5 x floor",
        "PASS" if r <= 1.5 else "MISS"])
    lines = [report.context().replace("jic benchmark", "jic replication benchmark"), a.note, "",
             report.table(rows), "",
             f"replication: {int(rep['new']):,} versions pulled by an empty node in "
             f"{float(rep['seconds']):.2f} s, from jic sync now to the last page stored",
             f"floor: POST ingest of the same {int(ing['objects']):,} objects into the source "
             f"node, {ing['seconds']} s in {ing['batches']} POSTs (bench_ingest, as bench/run.sh)",
             f"catch-up: {len(big_all)} rounds of {int(big['new']):,} fresh objects each, "
             f"added at a source holding {int(small['versions']):,} (a fresh pair each round: "
             f"{', '.join('%.2f s' % x for x in small_all)}) and at the large source, one "
             f"round after the other ({', '.join('%.2f s' % x for x in big_all)}); the puller "
             f"held all the rest; each figure the median of its rounds; floor = the small source",
             "every puller's database checked: each version stored once, none missing"]
    if a.ingest_small and a.ingest_extra:
        (i_s, _), (i_b, _) = median_round(a.ingest_small), median_round(a.ingest_extra)
        lines.append(f"for comparison, POST ingest of those {int(i_s['objects']):,} objects: "
                     f"{float(i_s['seconds']):.2f} s into the small source, "
                     f"{float(i_b['seconds']):.2f} s into the large one (medians) "
                     f"(ratio {float(i_b['seconds']) / float(i_s['seconds']):.2f})")
    lines += ["error: %s" % x for x in problems]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prep")
    p.add_argument("--base", required=True)
    p.add_argument("--bulk", type=int, required=True)
    p.add_argument("--extra", type=int, required=True)
    p.add_argument("--out-bulk", required=True)
    p.add_argument("--out-extra", required=True)
    p = sub.add_parser("pair")
    for k in ("--src-url", "--src-token", "--dst-url", "--dst-token"):
        p.add_argument(k, required=True)
    p = sub.add_parser("wait")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--db")
    p = sub.add_parser("report")
    for k in ("--ingest", "--replicate", "--out"):
        p.add_argument(k, required=True)
    for k in ("--catchup-small", "--catchup-big"):
        p.add_argument(k, required=True, nargs="+")
    p.add_argument("--ingest-small", nargs="+")
    p.add_argument("--ingest-extra", nargs="+")
    p.add_argument("--note", default="")
    a = ap.parse_args()
    return {"prep": prep, "pair": pair, "wait": wait, "report": do_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
