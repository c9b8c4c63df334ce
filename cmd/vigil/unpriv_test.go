//go:build linux

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRunUnprivileged: `vigil run` as an unprivileged user fails (exit 1)
// with the capture's permission error and a hint naming the privileges
// live capture needs. The test binary runs as vigil under uid/gid 65534.
func TestRunUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root to start a process as another user")
	}
	dir, err := os.MkdirTemp("", "vigil-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Readable and writable by the unprivileged user: the binary, the
	// rules and the log directory.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "vigil")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err == nil {
		_, err = io.Copy(dst, src)
		dst.Close()
	}
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	rules := writeFile(t, dir, "r.rules", goodRule)
	os.Chmod(rules, 0o644)
	cmd := exec.Command(bin, "run", "-i", "lo", "-S", rules, "-l", dir, "--workers", "1")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_MAIN=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1; output:\n%s", err, out)
	}
	for _, want := range []string{"operation not permitted", "live capture needs root, or CAP_NET_RAW and CAP_NET_ADMIN"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
