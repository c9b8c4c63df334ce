package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestFileKeywords(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "bad.md5")
	// md5("abc") and a comment line.
	if err := os.WriteFile(list, []byte("# list\n900150983cd24fb0d6963f7d28e17f72 abc\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abc := "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72"
	other := strings.Repeat("\x01", 16)
	size := func(n byte) string { return "\x00\x00\x00\x00\x00\x00\x00" + string([]byte{n}) }
	pdf := mapTx{bufid.FileName: {"/~regit/r.pdf"}}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"filename nocase", `filename:"R.PDF";`, pdf, true},
		{"filename substring", `filename:"regit";`, pdf, true},
		{"filename negated other", `filename:!"s.pdf";`, pdf, true},
		{"filename negated same", `filename:!"r.pDf";`, pdf, false},
		{"filename negated no file", `filename:!"s.pdf";`, mapTx{}, false},
		{"fileext", `fileext:"PDF";`, pdf, true},
		{"fileext unquoted", `fileext:pdf;`, pdf, true},
		{"fileext not at end", `fileext:"reg";`, mapTx{bufid.FileName: {"/a.reg.pdf"}}, false},
		{"fileext needs dot", `fileext:"df";`, pdf, false},
		{"fileext negated", `fileext:!"doc";`, pdf, true},
		{"filemd5 in list", `filemd5:` + list + `;`, mapTx{bufid.FileMD5: {abc}}, true},
		{"filemd5 not in list", `filemd5:` + list + `;`, mapTx{bufid.FileMD5: {other}}, false},
		{"filemd5 negated", `filemd5:!` + list + `;`, mapTx{bufid.FileMD5: {other}}, true},
		{"filemd5 unknown yet", `filemd5:!` + list + `;`, mapTx{}, false},
		{"filesize lt", `filesize:<70;`, mapTx{bufid.FileSize: {size(68)}}, true},
		{"filesize gt", `filesize:>70;`, mapTx{bufid.FileSize: {size(68)}}, false},
		{"filesize range", `filesize:60<>70;`, mapTx{bufid.FileSize: {size(68)}}, true},
		{"filesize unknown", `filesize:<70;`, mapTx{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (`+tc.opts+` sid:1;)`)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", false)
			p.AppProto = bufid.ProtoHTTP
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoadMD5List(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "x.rules")
	if err := os.WriteFile(filepath.Join(dir, "ok.md5"), []byte("e19c1283c925b3206685ff522acfe3e6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.md5"), []byte("e19c12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := loadMD5List("ok.md5", rulesFile) // beside the rule file
	if err != nil || len(set) != 1 {
		t.Fatalf("set %v err %v", set, err)
	}
	if _, err := loadMD5List("bad.md5", rulesFile); err == nil {
		t.Error("short hash accepted")
	}
	if _, err := loadMD5List("missing.md5", rulesFile); err == nil {
		t.Error("missing file accepted")
	}
}
