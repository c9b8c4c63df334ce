package version

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"slices"

	"vigil/rules"
)

// Input is one input of a ruleset: a name (a file path, or a label such
// as "vars") and its bytes.
type Input struct {
	Name string
	Data []byte
}

// Generation returns the generation of a ruleset built from inputs: the
// first 16 hex digits of a SHA-256 over the inputs sorted by name (each
// name and its bytes length-prefixed, so that no two input lists hash the
// same by shifting bytes between them). The order inputs are given in
// does not matter.
func Generation(inputs []Input) string {
	g, _ := generation(inputs, 0)
	return g
}

// GenerationOfFiles returns the Generation of files (inputs named by their
// paths, as ReadFiles returns them) plus extra, reading one file at a
// time: a ruleset's text is never held whole (ET Open is 22 MB) while a
// reload builds beside a running engine.
func GenerationOfFiles(files []string, extra ...Input) (string, error) {
	in := make([]Input, 0, len(files)+len(extra))
	for _, f := range files {
		in = append(in, Input{Name: f})
	}
	return generation(append(in, extra...), len(files))
}

// generation hashes inputs; the first files of them (before sorting) are
// paths whose bytes are read when hashed.
func generation(inputs []Input, files int) (string, error) {
	type item struct {
		Input
		file bool
	}
	in := make([]item, len(inputs))
	for i, x := range inputs {
		in[i] = item{x, i < files}
	}
	slices.SortStableFunc(in, func(a, b item) int { return cmp.Compare(a.Name, b.Name) })
	h := sha256.New()
	var n [8]byte
	for _, i := range in {
		data := i.Data
		if i.file {
			b, err := os.ReadFile(i.Name)
			if err != nil {
				return "", fmt.Errorf("ruleset input: %w", err)
			}
			data = b
		}
		binary.BigEndian.PutUint64(n[:], uint64(len(i.Name)))
		h.Write(n[:])
		h.Write([]byte(i.Name))
		binary.BigEndian.PutUint64(n[:], uint64(len(data)))
		h.Write(n[:])
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ReadFiles reads files as inputs named by their paths. A file that
// cannot be read is an error naming it.
func ReadFiles(files []string) ([]Input, error) {
	out := make([]Input, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("ruleset input: %w", err)
		}
		out = append(out, Input{Name: f, Data: b})
	}
	return out, nil
}

// RuleID is a rule's identity across rulesets.
type RuleID struct{ Gid, Sid uint32 }

func (id RuleID) String() string { return fmt.Sprintf("%d:%d", id.Gid, id.Sid) }

// Prints maps each rule of a ruleset to a hash of its canonical printed
// form: what Compare needs of a ruleset, small enough to keep beside a
// running engine after its parsed rules are freed.
type Prints map[RuleID]uint64

// PrintsOf returns the prints of rs's active rules.
func PrintsOf(rs *rules.RuleSet) Prints {
	p := make(Prints, rs.Len())
	for _, r := range rs.Rules() {
		h := fnv.New64a()
		if r.AST != nil {
			h.Write([]byte(r.AST.String()))
		} else {
			fmt.Fprintf(h, "%d:%d:%d", r.Gid, r.Sid, r.Rev)
		}
		p[RuleID{r.Gid, r.Sid}] = h.Sum64()
	}
	return p
}

// Changes is the difference between two rulesets, each list sorted by
// gid then sid.
type Changes struct {
	Added   []RuleID `json:"added"`
	Removed []RuleID `json:"removed"`
	Changed []RuleID `json:"changed"`
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool { return len(c.Added)+len(c.Removed)+len(c.Changed) == 0 }

// MarshalText makes RuleID a JSON string "gid:sid".
func (id RuleID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText parses "gid:sid".
func (id *RuleID) UnmarshalText(b []byte) error {
	if _, err := fmt.Sscanf(string(b), "%d:%d", &id.Gid, &id.Sid); err != nil {
		return fmt.Errorf("rule id %q: want gid:sid", b)
	}
	return nil
}

// Compare returns what changed from old to new.
func Compare(old, new Prints) Changes {
	c := Changes{Added: []RuleID{}, Removed: []RuleID{}, Changed: []RuleID{}}
	for id, h := range new {
		oh, ok := old[id]
		switch {
		case !ok:
			c.Added = append(c.Added, id)
		case oh != h:
			c.Changed = append(c.Changed, id)
		}
	}
	for id := range old {
		if _, ok := new[id]; !ok {
			c.Removed = append(c.Removed, id)
		}
	}
	for _, l := range [][]RuleID{c.Added, c.Removed, c.Changed} {
		slices.SortFunc(l, func(a, b RuleID) int {
			if a.Gid != b.Gid {
				return cmp.Compare(a.Gid, b.Gid)
			}
			return cmp.Compare(a.Sid, b.Sid)
		})
	}
	return c
}

// Diff returns what changed from ruleset old to ruleset new (nil is an
// empty ruleset).
func Diff(old, new *rules.RuleSet) Changes {
	var o, n Prints
	if old != nil {
		o = PrintsOf(old)
	}
	if new != nil {
		n = PrintsOf(new)
	}
	return Compare(o, n)
}
