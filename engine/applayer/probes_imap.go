package applayer

// IMAP is detection-only in Suricata 8 (app-layer-imap.c): no parser,
// no transactions, no EVE record; a flow is imap once its server sends
// an untagged status or data response, or its client a CAPABILITY
// command, so that `alert imap` rules inspect its stream.

// imapServer are Suricata's to-client patterns, at the start of the
// data, compared ignoring case.
var imapServer = []string{"* OK ", "* NO ", "* BAD ", "* LIST ", "* ESEARCH ", "* STATUS ", "* FLAGS "}

// imapCapabilityDepth: " CAPABILITY" must end within the first 17
// bytes (a tag of up to 6 characters before it).
const imapCapabilityDepth = 17

// ProbeIMAPResponse matches an untagged server response.
func ProbeIMAPResponse(data []byte) ProbeResult { return probeCommands(data, imapServer) }

// ProbeIMAPRequest matches " CAPABILITY" within the first 17 bytes.
func ProbeIMAPRequest(data []byte) ProbeResult {
	const pat = " CAPABILITY"
	for off := 0; off+len(pat) <= imapCapabilityDepth; off++ {
		switch prefixFold(data[min(off, len(data)):], pat) {
		case ProbeMatch:
			return ProbeMatch
		case ProbeNeedMore:
			return ProbeNeedMore
		}
	}
	return ProbeNoMatch
}
