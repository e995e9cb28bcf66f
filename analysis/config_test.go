package analysis

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	t.Run("empty file gives the defaults", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MinGroup != 5 || cfg.FoundationThreshold != 3.5 || cfg.WillingShare != 0.3 || cfg.Level != 0.95 {
			t.Errorf("defaults: %+v", cfg)
		}
	})
	t.Run("keys override, others keep their default", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader("min_group: 7\nmin_comments: 12\ndimension_thresholds:\n  pride: 3.8\n"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MinGroup != 7 || cfg.MinComments != 12 || cfg.DimensionThresholds["pride"] != 3.8 || cfg.GapTolerance != 0.5 {
			t.Errorf("got %+v", cfg)
		}
	})
	for name, yaml := range map[string]string{
		"unknown key":           "min_grop: 7\n",
		"k below 3":             "min_group: 2\n",
		"share above 1":         "willing_share: 1.5\n",
		"level 1":               "level: 1\n",
		"comments below k":      "min_group: 8\nmin_comments: 6\n",
		"threshold off 1-5":     "foundation_threshold: 6\n",
		"not yaml":              "min_group: [\n",
		"negative tolerance":    "gap_tolerance: -1\n",
		"nan threshold":         "dimension_thresholds: {pride: .nan}\n",
		"decision n below k":    "min_decision_n: 4\n",
		"precision zero":        "precision: 0\n",
		"enps threshold at 300": "enps_threshold: 300\n",
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			if _, err := LoadConfig(strings.NewReader(yaml)); err == nil {
				t.Errorf("accepted %q", yaml)
			}
		})
	}
}

func TestAnalyzeRefusesKBelowThree(t *testing.T) {
	q := mustQuestionnaire(t)
	cfg := DefaultConfig()
	cfg.MinGroup = 2
	_, err := Analyze(Input{Questionnaire: q, Groups: []Group{department(q, "A", 20, 0, ready, 1)}, Config: cfg})
	if !errors.Is(err, ErrMinGroup) {
		t.Fatalf("got %v, want ErrMinGroup", err)
	}
}

func TestDimensionThresholdsOverrideAndAreChecked(t *testing.T) {
	q := mustQuestionnaire(t)
	cfg := DefaultConfig()
	cfg.DimensionThresholds = map[string]float64{"pride": 4.9}
	res := mustAnalyze(t, q, cfg, department(q, "A", 40, 50, ready, 1))
	if got := *res.Dimensions[0].Threshold; got != 4.9 {
		t.Fatalf("pride threshold %g", got)
	}
	if d := deptNamed(res, "A"); d.Decision == Go {
		t.Errorf("GO although pride must reach 4.9")
	}
	cfg.DimensionThresholds = map[string]float64{"willingness": 3}
	if _, err := Analyze(Input{Questionnaire: q, Config: cfg}); err == nil {
		t.Error("a threshold for a dimension without one was accepted")
	}
}

func TestThresholdsRescaleToTheItemScale(t *testing.T) {
	// 3.5 on 1-5 is 62.5% of the way; on 1-7 that is 4.75.
	if got := onScale(3.5, 1, 7); got != 4.75 {
		t.Errorf("onScale(3.5, 1, 7) = %g", got)
	}
	if got := widthOnScale(0.4, 0, 10); got != 1 {
		t.Errorf("widthOnScale(0.4, 0, 10) = %g", got)
	}
}

// TestLoadConfigNamesKeyAndLine: a problem with the text of the file comes
// back as a *ConfigFileError with the key and line, not as a Go type error.
func TestLoadConfigNamesKeyAndLine(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want ConfigProblem
	}{
		{"min_group: abc\n", ConfigProblem{Kind: ConfigWrongType, Line: 1, Key: "min_group", Value: "abc", Want: WantInteger}},
		{"# k\nlevel: 0,9\n", ConfigProblem{Kind: ConfigWrongType, Line: 2, Key: "level", Value: "0,9", Want: WantNumber}},
		{"enps_required_for_go: ja\n", ConfigProblem{Kind: ConfigWrongType, Line: 1, Key: "enps_required_for_go", Value: "ja", Want: WantBool}},
		{"min_group: [7]\n", ConfigProblem{Kind: ConfigWrongType, Line: 1, Key: "min_group", Value: "[...]", Want: WantInteger}},
		{"dimension_thresholds: 3\n", ConfigProblem{Kind: ConfigWrongType, Line: 1, Key: "dimension_thresholds", Value: "3", Want: WantMapping}},
		{"dimension_thresholds:\n  pride: hoog\n", ConfigProblem{Kind: ConfigWrongType, Line: 2, Key: "dimension_thresholds.pride", Value: "hoog", Want: WantNumber}},
		{"min_group: 7\nbogus: 1\n", ConfigProblem{Kind: ConfigUnknownKey, Line: 2, Key: "bogus"}},
		{"min_group: 7\nmin_group: 8\n", ConfigProblem{Kind: ConfigDuplicateKey, Line: 2, Key: "min_group", Value: "1"}},
		{"- min_group\n", ConfigProblem{Kind: ConfigNotMapping, Line: 1}},
		{"min_group: [\n", ConfigProblem{Kind: ConfigNotYAML, Line: 1, Detail: "did not find expected node content"}},
	} {
		_, err := LoadConfig(strings.NewReader(tc.yaml))
		var fe *ConfigFileError
		if !errors.As(err, &fe) || len(fe.Problems) != 1 {
			t.Errorf("%q: got %v (%T)", tc.yaml, err, err)
			continue
		}
		if fe.Problems[0] != tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.yaml, fe.Problems[0], tc.want)
		}
		for _, bad := range []string{"unmarshal", "!!", "Config"} {
			if strings.Contains(err.Error(), bad) {
				t.Errorf("%q: message shows %q: %v", tc.yaml, bad, err)
			}
		}
	}
}

func TestLoadConfigAcceptsCommentsAliasesAndNull(t *testing.T) {
	for _, yaml := range []string{"# nothing set yet\n", "---\n", "~\n"} {
		if cfg, err := LoadConfig(strings.NewReader(yaml)); err != nil || cfg.MinGroup != 5 {
			t.Errorf("%q: %v, %+v", yaml, err, cfg)
		}
	}
	cfg, err := LoadConfig(strings.NewReader("min_group: &k 7\nmin_comments: *k\nenps_required_for_go: true\nlevel: 0.9\n"))
	if err != nil || cfg.MinGroup != 7 || cfg.MinComments != 7 || !cfg.ENPSRequiredForGo || cfg.Level != 0.9 {
		t.Errorf("%v, %+v", err, cfg)
	}
}
