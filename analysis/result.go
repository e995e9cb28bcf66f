package analysis

// The result types carry JSON tags: docs/analysis-json.md documents them.
// Anonymity is structural: a suppressed group or cell carries no numbers at
// all (nil pointers and omitted fields), never a number with a flag beside
// it. No float in a Result is NaN or infinite.

// Decision is the readiness verdict of a department.
type Decision string

const (
	// Go: start advocacy; every criterion is demonstrated with its bound.
	Go Decision = "GO"
	// FixFirst: improve the employee experience first.
	FixFirst Decision = "FIX_FIRST"
	// NotMeasurable: too few responses, unrepresentative, or inconclusive.
	NotMeasurable Decision = "NOT_MEASURABLE"
)

// Result is the analysis of one pulse.
type Result struct {
	// Questionnaire is the reference id@version.
	Questionnaire string `json:"questionnaire"`
	// Config holds the thresholds that were applied.
	Config     Config          `json:"config"`
	Dimensions []DimensionInfo `json:"dimensions"`
	Pairs      []PairInfo      `json:"pairs,omitempty"`
	// Organisation holds the figures over all respondents (suppressed
	// groups included). It has no verdict.
	Organisation GroupResult   `json:"organisation"`
	Departments  []GroupResult `json:"departments"`
	// Drivers is the key-driver analysis at organisation level.
	Drivers []DriverAnalysis `json:"drivers,omitempty"`
	// Trend is set by the caller from Trend(this, previous).
	Trend *TrendResult `json:"trend,omitempty"`
	// Audit is the disclosure audit's record (package analysis/audit),
	// absent from results stored before the audit existed.
	Audit *AuditRecord `json:"audit,omitempty"`
}

// DimensionInfo describes a dimension of the questionnaire as analysed.
type DimensionInfo struct {
	ID    string   `json:"id"`
	Role  string   `json:"role"`
	Min   int      `json:"min"`
	Max   int      `json:"max"`
	Items []string `json:"items"`
	// Threshold is the bar on the item scale (foundation and condition
	// dimensions only).
	Threshold *float64 `json:"threshold,omitempty"`
}

// PairInfo is a promise/reality pair of the questionnaire.
type PairInfo struct {
	Topic   string `json:"topic"`
	Promise string `json:"promise"`
	Reality string `json:"reality"`
}

// GroupResult is a department or the whole organisation.
type GroupResult struct {
	ID   string `json:"id,omitempty"` // Group.ID; empty for the organisation
	Name string `json:"name"`
	// ParentID is the parent node's ID ("" at the top level) and Depth
	// the level (0 at the top) in a department tree; both absent for a
	// flat list of departments.
	ParentID string `json:"parent_id,omitempty"`
	Depth    int    `json:"depth,omitempty"`
	// Headcount is the node's own headcount plus its descendants' (0 =
	// unknown).
	Headcount         int  `json:"headcount,omitempty"`
	ExternallyVisible bool `json:"externally_visible"`
	// Suppressed groups have no figures; SuppressedBecause is then
	// SuppressedAnonymity, whether the group itself has fewer than k
	// respondents or is hidden so that a smaller group cannot be worked
	// out from the totals (secondary suppression): told apart, the two
	// would give away small counts (see SuppressedAnonymity).
	Suppressed        bool   `json:"suppressed"`
	SuppressedBecause string `json:"suppressed_because,omitempty"`
	// IntegrityFlags say why the answers of a shown department are
	// suspect (see integrity.go); such a department is NOT_MEASURABLE
	// collection_integrity. Absent for suppressed groups and the
	// organisation, and in results stored before the check existed.
	IntegrityFlags []IntegrityFlag `json:"integrity_flags,omitempty"`
	// ChildVerdicts is the spread of the verdicts of a node's direct
	// children (for the organisation: the top-level nodes), every
	// Decision present, a suppressed child counted as NotMeasurable:
	// "3 of 11 teams GO, 2 FIX FIRST, 6 not yet measurable". Set only for
	// nodes with children of a department tree (nil for leaves and for a
	// flat list). It counts published verdicts, so it shows nothing new.
	ChildVerdicts map[Decision]int `json:"child_verdicts,omitempty"`
	*Figures
	*Verdict
}

// Figures are the numbers of a group that is shown.
type Figures struct {
	// N is the number of respondents.
	N            int               `json:"n"`
	ResponseRate *Proportion       `json:"response_rate,omitempty"`
	Dimensions   []DimensionResult `json:"dimensions"`
	ENPS         *ENPSResult       `json:"enps,omitempty"`
	Gap          *GapResult        `json:"gap,omitempty"`
	Ambassadors  *Ambassadors      `json:"ambassadors,omitempty"`
	Barriers     []ItemAgreement   `json:"barriers,omitempty"`
	Help         []OptionCount     `json:"help,omitempty"`
	// Comments are shown only for groups of at least MinComments
	// respondents, in random order.
	Comments []string `json:"comments,omitempty"`
}

// DimensionResult is one dimension of one group. A suppressed cell carries
// only its id and Suppressed.
type DimensionResult struct {
	ID         string `json:"id"`
	Suppressed bool   `json:"suppressed,omitempty"`
	*DimensionStats
}

// DimensionStats are the figures of a shown dimension cell.
type DimensionStats struct {
	// N respondents have a score (answered at least half of the items).
	N int `json:"n"`
	// MissingRate is the share of the group's respondents without a score;
	// ItemMissingRate the share of unanswered items over all respondents.
	MissingRate     float64 `json:"missing_rate"`
	ItemMissingRate float64 `json:"item_missing_rate"`
	Mean            float64 `json:"mean"`
	SD              float64 `json:"sd"`
	// CILow and CIHigh are the t-interval of the mean; both are absent
	// when it is undefined (every score identical, as R's t.test refuses
	// "essentially constant" data).
	CILow  *float64 `json:"ci_low,omitempty"`
	CIHigh *float64 `json:"ci_high,omitempty"`
	// Score100 is the mean on 0-100 ((mean-min)/(max-min)*100), with the
	// interval on the same scale.
	Score100     float64  `json:"score_100"`
	Score100Low  *float64 `json:"score_100_ci_low,omitempty"`
	Score100High *float64 `json:"score_100_ci_high,omitempty"`
	// Favourable: respondents whose score lies in the top two points (the
	// bottom two for barrier dimensions, where high means more obstacles).
	Favourable Proportion `json:"favourable"`
	// Alpha is Cronbach's raw alpha (omitted for one-item dimensions and
	// groups below MinAlpha).
	Alpha *float64 `json:"alpha,omitempty"`
	// Reliability is the organisation-level detail.
	Reliability *Reliability `json:"reliability,omitempty"`
	// VsRest compares a department with the rest of the organisation.
	VsRest *Comparison `json:"vs_rest,omitempty"`
	// VsParent compares a node of a department tree with the rest of its
	// parent (the parent's respondents minus this node's), where both
	// the node's and the parent's cell are shown. Absent at the top
	// level (the parent is the organisation: VsRest).
	VsParent *Comparison `json:"vs_parent,omitempty"`
}

// Proportion is a count out of n with a Wilson interval.
type Proportion struct {
	Count  int     `json:"count"`
	N      int     `json:"n"`
	Share  float64 `json:"share"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// Reliability is Cronbach's alpha in detail (organisation level).
// Undefined figures (an item without variance) are absent.
type Reliability struct {
	N     int     `json:"n"`
	Alpha float64 `json:"alpha"`
	// AlphaStd is the standardized alpha (from the mean inter-item
	// correlation); CILow and CIHigh the Feldt interval.
	AlphaStd *float64    `json:"alpha_std,omitempty"`
	CILow    *float64    `json:"ci_low,omitempty"`
	CIHigh   *float64    `json:"ci_high,omitempty"`
	Items    []ItemAlpha `json:"items"`
}

// ItemAlpha is alpha without the item and the corrected item-total (item-rest)
// correlation.
type ItemAlpha struct {
	Item           string   `json:"item"`
	AlphaIfDeleted *float64 `json:"alpha_if_deleted,omitempty"`
	ItemRest       *float64 `json:"item_rest,omitempty"`
}

// Comparison is a department against the rest of the organisation (the
// department excluded): Welch's t-test, Hedges' g and the BH q-value across
// all shown departments x dimensions. As VsParent, the rest is the rest of
// the parent node and Q runs over all shown vs-parent comparisons.
type Comparison struct {
	RestN    int     `json:"rest_n"`
	RestMean float64 `json:"rest_mean"`
	Diff     float64 `json:"diff"`
	CILow    float64 `json:"ci_low"`
	CIHigh   float64 `json:"ci_high"`
	T        float64 `json:"t"`
	DF       float64 `json:"df"`
	P        float64 `json:"p"`
	Q        float64 `json:"q"`
	G        float64 `json:"hedges_g"`
}

// ENPSResult is the employee Net Promoter Score with the adjusted-Wald
// interval.
type ENPSResult struct {
	N          int     `json:"n"`
	Promoters  int     `json:"promoters"`
	Passives   int     `json:"passives"`
	Detractors int     `json:"detractors"`
	Value      float64 `json:"value"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
}

// Gap statuses. There is deliberately no "no gap": an interval that
// contains zero has not demonstrated a gap, it has not shown its absence.
const (
	GapOverPromised    = "over_promised"         // interval above the margin
	GapDemonstrated    = "gap_demonstrated"      // interval above zero, not above the margin
	GapNotDemonstrated = "no_gap_demonstrated"   // interval contains zero
	GapRealityAbove    = "reality_above_promise" // interval below zero
)

// GapResult is the reality gap (promise minus reality) of a group.
type GapResult struct {
	// Overall is the person gap: the mean over answered pairs, for
	// respondents who answered at least half of the pairs.
	Overall GapCell   `json:"overall"`
	Pairs   []GapCell `json:"pairs"`
}

// GapCell is a one-sample (paired) t analysis of promise minus reality.
type GapCell struct {
	Topic      string `json:"topic,omitempty"`
	Suppressed bool   `json:"suppressed,omitempty"`
	*GapStats
}

// GapStats are the figures of a shown gap cell. The interval, t, p and d_z
// are absent when every difference is the same (undefined).
type GapStats struct {
	N      int      `json:"n"`
	Mean   float64  `json:"mean"`
	SD     float64  `json:"sd"`
	CILow  *float64 `json:"ci_low,omitempty"`
	CIHigh *float64 `json:"ci_high,omitempty"`
	T      *float64 `json:"t,omitempty"`
	DF     float64  `json:"df"`
	P      *float64 `json:"p,omitempty"`
	Dz     *float64 `json:"dz,omitempty"`
	Status string   `json:"status"`
	// AtLeastOne is the share of respondents whose gap is at least one
	// point (overall only).
	AtLeastOne *Proportion `json:"at_least_one,omitempty"`
	VsRest     *Comparison `json:"vs_rest,omitempty"`
	// VsParent: as DimensionStats.VsParent (overall gap only).
	VsParent *Comparison `json:"vs_parent,omitempty"`
}

// Ambassadors is the ambassador potential of a group: the willing
// respondents (advocacy score >= WillingScore) and their profiles.
type Ambassadors struct {
	Dimension string     `json:"dimension"`
	Willing   Proportion `json:"willing"`
	// WholeGroupLow/High bound the willing share of the whole department
	// (respondents or not) without any assumption about non-respondents:
	// [x/N, (x+N-n)/N]. Only with a known headcount.
	WholeGroupLow  *float64       `json:"whole_group_low,omitempty"`
	WholeGroupHigh *float64       `json:"whole_group_high,omitempty"`
	Profiles       []ProfileCount `json:"profiles,omitempty"`
	// ProfilesHidden names the profiles whose count is not shown: fewer
	// than k of the willing, or one from which such a count follows.
	ProfilesHidden []string `json:"profiles_hidden,omitempty"`
}

// ProfileCount is the number of willing respondents of one profile; Share is
// of all willing respondents. Profile "" counts those who did not answer.
// Only profiles of at least k willing respondents are counted (see
// Ambassadors.ProfilesHidden).
type ProfileCount struct {
	Profile string  `json:"profile"`
	Count   int     `json:"count"`
	Share   float64 `json:"share"`
}

// ItemAgreement is a barrier item: respondents in the top two points.
type ItemAgreement struct {
	Item       string      `json:"item"`
	Suppressed bool        `json:"suppressed,omitempty"`
	Agree      *Proportion `json:"agree,omitempty"`
}

// OptionCount is how often an option of a "what would help" item was
// picked, out of the respondents who answered the item.
type OptionCount struct {
	Item       string      `json:"item"`
	Option     string      `json:"option"`
	Suppressed bool        `json:"suppressed,omitempty"`
	Picked     *Proportion `json:"picked,omitempty"`
}

// Verdict is a department's readiness decision with its evidence.
type Verdict struct {
	Decision Decision `json:"verdict"`
	Reasons  []Reason `json:"reasons"`
	// Bounds are the confidence bounds (or counts) that drove the decision.
	Bounds []Bound `json:"bounds,omitempty"`
	// NeededN estimates, for an inconclusive verdict, how many respondents
	// would let the rule decide if means and spreads stayed as they are.
	NeededN int `json:"needed_n,omitempty"`
	// PossibleProblems names, for a department too small or too
	// unrepresentative to decide, the criteria (as in Bound.Criterion)
	// whose bound lies on the wrong side of its bar: no FIX FIRST, but
	// worth looking into. Each also has a possible_problem reason.
	PossibleProblems []string `json:"possible_problems,omitempty"`
	// Notes are remarks that did not drive the decision.
	Notes []Reason `json:"notes,omitempty"`
}

// Reason is a stable code with its catalogue kind and subject. Code is
// specific ("pride_below_threshold"); Kind is the catalogue key
// ("below_threshold") whose texts take the subject's name.
type Reason struct {
	Code      string `json:"code"`
	Kind      string `json:"kind"`
	Dimension string `json:"dimension,omitempty"`
	Topic     string `json:"topic,omitempty"`
	// Count and Of are the numbers a text names (collection integrity:
	// the responses and the headcount, or the identical responses).
	Count int `json:"count,omitempty"`
	Of    int `json:"of,omitempty"`
	// Text is filled by Localize.
	Text string `json:"text,omitempty"`
}

// Bound is one criterion of the rule with the interval that was judged.
type Bound struct {
	// Criterion is a dimension id, "gap", "gap:<topic>", "willing_share",
	// "enps", "n" or "response_rate".
	Criterion string  `json:"criterion"`
	Estimate  float64 `json:"estimate"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Threshold float64 `json:"threshold"`
	// Outcome is "met" (bound on the good side), "failed" (bound on the bad
	// side: a demonstrated problem) or "undecided".
	Outcome string `json:"outcome"`
}

// DriverAnalysis is a key-driver analysis of one outcome.
type DriverAnalysis struct {
	Outcome string `json:"outcome"` // the advocacy dimension id, or "enps"
	// Skipped says why the analysis was not run ("too_few_cases").
	Skipped string   `json:"skipped,omitempty"`
	N       int      `json:"n,omitempty"`
	R2      float64  `json:"r2,omitempty"`
	Drivers []Driver `json:"drivers,omitempty"`
}

// Driver is one theme's share in explaining the outcome.
type Driver struct {
	Dimension   string  `json:"dimension"`
	Correlation float64 `json:"correlation"`
	// Weight is Johnson's raw relative weight (they sum to R2); Share is
	// Weight/R2.
	Weight float64 `json:"weight"`
	Share  float64 `json:"share"`
	// Shapley is the LMG decomposition of R2, the cross-check.
	Shapley      float64 `json:"shapley"`
	ShapleyShare float64 `json:"shapley_share"`
}

// SameDepartment finds g among earlier results indexed by "id:<ID>" and
// "name:<Name>". A department is the same when its key (Group.ID) is,
// whatever it is called now; by name only where a side has no key (results
// stored before departments carried keys), and never when both have keys
// that differ: a new department that took an old name is another one.
func SameDepartment(g *GroupResult, earlier map[string]*GroupResult) *GroupResult {
	if g.ID != "" {
		if p, ok := earlier["id:"+g.ID]; ok {
			return p
		}
	}
	p, ok := earlier["name:"+g.Name]
	if !ok || (g.ID != "" && p.ID != "" && p.ID != g.ID) {
		return nil
	}
	return p
}
