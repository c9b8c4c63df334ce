package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestFTPDataReplay replays suricata-verify's active-mode captures (the
// server opens the data connection to the client's PORT): the data flows
// become ftp-data by the control flow's expectation, carry the command and
// file name, alert on ftpdata_command and the file buffers, and log
// ftp_data and fileinfo records that validate against the schema. The
// listing's data connection (NLST, no file command) is ftp-data too.
func TestFTPDataReplay(t *testing.T) {
	shared := testutil.SharedDir(t)
	for _, tc := range []struct {
		name  string
		rules string
		want  []string
	}{
		{"output-eve-ftp-data", `
alert ftp-data any any -> any any (flow:to_client; ftpdata_command:retr; sid:1;)
alert ftp-data any any -> any any (filename:"temp.txt"; sid:2;)
alert ftp-data any any -> any any (ftpdata_command:stor; sid:3;)
`, []string{
			"alert 1 ftp-data RETR temp.txt",
			"alert 2 ftp-data RETR temp.txt",
			"fileinfo ftp-data RETR temp.txt 1164 CLOSED",
			"ftp_data ftp-data",
			"ftp_data ftp-data RETR temp.txt",
		}},
		{"ftp-upload-active", `
alert ftp-data any any -> any any (flow:to_server; ftpdata_command:stor; sid:1;)
alert ftp-data any any -> any any (flow:to_client; file.data; content:"root"; sid:2;)
alert ftp-data any any -> any any (flow:to_server; file.data; content:"root"; sid:3;)
`, []string{
			"alert 1 ftp-data STOR index.html",
			"alert 2 ftp-data STOR index.html",
			"fileinfo ftp-data STOR index.html 39 CLOSED",
			"ftp_data ftp-data",
			"ftp_data ftp-data",
			"ftp_data ftp-data STOR index.html",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pcap := filepath.Join(shared, "verify-eve", tc.name, "input.pcap")
			if _, err := os.Stat(pcap); err != nil {
				t.Skipf("capture absent: %v", err)
			}
			dir := t.TempDir()
			rulesPath := filepath.Join(dir, "test.rules")
			if err := os.WriteFile(rulesPath, []byte(tc.rules), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Workers: 1, Rules: compileRules(t, []string{rulesPath}, true)}
			cfg.Decode.Checksum = decode.ChecksumNone
			cfg.EVE = DefaultEVE()
			for _, ty := range []string{"alert", "ftp", "files"} {
				cfg.EVE.ListType(ty)
			}
			_, logDir := replayTo(t, cfg, pcap)
			eveFile := filepath.Join(logDir, "eve.json")
			evetest.ValidateFile(t, eveFile)
			data, err := os.ReadFile(eveFile)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var ev struct {
					EventType string `json:"event_type"`
					AppProto  string `json:"app_proto"`
					Alert     struct {
						SID int `json:"signature_id"`
					} `json:"alert"`
					FTPData struct {
						Command  string `json:"command"`
						Filename string `json:"filename"`
					} `json:"ftp_data"`
					Fileinfo struct {
						Size  int    `json:"size"`
						State string `json:"state"`
					} `json:"fileinfo"`
				}
				if err := json.Unmarshal([]byte(line), &ev); err != nil {
					t.Fatal(err)
				}
				f := []string{ev.EventType}
				switch ev.EventType {
				case "alert":
					f = append(f, strconv.Itoa(ev.Alert.SID))
				case "fileinfo", "ftp_data":
				default:
					continue
				}
				if ev.AppProto != "ftp-data" {
					continue // the capture has HTTP too
				}
				f = append(f, ev.AppProto, ev.FTPData.Command, ev.FTPData.Filename)
				if ev.EventType == "fileinfo" {
					f = append(f, strconv.Itoa(ev.Fileinfo.Size), ev.Fileinfo.State)
				}
				got = append(got, strings.Join(strings.Fields(strings.Join(f, " ")), " "))
			}
			slices.Sort(got)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("records (-want +got):\n%s", d)
			}
		})
	}
}
