#!/usr/bin/env bash
# Load harness (issue 10): Postern's daemon against the real fwknopd 2.6.10, side by side, in namespaces.
#
# usage: sudo scripts/perf.sh [--build] [harness options]
#   --build        build the distribution first (mvn install -DskipTests of the daemon's modules)
#   harness options (org.postern.itests.netns.LoadHarness):
#     --runs N (3)  --grants N (2000)  --stanzas N (1000, 0 = skip)  --floods 1000,10000,50000,100000,150000|none
#     --sender-threads N (2: the flood sender's threads, each its own socket; the harness reports what it really sent)
#     --modes pcap,udp  --timeout S (15, FW_ACCESS_TIMEOUT)  --heap 128m  --jvm-opts OPTS  --jfr  --keep  --smoke  --out DIR (itests/target/perf)
#     --grants10k   also 10,000 live grants (Postern only, pcap): expiry error by nft monitor delete events, nft
#                   transactions per opening and per closing (about 2 minutes more)
#   --cluster      instead: the cluster benchmark (issue 12, org.postern.itests.netns.ClusterBench): the latency the
#                  cluster check adds per accepted packet, three gateways vs one alone; options --packets N (300)
#                  --warmup N (30) --out DIR; writes cluster-results.md. Needs root, fwknop, iptables-nft, nc.
# Needs root, fwknopd 2.6.10, nft, iptables-nft, nc, stdbuf. Prints one table; writes results.md, results.tsv,
# latency.png and harness.log (and postern-*.jfr with --jfr) in the output directory. Never fails on a number.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
if [ "${1:-}" = "--build" ]; then
  shift
  mvn -B -ntp -q install -DskipTests -pl karaf-assembly -am
fi
[ -x karaf-assembly/target/assembly/bin/fwknopd ] || { echo "no distribution: run with --build" >&2; exit 2; }
mvn -B -ntp -q -o test-compile -pl itests
CP_FILE="$ROOT/itests/target/perf-classpath.txt"
mvn -B -ntp -q -o dependency:build-classpath -pl itests -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
OUT="$ROOT/itests/target/perf"
MAIN=org.postern.itests.netns.LoadHarness
for a in "$@"; do
  [ "$a" = "--out" ] && OUT=""
  [ "$a" = "--cluster" ] && MAIN=org.postern.itests.netns.ClusterBench
done
exec java -Xmx512m -Dpostern.assembly="$ROOT/karaf-assembly/target/assembly" \
  -cp "$ROOT/itests/target/test-classes:$(cat "$CP_FILE")" $MAIN \
  ${OUT:+--out "$OUT"} "$@"
