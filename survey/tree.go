package survey

import (
	"context"
	"sort"
	"strings"
)

// The departments form a tree: a department has an optional parent
// (directorate > department > team, location > division > ward). Tree is
// that tree as the pages, the API and the scoping of leads read it; it is
// built from a list of departments and holds no storage.

// MaxDepth is the deepest a department may sit (the top level is depth 1).
// Organisations seldom go past five or six levels; the bound catches a
// file that chains every row to the one before.
const MaxDepth = 12

// PathSeparator joins the names of a department's path:
// "Directie A / Afdeling B / Team C".
const PathSeparator = " / "

// Tree is a set of departments with their parent links.
type Tree struct {
	byID     map[string]Department
	children map[string][]string // parent id ("" = top) -> child ids, by name
}

// NewTree indexes deps. A parent that is not among deps makes its child a
// top-level node (a department deleted since, or a partial list).
func NewTree(deps []Department) Tree {
	t := Tree{byID: make(map[string]Department, len(deps)), children: map[string][]string{}}
	for _, d := range deps {
		t.byID[d.ID] = d
	}
	for _, d := range deps {
		p := d.ParentID
		if _, ok := t.byID[p]; !ok || p == d.ID {
			p = ""
		}
		t.children[p] = append(t.children[p], d.ID)
	}
	for p := range t.children {
		ids := t.children[p]
		sort.SliceStable(ids, func(i, j int) bool {
			a, b := t.byID[ids[i]], t.byID[ids[j]]
			if ka, kb := DepartmentKey(a.Name), DepartmentKey(b.Name); ka != kb {
				return ka < kb
			}
			return a.ID < b.ID
		})
	}
	return t
}

// Department returns the department with id.
func (t Tree) Department(id string) (Department, bool) {
	d, ok := t.byID[id]
	return d, ok
}

// Len is the number of departments.
func (t Tree) Len() int { return len(t.byID) }

// Parent is the id of id's parent in the tree, "" at the top.
func (t Tree) Parent(id string) string {
	p := t.byID[id].ParentID
	if _, ok := t.byID[p]; !ok || p == id {
		return ""
	}
	return p
}

// Children are the departments directly below id ("" = the top level),
// by name.
func (t Tree) Children(id string) []Department {
	ids := t.children[id]
	out := make([]Department, len(ids))
	for i, c := range ids {
		out[i] = t.byID[c]
	}
	return out
}

// Ancestors are the departments above id, from the top down (without id).
// A cycle (which the store refuses) ends the walk.
func (t Tree) Ancestors(id string) []Department {
	var up []Department
	seen := map[string]bool{id: true}
	for p := t.Parent(id); p != "" && !seen[p]; p = t.Parent(p) {
		seen[p] = true
		up = append(up, t.byID[p])
	}
	for i, j := 0, len(up)-1; i < j; i, j = i+1, j-1 {
		up[i], up[j] = up[j], up[i]
	}
	return up
}

// Depth is id's level: 1 at the top.
func (t Tree) Depth(id string) int { return len(t.Ancestors(id)) + 1 }

// Path is id's name with the names above it: "Directie A / Afdeling B /
// Team C".
func (t Tree) Path(id string) string {
	var names []string
	for _, a := range t.Ancestors(id) {
		names = append(names, a.Name)
	}
	return strings.Join(append(names, t.byID[id].Name), PathSeparator)
}

// Within reports whether id is root or lies below it. It is the one test
// of a lead's scope: a lead assigned to root sees root's branch and
// nothing beside or above it.
func (t Tree) Within(id, root string) bool {
	if root == "" || id == "" {
		return false
	}
	if id == root {
		return true
	}
	for _, a := range t.Ancestors(id) {
		if a.ID == root {
			return true
		}
	}
	return false
}

// Branch is root and every department below it, depth first, each parent
// before its children.
func (t Tree) Branch(root string) []Department {
	var out []Department
	var walk func(id string)
	seen := map[string]bool{}
	walk = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, t.byID[id])
		for _, c := range t.children[id] {
			walk(c)
		}
	}
	if _, ok := t.byID[root]; ok {
		walk(root)
	}
	return out
}

// TotalHeadcount is id's own headcount plus that of every department
// below it: a parent's people are its own staff and its children's.
func (t Tree) TotalHeadcount(id string) int {
	n := 0
	for _, d := range t.Branch(id) {
		n += d.Headcount
	}
	return n
}

// checkTree refuses a set of departments whose parent links go round in a
// circle or nest deeper than MaxDepth; it returns the first department
// (in the order given) that does, and the problem ("cycle" or "depth").
func checkTree(deps []Department) (Department, string, bool) {
	parent := make(map[string]string, len(deps))
	for _, d := range deps {
		parent[d.ID] = d.ParentID
	}
	for _, d := range deps {
		depth := 1
		seen := map[string]bool{d.ID: true}
		for p := parent[d.ID]; p != ""; p = parent[p] {
			if seen[p] {
				return d, "cycle", false
			}
			seen[p] = true
			depth++
			if depth > MaxDepth {
				return d, "depth", false
			}
		}
	}
	return Department{}, "", true
}

type pulseDepartmentRow struct {
	PulseID      string `gorm:"primaryKey"`
	DepartmentID string `gorm:"primaryKey"`
	ParentID     string
	Name         string
	Headcount    int
}

func (pulseDepartmentRow) TableName() string { return "pulse_departments" }

// PulseTree returns the departments as they stood when pulse id closed:
// names, headcounts and parents of then (without visibility, which the
// stored results carry). It is empty for a pulse not closed, or closed
// before trots recorded the tree.
func (s *Store) PulseTree(ctx context.Context, id string) ([]Department, error) {
	var rows []pulseDepartmentRow
	if err := s.r.WithContext(ctx).Where("pulse_id = ?", id).Order("name").Find(&rows).Error; err != nil {
		return nil, internal("read the tree of a pulse", err)
	}
	out := make([]Department, len(rows))
	for i, r := range rows {
		out[i] = Department{ID: r.DepartmentID, Name: r.Name, Headcount: r.Headcount, ParentID: r.ParentID}
	}
	return out, nil
}
