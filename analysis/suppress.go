package analysis

import "sort"

// Anonymity works on "families": a family is one kind of figure (the
// respondent count, one dimension, one gap pair, the eNPS, one barrier or
// help item) with, per group, the number of respondents who contribute to
// it. For every family:
//
//  1. primary suppression: a group's cell is shown only if the group is
//     eligible (shown as a whole) and at least k respondents contribute;
//  2. secondary suppression: the organisation figure covers everybody, so
//     the contributors not covered by shown cells (the hidden remainder)
//     can be recomputed by subtraction. The remainder must be 0 or at least
//     k; while it is not, the shown cell with the fewest contributors is
//     hidden too (ties: the smaller group key, the department id - never
//     its name, so that renaming a department cannot move a hidden cell).
//  3. the organisation cell is shown only if at least k respondents
//     contribute in total.
//
// Every aggregate a reader can derive by adding and subtracting shown
// figures therefore covers 0 or at least k respondents.

// cellsShown applies primary and secondary suppression to one family.
// count[g] is the number of contributors in group g, eligible[g] whether
// group g may show anything at all (nil: all may), key[g] the stable key
// that breaks ties between equal counts (nil: the index). It returns which
// cells are shown and whether the organisation cell is shown.
func cellsShown(count []int, eligible []bool, key []string, k int) (shown []bool, org bool) {
	shown = make([]bool, len(count))
	total, covered := 0, 0
	for g, c := range count {
		total += c
		if (eligible == nil || eligible[g]) && c >= k {
			shown[g] = true
			covered += c
		}
	}
	if total < k {
		// The organisation itself is too small: nothing is shown.
		for g := range shown {
			shown[g] = false
		}
		return shown, false
	}
	order := make([]int, 0, len(count))
	for g := range count {
		order = append(order, g)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ga, gb := order[a], order[b]
		if count[ga] != count[gb] {
			return count[ga] < count[gb]
		}
		if key != nil && key[ga] != key[gb] {
			return key[ga] < key[gb]
		}
		return ga < gb
	})
	for rem := total - covered; rem > 0 && rem < k; rem = total - covered {
		hid := false
		for _, g := range order {
			if shown[g] {
				shown[g] = false
				covered -= count[g]
				hid = true
				break
			}
		}
		if !hid {
			break // nothing left to hide; unreachable because total >= k
		}
	}
	return shown, true
}

// hiddenRemainder is the number of contributors not covered by shown cells:
// what a reader can recompute by subtraction. Exposed to the tests.
func hiddenRemainder(count []int, shown []bool) int {
	rem := 0
	for g, c := range count {
		if !shown[g] {
			rem += c
		}
	}
	return rem
}

// CountsShown applies the same rule to plain counts outside an analysis
// (flat, without the audit; the participation page of an open pulse uses
// audit.Participation, which adds the tree and the headcounts): which counts may be shown,
// and whether their total may. A count below k is hidden, and so is the
// smallest count shown while the hidden ones add up to between 1 and k-1;
// equal counts are told apart by id[g] (the department id), so that two
// looks with a rename in between hide the same departments.
func CountsShown(count []int, id []string, k int) (shown []bool, total bool) {
	return cellsShown(count, nil, id, k)
}
