// Package update is `vigil rules update`: suricata-update's model of rule
// management in one library, behind the command in cmd/vigil.
//
// It sits beside the load-time pipeline, before it: it fetches rule sources
// (a local directory, a .tar.gz, an http(s) URL cached with ETag and
// If-Modified-Since under a state directory), applies the operator's four
// conf files (enable.conf, disable.conf, modify.conf, drop.conf, in
// suricata-update's syntax), merges the rules into one file, and writes that
// file atomically (temporary file in the same directory, fsync, rename, so a
// rule-directory watcher never sees half a file) after a caller-supplied test
// has loaded and compiled it (cmd wires the same loader as `vigil replay -T`;
// this package may not import detect). It reports added, removed and
// modified rules (modified means a different canonical printed rule,
// ruleparser's printer, so whitespace edits do not count).
//
// Every ruleset it writes gets a generation, a hash of its inputs (source
// files and conf files), and a snapshot of those inputs and of the written
// rules under STATE/rules/GEN (the last five are kept), which `vigil rules
// diff` and `vigil rules rollback` read.
//
// Rules are handled as text lines with a few options pulled out (sid, gid,
// rev, metadata): like suricata-update, a rule Vigil cannot parse is still
// carried through to the output, and the test load decides what it makes of
// it. Everything here runs once per command, single-threaded; nothing is on
// the packet path.
package update
