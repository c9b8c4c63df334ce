package applayer

// ProbeModbus matches a Modbus/TCP MBAP header: protocol id 0, a length
// of 2 to 254 and a function code. Like Suricata it needs the port.
func ProbeModbus(data []byte) ProbeResult {
	if len(data) < 8 {
		if (len(data) >= 3 && data[2] != 0) || (len(data) >= 4 && data[3] != 0) {
			return ProbeNoMatch
		}
		return ProbeNeedMore
	}
	l := int(data[4])<<8 | int(data[5])
	if data[2] != 0 || data[3] != 0 || l < 2 || l > 254 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
