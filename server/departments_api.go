package server

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// The departments in the JSON API (HR admins, bearer API token; see
// openapi.json): create, change, delete and import a CSV, with the same
// rules and refusals as the console's pages.

// apiDepartmentRequest is the body of POST /api/v1/departments and PUT
// /api/v1/departments/{id}. Every field is required: a PUT replaces the
// department, and a missing field is more likely a mistake than a wish
// for a default.
type apiDepartmentRequest struct {
	Name              *string `json:"name"`
	Headcount         *int    `json:"headcount"`
	ExternallyVisible *bool   `json:"externally_visible"`
	// Parent is optional: the department this one belongs to, by id or
	// by name; "" puts it at the top level. Left out, a new department
	// goes to the top and a changed one stays where it is.
	Parent *string `json:"parent"`
}

// newAPIDepartment is d as the API answers it, placed in the tree of now.
func (s *Server) newAPIDepartment(ctx context.Context, d survey.Department) (apiDepartment, error) {
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return apiDepartment{}, err
	}
	return apiDepartmentIn(survey.NewTree(deps), d), nil
}

// resolveParent finds the department a request names as parent: by id,
// else by name (trimmed, without regard to case). ok is false when none
// has that id or name.
func resolveParent(deps []survey.Department, ref string) (id string, ok bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", true
	}
	for _, d := range deps {
		if d.ID == ref {
			return d.ID, true
		}
	}
	for _, d := range deps {
		if survey.DepartmentKey(d.Name) == survey.DepartmentKey(ref) {
			return d.ID, true
		}
	}
	return "", false
}

// bindAPIDepartment reads the body; on a refusal it has answered already
// and returns false.
func (s *Server) bindAPIDepartment(c echo.Context, lang, id string) (survey.Department, bool, error) {
	var req apiDepartmentRequest
	if ok, err := readAPIBody(c, lang, &req); !ok {
		return survey.Department{}, false, err
	}
	fields := survey.FieldErrors{}
	for name, missing := range map[string]bool{"name": req.Name == nil, "headcount": req.Headcount == nil,
		"externally_visible": req.ExternallyVisible == nil} {
		if missing {
			fields[name] = "dept_field_missing"
		}
	}
	if len(fields) > 0 {
		return survey.Department{}, false, apiError(c, http.StatusBadRequest, lang, "dept_invalid", fields)
	}
	d := survey.Department{ID: id, Name: *req.Name, Headcount: *req.Headcount, ExternallyVisible: *req.ExternallyVisible}
	if err := d.Validate(); err != nil {
		return survey.Department{}, false, apiDepartmentError(c, lang, err)
	}
	ctx := c.Request().Context()
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return survey.Department{}, false, err
	}
	if req.Parent == nil {
		for _, old := range deps {
			if old.ID == id && id != "" {
				d.ParentID = old.ParentID
			}
		}
		return d, true, nil
	}
	parent, found := resolveParent(deps, *req.Parent)
	if !found {
		return survey.Department{}, false, apiError(c, http.StatusBadRequest, lang, "dept_invalid", survey.FieldErrors{"parent": "dept_parent_unknown"})
	}
	d.ParentID = parent
	return d, true, nil
}

// apiDepartmentError answers a refusal of the store, or returns err when
// it is not one (an internal error).
func apiDepartmentError(c echo.Context, lang string, err error) error {
	if field, key, ok := departmentFieldError(err); ok {
		code := "dept_invalid"
		if survey.ErrorCode(err) == survey.EConflict {
			code = key
		}
		if key == "dept_resembles" {
			// The message names the department the name looks like.
			return apiErrorMessage(c, surveyStatus(err), code, i18n.T(lang, key, departmentErrorArgs(err)...), survey.FieldErrors{field: key})
		}
		return apiError(c, surveyStatus(err), lang, code, survey.FieldErrors{field: key})
	}
	if survey.ErrorCode(err) == survey.ENotFound {
		return apiError(c, http.StatusNotFound, lang, "dept_not_found", nil)
	}
	return err
}

func (s *Server) apiCreateDepartment(c echo.Context) error {
	ds, err := s.departmentStore()
	if err != nil {
		return err
	}
	lang := requestLang(c)
	d, ok, err := s.bindAPIDepartment(c, lang, "")
	if !ok {
		return err
	}
	d, err = ds.CreateDepartment(c.Request().Context(), d)
	if err != nil {
		return apiDepartmentError(c, lang, err)
	}
	s.log.Info("department created", "user", sessionOf(c).User.ID, "department", d.ID, "via", "api")
	if err := s.audit(c, "department.create", auditDepartment(d), fmt.Sprintf("headcount %d", d.Headcount)); err != nil {
		return err
	}
	out, err := s.newAPIDepartment(c.Request().Context(), d)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusCreated, out)
}

// apiDepartmentTarget is the opening of the API's update and delete: the
// store, the answer's language and the department id of the path. When ok
// is false the answer is given (a 404 for an id no department can have),
// or err says what failed.
func (s *Server) apiDepartmentTarget(c echo.Context) (ds departmentStore, lang, id string, ok bool, err error) {
	if ds, err = s.departmentStore(); err != nil {
		return nil, "", "", false, err
	}
	lang, id = requestLang(c), c.Param("id")
	if !survey.ValidID(id) {
		return nil, "", "", false, apiError(c, http.StatusNotFound, lang, "dept_not_found", nil)
	}
	return ds, lang, id, true, nil
}

func (s *Server) apiUpdateDepartment(c echo.Context) error {
	ds, lang, id, ok, err := s.apiDepartmentTarget(c)
	if !ok {
		return err
	}
	d, ok, err := s.bindAPIDepartment(c, lang, id)
	if !ok {
		return err
	}
	before, err := ds.Department(c.Request().Context(), id)
	if err != nil {
		return apiDepartmentError(c, lang, err)
	}
	if err := ds.UpdateDepartment(c.Request().Context(), d); err != nil {
		return apiDepartmentError(c, lang, err)
	}
	s.log.Info("department updated", "user", sessionOf(c).User.ID, "department", id, "via", "api")
	if err := s.auditDepartmentChange(c, before, d); err != nil {
		return err
	}
	out, err := s.newAPIDepartment(c.Request().Context(), d)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, out)
}

func (s *Server) apiDeleteDepartment(c echo.Context) error {
	ds, lang, id, ok, err := s.apiDepartmentTarget(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	before, err := ds.Department(ctx, id)
	if err != nil {
		return apiDepartmentError(c, lang, err)
	}
	err = ds.DeleteDepartment(ctx, id)
	if survey.ErrorCode(err) == survey.EConflict {
		usage, uerr := ds.DepartmentUsage(ctx, id)
		if uerr != nil {
			return uerr
		}
		fields := survey.FieldErrors{}
		if usage.Responses || !usage.InUse() {
			fields["responses"] = "dept_has_responses"
		}
		if usage.Decisions {
			fields["decisions"] = "dept_has_decisions"
		}
		if usage.Leads {
			fields["leads"] = "dept_has_leads"
		}
		if usage.Children {
			fields["children"] = "dept_has_children"
		}
		return apiError(c, http.StatusConflict, lang, "dept_in_use", fields)
	}
	if err != nil {
		return apiDepartmentError(c, lang, err)
	}
	s.log.Info("department deleted", "user", sessionOf(c).User.ID, "department", id, "via", "api")
	if err := s.auditDepartmentDelete(c, before); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.NoContent(http.StatusNoContent)
}

// apiImportLine is one problem of a refused import.
type apiImportLine struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type apiImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// apiImportDepartments takes a CSV body (text/csv, UTF-8) and stores all of
// its departments, or none.
func (s *Server) apiImportDepartments(c echo.Context) error {
	ds, err := s.departmentStore()
	if err != nil {
		return err
	}
	lang := requestLang(c)
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	cs := strings.ToLower(params["charset"])
	if err != nil || (mt != "text/csv" && mt != "text/plain" && mt != "application/csv") || (cs != "" && cs != "utf-8" && cs != "us-ascii") {
		return apiError(c, http.StatusUnsupportedMediaType, lang, "dept_import_media_type", nil)
	}
	deps, lineErrs := survey.ParseDepartmentsCSV(c.Request().Body)
	if len(lineErrs) > 0 {
		lines := make([]apiImportLine, len(lineErrs))
		for i, e := range lineErrs {
			lines[i] = apiImportLine{Line: e.Line, Code: e.Key, Message: lineErrorText(lang, e)}
		}
		type body struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Lines   []apiImportLine `json:"lines"`
		}
		status := http.StatusBadRequest
		if len(lineErrs) == 1 && lineErrs[0].Key == "dept_csv_too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(status, map[string]body{"error": {Code: "dept_import_invalid", Message: i18n.T(lang, "dept_import_invalid"), Lines: lines}})
	}
	created, updated, err := ds.ImportDepartments(c.Request().Context(), deps)
	if key, ok := importErrorKey(err); ok {
		return apiErrorMessage(c, surveyStatus(err), key, i18n.T(lang, key, departmentErrorArgs(err)...), nil)
	}
	if err != nil {
		return err
	}
	s.log.Info("departments imported", "user", sessionOf(c).User.ID, "created", created, "updated", updated, "via", "api")
	if err := s.auditImport(c, created, updated, len(deps)); err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, apiImportResult{Created: created, Updated: updated, Unchanged: len(deps) - created - updated})
}
