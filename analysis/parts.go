package analysis

// A node of a department tree is judged on its pooled respondents (tree.go),
// and the verdict rule is the same per node. Pooling can hide what its parts
// show; the planted-truth simulation of trees (analysis/sim, "Trees") found
// three ways, each fixed here:
//
//   - Suspect answers in a part. The integrity checks ran on the pooled
//     answers only, so a team flagged for more answers than its headcount
//     (or for stuffed duplicates) left its parent unflagged: the surplus is
//     absorbed by the other teams' headcount and the duplicates are diluted
//     among more honest answers. Yet the parent's figures contain those
//     answers: a division went GO on top of a flagged team. A node is now
//     flagged (IntegrityInPart) when a shown node below it is flagged, or
//     when its atom - its own respondents and those of hidden nodes below it
//     that no shown node covers, 0 or at least k people (tree.go) - fails a
//     check of its own. The atom's respondents and headcount are the node's
//     minus its nearest shown descendants', all published, so the check
//     reveals nothing about fewer than k people.
//   - A silent part. The response-rate floor was applied to the pooled rate
//     only. Three teams answering at 75% and two poor teams of the same
//     headcount answering at 22% give a division a pooled rate of 54%, and
//     its respondents (dominated by the three teams) clear every bar while
//     its people, weighted by headcount, do not: silence is a signal, and
//     pooling drowned it. A node is now NOT_MEASURABLE (low_response_part)
//     when atoms below the floor hold at least PartShare of its headcount.
//   - A part with a demonstrated problem. A division of three ready teams
//     and one whose theme lies demonstrably below its bar was GO nearly
//     always: the pooled mean clears the bar. A node is now FIX_FIRST
//     (part_fix_first) when shown nodes below it that are FIX FIRST on
//     their own figures hold at least PartShare of its respondents. A
//     smaller part (the demo's one team in a directorate of sixteen) leaves
//     the pooled verdict standing: its children's verdicts are shown beside
//     it (child_verdicts), and a division is not held back by every team.

// partFacts are what a node's parts say about its verdict.
type partFacts struct {
	// fixN respondents lie in fixParts shown nodes below the node that are
	// FIX FIRST on their own figures (outermost ones; nested ones are in
	// their ancestor's count).
	fixN, fixParts int
	// silentHead employees lie in atoms (of shown nodes in the subtree,
	// the node's own included) whose response rate is below the floor.
	// When the node's headcount is unknown (a leaf below it has none),
	// the atoms are still checked on what is known of them: floorHead is
	// then the smallest headcount the node can have, so that the share
	// silentHead/floorHead is the largest the silent parts can hold.
	silentHead, floorHead int
}

// nearestShown returns the nearest shown descendants of internal node g.
func (a *analyzer) nearestShown(g int, shown []bool) []int {
	var out []int
	stack := append([]int(nil), a.tree.children[g]...)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if shown[c] {
			out = append(out, c)
			continue
		}
		stack = append(stack, a.tree.children[c]...)
	}
	return out
}

// atomResponses are the responses of node g's atom: its own and those of
// its descendants not below a shown descendant.
func (a *analyzer) atomResponses(g int, shown []bool) []Response {
	rs := append([]Response(nil), a.in.Groups[g].Responses...)
	stack := append([]int(nil), a.tree.children[g]...)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if shown[c] {
			continue
		}
		rs = append(rs, a.in.Groups[c].Responses...)
		stack = append(stack, a.tree.children[c]...)
	}
	return rs
}

// atomHeadcount is node g's headcount minus its nearest shown
// descendants' (0 when unknown: a node's headcount is known only when every
// headcount below it is).
func atomHeadcount(g int, near []int, headcount []int) int {
	if headcount[g] <= 0 {
		return 0
	}
	h := headcount[g]
	for _, c := range near {
		h -= headcount[c]
	}
	return h
}

// partIntegrity adds IntegrityInPart to every shown node with a flagged
// shown node below it or a flagged atom. Bottom-up (preorder: descendants
// have larger indices), so a flag travels up through every level.
func (a *analyzer) partIntegrity(res *Result, shown []bool, headcount []int) {
	for g := len(res.Departments) - 1; g >= 0; g-- {
		if !shown[g] {
			continue
		}
		near := a.nearestShown(g, shown)
		if len(near) == 0 {
			continue // the atom is the node: checked pooled already
		}
		parts := 0
		for _, c := range near {
			if len(res.Departments[c].IntegrityFlags) > 0 {
				parts++
			}
		}
		if rs := a.atomResponses(g, shown); len(rs) > 0 {
			hc := atomHeadcount(g, near, headcount)
			flags := integrityFlags(a.p.q, Group{Responses: rs, Headcount: hc}, a.cfg.MinGroup)
			if len(flags) > 0 {
				parts++
			}
		}
		if parts > 0 {
			d := &res.Departments[g]
			d.IntegrityFlags = append(d.IntegrityFlags, IntegrityFlag{Code: IntegrityInPart, Parts: parts})
		}
	}
}

// partFactsOf collects node g's partFacts; ownFix[c] says whether shown
// node c is FIX FIRST on its own figures (its verdict is decided, since
// verdicts are decided bottom-up).
func (a *analyzer) partFactsOf(g int, shown []bool, ownFix []bool, nResp, headcount []int) partFacts {
	var pf partFacts
	stack := append([]int(nil), a.tree.children[g]...)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if shown[c] && ownFix[c] {
			pf.fixN += nResp[c]
			pf.fixParts++
			continue
		}
		stack = append(stack, a.tree.children[c]...)
	}
	// Atoms of g and of every shown node below it.
	nodes := []int{g}
	for h := g + 1; h < a.tree.end[g]; h++ {
		if shown[h] {
			nodes = append(nodes, h)
		}
	}
	for _, h := range nodes {
		near := a.nearestShown(h, shown)
		n := nResp[h]
		for _, c := range near {
			n -= nResp[c]
		}
		// hc is the atom's headcount, or - when part of it is unknown -
		// the known part's: the atom's rate is then at most n/hc, so
		// n < floor hc still shows it below the floor, with at least hc
		// employees; and the atom has at least max(hc, n) of them.
		hc, known := a.atomHead(h, shown)
		if known {
			pf.floorHead += hc
		} else {
			pf.floorHead += max(hc, n)
		}
		if hc > 0 && float64(n) < a.cfg.MinResponseRate*float64(hc) {
			pf.silentHead += hc
		}
	}
	if headcount[g] > 0 {
		pf.floorHead = headcount[g]
	}
	return pf
}

// atomHead is the headcount of node h's atom: the own headcounts of h and
// of its descendants not below a shown descendant. It is not known when
// one of them is a leaf without a headcount, or has respondents of its own
// but no headcount (see headcounts); the sum of the known ones is returned
// then.
func (a *analyzer) atomHead(h int, shown []bool) (int, bool) {
	total, ok := 0, true
	add := func(x int) {
		grp := a.in.Groups[x]
		if grp.Headcount <= 0 && (len(a.tree.children[x]) == 0 || len(grp.Responses) > 0) {
			ok = false
			return
		}
		total += grp.Headcount
	}
	add(h)
	stack := append([]int(nil), a.tree.children[h]...)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if shown[c] {
			continue
		}
		add(c)
		stack = append(stack, a.tree.children[c]...)
	}
	return total, ok
}
