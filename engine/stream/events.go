package stream

import "math/bits"

// Event is a stream engine event, named as Suricata's stream-event rule
// keyword names it (rules/stream-events.rules); Event.String gives the
// name without the "stream." prefix.
type Event uint8

// Stream events. Only those marked "raised" are produced by this package
// so far; the others are listed so stream-event rules can name them.
const (
	Ev3whsAckInWrongDir                Event = iota // raised
	Ev3whsAsyncWrongSeq                             //
	Ev3whsRightSeqWrongAckEvasion                   // raised
	Ev3whsSynackInWrongDirection                    // raised
	Ev3whsSynackResendWithDifferentAck              // raised
	Ev3whsSynackResendWithDiffSeq                   // raised
	Ev3whsSynackToserverOnSynRecv                   // raised
	Ev3whsSynackWithWrongAck                        // raised
	Ev3whsSynackFlood                               //
	Ev3whsSynackTfoDataIgnored                      //
	Ev3whsSynResendDiffSeqOnSynRecv                 // raised
	Ev3whsSynToclientOnSynRecv                      // raised
	Ev3whsWrongSeqWrongAck                          // raised
	Ev3whsAckDataInject                             //
	Ev4whsSynackWithWrongAck                        //
	Ev4whsSynackWithWrongSyn                        //
	Ev4whsWrongSeq                                  //
	Ev4whsInvalidAck                                //
	EvClosewaitAckOutOfWindow                       //
	EvClosewaitFinOutOfWindow                       //
	EvClosewaitInvalidAck                           //
	EvClosingAckWrongSeq                            //
	EvClosingInvalidAck                             //
	EvEstPacketOutOfWindow                          // raised
	EvEstPktBeforeLastAck                           // raised
	EvEstSynackResend                               // raised
	EvEstSynackResendWithDifferentAck               // raised
	EvEstSynackResendWithDiffSeq                    // raised
	EvEstSynackToserver                             // raised
	EvEstSynResend                                  // raised
	EvEstSynResendDiffSeq                           // raised
	EvEstSynToclient                                // raised
	EvEstInvalidAck                                 //
	EvFinInvalidAck                                 //
	EvFin1AckWrongSeq                               //
	EvFin1FinWrongSeq                               //
	EvFin1InvalidAck                                //
	EvFin2AckWrongSeq                               //
	EvFin2FinWrongSeq                               //
	EvFin2InvalidAck                                //
	EvFinButNoSession                               // raised
	EvFinOutOfWindow                                // raised
	EvLastackAckWrongSeq                            //
	EvLastackInvalidAck                             //
	EvRstButNoSession                               // raised
	EvTimewaitAckWrongSeq                           //
	EvTimewaitInvalidAck                            //
	EvPktInvalidTimestamp                           // raised
	EvPktInvalidAck                                 // raised
	EvPktBrokenAck                                  // raised
	EvRstInvalidAck                                 // raised
	EvShutdownSynResend                             // raised
	EvReassemblySeqGap                              // raised
	EvReassemblyOverlapDifferentData                // raised
	EvPktBadWindowUpdate                            //
	EvSuspectedRstInject                            //
	EvWrongThread                                   //
	EvFinSyn                                        // raised
	EvReassemblySegmentBeforeBaseSeq                // raised
	EvPktRetransmission                             // raised
	EvClosewaitPktBeforeLastAck                     //
	numEvents
)

var eventNames = [numEvents]string{
	"3whs_ack_in_wrong_dir", "3whs_async_wrong_seq", "3whs_right_seq_wrong_ack_evasion",
	"3whs_synack_in_wrong_direction", "3whs_synack_resend_with_different_ack",
	"3whs_synack_resend_with_diff_seq", "3whs_synack_toserver_on_syn_recv",
	"3whs_synack_with_wrong_ack", "3whs_synack_flood", "3whs_synack_tfo_data_ignored",
	"3whs_syn_resend_diff_seq_on_syn_recv", "3whs_syn_toclient_on_syn_recv",
	"3whs_wrong_seq_wrong_ack", "3whs_ack_data_inject", "4whs_synack_with_wrong_ack",
	"4whs_synack_with_wrong_syn", "4whs_wrong_seq", "4whs_invalid_ack",
	"closewait_ack_out_of_window", "closewait_fin_out_of_window", "closewait_invalid_ack",
	"closing_ack_wrong_seq", "closing_invalid_ack", "est_packet_out_of_window",
	"est_pkt_before_last_ack", "est_synack_resend", "est_synack_resend_with_different_ack",
	"est_synack_resend_with_diff_seq", "est_synack_toserver", "est_syn_resend",
	"est_syn_resend_diff_seq", "est_syn_toclient", "est_invalid_ack", "fin_invalid_ack",
	"fin1_ack_wrong_seq", "fin1_fin_wrong_seq", "fin1_invalid_ack", "fin2_ack_wrong_seq",
	"fin2_fin_wrong_seq", "fin2_invalid_ack", "fin_but_no_session", "fin_out_of_window",
	"lastack_ack_wrong_seq", "lastack_invalid_ack", "rst_but_no_session",
	"timewait_ack_wrong_seq", "timewait_invalid_ack", "pkt_invalid_timestamp",
	"pkt_invalid_ack", "pkt_broken_ack", "rst_invalid_ack", "shutdown_syn_resend",
	"reassembly_seq_gap", "reassembly_overlap_different_data", "pkt_bad_window_update",
	"suspected_rst_inject", "wrong_thread", "fin_syn", "reassembly_segment_before_base_seq",
	"pkt_retransmission", "closewait_pkt_before_last_ack",
}

// String returns the event's stream-event name, e.g.
// "reassembly_overlap_different_data".
func (e Event) String() string {
	if e < numEvents {
		return eventNames[e]
	}
	return "unknown"
}

// EventByName returns the event called name (without "stream."), for the
// stream-event rule keyword.
func EventByName(name string) (Event, bool) {
	for i, n := range eventNames {
		if n == name {
			return Event(i), true
		}
	}
	return 0, false
}

// Events is the set of events one packet raised.
type Events uint64

// Has reports whether e is in the set.
func (s Events) Has(e Event) bool { return s&(1<<e) != 0 }

// Len returns the number of events in the set.
func (s Events) Len() int { return bits.OnesCount64(uint64(s)) }

func (s *Events) add(e Event) { *s |= 1 << e }
