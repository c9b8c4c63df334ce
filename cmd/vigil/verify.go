package main

import (
	"fmt"
	"io"
)

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "vigil verify [-v] DIR...  (suricata-verify layout: test.yaml, rules, pcap)", stderr)
	verbose := fs.Bool("v", false, "print every check, not only failures")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	_ = verbose
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "vigil verify: give at least one test directory")
		return 2
	}
	fmt.Fprintln(stderr, "vigil verify: the detection engine is not built yet (issue 4)")
	return 3
}
