package survey

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// ImportDepartments stores many departments at once, in one transaction:
// a department whose name matches an existing one (trimmed, without regard
// to case) updates it - its name takes the spelling given here - and any
// other is created. Departments not named are left alone. When anything
// is refused, nothing is stored. updated counts the existing departments
// that changed; those given exactly as stored are neither created nor
// updated.
//
// A placed department (the file has a parent column) goes below its
// parent, named by name (of the file or stored) or by a stored id. An
// unknown parent, a cycle, a tree deeper than MaxDepth and any move of a
// stored department while a pulse is open are refused with the line.
func (s *Store) ImportDepartments(ctx context.Context, deps []DepartmentImport) (created, updated int, err error) {
	list := make([]DepartmentImport, len(deps))
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
		// Match each department of the file with a stored one, or give
		// it a new id.
		ids := make([]string, len(list))
		stored := make([]int, len(list)) // index in rows, -1 for a new one
		var fresh []departmentRow
		for n, d := range list {
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
					ids[n], stored[n] = NewID(), -1
					fresh = append(fresh, departmentRow{ID: ids[n], Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible})
					continue
				case 1:
					i = m[0]
				default:
					// "ICT" and "ict" both exist and the file says "Ict".
					return errorf(EConflict, "dept_import_ambiguous", "import: %q matches more than one department", d.Name)
				}
			}
			ids[n], stored[n] = rows[i].ID, i
		}
		parents, err := importParents(list, ids, rows)
		if err != nil {
			return err
		}
		// The tree after the import: the file's departments first, so
		// that a refusal names one of its lines.
		after := make([]Department, 0, len(rows)+len(fresh))
		inFile := make(map[string]int, len(list))
		for n, d := range list {
			inFile[ids[n]] = n
			after = append(after, Department{ID: ids[n], Name: d.Name, ParentID: parents[n]})
		}
		moved := false
		for n := range list {
			if i := stored[n]; i >= 0 && rows[i].domain().ParentID != parents[n] {
				moved = true
			}
		}
		for _, r := range rows {
			if _, ok := inFile[r.ID]; !ok {
				after = append(after, r.domain())
			}
		}
		if bad, why, ok := checkTree(after); !ok {
			d := list[inFile[bad.ID]]
			if why == "depth" {
				return lineError(EInvalid, "dept_tree_too_deep", d.Line, d.Name, strconv.Itoa(MaxDepth))
			}
			return lineError(EInvalid, "dept_tree_cycle", d.Line, d.Name)
		}
		if moved {
			if err := refuseWhileOpen(tx); err != nil {
				return err
			}
		}
		for n, d := range list {
			i := stored[n]
			if i < 0 {
				continue
			}
			r := rows[i]
			if r.Name == d.Name && r.Headcount == d.Headcount && r.ExternallyVisible == d.ExternallyVisible && r.domain().ParentID == parents[n] {
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
		// Parents last: every department of the file exists by now,
		// whatever order the file lists them in.
		for n := range list {
			was := ""
			if i := stored[n]; i >= 0 {
				was = rows[i].domain().ParentID
			}
			if parents[n] == was {
				continue
			}
			if err := tx.Model(&departmentRow{ID: ids[n]}).Update("parent_id", parentColumn(parents[n])).Error; err != nil {
				return internal("import departments: place", err)
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

// importParents resolves the parent of each department of the file: by a
// stored id, else by name among the file's and the stored departments. A
// department that is not placed keeps its stored parent (a new one: the
// top level).
func importParents(list []DepartmentImport, ids []string, rows []departmentRow) ([]string, error) {
	byID := make(map[string]string, len(rows))
	byName := make(map[string]string, len(rows)+len(list))
	for _, r := range rows {
		byID[r.ID] = r.domain().ParentID
		byName[DepartmentKey(r.Name)] = r.ID
	}
	for n, d := range list {
		byName[DepartmentKey(d.Name)] = ids[n]
	}
	parents := make([]string, len(list))
	for n, d := range list {
		if !d.Placed {
			parents[n] = byID[ids[n]]
			continue
		}
		ref := strings.TrimSpace(d.Parent)
		if ref == "" {
			continue
		}
		if _, ok := byID[ref]; ok {
			parents[n] = ref
		} else if id, ok := byName[DepartmentKey(ref)]; ok {
			parents[n] = id
		} else {
			return nil, lineError(EInvalid, "dept_tree_parent_unknown", d.Line, d.Name, ref)
		}
		if parents[n] == ids[n] {
			return nil, lineError(EInvalid, "dept_tree_cycle", d.Line, d.Name)
		}
	}
	return parents, nil
}

// lineError is a refusal of an import that names the line of the file
// ({1}; {2} the department, then args) so that HR can find it.
func lineError(code Code, key string, line int, name string, args ...string) error {
	e := errorf(code, key, "import: line %d: %s: %s", line, name, key)
	e.Args = append([]string{strconv.Itoa(line), name}, args...)
	return e
}

// DepartmentUsage is what keeps a department from being deleted: answers
// given in it, decisions and action plans recorded for it (audit logs
// that are never rewritten) and lead accounts that belong to it.
type DepartmentUsage struct {
	// Responses: the department takes part in a pulse whose raw answers
	// are kept (open, or closed and not purged), so it may hold answers.
	// Never whether it does: for a department hidden by the anonymity
	// rule - one person, say - that would tell whether someone answered.
	Responses bool
	Decisions bool
	Leads     bool
	// Children: departments belong to it (move or delete them first).
	Children bool
}

// InUse reports whether anything keeps the department.
func (u DepartmentUsage) InUse() bool { return u.Responses || u.Decisions || u.Leads || u.Children }

// DepartmentUsage tells what refers to a department, to explain why it
// cannot be deleted. It never looks at answers (see Responses).
func (s *Store) DepartmentUsage(ctx context.Context, id string) (DepartmentUsage, error) {
	return departmentUsage(ctx, s.r, id)
}

// inKeptPulse is the condition on survey_links of a department that
// takes part in a pulse whose raw answers are kept: every department that
// can hold answers has a link of that pulse (answers come through links,
// invitations and codes, which all make one), whether or not it does.
const inKeptPulse = `SELECT 1 FROM survey_links l JOIN pulses p ON p.id = l.pulse_id
	WHERE l.department_id = ? AND p.status <> 'draft' AND p.purged_at IS NULL`

func departmentUsage(ctx context.Context, db *gorm.DB, id string) (DepartmentUsage, error) {
	exists := func(query string) (bool, error) {
		var n int64
		err := db.WithContext(ctx).Raw("SELECT COUNT(*) FROM ("+query+" LIMIT 1) AS x", id).
			Scan(&n).Error
		return n > 0, err
	}
	var u DepartmentUsage
	var err error
	for _, q := range []struct {
		query string
		into  *bool
	}{{inKeptPulse, &u.Responses}, {"SELECT 1 FROM decisions WHERE department_id = ?", &u.Decisions},
		{"SELECT 1 FROM actions WHERE department_id = ?", &u.Decisions}, {"SELECT 1 FROM users WHERE department_id = ?", &u.Leads}} {
		found, e := exists(q.query)
		if e != nil {
			err = e
			break
		}
		*q.into = *q.into || found
	}
	if err == nil {
		var below int64
		err = db.WithContext(ctx).Model(&departmentRow{}).Where("parent_id = ?", id).Limit(1).Count(&below).Error
		u.Children = below > 0
	}
	if err != nil {
		return DepartmentUsage{}, internal("department usage", err)
	}
	return u, nil
}
