package update

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vigil/rules/version"
)

const srcRules = `# a comment that is not a rule
alert tcp any any -> any 80 (msg:"one"; content:"a"; sid:1; rev:1;)
alert tcp any any -> any 80 (msg:"two heartbleed"; content:"b"; sid:2; rev:1;)
# alert tcp any any -> any 80 (msg:"three"; content:"c"; sid:3; rev:1;)
alert udp any any -> any 53 (msg:"four"; content:"d"; \
  metadata:policy balanced, former_category DNS; sid:4; rev:2;)
alert tcp any any -> any 80 (msg:"one older"; content:"a"; sid:1; rev:0;)
alert tcp any any -> any 80 (msg:"gid 3"; content:"e"; gid:3; sid:5; rev:1;)
`

func fetched(group, data string) *Fetched {
	return &Fetched{Files: []File{{Group: group, Data: []byte(data)}}}
}

func mustConf(t *testing.T, disable, enable, modify, drop string) (*Conf, []ConfFile) {
	t.Helper()
	dir := t.TempDir()
	paths := map[string]string{}
	for kind, text := range map[string]string{"disable": disable, "enable": enable, "modify": modify, "drop": drop} {
		p := filepath.Join(dir, kind+".conf")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths[kind] = p
	}
	files, conf, err := ReadConf(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conf, files
}

func TestMergeConfs(t *testing.T) {
	conf, files := mustConf(t,
		"# disable\n1\nmetadata: former_category dns\n",
		"3\n",
		`re:heartbleed "content:\"b\"" "content:\"B\""`+"\n"+`3:5 "(msg:)\"([^\"]*)\"" "\1\"changed \2\""`+"\n",
		"group:emerging-*\n")
	res := Merge([]*Fetched{fetched("emerging-test.rules", srcRules)}, conf, files)
	want := `# Written by vigil rules update from 1 source(s); the next update replaces it.
# alert tcp any any -> any 80 (msg:"one"; content:"a"; sid:1; rev:1;)
drop tcp any any -> any 80 (msg:"two heartbleed"; content:"B"; sid:2; rev:1;)
drop tcp any any -> any 80 (msg:"three"; content:"c"; sid:3; rev:1;)
# alert udp any any -> any 53 (msg:"four"; content:"d"; metadata:policy balanced, former_category DNS; sid:4; rev:2;)
drop tcp any any -> any 80 (msg:"changed gid 3"; content:"e"; gid:3; sid:5; rev:1;)
`
	if got := string(res.Data); got != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	if res.Enabled != 3 || res.Disabled != 2 || res.Duplicates != 1 {
		t.Errorf("enabled %d disabled %d duplicates %d; want 3 2 1", res.Enabled, res.Disabled, res.Duplicates)
	}
	wantChanged := map[string]int{"disable": 2, "enable": 1, "modify": 2, "drop": 3}
	if !reflect.DeepEqual(res.Changed, wantChanged) {
		t.Errorf("changed %v; want %v", res.Changed, wantChanged)
	}
	if len(res.Unused) != 0 {
		t.Errorf("unused %v", res.Unused)
	}
}

func TestConfErrorsNameFileLine(t *testing.T) {
	for _, tc := range []struct{ kind, text, want string }{
		{"disable", "1\n\nfoo\n", "disable.conf:3: unknown matcher \"foo\""},
		{"enable", "# c\nre:(\n", "enable.conf:2: re: "},
		{"drop", "metadata: lonely\n", "drop.conf:1: metadata: want"},
		{"modify", "1 \"a\"\n", "modify.conf:1: want a quoted string"},
		{"modify", "1 \"(\" \"b\"\n", "modify.conf:1: \"FROM\": "},
		{"modify", "nope \"a\" \"b\"\n", "modify.conf:1: unknown matcher"},
	} {
		p := filepath.Join(t.TempDir(), tc.kind+".conf")
		os.WriteFile(p, []byte(tc.text), 0o644)
		_, _, err := ReadConf(map[string]string{tc.kind: p}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p+":") {
			t.Errorf("%s %q: error %v; want %q at %s:LINE", tc.kind, tc.text, err, tc.want, p)
		}
	}
	// A missing default conf file is skipped; a missing named one is not.
	missing := filepath.Join(t.TempDir(), "disable.conf")
	if _, _, err := ReadConf(map[string]string{"disable": missing}, map[string]bool{"disable": true}); err != nil {
		t.Errorf("optional missing: %v", err)
	}
	if _, _, err := ReadConf(map[string]string{"disable": missing}, nil); err == nil {
		t.Error("named missing conf file: no error")
	}
}

func TestUnusedMatcher(t *testing.T) {
	conf, files := mustConf(t, "999\n", "", "", "")
	res := Merge([]*Fetched{fetched("x.rules", srcRules)}, conf, files)
	if len(res.Unused) != 1 || !strings.HasSuffix(res.Unused[0], "disable.conf:1") {
		t.Errorf("unused %v; want disable.conf:1", res.Unused)
	}
}

func TestDiff(t *testing.T) {
	old := "alert tcp any any -> any 80 (msg:\"a\"; content:\"a\"; sid:1; rev:1;)\n" +
		"alert tcp any any -> any 80 (msg:\"b\"; content:\"b\"; sid:2; rev:1;)\n" +
		"alert tcp any any -> any 80 (msg:\"c\"; content:\"c\"; sid:3; rev:1;)\n" +
		"alert tcp any any -> any 80 (msg:\"d\"; content:\"d\"; sid:4; rev:1;)\n"
	new := "alert tcp any any ->  any 80 (msg:\"a\";   content:\"a\"; sid:1; rev:1;)\n" + // whitespace only
		"alert tcp any any -> any 80 (msg:\"b\"; content:\"B\"; sid:2; rev:2;)\n" + // modified
		"# alert tcp any any -> any 80 (msg:\"c\"; content:\"c\"; sid:3; rev:1;)\n" + // disabled: removed
		"alert tcp any any -> any 80 (msg:\"e\"; content:\"e\"; sid:10; rev:1;)\n" +
		"alert tcp any any -> any 80 (msg:\"e\"; content:\"e\"; gid:2; sid:9; rev:1;)\n"
	got := Diff([]byte(old), []byte(new), nil)
	want := version.Changes{Added: []version.RuleID{{Gid: 1, Sid: 10}, {Gid: 2, Sid: 9}},
		Removed: []version.RuleID{{Gid: 1, Sid: 3}, {Gid: 1, Sid: 4}}, Changed: []version.RuleID{{Gid: 1, Sid: 2}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff %+v; want %+v", got, want)
	}
	if c := Diff([]byte(old), []byte(old), nil); !c.Empty() {
		t.Errorf("same file: %+v", c)
	}
}

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range []string{"rules/", "rules/deep/", "rules/deep/b.rules", "rules/a.rules", "rules/notes.txt"} {
		data, ok := files[name]
		if !ok && !strings.HasSuffix(name, "/") {
			continue
		}
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(name, "/") {
			h = &tar.Header{Name: name, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(data))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestFetchTarGzAndDir(t *testing.T) {
	a := "alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
	b := "alert tcp any any -> any any (msg:\"b\"; sid:2;)\n"
	dir := t.TempDir()
	tgz := filepath.Join(dir, "src.tar.gz")
	os.WriteFile(tgz, tarGz(t, map[string]string{"rules/deep/b.rules": b, "rules/a.rules": a, "rules/notes.txt": "x"}), 0o644)
	f := &Fetcher{StateDir: t.TempDir()}
	got, err := f.Fetch(context.Background(), tgz)
	if err != nil {
		t.Fatal(err)
	}
	want := []File{{Group: "a.rules", Data: []byte(a)}, {Group: "b.rules", Data: []byte(b)}}
	if !reflect.DeepEqual(got.Files, want) || got.Status != "local" {
		t.Errorf("tar.gz: %+v %q; want %+v", got.Files, got.Status, want)
	}

	src := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "a.rules"), []byte(a), 0o644)
	os.WriteFile(filepath.Join(src, "sub", "b.rules"), []byte(b), 0o644)
	os.WriteFile(filepath.Join(src, "README"), []byte("x"), 0o644)
	got, err = f.Fetch(context.Background(), src)
	if err != nil || !reflect.DeepEqual(got.Files, want) {
		t.Errorf("dir: %+v, %v; want %+v", got, err, want)
	}

	for _, bad := range []string{filepath.Join(dir, "missing"), t.TempDir()} {
		if _, err := f.Fetch(context.Background(), bad); err == nil {
			t.Errorf("source %s: no error", bad)
		}
	}
}

// TestFetchHTTPCache serves a tar.gz from a loopback HTTP server and checks
// that the second fetch sends If-None-Match and If-Modified-Since, gets a
// 304 and returns the cached bytes.
func TestFetchHTTPCache(t *testing.T) {
	body := tarGz(t, map[string]string{"rules/a.rules": "alert tcp any any -> any any (msg:\"a\"; sid:1;)\n"})
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.URL.Path != "/emerging.rules.tar.gz" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		w.Write(body)
	}))
	defer srv.Close()
	f := &Fetcher{StateDir: t.TempDir()}
	u := srv.URL + "/emerging.rules.tar.gz"
	first, err := f.Fetch(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.Fetch(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != "downloaded" || second.Status != "not modified (cached)" {
		t.Errorf("status %q then %q", first.Status, second.Status)
	}
	if !reflect.DeepEqual(first.Files, second.Files) || len(first.Files) != 1 {
		t.Errorf("cached files differ: %+v vs %+v", first.Files, second.Files)
	}
	mu.Lock()
	got := append([]http.Header(nil), seen...)
	mu.Unlock()
	if len(got) != 2 || got[0].Get("If-None-Match") != "" || got[1].Get("If-None-Match") != `"v1"` ||
		got[1].Get("If-Modified-Since") != "Mon, 02 Jan 2006 15:04:05 GMT" {
		t.Errorf("request headers: %v", got)
	}
	f.Force = true
	if third, err := f.Fetch(context.Background(), u); err != nil || third.Status != "downloaded" {
		t.Errorf("--force: %+v, %v", third, err)
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/missing"); err == nil {
		t.Error("404 source: no error")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "vigil.rules")
	os.WriteFile(out, []byte("old\n"), 0o644)
	newData := []byte(strings.Repeat("new rule\n", 1000))
	var tmpSeen string
	err := WriteFileAtomic(out, newData, func(tmp string) error {
		tmpSeen = tmp
		if filepath.Dir(tmp) != dir || strings.HasSuffix(tmp, ".rules") {
			t.Errorf("temporary file %s: want a non-.rules name in %s", tmp, dir)
		}
		if b, _ := os.ReadFile(tmp); !bytes.Equal(b, newData) {
			t.Error("temporary file does not hold the whole new data at test time")
		}
		if b, _ := os.ReadFile(out); string(b) != "old\n" {
			t.Errorf("target changed before the rename: %q", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, newData) {
		t.Error("target does not hold the new data")
	}
	if _, err := os.Stat(tmpSeen); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
	// A failing test leaves the old file and no temporary file.
	err = WriteFileAtomic(out, []byte("bad\n"), func(string) error { return os.ErrInvalid })
	if err == nil {
		t.Fatal("failing test: no error")
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, newData) {
		t.Error("failing test changed the target")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory has %d entries after a failed write; want 1", len(ents))
	}
}

func TestStateKeepsFive(t *testing.T) {
	s := State{Dir: t.TempDir()}
	var gens []string
	for i := 0; i < 7; i++ {
		src := fetched("a.rules", strings.Repeat("#\n", i)+"alert tcp any any -> any any (msg:\"a\"; sid:1;)\n")
		res := Merge([]*Fetched{src}, nil, nil)
		gens = append(gens, res.Gen)
		if err := s.Save(Generation{Gen: res.Gen, Output: "x"}, res, []*Fetched{src}, nil); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History()
	if err != nil || len(h) != Keep || h[0].Gen != gens[2] || h[Keep-1].Gen != gens[6] {
		t.Fatalf("history %+v, %v", h, err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "rules", gens[1])); !os.IsNotExist(err) {
		t.Errorf("generation %s beyond the last %d still kept", gens[1], Keep)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "rules", gens[6], "inputs.tar.gz")); err != nil {
		t.Errorf("inputs snapshot: %v", err)
	}
	if g, err := s.Resolve(gens[3][:6]); err != nil || g.Gen != gens[3] {
		t.Errorf("resolve prefix: %+v, %v", g, err)
	}
	if err := s.MakeCurrent(h[0]); err != nil {
		t.Fatal(err)
	}
	if h, _ = s.History(); h[Keep-1].Gen != gens[2] {
		t.Errorf("MakeCurrent did not move %s last: %+v", gens[2], h)
	}
}

func TestLock(t *testing.T) {
	s := State{Dir: t.TempDir()}
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock(); err == nil || !strings.Contains(err.Error(), "locked by another") {
		t.Errorf("second lock: %v; want locked", err)
	}
	unlock()
	unlock2, err := s.Lock()
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}
