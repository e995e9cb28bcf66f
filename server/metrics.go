package server

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/metrics"
	"trots/survey"
)

// serveMetrics writes the process' metrics in Prometheus' text format: GET
// /metrics, with the bearer token Config.MetricsToken. They are
// operational counts with no personal data (see package metrics); the
// route exists only when Config.Metrics and the token are set.
func (s *Server) serveMetrics(c echo.Context) error {
	want := s.cfg.MetricsToken
	got, bearer := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if want == "" || !bearer || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="trots metrics"`)
		return echo.NewHTTPError(http.StatusUnauthorized, "The metrics need the bearer token the operator configured.")
	}
	c.Response().Header().Set(echo.HeaderContentType, metrics.ContentType)
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	_, err := s.cfg.Metrics.WriteTo(c.Response())
	return err
}

// withMetrics puts the registry in every request's context, so that the
// analysis and reports a handler runs can record their durations.
func withMetrics(m *metrics.Registry) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			c.SetRequest(r.WithContext(metrics.NewContext(r.Context(), m)))
			return next(c)
		}
	}
}

// countingStore counts stored responses and replays. Submit returns only
// after the commit, so what is counted is durable.
type countingStore struct {
	store
	m *metrics.Registry
}

func (cs countingStore) Submit(ctx context.Context, sub survey.Submission) (survey.Receipt, error) {
	rc, err := cs.store.Submit(ctx, sub)
	switch {
	case err != nil:
	case rc.Replay:
		cs.m.ResponseReplayed()
	default:
		cs.m.ResponseStored()
	}
	return rc, err
}

var _ store = countingStore{}
