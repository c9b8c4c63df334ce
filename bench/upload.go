package bench

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The large-upload load of engine's TestLiveLoad, for the live rows: 16
// connections, each carrying 16 HTTP POSTs of 64 KiB of random letters
// before a new one starts, to a TCP discard server. vigil-bench runs both
// ends as `vigil-bench live-helper sink|upload` inside the namespaces.

// UploadSink accepts connections on addr and discards what they send,
// until the listener fails (the process is killed).
func UploadSink(addr string) error {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return fmt.Errorf("upload sink: %w", err)
	}
	defer ln.Close()
	for {
		c, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("upload sink: %w", err)
		}
		go func() {
			defer c.Close()
			io.Copy(io.Discard, c)
		}()
	}
}

// UploadBody is the 64 KiB body of every upload: letters from a xorshift
// generator, with a space now and then.
func UploadBody() []byte {
	body := make([]byte, 64<<10)
	x := uint32(2463534242)
	for i := range body {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body[i] = 'a' + byte(x%26)
		if x%61 == 0 {
			body[i] = ' '
		}
	}
	return body
}

// Upload sends uploads to addr over 16 connections for d and returns the
// bytes written.
func Upload(addr string, d time.Duration) (uint64, error) {
	body := UploadBody()
	deadline := time.Now().Add(d)
	var total atomic.Uint64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for conn := 0; time.Now().Before(deadline); conn++ {
				c, err := net.Dial("tcp4", addr)
				if err != nil {
					errs <- err
					return
				}
				c.SetWriteDeadline(deadline)
				for req := 0; req < 16 && time.Now().Before(deadline); req++ {
					hdr := fmt.Sprintf("POST /upload/%d/%d/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil-load/1.0\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n",
						g, conn, req, addr, len(body))
					k1, err1 := c.Write([]byte(hdr))
					k2, err2 := c.Write(body)
					total.Add(uint64(k1 + k2))
					if err1 != nil || err2 != nil {
						break
					}
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return total.Load(), fmt.Errorf("upload: %w", err)
	default:
	}
	return total.Load(), nil
}
