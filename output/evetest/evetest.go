package evetest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigil/internal/testutil"
)

var compiled struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

func load(path string) {
	f, err := os.Open(path)
	if err != nil {
		compiled.err = err
		return
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		compiled.err = fmt.Errorf("parse %s: %w", path, err)
		return
	}
	c := jsonschema.NewCompiler()
	url := "file://" + filepath.ToSlash(path)
	if err := c.AddResource(url, doc); err != nil {
		compiled.err = fmt.Errorf("add schema %s: %w", path, err)
		return
	}
	compiled.sch, compiled.err = c.Compile(url)
	if compiled.err != nil {
		compiled.err = fmt.Errorf("compile schema %s: %w", path, compiled.err)
	}
}

// Schema returns the compiled EVE schema (compiled once), skipping the test
// when the shared data is absent and failing it when the schema does not
// compile.
func Schema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	path := testutil.SharedPath(tb, "eve", "schema.json")
	compiled.once.Do(func() { load(path) })
	if compiled.err != nil {
		tb.Fatalf("eve schema: %v", compiled.err)
	}
	return compiled.sch
}

// Check validates one EVE line (a JSON object, with or without the trailing
// newline) and returns a description of every failure, each with the
// instance path and the failing schema keyword path, or nil.
func Check(sch *jsonschema.Schema, line []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var b strings.Builder
	describe(&b, ve)
	return errors.New(strings.TrimSuffix(b.String(), "\n"))
}

// describe writes the leaf causes of ve: where in the record, which keyword,
// and the library's message.
func describe(b *strings.Builder, ve *jsonschema.ValidationError) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			describe(b, c)
		}
		return
	}
	fmt.Fprintf(b, "at /%s: keyword /%s: %s\n",
		strings.Join(ve.InstanceLocation, "/"),
		strings.Join(ve.ErrorKind.KeywordPath(), "/"),
		firstLine(ve.Error()))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Validate fails the test if line is not a valid EVE record.
func Validate(tb testing.TB, line []byte) {
	tb.Helper()
	if err := Check(Schema(tb), line); err != nil {
		tb.Errorf("invalid EVE record: %v\n\t%s", err, bytes.TrimSpace(line))
	}
}

// ValidateLines validates every non-empty line of data, reporting failures
// with their 1-based line number under name.
func ValidateLines(tb testing.TB, name string, data []byte) {
	tb.Helper()
	sch := Schema(tb)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := Check(sch, line); err != nil {
			tb.Errorf("%s:%d: invalid EVE record: %v\n\t%s", name, n, err, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Errorf("%s: read: %v", name, err)
	}
}

// ValidateFile validates every line of the EVE file at path.
func ValidateFile(tb testing.TB, path string) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read EVE file: %v", err)
	}
	ValidateLines(tb, path, data)
}
