package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trots/analysis"
)

// writeFile writes content to name in a temporary directory and returns
// its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// analyzeCSV builds a responses CSV for the analysis test questionnaire:
// departments with n respondents each, answers cycling around level.
func analyzeCSV(depts map[string]int, level int) string {
	var b strings.Builder
	b.WriteString("department,pride_1,pride_2,pride_3r,content_1,content_2,comm_1,comm_2,gap_a_promise,gap_a_reality,gap_b_promise,gap_b_reality,stab_1,stab_2r,mgmt_1,mgmt_2,will_1,will_2,barrier_1,barrier_2,enps,help,profile,comment\n")
	names := make([]string, 0, len(depts))
	for name := range depts {
		names = append(names, name)
	}
	for _, name := range names {
		for i := 0; i < depts[name]; i++ {
			v := func(j int) int { return min(5, max(1, level+(i+j)%3-1)) }
			fmt.Fprintf(&b, "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,guidelines;training,quiet_expert,\"Opmerking %d, met komma\"\n",
				name, v(0), v(0), 6-v(1), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(9), v(9), 6-v(10), v(11), v(12), v(13), v(14), 1+i%3, 2+i%2, 7+(i%4), i)
		}
	}
	return b.String()
}

func runAnalyzeArgs(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runAnalyze(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

const analyzeQuestionnaire = "../../analysis/testdata/questionnaire.yaml"

func TestAnalyzeJSON(t *testing.T) {
	dir := t.TempDir()
	responses := writeFile(t, dir, "responses.csv", analyzeCSV(map[string]int{"Zorg": 40, "ICT": 12, "Juridisch": 3, "Facilitair": 4}, 4))
	headcounts := writeFile(t, dir, "headcounts.csv", "department,headcount,external\nZorg,50,ja\nICT,30,nee\nJuridisch,6,ja\nFacilitair,5,ja\nStil,14,ja\n")
	stdout, stderr, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses,
		"--headcounts", headcounts, "--lang", "nl", "--seed", "3")
	if err != nil {
		t.Fatalf("%v; stderr %s", err, stderr)
	}
	// The documented fields (docs/analysis-json.md).
	var doc struct {
		Questionnaire string `json:"questionnaire"`
		Config        struct {
			MinGroup int `json:"min_group"`
		} `json:"config"`
		Organisation struct {
			N          *int `json:"n"`
			Dimensions []struct {
				ID     string   `json:"id"`
				N      *int     `json:"n"`
				Mean   *float64 `json:"mean"`
				SD     *float64 `json:"sd"`
				CILow  *float64 `json:"ci_low"`
				CIHigh *float64 `json:"ci_high"`
				Alpha  *float64 `json:"alpha"`
			} `json:"dimensions"`
			ENPS *struct {
				Value  *float64 `json:"value"`
				CILow  *float64 `json:"ci_low"`
				CIHigh *float64 `json:"ci_high"`
			} `json:"enps"`
		} `json:"organisation"`
		Departments []struct {
			Name       string `json:"name"`
			Headcount  int    `json:"headcount"`
			Suppressed bool   `json:"suppressed"`
			N          *int   `json:"n"`
			Verdict    string `json:"verdict"`
			Reasons    []struct {
				Code string `json:"code"`
				Text string `json:"text"`
			} `json:"reasons"`
			Dimensions []map[string]any `json:"dimensions"`
			Comments   []string         `json:"comments"`
		} `json:"departments"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if doc.Questionnaire != "analysis-test@1" || doc.Config.MinGroup != 5 || doc.Organisation.N == nil || *doc.Organisation.N != 59 {
		t.Fatalf("header fields: %+v", doc)
	}
	for _, d := range doc.Organisation.Dimensions {
		if d.N == nil || d.Mean == nil || d.SD == nil || d.CILow == nil || d.CIHigh == nil || d.Alpha == nil {
			t.Errorf("organisation dimension %s lacks a documented field: %+v", d.ID, d)
		}
	}
	if e := doc.Organisation.ENPS; e == nil || e.Value == nil || e.CILow == nil || e.CIHigh == nil {
		t.Errorf("organisation eNPS: %+v", e)
	}
	byName := map[string]int{}
	for i, d := range doc.Departments {
		byName[d.Name] = i
		if d.Verdict == "" || len(d.Reasons) == 0 || d.Reasons[0].Text == "" {
			t.Errorf("%s: verdict %q reasons %+v", d.Name, d.Verdict, d.Reasons)
		}
	}
	if len(doc.Departments) != 5 {
		t.Fatalf("%d departments, want 5 (the silent one included)", len(doc.Departments))
	}
	for _, name := range []string{"Juridisch", "Facilitair", "Stil"} {
		d := doc.Departments[byName[name]]
		if !d.Suppressed || d.N != nil || d.Dimensions != nil || d.Verdict != "NOT_MEASURABLE" || d.Headcount == 0 {
			t.Errorf("%s (n < k) is not suppressed properly: %+v", name, d)
		}
	}
	zorg := doc.Departments[byName["Zorg"]]
	if zorg.Suppressed || zorg.N == nil || *zorg.N != 40 || len(zorg.Comments) != 40 {
		t.Errorf("Zorg: %+v", zorg)
	}
	if got, want := doc.Departments[byName["Stil"]].Reasons[0].Text, analysis.ReasonText(analysis.SuppressedAnonymity, "nl", ""); got != want {
		t.Errorf("reason text %q, want the Dutch %q", got, want)
	}
	if ict := doc.Departments[byName["ICT"]]; len(ict.Comments) != 12 {
		t.Errorf("ICT (12 >= 10) shows %d comments", len(ict.Comments))
	}
}

func TestAnalyzeText(t *testing.T) {
	dir := t.TempDir()
	responses := writeFile(t, dir, "responses.csv", analyzeCSV(map[string]int{"Zorg": 40, "ICT": 12, "Juridisch": 3, "Facilitair": 4}, 4))
	previous := writeFile(t, dir, "previous.csv", analyzeCSV(map[string]int{"Zorg": 35, "ICT": 3, "Juridisch": 13}, 3))
	stdout, stderr, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses,
		"--previous", previous, "--format", "text", "--lang", "en")
	if err != nil {
		t.Fatalf("%v; stderr %s", err, stderr)
	}
	for _, want := range []string{"Organisation", "Zorg", "Verdict: ", "Pride", "change since the previous pulse", "smallest detectable change"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
	// ICT and Juridisch are hidden in one of the two pulses: no trend line.
	trend := stdout[strings.Index(stdout, "change since the previous pulse"):]
	if strings.Contains(trend, "ICT") || strings.Contains(trend, "Juridisch") {
		t.Errorf("trend shows a group hidden in one pulse:\n%s", trend)
	}
}

// TestAnalyzeRefusesBrokenInput: every broken input ends in an error that
// names the file, line and column, and nothing reaches stdout.
func TestAnalyzeRefusesBrokenInput(t *testing.T) {
	dir := t.TempDir()
	good := analyzeCSV(map[string]int{"Zorg": 12}, 4)
	header := good[:strings.Index(good, "\n")+1]
	row := strings.Split(good, "\n")[1]
	cells := strings.Split(row, ",")
	withCell := func(i int, v string) string {
		c := append([]string(nil), cells...)
		c[i] = v
		return header + row + "\n" + strings.Join(c, ",") + "\n"
	}
	for _, tc := range []struct {
		name, csv string
		want      string
	}{
		{"unknown column", strings.Replace(header, "pride_2", "pride_two", 1) + row + "\n", ", line 1, column pride_two: unknown column"},
		{"duplicate column", strings.Replace(header, "pride_2", "pride_1", 1) + row + "\n", ", line 1, column pride_1: column \"pride_1\" appears twice"},
		{"no department column", strings.Replace(header, "department", "afdeling", 1) + row + "\n", ", line 1, column afdeling: unknown column"},
		{"value outside the scale", withCell(1, "6"), ", line 3, column pride_1: 6 is not a point of the scale 1-5"},
		{"non-number", withCell(20, "tien"), ", line 3, column enps: \"tien\" is not a number"},
		{"unknown option", withCell(22, "influencer"), ", line 3, column profile: unknown option \"influencer\""},
		{"ragged row", header + row + "\nZorg,4,4\n", ", line 3: the row has 3 fields, the header 24"},
		{"empty file", "", "the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".csv", tc.csv)
			stdout, _, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", f)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), filepath.Base(f)) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want file name and %q", err, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout not empty on error: %q", stdout)
			}
		})
	}
	t.Run("broken headcounts", func(t *testing.T) {
		responses := writeFile(t, dir, "ok.csv", good)
		h := writeFile(t, dir, "h.csv", "department,headcount\nZorg,veel\n")
		stdout, _, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses, "--headcounts", h)
		if err == nil || !strings.Contains(err.Error(), "h.csv, line 2, column headcount: \"veel\" is not a headcount") || stdout != "" {
			t.Errorf("got %v, stdout %q", err, stdout)
		}
	})
	t.Run("min-group below 3", func(t *testing.T) {
		responses := writeFile(t, dir, "ok.csv", good)
		stdout, _, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses, "--min-group", "2")
		if err == nil || stdout != "" {
			t.Errorf("k = 2 accepted: %v", err)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		responses := writeFile(t, dir, "ok.csv", good)
		cfg := writeFile(t, dir, "thresholds.yaml", "min_grop: 7\n")
		stdout, _, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses, "--config", cfg)
		if err == nil || !strings.Contains(err.Error(), "thresholds.yaml") || stdout != "" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("missing flags", func(t *testing.T) {
		stdout, stderr, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire)
		if err == nil || stdout != "" || !strings.Contains(stderr, "--responses is required") {
			t.Errorf("got %v, stderr %q", err, stderr)
		}
	})
}

func TestAnalyzeMinGroupFlagRaisesK(t *testing.T) {
	dir := t.TempDir()
	responses := writeFile(t, dir, "responses.csv", analyzeCSV(map[string]int{"Zorg": 40, "ICT": 12, "Klein": 7}, 4))
	stdout, _, err := runAnalyzeArgs(t, "--questionnaire", analyzeQuestionnaire, "--responses", responses, "--min-group", "8")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config struct {
			MinGroup    int `json:"min_group"`
			MinComments int `json:"min_comments"`
		} `json:"config"`
		Departments []struct {
			Name       string `json:"name"`
			Suppressed bool   `json:"suppressed"`
		} `json:"departments"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config.MinGroup != 8 || doc.Config.MinComments != 10 {
		t.Errorf("config %+v", doc.Config)
	}
	for _, d := range doc.Departments {
		// Klein (7) is below k = 8; ICT (12) hides with it (remainder 7 < 8).
		if want := d.Name != "Zorg"; d.Suppressed != want {
			t.Errorf("%s suppressed %v", d.Name, d.Suppressed)
		}
	}
}
