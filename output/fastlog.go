package output

import (
	"strconv"
	"time"

	"vigil/output/eve"
)

// FastTimeLayout is the timestamp format of fast.log lines.
const FastTimeLayout = "01/02/2006-15:04:05.000000"

// FastFormat formats alerts as Suricata's fast.log lines:
//
//	11/21/2026-23:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: X] [Priority: N] {TCP} 1.2.3.4:80 -> 5.6.7.8:1234
//
// ICMP alerts show the ICMP type and code in place of the ports; protocols
// without ports show addresses only. A rule without classtype shows
// "(null)" as Suricata does. The zero value uses UTC.
type FastFormat struct {
	// Location is the time zone of timestamps; nil means UTC.
	Location *time.Location
	// IPS adds "[Drop] " before the rule of blocked alerts, as Suricata in
	// IPS mode does.
	IPS bool
}

// Append appends the fast.log line of alert r, ending in '\n'. It allocates
// nothing once dst has grown.
func (f *FastFormat) Append(dst []byte, r *eve.Record) []byte {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	h, a := &r.Header, &r.Alert
	dst = r.Time.In(loc).AppendFormat(dst, FastTimeLayout)
	dst = append(dst, "  "...)
	if f.IPS && a.Action == "blocked" {
		dst = append(dst, "[Drop] "...)
	}
	dst = append(dst, "[**] ["...)
	dst = strconv.AppendUint(dst, uint64(a.GID), 10)
	dst = append(dst, ':')
	dst = strconv.AppendUint(dst, uint64(a.SignatureID), 10)
	dst = append(dst, ':')
	dst = strconv.AppendUint(dst, uint64(a.Rev), 10)
	dst = append(dst, "] "...)
	dst = append(dst, a.Signature...)
	dst = append(dst, " [**] [Classification: "...)
	if a.Category == "" {
		dst = append(dst, "(null)"...)
	} else {
		dst = append(dst, a.Category...)
	}
	dst = append(dst, "] [Priority: "...)
	dst = strconv.AppendUint(dst, uint64(a.Severity), 10)
	dst = append(dst, "] {"...)
	if eve.ProtoKnown(h.Proto) {
		dst = append(dst, eve.ProtoName(h.Proto)...)
	} else {
		dst = append(dst, "PROTO:"...)
		if h.Proto < 100 {
			dst = append(dst, '0')
		}
		if h.Proto < 10 {
			dst = append(dst, '0')
		}
		dst = strconv.AppendUint(dst, uint64(h.Proto), 10)
	}
	dst = append(dst, "} "...)
	sp, dp, ports := uint64(h.SrcPort), uint64(h.DestPort), h.Ports
	if h.ICMP {
		sp, dp, ports = uint64(h.ICMPType), uint64(h.ICMPCode), true
	}
	dst = h.SrcIP.Unmap().AppendTo(dst)
	if ports {
		dst = strconv.AppendUint(append(dst, ':'), sp, 10)
	}
	dst = append(dst, " -> "...)
	dst = h.DestIP.Unmap().AppendTo(dst)
	if ports {
		dst = strconv.AppendUint(append(dst, ':'), dp, 10)
	}
	return append(dst, '\n')
}
