package analysis

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"trots/analysis/stats"
	"trots/questionnaires"
)

var nan = math.NaN()

func isNaN(x float64) bool { return x != x }

// Analyze computes the readiness analysis of one pulse. It is a pure
// function of its input (apart from the comment order when Input.Seed is 0).
//
// Person scores: a respondent's score on a dimension is the mean of the
// answered items after reverse-keying ((min+max)-x), computed only when at
// least half of the dimension's items are answered (2 of 3, 2 of 4, 1 of 1);
// otherwise the respondent has no score on that dimension. The person gap is
// the mean of promise-minus-reality over the pairs answered on both sides,
// under the same half rule. The organisation figures use every respondent,
// including those in suppressed groups; a dimension's n is the number of
// respondents with a score.
func Analyze(in Input) (*Result, error) {
	pr, err := Prepare(in)
	if err != nil {
		return nil, err
	}
	// One analysis: run on the prepared analyzer itself, not a copy, so
	// that the item answers can be collected as soon as alpha is done.
	return pr.a.run(in.Hide), nil
}

// prepare builds the analyzer of in up to the person scores.
func prepare(in Input, cfg Config, p *plan) (*Prepared, error) {
	a := &analyzer{in: in, cfg: cfg, p: p}
	if isTree(in.Groups) {
		t, err := buildTree(in.Groups)
		if err != nil {
			return nil, err
		}
		a.tree = t
		a.in.Groups = make([]Group, len(in.Groups))
		for i, g := range t.perm {
			a.in.Groups[i] = in.Groups[g]
		}
	}
	for _, g := range a.in.Groups {
		a.keys = append(a.keys, inputKey(g))
	}
	if err := a.personScores(); err != nil {
		return nil, err
	}
	a.colCounts = make([][]int, p.width())
	for c := range a.colCounts {
		a.colCounts[c] = a.countColumn(c)
	}
	if p.advoc >= 0 {
		a.amb = a.ambassadorTallies()
	}
	a.barrier = a.barrierTallies()
	a.helps = a.helpTallies()
	return &Prepared{a: a}, nil
}

// Prepared is an input checked and scored (the person matrices built), to
// be analysed with one list of hidden cells after another: the rounds of
// the disclosure audit (package analysis/audit) change only Input.Hide,
// and everything Prepare does does not depend on it.
type Prepared struct {
	a *analyzer
}

// Prepare does the part of Analyze that does not depend on Input.Hide.
// Analyze(in) is Prepare(in) followed by Analyze(in.Hide).
func Prepare(in Input) (*Prepared, error) {
	cfg := in.Config
	if cfg.MinGroup < MinAllowedGroup {
		return nil, ErrMinGroup
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := newPlan(in.Questionnaire, cfg)
	if err != nil {
		return nil, err
	}
	return prepare(in, cfg, p)
}

// Analyze is the full analysis of the prepared input with the cells of
// hide hidden on top of the k rule (Input.Hide).
func (pr *Prepared) Analyze(hide []Cell) *Result {
	a := *pr.a // the person matrices are shared and only read
	return a.run(hide)
}

// Counts is the analysis of the prepared input with hide, reduced to what
// the disclosure audit reads: which groups and cells are shown and their
// counts (respondents; each cell's n and its favourable, willing,
// at-least-one-point, eNPS category, agreeing and picked counts; the
// profile counts), decided by the same suppression code as Analyze, so a
// cell is shown in Counts(hide) exactly when it is in Analyze(hide), with
// the same counts. Everything else is left out: means, intervals, shares,
// alpha, comparisons, drivers, integrity flags, comments and verdicts.
// It costs a fraction of Analyze.
func (pr *Prepared) Counts(hide []Cell) *Result {
	a := *pr.a
	a.counts = true
	return a.run(hide)
}

// run is the analysis with hide. It changes a (result lets go of the item
// answers once alpha is done), so a Prepared runs on a copy.
func (a *analyzer) run(hide []Cell) *Result {
	a.hide = make(map[Cell]bool, len(hide))
	for _, c := range hide {
		a.hide[c] = true
	}
	res := a.result()
	if a.tree != nil {
		a.levels(res)
	}
	return res
}

// Column layout of the person matrix: one column per scored dimension, then
// the overall gap, the eNPS answer and one column per pair.
func (p *plan) colGap() int       { return len(p.scored) }
func (p *plan) colENPS() int      { return len(p.scored) + 1 }
func (p *plan) colPair(j int) int { return len(p.scored) + 2 + j }
func (p *plan) width() int        { return len(p.scored) + 2 + len(p.pairs) }

type analyzer struct {
	in  Input
	cfg Config
	p   *plan
	// person[g] is group g's person matrix, row-major, p.width() columns.
	person [][]float64
	// itemMissing[g][d] counts the unanswered items of scored dimension d.
	itemMissing [][]int
	// items[d] holds the reverse-keyed answers to the items of scored
	// dimension d, one row of len(items) per respondent, all groups in
	// order (NaN = missing): the input of Cronbach's alpha.
	items [][]float64
	// offset[g] is the index of group g's first respondent.
	offset []int
	// keys[g] is group g's stable key (inputKey), hide the cells of
	// Input.Hide.
	keys []string
	hide map[Cell]bool
	// counts is set for Prepared.Counts: only what the suppression
	// decides and the counts of the shown cells are computed.
	counts bool
	// The counts the suppression works on, which do not depend on
	// Input.Hide, counted once by prepare: the values per column of the
	// person matrix, the ambassadors, the barrier and the help items (per
	// node, pooled). Read only.
	colCounts [][]int
	amb       ambTallies
	barrier   []barrierTally
	helps     []helpTally
	// tree is the department tree (nil for a flat list); the groups of
	// in are then in its preorder (tree.go).
	tree *tree
}

// personScores validates the answers and fills the person matrices.
func (a *analyzer) personScores() error {
	p := a.p
	w := p.width()
	total := 0
	names := make(map[string]bool, len(a.in.Groups))
	for _, g := range a.in.Groups {
		if g.Name == "" {
			return fmt.Errorf("analysis: a group has no name")
		}
		if names[g.Name] {
			return fmt.Errorf("analysis: group %q appears twice", g.Name)
		}
		names[g.Name] = true
		if g.Headcount < 0 {
			return fmt.Errorf("analysis: group %q has a negative headcount", g.Name)
		}
		total += len(g.Responses)
	}
	numeric := make([]bounds, p.nItems)
	for i, it := range p.q.Items {
		if it.Scale != nil && it.Scale.Numeric() {
			lo, hi := it.Scale.Points()
			numeric[i] = bounds{float64(lo), float64(hi)}
		} else {
			numeric[i] = bounds{nan, nan}
		}
	}
	backing := make([]float64, total*w)
	a.items = make([][]float64, len(p.scored))
	for d, sd := range p.scored {
		a.items[d] = make([]float64, total*len(sd.items))
	}
	a.offset = make([]int, len(a.in.Groups)+1)
	a.person = make([][]float64, len(a.in.Groups))
	a.itemMissing = make([][]int, len(a.in.Groups))
	missingBacking := make([]int, len(a.in.Groups)*len(p.scored))
	off := 0
	for g, grp := range a.in.Groups {
		n := len(grp.Responses)
		a.offset[g] = off
		a.person[g] = backing[off*w : (off+n)*w : (off+n)*w]
		a.itemMissing[g] = missingBacking[g*len(p.scored) : (g+1)*len(p.scored)]
		off += n
	}
	a.offset[len(a.in.Groups)] = off
	// Groups write disjoint parts of the matrices: score them in parallel.
	errs := make([]error, len(a.in.Groups))
	parallel(len(a.in.Groups), func(_, g int) { errs[g] = a.scoreGroup(g, numeric) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// scoreGroup fills group g's rows of the person matrix, the item answers
// and the missing counts.
func (a *analyzer) scoreGroup(g int, numeric []bounds) error {
	p := a.p
	w := p.width()
	grp := a.in.Groups[g]
	pm, miss := a.person[g], a.itemMissing[g]
	for i := range grp.Responses {
		vals := grp.Responses[i].Values
		if len(vals) != p.nItems {
			return fmt.Errorf("analysis: group %q response %d has %d values, the questionnaire %d items", grp.Name, i+1, len(vals), p.nItems)
		}
		for j, x := range vals {
			b := numeric[j]
			if isNaN(x) || isNaN(b.lo) {
				continue
			}
			if x < b.lo || x > b.hi {
				return fmt.Errorf("analysis: group %q response %d: item %q = %g lies outside %g-%g", grp.Name, i+1, p.q.Items[j].ID, x, b.lo, b.hi)
			}
		}
		row := pm[i*w : (i+1)*w]
		global := a.offset[g] + i
		for d := range p.scored {
			sd := &p.scored[d]
			kd := len(sd.items)
			itemRow := a.items[d][global*kd : (global+1)*kd]
			sum, cnt := 0.0, 0
			for j, it := range sd.items {
				x := vals[it.index]
				if !isNaN(x) && it.reverse {
					x = float64(it.lo+it.hi) - x
				}
				itemRow[j] = x
				if isNaN(x) {
					continue
				}
				sum += x
				cnt++
			}
			miss[d] += len(sd.items) - cnt
			if cnt > 0 && 2*cnt >= len(sd.items) {
				row[d] = sum / float64(cnt)
			} else {
				row[d] = nan
			}
		}
		gsum, gcnt := 0.0, 0
		for j, pp := range p.pairs {
			x, y := vals[pp.promise], vals[pp.reality]
			if isNaN(x) || isNaN(y) {
				row[p.colPair(j)] = nan
				continue
			}
			row[p.colPair(j)] = x - y
			gsum += x - y
			gcnt++
		}
		if gcnt > 0 && 2*gcnt >= len(p.pairs) {
			row[p.colGap()] = gsum / float64(gcnt)
		} else {
			row[p.colGap()] = nan
		}
		if p.enps >= 0 {
			row[p.colENPS()] = vals[p.enps]
		} else {
			row[p.colENPS()] = nan
		}
	}
	return nil
}

// bounds is the answer range of an item (NaN for non-numeric items).
type bounds struct{ lo, hi float64 }

// parallel runs f(worker, i) for every i in [0, n) on up to GOMAXPROCS
// goroutines; worker (0 <= worker < workers) lets f keep per-worker
// buffers. It returns when all calls have returned.
func parallel(n int, f func(worker, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(wk, i)
			}
		}()
	}
	wg.Wait()
}

// column copies the non-missing values of column c of group g into buf.
func (a *analyzer) column(g, c int, buf []float64) []float64 {
	w := a.p.width()
	pm := a.person[g]
	for i := c; i < len(pm); i += w {
		if x := pm[i]; !isNaN(x) {
			buf = append(buf, x)
		}
	}
	return buf
}

// columnCounts is the number of values of column c per node (pooled over
// the subtree in a tree), as prepare counted them.
func (a *analyzer) columnCounts(c int) []int { return a.colCounts[c] }

// countColumn counts the values of column c per node.
func (a *analyzer) countColumn(c int) []int {
	counts := make([]int, len(a.in.Groups))
	w := a.p.width()
	for g, pm := range a.person {
		n := 0
		for i := c; i < len(pm); i += w {
			if !isNaN(pm[i]) {
				n++
			}
		}
		counts[g] = n
	}
	return a.pool(counts)
}

// moments are n, mean and the sum of squared deviations of one cell.
type moments struct {
	n    int
	mean float64
	m2   float64
}

func momentsOf(x []float64) moments {
	if len(x) == 0 {
		return moments{}
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return moments{n: len(x), mean: m, m2: ss}
}

// combine pools two cells (Chan et al.).
func (a moments) combine(b moments) moments {
	if a.n == 0 {
		return b
	}
	if b.n == 0 {
		return a
	}
	n := a.n + b.n
	d := b.mean - a.mean
	return moments{
		n:    n,
		mean: a.mean + d*float64(b.n)/float64(n),
		m2:   a.m2 + b.m2 + d*d*float64(a.n)*float64(b.n)/float64(n),
	}
}

func (a moments) variance() float64 { return a.m2 / float64(a.n-1) }

func (a *analyzer) result() *Result {
	p, cfg, groups := a.p, a.cfg, a.in.Groups
	res := &Result{Questionnaire: p.q.Ref(), Config: cfg}
	for _, sd := range p.scored {
		info := DimensionInfo{ID: sd.dim.ID, Role: string(sd.dim.Role), Min: sd.lo, Max: sd.hi}
		for _, it := range sd.items {
			info.Items = append(info.Items, it.id)
		}
		if !isNaN(sd.threshold) {
			info.Threshold = ptr(sd.threshold)
		}
		res.Dimensions = append(res.Dimensions, info)
	}
	for _, pp := range p.pairs {
		res.Pairs = append(res.Pairs, PairInfo{Topic: pp.topic, Promise: pp.promiseID, Reality: pp.realityID})
	}

	// Group level: the respondent count family.
	own := make([]int, len(groups))
	for g, grp := range groups {
		own[g] = len(grp.Responses)
	}
	nResp := a.pool(own)
	groupShown, orgShown := a.shownCells(FamilyRespondents, nResp, nil)

	org := &res.Organisation
	org.Name = "organisation"
	org.ExternallyVisible = true
	headcount := a.headcounts()
	org.Headcount = a.total(headcount)
	allKnown := len(groups) > 0
	for g, grp := range groups {
		if a.tree == nil {
			allKnown = allKnown && grp.Headcount > 0
		} else if a.tree.parent[g] < 0 {
			allKnown = allKnown && headcount[g] > 0
		}
	}
	if !allKnown {
		org.Headcount = 0
	}
	res.Departments = make([]GroupResult, len(groups))
	for g, grp := range groups {
		d := &res.Departments[g]
		d.ID, d.Name, d.Headcount, d.ExternallyVisible = grp.ID, grp.Name, headcount[g], grp.ExternallyVisible
		if !groupShown[g] {
			d.Suppressed = true
			d.SuppressedBecause = SuppressedAnonymity
			continue
		}
		d.Figures = &Figures{N: nResp[g], Dimensions: []DimensionResult{}}
		d.ResponseRate = a.responseRate(nResp[g], headcount[g])
		if !a.counts {
			d.IntegrityFlags = integrityFlags(p.q, a.pooledGroup(g, headcount[g]), cfg.MinGroup)
		}
	}
	if a.tree != nil && !a.counts {
		a.partIntegrity(res, groupShown, headcount)
	}
	if !orgShown {
		org.Suppressed = true
		org.SuppressedBecause = SuppressedAnonymity
	} else {
		total := a.total(nResp)
		org.Figures = &Figures{N: total, Dimensions: []DimensionResult{}}
		org.ResponseRate = a.responseRate(total, org.Headcount)
	}

	// The key-driver analysis only reads the person matrix: run it beside
	// the rest (the machine has two cores; the result does not depend on
	// the schedule).
	var drivers chan []DriverAnalysis
	if org.Figures != nil && !a.counts {
		drivers = make(chan []DriverAnalysis, 1)
		go func() { drivers <- a.drivers() }()
	}
	a.dimensions(res, groupShown)
	a.items = nil // only alpha needs the item answers: let the collector have them
	a.gap(res, groupShown)
	a.enps(res, groupShown)
	a.ambassadors(res, groupShown)
	a.barriers(res, groupShown)
	a.help(res, groupShown)
	if a.counts {
		return res
	}
	a.comparisons(res)
	a.comments(res)
	if drivers != nil {
		res.Drivers = <-drivers
	}
	// Bottom-up (preorder: descendants have larger indices), so that a
	// node of a tree is decided after the parts it looks at (parts.go).
	ownFix := make([]bool, len(res.Departments))
	for g := len(res.Departments) - 1; g >= 0; g-- {
		d := &res.Departments[g]
		var pf partFacts
		if a.tree != nil && groupShown[g] {
			pf = a.partFactsOf(g, groupShown, ownFix, nResp, headcount)
		}
		d.Verdict = decide(d, a.p, cfg, pf)
		ownFix[g] = d.Verdict.Decision == FixFirst && !onlyPartFixFirst(d.Verdict)
	}
	return res
}

func (a *analyzer) responseRate(n, headcount int) *Proportion {
	if headcount <= 0 || n > headcount {
		return nil
	}
	pr := a.proportion(n, headcount)
	return &pr
}

func (a *analyzer) proportion(x, n int) Proportion {
	if n == 0 {
		return Proportion{}
	}
	share, ci := stats.Wilson(x, n, a.cfg.Level)
	return Proportion{Count: x, N: n, Share: share, CILow: ci.Lo, CIHigh: ci.Hi}
}

func ptr(x float64) *float64 {
	if isNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// figuresOf returns the figures of department g, or of the organisation when
// g < 0 (nil when suppressed).
func figuresOf(res *Result, g int) *Figures {
	if g < 0 {
		return res.Organisation.Figures
	}
	return res.Departments[g].Figures
}

// dimensions fills the dimension cells of every shown group. Dimensions
// are independent: they are computed in parallel and appended in order.
func (a *analyzer) dimensions(res *Result, groupShown []bool) {
	type buffers struct {
		all  []float64
		rows [][]float64
	}
	type cells struct {
		groups []DimensionResult // one per group; only those of shown groups are used
		org    DimensionResult
	}
	total := a.offset[len(a.in.Groups)]
	bufs := make([]buffers, runtime.GOMAXPROCS(0))
	out := make([]cells, len(a.p.scored))
	orgFig := res.Organisation.Figures
	parallel(len(a.p.scored), func(wk, d int) {
		b := &bufs[wk]
		if b.all == nil {
			// Reused across dimensions: each dimension's alphas are done
			// before the next starts on this worker.
			b.all, b.rows = make([]float64, 0, total), make([][]float64, 0, total)
		}
		out[d].groups, out[d].org = a.dimensionCells(d, groupShown, orgFig, b.all[:0], b.rows[:0])
	})
	for d := range out {
		for g := range a.in.Groups {
			if f := figuresOf(res, g); f != nil {
				f.Dimensions = append(f.Dimensions, out[d].groups[g])
			}
		}
		if orgFig != nil {
			orgFig.Dimensions = append(orgFig.Dimensions, out[d].org)
		}
	}
}

// dimensionCells computes scored dimension d for every group and the
// organisation, using all and rowBuf as scratch space.
func (a *analyzer) dimensionCells(d int, groupShown []bool, orgFig *Figures, all []float64, rowBuf [][]float64) ([]DimensionResult, DimensionResult) {
	sd := a.p.scored[d]
	shown, orgShown := a.shownCells(FamilyDimension(sd.dim.ID), a.columnCounts(d), groupShown)
	var rows [][]float64
	var start []int
	if len(sd.items) > 1 && !a.counts {
		rows, start = a.alphaRows(d, rowBuf)
	}
	groups := make([]DimensionResult, len(a.in.Groups))
	// pos[g] is where group g's own values start in all: node g's pooled
	// values are all[pos[g]:pos[subEnd(g)]] (preorder, tree.go).
	pos := make([]int, len(a.in.Groups)+1)
	ownResp := make([]int, len(a.in.Groups))
	ownMiss := make([]int, len(a.in.Groups))
	for g := range a.in.Groups {
		pos[g] = len(all)
		all = a.column(g, d, all)
		ownResp[g] = len(a.in.Groups[g].Responses)
		ownMiss[g] = a.itemMissing[g][d]
	}
	pos[len(a.in.Groups)] = len(all)
	nResp, miss := a.pool(ownResp), a.pool(ownMiss)
	for g := range a.in.Groups {
		end := a.subEnd(g)
		x := all[pos[g]:pos[end]]
		cell := DimensionResult{ID: sd.dim.ID}
		switch {
		case !groupShown[g]:
		case !shown[g]:
			cell.Suppressed = true
		default:
			cell.DimensionStats = a.dimStats(x, nResp[g], miss[g], sd)
			if len(x) >= a.cfg.MinAlpha && rows != nil {
				if al := a.alpha(d, rows[start[g]:start[end]], false); al != nil {
					cell.Alpha = ptr(al.Alpha)
				}
			}
		}
		groups[g] = cell
	}
	org := DimensionResult{ID: sd.dim.ID}
	switch {
	case orgFig == nil:
	case !orgShown:
		org.Suppressed = true
	default:
		miss := 0
		for g := range a.in.Groups {
			miss += a.itemMissing[g][d]
		}
		org.DimensionStats = a.dimStats(all, orgFig.N, miss, sd)
		if len(all) >= a.cfg.MinAlpha && rows != nil {
			if al := a.alpha(d, rows, true); al != nil {
				org.Alpha = ptr(al.Alpha)
				org.Reliability = al
			}
		}
	}
	return groups, org
}

func (a *analyzer) dimStats(x []float64, nResp, itemMissing int, sd scoredDim) *DimensionStats {
	// Favourable is the good end of the scale: the top two points, or for
	// a barrier dimension (high = more obstacles) the bottom two.
	fav := 0
	for _, v := range x {
		if (sd.dim.Role != questionnaires.RoleBarrier && v >= float64(sd.hi-1)) ||
			(sd.dim.Role == questionnaires.RoleBarrier && v <= float64(sd.lo+1)) {
			fav++
		}
	}
	if a.counts {
		return &DimensionStats{N: len(x), Favourable: Proportion{Count: fav, N: len(x)}}
	}
	s := stats.Describe(x, a.cfg.Level)
	span := float64(sd.hi - sd.lo)
	to100 := func(v float64) float64 { return (v - float64(sd.lo)) / span * 100 }
	ds := &DimensionStats{
		N:               s.N,
		MissingRate:     1 - float64(s.N)/float64(nResp),
		ItemMissingRate: float64(itemMissing) / float64(nResp*len(sd.items)),
		Mean:            s.Mean,
		SD:              finite(s.SD),
		CILow:           ptr(s.CI.Lo),
		CIHigh:          ptr(s.CI.Hi),
		Score100:        to100(s.Mean),
		Favourable:      a.proportion(fav, s.N),
	}
	if ds.CILow != nil && ds.CIHigh != nil {
		ds.Score100Low, ds.Score100High = ptr(to100(*ds.CILow)), ptr(to100(*ds.CIHigh))
	} else {
		ds.CILow, ds.CIHigh = nil, nil
	}
	return ds
}

// finite maps NaN and infinities to 0. It is used only for figures that are
// defined for every shown cell (n >= k >= 3: sd, df); the guard keeps a
// Result encodable whatever happens.
func finite(x float64) float64 {
	if isNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// alphaRows appends to rows the item rows of scored dimension d for
// Cronbach's alpha: the respondents who have a score on the dimension (the same people
// as the dimension's n), all groups in order; group g's rows are
// rows[start[g]:start[g+1]]. Within them a missing answer is NaN and
// stats.CronbachAlpha uses pairwise-complete covariances (as psych::alpha).
func (a *analyzer) alphaRows(d int, rows [][]float64) ([][]float64, []int) {
	kd := len(a.p.scored[d].items)
	w := a.p.width()
	items := a.items[d]
	start := make([]int, len(a.in.Groups)+1)
	for g, pm := range a.person {
		start[g] = len(rows)
		for i, j := d, a.offset[g]; i < len(pm); i, j = i+w, j+1 {
			if !isNaN(pm[i]) {
				rows = append(rows, items[j*kd:(j+1)*kd:(j+1)*kd])
			}
		}
	}
	start[len(a.in.Groups)] = len(rows)
	return rows, start
}

// alpha computes Cronbach's alpha of scored dimension d over rows, with the
// item detail when detail is set; nil when alpha is undefined.
func (a *analyzer) alpha(d int, rows [][]float64, detail bool) *Reliability {
	sd := a.p.scored[d]
	al := stats.CronbachAlpha(rows)
	if isNaN(al.Raw) || math.IsInf(al.Raw, 0) {
		return nil
	}
	rel := &Reliability{N: al.N, Alpha: al.Raw, AlphaStd: ptr(al.Std), CILow: ptr(al.Feldt.Lo), CIHigh: ptr(al.Feldt.Hi)}
	if detail {
		for j, it := range sd.items {
			ia := ItemAlpha{Item: it.id}
			if j < len(al.IfDeleted) {
				ia.AlphaIfDeleted = ptr(al.IfDeleted[j])
			}
			if j < len(al.ItemRest) {
				ia.ItemRest = ptr(al.ItemRest[j])
			}
			rel.Items = append(rel.Items, ia)
		}
	}
	return rel
}

// gap fills the reality-gap cells.
func (a *analyzer) gap(res *Result, groupShown []bool) {
	p, cfg := a.p, a.cfg
	if len(p.pairs) == 0 {
		return
	}
	lo, hi := p.pairs[0].lo, p.pairs[0].hi
	margin := widthOnScale(cfg.OverPromisedMargin, lo, hi)
	type fam struct {
		col    int
		topic  string
		shown  []bool
		org    bool
		margin float64
	}
	fams := []fam{{col: p.colGap(), margin: margin}}
	for j, pp := range p.pairs {
		fams = append(fams, fam{col: p.colPair(j), topic: pp.topic, margin: widthOnScale(cfg.OverPromisedMargin, pp.lo, pp.hi)})
	}
	for i := range fams {
		fam := FamilyGap
		if i > 0 {
			fam = FamilyPair(fams[i].topic)
		}
		fams[i].shown, fams[i].org = a.shownCells(fam, a.columnCounts(fams[i].col), groupShown)
	}
	total := a.offset[len(a.in.Groups)]
	alls := make([][]float64, len(fams))
	for i := range alls {
		alls[i] = make([]float64, 0, total)
	}
	fill := func(f *Figures, show func(i int) bool, data func(i int) []float64) {
		gr := &GapResult{Pairs: []GapCell{}}
		for i, fm := range fams {
			cell := GapCell{Topic: fm.topic}
			if !show(i) {
				cell.Suppressed = true
			} else {
				cell.GapStats = a.gapStats(data(i), fm.margin, i == 0)
			}
			if i == 0 {
				gr.Overall = cell
			} else {
				gr.Pairs = append(gr.Pairs, cell)
			}
		}
		f.Gap = gr
	}
	// pos[i][g] is where group g's own values of family i start in
	// alls[i]; node g pools up to pos[i][subEnd(g)].
	pos := make([][]int, len(fams))
	for i, fm := range fams {
		pos[i] = make([]int, len(a.in.Groups)+1)
		for g := range a.in.Groups {
			pos[i][g] = len(alls[i])
			alls[i] = a.column(g, fm.col, alls[i])
		}
		pos[i][len(a.in.Groups)] = len(alls[i])
	}
	for g := range a.in.Groups {
		if f := figuresOf(res, g); f != nil {
			end := a.subEnd(g)
			fill(f, func(i int) bool { return fams[i].shown[g] }, func(i int) []float64 { return alls[i][pos[i][g]:pos[i][end]] })
		}
	}
	if f := res.Organisation.Figures; f != nil {
		fill(f, func(i int) bool { return fams[i].org }, func(i int) []float64 { return alls[i] })
	}
}

func (a *analyzer) gapStats(d []float64, margin float64, overall bool) *GapStats {
	if a.counts {
		gs := &GapStats{N: len(d)}
		if overall {
			gs.AtLeastOne = &Proportion{Count: atLeastOne(d), N: len(d)}
		}
		return gs
	}
	t := stats.OneSample(d, 0, a.cfg.Level)
	gs := &GapStats{
		N: t.N, Mean: t.Mean, SD: finite(t.SD), DF: finite(t.DF),
		T: ptr(t.T), P: ptr(t.P), Dz: ptr(t.Dz), CILow: ptr(t.CI.Lo), CIHigh: ptr(t.CI.Hi),
	}
	switch {
	case gs.CILow == nil || gs.CIHigh == nil:
		gs.CILow, gs.CIHigh = nil, nil
		gs.Status = GapNotDemonstrated // nothing can be demonstrated without an interval
	case *gs.CILow > margin:
		gs.Status = GapOverPromised
	case *gs.CILow > 0:
		gs.Status = GapDemonstrated
	case *gs.CIHigh < 0:
		gs.Status = GapRealityAbove
	default:
		gs.Status = GapNotDemonstrated
	}
	if overall {
		pr := a.proportion(atLeastOne(d), len(d))
		gs.AtLeastOne = &pr
	}
	return gs
}

// atLeastOne counts the person gaps of at least one point.
func atLeastOne(d []float64) int {
	x := 0
	for _, v := range d {
		if v >= 1 {
			x++
		}
	}
	return x
}

// enps fills the eNPS cells.
func (a *analyzer) enps(res *Result, groupShown []bool) {
	p := a.p
	if p.enps < 0 {
		return
	}
	c := p.colENPS()
	shown, orgShown := a.shownCells(FamilyENPS, a.columnCounts(c), groupShown)
	all := make([]float64, 0, a.offset[len(a.in.Groups)])
	pos := make([]int, len(a.in.Groups)+1)
	for g := range a.in.Groups {
		pos[g] = len(all)
		all = a.column(g, c, all)
	}
	pos[len(a.in.Groups)] = len(all)
	for g := range a.in.Groups {
		if f := figuresOf(res, g); f != nil && shown[g] {
			f.ENPS = a.enpsOf(all[pos[g]:pos[a.subEnd(g)]])
		}
	}
	if f := res.Organisation.Figures; f != nil && orgShown {
		f.ENPS = a.enpsOf(all)
	}
}

func (a *analyzer) enpsOf(x []float64) *ENPSResult {
	e := stats.ENPS(x, a.cfg.Level)
	return &ENPSResult{N: e.N, Promoters: e.Promoters, Passives: e.Passives, Detractors: e.Detractors,
		Value: e.Value, CILow: finite(e.CI.Lo), CIHigh: finite(e.CI.Hi)}
}

// ambassadors fills the ambassador potential: the willing share among the
// respondents with an advocacy score and the profiles of the willing. It
// follows the suppression of the advocacy dimension: the profile table is a
// breakdown of the willing, so it is shown exactly where the willing count
// is.
func (a *analyzer) ambassadors(res *Result, groupShown []bool) {
	p, k := a.p, a.cfg.MinGroup
	if p.advoc < 0 {
		return
	}
	sd := p.scored[p.advoc]
	shown, orgShown := a.shownCells(FamilyDimension(sd.dim.ID), a.columnCounts(p.advoc), groupShown)
	options := a.profileOptions()
	tallies, orgT := a.amb.nodes, a.amb.org
	// Profiles inside each shown department first; then across
	// departments, per profile: the organisation's count minus the counts
	// shown by departments is what the hidden cells (hidden departments
	// and profiles hidden inside shown ones) hold together. It must be 0
	// or at least k, or the organisation's count of that profile is hidden
	// too - else "organisation minus departments" gives a small count away.
	inner := make([][]bool, len(a.in.Groups))
	covered := make([]int, len(options)+1)
	if a.tree != nil {
		inner, covered = a.treeProfiles(tallyCounts(len(tallies), func(g int) []int { return tallies[g].byProfile }), func(g int) bool {
			return figuresOf(res, g) != nil && shown[g] && len(options) > 0
		}, len(options)+1)
	}
	for g, t := range tallies {
		if a.tree != nil {
			break
		}
		if figuresOf(res, g) == nil || !shown[g] || len(options) == 0 {
			continue
		}
		inner[g] = a.profilesShown(t.byProfile, a.keys[g])
		for i, ok := range inner[g] {
			if ok {
				covered[i] += t.byProfile[i]
			}
		}
	}
	var orgInner []bool
	if len(options) > 0 {
		forced := make([]bool, len(options)+1)
		for i := range forced {
			rem := orgT.byProfile[i] - covered[i]
			forced[i] = rem > 0 && rem < k
		}
		orgInner = a.profilesShownExcept(orgT.byProfile, "", forced)
	}
	for g := range a.in.Groups {
		if f := figuresOf(res, g); f != nil && shown[g] {
			t := tallies[g]
			f.Ambassadors = a.ambassadorsOf(sd.dim.ID, t.n, t.willing, t.byProfile, inner[g], options, f.N, res.Departments[g].Headcount)
		}
	}
	if f := res.Organisation.Figures; f != nil && orgShown {
		f.Ambassadors = a.ambassadorsOf(sd.dim.ID, orgT.n, orgT.willing, orgT.byProfile, orgInner, options, f.N, res.Organisation.Headcount)
	}
}

// ambTally is the ambassador counts of a node: the respondents with an
// advocacy score, the willing, and the willing per profile option (then
// "not answered").
type ambTally struct {
	n, willing int
	byProfile  []int
}

// ambTallies are the nodes' ambassador counts (pooled over the subtree in
// a tree) and the organisation's. They do not depend on Input.Hide:
// prepare counts them once.
type ambTallies struct {
	nodes []ambTally
	org   ambTally
}

func (a *analyzer) ambassadorTallies() ambTallies {
	p := a.p
	sd := p.scored[p.advoc]
	cut := onScale(a.cfg.WillingScore, sd.lo, sd.hi)
	options := a.profileOptions()
	newTally := func() ambTally { return ambTally{byProfile: make([]int, len(options)+1)} }
	orgT := newTally()
	tallies := make([]ambTally, len(a.in.Groups))
	w := p.width()
	for g, grp := range a.in.Groups {
		t := newTally()
		pm := a.person[g]
		for r := range grp.Responses {
			s := pm[r*w+p.advoc]
			if isNaN(s) {
				continue
			}
			t.n++
			if s < cut {
				continue
			}
			t.willing++
			if p.profile == nil {
				continue
			}
			picked := grp.Responses[r].Choices[p.profile.ID]
			any := false
			for i, o := range options {
				for _, c := range picked {
					if c == o {
						t.byProfile[i]++
						any = true
						break
					}
				}
			}
			if !any {
				t.byProfile[len(options)]++
			}
		}
		orgT.n += t.n
		orgT.willing += t.willing
		for i := range t.byProfile {
			orgT.byProfile[i] += t.byProfile[i]
		}
		tallies[g] = t
	}
	if a.tree != nil {
		// Pool the subtrees (children come after their parent).
		for g := len(tallies) - 1; g >= 0; g-- {
			if pg := a.tree.parent[g]; pg >= 0 {
				pt, t := &tallies[pg], tallies[g]
				pt.n += t.n
				pt.willing += t.willing
				for i := range t.byProfile {
					pt.byProfile[i] += t.byProfile[i]
				}
			}
		}
	}
	return ambTallies{nodes: tallies, org: orgT}
}

// profilesShown is which profile counts of one group may be shown: the
// same rule as for groups, over the profiles (a profile counted for fewer
// than k willing people is hidden, and so is one from which such a count
// follows by subtraction from the willing total), plus Input.Hide.
func (a *analyzer) profilesShown(byProfile []int, group string) []bool {
	return a.profilesShownExcept(byProfile, group, nil)
}

// profilesShownExcept is profilesShown with the profiles in forced hidden
// from the start.
func (a *analyzer) profilesShownExcept(byProfile []int, group string, forced []bool) []bool {
	el := make([]bool, len(byProfile))
	keys := make([]string, len(byProfile))
	options := a.profileOptions()
	for i := range byProfile {
		keys[i] = fmt.Sprintf("%04d", i) // the questionnaire's order
		opt := ""
		if i < len(options) {
			opt = options[i]
		}
		el[i] = (forced == nil || !forced[i]) && !a.hide[Cell{Family: FamilyProfile(opt), Group: group}]
	}
	shown, any := cellsShown(byProfile, el, keys, a.cfg.MinGroup)
	if !any {
		for i := range shown {
			shown[i] = false
		}
	}
	return shown
}

// profileOptions are the option ids of the profile item, in order.
func (a *analyzer) profileOptions() []string {
	var options []string
	if p := a.p.profile; p != nil && p.Scale != nil {
		for _, o := range p.Scale.Options {
			options = append(options, o.ID)
		}
	}
	return options
}

func (a *analyzer) ambassadorsOf(dim string, n, willing int, byProfile []int, shown []bool, options []string, nResp, headcount int) *Ambassadors {
	am := &Ambassadors{Dimension: dim, Willing: a.proportion(willing, n)}
	if headcount > 0 && nResp <= headcount {
		// Everyone without an advocacy score (non-respondents and
		// respondents who skipped the items) may or may not be willing.
		am.WholeGroupLow = ptr(float64(willing) / float64(headcount))
		am.WholeGroupHigh = ptr(float64(willing+headcount-n) / float64(headcount))
	}
	if len(options) > 0 {
		// The profiles of the willing cross two answers, and a profile
		// can point at a person ("our one super-networker"): shown says
		// which counts may be shown (profilesShown).
		for i, c := range byProfile {
			name := ""
			if i < len(options) {
				name = options[i]
			}
			if shown == nil || !shown[i] {
				am.ProfilesHidden = append(am.ProfilesHidden, name)
				continue
			}
			am.Profiles = append(am.Profiles, ProfileCount{Profile: name, Count: c, Share: float64(c) / float64(willing)})
		}
	}
	return am
}

// barriers fills the agreement with each barrier item (top two points after
// reverse-keying), one suppression family per item.
func (a *analyzer) barriers(res *Result, groupShown []bool) {
	for i, it := range a.p.barrier {
		bt := a.barrier[i]
		answered, agree, orgN, orgX := bt.answered, bt.agree, bt.orgN, bt.orgX
		shown, orgShown := a.shownCells(FamilyBarrier(it.id), answered, groupShown)
		for g := range a.in.Groups {
			if f := figuresOf(res, g); f != nil {
				cell := ItemAgreement{Item: it.id, Suppressed: !shown[g]}
				if shown[g] {
					pr := a.proportion(agree[g], answered[g])
					cell.Agree = &pr
				}
				f.Barriers = append(f.Barriers, cell)
			}
		}
		if f := res.Organisation.Figures; f != nil {
			cell := ItemAgreement{Item: it.id, Suppressed: !orgShown}
			if orgShown {
				pr := a.proportion(orgX, orgN)
				cell.Agree = &pr
			}
			f.Barriers = append(f.Barriers, cell)
		}
	}
}

// barrierTally is the counts of one barrier item: per node (pooled) the
// respondents who answered it and those who agree, and the organisation's.
type barrierTally struct {
	answered, agree []int
	orgN, orgX      int
}

// barrierTallies are the counts of every barrier item (prepare counts
// them once: they do not depend on Input.Hide).
func (a *analyzer) barrierTallies() []barrierTally {
	out := make([]barrierTally, len(a.p.barrier))
	for i, it := range a.p.barrier {
		answered := make([]int, len(a.in.Groups))
		agree := make([]int, len(a.in.Groups))
		for g, grp := range a.in.Groups {
			for _, r := range grp.Responses {
				x := it.value(r.Values)
				if isNaN(x) {
					continue
				}
				answered[g]++
				if x >= float64(it.hi-1) {
					agree[g]++
				}
			}
		}
		orgN, orgX := 0, 0
		for g := range a.in.Groups {
			orgN += answered[g]
			orgX += agree[g]
		}
		out[i] = barrierTally{answered: a.pool(answered), agree: a.pool(agree), orgN: orgN, orgX: orgX}
	}
	return out
}

// helpTally is the counts of one "what would help" item: per node
// (pooled) the respondents who picked at least one option and, per
// option, those who picked it; and the organisation's.
type helpTally struct {
	answered  []int
	picked    [][]int
	orgN      int
	orgPicked []int
}

// helpTallies are the counts of every support item with a scale, by its
// index in p.support (prepare counts them once).
func (a *analyzer) helpTallies() []helpTally {
	out := make([]helpTally, len(a.p.support))
	for si, it := range a.p.support {
		if it.Scale == nil {
			continue
		}
		opts := it.Scale.Options
		answered := make([]int, len(a.in.Groups))
		picked := make([][]int, len(a.in.Groups))
		orgPicked := make([]int, len(opts))
		for g, grp := range a.in.Groups {
			picked[g] = make([]int, len(opts))
			for _, r := range grp.Responses {
				ch := r.Choices[it.ID]
				if len(ch) == 0 {
					continue
				}
				answered[g]++
				for i, o := range opts {
					for _, c := range ch {
						if c == o.ID {
							picked[g][i]++
							orgPicked[i]++
							break
						}
					}
				}
			}
		}
		orgN := 0
		for g := range a.in.Groups {
			orgN += answered[g]
		}
		answered = a.pool(answered)
		for i := range opts {
			col := make([]int, len(a.in.Groups))
			for g := range col {
				col[g] = picked[g][i]
			}
			for g, c := range a.pool(col) {
				picked[g][i] = c
			}
		}
		out[si] = helpTally{answered: answered, picked: picked, orgN: orgN, orgPicked: orgPicked}
	}
	return out
}

// help fills the "what would help" counts, one suppression family per item
// (the respondents who picked at least one option).
func (a *analyzer) help(res *Result, groupShown []bool) {
	for si, it := range a.p.support {
		if it.Scale == nil {
			continue
		}
		opts := it.Scale.Options
		ht := a.helps[si]
		answered, picked, orgN, orgPicked := ht.answered, ht.picked, ht.orgN, ht.orgPicked
		shown, orgShown := a.shownCells(FamilyHelp(it.ID), answered, groupShown)
		for g := range a.in.Groups {
			if f := figuresOf(res, g); f != nil {
				for i, o := range opts {
					cell := OptionCount{Item: it.ID, Option: o.ID, Suppressed: !shown[g]}
					if shown[g] {
						pr := a.proportion(picked[g][i], answered[g])
						cell.Picked = &pr
					}
					f.Help = append(f.Help, cell)
				}
			}
		}
		if f := res.Organisation.Figures; f != nil {
			for i, o := range opts {
				cell := OptionCount{Item: it.ID, Option: o.ID, Suppressed: !orgShown}
				if orgShown {
					pr := a.proportion(orgPicked[i], orgN)
					cell.Picked = &pr
				}
				f.Help = append(f.Help, cell)
			}
		}
	}
}

// comments shows the open comments of groups with at least MinComments
// respondents, shuffled. There is no organisation-level list: it would
// let a reader recover the comments of hidden groups by difference.
func (a *analyzer) comments(res *Result) {
	seed := a.in.Seed
	if seed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err == nil {
			seed = binary.LittleEndian.Uint64(b[:])
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// In a tree a node's comments are its subtree's, shown only where no
	// node below shows comments: else the node's list minus theirs would
	// be the comments of its own respondents and hidden children (as the
	// organisation shows none).
	eligible := make([]bool, len(a.in.Groups))
	below := make([]bool, len(a.in.Groups))
	for g := len(a.in.Groups) - 1; g >= 0; g-- {
		f := res.Departments[g].Figures
		eligible[g] = f != nil && f.N >= a.cfg.MinComments && !below[g]
		if a.tree != nil {
			if p := a.tree.parent[g]; p >= 0 {
				below[p] = below[p] || below[g] || eligible[g]
			}
		}
	}
	for g := range a.in.Groups {
		f := res.Departments[g].Figures
		var comments []string
		for h := g; h < a.subEnd(g); h++ {
			comments = append(comments, a.in.Groups[h].Comments...)
		}
		if !eligible[g] || len(comments) == 0 {
			continue
		}
		cs := make([]string, 0, len(comments))
		for _, c := range comments {
			if c != "" {
				cs = append(cs, c)
			}
		}
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		f.Comments = cs
	}
}
