package enip

import (
	"encoding/hex"
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Names Suricata writes in its enip record; values without a name are
// written "unknown-N".
var (
	commandNames = map[uint16]string{
		CmdNop: "nop", CmdListServices: "list_services", CmdListIdentity: "list_identity",
		CmdListInterfaces: "list_interfaces", CmdRegisterSession: "register_session",
		CmdUnregisterSession: "unregister_session", CmdSendRRData: "send_r_r_data",
		CmdSendUnitData: "send_unit_data", CmdIndicateStatus: "indicate_status", CmdCancel: "cancel",
	}
	statusNames = map[uint32]string{
		0: "success", 1: "invalid_cmd", 2: "no_resources", 3: "incorrect_data", 0x64: "invalid_session",
		0x65: "invalid_length", 0x69: "unsupported_prot_rev", 0x6a: "encap_header_error",
	}
	// serviceNames are the CIP common services (CIP vol. 1 appendix A)
	// and the Logix services seen on the wire.
	serviceNames = map[uint8]string{
		0x01: "Get Attributes All", 0x02: "Set Attributes All", 0x03: "Get Attribute List",
		0x04: "Set Attribute List", 0x05: "Reset", 0x06: "Start", 0x07: "Stop", 0x08: "Create",
		0x09: "Delete", 0x0a: "Multiple Service Packet", 0x0d: "Apply Attributes",
		0x0e: "Get Attributes Single", 0x10: "Set Attributes Single", 0x11: "Find Next Object Instance",
		0x15: "Restore", 0x16: "Save", 0x17: "No Forward Open", 0x18: "Get Member", 0x19: "Set Member",
		0x1a: "Insert Member", 0x1b: "Remove Member", 0x1c: "Group Sync",
		0x1d: "Get Connection Point Member List", 0x4b: "Execute PCCC Service", 0x4c: "Read Data",
		0x4d: "Write Data", 0x4e: "Read Write Modify Data", 0x52: "Read Data Fragmented",
		0x53: "Write Data Fragmented", 0x54: "Forward Open",
	}
	// cipStatusNames are the CIP general status codes (CIP vol. 1
	// appendix B).
	cipStatusNames = map[uint8]string{
		0x00: "Success", 0x01: "Connection Failure", 0x02: "Resource Unavailable",
		0x03: "Invalid Parameter Value", 0x04: "Path Segment Error", 0x05: "Path Destination Unknown",
		0x06: "Partial Transfer", 0x07: "Connection Lost", 0x08: "Service Not Supported",
		0x09: "Invalid Attribute Value", 0x0a: "Attribute List Error", 0x0b: "Already In Requested Mode/State",
		0x0c: "Object State Conflict", 0x0d: "Object Already Exists", 0x0e: "Attribute Not Settable",
		0x0f: "Privilege Violation", 0x10: "Device State Conflict", 0x11: "Reply Data Too Large",
		0x12: "Fragmentation Of A Primitive Value", 0x13: "Not Enough Data", 0x14: "Attribute Not Supported",
		0x15: "Too Much Data", 0x16: "Object Does Not Exist", 0x17: "Service Fragmentation Sequence Not In Progress",
		0x18: "No Stored Attribute Data", 0x19: "Store Operation Failure",
		0x1a: "Routing Failure, Request Packet Too Large", 0x1b: "Routing Failure, Response Packet Too Large",
		0x1c: "Missing Attribute List Entry Data", 0x1d: "Invalid Attribute Value List",
		0x1e: "Embedded Service Error", 0x1f: "Vendor Specific Error", 0x20: "Invalid Parameter",
		0x21: "Write-Once Value Or Medium Already Written", 0x22: "Invalid Reply Received",
		0x23: "Buffer Overflow", 0x24: "Invalid Message Format", 0x25: "Key Failure In Path",
		0x26: "Path Size Invalid", 0x27: "Unexpected Attribute In List", 0x28: "Invalid Member ID",
		0x29: "Member Not Settable", 0x2a: "Group 2 Only Server General Failure",
		0x2b: "Unknown Modbus Error", 0x2c: "Attribute Not Gettable", 0xff: "Still Processing",
	}
	// classNames are the CIP object classes of the common object library
	// (CIP vol. 1 chapter 5) most often addressed.
	classNames = map[uint32]string{
		0x00: "", 0x01: "Identity", 0x02: "Message Router", 0x03: "DeviceNet", 0x04: "Assembly",
		0x05: "Connection", 0x06: "Connection Manager", 0x07: "Register", 0x08: "Discrete Input Point",
		0x09: "Discrete Output Point", 0x0a: "Analog Input Point", 0x0b: "Analog Output Point",
		0x0e: "Presence Sensing", 0x0f: "Parameter", 0x10: "Parameter Group", 0x12: "Group",
		0x1d: "Discrete Input Group", 0x1e: "Discrete Output Group", 0x1f: "Discrete Group",
		0x37: "File", 0x41: "Event Log", 0x43: "Time Sync", 0x44: "Modbus", 0x47: "Device Level Ring (DLR)",
		0x48: "QoS", 0x67: "PCCC Class", 0xf5: "TCP/IP Interface", 0xf6: "Ethernet Link",
	}
	segmentNames = map[uint8]string{8: "class", 9: "instance", 12: "attribute"}
)

func named[K comparable](m map[K]string, k K, n uint64) string {
	if s, ok := m[k]; ok {
		return s
	}
	return "unknown-" + strconv.FormatUint(n, 10)
}

// FillEVE adds Suricata 8's "enip" object: request and response, each
// with the encapsulation command and status and its payload (the CIP
// message of the first data item, RegisterSession, ListServices or
// ListIdentity fields). Vendor and device type names are written
// "unknown-N" beyond the values of Vigil's tables.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	if t.Request == nil && t.Response == nil {
		return false
	}
	o := r.AddObject("enip")
	for _, s := range []struct {
		key string
		p   *PDU
	}{{"request", t.Request}, {"response", t.Response}} {
		if s.p == nil {
			continue
		}
		p := s.p
		o.Open(s.key)
		o.String("command", named(commandNames, p.Cmd, uint64(p.Cmd)))
		o.String("status", named(statusNames, p.Status, uint64(p.Status)))
		switch {
		case p.Kind == PayloadRegisterSession:
			o.Open("register_session")
			o.Uint("protocol_version", uint64(p.ProtocolVersion))
			o.Uint("options", uint64(p.RegOptions))
			o.Close()
		case p.FirstCIP() != nil:
			o.Open("cip")
			cip(o, p.FirstCIP())
			o.Close()
		case s.key == "response" && p.FirstServices() != nil:
			sv := p.FirstServices()
			o.Open("list_services")
			o.Uint("protocol_version", uint64(sv.ProtocolVersion))
			o.Uint("capabilities", uint64(sv.Capabilities))
			o.Bytes("service_name", sv.Name)
			o.Close()
		case s.key == "response" && p.FirstIdentity() != nil:
			id := p.FirstIdentity()
			o.Open("identity")
			o.Uint("protocol_version", uint64(id.ProtocolVersion))
			o.String("revision", strconv.Itoa(int(id.RevMajor))+"."+strconv.Itoa(int(id.RevMinor)))
			o.String("vendor_id", "unknown-"+strconv.Itoa(int(id.VendorID)))
			o.String("device_type", "unknown-"+strconv.Itoa(int(id.DeviceType)))
			o.Uint("product_code", uint64(id.ProductCode))
			o.Uint("status", uint64(id.Status))
			o.Uint("serial", uint64(id.Serial))
			o.Bytes("product_name", id.ProductName)
			o.Uint("state", uint64(id.State))
			o.Close()
		}
		o.Close()
	}
	return true
}

// cip writes one CIP message (and the messages it embeds).
func cip(o *eve.Object, c *CIP) {
	o.String("service", named(serviceNames, c.Service, uint64(c.Service)))
	if c.Response {
		o.String("status", named(cipStatusNames, c.Status, uint64(c.Status)))
		if len(c.ExtStatus) > 0 {
			o.String("status_extended", hex.EncodeToString(c.ExtStatus))
		}
	} else if len(c.Path) > 0 {
		o.OpenArray("path")
		for _, s := range c.Path {
			o.Open("")
			o.String("segment_type", named(segmentNames, s.Kind(), uint64(s.Type)))
			o.Uint("value", uint64(s.Value))
			o.Close()
		}
		o.Close()
		for i := len(c.Path) - 1; i >= 0; i-- {
			if c.Path[i].Type&0xfc == 0x20 {
				o.String("class_name", named(classNames, c.Path[i].Value, uint64(c.Path[i].Value)))
				break
			}
		}
	}
	if len(c.Multiple) > 0 {
		o.OpenArray("multiple")
		for i := range c.Multiple {
			o.Open("")
			cip(o, &c.Multiple[i])
			o.Close()
		}
		o.Close()
	}
}
