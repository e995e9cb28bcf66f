package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey/storetest"
)

// HR on a phone adds a department (after a mistake), imports a Dutch
// Excel export through the file picker, and opens a department that cannot
// be deleted; the pages fit 320 px and pass axe-core, in both languages.
func TestBrowserAdminManagesDepartmentsOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	const width = 320
	ctx, shot := phoneTab(t, newBrowser(t), width, "console-departments-")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/departments?lang=en"),
		signIn("admin@example.org"),
		chromedp.WaitVisible(chromedp.ID("departments")),
	))
	assertPage(t, ctx, "en", width, axe, "departments")
	shot("320")

	// A missing name comes back next to its field, the headcount kept.
	must(t, chromedp.Do(ctx,
		scrollTo("#create-form"),
		chromedp.SendKeys(chromedp.ID("headcount"), "12"),
		chromedp.Tap(chromedp.CSS("#create-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("name-error")),
	))
	assertPage(t, ctx, "en", width, axe, "departments with a form error")
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("headcount")))
	must(t, err)
	if kept != "12" {
		t.Fatalf("headcount after the error: %q", kept)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Klantcontact Noord"),
		chromedp.Tap(chromedp.CSS("#create-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("dept-notice")),
	))
	if d, ok := e.departmentNamed("Klantcontact Noord"); !ok || d.Headcount != 12 || !d.ExternallyVisible {
		t.Fatalf("created %+v, %v", d, ok)
	}

	// A file through the picker: one bad row refuses all of it.
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "fout.csv"), filepath.Join(dir, "afdelingen.csv")
	must(t, os.WriteFile(bad, []byte("\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\nDouane;veertien;nee\r\n"), 0o644))
	must(t, os.WriteFile(good, []byte("\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\nDouane;14;nee\r\nklantcontact noord;13;ja\r\n"), 0o644))
	before := e.departments()
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/departments?lang=nl"),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}),
		scrollTo("#import-form"),
		chromedp.Tap(chromedp.CSS("#import-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("import-errors")),
	))
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("import-errors")))
	must(t, err)
	if !strings.HasPrefix(got, "Regel 2: ‘veertien’ is geen heel getal") {
		t.Fatalf("import errors: %q", got)
	}
	if len(e.departments()) != len(before) {
		t.Fatal("a refused import stored something")
	}
	assertPage(t, ctx, "nl", width, axe, "departments with import errors")
	shot("import-errors-320")
	must(t, chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{good}),
		scrollTo("#import-form"),
		chromedp.Tap(chromedp.CSS("#import-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("import-summary")),
	))
	got, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("import-summary")))
	must(t, err)
	if got != "Import gelukt: 1 toegevoegd, 1 bijgewerkt, 0 ongewijzigd." {
		t.Fatalf("summary: %q", got)
	}

	// A department with responses: its page says why it stays.
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/departments/"+e.lead.ID+"?lang=en"),
		chromedp.WaitVisible(chromedp.ID("delete-blocked")),
	))
	assertPage(t, ctx, "en", width, axe, "department page")
	shot("edit-320")
}
