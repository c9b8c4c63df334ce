// Package dnp3 is Vigil's DNP3 parser (IEEE 1815) for TCP port 20000.
//
// The stream is a series of link frames: a link header with its CRC and
// user data in 16-octet blocks, each with its own CRC. Frames carrying
// user data (link function 3 or 4) hold a transport segment; the first
// segment (FIR) opens an application fragment and later ones of the same
// addresses and next sequence number extend it until the final segment
// (FIN). As in Suricata, each fragment is a transaction of its own
// direction: the client's side carries requests, the outstation's
// responses (with internal indications); application confirms make none.
// A completed fragment's object headers are decoded with the points of
// the fixed-size objects of IEEE 1815 annex A (objects.go); decoding stops
// at an object without a known size, raising dnp3.unknown_object.
//
// A transaction exposes the Suricata 8 DNP3 keywords
// (rules/dnp3-keywords.html) through package bufid's DNP3 buffers:
// dnp3_data (the fragment without CRCs and transport headers), dnp3_func,
// dnp3_ind and dnp3_obj; its app-layer events; and the "dnp3" EVE record.
//
// Buffer ownership: each fragment is copied from the frames; nothing of
// the input is kept. A Parser belongs to one flow (one worker) and is not
// safe for concurrent use.
package dnp3
