package questionnaires

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml
var shipped embed.FS

// earlier holds the earlier versions of the shipped questionnaires, as
// versions/<id>.v<version>.yaml: a pulse keeps the version it was opened
// with, so its page, answers and reports still need that version's words
// after a new one ships. They are not in Shipped(): new pulses always get
// the current version.
//
//go:embed versions/*.yaml
var earlier embed.FS

// Problem is one reason a questionnaire file is refused. Item is empty when
// the problem is not about one item (e.g. a missing id).
type Problem struct {
	File    string
	Item    string
	Message string
	// Err is the YAML decoder's own error when the file could not be
	// decoded (a *yaml.TypeError for unknown keys and wrong kinds of
	// value), so that a caller can report it in its own words.
	Err error
}

// Unwrap returns the YAML decoder's error, if any.
func (p *Problem) Unwrap() error { return p.Err }

func (p *Problem) Error() string {
	switch {
	case p.Item != "":
		return fmt.Sprintf("%s: item %q: %s", p.File, p.Item, p.Message)
	default:
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
}

// Problems is the list of everything wrong with one file, so an author can
// fix them all in one go instead of one per run.
type Problems []*Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return "questionnaire refused:\n  " + strings.Join(lines, "\n  ")
}

// Unwrap returns the problems, for errors.As.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// maxFileSize bounds what the loader reads: a questionnaire is a few kB.
const maxFileSize = 1 << 20

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// langPattern accepts language codes such as nl, en, fr or nl-BE.
var langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)

// Shipped returns the ids of the questionnaires embedded in the binary.
func Shipped() []string {
	entries, _ := fs.ReadDir(shipped, ".")
	var ids []string
	for _, e := range entries {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(ids)
	return ids
}

// Load returns a shipped questionnaire by id (its current version), or by
// "id@version" as a pulse stores it (Ref), or reads a file when ref looks
// like a path (contains a slash or ends in .yaml/.yml).
func Load(ref string) (*Questionnaire, error) {
	if strings.ContainsRune(ref, '/') || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		return LoadFile(ref)
	}
	if id, v, ok := strings.Cut(ref, "@"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("questionnaires: %q: the version after @ must be a whole number >= 1", ref)
		}
		return LoadVersion(id, n)
	}
	data, err := shipped.ReadFile(ref + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("questionnaires: no shipped questionnaire %q (shipped: %s)", ref, strings.Join(Shipped(), ", "))
	}
	return Parse(ref+".yaml", data)
}

// LoadVersion returns version of the shipped questionnaire id: the current
// file when that is the version asked for, else the earlier version kept
// in versions/. It never reads from disk.
func LoadVersion(id string, version int) (*Questionnaire, error) {
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("questionnaires: %q is not a questionnaire id", id)
	}
	q, err := Load(id)
	if err != nil {
		return nil, err
	}
	if q.Version == version {
		return q, nil
	}
	name := fmt.Sprintf("versions/%s.v%d.yaml", id, version)
	data, err := earlier.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("questionnaires: no version %d of %q (this trots ships %s and keeps %s)", version, id, q.Ref(), strings.Join(earlierVersions(id), ", "))
	}
	old, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	if old.ID != id || old.Version != version {
		return nil, fmt.Errorf("questionnaires: %s holds %s", name, old.Ref())
	}
	return old, nil
}

// earlierVersions lists the refs of the kept earlier versions of id.
func earlierVersions(id string) []string {
	entries, _ := fs.ReadDir(earlier, "versions")
	out := []string{}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), id+".v")
		if v, ok2 := strings.CutSuffix(rest, ".yaml"); ok && ok2 {
			out = append(out, id+"@"+v)
		}
	}
	sort.Strings(out)
	return out
}

// LoadFile reads and validates a questionnaire from disk.
func LoadFile(name string) (*Questionnaire, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("questionnaires: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("questionnaires: read %s: %w", name, err)
	}
	file := filepath.Base(name)
	if len(data) > maxFileSize {
		return nil, Problems{{File: file, Message: fmt.Sprintf("the file is larger than %d bytes", maxFileSize)}}
	}
	return Parse(file, data)
}

// Parse decodes and validates one questionnaire. file names the source in
// error messages.
func Parse(file string, data []byte) (*Questionnaire, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Problems{{File: file, Message: "the file is empty"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key is an error, not a silently ignored field
	var q Questionnaire
	err := dec.Decode(&q)
	if errors.Is(err, io.EOF) || (err == nil && q.isZero()) { // only comments, "---", "~" or "{}"
		return nil, Problems{{File: file, Message: "the file is empty"}}
	}
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		var te *yaml.TypeError // misspelt keys, a list where a text belongs...
		if errors.As(err, &te) {
			msg = strings.Join(te.Errors, "; ")
		}
		return nil, Problems{{File: file, Message: "not valid questionnaire YAML: " + msg, Err: err}}
	}
	for { // a trailing "---" is harmless; a second questionnaire is not
		var more yaml.Node
		err := dec.Decode(&more)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || !emptyDocument(&more) {
			return nil, Problems{{File: file, Message: "the file holds more than one YAML document (a second \"---\"); put one questionnaire in each file"}}
		}
	}
	if ps := q.validate(file); len(ps) > 0 {
		return nil, ps
	}
	return &q, nil
}

// emptyDocument reports whether n is a document with nothing in it.
func emptyDocument(n *yaml.Node) bool {
	if n.Kind == 0 || (n.Kind == yaml.DocumentNode && len(n.Content) == 0) {
		return true
	}
	return n.Kind == yaml.DocumentNode && len(n.Content) == 1 &&
		n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null"
}

// isZero reports whether nothing at all was decoded into q.
func (q *Questionnaire) isZero() bool {
	return q.ID == "" && q.Version == 0 && q.Languages == nil && q.Title == nil && q.Description == nil &&
		q.Scales == nil && q.Dimensions == nil && q.Items == nil
}

// validate checks the whole questionnaire and resolves references. It
// collects every problem rather than stopping at the first.
func (q *Questionnaire) validate(file string) Problems {
	var ps Problems
	add := func(item, format string, args ...any) {
		ps = append(ps, &Problem{File: file, Item: item, Message: fmt.Sprintf(format, args...)})
	}
	if !idPattern.MatchString(q.ID) {
		add("", "id %q must be 1-64 lower-case letters, digits, '_', '-' or '.'", q.ID)
	}
	if q.Version < 1 {
		add("", "version must be a positive whole number")
	}
	if len(q.Languages) == 0 {
		add("", "languages is empty: list at least one language code, e.g. [nl, en]")
	}
	seenLang := map[string]bool{}
	for _, l := range q.Languages {
		if !langPattern.MatchString(l) {
			add("", "language code %q is not valid (e.g. nl, en, nl-BE)", l)
		}
		if seenLang[l] {
			add("", "language %q is listed twice", l)
		}
		seenLang[l] = true
	}
	checkText := func(item, what string, t Text) {
		for _, l := range q.Languages {
			if strings.TrimSpace(t[l]) == "" {
				add(item, "%s has no %q text", what, l)
			}
		}
		for l := range t {
			if !seenLang[l] {
				add(item, "%s has text in %q, which is not in languages", what, l)
			}
		}
	}
	// checkOptionalText accepts a text that is absent altogether, but not
	// one that is written in some languages and missing in others.
	checkOptionalText := func(item, what string, t Text) {
		for _, s := range t {
			if strings.TrimSpace(s) != "" {
				checkText(item, what, t)
				return
			}
		}
	}
	// checkLabels wants every label non-empty and only listed languages.
	checkLabels := func(where string, labels map[string][]string) {
		for _, l := range q.Languages {
			for i, s := range labels[l] {
				if strings.TrimSpace(s) == "" {
					add("", "%s: %q label %d is empty", where, l, i+1)
				}
			}
		}
		for l := range labels {
			if !seenLang[l] {
				add("", "%s: has labels in %q, which is not in languages", where, l)
			}
		}
	}
	checkText("", "title", q.Title)
	checkOptionalText("", "description", q.Description)

	// Scales, in name order so that problems come out in the same order
	// on every run.
	scaleNames := make([]string, 0, len(q.Scales))
	for name := range q.Scales {
		scaleNames = append(scaleNames, name)
	}
	sort.Strings(scaleNames)
	for _, name := range scaleNames {
		s := q.Scales[name]
		if s == nil {
			add("", "scale %q is empty", name)
			continue
		}
		s.Name = name
		where := "scale " + name
		switch s.Type {
		case Likert:
			if s.Min >= s.Max {
				add("", "%s: likert min (%d) must be below max (%d)", where, s.Min, s.Max)
			} else if s.Max-s.Min > 10 {
				add("", "%s: likert scales have at most 11 points", where)
			}
			for _, l := range q.Languages {
				n := len(s.Labels[l])
				if n != 2 && (s.Min >= s.Max || n != s.Max-s.Min+1) {
					add("", "%s: %q labels must be the two anchors (min, max) or one per point, got %d", where, l, n)
				}
			}
			checkLabels(where, s.Labels)
		case NPS:
			for _, l := range q.Languages {
				if len(s.Labels[l]) != 2 {
					add("", "%s: %q labels must be the two anchors (0 and 10), got %d", where, l, len(s.Labels[l]))
				}
			}
			checkLabels(where, s.Labels)
		case Choice:
			if len(s.Options) < 2 {
				add("", "%s: a choice scale needs at least two options", where)
			}
			seen := map[string]bool{}
			for _, o := range s.Options {
				if !idPattern.MatchString(o.ID) {
					add("", "%s: option id %q is not a valid id", where, o.ID)
				}
				if seen[o.ID] {
					add("", "%s: option %q appears twice", where, o.ID)
				}
				seen[o.ID] = true
				checkText("", where+" option "+o.ID, o.Text)
			}
		case FreeText:
			if s.MaxLength == 0 {
				s.MaxLength = 2000
			}
			if s.MaxLength < 0 || s.MaxLength > 10000 {
				add("", "%s: max_length must be between 1 and 10000", where)
			}
		default:
			add("", "%s: unknown type %q (likert, nps, choice or text)", where, s.Type)
		}
	}

	// Dimensions.
	q.dimByID = map[string]*Dimension{}
	for _, d := range q.Dimensions {
		if d == nil {
			add("", "a dimension entry is empty")
			continue
		}
		if !idPattern.MatchString(d.ID) {
			add("", "dimension id %q is not a valid id", d.ID)
		}
		if q.dimByID[d.ID] != nil {
			add("", "dimension %q is defined twice", d.ID)
		}
		q.dimByID[d.ID] = d
		if !knownRoles[d.Role] {
			add("", "dimension %q: unknown role %q", d.ID, d.Role)
		}
		checkText("", "dimension "+d.ID+" name", d.Name)
		checkOptionalText("", "dimension "+d.ID+" description", d.Description)
	}

	// Items.
	if len(q.Items) == 0 {
		add("", "the questionnaire has no items")
	}
	q.byID = map[string]*Item{}
	for i, it := range q.Items {
		if it == nil {
			add("", "item %d is empty", i+1)
			continue
		}
		if !idPattern.MatchString(it.ID) {
			add(it.ID, "item %d: id %q must be 1-64 lower-case letters, digits, '_', '-' or '.'", i+1, it.ID)
		}
		if q.byID[it.ID] != nil {
			add(it.ID, "duplicate item id")
			continue
		}
		q.byID[it.ID] = it
		if _, ok := q.dimByID[it.Dimension]; !ok {
			add(it.ID, "unknown dimension %q", it.Dimension)
		}
		checkText(it.ID, "question", it.Text)
		s, ok := q.Scales[it.ScaleName]
		if !ok || s == nil {
			add(it.ID, "unknown scale %q", it.ScaleName)
			continue
		}
		it.Scale = s
		if it.Reverse && s.Type != Likert {
			add(it.ID, "only likert items can be reverse-keyed")
		}
	}

	// Pairs: both halves exist, point at each other, opposite roles, same scale.
	for _, it := range q.Items {
		if it == nil || it.Pair == nil || q.byID[it.ID] != it {
			continue
		}
		p := it.Pair
		if p.Role != Promise && p.Role != Reality {
			add(it.ID, "pair role must be promise or reality, not %q", p.Role)
			continue
		}
		if strings.TrimSpace(p.Topic) == "" {
			add(it.ID, "pair has no topic")
		}
		other, ok := q.byID[p.With]
		if !ok {
			add(it.ID, "pair's other half %q is missing", p.With)
			continue
		}
		if other.Pair == nil || other.Pair.With != it.ID {
			add(it.ID, "pair's other half %q does not point back to it", p.With)
			continue
		}
		if other.Pair.Role == p.Role {
			add(it.ID, "both halves of the pair with %q are %s items", p.With, p.Role)
		}
		if other.Pair.Topic != p.Topic {
			add(it.ID, "pair topic %q differs from %q on %q", p.Topic, other.Pair.Topic, p.With)
		}
		if it.Scale != nil && other.Scale != nil && it.Scale != other.Scale {
			a, b := it.Scale, other.Scale
			if a.Type != b.Type || a.Min != b.Min || a.Max != b.Max {
				add(it.ID, "pair's other half %q is on another scale (%s %d-%d vs %s %d-%d)", p.With, a.Type, a.Min, a.Max, b.Type, b.Min, b.Max)
			}
		}
		if it.Scale != nil && it.Scale.Type != Likert {
			add(it.ID, "pair items must be on a likert scale")
		}
		// The gap is promise minus reality on the raw answers: a reversed
		// half would turn a gap into its mirror image.
		if it.Reverse {
			add(it.ID, "pair items cannot be reverse-keyed: promise and reality are compared point by point")
		}
		// A pair item in another dimension would also be scored as part of
		// that dimension (a promise item in pride, say), which it is not.
		if d, ok := q.dimByID[it.Dimension]; ok && d.Role != RoleGap {
			add(it.ID, "pair items belong in a dimension with role gap, not in %q (%s)", d.ID, d.Role)
		}
	}

	// Role constraints the analysis relies on.
	var enpsDims, advocacyDims []string
	var profileItems []string
	for _, d := range q.Dimensions {
		if d == nil || q.dimByID[d.ID] != d {
			continue // empty, or a duplicate already reported
		}
		items := q.ItemsOf(d.ID)
		if len(items) == 0 {
			add("", "dimension %q has no items", d.ID)
			continue
		}
		if d.Role == RoleAdvocacy {
			advocacyDims = append(advocacyDims, d.ID)
		}
		switch d.Role {
		case RoleFoundation, RoleCondition, RoleAdvocacy, RoleBarrier:
			// A dimension score is the mean of its items, so they share
			// one range.
			var first *Item
			for _, it := range items {
				if it.Scale == nil {
					continue
				}
				if it.Scale.Type != Likert {
					add(it.ID, "dimension %q (%s) holds only likert items", d.ID, d.Role)
					continue
				}
				if first == nil {
					first = it
				} else if it.Scale.Min != first.Scale.Min || it.Scale.Max != first.Scale.Max {
					add(it.ID, "dimension %q mixes likert ranges (%d-%d here, %d-%d on %q): its items are averaged into one score",
						d.ID, it.Scale.Min, it.Scale.Max, first.Scale.Min, first.Scale.Max, first.ID)
				}
			}
		case RoleGap:
			for _, it := range items {
				if it.Pair == nil {
					add(it.ID, "items of gap dimension %q must be half of a promise/reality pair", d.ID)
				}
			}
		case RoleENPS:
			enpsDims = append(enpsDims, d.ID)
			switch {
			case len(items) != 1:
				add("", "dimension %q (enps) must hold exactly one nps item, not %d items", d.ID, len(items))
			case items[0].Scale != nil && items[0].Scale.Type != NPS:
				add(items[0].ID, "dimension %q (enps) must hold exactly one nps item, not a %s item", d.ID, items[0].Scale.Type)
			}
		case RoleProfile, RoleSupport:
			for _, it := range items {
				if d.Role == RoleProfile {
					profileItems = append(profileItems, it.ID)
				}
				if it.Scale != nil && it.Scale.Type != Choice {
					add(it.ID, "dimension %q (%s) holds only choice items", d.ID, d.Role)
				}
			}
		case RoleComment:
			for _, it := range items {
				if it.Scale != nil && it.Scale.Type != FreeText {
					add(it.ID, "dimension %q (comment) holds only text items", d.ID)
				}
			}
		}
	}
	if len(enpsDims) > 1 {
		add("", "only one dimension may have role enps, found %d (%s)", len(enpsDims), strings.Join(enpsDims, ", "))
	}
	if len(advocacyDims) > 1 {
		add("", "only one dimension may have role advocacy (the willingness to share), found %d (%s)", len(advocacyDims), strings.Join(advocacyDims, ", "))
	}
	if len(profileItems) > 1 {
		add("", "only one item may ask for the ambassador profile, found %d (%s)", len(profileItems), strings.Join(profileItems, ", "))
	}
	return ps
}
