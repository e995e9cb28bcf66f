package survey

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type settingsRow struct {
	ID                int `gorm:"primaryKey;autoIncrement:false"`
	Name              string
	DefaultLanguage   string
	MinGroup          int
	MinComments       int
	MaskNames         string
	Controller        string
	ControllerContact string
	DPOContact        string `gorm:"column:dpo_contact"`
	PrivacyURL        string `gorm:"column:privacy_url"`
	PurposeNL         string `gorm:"column:purpose_nl"`
	PurposeEN         string `gorm:"column:purpose_en"`
	LawfulBasis       string
	RetentionMonths   int
	LeadComments      bool
}

func (settingsRow) TableName() string { return "settings" }

func (r settingsRow) domain() Settings {
	return Settings{Name: r.Name, DefaultLanguage: r.DefaultLanguage, MinGroup: r.MinGroup, MinComments: r.MinComments,
		MaskNames: ParseNames(r.MaskNames), Controller: r.Controller, ControllerContact: r.ControllerContact,
		DPOContact: r.DPOContact, PrivacyURL: r.PrivacyURL, PurposeNL: r.PurposeNL, PurposeEN: r.PurposeEN,
		LawfulBasis: LawfulBasis(r.LawfulBasis), RetentionMonths: r.RetentionMonths, LeadComments: r.LeadComments}
}

// MaxMaskNames bounds the organisation's list of names to mask.
const MaxMaskNames = 20000

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
	return row.domain(), nil
}

// SaveSettings validates and stores the organisation settings. Pulses that
// are already open keep the thresholds they opened with.
func (s *Store) SaveSettings(ctx context.Context, st Settings) error {
	st = st.withDefaults()
	if err := st.Validate(); err != nil {
		return err
	}
	row := settingsRow{ID: 1, Name: st.Name, DefaultLanguage: st.DefaultLanguage, MinGroup: st.MinGroup, MinComments: st.MinComments,
		MaskNames:  strings.Join(ParseNames(strings.Join(st.MaskNames, "\n")), "\n"),
		Controller: st.Controller, ControllerContact: st.ControllerContact, DPOContact: st.DPOContact, PrivacyURL: st.PrivacyURL,
		PurposeNL: st.PurposeNL, PurposeEN: st.PurposeEN, LawfulBasis: string(st.LawfulBasis),
		RetentionMonths: st.RetentionMonths, LeadComments: st.LeadComments}
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	if err != nil {
		return internal("save settings", err)
	}
	s.names.Store(&namesCache{index: newNameIndex(ParseNames(row.MaskNames)), at: time.Now()})
	return nil
}

// withDefaults fills in the settings a caller left at their zero value
// (settings written before migration 11 had no lawful basis or retention
// period): the defaults. The console and the command line check with
// Problems first, so that a retention of 0 typed by hand is refused, not
// taken as 12.
func (st Settings) withDefaults() Settings {
	def := DefaultSettings()
	if st.LawfulBasis == "" {
		st.LawfulBasis = def.LawfulBasis
	}
	if st.RetentionMonths == 0 {
		st.RetentionMonths = def.RetentionMonths
	}
	return st
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
