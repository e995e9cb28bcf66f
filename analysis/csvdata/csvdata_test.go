package csvdata

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"trots/questionnaires"
)

func mustQuestionnaire(t *testing.T) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.LoadFile("../testdata/questionnaire.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestReadResponses(t *testing.T) {
	q := mustQuestionnaire(t)
	in := "\xef\xbb\xbfdepartment,pride_1,pride_3r,enps,help,profile,comment\n" +
		"Zorg,4,2,9,guidelines;training,quiet_expert,\"Goed, maar druk\"\n" +
		"ICT,,5,0,,none,\n" +
		"Zorg,5,,10,training;training,,\n"
	groups, err := ReadResponses(strings.NewReader(in), "r.csv", q)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Name != "ICT" || groups[1].Name != "Zorg" {
		t.Fatalf("groups %+v", groups)
	}
	zorg := groups[1]
	if len(zorg.Responses) != 2 || !reflect.DeepEqual(zorg.Comments, []string{"Goed, maar druk"}) {
		t.Fatalf("zorg %+v", zorg)
	}
	idx := map[string]int{}
	for i, it := range q.Items {
		idx[it.ID] = i
	}
	r := zorg.Responses[0]
	if r.Values[idx["pride_1"]] != 4 || r.Values[idx["pride_3r"]] != 2 || r.Values[idx["enps"]] != 9 {
		t.Errorf("values %v (stored as answered: reverse-keying is the analysis's job)", r.Values)
	}
	if !math.IsNaN(r.Values[idx["pride_2"]]) || !math.IsNaN(r.Values[idx["help"]]) {
		t.Errorf("absent column or choice item not NaN: %v", r.Values)
	}
	if !reflect.DeepEqual(r.Choices["help"], []string{"guidelines", "training"}) || !reflect.DeepEqual(r.Choices["profile"], []string{"quiet_expert"}) {
		t.Errorf("choices %v", r.Choices)
	}
	if got := zorg.Responses[1].Choices["help"]; !reflect.DeepEqual(got, []string{"training"}) {
		t.Errorf("duplicate option not collapsed: %v", got)
	}
	if !math.IsNaN(groups[0].Responses[0].Values[idx["pride_1"]]) {
		t.Errorf("empty cell is not missing")
	}
}

// TestReadResponsesRefuses: every broken file is refused with its line and
// column.
func TestReadResponsesRefuses(t *testing.T) {
	q := mustQuestionnaire(t)
	for _, tc := range []struct {
		name, in   string
		line, col  int
		msgContain string
	}{
		{"unknown column", "department,pride_1,pride_9\nA,4,4\n", 1, 3, "unknown column \"pride_9\""},
		{"duplicate column", "department,pride_1,pride_1\nA,4,4\n", 1, 3, "appears twice"},
		{"no department column", "pride_1,pride_2\n4,4\n", 1, 0, "no \"department\" column"},
		{"value outside the scale", "department,pride_1\nA,4\nA,7\n", 3, 2, "not a point of the scale 1-5"},
		{"half point", "department,pride_1\nA,3.5\n", 2, 2, "not a point of the scale"},
		{"nps outside 0-10", "department,enps\nA,11\n", 2, 2, "0-10"},
		{"not a number", "department,pride_1\nA,eens\n", 2, 2, "not a number"},
		{"NA is not empty", "department,pride_1\nA,NA\n", 2, 2, "leave the cell empty"},
		{"unknown option", "department,profile\nA,influencer\n", 2, 2, "unknown option \"influencer\""},
		{"two options for a single choice", "department,profile\nA,none;quiet_expert\n", 2, 2, "only one"},
		{"ragged row", "department,pride_1,pride_2\nA,4,4\nA,4\n", 3, 0, "2 fields, the header 3"},
		{"empty department", "department,pride_1\n,4\n", 2, 1, "department is empty"},
		{"bare quote", "department,pride_1\nA,\"4\n", 2, 0, "not valid CSV"},
		{"empty file", "", 0, 0, "empty"},
		{"semicolons", "department;pride_1\nA;4\n", 1, 0, "comma-separated"},
		{"header only", "department,pride_1\n", 1, 0, "no responses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadResponses(strings.NewReader(tc.in), "r.csv", q)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Msg, tc.msgContain) || e.File != "r.csv" {
				t.Fatalf("got %q (line %d, column %d), want line %d, column %d, %q", err, e.Line, e.Column, tc.line, tc.col, tc.msgContain)
			}
			if tc.line > 0 && !strings.Contains(err.Error(), "r.csv: line ") {
				t.Errorf("message %q does not name file and line", err)
			}
		})
	}
}

func TestReadResponsesRefusesHugeFiles(t *testing.T) {
	q := mustQuestionnaire(t)
	defer func(old int) { maxFileSize = old }(maxFileSize)
	maxFileSize = 1 << 10
	huge := strings.NewReader("department,pride_1\n" + strings.Repeat("A,4\n", 300))
	_, err := ReadResponses(huge, "big.csv", q)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

func TestHeadcounts(t *testing.T) {
	hs, err := ReadHeadcounts(strings.NewReader("department,headcount,external\nICT,40,nee\nZorg,25,\nStil,12,yes\n"), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Headcount{{"ICT", 40, false}, {"Zorg", 25, true}, {"Stil", 12, true}}
	if !reflect.DeepEqual(hs, want) {
		t.Fatalf("got %+v", hs)
	}
	q := mustQuestionnaire(t)
	groups, err := ReadResponses(strings.NewReader("department,pride_1\nZorg,4\nICT,3\n"), "r.csv", q)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ApplyHeadcounts(groups, hs, "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[1].Name != "Stil" || len(all[1].Responses) != 0 || all[1].Headcount != 12 || all[0].ExternallyVisible {
		t.Fatalf("got %+v", all)
	}
	if _, err := ApplyHeadcounts(groups, hs[:1], "h.csv"); err == nil || !strings.Contains(err.Error(), "\"Zorg\" has responses but no headcount") {
		t.Errorf("missing headcount row: %v", err)
	}
	for name, in := range map[string]string{
		"bad header":     "afdeling,aantal\nA,3\n",
		"negative":       "department,headcount\nA,-3\n",
		"not a number":   "department,headcount\nA,veel\n",
		"duplicate":      "department,headcount\nA,3\nA,4\n",
		"bad external":   "department,headcount,external\nA,3,misschien\n",
		"no departments": "department,headcount\n",
		"typo extra 0":   "department,headcount\nA,10000000\n",
	} {
		if _, err := ReadHeadcounts(strings.NewReader(in), "h.csv"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
