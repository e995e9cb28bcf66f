package server_test

import (
	"testing"

	"trots/survey"
)

// The attack: Alfa (3 answers) and Echo (none) are both hidden on the
// participation page of the open pulse - and would be in its results. But
// the department page said why a department cannot be deleted: "responses
// have been given in it" for Alfa, nothing for Echo, whose deletion went
// through. For a department of one (a director) that says whether the
// person answered, and when (the page changes with the first answer).
// Whether a department may be deleted must not depend on whether anyone
// in it answered: both pages read the same, both deletions are refused.
func TestDepartmentPageDoesNotTellWhetherAHiddenDepartmentAnswered(t *testing.T) {
	e := newTiedEnv(t)
	b := e.browser()
	b.login("admin@example.org")
	part, _ := e.participation(b)
	if part[e.ids["Alfa"]] != "hidden" || part[e.ids["Echo"]] != "hidden" {
		t.Fatalf("Alfa and Echo not both hidden: %v", part)
	}
	look := func(name string) string {
		d := parseHTML(t, b.get("/departments/"+e.ids[name]+"?lang=en").body)
		s := "delete form: " + map[bool]string{true: "yes", false: "no"}[d.has(tag("form", "id", "delete-form"))]
		if d.has(tag("div", "id", "delete-blocked")) || d.has(tag("p", "id", "delete-blocked")) {
			s += "; blocked: " + text(d.byID("delete-blocked"))
		}
		return s
	}
	alfa, echo := look("Alfa"), look("Echo")
	if alfa != echo {
		t.Errorf("the department pages tell Alfa's answers from Echo's none:\nAlfa: %s\nEcho: %s", alfa, echo)
	}
	errAlfa := e.store.DeleteDepartment(ctx, e.ids["Alfa"])
	errEcho := e.store.DeleteDepartment(ctx, e.ids["Echo"])
	if survey.ErrorKey(errAlfa) != survey.ErrorKey(errEcho) {
		t.Errorf("deleting tells them apart: Alfa %v, Echo %v", errAlfa, errEcho)
	}
}
