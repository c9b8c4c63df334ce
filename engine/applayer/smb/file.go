package smb

import (
	"crypto/md5"
	"encoding/binary"
	"hash"
	"slices"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Files. As Suricata does, every file read or written over SMB is a
// transaction of its own (a file transaction), created by the first READ
// or WRITE of an open handle in one direction: a written file travels to
// the server (its buffers exist in direction to_server), a read file to
// the client. The handle's CREATE gave the name (file.name) and the
// create disposition; the handle's CLOSE completes the file. Reads and
// writes of named pipes (a handle on a pipe share, or an SMB1 create that
// answered a pipe) carry DCERPC instead and make no file.
//
// Data is put in file order by offset: an out-of-order write waits (a
// copy) until the hole before it is filled, overlapping data keeps what
// came first. Waiting data is bounded per flow (maxChunks pieces,
// maxChunkBytes bytes); going over, a stream gap, or a close with holes
// left marks the file truncated, and nothing more is added to it. The
// first FileDataLimit bytes are kept for file.data (and no more than
// maxKeptBytes for all live file transactions); the MD5 (filemd5) and
// the size (filesize) cover the whole file and exist once the file is
// closed complete, never for a truncated file.
//
// Not followed: SMB2 related compound requests (a WRITE naming the
// FileId of the CREATE before it as all ones), the SMB1 core Read and
// Write commands, and writes in NetBIOS records over 4 MiB (skipped:
// the file has a hole). A handle whose CREATE and tree connect were not
// seen is taken for a pipe when its data parses as DCERPC.
// Docs: rules/file-keywords.html, rules/smb-keywords.html.

// File limits.
const (
	MaxFiles      = 64        // open file transactions per flow; beyond, the oldest is closed truncated
	FileDataLimit = 100 << 10 // bytes of a file kept for file.data (as HTTP's default body limit)
	maxChunks     = 64        // out-of-order pieces waiting per flow
	maxChunkBytes = 2 << 20   // out-of-order bytes waiting per flow
	maxOpens      = 256       // handles remembered per flow (name, pipe or file)
	maxReads      = 64        // reads waiting for their response
	maxTrees      = 64        // tree ids remembered (pipe share or not)
	maxKeptBytes  = 4 << 20   // file.data bytes kept by the live file transactions of a flow
)

// Pipe knowledge of a handle or tree.
const (
	pipeUnknown uint8 = iota
	pipeYes
	pipeNo
)

// fileID names an open handle: the SMB2 FileId (persistent, volatile), or
// for SMB1 the tree id (with the top bit set) and the FID.
type fileID struct{ a, b uint64 }

func smb1FileID(tid, fid uint16) fileID { return fileID{a: 1<<63 | uint64(tid), b: uint64(fid)} }

// handle is an open file or pipe, from its CREATE response to its CLOSE.
type handle struct {
	id    fileID
	name  []byte
	disp  uint32
	pipe  uint8
	files [2]*File // the file of each direction (ToServer: written), nil until data
}

// tree remembers whether a tree id is a pipe share (IPC$).
type tree struct {
	id   uint64 // SMB2 TreeId, or SMB1 TID with the top bit set
	pipe bool
}

// readReq is a READ waiting for its response, which does not repeat the
// handle or the offset.
type readReq struct {
	key  uint64
	id   fileID
	off  uint64
	tree uint64
	tok  bool // tree is known
}

// chunk is out-of-order file data (a copy) waiting for the bytes before it.
type chunk struct {
	off  uint64
	data []byte
}

// File is one file transferred over SMB in one direction.
type File struct {
	Name        []byte             // name from the CREATE (UTF-8), nil when the CREATE was not seen
	Disposition uint32             // CreateDisposition of the CREATE (0 when not seen)
	Dir         applayer.Direction // ToServer: written, ToClient: read
	Data        []byte             // the first FileDataLimit bytes of the file
	Size        uint64             // bytes of the file in order from offset 0
	Closed      bool               // CLOSE seen (or the flow gave up on the file)
	Truncated   bool               // data is missing: the file is not complete

	chunks []chunk
	md5    hash.Hash
	sum    [md5.Size]byte
	sizeBE [8]byte
}

// Complete reports whether the file was closed with all its data.
func (f *File) Complete() bool { return f.Closed && !f.Truncated }

// buffer returns file buffer b of the file.
func (f *File) buffer(b applayer.BufferID) ([]byte, bool) {
	var v []byte
	switch b {
	case bufid.FileData:
		v = f.Data
	case bufid.FileName:
		v = f.Name
	case bufid.FileMD5:
		if f.Complete() {
			v = f.sum[:]
		}
	case bufid.FileSize:
		if f.Complete() {
			v = f.sizeBE[:]
		}
	}
	return v, len(v) > 0
}

// appendData adds in-order data at offset f.Size of f, keeping (a copy
// of) what the limits allow for file.data.
func (p *Parser) appendData(f *File, data []byte) {
	if n := min(FileDataLimit-len(f.Data), maxKeptBytes-p.keptBytes, len(data)); n > 0 {
		f.Data = append(f.Data, data[:n]...)
		p.keptBytes += n
	}
	if f.md5 == nil {
		f.md5 = md5.New()
	}
	f.md5.Write(data)
	f.Size += uint64(len(data))
}

// fileWrite puts data at offset off of file f. Where data overlaps data
// seen before (in order or waiting), the earlier data wins.
func (p *Parser) fileWrite(f *File, off uint64, data []byte) {
	if f.Closed || f.Truncated || len(data) == 0 {
		return
	}
	if off+uint64(len(data)) < off {
		p.truncate(f)
		return
	}
	for len(data) > 0 {
		if off < f.Size {
			n := min(f.Size-off, uint64(len(data)))
			data, off = data[n:], off+n
			continue
		}
		if off > f.Size {
			if !p.addChunk(f, off, data) {
				p.truncate(f)
			}
			return
		}
		// In order: up to the first waiting piece (which starts after
		// f.Size), then the pieces that became in order.
		n := len(data)
		if len(f.chunks) > 0 {
			n = int(min(uint64(n), f.chunks[0].off-off))
		}
		p.appendData(f, data[:n])
		data, off = data[n:], off+uint64(n)
		for len(f.chunks) > 0 && f.chunks[0].off <= f.Size {
			c := f.chunks[0]
			f.chunks = slices.Delete(f.chunks, 0, 1)
			p.releaseChunk(len(c.data))
			if e := c.off + uint64(len(c.data)); e > f.Size {
				p.appendData(f, c.data[f.Size-c.off:])
			}
		}
	}
}

// addChunk keeps a copy of the parts of data (at off, after f.Size) that
// no waiting piece covers. f.chunks stay sorted and without overlap. It
// reports false when the flow's limits on waiting data are reached.
func (p *Parser) addChunk(f *File, off uint64, data []byte) bool {
	for len(data) > 0 {
		// The first piece that ends after off.
		i, _ := slices.BinarySearchFunc(f.chunks, off, func(c chunk, o uint64) int {
			if c.off+uint64(len(c.data)) <= o {
				return -1
			}
			return 1
		})
		if i < len(f.chunks) && f.chunks[i].off <= off {
			n := min(f.chunks[i].off+uint64(len(f.chunks[i].data))-off, uint64(len(data)))
			data, off = data[n:], off+n
			continue
		}
		n := len(data)
		if i < len(f.chunks) {
			n = int(min(uint64(n), f.chunks[i].off-off))
		}
		if p.chunkCount >= maxChunks || p.chunkBytes+n > maxChunkBytes {
			return false
		}
		f.chunks = slices.Insert(f.chunks, i, chunk{off: off, data: append([]byte(nil), data[:n]...)})
		p.chunkCount++
		p.chunkBytes += n
		data, off = data[n:], off+uint64(n)
	}
	return true
}

// releaseChunk accounts for one waiting piece of n bytes that went away.
func (p *Parser) releaseChunk(n int) {
	p.chunkCount--
	p.chunkBytes -= n
}

// truncate marks f incomplete and drops its waiting data.
func (p *Parser) truncate(f *File) {
	f.Truncated = true
	for _, c := range f.chunks {
		p.releaseChunk(len(c.data))
	}
	f.chunks = nil
	f.md5 = nil
}

// closeFile completes f: a hole left makes it truncated.
func (p *Parser) closeFile(f *File) {
	if f == nil || f.Closed {
		return
	}
	if len(f.chunks) > 0 {
		p.truncate(f)
	}
	f.Closed = true
	if !f.Truncated {
		if f.md5 != nil {
			f.md5.Sum(f.sum[:0])
		} else {
			f.sum = md5.Sum(nil)
		}
		binary.BigEndian.PutUint64(f.sizeBE[:], f.Size)
	}
	f.md5 = nil
}

// giveUp closes f truncated and releases its data: the flow can no
// longer follow it (its transaction or handle was evicted).
func (p *Parser) giveUp(f *File) {
	if f == nil {
		return
	}
	if !f.Closed {
		p.truncate(f)
		f.Closed = true
	}
	p.keptBytes -= len(f.Data)
	f.Data = nil
}

// setTree records whether tree id is a pipe share.
func (p *Parser) setTree(id uint64, pipe bool) {
	for i := range p.trees {
		if p.trees[i].id == id {
			p.trees[i].pipe = pipe
			return
		}
	}
	if len(p.trees) >= maxTrees {
		p.trees = slices.Delete(p.trees, 0, 1)
	}
	p.trees = append(p.trees, tree{id: id, pipe: pipe})
}

// treePipe returns what is known of tree id.
func (p *Parser) treePipe(id uint64, known bool) uint8 {
	if !known {
		return pipeUnknown
	}
	for i := range p.trees {
		if p.trees[i].id == id {
			if p.trees[i].pipe {
				return pipeYes
			}
			return pipeNo
		}
	}
	return pipeUnknown
}

// findHandle returns the open handle id, nil if none.
func (p *Parser) findHandle(id fileID) *handle {
	for i := len(p.handles) - 1; i >= 0; i-- {
		if p.handles[i].id == id {
			return p.handles[i]
		}
	}
	return nil
}

// openHandle records a handle from a CREATE response (or from data on a
// handle whose CREATE was not seen).
func (p *Parser) openHandle(id fileID, name []byte, disp uint32, pipe uint8) *handle {
	if h := p.findHandle(id); h != nil {
		// Reused id: the old handle's files end here.
		p.closeHandle(h)
	}
	if len(p.handles) >= maxOpens {
		for _, f := range p.handles[0].files {
			p.giveUp(f)
		}
		p.handles = slices.Delete(p.handles, 0, 1)
	}
	h := &handle{id: id, name: name, disp: disp, pipe: pipe}
	p.handles = append(p.handles, h)
	return h
}

// closeHandle completes the handle's files and forgets it.
func (p *Parser) closeHandle(h *handle) {
	for _, f := range h.files {
		p.closeFile(f)
	}
	if i := slices.Index(p.handles, h); i >= 0 {
		p.handles = slices.Delete(p.handles, i, i+1)
	}
}

// closeID handles a CLOSE of handle id.
func (p *Parser) closeID(id fileID) {
	if h := p.findHandle(id); h != nil {
		p.closeHandle(h)
	}
}

// addRead remembers a READ request until its response.
func (p *Parser) addRead(r readReq) {
	for i := range p.reads {
		if p.reads[i].key == r.key {
			p.reads[i] = r
			return
		}
	}
	if len(p.reads) >= maxReads {
		p.reads = slices.Delete(p.reads, 0, 1)
	}
	p.reads = append(p.reads, r)
}

// takeRead returns and forgets the READ request with key.
func (p *Parser) takeRead(key uint64) (readReq, bool) {
	for i := range p.reads {
		if p.reads[i].key == key {
			r := p.reads[i]
			p.reads = slices.Delete(p.reads, i, i+1)
			return r, true
		}
	}
	return readReq{}, false
}

// handleData routes the data of a READ response or a WRITE request on
// handle id (of tree tid when tok) at offset off: DCERPC for a pipe, file
// data otherwise. When neither the handle nor its tree is known, data
// that parses as DCERPC goes to DCERPC.
func (p *Parser) handleData(dir applayer.Direction, id fileID, tid uint64, tok bool, off uint64, data []byte) {
	if len(data) == 0 {
		return
	}
	h := p.findHandle(id)
	pipe := pipeUnknown
	if h != nil {
		pipe = h.pipe
	}
	if pipe == pipeUnknown {
		pipe = p.treePipe(tid, tok)
	}
	switch pipe {
	case pipeYes:
		p.feedDCE(dir, data)
		return
	case pipeUnknown:
		if p.dce.FeedPDUs(dir, data) {
			return
		}
	}
	if h == nil {
		h = p.openHandle(id, nil, 0, pipeNo)
	}
	d := dir & 1
	f := h.files[d]
	if f == nil {
		f = p.newFile(h, dir)
	}
	p.fileWrite(f, off, data)
}

// newFile starts the file transaction of handle h in direction dir.
func (p *Parser) newFile(h *handle, dir applayer.Direction) *File {
	open := 0
	var oldest *Tx
	for _, t := range p.txs {
		if t.File != nil && !t.File.Closed {
			if oldest == nil {
				oldest = t
			}
			open++
		}
	}
	if open >= MaxFiles {
		p.giveUp(oldest.File)
	}
	f := &File{Name: h.name, Disposition: h.disp, Dir: dir}
	h.files[dir&1] = f
	t := p.newTx(kindFile, 0)
	t.File = f
	if h.id.a&(1<<63) != 0 { // SMB1: the FID
		le.PutUint16(t.FileID[:], uint16(h.id.b))
		t.fidLen = 2
	} else {
		le.PutUint64(t.FileID[:], h.id.a)
		le.PutUint64(t.FileID[8:], h.id.b)
		t.fidLen = 16
	}
	return f
}

// gapFiles marks every open file of direction dir truncated: stream
// data was lost.
func (p *Parser) gapFiles(dir applayer.Direction) {
	for _, t := range p.txs {
		if t.File != nil && !t.File.Closed && t.File.Dir == dir&1 {
			p.truncate(t.File)
		}
	}
}
