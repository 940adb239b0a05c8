#!/usr/bin/env bash
# The replication benchmark (run by `make bench` after bench/run.sh): ATT&CK
# Enterprise 18.1 repeated with fresh ids (bench/replicate.py prep), then
#   1. a source node holding 10,000 objects, pulled by an empty node: the
#      catch-up time of those 10,000; three rounds, each with a fresh pair and
#      a fresh set of 10,000;
#   2. a source node loaded by POST ingest with 190,000 objects (the ingest
#      figure, as bench/run.sh measures it: the floor), pulled by an empty
#      node (the replication figure, objects/s); then the same three sets of
#      10,000 objects added at the source and pulled one after the other
#      (catch-up from a source of 200,000, 210,000 and 220,000).
# Each catch-up figure is the median of its three rounds: a round lasts well
# under a second, where one hiccup of the machine would decide the ratio.
# Prints the table and writes it to bench/out/replicate.txt.
#
# Owns bench/out/replicate.txt and one temporary directory; starts jicd on
# 127.0.0.1 only and stops every process it started (and removes the
# directory) on every exit.
#
# env: JIC_DATA, JIC_BENCH_BUILD (default build/release), JIC_BENCH_BATCH (1000),
#      JIC_REPLICATE_BULK (190000), JIC_REPLICATE_EXTRA (10000),
#      JIC_REPLICATE_ROUNDS (3), JIC_BENCH_KEEP=1
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
data=${JIC_DATA:-$repo/../shared/data}
build=${JIC_BENCH_BUILD:-$repo/build/release}
batch=${JIC_BENCH_BATCH:-1000}
bulk=${JIC_REPLICATE_BULK:-190000}
extra=${JIC_REPLICATE_EXTRA:-10000}
rounds=${JIC_REPLICATE_ROUNDS:-3}
bundle=$data/attack/enterprise-attack-18.1.json.xz
py=(python3 "$here/replicate.py")

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
		echo "replicate: kept $tmp" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'replicate: %s\n' "$*" >&2; }
die() { printf 'replicate: %s\n' "$*" >&2; exit 1; }

forget() {
	local keep=() q
	for q in "${pids[@]}"; do
		[ "$q" = "$1" ] || keep+=("$q")
	done
	pids=("${keep[@]+"${keep[@]}"}")
}

stop() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	forget "$1"
}

# Runs a measuring command under wait, so that Ctrl-C reaches the trap at once.
run() {
	local p rc=0
	"$@" &
	p=$!
	pids+=("$p")
	wait "$p" || rc=$?
	forget "$p"
	return "$rc"
}

prepare() {
	[ -r "$bundle" ] || die "no $bundle (set JIC_DATA)"
	for b in jicd jic bench/bench_prep bench/bench_ingest; do
		[ -x "$build/$b" ] || die "no $build/$b: run make release first"
	done
	tmp=$(mktemp -d /tmp/jic-replicate.XXXXXX)
	mkdir -p "$repo/bench/out"
	say "preparing $bulk + $rounds x $extra objects (ATT&CK Enterprise, fresh ids per copy)"
	xz -dc "$bundle" >"$tmp/bundle.json"
	"$build/bench/bench_prep" "$tmp/bundle.json" "$tmp/base.ndjson" >/dev/null
	rm -f "$tmp/bundle.json"
	run "${py[@]}" prep --base "$tmp/base.ndjson" --bulk "$bulk" --extra $((rounds * extra)) \
		--out-bulk "$tmp/bulk.ndjson" --out-extra "$tmp/extra.ndjson" >&2
	split -d -a 1 -l "$extra" "$tmp/extra.ndjson" "$tmp/extra-"
}

# start_node NAME [JICD ARGS...]: a fresh node in $tmp/NAME; sets NAME_url,
# NAME_token, NAME_pid.
start_node() {
	local name=$1 dir=$tmp/$1 out port i
	shift
	mkdir -p "$dir"
	out=$("$build/jic" init --db "$dir/node.db" --node "$name" --member "$name" \
		--name-en "Benchmark $name" --name-ar "اختبار" --title "jic replication" 2>&1) ||
		die "jic init failed: $out"
	printf -v "${name}_token" '%s' "$(grep -o 'jic_[A-Za-z0-9_-]*' <<<"$out" | head -1)"
	"$build/jicd" --db "$dir/node.db" --listen 127.0.0.1:0 --port-file "$dir/port" \
		--body-max 67108864 --log-level warn "$@" >"$dir/jicd.out" 2>"$dir/jicd.err" &
	pids+=($!)
	printf -v "${name}_pid" '%s' "$!"
	for i in $(seq 100); do
		[ -s "$dir/port" ] && break
		kill -0 "$!" 2>/dev/null || die "jicd $name exited: $(tail -3 "$dir/jicd.err")"
		sleep 0.1
	done
	[ -s "$dir/port" ] || die "jicd $name wrote no port"
	port=$(cat "$dir/port")
	printf -v "${name}_url" 'http://127.0.0.1:%s' "$port"
}

# A source and an empty puller, paired; the puller polls only on sync now.
start_pair() {
	local src=$1 dst=$2 su st du dt
	start_node "$src" --no-sync
	start_node "$dst" --sync-interval 3600000
	su=${src}_url st=${src}_token du=${dst}_url dt=${dst}_token
	"${py[@]}" pair --src-url "${!su}" --src-token "${!st}" --dst-url "${!du}" \
		--dst-token "${!dt}" >/dev/null || die "pairing $dst with $src failed"
}

ingest() {
	local url=$1 token=$2 file=$3 out=$4
	run timeout 300 "$build/bench/bench_ingest" --url "$url/api/collections/$coll/objects/" \
		--token "$token" --objects "$file" --batch "$batch" --conns 1 >"$out" ||
		die "ingest failed: $(cat "$out")"
	say "ingest $(basename "$file"): $(cat "$out")"
}

pull() {
	local url=$1 token=$2 count=$3 db=$4 out=$5
	# the same pause after every load, so that no measurement starts while a
	# node is still writing back the load before it
	sleep 1
	run "${py[@]}" wait --url "$url" --token "$token" --count "$count" --db "$db" \
		--timeout 600 >"$out" || die "replication failed"
	say "pull to $count: $(cat "$out")"
}

main() {
	coll=5a7c0a1e-0000-4000-8000-0000000be4c0
	prepare
	say "1. catch-up from a source of $extra, $rounds rounds"
	for ((i = 0; i < rounds; i++)); do
		start_pair s1 p1
		ingest "$s1_url" "$s1_token" "$tmp/extra-$i" "$tmp/ingest-small-$i.txt"
		pull "$p1_url" "$p1_token" "$extra" "$tmp/p1/node.db" "$tmp/catchup-small-$i.txt"
		stop "$p1_pid"
		stop "$s1_pid"
		rm -rf "$tmp/s1" "$tmp/p1"
	done

	say "2. ingest and replication of $bulk, catch-up from a source of $((bulk + extra)) and on"
	start_pair s2 p2
	ingest "$s2_url" "$s2_token" "$tmp/bulk.ndjson" "$tmp/ingest.txt"
	pull "$p2_url" "$p2_token" "$bulk" "$tmp/p2/node.db" "$tmp/replicate.txt"
	for ((i = 0; i < rounds; i++)); do
		ingest "$s2_url" "$s2_token" "$tmp/extra-$i" "$tmp/ingest-extra-$i.txt"
		pull "$p2_url" "$p2_token" "$((bulk + (i + 1) * extra))" "$tmp/p2/node.db" \
			"$tmp/catchup-big-$i.txt"
	done
	stop "$p2_pid"
	stop "$s2_pid"

	python3 "$here/replicate.py" report --ingest "$tmp/ingest.txt" \
		--replicate "$tmp/replicate.txt" --catchup-small "$tmp"/catchup-small-*.txt \
		--catchup-big "$tmp"/catchup-big-*.txt --out "$repo/bench/out/replicate.txt" \
		--ingest-small "$tmp"/ingest-small-*.txt --ingest-extra "$tmp"/ingest-extra-*.txt \
		--note "POST batches of $batch objects over 1 connection; the puller polls on sync now only"
}

main
