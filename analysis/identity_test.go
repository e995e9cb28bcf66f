package analysis

import "testing"

// A department is matched across results by its ID, by name only where a
// side has none, and never by name when the IDs differ.
func TestSameDepartment(t *testing.T) {
	earlier := []GroupResult{{ID: "a1", Name: "Sales"}, {ID: "b2", Name: "HR"}, {Name: "Legacy"}}
	index := map[string]*GroupResult{}
	for i := range earlier {
		g := &earlier[i]
		index["name:"+g.Name] = g
		if g.ID != "" {
			index["id:"+g.ID] = g
		}
	}
	for _, tc := range []struct {
		g    GroupResult
		want string // ID or name of the match, "" for none
	}{
		{GroupResult{ID: "a1", Name: "Sales & Marketing"}, "a1"}, // renamed
		{GroupResult{ID: "c3", Name: "HR"}, ""},                  // a new department with an old name
		{GroupResult{Name: "HR"}, "b2"},                          // current results without IDs
		{GroupResult{ID: "d4", Name: "Legacy"}, "Legacy"},        // earlier results without IDs
		{GroupResult{ID: "e5", Name: "Nowhere"}, ""},
	} {
		got := SameDepartment(&tc.g, index)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%+v matched %+v, want none", tc.g, *got)
		case tc.want != "" && (got == nil || (got.ID != tc.want && got.Name != tc.want)):
			t.Errorf("%+v matched %v, want %s", tc.g, got, tc.want)
		}
	}
}
