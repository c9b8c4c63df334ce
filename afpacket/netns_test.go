//go:build linux

package afpacket

// Network namespace fixture for privileged tests. The same file exists in
// bpf/ (leaf packages must not import each other); it belongs in
// internal/testutil once the lead moves it there.

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

// testNet is two network namespaces joined by a veth pair. Side A is where
// tests capture; side B generates traffic. All addresses live inside the
// namespaces only, so no test traffic leaves them.
type testNet struct {
	NSA, NSB string // namespace names (under /run/netns)
	IfA, IfB string // veth ends
	// A4/B4 are the primary addresses; B4x and B6x are extra addresses of
	// side B, for tests that need a second source.
	A4, B4, B4x netip.Addr
	A6, B6, B6x netip.Addr
}

// requirePrivileges skips the test unless it runs as root with the ip tool.
func requirePrivileges(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF) to create network namespaces and capture")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipping: the ip tool (iproute2) is not installed")
	}
}

func runIP(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// newTestNet creates the namespaces and veth pair, with unique names, and
// removes them in t.Cleanup even when the test fails.
func newTestNet(t *testing.T) *testNet {
	t.Helper()
	requirePrivileges(t)
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	id := hex.EncodeToString(rnd[:])
	n := &testNet{
		NSA: "vigil-test-a-" + id, NSB: "vigil-test-b-" + id,
		IfA: "vga" + id, IfB: "vgb" + id,
		A4: netip.MustParseAddr("10.77.0.1"), B4: netip.MustParseAddr("10.77.0.2"),
		B4x: netip.MustParseAddr("10.77.0.3"),
		A6:  netip.MustParseAddr("fd00:77::1"), B6: netip.MustParseAddr("fd00:77::2"),
		B6x: netip.MustParseAddr("fd00:77::3"),
	}
	for _, ns := range []string{n.NSA, n.NSB} {
		runIP(t, "netns", "add", ns)
		t.Cleanup(func() {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				t.Errorf("ip netns del %s: %v: %s", ns, err, out)
			}
		})
	}
	runIP(t, "link", "add", n.IfA, "netns", n.NSA, "type", "veth", "peer", "name", n.IfB, "netns", n.NSB)
	addrs := map[string][]netip.Addr{n.NSA: {n.A4, n.A6}, n.NSB: {n.B4, n.B4x, n.B6, n.B6x}}
	ifs := map[string]string{n.NSA: n.IfA, n.NSB: n.IfB}
	for _, ns := range []string{n.NSA, n.NSB} {
		dev := ifs[ns]
		for _, a := range addrs[ns] {
			if a.Is4() {
				runIP(t, "-n", ns, "addr", "add", a.String()+"/24", "dev", dev)
			} else {
				runIP(t, "-n", ns, "addr", "add", a.String()+"/64", "dev", dev, "nodad")
			}
		}
		runIP(t, "-n", ns, "link", "set", "lo", "up")
		runIP(t, "-n", ns, "link", "set", dev, "up")
	}
	return n
}

// Do runs fn on an OS thread switched into namespace ns. Sockets fn creates
// belong to ns for their whole life and may be used from any goroutine.
func (n *testNet) Do(t *testing.T, ns string, fn func() error) {
	t.Helper()
	if err := inNetns(ns, fn); err != nil {
		t.Fatalf("in netns %s: %v", ns, err)
	}
}

func inNetns(ns string, fn func() error) error {
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
		// Only a thread back in its own namespace may serve other goroutines;
		// otherwise it stays locked and dies with this goroutine.
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}
