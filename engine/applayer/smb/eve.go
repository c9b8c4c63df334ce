package smb

import (
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// smb2Commands name the SMB2 commands (MS-SMB2 2.2.1.2) as Suricata's
// records do.
var smb2Commands = [...]string{
	"SMB2_COMMAND_NEGOTIATE_PROTOCOL", "SMB2_COMMAND_SESSION_SETUP", "SMB2_COMMAND_SESSION_LOGOFF",
	"SMB2_COMMAND_TREE_CONNECT", "SMB2_COMMAND_TREE_DISCONNECT", "SMB2_COMMAND_CREATE",
	"SMB2_COMMAND_CLOSE", "SMB2_COMMAND_FLUSH", "SMB2_COMMAND_READ", "SMB2_COMMAND_WRITE",
	"SMB2_COMMAND_LOCK", "SMB2_COMMAND_IOCTL", "SMB2_COMMAND_CANCEL", "SMB2_COMMAND_KEEPALIVE",
	"SMB2_COMMAND_FIND", "SMB2_COMMAND_CHANGE_NOTIFY", "SMB2_COMMAND_GET_INFO",
	"SMB2_COMMAND_SET_INFO", "SMB2_COMMAND_OPLOCK_BREAK",
}

// smb1Commands name the SMB1 commands the parser makes transactions of.
var smb1Commands = map[uint16]string{
	smb1Close: "SMB1_COMMAND_CLOSE", smb1Trans: "SMB1_COMMAND_TRANS",
	smb1ReadAndX: "SMB1_COMMAND_READ_ANDX", smb1WriteAndX: "SMB1_COMMAND_WRITE_ANDX",
	smb1SessionAndX: "SMB1_COMMAND_SESSION_SETUP_ANDX", smb1LogoffAndX: "SMB1_COMMAND_LOGOFF_ANDX",
	smb1TreeAndX: "SMB1_COMMAND_TREE_CONNECT_ANDX", smb1CreateAndX: "SMB1_COMMAND_NT_CREATE_ANDX",
}

// ntStatus names the NT status codes (MS-ERREF 2.3.1) common in SMB
// traffic; others are written as decimal numbers, as Suricata does for
// codes it has no name for.
var ntStatus = map[uint32]string{
	0x00000000: "STATUS_SUCCESS", 0x00000103: "STATUS_PENDING", 0x0000010b: "STATUS_NOTIFY_CLEANUP",
	0x0000010c: "STATUS_NOTIFY_ENUM_DIR", 0x80000005: "STATUS_BUFFER_OVERFLOW",
	0x80000006: "STATUS_NO_MORE_FILES", 0xc0000003: "STATUS_INVALID_INFO_CLASS",
	0xc000000d: "STATUS_INVALID_PARAMETER", 0xc000000f: "STATUS_NO_SUCH_FILE",
	0xc0000010: "STATUS_INVALID_DEVICE_REQUEST", 0xc0000011: "STATUS_END_OF_FILE",
	0xc0000016: "STATUS_MORE_PROCESSING_REQUIRED", 0xc0000022: "STATUS_ACCESS_DENIED",
	0xc0000023: "STATUS_BUFFER_TOO_SMALL", 0xc0000033: "STATUS_OBJECT_NAME_INVALID",
	0xc0000034: "STATUS_OBJECT_NAME_NOT_FOUND", 0xc0000035: "STATUS_OBJECT_NAME_COLLISION",
	0xc000003a: "STATUS_OBJECT_PATH_NOT_FOUND", 0xc0000043: "STATUS_SHARING_VIOLATION",
	0xc000006d: "STATUS_LOGON_FAILURE", 0xc00000ba: "STATUS_FILE_IS_A_DIRECTORY",
	0xc00000bb: "STATUS_NOT_SUPPORTED", 0xc00000c9: "STATUS_NETWORK_NAME_DELETED",
	0xc00000cc: "STATUS_BAD_NETWORK_NAME", 0xc0000101: "STATUS_DIRECTORY_NOT_EMPTY",
	0xc0000103: "STATUS_NOT_A_DIRECTORY", 0xc0000120: "STATUS_CANCELLED",
	0xc0000128: "STATUS_FILE_CLOSED", 0xc000014b: "STATUS_PIPE_BROKEN",
	0xc0000184: "STATUS_INVALID_DEVICE_STATE", 0xc0000225: "STATUS_NOT_FOUND",
	0xc0000257: "STATUS_PATH_NOT_COVERED", 0xc000035c: "STATUS_NETWORK_SESSION_EXPIRED",
}

// dispositions name CreateDisposition values (MS-SMB2 2.2.13).
var dispositions = [...]string{"FILE_SUPERSEDE", "FILE_OPEN", "FILE_CREATE", "FILE_OPEN_IF",
	"FILE_OVERWRITE", "FILE_OVERWRITE_IF"}

// dialectName is the record's name of an SMB2 dialect revision.
func dialectName(d uint16) string {
	switch d {
	case 0x0202:
		return "2.02"
	case 0x0210:
		return "2.10"
	case 0x0222:
		return "2.22"
	case 0x0224:
		return "2.24"
	case 0x02ff:
		return "2.??"
	case 0x0300:
		return "3.00"
	case 0x0302:
		return "3.02"
	case 0x0310:
		return "3.10"
	case 0x0311:
		return "3.11"
	}
	return strconv.FormatUint(uint64(d), 10)
}

// unixTime converts a FILETIME (100 ns since 1601) to Unix seconds (0
// for times before 1970).
func unixTime(ft uint64) uint64 {
	const epoch = 116444736000000000
	if ft < epoch {
		return 0
	}
	return (ft - epoch) / 10000000
}

// fuid formats a file id as Suricata does: a 16-byte SMB2 FileId as a
// GUID, an SMB1 FID as four hex digits.
func (t *Tx) fuid() string {
	g := &t.FileID
	const hexd = "0123456789abcdef"
	switch t.fidLen {
	case 2:
		return string([]byte{hexd[g[1]>>4], hexd[g[1]&15], hexd[g[0]>>4], hexd[g[0]&15]})
	case 16:
		order := [...]int{3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 9, 8, -1, 11, 10, 15, 14, 13, 12}
		b := make([]byte, 0, 36)
		for _, i := range order {
			if i < 0 {
				b = append(b, '-')
				continue
			}
			b = append(b, hexd[g[i]>>4], hexd[g[i]&15])
		}
		return string(b)
	}
	return ""
}

// FillEVE adds Suricata's "smb" object: the common header (id, dialect,
// command, status, session and tree ids) and what the transaction is
// about: a tree connect, a create, a DCERPC call over a pipe (nested
// "dcerpc" object) or a file read or written.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("smb")
	o.Uint("id", t.id)
	if t.p != nil && t.p.dialect != 0 {
		o.String("dialect", dialectName(t.p.dialect))
	} else {
		o.String("dialect", "unknown")
	}
	h := &t.Hdr
	switch h.Version {
	case 1:
		if s, ok := smb1Commands[h.Command]; ok {
			o.String("command", s)
		}
	case 2:
		if int(h.Command) < len(smb2Commands) {
			o.String("command", smb2Commands[h.Command])
		}
	}
	if h.HasStatus {
		if s, ok := ntStatus[h.Status]; ok {
			o.String("status", s)
		} else {
			o.String("status", strconv.FormatUint(uint64(h.Status), 10))
		}
		o.String("status_code", "0x"+strconv.FormatUint(uint64(h.Status), 16))
	}
	o.Uint("session_id", h.Session)
	o.Uint("tree_id", uint64(h.Tree))
	switch {
	case t.kind == kindTree:
		if t.IsPipe {
			o.Bytes("named_pipe", t.Share)
		} else {
			o.Bytes("share", t.Share)
		}
		if h.Version == 2 {
			switch t.ShareType {
			case 1:
				o.String("share_type", "FILE")
			case 2:
				o.String("share_type", "PIPE")
			case 3:
				o.String("share_type", "PRINT")
			default:
				o.String("share_type", "UNKNOWN")
			}
		}
	case t.kind == kindCreate:
		switch {
		case len(t.Name) == 0:
			o.String("filename", "<share_root>")
		case t.Directory:
			o.Bytes("directory", t.Name)
		default:
			o.Bytes("filename", t.Name)
		}
		if int(t.Disposition) < len(dispositions) {
			o.String("disposition", dispositions[t.Disposition])
		} else {
			o.String("disposition", "UNKNOWN")
		}
		o.String("access", "normal")
		o.Uint("created", unixTime(t.Times[0]))
		o.Uint("accessed", unixTime(t.Times[1]))
		o.Uint("modified", unixTime(t.Times[2]))
		o.Uint("changed", unixTime(t.Times[3]))
		o.Uint("size", t.Size)
		o.String("fuid", t.fuid())
	case t.kind == kindRename:
		o.Open("rename")
		o.Bytes("from", t.RenameFrom)
		o.Bytes("to", t.RenameTo)
		o.Close()
	case t.DCE != nil:
		o.Open("dcerpc")
		t.DCE.AppendSMB(o)
		o.Close()
	case t.File != nil:
		o.Bytes("filename", t.File.Name)
		o.String("fuid", t.fuid())
	}
	return true
}

// FileCount returns 1 for a file transaction, else 0.
func (t *Tx) FileCount() int {
	if t.File != nil {
		return 1
	}
	return 0
}

// FillFileEVE adds the "fileinfo" object of the transaction's file.
func (t *Tx) FillFileEVE(r *eve.Record, i int) bool {
	if t.File == nil || i != 0 {
		return false
	}
	f := t.File
	o := r.AddObject("fileinfo")
	o.Bytes("filename", f.Name)
	o.Bool("gaps", f.Truncated)
	state := "CLOSED"
	if !f.Complete() {
		state = "TRUNCATED"
	}
	o.String("state", state)
	o.Bool("stored", false)
	o.Uint("size", f.Size)
	o.Uint("tx_id", t.id)
	return true
}
