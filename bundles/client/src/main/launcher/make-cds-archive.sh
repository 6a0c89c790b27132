#!/usr/bin/env bash
#
# make-cds-archive.sh <bin/fwknop of an unpacked distribution>
#
# Run by the build when a distribution is packaged: writes lib/classpath (the jars, sorted) and the AppCDS
# archive lib/fwknop.jsa next to the client's jars, from one training knock of the launcher itself (an SPA
# packet with throwaway keys to 127.0.0.1, the discard port 9). bin/fwknop then starts with those classes
# already parsed and linked. The archive is only valid for the JVM build that made it (others ignore it).
#
set -euo pipefail
launcher=$1
bin=$(cd "$(dirname "$launcher")" && pwd)
if [ -d "$bin/../client/lib" ]; then
    lib=$bin/../client/lib
else
    lib=$bin/../lib
fi
cd "$lib"
rm -f fwknop.jsa classpath
cp=
for jar in $(LC_ALL=C ls -1 *.jar); do
    cp=${cp:+$cp:}lib/$jar
done
printf '%s\n' "$cp" > classpath
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME=$home FWKNOP_CDS_DUMP=1 bash "$launcher" --no-rc-file --no-save-args -A tcp/22 -a 127.0.0.1 -D 127.0.0.1 -p 9 \
    --key-base64-rijndael c2VjcmV0a2V5Zm9ydHJhaW5pbmdvbmx5 --key-base64-hmac aG1hY2tleWZvcnRyYWluaW5nb25seQ \
    >/dev/null 2>"$home/dump.log" || { cat "$home/dump.log" >&2; exit 1; }
if [ ! -s fwknop.jsa ]; then
    echo "make-cds-archive: no archive written" >&2
    cat "$home/dump.log" >&2
    exit 1
fi
echo "make-cds-archive: $(wc -c < fwknop.jsa) bytes in $lib/fwknop.jsa for: $cp"
