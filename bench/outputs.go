package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The "all outputs" row replays the input with all rules and the packaged
// suricata.yaml's own outputs section: fast.log, one eve-log with every
// type the default configuration lists (alert, anomaly, http, dns, tls,
// files, smtp, ftp, rdp, nfs, smb, tftp, ike, dcerpc, krb5,
// bittorrent-dht, snmp, rfb, sip, quic, dhcp, ssh, mqtt, http2, stats,
// flow; pgsql and frame as packaged, off) and stats.log, plus the
// top-level stats section. Both engines read the same file: Suricata
// writes what it supports, Vigil warns about the types it does not write
// and writes the rest. Only logging (JSON lines, for the packet phase) and
// unix-command (off, several instances may run) are replaced. The row
// reports the lines each engine wrote per EVE event type and per file.

// AllOutputsConfig rewrites a packaged suricata.yaml for the all-outputs
// row: its outputs stay as they are.
func AllOutputsConfig(orig string) string {
	return replaceBlocks(orig, "logging", "unix-command")
}

// WriteAllOutputsConfig reads the packaged configuration at orig and writes
// the all-outputs configuration to path.
func WriteAllOutputsConfig(orig, path string) error {
	return writeConfig(orig, path, AllOutputsConfig)
}

// allOutputsArgs are the arguments that make a Vigil replay read the
// all-outputs configuration, with the bench's classification and reference
// files (the packaged file names /etc/suricata's).
func (v *Vigil) allOutputsArgs(config string) []string {
	dir := filepath.Dir(v.RuleFile)
	return []string{"-c", config,
		"--set", "classification-file=" + filepath.Join(dir, "classification.config"),
		"--set", "reference-config-file=" + filepath.Join(dir, "reference.config")}
}

// outputFiles are the files of the all-outputs row whose lines are counted.
var outputFiles = []string{"eve.json", "fast.log", "stats.log"}

// CountOutputs counts the EVE lines per top-level event_type in
// dir/eve.json and the lines of each of outputFiles (a missing file
// counts 0).
func CountOutputs(dir string) (eve, files map[string]int64, err error) {
	files = map[string]int64{}
	for _, name := range outputFiles {
		f, err := os.Open(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			files[name] = 0
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("count outputs: %w", err)
		}
		var n int64
		if name == "eve.json" {
			eve, n, err = CountEventTypes(f)
		} else {
			n, err = countLines(f)
		}
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("count outputs in %s: %w", name, err)
		}
		files[name] = n
	}
	return eve, files, nil
}

// CountEventTypes returns the number of EVE lines per event type and the
// number of lines. The type is the first "event_type" of a line, the
// record's own: objects inside a record (rdp, smb) may carry their own
// event_type after it.
func CountEventTypes(r io.Reader) (map[string]int64, int64, error) {
	key := []byte(`"event_type":"`)
	out := map[string]int64{}
	var lines int64
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			lines++
			t := "(none)"
			if i := bytes.Index(line, key); i >= 0 {
				rest := line[i+len(key):]
				if j := bytes.IndexByte(rest, '"'); j >= 0 {
					t = string(rest[:j])
				}
			}
			out[t]++
		}
		// A line longer than the buffer: its start held the type; skip
		// the rest.
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			return out, lines, nil
		}
		if err != nil {
			return out, lines, err
		}
	}
}

func countLines(r io.Reader) (int64, error) {
	var n int64
	buf := make([]byte, 1<<20)
	for {
		k, err := r.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// medianCounts returns the median of each key over counts.
func medianCounts(counts []map[string]int64) map[string]float64 {
	if len(counts) == 0 {
		return nil
	}
	keys := map[string]bool{}
	for _, c := range counts {
		for k := range c {
			keys[k] = true
		}
	}
	out := make(map[string]float64, len(keys))
	for k := range keys {
		var xs []float64
		for _, c := range counts {
			xs = append(xs, float64(c[k]))
		}
		out[k] = Median(xs)
	}
	return out
}

// WriteOutputsTable writes, for each all-outputs row, the median lines
// each engine wrote per file and per EVE event type, largest first.
func WriteOutputsTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	for _, r := range rows {
		if !r.AllOutputs || r.Vigil == nil || r.Suricata == nil {
			continue
		}
		v, s := r.Vigil.Summary, r.Suricata.Summary
		if v.Runs == 0 && s.Runs == 0 {
			continue
		}
		fmt.Fprintf(&b, "Lines written in %q (medians):\n\n| output | Vigil | Suricata |\n|---|---:|---:|\n", r.Name)
		for _, f := range outputFiles {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", f, count(v.FileLines, v.Runs, f), count(s.FileLines, s.Runs, f))
		}
		types := map[string]float64{}
		for k, n := range v.EVELines {
			types[k] += n
		}
		for k, n := range s.EVELines {
			types[k] += n
		}
		names := make([]string, 0, len(types))
		for k := range types {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			if types[names[i]] != types[names[j]] {
				return types[names[i]] > types[names[j]]
			}
			return names[i] < names[j]
		})
		for _, k := range names {
			fmt.Fprintf(&b, "| eve %s | %s | %s |\n", k, count(v.EVELines, v.Runs, k), count(s.EVELines, s.Runs, k))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func count(m map[string]float64, runs int, k string) string {
	if runs == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(m[k], 'f', 0, 64)
}
