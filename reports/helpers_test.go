package reports_test

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/reports"
	"trots/survey"
	"trots/survey/demo"
)

// created is the fixed creation date of the test reports.
var created = time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)

func mustLoad(t testing.TB, id string) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.Load(id)
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return q
}

// groups turns generated departments into the analysis' groups: one value
// per item in questionnaire order (NaN when missing or not numeric), the
// choices, and the open comments apart from the answers and scrubbed as
// the store would. suffix is appended to every department name.
func groups(q *questionnaires.Questionnaire, deps []demo.Department, suffix string) []analysis.Group {
	var out []analysis.Group
	for _, d := range deps {
		g := analysis.Group{Name: d.Name + suffix, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible}
		for _, r := range d.Responses {
			values := make([]float64, len(q.Items))
			for i, it := range q.Items {
				values[i] = math.NaN()
				if n, ok := r.Answers.Numbers[it.ID]; ok {
					values[i] = float64(n)
				}
				if text, ok := r.Comments[it.ID]; ok {
					g.Comments = append(g.Comments, survey.Scrub(text))
				}
			}
			g.Responses = append(g.Responses, analysis.Response{Values: values, Choices: r.Answers.Choices})
		}
		out = append(out, g)
	}
	return out
}

// demoCase is the demo organisation (seed 1) with its analysis.
type demoCase struct {
	q   *questionnaires.Questionnaire
	org demo.Organisation
	in  reports.Input
}

var (
	demoOnce sync.Once
	demoData demoCase
	demoErr  error
)

// demoOrganisation analyses the demo organisation once for all tests, on
// version 1 of the baseline: the tests name what its 40 items give the
// demo departments (which dimensions are key drivers, what differs
// demonstrably from the rest), and pulses opened with version 1 are still
// reported. Version 2's reports are made from the stored demo in the
// root package's and the server's tests.
func demoOrganisation(t testing.TB) demoCase {
	t.Helper()
	demoOnce.Do(func() {
		q, err := questionnaires.Load("advocacy-readiness@1")
		if err != nil {
			demoErr = err
			return
		}
		org := demo.Generate(q, 1)
		res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: groups(q, org.Departments, ""), Config: analysis.DefaultConfig(), Seed: 7})
		if err != nil {
			demoErr = err
			return
		}
		demoData = demoCase{q: q, org: org, in: reports.Input{
			Organisation:  org.Name,
			Questionnaire: q,
			Result:        res,
			Pulse:         reports.Pulse{Name: org.PulseName, Opens: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC)},
		}}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoData
}

// department returns the named department of a result.
func department(t testing.TB, res *analysis.Result, name string) *analysis.GroupResult {
	t.Helper()
	g, err := reports.FindDepartment(res, name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// bigOrganisation analyses 200 departments: the ten demo departments of
// seeds 1-20, renamed apart. Suppressed, GO, FIX FIRST and NOT YET
// MEASURABLE departments all occur.
func bigOrganisation(t testing.TB) reports.Input {
	t.Helper()
	q := mustLoad(t, "advocacy-readiness")
	var gs []analysis.Group
	for seed := uint64(1); seed <= 20; seed++ {
		gs = append(gs, groups(q, demo.Generate(q, seed).Departments, fmt.Sprintf(" %02d", seed))...)
	}
	res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: gs, Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return reports.Input{Organisation: "Provincie Groot", Questionnaire: q, Result: res, Pulse: reports.Pulse{Name: "Meting 2026"}}
}

// organisationPDF renders the organisation report.
func organisationPDF(t testing.TB, in reports.Input, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.Organisation(&buf, in, reports.Options{Lang: lang, CreationDate: created}); err != nil {
		t.Fatalf("organisation report (%s): %v", lang, err)
	}
	return buf.Bytes()
}

// departmentPDF renders a department report.
func departmentPDF(t testing.TB, in reports.Input, name, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.Department(&buf, in, name, reports.Options{Lang: lang, CreationDate: created}); err != nil {
		t.Fatalf("department report %s (%s): %v", name, lang, err)
	}
	return buf.Bytes()
}

// pdfText reads a PDF back as text with pdftotext -layout (poppler-utils),
// which keeps the cells of a table row on one line.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Errorf("pdftotext complains: %s", errOut.String())
	}
	return out.String()
}

// linesWith returns the lines of text that contain s.
func linesWith(text, s string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// oneLine collapses runs of whitespace, so that phrases wrapped by the
// layout can be searched.
func oneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// dec formats x with two decimals the way the report's language does.
func dec(x float64, lang string) string {
	s := fmt.Sprintf("%.2f", x)
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var verdictWord = map[string]map[analysis.Decision]string{
	"nl": {analysis.Go: "GO", analysis.FixFirst: "EERST VERBETEREN", analysis.NotMeasurable: "NOG NIET MEETBAAR"},
	"en": {analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"},
}

var notShown = map[string]string{"nl": "niet getoond (anonimiteitsdrempel %d)", "en": "not shown (anonymity threshold %d)"}

// trueMeans are the means of every scored dimension of a department
// computed from its raw answers (reverse-keyed, at least half of the items
// answered), in both number formats: what must never appear for a
// department the analysis suppresses.
func trueMeans(q *questionnaires.Questionnaire, res *analysis.Result, d demo.Department) []string {
	var out []string
	for _, info := range res.Dimensions {
		var sum float64
		n := 0
		for _, r := range d.Responses {
			var s float64
			answered := 0
			for _, id := range info.Items {
				v, ok := r.Answers.Numbers[id]
				if !ok {
					continue
				}
				x := float64(v)
				if it, _ := q.Item(id); it.Reverse {
					x = float64(info.Min+info.Max) - x
				}
				s += x
				answered++
			}
			if 2*answered >= len(info.Items) && answered > 0 {
				sum += s / float64(answered)
				n++
			}
		}
		if n > 0 {
			out = append(out, dec(sum/float64(n), "nl"), dec(sum/float64(n), "en"))
		}
	}
	return out
}

var (
	textMu    sync.Mutex
	textCache = map[string]string{}
)

// demoText is the text of a report of the demo organisation (department
// "" for the organisation report), rendered and read back once per test
// binary.
func demoText(t testing.TB, department, lang string) string {
	t.Helper()
	key := department + "|" + lang
	textMu.Lock()
	defer textMu.Unlock()
	if s, ok := textCache[key]; ok {
		return s
	}
	c := demoOrganisation(t)
	var pdf []byte
	if department == "" {
		pdf = organisationPDF(t, c.in, lang)
	} else {
		pdf = departmentPDF(t, c.in, department, lang)
	}
	s := pdfText(t, pdf)
	textCache[key] = s
	return s
}
