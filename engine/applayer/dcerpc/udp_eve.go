package dcerpc

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "dcerpc" object of a connectionless call: the
// request and response types with their fragment counts and body sizes,
// the activity UUID and sequence number that identify the call, and RPC
// version 4.0.
func (t *UDPTx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("dcerpc")
	if t.HasReq {
		o.String("request", TypeName(t.ReqType))
		if t.ReqType == CLTypeRequest {
			o.Open("req")
			o.Uint("opnum", uint64(t.Opnum))
			o.Uint("frag_cnt", uint64(t.ReqFrags))
			o.Uint("stub_data_size", t.ReqStubSize)
			o.Close()
		}
	} else {
		o.String("request", "REQUEST_LOST")
	}
	if t.HasResp && t.RespDone {
		o.String("response", TypeName(t.RespType))
		if t.RespType == CLTypeResponse {
			o.Open("res")
			o.Uint("frag_cnt", uint64(t.RespFrags))
			o.Uint("stub_data_size", t.RespStubSize)
			o.Close()
		}
	} else {
		o.String("response", "UNREPLIED")
	}
	o.String("activityuuid", FormatUUID(&t.Activity))
	o.Uint("seqnum", uint64(t.SeqNum))
	o.String("rpc_version", "4.0")
	return true
}
