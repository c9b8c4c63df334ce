package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigil/engine"
	"vigil/output/evetest"
)

// reloadRules are 10 rules; sid 19, the last, alerts on "PING".
func reloadRules() string {
	var b strings.Builder
	for i := 10; i < 19; i++ {
		fmt.Fprintf(&b, "alert udp any any -> any any (msg:\"filler %d\"; content:\"filler-%d\"; sid:%d; rev:1;)\n", i, i, i)
	}
	b.WriteString("alert udp any any -> any any (msg:\"ping\"; content:\"PING\"; sid:19; rev:1;)\n")
	return b.String()
}

const pongRule = "alert udp any any -> any any (msg:\"pong\"; content:\"PONG\"; sid:40; rev:1;)\n"

// liveReloadRun starts `vigil run` on lo with rule directory dir and the
// extra args; it returns its stderr, a waiter and a stopper.
type liveReloadRun struct {
	t      *testing.T
	stderr *syncBuffer
	done   chan int
	log    string
}

func startReloadRun(t *testing.T, rulesDir, logDir string, args ...string) *liveReloadRun {
	t.Helper()
	r := &liveReloadRun{t: t, stderr: &syncBuffer{}, done: make(chan int, 1), log: logDir}
	go func() {
		r.done <- cmdRun(append([]string{"-i", "lo", "-S", rulesDir, "-l", logDir, "--workers", "1",
			"--set", "vigil.capture.ebpf=no"}, args...), &bytes.Buffer{}, r.stderr)
	}()
	r.waitFor("the capture", func() bool { return strings.Contains(r.stderr.String(), "msg=capturing") })
	time.Sleep(200 * time.Millisecond)
	return r
}

func (r *liveReloadRun) waitFor(what string, ok func() bool) {
	r.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s; stderr:\n%s", what, r.stderr.String())
		}
		select {
		case rc := <-r.done:
			r.t.Fatalf("vigil run exited %d while waiting for %s; stderr:\n%s", rc, what, r.stderr.String())
		default:
		}
	}
}

// reloads returns the lines of rules-reload.json.
func (r *liveReloadRun) reloads() []engine.ReloadResult {
	data, _ := os.ReadFile(filepath.Join(r.log, "rules-reload.json"))
	var out []engine.ReloadResult
	for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var res engine.ReloadResult
		if len(l) > 0 && json.Unmarshal(l, &res) == nil {
			out = append(out, res)
		}
	}
	return out
}

func (r *liveReloadRun) stop() {
	r.t.Helper()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case rc := <-r.done:
		if rc != 0 {
			r.t.Fatalf("exit %d; stderr:\n%s", rc, r.stderr.String())
		}
	case <-time.After(30 * time.Second):
		r.t.Fatalf("vigil run did not stop; stderr:\n%s", r.stderr.String())
	}
}

// send sends payload to 127.0.0.1:port.
func send(t *testing.T, port int, payload string) {
	t.Helper()
	c, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte(payload))
	c.Close()
}

// alertsByPort counts alerts of sid by destination port in eve.json.
func alertsByPort(t *testing.T, logDir string, sid uint32) map[int]int {
	t.Helper()
	path := filepath.Join(logDir, "eve.json")
	evetest.ValidateFile(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r struct {
			EventType string `json:"event_type"`
			DestPort  int    `json:"dest_port"`
			Alert     struct {
				SID uint32 `json:"signature_id"`
			} `json:"alert"`
		}
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.EventType == "alert" && r.Alert.SID == sid {
			out[r.DestPort]++
		}
	}
	return out
}

// TestRunReloadWatch: with vigil.reload.watch, a rule file written in
// three chunks makes exactly one reload (debounce), after which its rule
// alerts; a truncated rule file is refused by the ratio gate and the old
// rules keep alerting.
func TestRunReloadWatch(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture on lo needs root (CAP_NET_RAW)")
	}
	rulesDir, logDir := t.TempDir(), t.TempDir()
	a := filepath.Join(rulesDir, "a.rules")
	if err := os.WriteFile(a, []byte(reloadRules()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := startReloadRun(t, rulesDir, logDir, "--set", "vigil.reload.watch=yes", "--set", "vigil.reload.debounce=400ms")

	// Three chunks, 100 ms apart: one reload.
	f, err := os.Create(filepath.Join(rulesDir, "c.rules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []string{pongRule[:20], pongRule[20:50], pongRule[50:]} {
		f.WriteString(chunk)
		f.Sync()
		time.Sleep(100 * time.Millisecond)
	}
	f.Close()
	r.waitFor("the reload", func() bool { return len(r.reloads()) >= 1 })
	time.Sleep(time.Second) // a second reload would come within the debounce
	if got := r.reloads(); len(got) != 1 || got[0].Result != engine.ReloadPublished || fmt.Sprint(got[0].Added) != "[1:40]" {
		t.Fatalf("reloads after a write in three chunks: %+v, want one published adding 1:40", got)
	}
	send(t, 40001, "PONG")

	// A half-written file (cut inside a rule, 5 of 11 rules left):
	// refused, sid 19 (the last rule) keeps alerting.
	text := reloadRules()
	if err := os.WriteFile(a, []byte(text[:len(text)/2]), 0o644); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the refused reload", func() bool { return len(r.reloads()) >= 2 })
	if got := r.reloads()[1]; got.Result != engine.ReloadRefused {
		t.Fatalf("truncated file: %+v, want refused", got)
	}
	send(t, 40002, "PING")
	time.Sleep(300 * time.Millisecond)
	r.stop()
	if got := alertsByPort(t, logDir, 40); got[40001] == 0 {
		t.Errorf("the rule added by the reload did not alert: %v", got)
	}
	if got := alertsByPort(t, logDir, 19); got[40002] == 0 {
		t.Errorf("after the refused reload the old rule did not alert: %v", got)
	}
}

// TestRunReloadSignalAndControl: SIGUSR2 with a broken rule file keeps the
// old rules; `vigil rules reload --wait` over the control socket then
// publishes the repaired set and prints its diff.
func TestRunReloadSignalAndControl(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture on lo needs root (CAP_NET_RAW)")
	}
	rulesDir, logDir := t.TempDir(), t.TempDir()
	sock := filepath.Join(t.TempDir(), "control.sock")
	a := filepath.Join(rulesDir, "a.rules")
	if err := os.WriteFile(a, []byte(reloadRules()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := startReloadRun(t, rulesDir, logDir, "--control", sock)

	if err := os.WriteFile(a, []byte("alert udp any any -> (garbage\n"+strings.Repeat("x", 100)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	r.waitFor("the SIGUSR2 reload", func() bool { return len(r.reloads()) >= 1 })
	if got := r.reloads()[0]; got.Result == engine.ReloadPublished || len(got.Errors) == 0 {
		t.Fatalf("broken rule file: %+v, want not published, with the rule errors", got)
	}
	send(t, 40003, "PING")

	if err := os.WriteFile(a, []byte(reloadRules()+pongRule), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if rc := cmdRulesReload([]string{"--control", sock, "--wait"}, &out, &errb); rc != 0 {
		t.Fatalf("vigil rules reload: exit %d: %s%s", rc, out.String(), errb.String())
	}
	var res engine.ReloadResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("vigil rules reload output: %v\n%s", err, out.String())
	}
	if res.Result != engine.ReloadPublished || fmt.Sprint(res.Added) != "[1:40]" || res.Rules != 11 {
		t.Errorf("reload over the control socket: %+v, want published, 11 rules, 1:40 added", res)
	}
	send(t, 40004, "PONG")
	time.Sleep(300 * time.Millisecond)
	r.stop()
	if got := alertsByPort(t, logDir, 19); got[40003] == 0 {
		t.Errorf("after SIGUSR2 with a broken file the old rule did not alert: %v", got)
	}
	if got := alertsByPort(t, logDir, 40); got[40004] == 0 {
		t.Errorf("the rule added over the control socket did not alert: %v", got)
	}
	data, _ := os.ReadFile(filepath.Join(logDir, "eve.json"))
	if n := bytes.Count(data, []byte(`"module":"rules"`)); n != 2 {
		t.Errorf("%d engine records of module rules, want 2", n)
	}
}
