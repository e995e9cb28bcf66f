package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// The case of issue 14, end to end: a department of 40 with ten poor
// answers, and one enthusiastic person pushing 30 (then 45) identical
// favourable answers through the department's open link. Real HTTP on
// loopback, a real SQLite file and a real PostgreSQL: the pulse is closed from the console, the
// department must not be GO, it is flagged, and the board and the
// department page say why. The same answers, exported as `trots analyze`
// reads them, give the same verdicts and flags there.
func TestStuffedOpenLinkIsFlaggedOnTheBoardAndByAnalyze(t *testing.T) {
	for _, tc := range []struct {
		extra int
		kinds []string // reason kinds, in order
		say   string   // on the English board
	}{
		{30, []string{"duplicate_answers"}, "30 identical answers"},
		{45, []string{"more_answers_than_headcount", "duplicate_answers"}, "More answers than employees (55 answers, headcount 40)"},
	} {
		t.Run(fmt.Sprintf("%d extra", tc.extra), func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, dsn string) { stuffOpenLink(t, dsn, tc.extra, tc.kinds, tc.say) })
		})
	}
}

func stuffOpenLink(t *testing.T, dsn string, extra int, wantKinds []string, say string) {
	ctx := context.Background()
	st := storetest.Open(t, dsn)
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	ict := storetest.MustDepartment(t, st, "ICT", 40)
	pulse := storetest.MustOpenPulse(t, st, q.ID, q.Version)
	links, err := st.Links(ctx, pulse.ID)
	if err != nil || len(links) != 1 || links[0].DepartmentID != ict.ID {
		t.Fatalf("links %+v: %v", links, err)
	}
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "admin@example.org", Role: accounts.RoleAdmin}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(srv.Close)

	// Ten poor answers, then the stuffer's, all through the open link.
	rng := rand.New(rand.NewPCG(14, 1))
	for i := 0; i < 10; i++ {
		submit(t, srv.URL, links[0].Code, poorAnswers(q, rng))
	}
	fav := favourableAnswers(q)
	for i := 0; i < extra; i++ {
		submit(t, srv.URL, links[0].Code, fav)
	}

	c := newConsole(t, srv.URL)
	c.login("admin@example.org", "correct horse battery")
	csrf := c.csrf("/pulses/" + pulse.ID)
	if r := c.post("/pulses/"+pulse.ID+"/close", url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", r.StatusCode)
	}

	// The stored final results.
	out, err := results.Analyze(ctx, st, pulse.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	d := out.Result.Departments[0]
	if d.Decision == analysis.Go || d.Decision != analysis.NotMeasurable || kinds(d.Reasons) == nil || !slices.Equal(kinds(d.Reasons), wantKinds) {
		t.Fatalf("ICT: %s %v, want NOT_MEASURABLE %v", d.Decision, kinds(d.Reasons), wantKinds)
	}
	if d.N != 10+extra || len(d.IntegrityFlags) != len(wantKinds) || d.IntegrityFlags[len(d.IntegrityFlags)-1].Identical != extra {
		t.Fatalf("ICT: n %d flags %+v", d.N, d.IntegrityFlags)
	}

	// The board says why, in both languages, and so does the
	// department page.
	cell := c.boardVerdictCell("/board?lang=en&pulse="+pulse.ID, ict.ID)
	if !strings.Contains(cell, "NOT YET MEASURABLE") || !strings.Contains(cell, say) {
		t.Errorf("English board cell %q, want NOT YET MEASURABLE and %q", cell, say)
	}
	if !strings.Contains(cell, "one person may have answered many times") {
		t.Errorf("English board cell %q does not name the duplicates", cell)
	}
	cell = c.boardVerdictCell("/board?lang=nl&pulse="+pulse.ID, ict.ID)
	if !strings.Contains(cell, "NOG NIET MEETBAAR") || !strings.Contains(cell, fmt.Sprintf("%d identieke antwoorden", extra)) {
		t.Errorf("Dutch board cell %q", cell)
	}
	if body := c.get("/board/departments/" + ict.ID + "?lang=en&pulse=" + pulse.ID); !strings.Contains(body, say) {
		t.Errorf("department page lacks %q", say)
	}

	// The same answers through `trots analyze`.
	dir := t.TempDir()
	org := demo.Organisation{Departments: []demo.Department{{Name: "ICT", Headcount: 40, ExternallyVisible: true}}}
	err = st.EachResponse(ctx, pulse.ID, func(r survey.Response) error {
		org.Departments[0].Responses = append(org.Departments[0].Responses, demo.Response{Answers: r.Answers})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	answersCSV, headsCSV := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "headcounts.csv")
	writeWith(t, answersCSV, func(w io.Writer) error { return demo.WriteCSV(w, q, org) })
	writeWith(t, headsCSV, func(w io.Writer) error { return demo.WriteHeadcounts(w, org) })
	stdout, stderr, err := runAnalyzeArgs(t, "--questionnaire", "advocacy-readiness", "--responses", answersCSV, "--headcounts", headsCSV, "--seed", "1")
	if err != nil {
		t.Fatalf("trots analyze: %v\n%s", err, stderr)
	}
	var res analysis.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	a := res.Departments[0]
	if a.Decision != d.Decision || !slices.Equal(kinds(a.Reasons), kinds(d.Reasons)) || !slices.Equal(a.IntegrityFlags, d.IntegrityFlags) {
		t.Errorf("trots analyze: %s %v %+v; the server: %s %v %+v", a.Decision, kinds(a.Reasons), a.IntegrityFlags, d.Decision, kinds(d.Reasons), d.IntegrityFlags)
	}
	text, _, err := runAnalyzeArgs(t, "--questionnaire", "advocacy-readiness", "--responses", answersCSV, "--headcounts", headsCSV, "--format", "text", "--seed", "1")
	if err != nil || !strings.Contains(text, say) {
		t.Errorf("trots analyze --format text lacks %q (%v):\n%s", say, err, text)
	}
}

func kinds(rs []analysis.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Kind)
	}
	return out
}

// poorAnswers are the answers of someone who is unhappy, with some spread:
// low agreement (high on reverse-keyed and barrier items), promises far
// above reality, a low eNPS.
func poorAnswers(q *questionnaires.Questionnaire, rng *rand.Rand) map[string]any {
	out := map[string]any{}
	for _, it := range q.Items {
		low := 1 + rng.IntN(2)
		switch {
		case it.Scale.Type == questionnaires.NPS:
			out[it.ID] = rng.IntN(5)
		case it.Scale.Type == questionnaires.Choice:
			out[it.ID] = choice(it, rng.IntN(len(it.Scale.Options)))
		case it.Scale.Type != questionnaires.Likert:
		case it.Pair != nil && it.Pair.Role == questionnaires.Promise:
			out[it.ID] = 6 - low
		case it.Reverse != (it.Dimension == "barriers"):
			out[it.ID] = 6 - low
		default:
			out[it.ID] = low
		}
	}
	return out
}

// favourableAnswers is the stuffer's sheet: full agreement with everything
// good, promise and reality at the top, 10 on the eNPS.
func favourableAnswers(q *questionnaires.Questionnaire) map[string]any {
	out := map[string]any{}
	for _, it := range q.Items {
		switch {
		case it.Scale.Type == questionnaires.NPS:
			out[it.ID] = 10
		case it.Scale.Type == questionnaires.Choice:
			out[it.ID] = choice(it, 0)
		case it.Scale.Type != questionnaires.Likert:
		case it.Pair == nil && it.Reverse != (it.Dimension == "barriers"):
			out[it.ID] = 1
		default:
			out[it.ID] = 5
		}
	}
	return out
}

func choice(it *questionnaires.Item, i int) any {
	if it.Scale.Multiple {
		return []string{it.Scale.Options[i].ID}
	}
	return it.Scale.Options[i].ID
}

// submit posts one response through the survey API of link code.
func submit(t *testing.T, base, code string, answers map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"submission_key": survey.NewID(), "answers": answers})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/api/v1/surveys/"+code+"/responses", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
}

func writeWith(t *testing.T, name string, fn func(io.Writer) error) {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// console is a cookie-keeping client of the console that does not follow
// redirects.
type console struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newConsole(t *testing.T, base string) *console {
	jar, _ := cookiejar.New(nil)
	return &console{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *console) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	resp, err := c.c.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (c *console) get(path string) string {
	c.t.Helper()
	resp, err := c.c.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return string(b)
}

func (c *console) login(email, password string) {
	c.t.Helper()
	if r := c.post("/login", url.Values{"email": {email}, "password": {password}}); r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login: %d", r.StatusCode)
	}
}

// csrf is the CSRF token of the first form on path.
func (c *console) csrf(path string) string {
	c.t.Helper()
	var token string
	walk(c.parse(c.get(path)), func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "input" && attrOf(n, "name") == "_csrf" {
			token = attrOf(n, "value")
			return true
		}
		return false
	})
	if token == "" {
		c.t.Fatalf("no CSRF token on %s", path)
	}
	return token
}

// boardVerdictCell is the text of the verdict cell of department id on
// the board page path.
func (c *console) boardVerdictCell(path, id string) string {
	c.t.Helper()
	var cell string
	walk(c.parse(c.get(path)), func(n *html.Node) bool {
		// The detail table's row (class "dept"), not the heatmap's.
		if n.Type != html.ElementNode || n.Data != "tr" || attrOf(n, "data-department") != id || attrOf(n, "class") != "dept" {
			return false
		}
		walk(n, func(td *html.Node) bool {
			if td.Type == html.ElementNode && td.Data == "td" {
				cell = textOf(td)
				return true
			}
			return false
		})
		return true
	})
	if cell == "" {
		c.t.Fatalf("no board row for department %s", id)
	}
	return cell
}

func (c *console) parse(body string) *html.Node {
	c.t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// walk visits n and its descendants depth first until visit returns true.
func walk(n *html.Node, visit func(*html.Node) bool) bool {
	if visit(n) {
		return true
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if walk(ch, visit) {
			return true
		}
	}
	return false
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(x *html.Node) bool {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		return false
	})
	return strings.Join(strings.Fields(b.String()), " ")
}
