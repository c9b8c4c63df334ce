package mpm

/*
#cgo pkg-config: libhs
#include <stdint.h>
#include <stdlib.h>
#include <hs.h>

// vigil_mpm_state is one scanner's match recorder. It lives in C memory so
// that hs_scan's callback, which is C, can fill it without calling into Go.
typedef struct {
	uint32_t *out;  // expression indexes matched in this scan, first report order
	uint32_t n;     // entries in out
	uint32_t cap;   // capacity of out and bits in seen
	uint64_t *seen; // one bit per expression; all zero between scans
	hs_scratch_t *scratch; // sized for the last database scanned
} vigil_mpm_state;

static int vigil_mpm_on_match(unsigned int id, unsigned long long from,
		unsigned long long to, unsigned int flags, void *ctx) {
	vigil_mpm_state *st = ctx;
	(void)from; (void)to; (void)flags;
	if (id >= st->cap) {
		return 1; // cannot happen: ids are dense; stop rather than overflow
	}
	uint64_t bit = (uint64_t)1 << (id & 63);
	if ((st->seen[id >> 6] & bit) == 0) {
		st->seen[id >> 6] |= bit;
		st->out[st->n++] = id;
	}
	return 0;
}

// vigil_mpm_scan scans one block and leaves the matched expression indexes
// in st->out[0:st->n], with st->seen cleared again for the next scan.
static int vigil_mpm_scan(const hs_database_t *db, const char *data,
		unsigned int len, vigil_mpm_state *st) {
	st->n = 0;
	hs_error_t r = hs_scan(db, data, len, 0, st->scratch, vigil_mpm_on_match, st);
	for (uint32_t i = 0; i < st->n; i++) {
		uint32_t id = st->out[i];
		st->seen[id >> 6] &= ~((uint64_t)1 << (id & 63));
	}
	return r;
}

// vigil_mpm_state_grow makes room for cap expressions; 0 on success.
static int vigil_mpm_state_grow(vigil_mpm_state *st, uint32_t cap) {
	uint32_t *out = malloc((size_t)cap * sizeof(uint32_t));
	uint64_t *seen = calloc(((size_t)cap + 63) / 64, sizeof(uint64_t));
	if (out == NULL || seen == NULL) {
		free(out);
		free(seen);
		return -1;
	}
	free(st->out);
	free(st->seen);
	st->out = out;
	st->seen = seen;
	st->cap = cap;
	st->n = 0;
	return 0;
}

static void vigil_mpm_state_free(vigil_mpm_state *st) {
	if (st != NULL) {
		if (st->scratch != NULL) {
			hs_free_scratch(st->scratch);
		}
		free(st->out);
		free(st->seen);
		free(st);
	}
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"unsafe"

	"github.com/flier/gohs/hyperscan"
)

// Hyperscan is the production Matcher, backed by Hyperscan in block mode.
//
// Patterns sharing bytes and case mode become one Hyperscan expression
// (ET Open has many rules with the same fast pattern), compiled with
// HS_FLAG_SINGLEMATCH and, for nocase, HS_FLAG_CASELESS. Each byte that is
// not an ASCII letter or digit is written as \xHH, so any byte string is a
// valid literal expression.
type Hyperscan struct{}

// hsDB is a compiled Hyperscan database plus the map from Hyperscan
// expression index to pattern IDs.
type hsDB struct {
	db      *C.hs_database_t // nil for an empty pattern set or after Close
	gen     uint64           // unique per compiled DB, never reused
	cleanup runtime.Cleanup  // frees db if Close is never called
	closed  bool
	n       int // patterns compiled from
	exprs   int // Hyperscan expressions
	// Expression e stands for the pattern IDs ids[users[off[e]:off[e+1]]].
	off   []uint32
	users []uint32
	ids   []uint32 // distinct pattern IDs, sorted
	size  int      // bytes of Hyperscan database
}

// exprKey identifies patterns that compile to the same expression.
type exprKey struct {
	bytes  string
	nocase bool
}

// Compile implements Matcher. It takes time and memory roughly linear in
// the total pattern length; Stats reports the database size.
func (Hyperscan) Compile(patterns []Pattern) (DB, error) {
	db := &hsDB{n: len(patterns), gen: dbGen.Add(1)}
	exprOf := make(map[exprKey]int, len(patterns))
	var members [][]uint32 // expression -> pattern IDs
	var keys []exprKey
	for i, p := range patterns {
		if len(p.Bytes) == 0 {
			return nil, fmt.Errorf("pattern %d (id %d): %w", i, p.ID, ErrEmptyPattern)
		}
		k := exprKey{string(p.Bytes), p.Nocase}
		e, ok := exprOf[k]
		if !ok {
			e = len(keys)
			exprOf[k] = e
			keys = append(keys, k)
			members = append(members, nil)
		}
		members[e] = append(members[e], p.ID)
		db.ids = append(db.ids, p.ID)
	}
	if len(keys) > math.MaxInt32 {
		return nil, fmt.Errorf("hyperscan compile: %d expressions is too many", len(keys))
	}
	slices.Sort(db.ids)
	db.ids = slices.Compact(db.ids)
	db.exprs = len(keys)
	db.off = make([]uint32, 0, len(keys)+1)
	for _, m := range members {
		db.off = append(db.off, uint32(len(db.users)))
		slices.Sort(m)
		for _, id := range slices.Compact(m) {
			d, _ := slices.BinarySearch(db.ids, id)
			db.users = append(db.users, uint32(d))
		}
	}
	db.off = append(db.off, uint32(len(db.users)))
	if len(keys) == 0 {
		return db, nil
	}

	hp := make([]*hyperscan.Pattern, len(keys))
	var buf bytes.Buffer
	for e, k := range keys {
		flags := hyperscan.SingleMatch
		if k.nocase {
			flags |= hyperscan.Caseless
		}
		buf.Reset()
		quote(&buf, k.bytes)
		hp[e] = hyperscan.NewPattern(buf.String(), flags)
		hp[e].Id = e
	}
	gdb, err := hyperscan.NewBlockDatabase(hp...)
	if err != nil {
		var ce *hyperscan.CompileError
		if errors.As(err, &ce) && ce.Expression >= 0 && ce.Expression < len(keys) {
			k := keys[ce.Expression]
			return nil, fmt.Errorf("hyperscan compile: pattern %q (ids %v): %w", k.bytes, members[ce.Expression], err)
		}
		return nil, fmt.Errorf("hyperscan compile %d patterns: %w", len(patterns), err)
	}
	// gohs scans through a Go callback per match and allocates per scan;
	// we scan through our own cgo wrapper instead, so we move the compiled
	// database into C memory we own via its serialized form.
	ser, err := gdb.Marshal()
	_ = gdb.Close()
	if err != nil {
		return nil, fmt.Errorf("hyperscan serialize database: %w", err)
	}
	var cdb *C.hs_database_t
	if r := C.hs_deserialize_database((*C.char)(unsafe.Pointer(unsafe.SliceData(ser))), C.size_t(len(ser)), &cdb); r != C.HS_SUCCESS {
		return nil, fmt.Errorf("hyperscan deserialize database: %w", hsError(r))
	}
	db.db = cdb
	var sz C.size_t
	if C.hs_database_size(cdb, &sz) == C.HS_SUCCESS {
		db.size = int(sz)
	}
	db.cleanup = runtime.AddCleanup(db, func(p *C.hs_database_t) { C.hs_free_database(p) }, cdb)
	return db, nil
}

// dbGen numbers compiled databases so that a Scanner notices a new DB even
// if its C memory reuses a freed database's address.
var dbGen atomic.Uint64

// quote writes s as a Hyperscan expression that matches s literally.
func quote(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteString(`\x`)
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

func (db *hsDB) Len() int { return db.n }

// Close frees the Hyperscan database; later calls do nothing. A DB that is
// never closed is freed when it becomes unreachable.
func (db *hsDB) Close() error {
	if db.closed {
		return nil
	}
	db.closed = true
	if db.db != nil {
		db.cleanup.Stop()
		C.hs_free_database(db.db)
		db.db = nil
	}
	db.off, db.users, db.ids = nil, nil, nil
	return nil
}

// Stats describes a compiled database.
type Stats struct {
	Patterns    int // patterns compiled from
	Expressions int // distinct (bytes, nocase) pairs given to Hyperscan
	IDs         int // distinct pattern IDs
	Bytes       int // Hyperscan database size
}

// DBStats returns the statistics of a DB compiled by Hyperscan, and false
// for any other DB.
func DBStats(d DB) (Stats, bool) {
	db, ok := d.(*hsDB)
	if !ok {
		return Stats{}, false
	}
	return Stats{Patterns: db.n, Expressions: db.exprs, IDs: len(db.ids), Bytes: db.size}, true
}

// hsScanner is one worker's Hyperscan scratch and match recorder.
type hsScanner struct {
	st      *C.vigil_mpm_state // C memory: recorder and scratch
	cleanup runtime.Cleanup    // frees st if Close is never called
	last    uint64             // gen of the DB scanned last
	// sized holds the gens of the DBs the scratch was already grown for:
	// one scratch serves every DB of an engine, so switching between a
	// worker's DBs must not reallocate it.
	sized  map[uint64]struct{}
	seen   []bool // per distinct ID, all false between scans
	out    []uint32
	closed bool
}

// NewScanner implements Matcher. The scratch is allocated on the first
// Scan of each new DB.
func (Hyperscan) NewScanner() (Scanner, error) {
	st := (*C.vigil_mpm_state)(C.calloc(1, C.size_t(unsafe.Sizeof(C.vigil_mpm_state{}))))
	if st == nil {
		return nil, errors.New("hyperscan scanner: out of memory")
	}
	s := &hsScanner{st: st}
	s.cleanup = runtime.AddCleanup(s, func(st *C.vigil_mpm_state) { C.vigil_mpm_state_free(st) }, st)
	return s, nil
}

func (s *hsScanner) Scan(d DB, data []byte) ([]uint32, error) {
	db, ok := d.(*hsDB)
	if !ok {
		return nil, ErrForeignDB
	}
	if s.closed {
		return nil, fmt.Errorf("hyperscan scan: scanner %w", ErrClosed)
	}
	if db.closed {
		return nil, fmt.Errorf("hyperscan scan: database %w", ErrClosed)
	}
	s.out = s.out[:0]
	if db.db == nil {
		return s.out, nil // empty pattern set
	}
	if len(data) == 0 {
		return s.out, nil // no pattern is empty
	}
	if uint64(len(data)) > math.MaxUint32 {
		return nil, fmt.Errorf("hyperscan scan: buffer of %d bytes is too large", len(data))
	}
	if db.gen != s.last {
		if _, ok := s.sized[db.gen]; !ok {
			if err := s.prepare(db); err != nil {
				return nil, err
			}
		}
		s.last = db.gen
	}
	r := C.vigil_mpm_scan(db.db, (*C.char)(unsafe.Pointer(unsafe.SliceData(data))), C.uint(len(data)), s.st)
	if r != C.HS_SUCCESS {
		return nil, fmt.Errorf("hyperscan scan: %w", hsError(r))
	}
	exprs := unsafe.Slice((*uint32)(unsafe.Pointer(s.st.out)), int(s.st.n))
	for _, e := range exprs {
		for _, u := range db.users[db.off[e]:db.off[e+1]] {
			if !s.seen[u] {
				s.seen[u] = true
				s.out = append(s.out, db.ids[u])
			}
		}
	}
	for _, e := range exprs {
		for _, u := range db.users[db.off[e]:db.off[e+1]] {
			s.seen[u] = false
		}
	}
	return s.out, nil
}

// prepare sizes the scratch and recorders for db.
func (s *hsScanner) prepare(db *hsDB) error {
	if r := C.hs_alloc_scratch(db.db, &s.st.scratch); r != C.HS_SUCCESS {
		return fmt.Errorf("hyperscan allocate scratch: %w", hsError(r))
	}
	if uint32(s.st.cap) < uint32(db.exprs) {
		if C.vigil_mpm_state_grow(s.st, C.uint32_t(db.exprs)) != 0 {
			return errors.New("hyperscan scanner: out of memory")
		}
	}
	if len(s.seen) < len(db.ids) {
		s.seen = make([]bool, len(db.ids))
	}
	if cap(s.out) < len(db.ids) {
		s.out = make([]uint32, 0, len(db.ids))
	}
	if s.sized == nil {
		s.sized = map[uint64]struct{}{}
	}
	s.sized[db.gen] = struct{}{}
	return nil
}

// Close frees the scratch; later calls do nothing. The slice returned by
// the last Scan stays valid (it is Go memory).
func (s *hsScanner) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.cleanup.Stop()
	C.vigil_mpm_state_free(s.st)
	s.st = nil
	s.last = 0
	return nil
}

// ErrNotSupported is wrapped by HyperscanSupported when this CPU cannot run
// Hyperscan (it needs at least SSSE3).
var ErrNotSupported = errors.New("not supported")

// HyperscanSupported returns nil when Hyperscan runs on this machine and an
// error wrapping ErrNotSupported otherwise. Call it once at startup for a
// clear message instead of a failed Compile.
func HyperscanSupported() error {
	if r := C.hs_valid_platform(); r != C.HS_SUCCESS {
		return fmt.Errorf("hyperscan on this cpu: %w: %w", ErrNotSupported, hsError(r))
	}
	return nil
}

// hsError is a Hyperscan hs_error_t.
type hsError C.hs_error_t

func (e hsError) Error() string {
	switch e {
	case C.HS_INVALID:
		return "invalid parameter"
	case C.HS_NOMEM:
		return "out of memory"
	case C.HS_SCAN_TERMINATED:
		return "scan terminated"
	case C.HS_DB_VERSION_ERROR:
		return "database built by another hyperscan version"
	case C.HS_DB_PLATFORM_ERROR:
		return "database built for another platform"
	case C.HS_DB_MODE_ERROR:
		return "database mode mismatch"
	case C.HS_BAD_ALIGN:
		return "bad alignment"
	case C.HS_BAD_ALLOC:
		return "bad allocator alignment"
	case C.HS_SCRATCH_IN_USE:
		return "scratch in use"
	case C.HS_ARCH_ERROR:
		return "unsupported cpu"
	}
	return "hyperscan error " + strconv.Itoa(int(e))
}
