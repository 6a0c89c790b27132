#!/usr/bin/env bash
# Boot to ready, CPU used up to ready and resident memory of Postern's bin/fwknopd (issue 10), N fresh starts in a
# network namespace of its own (loopback only, nftables backend), each stopped before the next.
#
# usage: sudo scripts/boot-rss.sh [--dist DIR] [--mode pcap|udp] [--runs N] [--settle S] [--nmt]
#   --dist    the unpacked distribution (default karaf-assembly/target/assembly)
#   --settle  seconds after ready before RSS is read (default 3)
#   --nmt     also -XX:NativeMemoryTracking=summary and keep `jcmd VM.native_memory summary` + smaps_rollup per run
# The daemon's environment passes through: JAVA_MAX_MEM, POSTERN_JVM_OPTS, EXTRA_JAVA_OPTS, MALLOC_ARENA_MAX.
# One line per run: boot_ms (launch to the ready line with capture running and backend in force, polled every
# 50 ms), cpu_ms (the JVM's utime+stime at that moment), rss_kb, the load average. Needs root and nft.
set -u
cd "$(dirname "$0")/.."
DIST=$(pwd)/karaf-assembly/target/assembly MODE=pcap RUNS=3 SETTLE=3 NMT=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST=$(realpath "$2"); shift ;;
    --mode) MODE=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --nmt) NMT=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$DIST/bin/fwknopd" ] || { echo "no distribution at $DIST" >&2; exit 2; }
NS=postern-boot-$$
WORK=$(mktemp -d /tmp/postern-boot.XXXXXX)
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
cleanup() { ip netns del "$NS" 2>/dev/null; $NMT || rm -rf "$WORK"; }
trap cleanup EXIT
! $NMT || export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
KEY=$(head -c 32 /dev/urandom | base64 -w0)
HMAC=$(head -c 64 /dev/urandom | base64 -w0)
for i in $(seq 1 "$RUNS"); do
  D="$WORK/run-$i"
  mkdir -p "$D"
  {
    echo "PCAP_INTF lo;"; echo "PCAP_FILTER udp dst port 62201;"
    [ "$MODE" = udp ] && { echo "ENABLE_UDP_SERVER Y;"; echo "UDPSERV_PORT 62201;"; }
    echo "FIREWALL_TYPE nftables;"; echo "FIREWALL_EXE /usr/sbin/nft;"
    echo "FWKNOP_RUN_DIR $D;"; echo "FWKNOP_PID_FILE $D/fwknopd.pid;"; echo "DIGEST_FILE $D/digest.cache;"
  } > "$D/fwknopd.conf"
  printf 'SOURCE ANY\nKEY_BASE64 %s\nHMAC_KEY_BASE64 %s\nFW_ACCESS_TIMEOUT 15\n' "$KEY" "$HMAC" > "$D/access.conf"
  chmod 600 "$D/fwknopd.conf" "$D/access.conf"
  flags=(-f -c "$D/fwknopd.conf" -a "$D/access.conf" -p "$D/fwknopd.pid")
  [ "$MODE" = udp ] && flags+=(-U)
  t0=$(date +%s%N)
  ip netns exec "$NS" "$DIST/bin/fwknopd" "${flags[@]}" > "$D/out.log" 2>&1 &
  sh=$!
  ok=false
  for _ in $(seq 1 2400); do   # at most 120 s
    if grep -q "Postern fwknopd ready" "$D/out.log" && grep -q "Firewall backend in force" "$D/out.log" \
        && grep -q "Capture source $MODE:fwknopd running" "$D/out.log"; then
      ok=true
      break
    fi
    kill -0 "$sh" 2>/dev/null || break
    sleep 0.05
  done
  t1=$(date +%s%N)
  pid=$(cat "$D/fwknopd.pid" 2>/dev/null)
  cpu=$(awk '{ print ($14 + $15) * 10 }' "/proc/$pid/stat" 2>/dev/null)
  sleep "$SETTLE"
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  if $NMT; then
    "${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/jcmd" "$pid" VM.native_memory summary > "$D/nmt.txt" 2>&1
    cat "/proc/$pid/smaps_rollup" > "$D/smaps_rollup.txt" 2>/dev/null
  fi
  echo "run $i $MODE ready=$ok boot_ms=$(( (t1 - t0) / 1000000 )) cpu_ms=${cpu:-?} rss_kb=${rss:-?} load=$(cut -d' ' -f1-3 /proc/loadavg)"
  kill -TERM "$sh" 2>/dev/null
  wait "$sh"
done
! $NMT || echo "kept: $WORK (nmt.txt, smaps_rollup.txt, karaf/log per run)"
