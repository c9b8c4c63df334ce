package detect

import (
	"slices"

	"vigil/detect/bufid"
)

// Files across app-layer protocols. Suricata registers the file buffers
// (file.data, file.name, filemd5, filesize, ...) for every protocol whose
// parser tracks files, so one file rule runs on all of them: a rule of one
// of those protocols keeps its protocol, and a rule without an app-layer
// protocol ("alert tcp ... filesize:<70;") runs on the transactions of
// all of them. Docs: rules/file-keywords.html
//
// The file buffers carry the rule-only protocol ProtoFile in bufid.Specs. A rule
// that gets its protocol from a file buffer alone is a ProtoFile rule: its
// transaction groups are fileProtos; a later buffer of one file protocol
// (http.uri, smb.share) narrows it to that protocol.

// fileProtos lists the app-layer protocols whose transactions expose file
// buffers: HTTP/1 (request and response bodies), HTTP/2 (file.data), SMB
// (files read and written), SMTP (MIME attachments) and FTP data
// connections (the file transferred). Add a protocol here when its parser
// exposes the file buffers.
var fileProtos = []bufid.Proto{bufid.ProtoHTTP, bufid.ProtoHTTP2, bufid.ProtoSMB, bufid.ProtoSMTP, bufid.ProtoFTPData}

// isFileProto reports whether rules of app-layer protocol ap may use file
// buffers (ProtoHTTP1 is a rule-only protocol, HTTP/1).
func isFileProto(ap bufid.Proto) bool {
	return ap == bufid.ProtoHTTP1 || slices.Contains(fileProtos, ap)
}

// fileBufOn reports whether a buffer of protocol bufProto is a file buffer
// used by a rule of a file protocol ruleProto, which keeps its protocol.
func fileBufOn(bufProto, ruleProto bufid.Proto) bool {
	return bufProto == bufid.ProtoFile && ruleProto != bufid.ProtoFile && isFileProto(ruleProto)
}

// fileNarrows reports whether a rule that so far only uses file buffers
// (protocol ProtoFile) may use a buffer of protocol bufProto: one of a
// file protocol, which then becomes the rule's protocol.
func fileNarrows(bufProto, ruleProto bufid.Proto) bool {
	return ruleProto == bufid.ProtoFile && bufProto != bufid.ProtoFile && isFileProto(bufProto)
}
