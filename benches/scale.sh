#!/usr/bin/env bash
# Build time and peak memory against province size.
#
#   benches/scale.sh [RUNS] [SIZES…]        (defaults: 3 1000 5000 20000 50000)
#
# For each size (villages), generates the province once into $BENCH_DIR/pN (default /tmp),
# then times RUNS cold site-only builds (no previous output) and RUNS unchanged rebuilds,
# each with GNU time. The output goes to $BENCH_OUT/oN (default: beside the province; set it
# to a tmpfs folder such as /dev/shm to take the disk out of it) and is removed outside the
# timed runs. Set ONLY=site,posters,wechat (or any list) for other targets. Prints, per size,
# pages, median wall seconds and median peak memory of each kind of run.
#
# On a disk (not tmpfs) every cold run gets a new output folder and all of them are removed
# only when the script ends: ext4 without a journal (this project's machine) skips inodes freed
# in the last minutes when it makes new ones, one by one, so a build started right after
# deleting a previous 200,000-file output measures that search (20 s instead of 17 s at 50,000
# villages, over 40 s after several deletions in a row), not the build.
set -euo pipefail
runs=${1:-3}
shift || true
sizes=${*:-1000 5000 20000 50000}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp}
outdir=${BENCH_OUT:-$dir}
only=${ONLY:-site}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
(cd "$repo" && cargo build --release --quiet --bin gongshi --example gen_province)
gongshi=$repo/target/release/gongshi
export GONGSHI_TODAY=2026-11-22

# Cold outputs on a disk, removed at the end (see above).
trash=()
mkdir -p "$outdir"
[ "$(stat -f -c %T "$outdir")" = tmpfs ] && tmpfs=yes || tmpfs=no
trap 'rm -rf "${trash[@]}"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf '%-9s %-8s %-12s %-14s %-12s %-14s\n' villages pages cold_s cold_peak_MiB rebuild_s rebuild_peak_MiB
for n in $sizes; do
  p=$dir/p$n
  if [ ! -f "$p/.generated-$n" ]; then
    rm -rf "$p"
    "$repo/target/release/examples/gen_province" --villages "$n" "$p" >/dev/null
    touch "$p/.generated-$n"
  fi
  o=$outdir/o$n
  cold=$(mktemp) warm=$(mktemp)
  for i in $(seq "$runs"); do
    rm -rf "$p/.gongshi-cache"
    if [ "$tmpfs" = yes ]; then
      rm -rf "$o"
    else
      o=$outdir/o$n.cold-$$-$i
      trash+=("$o")
    fi
    /usr/bin/time -f "%e %M" -a -o "$cold" "$gongshi" build --root "$p" --only "$only" --output "$o" >/dev/null 2>&1
  done
  # Inputs changed within two seconds of a build leave no memo; the province is older.
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -a -o "$warm" "$gongshi" build --root "$p" --only "$only" --output "$o" >/dev/null 2>&1
  done
  pages=$(find "$o" -name '*.html' | wc -l)
  printf '%-9s %-8s %-12s %-14s %-12s %-14s\n' "$n" "$pages" \
    "$(awk '{print $1}' "$cold" | median)" "$(awk '{print int($2/1024)}' "$cold" | median)" \
    "$(awk '{print $1}' "$warm" | median)" "$(awk '{print int($2/1024)}' "$warm" | median)"
  echo "  cold runs (s): $(awk '{printf "%s ", $1}' "$cold")" >&2
  rm -f "$cold" "$warm"
done
