// Package nft is the verdict stage's firewall hook: it writes block
// verdicts as elements of nftables sets through netlink
// (github.com/google/nftables), the model of CrowdSec's nftables bouncer.
//
// Layout (ManageTable, the default): table inet vigil with sets block4
// and block6 (flag timeout, size = max-blocked, one timeout per element:
// the verdict's escalated duration), allow4 and allow6 (flag interval,
// filled with the allowlist at start), and two base chains, input and
// forward, type filter at priority -10 (before the usual filter chains at
// 0), that accept the allow sets first and then drop the block sets:
//
//	chain input { type filter hook input priority -10; policy accept;
//	    ip saddr @allow4 accept; ip6 saddr @allow6 accept
//	    ip saddr @block4 counter drop; ip6 saddr @block6 counter drop }
//
// With ManageTable off, the table must exist (the user owns the ruleset
// and its chains) and only the four sets are created when missing and
// written.
//
// Writes are batched: the stage hands up to MaxBatch verdicts at a time and
// they go to the kernel in one netlink transaction (adds, then deletes in a
// second one so that an element the kernel already expired does not fail
// the adds). At start the block sets are read back (Restore), so blocks
// survive a restart of Vigil and count against max-blocked.
//
// Blocks expire in the kernel; the stage's "expired" unblock verdicts are
// therefore ignored here. Needs CAP_NET_ADMIN. A Hook is safe for
// concurrent use but the stage calls it from one goroutine.
package nft
