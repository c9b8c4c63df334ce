package update

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxSource bounds what one source may unpack to, so that a hostile or
// broken archive cannot fill memory.
const maxSource = 1 << 30

// File is one rule file of a source: its base name (the rule group) and
// its bytes.
type File struct {
	Group string
	Data  []byte
}

// Fetched is a source's rule files, in path order, and how they were got.
type Fetched struct {
	Spec  string
	Files []File
	// Status says where the bytes came from: "local", "downloaded", or
	// "not modified (cached)" after a 304.
	Status string
}

// Fetcher gets sources. HTTP answers are cached under StateDir/cache with
// their ETag and Last-Modified, sent back as If-None-Match and
// If-Modified-Since on the next fetch.
type Fetcher struct {
	StateDir string
	Client   *http.Client // nil: a client with a 5 minute timeout
	// Force sends no conditional headers.
	Force bool
}

// Fetch reads one source: an http(s) URL, a directory (its *.rules files at
// any depth), a .tar.gz/.tgz/.tar (its *.rules members at any depth) or one
// rule file.
func (f *Fetcher) Fetch(ctx context.Context, spec string) (*Fetched, error) {
	if u, err := url.Parse(spec); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		data, status, err := f.download(ctx, spec)
		if err != nil {
			return nil, err
		}
		files, err := unpack(path.Base(u.Path), data)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		return &Fetched{Spec: spec, Files: files, Status: status}, nil
	}
	fi, err := os.Stat(spec)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	var files []File
	if fi.IsDir() {
		files, err = readDir(spec)
	} else {
		var data []byte
		if data, err = os.ReadFile(spec); err == nil {
			files, err = unpack(filepath.Base(spec), data)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	return &Fetched{Spec: spec, Files: files, Status: "local"}, nil
}

func readDir(dir string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".rules") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Group: d.Name(), Data: data})
		return nil
	})
	if err == nil && len(files) == 0 {
		err = errors.New("no *.rules files")
	}
	return files, err // WalkDir goes in lexical order
}

// unpack turns downloaded or read bytes into rule files: a gzip stream is
// gunzipped, a tar archive gives its *.rules members (sorted by path),
// anything else is one rule file named name.
func unpack(name string, data []byte) ([]File, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		plain, err := io.ReadAll(io.LimitReader(zr, maxSource+1))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		if len(plain) > maxSource {
			return nil, fmt.Errorf("gunzip: more than %d bytes", maxSource)
		}
		data = plain
		name = strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".tgz")
	}
	if isTar(data) {
		return untar(data)
	}
	if name == "" || name == "/" || name == "." {
		name = "source.rules"
	}
	if !strings.HasSuffix(name, ".rules") {
		name += ".rules"
	}
	return []File{{Group: name, Data: data}}, nil
}

// isTar recognises a ustar or GNU tar header ("ustar" at offset 257).
func isTar(data []byte) bool {
	return len(data) >= 512 && bytes.HasPrefix(data[257:], []byte("ustar"))
}

func untar(data []byte) ([]File, error) {
	type member struct {
		path string
		File
	}
	var ms []member
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tar: %w", err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".rules") {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("tar %s: %w", h.Name, err)
		}
		ms = append(ms, member{h.Name, File{Group: path.Base(h.Name), Data: b}})
	}
	if len(ms) == 0 {
		return nil, errors.New("archive has no *.rules files")
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].path < ms[j].path })
	files := make([]File, len(ms))
	for i, m := range ms {
		files[i] = m.File
	}
	return files, nil
}

// cacheMeta is what the cache keeps beside a downloaded body.
type cacheMeta struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256"`
}

func (f *Fetcher) cachePaths(u string) (body, meta string) {
	sum := sha256.Sum256([]byte(u))
	base := filepath.Join(f.StateDir, "cache", hex.EncodeToString(sum[:8]))
	return base + ".body", base + ".json"
}

// download gets u, or its cached copy when the server answers 304.
func (f *Fetcher) download(ctx context.Context, u string) ([]byte, string, error) {
	bodyPath, metaPath := f.cachePaths(u)
	var meta cacheMeta
	var cached []byte
	if b, err := os.ReadFile(metaPath); err == nil && json.Unmarshal(b, &meta) == nil && meta.URL == u {
		if c, err := os.ReadFile(bodyPath); err == nil && sha256Hex(c) == meta.SHA256 {
			cached = c
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("source %s: %w", u, err)
	}
	req.Header.Set("User-Agent", "vigil-rules-update")
	if cached != nil && !f.Force {
		if meta.ETag != "" {
			req.Header.Set("If-None-Match", meta.ETag)
		}
		if meta.LastModified != "" {
			req.Header.Set("If-Modified-Since", meta.LastModified)
		}
	}
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("source %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && cached != nil:
		return cached, "not modified (cached)", nil
	case resp.StatusCode != http.StatusOK:
		return nil, "", fmt.Errorf("source %s: %s", u, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSource+1))
	if err != nil {
		return nil, "", fmt.Errorf("source %s: %w", u, err)
	}
	if len(data) > maxSource {
		return nil, "", fmt.Errorf("source %s: more than %d bytes", u, maxSource)
	}
	meta = cacheMeta{URL: u, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), SHA256: sha256Hex(data)}
	mb, _ := json.Marshal(meta)
	if err := os.MkdirAll(filepath.Dir(bodyPath), 0o755); err != nil {
		return nil, "", fmt.Errorf("cache: %w", err)
	}
	// Body first: a meta without its body is ignored (hash mismatch).
	if err := WriteFileAtomic(bodyPath, data, nil); err != nil {
		return nil, "", fmt.Errorf("cache: %w", err)
	}
	if err := WriteFileAtomic(metaPath, mb, nil); err != nil {
		return nil, "", fmt.Errorf("cache: %w", err)
	}
	return data, "downloaded", nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
