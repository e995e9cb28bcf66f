package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const requestTimeout = 30 * time.Second

// client is one phone-like keep-alive connection that posts one request
// after the other. It writes the request itself and reads the answer
// with http.ReadResponse, on the goroutine that drives it: net/http's
// Transport would add a reader and a writer goroutine per connection and a
// connection pool, and on two cores the load generator's own scheduling
// would then weigh on the latencies it measures.
type client struct {
	host   string       // host:port
	local  *net.TCPAddr // the address to connect from; nil: any
	conn   net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	header string // the fixed header lines, each ending in CRLF
}

func newClient(host string, header http.Header) *client {
	var b strings.Builder
	for k, vs := range header {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	return &client{host: host, header: b.String()}
}

// post sends body to path and returns the status; the body of the answer
// is read and dropped, so that the connection can carry the next request.
func (c *client) post(path string, body []byte) (int, error) {
	if c.conn == nil {
		d := net.Dialer{Timeout: requestTimeout}
		if c.local != nil {
			d.LocalAddr = c.local
		}
		conn, err := d.Dial("tcp", c.host)
		if err != nil {
			return 0, err
		}
		c.conn, c.r, c.w = conn, bufio.NewReaderSize(conn, 4096), bufio.NewWriterSize(conn, 8192)
	}
	status, err := c.roundTrip(path, body)
	if err != nil {
		c.close() // the next request dials again
	}
	return status, err
}

func (c *client) roundTrip(path string, body []byte) (int, error) {
	// A server that stops answering fails the request instead of hanging
	// the run (net/http's Client.Timeout did this before).
	if err := c.conn.SetDeadline(time.Now().Add(requestTimeout)); err != nil {
		return 0, err
	}
	c.w.WriteString("POST " + path + " HTTP/1.1\r\nHost: " + c.host + "\r\n" + c.header)
	c.w.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	c.w.Write(body)
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return 0, fmt.Errorf("reading the answer: %w", err)
	}
	if res.Close {
		c.close()
	}
	return res.StatusCode, nil
}

func (c *client) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
