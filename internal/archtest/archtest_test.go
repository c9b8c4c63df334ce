package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

const module = "vigil"

// allowed lists, per layer, the other layers its packages may import:
// cmd and bench → engine → {detect, output, afpacket, bpf}; detect → rules →
// ruleparser. output, afpacket and bpf import nothing from the project,
// and detect never imports engine. internal (test support) may be
// imported by anyone. A layer's packages may always import each other.
var allowed = map[string][]string{
	"cmd":        {"bench", "engine", "detect", "rules", "ruleparser", "output", "afpacket", "bpf", "internal"},
	"bench":      {"engine", "detect", "rules", "ruleparser", "output", "afpacket", "bpf", "internal"},
	"engine":     {"detect", "rules", "ruleparser", "output", "afpacket", "bpf", "internal"},
	"detect":     {"rules", "ruleparser", "internal"},
	"rules":      {"ruleparser", "internal"},
	"ruleparser": {"internal"},
	"output":     {"internal"},
	"afpacket":   {"internal"},
	"bpf":        {"internal"},
	"internal":   nil,
}

// layer is the first path element below the module: vigil/engine/flow is
// in layer engine.
func layer(pkg string) string {
	rest := strings.TrimPrefix(pkg, module+"/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// violations returns the imports of graph (package → its project imports)
// that the table does not allow, one line each, sorted.
func violations(graph map[string][]string) []string {
	var bad []string
	for pkg, imps := range graph {
		from := layer(pkg)
		ok, known := allowed[from]
		if !known {
			bad = append(bad, fmt.Sprintf("%s: layer %q is not in the table", pkg, from))
			continue
		}
		for _, imp := range imps {
			to := layer(imp)
			if to == from || contains(ok, to) {
				continue
			}
			bad = append(bad, fmt.Sprintf("%s imports %s (%s may not import %s)", pkg, imp, from, to))
		}
	}
	sort.Strings(bad)
	return bad
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// moduleGraph lists the module's packages and their project imports (the
// non-test files built for the current GOOS, as go list reports them).
func moduleGraph(t *testing.T) map[string][]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: cannot list the module's packages")
	}
	cmd := exec.Command(gobin, "list", "-json", "./...")
	cmd.Dir = testutil.ModuleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		var own []string
		for _, imp := range p.Imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				own = append(own, imp)
			}
		}
		graph[p.ImportPath] = own
	}
	return graph
}

func TestImportDirection(t *testing.T) {
	graph := moduleGraph(t)
	for _, want := range []string{"vigil/engine", "vigil/detect", "vigil/output", "vigil/rules", "vigil/ruleparser"} {
		if _, ok := graph[want]; !ok {
			t.Fatalf("go list did not report %s; got %d packages", want, len(graph))
		}
	}
	for _, v := range violations(graph) {
		t.Error(v)
	}
}

// TestViolations checks the checker on a made-up graph.
func TestViolations(t *testing.T) {
	graph := map[string][]string{
		"vigil/cmd/vigil":      {"vigil/engine", "vigil/output"},
		"vigil/engine":         {"vigil/detect", "vigil/engine/flow", "vigil/bpf"},
		"vigil/detect":         {"vigil/engine/packet", "vigil/rules"},
		"vigil/detect/keyword": {"vigil/detect"},
		"vigil/output/eve":     {"vigil/rules"},
		"vigil/rules":          {"vigil/ruleparser", "vigil/detect"},
		"vigil/newthing":       nil,
	}
	want := []string{
		"vigil/detect imports vigil/engine/packet (detect may not import engine)",
		`vigil/newthing: layer "newthing" is not in the table`,
		"vigil/output/eve imports vigil/rules (output may not import rules)",
		"vigil/rules imports vigil/detect (rules may not import detect)",
	}
	got := violations(graph)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
