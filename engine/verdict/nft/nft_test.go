//go:build linux

package nft

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vigil/engine/verdict"
)

// newNetns creates a network namespace for the test and returns its name
// and a descriptor; both go at cleanup. Skips when not root.
func newNetns(t *testing.T) (string, int) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (CAP_NET_ADMIN) to create a network namespace and write nftables")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping: %s is not installed (scripts/deps.sh)", tool)
		}
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	name := "vigil-nft-" + hex.EncodeToString(rnd[:])
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	fd, err := unix.Open("/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fd)
		exec.Command("ip", "netns", "del", name).Run()
	})
	return name, fd
}

// nftIn runs the nft tool in namespace ns.
func nftIn(t *testing.T, ns string, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns, "nft"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("nft %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func block(a string, d time.Duration) *verdict.Verdict {
	return &verdict.Verdict{Action: verdict.ActionBlock, Addr: netip.MustParseAddr(a), Duration: d}
}

func TestHookManagedTable(t *testing.T) {
	ns, fd := newNetns(t)
	h, err := New(Options{ManageTable: true, MaxBlocked: 1000, Timeout: 10 * time.Minute, NetNSFd: fd})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ruleset := nftIn(t, ns, "list", "table", "inet", "vigil")
	for _, want := range []string{
		"set block4 {", "type ipv4_addr", "size 1000", "timeout 10m", // nft prints the timeout flag as the default timeout
		"set block6 {", "type ipv6_addr", "set allow4 {", "flags interval",
		"chain input {", "type filter hook input priority filter - 10; policy accept;",
		"chain forward {", "type filter hook forward priority filter - 10; policy accept;",
		"ip saddr @allow4 counter packets 0 bytes 0 accept", "ip6 saddr @allow6 counter packets 0 bytes 0 accept",
		"ip saddr @block4 counter packets 0 bytes 0 drop", "ip6 saddr @block6 counter packets 0 bytes 0 drop",
	} {
		if !strings.Contains(ruleset, want) {
			t.Errorf("ruleset lacks %q:\n%s", want, ruleset)
		}
	}
	// Accept before drop: the allow rules come first in each chain.
	if i, j := strings.Index(ruleset, "@allow4"), strings.Index(ruleset, "@block4"); i > j {
		t.Error("the block rule comes before the allow rule")
	}

	allow := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("fd00::/8")}
	if err := h.SetAllow(context.Background(), allow); err != nil {
		t.Fatal(err)
	}
	got := nftIn(t, ns, "list", "set", "inet", "vigil", "allow4") + nftIn(t, ns, "list", "set", "inet", "vigil", "allow6")
	for _, want := range []string{"10.0.0.0/8", "192.0.2.1", "fd00::/8"} {
		if !strings.Contains(got, want) {
			t.Errorf("allow sets lack %s:\n%s", want, got)
		}
	}

	// One element with its own timeout, read back.
	if err := h.Apply(context.Background(), []*verdict.Verdict{block("198.51.100.7", 30*time.Second), block("2001:db8::7", time.Hour)}); err != nil {
		t.Fatal(err)
	}
	set4 := nftIn(t, ns, "list", "set", "inet", "vigil", "block4")
	if !strings.Contains(set4, "198.51.100.7 timeout 30s expires") {
		t.Errorf("block4 lacks the element with its timeout:\n%s", set4)
	}
	rs, err := h.Restore()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Addr.String() != "198.51.100.7" || rs[0].Expires <= 25*time.Second || rs[0].Expires > 30*time.Second ||
		rs[1].Addr.String() != "2001:db8::7" {
		t.Errorf("read back %+v", rs)
	}

	// A batch of 300 in one transaction.
	var vs []*verdict.Verdict
	for i := range 300 {
		vs = append(vs, block(netip.AddrFrom4([4]byte{203, 0, byte(113 + i/256), byte(i)}).String(), time.Minute))
	}
	if err := h.Apply(context.Background(), vs); err != nil {
		t.Fatal(err)
	}
	if rs, _ := h.Restore(); len(rs) != 302 {
		t.Errorf("%d elements after a batch of 300; want 302", len(rs))
	}

	// Unblock, including one that is not there (expired in the kernel).
	un := []*verdict.Verdict{
		{Action: verdict.ActionUnblock, Addr: netip.MustParseAddr("198.51.100.7"), Reason: "control"},
		{Action: verdict.ActionUnblock, Addr: netip.MustParseAddr("198.51.100.8"), Reason: "control"},
	}
	if err := h.Apply(context.Background(), un); err != nil {
		t.Errorf("unblock: %v", err)
	}
	if strings.Contains(nftIn(t, ns, "list", "set", "inet", "vigil", "block4"), "198.51.100.7 ") {
		t.Error("198.51.100.7 still blocked")
	}

	// A restart keeps the elements and does not double the rules.
	h2, err := New(Options{ManageTable: true, MaxBlocked: 1000, NetNSFd: fd})
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if rs, _ := h2.Restore(); len(rs) != 301 {
		t.Errorf("%d elements read back after restart; want 301", len(rs))
	}
	if n := strings.Count(nftIn(t, ns, "list", "chain", "inet", "vigil", "input"), "@block4"); n != 1 {
		t.Errorf("input chain has %d block4 rules after restart; want 1", n)
	}
}

func TestHookSetsOnly(t *testing.T) {
	ns, fd := newNetns(t)
	if _, err := New(Options{Table: "mine", NetNSFd: fd}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("set-only mode without a table: %v", err)
	}
	nftIn(t, ns, "add", "table", "inet", "mine")
	nftIn(t, ns, "add", "chain", "inet", "mine", "in", "{ type filter hook input priority 0; }")
	h, err := New(Options{Table: "mine", NetNSFd: fd})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Apply(context.Background(), []*verdict.Verdict{block("198.51.100.9", time.Minute)}); err != nil {
		t.Fatal(err)
	}
	got := nftIn(t, ns, "list", "table", "inet", "mine")
	if !strings.Contains(got, "198.51.100.9") || !strings.Contains(got, "set allow6") {
		t.Errorf("sets not written:\n%s", got)
	}
	if strings.Contains(got, "filter - 10") || strings.Count(got, "chain ") != 1 {
		t.Errorf("set-only mode touched the chains:\n%s", got)
	}
}
