package results

import (
	"context"
	"encoding/json"
	"fmt"

	"trots/analysis"
	"trots/survey"
)

// The final results of a pulse are its analysis, stored when it closes.
// They are what HR sees of a closed pulse, and what remains once the
// retention has deleted its raw answers.

// CloseStore is what Close needs of the survey store.
type CloseStore interface {
	Store
	ClosePulse(ctx context.Context, id string) error
	SavePulseResult(ctx context.Context, pulseID string, result json.RawMessage) (bool, error)
}

var _ CloseStore = (*survey.Store)(nil)

// finalResult returns the stored results of p as an outcome (without
// Previous), or nil when p has none.
func finalResult(ctx context.Context, st Store, p survey.Pulse) (*Outcome, error) {
	if p.Status != survey.PulseClosed {
		return nil, nil
	}
	pr, err := st.PulseResult(ctx, p.ID)
	if survey.ErrorCode(err) == survey.ENotFound {
		if !p.Purged.IsZero() {
			return nil, fmt.Errorf("results: the raw answers of pulse %s were deleted but it has no stored results", p.ID)
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	q, err := Questionnaire(p)
	if err != nil {
		return nil, err
	}
	var res analysis.Result
	if err := json.Unmarshal(pr.Result, &res); err != nil {
		return nil, fmt.Errorf("results: stored results of pulse %s: %w", p.ID, err)
	}
	analysis.ForgetSuppressionCause(&res)
	if res.Audit != nil && len(res.Audit.Disclosed) > 0 {
		return nil, ErrWithheld(p, res.Audit)
	}
	return &Outcome{Pulse: p, Questionnaire: q, Result: &res}, nil
}

// Close closes a pulse, analyses it, and stores the analysis as its final
// results, in that order: the analysis sees every answer accepted before
// the close and none after. It is what every close of a pulse should call
// (the console, a CLI): without final results the retention never deletes
// the pulse's raw answers.
//
// Close may be repeated: a pulse already closed gets its final results if
// it has none yet, and keeps them if it has.
func Close(ctx context.Context, st CloseStore, pulseID string, cfg analysis.Config) (*Outcome, error) {
	if err := st.ClosePulse(ctx, pulseID); err != nil {
		p, perr := st.Pulse(ctx, pulseID)
		if perr != nil || p.Status != survey.PulseClosed {
			return nil, err
		}
	}
	if _, err := SaveFinal(ctx, st, pulseID, cfg); err != nil {
		return nil, err
	}
	return Analyze(ctx, st, pulseID, cfg)
}

// SaveFinal stores the analysis of a closed pulse as its final results
// unless it has them already, and reports whether it stored them. The
// retention calls it for pulses closed without Close.
func SaveFinal(ctx context.Context, st CloseStore, pulseID string, cfg analysis.Config) (bool, error) {
	p, err := st.Pulse(ctx, pulseID)
	if err != nil {
		return false, err
	}
	if p.Status != survey.PulseClosed {
		return false, fmt.Errorf("results: pulse %q is %s; only a closed pulse has final results", p.Name, p.Status)
	}
	if final, err := finalResult(ctx, st, p); survey.ErrorKey(err) == KeyWithheld {
		return false, nil // stored, and withheld: they stay as they are
	} else if err != nil || final != nil {
		return false, err
	}
	out, err := analyzeOne(ctx, st, p, cfg)
	if err != nil {
		return false, err
	}
	if prev, err := previousPulse(ctx, st, p); err != nil {
		return false, err
	} else if prev != nil {
		if out, err = withTrend(ctx, st, out, prev, cfg); err != nil {
			return false, err
		}
	}
	b, err := json.Marshal(out.Result)
	if err != nil {
		return false, fmt.Errorf("results: encode results of pulse %s: %w", p.ID, err)
	}
	return st.SavePulseResult(ctx, p.ID, b)
}

// StoredRespondents is the organisation's respondent count as published
// by the results stored when pulse p closed: shown reports whether that
// count is published at all, stored whether p has stored results. Lists
// of pulses read it so that they show what the pulse's pages show.
func StoredRespondents(ctx context.Context, st Store, p survey.Pulse) (n int, shown, stored bool, err error) {
	if p.Status != survey.PulseClosed {
		return 0, false, false, nil
	}
	pr, err := st.PulseResult(ctx, p.ID)
	if survey.ErrorCode(err) == survey.ENotFound {
		return 0, false, false, nil
	}
	if err != nil {
		return 0, false, false, err
	}
	var res struct {
		Organisation struct {
			N *int `json:"n"`
		} `json:"organisation"`
		Audit *analysis.AuditRecord `json:"audit"`
	}
	if err := json.Unmarshal(pr.Result, &res); err != nil {
		return 0, false, true, fmt.Errorf("results: stored results of pulse %s: %w", p.ID, err)
	}
	if res.Audit != nil && len(res.Audit.Disclosed) > 0 {
		return 0, false, true, nil // withheld: nothing is published
	}
	if res.Organisation.N == nil {
		return 0, false, true, nil
	}
	return *res.Organisation.N, true, true, nil
}

// Published returns what closed pulse id publishes, for the disclosure
// audit: its stored results (also when they are withheld), or, for a
// pulse closed without them, its audited analysis.
func Published(ctx context.Context, st Store, id string) (survey.Pulse, *analysis.Result, error) {
	p, err := st.Pulse(ctx, id)
	if err != nil {
		return p, nil, err
	}
	if p.Status != survey.PulseClosed {
		return p, nil, ErrOpen(p)
	}
	pr, err := st.PulseResult(ctx, p.ID)
	if survey.ErrorCode(err) == survey.ENotFound {
		out, err := analyzeOne(ctx, st, p, analysis.DefaultConfig())
		if err != nil {
			return p, nil, err
		}
		return p, out.Result, nil
	}
	if err != nil {
		return p, nil, err
	}
	var res analysis.Result
	if err := json.Unmarshal(pr.Result, &res); err != nil {
		return p, nil, fmt.Errorf("results: stored results of pulse %s: %w", p.ID, err)
	}
	analysis.ForgetSuppressionCause(&res)
	return p, &res, nil
}
