package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ruleSource is a loopback HTTP server serving one .tar.gz of rule files
// with an ETag; set replaces the archive (and its ETag).
type ruleSource struct {
	mu      sync.Mutex
	body    []byte
	etag    string
	version int
	got304  int
	gets    int
	srv     *httptest.Server
}

func newRuleSource(t *testing.T) *ruleSource {
	s := &ruleSource{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.gets++
		if r.URL.Path != "/rules.tar.gz" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == s.etag {
			s.got304++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", s.etag)
		w.Write(s.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *ruleSource) set(t *testing.T, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range []string{"rules/emerging-web.rules", "rules/emerging-dns.rules", "rules/local/custom.rules"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write([]byte(data))
	}
	tw.Close()
	zw.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.body, s.etag = buf.Bytes(), `"v`+strings.Repeat("1", s.version)+`"`
}

func (s *ruleSource) url() string { return s.srv.URL + "/rules.tar.gz" }

const (
	webV1 = `alert http any any -> any any (msg:"web one"; content:"/one"; http_uri; sid:1000001; rev:1;)
alert http any any -> any any (msg:"web two heartbleed"; content:"/two"; http_uri; sid:1000002; rev:1;)
# alert http any any -> any any (msg:"web three"; content:"/three"; http_uri; sid:1000003; rev:1;)
alert tcp any any -> any any (msg:"web four"; content:"four"; metadata:policy security-ips; sid:1000004; rev:1;)
`
	dnsV1 = `alert dns any any -> any any (msg:"dns one"; dns.query; content:"evil"; sid:2000001; rev:1;)
`
	customV1 = `alert tcp any any -> any any (msg:"custom"; content:"x"; sid:3000001; rev:1;)
`
)

type confs struct{ enable, disable, modify, drop string }

func writeConfs(t *testing.T, c confs) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"enable.conf": c.enable, "disable.conf": c.disable,
		"modify.conf": c.modify, "drop.conf": c.drop} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCmd(t *testing.T, f func([]string, io.Writer, io.Writer) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := f(args, &out, &errb)
	return rc, out.String(), errb.String()
}

// TestRulesUpdateHTTP is the acceptance test: an update from a
// loopback HTTP source with the four conf files, the report and the rules
// it writes; a second run with nothing changed writes nothing and says so
// (after a 304); a new upstream version reports added / removed /
// modified, whitespace-only edits not counting; then diff and rollback.
func TestRulesUpdateHTTP(t *testing.T) {
	src := newRuleSource(t)
	src.set(t, map[string]string{"rules/emerging-web.rules": webV1, "rules/emerging-dns.rules": dnsV1,
		"rules/local/custom.rules": customV1})
	confDir := writeConfs(t, confs{
		enable:  "# turn on sid 3\n1000003\n",
		disable: "group:emerging-dns\n",
		modify:  `re:heartbleed "content:\"/two\"" "content:\"/TWO\""` + "\n",
		drop:    "metadata: policy security-ips\n",
	})
	state, out := t.TempDir(), t.TempDir()
	args := []string{"-o", out, "--state-dir", state, "--conf-dir", confDir, src.url()}

	rc, stdout, stderr := runCmd(t, cmdRulesUpdate, args...)
	if rc != 0 {
		t.Fatalf("first update: exit %d\n%s\n%s", rc, stdout, stderr)
	}
	for _, want := range []string{
		"source " + src.url() + ": downloaded, rule files: 3\n",
		"merged: 6 rules (5 enabled, 1 disabled), 0 duplicates (highest rev kept)\n",
		"conf: disable.conf changed 1, enable.conf changed 1, modify.conf changed 1, drop.conf changed 1\n",
		"rules: 5 loaded, 0 failed",
		"changes: 5 added, 0 removed, 0 modified\n",
		"  added: 1:1000001 1:1000002 1:1000003 1:1000004 1:3000001\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("first update: stdout lacks %q:\n%s", want, stdout)
		}
	}
	rulesPath := filepath.Join(out, "vigil.rules")
	v1, err := os.ReadFile(rulesPath)
	if err != nil {
		t.Fatal(err)
	}
	wantV1 := `# Written by vigil rules update from 1 source(s); the next update replaces it.
# alert dns any any -> any any (msg:"dns one"; dns.query; content:"evil"; sid:2000001; rev:1;)
alert http any any -> any any (msg:"web one"; content:"/one"; http_uri; sid:1000001; rev:1;)
alert http any any -> any any (msg:"web two heartbleed"; content:"/TWO"; http_uri; sid:1000002; rev:1;)
alert http any any -> any any (msg:"web three"; content:"/three"; http_uri; sid:1000003; rev:1;)
drop tcp any any -> any any (msg:"web four"; content:"four"; metadata:policy security-ips; sid:1000004; rev:1;)
alert tcp any any -> any any (msg:"custom"; content:"x"; sid:3000001; rev:1;)
`
	if string(v1) != wantV1 {
		t.Errorf("vigil.rules:\n%s\nwant:\n%s", v1, wantV1)
	}

	// Nothing changed: 304, nothing written, said so.
	fi1, _ := os.Stat(rulesPath)
	rc, stdout, stderr = runCmd(t, cmdRulesUpdate, args...)
	if rc != 0 || !strings.Contains(stdout, "not modified (cached)") || !strings.Contains(stdout, "no change: ") ||
		!strings.Contains(stdout, "nothing written") {
		t.Errorf("second update: exit %d\n%s\n%s", rc, stdout, stderr)
	}
	if src.got304 != 1 {
		t.Errorf("second update: %d 304 answers; want 1", src.got304)
	}
	if fi2, _ := os.Stat(rulesPath); !fi2.ModTime().Equal(fi1.ModTime()) || !os.SameFile(fi1, fi2) {
		t.Error("second update touched vigil.rules")
	}

	// Upstream v2: sid 1000001 only re-spaced (not modified), 1000004
	// removed, 2000001 still disabled, 1000002 rev 2 (modified), one new.
	webV2 := strings.Replace(webV1, `(msg:"web one"; content:"/one";`, `(msg:"web one";   content: "/one";`, 1)
	webV2 = strings.Replace(webV2, `content:"/two"; http_uri; sid:1000002; rev:1;`, `content:"/two"; http_uri; nocase; sid:1000002; rev:2;`, 1)
	webV2 = strings.Replace(webV2, "alert tcp any any -> any any (msg:\"web four\"; content:\"four\"; metadata:policy security-ips; sid:1000004; rev:1;)\n", "", 1)
	webV2 += `alert http any any -> any any (msg:"web five"; content:"/five"; http_uri; sid:1000005; rev:1;)` + "\n"
	src.set(t, map[string]string{"rules/emerging-web.rules": webV2, "rules/emerging-dns.rules": dnsV1,
		"rules/local/custom.rules": customV1})
	rc, stdout, stderr = runCmd(t, cmdRulesUpdate, args...)
	if rc != 0 {
		t.Fatalf("third update: exit %d\n%s\n%s", rc, stdout, stderr)
	}
	for _, want := range []string{
		"changes: 1 added, 1 removed, 1 modified\n",
		"  added: 1:1000005\n", "  removed: 1:1000004\n", "  modified: 1:1000002\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("third update: stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "matches no rule") == false {
		t.Errorf("drop.conf matches nothing in v2: want a warning, stderr:\n%s", stderr)
	}
	v2, _ := os.ReadFile(rulesPath)

	// diff: the last two generations.
	rc, stdout, stderr = runCmd(t, cmdRulesDiff, "--state-dir", state)
	if rc != 0 || !strings.Contains(stdout, "changes: 1 added, 1 removed, 1 modified\n") ||
		!strings.Contains(stdout, "  modified: 1:1000002\n") {
		t.Errorf("diff: exit %d\n%s\n%s", rc, stdout, stderr)
	}

	// rollback: the previous generation's bytes come back.
	rc, stdout, stderr = runCmd(t, cmdRulesRollback, "--state-dir", state)
	if rc != 0 {
		t.Fatalf("rollback: exit %d\n%s\n%s", rc, stdout, stderr)
	}
	if got, _ := os.ReadFile(rulesPath); !bytes.Equal(got, v1) {
		t.Errorf("rollback wrote:\n%s\nwant the first generation:\n%s", got, v1)
	}
	if !strings.Contains(stdout, "changes: 1 added, 1 removed, 1 modified\n") || !strings.Contains(stdout, "  added: 1:1000004\n") {
		t.Errorf("rollback report:\n%s", stdout)
	}
	// And forward again by generation name (a prefix).
	rc, stdout, stderr = runCmd(t, cmdRulesDiff, "--state-dir", state)
	if rc != 0 {
		t.Fatalf("diff after rollback: exit %d\n%s", rc, stderr)
	}
	gen2 := strings.Fields(strings.TrimPrefix(strings.SplitN(stdout, "\n", 2)[0], "diff "))[0]
	gen2 = strings.SplitN(gen2, "..", 2)[0]
	if rc, stdout, stderr = runCmd(t, cmdRulesRollback, "--state-dir", state, gen2[:8]); rc != 0 {
		t.Fatalf("rollback %s: exit %d\n%s\n%s", gen2[:8], rc, stdout, stderr)
	}
	if got, _ := os.ReadFile(rulesPath); !bytes.Equal(got, v2) {
		t.Errorf("rollback to %s did not restore the second generation", gen2)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 1 {
		t.Errorf("%s holds %d entries; want only vigil.rules (no temporary files)", out, len(ents))
	}
}

// TestRulesUpdateFailures: a bad source, a conf error and a ruleset that
// does not load change nothing.
func TestRulesUpdateFailures(t *testing.T) {
	src := newRuleSource(t)
	src.set(t, map[string]string{"rules/local/custom.rules": customV1})
	dir := t.TempDir()
	srcDir := filepath.Join(dir, "src")
	os.MkdirAll(srcDir, 0o755)
	os.WriteFile(filepath.Join(srcDir, "a.rules"), []byte(customV1), 0o644)
	badRule := filepath.Join(dir, "bad.rules")
	os.WriteFile(badRule, []byte(customV1+"alert tcp any any -> any any (msg:\"bad\"; nosuchkeyword; sid:9;)\n"), 0o644)
	allBad := filepath.Join(dir, "allbad.rules")
	os.WriteFile(allBad, []byte("alert tcp any any -> any any (msg:\"bad\"; nosuchkeyword; sid:9;)\n"), 0o644)
	noConf := t.TempDir()
	badConf := writeConfs(t, confs{disable: "1000001\n\n1:x\n"})
	for _, tc := range []struct {
		name   string
		args   []string
		rc     int
		stderr string
	}{
		{"404", []string{src.srv.URL + "/missing.tar.gz"}, 1, "404 Not Found; nothing written"},
		{"missing dir", []string{filepath.Join(dir, "nope")}, 1, "no such file"},
		{"conf error", []string{"--conf-dir", badConf, srcDir}, 2, "disable.conf:3: unknown matcher \"1:x\""},
		{"nothing loads", []string{allBad}, 1, "test load failed"},
		{"strict", []string{"--strict", badRule}, 1, "test load failed"},
		{"no source", nil, 2, "no source given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"-o", out, "--state-dir", t.TempDir(), "--conf-dir", noConf}, tc.args...)
			rc, stdout, stderr := runCmd(t, cmdRulesUpdate, args...)
			if rc != tc.rc || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q\nstdout:\n%s", rc, stderr, tc.rc, tc.stderr, stdout)
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("%d files written to %s; want none", len(ents), out)
			}
		})
	}
	// Without --strict a bad rule is reported and the rest is written.
	out := t.TempDir()
	rc, stdout, stderr := runCmd(t, cmdRulesUpdate, "-o", out, "--state-dir", t.TempDir(), "--conf-dir", noConf, badRule)
	if rc != 0 || !strings.Contains(stdout, "rules: 1 loaded, 1 failed") {
		t.Errorf("lenient: exit %d\n%s\n%s", rc, stdout, stderr)
	}
}

// TestRulesUpdateReload: `rules update --reload` tells a running `vigil
// run --control` to reload the rules it just wrote; the sensor publishes
// them (the JSON answer says so and the exit is 0), and without a socket
// the update exits 1 naming it.
func TestRulesUpdateReload(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture on lo needs root (CAP_NET_RAW)")
	}
	rulesDir, logDir, state := t.TempDir(), t.TempDir(), t.TempDir()
	ctl := filepath.Join(t.TempDir(), "control.sock")
	srcDir := t.TempDir()
	src := filepath.Join(srcDir, "a.rules")
	os.WriteFile(src, []byte(customV1), 0o644)
	if rc, stdout, stderr := runCmd(t, cmdRulesUpdate, "-o", rulesDir, "--state-dir", state, "--conf-dir", t.TempDir(), srcDir); rc != 0 {
		t.Fatalf("first update: exit %d\n%s\n%s", rc, stdout, stderr)
	}
	r := startReloadRun(t, rulesDir, logDir, "--control", ctl)
	defer r.stop()
	os.WriteFile(src, []byte(customV1+`alert tcp any any -> any any (msg:"custom 2"; content:"y"; sid:3000002; rev:1;)
`), 0o644)
	rc, stdout, stderr := runCmd(t, cmdRulesUpdate, "-o", rulesDir, "--state-dir", state, "--conf-dir", t.TempDir(),
		"--reload", "--control", ctl, srcDir)
	if rc != 0 || !strings.Contains(stdout, "reload: {") || !strings.Contains(stdout, `"published"`) || !strings.Contains(stdout, "1:3000002") {
		t.Fatalf("update --reload: exit %d; want 0 and a published reload adding 1:3000002\n%s\n%s", rc, stdout, stderr)
	}
	// No socket: exit 1 and a message naming it.
	os.WriteFile(src, []byte(customV1), 0o644)
	rc, _, stderr = runCmd(t, cmdRulesUpdate, "-o", t.TempDir(), "--state-dir", t.TempDir(),
		"--conf-dir", t.TempDir(), "--reload", "--control", ctl+".none", srcDir)
	if rc != 1 || !strings.Contains(stderr, "reload: control socket") {
		t.Errorf("no socket: exit %d, %s", rc, stderr)
	}
}
