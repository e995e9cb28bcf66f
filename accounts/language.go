package accounts

import (
	"context"

	"trots/survey"
)

// SetUserLanguage remembers the console language a user chose, so that
// every later page, on any device, is in that language. lang is "nl" or
// "en"; anything else is survey.EInvalid and changes nothing.
func (s *Store) SetUserLanguage(ctx context.Context, userID, lang string) error {
	if lang != "nl" && lang != "en" {
		return errorf(survey.EInvalid, "user_language_invalid", "language %q: use nl or en", lang)
	}
	res := s.w.WithContext(ctx).Model(&userRow{}).Where("id = ?", userID).Update("lang", lang)
	if res.Error != nil {
		return internal("set user language", res.Error)
	}
	if res.RowsAffected == 0 {
		return errorf(survey.ENotFound, "user_not_found", "no such account")
	}
	return nil
}
