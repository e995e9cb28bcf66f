package questionnaires

import "strings"

// topicNames are the names of the promise/reality topics (Item.Pair.Topic)
// of the shipped questionnaires, as a sentence uses them (lower case):
// the topic is an id in the questionnaire file, and every page, reason
// and report that names one reads it from here.
var topicNames = map[string]map[string]string{
	"innovation":  {"nl": "vernieuwing", "en": "innovation"},
	"autonomy":    {"nl": "vrijheid in het werk", "en": "autonomy"},
	"balance":     {"nl": "balans werk-privé", "en": "work-life balance"},
	"development": {"nl": "ontwikkeling", "en": "development"},
	"workload":    {"nl": "werkdruk", "en": "workload"},
	"growth":      {"nl": "doorgroeien", "en": "career growth"},
	"impact":      {"nl": "maatschappelijke impact", "en": "societal impact"},
	"flexibility": {"nl": "flexibiliteit", "en": "flexibility"},
}

// TopicName is a promise/reality topic's name in lang ("nl" or "en";
// English otherwise), lower case; a topic of a questionnaire of one's own
// without a name here reads as its id with spaces for underscores.
func TopicName(topic, lang string) string {
	if names, ok := topicNames[topic]; ok {
		if n, ok := names[lang]; ok {
			return n
		}
		return names["en"]
	}
	return strings.ReplaceAll(topic, "_", " ")
}
