package hook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigil/engine/verdict"
)

func testVerdict() *verdict.Verdict {
	return &verdict.Verdict{ID: "abc-1", Action: verdict.ActionBlock, Addr: netip.MustParseAddr("192.0.2.1"),
		Duration: time.Minute, Reason: "drop-rule",
		Req: &verdict.Request{Scope: "drop-rule", Record: []byte(`{"event_type":"alert","src_ip":"192.0.2.1; rm -rf /"}`)}}
}

func delivery() verdict.Delivery {
	return verdict.Delivery{Timeout: 2 * time.Second, Concurrency: 2, Retries: 2, Backoff: 10 * time.Millisecond, Secret: []byte("k")}
}

// TestExecStdinNoShell: the JSON reaches the program on stdin with the
// attacker-controlled text intact and unexecuted; the signature matches.
func TestExecStdinNoShell(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	// The argv is passed as is: the ';' is an argument, not a command.
	h, err := NewExec(verdict.ExecOptions{Command: []string{"/bin/sh", "-c", `cat > "$0"; printf "\n%s\n" "$VIGIL_SIGNATURE" >> "$0"`, out}, Delivery: delivery()})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Apply(context.Background(), []*verdict.Verdict{testVerdict()}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	body, sig, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("stdin %q: %v", body, err)
	}
	if got["id"] != "abc-1" || got["action"] != "block" || got["addr"] != "192.0.2.1" || got["duration_sec"] != 60.0 ||
		got["record"].(map[string]any)["src_ip"] != "192.0.2.1; rm -rf /" {
		t.Errorf("stdin JSON %v", got)
	}
	if sig != sign([]byte("k"), []byte(body)) {
		t.Errorf("signature %q does not match the body", sig)
	}
}

func TestExecTimeoutKills(t *testing.T) {
	d := delivery()
	d.Timeout, d.Retries = 200*time.Millisecond, 1
	h, err := NewExec(verdict.ExecOptions{Command: []string{"sleep", "30"}, Delivery: d})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	err = h.Apply(context.Background(), []*verdict.Verdict{testVerdict()})
	if err == nil || !strings.Contains(err.Error(), "killed after 200ms") {
		t.Errorf("hanging program: %v", err)
	}
	if el := time.Since(t0); el > 3*time.Second {
		t.Errorf("two attempts of 200ms took %s", el)
	}
	if _, err := NewExec(verdict.ExecOptions{Command: []string{"/nonexistent/hook"}}); err == nil {
		t.Error("missing program accepted")
	}
}

func TestWebhookRetriesAndSigns(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		if r.Header.Get("X-Vigil-Signature") != sign([]byte("k"), body) {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		if calls.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	h := NewWebhook(verdict.WebhookOptions{URL: srv.URL, Delivery: delivery()})
	if err := h.Apply(context.Background(), []*verdict.Verdict{testVerdict()}); err != nil {
		t.Fatalf("third attempt should succeed: %v", err)
	}
	if calls.Load() != 3 || len(keys) != 3 || keys[0] != "abc-1" || keys[2] != "abc-1" {
		t.Errorf("calls %d, idempotency keys %v", calls.Load(), keys)
	}
	calls.Store(-100) // always busy now
	if err := h.Apply(context.Background(), []*verdict.Verdict{testVerdict()}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("exhausted retries: %v", err)
	}
}
