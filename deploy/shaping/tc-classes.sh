#!/bin/sh
# tc classes for Vigil's shaping marks on egress interface DEV: an HTB root
# whose classes 1:10 and 1:20 receive the packets vigil-shaping.nft gave
# that priority (from the conntrack mark); everything else goes to the
# default class 1:30.
# Usage: DEV=eth1 RATE=1gbit sh tc-classes.sh   (replaces DEV's root qdisc)
set -eu
: "${DEV:?set DEV to the egress interface}"
RATE=${RATE:-1gbit}
q="quantum 1514"
tc qdisc replace dev "$DEV" root handle 1: htb default 30
tc class replace dev "$DEV" parent 1: classid 1:1 htb rate "$RATE" $q
tc class replace dev "$DEV" parent 1:1 classid 1:10 htb rate 10mbit ceil "$RATE" prio 7 $q  # mark 0x10 bulk-http
tc class replace dev "$DEV" parent 1:1 classid 1:20 htb rate 1mbit ceil 10mbit prio 7 $q    # mark 0x20 suspect
tc class replace dev "$DEV" parent 1:1 classid 1:30 htb rate "$RATE" prio 0 $q              # unmarked
