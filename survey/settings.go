package survey

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type settingsRow struct {
	ID              int `gorm:"primaryKey;autoIncrement:false"`
	Name            string
	DefaultLanguage string
	MinGroup        int
	MinComments     int
	MaskNames       string
}

func (settingsRow) TableName() string { return "settings" }

// MaxMaskNames bounds the organisation's list of names to mask.
const MaxMaskNames = 20000

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
	case len(st.MaskNames) > MaxMaskNames:
		return errorf(EInvalid, "settings_mask_names", "the list of names to mask holds at most %d names", MaxMaskNames)
	}
	for _, n := range st.MaskNames {
		if utf8.RuneCountInString(n) > 100 || !plainText(n, false) || strings.ContainsAny(n, "\r\n") {
			return errorf(EInvalid, "settings_mask_names", "a name to mask has at most 100 characters of plain text on one line")
		}
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
	return Settings{Name: row.Name, DefaultLanguage: row.DefaultLanguage, MinGroup: row.MinGroup, MinComments: row.MinComments,
		MaskNames: ParseNames(row.MaskNames)}, nil
}

// SaveSettings validates and stores the organisation settings. Pulses that
// are already open keep the thresholds they opened with.
func (s *Store) SaveSettings(ctx context.Context, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	row := settingsRow{ID: 1, Name: st.Name, DefaultLanguage: st.DefaultLanguage, MinGroup: st.MinGroup, MinComments: st.MinComments,
		MaskNames: strings.Join(ParseNames(strings.Join(st.MaskNames, "\n")), "\n")}
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	if err != nil {
		return internal("save settings", err)
	}
	s.names.Store(&namesCache{index: newNameIndex(ParseNames(row.MaskNames)), at: time.Now()})
	return nil
}

// namesTTL is how long an instance keeps the list of names to mask before
// reading it again: another instance may have changed it.
const namesTTL = time.Minute

type namesCache struct {
	index nameIndex
	at    time.Time
}

// maskNames returns the organisation's list of names to mask in comments.
func (s *Store) maskNames(ctx context.Context) (nameIndex, error) {
	if c := s.names.Load(); c != nil && time.Since(c.at) < namesTTL {
		return c.index, nil
	}
	var rows []settingsRow
	if err := s.r.WithContext(ctx).Select("mask_names").Where("id = 1").Find(&rows).Error; err != nil {
		return nil, internal("read names to mask", err)
	}
	var names []string
	if len(rows) > 0 {
		names = ParseNames(rows[0].MaskNames)
	}
	idx := newNameIndex(names)
	s.names.Store(&namesCache{index: idx, at: time.Now()})
	return idx, nil
}
