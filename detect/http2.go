package detect

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

// HTTP/1 and HTTP/2 in rules (Suricata 8): a rule for "http" applies to
// both (its http.* buffers exist on HTTP/1 and HTTP/2 transactions), a
// rule for "http1" to HTTP/1 only and one for "http2" to HTTP/2 only.
// Flows report "http" for HTTP/1 and "http2" for HTTP/2; "http1" is only
// ever a rule protocol. Docs: rules/http-keywords.html (HTTP/2 notes),
// rules/http2-keywords.html.

// httpBufOn reports whether a buffer of protocol bufProto may be used by a
// rule of protocol ruleProto other than its own without changing the
// rule's protocol: http.* buffers in http1 and http2 rules.
func httpBufOn(bufProto, ruleProto bufid.Proto) bool {
	return bufProto == bufid.ProtoHTTP && (ruleProto == bufid.ProtoHTTP1 || ruleProto == bufid.ProtoHTTP2)
}

// httpProtoMatch reports whether a rule of protocol sig applies to a flow
// (or transaction) of protocol flow, for the HTTP protocols.
func httpProtoMatch(sig, flow bufid.Proto) bool {
	return sig == bufid.ProtoHTTP && flow == bufid.ProtoHTTP2 || sig == bufid.ProtoHTTP1 && flow == bufid.ProtoHTTP
}

// Transaction groups of the HTTP rule protocols (txGroupProtos).
var (
	httpGroups  = []bufid.Proto{bufid.ProtoHTTP, bufid.ProtoHTTP2}
	http1Groups = []bufid.Proto{bufid.ProtoHTTP}
)

// httpNarrows reports whether a buffer of protocol bufProto narrows a rule
// of protocol ruleProto to it: an http2.* keyword in an "http" rule makes
// it an HTTP/2 rule (Suricata's AppProtoCommon).
func httpNarrows(bufProto, ruleProto bufid.Proto) bool {
	return bufProto == bufid.ProtoHTTP2 && ruleProto == bufid.ProtoHTTP
}

// beUintItem compares one instance of a buffer of n-byte big-endian
// integers (the http2.* keyword buffers).
type beUintItem struct {
	n   int
	cmp ruleparser.UintCmp
}

func (u *beUintItem) relative() bool { return false }
func (u *beUintItem) retry() bool    { return false }
func (u *beUintItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != u.n {
		return cursor, cursor, false
	}
	var v uint64
	for _, c := range buf {
		v = v<<8 | uint64(c)
	}
	return cursor, cursor, u.cmp.Match(v)
}

// http2FrameTypes and http2ErrorCodes are the names Suricata accepts
// (case-insensitive), by value. RFC 9113 section 6 and 7.
var (
	http2FrameTypes = map[string]uint64{"DATA": 0, "HEADERS": 1, "PRIORITY": 2, "RSTSTREAM": 3,
		"RST_STREAM": 3, "SETTINGS": 4, "PUSHPROMISE": 5, "PUSH_PROMISE": 5, "PING": 6, "GOAWAY": 7,
		"WINDOWUPDATE": 8, "WINDOW_UPDATE": 8, "CONTINUATION": 9}
	http2ErrorCodes = map[string]uint64{"NO_ERROR": 0, "PROTOCOL_ERROR": 1, "INTERNAL_ERROR": 2,
		"FLOW_CONTROL_ERROR": 3, "SETTINGS_TIMEOUT": 4, "STREAM_CLOSED": 5, "FRAME_SIZE_ERROR": 6,
		"REFUSED_STREAM": 7, "CANCEL": 8, "COMPRESSION_ERROR": 9, "CONNECT_ERROR": 10,
		"ENHANCE_YOUR_CALM": 11, "INADEQUATE_SECURITY": 12, "HTTP_1_1_REQUIRED": 13}
	http2SettingIDs = map[string]uint16{"SETTINGS_HEADER_TABLE_SIZE": 1, "SETTINGS_ENABLE_PUSH": 2,
		"SETTINGS_MAX_CONCURRENT_STREAMS": 3, "SETTINGS_INITIAL_WINDOW_SIZE": 4,
		"SETTINGS_MAX_FRAME_SIZE": 5, "SETTINGS_MAX_HEADER_LIST_SIZE": 6}
)

// http2Cmp turns a numeric or named value into a comparison of an n-byte
// integer.
func http2Cmp(o *ruleparser.CompareOrText, n int, names map[string]uint64, what string) (ruleparser.UintCmp, error) {
	if o.Cmp != nil {
		return http2Uint(*o.Cmp, n)
	}
	if names != nil {
		if x, ok := names[strings.ToUpper(strings.TrimSpace(o.Text))]; ok {
			return ruleparser.UintCmp{Op: ruleparser.CmpEq, A: x}, nil
		}
	}
	return ruleparser.UintCmp{}, errBadValue(fmt.Sprintf("unknown %s %q", what, o.Text))
}

// http2Uint checks that a comparison fits an n-byte integer.
func http2Uint(u ruleparser.UintCmp, n int) (ruleparser.UintCmp, error) {
	if u.Op == 0 {
		return ruleparser.UintCmp{}, fmt.Errorf("comparison %s: %w", u, ErrUnsupported)
	}
	if n < 8 && (u.A >= 1<<(8*n) || u.B >= 1<<(8*n)) {
		return ruleparser.UintCmp{}, errBadValue(fmt.Sprintf("value out of range for a %d-bit integer", 8*n))
	}
	return u, nil
}

// setupHTTP2FrameType is http2.frametype: a frame of this type (name or
// number) in the inspected direction of the transaction.
// Docs: rules/http2-keywords.html#http2-frametype
func setupHTTP2FrameType(b *sigBuilder, o *ruleparser.CompareOrText) error {
	u, err := http2Cmp(o, 1, http2FrameTypes, "frame type")
	if err != nil {
		return err
	}
	return b.addValueList(bufid.HTTP2FrameType, &beUintItem{n: 1, cmp: u})
}

// setupHTTP2ErrorCode is http2.errorcode: the error code of a RST_STREAM
// or GOAWAY frame (name or number).
// Docs: rules/http2-keywords.html#http2-errorcode
func setupHTTP2ErrorCode(b *sigBuilder, o *ruleparser.CompareOrText) error {
	u, err := http2Cmp(o, 4, http2ErrorCodes, "error code")
	if err != nil {
		return err
	}
	return b.addValueList(bufid.HTTP2ErrorCode, &beUintItem{n: 4, cmp: u})
}

// http2CmpSetup is an http2.* keyword comparing an n-byte integer of any
// instance of buf: http2.priority (u8), http2.window (u32),
// http2.size_update (u64).
func http2CmpSetup(buf Buf, n int) func(*sigBuilder, *ruleparser.Compare) error {
	return func(b *sigBuilder, o *ruleparser.Compare) error {
		u, err := http2Uint(o.Cmp, n)
		if err != nil {
			return err
		}
		return b.addValueList(buf, &beUintItem{n: n, cmp: u})
	}
}

// http2SettingItem matches a SETTINGS parameter instance (2-byte
// identifier, 4-byte value) with the identifier and, when cmp is set, a
// value the comparison accepts.
type http2SettingItem struct {
	id  uint16
	cmp *ruleparser.UintCmp
}

func (s *http2SettingItem) relative() bool { return false }
func (s *http2SettingItem) retry() bool    { return false }
func (s *http2SettingItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 6 || uint16(buf[0])<<8|uint16(buf[1]) != s.id {
		return cursor, cursor, false
	}
	v := uint64(buf[2])<<24 | uint64(buf[3])<<16 | uint64(buf[4])<<8 | uint64(buf[5])
	return cursor, cursor, s.cmp == nil || s.cmp.Match(v)
}

// setupHTTP2Settings is http2.settings:ID[comparison], a SETTINGS
// parameter of the inspected direction.
// Docs: rules/http2-keywords.html#http2-settings
func setupHTTP2Settings(b *sigBuilder, t *ruleparser.Text) error {
	name, rest := ruleparser.SplitHTTP2Settings(t.Value)
	id, ok := http2SettingIDs[strings.ToUpper(name)]
	if !ok {
		return errBadValue(fmt.Sprintf("unknown settings identifier %q", name))
	}
	it := &http2SettingItem{id: id}
	if rest != "" {
		c, err := ruleparser.ParseUintCmp(rest)
		if err != nil {
			return errBadValue(err.Error())
		}
		u := c
		if u.Op == 0 {
			return fmt.Errorf("comparison %s: %w", c, ErrUnsupported)
		}
		if u.A > math.MaxUint32 || u.B > math.MaxUint32 {
			return errBadValue("value out of range for an unsigned 32-bit integer")
		}
		it.cmp = &u
	}
	return b.addValueList(bufid.HTTP2Settings, it)
}

// sharedTxGroup returns the prefilter group already built for buffer b of
// HTTP/1 transactions when HTTP/2 transactions would get the same
// patterns, which is the case unless an http1- or http2-only rule has its
// fast pattern in b: "http" rules are in both groups, and their database
// is then compiled once. nil means build one.
func (e *Engine) sharedTxGroup(txPats *[bufid.NumProtos]*[bufid.NumIDs][]mpm.Pattern, proto bufid.Proto, b Buf) *group {
	h1 := txPats[bufid.ProtoHTTP]
	if proto != bufid.ProtoHTTP2 || h1 == nil || e.tx[bufid.ProtoHTTP] == nil {
		return nil
	}
	same := slices.EqualFunc(h1[b], txPats[bufid.ProtoHTTP2][b], func(x, y mpm.Pattern) bool { return x.ID == y.ID })
	if !same {
		return nil
	}
	return e.tx[bufid.ProtoHTTP].bufs[b]
}
