package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc describes the JSON API (OpenAPI 3.1).
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the API description: GET /api/openapi.json.
func (s *Server) openAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}
