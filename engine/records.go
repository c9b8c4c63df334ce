package engine

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/ftpdata"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/smb"
	"vigil/engine/applayer/smtp"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tls"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/output/eve"
)

// This file turns engine state into EVE records. It runs per record (an
// alert, a transaction, a flow), not per packet, and may allocate.

// header fills the envelope of a packet record from p.
func (w *Worker) header(r *eve.Record, t eve.EventType, p *packet.Packet) {
	r.Reset()
	r.Type = t
	r.Time = time.Unix(0, p.Ts).UTC()
	r.PcapCnt = p.PcapCnt
	r.SrcIP, r.DestIP = p.Src, p.Dst
	r.SrcPort, r.DestPort = p.SrcPort, p.DstPort
	r.Proto = p.Proto
	r.Ports = p.Proto == packet.ProtoTCP || p.Proto == packet.ProtoUDP || p.Proto == packet.ProtoSCTP
	// ip_v: Suricata 8 logs the IP version of every packet record.
	if r.SrcIP = r.SrcIP.Unmap(); r.SrcIP.Is4() {
		r.IPVersion = 4
	} else if r.SrcIP.Is6() {
		r.IPVersion = 6
	}
	if p.Proto == packet.ProtoICMP || p.Proto == packet.ProtoICMPv6 {
		r.ICMP, r.ICMPType, r.ICMPCode = true, p.ICMP.Type, p.ICMP.Code
	}
	r.VLANCount = p.VLANCount
	r.VLAN = p.VLAN
	// Suricata writes "wire/pcap" for every captured packet, live or
	// replayed; its other values name the packets it makes itself.
	r.PktSrc = p.Source.String()
}

// flowHeader fills the envelope of a record about a flow (not a packet):
// the tuple in client-to-server order.
func flowHeader(r *eve.Record, t eve.EventType, f *flow.Flow, proto uint8, ts int64) {
	r.Reset()
	r.Type = t
	r.Time = time.Unix(0, ts).UTC()
	r.FlowID = uint64(f.ID)
	r.SrcIP, r.SrcPort = f.Client()
	r.DestIP, r.DestPort = f.Server()
	r.Proto = proto
	r.Ports = proto == packet.ProtoTCP || proto == packet.ProtoUDP || proto == packet.ProtoSCTP
	r.IPVersion = 4
	if !r.SrcIP.Unmap().Is4() {
		r.IPVersion = 6
	}
	r.SrcIP, r.DestIP = r.SrcIP.Unmap(), r.DestIP.Unmap()
	if proto == packet.ProtoICMP || proto == packet.ProtoICMPv6 {
		r.ICMP, r.ICMPType, r.ICMPCode = true, f.ICMPType, f.ICMPCode
	}
}

func counts(f *flow.Flow) eve.Counts {
	return eve.Counts{PktsToServer: f.PktsToServer, PktsToClient: f.PktsToClient,
		BytesToServer: f.BytesToServer, BytesToClient: f.BytesToClient}
}

// eveFiller is a transaction that writes its own EVE object into a record
// (dns, http, ssh, tls): typed values from the parser, formatted only by
// output/eve.
type eveFiller interface {
	FillEVE(r *eve.Record, dir applayer.Direction) bool
}

var (
	_ eveFiller = (*dns.Tx)(nil)
	_ eveFiller = (*http.Tx)(nil)
	_ eveFiller = (*ssh.Tx)(nil)
	_ eveFiller = (*tls.Tx)(nil)
)

// fileTx is a transaction that carries files: each file gets a fileinfo
// record, with the transaction's own object beside it.
type fileTx interface {
	FileCount() int
	FillFileEVE(r *eve.Record, i int) bool
}

var (
	_ fileTx = (*http.Tx)(nil)
	_ fileTx = (*smtp.Tx)(nil)
	_ fileTx = (*smb.Tx)(nil)
	_ fileTx = (*ftpdata.Tx)(nil)
)

// logFiles writes the fileinfo records of tx's files.
func (w *Worker) logFiles(p *packet.Packet, e *flow.Entry[flowData], tx applayer.Tx, dir applayer.Direction) {
	ft, ok := tx.(fileTx)
	if !ok || !w.cfg.EVE.Logs(eve.EventFileinfo) {
		return
	}
	r := &w.rec
	for i := 0; i < ft.FileCount(); i++ {
		w.txHeader(r, eve.EventFileinfo, p, e, tx)
		r.HasTxID = false // logged inside fileinfo
		appObject(r, tx, dir)
		if !ft.FillFileEVE(r, i) {
			continue
		}
		if h := w.cfg.EVE.FileHashes; h != 0 && len(r.Objs) > 0 {
			if fc, ok := tx.(fileContent); ok {
				if body, whole := fc.FileContent(i); whole {
					addFileHashes(&r.Objs[len(r.Objs)-1], body, h)
				}
			}
		}
		r.AppProto.Proto = tx.Proto().String()
		w.out.Emit(r)
	}
}

// alertFiles adds the "files" array of an alert on a transaction that
// carries files: each file's fileinfo object, as Suricata writes it.
func (w *Worker) alertFiles(r *eve.Record, tx applayer.Tx) {
	ft, ok := tx.(fileTx)
	if !ok || ft.FileCount() == 0 {
		return
	}
	files := r.AddObject("files")
	files.Array = true
	for i := 0; i < ft.FileCount(); i++ {
		w.fileRec.Reset()
		if !ft.FillFileEVE(&w.fileRec, i) {
			continue
		}
		for j := range w.fileRec.Objs {
			if o := &w.fileRec.Objs[j]; o.Name == "fileinfo" {
				files.Embed("", o)
			}
		}
	}
	if files.Empty() {
		r.Objs = r.Objs[:len(r.Objs)-1] // the schema wants at least one
	}
}

// fileContent is a fileTx that can give a file's content: whole is false
// when some of it was not kept (body limit, gap), and then no hash is
// logged.
type fileContent interface {
	FileContent(i int) (body []byte, whole bool)
}

var _ fileContent = (*http.Tx)(nil)

// addFileHashes adds the md5, sha1 and sha256 fields that hashes asks
// for to a fileinfo object (eve-log files force-hash). Output path: hashes
// the whole file.
func addFileHashes(o *eve.Object, body []byte, hashes eve.FileHashes) {
	if hashes&eve.HashMD5 != 0 {
		s := md5.Sum(body)
		o.String("md5", hex.EncodeToString(s[:]))
	}
	if hashes&eve.HashSHA1 != 0 {
		s := sha1.Sum(body)
		o.String("sha1", hex.EncodeToString(s[:]))
	}
	if hashes&eve.HashSHA256 != 0 {
		s := sha256.Sum256(body)
		o.String("sha256", hex.EncodeToString(s[:]))
	}
}

// mdnsPort is the UDP port of multicast DNS (RFC 6762).
const mdnsPort = 5353

// txEventType is the event type of tx's record (0: none) in a flow whose
// server port is serverPort, over UDP when udp is set. A DNS transaction
// over UDP to port 5353 is mdns, as Suricata 8 logs it (its mdns parser
// takes that UDP port; DNS over TCP on it stays dns).
func txEventType(tx applayer.Tx, serverPort uint16, udp bool) eve.EventType {
	if t, ok := tx.(interface{ EventType() eve.EventType }); ok {
		return t.EventType()
	}
	switch tx.Proto() {
	case bufid.ProtoHTTP, bufid.ProtoHTTP2:
		return eve.EventHTTP
	case bufid.ProtoDNS:
		if serverPort == mdnsPort && udp {
			return eve.EventMDNS
		}
		return eve.EventDNS
	case bufid.ProtoTLS:
		return eve.EventTLS
	case bufid.ProtoSSH:
		return eve.EventSSH
	case bufid.ProtoSMTP:
		return eve.EventSMTP
	case bufid.ProtoMQTT:
		return eve.EventMQTT
	case bufid.ProtoSIP:
		return eve.EventSIP
	case bufid.ProtoSMB:
		return eve.EventSMB
	case bufid.ProtoDCERPC:
		return eve.EventDCERPC
	case bufid.ProtoFTP:
		return eve.EventFTP
	case bufid.ProtoFTPData:
		return eve.EventFTPData
	case bufid.ProtoKRB5:
		return eve.EventKRB5
	case bufid.ProtoRFB:
		return eve.EventRFB
	case bufid.ProtoSNMP:
		return eve.EventSNMP
	case bufid.ProtoLDAP:
		return eve.EventLDAP
	case bufid.ProtoDNP3:
		return eve.EventDNP3
	case bufid.ProtoENIP:
		return eve.EventENIP
	case bufid.ProtoModbus:
		return eve.EventModbus
	case bufid.ProtoDHCP:
		return eve.EventDHCP
	case bufid.ProtoPgSQL:
		return eve.EventPgSQL
	case bufid.ProtoPOP3:
		return eve.EventPOP3
	case bufid.ProtoTFTP:
		return eve.EventTFTP
	case bufid.ProtoNTP:
		return eve.EventNTP
	case bufid.ProtoQUIC:
		return eve.EventQUIC
	case bufid.ProtoIKE:
		return eve.EventIKE
	case bufid.ProtoWebSocket:
		return eve.EventWebSocket
	}
	return 0
}

// packetDirTx is implemented by the transactions whose records Suricata
// writes with the tuple of the packet that made them (QUIC, IKE,
// WebSocket: its JsonGenericDirPacketLogger), not in client-to-server
// order.
type packetDirTx interface{ PacketDirRecord() }

// appObject attaches the EVE object of tx (seen in direction dir) to r.
func appObject(r *eve.Record, tx applayer.Tx, dir applayer.Direction) bool {
	if m, ok := tx.(*dns.Tx); ok && r.Type == eve.EventMDNS {
		return m.FillMDNS(r, dir)
	}
	f, ok := tx.(eveFiller)
	return ok && f.FillEVE(r, dir)
}

// emitDNS writes the dns record(s) of r as the dns options ask (Suricata
// 8's output-json-dns): a message of a direction that is not logged, or
// whose questions have no logged type, writes nothing; version 2 writes a
// request as one record per question of a logged type, and every record
// in the flow's direction.
func (w *Worker) emitDNS(r *eve.Record) {
	o := &w.cfg.EVE.DNSLog
	d := r.DNS
	d.Version, d.Types = o.Version, o.Types
	d.Detailed, d.Grouped = !o.NoDetailed, !o.NoGrouped
	if d.Response && o.NoResponses || !d.Response && o.NoRequests || !d.Types.AnyQuery(d.Queries) {
		return
	}
	if d.Version != 2 {
		// Version 3 logs a message in its own direction: a response from
		// the server to the client (Suricata: the packet's direction on
		// UDP, the transaction's on TCP).
		if d.Response {
			r.SrcIP, r.DestIP = r.DestIP, r.SrcIP
			r.SrcPort, r.DestPort = r.DestPort, r.SrcPort
			r.SrcMAC, r.DestMAC = r.DestMAC, r.SrcMAC
		}
		w.out.Emit(r)
		return
	}
	if d.Response {
		w.out.Emit(r)
		return
	}
	for i := range d.Queries {
		if d.Types.Has(d.Queries[i].RRType) {
			d.Query = i
			w.out.Emit(r)
		}
	}
}

// xff sets the client address an HTTP transaction's X-Forwarded-For
// header gives, when an output logs it; toClient is the direction of the
// record's packet (an overwrite replaces dest_ip then, src_ip otherwise).
func (w *Worker) xff(r *eve.Record, tx applayer.Tx, toClient bool) {
	c := &w.cfg.EVE.XFF
	if c.Header == "" {
		return
	}
	if ht, ok := tx.(*http.Tx); ok {
		r.XFF, _ = ht.XFF(c.Header, c.Forward)
		r.XFFToClient = toClient
	}
}
