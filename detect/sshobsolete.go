package detect

import (
	"vigil/ruleparser"
)

// ssh.protoversion and ssh.softwareversion were removed in Suricata 8
// (upgrade notes, "Removals"): a rule using them fails to load there with
// "obsolete keyword, use now ssh.proto" (ssh.software), and so it does
// here. The keywords stay in the table so that the error names the
// replacement instead of calling the keyword unknown.
// Docs: https://docs.suricata.io/en/latest/upgrade.html

func obsoleteSSH(replacement string) func(*sigBuilder, *ruleparser.Text) error {
	return func(*sigBuilder, *ruleparser.Text) error {
		return errBadValue("obsolete keyword (removed in Suricata 8), use " + replacement)
	}
}
