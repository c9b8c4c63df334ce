// Package smb parses SMB1 and SMB2/3 over TCP (NetBIOS session service
// framing, ports 139 and 445) for the application layer.
//
// It consumes in-order stream bytes per direction, frames them into
// NetBIOS records (buffering partial ones, skipping records over 4 MiB),
// and produces transactions: tree connects (share name, and whether the
// response called the share a pipe: smb.share and smb.named_pipe), creates
// (file and pipe names) and DCERPC calls over named pipes (SMB2
// write/read/ioctl FSCTL_PIPE_TRANSCEIVE, SMB1 Trans/WriteAndX/ReadAndX),
// parsed by package dcerpc with the SMB rules of dcerpc.iface, and files
// read and written (file transactions with file.data, file.name, filemd5
// and filesize; file.go says how data is put in order and bounded).
// Names are decoded from UTF-16LE (or ASCII for SMB1 without the Unicode
// flag) to UTF-8. Docs: rules/smb-keywords.html,
// rules/dcerpc-keywords.html, rules/file-keywords.html.
//
// Buffer ownership: Parse copies what it keeps; slices returned by
// BufferAt belong to the transaction, valid until the parser is fed again
// or the transaction is pruned. A Parser belongs to one flow and is not
// safe for concurrent use.
package smb
