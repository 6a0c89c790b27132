#!/usr/bin/env bash
#
# Makes bin/karaf-daemon, the launcher bin/fwknopd starts the daemon with: Karaf's own bin/karaf without its
# --patch-module options (and the two options that only serve the patched modules).
#
# Why (issue 10, boot time and memory): on Java 17 any --patch-module turns class data sharing off, so every JDK
# class the daemon loads (~2,900) is parsed from the jimage and kept in metaspace instead of being mapped from the
# JDK's CDS archive (1,200 of them). Karaf patches java.base with its OSGi service locator and java.xml with factory
# finders that ask that locator first, for bundles that provide their own XML implementation. The daemon has none:
# the JDK's XML implementations serve, and the locator jar goes on the class path instead (bin/fwknopd puts it
# there), where Karaf's specs activator (lib/boot) finds it.
#
# usage: daemon-launcher.sh <assembly dir>. Fails when bin/karaf does not have exactly the expected lines (a Karaf
# upgrade must look at this again).
set -euo pipefail
dir=$1
src="$dir/bin/karaf"
dst="$dir/bin/karaf-daemon"
[ -r "$src" ] || { echo "daemon-launcher: no $src" >&2; exit 1; }
drop=(
  '--add-reads=java.xml=java.logging \'
  '--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED \'
  '--patch-module java.base="${KARAF_HOME}/lib/endorsed/org.apache.karaf.specs.locator-'
  '--patch-module java.xml="${KARAF_HOME}/lib/endorsed/org.apache.karaf.specs.java.xml-'
)
cp "$src" "$dst.tmp"
for line in "${drop[@]}"; do
  n=$(grep -cF -- "$line" "$dst.tmp" || true)
  if [ "$n" != 1 ]; then
    echo "daemon-launcher: expected one line with '$line' in $src, found $n" >&2
    rm -f "$dst.tmp"
    exit 1
  fi
  grep -vF -- "$line" "$dst.tmp" > "$dst.tmp2"
  mv "$dst.tmp2" "$dst.tmp"
done
if grep -q -- '--patch-module' "$dst.tmp"; then
  echo "daemon-launcher: $src has other --patch-module options" >&2
  rm -f "$dst.tmp"
  exit 1
fi
chmod 755 "$dst.tmp"
mv "$dst.tmp" "$dst"
echo "daemon-launcher: wrote $dst"
