package eve

// HTTPHeaderDump selects the header lists of http records, Suricata's
// eve-log http dump-all-headers: none, request, response or both.
type HTTPHeaderDump uint8

// The header lists.
const (
	DumpRequestHeaders HTTPHeaderDump = 1 << iota
	DumpResponseHeaders
)

// ParseHeaderDump reads a dump-all-headers value.
func ParseHeaderDump(v string) (HTTPHeaderDump, bool) {
	switch v {
	case "", "none", "no":
		return 0, true
	case "request":
		return DumpRequestHeaders, true
	case "response":
		return DumpResponseHeaders, true
	case "both", "all", "yes":
		return DumpRequestHeaders | DumpResponseHeaders, true
	}
	return 0, false
}

func appendHeaders(dst []byte, key string, hs []HTTPHeader) []byte {
	dst = append(appendKey(dst, key), '[')
	for i := range hs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = AppendBytes(appendKey(dst, "name"), hs[i].Name)
		dst = AppendBytes(appendKey(dst, "value"), hs[i].Value)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// FileHashes selects the hashes of fileinfo records, Suricata's eve-log
// files force-hash list (md5, sha1, sha256).
type FileHashes uint8

// The hashes.
const (
	HashMD5 FileHashes = 1 << iota
	HashSHA1
	HashSHA256
)

// LookupFileHash returns the hash of a force-hash name.
func LookupFileHash(name string) (FileHashes, bool) {
	switch name {
	case "md5":
		return HashMD5, true
	case "sha1":
		return HashSHA1, true
	case "sha256":
		return HashSHA256, true
	}
	return 0, false
}
