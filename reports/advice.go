package reports

import (
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"trots/analysis"
)

// The advice of a department report follows from its verdict and its
// evidence (bounds, profiles, barriers, help, drivers). The prose is the
// project's own, written from docs' DOMAIN brief; industry effect figures
// appear only attributed, as context.

// adviceBlock is one sub-section of the advice.
type adviceBlock struct {
	title string
	paras []string
	items []item
	// numbered items are priorities; note is a small caveat under them.
	numbered bool
	note     string
}

// advice writes the advice section of g.
func (v *view) advice(g *analysis.GroupResult) {
	d := v.d
	d.heading(v.adviceTitle(g), 40)
	for _, b := range v.adviceBlocks(g) {
		d.subheading(b.title, 15)
		for _, p := range b.paras {
			d.para(p)
		}
		if b.numbered {
			d.numbered(b.items)
		} else {
			d.bullets(b.items)
		}
		if b.note != "" {
			d.note(b.note)
		}
	}
}

var (
	aTitleGo       = text{nl: "Advies: begin met een pilot", en: "Advice: start with a pilot"}
	aTitleInternal = text{nl: "Advies: intern ambassadeurschap", en: "Advice: internal ambassadorship"}
	aTitleFix      = text{nl: "Advies: eerst verbeteren", en: "Advice: fix first"}
	aTitleNM       = text{nl: "Advies: zorg voor een meetbaar resultaat", en: "Advice: get a measurable result"}
)

// adviceTitle heads the advice of g.
func (v *view) adviceTitle(g *analysis.GroupResult) string {
	switch decision(g) {
	case analysis.Go:
		if !g.ExternallyVisible {
			return aTitleInternal.in(v.lang)
		}
		return aTitleGo.in(v.lang)
	case analysis.FixFirst:
		return aTitleFix.in(v.lang)
	}
	return aTitleNM.in(v.lang)
}

func (v *view) adviceBlocks(g *analysis.GroupResult) []adviceBlock {
	var blocks []adviceBlock
	switch decision(g) {
	case analysis.Go:
		if g.ExternallyVisible {
			blocks = v.goAdvice(g)
		} else {
			blocks = v.internalAdvice(g)
		}
	case analysis.FixFirst:
		blocks = v.fixAdvice(g)
	default:
		blocks = v.notMeasurableAdvice(g)
	}
	if decision(g) != analysis.Go && !g.ExternallyVisible {
		blocks = append(blocks, adviceBlock{title: aLaterInternalTitle.in(v.lang), paras: []string{aLaterInternal.in(v.lang)}})
	}
	return blocks
}

// --- GO -----------------------------------------------------------------

var (
	aPilotTitle     = text{nl: "Begin klein: een pilot met vrijwilligers", en: "Start small: a pilot with volunteers"}
	aPilotWhy       = text{nl: "Deze afdeling haalt elke drempel, ook met de onzekerheidsmarge erbij. Dit is het moment om te beginnen: klein, vrijwillig en goed begeleid, niet met een grote lancering. Programma's die met een tool en één training begonnen, doofden vaak binnen een paar maanden uit; een pilot die werkt, nodigt vanzelf anderen uit.", en: "This department clears every bar, margin of uncertainty included. This is the moment to begin: small, voluntary and well supported, not with a big launch. Programmes that began with a tool and a single training often faded within months; a pilot that works invites others by itself."}
	aPilotEnough    = text{nl: "%s respondenten zeggen dat ze graag delen: genoeg om een pilotgroep uit samen te stellen.", en: "%s respondents say they would gladly share: enough to form a pilot group from."}
	aPilotInvite    = text{nl: "Nodig er 5 tot 10 persoonlijk uit (niet via een oproep in de nieuwsbrief) en zorg voor een mix van functies, niveaus en stijlen. Een eerlijk 'nee' is even welkom als een 'ja'.", en: "Invite 5 to 10 of them personally (not through a call in the newsletter) and mix roles, levels and styles. An honest 'no' is as welcome as a 'yes'."}
	aPilotFew       = text{nl: "Maar %s respondenten zeggen dat ze graag delen: te weinig voor een eigen pilot. Sluit aan bij de pilot van een andere afdeling die klaar is, of begin met deze mensen als denktank.", en: "Only %s respondents say they would gladly share: too few for a pilot of their own. Join the pilot of another ready department, or start with these people as a think tank."}
	aWeeks12        = text{nl: "Week 1-2, de basis.", en: "Weeks 1-2, the foundation."}
	aWeeks12Text    = text{nl: "Bespreek deze uitkomst eerlijk met het team, ook de zwakke plekken. Maak de waarden concreet in dagelijks gedrag en verzamel recente successen die het vertellen waard zijn.", en: "Discuss this result honestly with the team, weak spots included. Make the values concrete in everyday behaviour and collect recent successes worth telling."}
	aWeek3          = text{nl: "Week 3, leidinggevenden aan boord.", en: "Week 3, managers on board."}
	aWeek3Text      = text{nl: "Leidinggevende en directie zeggen hardop dat ze de pilot steunen en laten dat zien door zelf te delen. Zonder die zichtbare steun valt elk programma stil.", en: "The manager and the board say openly that they back the pilot, and show it by sharing themselves. Without that visible support every programme stalls."}
	aWeek4          = text{nl: "Week 4, de pilotgroep.", en: "Week 4, the pilot group."}
	aWeek4Text      = text{nl: "5 tot 10 vrijwilligers, verschillend in functie, niveau en stijl. Spreek af wat je samen wilt bereiken en hoe lang de pilot duurt.", en: "5 to 10 volunteers, different in role, level and style. Agree what you want to achieve together and how long the pilot runs."}
	aWeeks56        = text{nl: "Week 5-6, training en steun.", en: "Weeks 5-6, training and support."}
	aWeeks56Text    = text{nl: "Verhalen vertellen, privacy-instellingen, omgaan met een negatieve reactie en sjablonen om mee te beginnen. Bied alleen zoveel persoonlijke begeleiding aan als je kunt volhouden.", en: "Storytelling, privacy settings, handling a negative reaction, and templates to start from. Offer only as much one-to-one coaching as you can keep up."}
	aProfilesTitle  = text{nl: "Zet elke ambassadeur op zijn eigen manier in", en: "Activate each ambassador in their own way"}
	aProfilesIntro  = text{nl: "Ambassadeurs zijn niet alleen de luide extraverten. Onder wie hier wil delen:", en: "Ambassadors are not only the loud extraverts. Among those here who are willing to share:"}
	aProfilesFew    = text{nl: "Per stijl zijn het hier te weinig mensen om te tonen zonder iemand aan te wijzen. Gebruik de stijlen in de pilot als gespreksopener: wat past bij wie?", en: "Here each style counts too few people to show without pointing at someone. Use the styles in the pilot to start the conversation: what suits whom?"}
	aProfilesNone   = text{nl: "Wie wil delen, koos hier geen van de drie stijlen. Gebruik ze in de pilot als gespreksopener: wat past bij wie?", en: "Those willing to share here chose none of the three styles. Use them in the pilot to start the conversation: what suits whom?"}
	aQuiet          = text{nl: "Vakinhoudelijke diepgang trekt schaarse specialisten aan. Vraag om een gastblog, een presentatie op een vakcongres of een kritische blik op een vacaturetekst in hun vakgebied, niet om een vlog.", en: "Depth of expertise attracts scarce specialists. Ask for a guest blog, a talk at a professional conference or a critical read of a vacancy text in their field, not for a vlog."}
	aNetworker      = text{nl: "Kent mensen in alle lagen. Maak delen moeiteloos: seintje bij een belangrijke vacature, de vraag wie ze kennen, en een rol bij open dagen en netwerkbijeenkomsten.", en: "Knows people in every layer. Make sharing effortless: a heads-up on an important vacancy, the question who they know, and a role at open days and networking events."}
	aWelcomer       = text{nl: "Bepaalt hoe nieuwe collega's landen en of ze het eerste jaar blijven. Maak ze buddy voor nieuwkomers, vraag hun mening over het inwerken en geef er tijd en erkenning voor.", en: "Decides how newcomers land and whether they stay their first year. Make them onboarding buddies, ask their view on onboarding, and give them time and recognition for it."}
	aQuietIn        = text{nl: "Vakinhoudelijke diepgang, zonder gezicht naar buiten: een interne kennissessie, of een kritische blik op een vacaturetekst zonder dat hun naam verschijnt.", en: "Depth of expertise, without a public face: an internal knowledge session, or a critical read of a vacancy text without their name appearing."}
	aNetworkerIn    = text{nl: "Kent mensen in alle lagen. Vraag wie ze in hun vakkring kennen en laat hen kandidaten in vertrouwen aandragen; laat hen nieuwkomers aan de juiste collega's voorstellen.", en: "Knows people in every layer. Ask whom they know in their professional circle and let them put candidates forward in confidence; let them introduce newcomers to the right colleagues."}
	aProfileCount   = text{nl: "%s (%s).", en: "%s (%s)."}
	aVoiceTitle     = text{nl: "Heldere richtlijnen, eigen stem", en: "Clear guidelines, own voice"}
	aVoicePage      = text{nl: "Eén pagina richtlijnen.", en: "One page of guidelines."}
	aVoicePageText  = text{nl: "Wat je wel en nooit deelt (vertrouwelijke zaken, gegevens van burgers of collega's, werk in uitvoering) en bij wie je terechtkunt bij twijfel.", en: "What may be shared and what never (confidential cases, data of citizens or colleagues, work in progress), and whom to ask when in doubt."}
	aVoiceOwn       = text{nl: "Eigen woorden.", en: "Own words."}
	aVoiceOwnText   = text{nl: "Geen voorgeschreven berichten: geforceerd enthousiasme prikt iedereen meteen door. Kant-en-klare teksten zijn een begin om aan te passen, nooit een script.", en: "No prescribed posts: forced enthusiasm is seen through at once. Ready-made texts are a start to adapt, never a script."}
	aVoice24        = text{nl: "24-uursregel.", en: "24-hour rule."}
	aVoice24Text    = text{nl: "Reageer niet in het heetst van de strijd op kritiek; wacht een dag en vraag om hulp.", en: "Do not answer criticism in the heat of the moment; wait a day and ask for help."}
	aVoiceEsc       = text{nl: "Vangnet.", en: "Safety net."}
	aVoiceEscText   = text{nl: "Een vast aanspreekpunt bij communicatie of HR voor een lastige reactie, en een leidinggevende die de medewerker steunt.", en: "A named contact at communications or HR for a difficult reaction, and a manager who backs the employee."}
	aTopBarrier     = text{nl: "De drempel waar hier de meeste mensen het mee eens zijn: \"%s\" (%s).", en: "The barrier most people here agree with: \"%s\" (%s)."}
	aBarrierMistake = text{nl: "Richtlijnen en een korte training over toon nemen de angst weg om iets verkeerds te zeggen: LinkedIn hoeft niet formeel te klinken.", en: "Guidelines and a short training on tone take away the fear of saying something wrong: LinkedIn need not sound formal."}
	aBarrierAudienc = text{nl: "Laat zien wat delen doet: persoonlijke berichten bereiken mensen die een bedrijfspagina nooit bereikt, en de eerste reacties komen meestal uit het eigen netwerk.", en: "Show what sharing does: personal posts reach people a company page never reaches, and the first reactions usually come from one's own network."}
	aBarrierPress   = text{nl: "Zeg het hardop en op papier: meedoen is een keuze, nee zeggen heeft geen gevolgen en niemand telt berichten.", en: "Say it out loud and on paper: taking part is a choice, saying no has no consequences and nobody counts posts."}
	aHelpShare      = text{nl: "%s van wie de vraag beantwoordde, zou geholpen zijn met: %s.", en: "%s of those who answered the question would be helped by: %s."}
	aEasyTitle      = text{nl: "Maak delen makkelijk", en: "Make sharing easy"}
	aEasyText       = text{nl: "Houd een kleine, gedeelde voorraad 'munitie' bij: foto's van het echte werk, links, korte voorbeeldteksten om zelf aan te passen, en momenten die het delen waard zijn (een afgerond project, een nieuwe collega, een open dag). Ververs die elke maand; wat oud is, wordt niet gedeeld.", en: "Keep a small, shared stock of 'ammunition': photos of the real work, links, short sample texts to adapt, and moments worth sharing (a finished project, a new colleague, an open day). Refresh it every month; what is stale does not get shared."}
	aMixTitle       = text{nl: "Niet alleen vacatures: de mix 60/30/10", en: "Not only vacancies: the 60/30/10 mix"}
	aMix60          = text{nl: "Zo'n 60%%:", en: "About 60%%:"}
	aMix60Text      = text{nl: "eigen vakkennis, ontwikkeling en inzichten. Daarom volgen mensen een ambassadeur.", en: "own expertise, development and insights. That is why people follow an ambassador."}
	aMix30          = text{nl: "Zo'n 30%%:", en: "About 30%%:"}
	aMix30Text      = text{nl: "de organisatie: haar impact, successen en het dagelijkse werk achter de schermen.", en: "the organisation: its impact, successes and the everyday work behind the scenes."}
	aMix10          = text{nl: "Zo'n 10%%:", en: "About 10%%:"}
	aMix10Text      = text{nl: "vacatures en werving.", en: "vacancies and recruitment."}
	aMixWarn        = text{nl: "Alleen vacatures delen is de tweede klassieke valkuil: het netwerk haakt af en de ambassadeur wordt een reclamebord.", en: "Sharing only vacancies is the second classic pitfall: the network tunes out and the ambassador becomes a billboard."}
	aThanksTitle    = text{nl: "Waardering houdt het gaande", en: "Recognition keeps it going"}
	aThanksLoop     = text{nl: "Sluit de cirkel.", en: "Close the loop."}
	aThanksLoopText = text{nl: "Vertel ambassadeurs wat hun delen opleverde: \"jouw bericht bracht twee sollicitanten\".", en: "Tell ambassadors what their sharing achieved: \"your post brought in two applicants\"."}
	aThanksMgr      = text{nl: "Erkenning door leidinggevenden.", en: "Recognition by managers."}
	aThanksMgrText  = text{nl: "Een woord in het teamoverleg telt meer dan een prijs.", en: "A word in the team meeting counts for more than a prize."}
	aThanksNever    = text{nl: "Nooit in de beoordeling.", en: "Never in the appraisal."}
	aThanksNevText  = text{nl: "Meedoen of niet meedoen telt nooit mee voor beoordeling, salaris of promotie.", en: "Taking part or not never counts towards appraisal, pay or promotion."}
	aConsentTitle   = text{nl: "Checklist toestemming (AVG)", en: "Consent checklist (GDPR)"}
	aConsent1       = text{nl: "Uitdrukkelijk en geïnformeerd:", en: "Explicit and informed:"}
	aConsent1Text   = text{nl: "vraag schriftelijk en per gebruik toestemming voordat je iemands naam, gezicht, stem of verhaal gebruikt, en zeg waar het verschijnt en hoe lang.", en: "ask in writing, per use, before using anyone's name, face, voice or story, and say where it will appear and for how long."}
	aConsent2       = text{nl: "Intrekbaar:", en: "Withdrawable:"}
	aConsent2Text   = text{nl: "intrekken is even makkelijk als geven; haal het materiaal binnen een vaste termijn weg.", en: "withdrawing is as easy as giving; take the material down within a fixed period."}
	aConsent3       = text{nl: "Anderen in beeld:", en: "Others in the picture:"}
	aConsent3Text   = text{nl: "collega's, burgers of klanten op een foto of in een verhaal geven zelf toestemming, of blijven eruit.", en: "colleagues, citizens or clients in a photo or story give their own consent, or are left out."}
	aConsent4       = text{nl: "Echt vrij:", en: "Truly free:"}
	aConsent4Text   = text{nl: "toestemming telt alleen als nee zeggen geen gevolgen heeft; houd haar los van arbeidsovereenkomst en beoordeling.", en: "consent only counts when saying no has no consequences; keep it apart from the employment contract and the appraisal."}
	aConsent5       = text{nl: "Privé blijft privé:", en: "Private stays private:"}
	aConsent5Text   = text{nl: "de organisatie volgt of controleert de eigen sociale media van medewerkers niet.", en: "the organisation does not follow or check employees' own social media."}
	aConsent6       = text{nl: "Vastleggen en opruimen:", en: "Record and clear up:"}
	aConsent6Text   = text{nl: "bewaar de toestemmingen, en verwijder materiaal en toestemming als het doel voorbij is.", en: "keep the consents, and delete the material and the consent when the purpose has passed."}
	aMeasureTitle   = text{nl: "Meet wat het oplevert", en: "Measure what it brings"}
	aMeasureGoals   = text{nl: "Doelen vooraf:", en: "Goals up front:"}
	aMeasureGoalsT  = text{nl: "bijvoorbeeld meer sollicitaties via collega's voor moeilijk vervulbare functies.", en: "for example more applications through colleagues for hard-to-fill roles."}
	aMeasureTrack   = text{nl: "Volg:", en: "Track:"}
	aMeasureTrackT  = text{nl: "bereik en reacties op persoonlijke berichten, kliks en sollicitaties via gemarkeerde links, doorverwijzingen en aannames, de doorlooptijd van vacatures, en of nieuwkomers met een buddy blijven.", en: "reach of and reactions to personal posts, clicks and applications through tagged links, referrals and hires, time-to-hire, and whether newcomers with a buddy stay."}
	aMeasureAsk     = text{nl: "Vraag de ambassadeurs:", en: "Ask the ambassadors:"}
	aMeasureAskT    = text{nl: "elk kwartaal: voelt het nog vrijwillig, wat kost te veel tijd, wat helpt?", en: "every quarter: does it still feel voluntary, what costs too much time, what helps?"}
	aMeasureAgain   = text{nl: "Meet opnieuw:", en: "Measure again:"}
	aMeasureAgainT  = text{nl: "met de korte peiling over zo'n zes maanden. Trots en zin om te delen moeten overeind blijven; anders teert het programma in op zijn eigen fundament.", en: "with the short pulse in about six months. Pride and willingness to share must hold; otherwise the programme is eating into its own foundation."}
	aIndustry       = text{nl: "Ter vergelijking, cijfers uit de branche (gerapporteerd door aanbieders van ambassadeurstools en praktijkmensen; context, geen belofte voor deze afdeling): ongeveer tien keer het bereik van bedrijfskanalen, persoonlijke berichten die 20 tot 30 keer vaker getoond worden dan berichten van een bedrijfspagina, zo'n 30%% meer sollicitaties op gedeelde vacatures, 20-30%% lagere wervingskosten, ongeveer een derde snellere invulling van vacatures en zo'n 20%% beter behoud. Alleen je eigen cijfers tellen.", en: "For comparison, industry figures (reported by advocacy-tool vendors and practitioners; context, not a promise for this department): roughly ten times the reach of company channels, personal posts shown 20 to 30 times more often than posts from a company page, about 30%% more applications on shared vacancies, 20-30%% lower recruitment cost, about a third faster time-to-hire and around 20%% better retention. Only your own figures count."}
)

func (v *view) goAdvice(g *analysis.GroupResult) []adviceBlock {
	l := v.lang
	pilot := adviceBlock{title: aPilotTitle.in(l), paras: []string{aPilotWhy.in(l), joinNonEmpty(" ", v.pilotSize(g), aPilotInvite.in(l))},
		items: []item{{aWeeks12.in(l), aWeeks12Text.in(l)}, {aWeek3.in(l), aWeek3Text.in(l)}, {aWeek4.in(l), aWeek4Text.in(l)}, {aWeeks56.in(l), aWeeks56Text.in(l)}}}
	voice := adviceBlock{title: aVoiceTitle.in(l), items: []item{
		{aVoicePage.in(l), aVoicePageText.in(l)}, {aVoiceOwn.in(l), aVoiceOwnText.in(l)},
		{aVoice24.in(l), aVoice24Text.in(l)}, {aVoiceEsc.in(l), aVoiceEscText.in(l)},
	}}
	voice.paras = v.barrierAdvice(g)
	if s := v.helpShare(g, "guidelines"); s != "" {
		voice.paras = append(voice.paras, s)
	}
	easy := adviceBlock{title: aEasyTitle.in(l), paras: []string{aEasyText.in(l)}}
	if s := v.helpShare(g, "ready_content"); s != "" {
		easy.paras = append(easy.paras, s)
	}
	mix := adviceBlock{title: aMixTitle.in(l), items: []item{{aMix60.in(l), aMix60Text.in(l)}, {aMix30.in(l), aMix30Text.in(l)}, {aMix10.in(l), aMix10Text.in(l)}}, note: aMixWarn.in(l)}
	return []adviceBlock{pilot, v.profileAdvice(g, false), voice, easy, mix, v.thanksAdvice(), v.consentAdvice(), v.measureAdvice()}
}

// pilotSize says whether the willing are enough for a pilot.
func (v *view) pilotSize(g *analysis.GroupResult) string {
	if a := g.Ambassadors; a != nil {
		if a.Willing.Count < 5 {
			return aPilotFew.f(v.lang, v.num.integer(a.Willing.Count))
		}
		return aPilotEnough.f(v.lang, v.num.integer(a.Willing.Count))
	}
	return ""
}

// profileAdvice says how to activate each ambassador style present among
// the willing; internal gives the variants without public visibility.
func (v *view) profileAdvice(g *analysis.GroupResult, internal bool) adviceBlock {
	l := v.lang
	b := adviceBlock{title: aProfilesTitle.in(l), paras: []string{aProfilesIntro.in(l)}}
	texts := map[string]text{"quiet_expert": aQuiet, "super_networker": aNetworker, "warm_welcomer": aWelcomer}
	if internal {
		texts = map[string]text{"quiet_expert": aQuietIn, "super_networker": aNetworkerIn, "warm_welcomer": aWelcomer}
	}
	if a := g.Ambassadors; a != nil {
		for _, p := range a.Profiles {
			t, ok := texts[p.Profile]
			if !ok || p.Count == 0 {
				continue
			}
			b.items = append(b.items, item{aProfileCount.f(l, v.profileName(p.Profile), v.num.integer(p.Count)), t.in(l)})
		}
	}
	if len(b.items) == 0 {
		b.paras = []string{aProfilesNone.in(l)}
		if g.Ambassadors != nil && len(g.Ambassadors.ProfilesHidden) > 0 {
			b.paras = []string{aProfilesFew.in(l)}
		}
		for _, id := range []string{"quiet_expert", "super_networker", "warm_welcomer"} {
			b.items = append(b.items, item{v.profileName(id) + ".", texts[id].in(l)})
		}
	}
	return b
}

// barrierAdvice names the barrier most agreed with and what to do about it.
func (v *view) barrierAdvice(g *analysis.GroupResult) []string {
	var top *analysis.ItemAgreement
	for i := range g.Barriers {
		b := &g.Barriers[i]
		if b.Agree != nil && (top == nil || b.Agree.Share > top.Agree.Share) {
			top = b
		}
	}
	// A barrier that fewer than one in five agree with is not worth a tip.
	if top == nil || top.Agree.Share < 0.2 {
		return nil
	}
	out := aTopBarrier.f(v.lang, v.itemText(top.Item), v.num.pct(top.Agree.Share))
	switch {
	case strings.Contains(top.Item, "mistake"):
		out += " " + aBarrierMistake.in(v.lang)
	case strings.Contains(top.Item, "audience"):
		out += " " + aBarrierAudienc.in(v.lang)
	case strings.Contains(top.Item, "pressure"):
		out += " " + aBarrierPress.in(v.lang)
	}
	return []string{out}
}

// helpShare reports how many would be helped by a help option.
func (v *view) helpShare(g *analysis.GroupResult, option string) string {
	for _, h := range g.Help {
		if h.Option == option && h.Picked != nil && h.Picked.N > 0 {
			return aHelpShare.f(v.lang, v.num.pct(h.Picked.Share), lowerFirst(strings.TrimSuffix(v.optionName(h.Item, h.Option), ".")))
		}
	}
	return ""
}

func (v *view) thanksAdvice() adviceBlock {
	l := v.lang
	return adviceBlock{title: aThanksTitle.in(l), items: []item{{aThanksLoop.in(l), aThanksLoopText.in(l)}, {aThanksMgr.in(l), aThanksMgrText.in(l)}, {aThanksNever.in(l), aThanksNevText.in(l)}}}
}

func (v *view) consentAdvice() adviceBlock {
	l := v.lang
	return adviceBlock{title: aConsentTitle.in(l), items: []item{
		{aConsent1.in(l), aConsent1Text.in(l)}, {aConsent2.in(l), aConsent2Text.in(l)}, {aConsent3.in(l), aConsent3Text.in(l)},
		{aConsent4.in(l), aConsent4Text.in(l)}, {aConsent5.in(l), aConsent5Text.in(l)}, {aConsent6.in(l), aConsent6Text.in(l)},
	}}
}

func (v *view) measureAdvice() adviceBlock {
	l := v.lang
	return adviceBlock{title: aMeasureTitle.in(l), items: []item{
		{aMeasureGoals.in(l), aMeasureGoalsT.in(l)}, {aMeasureTrack.in(l), aMeasureTrackT.in(l)},
		{aMeasureAsk.in(l), aMeasureAskT.in(l)}, {aMeasureAgain.in(l), aMeasureAgainT.in(l)},
	}, note: aIndustry.in(l)}
}

// --- GO, but not visible outside ------------------------------------------

var (
	aInternalTitle  = text{nl: "Ambassadeurschap blijft hier intern", en: "Ambassadorship stays internal here"}
	aInternalWhy    = text{nl: "Deze afdeling is er klaar voor, maar haar mensen mogen door de aard van hun werk niet naar buiten zichtbaar zijn. Openbare berichten, foto's, namen of functietitels die naar de organisatie leiden, vallen af. Intern ambassadeurschap telt wel: het bepaalt hoe nieuwkomers landen, wie er wordt aangedragen en of collega's elders begrijpen wat dit werk is.", en: "This department is ready, but the nature of its work means its people may not be visible outside. Public posts, photos, names or job titles that lead back to the organisation are out. Internal ambassadorship does count: it decides how newcomers land, who gets put forward, and whether colleagues elsewhere understand what this work is."}
	aInOnboard      = text{nl: "Inwerken.", en: "Onboarding."}
	aInOnboardText  = text{nl: "Warme verwelkomers als buddy voor elke nieuwkomer, met tijd daarvoor in hun rooster.", en: "Warm welcomers as a buddy for every newcomer, with time for it in their schedule."}
	aInRefer        = text{nl: "Aandragen in vertrouwen.", en: "Referrals in confidence."}
	aInReferText    = text{nl: "Collega's dragen kandidaten uit hun eigen vakkring rechtstreeks aan bij werving, zonder openbaar spoor.", en: "Colleagues put forward candidates from their own professional circle directly to recruitment, without a public trace."}
	aInStories      = text{nl: "Interne verhalen.", en: "Internal stories."}
	aInStoriesText  = text{nl: "Verhalen op intranet en in interne bijeenkomsten, waar nodig geanonimiseerd, zodat de rest van de organisatie weet wat deze afdeling doet.", en: "Stories on the intranet and at internal meetings, anonymised where needed, so the rest of the organisation knows what this department does."}
	aInExpert       = text{nl: "Vakkennis zonder gezicht.", en: "Expertise without a face."}
	aInExpertText   = text{nl: "Stille experts scherpen vacatureteksten aan of vertellen over het werk in interne sessies, zonder dat hun naam buiten verschijnt.", en: "Quiet experts sharpen vacancy texts or explain the work at internal sessions, without their name appearing outside."}
	aInPilotTitle   = text{nl: "Een interne pilot", en: "An internal pilot"}
	aInPilotText    = text{nl: "Begin met 5 tot 10 vrijwilligers: persoonlijk uitgenodigd, vrijwillig, met de leidinggevende zichtbaar erachter.", en: "Start with 5 to 10 volunteers: personally invited, voluntary, with the manager visibly behind it."}
	aInRulesTitle   = text{nl: "Richtlijnen, samen met beveiliging", en: "Guidelines, drawn up with security"}
	aInRulesText    = text{nl: "Eén pagina: wat nooit gedeeld wordt, ook niet in een besloten netwerk (operaties, locaties, werkwijzen, identiteit van collega's), en wat intern verteld mag worden. Ook intern gebruik van een verhaal of foto vraagt toestemming; anonimiseer standaard.", en: "One page: what is never shared, not even in a closed network (operations, locations, methods, colleagues' identities), and what may be told internally. Internal use of a story or photo needs consent too; anonymise by default."}
	aInMeasureTitle = text{nl: "Meet wat het oplevert", en: "Measure what it brings"}
	aInMeasureText  = text{nl: "Aandragingen en aannames via collega's, het behoud van nieuwkomers in hun eerste jaar, en het bereik van interne verhalen. Meet over zo'n zes maanden opnieuw met de korte peiling.", en: "Referrals and hires through colleagues, newcomers' retention in their first year, and the reach of internal stories. Measure again with the short pulse in about six months."}
)

func (v *view) internalAdvice(g *analysis.GroupResult) []adviceBlock {
	l := v.lang
	why := adviceBlock{title: aInternalTitle.in(l), paras: []string{aInternalWhy.in(l)}, items: []item{
		{aInOnboard.in(l), aInOnboardText.in(l)}, {aInRefer.in(l), aInReferText.in(l)},
		{aInStories.in(l), aInStoriesText.in(l)}, {aInExpert.in(l), aInExpertText.in(l)},
	}}
	pilot := adviceBlock{title: aInPilotTitle.in(l), paras: []string{aInPilotText.in(l), v.pilotSize(g)}}
	rules := adviceBlock{title: aInRulesTitle.in(l), paras: append([]string{aInRulesText.in(l)}, v.barrierAdvice(g)...)}
	measure := adviceBlock{title: aInMeasureTitle.in(l), paras: []string{aInMeasureText.in(l)}}
	profiles := v.profileAdvice(g, true)
	return []adviceBlock{why, pilot, profiles, rules, v.thanksAdvice(), measure}
}

// --- FIX FIRST ------------------------------------------------------------

var (
	aFixTitle      = text{nl: "Eerst dit verbeteren", en: "Fix these first"}
	aFixWhy        = text{nl: "Begin hier nog geen ambassadeursprogramma. Wie mensen vraagt uit te dragen wat ze zelf niet ervaren, krijgt het omgekeerde: ze weigeren, of ze laten de kloof juist zien. Werk eerst aan wat de cijfers aanwijzen, in deze volgorde:", en: "Do not start an ambassador programme here yet. Asking people to promote what they do not experience backfires: they refuse, or they expose the gap. Work first on what the evidence points to, in this order:"}
	aFixEvidence   = text{nl: "%s (%s, interval %s, drempel %s).", en: "%s (%s, interval %s, bar %s)."}
	aFixPair       = text{nl: "Beloof niet langer %s zolang het niet klopt: herschrijf vacatureteksten en de werken-bij-site naar de praktijk van nu, laat mensen van de afdeling meelezen, en zet de echte verbetering op de agenda.", en: "Stop promising %s while it does not hold: rewrite vacancy texts and the careers site to match today's reality, let people from the department co-read them, and put the real improvement on the agenda."}
	aFixGap        = text{nl: "Het beeld naar buiten is rooskleuriger dan de praktijk binnen. Stem de externe boodschap af op wat medewerkers herkennen, te beginnen bij de onderwerpen hierboven.", en: "The picture outside is rosier than the reality inside. Align the external message with what employees recognise, starting with the topics above."}
	aFixStability  = text{nl: "Een voorwaarde om niet te starten: wie op vertrek staat, is geen geloofwaardige ambassadeur, en een ambassadeur die vertrekt doet meer kwaad dan goed. Zoek uit waarom mensen weg willen (blijf- en vertrekgesprekken) en pak dat eerst aan.", en: "A do-not-start condition: people on their way out are not credible ambassadors, and an ambassador who leaves does more harm than good. Find out why people want to leave (stay and exit conversations) and tackle that first."}
	aFixManagement = text{nl: "Een voorwaarde om niet te starten: zonder zichtbare steun van leidinggevenden valt elk programma stil. Spreek met hen af wat er verandert, en laat zien dat de inbreng van medewerkers echt iets doet.", en: "A do-not-start condition: without visible support from managers every programme stalls. Agree with them what will change, and show that employees' input really leads somewhere."}
	aFixPride      = text{nl: "Trots groeit als mensen zien wat hun werk betekent. Maak de resultaten en de maatschappelijke waarde van het werk zichtbaar en vier echte successen.", en: "Pride grows when people see what their work means. Make the results and the societal value of the work visible, and celebrate real successes."}
	aFixContent    = text{nl: "Het werk zelf: kijk naar salaris en groeikansen, maar ook naar zelfstandigheid, erbij horen en je bekwaam voelen (het ABC van intrinsieke motivatie). Vraag het team wat het zwaarst weegt.", en: "The job itself: look at pay and growth, but also at autonomy, belonging and competence (the ABC of intrinsic motivation). Ask the team what weighs most."}
	aFixComm       = text{nl: "Mensen kunnen alleen trots zijn op wat ze weten. Deel koers, successen en impact, leg uit wat de waarden in het dagelijks werk vragen, en zorg dat interne en externe boodschap kloppen met elkaar.", en: "People can only be proud of what they know. Share the direction, the successes and the impact, explain what the values ask in daily work, and make the internal and external message match."}
	aFixWilling    = text{nl: "Weinig mensen willen delen, en dat is informatie, geen weerstand om weg te duwen. Vraag wat hen tegenhoudt (zie de drempels) in plaats van hen te vragen toch te delen.", en: "Few people want to share, and that is information, not resistance to push away. Ask what holds them back (see the barriers) instead of asking them to share anyway."}
	aFixENPS       = text{nl: "Medewerkers zouden deze werkgever niet aanraden. Luister eerst: wat moet er veranderen voordat ze dat wel zouden doen?", en: "Employees would not recommend this employer. Listen first: what would have to change before they would?"}
	aFixOther      = text{nl: "Verbeter dit voordat je iets anders doet.", en: "Improve this before anything else."}
	aFixLikely     = text{nl: "Nauwkeurig gemeten, maar de drempel wordt niet gehaald: een waarschijnlijk probleem.", en: "Measured precisely, but the bar is not cleared: a likely problem."}
	aDriversTitle  = text{nl: "Waar verbeteren het meest oplevert", en: "Where improvement pays off most"}
	aDriversText   = text{nl: "In de hele organisatie hangen %s het sterkst samen met de zin om te delen. ", en: "Across the organisation, %s are most strongly associated with willingness to share. "}
	aDriversWeak   = text{nl: "In deze afdeling scoort %s lager dan in de organisatie: verbeteren loont hier dubbel.", en: "In this department, %s scores lower than in the organisation: improving it pays off twice here."}
	aDriversWeakN  = text{nl: "In deze afdeling scoren %s lager dan in de organisatie: verbeteren loont hier dubbel.", en: "In this department, %s score lower than in the organisation: improving them pays off twice here."}
	aDriversSame   = text{nl: "%s weegt organisatiebreed zwaar; in deze afdeling is het niet aantoonbaar anders dan elders.", en: "%s weighs heavily across the organisation; in this department it is not demonstrably different from elsewhere."}
	aDriversSameN  = text{nl: "%s wegen organisatiebreed zwaar; in deze afdeling zijn ze niet aantoonbaar anders dan elders.", en: "%s weigh heavily across the organisation; in this department they are not demonstrably different from elsewhere."}
	aDriversStrong = text{nl: "In deze afdeling scoren die niet lager dan in de organisatie; begin daarom bij de punten hierboven.", en: "In this department they do not score lower than in the organisation, so begin with the points above."}
	aDriversCaveat = text{nl: "Sleutelfactoren tonen samenhang, geen bewezen oorzaak.", en: "Key drivers show association, not proven cause."}
	aBoardTitle    = text{nl: "Betrokken medewerkers: klankbord, geen reclamebord", en: "Engaged employees: a sounding board, not a billboard"}
	aBoardText     = text{nl: "%s respondenten hier willen ondanks alles delen. Vraag hen nu niet de organisatie aan te prijzen, maar te helpen verbeteren: als klankbordgroep bij de veranderingen, als meelezer van vacatureteksten, als toets of een verbetering op de werkvloer voelbaar is. Hun geloofwaardigheid als latere ambassadeur hangt ervan af dat de kloof eerst dicht is.", en: "%s respondents here are willing to share despite everything. Do not ask them to promote the organisation now; ask them to help improve it: as a sounding group for the changes, as co-readers of vacancy texts, as a check on whether an improvement is felt on the work floor. Their credibility as future ambassadors depends on the gap being closed first."}
	aBoardNone     = text{nl: "Vraag niemand hier nu de organisatie aan te prijzen. Zoek wel de mensen op die betrokken zijn en vraag hen te helpen verbeteren: als klankbordgroep bij de veranderingen en als toets of een verbetering op de werkvloer voelbaar is.", en: "Do not ask anyone here to promote the organisation now. Do find the engaged people and ask them to help improve it: as a sounding group for the changes and as a check on whether an improvement is felt on the work floor."}
	aPressure      = text{nl: "Let op: %s voelt een verzoek om te delen niet als een vrije keuze. Maak vrijwilligheid expliciet voordat je iets anders doet.", en: "Note: %s would not feel a request to share as a free choice. Make voluntariness explicit before anything else."}
	aAgainTitle    = text{nl: "Wanneer opnieuw meten", en: "When to measure again"}
	aAgainText     = text{nl: "Meet opnieuw zodra medewerkers de veranderingen merken, meestal na drie tot zes maanden; eerder meten meet vooral geduld. De korte peiling van tien vragen is genoeg voor die controle.", en: "Measure again once employees notice the changes, usually after three to six months; measuring sooner mostly measures patience. The short pulse of ten questions is enough for that check."}
	aAgainMDD      = text{nl: "Met %[1]s respondenten is op %[2]s alleen een verandering van ongeveer %[3]s punt of meer aantoonbaar (de kleinste aantoonbare verandering). Meer deelname maakt kleinere verbeteringen zichtbaar.", en: "With %[1]s respondents, only a change of about %[3]s points or more on %[2]s can be demonstrated (the smallest detectable change). Higher participation makes smaller improvements visible."}
)

// priority is one thing to fix, with its order.
type priority struct {
	rank  int
	size  float64 // how far on the wrong side: larger first
	lead  string
	text  string
	dimID string // the scored dimension, for the detectable change
}

// fixPriorities lists what g must fix, most urgent first: over-promised
// pairs (the most fatal pitfall), the overall gap, the do-not-start
// conditions, the foundations, the willing share and the eNPS; within each,
// the criterion furthest on the wrong side of its bar first.
func (v *view) fixPriorities(g *analysis.GroupResult) []priority {
	if g.Verdict == nil {
		return nil
	}
	n := v.num
	var out []priority
	seen := map[string]bool{}
	for _, b := range g.Bounds {
		if b.Outcome == "met" || seen[b.Criterion] {
			continue
		}
		seen[b.Criterion] = true
		p := priority{}
		ev := func(name string, prec int, signed bool) string {
			est, iv, bar := n.dec(b.Estimate, prec), n.interval(b.Low, b.High, prec), n.dec(b.Threshold, prec)
			if signed {
				est, iv = n.signed(b.Estimate, prec), n.signedInterval(b.Low, b.High, prec)
			}
			return aFixEvidence.f(v.lang, name, est, iv, bar)
		}
		switch {
		case strings.HasPrefix(b.Criterion, "gap:"):
			topic := strings.TrimPrefix(b.Criterion, "gap:")
			p = priority{rank: 0, size: b.Low - b.Threshold, lead: ev(capital(v.topicName(topic)), 2, true), text: aFixPair.f(v.lang, v.topicName(topic))}
		case b.Criterion == "gap":
			p = priority{rank: 1, size: b.Low - b.Threshold, lead: ev(v.dimName("gap"), 2, true), text: aFixGap.in(v.lang)}
		case b.Criterion == "willing_share":
			p = priority{rank: 4, size: b.Threshold - b.High, lead: aFixEvidence.f(v.lang, v.dimName("willing_share"), n.pct(b.Estimate), n.pctInterval(b.Low, b.High), n.pct(b.Threshold)), text: aFixWilling.in(v.lang)}
		case b.Criterion == "enps":
			p = priority{rank: 5, size: b.Threshold - b.High, lead: aFixEvidence.f(v.lang, "eNPS", n.signed(b.Estimate, 0), n.signedInterval(b.Low, b.High, 0), n.signed(b.Threshold, 0)), text: aFixENPS.in(v.lang)}
		case b.Criterion == "n" || b.Criterion == "response_rate":
			continue
		default:
			info, _ := v.info(b.Criterion)
			rank := 3
			if info.Role == "condition" {
				rank = 2
			}
			t := map[string]text{"stability": aFixStability, "management": aFixManagement, "pride": aFixPride, "content": aFixContent, "communication": aFixComm}[b.Criterion]
			if t.en == "" {
				t = aFixOther
			}
			p = priority{rank: rank, size: b.Threshold - b.High, lead: ev(v.dimName(b.Criterion), 2, false), text: t.in(v.lang), dimID: b.Criterion}
		}
		if b.Outcome != "failed" {
			p.text = aFixLikely.in(v.lang) + " " + p.text
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b priority) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		switch {
		case a.size > b.size:
			return -1
		case a.size < b.size:
			return 1
		}
		return 0
	})
	return out
}

func (v *view) fixAdvice(g *analysis.GroupResult) []adviceBlock {
	l := v.lang
	ps := v.fixPriorities(g)
	fix := adviceBlock{title: aFixTitle.in(l), paras: []string{aFixWhy.in(l)}, numbered: true}
	for _, p := range ps {
		fix.items = append(fix.items, item{p.lead, p.text})
	}
	blocks := []adviceBlock{fix}
	if b, ok := v.driverAdvice(g); ok {
		blocks = append(blocks, b)
	}
	board := adviceBlock{title: aBoardTitle.in(l), paras: []string{aBoardNone.in(l)}}
	if a := g.Ambassadors; a != nil && a.Willing.Count > 0 {
		board.paras = []string{aBoardText.f(l, v.num.integer(a.Willing.Count))}
	}
	if s := v.pressureWarning(g); s != "" {
		board.paras = append(board.paras, s)
	}
	blocks = append(blocks, board)
	again := adviceBlock{title: aAgainTitle.in(l), paras: []string{aAgainText.in(l)}}
	if s := v.detectable(g, ps); s != "" {
		again.paras = append(again.paras, s)
	}
	return append(blocks, again)
}

// pressureWarning flags a department where at least 30% feel that a
// request to share would not be a free choice.
func (v *view) pressureWarning(g *analysis.GroupResult) string {
	for _, b := range g.Barriers {
		if strings.Contains(b.Item, "pressure") && b.Agree != nil && b.Agree.Share >= 0.3 {
			return aPressure.f(v.lang, v.num.pct(b.Agree.Share))
		}
	}
	return ""
}

// topDrivers are the organisation's strongest drivers of the advocacy
// outcome (relative weight at least the average share), strongest first.
func (v *view) topDrivers() []analysis.Driver {
	for _, da := range v.res.Drivers {
		if da.Outcome == "enps" || da.Skipped != "" || len(da.Drivers) == 0 {
			continue
		}
		ds := slices.Clone(da.Drivers)
		slices.SortStableFunc(ds, func(a, b analysis.Driver) int {
			switch {
			case a.Share > b.Share:
				return -1
			case a.Share < b.Share:
				return 1
			}
			return 0
		})
		avg := 1 / float64(len(ds))
		out := ds[:1]
		for _, d := range ds[1:] {
			if d.Share >= avg && len(out) < 3 {
				out = append(out, d)
			}
		}
		return out
	}
	return nil
}

func (v *view) driverAdvice(g *analysis.GroupResult) (adviceBlock, bool) {
	top := v.topDrivers()
	if len(top) == 0 {
		return adviceBlock{}, false
	}
	// weak: demonstrably worse than the rest of the organisation (the
	// department table's "Demonstrated?"); unclear: worse by the means
	// alone, which is no evidence of a difference.
	var names, weak, unclear []string
	for _, t := range top {
		names = append(names, lowerFirst(v.dimName(t.Dimension))+" ("+v.num.pct(t.Share)+")")
		dep, org := v.cellMean(g, t.Dimension), v.cellMean(&v.res.Organisation, t.Dimension)
		if dep == nil || org == nil {
			continue
		}
		// A higher gap is worse; a higher theme score better.
		sign := 1.0
		if t.Dimension == "gap" {
			sign = -1
		}
		c := v.vsRest(g, t.Dimension)
		switch {
		case v.demonstrated(c) && sign*c.Diff < 0:
			weak = append(weak, lowerFirst(v.dimName(t.Dimension)))
		case v.demonstrated(c):
			// Demonstrably better: not a reason to start here.
		case sign*(*dep-*org) < 0:
			unclear = append(unclear, lowerFirst(v.dimName(t.Dimension)))
		}
	}
	text := aDriversText.f(v.lang, v.list(names))
	switch {
	case len(weak) == 0 && len(unclear) == 0:
		text += aDriversStrong.in(v.lang)
	case len(weak) == 1:
		text += aDriversWeak.f(v.lang, weak[0])
	case len(weak) > 1:
		text += aDriversWeakN.f(v.lang, v.list(weak))
	}
	if len(weak) > 0 && len(unclear) > 0 {
		text += " "
	}
	switch len(unclear) {
	case 0:
	case 1:
		text += aDriversSame.f(v.lang, capital(unclear[0]))
	default:
		text += aDriversSameN.f(v.lang, capital(v.list(unclear)))
	}
	return adviceBlock{title: aDriversTitle.in(v.lang), paras: []string{text}, note: aDriversCaveat.in(v.lang)}, true
}

// vsRest is the comparison of a shown dimension (or of the overall gap) of
// g with the rest of the organisation, nil when there is none.
func (v *view) vsRest(g *analysis.GroupResult, id string) *analysis.Comparison {
	if id == "gap" {
		if g.Figures != nil && g.Gap != nil && g.Gap.Overall.GapStats != nil {
			return g.Gap.Overall.VsRest
		}
		return nil
	}
	if s := dim(g, id); s != nil {
		return s.VsRest
	}
	return nil
}

// demonstrated reports whether a comparison with the rest of the
// organisation is significant after the Benjamini-Hochberg correction: the
// department table's "Demonstrated?".
func (v *view) demonstrated(c *analysis.Comparison) bool {
	return c != nil && c.Q < 1-v.res.Config.Level
}

// cellMean is the shown mean of a dimension or of the overall gap.
func (v *view) cellMean(g *analysis.GroupResult, id string) *float64 {
	if id == "gap" {
		if g.Figures != nil && g.Gap != nil && g.Gap.Overall.GapStats != nil {
			return ptr(g.Gap.Overall.Mean)
		}
		return nil
	}
	if s := dim(g, id); s != nil {
		return ptr(s.Mean)
	}
	return nil
}

var (
	tAnd = text{nl: " en ", en: " and "}
)

// list joins items as "a, b and c".
func (v *view) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + tAnd.in(v.lang) + items[len(items)-1]
}

// detectable is the smallest change in the weakest fixable theme that a
// next pulse of the same size could demonstrate: the trend's minimal
// detectable difference with equal groups,
// (t((1+level)/2, 2n-2) + t(power, 2n-2)) sd sqrt(2/n).
func (v *view) detectable(g *analysis.GroupResult, ps []priority) string {
	var s *analysis.DimensionStats
	id := ""
	for _, p := range ps {
		if p.dimID != "" {
			if s = dim(g, p.dimID); s != nil {
				id = p.dimID
				break
			}
		}
	}
	if s == nil {
		best := math.Inf(1)
		for _, info := range v.thresholded() {
			if c := dim(g, info.ID); c != nil && c.Mean-*info.Threshold < best {
				s, id, best = c, info.ID, c.Mean-*info.Threshold
			}
		}
	}
	if s == nil || s.N < 3 || s.SD == 0 {
		return ""
	}
	mdd := minimalDetectable(s.SD, s.N, v.res.Config.Level, v.res.Config.TrendPower)
	if !finite(mdd) {
		return ""
	}
	return aAgainMDD.f(v.lang, v.num.integer(s.N), lowerFirst(v.dimName(id)), v.num.dec(mdd, 1))
}

// minimalDetectable is the trend's MDD for two pulses of n respondents
// with standard deviation sd.
func minimalDetectable(sd float64, n int, level, power float64) float64 {
	if n < 2 {
		return math.NaN()
	}
	df := float64(2*n - 2)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return (t.Quantile((1+level)/2) + t.Quantile(power)) * sd * math.Sqrt(2/float64(n))
}

// --- NOT YET MEASURABLE ------------------------------------------------------

var (
	aWhyTitle           = text{nl: "Waarom er nog geen oordeel is", en: "Why there is no verdict yet"}
	aWhyHidden          = text{nl: "Er wordt geen enkel cijfer getoond, om de anonimiteit te beschermen. Dat gebeurt als minder dan %d mensen reageerden (antwoorden zijn dan tot personen te herleiden), of als de cijfers samen met die van de hele organisatie de antwoorden van een andere kleine afdeling zouden verraden. Welke van de twee het is, zeggen we bewust niet: ook dat zou aantallen verraden.", en: "No figure is shown at all, to protect anonymity. That happens when fewer than %d people responded (answers could then be traced to individuals), or when the figures together with the organisation's would give away the answers of another small department. Which of the two it is we deliberately do not say: that too would give numbers away."}
	aWhyFew             = text{nl: "Met %s respondenten zijn de marges te breed om te beslissen; de regel vraagt er minstens %s.", en: "With %s respondents the margins are too wide to decide; the rule asks for at least %s."}
	aWhyRate            = text{nl: "Slechts %s van de medewerkers reageerde (het minimum is %s). De antwoorden spreken dan mogelijk niet voor de afdeling.", en: "Only %s of the employees responded (the minimum is %s). The answers may then not speak for the department."}
	aWhyUnsure          = text{nl: "De onzekerheidsmarges liggen nog over de drempels heen: wat er is, wijst geen kant duidelijk op.", en: "The margins of uncertainty still straddle the bars: what there is points in no clear direction."}
	aWhyNeeded          = text{nl: "Als de antwoorden blijven zoals ze zijn, beslist de regel bij ongeveer %s respondenten; nu zijn het er %s.", en: "If the answers stay as they are, the rule decides at about %s respondents; there are %s now."}
	aWhyNeededHead      = text{nl: "De afdeling heeft %s medewerkers: dat aantal is dus haalbaar als de deelname stijgt.", en: "The department has %s employees, so that number is within reach if participation rises."}
	aWhyTooMany         = text{nl: "Dat is meer dan de %s medewerkers van de afdeling: ook als iedereen meedoet, kan de regel hier niet beslissen. Rapporteer samen met een verwante afdeling, en werk ondertussen aan de laagste thema's.", en: "That is more than the department's %s employees: even if everyone takes part, the rule cannot decide here. Report together with a related department, and meanwhile work on the lowest themes."}
	aWhyCriterion       = text{nl: "%s kon niet beoordeeld worden: te weinig antwoorden, verborgen ter bescherming van een kleinere groep, of antwoorden zonder spreiding.", en: "%s could not be judged: too few answers, hidden to protect a smaller group, or answers without any spread."}
	aSilenceTitle       = text{nl: "Wat stilte kan betekenen", en: "What silence may mean"}
	aSilenceText        = text{nl: "Weinig deelname en ontbrekende stemmen zijn zelf informatie. Ze kunnen wijzen op werkdruk (geen tijd voor een vragenlijst), op collega's zonder computer of e-mail op het werk, op twijfel aan de anonimiteit, of op het gevoel dat er met antwoorden toch niets gebeurt. Een stille afdeling naast een enthousiaste is zelden toeval: praat met het team en de leidinggevende voordat je conclusies trekt.", en: "Low participation and missing voices are information in themselves. They can point to workload (no time for a questionnaire), to colleagues without a computer or e-mail at work, to doubt about anonymity, or to the feeling that nothing happens with the answers anyway. A silent department next to an enthusiastic one is rarely a coincidence: talk with the team and the manager before drawing conclusions."}
	aHowTitle           = text{nl: "Zo komt er wel een meetbaar resultaat", en: "How to get a measurable result"}
	aHowInvite          = text{nl: "Persoonlijke uitnodiging", en: "Personal invitation"}
	aHowInviteT         = text{nl: "door de eigen leidinggevende, met tijd ervoor onder werktijd.", en: "by the direct manager, with time for it during working hours."}
	aHowChannels        = text{nl: "Elk kanaal", en: "Every channel"}
	aHowChannelsT       = text{nl: "een QR-code op de werkvloer, een tablet in de kantine of een geprinte link voor wie geen computer heeft.", en: "a QR code on the work floor, a tablet in the canteen or a printed link for those without a computer."}
	aHowAnon            = text{nl: "Leg de anonimiteit uit", en: "Explain the anonymity"}
	aHowAnonT           = text{nl: "van groepen kleiner dan %d tonen we nooit een cijfer, en opmerkingen worden nooit aan scores gekoppeld.", en: "no figure of a group smaller than %d is ever shown, and comments are never linked to scores."}
	aHowLast            = text{nl: "Laat zien wat er vorige keer gebeurde", en: "Show what happened last time"}
	aHowLastT           = text{nl: "mensen reageren als ze zien dat antwoorden tot actie leiden.", en: "people respond when they see that answers lead to action."}
	aHowShort           = text{nl: "Houd het kort", en: "Keep it short"}
	aHowShortT          = text{nl: "de korte peiling kost minder dan twee minuten.", en: "the short pulse takes under two minutes."}
	aHowMerge           = text{nl: "Rapporteer een grotere eenheid", en: "Report a larger unit"}
	aHowMergeT          = text{nl: "voeg kleine teams die nauw samenwerken samen tot één rapportage-eenheid van minstens %d respondenten. Besluit dat voordat de volgende peiling opent, nooit achteraf.", en: "combine small teams that work closely together into one reporting unit of at least %d respondents. Decide this before the next pulse opens, never afterwards."}
	aHowRelated         = text{nl: "Rapporteer samen met een verwante afdeling", en: "Report together with a related department"}
	aHowRelatedT        = text{nl: "voeg deze afdeling samen met een afdeling die nauw met haar samenwerkt tot één rapportage-eenheid, groot genoeg om te beslissen. Meer deelname is hier geen oplossing. Besluit dat voordat de volgende peiling opent, nooit achteraf.", en: "combine this department with one that works closely with it into one reporting unit, large enough to decide. Higher participation is no solution here. Decide this before the next pulse opens, never afterwards."}
	aHowOnce            = text{nl: "Eén antwoord per persoon", en: "One answer per person"}
	aHowOnceT           = text{nl: "de antwoorden van deze afdeling zijn niet te vertrouwen (zie hierboven). Laat haar de volgende peiling beantwoorden met persoonlijke codes of uitnodigingen in plaats van een open link, en controleer het aantal medewerkers.", en: "this department's answers cannot be trusted (see above). Let it answer the next pulse with personal codes or invitations instead of an open link, and check the headcount."}
	aHowAim             = text{nl: "Mik op %s respondenten", en: "Aim for %s respondents"}
	aHowAimT            = text{nl: "dan kan de regel waarschijnlijk beslissen.", en: "then the rule can probably decide."}
	aMeanwhileShow      = text{nl: "Begin hier tot die tijd geen ambassadeursprogramma. Niets houdt je tegen om te werken aan wat de indicatieve cijfers suggereren, zolang je ze leest als richting en niet als oordeel.", en: "Until then, do not start an ambassador programme here. Nothing stops you from working on what the indicative figures suggest, as long as you read them as a direction and not as a verdict."}
	aMeanwhileNone      = text{nl: "Begin hier tot die tijd geen ambassadeursprogramma: zonder meting is niet te zeggen of het fundament er is.", en: "Until then, do not start an ambassador programme here: without a measurement there is no telling whether the foundation is there."}
	aMeanwhile          = text{nl: "Intussen", en: "Meanwhile"}
	aLaterInternalTitle = text{nl: "Als deze afdeling klaar is: intern ambassadeurschap", en: "Once this department is ready: internal ambassadorship"}
	aLaterInternal      = text{nl: "De mensen van deze afdeling mogen niet naar buiten zichtbaar zijn. Ambassadeurschap blijft hier dus intern: buddy's voor nieuwkomers, kandidaten aandragen in vertrouwen en interne verhalen, zonder openbare berichten, foto's of namen.", en: "The people of this department may not be visible outside. Ambassadorship here therefore stays internal: buddies for newcomers, referrals in confidence and internal stories, without public posts, photos or names."}
)

func (v *view) notMeasurableAdvice(g *analysis.GroupResult) []adviceBlock {
	l := v.lang
	n := v.num
	cfg := v.res.Config
	why := adviceBlock{title: aWhyTitle.in(l)}
	silence, merge, aim := false, false, 0
	// Beyond the headcount, participation cannot settle it: only a larger
	// unit can.
	unreachable := beyondHeadcount(g)
	var reasons []analysis.Reason
	if g.Verdict != nil {
		reasons = g.Reasons
	}
	for _, r := range reasons {
		switch r.Kind {
		case analysis.SuppressedAnonymity:
			why.paras = append(why.paras, aWhyHidden.f(l, v.k()))
			silence, merge = true, true
		case "too_few_responses":
			if g.Figures != nil {
				why.paras = append(why.paras, aWhyFew.f(l, n.integer(g.N), n.integer(cfg.MinDecisionN)))
			}
			silence = true
			aim = max(aim, cfg.MinDecisionN)
		case "low_response_rate":
			if g.Figures != nil && g.ResponseRate != nil {
				why.paras = append(why.paras, aWhyRate.f(l, n.pct(g.ResponseRate.Share), n.pct(cfg.MinResponseRate)))
			}
			silence = true
		case "inconclusive":
			p := aWhyUnsure.in(l)
			if g.NeededN > 0 && g.Figures != nil {
				p += " " + aWhyNeeded.f(l, n.integer(g.NeededN), n.integer(g.N))
				switch {
				case beyondHeadcount(g):
					p += " " + aWhyTooMany.f(l, n.integer(g.Headcount))
				case g.Headcount > 0:
					p += " " + aWhyNeededHead.f(l, n.integer(g.Headcount))
					aim = max(aim, g.NeededN)
				default:
					aim = max(aim, g.NeededN)
				}
			}
			why.paras = append(why.paras, p)
		case "criterion_unavailable":
			subject := v.dimName(r.Dimension)
			if r.Topic != "" {
				subject = capital(v.topicName(r.Topic))
			}
			why.paras = append(why.paras, aWhyCriterion.f(l, subject))
		default:
			why.paras = append(why.paras, v.reasonText(r))
		}
	}
	blocks := []adviceBlock{why}
	if silence {
		blocks = append(blocks, adviceBlock{title: aSilenceTitle.in(l), paras: []string{aSilenceText.in(l)}})
	}
	how := adviceBlock{title: aHowTitle.in(l)}
	if len(g.IntegrityFlags) > 0 {
		how.items = append(how.items, item{aHowOnce.in(l) + ":", aHowOnceT.in(l)})
	}
	if unreachable {
		// No participation tips and no number to aim for: even everyone
		// taking part would not be enough.
		how.items = append(how.items, item{aHowRelated.in(l) + ":", aHowRelatedT.in(l)})
		blocks = append(blocks, how)
		return append(blocks, adviceBlock{title: aMeanwhile.in(l), paras: []string{v.meanwhile(g)}})
	}
	if aim > 0 {
		how.items = append(how.items, item{aHowAim.f(l, n.integer(aim)) + ":", aHowAimT.in(l)})
	}
	if merge {
		how.items = append(how.items, item{aHowMerge.in(l) + ":", aHowMergeT.f(l, max(v.k(), cfg.MinDecisionN))})
	}
	how.items = append(how.items,
		item{aHowInvite.in(l) + ":", aHowInviteT.in(l)},
		item{aHowChannels.in(l) + ":", aHowChannelsT.in(l)},
		item{aHowAnon.in(l) + ":", aHowAnonT.f(l, v.k())},
		item{aHowLast.in(l) + ":", aHowLastT.in(l)},
		item{aHowShort.in(l) + ":", aHowShortT.in(l)},
	)
	blocks = append(blocks, how)
	return append(blocks, adviceBlock{title: aMeanwhile.in(l), paras: []string{v.meanwhile(g)}})
}

// meanwhile is what a department without a verdict can do until it has one.
func (v *view) meanwhile(g *analysis.GroupResult) string {
	if shown(g) {
		return aMeanwhileShow.in(v.lang)
	}
	return aMeanwhileNone.in(v.lang)
}

// beyondHeadcount reports whether the respondents the rule would need to
// decide on g outnumber its (known) headcount: then even full
// participation cannot settle it.
func beyondHeadcount(g *analysis.GroupResult) bool {
	return g.Verdict != nil && g.Figures != nil && g.Headcount > 0 && g.NeededN > g.Headcount
}

// --- one line for the organisation report ----------------------------------

var (
	aNextGo       = text{nl: "Nodig 5 tot 10 collega's die willen delen persoonlijk uit voor een pilot. Het afdelingsrapport bevat het volledige plan.", en: "Personally invite 5 to 10 colleagues who are willing to share to a pilot. The department report holds the full plan."}
	aNextInternal = text{nl: "Een interne pilot (buddy's voor nieuwkomers, kandidaten aandragen in vertrouwen, interne verhalen), zonder openbare zichtbaarheid.", en: "An internal pilot (buddies for newcomers, referrals in confidence, internal stories), without public visibility."}
	aNextFix      = text{nl: "Werk eerst aan %s, met betrokken medewerkers als klankbord, en meet over drie tot zes maanden opnieuw.", en: "Work on %s first, with engaged employees as a sounding board, and measure again in three to six months."}
	aNextRelated  = text{nl: "Rapporteer samen met een verwante afdeling: ook als iedereen meedoet, is deze afdeling te klein om te beslissen. Begin nog geen programma.", en: "Report together with a related department: even if everyone takes part, this department is too small to decide. Do not start a programme yet."}
	aNextNM       = text{nl: "Zorg voor een meetbaar resultaat: meer deelname, of een grotere rapportage-eenheid. Begin nog geen programma.", en: "Get a measurable result: more participation, or a larger reporting unit. Do not start a programme yet."}
)

// nextStep is the one-line advice for a department's summary page.
func (v *view) nextStep(g *analysis.GroupResult) string {
	switch decision(g) {
	case analysis.Go:
		if !g.ExternallyVisible {
			return aNextInternal.in(v.lang)
		}
		return aNextGo.in(v.lang)
	case analysis.FixFirst:
		var names []string
		for _, p := range v.fixPriorities(g) {
			name := strings.SplitN(p.lead, " (", 2)[0]
			names = append(names, lowerFirst(name))
			if len(names) == 2 {
				break
			}
		}
		if len(names) == 0 {
			names = []string{"?"}
		}
		return aNextFix.f(v.lang, v.list(names))
	}
	if beyondHeadcount(g) {
		return aNextRelated.in(v.lang)
	}
	return aNextNM.in(v.lang)
}
