#!/usr/bin/env bash
# A short, bounded coverage-guided fuzz run of every Jazzer target (each @FuzzTest's maxDuration, about 15 s),
# after the build has replayed their corpora. Run by scripts/test.sh, so CI fuzzes on every build; a finding fails
# it and Jazzer writes the input into the target's *Inputs folder (commit it: it is then replayed on every build).
# Long runs: see the README's Security section.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:$PATH
fi
# module  test#method
targets=(
  "bundles/cipher-rijndael SpaDecodeFuzzTest#decoder"
  "bundles/server ConfigFuzzTest"
  "bundles/capture-http SpaOverHttpFuzzTest"
  "bundles/capture-pcap FrameDecoderFuzzTest"
  "bundles/client RcFileFuzzTest"
)
for t in "${targets[@]}"; do
  read -r module test <<< "$t"
  echo "fuzz-smoke: $module $test"
  JAZZER_FUZZ=1 JAZZER_INSTRUMENT='org.postern.**' timeout 300 \
    mvn -B -ntp -o -q test -pl "$module" -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    > "target-fuzz-smoke.log" 2>&1 || { tail -60 target-fuzz-smoke.log; rm -f target-fuzz-smoke.log; exit 1; }
  grep -E '^Done [0-9]+ runs' target-fuzz-smoke.log || true
done
rm -f target-fuzz-smoke.log
