package main

import (
	"fmt"
	"io"
	"strings"

	"vigil/detect"
)

// cmdListKeywords is `vigil --list-keywords[=all|csv|NAME]`, after
// Suricata's flag: every keyword of detect's table with its documentation
// and whether Vigil evaluates it (a keyword it only parses makes the rules
// using it unsupported: they are skipped and counted), plus the Suricata 8
// keywords Vigil does not parse; an unsupported keyword carries the reason.
// Without a value it prints the names; "all" one block per keyword; "csv"
// name;supported;doc;reason lines under a header; a keyword name that
// keyword's block.
func cmdListKeywords(args []string, stdout, stderr io.Writer) int {
	mode := ""
	if len(args) > 0 {
		mode = args[0]
	}
	if len(args) > 1 {
		fmt.Fprintf(stderr, "vigil: --list-keywords: unexpected %q\n", args[1])
		return 2
	}
	list := detect.Keywords().List()
	switch mode {
	case "":
		fmt.Fprintln(stdout, "=====Supported keywords=====")
		for _, k := range list {
			switch {
			case k.Supported:
				fmt.Fprintf(stdout, "- %s\n", k.Name)
			case k.Parsed:
				fmt.Fprintf(stdout, "- %s (parsed, not evaluated: %s)\n", k.Name, k.Reason)
			default:
				fmt.Fprintf(stdout, "- %s (not parsed: %s)\n", k.Name, k.Reason)
			}
		}
	case "csv":
		fmt.Fprintln(stdout, "name;supported;doc;reason")
		for _, k := range list {
			fmt.Fprintf(stdout, "%s;%s;%s;%s\n", k.Name, supportedWord(k.Supported), k.Doc, k.Reason)
		}
	case "all":
		for _, k := range list {
			writeKeyword(stdout, k)
		}
	default:
		for _, k := range list {
			if k.Name == mode || contains(k.Aliases, mode) {
				writeKeyword(stdout, k)
				return 0
			}
		}
		fmt.Fprintf(stderr, "vigil: --list-keywords: unknown keyword %q\n", mode)
		return 1
	}
	return 0
}

// writeKeyword prints one keyword's block.
func writeKeyword(w io.Writer, k detect.KeywordInfo) {
	fmt.Fprintf(w, "%s:\n", k.Name)
	if len(k.Aliases) > 0 {
		fmt.Fprintf(w, "\tAliases: %s\n", strings.Join(k.Aliases, ", "))
	}
	switch {
	case k.Supported:
		fmt.Fprintln(w, "\tSupported: yes")
	case k.Parsed:
		fmt.Fprintf(w, "\tSupported: no, parsed; rules using it are skipped as unsupported: %s\n", k.Reason)
	default:
		fmt.Fprintf(w, "\tSupported: no, not parsed; rules using it fail to load: %s\n", k.Reason)
	}
	if len(k.Only) > 0 {
		var d []string
		for _, x := range k.Only {
			d = append(d, x.String())
		}
		fmt.Fprintf(w, "\tDialects: %s\n", strings.Join(d, ", "))
	}
	fmt.Fprintf(w, "\tDocumentation: %s\n", k.Doc)
}

func supportedWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
