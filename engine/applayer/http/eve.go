package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// EVE holds the fields of Suricata's EVE "http" object for one transaction.
// Empty strings and zero numbers mean "absent" (omit from JSON).
type EVE struct {
	Hostname        string   // "hostname": normalized host
	Port            int      // "http_port": port from the Host header, if any
	URL             string   // "url": raw request URI
	UserAgent       string   // "http_user_agent"
	ContentType     string   // "http_content_type": response Content-Type without parameters
	Refer           string   // "http_refer"
	Method          string   // "http_method"
	Protocol        string   // "protocol"
	Status          int      // "status"
	Length          int64    // "length": response body bytes seen
	Redirect        string   // "redirect": response Location
	XFF             string   // "xff": X-Forwarded-For of the request
	RequestHeaders  []Header // "request_headers" (optional dump)
	ResponseHeaders []Header // "response_headers"
}

// EVE returns the EVE fields of t. It allocates (output path, per tx).
func (t *Tx) EVE() EVE {
	var e EVE
	if h := t.Buffer(applayer.ToServer, bufid.HTTPHost); h != nil {
		e.Hostname = string(h)
	}
	if raw := t.Req.Get("Host"); raw != nil {
		e.Port = hostPort(raw)
	}
	e.URL = string(t.Req.URI)
	e.UserAgent = string(t.Buffer(applayer.ToServer, bufid.HTTPUserAgent))
	ct := t.Buffer(applayer.ToClient, bufid.HTTPContentType) // repeated headers joined by ", "
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = bytes.TrimSpace(ct[:i])
	}
	e.ContentType = string(ct)
	e.Refer = string(t.Req.Get("Referer"))
	e.Method = string(t.Req.Method)
	e.Protocol = string(t.Req.Protocol)
	if e.Protocol == "" {
		e.Protocol = string(t.Resp.Protocol)
	}
	if n, ok := parseUint(t.Resp.Status); ok && n < 1000 {
		e.Status = int(n)
	}
	e.Length = t.Resp.WireLen
	e.Redirect = string(t.Resp.Get("Location"))
	e.XFF = string(t.Req.Get("X-Forwarded-For"))
	e.RequestHeaders = t.Req.Headers
	e.ResponseHeaders = t.Resp.Headers
	return e
}
