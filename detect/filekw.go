package detect

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// File keywords (rules/file-keywords.html). As in Suricata, filename and
// fileext are contents on the file.name buffer (filename: a case-insensitive
// content; fileext: ".ext", case-insensitive, at the end of the name), so a
// negated one still needs a file. filemd5 and filesize inspect the
// filemd5 and filesize buffers, which the app layer fills only once the
// whole file was seen. Files exist on the protocols of fileProtos
// (files.go): HTTP request and response bodies (see
// engine/applayer/http/file.go for the limits), files read and written
// over SMB (engine/applayer/smb/file.go), ...

// fileText returns the value of a filename/fileext/filemd5 option:
// optionally negated with '!', quotes optional.
func fileText(t *ruleparser.Text) (val string, neg bool, err error) {
	v := t.Value
	if !t.Quoted {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "!") {
			neg, v = true, strings.TrimSpace(v[1:])
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			r := strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\;`, `;`)
			v = r.Replace(v[1 : len(v)-1])
		}
	}
	if v == "" {
		return "", false, errBadValue("empty value")
	}
	return v, neg, nil
}

// fileNameContent adds a case-insensitive content on file.name.
func fileNameContent(b *sigBuilder, o *ruleparser.Text, ext bool) error {
	v, neg, err := fileText(o)
	if err != nil {
		return err
	}
	if strings.ContainsRune(v, '|') {
		return fmt.Errorf("hex bytes in %s: %w", o.Keyword(), ErrUnsupported)
	}
	c := &ruleparser.Content{Pattern: []byte(v), Negated: neg, Nocase: true, Raw: v}
	if ext {
		c.Pattern, c.Endswith = []byte("."+v), true
	}
	return b.addToBuffer(bufid.FileName, c)
}

// setupFilename is filename:[!]"name". Docs: rules/file-keywords.html#filename
func setupFilename(b *sigBuilder, o *ruleparser.Text) error { return fileNameContent(b, o, false) }

// setupFileext is fileext:[!]"ext". Docs: rules/file-keywords.html#fileext
func setupFileext(b *sigBuilder, o *ruleparser.Text) error { return fileNameContent(b, o, true) }

// md5SetItem matches a 16-byte digest against a list of MD5s.
type md5SetItem struct {
	set     map[[16]byte]struct{}
	negated bool
}

func (m *md5SetItem) relative() bool { return false }
func (m *md5SetItem) retry() bool    { return false }
func (m *md5SetItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 16 {
		return cursor, cursor, false
	}
	_, in := m.set[[16]byte(buf)]
	return cursor, cursor, in != m.negated
}

// setupFilemd5 is filemd5:[!]file: file lists MD5s in hex, one per line
// (anything after the first field ignored, '#' comments). A relative
// path is looked up beside the rule file first.
// Docs: rules/file-keywords.html#filemd5
func setupFilemd5(b *sigBuilder, o *ruleparser.Text) error {
	v, neg, err := fileText(o)
	if err != nil {
		return err
	}
	set, err := loadMD5List(v, o.Position().File)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.FileMD5, &md5SetItem{set: set, negated: neg})
}

func loadMD5List(name, ruleFile string) (map[[16]byte]struct{}, error) {
	path := name
	if !filepath.IsAbs(name) && ruleFile != "" {
		if p := filepath.Join(filepath.Dir(ruleFile), name); fileExists(p) {
			path = p
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("md5 list: %w", err)
	}
	defer f.Close()
	set := make(map[[16]byte]struct{})
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		var d [16]byte
		if len(fields[0]) != 32 {
			return nil, fmt.Errorf("md5 list %s:%d: want 32 hex digits", path, n)
		}
		if _, err := hex.Decode(d[:], []byte(fields[0])); err != nil {
			return nil, fmt.Errorf("md5 list %s:%d: %w", path, n, err)
		}
		set[d] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("md5 list %s: %w", path, err)
	}
	return set, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// fileSizeItem compares the 8-byte big-endian file size.
type fileSizeItem struct{ cmp ruleparser.UintCmp }

func (f *fileSizeItem) relative() bool { return false }
func (f *fileSizeItem) retry() bool    { return false }
func (f *fileSizeItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 8 {
		return cursor, cursor, false
	}
	var n uint64
	for _, c := range buf {
		n = n<<8 | uint64(c)
	}
	return cursor, cursor, f.cmp.Match(n)
}

// setupFilesize is filesize:<uint comparison>, matched once the file is
// complete. Docs: rules/file-keywords.html#filesize
func setupFilesize(b *sigBuilder, c *ruleparser.Compare) error {
	return b.addItemToBuffer(bufid.FileSize, &fileSizeItem{cmp: c.Cmp})
}
