package http

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Files. Suricata tracks the bodies of HTTP messages as files: every
// response body, and the body of a POST or PUT request. A file is named by
// the filename parameter of Content-Disposition, else by the request URI's
// path (normalized, without the query). Docs: rules/file-keywords.html.
//
// Limits (explicit, unlike Suricata's file tracking which is not bound by
// the body limits): the MD5 is only known when the whole body was kept
// (not truncated by the body limit, no gap, decompressed completely), and
// the size when the body is complete without gap (decompressed responses:
// when decompressed completely). Of a multipart request body, the first
// part that names a filename is the request's file (Suricata tracks each
// such part as a file; Vigil keeps one per side), as far as the body was
// kept.

// fileInfo caches the derived file buffers of one side of a transaction.
type fileInfo struct {
	md5, size bool // computed (valid once the side is done)
	md5Sum    [md5.Size]byte
	sizeBE    [8]byte
	hasMD5    bool
	hasSize   bool
}

// fileBody returns the file content of side m and whether it is the whole
// file; ok is false when m carries no file.
func (t *Tx) fileBody(dir applayer.Direction) (body []byte, whole, ok bool) {
	if dir == applayer.ToServer {
		m := &t.Req
		if !equalFold(m.Method, "POST") && !equalFold(m.Method, "PUT") || m.BodyLen == 0 {
			return nil, false, false
		}
		if ct := bytes.TrimSpace(m.Get("Content-Type")); len(ct) >= 10 && equalFold(ct[:10], "multipart/") {
			_, content, end, ok := multipartFile(m.Body, ct)
			return content, ok && end && !m.Gap, ok
		}
		return m.Body, m.done && !m.Truncated && !m.Gap, true
	}
	m := &t.Resp
	if m.BodyLen == 0 {
		return nil, false, false
	}
	b := t.ResponseBody()
	whole = m.done && !m.Truncated && !m.Gap
	if enc := bytes.TrimSpace(m.field("Content-Encoding", false)); len(enc) > 0 && !equalFold(enc, "identity") {
		limit := DefaultBodyLimit
		if t.parser != nil {
			limit = t.parser.cfg.ResponseBodyLimit
		}
		whole = whole && len(b) < limit
	}
	return b, whole, true
}

// fileName returns the name of the file of direction dir.
func (t *Tx) fileName(dir applayer.Direction) []byte {
	if _, _, ok := t.fileBody(dir); !ok {
		return nil
	}
	if dir == applayer.ToServer {
		if ct := bytes.TrimSpace(t.Req.Get("Content-Type")); len(ct) >= 10 && equalFold(ct[:10], "multipart/") {
			name, _, _, _ := multipartFile(t.Req.Body, ct)
			return name
		}
	}
	if n := dispositionName(t.msg(dir).Get("Content-Disposition")); len(n) > 0 {
		return n
	}
	uri := t.Buffer(dir, bufid.HTTPURI)
	if i := bytes.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	if len(uri) == 0 {
		return nil
	}
	return uri
}

// multipartFile finds the first file of a multipart body (RFC 7578): the
// first part whose Content-Disposition names a filename. It returns that
// name, the part's content as far as body holds it, and whether the
// part's closing delimiter was seen; ok is false when body holds no file
// part. ct is the message's Content-Type, which gives the boundary.
func multipartFile(body, ct []byte) (name, content []byte, end, ok bool) {
	boundary := contentTypeParam(ct, "boundary")
	if len(boundary) == 0 {
		return nil, nil, false, false
	}
	// Each delimiter is "--boundary" at the start of a line; the CRLF
	// before it belongs to the delimiter.
	delim := make([]byte, 0, len(boundary)+4)
	delim = append(append(delim, "\r\n--"...), boundary...)
	rest := body
	if bytes.HasPrefix(rest, delim[2:]) {
		rest = rest[len(delim)-2:]
	} else if i := bytes.Index(rest, delim); i >= 0 {
		rest = rest[i+len(delim):]
	} else {
		return nil, nil, false, false
	}
	for {
		if bytes.HasPrefix(rest, []byte("--")) {
			return nil, nil, false, false // the close delimiter
		}
		i := bytes.Index(rest, []byte("\r\n\r\n"))
		if i < 0 {
			return nil, nil, false, false
		}
		head, data := rest[:i], rest[i+4:]
		j := bytes.Index(data, delim)
		partEnd := j >= 0
		if !partEnd {
			j = len(data)
		}
		if n := partFilename(head); len(n) > 0 {
			return n, data[:j], partEnd, true
		}
		if !partEnd {
			return nil, nil, false, false
		}
		rest = data[j+len(delim):]
	}
}

// partFilename returns the filename parameter of the Content-Disposition
// header in a multipart part's head, or nil.
func partFilename(head []byte) []byte {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		name, v, ok := bytes.Cut(bytes.TrimRight(line, "\r"), []byte(":"))
		if ok && equalFold(bytes.TrimSpace(name), "Content-Disposition") {
			return dispositionName(v)
		}
	}
	return nil
}

// contentTypeParam returns the value of parameter name of a Content-Type
// value, without quotes, or nil.
func contentTypeParam(ct []byte, name string) []byte {
	_, params, _ := bytes.Cut(ct, []byte(";"))
	for len(params) > 0 {
		part := params
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			part, params = params[:i], params[i+1:]
		} else {
			params = nil
		}
		k, v, ok := bytes.Cut(bytes.TrimSpace(part), []byte("="))
		if ok && equalFold(bytes.TrimSpace(k), name) {
			v = bytes.TrimSpace(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v
		}
	}
	return nil
}

// dispositionName returns the filename parameter of a Content-Disposition
// value, without quotes, or nil.
func dispositionName(v []byte) []byte {
	for len(v) > 0 {
		part := v
		if i := bytes.IndexByte(v, ';'); i >= 0 {
			part, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		part = bytes.TrimSpace(part)
		if len(part) > 9 && equalFold(part[:9], "filename=") {
			n := part[9:]
			if len(n) >= 2 && n[0] == '"' && n[len(n)-1] == '"' {
				n = n[1 : len(n)-1]
			}
			return n
		}
	}
	return nil
}

// fileBuffer returns the FileName, FileMD5 or FileSize buffer of
// direction dir, or nil.
func (t *Tx) fileBuffer(dir applayer.Direction, b applayer.BufferID) []byte {
	if b == bufid.FileName {
		return t.fileName(dir)
	}
	fi := &t.files[dir&1]
	m := t.msg(dir)
	if !m.done {
		return nil
	}
	if !fi.md5 && b == bufid.FileMD5 || !fi.size && b == bufid.FileSize {
		body, whole, ok := t.fileBody(dir)
		if b == bufid.FileMD5 {
			fi.md5 = true
			if ok && whole {
				fi.md5Sum, fi.hasMD5 = md5.Sum(body), true
			}
		} else {
			fi.size = true
			if ok && !m.Gap {
				n := uint64(m.BodyLen)
				if len(body) != len(m.Body) {
					// Decoded content or a multipart part: its size
					// is known only when whole.
					n, ok = uint64(len(body)), whole
				}
				if ok {
					binary.BigEndian.PutUint64(fi.sizeBE[:], n)
					fi.hasSize = true
				}
			}
		}
	}
	switch {
	case b == bufid.FileMD5 && fi.hasMD5:
		return fi.md5Sum[:]
	case b == bufid.FileSize && fi.hasSize:
		return fi.sizeBE[:]
	}
	return nil
}
