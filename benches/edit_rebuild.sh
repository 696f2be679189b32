#!/usr/bin/env bash
# One notice edited in a generated province, then the site and WeChat exports built again.
#
#   benches/edit_rebuild.sh [VILLAGES] [EDITS] [DIR]     (defaults: 20000 3 /tmp/gongshi-edit-VILLAGES)
#
# Builds the province from scratch (`--only site,wechat`, no cache), then EDITS times edits
# the first village's voter notice (a new revision entry each time, as a published notice
# needs) and rebuilds into the same output. Prints each build's wall time and peak memory.
# The notice is restored at the end. Put DIR / BENCH_OUT on tmpfs to take the disk out of it.
set -euo pipefail
villages=${1:-20000}
edits=${2:-3}
dir=${3:-/tmp/gongshi-edit-$villages}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$dir/out}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
(cd "$repo" && cargo build --release --quiet --bin gongshi --example gen_province)
gongshi=$repo/target/release/gongshi
if [ ! -f "$dir/.generated-$villages" ]; then
  "$repo/target/release/examples/gen_province" --villages "$villages" "$dir"
  touch "$dir/.generated-$villages"
fi
export GONGSHI_TODAY=2026-11-22
notice=$dir/content/county001/t01/v00/xuanmin.md
saved=$(mktemp)
cp "$notice" "$saved"
trap 'cp "$saved" "$notice"; rm -f "$saved"' EXIT
build() {
  /usr/bin/time -f "$1 %e s, peak %M KiB" "$gongshi" build --root "$dir" --only site,wechat \
    --output "$out" 2>&1 >/dev/null | tail -1
}
rm -rf "$out" "$dir/.gongshi-cache"
build "from scratch:"
revisions=""
for i in $(seq "$edits"); do
  cp "$saved" "$notice"
  revisions="$revisions{on: 2026-11-1$((i % 10)), note: 更正$i}, "
  sed -i "s/^registration:/revisions: [${revisions%, }]\nregistration:/" "$notice"
  build "edit $i:"
done
