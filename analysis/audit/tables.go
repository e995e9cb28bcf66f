package audit

import (
	"trots/analysis"
)

// Kind says how the variables of a node relate to one another.
type Kind int

const (
	// Single: one variable per node (a count); Upper bounds it.
	Single Kind = iota
	// Partition: the variables split the node's contributors (favourable
	// and not, promoters, passives and detractors); their sum is the
	// node's total, which Upper bounds and which may be published (N).
	Partition
	// Subset: the first variable is the node's total (respondents who
	// answered, the willing), every other one counts a subset of them
	// (options picked, profiles named); Upper bounds the first.
	Subset
)

// Table is one published table: a family of figures over a tree of groups
// (today the organisation and its departments; a deeper tree of
// departments adds nodes with a Parent that is not the root).
type Table struct {
	Name string
	Kind Kind
	// Vars names the variables of every node; Families[j] is the
	// analysis family that hides variable j (the unit suppression
	// extends by).
	Vars     []string
	Families []string
	Nodes    []Node
}

// Node is one group's row of a table.
type Node struct {
	Group  string // analysis.GroupKey; "" for the organisation
	Name   string
	Parent int // index of the parent node; -1 for the root
	// Known[j] says whether variable j is published, Values[j] its value.
	Known  []bool
	Values []float64
	// TotalKnown and Total are the published total of a Partition node.
	TotalKnown bool
	Total      float64
	// Upper bounds the node's total (headcount, respondents or their
	// bound); +Inf when nothing is known.
	Upper float64
}

// hidden reports whether any variable (or the total) of n is unknown.
func (n *Node) hidden(k Kind) bool {
	for _, kn := range n.Known {
		if !kn {
			return true
		}
	}
	return k == Partition && !n.TotalKnown
}

// builder turns the published figures of a Result into tables.
type builder struct {
	res    *analysis.Result
	groups []*analysis.GroupResult // index 0: the organisation
	parent []int
	// upper[i] is the bound on group i's respondents.
	upper []float64
	// own[i] bounds the row of a tree node's own respondents (tree).
	own map[int]float64
	// slab holds the nodes' Known and Values.
	slab slab
}

// slab hands out the small Known and Values slices of table nodes from
// larger arrays: a tree of 1,500 nodes has tens of thousands of them per
// audit, and Protect audits round after round.
type slab struct {
	known  []bool
	values []float64
}

func (s *slab) take(n int) ([]bool, []float64) {
	if len(s.known) < n {
		size := max(n, 8192)
		s.known, s.values = make([]bool, size), make([]float64, size)
	}
	k, v := s.known[:n:n], s.values[:n:n]
	s.known, s.values = s.known[n:], s.values[n:]
	return k, v
}

func newBuilder(res *analysis.Result) *builder {
	b := &builder{res: res}
	b.groups = append(b.groups, &res.Organisation)
	b.parent = append(b.parent, -1)
	for i := range res.Departments {
		b.groups = append(b.groups, &res.Departments[i])
		b.parent = append(b.parent, 0)
	}
	b.tree()
	return b
}

// tree gives the nodes of a department tree (GroupResult.ParentID) their
// parents. A node with children pools its own respondents and theirs, so
// its table row is the sum of its children's plus an unpublished row of its
// own respondents: a further node under it, never shown, bounded by the
// node's own headcount (its published headcount minus its children's).
func (b *builder) tree() {
	index := map[string]int{}
	nested := false
	for i, g := range b.groups {
		if i > 0 && g.ID != "" {
			index[g.ID] = i
		}
		nested = nested || g.ParentID != ""
	}
	if !nested {
		return
	}
	kids := make([][]int, len(b.groups))
	for i, g := range b.groups {
		if i == 0 || g.ParentID == "" {
			continue
		}
		if p, ok := index[g.ParentID]; ok {
			b.parent[i] = p
			kids[p] = append(kids[p], i)
		}
	}
	b.own = map[int]float64{}
	n := len(b.groups)
	for i := 1; i < n; i++ {
		if len(kids[i]) == 0 {
			continue
		}
		g := b.groups[i]
		upper := inf
		if g.Headcount > 0 {
			upper = float64(g.Headcount)
			for _, c := range kids[i] {
				if b.groups[c].Headcount <= 0 {
					upper = inf
					break
				}
				upper -= float64(b.groups[c].Headcount)
			}
			upper = max(upper, 0)
		}
		b.own[len(b.groups)] = upper
		b.groups = append(b.groups, &analysis.GroupResult{ID: analysis.GroupKey(g) + OwnSuffix, Name: g.Name + " (own respondents)"})
		b.parent = append(b.parent, i)
	}
}

// OwnSuffix ends the group key of the unpublished row of a tree node's own
// respondents (a finding may name it).
const OwnSuffix = "#own"

func (b *builder) node(i int, nvars int) Node {
	g := b.groups[i]
	key := ""
	if i > 0 {
		key = analysis.GroupKey(g)
	}
	known, values := b.slab.take(nvars)
	return Node{Group: key, Name: g.Name, Parent: b.parent[i], Known: known, Values: values, Upper: inf}
}

// respondents is the table of respondent counts; the bound of a
// department is its headcount (published beside it) when known.
func (b *builder) respondents() Table {
	t := Table{Name: analysis.FamilyRespondents, Kind: Single, Vars: []string{"respondents"}, Families: []string{analysis.FamilyRespondents}, Nodes: make([]Node, 0, len(b.groups))}
	for i, g := range b.groups {
		n := b.node(i, 1)
		if g.Figures != nil {
			n.Known[0], n.Values[0] = true, float64(g.N)
		}
		if g.Headcount > 0 {
			n.Upper = float64(g.Headcount)
		}
		if u, ok := b.own[i]; ok {
			n.Upper = u
		}
		t.Nodes = append(t.Nodes, n)
	}
	return t
}

// figureTables are the tables of every other family, each node's total
// bounded by upper (the respondents, known or bounded).
func (b *builder) figureTables() []Table {
	res := b.res
	var out []Table
	fig := func(i int) *analysis.Figures { return b.groups[i].Figures }
	partition := func(name, family string, vars []string, cell func(f *analysis.Figures) (total float64, values []float64, ok bool)) {
		t := Table{Name: name, Kind: Partition, Vars: vars, Families: repeat(family, len(vars)), Nodes: make([]Node, 0, len(b.groups))}
		for i := range b.groups {
			n := b.node(i, len(vars))
			n.Upper = b.upper[i]
			if f := fig(i); f != nil {
				if tot, vals, ok := cell(f); ok {
					n.TotalKnown, n.Total = true, tot
					for j := range vals {
						n.Known[j], n.Values[j] = true, vals[j]
					}
				}
			}
			t.Nodes = append(t.Nodes, n)
		}
		out = append(out, t)
	}
	for d, di := range res.Dimensions {
		partition("dimension:"+di.ID, analysis.FamilyDimension(di.ID), []string{"favourable", "not favourable"}, func(f *analysis.Figures) (float64, []float64, bool) {
			if d >= len(f.Dimensions) || f.Dimensions[d].DimensionStats == nil {
				return 0, nil, false
			}
			s := f.Dimensions[d].DimensionStats
			return float64(s.N), []float64{float64(s.Favourable.Count), float64(s.N - s.Favourable.Count)}, true
		})
	}
	if amb := b.ambassadorDimension(); amb != "" {
		partition("willing", analysis.FamilyDimension(amb), []string{"willing", "not willing"}, func(f *analysis.Figures) (float64, []float64, bool) {
			if f.Ambassadors == nil {
				return 0, nil, false
			}
			w := f.Ambassadors.Willing
			return float64(w.N), []float64{float64(w.Count), float64(w.N - w.Count)}, true
		})
		out = append(out, b.profiles(amb))
	}
	partition(analysis.FamilyGap, analysis.FamilyGap, []string{"gap of at least one point", "smaller gap"}, func(f *analysis.Figures) (float64, []float64, bool) {
		if f.Gap == nil || f.Gap.Overall.GapStats == nil || f.Gap.Overall.AtLeastOne == nil {
			return 0, nil, false
		}
		a := f.Gap.Overall.AtLeastOne
		return float64(a.N), []float64{float64(a.Count), float64(a.N - a.Count)}, true
	})
	for j, pi := range res.Pairs {
		t := Table{Name: analysis.FamilyPair(pi.Topic), Kind: Single, Vars: []string{"n"}, Families: []string{analysis.FamilyPair(pi.Topic)}, Nodes: make([]Node, 0, len(b.groups))}
		for i := range b.groups {
			n := b.node(i, 1)
			n.Upper = b.upper[i]
			if f := fig(i); f != nil && f.Gap != nil && j < len(f.Gap.Pairs) && f.Gap.Pairs[j].GapStats != nil {
				n.Known[0], n.Values[0] = true, float64(f.Gap.Pairs[j].N)
			}
			t.Nodes = append(t.Nodes, n)
		}
		out = append(out, t)
	}
	if b.any(func(f *analysis.Figures) bool { return f.ENPS != nil }) {
		partition(analysis.FamilyENPS, analysis.FamilyENPS, []string{"promoters", "passives", "detractors"}, func(f *analysis.Figures) (float64, []float64, bool) {
			if f.ENPS == nil {
				return 0, nil, false
			}
			e := f.ENPS
			return float64(e.N), []float64{float64(e.Promoters), float64(e.Passives), float64(e.Detractors)}, true
		})
	}
	for _, item := range b.barrierItems() {
		partition(analysis.FamilyBarrier(item), analysis.FamilyBarrier(item), []string{"agree", "do not agree"}, func(f *analysis.Figures) (float64, []float64, bool) {
			for _, c := range f.Barriers {
				if c.Item == item && c.Agree != nil {
					return float64(c.Agree.N), []float64{float64(c.Agree.Count), float64(c.Agree.N - c.Agree.Count)}, true
				}
			}
			return 0, nil, false
		})
	}
	for _, h := range b.helpItems() {
		out = append(out, b.help(h.item, h.options))
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func (b *builder) any(ok func(f *analysis.Figures) bool) bool {
	for _, g := range b.groups {
		if g.Figures != nil && ok(g.Figures) {
			return true
		}
	}
	return false
}

// ambassadorDimension is the advocacy dimension of the ambassador figures,
// if any group shows them.
func (b *builder) ambassadorDimension() string {
	for _, g := range b.groups {
		if g.Figures != nil && g.Ambassadors != nil {
			return g.Ambassadors.Dimension
		}
	}
	return ""
}

// profiles is the table of the willing and their profiles: the first
// variable is the willing count, each other one the willing of a profile.
// A Subset, not a Partition: nothing here relies on one profile per person.
func (b *builder) profiles(amb string) Table {
	var names []string
	seen := map[string]bool{}
	for _, g := range b.groups {
		if g.Figures == nil || g.Ambassadors == nil {
			continue
		}
		for _, p := range g.Ambassadors.Profiles {
			if !seen[p.Profile] {
				seen[p.Profile] = true
				names = append(names, p.Profile)
			}
		}
		for _, p := range g.Ambassadors.ProfilesHidden {
			if !seen[p] {
				seen[p] = true
				names = append(names, p)
			}
		}
	}
	t := Table{Name: "profiles", Kind: Subset, Vars: []string{"willing"}, Families: []string{analysis.FamilyDimension(amb)}, Nodes: make([]Node, 0, len(b.groups))}
	for _, p := range names {
		label := p
		if label == "" {
			label = "no profile"
		}
		t.Vars = append(t.Vars, "profile "+label)
		t.Families = append(t.Families, analysis.FamilyProfile(p))
	}
	for i, g := range b.groups {
		n := b.node(i, len(t.Vars))
		n.Upper = b.upper[i]
		if g.Figures != nil && g.Ambassadors != nil {
			n.Known[0], n.Values[0] = true, float64(g.Ambassadors.Willing.Count)
			for _, p := range g.Ambassadors.Profiles {
				for j, name := range names {
					if name == p.Profile {
						n.Known[j+1], n.Values[j+1] = true, float64(p.Count)
					}
				}
			}
		}
		t.Nodes = append(t.Nodes, n)
	}
	return t
}

func (b *builder) barrierItems() []string {
	var items []string
	seen := map[string]bool{}
	for _, g := range b.groups {
		if g.Figures == nil {
			continue
		}
		for _, c := range g.Barriers {
			if !seen[c.Item] {
				seen[c.Item] = true
				items = append(items, c.Item)
			}
		}
	}
	return items
}

type helpItem struct {
	item    string
	options []string
}

func (b *builder) helpItems() []helpItem {
	var items []helpItem
	index := map[string]int{}
	for _, g := range b.groups {
		if g.Figures == nil {
			continue
		}
		for _, c := range g.Help {
			i, ok := index[c.Item]
			if !ok {
				i = len(items)
				index[c.Item] = i
				items = append(items, helpItem{item: c.Item})
			}
			if !contains(items[i].options, c.Option) {
				items[i].options = append(items[i].options, c.Option)
			}
		}
	}
	return items
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// help is the table of one "what would help" item: the respondents who
// answered it, then per option those who picked it.
func (b *builder) help(item string, options []string) Table {
	fam := analysis.FamilyHelp(item)
	t := Table{Name: fam, Kind: Subset, Vars: []string{"answered"}, Families: []string{fam}, Nodes: make([]Node, 0, len(b.groups))}
	for _, o := range options {
		t.Vars = append(t.Vars, "picked "+o)
		t.Families = append(t.Families, fam)
	}
	for i, g := range b.groups {
		n := b.node(i, len(t.Vars))
		n.Upper = b.upper[i]
		if g.Figures != nil {
			for _, c := range g.Help {
				if c.Item != item || c.Picked == nil {
					continue
				}
				n.Known[0], n.Values[0] = true, float64(c.Picked.N)
				for j, o := range options {
					if o == c.Option {
						n.Known[j+1], n.Values[j+1] = true, float64(c.Picked.Count)
					}
				}
			}
		}
		t.Nodes = append(t.Nodes, n)
	}
	return t
}
