#!/usr/bin/env bash
# demo.sh — `make run`: a demo jic node, built from scratch and served until Ctrl-C.
#
# Owns the demo node's directory (default ./demo-node, recreated on every run;
# the members' signing keys go to its keys/) and nothing else: it only reads
# tests/data/demo/ (the data set and the coalition's charter) and, when it is there,
# ../shared/data/attack/ics-attack-18.1.json.xz (never copied into the tree).
#
#   scripts/demo.sh          a fresh node: coalition, collections, accounts, data
#   scripts/demo.sh --keep   serve the node left by the last run as it is
#
# Environment: JIC_PORT (default 8000), JIC_DEMO_DIR (default ./demo-node),
# JIC_BIN (directory of jicd and jic, default build/release).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${JIC_BIN:-$root/build/release}
dir=${JIC_DEMO_DIR:-$root/demo-node}
port=${JIC_PORT:-8000}
url=http://127.0.0.1:$port
db=$dir/jic.db
jicd=$bin/jicd
jic=$bin/jic
ics=$root/../shared/data/attack/ics-attack-18.1.json.xz
keep=0

case "${1:-}" in
--keep) keep=1 ;;
"") ;;
-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "demo: unknown option $1 (try --help)" >&2; exit 2 ;;
esac

for b in "$jicd" "$jic"; do
	[ -x "$b" ] || { echo "demo: $b is missing; run 'make run' (or 'make release')" >&2; exit 1; }
done

say() { printf '\033[1m%s\033[0m\n' "$*"; }

serve() {
	say "jic demo node: $url  (Ctrl-C stops it)"
	cat "$dir/tokens.txt"
	echo
	exec "$jicd" --db "$db" --listen "127.0.0.1:$port"
}

if [ $keep -eq 1 ] && [ -f "$db" ] && [ -f "$dir/tokens.txt" ]; then
	serve
fi

# The coalition: id, kind, English name, Arabic name. A fictional alliance.
members=(
	"sahil|full|Sahil Information Service|جهاز معلومات الساحل"
	"jabal|full|Jabal Security Directorate|مديرية أمن الجبل"
	"wadi|full|Wadi Intelligence Bureau|مكتب استخبارات الوادي"
	"nahr|full|Nahr Operations Centre|مركز عمليات النهر"
	"waha|associate|Waha Liaison Office|مكتب ارتباط الواحة"
)

rm -rf "$dir"
mkdir -p "$dir"
echo '*' >"$dir/.gitignore" # the node is never part of the tree

say "creating the HQ node in $dir"
admin=$("$jic" init --db "$db" --node hq-node --member hq \
	--name-en "Joint Information Centre" --name-ar "مركز المعلومات المشترك" \
	--kind full --title "Joint Information Centre (demo)" | grep -o 'jic_[A-Za-z0-9_-]\{20,\}' | head -n1)
[ -n "$admin" ] || { echo "demo: jic init printed no token" >&2; exit 1; }

# A jicd for the setup; the one that serves is started at the end, in the foreground.
rm -f "$dir/port"
"$jicd" --db "$db" --listen "127.0.0.1:$port" --port-file "$dir/port" >"$dir/setup.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	[ -s "$dir/port" ] && break
	kill -0 $pid 2>/dev/null || { cat "$dir/setup.log" >&2; echo "demo: jicd did not start (is port $port free? JIC_PORT changes it)" >&2; exit 1; }
	sleep 0.1
done
[ -s "$dir/port" ] || { echo "demo: jicd did not start" >&2; exit 1; }

export JIC_URL=$url JIC_TOKEN=$admin
q() { "$jic" "$@" >/dev/null; }
token_of() { "$jic" --json token create "$1" --label demo | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

say "building the coalition: four full members and one associate"
q collection add coalition --title "Coalition picture" \
	--description "The shared picture of the coalition / الصورة المشتركة للتحالف" --owner hq
q grant coalition hq write
tokens="admin (hq)          $admin"
for row in "${members[@]}"; do
	IFS='|' read -r id kind en ar <<<"$row"
	q member add "$id" --kind "$kind" --name-en "$en" --name-ar "$ar"
	q grant coalition "$id" write
	q collection add "$id-only" --title "$en only" --owner "$id" \
		--description "Reports for $en only / تقارير خاصة بـ$ar"
	q grant "$id-only" "$id" write
	q account add "$id-delegate" --member "$id" --role delegate
	tok=$(token_of "$id-delegate")
	printf -v line '%-20s%s' "$id-delegate" "$tok"
	tokens+=$'\n'"$line"
	echo "  $id ($kind): $en — $ar"
	if [ -f "$root/tests/data/demo/$id.json" ]; then
		JIC_TOKEN=$tok q push "$root/tests/data/demo/$id.json" --collection "$id-only"
	fi
done

say "signing the coalition's charter: keys for each member, presidency from 2026-01-01"
mkdir -m 700 "$dir/keys"
for row in "${members[@]}"; do
	IFS='|' read -r id _ _ _ <<<"$row"
	"$jic" member keygen --member "$id" --out "$dir/keys/$id.key" 2>&1 >"$dir/keys/$id.pub" | sed 's/^/  /'
done
# The charter's text is tests/data/demo/charter.json; only the public keys are added.
python3 - "$root/tests/data/demo/charter.json" "$dir/keys" >"$dir/charter.json" <<'PY'
import json, os, sys
charter = json.load(open(sys.argv[1], encoding="utf-8"))
for m in charter["members"]:
    with open(os.path.join(sys.argv[2], m["id"] + ".pub")) as f:
        m["key"] = f.read().strip()
json.dump(charter, sys.stdout, ensure_ascii=False, indent=2)
PY
"$jic" charter init "$dir/charter.json" | sed 's/^/  /'
"$jic" presidency | sed 's/^/  /'

say "loading the demo data set"
q push "$root/tests/data/demo/coalition.json" --collection coalition
if [ -f "$ics" ]; then
	say "loading MITRE ATT&CK for ICS 18.1 into the coalition collection"
	"$jic" push "$ics" --collection coalition --batch 500
fi

{
	echo "URL     $url"
	echo "tokens  (HTTP Basic password with any user name, or Bearer):"
	echo "$tokens" | sed 's/^/  /'
	echo "keys    $dir/keys/MEMBER.key: each member's signing key (jic ... --key FILE)"
	echo "try     curl -su :$admin -H 'Accept: application/taxii+json;version=2.1' $url/api/collections/"
	echo "        JIC_URL=$url JIC_TOKEN=$admin $jic objects coalition --type report"
	echo "        JIC_URL=$url JIC_TOKEN=$admin $jic charter show"
} >"$dir/tokens.txt"
chmod 600 "$dir/tokens.txt"

kill -TERM $pid
wait $pid || true
trap - EXIT
serve
