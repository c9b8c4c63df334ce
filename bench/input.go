package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// inputFormat versions the way BuildInput lays out its file; bump it when the
// layout changes so that cached inputs are rebuilt.
const inputFormat = 1

// DefaultGap separates consecutive captures in the benchmark input. It is
// longer than every default flow timeout (Suricata's TCP established timeout
// is 3600 s), so a capture repeated later never meets stale flow state of its
// previous copy: both engines expire the old flows, by packet time, first.
const DefaultGap = 2 * time.Hour

// DefaultStart is the timestamp given to the first packet of the input.
var DefaultStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// InputOptions describes a benchmark input: the source captures, repeated in
// order until the output reaches SizeBytes.
type InputOptions struct {
	Sources   []string      // capture files, read in this order
	SizeBytes int64         // target file size (pcap headers included)
	Dir       string        // cache directory, outside the repository
	Gap       time.Duration // time between the last packet of one capture and the first of the next
	Start     time.Time     // timestamp of the first packet
}

// Input is a built benchmark input file and what it holds.
type Input struct {
	Path      string   `json:"path"`
	Key       string   `json:"key"`        // cache key: format, size, gap, start and sources
	FileBytes int64    `json:"file_bytes"` // size of the pcap file
	Packets   int64    `json:"packets"`
	Bytes     int64    `json:"bytes"`    // sum of captured packet lengths, as Suricata's decoder.bytes
	Captures  int      `json:"captures"` // capture copies written (a source repeated counts each time)
	Rounds    float64  `json:"rounds"`   // how many times the source set was read
	Sources   int      `json:"sources"`
	Skipped   int64    `json:"skipped_non_ethernet"`        // packets dropped because their link type is not Ethernet
	Truncated []string `json:"truncated_sources,omitempty"` // sources cut short inside a record
	FirstTS   int64    `json:"first_ts_ns"`
	LastTS    int64    `json:"last_ts_ns"`
}

// ListCaptures returns the absolute paths of the pcap and pcapng files in dir,
// sorted by name.
func ListCaptures(dir string) ([]string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("list captures: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list captures: %w", err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(n, ".pcap") || strings.HasSuffix(n, ".pcapng")) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("list captures: no .pcap or .pcapng files in %s", dir)
	}
	return out, nil
}

// inputKey hashes everything the input's bytes depend on.
func inputKey(o InputOptions) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "format=%d size=%d gap=%d start=%d\n", inputFormat, o.SizeBytes, o.Gap, o.Start.UnixNano())
	for _, s := range o.Sources {
		fi, err := os.Stat(s)
		if err != nil {
			return "", fmt.Errorf("input key: %w", err)
		}
		fmt.Fprintf(h, "%s %d %d\n", filepath.Base(s), fi.Size(), fi.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// BuildInput returns the benchmark input for o, building it in o.Dir unless a
// file with the same cache key is already there. The file is a classic
// Ethernet pcap: every bench capture is Ethernet, and libpcap (hence Suricata)
// refuses a pcapng whose interfaces have different link types, so packets of
// other link types are dropped and counted in Input.Skipped.
func BuildInput(o InputOptions) (Input, error) {
	if o.Gap == 0 {
		o.Gap = DefaultGap
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	key, err := inputKey(o)
	if err != nil {
		return Input{}, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return Input{}, fmt.Errorf("build input: %w", err)
	}
	base := filepath.Join(o.Dir, fmt.Sprintf("input-%dMB-%s", o.SizeBytes>>20, key))
	path, meta := base+".pcap", base+".json"
	if in, err := readInputMeta(meta); err == nil && in.Key == key {
		if fi, err := os.Stat(path); err == nil && fi.Size() == in.FileBytes {
			in.Path = path
			return in, nil
		}
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return Input{}, fmt.Errorf("build input: %w", err)
	}
	in, err := Concat(f, o)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("build input: %w", cerr)
	}
	if err != nil {
		os.Remove(tmp)
		return Input{}, err
	}
	in.Key, in.Path = key, path
	if err := os.Rename(tmp, path); err != nil {
		return Input{}, fmt.Errorf("build input: %w", err)
	}
	b, _ := json.MarshalIndent(in, "", "  ")
	if err := os.WriteFile(meta, b, 0o644); err != nil {
		return Input{}, fmt.Errorf("build input: %w", err)
	}
	return in, nil
}

func readInputMeta(path string) (Input, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Input{}, err
	}
	var in Input
	if err := json.Unmarshal(b, &in); err != nil {
		return Input{}, fmt.Errorf("read %s: %w", path, err)
	}
	return in, nil
}

// Concat writes o.Sources to w as one Ethernet pcap, repeating the list until
// the next packet would make the file larger than o.SizeBytes. Each capture
// copy is shifted in time so that its first packet comes o.Gap after the
// latest packet written so far: timestamps never go back across captures or
// rounds (packets inside one capture keep their relative times).
func Concat(w io.Writer, o InputOptions) (Input, error) {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if len(o.Sources) == 0 {
		return Input{}, errors.New("concat: no source captures")
	}
	pw, err := NewPcapWriter(w, LinkEthernet, 262144)
	if err != nil {
		return Input{}, err
	}
	in := Input{Sources: len(o.Sources)}
	truncated := map[string]bool{}
	next := o.Start.UnixNano() // timestamp for the first packet of the next capture
	latest := int64(0)
	full := false
	for round := 0; !full; round++ {
		wrote := int64(0)
		for i, src := range o.Sources {
			n, stop, err := concatOne(pw, src, o.SizeBytes, next, &in, &latest, truncated)
			if err != nil {
				return Input{}, err
			}
			if n > 0 {
				in.Captures++
				next = latest + int64(o.Gap)
			}
			wrote += n
			if stop {
				full = true
				in.Rounds = float64(round) + float64(i+1)/float64(len(o.Sources))
				break
			}
		}
		if !full && wrote == 0 {
			if round == 0 {
				return Input{}, errors.New("concat: the source captures hold no Ethernet packets")
			}
			full = true
		}
		if !full {
			in.Rounds = float64(round + 1)
		}
	}
	if err := pw.Flush(); err != nil {
		return Input{}, err
	}
	in.FileBytes = pw.Size()
	in.LastTS = latest
	in.FirstTS = o.Start.UnixNano()
	for s := range truncated {
		in.Truncated = append(in.Truncated, filepath.Base(s))
	}
	sort.Strings(in.Truncated)
	return in, nil
}

// concatOne copies the Ethernet packets of src, shifted so that the first
// starts at start. It returns the packets written and whether the size limit
// stopped it.
func concatOne(pw *PcapWriter, src string, limit, start int64, in *Input, latest *int64, truncated map[string]bool) (int64, bool, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, false, fmt.Errorf("concat: %w", err)
	}
	defer f.Close()
	cr, err := NewCaptureReader(f)
	if err != nil {
		return 0, false, fmt.Errorf("concat %s: %w", src, err)
	}
	var n int64
	shift, first := int64(0), true
	for {
		rec, err := cr.Next()
		if err == io.EOF {
			return n, false, nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			truncated[src] = true
			return n, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("concat %s: %w", src, err)
		}
		if rec.LinkType != LinkEthernet {
			in.Skipped++
			continue
		}
		if pw.Size()+PcapRecordHeaderLen+int64(len(rec.Data)) > limit {
			return n, true, nil
		}
		if first {
			shift, first = start-rec.TS, false
		}
		ts := rec.TS + shift
		if err := pw.Write(ts, rec.OrigLen, rec.Data); err != nil {
			return 0, false, err
		}
		if ts > *latest {
			*latest = ts
		}
		n++
		in.Packets++
		in.Bytes += int64(len(rec.Data))
	}
}
