package detect

import "testing"

// TestWSOpcode: numbers, comparisons, names and negated names.
func TestWSOpcode(t *testing.T) {
	for _, c := range []struct {
		arg   string
		match []uint64
		miss  []uint64
	}{
		{"1", []uint64{1}, []uint64{2}},
		{">8", []uint64{9, 10}, []uint64{8, 1}},
		{"ping", []uint64{9}, []uint64{10}},
		{"!text", []uint64{2, 9}, []uint64{1}},
		{"continuation", []uint64{0}, []uint64{1}},
	} {
		cmp, err := parseWSOpcode(c.arg)
		if err != nil {
			t.Fatalf("%q: %v", c.arg, err)
		}
		for _, v := range c.match {
			if !cmp.Match(v) {
				t.Errorf("%q does not match %d", c.arg, v)
			}
		}
		for _, v := range c.miss {
			if cmp.Match(v) {
				t.Errorf("%q matches %d", c.arg, v)
			}
		}
	}
	for _, bad := range []string{"pang", "256", ""} {
		if _, err := parseWSOpcode(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestWSFlags: the documented forms 128, &0x40=0x40 and fin,!comp.
func TestWSFlags(t *testing.T) {
	for _, c := range []struct {
		arg   string
		match []byte
		miss  []byte
	}{
		{"128", []byte{0x80}, []byte{0xc0}},
		{"&0x40=0x40", []byte{0x40, 0xc0}, []byte{0x80, 0}},
		{"&0x40!=0x40", []byte{0x80}, []byte{0xc0}},
		{"fin,!comp", []byte{0x80, 0xa0}, []byte{0xc0, 0x40, 0}},
		{"comp", []byte{0x40, 0xc0}, []byte{0x80}},
		{">0x7f", nil, nil},
	} {
		it, err := parseWSFlags(c.arg)
		if err != nil {
			t.Fatalf("%q: %v", c.arg, err)
		}
		for _, v := range c.match {
			if _, _, ok := it.find(nil, []byte{v}, 0, 0); !ok {
				t.Errorf("%q does not match %#x", c.arg, v)
			}
		}
		for _, v := range c.miss {
			if _, _, ok := it.find(nil, []byte{v}, 0, 0); ok {
				t.Errorf("%q matches %#x", c.arg, v)
			}
		}
	}
	for _, bad := range []string{"fin,fin", "rsv2", "&0x40", "300"} {
		if _, err := parseWSFlags(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
