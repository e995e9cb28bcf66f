package server_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"trots/server"
	"trots/survey/storetest"
)

// Finding "look-alike department names": the API refuses a name that
// differs from an existing department's only by a zero-width space, case
// or look-alike letters, with 409 dept_resembles and a message naming the
// department it resembles, in the caller's language; nothing is stored.
func TestDepartmentsAPIRefusesLookalikeNames(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.token("admin@example.org")
	existing := e.lead.Name
	before := e.departments()
	for _, name := range []string{strings.ToUpper(existing), existing + "\u200b", strings.ToLower(existing[:1]) + existing[1:]} {
		if name == existing {
			continue
		}
		for lang, want := range map[string]string{"en": "looks too much like the existing department ‘" + existing + "’", "nl": "lijkt te veel op de bestaande afdeling ‘" + existing + "’"} {
			code, body := e.apiCall("POST", "/api/v1/departments?lang="+lang, admin, "application/json", fmt.Sprintf(`{"name": %q, "headcount": 2, "externally_visible": true}`, name))
			doc := decodeDeptAPIError(t, body)
			if code != http.StatusConflict || doc.Error.Code != "dept_resembles" || !strings.Contains(doc.Error.Message, want) ||
				!reflect.DeepEqual(doc.Error.Fields, map[string]string{"name": "dept_resembles"}) {
				t.Errorf("POST %q (%s): %d %s", name, lang, code, body)
			}
		}
	}
	if after := e.departments(); !reflect.DeepEqual(after, before) {
		t.Fatal("refused look-alikes changed the departments")
	}
}
