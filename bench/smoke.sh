#!/usr/bin/env bash
# A quick check that the benchmark's pieces work, run by ctest: bench_prep and
# bench_floor_sqlite on the small ICS bundle (every object stored once),
# report.py on a recorded wrk output, and bench_gov_log on 20 acts. Asserts
# behaviour, never speed. Owns only its temporary directory.
#
# usage: bench/smoke.sh BUILD_BENCH_DIR     (env JIC_DATA)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=$1
data=${JIC_DATA:-$here/../../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xz -dc "$data/attack/ics-attack-18.1.json.xz" >"$tmp/bundle.json"
n=$("$bin/bench_prep" "$tmp/bundle.json" "$tmp/objects.ndjson")
[ "$n" = 1826 ] || { echo "bench_prep counted $n objects" >&2; exit 1; }
[ "$(wc -l <"$tmp/objects.ndjson")" = 1826 ] || { echo "not one line per object" >&2; exit 1; }

"$bin/bench_floor_sqlite" "$tmp/objects.ndjson" "$tmp/floor.db" >"$tmp/floor.txt"
grep -q '^objects=1826 ' "$tmp/floor.txt" || { cat "$tmp/floor.txt" >&2; exit 1; }
"$bin/bench_floor_sqlite" "$tmp/objects.ndjson" "$tmp/floor.db" >>"$tmp/floor.txt"

cat >"$tmp/wrk.txt" <<'EOF'
Running 10s test @ http://127.0.0.1:8080/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    36.12ms    8.50ms  90.00ms   70.00%
    Req/Sec   440.00     50.00   520.00     70.00%
  Latency Distribution
     50%   35.00ms
     75%   40.00ms
     90%   45.00ms
     99%    1.20s
  8810 requests in 10.00s, 24.76GB read
Requests/sec:    881.00
Transfer/sec:      2.48GB
EOF
python3 "$here/report.py" --floor "$tmp/floor.txt" --wrk-nginx "$tmp/wrk.txt" \
	--wrk-jic "$tmp/wrk.txt" --out "$tmp/out/results.txt" >/dev/null
grep -q 'requests/s .*881 req/s .*1\.00 .*PASS' "$tmp/out/results.txt"
grep -q 'p99 latency .*1200\.00 ms .*MISS' "$tmp/out/results.txt"
"$bin/bench_gov_log" 20 "$tmp" >"$tmp/gov.txt"
grep -q '^gov_kept acts=20 ' "$tmp/gov.txt" || { cat "$tmp/gov.txt" >&2; exit 1; }
grep -q '^gov_replay acts=20 ' "$tmp/gov.txt" || { cat "$tmp/gov.txt" >&2; exit 1; }
echo "bench smoke: ok"
