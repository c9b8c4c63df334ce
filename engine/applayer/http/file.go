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
// when decompressed completely). Multipart request bodies are not split
// into their files: such requests have no file.

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
			return nil, false, false
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
				if t.msg(dir) == &t.Resp && len(body) != len(m.Body) {
					// Decoded content: its size is known only when whole.
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
