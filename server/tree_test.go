package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// treeEnv is a console on the tree demo (5 directorates, 25 departments,
// 80 teams, its baseline closed with the tree), with a lead of the
// department Klantcontact (Dienstverlening / Klantcontact).
type treeEnv struct {
	*consoleEnv
	byName map[string]survey.Department
}

func newTreeEnv(t *testing.T) *treeEnv {
	t.Helper()
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(ctx, st, q, demo.GenerateTree(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	e := &treeEnv{byName: map[string]survey.Department{}}
	for _, d := range res.Departments {
		e.byName[d.Department.Name] = d.Department
	}
	e.consoleEnv = &consoleEnv{t: t, store: st, demo: res, lead: e.byName["Klantcontact"]}
	for _, u := range []accounts.User{
		{Email: "admin@example.org", Role: accounts.RoleAdmin},
		{Email: "viewer@example.org", Role: accounts.RoleViewer},
		{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: e.lead.ID},
	} {
		if _, err := accounts.New(st).CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	e.srv = httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// boardRowIDs are the departments of a board page's detail table.
func boardRowIDs(t *testing.T, body string) []string {
	t.Helper()
	var ids []string
	for _, r := range parseHTML(t, body).all(tag("tr", "class", "dept")) {
		ids = append(ids, attr(r, "data-department"))
	}
	return ids
}

// The board opens at the top level and drills down one level at a time,
// with breadcrumbs back up; a search finds a team at any depth with its
// path; the CSV and the API carry the path.
func TestBoardDrillsDownTheTree(t *testing.T) {
	e := newTreeEnv(t)
	b := e.browser()
	b.login("viewer@example.org")
	top := b.get("/board?lang=en")
	if ids := boardRowIDs(t, top.body); len(ids) != 5 {
		t.Fatalf("the top level shows %d rows, want the 5 directorates", len(ids))
	}
	dir := e.byName[demo.StoryDirectorate]
	level := b.get("/board?lang=en&node=" + dir.ID)
	ids := boardRowIDs(t, level.body)
	if len(ids) != 6 || ids[0] != dir.ID {
		t.Fatalf("%s's level shows %v, want itself and its 5 departments", dir.Name, ids)
	}
	d := parseHTML(t, b.get("/board?lang=en&node="+e.byName["Klantcontact"].ID).body)
	crumbs := within(d.byID("breadcrumbs"), tag("a"))
	var names []string
	for _, c := range crumbs {
		names = append(names, text(c))
	}
	if strings.Join(names, " > ") != "Whole organisation > Dienstverlening > Klantcontact" {
		t.Fatalf("breadcrumbs %v", names)
	}
	found := b.get("/board?lang=en&q=" + url.QueryEscape("balie noord"))
	if ids := boardRowIDs(t, found.body); len(ids) != 1 || ids[0] != e.byName[demo.StoryTeam].ID ||
		!strings.Contains(found.body, "Dienstverlening / Klantcontact / Team Balie Noord") {
		t.Fatalf("search for balie noord: %v", ids)
	}
	// A parent's page links to its parts and counts its people with
	// theirs.
	dp := parseHTML(t, b.get("/board/departments/"+e.byName["Klantcontact"].ID+"?lang=en").body)
	total := 0
	for _, team := range []string{"Klantcontact", "Team Balie Noord", "Team Balie Zuid", "Team Telefoon", "Team Chat"} {
		total += e.byName[team].Headcount
	}
	if got := text(dp.byID("department-total")); !strings.Contains(got, strconv.Itoa(total)+" employees") {
		t.Fatalf("Klantcontact's headcount with its teams: %q, want %d", got, total)
	}
	csv := b.get("/board.csv")
	if !strings.Contains(csv.body, "Dienstverlening / Klantcontact / Team Balie Noord") || strings.Count(csv.body, "\n") != 1+110 {
		t.Fatalf("the CSV lacks the paths or rows (%d lines)", strings.Count(csv.body, "\n"))
	}
	code, body := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/results", e.token("viewer@example.org"), "")
	if code != http.StatusOK || !strings.Contains(body, `"path":"Dienstverlening / Klantcontact / Team Balie Noord"`) {
		t.Fatalf("results API: %d", code)
	}
}

// A lead of a department sees it and its teams, nothing beside or above
// it: not by the board, not by id, not by search, not through the API or
// the exports.
func TestLeadSeesOnlyTheOwnBranch(t *testing.T) {
	e := newTreeEnv(t)
	branch := map[string]bool{e.lead.ID: true}
	for _, team := range []string{"Team Balie Noord", "Team Balie Zuid", "Team Telefoon", "Team Chat"} {
		branch[e.byName[team].ID] = true
	}
	parent, sibling, cousin := e.byName[demo.StoryDirectorate], e.byName["Burgerzaken"], e.byName["Burgerzaken Paspoorten"]
	other := e.byName["ICT Werkplek"]
	// Something the lead must not read: a decision on the sibling.
	admin := e.token("admin@example.org")
	if code, body := e.api("POST", "/api/v1/pulses/"+e.demo.Baseline.ID+"/decisions", admin,
		`{"department_id": "`+sibling.ID+`", "choice": "go", "note": "secret of Burgerzaken"}`); code != http.StatusCreated {
		t.Fatalf("admin decision: %d %s", code, body)
	}

	b := e.browser()
	b.login("lead@example.org")
	ids := boardRowIDs(t, b.get("/board?lang=en").body)
	if len(ids) != 5 || ids[0] != e.lead.ID {
		t.Fatalf("the lead's board opens with %v, want the own department and its 4 teams", ids)
	}
	for _, id := range ids {
		if !branch[id] {
			t.Errorf("the lead's board shows %s", id)
		}
	}
	for _, path := range []string{
		"/board?node=" + parent.ID, "/board?node=" + sibling.ID, "/board?node=" + cousin.ID,
		"/board/departments/" + parent.ID, "/board/departments/" + sibling.ID, "/board/departments/" + cousin.ID,
		"/board/departments/" + other.ID,
	} {
		if p := b.get(path + "&pulse=" + e.demo.Baseline.ID); p.status != http.StatusForbidden {
			t.Errorf("lead GET %s: %d, want 403", path, p.status)
		}
	}
	if p := b.get("/board/departments/" + e.byName[demo.StoryTeam].ID); p.status != http.StatusOK {
		t.Errorf("lead on a team of the own branch: %d", p.status)
	}
	if ids := boardRowIDs(t, b.get("/board?q=team").body); len(ids) != 4 {
		t.Errorf("search for team finds %d rows, want the 4 teams of the branch", len(ids))
	}
	for _, path := range []string{"/board.csv", "/decisions.csv"} {
		p := b.get(path)
		if p.status != http.StatusOK || strings.Contains(p.body, "Burgerzaken") || strings.Contains(p.body, "ICT") ||
			strings.Contains(p.body, "secret") {
			t.Errorf("lead %s shows what lies outside the branch (%d)", path, p.status)
		}
	}
	form := url.Values{"pulse": {e.demo.Baseline.ID}, "theme": {"pride"}, "title": {"x"}, "owner": {"lead"}, "due": {"2027-01"},
		"_csrf": {b.csrf("/board/departments/" + e.lead.ID + "?pulse=" + e.demo.Baseline.ID)}}
	if p := b.post("/board/departments/"+sibling.ID+"/actions", form); p.status != http.StatusForbidden {
		t.Errorf("lead adds an action to a sibling: %d", p.status)
	}

	tok := e.token("lead@example.org")
	code, body := e.api("GET", "/api/v1/departments", tok, "")
	var deps []struct {
		ID   string `json:"id"`
		Path string `json:"path"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &deps) != nil || len(deps) != 5 {
		t.Fatalf("lead lists departments: %d, %d of them", code, len(deps))
	}
	for _, d := range deps {
		if !branch[d.ID] || !strings.HasPrefix(d.Path, "Dienstverlening / Klantcontact") {
			t.Errorf("the lead's API lists %s (%s)", d.ID, d.Path)
		}
	}
	code, body = e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/results", tok, "")
	if code != http.StatusOK || strings.Contains(body, sibling.ID) || strings.Contains(body, parent.ID) || !strings.Contains(body, e.lead.ID) {
		t.Errorf("lead results API: %d, shows the sibling or parent", code)
	}
	if code, body := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/decisions", tok, ""); code != http.StatusOK || strings.Contains(body, "secret") {
		t.Errorf("lead decisions API: %d shows the sibling's decision", code)
	}
	for _, id := range []string{sibling.ID, parent.ID} {
		if code, _ := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/departments/"+id+"/actions", tok, ""); code != http.StatusForbidden {
			t.Errorf("lead reads the actions of %s: %d", id, code)
		}
	}
	if code, _ := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/departments/"+e.byName[demo.StoryTeam].ID+"/actions", tok, ""); code != http.StatusOK {
		t.Errorf("lead reads the actions of an own team: %d", code)
	}
}

// The departments API places a department by parent name or id, answers
// its path, keeps its place when a change leaves the parent out, and
// refuses an unknown parent, a move while a pulse is open, a bad tree in
// an import (naming the line) and deleting a department with parts.
func TestDepartmentsAPIPlacesDepartmentsInTheTree(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	tok := e.token("admin@example.org")
	var ict, care survey.Department
	for _, d := range e.demo.Departments {
		switch d.Department.Name {
		case "ICT":
			ict = d.Department
		case "Klantenservice":
			care = d.Department
		}
	}
	type dept struct {
		ID, ParentID, Path string
		Total              int `json:"total_headcount"`
	}
	decode := func(body string) dept {
		var d struct {
			ID       string `json:"id"`
			ParentID string `json:"parent_id"`
			Path     string `json:"path"`
			Total    int    `json:"total_headcount"`
		}
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return dept{d.ID, d.ParentID, d.Path, d.Total}
	}
	code, body := e.api("POST", "/api/v1/departments", tok, `{"name": "Servicedesk", "headcount": 4, "externally_visible": true, "parent": "ict"}`)
	desk := decode(body)
	if code != http.StatusCreated || desk.ParentID != ict.ID || desk.Path != "ICT / Servicedesk" {
		t.Fatalf("create below ICT by name: %d %+v", code, desk)
	}
	// A pulse is open (the demo's second): moving is refused, changing
	// anything else keeps the place.
	code, body = e.api("PUT", "/api/v1/departments/"+desk.ID, tok, `{"name": "Servicedesk", "headcount": 4, "externally_visible": true, "parent": "`+care.ID+`"}`)
	if code != http.StatusConflict || !strings.Contains(body, "dept_move_open_pulse") {
		t.Fatalf("a move while a pulse is open: %d %s", code, body)
	}
	code, body = e.api("PUT", "/api/v1/departments/"+desk.ID, tok, `{"name": "Servicedesk", "headcount": 5, "externally_visible": true}`)
	if d := decode(body); code != http.StatusOK || d.ParentID != ict.ID {
		t.Fatalf("a change without parent: %d %+v", code, d)
	}
	code, body = e.api("POST", "/api/v1/departments", tok, `{"name": "Wees", "headcount": 1, "externally_visible": true, "parent": "Bestaat niet"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, `"parent":"dept_parent_unknown"`) {
		t.Fatalf("an unknown parent: %d %s", code, body)
	}
	code, body = e.api("GET", "/api/v1/departments", tok, "")
	if code != http.StatusOK || !strings.Contains(body, `"path":"ICT / Servicedesk"`) {
		t.Fatalf("list: %d", code)
	}
	code, body = e.apiSend("POST", "/api/v1/departments/import", tok, "text/csv", "en", "name,headcount,externally_visible,parent\nA,5,yes,B\nB,5,yes,A\n")
	if code != http.StatusBadRequest || !strings.Contains(body, "dept_tree_cycle") || !strings.Contains(body, "Line 2") {
		t.Fatalf("an import with a cycle: %d %s", code, body)
	}
	code, body = e.api("DELETE", "/api/v1/departments/"+ict.ID, tok, "")
	if code != http.StatusConflict || !strings.Contains(body, `"children":"dept_has_children"`) {
		t.Fatalf("deleting a department with a part: %d %s", code, body)
	}
}
