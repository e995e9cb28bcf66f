package server

import "github.com/labstack/echo/v4"

// routes is the sitemap of trots.
func (s *Server) routes() {
	s.e.GET("/healthz", s.healthz)
	s.e.GET("/readyz", s.readyz)
	s.e.GET("/static/:file", s.serveStatic)

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
}
