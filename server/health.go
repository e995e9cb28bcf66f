package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is up; it touches nothing else.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether the service can do its work: the database answers
// and takes a write. A database that reads but cannot write (read-only
// file, full disk) would otherwise be "ready" while every answer fails.
// The write probe runs at most once per writeProbeEvery however often a
// load balancer polls; between probes the last result is answered.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "error", err.Error())
		setRetryAfter(c, unavailableRetry)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	}
	if err := s.probe.check(ctx, s.cfg.Now(), s.store.ProbeWrite); err != nil {
		s.log.Warn("not ready", "error", err.Error())
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database not writable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// writeProbeEvery is how often /readyz writes to the database at most.
const writeProbeEvery = time.Second

// writeProbe remembers the last write probe. Concurrent polls wait for
// the one probe that runs and share its result.
type writeProbe struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	done bool
}

func (p *writeProbe) check(ctx context.Context, now time.Time, probe func(context.Context) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done && now.Sub(p.at) < writeProbeEvery && !now.Before(p.at) {
		return p.err
	}
	p.err, p.at, p.done = probe(ctx), now, true
	return p.err
}
