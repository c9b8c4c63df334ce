package bufid

// Modbus request fields shared by the parser (engine/applayer/modbus,
// which fills the ModbusRequest buffer) and the modbus keyword.

// Access type bits of a Modbus request.
const (
	ModbusAccessRead uint8 = 1 << iota
	ModbusAccessWrite
	ModbusAccessDiscretes
	ModbusAccessCoils
	ModbusAccessInput
	ModbusAccessHolding
	ModbusAccessSingle
	ModbusAccessMultiple
)

// Modbus function code categories.
const (
	ModbusCatNone uint8 = iota
	ModbusCatPublicAssigned
	ModbusCatPublicUnassigned
	ModbusCatUserDefined
	ModbusCatReserved
)

// Offsets in the ModbusRequest buffer (big-endian 16-bit fields): unit,
// function, category, access, flags (ModbusFlag*), subfunction, read
// address, read quantity, write address, write quantity, then the
// written values, two octets each.
const (
	ModbusReqUnit      = 0
	ModbusReqFunc      = 1
	ModbusReqCategory  = 2
	ModbusReqAccess    = 3
	ModbusReqFlags     = 4
	ModbusReqSub       = 5
	ModbusReqReadAddr  = 7
	ModbusReqReadQty   = 9
	ModbusReqWriteAddr = 11
	ModbusReqWriteQty  = 13
	ModbusReqValues    = 15
)

// Flags of ModbusReqFlags: which optional fields the request has.
const (
	ModbusFlagSub = 1 << iota
	ModbusFlagRead
	ModbusFlagWrite
)
