package config

import (
	"os"
	"testing"
)

// FuzzParse checks that Parse never panics, that it returns a config exactly
// when it returns no error, and that overrides on a parsed config never panic.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("testdata/suricata.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, "outputs.1.eve-log.enabled", "yes")
	f.Add(defaultsYAML, "vars.address-groups.HOME_NET", "any")
	f.Add([]byte("a: &x {b: 1}\nc: *x\n"), "c.b", "2")
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		c, err := Parse("fuzz.yaml", data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse: config %v, err %v", c, err)
		}
		if c == nil {
			return
		}
		_ = c.Set(key, value)
		_, _ = c.Lookup(key)
	})
}
