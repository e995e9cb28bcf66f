package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// fuzzService is trots on a real SQLite store with the advocacy-readiness
// questionnaire open for one department, called in process (no network)
// and without a rate limit, so that every input reaches the handlers.
func fuzzService(f *testing.F) (http.Handler, survey.Link, *questionnaires.Questionnaire, *lockedBuffer) {
	f.Helper()
	// Every accepted input is a commit; on a memory-backed folder its
	// fsync costs nothing, so the fuzzer spends its time on the handlers.
	// Durability is tested elsewhere.
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "trots-fuzz-"); err == nil {
		dir = shm
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	st := storetest.Open(f, filepath.Join(dir, "fuzz.db"))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		f.Fatal(err)
	}
	d := storetest.MustDepartment(f, st, "Klantcontact", 25)
	p := storetest.MustOpenPulse(f, st, q.ID, q.Version)
	links, err := st.Links(ctx, p.ID)
	if err != nil || len(links) != 1 || links[0].DepartmentID != d.ID {
		f.Fatalf("links %v, %v", links, err)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	srv := server.New(server.Config{SurveyRate: 1e9, SurveyBurst: 1 << 30}, log, st, accounts.New(st))
	return srv.Handler(), links[0], q, logs
}

// serve sends one request in process.
func serve(h http.Handler, method, target, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Whatever body a browser (or anyone) posts to a survey form, trots answers
// with a redirect (stored), the form asking about questions left open (200),
// or a refusal it can explain - never a 5xx, which is also what a panic
// becomes. Seeds: testdata/fuzz/FuzzSurveyFormPost.
func FuzzSurveyFormPost(f *testing.F) {
	h, link, q, logs := fuzzService(f)
	f.Add([]byte(fullForm(q).Encode()))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := serve(h, http.MethodPost, "/s/"+link.Code, "application/x-www-form-urlencoded", body)
		switch rec.Code {
		case http.StatusSeeOther, http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for body %q\nlog: %s", rec.Code, body, logs.String())
		}
	})
}

// Whatever body is posted to the survey API, trots answers 201 or 200
// (stored, or a replay) or a 4xx with the API's error body - never a 5xx.
// Accepted answers are within the questionnaire (the decoder's own fuzz
// target checks that in detail).
// Seeds: testdata/fuzz/FuzzSurveyAPISubmit.
func FuzzSurveyAPISubmit(f *testing.F) {
	h, link, q, logs := fuzzService(f)
	good, err := json.Marshal(map[string]any{"submission_key": survey.NewID(), "answers": apiAnswers(q)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	target := "/api/v1/surveys/" + link.Code + "/responses"
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := serve(h, http.MethodPost, target, "application/json", body)
		switch rec.Code {
		case http.StatusCreated, http.StatusOK:
			var ok struct {
				Status string `json:"status"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &ok); err != nil || ok.Status != "stored" {
				t.Fatalf("status %d with body %q", rec.Code, rec.Body.String())
			}
		case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
			// 404 and 409: an unknown or used invitation token.
			var refused struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &refused); err != nil || refused.Error.Code == "" || refused.Error.Message == "" {
				t.Fatalf("refusal %d without an error body: %q", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("status %d for body %q\nlog: %s", rec.Code, body, logs.String())
		}
	})
}
