package questionnaires

import "testing"

// Every topic of the shipped questionnaires has a name in both languages.
func TestShippedTopicsHaveNames(t *testing.T) {
	for _, id := range Shipped() {
		q, err := Load(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range q.Items {
			if it.Pair == nil {
				continue
			}
			for _, lang := range []string{"nl", "en"} {
				if names, ok := topicNames[it.Pair.Topic]; !ok || names[lang] == "" {
					t.Errorf("%s: topic %q has no %s name", id, it.Pair.Topic, lang)
				}
			}
		}
	}
	if got := TopicName("balance", "nl"); got != "balans werk-privé" {
		t.Errorf("balance in Dutch: %q", got)
	}
	if got := TopicName("own_topic", "nl"); got != "own topic" {
		t.Errorf("a topic without a name: %q", got)
	}
}
