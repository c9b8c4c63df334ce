//go:build linux

package shape

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"os"
	"os/exec"
	"testing"

	"github.com/ti-mo/conntrack"
	"golang.org/x/sys/unix"

	"vigil/engine/verdict"
)

// TestMark creates a conntrack entry in a fresh namespace, marks it
// through the hook and reads the mark back.
func TestMark(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (CAP_NET_ADMIN) to create a network namespace and write conntrack")
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	name := "vigil-ct-" + hex.EncodeToString(rnd[:])
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: ip netns add: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", name).Run()
	fd, err := unix.Open("/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	h, err := New(Options{NetNSFd: fd})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	k := verdict.FlowKey{Proto: 17, Src: netip.MustParseAddr("10.9.0.2"), Dst: netip.MustParseAddr("10.9.0.1"), SrcPort: 40000, DstPort: 53}
	if err := h.conn.Create(conntrack.NewFlow(k.Proto, 0, k.Src, k.Dst, k.SrcPort, k.DstPort, 60, 0)); err != nil {
		t.Skipf("skipping: conntrack not available in the namespace: %v", err)
	}
	v := &verdict.Verdict{Action: verdict.ActionMark, Mark: 0x10, Req: &verdict.Request{Flow: k}}
	if err := h.Apply(context.Background(), []*verdict.Verdict{v}); err != nil {
		t.Fatal(err)
	}
	if m, err := h.Get(k); err != nil || m != 0x10 {
		t.Errorf("mark %#x, %v; want 0x10", m, err)
	}
	k.SrcPort++ // no such flow
	v.Req.Flow = k
	if err := h.Apply(context.Background(), []*verdict.Verdict{v}); err == nil {
		t.Error("marking a flow that does not exist succeeded")
	}
}
