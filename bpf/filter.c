//go:build ignore

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
//
// Vigil's socket filter: the kernel-side fast path of live capture.
//
// Attached with SO_ATTACH_BPF to every AF_PACKET ring. It runs before a packet
// is copied into the ring and returns 0 (drop for this socket) or skb->len
// (pass the whole packet). It never decides on its own: every verdict comes
// from maps that Vigil writes at run time (see filter.go).
//
// Parsed: Ethernet, up to two 802.1Q/802.1ad tags, IPv4 (options skipped,
// non-first fragments carry no ports), IPv6 (fixed header only: a TCP/UDP
// header is found only when it directly follows the fixed header; with
// extension headers the flow key has ports 0 and proto = the first next
// header). Anything else (ARP, other ethertypes) passes untouched.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char __license[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8

// Config flags (config.flags).
#define CFG_INCLUDE_ONLY 1

struct config {
	__u32 flags;    // CFG_*
	__u32 resample; // pass 1 in N packets of a bypassed flow; 0 = never
};

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct lpm_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

// flow_key is normalized: (addr_a, port_a) <= (addr_b, port_b) in byte-wise
// lexicographic order of addr then port, so both directions of a flow share
// one entry. IPv4 addresses use the first 4 bytes of the 16, rest zero.
struct flow_key {
	__u8 addr_a[16];
	__u8 addr_b[16];
	__u16 port_a; // host byte order
	__u16 port_b;
	__u8 proto;
	__u8 family; // 4 or 6
	__u8 pad[2];
};

struct flow_val {
	__u64 expires_ns; // bpf_ktime_get_ns() deadline; 0 = never expires
	__u64 packets;    // packets seen while bypassed (drives re-sampling)
};

// Counter indexes in the per-CPU counters array.
enum {
	CNT_PASSED = 0,
	CNT_EXCLUDED,
	CNT_BYPASSED,
	CNT_RESAMPLED,
	CNT_MAX,
};

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u8);
} cidr_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v6_key);
	__type(value, __u8);
} cidr_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u16); // host byte order
	__type(value, __u8);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} bypass SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

static __always_inline void count(__u32 idx, __u32 len)
{
	struct counter *c = bpf_map_lookup_elem(&counters, &idx);
	if (c) {
		c->packets++; // per-CPU value: no atomics needed
		c->bytes += len;
	}
}

// key_swap_needed reports whether (a, pa) > (b, pb).
static __always_inline int key_swap_needed(const __u8 *a, const __u8 *b, __u16 pa, __u16 pb)
{
#pragma unroll
	for (int i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return a[i] > b[i];
	}
	return pa > pb;
}

static __always_inline int cidr_match(struct flow_key *k)
{
	if (k->family == 4) {
		struct lpm_v4_key lk = {.prefixlen = 32};
		__builtin_memcpy(lk.addr, k->addr_a, 4);
		if (bpf_map_lookup_elem(&cidr_v4, &lk))
			return 1;
		__builtin_memcpy(lk.addr, k->addr_b, 4);
		if (bpf_map_lookup_elem(&cidr_v4, &lk))
			return 1;
		return 0;
	}
	struct lpm_v6_key lk = {.prefixlen = 128};
	__builtin_memcpy(lk.addr, k->addr_a, 16);
	if (bpf_map_lookup_elem(&cidr_v6, &lk))
		return 1;
	__builtin_memcpy(lk.addr, k->addr_b, 16);
	if (bpf_map_lookup_elem(&cidr_v6, &lk))
		return 1;
	return 0;
}

static __always_inline int port_match(struct flow_key *k)
{
	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP)
		return 0;
	__u16 p = k->port_a;
	if (p && bpf_map_lookup_elem(&ports, &p))
		return 1;
	p = k->port_b;
	if (p && bpf_map_lookup_elem(&ports, &p))
		return 1;
	return 0;
}

// parse fills k (not yet normalized) and returns 1 for IPv4/IPv6, 0 otherwise.
static __always_inline int parse(struct __sk_buff *skb, struct flow_key *k)
{
	__u32 off = ETH_HLEN;
	__u16 proto;

	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)) < 0)
		return 0;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q_) && proto != bpf_htons(ETH_P_8021AD_))
			break;
		// TCI (2 bytes), then the inner ethertype.
		if (bpf_skb_load_bytes(skb, off + 2, &proto, sizeof(proto)) < 0)
			return 0;
		off += 4;
	}

	__u8 l4 = 0;
	if (proto == bpf_htons(ETH_P_IP)) {
		__u8 vihl;
		__u16 frag;
		if (bpf_skb_load_bytes(skb, off, &vihl, 1) < 0)
			return 0;
		if ((vihl >> 4) != 4 || (vihl & 0xf) < 5)
			return 0;
		if (bpf_skb_load_bytes(skb, off + 6, &frag, 2) < 0 ||
		    bpf_skb_load_bytes(skb, off + 9, &k->proto, 1) < 0 ||
		    bpf_skb_load_bytes(skb, off + 12, k->addr_a, 4) < 0 ||
		    bpf_skb_load_bytes(skb, off + 16, k->addr_b, 4) < 0)
			return 0;
		k->family = 4;
		// Non-first fragments have no transport header.
		if ((bpf_ntohs(frag) & 0x1fff) == 0)
			l4 = 1;
		off += (vihl & 0xf) * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, off + 6, &k->proto, 1) < 0 ||
		    bpf_skb_load_bytes(skb, off + 8, k->addr_a, 16) < 0 ||
		    bpf_skb_load_bytes(skb, off + 24, k->addr_b, 16) < 0)
			return 0;
		k->family = 6;
		l4 = 1;
		off += 40;
	} else {
		return 0;
	}

	if (l4 && (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP)) {
		__u16 pp[2];
		if (bpf_skb_load_bytes(skb, off, pp, sizeof(pp)) == 0) {
			k->port_a = bpf_ntohs(pp[0]);
			k->port_b = bpf_ntohs(pp[1]);
		}
	}
	return 1;
}

SEC("socket")
int vigil_filter(struct __sk_buff *skb)
{
	__u32 len = skb->len;
	__u32 zero = 0;
	struct flow_key k = {};

	if (!parse(skb, &k)) {
		count(CNT_PASSED, len);
		return len;
	}

	struct config *cfg = bpf_map_lookup_elem(&config_map, &zero);
	__u32 flags = cfg ? cfg->flags : 0;
	__u32 resample = cfg ? cfg->resample : 0;

	int match = cidr_match(&k) || port_match(&k);
	if (flags & CFG_INCLUDE_ONLY)
		match = !match;
	if (match) {
		count(CNT_EXCLUDED, len);
		return 0;
	}

	if (key_swap_needed(k.addr_a, k.addr_b, k.port_a, k.port_b)) {
		__u8 tmp[16];
		__builtin_memcpy(tmp, k.addr_a, 16);
		__builtin_memcpy(k.addr_a, k.addr_b, 16);
		__builtin_memcpy(k.addr_b, tmp, 16);
		__u16 p = k.port_a;
		k.port_a = k.port_b;
		k.port_b = p;
	}

	struct flow_val *v = bpf_map_lookup_elem(&bypass, &k);
	if (v) {
		if (v->expires_ns && bpf_ktime_get_ns() > v->expires_ns) {
			// Expired: the flow goes back to user space.
			bpf_map_delete_elem(&bypass, &k);
		} else {
			__u64 n = __sync_fetch_and_add(&v->packets, 1) + 1;
			if (resample && n % resample == 0) {
				count(CNT_RESAMPLED, len);
				count(CNT_PASSED, len);
				return len;
			}
			count(CNT_BYPASSED, len);
			return 0;
		}
	}

	count(CNT_PASSED, len);
	return len;
}
