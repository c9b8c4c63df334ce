package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunSignals runs `vigil run` on lo and sends this process real
// signals: SIGUSR2 reloads (nothing changed), SIGHUP after a rename reopens eve.json (the
// records written at the end go to the new file) and does not end the
// run, SIGTERM drains and exits 0.
func TestRunSignals(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture on lo needs root (CAP_NET_RAW)")
	}
	dir := t.TempDir()
	pid := filepath.Join(dir, "vigil.pid")
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmdRun([]string{"-i", "lo", "-S", "/dev/null", "-l", dir, "--workers", "1", "--pidfile", pid,
			"--set", "vigil.capture.ebpf=no"}, &bytes.Buffer{}, &stderr)
	}()
	eve := filepath.Join(dir, "eve.json")
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; stderr:\n%s", what, stderr.String())
			}
			select {
			case rc := <-done:
				t.Fatalf("vigil run exited %d while waiting for %s; stderr:\n%s", rc, what, stderr.String())
			default:
			}
		}
	}
	waitFor("the pidfile", func() bool { _, err := os.Stat(pid); return err == nil })
	waitFor("the capture", func() bool { return strings.Contains(stderr.String(), "msg=capturing") })
	time.Sleep(200 * time.Millisecond)

	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	// Nothing changed: the reload says so and keeps the rules.
	waitFor("the SIGUSR2 reload", func() bool { return strings.Contains(stderr.String(), "result=unchanged") })

	// Traffic for flow records, then logrotate's rename and SIGHUP.
	c, err := net.Dial("udp", "127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		c.Write([]byte("ping"))
	}
	c.Close()
	if err := os.Rename(eve, eve+".1"); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor("the SIGHUP message", func() bool { return strings.Contains(stderr.String(), "SIGHUP: reopening output files") })
	time.Sleep(200 * time.Millisecond)
	select {
	case rc := <-done:
		t.Fatalf("SIGHUP ended vigil run (exit %d); stderr:\n%s", rc, stderr.String())
	default:
	}

	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	var rc int
	select {
	case rc = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("vigil run did not stop on SIGTERM; stderr:\n%s", stderr.String())
	}
	if rc != 0 {
		t.Fatalf("exit %d; stderr:\n%s", rc, stderr.String())
	}
	data, err := os.ReadFile(eve)
	if err != nil {
		t.Fatalf("eve.json not reopened after the rename: %v", err)
	}
	if !strings.Contains(string(data), `"event_type":"stats"`) || !strings.Contains(string(data), `"event_type":"flow"`) {
		t.Errorf("new eve.json lacks the final flow and stats records:\n%s", data)
	}
	if _, err := os.Stat(pid); err == nil {
		t.Error("pidfile left behind")
	}
}
