// Package archtest holds no code: its test enforces the direction of
// imports between Vigil's packages (STYLE.md section 1), so that a stage
// never reaches back upstream. It lists the module's packages with
// `go list -json` and checks every non-test import against the table in
// archtest_test.go.
package archtest
