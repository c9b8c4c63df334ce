package update

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Keep is how many generations the state directory keeps.
const Keep = 5

// Generation is one ruleset written by an update (or a rollback).
type Generation struct {
	Gen  string    `json:"gen"`
	Time time.Time `json:"time"`
	// Output is the rule file it was written to.
	Output string `json:"output"`
	// Sources are the source specs, which a later update without
	// sources reuses.
	Sources []string `json:"sources"`
	// Confs are the conf files read.
	Confs []string `json:"confs,omitempty"`
}

// State is the generations under DIR/rules: history.json (oldest first,
// the current one last) and one directory per generation holding the
// written rules (vigil.rules) and its inputs (inputs.tar.gz: the source
// files under sources/N/, the conf files under conf/).
type State struct{ Dir string }

func (s State) root() string                { return filepath.Join(s.Dir, "rules") }
func (s State) genDir(gen string) string    { return filepath.Join(s.root(), gen) }
func (s State) historyPath() string         { return filepath.Join(s.root(), "history.json") }
func (s State) RulesPath(gen string) string { return filepath.Join(s.genDir(gen), "vigil.rules") }

// History returns the kept generations, oldest first; the current one is
// last.
func (s State) History() ([]Generation, error) {
	b, err := os.ReadFile(s.historyPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h []Generation
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", s.historyPath(), err)
	}
	return h, nil
}

// Resolve finds the generation named by gen or a unique prefix of it.
func (s State) Resolve(gen string) (Generation, error) {
	h, err := s.History()
	if err != nil {
		return Generation{}, err
	}
	var found []Generation
	for _, g := range h {
		if strings.HasPrefix(g.Gen, gen) {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return Generation{}, fmt.Errorf("generation %q not kept under %s (the last %d are)", gen, s.root(), Keep)
	case 1:
		return found[0], nil
	}
	return Generation{}, fmt.Errorf("generation prefix %q is ambiguous", gen)
}

// Rules returns the rule file a generation wrote.
func (s State) Rules(gen string) ([]byte, error) { return os.ReadFile(s.RulesPath(gen)) }

// Save snapshots a merge: its rules and inputs under DIR/rules/GEN, then
// records g as the current generation.
func (s State) Save(g Generation, res *Result, srcs []*Fetched, confs []ConfFile) error {
	dir := s.genDir(g.Gen)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	inputs, err := tarInputs(srcs, confs)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "inputs.tar.gz"), inputs, nil); err != nil {
		return err
	}
	if err := WriteFileAtomic(s.RulesPath(g.Gen), res.Data, nil); err != nil {
		return err
	}
	return s.MakeCurrent(g)
}

// MakeCurrent moves g to the end of the history (adding it if new) and
// drops the generations beyond the last Keep, with their snapshots.
func (s State) MakeCurrent(g Generation) error {
	h, err := s.History()
	if err != nil {
		return err
	}
	kept := h[:0]
	for _, x := range h {
		if x.Gen != g.Gen {
			kept = append(kept, x)
		}
	}
	kept = append(kept, g)
	var drop []Generation
	if len(kept) > Keep {
		drop = append(drop, kept[:len(kept)-Keep]...)
		kept = kept[len(kept)-Keep:]
	}
	b, err := json.MarshalIndent(kept, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.root(), 0o755); err != nil {
		return err
	}
	if err := WriteFileAtomic(s.historyPath(), append(b, '\n'), nil); err != nil {
		return err
	}
	for _, d := range drop {
		if d.Gen != "" && !strings.ContainsAny(d.Gen, `/\.`) {
			os.RemoveAll(s.genDir(d.Gen))
		}
	}
	return nil
}

// tarInputs packs a merge's inputs: sources/N/GROUP and conf/KIND.conf.
func tarInputs(srcs []*Fetched, confs []ConfFile) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for i, s := range srcs {
		for _, f := range s.Files {
			if err := add(fmt.Sprintf("sources/%d/%s", i, f.Group), f.Data); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range confs {
		if err := add("conf/"+c.Kind+".conf", c.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Lock takes an exclusive lock on the state directory (DIR/rules/.lock), so
// that two updates or rollbacks do not interleave their writes. It fails
// at once when another holds it; unlock releases it.
func (s State) Lock() (unlock func(), err error) {
	if err := os.MkdirAll(s.root(), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(s.root(), ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is locked by another vigil rules update or rollback: %w", s.root(), err)
	}
	return func() { f.Close() }, nil
}
