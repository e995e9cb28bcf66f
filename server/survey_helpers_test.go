package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

var ctx = context.Background()

// surveyEnv is a running trots on loopback with a real store, one
// department and an open pulse, and the logs it wrote.
type surveyEnv struct {
	t     *testing.T
	dsn   string
	store *survey.Store
	srv   *httptest.Server
	logs  *lockedBuffer
	dept  survey.Department
	pulse survey.Pulse
	link  survey.Link
	q     *questionnaires.Questionnaire
}

// newSurveyEnv starts the service on dsn with the questionnaire qid open
// for one department.
func newSurveyEnv(t *testing.T, dsn, qid string, cfg server.Config) *surveyEnv {
	t.Helper()
	e := &surveyEnv{t: t, dsn: dsn, store: storetest.Open(t, dsn), logs: &lockedBuffer{}}
	q, err := questionnaires.Load(qid)
	if err != nil {
		t.Fatal(err)
	}
	e.q = q
	e.dept = storetest.MustDepartment(t, e.store, "Klantcontact", 25)
	e.pulse = storetest.MustOpenPulse(t, e.store, q.ID, q.Version)
	e.link = mustLink(t, e.store, e.pulse.ID, e.dept.ID)
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.srv = httptest.NewServer(server.New(cfg, log, e.store, accounts.New(e.store)).Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func mustLink(t *testing.T, st *survey.Store, pulseID, deptID string) survey.Link {
	t.Helper()
	links, err := st.Links(ctx, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.DepartmentID == deptID {
			return l
		}
	}
	t.Fatalf("no link for department %s", deptID)
	return survey.Link{}
}

func (e *surveyEnv) formURL() string { return e.srv.URL + "/s/" + e.link.Code }

// responses counts the stored responses of the pulse.
func (e *surveyEnv) responses() int {
	e.t.Helper()
	counts, err := e.store.ResponseCounts(ctx, e.pulse.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// reply is a response with its body read.
type reply struct {
	status int
	header http.Header
	body   string
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (e *surveyEnv) do(method, target string, body io.Reader, header map[string]string) reply {
	e.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = e.srv.URL + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (e *surveyEnv) get(target string, header map[string]string) reply {
	e.t.Helper()
	return e.do(http.MethodGet, target, nil, header)
}

// post sends a url-encoded form as a browser on the same site would.
func (e *surveyEnv) post(target string, form url.Values, header map[string]string) reply {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
	for k, v := range header {
		h[k] = v
	}
	return e.do(http.MethodPost, target, strings.NewReader(form.Encode()), h)
}

// postJSON sends a JSON body as a server-side client would.
func (e *surveyEnv) postJSON(target, body string, header map[string]string) reply {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	return e.do(http.MethodPost, target, strings.NewReader(body), h)
}

// fullForm answers every item of q as the survey form names them, with a
// fresh submission key.
func fullForm(q *questionnaires.Questionnaire) url.Values {
	v := url.Values{"submission_key": {survey.NewID()}}
	for i, it := range q.Items {
		name := "a." + it.ID
		switch it.Scale.Type {
		case questionnaires.Likert, questionnaires.NPS:
			lo, hi := it.Scale.Points()
			v.Set(name, strconv.Itoa(lo+i%(hi-lo+1)))
		case questionnaires.Choice:
			v.Set(name, it.Scale.Options[i%len(it.Scale.Options)].ID)
		case questionnaires.FreeText:
			v.Set(name, "Meer tijd om te delen zou helpen. Bel me: 06-12345678")
		}
	}
	return v
}

// firstItem returns the first item of q of the given scale type.
func firstItem(t *testing.T, q *questionnaires.Questionnaire, typ questionnaires.ScaleType) *questionnaires.Item {
	t.Helper()
	for _, it := range q.Items {
		if it.Scale.Type == typ {
			return it
		}
	}
	t.Fatalf("%s has no %s item", q.ID, typ)
	return nil
}

// lockedBuffer collects log output from concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// doc is a parsed HTML page, to assert on elements rather than substrings.
type doc struct {
	t    *testing.T
	root *html.Node
}

func parseHTML(t *testing.T, body string) doc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc{t: t, root: root}
}

// all returns the elements for which match is true, in document order.
func (d doc) all(match func(n *html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.root)
	return out
}

// tag matches elements by name and optional attribute=value pairs
// ("class~=" matches one class among several).
func tag(name string, attrs ...string) func(n *html.Node) bool {
	return func(n *html.Node) bool {
		if n.Data != name {
			return false
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			k, want := attrs[i], attrs[i+1]
			if cls, ok := strings.CutSuffix(k, "~"); ok {
				if !containsWord(attr(n, cls), want) {
					return false
				}
				continue
			}
			if attr(n, k) != want {
				return false
			}
		}
		return true
	}
}

func (d doc) one(match func(n *html.Node) bool, what string) *html.Node {
	d.t.Helper()
	found := d.all(match)
	if len(found) != 1 {
		d.t.Fatalf("%d elements for %s, want 1", len(found), what)
	}
	return found[0]
}

func (d doc) byID(id string) *html.Node {
	d.t.Helper()
	return d.one(func(n *html.Node) bool { return attr(n, "id") == id }, "#"+id)
}

func (d doc) has(match func(n *html.Node) bool) bool { return len(d.all(match)) > 0 }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func containsWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// text is the text content of n, with white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// within returns the elements under n that match.
func within(n *html.Node, match func(*html.Node) bool) []*html.Node {
	return doc{root: n}.all(match)
}
