// Package bufid is the vocabulary shared by the app-layer parsers that fill
// inspection buffers (engine/applayer and its subpackages) and detection
// that inspects them (detect): the ID of every buffer, the Proto of every
// app-layer protocol, and per buffer its keyword name, protocol, direction
// and shape (Spec).
//
// It exists so that each of these facts is written once. Before it, detect
// and applayer each had an enum of buffers, joined by name when the engine
// started (a misspelt name silently left a buffer unmatched), and the app
// protocol went from an enum to a string and back through a map on every
// transaction. Both sides now use the same IDs, and arrays indexed by them.
//
// The package imports nothing from the project so that both detect (which
// must never import engine) and engine/applayer (which must not import
// detect) can depend on it. It holds data only: no parsing of traffic and
// no matching.
package bufid
