# Passive OS fingerprints in OpenBSD pf.os / p0f v1 format, as fwknop 1.9 reads them (P0F_FILE).
# Written for Postern from the documented format; a few common stacks only. Point the decoder's
# pfOsFile at a full pf.os to use more.
#
# wwww:ttt:D:ss:OOO...:OS:Version:Subtype:Details
#   wwww  window size: *, %n (multiple of n), Sn (n * MSS) or a number
#   ttt   initial TTL
#   D     don't fragment bit (0, 1 or *)
#   ss    SYN packet size (IP total length): *, %n or a number
#   OOO   options in order: N (NOP), Mnnn (MSS), Wnnn (window scale), S (SACK OK), T (timestamp), T0 (TSval 0)
S4:64:1:60:M*,S,T,N,W0:		Linux:2.4::Linux 2.4/2.6
S4:64:1:60:M*,S,T,N,W2:		Linux:2.6::Linux 2.6
*:64:1:60:M*,S,T,N,W7:		Linux:3.x::Linux 3.x or newer
S44:64:1:60:M*,S,T,N,W7:	Linux:4.x::Linux 4.x or newer
65535:64:1:60:M*,N,W1,N,N,T:	FreeBSD:4.7::FreeBSD 4.7-5.1
16384:64:1:64:M*,N,N,S,N,W0,N,N,T:	OpenBSD:3.0::OpenBSD 3.0-3.4
65535:128:1:48:M*,N,N,S:	Windows:XP::Windows XP/2000
S44:128:1:48:M*,N,N,S:		Windows:XP:SP1:Windows XP SP1
65535:128:1:52:M*,N,W8,N,N,S:	Windows:10::Windows 7/8/10
