// Package packet defines the decoded packet that every stage of Vigil's packet
// path shares: capture fills the raw frame and metadata, engine/decode fills
// the layer fields, and flow, stream, app-layer and detect read them.
//
// It is a leaf package: it imports nothing from the project. A Packet is a
// fixed-size value with no per-packet allocation: addresses are netip.Addr
// values (which never allocate), decoder events sit in a small fixed array,
// and Data and Payload are sub-slices of the capture buffer (or of the
// defragmenter's output buffer) that the Packet does not own. They are valid
// only as long as the producer of Data keeps its buffer, usually until the
// next packet is read; whoever keeps payload bytes longer copies them.
//
// A Packet is owned by one worker and is not safe for concurrent use. Event
// names follow Suricata 8.0's decoder events (decode-event keyword and
// EVE "decoder.*" names).
package packet
