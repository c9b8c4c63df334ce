package pcre

/*
#cgo pkg-config: libpcre2-8
#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdlib.h>
#include <pcre2.h>

static pcre2_code *vigil_pcre_compile(const char *pat, size_t len, uint32_t opts,
		int *errcode, size_t *erroff) {
	return pcre2_compile((PCRE2_SPTR)pat, len, opts, errcode, erroff, NULL);
}

static uint32_t vigil_pcre_capture_count(const pcre2_code *re) {
	uint32_t n = 0;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n);
	return n;
}

static int vigil_pcre_has_jit(void) {
	uint32_t on = 0;
	pcre2_config(PCRE2_CONFIG_JIT, &on);
	return on != 0;
}

static int vigil_pcre_error_message(int code, char *buf, size_t len) {
	return pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, len);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"unsafe"
)

// Flags are the regex options of a pcre keyword, from Suricata's
// modifiers after the closing slash.
type Flags uint32

// The regex modifiers Suricata passes to PCRE2.
const (
	Caseless      Flags = C.PCRE2_CASELESS       // i
	DotAll        Flags = C.PCRE2_DOTALL         // s
	Multiline     Flags = C.PCRE2_MULTILINE      // m
	Extended      Flags = C.PCRE2_EXTENDED       // x
	Anchored      Flags = C.PCRE2_ANCHORED       // A
	DollarEndOnly Flags = C.PCRE2_DOLLAR_ENDONLY // E
	Ungreedy      Flags = C.PCRE2_UNGREEDY       // G
)

const allFlags = Caseless | DotAll | Multiline | Extended | Anchored | DollarEndOnly | Ungreedy

// ModifierFlag returns the flag for a regex modifier letter of a Suricata
// pcre option ("i", "s", "m", "x", "A", "E", "G"), and false for any other
// letter, including Suricata's own modifiers (R, U, I, B, ...), which the
// caller interprets.
func ModifierFlag(c byte) (Flags, bool) {
	switch c {
	case 'i':
		return Caseless, true
	case 's':
		return DotAll, true
	case 'm':
		return Multiline, true
	case 'x':
		return Extended, true
	case 'A':
		return Anchored, true
	case 'E':
		return DollarEndOnly, true
	case 'G':
		return Ungreedy, true
	}
	return 0, false
}

// ErrCompile is wrapped by every *CompileError.
var ErrCompile = errors.New("pcre compile")

// CompileError is a pattern PCRE2 rejected.
type CompileError struct {
	Code    int    // PCRE2 error code
	Offset  int    // byte offset in the pattern where PCRE2 stopped
	Message string // PCRE2's message
}

func (e *CompileError) Error() string {
	return "pcre: " + e.Message + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap makes errors.Is(err, ErrCompile) hold.
func (e *CompileError) Unwrap() error { return ErrCompile }

// Regexp is a compiled pattern. It is immutable and safe for concurrent
// use by any number of Matchers.
type Regexp struct {
	code     *C.pcre2_code
	cleanup  runtime.Cleanup
	pattern  string
	flags    Flags
	captures int
	jit      bool
}

// Compile compiles pattern with flags and JIT-compiles it when PCRE2 has a
// JIT for this machine, falling back to the interpreter otherwise. Errors
// are *CompileError carrying PCRE2's message and offset.
func Compile(pattern string, flags Flags) (*Regexp, error) {
	return compile(pattern, flags, true)
}

// hasJIT says whether the PCRE2 library has a JIT for this machine
// (PCRE2_CONFIG_JIT); without one Compile does not try it.
var hasJIT = C.vigil_pcre_has_jit() != 0

// compile is Compile with the JIT optional, so tests can compare engines.
func compile(pattern string, flags Flags, jit bool) (*Regexp, error) {
	if flags&^allFlags != 0 {
		return nil, fmt.Errorf("pcre compile: unknown flags %#x", uint32(flags&^allFlags))
	}
	cpat := C.CString(pattern) // a copy: PCRE2 is given the length, NULs are fine
	defer C.free(unsafe.Pointer(cpat))
	var code C.int
	var off C.size_t
	re := C.vigil_pcre_compile(cpat, C.size_t(len(pattern)), C.uint32_t(flags), &code, &off)
	if re == nil {
		return nil, &CompileError{Code: int(code), Offset: int(off), Message: errorMessage(int(code))}
	}
	r := &Regexp{
		code:     re,
		pattern:  pattern,
		flags:    flags,
		captures: int(C.vigil_pcre_capture_count(re)),
	}
	if jit && hasJIT {
		r.jit = C.pcre2_jit_compile(re, C.PCRE2_JIT_COMPLETE) == 0
	}
	r.cleanup = runtime.AddCleanup(r, func(c *C.pcre2_code) { C.pcre2_code_free(c) }, re)
	return r, nil
}

// MustCompile is Compile for patterns known to be valid; it panics on
// error. Use it only in tests and for built-in patterns.
func MustCompile(pattern string, flags Flags) *Regexp {
	re, err := Compile(pattern, flags)
	if err != nil {
		panic(fmt.Sprintf("pcre: compile %q: %v", pattern, err))
	}
	return re
}

func errorMessage(code int) string {
	var buf [256]C.char
	if n := C.vigil_pcre_error_message(C.int(code), &buf[0], C.size_t(len(buf))); n < 0 {
		return "error " + strconv.Itoa(code)
	}
	return C.GoString(&buf[0])
}

// String returns the pattern as compiled.
func (re *Regexp) String() string { return re.pattern }

// Flags returns the flags the pattern was compiled with.
func (re *Regexp) Flags() Flags { return re.flags }

// NumGroups returns the number of capture groups.
func (re *Regexp) NumGroups() int { return re.captures }

// JIT reports whether the pattern runs JIT-compiled.
func (re *Regexp) JIT() bool { return re.jit }

// Free releases the compiled pattern at once instead of when it becomes
// unreachable. No Matcher may use it afterwards; later calls do nothing.
func (re *Regexp) Free() {
	if re.code == nil {
		return
	}
	re.cleanup.Stop()
	C.pcre2_code_free(re.code)
	re.code = nil
}
