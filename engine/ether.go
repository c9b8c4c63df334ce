package engine

import (
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/output/eve"
)

// This file is the eve-log ethernet option: the "ether" object of packet
// records (the frame's MAC addresses) and of flow records (every MAC
// address the flow's frames carried on each side), as Suricata 8 logs it
// (output-json.c CreateJSONEther, util-macset.c).

// mac is an Ethernet address.
type mac = [6]byte

// maxFlowMACs caps the addresses a flow keeps per side; later new ones are
// ignored, as Suricata's MAC set does when full.
const maxFlowMACs = 32

// frameMACs returns the destination and source address of p's Ethernet
// frame; ok is false for other link types.
func frameMACs(p *packet.Packet) (dst, src mac, ok bool) {
	if p.LinkType != packet.LinkEthernet || len(p.Data) < 14 {
		return dst, src, false
	}
	copy(dst[:], p.Data[0:6])
	copy(src[:], p.Data[6:12])
	return dst, src, true
}

// addMACs adds the addresses of p's frame to the flow's sets: the client's
// side takes the source of a packet to the server and the destination of
// one to the client. Sets are reused with the flow: no allocation once a
// flow slot has held as many addresses.
func (fd *flowData) addMACs(p *packet.Packet, dir flow.Direction) {
	dst, src, ok := frameMACs(p)
	if !ok {
		return
	}
	client, server := src, dst
	if dir == flow.ToClient {
		client, server = dst, src
	}
	fd.macs[0] = addMAC(fd.macs[0], client)
	fd.macs[1] = addMAC(fd.macs[1], server)
}

func addMAC(set []mac, a mac) []mac {
	for i := len(set) - 1; i >= 0; i-- { // the latest is the likeliest
		if set[i] == a {
			return set
		}
	}
	if len(set) == maxFlowMACs {
		return set
	}
	return append(set, a)
}

// packetEther fills r's ether object from p's frame, in the packet's own
// direction (alerts), or in the flow's (toClient set for a packet to the
// client, for transaction records); a packet without a frame (a flow's
// end) takes the flow's first addresses.
func (w *Worker) packetEther(r *eve.Record, p *packet.Packet, fd *flowData, toClient bool) {
	if !w.cfg.EVE.Ethernet {
		return
	}
	dst, src, ok := frameMACs(p)
	switch {
	case ok && toClient:
		r.SrcMAC, r.DestMAC = dst, src
	case ok:
		r.SrcMAC, r.DestMAC = src, dst
	case fd != nil && len(fd.macs[0]) > 0 && len(fd.macs[1]) > 0:
		r.SrcMAC, r.DestMAC = fd.macs[0][0], fd.macs[1][0]
	default:
		return
	}
	r.HasMAC = true
}

// flowEther fills a flow record's ether lists.
func (w *Worker) flowEther(r *eve.Record, fd *flowData) {
	if w.cfg.EVE.Ethernet && len(fd.macs[0]) > 0 {
		r.SrcMACs, r.DestMACs = fd.macs[0], fd.macs[1]
	}
}
