package detect

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"vigil/detect/bufid"
)

// RuleAnalysis is one rule's line of --engine-analysis (Suricata's
// rules.json from engine-analysis, reduced to what Vigil decides): the
// buffers the rule inspects, its fast pattern and the prefilter group it
// is scanned in.
type RuleAnalysis struct {
	GID     uint32   `json:"gid"`
	SID     uint32   `json:"sid"`
	Rev     uint32   `json:"rev"`
	Buffers []string `json:"buffers"`
	// FastPattern is nil for a rule without one (always evaluated in its
	// group).
	FastPattern *FastPatternInfo `json:"fast_pattern,omitempty"`
	// Group is the prefilter group: "packet", "stream" (TCP payload
	// rules on the reassembled stream) or "tx:PROTO".
	Group string `json:"prefilter_group"`
}

// FastPatternInfo is a rule's fast pattern.
type FastPatternInfo struct {
	Buffer string `json:"buffer"`
	// Pattern is the bytes in rule content notation: printable ASCII as
	// is, other bytes (and | " ; \\) as |hex| runs.
	Pattern string `json:"pattern"`
	Length  int    `json:"length"`
	Nocase  bool   `json:"nocase"`
}

// Analyze returns each compiled rule's analysis, in rule order.
func (e *Engine) Analyze() []RuleAnalysis {
	out := make([]RuleAnalysis, 0, len(e.sigs))
	for _, s := range e.sigs {
		ra := RuleAnalysis{GID: s.Rule.Gid, SID: s.Rule.Sid, Rev: s.Rule.Rev, Buffers: []string{}}
		for _, l := range s.lists {
			name := "?"
			if l.buf < bufid.NumIDs {
				name = bufid.Specs[l.buf].Name
			} else if l.buf == bufBase64 {
				name = "base64_data"
			}
			ra.Buffers = append(ra.Buffers, name)
		}
		if f := s.fast; f != nil {
			name := "pkt_data"
			if f.buf < bufid.NumIDs {
				name = bufid.Specs[f.buf].Name
			}
			ra.FastPattern = &FastPatternInfo{Buffer: name, Pattern: contentText(f.bytes), Length: len(f.bytes), Nocase: f.nocase}
		}
		switch {
		case s.appProto != bufid.ProtoUnknown && s.hasTxList():
			ra.Group = "tx:" + s.appProto.String()
		case s.stream:
			ra.Group = "stream"
		default:
			ra.Group = "packet"
		}
		out = append(out, ra)
	}
	return out
}

// hasTxList reports whether the rule inspects a transaction buffer.
func (s *Sig) hasTxList() bool {
	for _, l := range s.lists {
		if l.buf < bufid.NumIDs && bufid.Specs[l.buf].Tx() {
			return true
		}
	}
	return false
}

// WriteAnalysis writes one JSON line per rule to w.
func (e *Engine) WriteAnalysis(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, ra := range e.Analyze() {
		if err := enc.Encode(ra); err != nil {
			return err
		}
	}
	return nil
}

// contentText writes b as a rule's content value would: printable ASCII
// as is, anything else in |xx xx| runs.
func contentText(b []byte) string {
	var sb strings.Builder
	hex := false
	for _, c := range b {
		plain := c >= 0x20 && c < 0x7f && c != '|' && c != '"' && c != ';' && c != '\\'
		switch {
		case plain && hex:
			sb.WriteByte('|')
			hex = false
		case !plain && !hex:
			sb.WriteByte('|')
			hex = true
		case !plain:
			sb.WriteByte(' ')
		}
		if plain {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%02X", c)
		}
	}
	if hex {
		sb.WriteByte('|')
	}
	return sb.String()
}
