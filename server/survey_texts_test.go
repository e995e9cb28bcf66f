package server_test

import (
	"testing"

	"trots/server/i18n"
	"trots/survey"
)

// Every key the survey pages and the API can show is in the catalogue, in
// every language (i18n's own test checks the languages of each key).
func TestEveryKeyTheSurveyShowsIsInTheCatalogue(t *testing.T) {
	keys := []string{
		survey.AnswerMissing, survey.AnswerOutOfRange, survey.AnswerNotANumber, survey.AnswerUnknownOption,
		survey.AnswerTooMany, survey.AnswerUnknownItem, survey.AnswerTooLong, survey.AnswerWrongType,
		"answers_invalid", "submission_key", "field_unknown", "unsupported_media_type",
	}
	// Refusals shown as a page have a title too.
	for _, k := range []string{
		"link_unknown", "token_unknown", "token_used", "pulse_closed", "pulse_not_open",
		"too_large", "cross_origin", "rate_limited", "not_found", "internal", "timeout", "bad_request",
	} {
		keys = append(keys, k, k+"_title")
	}
	for _, k := range keys {
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, k) {
				t.Errorf("%s has no %s text", k, lang)
			}
		}
	}
}
