//go:build linux

package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/nftables"
	"golang.org/x/sys/unix"

	"vigil/engine/verdict"
	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestMain lets the end-to-end test run this test binary as `vigil` (in a
// network namespace, through ip netns exec) without building it again.
func TestMain(m *testing.M) {
	if os.Getenv("VIGIL_TEST_AS_MAIN") == "1" {
		os.Exit(dispatch(commands, "vigil", os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// e2eNet is three namespaces: attacker -- router -- server. The router
// forwards and runs vigil on its attacker-facing interface.
type e2eNet struct {
	att, rtr, srv    string
	rtrAtt, rtrSrv   string // router interfaces
	attAddr, allowed netip.Addr
	srvAddr          netip.Addr
}

func newE2ENet(t *testing.T) *e2eNet {
	t.Helper()
	testutil.RequirePrivileges(t)
	for _, tool := range []string{"nft", "tc", "conntrack", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping: %s is not installed (scripts/deps.sh installs it)", tool)
		}
	}
	var rnd [3]byte
	rand.Read(rnd[:])
	id := hex.EncodeToString(rnd[:])
	n := &e2eNet{att: "vigil-e2e-att-" + id, rtr: "vigil-e2e-rtr-" + id, srv: "vigil-e2e-srv-" + id,
		rtrAtt: "vra" + id, rtrSrv: "vrs" + id,
		attAddr: netip.MustParseAddr("10.61.1.2"), allowed: netip.MustParseAddr("10.61.1.3"),
		srvAddr: netip.MustParseAddr("10.61.2.2")}
	for _, ns := range []string{n.att, n.rtr, n.srv} {
		testutil.RunIP(t, "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
		testutil.RunIP(t, "-n", ns, "link", "set", "lo", "up")
	}
	testutil.RunIP(t, "link", "add", n.rtrAtt, "netns", n.rtr, "type", "veth", "peer", "name", "a"+id, "netns", n.att)
	testutil.RunIP(t, "link", "add", n.rtrSrv, "netns", n.rtr, "type", "veth", "peer", "name", "s"+id, "netns", n.srv)
	testutil.RunIP(t, "-n", n.rtr, "addr", "add", "10.61.1.1/24", "dev", n.rtrAtt)
	testutil.RunIP(t, "-n", n.rtr, "addr", "add", "10.61.2.1/24", "dev", n.rtrSrv)
	testutil.RunIP(t, "-n", n.att, "addr", "add", "10.61.1.2/24", "dev", "a"+id)
	testutil.RunIP(t, "-n", n.att, "addr", "add", "10.61.1.3/24", "dev", "a"+id)
	var batch bytes.Buffer // 100 more attackers for the latency run, 10.61.3.0/24
	for i := 1; i <= 110; i++ {
		fmt.Fprintf(&batch, "addr add 10.61.3.%d/32 dev a%s\n", i, id)
	}
	cmd := exec.Command("ip", "-n", n.att, "-batch", "-")
	cmd.Stdin = &batch
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v: %s", err, out)
	}
	testutil.RunIP(t, "-n", n.srv, "addr", "add", "10.61.2.2/24", "dev", "s"+id)
	for _, l := range [][2]string{{n.rtr, n.rtrAtt}, {n.rtr, n.rtrSrv}, {n.att, "a" + id}, {n.srv, "s" + id}} {
		testutil.RunIP(t, "-n", l[0], "link", "set", l[1], "up")
	}
	testutil.RunIP(t, "-n", n.att, "route", "add", "default", "via", "10.61.1.1")
	testutil.RunIP(t, "-n", n.srv, "route", "add", "default", "via", "10.61.2.1")
	runT(t, "ip", "netns", "exec", n.rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	// The attacker's route to 10.61.3.x replies: the router needs it too.
	testutil.RunIP(t, "-n", n.rtr, "route", "add", "10.61.3.0/24", "dev", n.rtrAtt)
	return n
}

func runT(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// server answers each connection's lines with "ok" until it closes.
func (n *e2eNet) server(t *testing.T) {
	var ln net.Listener
	testutil.InNetns(n.srv, func() (err error) { ln, err = net.Listen("tcp", "10.61.2.2:8080"); return })
	if ln == nil {
		t.Fatal("server listen failed")
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					if _, err := io.WriteString(c, "ok\n"); err != nil {
						return
					}
				}
			}()
		}
	}()
}

// dial connects from src in the attacker namespace (the socket belongs to
// it for its life) with a short timeout.
func (n *e2eNet) dial(src netip.Addr) (net.Conn, error) {
	var c net.Conn
	err := testutil.InNetns(n.att, func() (err error) {
		d := net.Dialer{Timeout: 700 * time.Millisecond, LocalAddr: &net.TCPAddr{IP: src.AsSlice()}}
		c, err = d.Dial("tcp", "10.61.2.2:8080")
		return
	})
	return c, err
}

// request sends one HTTP-looking line and waits for "ok".
func request(c net.Conn, text string) error {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "GET /"+text+" HTTP/1.1\r\nHost: e2e\r\n\r\n"); err != nil {
		return err
	}
	buf := make([]byte, 3)
	_, err := io.ReadFull(c, buf)
	return err
}

// vigilProc is `vigil run` in the router namespace.
type vigilProc struct {
	cmd     *exec.Cmd
	stderr  *syncBuf
	dir     string
	control string
	done    chan struct{}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func (n *e2eNet) startVigil(t *testing.T, rules string, sets ...string) *vigilProc {
	t.Helper()
	dir := t.TempDir()
	rf := filepath.Join(dir, "e2e.rules")
	if err := os.WriteFile(rf, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &vigilProc{stderr: &syncBuf{}, dir: dir, control: filepath.Join(dir, "ctl.sock"), done: make(chan struct{})}
	args := []string{"netns", "exec", n.rtr, os.Args[0], "run", "-i", n.rtrAtt, "-S", rf, "-l", dir,
		"--workers", "1", "--control", p.control}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	p.cmd = exec.Command("ip", args...)
	p.cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_MAIN=1")
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop(t) })
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.stderr.String(), "msg=capturing") {
		select {
		case <-p.done:
			t.Fatalf("vigil run exited: %s", p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("vigil run did not start: %s", p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// stop ends vigil with SIGINT and returns its stderr.
func (p *vigilProc) stop(t *testing.T) string {
	select {
	case <-p.done:
		return p.stderr.String()
	default:
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("vigil run did not stop on SIGINT")
	}
	return p.stderr.String()
}

// blockSet reads inet vigil block4 in the router namespace.
type blockSet struct {
	conn *nftables.Conn
	fd   int
}

func (n *e2eNet) blockSet(t *testing.T) *blockSet {
	fd, err := unix.Open("/run/netns/"+n.rtr, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := nftables.New(nftables.WithNetNSFd(fd), nftables.AsLasting())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseLasting(); unix.Close(fd) })
	return &blockSet{conn: c, fd: fd}
}

func (b *blockSet) has(a netip.Addr) bool {
	s, err := b.conn.GetSetByName(&nftables.Table{Family: nftables.TableFamilyINet, Name: "vigil"}, "block4")
	if err != nil {
		return false
	}
	els, err := b.conn.GetSetElements(s)
	if err != nil {
		return false
	}
	for _, e := range els {
		if x, ok := netip.AddrFromSlice(e.Key); ok && x == a {
			return true
		}
	}
	return false
}

func waitCond(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out after %s waiting for %s", d, what)
}

const e2eRules = `drop tcp any any -> any 8080 (msg:"e2e attack"; flow:established,to_server; content:"vigil-e2e-attack"; sid:9200001; rev:1;)
alert tcp any any -> any 8080 (msg:"e2e shape"; flow:established,to_server; content:"vigil-e2e-shape"; sid:9200002; rev:1;)
`

// TestVerdictsEndToEnd: a drop rule (on-drop-rules, enforce) blocks the
// attacker in inet vigil block4 of the router, its next connection to the
// server fails and works again once the 3s block timed out; an
// allowlisted attacker is never blocked; a shaping class marks the flow in
// conntrack and its tc class counts bytes; a hanging exec hook is killed at
// its timeout and counted while alerts keep flowing; 100 crossings measure
// the time to the set; an alert storm trips the breaker.
func TestVerdictsEndToEnd(t *testing.T) {
	n := newE2ENet(t)
	n.server(t)
	root := testutil.ModuleRoot(t)
	runT(t, "ip", "netns", "exec", n.rtr, "nft", "-f", filepath.Join(root, "deploy/shaping/vigil-shaping.nft"))
	tcCmd := exec.Command("ip", "netns", "exec", n.rtr, "sh", filepath.Join(root, "deploy/shaping/tc-classes.sh"))
	tcCmd.Env = append(os.Environ(), "DEV="+n.rtrSrv)
	if out, err := tcCmd.CombinedOutput(); err != nil {
		t.Fatalf("tc-classes.sh: %v: %s", err, out)
	}
	vp := n.startVigil(t, e2eRules,
		"vigil.verdicts.mode=enforce", "vigil.verdicts.on-drop-rules=yes", "vigil.verdicts.nftables.enabled=yes",
		"vigil.verdicts.block-timeout=3s", "vigil.verdicts.allow="+n.allowed.String(),
		"vigil.verdicts.rate=1000", "vigil.verdicts.burst=1000",
		"vigil.verdicts.breaker.max-blocks=103", "vigil.verdicts.breaker.window=1m",
		"vigil.verdicts.shaping.enabled=yes", "vigil.verdicts.shaping.classes.0.name=bulk-http",
		"vigil.verdicts.shaping.classes.0.app-proto=http", "vigil.verdicts.shaping.classes.0.mark=16",
		"vigil.verdicts.shaping.classes.0.dscp=8",
		"vigil.verdicts.exec.command.0=/bin/sleep", "vigil.verdicts.exec.command.1=30",
		"vigil.verdicts.exec.timeout=300ms", "vigil.verdicts.exec.retries=0", "vigil.verdicts.exec.concurrency=1",
	)
	bs := n.blockSet(t)

	// An allowlisted attacker is never blocked.
	c, err := n.dial(n.allowed)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(c, "vigil-e2e-attack"); err != nil {
		t.Fatal(err)
	}
	c.Close()

	// The attacker: the request that matches the drop rule gets through
	// (Vigil is not inline), then its address is in block4.
	c, err = n.dial(n.attAddr)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(c, "vigil-e2e-attack"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	waitCond(t, "attacker in block4", 5*time.Second, func() bool { return bs.has(n.attAddr) })
	blockedAt := time.Now()
	if bs.has(n.allowed) {
		t.Error("allowlisted attacker blocked")
	}
	if c, err := n.dial(n.attAddr); err == nil {
		c.Close()
		t.Error("blocked attacker connected")
	}
	// Still allowed: the other address of the same host.
	if c, err := n.dial(n.allowed); err != nil {
		t.Errorf("allowlisted address: %v", err)
	} else {
		c.Close()
	}
	out, err := verdictsCmd(vp.control, "list")
	if err != nil || !strings.Contains(out, "10.61.1.2") || !strings.Contains(out, "enforced") || strings.Contains(out, "10.61.1.3") {
		t.Errorf("vigil verdicts list: %v\n%s", err, out)
	}
	waitCond(t, "block to time out", 6*time.Second, func() bool { return !bs.has(n.attAddr) })
	if el := time.Since(blockedAt); el < 2*time.Second {
		t.Errorf("block lasted %s; want about 3s", el)
	}
	if c, err := n.dial(n.attAddr); err != nil {
		t.Errorf("attacker after the block timed out: %v", err)
	} else {
		c.Close()
	}

	// Shaping: an alert on an HTTP flow marks it; later packets of the
	// flow go to tc class 1:10.
	before := tcClassBytes(t, n, "1:10")
	c, err = n.dial(n.allowed)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(c, "vigil-e2e-shape"); err != nil {
		t.Fatal(err)
	}
	waitCond(t, "conntrack mark 16", 5*time.Second, func() bool {
		out, _ := exec.Command("ip", "netns", "exec", n.rtr, "conntrack", "-L", "-m", "16", "-p", "tcp", "--dport", "8080").CombinedOutput()
		return strings.Contains(string(out), "src="+n.allowed.String()) && strings.Contains(string(out), "mark=16")
	})
	for range 20 {
		if err := request(c, "more-after-mark"); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	if after := tcClassBytes(t, n, "1:10"); after <= before {
		t.Errorf("tc class 1:10 sent %d bytes before the mark, %d after; want growth", before, after)
	}

	// 100 crossings: time from the request to the element in the set.
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		a := netip.AddrFrom4([4]byte{10, 61, 3, byte(i)})
		c, err := n.dial(a)
		if err != nil {
			t.Fatalf("attacker %s: %v", a, err)
		}
		t0 := time.Now()
		if err := request(c, "vigil-e2e-attack"); err != nil {
			t.Fatal(err)
		}
		waitCond(t, a.String()+" in block4", 5*time.Second, func() bool { return bs.has(a) })
		lat = append(lat, time.Since(t0))
		c.Close()
	}
	slices.Sort(lat)
	t.Logf("crossing packet to element in inet vigil block4, 100 crossings: median %s, max %s (poll resolution ~2ms + one netlink dump)",
		lat[len(lat)/2].Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))

	// The storm: 101 blocks so far in the window; the breaker allows 103,
	// so the third attacker from now is decided in dry-run.
	var storm []netip.Addr
	for i := 101; i <= 104; i++ {
		a := netip.AddrFrom4([4]byte{10, 61, 3, byte(i)})
		storm = append(storm, a)
		c, err := n.dial(a)
		if err != nil {
			t.Fatalf("storm attacker %s: %v", a, err)
		}
		request(c, "vigil-e2e-attack")
		c.Close()
	}
	waitCond(t, "breaker to trip", 5*time.Second, func() bool {
		out, _ := verdictsCmd(vp.control, "list")
		return strings.Contains(out, "circuit breaker tripped")
	})
	time.Sleep(200 * time.Millisecond)
	if !bs.has(storm[0]) || !bs.has(storm[1]) || bs.has(storm[2]) || bs.has(storm[3]) {
		t.Errorf("storm: in block4 %v %v %v %v; want the first two only", bs.has(storm[0]), bs.has(storm[1]), bs.has(storm[2]), bs.has(storm[3]))
	}

	stderr := vp.stop(t)
	// The hanging exec hook: killed at 300ms and counted, while the nft
	// hook blocked 103 addresses and alerts kept flowing.
	var failed, nftOK uint64
	for _, f := range strings.Fields(stderr) {
		fmt.Sscanf(f, "verdict_exec_block_failed=%d", &failed)
		fmt.Sscanf(f, "verdict_nft_block_ok=%d", &nftOK)
	}
	if failed == 0 || nftOK != 103 {
		t.Errorf("exec failures %d (want > 0), nft blocks %d (want 103):\n%s", failed, nftOK, lastLinesOf(stderr, 5))
	}
	eve, err := os.ReadFile(filepath.Join(vp.dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	evetest.ValidateLines(t, "eve.json", eve)
	alerts := bytes.Count(eve, []byte(`"signature_id":9200001`))
	engine := bytes.Count(eve, []byte(`"event_type":"engine"`))
	if alerts < 106 || engine != 1 || !bytes.Contains(eve, []byte("circuit breaker tripped")) {
		t.Errorf("eve.json: %d drop-rule alerts (want >= 106), %d engine records (want 1 breaker record)", alerts, engine)
	}
}

// TestVerdictsDryRun: the default mode decides and lists blocks but
// writes nothing to the firewall.
func TestVerdictsDryRun(t *testing.T) {
	n := newE2ENet(t)
	n.server(t)
	vp := n.startVigil(t, e2eRules, "vigil.verdicts.on-drop-rules=yes", "vigil.verdicts.nftables.enabled=yes")
	bs := n.blockSet(t)
	c, err := n.dial(n.attAddr)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(c, "vigil-e2e-attack"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	waitCond(t, "a dry-run block listed", 5*time.Second, func() bool {
		out, _ := verdictsCmd(vp.control, "list")
		return strings.Contains(out, "10.61.1.2") && strings.Contains(out, "dry-run")
	})
	if bs.has(n.attAddr) {
		t.Error("dry-run wrote the attacker to block4")
	}
	if c, err := n.dial(n.attAddr); err != nil {
		t.Errorf("dry-run blocked the attacker: %v", err)
	} else {
		c.Close()
	}
}

func verdictsCmd(control string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	rc := cmdVerdicts(append([]string{"--control", control}, args...), &out, &errb)
	if rc != 0 {
		return out.String(), fmt.Errorf("vigil verdicts %v: rc %d: %s", args, rc, errb.String())
	}
	return out.String(), nil
}

// tcClassBytes returns the bytes tc class id on the router's server-facing
// interface sent.
func tcClassBytes(t *testing.T, n *e2eNet, id string) uint64 {
	t.Helper()
	out := runT(t, "ip", "netns", "exec", n.rtr, "tc", "-s", "class", "show", "dev", n.rtrSrv, "classid", id)
	i := strings.Index(out, "Sent ")
	if i < 0 {
		t.Fatalf("tc class %s: no counters:\n%s", id, out)
	}
	var b uint64
	fmt.Sscanf(out[i:], "Sent %d bytes", &b)
	return b
}

func lastLinesOf(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(ls[max(0, len(ls)-n):], "\n")
}

var _ = verdict.Prefix

// TestVerdictsScoreCrossing: an attack request whose rule is worth more
// points than the attacker threshold makes the attacker's host score cross;
// the crossing (not a drop rule) blocks the attacker in inet vigil block4,
// and the crossing record in eve.json names the verdict taken.
func TestVerdictsScoreCrossing(t *testing.T) {
	n := newE2ENet(t)
	n.server(t)
	const rules = `alert tcp any any -> any 8080 (msg:"e2e scored attack"; flow:established,to_server; content:"vigil-e2e-score"; metadata:vigil_score 60; sid:9200003; rev:1;)
`
	vp := n.startVigil(t, rules,
		"vars.address-groups.HOME_NET=[10.61.2.0/24]", "vars.address-groups.EXTERNAL_NET=!$HOME_NET",
		"vigil.scoring.host.attacker-threshold=50",
		"vigil.verdicts.mode=enforce", "vigil.verdicts.nftables.enabled=yes", "vigil.verdicts.block-timeout=30s")
	bs := n.blockSet(t)
	c, err := n.dial(n.attAddr)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(c, "vigil-e2e-score"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	waitCond(t, "attacker in block4 after its score crossed", 5*time.Second, func() bool { return bs.has(n.attAddr) })
	if c, err := n.dial(n.attAddr); err == nil {
		c.Close()
		t.Error("attacker connected after its score crossed")
	}
	vp.stop(t)
	eve, err := os.ReadFile(filepath.Join(vp.dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	evetest.ValidateLines(t, "eve.json", eve)
	var crossing []byte
	for _, l := range bytes.Split(eve, []byte("\n")) {
		if bytes.Contains(l, []byte(`"category":"Score Threshold Exceeded"`)) && bytes.Contains(l, []byte(`"scope":"attacker"`)) {
			crossing = l
		}
	}
	if crossing == nil {
		t.Fatalf("no attacker crossing record in eve.json:\n%s", eve)
	}
	for _, want := range []string{`"verdict":"block"`, `"signature_id":9000001`, `"signature_id":9200003`, `"key":"10.61.1.2"`} {
		if !bytes.Contains(crossing, []byte(want)) {
			t.Errorf("crossing record lacks %s:\n%s", want, crossing)
		}
	}
}
