package analysis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is the one place where the thresholds of the analysis live. Every
// number the verdict or the anonymity rules use is a field here; nothing
// else in the package hides a threshold. DefaultConfig returns the defaults
// of METHODS.md; LoadConfig reads a YAML file over those defaults.
//
// Point values (thresholds, tolerances, precision) are written on a 1-5
// scale and rescaled linearly to the scale of the dimension they apply to
// (a position x becomes min + (x-1)(max-min)/4, a width w becomes
// w(max-min)/4), so one config serves 1-5 and 1-7 questionnaires alike.
// DimensionThresholds overrides the role default for one dimension and is
// written on that dimension's own item scale.
type Config struct {
	// Level is the confidence level of every interval (0.95).
	Level float64 `yaml:"level" json:"level"`

	// FoundationThreshold is the bar that foundation dimensions (pride,
	// content, communication) must demonstrably clear for GO (3.5 on 1-5).
	FoundationThreshold float64 `yaml:"foundation_threshold" json:"foundation_threshold"`
	// ConditionThreshold is the bar for condition dimensions (stability,
	// management support): demonstrably at least neutral (3.0 on 1-5).
	ConditionThreshold float64 `yaml:"condition_threshold" json:"condition_threshold"`
	// DimensionThresholds overrides the role default per dimension id, on
	// the dimension's item scale.
	DimensionThresholds map[string]float64 `yaml:"dimension_thresholds,omitempty" json:"dimension_thresholds,omitempty"`

	// GapTolerance is the largest overall promise-minus-reality gap that is
	// acceptable for GO (0.5 points on 1-5).
	GapTolerance float64 `yaml:"gap_tolerance" json:"gap_tolerance"`
	// OverPromisedMargin: a single promise/reality pair is over-promised
	// when its whole interval lies above this margin (0.5 points on 1-5).
	OverPromisedMargin float64 `yaml:"over_promised_margin" json:"over_promised_margin"`

	// WillingScore is the advocacy score from which a respondent counts as
	// willing to share (4 on 1-5: agrees on average).
	WillingScore float64 `yaml:"willing_score" json:"willing_score"`
	// WillingShare is the share of willing respondents GO needs (0.30).
	WillingShare float64 `yaml:"willing_share" json:"willing_share"`

	// ENPSThreshold, ENPSMinN: a department with at least ENPSMinN eNPS
	// answers whose eNPS upper bound lies below ENPSThreshold must fix
	// first. Below ENPSMinN the eNPS interval is too wide (about +/-48
	// points at n = 10) to act as a gate.
	ENPSThreshold float64 `yaml:"enps_threshold" json:"enps_threshold"`
	ENPSMinN      int     `yaml:"enps_min_n" json:"enps_min_n"`
	// ENPSRequiredForGo also demands, for GO, an eNPS lower bound at or
	// above ENPSThreshold when the department has ENPSMinN answers. Off by
	// default: METHODS.md does not gate GO on eNPS.
	ENPSRequiredForGo bool `yaml:"enps_required_for_go" json:"enps_required_for_go"`

	// MinDecisionN is the number of respondents below which no GO or
	// precision-based FIX FIRST is given (10).
	MinDecisionN int `yaml:"min_decision_n" json:"min_decision_n"`
	// MinResponseRate is the response rate below which a department is not
	// representative (0.5). Only applied when the headcount is known.
	MinResponseRate float64 `yaml:"min_response_rate" json:"min_response_rate"`
	// PartShare is, for a node of a department tree, the share of its
	// people that its parts speak for (0.2): parts below the response-rate
	// floor holding at least this share of its headcount make it NOT
	// MEASURABLE (low_response_part), and shown nodes below that are FIX
	// FIRST on their own figures holding at least this share of its
	// respondents make it FIX FIRST (part_fix_first); see parts.go. 0
	// turns both off (the pooled verdict alone, as before).
	PartShare float64 `yaml:"part_share" json:"part_share"`
	// Precision is the interval half-width (points on 1-5) at which an
	// undecided criterion counts as measured precisely (0.4).
	Precision float64 `yaml:"precision" json:"precision"`
	// SharePrecision is the same for the willing share, as a proportion
	// (0.2, reached at about the same n as Precision for sd 0.8).
	SharePrecision float64 `yaml:"share_precision" json:"share_precision"`

	// MinGroup is the anonymity threshold k: no figure is computed over
	// fewer respondents (5; never below 3).
	MinGroup int `yaml:"min_group" json:"min_group"`
	// MinComments is the group size from which open comments are shown (10).
	MinComments int `yaml:"min_comments" json:"min_comments"`
	// MinDrivers is the number of complete cases key-driver analysis needs
	// (30; also at least 10 per driver).
	MinDrivers int `yaml:"min_drivers" json:"min_drivers"`
	// MinAlpha is the number of scored respondents from which a group's
	// Cronbach's alpha is reported (30; alpha of 8 people means nothing).
	MinAlpha int `yaml:"min_alpha" json:"min_alpha"`
	// TrendPower is the power of the minimal detectable difference shown
	// beside each trend (0.8).
	TrendPower float64 `yaml:"trend_power" json:"trend_power"`
}

// MinAllowedGroup is the floor of the anonymity threshold k.
const MinAllowedGroup = 3

// DefaultConfig returns the thresholds of METHODS.md.
func DefaultConfig() Config {
	return Config{
		Level:               0.95,
		FoundationThreshold: 3.5,
		ConditionThreshold:  3.0,
		GapTolerance:        0.5,
		OverPromisedMargin:  0.5,
		WillingScore:        4,
		WillingShare:        0.30,
		ENPSThreshold:       0,
		ENPSMinN:            30,
		MinDecisionN:        10,
		MinResponseRate:     0.5,
		PartShare:           0.2,
		Precision:           0.4,
		SharePrecision:      0.2,
		MinGroup:            5,
		MinComments:         10,
		MinDrivers:          30,
		MinAlpha:            30,
		TrendPower:          0.8,
	}
}

// maxConfigSize bounds a thresholds file.
const maxConfigSize = 64 << 10

// LoadConfig reads a YAML thresholds file. Keys that are absent keep their
// default; an unknown key is an error (a misspelt threshold must not be
// silently ignored); the result is validated. A file that is not YAML, or a
// key that is unknown, repeated or holds the wrong kind of value, gives a
// *ConfigFileError naming the line and the key.
func LoadConfig(r io.Reader) (Config, error) {
	cfg := DefaultConfig()
	data, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return Config{}, fmt.Errorf("analysis: read config: %w", err)
	}
	if len(data) > maxConfigSize {
		return Config{}, fmt.Errorf("analysis: config is larger than %d bytes", maxConfigSize)
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decodeConfig(data, &cfg); err != nil {
			return Config{}, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// The kinds of ConfigProblem.
const (
	ConfigNotYAML      = "not_yaml"      // the parser's words are in Detail
	ConfigNotMapping   = "not_mapping"   // the file is not a list of "key: value" lines
	ConfigUnknownKey   = "unknown_key"   // Key is not a setting
	ConfigDuplicateKey = "duplicate_key" // Key appears twice; Value is the line of the first
	ConfigWrongType    = "wrong_type"    // Key holds Value, but must be a Want
)

// The kinds of value a setting holds (ConfigProblem.Want).
const (
	WantInteger = "integer"
	WantNumber  = "number"
	WantBool    = "bool"
	WantMapping = "mapping" // dimension_thresholds: dimension id -> number
)

// ConfigProblem is one thing wrong with the text of a thresholds file.
type ConfigProblem struct {
	Kind   string
	Line   int    // 1-based; 0 when unknown
	Key    string // the setting ("dimension_thresholds.pride" for a nested one)
	Value  string // the value found, for ConfigWrongType
	Want   string // WantInteger, WantNumber, WantBool or WantMapping
	Detail string // the YAML parser's message, for ConfigNotYAML
}

func (p ConfigProblem) String() string {
	var s string
	if p.Line > 0 {
		s = fmt.Sprintf("line %d: ", p.Line)
	}
	switch p.Kind {
	case ConfigNotYAML:
		return s + "not YAML: " + p.Detail
	case ConfigNotMapping:
		return s + "the file must hold settings as \"key: value\" lines"
	case ConfigUnknownKey:
		return s + fmt.Sprintf("unknown setting %q (known: %s)", p.Key, strings.Join(ConfigKeys(), ", "))
	case ConfigDuplicateKey:
		return s + fmt.Sprintf("setting %q appears twice (also on line %s)", p.Key, p.Value)
	default:
		return s + fmt.Sprintf("%s must be a %s, not %q", p.Key, p.Want, p.Value)
	}
}

// ConfigFileError lists what is wrong with the text of a thresholds file,
// before any value is checked.
type ConfigFileError struct{ Problems []ConfigProblem }

func (e *ConfigFileError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return "analysis: config: " + strings.Join(s, "; ")
}

// configFields maps each YAML key of Config to its field index.
var configFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" && tag != "-" {
			m[tag] = i
		}
	}
	return m
}()

// ConfigKeys returns the settings a thresholds file may hold, in the
// order of Config.
func ConfigKeys() []string {
	keys := make([]string, 0, len(configFields))
	for k := range configFields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return configFields[keys[i]] < configFields[keys[j]] })
	return keys
}

// yamlLine matches the position the YAML parser puts in its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// decodeConfig decodes data over cfg key by key, so that every problem
// comes with its key and line rather than as a Go type error.
func decodeConfig(data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := ConfigProblem{Kind: ConfigNotYAML, Detail: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Detail = err.Error()[len(m[0]):]
		}
		return &ConfigFileError{Problems: []ConfigProblem{p}}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 { // only comments
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return &ConfigFileError{Problems: []ConfigProblem{{Kind: ConfigNotMapping, Line: root.Line}}}
	}
	var ps []ConfigProblem
	wrong := func(key string, n *yaml.Node, want string) {
		ps = append(ps, ConfigProblem{Kind: ConfigWrongType, Line: n.Line, Key: key, Value: nodeText(n), Want: want})
	}
	seen := map[string]int{}
	v := reflect.ValueOf(cfg).Elem()
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		if val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		if first, dup := seen[k.Value]; dup {
			ps = append(ps, ConfigProblem{Kind: ConfigDuplicateKey, Line: k.Line, Key: k.Value, Value: strconv.Itoa(first)})
			continue
		}
		seen[k.Value] = k.Line
		idx, ok := configFields[k.Value]
		if !ok || k.Kind != yaml.ScalarNode {
			ps = append(ps, ConfigProblem{Kind: ConfigUnknownKey, Line: k.Line, Key: k.Value})
			continue
		}
		f := v.Field(idx)
		if f.Kind() == reflect.Map {
			if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
				f.SetZero()
				continue
			}
			if val.Kind != yaml.MappingNode {
				wrong(k.Value, val, WantMapping)
				continue
			}
			m := reflect.MakeMap(f.Type())
			for j := 0; j+1 < len(val.Content); j += 2 {
				sk, sv := val.Content[j], val.Content[j+1]
				if sv.Kind == yaml.AliasNode && sv.Alias != nil {
					sv = sv.Alias
				}
				var x float64
				if sv.Kind != yaml.ScalarNode || sv.Decode(&x) != nil {
					wrong(k.Value+"."+sk.Value, sv, WantNumber)
					continue
				}
				m.SetMapIndex(reflect.ValueOf(sk.Value), reflect.ValueOf(x))
			}
			f.Set(m)
			continue
		}
		want := map[reflect.Kind]string{reflect.Int: WantInteger, reflect.Float64: WantNumber, reflect.Bool: WantBool}[f.Kind()]
		x := reflect.New(f.Type())
		if val.Kind != yaml.ScalarNode || val.Decode(x.Interface()) != nil {
			wrong(k.Value, val, want)
			continue
		}
		f.Set(x.Elem())
	}
	if len(ps) > 0 {
		return &ConfigFileError{Problems: ps}
	}
	return nil
}

// nodeText is a short rendering of a value for a message.
func nodeText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "[...]"
	case yaml.MappingNode:
		return "{...}"
	}
	if r := []rune(n.Value); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return n.Value
}

// Validate reports every out-of-range field at once.
func (c Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	finite := func(name string, v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad("%s must be a number", name)
			return false
		}
		return true
	}
	if finite("level", c.Level) && (c.Level < 0.5 || c.Level >= 1) {
		bad("level must be at least 0.5 and below 1, got %g", c.Level)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"foundation_threshold", c.FoundationThreshold}, {"condition_threshold", c.ConditionThreshold}, {"willing_score", c.WillingScore}} {
		if finite(f.name, f.v) && (f.v < 1 || f.v > 5) {
			bad("%s is written on a 1-5 scale and must lie in [1, 5], got %g", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"gap_tolerance", c.GapTolerance}, {"over_promised_margin", c.OverPromisedMargin}} {
		if finite(f.name, f.v) && (f.v < 0 || f.v > 4) {
			bad("%s is in points on a 1-5 scale and must lie in [0, 4], got %g", f.name, f.v)
		}
	}
	if finite("precision", c.Precision) && (c.Precision <= 0 || c.Precision > 4) {
		bad("precision must lie in (0, 4], got %g", c.Precision)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"willing_share", c.WillingShare}, {"min_response_rate", c.MinResponseRate}, {"part_share", c.PartShare}} {
		if finite(f.name, f.v) && (f.v < 0 || f.v > 1) {
			bad("%s is a proportion and must lie in [0, 1], got %g", f.name, f.v)
		}
	}
	if finite("share_precision", c.SharePrecision) && (c.SharePrecision <= 0 || c.SharePrecision > 1) {
		bad("share_precision must lie in (0, 1], got %g", c.SharePrecision)
	}
	if finite("enps_threshold", c.ENPSThreshold) && (c.ENPSThreshold < -100 || c.ENPSThreshold > 100) {
		bad("enps_threshold must lie in [-100, 100], got %g", c.ENPSThreshold)
	}
	if finite("trend_power", c.TrendPower) && (c.TrendPower < 0.5 || c.TrendPower >= 1) {
		bad("trend_power must be at least 0.5 and below 1, got %g", c.TrendPower)
	}
	if c.MinGroup < MinAllowedGroup {
		bad("min_group must be at least %d, got %d", MinAllowedGroup, c.MinGroup)
	}
	if c.MinComments < c.MinGroup {
		bad("min_comments (%d) must be at least min_group (%d)", c.MinComments, c.MinGroup)
	}
	if c.MinDrivers < c.MinGroup {
		bad("min_drivers (%d) must be at least min_group (%d)", c.MinDrivers, c.MinGroup)
	}
	if c.MinAlpha < c.MinGroup {
		bad("min_alpha (%d) must be at least min_group (%d)", c.MinAlpha, c.MinGroup)
	}
	if c.MinDecisionN < c.MinGroup {
		bad("min_decision_n (%d) must be at least min_group (%d)", c.MinDecisionN, c.MinGroup)
	}
	if c.ENPSMinN < 1 {
		bad("enps_min_n must be at least 1, got %d", c.ENPSMinN)
	}
	ids := make([]string, 0, len(c.DimensionThresholds))
	for id := range c.DimensionThresholds {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		finite("dimension_thresholds."+id, c.DimensionThresholds[id])
	}
	if len(errs) > 0 {
		return &ConfigError{Problems: errs}
	}
	return nil
}

// ConfigError lists everything wrong with a config.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return "analysis: invalid config: " + strings.Join(e.Problems, "; ")
}

// WithMinGroup returns c with the anonymity threshold k, and every other
// minimum group size that may not lie below k (comments, decisions, alpha,
// drivers) raised to k where it does: a pulse opened with k = 12 is
// analysed with it, not refused for its default decision minimum of 10.
func (c Config) WithMinGroup(k int) Config {
	c.MinGroup = k
	for _, m := range []*int{&c.MinComments, &c.MinDecisionN, &c.MinAlpha, &c.MinDrivers} {
		*m = max(*m, k)
	}
	return c
}

// ErrMinGroup is returned by Analyze for an anonymity threshold below
// MinAllowedGroup, whatever else is wrong with the config.
var ErrMinGroup = errors.New("analysis: the anonymity threshold min_group may not be below 3")

// onScale maps a position written on 1-5 to the scale [lo, hi].
func onScale(x float64, lo, hi int) float64 { return float64(lo) + (x-1)*float64(hi-lo)/4 }

// widthOnScale maps a width in 1-5 points to the scale [lo, hi].
func widthOnScale(w float64, lo, hi int) float64 { return w * float64(hi-lo) / 4 }
