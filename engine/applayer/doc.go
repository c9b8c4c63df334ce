// Package applayer is the application-layer stage of the Vigil pipeline: it
// sits after TCP reassembly (and after flow lookup for UDP) and before
// detection.
//
// It defines the vocabulary shared by the protocol parsers in its
// subpackages (http, http2, tls, dns, ssh, sip, smb, dcerpc): Proto and
// BufferID (the protocol and buffer enums of package detect/bufid, which
// detection shares), the Direction of stream data, the Tx and Parser
// interfaces, and Handover
// and Successor for a protocol change mid-stream (h2c upgrade). It also
// implements protocol detection by content (Detector), driven by a table of
// Entry values; the table that binds the real parsers lives in package
// applayer/all so that this package imports none of its subpackages.
//
// Buffer ownership: data passed to Detect and to Parser.Parse is only valid
// during the call; whoever keeps bytes copies them. Slices returned by
// Tx.Buffer are owned by the transaction and valid until the parser is fed
// again or the transaction is pruned.
//
// Concurrency: a Detector's Registry is immutable and may be shared by all
// workers; a Parser and its transactions belong to one flow and therefore to
// one worker and are not safe for concurrent use.
package applayer
