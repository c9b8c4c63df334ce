package verdict

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigil/output/evetest"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// chanHook is a real Hook that records what it is given and blocks until
// released when gate is set.
type chanHook struct {
	mu   sync.Mutex
	got  []*Verdict
	gate chan struct{}
}

func (h *chanHook) Name() string     { return "chan" }
func (h *chanHook) Concurrency() int { return 1 }
func (h *chanHook) MaxBatch() int    { return 16 }
func (h *chanHook) Apply(ctx context.Context, vs []*Verdict) error {
	if h.gate != nil {
		select {
		case <-h.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.mu.Lock()
	h.got = append(h.got, vs...)
	h.mu.Unlock()
	return nil
}

func (h *chanHook) n() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.got) }

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func newStage(t *testing.T, o Options, hooks ...Hook) *Stage {
	t.Helper()
	p, err := NewPolicy(o)
	if err != nil {
		t.Fatal(err)
	}
	s := New(o, p, nil, hooks...)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStageSlowHookNeverBlocks: a hook that does not return fills its own
// queue; Submit keeps returning at once and the overflow is counted.
func TestStageSlowHookNeverBlocks(t *testing.T) {
	o := DefaultOptions()
	o.Mode, o.QueueLen, o.Rate, o.Burst, o.BreakerMax = Enforce, 4, 1e6, 1e6, 1e6
	h := &chanHook{gate: make(chan struct{})}
	s := newStage(t, o, h)
	t0 := time.Now()
	for i := range 200 {
		a := netip.AddrFrom4([4]byte{192, 0, byte(i >> 8), byte(i)})
		s.Submit(Request{Scope: "drop-rule", Addr: a, Established: true})
		time.Sleep(100 * time.Microsecond)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("200 Submits took %s with a stuck hook", d)
	}
	waitUntil(t, "hook overflow counted", func() bool {
		return s.Counter("verdict_chan_block_dropped") > 0
	})
	close(h.gate)
	waitUntil(t, "queued verdicts delivered", func() bool { return h.n() > 0 })
	delivered, dropped := uint64(h.n()), s.Counter("verdict_chan_block_dropped")
	waitUntil(t, "all accounted", func() bool {
		delivered = uint64(h.n())
		return delivered+dropped+s.Counter("verdict_requests_dropped") == 200
	})
	if s.Counter("verdict_chan_block_ok") != delivered {
		t.Errorf("ok counter %d; delivered %d", s.Counter("verdict_chan_block_ok"), delivered)
	}
}

func TestStageDryRunCallsNoHook(t *testing.T) {
	h := &chanHook{}
	s := newStage(t, DefaultOptions(), h) // default mode: dry-run
	s.Submit(Request{Scope: "drop-rule", Addr: netip.MustParseAddr("192.0.2.1"), Established: true})
	waitUntil(t, "dry-run decision", func() bool { return s.Counter("verdict_policy_block_dry_run") == 1 })
	if bs := s.List(); len(bs) != 1 || !bs[0].DryRun {
		t.Errorf("list %v; want one dry-run block", bs)
	}
	time.Sleep(50 * time.Millisecond)
	if h.n() != 0 {
		t.Errorf("a dry-run stage called a hook %d times", h.n())
	}
}

// TestStageBreakerEngineRecord: an alert storm trips the breaker, the
// stage falls back to dry-run and writes one schema-valid engine record.
func TestStageBreakerEngineRecord(t *testing.T) {
	o := DefaultOptions()
	o.Mode, o.BreakerMax, o.Rate, o.Burst = Enforce, 10, 1e6, 1e6
	h := &chanHook{}
	var mu sync.Mutex
	var lines [][]byte
	p, _ := NewPolicy(o)
	s := New(o, p, nil, h)
	s.SetEngineLog(func(l []byte) { mu.Lock(); lines = append(lines, append([]byte(nil), l...)); mu.Unlock() })
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 50 {
		s.Submit(Request{Scope: "attacker", Addr: netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}), Established: true})
	}
	waitUntil(t, "50 decisions", func() bool {
		return s.Counter("verdict_policy_block_ok")+s.Counter("verdict_policy_block_dry_run") == 50
	})
	if got := s.Counter("verdict_policy_block_ok"); got != 10 {
		t.Errorf("%d enforced blocks; want 10 before the breaker", got)
	}
	waitUntil(t, "10 delivered", func() bool { return h.n() == 10 })
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.Contains(string(lines[0]), "circuit breaker tripped") {
		t.Fatalf("engine records %q; want one breaker record", lines)
	}
	evetest.Validate(t, lines[0])
	r := s.Do(ControlRequest{Cmd: "list"})
	if r.Mode != "dry-run" || !r.Tripped {
		t.Errorf("list: mode %s tripped %v", r.Mode, r.Tripped)
	}
}

func TestControlSocket(t *testing.T) {
	o := DefaultOptions()
	o.Mode = Enforce
	h := &chanHook{}
	s := newStage(t, o, h)
	path := filepath.Join(t.TempDir(), "ctl.sock")
	ln, err := ListenControl(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go s.Serve(ln)
	for _, a := range []string{"192.0.2.1", "2001:db8::1"} {
		s.Submit(Request{Scope: "drop-rule", Addr: netip.MustParseAddr(a), Established: true, Record: []byte(`{"x":1}`)})
	}
	waitUntil(t, "two blocks", func() bool { return h.n() == 2 })
	r, err := Call(path, ControlRequest{Cmd: "list"})
	if err != nil || len(r.Blocks) != 2 || r.Mode != "enforce" {
		t.Fatalf("list: %+v, %v", r, err)
	}
	if _, err := Call(path, ControlRequest{Cmd: "unblock", Addr: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Call(path, ControlRequest{Cmd: "unblock", Addr: "192.0.2.1"}); err == nil || !strings.Contains(err.Error(), "not blocked") {
		t.Errorf("second unblock: %v", err)
	}
	if r, err := Call(path, ControlRequest{Cmd: "flush"}); err != nil || r.Lifted != 1 {
		t.Errorf("flush: %+v %v", r, err)
	}
	waitUntil(t, "two unblocks delivered", func() bool { return h.n() == 4 })
	if h.got[2].Action != ActionUnblock || h.got[2].Reason != "control" {
		t.Errorf("third verdict %+v; want a control unblock", h.got[2])
	}
	// The JSON hooks send carries the alert record verbatim.
	b, _ := json.Marshal(h.got[0])
	if !strings.Contains(string(b), `"record":{"x":1}`) || !strings.Contains(string(b), `"action":"block"`) {
		t.Errorf("verdict JSON %s", b)
	}
	if _, err := Call(path, ControlRequest{Cmd: "nope"}); err == nil {
		t.Error("unknown command accepted")
	}
}

type mapLookup map[string]string

func (m mapLookup) Lookup(k string) (string, bool) { v, ok := m[k]; return v, ok }

func TestParseOptions(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "key")
	writeFile(t, secret, "s3cret\n")
	o, err := ParseOptions(mapLookup{
		"vigil.verdicts.mode": "enforce", "vigil.verdicts.on-drop-rules": "yes",
		"vigil.verdicts.allow": "10.0.0.0/8, 192.0.2.1", "vigil.verdicts.block-timeout": "3s",
		"vigil.verdicts.max-blocked": "100", "vigil.verdicts.nftables.enabled": "yes",
		"vigil.verdicts.shaping.enabled": "yes", "vigil.verdicts.shaping.classes.0.name": "web",
		"vigil.verdicts.shaping.classes.0.app-proto": "http", "vigil.verdicts.shaping.classes.0.mark": "16",
		"vigil.verdicts.shaping.classes.0.dscp": "8",
		"vigil.verdicts.exec.command.0":         "/bin/logger", "vigil.verdicts.exec.command.1": "-t",
		"vigil.verdicts.webhook.url": "https://example.test/hook", "vigil.verdicts.webhook.secret-file": secret,
	}, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if o.Mode != Enforce || !o.OnDropRules || len(o.Allow) != 2 || o.Durations[0] != 3*time.Second ||
		o.Durations[1] != time.Hour || o.MaxBlocked != 100 || !o.NFT.Enabled || !o.NFT.ManageTable ||
		len(o.Shaping.Classes) != 1 || o.Shaping.Classes[0].Mark != 16 || len(o.Exec.Command) != 2 ||
		string(o.Webhook.Secret) != "s3cret" {
		t.Errorf("options %+v", o)
	}
	for _, tt := range []struct{ key, val, want string }{
		{"vigil.verdicts.mode", "on", "vigil.verdicts.mode: want dry-run or enforce"},
		{"vigil.verdicts.max-blocked", "0", "vigil.verdicts.max-blocked: want an integer"},
		{"vigil.verdicts.block-timeout", "10", "vigil.verdicts.block-timeout: want a positive duration"},
		{"vigil.verdicts.allow", "10.0.0.0/40", "vigil.verdicts.allow: bad CIDR"},
		{"vigil.verdicts.webhook.url", "ftp://x", "vigil.verdicts.webhook.url: want an http"},
		{"vigil.verdicts.shaping.enabled", "yes", "vigil.verdicts.shaping.classes: shaping is enabled without classes"},
	} {
		_, err := ParseOptions(mapLookup{tt.key: tt.val}, os.ReadFile)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%s: %v; want %q", tt.key, tt.val, err, tt.want)
		}
	}
	if err := CheckKey("vigil.verdicts.shaping.classes.3.mark"); err != nil {
		t.Error(err)
	}
	if err := CheckKey("vigil.verdicts.mdoe"); err == nil {
		t.Error("typo accepted")
	}
}
