package server

import "github.com/labstack/echo/v4"

// routes is the sitemap of trots.
func (s *Server) routes() {
	s.e.GET("/healthz", s.healthz)
	s.e.GET("/readyz", s.readyz)
	s.e.GET("/static/:file", s.serveStatic)
	if s.cfg.Metrics != nil {
		s.e.GET("/metrics", s.serveMetrics) // operational counts, nothing personal
	}

	// Respondents answer through their department's link, or through a
	// single-use invitation. Posts must come from the survey's own pages
	// and are rate limited per link, never per address.
	formPost := []echo.MiddlewareFunc{crossOrigin(s.denyCrossOriginPage), s.perLink(s.denyRatePage)}
	s.e.GET("/s/:code", s.surveyForm)
	s.e.POST("/s/:code", s.surveySubmit, formPost...)
	s.e.GET("/s/:code/thanks", s.surveyThanks)
	s.e.GET("/i/:token", s.invitationForm)
	s.e.POST("/i", s.invitationSubmit, formPost...)
	s.e.GET("/i/thanks", s.invitationThanks)

	// The same survey as JSON, for organisations that show it elsewhere.
	s.e.GET("/api/v1/surveys/:code", s.apiSurvey)
	s.e.POST("/api/v1/surveys/:code/responses", s.apiSubmit, crossOrigin(s.denyCrossOriginAPI), s.perLink(s.denyRateAPI))
	s.e.GET("/api/openapi.json", s.openAPI)

	// The console: HR and management log in; every route below the login
	// names the roles it admits (requireRole, console.go), and forms carry
	// the session's CSRF token. A store without accounts has no console.
	if s.accounts != nil {
		s.e.GET("/login", s.loginForm)
		s.e.POST("/login", s.login, crossOrigin(s.denyCrossOriginConsole), s.loginRate())
		s.e.POST("/logout", s.logout, s.requireRole(anyRole...))
		s.e.GET("/board", s.board, s.requireRole(anyRole...))
		s.e.GET("/board.csv", s.boardCSV, s.requireRole(anyRole...))
		s.e.GET("/board/departments/:id", s.boardDepartment, s.requireRole(anyRole...))
		s.e.POST("/board/departments/:id/decisions", s.recordDecision, s.requireRole(deciders...))
		s.e.GET("/users", s.users, s.requireRole(adminsOnly...))
		s.e.GET("/participation", s.participation, s.requireRole(adminsOnly...))
		// The same as JSON, with per-user API tokens (openapi.json).
		s.e.GET("/api/v1/departments", s.apiDepartments, s.requireRole(anyRole...))
		s.e.GET("/api/v1/pulses", s.apiPulses, s.requireRole(anyRole...))
		s.e.GET("/api/v1/pulses/:id/results", s.apiResults, s.requireRole(anyRole...))
		s.e.GET("/api/v1/pulses/:id/decisions", s.apiDecisions, s.requireRole(anyRole...))
		s.e.POST("/api/v1/pulses/:id/decisions", s.apiRecordDecision, s.requireRole(deciders...))
	}
}
