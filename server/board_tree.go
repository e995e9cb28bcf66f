package server

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"trots/server/i18n"
	"trots/survey"
)

// The board follows the department tree: it opens at the top level (a
// lead's at the own department) and shows one node's parts at a time,
// with breadcrumbs back up and a search by name across every level the
// user may see. All of it is links and one GET form: no script needed.

// crumb is one step of the breadcrumbs.
type crumb struct {
	Name, Href string
	Current    bool
}

// breadcrumbs lead from the user's top (the whole organisation, or a
// lead's own department) down to node, each a link to that level.
func breadcrumbs(b *boardData, node, lang string) []crumb {
	level := func(id string) string {
		q := url.Values{"pulse": {b.pulse.ID}}
		if id != "" {
			q.Set("node", id)
		}
		return "/board?" + q.Encode()
	}
	var out []crumb
	if b.scope.all {
		out = append(out, crumb{Name: i18n.T(lang, "board_tree_top"), Href: level("")})
	}
	if node != "" {
		for _, d := range append(b.tree.Ancestors(node), survey.Department{ID: node, Name: nodeName(b, node)}) {
			if b.scope.sees(d.ID) {
				out = append(out, crumb{Name: d.Name, Href: level(d.ID)})
			}
		}
	}
	if len(out) > 0 {
		out[len(out)-1].Current = true
	}
	return out
}

// nodeName is the name a node is shown with: its row's (the name of
// now), else the tree's.
func nodeName(b *boardData, id string) string {
	for _, r := range b.rows {
		if r.ID == id {
			return r.Name
		}
	}
	d, _ := b.tree.Department(id)
	return d.Name
}

// levelRows are the rows of one level: the node itself (marked current;
// none at the top) and the parts directly below it.
func levelRows(rows []boardRow, node string) (current *boardRow, children []boardRow) {
	for i := range rows {
		switch {
		case node != "" && rows[i].ID == node:
			r := rows[i]
			r.Current = true
			current = &r
		case rows[i].ParentID == node:
			children = append(children, rows[i])
		}
	}
	return current, children
}

// searchRows are the rows whose name holds every word of query, without
// regard to case; each is shown with its path.
func searchRows(rows []boardRow, query string) []boardRow {
	words := strings.Fields(strings.ToLower(query))
	var out []boardRow
	for _, r := range rows {
		name := strings.ToLower(r.Name)
		all := len(words) > 0
		for _, w := range words {
			all = all && strings.Contains(name, w)
		}
		if all {
			out = append(out, r)
		}
	}
	return out
}

// searchQuery is a typed search, trimmed and bounded (a department name
// has at most 100 characters), without control characters.
func searchQuery(q string) string {
	q = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q))
	for utf8.RuneCountInString(q) > 100 {
		_, n := utf8.DecodeLastRuneInString(q)
		q = q[:len(q)-n]
	}
	return q
}
