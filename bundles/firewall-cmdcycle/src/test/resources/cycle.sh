#!/bin/sh
# Test helper for the command-cycle contract: cycle.sh -I|-D <source> <proto#> <port> adds or deletes an
# ACCEPT rule at the top of INPUT, with iptables-nft or ip6tables-nft by the source's family.
case "$2" in
    *:*) exe=/usr/sbin/ip6tables-nft ;;
    *) exe=/usr/sbin/iptables-nft ;;
esac
exec "$exe" -w "$1" INPUT -p "$3" -s "$2" --dport "$4" -j ACCEPT
