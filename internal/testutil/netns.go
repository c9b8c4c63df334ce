//go:build linux

package testutil

// Network namespace fixture for privileged tests (capture, eBPF, live
// engine). afpacket and bpf keep their own copies (leaf packages do not
// import each other's tests).

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNet is two network namespaces joined by a veth pair. Side A is where
// tests capture; side B generates traffic. All addresses live inside the
// namespaces only, so no test traffic leaves them.
type TestNet struct {
	NSA, NSB string // namespace names (under /run/netns)
	IfA, IfB string // veth ends
	// A4 and B4 are the primary addresses; B4x and B6x are second
	// addresses of side B, for tests that need a second source.
	A4, B4, B4x netip.Addr
	A6, B6, B6x netip.Addr
}

// RequirePrivileges skips the test unless it runs as root with the ip tool.
func RequirePrivileges(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("skipping: needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF) to create network namespaces and capture")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		tb.Skip("skipping: the ip tool (iproute2) is not installed")
	}
}

// RunIP runs the ip tool and fails the test when it fails.
func RunIP(tb testing.TB, args ...string) {
	tb.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// NewTestNet creates two namespaces with unique names joined by a veth pair
// and removes them in tb.Cleanup, even when the test fails. net24 is the
// first three octets of the IPv4 /24 to use (e.g. "10.78.0"): side A gets
// .1, side B .2 and .3. IPv6 addresses are fd00:<second octet>:<third
// octet>::1 (side A), ::2 and ::3 (side B).
func NewTestNet(tb testing.TB, net24 string) *TestNet {
	tb.Helper()
	RequirePrivileges(tb)
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		tb.Fatal(err)
	}
	id := hex.EncodeToString(rnd[:])
	octs := strings.Split(net24, ".")
	v6 := "fd00:" + octs[len(octs)-2] + ":" + octs[len(octs)-1] + "::"
	n := &TestNet{
		NSA: "vigil-test-a-" + id, NSB: "vigil-test-b-" + id,
		IfA: "vga" + id, IfB: "vgb" + id,
		A4: netip.MustParseAddr(net24 + ".1"), B4: netip.MustParseAddr(net24 + ".2"),
		B4x: netip.MustParseAddr(net24 + ".3"),
		A6:  netip.MustParseAddr(v6 + "1"), B6: netip.MustParseAddr(v6 + "2"),
		B6x: netip.MustParseAddr(v6 + "3"),
	}
	for _, ns := range []string{n.NSA, n.NSB} {
		RunIP(tb, "netns", "add", ns)
		tb.Cleanup(func() {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				tb.Errorf("ip netns del %s: %v: %s", ns, err, out)
			}
		})
	}
	RunIP(tb, "link", "add", n.IfA, "netns", n.NSA, "type", "veth", "peer", "name", n.IfB, "netns", n.NSB)
	addrs := map[string][]netip.Addr{n.NSA: {n.A4, n.A6}, n.NSB: {n.B4, n.B4x, n.B6, n.B6x}}
	ifs := map[string]string{n.NSA: n.IfA, n.NSB: n.IfB}
	for _, ns := range []string{n.NSA, n.NSB} {
		dev := ifs[ns]
		for _, a := range addrs[ns] {
			if a.Is4() {
				RunIP(tb, "-n", ns, "addr", "add", a.String()+"/24", "dev", dev)
			} else {
				RunIP(tb, "-n", ns, "addr", "add", a.String()+"/64", "dev", dev, "nodad")
			}
		}
		RunIP(tb, "-n", ns, "link", "set", "lo", "up")
		RunIP(tb, "-n", ns, "link", "set", dev, "up")
	}
	return n
}

// Do runs fn on an OS thread switched into namespace ns and fails the test
// on error. Sockets fn creates belong to ns for their whole life and may be
// used from any goroutine.
func (n *TestNet) Do(tb testing.TB, ns string, fn func() error) {
	tb.Helper()
	if err := InNetns(ns, fn); err != nil {
		tb.Fatalf("in netns %s: %v", ns, err)
	}
}

// InNetns runs fn on a locked OS thread switched into the named namespace
// and returns fn's error. Goroutines fn starts run outside the namespace
// (Go creates new threads from a clean template thread), but sockets
// opened by fn itself stay in it.
func InNetns(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open own netns: %w", err)
			return // the locked thread exits with the goroutine
		}
		defer unix.Close(orig)
		target, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open netns: %w", err)
			return
		}
		defer unix.Close(target)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		ferr := fn()
		// Only a thread back in its own namespace may serve other
		// goroutines; otherwise it stays locked and dies with this one.
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}
