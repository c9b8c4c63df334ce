package dhcp

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Message types (option 53) by value, as the EVE record names them.
var typeNames = [...]string{1: "discover", 2: "offer", 3: "request", 4: "decline", 5: "ack", 6: "nak", 7: "release", 8: "inform"}

// paramNames name the parameter request list entries of the extended
// record: Suricata 8 names these eight and leaves other codes out.
var paramNames = map[byte]string{
	1: "subnet_mask", 3: "router", 6: "dns_server", 15: "domain", 35: "arp_timeout",
	42: "ntp_server", 66: "tftp_server_name", 150: "tftp_server_ip",
}

func typeName(t uint8) string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown"
}

// FillEVE adds Suricata's "dhcp" object. In the default form only acks
// are logged, with just enough to map a MAC address to an IP address
// (plus client id and renewal time, as Suricata 8 writes them); the
// extended form (eve-log dhcp extended: yes) logs every message with its
// lease times, addresses and options. Alerts always carry the extended
// object, as in Suricata 8.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	if t.ClientMAC == nil && t.Op == 0 {
		return false // not a BOOTP message
	}
	ext := t.extendedLog || r.Type == eve.EventAlert
	if !ext && t.Type != 5 {
		return false
	}
	o := r.AddObject("dhcp")
	if t.Op == bootRequest {
		o.String("type", "request")
	} else {
		o.String("type", "reply")
	}
	o.Uint("id", uint64(t.XID))
	o.String("client_mac", mac(t.ClientMAC))
	o.String("assigned_ip", t.AssignedIP.String())
	if ext {
		o.String("client_ip", t.ClientIP.String())
		if t.Op != bootRequest {
			o.String("relay_ip", t.RelayIP.String())
			o.String("next_server_ip", t.NextIP.String())
		}
	}
	if len(t.ClientID) > 0 {
		o.String("client_id", mac(t.ClientID))
	}
	if t.HasLease && ext {
		o.Uint("lease_time", uint64(t.Lease))
	}
	if t.HasRebind && ext {
		o.Uint("rebinding_time", uint64(t.Rebind))
	}
	if t.HasRenewal {
		o.Uint("renewal_time", uint64(t.Renewal))
	}
	if t.SubnetMask.IsValid() && ext {
		o.String("subnet_mask", t.SubnetMask.String())
	}
	if len(t.Hostname) > 0 {
		o.Bytes("hostname", t.Hostname)
	}
	if t.Type != 0 {
		o.String("dhcp_type", typeName(t.Type))
	}
	if t.RequestedIP.IsValid() && ext {
		o.String("requested_ip", t.RequestedIP.String())
	}
	if ext && len(t.Params) > 0 {
		o.OpenArray("params")
		for _, c := range t.Params {
			if n, ok := paramNames[c]; ok {
				o.String("", n)
			}
		}
		o.Close()
	}
	if ext && len(t.Routers) > 0 {
		o.OpenArray("routers")
		for _, a := range t.Routers {
			o.String("", a.String())
		}
		o.Close()
	}
	if ext && len(t.DNS) > 0 {
		o.OpenArray("dns_servers")
		for _, a := range t.DNS {
			o.String("", a.String())
		}
		o.Close()
	}
	if ext && len(t.VendorClass) > 0 {
		o.Bytes("vendor_class_identifier", t.VendorClass)
	}
	return true
}

// mac renders b as colon-separated lower-case hex octets.
func mac(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 3*len(b))
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
