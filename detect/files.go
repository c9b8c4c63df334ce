package detect

import "slices"

// Files across app-layer protocols. Suricata registers the file buffers
// (file.data, file.name, filemd5, filesize, ...) for every protocol whose
// parser tracks files, so one file rule runs on all of them: a rule of one
// of those protocols keeps its protocol, and a rule without an app-layer
// protocol ("alert tcp ... filesize:<70;") runs on the transactions of
// all of them. Docs: rules/file-keywords.html
//
// The file buffers carry the pseudo protocol fileProto in bufSpecs. A rule
// that gets its protocol from a file buffer alone is a fileProto rule: its
// transaction groups are fileProtos; a later buffer of one file protocol
// (http.uri, smb.share) narrows it to that protocol.

// fileProto is the protocol of the file buffers in bufSpecs.
const fileProto = "file"

// fileProtos lists the app-layer protocols whose transactions expose file
// buffers: HTTP/1 (request and response bodies), HTTP/2 (file.data), SMB
// (files read and written) and SMTP (MIME attachments). Add a protocol
// here when its parser exposes the file buffers.
var fileProtos = []string{"http", "http2", "smb", "smtp"}

// isFileProto reports whether rules of app-layer protocol ap may use file
// buffers ("http1" is a rule-only spelling of HTTP/1).
func isFileProto(ap string) bool { return ap == "http1" || slices.Contains(fileProtos, ap) }

// fileBufOn reports whether a buffer of protocol bufProto is a file buffer
// used by a rule of a file protocol ruleProto, which keeps its protocol.
func fileBufOn(bufProto, ruleProto string) bool {
	return bufProto == fileProto && ruleProto != fileProto && isFileProto(ruleProto)
}

// fileNarrows reports whether a rule that so far only uses file buffers
// (protocol fileProto) may use a buffer of protocol bufProto: one of a
// file protocol, which then becomes the rule's protocol.
func fileNarrows(bufProto, ruleProto string) bool {
	return ruleProto == fileProto && bufProto != fileProto && isFileProto(bufProto)
}
