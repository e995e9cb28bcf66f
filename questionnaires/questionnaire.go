// Package questionnaires holds the survey instruments of trots as data: the
// YAML schema, the loader that validates it, and the questionnaires that ship
// with the binary. Nothing here knows about HTTP, SQL or statistics; the
// survey, analysis and reports packages read the types defined here.
package questionnaires

import "fmt"

// ScaleType is the answer format of an item.
type ScaleType string

const (
	// Likert is an ordered agreement scale from Min to Max (e.g. 1-5).
	Likert ScaleType = "likert"
	// NPS is the 0-10 "how likely are you to recommend" scale.
	NPS ScaleType = "nps"
	// Choice is a pick from named options (one, or several when Multiple).
	Choice ScaleType = "choice"
	// FreeText is a free-text answer.
	FreeText ScaleType = "text"
)

// Role tells the analysis what a dimension means for the readiness verdict.
// Roles are a closed vocabulary so that a questionnaire can be swapped
// without touching code, as long as it says which dimension plays which part.
type Role string

const (
	// RoleFoundation dimensions (pride, job content, communication) must be
	// demonstrably above threshold before a department can go.
	RoleFoundation Role = "foundation"
	// RoleCondition dimensions (stability, management support) are
	// do-not-start conditions: clearly low means fix first.
	RoleCondition Role = "condition"
	// RoleGap holds the promise/reality item pairs.
	RoleGap Role = "gap"
	// RoleAdvocacy is the willingness to share (high = willing).
	RoleAdvocacy Role = "advocacy"
	// RoleBarrier items measure obstacles to sharing (high = more obstacles).
	RoleBarrier Role = "barrier"
	// RoleENPS holds the single eNPS item.
	RoleENPS Role = "enps"
	// RoleProfile holds the ambassador profile choice.
	RoleProfile Role = "profile"
	// RoleSupport holds "what would help" choices.
	RoleSupport Role = "support"
	// RoleComment holds the optional open comment.
	RoleComment Role = "comment"
)

var knownRoles = map[Role]bool{
	RoleFoundation: true, RoleCondition: true, RoleGap: true, RoleAdvocacy: true,
	RoleBarrier: true, RoleENPS: true, RoleProfile: true, RoleSupport: true, RoleComment: true,
}

// PairRole is the side of a reality-gap pair an item is on.
type PairRole string

const (
	// Promise items ask how the organisation presents itself externally.
	Promise PairRole = "promise"
	// Reality items ask what the employee experiences on the same topic.
	Reality PairRole = "reality"
)

// Text is a string per language code ("nl", "en").
type Text map[string]string

// Get returns the text in lang, falling back to any other language so that a
// page never shows an empty label (validation makes the fallback unreachable
// for shipped questionnaires).
func (t Text) Get(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	for _, l := range []string{"en", "nl"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Questionnaire is one survey instrument.
type Questionnaire struct {
	ID          string                `yaml:"id"`
	Version     int                   `yaml:"version"`
	Languages   []string              `yaml:"languages"`
	Title       Text                  `yaml:"title"`
	Description Text                  `yaml:"description"`
	Scales      map[string]*Scale     `yaml:"scales"`
	Dimensions  []*Dimension          `yaml:"dimensions"`
	Items       []*Item               `yaml:"items"`
	byID        map[string]*Item      `yaml:"-"`
	dimByID     map[string]*Dimension `yaml:"-"`
}

// Scale is a reusable answer format, referenced by name from items.
type Scale struct {
	Name string    `yaml:"-"`
	Type ScaleType `yaml:"type"`
	// Min and Max bound likert answers; nps is always 0-10.
	Min int `yaml:"min"`
	Max int `yaml:"max"`
	// Labels per language: for likert either two anchors (min, max) or one
	// label per point; for nps the two anchors.
	Labels map[string][]string `yaml:"labels"`
	// Options of a choice scale.
	Options []Option `yaml:"options"`
	// Multiple allows several options to be picked.
	Multiple bool `yaml:"multiple"`
	// MaxLength caps a text answer in characters (default 2000).
	MaxLength int `yaml:"max_length"`
}

// Option is one choice of a choice scale.
type Option struct {
	ID   string `yaml:"id"`
	Text Text   `yaml:"text"`
}

// Dimension is a theme measured by one or more items.
type Dimension struct {
	ID          string `yaml:"id"`
	Role        Role   `yaml:"role"`
	Name        Text   `yaml:"name"`
	Description Text   `yaml:"description"`
}

// Item is one question.
type Item struct {
	ID        string `yaml:"id"`
	Dimension string `yaml:"dimension"`
	Text      Text   `yaml:"text"`
	ScaleName string `yaml:"scale"`
	Reverse   bool   `yaml:"reverse"`
	Required  bool   `yaml:"required"`
	Pair      *Pair  `yaml:"pair"`
	// Scale is resolved from ScaleName by the loader.
	Scale *Scale `yaml:"-"`
}

// Pair links a promise item to the reality item on the same topic.
type Pair struct {
	Topic string   `yaml:"topic"`
	Role  PairRole `yaml:"role"`
	With  string   `yaml:"with"`
}

// Item returns the item with the given id.
func (q *Questionnaire) Item(id string) (*Item, bool) {
	it, ok := q.byID[id]
	return it, ok
}

// Dimension returns the dimension with the given id.
func (q *Questionnaire) Dimension(id string) (*Dimension, bool) {
	d, ok := q.dimByID[id]
	return d, ok
}

// ItemsOf returns the items of a dimension in questionnaire order.
func (q *Questionnaire) ItemsOf(dimension string) []*Item {
	var out []*Item
	for _, it := range q.Items {
		if it != nil && it.Dimension == dimension {
			out = append(out, it)
		}
	}
	return out
}

// DimensionsWithRole returns the dimensions that play role, in order.
func (q *Questionnaire) DimensionsWithRole(role Role) []*Dimension {
	var out []*Dimension
	for _, d := range q.Dimensions {
		if d != nil && d.Role == role {
			out = append(out, d)
		}
	}
	return out
}

// GapPair is a resolved promise/reality pair.
type GapPair struct {
	Topic   string
	Promise *Item
	Reality *Item
}

// Pairs returns the promise/reality pairs in the order of their promise items.
func (q *Questionnaire) Pairs() []GapPair {
	var out []GapPair
	for _, it := range q.Items {
		if it != nil && it.Pair != nil && it.Pair.Role == Promise {
			out = append(out, GapPair{Topic: it.Pair.Topic, Promise: it, Reality: q.byID[it.Pair.With]})
		}
	}
	return out
}

// Ref is the identity of a questionnaire version, as stored with a pulse.
func (q *Questionnaire) Ref() string { return fmt.Sprintf("%s@%d", q.ID, q.Version) }

// HasLanguage reports whether the questionnaire is written in lang.
func (q *Questionnaire) HasLanguage(lang string) bool {
	for _, l := range q.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Points returns the answer range of a numeric scale.
func (s *Scale) Points() (lo, hi int) {
	if s.Type == NPS {
		return 0, 10
	}
	return s.Min, s.Max
}

// Option returns the option with the given id.
func (s *Scale) Option(id string) (Option, bool) {
	for _, o := range s.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// Numeric reports whether answers on the scale are numbers.
func (s *Scale) Numeric() bool { return s.Type == Likert || s.Type == NPS }

// AnswerSeconds estimates how long answering q takes on a phone, by one
// rule that the survey's description, the poster and the README share: 8
// seconds per agreement question, 10 for the 0-10 recommendation, 15 for a
// choice of one, 20 for a choice of several, 45 for an open comment, and
// 30 to read the introduction.
func (q *Questionnaire) AnswerSeconds() int {
	secs := 30
	for _, it := range q.Items {
		if it == nil || it.Scale == nil {
			continue
		}
		switch s := it.Scale; {
		case s.Type == Likert:
			secs += 8
		case s.Type == NPS:
			secs += 10
		case s.Type == Choice && s.Multiple:
			secs += 20
		case s.Type == Choice:
			secs += 15
		case s.Type == FreeText:
			secs += 45
		}
	}
	return secs
}
