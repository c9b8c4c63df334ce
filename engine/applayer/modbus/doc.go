// Package modbus is Vigil's Modbus/TCP parser for TCP port 502.
//
// The stream is a series of ADUs: a 7-octet MBAP header (transaction id,
// protocol id 0, length, unit id) and a PDU of length-1 octets, whose
// first octet is the function code (with the high bit set in an exception
// response). Each request opens a transaction; the response with the same
// transaction id completes it. The request's function, subfunction,
// access type (read or write of discretes, coils, input or holding
// registers), address range and written values are decoded for the
// Suricata 8 "modbus" keyword (rules/modbus-keyword.html), exposed through
// package bufid's ModbusRequest buffer, together with the app-layer
// events (modbus.<name>) and the "modbus" EVE record.
//
// Buffer ownership: each message's PDU is copied; nothing of the input is
// kept. A Parser belongs to one flow (one worker) and is not safe for
// concurrent use.
package modbus
