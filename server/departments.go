package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// The departments pages (HR admins): the list with a form to add one, a
// CSV import for many at once, and a page per department to change or
// delete it. Forms post back here; an error shows next to its field with
// what was typed, and nothing is stored.

// departmentStore is what the departments pages and API need of the store.
type departmentStore interface {
	Departments(ctx context.Context) ([]survey.Department, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	CreateDepartment(ctx context.Context, d survey.Department) (survey.Department, error)
	UpdateDepartment(ctx context.Context, d survey.Department) error
	DeleteDepartment(ctx context.Context, id string) error
	DepartmentUsage(ctx context.Context, id string) (survey.DepartmentUsage, error)
	ImportDepartments(ctx context.Context, deps []survey.DepartmentImport) (created, updated int, err error)
}

var _ departmentStore = (*survey.Store)(nil)

// departmentStore returns the store as a departmentStore. The console only
// exists with a store that has accounts, which is the survey store.
func (s *Server) departmentStore() (departmentStore, error) {
	ds, ok := s.data.(departmentStore)
	if !ok {
		return nil, errors.New("server: the store cannot manage departments")
	}
	return ds, nil
}

// departmentForm is the create and edit form as typed.
type departmentForm struct {
	Name      string
	Headcount string
	Visible   bool
	// Parent is the id of the department it belongs to, "" at the top;
	// Parents are the choices (the department's own branch left out).
	Parent  string
	Parents []parentOption
	// Errors maps a field (name, headcount) to its message.
	Errors map[string]string
}

func bindDepartmentForm(r *http.Request) departmentForm {
	return departmentForm{Name: r.PostFormValue("name"), Headcount: strings.TrimSpace(r.PostFormValue("headcount")),
		Visible: r.PostFormValue("externally_visible") != "", Parent: r.PostFormValue("parent")}
}

// parentOption is one department a department can be placed below.
type parentOption struct {
	ID, Path string
	Selected bool
}

// parentOptions are the departments that self (empty for a new one) may
// belong to, by path: all but self's own branch.
func parentOptions(deps []survey.Department, self, selected string) []parentOption {
	tree := survey.NewTree(deps)
	var out []parentOption
	for _, d := range deps {
		if self != "" && tree.Within(d.ID, self) {
			continue
		}
		out = append(out, parentOption{ID: d.ID, Path: tree.Path(d.ID), Selected: d.ID == selected})
	}
	slices.SortFunc(out, func(a, b parentOption) int { return strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)) })
	return out
}

func formOf(d survey.Department) departmentForm {
	return departmentForm{Name: d.Name, Headcount: strconv.Itoa(d.Headcount), Visible: d.ExternallyVisible, Parent: d.ParentID}
}

// department builds the domain value; false (with f.Errors filled in, in
// lang) when a field is not valid.
func (f *departmentForm) department(lang, id string) (survey.Department, bool) {
	f.Errors = map[string]string{}
	d := survey.Department{ID: id, Name: f.Name, ExternallyVisible: f.Visible, ParentID: f.Parent}
	switch {
	case f.Headcount == "":
		f.Errors["headcount"] = i18n.T(lang, "dept_headcount_missing")
	case strings.Trim(strings.TrimPrefix(f.Headcount, "-"), "0123456789") != "" || f.Headcount == "-":
		f.Errors["headcount"] = i18n.T(lang, "dept_headcount_number")
	default:
		n, err := strconv.Atoi(f.Headcount)
		if err != nil || n < 0 || n > survey.MaxHeadcount {
			// Said here rather than by Validate, which stops at the
			// first problem: a missing name would hide this one.
			f.Errors["headcount"] = i18n.T(lang, "dept_headcount_range", survey.MaxHeadcount)
		}
		d.Headcount = n
	}
	if err := d.Validate(); err != nil {
		f.setError(lang, err)
	}
	return d, len(f.Errors) == 0
}

// setError puts a domain error next to its field; false when err is not
// about a field.
func (f *departmentForm) setError(lang string, err error) bool {
	field, key, ok := departmentFieldError(err)
	if !ok {
		return false
	}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, taken := f.Errors[field]; !taken {
		f.Errors[field] = i18n.T(lang, key, departmentErrorArgs(err)...)
	}
	return true
}

// departmentFieldError maps the store's department errors to a field and
// a text of this room.
func departmentFieldError(err error) (field, key string, ok bool) {
	switch survey.ErrorKey(err) {
	case "department_name_missing":
		return "name", "dept_name_missing", true
	case "department_name_invalid":
		return "name", "dept_name_invalid", true
	case "department_name_long":
		return "name", "dept_name_long", true
	case "department_exists":
		return "name", "dept_exists", true
	case "department_resembles":
		return "name", "dept_resembles", true
	case "department_headcount":
		return "headcount", "dept_headcount_range", true
	case "department_parent_unknown":
		return "parent", "dept_parent_unknown", true
	case "department_parent_cycle":
		return "parent", "dept_parent_cycle", true
	case "department_too_deep":
		return "parent", "dept_too_deep", true
	case "department_move_open_pulse":
		return "parent", "dept_move_open_pulse", true
	}
	return "", "", false
}

// departmentErrorArgs fill the placeholders of a department refusal: {0}
// the largest headcount, then the error's own (for dept_resembles, {1}
// the existing name and {2} the name given).
func departmentErrorArgs(err error) []any {
	args := []any{survey.MaxHeadcount}
	for _, a := range survey.ErrorArgs(err) {
		args = append(args, a)
	}
	return args
}

// inUseReasons are the texts saying why a department cannot be deleted.
func inUseReasons(lang string, u survey.DepartmentUsage) []string {
	var out []string
	if u.Responses {
		out = append(out, i18n.T(lang, "dept_has_responses"))
	}
	if u.Decisions {
		out = append(out, i18n.T(lang, "dept_has_decisions"))
	}
	if u.Leads {
		out = append(out, i18n.T(lang, "dept_has_leads"))
	}
	if u.Children {
		out = append(out, i18n.T(lang, "dept_has_children"))
	}
	return out
}

// departmentsPage is /departments.
type departmentsPage struct {
	consolePage
	Rows   []departmentListRow
	Notice string
	Form   departmentForm
	Import departmentImport
	MaxRows,
	MaxKB int
}

// departmentListRow is a department of the list with where it sits and
// its people with everything below it.
type departmentListRow struct {
	survey.Department
	Within string // the parent's path, "" at the top
	Total  int    // own headcount plus that of every department below
}

// departmentImport is the import form's outcome.
type departmentImport struct {
	Text    string   // pasted lines, kept when refused
	Errors  []string // one per problem, with its line
	Summary string
}

// newDepartmentsPage builds the list page; its language switch leads to
// /departments even when it answers a post.
func (s *Server) newDepartmentsPage(c echo.Context) (departmentsPage, error) {
	ds, err := s.departmentStore()
	if err != nil {
		return departmentsPage{}, err
	}
	p := departmentsPage{consolePage: s.newConsolePage(c, "dept_title", "departments"),
		Form: departmentForm{Visible: true}, MaxRows: survey.MaxImportRows, MaxKB: survey.MaxImportBytes >> 10}
	langLinksTo(&p.consolePage, "/departments")
	deps, err := ds.Departments(c.Request().Context())
	if err != nil {
		return departmentsPage{}, err
	}
	tree := survey.NewTree(deps)
	for _, d := range deps {
		r := departmentListRow{Department: d, Total: tree.TotalHeadcount(d.ID)}
		if up := tree.Ancestors(d.ID); len(up) > 0 {
			r.Within = tree.Path(up[len(up)-1].ID)
		}
		p.Rows = append(p.Rows, r)
	}
	slices.SortFunc(p.Rows, func(a, b departmentListRow) int {
		return strings.Compare(strings.ToLower(tree.Path(a.ID)), strings.ToLower(tree.Path(b.ID)))
	})
	p.Form.Parents = parentOptions(deps, "", p.Form.Parent)
	return p, nil
}

// langLinksTo points the language switch at path: a page that answers a
// post cannot be fetched again in the other language.
func langLinksTo(p *consolePage, path string) {
	for i := range p.Langs {
		p.Langs[i].Href = path + "?lang=" + p.Langs[i].Code
	}
}

func (s *Server) departmentsList(c echo.Context) error {
	p, err := s.newDepartmentsPage(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	switch q.Get("done") {
	case "created", "updated", "deleted":
		p.Notice = p.T("dept_" + q.Get("done"))
	case "imported":
		n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return max(v, 0) }
		p.Import.Summary = p.T("dept_import_done", n("created"), n("updated"), n("unchanged"))
	}
	return s.renderConsole(c, http.StatusOK, "departments", p)
}

func (s *Server) createDepartment(c echo.Context) error {
	ds, err := s.departmentStore()
	if err != nil {
		return err
	}
	lang := s.consoleLang(c)
	f := bindDepartmentForm(c.Request())
	d, ok := f.department(lang, "")
	status := http.StatusBadRequest
	if ok {
		d, err = ds.CreateDepartment(c.Request().Context(), d)
		if err == nil {
			s.log.Info("department created", "user", sessionOf(c).User.ID, "department", d.ID)
			if err := s.audit(c, "department.create", auditDepartment(d), fmt.Sprintf("headcount %d", d.Headcount)); err != nil {
				return err
			}
			// With its own fragment: the form's (#dept-create-heading) would
			// be inherited by the redirect and hide the notice.
			return c.Redirect(http.StatusSeeOther, "/departments?done=created#dept-notice")
		}
		if !f.setError(lang, err) {
			return err
		}
		status = surveyStatus(err)
	}
	p, err := s.newDepartmentsPage(c)
	if err != nil {
		return err
	}
	f.Parents = p.Form.Parents
	for i := range f.Parents {
		f.Parents[i].Selected = f.Parents[i].ID == f.Parent
	}
	p.Form = f
	return s.renderConsole(c, status, "departments", p)
}

// departmentEditPage is /departments/:id.
type departmentEditPage struct {
	consolePage
	Department survey.Department
	Form       departmentForm
	// InUse says why the department cannot be deleted; DeleteRefused that
	// a delete was just tried.
	InUse         []string
	DeleteRefused bool
	ConfirmError  string
}

// loadDepartmentPage reads the department of the path; a wrong id is 404.
func (s *Server) loadDepartmentPage(c echo.Context) (departmentEditPage, departmentStore, error) {
	ds, err := s.departmentStore()
	if err != nil {
		return departmentEditPage{}, nil, err
	}
	id := c.Param("id")
	if !survey.ValidID(id) {
		return departmentEditPage{}, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	d, err := ds.Department(ctx, id)
	if survey.ErrorCode(err) == survey.ENotFound {
		return departmentEditPage{}, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return departmentEditPage{}, nil, err
	}
	usage, err := ds.DepartmentUsage(ctx, id)
	if err != nil {
		return departmentEditPage{}, nil, err
	}
	deps, err := ds.Departments(ctx)
	if err != nil {
		return departmentEditPage{}, nil, err
	}
	p := departmentEditPage{consolePage: s.newConsolePage(c, "dept_edit_title", "departments"), Department: d, Form: formOf(d)}
	p.Form.Parents = parentOptions(deps, d.ID, d.ParentID)
	p.Title = d.Name
	p.InUse = inUseReasons(p.Lang, usage)
	langLinksTo(&p.consolePage, "/departments/"+id)
	return p, ds, nil
}

func (s *Server) departmentEdit(c echo.Context) error {
	p, _, err := s.loadDepartmentPage(c)
	if err != nil {
		return err
	}
	return s.renderConsole(c, http.StatusOK, "department_edit", p)
}

func (s *Server) updateDepartment(c echo.Context) error {
	p, ds, err := s.loadDepartmentPage(c)
	if err != nil {
		return err
	}
	parents := p.Form.Parents
	p.Form = bindDepartmentForm(c.Request())
	p.Form.Parents = parents
	for i := range parents {
		parents[i].Selected = parents[i].ID == p.Form.Parent
	}
	d, ok := p.Form.department(p.Lang, p.Department.ID)
	status := http.StatusBadRequest
	if ok {
		err = ds.UpdateDepartment(c.Request().Context(), d)
		if err == nil {
			s.log.Info("department updated", "user", sessionOf(c).User.ID, "department", d.ID)
			if err := s.auditDepartmentChange(c, p.Department, d); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/departments?done=updated")
		}
		if survey.ErrorCode(err) == survey.ENotFound {
			return echo.NewHTTPError(http.StatusNotFound) // deleted meanwhile
		}
		if !p.Form.setError(p.Lang, err) {
			return err
		}
		status = surveyStatus(err)
	}
	return s.renderConsole(c, status, "department_edit", p)
}

func (s *Server) deleteDepartment(c echo.Context) error {
	p, ds, err := s.loadDepartmentPage(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if len(p.InUse) == 0 && c.Request().PostFormValue("confirm") == "" {
		p.ConfirmError = p.T("dept_delete_unconfirmed")
		return s.renderConsole(c, http.StatusBadRequest, "department_edit", p)
	}
	err = ds.DeleteDepartment(ctx, p.Department.ID)
	switch survey.ErrorCode(err) {
	case survey.EConflict:
		// The store refuses; say why (answers may have arrived since the
		// page was shown).
		usage, uerr := ds.DepartmentUsage(ctx, p.Department.ID)
		if uerr != nil {
			return uerr
		}
		p.InUse = inUseReasons(p.Lang, usage)
		if len(p.InUse) == 0 {
			p.InUse = []string{p.T("dept_has_responses")}
		}
		p.DeleteRefused = true
		return s.renderConsole(c, http.StatusConflict, "department_edit", p)
	case survey.ENotFound:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	s.log.Info("department deleted", "user", sessionOf(c).User.ID, "department", p.Department.ID)
	if err := s.auditDepartmentDelete(c, p.Department); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/departments?done=deleted")
}

// importDepartments takes a CSV file (or pasted lines) and stores all of
// its departments, or none.
func (s *Server) importDepartments(c echo.Context) error {
	ds, err := s.departmentStore()
	if err != nil {
		return err
	}
	p, err := s.newDepartmentsPage(c)
	if err != nil {
		return err
	}
	r := c.Request()
	var in io.Reader
	file, _, err := r.FormFile("file")
	switch {
	case err == nil:
		defer file.Close()
		in = file
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		p.Import.Text = r.PostFormValue("csv")
		if strings.TrimSpace(p.Import.Text) != "" {
			in = strings.NewReader(p.Import.Text)
		}
	default:
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	if in == nil {
		p.Import.Errors = []string{p.T("dept_import_nothing")}
		return s.renderConsole(c, http.StatusBadRequest, "departments", p)
	}
	deps, lineErrs := survey.ParseDepartmentsCSV(in)
	if len(lineErrs) > 0 {
		for _, e := range lineErrs {
			p.Import.Errors = append(p.Import.Errors, lineErrorText(p.Lang, e))
		}
		return s.renderConsole(c, http.StatusBadRequest, "departments", p)
	}
	created, updated, err := ds.ImportDepartments(r.Context(), deps)
	if key, ok := importErrorKey(err); ok {
		p.Import.Errors = []string{p.T(key, departmentErrorArgs(err)...)}
		return s.renderConsole(c, surveyStatus(err), "departments", p)
	}
	if err != nil {
		return err
	}
	s.log.Info("departments imported", "user", sessionOf(c).User.ID, "created", created, "updated", updated)
	if err := s.auditImport(c, created, updated, len(deps)); err != nil {
		return err
	}
	q := url.Values{"done": {"imported"}, "created": {strconv.Itoa(created)}, "updated": {strconv.Itoa(updated)},
		"unchanged": {strconv.Itoa(len(deps) - created - updated)}}
	// The fragment brings a phone back to the summary, below the list.
	return c.Redirect(http.StatusSeeOther, "/departments?"+q.Encode()+"#dept-import-heading")
}

// lineErrorText is a problem of an imported file in lang, with its line.
func lineErrorText(lang string, e survey.LineError) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
	}
	msg := i18n.T(lang, e.Key, args...)
	if e.Line == 0 {
		return msg
	}
	return i18n.T(lang, "dept_import_line", e.Line, msg)
}

// importErrorKey is the text for a refusal of ImportDepartments that the
// user can act on; false for anything else (an internal error).
func importErrorKey(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	if _, key, ok := departmentFieldError(err); ok {
		return key, true
	}
	switch k := survey.ErrorKey(err); k {
	case "dept_import_ambiguous", "dept_import_duplicate", "dept_tree_parent_unknown", "dept_tree_cycle", "dept_tree_too_deep":
		return k, true
	}
	return "", false
}
