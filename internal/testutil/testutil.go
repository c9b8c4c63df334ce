package testutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var root struct {
	once sync.Once
	dir  string
	err  error
}

// findModuleRoot walks up from the working directory to the first directory
// that contains go.mod.
func findModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	dir, err := filepath.Abs(wd)
	if err != nil {
		return "", fmt.Errorf("absolute path of %s: %w", wd, err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above " + wd)
		}
		dir = parent
	}
}

// ModuleRoot returns the absolute path of the directory holding go.mod,
// found by walking up from the test's working directory. It fails the test
// when there is none.
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	root.once.Do(func() { root.dir, root.err = findModuleRoot() })
	if root.err != nil {
		tb.Fatalf("module root: %v", root.err)
	}
	return root.dir
}

// SharedDir returns the absolute path of the shared test data directory
// (../shared relative to the module root). It skips the test when that
// directory is absent, so tests that need real pcaps, rules or the EVE schema
// still pass in a checkout without them.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(filepath.Dir(ModuleRoot(tb)), "shared")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		tb.Skip("../shared not found (want " + dir + "): shared test data is absent")
	}
	return dir
}

// SharedPath returns filepath.Join(SharedDir(tb), elem...) and skips the test
// when that path does not exist.
func SharedPath(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{SharedDir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skip("shared test data " + p + " not found: " + err.Error())
	}
	return p
}
