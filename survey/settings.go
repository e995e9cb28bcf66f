package survey

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type settingsRow struct {
	ID              int `gorm:"primaryKey;autoIncrement:false"`
	Name            string
	DefaultLanguage string
	MinGroup        int
	MinComments     int
}

func (settingsRow) TableName() string { return "settings" }

// Validate checks settings before they are saved.
func (st Settings) Validate() error {
	switch {
	case len(st.Name) == 0 || len(st.Name) > 200 || !plainText(st.Name, false):
		return errorf(EInvalid, "settings_name", "the organisation name must have 1-200 characters of plain text")
	case st.DefaultLanguage != "nl" && st.DefaultLanguage != "en":
		return errorf(EInvalid, "settings_language", "the default language must be nl or en")
	case st.MinGroup < MinAllowedGroup:
		return errorf(EInvalid, "settings_min_group", "the anonymity threshold must be at least %d", MinAllowedGroup)
	case st.MinComments < st.MinGroup:
		return errorf(EInvalid, "settings_min_comments", "the threshold for comments must be at least the anonymity threshold (%d)", st.MinGroup)
	}
	return nil
}

// Settings returns the organisation settings, or the defaults when none
// were saved.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	var row settingsRow
	err := s.r.WithContext(ctx).Take(&row, 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, internal("read settings", err)
	}
	return Settings{Name: row.Name, DefaultLanguage: row.DefaultLanguage, MinGroup: row.MinGroup, MinComments: row.MinComments}, nil
}

// SaveSettings validates and stores the organisation settings. Pulses that
// are already open keep the thresholds they opened with.
func (s *Store) SaveSettings(ctx context.Context, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	row := settingsRow{ID: 1, Name: st.Name, DefaultLanguage: st.DefaultLanguage, MinGroup: st.MinGroup, MinComments: st.MinComments}
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	if err != nil {
		return internal("save settings", err)
	}
	return nil
}
