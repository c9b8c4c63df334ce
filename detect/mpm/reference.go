package mpm

import (
	"bytes"
	"fmt"
	"slices"
)

// Reference is the pure-Go reference Matcher: every pattern is compared at
// every offset. It is meant for differential tests, not for traffic.
type Reference struct{}

type refDB struct {
	pats   []Pattern
	dense  []int // dense[i]: index of pats[i].ID in ids
	ids    []uint32
	closed bool
}

// Compile implements Matcher.
func (Reference) Compile(patterns []Pattern) (DB, error) {
	db := &refDB{pats: make([]Pattern, len(patterns)), dense: make([]int, len(patterns))}
	for i, p := range patterns {
		if len(p.Bytes) == 0 {
			return nil, fmt.Errorf("pattern %d (id %d): %w", i, p.ID, ErrEmptyPattern)
		}
		db.pats[i] = Pattern{ID: p.ID, Bytes: bytes.Clone(p.Bytes), Nocase: p.Nocase}
		db.ids = append(db.ids, p.ID)
	}
	slices.Sort(db.ids)
	db.ids = slices.Compact(db.ids)
	for i, p := range db.pats {
		db.dense[i], _ = slices.BinarySearch(db.ids, p.ID)
	}
	return db, nil
}

// NewScanner implements Matcher.
func (Reference) NewScanner() (Scanner, error) { return &refScanner{}, nil }

func (db *refDB) Len() int { return len(db.pats) }

func (db *refDB) Close() error {
	db.closed = true
	return nil
}

type refScanner struct {
	seen   []bool
	out    []uint32
	closed bool
}

func (s *refScanner) Scan(d DB, data []byte) ([]uint32, error) {
	db, ok := d.(*refDB)
	if !ok {
		return nil, ErrForeignDB
	}
	if db.closed || s.closed {
		return nil, fmt.Errorf("reference scan: %w", ErrClosed)
	}
	if len(s.seen) < len(db.ids) {
		s.seen = make([]bool, len(db.ids))
	}
	s.out = s.out[:0]
	for i, p := range db.pats {
		d := db.dense[i]
		if !s.seen[d] && naiveContains(data, p.Bytes, p.Nocase) {
			s.seen[d] = true
			s.out = append(s.out, p.ID)
		}
	}
	for _, d := range db.dense {
		s.seen[d] = false
	}
	return s.out, nil
}

func (s *refScanner) Close() error {
	s.closed = true
	return nil
}

func naiveContains(h, p []byte, nocase bool) bool {
outer:
	for i := 0; i+len(p) <= len(h); i++ {
		for j, c := range p {
			a := h[i+j]
			if nocase {
				a, c = fold(a), fold(c)
			}
			if a != c {
				continue outer
			}
		}
		return true
	}
	return false
}
