package survey

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

type departmentRow struct {
	ID                string `gorm:"primaryKey"`
	Name              string
	Headcount         int
	ExternallyVisible bool
}

func (departmentRow) TableName() string { return "departments" }

func (r departmentRow) domain() Department {
	return Department{ID: r.ID, Name: r.Name, Headcount: r.Headcount, ExternallyVisible: r.ExternallyVisible}
}

// MaxHeadcount bounds a department's headcount to catch typos (an extra zero).
const MaxHeadcount = 1_000_000

// Validate checks a department before it is stored.
func (d *Department) Validate() error {
	d.Name = strings.TrimSpace(d.Name)
	switch {
	case d.Name == "":
		return errorf(EInvalid, "department_name_missing", "a department needs a name")
	case !plainText(d.Name, false):
		return errorf(EInvalid, "department_name_invalid", "a department name may not hold control characters or invalid UTF-8")
	case utf8.RuneCountInString(d.Name) > 100:
		return errorf(EInvalid, "department_name_long", "a department name has at most 100 characters")
	case d.Headcount < 0 || d.Headcount > MaxHeadcount:
		return errorf(EInvalid, "department_headcount", "the headcount must be between 0 and %d", MaxHeadcount)
	}
	return nil
}

// CreateDepartment stores a new department and returns it with its id.
func (s *Store) CreateDepartment(ctx context.Context, d Department) (Department, error) {
	if err := d.Validate(); err != nil {
		return Department{}, err
	}
	d.ID = NewID()
	row := departmentRow{ID: d.ID, Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refuseLookalike(tx, d.Name, d.ID); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if ErrorCode(err) == EConflict {
		return Department{}, err
	}
	if err != nil {
		if isUniqueViolation(err) {
			return Department{}, errorf(EConflict, "department_exists", "a department named %q already exists", d.Name)
		}
		return Department{}, internal("create department", err)
	}
	return d, nil
}

// UpdateDepartment changes name, headcount and visibility.
func (s *Store) UpdateDepartment(ctx context.Context, d Department) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var affected int64
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refuseLookalike(tx, d.Name, d.ID); err != nil {
			return err
		}
		res := tx.Model(&departmentRow{ID: d.ID}).Select("name", "headcount", "externally_visible").
			Updates(departmentRow{Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible})
		affected = res.RowsAffected
		return res.Error
	})
	switch {
	case ErrorCode(err) == EConflict:
		return err
	case isUniqueViolation(err):
		return errorf(EConflict, "department_exists", "a department named %q already exists", d.Name)
	case err != nil:
		return internal("update department", err)
	case affected == 0:
		return errorf(ENotFound, "department_not_found", "no department %q", d.ID)
	}
	return nil
}

// refuseLookalike refuses a name that people would take for an existing
// department's (other than the department self): see nameLookalikeKey.
// It reads inside the writing transaction, so no look-alike slips in
// between.
func refuseLookalike(tx *gorm.DB, name, self string) error {
	var rows []departmentRow
	if err := tx.Select("id", "name").Find(&rows).Error; err != nil {
		return internal("read department names", err)
	}
	if other := resembles(name, self, rows); other != "" {
		return lookalikeError(name, other)
	}
	return nil
}

// DeleteDepartment removes a department that has no responses yet.
func (s *Store) DeleteDepartment(ctx context.Context, id string) error {
	res := s.w.WithContext(ctx).Delete(&departmentRow{ID: id})
	switch {
	case isForeignKeyViolation(res.Error):
		return errorf(EConflict, "department_has_responses", "the department has responses; it cannot be deleted")
	case res.Error != nil:
		return internal("delete department", res.Error)
	case res.RowsAffected == 0:
		return errorf(ENotFound, "department_not_found", "no department %q", id)
	}
	return nil
}

// Department returns one department.
func (s *Store) Department(ctx context.Context, id string) (Department, error) {
	var row departmentRow
	err := s.r.WithContext(ctx).Take(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Department{}, errorf(ENotFound, "department_not_found", "no department %q", id)
	}
	if err != nil {
		return Department{}, internal("read department", err)
	}
	return row.domain(), nil
}

// Departments returns all departments by name.
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	var rows []departmentRow
	if err := s.r.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, internal("list departments", err)
	}
	out := make([]Department, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
