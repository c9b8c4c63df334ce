package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
)

// FlowKey is a flow identified by its 5-tuple, normalized so that both
// directions give the same key: the lower endpoint (address, then port) is A.
// It does not use EVE's flow_id, which differs between engines.
type FlowKey struct {
	Proto string // upper case, as EVE's "proto" ("TCP", "UDP", "ICMP", ...)
	A, B  netip.AddrPort
}

// String formats the key as "TCP 10.0.0.1:80 <-> 10.0.0.2:40000".
func (k FlowKey) String() string { return k.Proto + " " + k.A.String() + " <-> " + k.B.String() }

// NewFlowKey normalizes a 5-tuple. Addresses are unmapped (an IPv4-mapped
// IPv6 address equals its IPv4 form) so that formatting differences between
// engines do not split a flow.
func NewFlowKey(proto string, src netip.Addr, sport uint16, dst netip.Addr, dport uint16) FlowKey {
	a := netip.AddrPortFrom(src.Unmap(), sport)
	b := netip.AddrPortFrom(dst.Unmap(), dport)
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return FlowKey{Proto: normProto(proto), A: a, B: b}
}

// normProto maps protocol names and numbers to EVE's names.
func normProto(p string) string {
	p = strings.ToUpper(strings.TrimSpace(p))
	switch p {
	case "6":
		return "TCP"
	case "17":
		return "UDP"
	case "1":
		return "ICMP"
	case "58", "ICMPV6", "IPV6-ICMP":
		return "IPV6-ICMP"
	case "132":
		return "SCTP"
	}
	return p
}

// AlertKey is one (signature, flow) pair: the unit of alert agreement.
type AlertKey struct {
	SID  int64
	Flow FlowKey
}

// String formats the key as "sid 2001 TCP a:1 <-> b:2".
func (k AlertKey) String() string {
	return "sid " + strconv.FormatInt(k.SID, 10) + " " + k.Flow.String()
}

// AlertSet counts alerts per (signature, flow).
type AlertSet map[AlertKey]int

// eveAlert is the part of an EVE record the harness reads.
type eveAlert struct {
	EventType string          `json:"event_type"`
	SrcIP     string          `json:"src_ip"`
	SrcPort   uint16          `json:"src_port"`
	DestIP    string          `json:"dest_ip"`
	DestPort  uint16          `json:"dest_port"`
	Proto     json.RawMessage `json:"proto"` // a name, or a number from some writers
	Alert     struct {
		SignatureID int64 `json:"signature_id"`
	} `json:"alert"`
}

// ReadAlerts reads EVE JSON lines from r and returns the alert set and the
// number of alert records. Non-alert records are skipped cheaply; a line that
// is not JSON is an error (EVE lines are written whole).
func ReadAlerts(r io.Reader) (AlertSet, int, error) {
	set := AlertSet{}
	n, err := scanAlerts(r, func(a *eveAlert) error {
		src, err := netip.ParseAddr(a.SrcIP)
		if err != nil {
			return fmt.Errorf("alert sid %d: src_ip: %w", a.Alert.SignatureID, err)
		}
		dst, err := netip.ParseAddr(a.DestIP)
		if err != nil {
			return fmt.Errorf("alert sid %d: dest_ip: %w", a.Alert.SignatureID, err)
		}
		proto := strings.Trim(string(a.Proto), `"`)
		set[AlertKey{SID: a.Alert.SignatureID, Flow: NewFlowKey(proto, src, a.SrcPort, dst, a.DestPort)}]++
		return nil
	})
	return set, n, err
}

// CountAlerts returns the number of alert records in EVE JSON lines.
func CountAlerts(r io.Reader) (int, error) {
	return scanAlerts(r, func(*eveAlert) error { return nil })
}

// CountAlertsFile is CountAlerts on a file; a missing file counts zero.
func CountAlertsFile(path string) (int, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("count alerts: %w", err)
	}
	defer f.Close()
	n, err := CountAlerts(f)
	if err != nil {
		return n, fmt.Errorf("count alerts in %s: %w", path, err)
	}
	return n, nil
}

// ReadAlertsFile is ReadAlerts on a file.
func ReadAlertsFile(path string) (AlertSet, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read alerts: %w", err)
	}
	defer f.Close()
	s, n, err := ReadAlerts(f)
	if err != nil {
		return nil, 0, fmt.Errorf("read alerts in %s: %w", path, err)
	}
	return s, n, nil
}

func scanAlerts(r io.Reader, fn func(*eveAlert) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	n, line := 0, 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if !bytes.Contains(b, []byte(`"alert"`)) {
			continue // stats, flow, http ... records: no need to decode
		}
		var a eveAlert
		if err := json.Unmarshal(b, &a); err != nil {
			return n, fmt.Errorf("line %d: %w", line, err)
		}
		if a.EventType != "alert" {
			continue
		}
		if err := fn(&a); err != nil {
			return n, fmt.Errorf("line %d: %w", line, err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("line %d: %w", line+1, err)
	}
	return n, nil
}

// Agreement compares the alert sets of Vigil and Suricata on one capture (or,
// for the overall row, on all of them).
type Agreement struct {
	Capture        string   `json:"capture"`
	Both           int      `json:"both"`
	OnlyVigil      int      `json:"only_vigil"`
	OnlySuricata   int      `json:"only_suricata"`
	Jaccard        float64  `json:"jaccard"` // |V∩S| / |V∪S|; 1 when both are empty
	VigilAlerts    int      `json:"vigil_alerts"`
	SuricataAlerts int      `json:"suricata_alerts"`
	OnlyVigilKeys  []string `json:"only_vigil_examples,omitempty"`
	OnlySuriKeys   []string `json:"only_suricata_examples,omitempty"`
	Err            string   `json:"error,omitempty"`
}

// maxExamples bounds the example keys kept per side.
const maxExamples = 10

// Compare computes the agreement of two alert sets. Alert counts are the sums
// of the sets' counts.
func Compare(capture string, vigil, suricata AlertSet) Agreement {
	a := Agreement{Capture: capture}
	var onlyV, onlyS []AlertKey
	for k, n := range vigil {
		a.VigilAlerts += n
		if _, ok := suricata[k]; ok {
			a.Both++
		} else {
			onlyV = append(onlyV, k)
		}
	}
	for k, n := range suricata {
		a.SuricataAlerts += n
		if _, ok := vigil[k]; !ok {
			onlyS = append(onlyS, k)
		}
	}
	a.OnlyVigil, a.OnlySuricata = len(onlyV), len(onlyS)
	a.Jaccard = jaccard(a.Both, a.OnlyVigil, a.OnlySuricata)
	a.OnlyVigilKeys = examples(onlyV)
	a.OnlySuriKeys = examples(onlyS)
	return a
}

func jaccard(both, onlyA, onlyB int) float64 {
	union := both + onlyA + onlyB
	if union == 0 {
		return 1
	}
	return float64(both) / float64(union)
}

func examples(keys []AlertKey) []string {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].SID != keys[j].SID {
			return keys[i].SID < keys[j].SID
		}
		return keys[i].Flow.String() < keys[j].Flow.String()
	})
	var out []string
	for i, k := range keys {
		if i == maxExamples {
			break
		}
		out = append(out, k.String())
	}
	return out
}

// Overall sums per-capture agreements (pairs from different captures are
// different pairs) into one row named "overall". Rows with an error are left
// out and counted in Err.
func Overall(rows []Agreement) Agreement {
	o := Agreement{Capture: "overall"}
	failed := 0
	for _, r := range rows {
		if r.Err != "" {
			failed++
			continue
		}
		o.Both += r.Both
		o.OnlyVigil += r.OnlyVigil
		o.OnlySuricata += r.OnlySuricata
		o.VigilAlerts += r.VigilAlerts
		o.SuricataAlerts += r.SuricataAlerts
	}
	o.Jaccard = jaccard(o.Both, o.OnlyVigil, o.OnlySuricata)
	if failed > 0 {
		o.Err = fmt.Sprintf("%d of %d captures failed and are left out", failed, len(rows))
	}
	return o
}
