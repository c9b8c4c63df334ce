package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSnortServiceIRCReplay: a Snort 3 rule with service:irc and no ports
// fires on a connection Vigil identifies as IRC by its first line (here on
// port 21, which the FTP probe turns down), and not on an FTP session
// carrying the same line, whose identified protocol is another.
func TestSnortServiceIRCReplay(t *testing.T) {
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "test.rules")
	rule := `alert tcp any any -> any any ( msg:"irc join"; flow:to_server,established; content:"JOIN #biz abc|0D 0A|"; service:irc; sid:28986; )` + "\n"
	if err := os.WriteFile(rulesPath, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		msgs []ftpMsg
		want int
	}{
		{"irc", []ftpMsg{{true, "NICK bot\r\n"}, {true, "JOIN #biz abc\r\n"}}, 1},
		{"ftp", []ftpMsg{{true, "USER x\r\n"}, {true, "JOIN #biz abc\r\n"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pcap := filepath.Join(dir, tc.name+".pcap")
			writeTCPSessions(t, pcap, "10.0.0.1", "10.0.0.2", ftpSession{port: 40001, msgs: tc.msgs})
			if got := alertCounts(t, rulesPath, pcap)[28986]; got != tc.want {
				t.Errorf("alerted %d times, want %d", got, tc.want)
			}
		})
	}
}
