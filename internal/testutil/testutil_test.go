package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	dir := ModuleRoot(t)
	if !filepath.IsAbs(dir) {
		t.Fatalf("ModuleRoot = %q; want an absolute path", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("ModuleRoot = %q has no go.mod: %v", dir, err)
	}
	wd, _ := os.Getwd()
	if rel, err := filepath.Rel(dir, wd); err != nil || rel != filepath.Join("internal", "testutil") {
		t.Fatalf("working dir %q relative to ModuleRoot %q = %q; want internal/testutil", wd, dir, rel)
	}
}

func TestSharedDir(t *testing.T) {
	dir := SharedDir(t) // skips when absent
	if filepath.Base(dir) != "shared" || filepath.Dir(dir) != filepath.Dir(ModuleRoot(t)) {
		t.Fatalf("SharedDir = %q; want sibling of the module root named shared", dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("SharedDir = %q is not a directory: %v", dir, err)
	}
}
