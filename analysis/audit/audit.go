// Package audit is the disclosure audit of a pulse's published figures,
// done the way statistical offices audit their tables (tau-argus style).
//
// Every published table of a Result - each family (respondents, dimension
// n and favourable counts, the willing and their profiles, the gap, each
// pair, the eNPS categories, each barrier and "what would help" item) at
// every level (the organisation and its departments; the tables are trees,
// so deeper levels of departments are further nodes) - becomes a set of
// linear constraints over the unknown (hidden) cell counts: a parent
// equals the sum of its children, a node's categories its total,
// 0 <= x <= the node's bound (a department's headcount, published beside
// it, or what the respondent table leaves). gonum's simplex
// (optimize/convex/lp) minimises and maximises each hidden cell; for the
// common shape (one level, departments fully shown or fully hidden) a
// closed form gives the same bounds without it. A hidden cell is
// disclosed when its bounds show it lies in 1..k-1 or pin it to one
// nonzero value. Protect then hides more (the smallest shown sibling of
// the family first, else the organisation's cell) and audits again, until
// nothing is disclosed.
//
// Pulses are different submissions: the tables of two pulses share no
// unknown, so auditing each closed pulse covers the organisation's pulses
// together; the trend only combines figures both pulses publish.
//
// What the audit is not: LP bounds are a necessary check, not a proof
// against every attack. The exact integer bounds can be tighter than the
// LP's; tables whose cells nest (profiles within the willing, options
// within the answered) are bounded column by column, which can be wider
// than a bound over the whole nest; means and spreads (sums of scores) are
// not modelled as counts; and a cell pinned to 0 ("nobody of the hidden
// ones picked this") counts as safe, as in tau-argus.
package audit

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"trots/analysis"
)

// Finding is one hidden cell the published figures disclose.
type Finding struct {
	Table string
	Cell  analysis.Cell
	Name  string // the group's name as published
	Var   string
	Low   float64
	High  float64
}

// Report is the audit of one Result.
type Report struct {
	K        int
	Tables   int
	Checked  int
	Findings []Finding
	// Extra are the cells Protect hid on top of the k rule.
	Extra []analysis.Cell
}

// Safe reports whether no hidden cell is disclosed.
func (r *Report) Safe() bool { return len(r.Findings) == 0 }

// finding is a Finding with where it sits, for the extension.
type finding struct {
	Finding
	table *Table
	node  int
	v     int
}

// Audit bounds every hidden cell of res from its published figures.
func Audit(res *analysis.Result) (*Report, error) {
	rep, _, err := audit(res)
	return rep, err
}

func audit(res *analysis.Result) (*Report, []finding, error) {
	return auditCached(res, nil)
}

// boundsCache keeps each table's bounds from one round of Protect to the
// next, by table name: a table whose every figure, bound and shape is the
// same as last round's has the same bounds (they are a function of the
// table), so they are not computed again. Late rounds change a few
// families only.
type boundsCache map[string]cachedBounds

type cachedBounds struct {
	table Table
	bs    []Bound
	err   error
}

// get is the bounds of t from the cache, if t is unchanged.
func (c boundsCache) get(t *Table) (cachedBounds, bool) {
	if c == nil {
		return cachedBounds{}, false
	}
	e, ok := c[t.Name]
	if !ok || !sameTable(&e.table, t) {
		return cachedBounds{}, false
	}
	return e, true
}

func (c boundsCache) put(t *Table, bs []Bound, err error) {
	if c != nil {
		c[t.Name] = cachedBounds{table: *t, bs: bs, err: err}
	}
}

// sameTable reports whether a and b are the same table: shape, every
// node's place, figures and bound.
func sameTable(a, b *Table) bool {
	if a.Name != b.Name || a.Kind != b.Kind || !slices.Equal(a.Vars, b.Vars) || !slices.Equal(a.Families, b.Families) || len(a.Nodes) != len(b.Nodes) {
		return false
	}
	for i := range a.Nodes {
		x, y := &a.Nodes[i], &b.Nodes[i]
		if x.Group != y.Group || x.Name != y.Name || x.Parent != y.Parent || x.TotalKnown != y.TotalKnown ||
			x.Total != y.Total || x.Upper != y.Upper || !slices.Equal(x.Known, y.Known) || !slices.Equal(x.Values, y.Values) {
			return false
		}
	}
	return true
}

// auditCached is audit with the bounds of unchanged tables from cache
// (nil: none), which it updates.
func auditCached(res *analysis.Result, cache boundsCache) (*Report, []finding, error) {
	k := res.Config.MinGroup
	rep := &Report{K: k}
	b := newBuilder(res)
	var all []finding
	check := func(t *Table, bs []Bound, err error) ([]Bound, error) {
		if err != nil {
			return nil, fmt.Errorf("audit: table %s: %w", t.Name, err)
		}
		rep.Tables++
		for _, bd := range bs {
			rep.Checked++
			if !disclosed(bd, k) {
				continue
			}
			n := &t.Nodes[bd.Node]
			v := "total"
			fam := t.Families[0]
			if bd.Var >= 0 {
				v, fam = t.Vars[bd.Var], t.Families[bd.Var]
			}
			all = append(all, finding{Finding: Finding{Table: t.Name, Cell: analysis.Cell{Family: fam, Group: n.Group},
				Name: n.Name, Var: v, Low: bd.Low, High: bd.High}, table: t, node: bd.Node, v: bd.Var})
		}
		return bs, nil
	}
	resp := b.respondents()
	var bs []Bound
	var err error
	if e, ok := cache.get(&resp); ok {
		bs, err = e.bs, e.err
	} else {
		bs, err = bounds(&resp)
		cache.put(&resp, bs, err)
	}
	bs, err = check(&resp, bs, err)
	if err != nil {
		return nil, nil, err
	}
	b.upper = make([]float64, len(resp.Nodes))
	for i, n := range resp.Nodes {
		b.upper[i] = n.Upper
		if n.Known[0] {
			b.upper[i] = n.Values[0]
		}
	}
	for _, bd := range bs {
		b.upper[bd.Node] = math.Min(b.upper[bd.Node], bd.High)
	}
	// The other tables depend on the respondents' bounds only: bounded
	// side by side, checked in order.
	tables := b.figureTables()
	type result struct {
		bs  []Bound
		err error
	}
	out := make([]result, len(tables))
	var todo []int
	for i := range tables {
		if e, ok := cache.get(&tables[i]); ok {
			out[i] = result{e.bs, e.err}
		} else {
			todo = append(todo, i)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := int(next.Add(1) - 1); x < len(todo); x = int(next.Add(1) - 1) {
				i := todo[x]
				bs, err := bounds(&tables[i])
				out[i] = result{bs, err}
			}
		}()
	}
	wg.Wait()
	for _, i := range todo {
		cache.put(&tables[i], out[i].bs, out[i].err)
	}
	for i := range tables {
		if _, err := check(&tables[i], out[i].bs, out[i].err); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range all {
		rep.Findings = append(rep.Findings, f.Finding)
	}
	return rep, all, nil
}

// disclosed is the rule: bounds inside 1..k-1, or pinned to one nonzero
// value. Bounds are rounded inwards to whole counts (cells are counts).
// A cell the simplex could not bound counts as disclosed.
func disclosed(b Bound, k int) bool {
	if b.Failed {
		return true
	}
	lo := math.Ceil(b.Low - 1e-6)
	hi := math.Floor(b.High + 1e-6)
	if lo < 1 {
		return false
	}
	return hi <= float64(k-1) || lo == hi
}

// Protect analyses in, audits the result and, while a hidden cell is
// disclosed, hides more and analyses again. The returned result carries
// the audit's record (Result.Audit); its Disclosed is empty unless the
// extension ran out of cells to hide (then the result must not be
// published).
//
// The rounds audit analysis.Prepared.Counts, not the full analysis: the
// audit reads only which cells are shown and their counts, which Counts
// decides with the same code as Analyze, at a fraction of its cost (the
// means, intervals, comparisons and integrity checks of a 1,500-node tree
// are most of it). The round that would end runs the full analysis, audits
// it and returns it, so the report is that of the published result; should
// that audit find anything the counts did not, the rounds go on with the
// full analysis (TestCountsMatchAnalyze shows they agree, and
// TestProtectAsBefore that Protect hides what it hid when every round ran
// the full analysis).
func Protect(in analysis.Input) (*analysis.Result, *Report, error) {
	return protect(in, true)
}

// protect is Protect; with counts false every round runs the full analysis
// (as Protect did before Counts; kept for TestProtectAsBefore).
func protect(in analysis.Input, counts bool) (*analysis.Result, *Report, error) {
	in.Hide = append([]analysis.Cell(nil), in.Hide...) // never the caller's array
	hide := map[analysis.Cell]bool{}
	for _, c := range in.Hide {
		hide[c] = true
	}
	pr, err := analysis.Prepare(in)
	if err != nil {
		return nil, nil, err
	}
	full := !counts
	var cache boundsCache
	if counts {
		cache = boundsCache{}
	}
	for round := 0; ; round++ {
		var res *analysis.Result
		if full {
			res = pr.Analyze(in.Hide)
		} else {
			res = pr.Counts(in.Hide)
		}
		rep, found, err := auditCached(res, cache)
		if err != nil {
			return nil, nil, err
		}
		rep.Extra = append([]analysis.Cell(nil), in.Hide...)
		// One cell per family and round (hiding it changes the bounds of
		// the family's other findings), and only the respondents while
		// they have findings: hiding a department hides all its cells.
		added := 0
		done := map[string]bool{}
		resp := false
		for _, f := range found {
			resp = resp || f.table.Name == analysis.FamilyRespondents
		}
		// By group key, not position: the department order (names) must
		// not decide what is hidden.
		sort.SliceStable(found, func(a, b int) bool {
			if found[a].Cell.Group != found[b].Cell.Group {
				return found[a].Cell.Group < found[b].Cell.Group
			}
			return found[a].Var < found[b].Var
		})
		for _, f := range found {
			// One per family and part of the tree: cells under
			// different nearest shown ancestors lie in separate parts
			// of the tables (a flat list has one part, the
			// organisation), so a tree of 1,500 nodes is not protected
			// one cell per round.
			key := f.table.Name + "\x00" + anchor(f)
			if done[key] || (resp && f.table.Name != analysis.FamilyRespondents) {
				continue
			}
			done[key] = true
			for _, c := range extension(f) {
				if !hide[c] {
					hide[c] = true
					in.Hide = append(in.Hide, c)
					added++
					break
				}
			}
		}
		if len(found) == 0 || added == 0 || round > 10000 {
			if !full {
				// Nothing was added: the same cells, fully analysed.
				full = true
				continue
			}
			res.Audit = record(rep)
			return res, rep, nil
		}
	}
}

// extension lists, in order of preference, the cells to hide against a
// finding: the shown siblings of its family (smallest total first, ties
// by group key), then the parent's cell, then every other cell of the
// table's families at the parent. In a tree, "siblings" and "parent" are
// taken where the figures are: the parent is the nearest ancestor that
// shows the variable, the siblings are that ancestor's nearest shown
// descendants (hidden nodes between are looked through), together with the
// finding's own nearest shown descendants, so that a cell pinned across
// several levels, or by the shown nodes below it, can still be protected.
func extension(f finding) []analysis.Cell {
	t := f.table
	fam := t.Families[0]
	if f.v >= 0 {
		fam = t.Families[f.v]
	}
	v := f.v
	if v < 0 {
		v = 0
	}
	kids := make([][]int, len(t.Nodes))
	for i, n := range t.Nodes {
		if n.Parent >= 0 {
			kids[n.Parent] = append(kids[n.Parent], i)
		}
	}
	parent := t.Nodes[f.node].Parent
	for parent > 0 && !t.Nodes[parent].Known[v] {
		parent = t.Nodes[parent].Parent
	}
	type cand struct {
		size float64
		key  string
	}
	var sib []cand
	// nearest adds the nearest shown descendants of node i, not looking
	// into skip's subtree.
	var nearest func(i, skip int)
	nearest = func(i, skip int) {
		for _, c := range kids[i] {
			n := &t.Nodes[c]
			if c == skip {
				continue
			}
			if !n.Known[v] {
				nearest(c, skip)
				continue
			}
			size := n.Values[v]
			if t.Kind == Partition && n.TotalKnown {
				size = n.Total
			} else if t.Kind == Subset && n.Known[0] {
				size = n.Values[0]
			}
			sib = append(sib, cand{size, n.Group})
		}
	}
	if parent >= 0 {
		nearest(parent, f.node)
	}
	// A hidden node pinned by the shown nodes below it (its own row
	// bounded to nothing) is freed by hiding one of them.
	nearest(f.node, -1)
	sort.Slice(sib, func(a, b int) bool {
		if sib[a].size != sib[b].size {
			return sib[a].size < sib[b].size
		}
		return sib[a].key < sib[b].key
	})
	var out []analysis.Cell
	for _, s := range sib {
		out = append(out, analysis.Cell{Family: fam, Group: s.key})
	}
	if parent >= 0 {
		out = append(out, analysis.Cell{Family: fam, Group: t.Nodes[parent].Group})
		for _, fm := range t.Families {
			out = append(out, analysis.Cell{Family: fm, Group: t.Nodes[parent].Group})
		}
	} else {
		// A disclosed root: hide the family's cell at the root itself.
		out = append(out, analysis.Cell{Family: fam, Group: t.Nodes[f.node].Group})
	}
	return out
}

// anchor is the group key of the nearest ancestor of f's node that shows
// f's variable ("" for the organisation or none).
func anchor(f finding) string {
	t := f.table
	v := max(f.v, 0)
	p := t.Nodes[f.node].Parent
	for p > 0 && !t.Nodes[p].Known[v] {
		p = t.Nodes[p].Parent
	}
	if p < 0 {
		return ""
	}
	return t.Nodes[p].Group
}

func record(rep *Report) *analysis.AuditRecord {
	r := &analysis.AuditRecord{Checked: rep.Checked, Tables: rep.Tables, Extra: rep.Extra}
	for _, f := range rep.Findings {
		r.Disclosed = append(r.Disclosed, analysis.Disclosure{Cell: f.Cell, Variable: f.Var, Low: f.Low, High: f.High})
	}
	return r
}
