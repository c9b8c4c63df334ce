package detect

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// appEventItem is app-layer-event:proto.event: the transaction message of
// the inspected direction carries the event. The event buffer (4 bytes,
// little-endian bit set) is filled by the protocol parser; the names and
// where each event is raised are in detect/bufid/event.go.
// Docs: https://docs.suricata.io/en/latest/rules/app-layer.html#app-layer-event
type appEventItem struct{ bit uint32 }

func (a *appEventItem) relative() bool { return false }
func (a *appEventItem) retry() bool    { return false }
func (a *appEventItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 4 {
		return cursor, cursor, false
	}
	return cursor, cursor, binary.LittleEndian.Uint32(buf)&a.bit != 0
}

// setupAppLayerEvent compiles an event Vigil raises; any other name
// (another Suricata event, or a decoder/stream event) is unsupported, so
// the rule is skipped and counted rather than loaded to never match.
func setupAppLayerEvent(b *sigBuilder, a *ruleparser.Args) error {
	e, err := appEvent(a)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(e.Buf, &appEventItem{bit: e.Bit})
}

// supportedAppLayerEvent is the table's check, for rules check.
func supportedAppLayerEvent(o ruleparser.Option) error {
	a, ok := o.(*ruleparser.Args)
	if !ok {
		return errBadValue("app-layer-event option was not parsed by its parser")
	}
	_, err := appEvent(a)
	return err
}

// appEvent finds the event an option names.
func appEvent(a *ruleparser.Args) (bufid.AppEvent, error) {
	if len(a.Args) != 1 {
		return bufid.AppEvent{}, errBadValue("want one event")
	}
	name := strings.ToLower(strings.TrimSpace(a.Args[0]))
	for _, e := range bufid.AppEvents {
		if e.Name == name {
			return e, nil
		}
	}
	return bufid.AppEvent{}, fmt.Errorf("event %s is not raised by Vigil: %w", strconv.Quote(name), ErrUnsupported)
}
