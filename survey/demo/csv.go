package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"trots/questionnaires"
	"trots/survey"
)

// WriteCSV writes the responses in the CSV format `trots analyze` reads:
// a header "department" plus one column per item id in questionnaire order,
// then one row per response. Numbers are written in decimal, the options of
// a choice joined with ";", open text scrubbed of e-mail addresses and phone
// numbers (as the store would hold it); an empty cell is a missing answer.
//
// The file is synthetic: in real data an open comment is never written on
// the same row as the person's scores.
func WriteCSV(w io.Writer, q *questionnaires.Questionnaire, org Organisation) error {
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(q.Items)+1)
	header = append(header, "department")
	for _, it := range q.Items {
		header = append(header, it.ID)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("demo: write CSV: %w", err)
	}
	row := make([]string, len(header))
	for _, d := range org.Departments {
		for _, r := range d.Responses {
			row[0] = d.Name
			for i, it := range q.Items {
				row[i+1] = cell(it, r)
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("demo: write CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("demo: write CSV: %w", err)
	}
	return nil
}

func cell(it *questionnaires.Item, r Response) string {
	switch it.Scale.Type {
	case questionnaires.Likert, questionnaires.NPS:
		if n, ok := r.Answers.Numbers[it.ID]; ok {
			return strconv.Itoa(n)
		}
	case questionnaires.Choice:
		return strings.Join(r.Answers.Choices[it.ID], ";")
	case questionnaires.FreeText:
		return survey.Scrub(r.Comments[it.ID])
	}
	return ""
}

// WriteHeadcounts writes "department,headcount,external" with one row per
// department, for the response rates of `trots analyze`.
func WriteHeadcounts(w io.Writer, org Organisation) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"department", "headcount", "external"})
	for _, d := range org.Departments {
		_ = cw.Write([]string{d.Name, strconv.Itoa(d.Headcount), strconv.FormatBool(d.ExternallyVisible)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("demo: write headcounts: %w", err)
	}
	return nil
}
