package server

import (
	"fmt"
	"strings"
	"sync"

	"trots/questionnaires"
)

// shippedQuestionnaires returns the questionnaires embedded in the binary,
// parsed once each. A pulse names its questionnaire and version; a version
// other than the shipped one is refused rather than shown with the wrong
// words.
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
		q, ok := cache[id]
		if !ok {
			var err error
			if q, err = questionnaires.Load(id); err != nil {
				return nil, fmt.Errorf("server: %w", err)
			}
			cache[id] = q
		}
		if q.Version != version {
			return nil, fmt.Errorf("server: the pulse uses %s@%d, this trots ships version %d", id, version, q.Version)
		}
		return q, nil
	}
}
