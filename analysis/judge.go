package analysis

// Judgement is how an interval lies against a bar: the verdict rule's own
// test, so that every colour drawn from it (the board's heatmap, the PDF's)
// agrees with the verdicts.
type Judgement int

const (
	JudgedPlain     Judgement = iota // no bar applies: shown without a judgement
	JudgedMet                        // the whole interval is on the good side
	JudgedFailed                     // the whole interval is on the bad side
	JudgedUndecided                  // the interval straddles the bar, or is undefined
)

// Judge classifies the interval [lo, hi] against bar. For a measure where
// higher is better (higherOK) the good side is lo >= bar and the bad side
// hi < bar; otherwise (a gap, where lower is better) the good side is
// hi <= bar and the bad side lo > bar - the same tests as criterion.met
// and criterion.failed. A missing bound is undecided.
func Judge(lo, hi *float64, bar float64, higherOK bool) Judgement {
	if lo == nil || hi == nil {
		return JudgedUndecided
	}
	c := criterion{lo: *lo, hi: *hi, threshold: bar, higherOK: higherOK}
	switch {
	case c.met():
		return JudgedMet
	case c.failed():
		return JudgedFailed
	}
	return JudgedUndecided
}
