package reports

// How the pulse was answered, as the reports say it: a verdict resting on
// open links (where one person can answer more than once) reads
// differently from one resting on personal codes (one answer each).

var (
	tAnsweredThrough = text{nl: "Beantwoord via", en: "Answered through"}
	tModeOpenLinks   = text{nl: "open afdelingslinks", en: "open department links"}
	tModeCodes       = text{nl: "persoonlijke codes en uitnodigingen", en: "personal codes and invitations"}
	tModeBoth        = text{nl: "beide: open afdelingslinks, en persoonlijke codes en uitnodigingen", en: "both: open department links, and personal codes and invitations"}
)

// answerMode names the pulse's answer mode ("open_links", "codes" or
// "both"; "" for pulses described without one, which were answered both
// ways) in lang.
func answerMode(lang, mode string) string {
	switch mode {
	case "open_links":
		return tModeOpenLinks.in(lang)
	case "codes":
		return tModeCodes.in(lang)
	}
	return tModeBoth.in(lang)
}
