package applayer

// Buffered returns the bytes of direction dir that detection has kept
// while deciding (at most the registry's probe limit). Once a protocol is
// decided the engine hands them to the new parser, so that the parser sees
// the stream from its first byte. The slice is owned by d.
func (d *Detection) Buffered(dir Direction) []byte { return d.buf[dir&1] }
