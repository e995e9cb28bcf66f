package server

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/netutil"
)

// Connections: slow clients must not take the service away from the
// people answering. Every connection costs a file descriptor and some
// memory for as long as it stays open, so
//
//   - at most Config.MaxConns are open at once (netutil.LimitListener:
//     beyond it, new ones wait in the kernel's backlog, and the file
//     descriptors are never exhausted);
//   - one source (address) holds at most Config.MaxConnsPerSource of them;
//     more are closed as soon as they are accepted, so one machine cannot
//     take the whole allowance. A trusted reverse proxy is no source: it
//     carries everyone, and limits per client itself (README, deployment);
//   - headers must arrive within Config.HeaderTimeout, the body of a
//     survey post within Config.SurveyBodyTimeout (surveyBodyDeadline), and
//     an idle keep-alive connection closes after Config.IdleTimeout.

// limitConns wraps ln with the total and per-source caps of cfg.
func limitConns(ln net.Listener, cfg Config) *sourceListener {
	return &sourceListener{Listener: netutil.LimitListener(ln, cfg.MaxConns), perSource: cfg.MaxConnsPerSource,
		trusted: cfg.TrustedProxies, open: map[string]int{}}
}

// sourceListener closes connections from a source that has perSource
// open already. Its map holds only sources with open connections, so it is
// bounded by the total cap.
type sourceListener struct {
	net.Listener
	perSource int
	trusted   []*net.IPNet
	mu        sync.Mutex
	open      map[string]int
}

func (l *sourceListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, ip := connSource(c.RemoteAddr())
		if ip != nil && l.isTrusted(ip) {
			return c, nil
		}
		l.mu.Lock()
		if l.open[key] >= l.perSource {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &sourceConn{Conn: c, release: func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open[key]--; l.open[key] <= 0 {
				delete(l.open, key)
			}
		}}, nil
	}
}

func (l *sourceListener) isTrusted(ip net.IP) bool {
	for _, n := range l.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// openFrom is how many connections key has open, for tests.
func (l *sourceListener) openFrom(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[key]
}

// connSource is the key of a connection's source: its IP address, or the
// /64 of an IPv6 one.
func connSource(a net.Addr) (string, net.IP) {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String(), nil
	}
	if tcp.IP.To4() == nil {
		return tcp.IP.Mask(net.CIDRMask(64, 128)).String(), tcp.IP
	}
	return tcp.IP.String(), tcp.IP
}

type sourceConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *sourceConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// surveyBodyDeadline gives a survey post Config.SurveyBodyTimeout to send
// its body: a survey is a few kilobytes, and a client that trickles it
// holds a connection for nothing. (The server's ReadTimeout, for the
// console's uploads, is longer.)
func (s *Server) surveyBodyDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(s.cfg.SurveyBodyTimeout))
		if err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return next(c)
	}
}
