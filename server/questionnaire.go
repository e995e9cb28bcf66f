package server

import (
	"fmt"
	"strings"
	"sync"

	"trots/questionnaires"
)

// shippedQuestionnaires returns the questionnaires embedded in the binary,
// parsed once each. A pulse names its questionnaire and version: the
// current version or an earlier one the binary keeps (a pulse keeps the
// words it was opened with); any other version is refused rather than
// shown with the wrong words.
func shippedQuestionnaires() func(id string, version int) (*questionnaires.Questionnaire, error) {
	var (
		mu    sync.Mutex
		cache = map[string]*questionnaires.Questionnaire{}
	)
	return func(id string, version int) (*questionnaires.Questionnaire, error) {
		if strings.ContainsAny(id, `/\`) || strings.HasSuffix(id, ".yaml") || strings.HasSuffix(id, ".yml") {
			return nil, fmt.Errorf("server: questionnaire id %q is not a shipped questionnaire", id)
		}
		mu.Lock()
		defer mu.Unlock()
		ref := fmt.Sprintf("%s@%d", id, version)
		q, ok := cache[ref]
		if !ok {
			var err error
			if q, err = questionnaires.LoadVersion(id, version); err != nil {
				return nil, fmt.Errorf("server: the pulse uses %s: %w", ref, err)
			}
			cache[ref] = q
		}
		return q, nil
	}
}
