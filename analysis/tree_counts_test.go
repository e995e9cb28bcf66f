package analysis

import (
	"reflect"
	"testing"
)

// TreeCountsShown pools own counts up the tree and applies the rule
// across levels: North (Alfa 3 + Bravo 8) shows 11 and hides Bravo, whose
// 8 would give Alfa's 3; South (Foxtrot 6 + Golf 10) shows all. The flat
// rule on the own counts would have hidden Foxtrot and shown Bravo.
func TestTreeCountsShownPoolsAndHidesAcrossLevels(t *testing.T) {
	id := []string{"n", "a", "b", "s", "f", "g"}
	parent := []string{"", "n", "n", "", "s", "s"}
	own := []int{0, 3, 8, 0, 6, 10}
	pooled, shown, total, err := TreeCountsShown(own, id, parent, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{11, 3, 8, 16, 6, 10}; !reflect.DeepEqual(pooled, want) {
		t.Errorf("pooled %v, want %v", pooled, want)
	}
	if want := []bool{true, false, false, true, true, true}; !reflect.DeepEqual(shown, want) || !total {
		t.Errorf("shown %v (total %v), want %v", shown, total, want)
	}
	// A flat list is CountsShown.
	flat := []string{"", "", "", "", "", ""}
	_, shown, _, err = TreeCountsShown(own, id, flat, 5)
	want, _ := CountsShown(own, id, 5)
	if err != nil || !reflect.DeepEqual(shown, want) {
		t.Errorf("flat: %v %v, want %v", shown, err, want)
	}
	if _, _, _, err := TreeCountsShown([]int{1, 2}, []string{"x", "y"}, []string{"y", "x"}, 5); err == nil {
		t.Error("a cycle was accepted")
	}
}
