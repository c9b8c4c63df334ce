// Package pcapfile reads packet capture files, classic pcap and pcapng, in
// pure Go. It is the replay packet source: it consumes a file (or any
// io.Reader) and produces Records (raw frame, lengths, timestamp, link type,
// byte offset) in file order.
//
// Classic pcap is read in both byte orders with microsecond and nanosecond
// magics. Pcapng is read section by section (SHB in either byte order),
// with one link type and timestamp resolution (if_tsresol, if_tsoffset) per
// Interface Description Block; Enhanced, Simple and obsolete Packet Blocks
// yield records and every other block is skipped.
//
// Buffer ownership: Next reuses one buffer, so Record.Data is valid only
// until the next call to Next; a caller that keeps bytes copies them. Next
// allocates nothing per packet in steady state.
//
// Errors: a truncated or corrupt file makes Next return an error naming the
// file and the byte offset of the bad record ("x.pcap: offset 12345:
// truncated packet record (want 1514 bytes, have 200)"), wrapping
// ErrTruncated or ErrCorrupt; records returned before stay valid input. A
// Reader is not safe for concurrent use.
package pcapfile
