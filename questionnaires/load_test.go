package questionnaires

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// wantProblem is one expected refusal: the item it names ("" when the
// problem is not about one item) and a part of its message.
type wantProblem struct {
	item string
	msg  string
}

// refusals pairs every broken file in testdata/ with the problems the loader
// must report for it, in the order it reports them.
var refusals = []struct {
	file string
	want []wantProblem
}{
	// Reading and decoding.
	{"empty.yaml", []wantProblem{{"", "the file is empty"}}},
	{"comments_only.yaml", []wantProblem{{"", "the file is empty"}}},
	{"malformed.yaml", []wantProblem{{"", "did not find expected ',' or ']'"}}},
	{"unknown_key.yaml", []wantProblem{{"", "line 5: field titel not found"}}},
	{"unknown_item_key.yaml", []wantProblem{{"", "line 11: field requird not found"}}},
	{"two_documents.yaml", []wantProblem{{"", "more than one YAML document"}}},

	// The questionnaire itself.
	{"bad_id.yaml", []wantProblem{{"", `id "Broken Survey" must be 1-64 lower-case letters`}}},
	{"no_version.yaml", []wantProblem{{"", "version must be a positive whole number"}}},
	{"no_languages.yaml", []wantProblem{{"", "languages is empty"}}},
	{"bad_language.yaml", []wantProblem{{"", `language code "English" is not valid`}}},
	{"duplicate_language.yaml", []wantProblem{{"", `language "en" is listed twice`}}},
	{"missing_title.yaml", []wantProblem{{"", `title has no "nl" text`}}},
	{"partial_description.yaml", []wantProblem{{"", `description has no "nl" text`}}},

	// Texts of items.
	{"missing_text.yaml", []wantProblem{{"pride_b", `question has no "nl" text`}}},
	{"blank_text.yaml", []wantProblem{{"pride_a", `question has no "en" text`}}},
	{"extra_language.yaml", []wantProblem{{"pride_a", `question has text in "fr", which is not in languages`}}},

	// Scales.
	{"empty_scale.yaml", []wantProblem{{"", `scale "agree" is empty`}, {"pride_a", `unknown scale "agree"`}}},
	{"unknown_scale_type.yaml", []wantProblem{
		{"", `scale agree: unknown type "slider"`},
		{"pride_a", `dimension "pride" (foundation) holds only likert items`},
	}},
	{"likert_min_max.yaml", []wantProblem{{"", "scale agree: likert min (5) must be below max (1)"}}},
	{"likert_too_wide.yaml", []wantProblem{{"", "scale agree: likert scales have at most 11 points"}}},
	{"likert_label_count.yaml", []wantProblem{{"", `scale agree: "en" labels must be the two anchors (min, max) or one per point, got 3`}}},
	{"empty_label.yaml", []wantProblem{{"", `scale agree: "en" label 3 is empty`}}},
	{"label_language.yaml", []wantProblem{{"", `scale agree: has labels in "de", which is not in languages`}}},
	{"nps_labels.yaml", []wantProblem{{"", `scale recommend: "en" labels must be the two anchors (0 and 10), got 1`}}},
	{"choice_one_option.yaml", []wantProblem{{"", "scale kind: a choice scale needs at least two options"}}},
	{"choice_bad_option_id.yaml", []wantProblem{{"", `scale kind: option id "quiet expert" is not a valid id`}}},
	{"choice_duplicate_option.yaml", []wantProblem{{"", `scale kind: option "none" appears twice`}}},
	{"choice_option_text.yaml", []wantProblem{{"", `scale kind option none has no "en" text`}}},
	{"text_max_length.yaml", []wantProblem{{"", "scale comment: max_length must be between 1 and 10000"}}},

	// Dimensions.
	{"empty_dimension.yaml", []wantProblem{{"", "a dimension entry is empty"}}},
	{"bad_dimension_id.yaml", []wantProblem{{"", `dimension id "Pride" is not a valid id`}}},
	{"duplicate_dimension.yaml", []wantProblem{{"", `dimension "pride" is defined twice`}}},
	{"unknown_role.yaml", []wantProblem{{"", `dimension "pride": unknown role "fundament"`}}},
	{"dimension_name.yaml", []wantProblem{{"", `dimension pride name has no "en" text`}}},
	{"partial_dimension_description.yaml", []wantProblem{{"", `dimension pride description has no "en" text`}}},
	{"dimension_no_items.yaml", []wantProblem{{"", `dimension "stability" has no items`}}},

	// Items.
	{"no_items.yaml", []wantProblem{{"", "the questionnaire has no items"}}},
	{"empty_item.yaml", []wantProblem{{"", "item 2 is empty"}}},
	{"bad_item_id.yaml", []wantProblem{{"Pride_B", `item 2: id "Pride_B" must be 1-64 lower-case letters`}}},
	{"duplicate_ids.yaml", []wantProblem{{"pride_a", "duplicate item id"}}},
	{"unknown_dimension.yaml", []wantProblem{{"prid_b", `unknown dimension "prid"`}}},
	{"unknown_scale.yaml", []wantProblem{{"pride_a", `unknown scale "agre"`}}},
	{"reverse_not_likert.yaml", []wantProblem{{"enps", "only likert items can be reverse-keyed"}}},

	// Promise/reality pairs.
	{"pair_bad_role.yaml", []wantProblem{{"gap_x_promise", `pair role must be promise or reality, not "claim"`}}},
	{"pair_no_topic.yaml", []wantProblem{{"gap_x_promise", "pair has no topic"}, {"gap_x_reality", "pair has no topic"}}},
	{"pair_missing_half.yaml", []wantProblem{{"gap_x_promise", `pair's other half "gap_x_reality" is missing`}}},
	{"pair_not_back.yaml", []wantProblem{{"gap_x_promise", `pair's other half "gap_x_reality" does not point back to it`}}},
	{"pair_same_role.yaml", []wantProblem{
		{"gap_x_promise", `both halves of the pair with "gap_x_reality" are promise items`},
		{"gap_x_reality", `both halves of the pair with "gap_x_promise" are promise items`},
	}},
	{"pair_topic_differs.yaml", []wantProblem{
		{"gap_x_promise", `pair topic "x" differs from "y" on "gap_x_reality"`},
		{"gap_x_reality", `pair topic "y" differs from "x" on "gap_x_promise"`},
	}},
	{"pair_other_scale.yaml", []wantProblem{
		{"gap_x_promise", `pair's other half "gap_x_reality" is on another scale (likert 1-5 vs likert 1-7)`},
		{"gap_x_reality", `pair's other half "gap_x_promise" is on another scale (likert 1-7 vs likert 1-5)`},
	}},
	{"pair_not_likert.yaml", []wantProblem{
		{"gap_x_promise", "pair items must be on a likert scale"},
		{"gap_x_reality", "pair items must be on a likert scale"},
	}},
	{"pair_reverse.yaml", []wantProblem{{"gap_x_reality", "pair items cannot be reverse-keyed"}}},
	{"pair_outside_gap.yaml", []wantProblem{
		{"gap_x_promise", `pair items belong in a dimension with role gap, not in "pride" (foundation)`},
		{"gap_x_reality", `pair items belong in a dimension with role gap, not in "pride" (foundation)`},
	}},

	// What each role may hold.
	{"foundation_not_likert.yaml", []wantProblem{{"pride_b", `dimension "pride" (foundation) holds only likert items`}}},
	{"mixed_ranges.yaml", []wantProblem{{"pride_b", `dimension "pride" mixes likert ranges (1-7 here, 1-5 on "pride_a")`}}},
	{"gap_unpaired.yaml", []wantProblem{{"gap_y", `items of gap dimension "gap" must be half of a promise/reality pair`}}},
	{"enps_two_items.yaml", []wantProblem{{"", `dimension "enps" (enps) must hold exactly one nps item, not 2 items`}}},
	{"enps_not_nps.yaml", []wantProblem{{"enps", `dimension "enps" (enps) must hold exactly one nps item, not a likert item`}}},
	{"enps_twice.yaml", []wantProblem{{"", "only one dimension may have role enps, found 2 (enps, enps_b)"}}},
	{"advocacy_twice.yaml", []wantProblem{{"", "only one dimension may have role advocacy (the willingness to share), found 2 (willingness, online)"}}},
	{"profile_not_choice.yaml", []wantProblem{{"profile", `dimension "profile" (profile) holds only choice items`}}},
	{"profile_twice.yaml", []wantProblem{{"", "only one item may ask for the ambassador profile, found 2 (profile, profile_b)"}}},
	{"comment_not_text.yaml", []wantProblem{{"comment", `dimension "comment" (comment) holds only text items`}}},

	// All problems of a file come out at once.
	{"several_problems.yaml", []wantProblem{
		{"", "version must be a positive whole number"},
		{"pride_a", "duplicate item id"},
		{"pride_c", `unknown scale "agre"`},
	}},
}

func TestLoadFileRefusesBrokenFiles(t *testing.T) {
	for _, tt := range refusals {
		t.Run(strings.TrimSuffix(tt.file, ".yaml"), func(t *testing.T) {
			q, err := LoadFile(filepath.Join("testdata", tt.file))
			if q != nil {
				t.Errorf("LoadFile returned a questionnaire for a broken file")
			}
			ps := mustProblems(t, err)
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tt.want), err)
			}
			for i, w := range tt.want {
				p := ps[i]
				if p.File != tt.file {
					t.Errorf("problem %d names file %q, want %q", i+1, p.File, tt.file)
				}
				if p.Item != w.item {
					t.Errorf("problem %d names item %q, want %q (%s)", i+1, p.Item, w.item, p.Message)
				}
				if !strings.Contains(p.Message, w.msg) {
					t.Errorf("problem %d says %q, want it to say %q", i+1, p.Message, w.msg)
				}
				if !strings.Contains(err.Error(), p.Error()) {
					t.Errorf("the error text %q leaves out problem %q", err.Error(), p.Error())
				}
			}
		})
	}
}

// Every broken file in testdata/ is in the table, so none is left untested
// and no row points at a file that is gone.
func TestRefusalsCoverTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk, inTable []string
	for _, f := range files {
		onDisk = append(onDisk, filepath.Base(f))
	}
	for _, tt := range refusals {
		inTable = append(inTable, tt.file)
	}
	sort.Strings(inTable)
	if !slices.Equal(onDisk, inTable) {
		t.Errorf("testdata files and refusal table differ:\n on disk: %v\nin table: %v", onDisk, inTable)
	}
}

func TestLoadFileRefusesLargeFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "huge.yaml")
	data := []byte("# " + strings.Repeat("x", maxFileSize) + "\n")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(name)
	ps := mustProblems(t, err)
	if len(ps) != 1 || ps[0].File != "huge.yaml" || ps[0].Item != "" || !strings.Contains(ps[0].Message, "larger than") {
		t.Errorf("got %v, want one problem saying huge.yaml is too large", err)
	}
}

func TestLoadFileMissingFile(t *testing.T) {
	_, err := LoadFile(filepath.Join("testdata", "no-such-file.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping fs.ErrNotExist", err)
	}
	var ps Problems
	if errors.As(err, &ps) {
		t.Errorf("a missing file is not a problem with the questionnaire: %v", err)
	}
}

func TestLoad(t *testing.T) {
	q, err := Load("pulse")
	if err != nil || q.ID != "pulse" {
		t.Fatalf("Load(pulse) = %v, %v", q, err)
	}
	// A path loads from disk, also when it is a shipped file.
	q, err = Load("./advocacy-readiness.yaml")
	if err != nil || q.ID != "advocacy-readiness" {
		t.Fatalf("Load(./advocacy-readiness.yaml) = %v, %v", q, err)
	}
	// A broken file by path is refused with its problems.
	_, err = Load("testdata/duplicate_ids.yaml")
	if ps := mustProblems(t, err); ps[0].Item != "pride_a" {
		t.Errorf("Load(testdata/duplicate_ids.yaml): %v", err)
	}
	_, err = Load("no-such-questionnaire")
	if err == nil || !strings.Contains(err.Error(), "advocacy-readiness") {
		t.Errorf("Load of an unknown id should list the shipped ones, got %v", err)
	}
}

// Document markers around a single questionnaire are fine.
func TestParseAcceptsDocumentMarkers(t *testing.T) {
	data, err := os.ReadFile("pulse.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, wrap := range []struct{ before, after string }{
		{"---\n", ""}, {"", "---\n"}, {"---\n", "...\n"}, {"", "---\n# the end\n"},
	} {
		text := wrap.before + string(data) + wrap.after
		if _, err := Parse("pulse.yaml", []byte(text)); err != nil {
			t.Errorf("with %q before and %q after: %v", wrap.before, wrap.after, err)
		}
	}
}

// The example in README.md is complete: it loads as it stands.
func TestReadmeExampleLoads(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "## A minimal complete example")
	if ok {
		_, rest, ok = strings.Cut(rest, "```yaml\n")
	}
	example, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md has no yaml block under \"A minimal complete example\"")
	}
	q, err := Parse("README.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Pairs()) != 1 || len(q.DimensionsWithRole(RoleENPS)) != 1 {
		t.Errorf("the example should show a pair and the eNPS item")
	}
}

func TestProblemError(t *testing.T) {
	item := &Problem{File: "a.yaml", Item: "pride_a", Message: "duplicate item id"}
	if got, want := item.Error(), `a.yaml: item "pride_a": duplicate item id`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	file := &Problem{File: "a.yaml", Message: "the file is empty"}
	if got, want := file.Error(), "a.yaml: the file is empty"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	ps := Problems{item, file}
	want := "questionnaire refused:\n  " + item.Error() + "\n  " + file.Error()
	if got := ps.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTextGet(t *testing.T) {
	tests := []struct {
		text Text
		lang string
		want string
	}{
		{Text{"nl": "Trots", "en": "Pride"}, "nl", "Trots"},
		{Text{"nl": "Trots", "en": "Pride"}, "fr", "Pride"},
		{Text{"nl": "Trots", "en": ""}, "en", "Trots"},
		{Text{"de": "Stolz"}, "en", "Stolz"},
		{nil, "en", ""},
	}
	for _, tt := range tests {
		if got := tt.text.Get(tt.lang); got != tt.want {
			t.Errorf("%v.Get(%q) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
}

// --- the shipped questionnaires ---

func TestShippedLoadAndAreComplete(t *testing.T) {
	ids := Shipped()
	for _, want := range []string{"advocacy-readiness", "pulse"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Shipped() = %v, misses %q", ids, want)
		}
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			q := mustLoad(t, id)
			// A pulse stores q.Ref(); Load must find the questionnaire by
			// that id again, so the file is named after its id.
			if q.ID != id {
				t.Errorf("file %s.yaml holds id %q", id, q.ID)
			}
			if q.Version < 1 || q.Ref() != id+"@"+strconv.Itoa(q.Version) {
				t.Errorf("Ref() = %q", q.Ref())
			}
			for _, lang := range []string{"nl", "en"} {
				if !q.HasLanguage(lang) {
					t.Errorf("not written in %q", lang)
				}
			}
			for _, lang := range q.Languages {
				nonEmpty := func(what, s string) {
					if strings.TrimSpace(s) == "" {
						t.Errorf("%s: %s has no %q text", id, what, lang)
					}
				}
				nonEmpty("title", q.Title[lang])
				nonEmpty("description", q.Description[lang])
				for _, d := range q.Dimensions {
					nonEmpty("dimension "+d.ID+" name", d.Name[lang])
					nonEmpty("dimension "+d.ID+" description", d.Description[lang])
				}
				for _, it := range q.Items {
					nonEmpty("item "+it.ID, it.Text[lang])
				}
				for name, s := range q.Scales {
					switch s.Type {
					case Likert:
						// A label for every point, so a phone shows words, not numbers.
						if n := len(s.Labels[lang]); n != s.Max-s.Min+1 {
							t.Errorf("scale %s has %d %q labels for %d points", name, n, lang, s.Max-s.Min+1)
						}
					case NPS:
						if n := len(s.Labels[lang]); n != 2 {
							t.Errorf("scale %s has %d %q anchors", name, n, lang)
						}
					}
					for i, l := range s.Labels[lang] {
						nonEmpty("scale "+name+" label "+strconv.Itoa(i+1), l)
					}
					for _, o := range s.Options {
						nonEmpty("scale "+name+" option "+o.ID, o.Text[lang])
					}
				}
			}
			for _, it := range q.Items {
				if it.Scale.Numeric() && !it.Required {
					t.Errorf("%s item %s is numeric but not required", id, it.ID)
				}
			}
			// Foundations are gates and need three items; the other scored
			// dimensions at least two, so that the half rule and alpha
			// mean something.
			for role, least := range map[Role]int{RoleFoundation: 3, RoleCondition: 2, RoleAdvocacy: 2, RoleBarrier: 2} {
				for _, d := range q.DimensionsWithRole(role) {
					if n := len(q.ItemsOf(d.ID)); n < least {
						t.Errorf("%s dimension %s (%s) has %d items, want at least %d", id, d.ID, role, n, least)
					}
				}
			}
			enps := q.DimensionsWithRole(RoleENPS)
			if len(enps) != 1 || len(q.ItemsOf(enps[0].ID)) != 1 || q.ItemsOf(enps[0].ID)[0].Scale.Type != NPS {
				t.Errorf("%s wants exactly one eNPS dimension holding one nps item", id)
			}
		})
	}
}

// TestBaseline: version 2 of the baseline keeps every dimension the
// verdict, the advice and the reports read, in at most 25 questions.
func TestBaseline(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	if q.Version != 2 {
		t.Errorf("baseline version %d, want 2", q.Version)
	}
	if n := len(q.Items); n > 25 {
		t.Errorf("baseline has %d items, want at most 25 (5 minutes on a phone)", n)
	}
	// What the advice reads by id: the barriers of a misstep and of
	// pressure, and the help options of guidelines and ready content.
	for _, id := range []string{"barrier_mistake", "barrier_pressure", "will_stories", "will_online", "mgmt_sharing"} {
		if _, ok := q.Item(id); !ok {
			t.Errorf("baseline lacks %s", id)
		}
	}
	wantRoles := map[string]Role{
		"pride": RoleFoundation, "content": RoleFoundation, "communication": RoleFoundation,
		"gap": RoleGap, "willingness": RoleAdvocacy, "barriers": RoleBarrier,
		"stability": RoleCondition, "management": RoleCondition, "enps": RoleENPS,
		"help": RoleSupport, "profile": RoleProfile, "comment": RoleComment,
	}
	for id, role := range wantRoles {
		d, ok := q.Dimension(id)
		if !ok || d.Role != role {
			t.Errorf("dimension %s: got %v, want role %s", id, d, role)
		}
	}
	for _, dim := range []string{"pride", "content", "communication"} {
		if n := len(q.ItemsOf(dim)); n != 3 {
			t.Errorf("%s has %d items, want 3 (the pulse's)", dim, n)
		}
	}

	// Reality gap: two pairs, on the topics job ads over-promise most.
	pairs := q.Pairs()
	if len(pairs) != 2 {
		t.Errorf("baseline has %d promise/reality pairs, want 2", len(pairs))
	}
	topics := map[string]bool{}
	for _, p := range pairs {
		topics[p.Topic] = true
		if p.Promise == nil || p.Reality == nil {
			t.Fatalf("pair %q is not resolved", p.Topic)
		}
		if p.Promise.Pair.Role != Promise || p.Reality.Pair.Role != Reality {
			t.Errorf("pair %q: halves have roles %s and %s", p.Topic, p.Promise.Pair.Role, p.Reality.Pair.Role)
		}
		if p.Promise.Scale != p.Reality.Scale {
			t.Errorf("pair %q: halves are on scales %s and %s", p.Topic, p.Promise.Scale.Name, p.Reality.Scale.Name)
		}
	}
	for _, want := range []string{"innovation", "balance"} {
		if !topics[want] {
			t.Errorf("no pair on %q (topics: %v)", want, topics)
		}
	}

	// Reverse keying is used, and only on likert items.
	reversed := 0
	for _, it := range q.Items {
		if it.Reverse {
			reversed++
		}
	}
	if reversed == 0 {
		t.Errorf("no reverse-keyed item")
	}

	// Profile: exactly the three ambassador types and "none".
	profile := onlyItem(t, q, "profile")
	if profile.Scale.Type != Choice || profile.Scale.Multiple {
		t.Errorf("profile is a %s scale (multiple %v), want a single choice", profile.Scale.Type, profile.Scale.Multiple)
	}
	var opts []string
	for _, o := range profile.Scale.Options {
		opts = append(opts, o.ID)
	}
	if want := []string{"quiet_expert", "super_networker", "warm_welcomer", "none"}; !slices.Equal(opts, want) {
		t.Errorf("profile options = %v, want %v", opts, want)
	}

	help := onlyItem(t, q, "help")
	if help.Scale.Type != Choice || !help.Scale.Multiple || help.Required {
		t.Errorf("help: want an optional choice with multiple answers, got %s multiple=%v required=%v",
			help.Scale.Type, help.Scale.Multiple, help.Required)
	}
	comment := onlyItem(t, q, "comment")
	if comment.Scale.Type != FreeText || comment.Required || comment.Scale.MaxLength < 500 || comment.Scale.MaxLength > 2000 {
		t.Errorf("comment: want an optional text of about 1000 characters, got %s required=%v max_length=%d",
			comment.Scale.Type, comment.Required, comment.Scale.MaxLength)
	}
}

// TestPulseIsASubsetOfTheBaseline: every item of the short pulse is an item
// of the baseline, version 1 (which asked everything), word for word; the
// items the pulse shares with version 2 read the same there too.
func TestPulseIsASubsetOfTheBaseline(t *testing.T) {
	base, err := LoadVersion("advocacy-readiness", 1)
	if err != nil {
		t.Fatal(err)
	}
	current := mustLoad(t, "advocacy-readiness")
	pulse := mustLoad(t, "pulse")
	for _, it := range pulse.Items {
		if c, ok := current.Item(it.ID); ok && !maps.Equal(c.Text, it.Text) {
			t.Errorf("pulse item %s reads %v, baseline version 2 %v", it.ID, it.Text, c.Text)
		}
	}
	if n := len(pulse.Items); n > 13 {
		t.Errorf("pulse has %d items, want at most 13 (about 2 minutes)", n)
	}
	for dim, want := range map[string]int{"pride": 3, "content": 3, "communication": 3, "stability": 3, "enps": 1} {
		if n := len(pulse.ItemsOf(dim)); n != want {
			t.Errorf("pulse has %d %s items, want %d", n, dim, want)
		}
	}
	for _, it := range pulse.Items {
		b, ok := base.Item(it.ID)
		if !ok {
			t.Errorf("pulse item %s is not in the baseline", it.ID)
			continue
		}
		if !maps.Equal(it.Text, b.Text) {
			t.Errorf("pulse item %s reads %v, the baseline %v", it.ID, it.Text, b.Text)
		}
		if it.Dimension != b.Dimension || it.Reverse != b.Reverse || it.Required != b.Required {
			t.Errorf("pulse item %s differs from the baseline in dimension, reverse or required", it.ID)
		}
		ps, bs := it.Scale, b.Scale
		if ps.Type != bs.Type || ps.Min != bs.Min || ps.Max != bs.Max {
			t.Errorf("pulse item %s is on %s %d-%d, the baseline on %s %d-%d", it.ID, ps.Type, ps.Min, ps.Max, bs.Type, bs.Min, bs.Max)
		}
		for lang, labels := range bs.Labels {
			if !slices.Equal(ps.Labels[lang], labels) {
				t.Errorf("pulse item %s: %q labels %v, the baseline %v", it.ID, lang, ps.Labels[lang], labels)
			}
		}
	}
	for _, d := range pulse.Dimensions {
		b, ok := base.Dimension(d.ID)
		if !ok || b.Role != d.Role || !maps.Equal(b.Name, d.Name) {
			t.Errorf("pulse dimension %s differs from the baseline's in role or name", d.ID)
		}
	}
}

// TestEarlierVersionsLoad: every kept earlier version loads by its id and
// version, is older than the shipped one, and LoadVersion refuses a
// version nobody shipped.
func TestEarlierVersionsLoad(t *testing.T) {
	for _, id := range Shipped() {
		cur := mustLoad(t, id)
		if q, err := LoadVersion(id, cur.Version); err != nil || q.Ref() != cur.Ref() {
			t.Errorf("LoadVersion(%s, %d) = %v, %v", id, cur.Version, q, err)
		}
		for _, ref := range earlierVersions(id) {
			_, v, _ := strings.Cut(ref, "@")
			n, _ := strconv.Atoi(v)
			q, err := LoadVersion(id, n)
			if err != nil || q.Ref() != ref || n >= cur.Version {
				t.Errorf("LoadVersion(%s, %d) = %v, %v (current %d)", id, n, q, err, cur.Version)
			}
		}
	}
	if refs := earlierVersions("advocacy-readiness"); !slices.Equal(refs, []string{"advocacy-readiness@1"}) {
		t.Errorf("earlier baselines %v", refs)
	}
	if q, err := LoadVersion("advocacy-readiness", 1); err != nil || len(q.Items) != 40 {
		t.Fatalf("baseline version 1: %v", err)
	}
	if _, err := LoadVersion("pulse", 99); err == nil || !strings.Contains(err.Error(), "no version 99") {
		t.Errorf("version 99: %v", err)
	}
	if q, err := Load("advocacy-readiness@1"); err != nil || q.Ref() != "advocacy-readiness@1" {
		t.Errorf("Load(advocacy-readiness@1) = %v, %v", q, err)
	}
	if _, err := Load("pulse@x"); err == nil {
		t.Error("pulse@x loaded")
	}
	if _, err := LoadVersion("../pulse", 1); err == nil {
		t.Error("a path was loaded")
	}
}

// TestAnswerSeconds: the estimate the README states, per questionnaire.
func TestAnswerSeconds(t *testing.T) {
	for ref, want := range map[string]int{
		"advocacy-readiness@1": 30 + 36*8 + 10 + 20 + 15 + 45, // 408 s, 6.8 min
		"advocacy-readiness@2": 30 + 21*8 + 10 + 20 + 15 + 45, // 288 s, 4.8 min: at most 5
		"pulse@1":              30 + 9*8 + 10,                 // 112 s
		"pulse@2":              30 + 12*8 + 10,                // 136 s
	} {
		q, err := Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.AnswerSeconds(); got != want {
			t.Errorf("%s: %d s, want %d", ref, got, want)
		}
	}
}

// --- helpers ---

func mustLoad(t *testing.T, id string) *Questionnaire {
	t.Helper()
	q, err := Load(id)
	if err != nil {
		t.Fatalf("Load(%q): %v", id, err)
	}
	return q
}

func mustProblems(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("got error %v (%T), want Problems", err, err)
	}
	return ps
}

func onlyItem(t *testing.T, q *Questionnaire, dimension string) *Item {
	t.Helper()
	items := q.ItemsOf(dimension)
	if len(items) != 1 {
		t.Fatalf("dimension %s has %d items, want 1", dimension, len(items))
	}
	return items[0]
}

// TestDecodeProblemKeepsTheYAMLError: a file the decoder refuses keeps the
// decoder's error, so that a caller can word it for its own readers.
func TestDecodeProblemKeepsTheYAMLError(t *testing.T) {
	_, err := Parse("q.yaml", []byte("a: [1]\n"))
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) != 1 || !strings.Contains(te.Errors[0], "field a not found") {
		t.Fatalf("got %v, want a *yaml.TypeError inside", err)
	}
	var p *Problem
	if !errors.As(err, &p) || p.File != "q.yaml" || p.Err == nil {
		t.Errorf("problem %+v", p)
	}
	_, err = Parse("q.yaml", []byte("id: [\n"))
	if !errors.As(err, &p) || p.Err == nil || !strings.Contains(p.Err.Error(), "line 1") {
		t.Errorf("syntax error: %v", err)
	}
	_, err = Parse("q.yaml", []byte("id: x\n"))
	if errors.As(err, &p) && p.Err != nil {
		t.Errorf("a validation problem carries a decoder error: %v", p.Err)
	}
}
