package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
)

// The JSON bodies of the console's API are read the way the survey API
// reads its answers (survey_api.go): JSON only, by its media type; no field
// the request does not know; one JSON value and nothing after it but
// whitespace. A body that fails any of these is refused before anything is
// looked up or stored.

// apiBodyLimit is the largest JSON body the console's API reads.
const apiBodyLimit = 16 << 10

// readAPIBody reads the JSON body of a console API request into v. When it
// refuses the body it has answered already, and returns false with the
// error of writing the answer:
//
//   - 415 unsupported_media_type when the Content-Type is not
//     application/json (a charset, when given, must be UTF-8);
//   - 413 too_large when the body is over apiBodyLimit;
//   - 400 bad_request when the body is not a JSON value of v's shape, names
//     a field v does not have (the message names it), or has more than
//     whitespace after the value.
func readAPIBody(c echo.Context, lang string, v any) (bool, error) {
	if !jsonMediaType(c.Request().Header.Get("Content-Type")) {
		return false, apiBodyUnsupported(c, lang)
	}
	raw, ok, err := readAPIBodyBytes(c, lang)
	if !ok {
		return false, err
	}
	return decodeAPIBody(c, lang, raw, v)
}

// readOptionalAPIBody is readAPIBody for a body that may be left out: an
// empty body, or one of whitespace only, is no body whatever its
// Content-Type, and leaves v as it is.
func readOptionalAPIBody(c echo.Context, lang string, v any) (bool, error) {
	raw, ok, err := readAPIBodyBytes(c, lang)
	if !ok {
		return false, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return true, nil
	}
	if !jsonMediaType(c.Request().Header.Get("Content-Type")) {
		return false, apiBodyUnsupported(c, lang)
	}
	return decodeAPIBody(c, lang, raw, v)
}

// jsonMediaType tells whether a Content-Type header says JSON in UTF-8.
func jsonMediaType(header string) bool {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

func apiBodyUnsupported(c echo.Context, lang string) error {
	return apiRefusal(c, http.StatusUnsupportedMediaType, lang, "unsupported_media_type", "api_unsupported_media_type")
}

// readAPIBodyBytes reads the whole body, up to apiBodyLimit.
func readAPIBodyBytes(c echo.Context, lang string) ([]byte, bool, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, apiBodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		var he *echo.HTTPError // the server's own limit (middleware.BodyLimit)
		if errors.As(err, &tooLarge) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return nil, false, apiRefusal(c, http.StatusRequestEntityTooLarge, lang, "too_large", "api_too_large", apiBodyLimit>>10)
		}
		return nil, false, apiError(c, http.StatusBadRequest, lang, "bad_request", nil)
	}
	return raw, true, nil
}

// decodeAPIBody decodes raw into v: exactly one JSON value, with no field
// v does not know.
func decodeAPIBody(c echo.Context, lang string, raw []byte, v any) (bool, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if field, ok := unknownField(err); ok {
			return false, apiRefusal(c, http.StatusBadRequest, lang, "bad_request", "api_unknown_field", field)
		}
		return false, apiError(c, http.StatusBadRequest, lang, "bad_request", nil)
	}
	// A second value, a stray '}' or any other text after the value: the
	// client sent something other than it meant, so nothing of it is used.
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return false, apiRefusal(c, http.StatusBadRequest, lang, "bad_request", "api_trailing_data")
	}
	return true, nil
}

// unknownField is the name of the field in a DisallowUnknownFields error.
func unknownField(err error) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return "", false
	}
	name, err := strconv.Unquote(rest)
	return name, err == nil
}

// apiRefusal is apiError with a message of its own: code is the stable code
// (as the survey API gives it), the message the text of key in lang with
// args filled in, saying what exactly was refused.
func apiRefusal(c echo.Context, status int, lang, code, key string, args ...any) error {
	type body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, map[string]body{"error": {Code: code, Message: i18n.T(lang, key, args...)}})
}
