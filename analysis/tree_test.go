package analysis

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// A bad tree is refused with the group named, whatever the answers.
func TestTreeRefusesBadParents(t *testing.T) {
	q := mustQuestionnaire(t)
	g := func(id, parent string) Group {
		return Group{ID: id, Name: "name " + id, ParentID: parent, Headcount: 10}
	}
	for _, c := range []struct {
		groups []Group
		want   string
	}{
		{[]Group{g("a", ""), g("b", "x")}, `"name b" has an unknown parent "x"`},
		{[]Group{g("a", ""), g("b", "c"), g("c", "b")}, "cycle"},
		{[]Group{g("a", "a")}, "its own parent"},
		{[]Group{g("a", ""), g("a", "a")}, `id "a" appears twice`},
		{[]Group{g("a", ""), {Name: "no id", ParentID: "a"}}, "has a parent but no id"},
	} {
		_, err := Analyze(Input{Questionnaire: q, Groups: c.groups, Config: DefaultConfig(), Seed: 1})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.groups, err, c.want)
		}
	}
}

// The tree rule on a tree of one level is the flat rule, cell for cell, on
// 2,000 random families; and a deep chain (no recursion limit) is laid out.
func TestTreeCellsShownOnOneLevelIsTheFlatRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 16))
	for run := range 2000 {
		n := 1 + rng.IntN(12)
		groups := make([]Group, n)
		count := make([]int, n)
		keys := make([]string, n)
		el := make([]bool, n)
		for i := range groups {
			groups[i] = Group{ID: fmt.Sprintf("g%02d", rng.IntN(100)*100+i)}
			keys[i] = groups[i].ID
			count[i] = rng.IntN(12)
			el[i] = rng.IntN(6) > 0
		}
		k := 3 + rng.IntN(3)
		tr, err := buildTree(groups)
		if err != nil {
			t.Fatal(err)
		}
		a, ao := cellsShown(count, el, keys, k)
		b, bo := treeCellsShown(tr, count, el, keys, k)
		if ao != bo || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("run %d: flat %v %v, tree %v %v (counts %v, k %d)", run, a, ao, b, bo, count, k)
		}
	}
	var chain []Group
	for i := range 20000 {
		g := Group{ID: fmt.Sprint(i)}
		if i > 0 {
			g.ParentID = fmt.Sprint(i - 1)
		}
		chain = append(chain, g)
	}
	tr, err := buildTree(chain)
	if err != nil || tr.depth[19999] != 19999 || tr.end[0] != 20000 {
		t.Fatalf("chain: %v", err)
	}
}
