#!/usr/bin/env bash
# Postern end to end, on this machine only: a gateway network namespace with a default-drop firewall
# and a protected TCP service, Postern's daemon sniffing its interface, Postern's client knocking from a
# second namespace. The port opens for that address, then closes again. Everything lives in two
# namespaces this script creates and removes; no traffic leaves them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh needs root: it creates network namespaces and firewall rules (try: sudo $0)" >&2
  exit 1
fi
for p in ip iptables-nft nc; do
  command -v "$p" >/dev/null || { echo "missing $p: apt-get install iproute2 iptables netcat-openbsd libpcap0.8" >&2; exit 1; }
done
[ -d /usr/lib/jvm/java-17-openjdk-amd64 ] && export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 && export PATH="$JAVA_HOME/bin:$PATH"
dist="$here/karaf-assembly/target/assembly"
if [ ! -x "$dist/bin/fwknopd" ]; then
  echo "== building Postern (mvn install, tests skipped) =="
  (cd "$here" && mvn -B -ntp -q install -DskipTests)
fi

CLI=pdemo-cli SRV=pdemo-gw CIP=10.203.0.1 SIP=10.203.0.2 PORT=2222 TIMEOUT=5
IPT=/usr/sbin/iptables-nft
run="$(mktemp -d /tmp/postern-demo.XXXXXX)"
say() { printf '\n== %s\n' "$*"; }
cleanup() {
  [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
  for ns in $CLI $SRV; do
    for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del $ns 2>/dev/null || true
  done
}
trap cleanup EXIT
cleanup

say "two namespaces: $CLI ($CIP) <-veth-> $SRV ($SIP); INPUT policy DROP in $SRV, tcp/$PORT protected"
ip netns add $CLI; ip netns add $SRV
ip -n $CLI link set lo up; ip -n $SRV link set lo up
ip link add pdemo-c netns $CLI type veth peer name pdemo-g netns $SRV
ip -n $CLI addr add $CIP/24 dev pdemo-c; ip -n $SRV addr add $SIP/24 dev pdemo-g
ip -n $CLI link set pdemo-c up; ip -n $SRV link set pdemo-g up
s() { ip netns exec $SRV "$@"; }
c() { ip netns exec $CLI "$@"; }
s $IPT -P INPUT DROP
s $IPT -A INPUT -i lo -j ACCEPT
s $IPT -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
s $IPT -A INPUT -p icmp -j ACCEPT
s setsid nc -dlk $SIP $PORT </dev/null >/dev/null 2>&1 &

keys="$("$dist/bin/fwknop" --key-gen)"
key="$(awk '/^KEY_BASE64:/{print $2}' <<<"$keys")"; hmac="$(awk '/^HMAC_KEY_BASE64:/{print $2}' <<<"$keys")"
cat > "$run/fwknopd.conf" <<CONF
PCAP_INTF           pdemo-g;
PCAP_FILTER         udp dst port 62201;
FIREWALL_EXE        $IPT;
FWKNOP_RUN_DIR      $run;
CONF
cat > "$run/access.conf" <<CONF
SOURCE              ANY
KEY_BASE64          $key
HMAC_KEY_BASE64     $hmac
OPEN_PORTS          tcp/$PORT
FW_ACCESS_TIMEOUT   $TIMEOUT
CONF
chmod 600 "$run"/*.conf

say "starting Postern's fwknopd in $SRV (pcap on pdemo-g, fwknop's own config syntax; log $run/fwknopd.log)"
ip netns exec $SRV "$dist/bin/fwknopd" -f -c "$run/fwknopd.conf" -a "$run/access.conf" \
   -d "$run/digest.cache" -p "$run/fwknopd.pid" > "$run/fwknopd.log" 2>&1 &
dpid=$!
for _ in $(seq 1 600); do grep -q "Capture source pcap:fwknopd running" "$run/fwknopd.log" && break; sleep 0.1; done
grep -q "Capture source pcap:fwknopd running" "$run/fwknopd.log" || { cat "$run/fwknopd.log"; echo "daemon did not start" >&2; exit 1; }
echo "daemon up; listening sockets in the gateway (none reachable from outside):"
s ss -ltnup | sed 's/^/   /'

probe() { c nc -z -w 2 $SIP $PORT >/dev/null 2>&1 && echo open || echo "closed (connect timed out)"; }
say "before the knock: tcp/$PORT is $(probe)"
say "knocking: bin/fwknop -A tcp/$PORT -a $CIP -D $SIP --key-base64-rijndael ... --key-base64-hmac ..."
c "$dist/bin/fwknop" --no-rc-file --no-save-args -A tcp/$PORT -a $CIP -D $SIP \
   --key-base64-rijndael "$key" --key-base64-hmac "$hmac"
for _ in $(seq 1 50); do s $IPT -S FWKNOP_INPUT 2>/dev/null | grep -q _exp_ && break; sleep 0.1; done
s $IPT -S FWKNOP_INPUT | sed 's/^/   /'
say "after the knock: tcp/$PORT is $(probe)"
say "waiting for FW_ACCESS_TIMEOUT ($TIMEOUT s)"
for _ in $(seq 1 100); do s $IPT -S FWKNOP_INPUT 2>/dev/null | grep -q _exp_ || break; sleep 0.1; done
say "after expiry: tcp/$PORT is $(probe)"
say "daemon log:"
grep -E "accepted|Added access rule|Removed|closed|Refused" "$run/fwknopd.log" | sed "s/\x1b\[[0-9;]*m//g; s/^/   /"
