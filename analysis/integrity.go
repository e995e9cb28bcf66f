package analysis

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"trots/questionnaires"
)

// Collection integrity: what the answers of a department show about how
// they were collected, without knowing who gave them. Two checks, on plain
// data only:
//
//   - more responses than the department's headcount
//     (IntegrityMoreThanHeadcount);
//   - a group of exactly identical answers larger than honest answering
//     explains (IntegrityDuplicates).
//
// The duplicate test. Two responses are identical when every numeric item
// has the same value (or is missing in both) and every choice item the same
// options; open answers are not compared. Let c be the size of a group of
// identical responses among the department's n, and p_jv the department's
// own share of answer v (a value, "missing", a set of options) on item j.
// If c responses were drawn independently from these shares, the chance
// that all c agree on item j is sum_v p_jv^c. Items are correlated, so no
// independence between items is assumed inside a block (the items of one
// dimension, or one choice item): agreeing on a block implies agreeing on
// each of its items, so the chance is at most the smallest of those sums.
// Blocks are taken as independent. By the union bound over the C(n, c) sets
// of c responses,
//
//	P(some c responses identical) <= C(n, c) prod_B min_{j in B} sum_v p_jv^c.
//
// Every group of at least IntegrityMinIdentical identical responses is
// judged with its own c, and the most improbable one is reported; the
// department is flagged when its bound lies below IntegrityAlpha. The
// shares include the suspect answers, which makes them look more common
// and the test more conservative. A pair of identical responses is never
// judged: two people who tick the same boxes throughout occur in real
// surveys. Straight-lining (the same point on every agreement item,
// reverse-keyed ones included, or none answered at all) is an honest habit
// this independence model would call impossible: a group of straight lines
// is judged against C(n, c) s^c instead when that is larger, s =
// IntegrityStraightLine (0.1: one respondent in ten giving this very line,
// far more than surveys report). A stuffer who answers as a real
// enthusiast - agreeing with the positive items, disagreeing with the
// reverse-keyed ones - gives no straight line.
const (
	IntegrityMoreThanHeadcount = "more_answers_than_headcount"
	IntegrityDuplicates        = "duplicate_answers"
	// IntegrityInPart flags a node of a department tree whose figures
	// contain suspect answers of a part: a shown node below it is flagged,
	// or its atom (its respondents not in a shown node below it) fails a
	// check (parts.go).
	IntegrityInPart = "suspect_answers_in_part"

	// IntegrityMinIdentical is the smallest group of identical responses
	// that can raise a flag.
	IntegrityMinIdentical = 3
	// IntegrityStraightLine is the share of honest respondents assumed
	// to give one and the same straight line (the same point on every
	// agreement item): groups of such answers are judged against
	// C(n, c) IntegrityStraightLine^c when that is larger.
	IntegrityStraightLine = 0.1
	// IntegrityAlpha is the bound on the chance of a group of identical
	// responses under honest answering below which a department is
	// flagged.
	IntegrityAlpha = 0.001
)

// IntegrityFlag is one reason to distrust a department's answers. Flags
// are set only for shown departments: a suppressed department is NOT
// MEASURABLE whatever its answers, and a flag would tell something about
// the few answers it hides (that there are more than its headcount, or that
// some of them are identical).
type IntegrityFlag struct {
	// Code is IntegrityMoreThanHeadcount, IntegrityDuplicates or
	// IntegrityInPart.
	Code string `json:"code"`
	// Parts is the number of flagged parts (IntegrityInPart only): shown
	// nodes directly below (nearest) and the node's atom.
	Parts int `json:"parts,omitempty"`
	// Identical is the size of the flagged group of identical responses
	// and P the bound on its chance under honest answering (duplicates
	// only). Both are present only when at least k responses are
	// identical: a smaller count would be a figure about fewer than k
	// people.
	Identical int     `json:"identical,omitempty"`
	P         float64 `json:"p,omitempty"`
}

// integrityFlags checks the responses of one shown department; k is the
// anonymity threshold.
func integrityFlags(q *questionnaires.Questionnaire, g Group, k int) []IntegrityFlag {
	var flags []IntegrityFlag
	if g.Headcount > 0 && len(g.Responses) > g.Headcount {
		flags = append(flags, IntegrityFlag{Code: IntegrityMoreThanHeadcount})
	}
	if c, p := DuplicateTest(q, g.Responses); c >= IntegrityMinIdentical && p < IntegrityAlpha {
		f := IntegrityFlag{Code: IntegrityDuplicates}
		if c >= k {
			f.Identical, f.P = c, p
		}
		flags = append(flags, f)
	}
	return flags
}

// DuplicateTest returns the size of the most improbable group of identical
// responses and the upper bound on its chance under honest, independent
// answering (see the comment at the top of integrity.go). Only groups of at
// least IntegrityMinIdentical responses are judged: with none, it returns
// the size of the largest group (1 when all responses differ) and p = 1.
func DuplicateTest(q *questionnaires.Questionnaire, rs []Response) (largest int, p float64) {
	n := len(rs)
	if n < 2 {
		return min(n, 1), 1
	}
	// One small code per response and compared item, so that rows compare
	// without building strings: numbers that are small whole values code
	// as themselves (+2), "missing" as 1, anything else through a table.
	type column struct {
		block int
		item  int
	}
	var cols []column
	blocks := map[string]int{}
	for j, it := range q.Items {
		if it.Scale == nil || it.Scale.Type == questionnaires.FreeText {
			continue
		}
		b, ok := blocks[it.Dimension]
		if !ok {
			b = len(blocks)
			blocks[it.Dimension] = b
		}
		cols = append(cols, column{block: b, item: j})
	}
	m := len(cols)
	codes := make([]uint32, n*m)
	other := map[string]uint32{}
	code := func(s string) uint32 {
		c, ok := other[s]
		if !ok {
			c = uint32(smallCodes + len(other))
			other[s] = c
		}
		return c
	}
	for i, r := range rs {
		row := codes[i*m : (i+1)*m]
		for c, col := range cols {
			it := q.Items[col.item]
			if it.Scale.Type == questionnaires.Choice {
				picked := r.Choices[it.ID]
				switch len(picked) {
				case 0:
					row[c] = 1
				case 1:
					row[c] = code(picked[0])
				default:
					sorted := slices.Clone(picked)
					slices.Sort(sorted)
					row[c] = code(strings.Join(sorted, "\x00"))
				}
				continue
			}
			x := math.NaN()
			if col.item < len(r.Values) {
				x = r.Values[col.item]
			}
			switch {
			case isNaN(x):
				row[c] = 1
			case x >= 0 && x < smallCodes-2 && x == math.Trunc(x):
				row[c] = uint32(x) + 2
			default:
				row[c] = code(strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
	}
	// Identical rows are neighbours once the rows are sorted.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rowOf := func(i int) []uint32 { return codes[i*m : (i+1)*m] }
	slices.SortFunc(order, func(a, b int) int { return slices.Compare(rowOf(a), rowOf(b)) })
	type group struct{ first, size int }
	var judged []group
	largest = 1
	for start := 0; start < n; {
		end := start + 1
		for end < n && slices.Equal(rowOf(order[start]), rowOf(order[end])) {
			end++
		}
		largest = max(largest, end-start)
		if end-start >= IntegrityMinIdentical {
			judged = append(judged, group{first: order[start], size: end - start})
		}
		start = end
	}
	if len(judged) == 0 {
		return largest, 1
	}
	// log prod_B min_j sum_v p_jv^c, per c, from each column's answer counts.
	counts := make([][]int, m)
	col := make([]uint32, n)
	for c := range cols {
		for i := 0; i < n; i++ {
			col[i] = codes[i*m+c]
		}
		slices.Sort(col)
		for start := 0; start < n; {
			end := start + 1
			for end < n && col[end] == col[start] {
				end++
			}
			counts[c] = append(counts[c], end-start)
			start = end
		}
	}
	logQ := map[int]float64{}
	blockMin := make([]float64, len(blocks))
	p, largest = 1, judged[0].size
	for _, g := range judged {
		lq, ok := logQ[g.size]
		if !ok {
			for b := range blockMin {
				blockMin[b] = 1
			}
			for c, col := range cols {
				sum := 0.0
				for _, k := range counts[c] {
					sum += math.Pow(float64(k)/float64(n), float64(g.size))
				}
				blockMin[col.block] = math.Min(blockMin[col.block], sum)
			}
			for _, b := range blockMin {
				lq += math.Log(b)
			}
			logQ[g.size] = lq
		}
		if straightLine(q, rs[g.first]) {
			// Honest straight-lining: up to IntegrityStraightLine of the
			// respondents may give this very line.
			lq = math.Max(lq, float64(g.size)*math.Log(IntegrityStraightLine))
		}
		gp := math.Min(1, math.Exp(logChoose(n, g.size)+lq))
		if gp < p || (gp == p && g.size > largest) {
			p, largest = gp, g.size
		}
	}
	return largest, p
}

// smallCodes bounds the answer codes that stand for themselves.
const smallCodes = 1 << 10

// straightLine reports whether every answered agreement item of r has the
// same value (reverse-keyed items included, as a careless respondent answers
// them), or none is answered: a blank form is an honest habit too where
// every question may be skipped.
func straightLine(q *questionnaires.Questionnaire, r Response) bool {
	first := math.NaN()
	for j, it := range q.Items {
		if it.Scale == nil || it.Scale.Type != questionnaires.Likert || j >= len(r.Values) || isNaN(r.Values[j]) {
			continue
		}
		switch {
		case isNaN(first):
			first = r.Values[j]
		case r.Values[j] != first:
			return false
		}
	}
	return true
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
