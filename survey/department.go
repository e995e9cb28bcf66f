package survey

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

type departmentRow struct {
	ID                string `gorm:"primaryKey"`
	Name              string
	Headcount         int
	ExternallyVisible bool
	ParentID          *string
}

func (departmentRow) TableName() string { return "departments" }

func (r departmentRow) domain() Department {
	d := Department{ID: r.ID, Name: r.Name, Headcount: r.Headcount, ExternallyVisible: r.ExternallyVisible}
	if r.ParentID != nil {
		d.ParentID = *r.ParentID
	}
	return d
}

// parentColumn is a parent id as the column holds it: NULL at the top.
func parentColumn(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

// MaxHeadcount bounds a department's headcount to catch typos (an extra zero).
const MaxHeadcount = 1_000_000

// Validate checks a department before it is stored.
func (d *Department) Validate() error {
	d.Name = strings.TrimSpace(d.Name)
	switch {
	case d.Name == "":
		return errorf(EInvalid, "department_name_missing", "a department needs a name")
	case !PlainText(d.Name, false):
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
	row := departmentRow{ID: d.ID, Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible, ParentID: parentColumn(d.ParentID)}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refuseLookalike(tx, d.Name, d.ID); err != nil {
			return err
		}
		if d.ParentID == "" {
			// Nothing to check, and no column to fill: the tests that
			// migrate an old schema forward create departments in it.
			return tx.Omit("parent_id").Create(&row).Error
		}
		if err := checkPlace(tx, d, true); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if c := ErrorCode(err); c == EConflict || c == EInvalid {
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

// UpdateDepartment changes name, headcount, visibility and parent. A new
// parent moves the department with everything below it; that is refused
// while a pulse is open (its answers were given in the tree as it was).
func (s *Store) UpdateDepartment(ctx context.Context, d Department) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var affected int64
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refuseLookalike(tx, d.Name, d.ID); err != nil {
			return err
		}
		if err := checkPlace(tx, d, false); err != nil {
			return err
		}
		res := tx.Model(&departmentRow{ID: d.ID}).Select("name", "headcount", "externally_visible", "parent_id").
			Updates(departmentRow{Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible, ParentID: parentColumn(d.ParentID)})
		affected = res.RowsAffected
		return res.Error
	})
	switch {
	case ErrorCode(err) == EConflict || ErrorCode(err) == EInvalid:
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

// checkPlace refuses a parent that does not exist, a move that would put
// d below itself or deeper than MaxDepth, and any move while a pulse is
// open. fresh is set for a department not stored yet (it has nothing
// below it and moves nothing).
func checkPlace(tx *gorm.DB, d Department, fresh bool) error {
	var rows []departmentRow
	if err := tx.Select("id", "name", "parent_id").Find(&rows).Error; err != nil {
		return internal("read departments", err)
	}
	all := make([]Department, 0, len(rows)+1)
	found, moved := false, fresh && d.ParentID != ""
	for _, r := range rows {
		x := r.domain()
		if x.ID == d.ID {
			moved = x.ParentID != d.ParentID
			x.ParentID = d.ParentID
		}
		found = found || x.ID == d.ParentID
		all = append(all, x)
	}
	if fresh {
		all = append(all, d)
	}
	if d.ParentID != "" && !found {
		return errorf(EInvalid, "department_parent_unknown", "the parent department %q does not exist", d.ParentID)
	}
	if !moved {
		return nil
	}
	if !fresh {
		if err := refuseWhileOpen(tx); err != nil {
			return err
		}
	}
	if _, why, ok := checkTree(all); !ok {
		if why == "depth" {
			e := errorf(EInvalid, "department_too_deep", "a department sits at most %d levels deep", MaxDepth)
			e.Args = []string{strconv.Itoa(MaxDepth)}
			return e
		}
		return errorf(EInvalid, "department_parent_cycle", "a department cannot be placed below itself")
	}
	return nil
}

// refuseWhileOpen refuses to move departments while a pulse is open: its
// answers are counted in the tree as it was when they were given.
func refuseWhileOpen(tx *gorm.DB) error {
	var open int64
	if err := tx.Model(&pulseRow{}).Where("status = ?", string(PulseOpen)).Count(&open).Error; err != nil {
		return internal("read open pulses", err)
	}
	if open > 0 {
		return errorf(EConflict, "department_move_open_pulse", "departments cannot move while a pulse is open; close it first")
	}
	return nil
}

// DeleteDepartment removes a department that takes part in no pulse whose
// raw answers are kept and has no departments below it. Whether anyone in
// it answered plays no part: refusing only a department with answers would
// tell, of a department too small to be shown (one director), whether its
// people answered - and, watched while a pulse is open, when.
func (s *Store) DeleteDepartment(ctx context.Context, id string) error {
	var below int64
	if err := s.r.WithContext(ctx).Model(&departmentRow{}).Where("parent_id = ?", id).Count(&below).Error; err != nil {
		return internal("delete department", err)
	}
	if below > 0 {
		return errorf(EConflict, "department_has_children", "departments belong to this department; move or delete them first")
	}
	var res *gorm.DB
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		u, err := departmentUsage(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Responses {
			return errorf(EConflict, "department_has_responses", "the department takes part in a pulse whose answers are kept; it cannot be deleted until the retention deletes them")
		}
		res = tx.Delete(&departmentRow{ID: id})
		return nil
	})
	if err != nil {
		return err
	}
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
