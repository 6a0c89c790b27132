#!/usr/bin/env bash
#
# client-startup.sh [DIST] [RUNS]
#
# Times Postern's bin/fwknop beside the real fwknop (C) client in the same run: command start to packet sent
# (both processes exit right after sending), each sending one SPA packet (random throwaway keys) over UDP to
# 127.0.0.1 port 9 (discard: nothing listens, nothing else is touched), with --no-rc-file --no-save-args and a
# throwaway HOME. Prints the median, the fastest and the 90th percentile of each, in milliseconds.
#
# DIST: an unpacked Karaf distribution or standalone client archive (default karaf-assembly/target/assembly);
# RUNS: runs per client (default 40). Uses hyperfine when it is installed (apt-get install hyperfine), else a
# bounded loop that interleaves the two clients.
#
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dist=${1:-$here/karaf-assembly/target/assembly}
runs=${2:-40}
postern=$dist/bin/fwknop
[ -x "$postern" ] || { echo "no $postern: build first (mvn -B -ntp install -DskipITs)" >&2; exit 1; }
real=$(command -v fwknop || true)
[ -n "$real" ] || { echo "the real fwknop client is not installed (apt-get install fwknop-client)" >&2; exit 1; }
[ "$runs" -ge 3 ] && [ "$runs" -le 1000 ] || { echo "RUNS must be 3..1000" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work
key=$(head -c 32 /dev/urandom | base64 -w0)
hmac=$(head -c 64 /dev/urandom | base64 -w0)
args=(--no-rc-file --no-save-args -A tcp/22 -a 127.0.0.1 -D 127.0.0.1 -p 9
      --key-base64-rijndael "$key" --key-base64-hmac "$hmac")

# both must work before they are timed
"$postern" "${args[@]}" || { echo "bin/fwknop failed" >&2; exit 1; }
"$real" "${args[@]}" || { echo "fwknop (C) failed" >&2; exit 1; }

if [ -r "$dist/client/lib/fwknop.jsa" ] || [ -r "$dist/lib/fwknop.jsa" ]; then
    cds="with its AppCDS archive"
else
    cds="WITHOUT an AppCDS archive"
fi
echo "Postern $postern ($cds) vs fwknop (C) $real; $runs runs each; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"

# prints "median min p90" (ms) of the numbers (ms) on stdin
stats() {
    sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        p = v[int(NR * 0.9 + 0.999)]
        printf "%.1f %.1f %.1f\n", m, v[1], p }'
}

if command -v hyperfine >/dev/null 2>&1; then
    json=$work/times.json
    hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$json" \
        -n postern "$postern ${args[*]}" -n fwknop-c "$real ${args[*]}" >/dev/null
    # the per-run times of each command, in ms
    awk '/"command":/ { n++ } /"times": \[/ { t = 1; next } t && /\]/ { t = 0 } t { gsub(/[ ,]/, ""); print n, $0 * 1000 }' \
        "$json" > "$work/times"
    # mean CPU time (user + system) of each command, in ms: less sensitive to other load than wall time
    awk '/"user":/ { gsub(/[ ,]/, ""); split($0, a, ":"); u[++n] = a[2] } /"system":/ { gsub(/[ ,]/, "");
        split($0, a, ":"); s[++m] = a[2] } END { for (i = 1; i <= n; i++) print i, (u[i] + s[i]) * 1000 }' \
        "$json" > "$work/cpu"
    tool=hyperfine
else
    : > "$work/times"
    for _ in 1 2 3; do "$postern" "${args[@]}"; "$real" "${args[@]}"; done  # warm the page cache
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$postern" "${args[@]}"; e=$(date +%s%N)
        echo "1 $(( (e - s) / 1000 ))" | awk '{ print $1, $2 / 1000 }' >> "$work/times"
        s=$(date +%s%N); "$real" "${args[@]}"; e=$(date +%s%N)
        echo "2 $(( (e - s) / 1000 ))" | awk '{ print $1, $2 / 1000 }' >> "$work/times"
    done
    tool="a bounded loop"
fi
read -r pm pmin p90 < <(awk '$1 == 1 { print $2 }' "$work/times" | stats)
read -r cm cmin c90 < <(awk '$1 == 2 { print $2 }' "$work/times" | stats)
echo "timed with $tool (command start to exit, the packet sent just before exit):"
cpu() { [ -s "$work/cpu" ] && awk -v i="$1" '$1 == i { printf "   CPU (mean) %6.1f ms", $2 }' "$work/cpu"; }
printf '  %-22s median %7.1f ms   fastest %7.1f ms   p90 %7.1f ms%s\n' "Postern bin/fwknop" "$pm" "$pmin" "$p90" \
    "$(cpu 1)"
printf '  %-22s median %7.1f ms   fastest %7.1f ms   p90 %7.1f ms%s\n' "fwknop 2.6.10 (C)" "$cm" "$cmin" "$c90" \
    "$(cpu 2)"
awk -v m="$pm" 'BEGIN { exit !(m <= 150) }' && echo "  Postern median within the 150 ms goal" \
    || echo "  Postern median ABOVE the 150 ms goal"
