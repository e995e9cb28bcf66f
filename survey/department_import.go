package survey

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ImportDepartments stores many departments at once, in one transaction:
// a department whose name matches an existing one (trimmed, without regard
// to case) updates it - its name takes the spelling given here - and any
// other is created. Departments not named are left alone. When anything
// is refused, nothing is stored. updated counts the existing departments
// that changed; those given exactly as stored are neither created nor
// updated.
func (s *Store) ImportDepartments(ctx context.Context, deps []Department) (created, updated int, err error) {
	list := make([]Department, len(deps))
	seen := make(map[string]bool, len(deps))
	for i, d := range deps {
		if err := d.Validate(); err != nil {
			return 0, 0, fmt.Errorf("import %q: %w", d.Name, err)
		}
		k := DepartmentKey(d.Name)
		if seen[k] {
			return 0, 0, errorf(EInvalid, "dept_import_duplicate", "import: %q is named twice", d.Name)
		}
		seen[k] = true
		list[i] = d
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		created, updated = 0, 0
		// Read inside the transaction: on SQLite it holds the one write
		// lock from its start (immediate), so nothing changes in between.
		var rows []departmentRow
		if err := tx.Find(&rows).Error; err != nil {
			return internal("import departments: read", err)
		}
		exact := make(map[string]int, len(rows))
		folded := make(map[string][]int, len(rows))
		looks := lookalikes{}
		for i, r := range rows {
			exact[r.Name] = i
			folded[DepartmentKey(r.Name)] = append(folded[DepartmentKey(r.Name)], i)
			looks.add(r.Name)
		}
		var fresh []departmentRow
		for _, d := range list {
			i, ok := exact[d.Name]
			if !ok {
				switch m := folded[DepartmentKey(d.Name)]; len(m) {
				case 0:
					// A new name; not one that looks like a department
					// that exists or that this file creates.
					if other := looks.of(d.Name); other != "" {
						return lookalikeError(d.Name, other)
					}
					looks.add(d.Name)
					fresh = append(fresh, departmentRow{ID: NewID(), Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible})
					continue
				case 1:
					i = m[0]
				default:
					// "ICT" and "ict" both exist and the file says "Ict".
					return errorf(EConflict, "dept_import_ambiguous", "import: %q matches more than one department", d.Name)
				}
			}
			r := rows[i]
			if r.Name == d.Name && r.Headcount == d.Headcount && r.ExternallyVisible == d.ExternallyVisible {
				continue
			}
			res := tx.Model(&departmentRow{ID: r.ID}).Select("name", "headcount", "externally_visible").
				Updates(departmentRow{Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible})
			if isUniqueViolation(res.Error) {
				return errorf(EConflict, "department_exists", "a department named %q already exists", d.Name)
			}
			if res.Error != nil {
				return internal("import departments: update", res.Error)
			}
			updated++
		}
		if len(fresh) > 0 {
			err := tx.CreateInBatches(fresh, 500).Error
			if isUniqueViolation(err) {
				// Another import created one of these names meanwhile.
				return errorf(EConflict, "department_exists", "a department of this file was created meanwhile")
			}
			if err != nil {
				return internal("import departments: create", err)
			}
		}
		created = len(fresh)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return created, updated, nil
}

// DepartmentUsage is what keeps a department from being deleted: answers
// given in it, decisions and action plans recorded for it (audit logs
// that are never rewritten) and lead accounts that belong to it.
type DepartmentUsage struct {
	Responses bool
	Decisions bool
	Leads     bool
}

// InUse reports whether anything keeps the department.
func (u DepartmentUsage) InUse() bool { return u.Responses || u.Decisions || u.Leads }

// DepartmentUsage tells what refers to a department, to explain why it
// cannot be deleted. It reports presence only, never how many answers.
func (s *Store) DepartmentUsage(ctx context.Context, id string) (DepartmentUsage, error) {
	exists := func(table string) (bool, error) {
		var n int64
		err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM "+table+" WHERE department_id = ? LIMIT 1) AS x", id).
			Scan(&n).Error
		return n > 0, err
	}
	var u DepartmentUsage
	var err error
	for _, q := range []struct {
		table string
		into  *bool
	}{{"responses", &u.Responses}, {"comments", &u.Responses}, {"decisions", &u.Decisions}, {"actions", &u.Decisions}, {"users", &u.Leads}} {
		found, e := exists(q.table)
		if e != nil {
			err = e
			break
		}
		*q.into = *q.into || found
	}
	if err != nil {
		return DepartmentUsage{}, internal("department usage", err)
	}
	return u, nil
}
