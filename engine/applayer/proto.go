package applayer

import "vigil/detect/bufid"

// Proto is an application-layer protocol (package bufid lists them,
// shared with detection).
type Proto = bufid.Proto

// Direction is the direction of stream data relative to the flow's initiator.
type Direction uint8

// Directions. ToServer is client to server (the flow initiator's side).
const (
	ToServer Direction = iota
	ToClient
)

// String returns "to_server" or "to_client".
func (d Direction) String() string {
	if d == ToClient {
		return "to_client"
	}
	return "to_server"
}

// Reverse returns the opposite direction.
func (d Direction) Reverse() Direction { return d ^ 1 }
