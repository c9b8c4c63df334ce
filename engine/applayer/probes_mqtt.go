package applayer

// ProbeMQTTConnect matches the start of an MQTT CONNECT packet (MQTT 3.1,
// 3.1.1 and 5.0): first byte 0x10, a valid remaining length, then the
// protocol name "MQTT" or "MQIsdp" and a protocol level of 3, 4 or 5.
// A client always speaks first, so the to-client side has no probe: a
// flow whose CONNECT was not seen is not detected as MQTT.
// Spec: MQTT 5.0 section 3.1.2, MQTT 3.1.1 section 3.1.2.
func ProbeMQTTConnect(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	if data[0] != 0x10 {
		return ProbeNoMatch
	}
	// Remaining length: 1 to 4 bytes, 7 bits each, high bit continues.
	off := 1
	for {
		if off >= len(data) {
			return ProbeNeedMore
		}
		c := data[off]
		off++
		if c&0x80 == 0 {
			break
		}
		if off == 5 {
			return ProbeNoMatch
		}
	}
	if off+2 > len(data) {
		return ProbeNeedMore
	}
	var name string
	switch int(data[off])<<8 | int(data[off+1]) {
	case 4:
		name = "MQTT"
	case 6:
		name = "MQIsdp"
	default:
		return ProbeNoMatch
	}
	off += 2
	rest := data[off:]
	for i := 0; i < len(name); i++ {
		if i >= len(rest) {
			return ProbeNeedMore
		}
		if rest[i] != name[i] {
			return ProbeNoMatch
		}
	}
	off += len(name)
	if off >= len(data) {
		return ProbeNeedMore
	}
	if v := data[off]; v < 3 || v > 5 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
