package mpm

import "errors"

// Pattern is one literal to search for. Bytes are matched exactly, or with
// ASCII letters case-insensitively when Nocase is set (Suricata's nocase:
// bytes >= 0x80 are never folded). Several patterns may share an ID; Scan
// reports an ID once however many of its patterns match.
type Pattern struct {
	ID     uint32
	Bytes  []byte
	Nocase bool
}

// Matcher is one prefilter implementation.
type Matcher interface {
	// Compile builds an immutable database from patterns. Empty patterns
	// are rejected with an error wrapping ErrEmptyPattern. An empty set is
	// valid and never matches.
	Compile(patterns []Pattern) (DB, error)
	// NewScanner returns per-worker scan state usable with any DB of this
	// Matcher.
	NewScanner() (Scanner, error)
}

// DB is a compiled pattern database. It is immutable and shared by all
// workers.
type DB interface {
	// Len returns the number of patterns the database was compiled from.
	Len() int
	// Close frees the database. It must not be scanned afterwards.
	Close() error
}

// Scanner holds one worker's scan scratch.
type Scanner interface {
	// Scan returns the IDs of the patterns of db that occur in data, each
	// once, in no particular order. The slice belongs to the Scanner and is
	// valid until the next Scan or Close. In steady state (same DB or one
	// no larger than before) Scan allocates nothing.
	Scan(db DB, data []byte) ([]uint32, error)
	// Close frees the scratch.
	Close() error
}

var (
	// ErrEmptyPattern is returned by Compile for a pattern without bytes.
	ErrEmptyPattern = errors.New("empty pattern")
	// ErrForeignDB is returned by Scan for a DB of another Matcher.
	ErrForeignDB = errors.New("database belongs to another matcher")
	// ErrClosed is returned when a closed DB or Scanner is used.
	ErrClosed = errors.New("closed")
)

// fold maps ASCII upper-case letters to lower case, every other byte to
// itself.
func fold(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
