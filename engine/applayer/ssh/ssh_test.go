package ssh

import (
	"crypto/md5"
	"encoding/hex"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func nameList(s string) []byte {
	return append([]byte{byte(len(s) >> 24), byte(len(s) >> 16), byte(len(s) >> 8), byte(len(s))}, s...)
}

// kexinit builds a binary packet carrying a KEXINIT with the given lists.
func kexinit(lists [10]string) []byte {
	payload := []byte{msgKexInit}
	payload = append(payload, make([]byte, 16)...)
	for _, l := range lists {
		payload = append(payload, nameList(l)...)
	}
	payload = append(payload, 0, 0, 0, 0, 0)
	pad := 8 - (len(payload)+5)%8
	if pad < 4 {
		pad += 8
	}
	n := 1 + len(payload) + pad
	pkt := []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), byte(pad)}
	pkt = append(pkt, payload...)
	return append(pkt, make([]byte, pad)...)
}

var newKeys = []byte{0, 0, 0, 12, 10, msgNewKeys, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

func TestHandshake(t *testing.T) {
	lists := [10]string{"curve25519-sha256,diffie-hellman-group14-sha1", "ssh-ed25519",
		"aes128-ctr,aes256-ctr", "aes256-gcm@openssh.com", "hmac-sha2-256", "hmac-sha1", "none,zlib", "none", "", ""}
	client := append([]byte("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\r\n"), kexinit(lists)...)
	client = append(client, newKeys...)
	server := append([]byte("Welcome line\r\nSSH-2.0-dropbear_2020.81\r\n"), kexinit(lists)...)
	server = append(server, newKeys...)
	for _, step := range []int{1, 3, 1000} {
		p := New()
		for i := 0; i < max(len(client), len(server)); i += step {
			if i < len(client) {
				p.Parse(applayer.ToServer, client[i:min(i+step, len(client))])
			}
			if i < len(server) {
				p.Parse(applayer.ToClient, server[i:min(i+step, len(server))])
			}
		}
		tx := p.Tx()
		cs := "curve25519-sha256,diffie-hellman-group14-sha1;aes128-ctr,aes256-ctr;hmac-sha2-256;none,zlib"
		ss := "curve25519-sha256,diffie-hellman-group14-sha1;aes256-gcm@openssh.com;hmac-sha1;none"
		sum := md5.Sum([]byte(cs))
		checks := []struct {
			dir  applayer.Direction
			b    applayer.BufferID
			want string
		}{
			{applayer.ToServer, bufid.SSHProto, "2.0"},
			{applayer.ToServer, bufid.SSHSoftware, "OpenSSH_8.9p1"},
			{applayer.ToClient, bufid.SSHSoftware, "dropbear_2020.81"},
			{applayer.ToServer, bufid.HASSHString, cs},
			{applayer.ToServer, bufid.HASSH, hex.EncodeToString(sum[:])},
			{applayer.ToClient, bufid.HASSHServerString, ss},
		}
		for _, c := range checks {
			if got := string(tx.Buffer(c.dir, c.b)); got != c.want {
				t.Errorf("step %d: %v = %q, want %q", step, c.b, got, c.want)
			}
		}
		if p.State()&applayer.StateEncrypted == 0 {
			t.Errorf("step %d: not encrypted", step)
		}
	}
}

func TestBadPacketLength(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("SSH-2.0-x\r\n\xff\xff\xff\xff"))
	if p.State()&applayer.StateError == 0 {
		t.Errorf("state %v", p.State())
	}
}

func TestEncryptedAllocs(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, append([]byte("SSH-2.0-x\r\n"), newKeys...))
	p.Parse(applayer.ToClient, append([]byte("SSH-2.0-y\r\n"), newKeys...))
	if p.State()&applayer.StateEncrypted == 0 {
		t.Fatal("not encrypted")
	}
	seg := make([]byte, 1400)
	if n := testing.AllocsPerRun(100, func() { p.Parse(applayer.ToServer, seg) }); n != 0 {
		t.Errorf("encrypted segment allocates %v", n)
	}
}
