#!/usr/bin/env bash
# Every test: unit tests of each bundle, the feature check, the assembled distribution, and the
# integration tests that run the real fwknop 2.6.10 and real iptables in network namespaces (as root;
# without root those are skipped and say so).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:$PATH
fi
[ "$(id -u)" -eq 0 ] || echo "note: not root, so the network-namespace integration tests are skipped" >&2
mvn -B -ntp install "$@"
# then a short timed fuzz run of every Jazzer target (FUZZ_SMOKE=0 skips it)
[ "${FUZZ_SMOKE:-1}" = 0 ] || scripts/fuzz-smoke.sh
