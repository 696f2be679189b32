#!/usr/bin/env bash
# gongshi against Hugo on the same generated province, in one run, alternating.
#
#   benches/site_vs_hugo.sh [VILLAGES] [RUNS] [DIR]      (defaults: 20000 5 /tmp/gongshi-vs-hugo-VILLAGES)
#
# Needs Debian's hugo (apt-get install hugo) and GNU time (apt-get install time).
# The province comes from examples/gen_province.rs (fixed seed: the same arguments always
# write the same files) together with a Hugo copy of the same notices; Hugo renders them
# with the minimal templates in benches/hugo/ that print the same fields. gongshi builds
# only the site (`--only site`), Hugo only HTML (no RSS, sitemap or taxonomies).
#
# Put the output on tmpfs (BENCH_OUT=/dev/shm/x): each round deletes the previous outputs, and
# on a disk whose ext4 has no journal (this project's machine) the next build then pays for
# stepping past every inode just freed (see benches/scale.sh), which measures the disk.
#
# Each round runs gongshi, then Hugo, each into an empty output folder, so both do a whole
# build from scratch ("cold": gongshi with no previous output and no cache). A warm-up round
# is not counted. Then the same again for gongshi rebuilding into its previous output
# ("unchanged rebuild"), which Hugo has no equivalent of. Prints, per tool, the median wall
# time, pages per second and peak memory, and the median of the per-round ratios.
set -euo pipefail
villages=${1:-20000}
runs=${2:-5}
dir=${3:-/tmp/gongshi-vs-hugo-$villages}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$dir/out}   # put it on tmpfs (e.g. /dev/shm/x) to take the disk out of it

command -v hugo >/dev/null || { echo "needs hugo: apt-get install hugo" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
(cd "$repo" && cargo build --release --quiet --bin gongshi --example gen_province)
gongshi=$repo/target/release/gongshi
if [ ! -f "$dir/.generated-$villages" ]; then
  "$repo/target/release/examples/gen_province" --villages "$villages" --hugo "$dir"
  touch "$dir/.generated-$villages"
fi
rm -rf "$dir/hugo/layouts" && cp -r "$repo/benches/hugo/layouts" "$repo/benches/hugo/hugo.toml" "$dir/hugo/"
export GONGSHI_TODAY=2026-11-22
mkdir -p "$out"

# run NAME CMD… : time one build; appends "seconds peak_kib" to $out/NAME.times
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.one" "$@" >/dev/null 2>"$out/$name.log" \
    || { echo "$name failed:" >&2; tail -5 "$out/$name.log" >&2; exit 1; }
  cat "$out/$name.one" >>"$out/$name.times"
}
g_cold() { rm -rf "$out/g" "$dir/.gongshi-cache"; run gongshi "$gongshi" build --root "$dir" --only site --output "$out/g"; }
h_cold() { rm -rf "$out/h"; run hugo hugo --quiet --source "$dir/hugo" --destination "$out/h"; }
g_warm() { run gongshi-rebuild "$gongshi" build --root "$dir" --only site --output "$out/g"; }

rm -f "$out"/*.times
echo "warm-up round…" >&2
g_cold; h_cold; rm -f "$out"/*.times
for i in $(seq "$runs"); do
  echo "round $i/$runs…" >&2
  g_cold; h_cold
done
for i in $(seq "$runs"); do g_warm; done

g_pages=$(find "$out/g" -name '*.html' | wc -l)
h_pages=$(find "$out/h" -name '*.html' | wc -l)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -v c="$2" '{print $c}' "$out/$1.times"; }
g_t=$(col gongshi 1 | median); h_t=$(col hugo 1 | median); w_t=$(col gongshi-rebuild 1 | median)
g_m=$(col gongshi 2 | median); h_m=$(col hugo 2 | median); w_m=$(col gongshi-rebuild 2 | median)
# Pages per second, gongshi over Hugo, round by round (the same rounds ran side by side).
ratio=$(paste <(col hugo 1) <(col gongshi 1) | awk -v gp="$g_pages" -v hp="$h_pages" '{print ($1/$2)*(gp/hp)}' | median)
echo
echo "province: $villages villages ($dir), $runs rounds, output in $out"
printf '%-28s %8s %8s %12s %10s\n' tool pages "wall s" "pages/s" "peak MiB"
printf '%-28s %8d %8.2f %12.0f %10.0f\n' "gongshi build --only site" "$g_pages" "$g_t" "$(echo "$g_pages / $g_t" | bc -l)" "$(echo "$g_m / 1024" | bc -l)"
printf '%-28s %8d %8.2f %12.0f %10.0f\n' "hugo" "$h_pages" "$h_t" "$(echo "$h_pages / $h_t" | bc -l)" "$(echo "$h_m / 1024" | bc -l)"
printf '%-28s %8d %8.2f %12s %10.0f\n' "gongshi unchanged rebuild" "$g_pages" "$w_t" "-" "$(echo "$w_m / 1024" | bc -l)"
echo "pages per second, gongshi / hugo, from scratch (median of the rounds' ratios): $ratio"
