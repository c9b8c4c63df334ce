package http2

import (
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds the "http" object Suricata 8 writes for an HTTP/2
// transaction (its http2 logger, event type http): version "2", every
// decoded header field of each direction in order (request_headers,
// response_headers; a dynamic table size update as table_size_update),
// the common fields taken from them (http_method from :method, url from
// :path, hostname from host, http_user_agent from user-agent, status from
// :status, length from content-length; the last occurrence wins), then
// the "http2" object: stream_id and, per direction that has any, the
// SETTINGS parameters, the first error code (RST_STREAM or GOAWAY), the
// first priority weight (PRIORITY, or HEADERS with priority) and
// has_multiple naming the first of those two seen twice. It reports false,
// writing nothing, for a transaction that has none of these (PING,
// WINDOW_UPDATE), as Suricata logs no record for it. dir is unused.
//
// Byte values point into t: the record must be encoded before t parses
// more, as the worker does.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	req, resp := &t.s[applayer.ToServer], &t.s[applayer.ToClient]
	hasHeaders := req.hasHeaderFrame() || resp.hasHeaderFrame()
	hasReq, hasResp := req.hasFrameInfo(), resp.hasFrameInfo()
	if !hasHeaders && !hasReq && !hasResp {
		return false
	}
	o := r.AddObject("http")
	o.String("version", "2")
	var c common
	// An empty header array is left out (the schema wants one item).
	if len(req.fields) > 0 {
		req.logHeaders(o, "request_headers", &c)
	}
	if len(resp.fields) > 0 {
		resp.logHeaders(o, "response_headers", &c)
	}
	o.OptBytes("hostname", c.host)
	o.OptBytes("url", c.path)
	o.OptBytes("http_user_agent", c.ua)
	o.OptBytes("http_method", c.method)
	if n, ok := decimal(c.status); ok {
		o.Uint("status", n)
	}
	if n, ok := decimal(c.length); ok {
		o.Uint("length", n)
	}
	o.Open("http2")
	o.Uint("stream_id", uint64(t.stream))
	if hasReq {
		o.Open("request")
		req.logFrames(o, true)
		o.Close()
	}
	if hasResp {
		o.Open("response")
		resp.logFrames(o, false)
		o.Close()
	}
	o.Close()
	return true
}

// decimal parses b as an unsigned decimal number that fits 64 bits.
func decimal(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// common holds the header values the http object repeats as its own
// fields.
type common struct {
	method, path, host, ua, status, length []byte
}

// hasHeaderFrame reports a HEADERS, PUSH_PROMISE or CONTINUATION frame:
// Suricata then logs this direction's header array.
func (s *txSide) hasHeaderFrame() bool {
	for _, f := range s.frames {
		switch f.Type {
		case FrameHeaders, FramePushPromise, FrameContinuation:
			return true
		}
	}
	return len(s.fields) > 0
}

// hasFrameInfo reports whether the direction has something for its
// request or response object: a setting, an error code or a priority.
func (s *txSide) hasFrameInfo() bool {
	if s.loggedSettings() > 0 {
		return true
	}
	for _, f := range s.frames {
		if f.HasErrorCode || f.Weight >= 0 {
			return true
		}
	}
	return false
}

// loggedSettings counts the settings with a known identifier (Suricata's
// parser stops at an unknown one; they are left out here).
func (s *txSide) loggedSettings() int {
	n := 0
	for _, st := range s.settings {
		if settingName(st.ID) != "" {
			n++
		}
	}
	return n
}

func (s *txSide) logHeaders(o *eve.Object, key string, c *common) {
	o.OpenArray(key)
	for i := range s.fields {
		f := &s.fields[i]
		o.Open("")
		if f.SizeUpdate {
			o.Uint("table_size_update", f.Size)
			o.Close()
			continue
		}
		o.Bytes("name", f.Name)
		o.Bytes("value", f.Value)
		o.Close()
		switch {
		case equalFold(f.Name, ":method"):
			c.method = f.Value
		case equalFold(f.Name, ":path"):
			c.path = f.Value
		case equalFold(f.Name, ":status"):
			c.status = f.Value
		case equalFold(f.Name, "user-agent"):
			c.ua = f.Value
		case equalFold(f.Name, "host"):
			c.host = f.Value
		case equalFold(f.Name, "content-length"):
			c.length = f.Value
		}
	}
	o.Close()
}

// logFrames writes the members of a request or response object. The
// schema has priority only for requests: a response's is not written.
func (s *txSide) logFrames(o *eve.Object, request bool) {
	if s.loggedSettings() > 0 {
		o.OpenArray("settings")
		for _, st := range s.settings {
			name := settingName(st.ID)
			if name == "" {
				continue
			}
			o.Open("")
			o.String("settings_id", name)
			o.Uint("settings_value", uint64(st.Value))
			o.Close()
		}
		o.Close()
	}
	hasErr, hasPrio, multiple := false, false, false
	for _, f := range s.frames {
		switch {
		case f.HasErrorCode:
			if !hasErr {
				o.String("error_code", errorCodeName(f.ErrorCode))
				hasErr = true
			} else if !multiple {
				o.String("has_multiple", "error_code")
				multiple = true
			}
		case f.Weight >= 0 && request:
			if !hasPrio {
				o.Uint("priority", uint64(f.Weight))
				hasPrio = true
			} else if !multiple {
				o.String("has_multiple", "priority")
				multiple = true
			}
		}
	}
}

// settingName is the settings_id Suricata logs for a SETTINGS parameter
// identifier, "" for one it does not know.
func settingName(id uint16) string {
	switch id {
	case 1:
		return "SETTINGSHEADERTABLESIZE"
	case 2:
		return "SETTINGSENABLEPUSH"
	case 3:
		return "SETTINGSMAXCONCURRENTSTREAMS"
	case 4:
		return "SETTINGSINITIALWINDOWSIZE"
	case 5:
		return "SETTINGSMAXFRAMESIZE"
	case 6:
		return "SETTINGSMAXHEADERLISTSIZE"
	case 8:
		return "SETTINGSENABLECONNECTPROTOCOL" // RFC 8441
	case 9:
		return "SETTINGSNORFC7540PRIORITIES" // RFC 9218
	}
	return ""
}

// errorCodeNames are the error_code values of RFC 9113 section 7's codes
// as Suricata logs them (upper case, no separators).
var errorCodeNames = [...]string{
	"NOERROR", "PROTOCOLERROR", "INTERNALERROR", "FLOWCONTROLERROR",
	"SETTINGSTIMEOUT", "STREAMCLOSED", "FRAMESIZEERROR", "REFUSEDSTREAM",
	"CANCEL", "COMPRESSIONERROR", "CONNECTERROR", "ENHANCEYOURCALM",
	"INADEQUATESECURITY", "HTTP11REQUIRED",
}

// errorCodeName is the error_code of code: its name, or "unknown-N".
func errorCodeName(code uint32) string {
	if int(code) < len(errorCodeNames) {
		return errorCodeNames[code]
	}
	return "unknown-" + strconv.FormatUint(uint64(code), 10)
}
