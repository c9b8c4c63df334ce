package smb

import "vigil/engine/applayer"

// SMB2 commands (MS-SMB2 2.2.1).
const (
	smb2Negotiate    = 0
	smb2TreeConnect  = 3
	smb2Create       = 5
	smb2Close        = 6
	smb2Read         = 8
	smb2Write        = 9
	smb2Ioctl        = 11
	smb2SessionSetup = 1
	smb2GetInfo      = 16
	smb2SetInfo      = 17
	smb2OplockBreak  = 18

	smb2HeaderLen       = 64
	fsctlPipeTransceive = 0x0011c017

	statusPending        = 0x00000103 // interim response, the final one follows
	statusBufferOverflow = 0x80000005 // a pipe read with more data to come
)

// smb2 handles one SMB2 message, or a compound chain of them.
func (p *Parser) smb2(dir applayer.Direction, r []byte) {
	for n := 0; n < 64 && len(r) >= smb2HeaderLen; n++ {
		next := int(le.Uint32(r[20:]))
		msg := r
		if next > 0 && next < len(r) {
			msg = r[:next]
		}
		p.smb2One(dir, msg)
		if next < smb2HeaderLen || next >= len(r) {
			return
		}
		r = r[next:]
	}
}

// genericSMB2 reports the SMB2 commands that get a generic transaction,
// as in Suricata: all but those with transactions of their own (tree
// connect, create, a pipe's IOCTL as a DCERPC call) and the data and
// metadata commands Suricata makes none for (READ, WRITE, GET_INFO,
// SET_INFO). NEGOTIATE and SESSION_SETUP are left out too: Suricata's
// records of them carry fields Vigil does not parse.
func genericSMB2(cmd uint16) bool {
	switch cmd {
	case smb2Negotiate, smb2SessionSetup, smb2TreeConnect, smb2Create, smb2Read, smb2Write,
		smb2Ioctl, smb2GetInfo, smb2SetInfo:
		return false
	}
	return cmd <= smb2OplockBreak
}

func (p *Parser) smb2One(dir applayer.Direction, m []byte) {
	if len(m) < smb2HeaderLen || m[0] != 0xfe {
		return
	}
	cmd := le.Uint16(m[12:])
	flags := le.Uint32(m[16:])
	resp := flags&1 != 0
	status := le.Uint32(m[8:])
	key := le.Uint64(m[24:])
	body := m[smb2HeaderLen:]
	if resp != (dir == applayer.ToClient) {
		return
	}
	if resp && status == statusPending {
		return
	}
	// The TreeId, unless the header is an async one (flag 2).
	tid, tok := uint64(le.Uint32(m[36:])), flags&2 == 0
	p.cur = Header{Version: 2, Command: cmd, Session: le.Uint64(m[40:])}
	if tok {
		p.cur.Tree = uint32(tid)
	}
	if resp {
		p.cur.Status, p.cur.HasStatus = status, true
	}
	if genericSMB2(cmd) {
		// Suricata's generic transaction: one per request of a command
		// without a transaction of its own, completed by its response.
		if !resp {
			p.newTx(kindGeneric, key)
		} else if t := p.find(kindGeneric, key); t != nil {
			t.respDone = true
			t.Hdr.Status, t.Hdr.HasStatus = status, true
			if tok {
				t.Hdr.Tree = uint32(tid)
			}
		}
	}
	switch cmd {
	case smb2Negotiate:
		// NEGOTIATE response (MS-SMB2 2.2.4): DialectRevision.
		if resp && status == 0 && len(body) >= 6 {
			p.dialect = le.Uint16(body[4:])
		}
	case smb2TreeConnect:
		if !resp {
			if len(body) < 8 {
				return
			}
			path := slice(m, int(le.Uint16(body[4:])), int(le.Uint16(body[6:])))
			t := p.newTx(kindTree, key)
			t.Share = utf16Name(path)
			return
		}
		if t := p.find(kindTree, key); t != nil {
			t.respDone = true
			t.Hdr.Status, t.Hdr.HasStatus = status, true
			if tok {
				t.Hdr.Tree = uint32(tid)
			}
			if status == 0 && len(body) >= 3 {
				t.IsPipe = body[2] == 2
				t.ShareType = body[2]
			}
		}
		if status == 0 && len(body) >= 3 && tok {
			p.setTree(tid, body[2] == 2)
		}
	case smb2Create:
		if !resp {
			if len(body) < 48 {
				return
			}
			name := slice(m, int(le.Uint16(body[44:])), int(le.Uint16(body[46:])))
			t := p.newTx(kindCreate, key)
			t.Name = utf16Name(name)
			t.Disposition = le.Uint32(body[36:])
			t.Directory = le.Uint32(body[40:])&1 != 0 // FILE_DIRECTORY_FILE
			t.tree, t.treeKnown = tid, tok
			return
		}
		t := p.find(kindCreate, key)
		if t != nil {
			t.respDone = true
			t.Hdr.Status, t.Hdr.HasStatus = status, true
			tid, tok = t.tree, t.treeKnown
		}
		if status != 0 || len(body) < 80 {
			return
		}
		if t != nil {
			// CREATE response times, sizes and FileId (MS-SMB2 2.2.14).
			t.Times = [4]uint64{le.Uint64(body[8:]), le.Uint64(body[16:]), le.Uint64(body[24:]), le.Uint64(body[32:])}
			t.Size = le.Uint64(body[48:])
			copy(t.FileID[:], body[64:80])
			t.fidLen = 16
		}
		// CREATE response: FileId at 64 (MS-SMB2 2.2.14).
		id := fileID{le.Uint64(body[64:]), le.Uint64(body[72:])}
		var name []byte
		var disp uint32
		if t != nil {
			name, disp = t.Name, t.Disposition
		}
		p.openHandle(id, name, disp, p.treePipe(tid, tok))
	case smb2Close:
		if !resp && len(body) >= 24 {
			p.closeID(fileID{le.Uint64(body[8:]), le.Uint64(body[16:])})
		}
	case smb2Write:
		// WRITE request (MS-SMB2 2.2.21): DataOffset, Length, Offset, FileId.
		if !resp && len(body) >= 32 {
			data := p.fileData(m, int(le.Uint16(body[2:])), int(le.Uint32(body[4:])))
			id := fileID{le.Uint64(body[16:]), le.Uint64(body[24:])}
			p.handleData(dir, id, tid, tok, le.Uint64(body[8:]), data)
		}
	case smb2Read:
		// READ request (MS-SMB2 2.2.19): Offset, FileId; the response
		// (2.2.20) only has the data.
		if !resp {
			if len(body) >= 32 {
				p.addRead(readReq{key: key, id: fileID{le.Uint64(body[16:]), le.Uint64(body[24:])},
					off: le.Uint64(body[8:]), tree: tid, tok: tok})
			}
			return
		}
		r, ok := p.takeRead(key)
		if len(body) < 8 {
			return
		}
		data := p.fileData(m, int(body[2]), int(le.Uint32(body[4:])))
		if !ok {
			p.feedDCE(dir, data)
			return
		}
		if status != 0 && status != statusBufferOverflow {
			return
		}
		p.handleData(dir, r.id, r.tree, r.tok, r.off, data)
	case smb2SetInfo:
		if !resp {
			p.setInfo(key, m, body)
		} else if t := p.find(kindRename, key); t != nil {
			t.respDone = true
			t.Hdr.Status, t.Hdr.HasStatus = status, true
		}
	case smb2Ioctl:
		if len(body) < 40 || le.Uint32(body[4:]) != fsctlPipeTransceive {
			return
		}
		if !resp {
			p.feedDCE(dir, slice(m, int(le.Uint32(body[24:])), int(le.Uint32(body[28:]))))
		} else {
			p.feedDCE(dir, slice(m, int(le.Uint32(body[32:])), int(le.Uint32(body[36:]))))
		}
	}
}

// SMB1 commands (MS-CIFS 2.2.2.1).
const (
	smb1Close       = 0x04
	smb1Trans       = 0x25
	smb1ReadAndX    = 0x2e
	smb1WriteAndX   = 0x2f
	smb1SessionAndX = 0x73
	smb1LogoffAndX  = 0x74
	smb1TreeAndX    = 0x75
	smb1CreateAndX  = 0xa2

	smb1HeaderLen = 32

	dosMoreData = 0x00ea0001 // ERRDOS ERRmoredata: a pipe read with more data to come
)

func isAndX(c byte) bool {
	switch c {
	case smb1ReadAndX, smb1WriteAndX, smb1SessionAndX, smb1LogoffAndX, smb1TreeAndX, smb1CreateAndX:
		return true
	}
	return false
}

// smb1 handles one SMB1 message and its AndX chain.
func (p *Parser) smb1(dir applayer.Direction, m []byte) {
	if len(m) < smb1HeaderLen+1 {
		return
	}
	resp := m[9]&0x80 != 0
	if resp != (dir == applayer.ToClient) {
		return
	}
	unicode := le.Uint16(m[10:])&0x8000 != 0
	key := uint64(le.Uint16(m[26:]))<<16 | uint64(le.Uint16(m[30:]))
	cmd := m[4]
	off := smb1HeaderLen
	for n := 0; n < 16; n++ {
		if off >= len(m) {
			return
		}
		wc := int(m[off])
		words := slice(m, off+1, 2*wc)
		if words == nil {
			return
		}
		boff := off + 1 + 2*wc + 2 // start of the bytes
		var bytes []byte
		if bc := slice(m, off+1+2*wc, 2); bc != nil {
			bytes = slice(m, boff, int(le.Uint16(bc)))
			if bytes == nil {
				bytes = m[min(boff, len(m)):]
			}
		}
		p.smb1One(dir, m, cmd, key, unicode, words, bytes, boff)
		if !isAndX(cmd) || len(words) < 4 || words[0] == 0xff {
			return
		}
		next := int(le.Uint16(words[2:]))
		if next <= off {
			return
		}
		cmd, off = words[0], next
	}
}

func (p *Parser) smb1One(dir applayer.Direction, m []byte, cmd byte, key uint64, unicode bool, words, bytes []byte, boff int) {
	resp := dir == applayer.ToClient
	status := le.Uint32(m[5:]) // NT status, or DOS error class and code: 0 is success
	tid := le.Uint16(m[24:])
	p.cur = Header{Version: 1, Command: uint16(cmd), Session: uint64(le.Uint16(m[28:])), Tree: uint32(tid)}
	if resp && le.Uint16(m[10:])&0x4000 != 0 { // FLAGS2_NT_STATUS
		p.cur.Status, p.cur.HasStatus = status, true
	}
	tree := 1<<63 | uint64(tid)
	switch cmd {
	case smb1TreeAndX:
		if !resp {
			if len(words) < 8 {
				return
			}
			pw := int(le.Uint16(words[6:]))
			if pw > len(bytes) {
				return
			}
			path := p.smb1String(bytes[pw:], boff+pw, unicode)
			// Suricata drops the first character of the path.
			if len(path) > 1 {
				path = path[1:]
			}
			t := p.newTx(kindTree, key)
			t.Share = path
			return
		}
		isPipe := len(bytes) >= 3 && bytes[0] == 'I' && bytes[1] == 'P' && bytes[2] == 'C'
		if t := p.find(kindTree, key); t != nil {
			t.respDone = true
			t.IsPipe = isPipe
			t.Hdr.Status, t.Hdr.HasStatus, t.Hdr.Tree = p.cur.Status, p.cur.HasStatus, uint32(tid)
		}
		if status == 0 {
			p.setTree(tree, isPipe)
		}
	case smb1CreateAndX:
		// NT Create AndX (MS-CIFS 2.2.4.64): the request's
		// CreateDisposition at word byte 35, the response's FID at 5 and
		// ResourceType at 63.
		if !resp {
			if len(words) < 7 {
				return
			}
			t := p.newTx(kindCreate, key)
			t.Name = p.smb1String(bytes, boff, unicode)
			if len(words) >= 39 {
				t.Disposition = le.Uint32(words[35:])
			}
			t.tree, t.treeKnown = tree, true
			return
		}
		t := p.find(kindCreate, key)
		if t != nil {
			t.respDone = true
			t.Hdr.Status, t.Hdr.HasStatus = p.cur.Status, p.cur.HasStatus
		}
		if status != 0 || len(words) < 7 {
			return
		}
		if t != nil {
			t.FileID[0], t.FileID[1], t.fidLen = words[5], words[6], 2
		}
		pipe := p.treePipe(tree, true)
		if pipe == pipeUnknown && len(words) >= 65 {
			switch le.Uint16(words[63:]) {
			case 0: // disk file or directory
				pipe = pipeNo
			case 1, 2: // byte or message mode pipe
				pipe = pipeYes
			}
		}
		var name []byte
		var disp uint32
		if t != nil {
			name, disp = t.Name, t.Disposition
		}
		p.openHandle(smb1FileID(tid, le.Uint16(words[5:])), name, disp, pipe)
	case smb1Close:
		if !resp && len(words) >= 2 {
			p.closeID(smb1FileID(tid, le.Uint16(words)))
		}
	case smb1WriteAndX:
		// Write AndX request (MS-CIFS 2.2.4.43.1, MS-SMB 2.2.4.3.1): FID,
		// Offset, DataLengthHigh, DataLength, DataOffset, OffsetHigh.
		if !resp && len(words) >= 24 {
			off := uint64(le.Uint32(words[6:]))
			if len(words) >= 28 {
				off |= uint64(le.Uint32(words[24:])) << 32
			}
			doff, n := int(le.Uint16(words[22:])), int(le.Uint16(words[20:]))
			data := slice(m, doff, n|int(le.Uint16(words[18:]))<<16)
			if data == nil {
				data = slice(m, doff, n)
			}
			p.handleData(dir, smb1FileID(tid, le.Uint16(words[4:])), tree, true, off, data)
		}
	case smb1ReadAndX:
		// Read AndX (MS-CIFS 2.2.4.42): the request has FID, Offset and
		// OffsetHigh; the response DataLength, DataOffset and
		// DataLengthHigh.
		if !resp {
			if len(words) >= 20 {
				off := uint64(le.Uint32(words[6:]))
				if len(words) >= 24 {
					off |= uint64(le.Uint32(words[20:])) << 32
				}
				p.addRead(readReq{key: key, id: smb1FileID(tid, le.Uint16(words[4:])), off: off, tree: tree, tok: true})
			}
			return
		}
		r, ok := p.takeRead(key)
		if len(words) < 14 {
			return
		}
		doff, n := int(le.Uint16(words[12:])), int(le.Uint16(words[10:]))
		var data []byte
		if len(words) >= 16 {
			data = slice(m, doff, n|int(le.Uint16(words[14:]))<<16)
		}
		if data == nil {
			data = slice(m, doff, n)
		}
		if !ok {
			p.feedDCE(dir, data)
			return
		}
		if status != 0 && status != statusBufferOverflow && status != dosMoreData {
			return
		}
		p.handleData(dir, r.id, r.tree, r.tok, r.off, data)
	case smb1Trans:
		if !resp && len(words) >= 26 {
			p.feedDCE(dir, slice(m, int(le.Uint16(words[24:])), int(le.Uint16(words[22:]))))
		} else if resp && len(words) >= 16 {
			p.feedDCE(dir, slice(m, int(le.Uint16(words[14:])), int(le.Uint16(words[12:]))))
		}
	}
}

// smb1String reads a NUL-terminated string at b, which starts at offset
// abs of the SMB message: UTF-16LE (aligned to 2 bytes from the header)
// when unicode is set, else ASCII.
func (p *Parser) smb1String(b []byte, abs int, unicode bool) []byte {
	if !unicode {
		return asciiName(b)
	}
	if abs%2 == 1 && len(b) > 0 {
		b = b[1:]
	}
	return utf16Name(b)
}

// SET_INFO request (MS-SMB2 2.2.39) of a FileRenameInformation (MS-FSCC
// 2.4.37, FILE_RENAME_INFORMATION_TYPE_2): Suricata makes a transaction of
// it that records the file's name before (from its CREATE, "<unknown>"
// when that was not seen) and after.
const (
	infoFile       = 1  // SMB2_0_INFO_FILE
	fileRenameInfo = 10 // FileRenameInformation
)

func (p *Parser) setInfo(key uint64, m, body []byte) {
	if len(body) < 32 || body[2] != infoFile || body[3] != fileRenameInfo {
		return
	}
	buf := slice(m, int(le.Uint16(body[8:])), int(le.Uint32(body[4:])))
	if len(buf) < 20 {
		return
	}
	id := fileID{le.Uint64(body[16:]), le.Uint64(body[24:])}
	t := p.newTx(kindRename, key)
	t.RenameTo = utf16Name(slice(buf, 20, int(le.Uint32(buf[16:]))))
	t.RenameFrom = []byte("<unknown>")
	if h := p.findHandle(id); h != nil && h.name != nil {
		t.RenameFrom = h.name
	}
}
