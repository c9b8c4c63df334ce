package pcre

import (
	"testing"
)

// FuzzPCRE compiles random patterns with random flags and matches them
// against random subjects: no crash, and offsets within the subject.
func FuzzPCRE(f *testing.F) {
	f.Add(`(?<=foo)bar`, uint8(0), []byte("foobar"), uint8(0))
	f.Add(`^(a+)+$`, uint8(0), []byte("aaaaaaaaaaaaaaaaaaaaaaaab"), uint8(0))
	f.Add(`(\w+)=(\d+)?;`, uint8(1), []byte("A=;b=42;"), uint8(3))
	f.Add(`^GET\s+/[a-z0-9]{8}\.php\?id=\d+`, uint8(0x41), []byte("GET /abcdefgh.php?id=7"), uint8(0))
	f.Add(`\x00\xff.{2,}$`, uint8(0x7f), []byte("\x00\xff\n\x00"), uint8(1))
	f.Add(`(?(?=a)ab|cd)\K\1`, uint8(0), []byte("abcd"), uint8(0))
	m, err := NewMatcher(DefaultLimits)
	if err != nil {
		f.Fatal(err)
	}
	mods := "ismxAEG"
	f.Fuzz(func(t *testing.T, pattern string, flagBits uint8, subject []byte, start uint8) {
		var flags Flags
		for i := range len(mods) {
			if flagBits&(1<<i) != 0 {
				fl, _ := ModifierFlag(mods[i])
				flags |= fl
			}
		}
		re, err := Compile(pattern, flags)
		if err != nil {
			if _, ok := err.(*CompileError); !ok {
				t.Fatalf("Compile(%q) error %v is not a *CompileError", pattern, err)
			}
			return
		}
		defer re.Free()
		st := int(start) % (len(subject) + 1)
		ok, from, to := m.Match(re, subject, st)
		if !ok {
			if from != -1 || to != -1 || m.Groups() != 0 {
				t.Fatalf("no match but offsets %d, %d, groups %d", from, to, m.Groups())
			}
			return
		}
		// \K may move the reported start before the start offset, and
		// lookarounds let the match end before it starts; both stay inside
		// the subject.
		if from < 0 || to < 0 || from > len(subject) || to > len(subject) {
			t.Fatalf("Match(%q, %q, %d) = [%d, %d] outside the subject", pattern, subject, st, from, to)
		}
		for i := range m.Groups() {
			gf, ge := m.Group(i)
			if gf == -1 && ge == -1 {
				continue
			}
			if gf < 0 || ge < 0 || gf > len(subject) || ge > len(subject) {
				t.Fatalf("Group(%d) = [%d, %d] outside the subject of %d bytes", i, gf, ge, len(subject))
			}
		}
	})
}
