#!/usr/bin/env bash
# The benchmark (`make bench`): ingests ATT&CK Enterprise 18.1 into a fresh jic
# node through POST .../objects/, loads GET .../objects/?limit=100 with wrk,
# and an ordinary page (the 100 objects after the first, without ATT&CK's
# 2.7 MB collection object) the same way, and measures the two floors in the
# same run: (a) plain C inserting the same compact objects into SQLite, (b)
# nginx serving the same bytes as a static file, for each page. Prints the
# table and writes it to bench/out/results.txt.
#
# Owns bench/out/ and one temporary directory; starts jicd and nginx on
# 127.0.0.1 only and stops them (and removes the directory) on every exit.
#
# usage: bench/run.sh [--floors]    --floors: the floors alone, no jicd
# env:   JIC_DATA (default ../shared/data next to the repository),
#        JIC_BENCH_BUILD (default build/release), JIC_BENCH_BATCH (1000),
#        JIC_BENCH_CONNS (2) POSTs in flight, the first batch always alone,
#        JIC_BENCH_DURATION (10s), JIC_BENCH_KEEP=1 keeps the temp dir,
#        JIC_BENCH_QUERY (limit=100) the query string of the first GET page; the
#        second, ordinary page is the 100 objects after the first one (added_after),
#        JIC_BENCH_PERF=1 records jicd with perf into
#        bench/out/perf-{ingest,get-first,get-page2}.data
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
data=${JIC_DATA:-$repo/../shared/data}
build=${JIC_BENCH_BUILD:-$repo/build/release}
batch=${JIC_BENCH_BATCH:-1000}
conns=${JIC_BENCH_CONNS:-2}
duration=${JIC_BENCH_DURATION:-10s}
media='application/taxii+json;version=2.1'
bundle=$data/attack/enterprise-attack-18.1.json.xz
floors_only=0
[ "${1:-}" = "--floors" ] && floors_only=1

pids=()
tmp=""
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ -n "$tmp" ] && [ "${JIC_BENCH_KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
	elif [ -n "$tmp" ]; then
		echo "bench: kept $tmp" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops one process started here and forgets it, so the next measurement has
# both cores to itself.
forget() {
	local keep=() q
	for q in "${pids[@]}"; do
		[ "$q" = "$1" ] || keep+=("$q")
	done
	pids=("${keep[@]+"${keep[@]}"}")
}

stop() {
	local p=$1 sig=${2:-TERM}
	kill -"$sig" "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	forget "$p"
}

# Runs a measuring command in the background and waits for it: the wait
# builtin returns at once on Ctrl-C or TERM, so the trap runs without waiting
# for the command (wrk, for one, treats SIGINT as a normal end), and cleanup
# stops it.
run() {
	local p rc=0
	"$@" &
	p=$!
	pids+=("$p")
	wait "$p" || rc=$?
	forget "$p"
	return "$rc"
}

wait_http() {
	local url=$1 i
	for i in $(seq 100); do
		curl -s -o /dev/null "$url" && return 0
		sleep 0.1
	done
	return 1
}

prepare() {
	[ -r "$bundle" ] || die "no $bundle (set JIC_DATA)"
	for b in bench_prep bench_floor_sqlite bench_ingest; do
		[ -x "$build/bench/$b" ] || die "no $build/bench/$b: run make release first"
	done
	command -v wrk >/dev/null || die "no wrk: scripts/setup.sh --bench"
	command -v nginx >/dev/null || die "no nginx: scripts/setup.sh --bench"
	tmp=$(mktemp -d /tmp/jic-bench.XXXXXX)
	# nginx's workers run as nobody when started by root and must read www/.
	chmod 755 "$tmp"
	mkdir -p "$tmp/www" "$repo/bench/out"
	say "decompressing $(basename "$bundle")"
	xz -dc "$bundle" >"$tmp/bundle.json"
	"$build/bench/bench_prep" "$tmp/bundle.json" "$tmp/objects.ndjson" >"$tmp/count"
	rm -f "$tmp/bundle.json"
	say "$(cat "$tmp/count") objects, $(stat -c %s "$tmp/objects.ndjson") bytes of compact JSON"
}

# Floor (a): three fresh databases; the report takes the median.
floor_sqlite() {
	local i
	for i in 1 2 3; do
		"$build/bench/bench_floor_sqlite" "$tmp/objects.ndjson" "$tmp/floor.db" >>"$tmp/floor.txt"
		rm -f "$tmp/floor.db" "$tmp/floor.db-wal" "$tmp/floor.db-shm"
	done
	say "floor (a): $(tr '\n' ' ' <"$tmp/floor.txt")"
}

api() {
	local method=$1 path=$2 body=${3:-}
	curl -sS -f -X "$method" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -H 'Accept: application/json' \
		${body:+--data-binary "$body"} "$url$path"
}

start_node() {
	local out
	out=$("$build/jic" init --db "$tmp/node.db" --node bench --member bench \
		--name-en "Benchmark" --name-ar "اختبار الأداء" --title "jic benchmark" 2>&1) ||
		die "jic init failed: $out"
	token=$(grep -o 'jic_[A-Za-z0-9_-]*' <<<"$out" | head -1)
	[ -n "$token" ] || die "no token in the output of jic init"
	"$build/jicd" --db "$tmp/node.db" --listen 127.0.0.1:0 --port-file "$tmp/port" \
		--body-max 67108864 --log-level warn >"$tmp/jicd.out" 2>"$tmp/jicd.err" &
	pids+=($!)
	jicd_pid=$!
	for _ in $(seq 100); do
		[ -s "$tmp/port" ] && break
		kill -0 "$jicd_pid" 2>/dev/null || die "jicd exited: $(tail -3 "$tmp/jicd.err")"
		sleep 0.1
	done
	[ -s "$tmp/port" ] || die "jicd wrote no port"
	url="http://127.0.0.1:$(cat "$tmp/port")"
	coll=$(api POST /jic/v1/collections \
		'{"alias":"bench","title":"Benchmark","description":"ATT&CK Enterprise 18.1","owner":"bench"}' |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
	api PUT "/jic/v1/collections/$coll/grants/bench" '{"right":"write"}' >/dev/null
	page_url="$url/api/collections/$coll/objects/?${JIC_BENCH_QUERY:-limit=100}"
	say "jicd at $url, collection $coll"
}

# With JIC_BENCH_PERF=1, perf samples jicd (call graphs) while one phase runs.
perf_start() {
	[ "${JIC_BENCH_PERF:-0}" = 1 ] || return 0
	perf record -q -F 499 --call-graph dwarf,8192 -p "$jicd_pid" -o "$repo/bench/out/perf-$1.data" 2>/dev/null &
	pids+=($!)
	perf_pid=$!
	sleep 0.5
}

perf_stop() {
	[ "${JIC_BENCH_PERF:-0}" = 1 ] || return 0
	stop "$perf_pid" INT
	say "perf: $repo/bench/out/perf-$1.data (perf report -i FILE --no-children)"
}

ingest() {
	say "ingest: POST in batches of $batch over $conns keep-alive connection(s)"
	perf_start ingest
	run timeout 150 "$build/bench/bench_ingest" --url "$url/api/collections/$coll/objects/" \
		--token "$token" --objects "$tmp/objects.ndjson" --batch "$batch" --conns "$conns" \
		>"$tmp/ingest.txt" || die "ingest failed: $(cat "$tmp/ingest.txt")"
	perf_stop ingest
	say "ingest: $(cat "$tmp/ingest.txt")"
}

wrk_run() {
	local target=$1 out=$2
	run timeout 60 wrk -t2 -c32 -d"$duration" --latency -H "Authorization: Bearer ${token:-none}" \
		-H "Accept: $media" "$target" >"$out"
}

# The two GET pages: "first" (JIC_BENCH_QUERY, by default the first 100
# objects) and "page2", the 100 objects after the first object. Each is saved
# as $tmp/page-NAME.json for nginx to serve.
get_pages() {
	local first
	curl -g -sS -f -H "Authorization: Bearer $token" -H "Accept: $media" \
		-o "$tmp/page-first.json" "$page_url"
	python3 -c 'import json, sys; n = len(json.load(open(sys.argv[1]))["objects"]);
assert n == 100, n' "$tmp/page-first.json" || die "the first page has not 100 objects"
	first=$(curl -sS -f -D - -o /dev/null -H "Authorization: Bearer $token" -H "Accept: $media" \
		"$url/api/collections/$coll/objects/?limit=1" |
		tr -d '\r' | sed -n 's/^X-TAXII-Date-Added-First: //Ip')
	[ -n "$first" ] || die "no X-TAXII-Date-Added-First on the first object"
	page2_query="added_after=$first&limit=100"
	page2_url="$url/api/collections/$coll/objects/?$page2_query"
	curl -g -sS -f -H "Authorization: Bearer $token" -H "Accept: $media" \
		-o "$tmp/page-page2.json" "$page2_url"
}

get_jic() {
	local name=$1 target=$2
	say "GET jic ($name): wrk -t2 -c32 -d$duration against $target"
	perf_start "get-$name"
	wrk_run "$target" "$tmp/wrk-jic-$name.txt"
	perf_stop "get-$name"
}

# Without a node, the pages are the envelopes jicd would send.
synth_page() {
	local name=$1 from=$2
	sed -n "$from,$((from + 99))p" "$tmp/objects.ndjson" |
		python3 -c 'import sys
objs = [l.rstrip("\n") for l in sys.stdin]
sys.stdout.write("{\"objects\":[" + ",".join(objs) + "],\"more\":true,\"next\":\"0\"}")' \
		>"$tmp/page-$name.json"
}

# nginx runs once and idles while jicd is measured: each page's two figures are
# taken back to back, so load from elsewhere on the machine skews both alike.
start_nginx() {
	local port
	port=$(free_port)
	sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" -e "s|@MEDIA@|$media|g" \
		"$here/nginx.conf.in" >"$tmp/nginx.conf"
	cp "$tmp/page-first.json" "$tmp/www/page.json"
	nginx -p "$tmp/" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" \
		>"$tmp/nginx.out" 2>&1 &
	pids+=($!)
	nginx_pid=$!
	nginx_url="http://127.0.0.1:$port/${page_url#http://*/}"
	wait_http "http://127.0.0.1:$port/" || die "nginx did not start: $(cat "$tmp/nginx.out")"
}

get_nginx() {
	local name=$1
	cp "$tmp/page-$name.json" "$tmp/www/page.json"
	curl -g -sS -f -o "$tmp/nginx-page.json" "$nginx_url"
	cmp -s "$tmp/nginx-page.json" "$tmp/www/page.json" || die "nginx serves other bytes"
	say "GET nginx ($name): wrk -t2 -c32 -d$duration against the same page ($(stat -c %s \
		"$tmp/www/page.json") bytes)"
	wrk_run "$nginx_url" "$tmp/wrk-nginx-$name.txt"
}

# One --get argument of report.py: label|query|bytes|nginx wrk|jic wrk.
get_arg() {
	local name=$1 query=$2 jic=""
	[ "$floors_only" = 1 ] || jic="$tmp/wrk-jic-$name.txt"
	printf '%s|%s|%s|%s|%s' "$name" "$query" "$(stat -c %s "$tmp/page-$name.json")" \
		"$tmp/wrk-nginx-$name.txt" "$jic"
}

main() {
	local args=()
	prepare
	floor_sqlite
	if [ "$floors_only" = 1 ]; then
		synth_page first 1
		synth_page page2 2
		page_url="http://127.0.0.1/api/collections/bench/objects/?limit=100"
		page2_query="added_after=FIRST&limit=100"
	else
		start_node
		ingest
		get_pages
		args=(--ingest "$tmp/ingest.txt")
	fi
	start_nginx
	if [ "$floors_only" != 1 ]; then
		get_jic first "$page_url"
		get_nginx first
		get_jic page2 "$page2_url"
		get_nginx page2
		stop "$jicd_pid"
	else
		get_nginx first
		get_nginx page2
	fi
	stop "$nginx_pid"
	python3 "$here/report.py" --floor "$tmp/floor.txt" --out "$repo/bench/out/results.txt" \
		--get "$(get_arg first "${JIC_BENCH_QUERY:-limit=100}")" \
		--get "$(get_arg page2 "$page2_query")" \
		--note "batches of $batch objects, $conns connection(s); wrk -t2 -c32 -d$duration" \
		"${args[@]+"${args[@]}"}"
}

main
