package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestEngineAnalysis: replay -T --engine-analysis writes one JSON line
// per rule with its buffers, fast pattern and prefilter group.
func TestEngineAnalysis(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "a.rules")
	text := `alert http any any -> any any (msg:"u"; http.uri; content:"/admin"; sid:1;)
alert tcp any any -> any any (msg:"s"; content:"hello"; sid:2;)
alert udp any any -> any any (msg:"p"; dsize:>10; sid:3;)
`
	if err := os.WriteFile(rules, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := dispatch(commands, "vigil", []string{"replay", "-T", "--engine-analysis", "-S", rules, "-l", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	f, err := os.Open(filepath.Join(dir, "rules-analysis.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[uint32]map[string]any{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		got[uint32(m["sid"].(float64))] = m
	}
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3", len(got))
	}
	if g := got[1]["prefilter_group"]; g != "tx:http" {
		t.Errorf("sid 1 group %v", g)
	}
	if fp, _ := got[1]["fast_pattern"].(map[string]any); fp == nil || fp["buffer"] != "http.uri" || fp["pattern"] != "/admin" {
		t.Errorf("sid 1 fast pattern %v", got[1]["fast_pattern"])
	}
	if g := got[2]["prefilter_group"]; g != "stream" {
		t.Errorf("sid 2 group %v", g)
	}
	if _, ok := got[3]["fast_pattern"]; ok || got[3]["prefilter_group"] != "packet" {
		t.Errorf("sid 3: %v", got[3])
	}
}
