package server

import (
	"context"

	"trots/accounts"
	"trots/survey"
)

// A lead is assigned to one node of the department tree and sees that
// node and everything below it, nothing beside or above it. scope is that
// rule in one place; every page, API route, export and report that shows
// a department asks it (see scopeFor's callers).

// scope is the part of the tree a user may see.
type scope struct {
	tree survey.Tree
	all  bool   // every role but lead
	root string // a lead's department
}

// sees reports whether the department id lies in the scope.
func (sc scope) sees(id string) bool {
	return sc.all || sc.root != "" && sc.tree.Within(id, sc.root)
}

// top is the node the user's board opens at: "" (the top level) for all
// but a lead, whose board opens at the own department.
func (sc scope) top() string {
	if sc.all {
		return ""
	}
	return sc.root
}

// pulseTree is the tree a pulse's results are shown in: the one it closed
// with (survey.Store.PulseTree), or the departments as they are now for a
// pulse not closed or closed before trots recorded the tree. A department
// created since the close joins at its place of now.
func (s *Server) pulseTree(ctx context.Context, p *survey.Pulse) (survey.Tree, []survey.Department, error) {
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return survey.Tree{}, nil, err
	}
	if p == nil || p.Status != survey.PulseClosed {
		return survey.NewTree(deps), deps, nil
	}
	then, err := s.data.PulseTree(ctx, p.ID)
	if err != nil || len(then) == 0 {
		return survey.NewTree(deps), deps, err
	}
	known := make(map[string]bool, len(then))
	for _, d := range then {
		known[d.ID] = true
	}
	for _, d := range deps {
		if !known[d.ID] {
			then = append(then, d)
		}
	}
	return survey.NewTree(then), then, nil
}

// scopeFor is what u may see of the departments, in the tree of pulse p
// (nil: the departments as they are now).
func (s *Server) scopeFor(ctx context.Context, u accounts.User, p *survey.Pulse) (scope, error) {
	tree, _, err := s.pulseTree(ctx, p)
	if err != nil {
		return scope{}, err
	}
	return scopeIn(tree, u), nil
}

// scopeIn is u's scope in tree.
func scopeIn(tree survey.Tree, u accounts.User) scope {
	if u.Role != accounts.RoleLead {
		return scope{tree: tree, all: true}
	}
	return scope{tree: tree, root: u.DepartmentID}
}
