#!/usr/bin/env bash
# Installs the Debian packages jic needs to build, test, run and benchmark.
# Idempotent: does nothing when every package is already there.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev
      libcurl4-openssl-dev libcmocka-dev liblzma-dev libunistring-dev xz-utils
      sqlite3 curl python3 openssl ca-certificates)
if [ "${1:-}" = "--bench" ]; then pkgs+=(wrk nginx-light); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "jic: installing ${missing[*]}" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
