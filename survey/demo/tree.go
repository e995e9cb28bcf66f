package demo

import (
	"fmt"

	"trots/questionnaires"
)

// GenerateTree draws the demo organisation as a tree of three levels:
// Gemeente Voorbeeld with about 2,000 employees in 5 directorates, 25
// departments and 80 teams. Most teams are ordinary (no verdict designed);
// two stories are planted to show why results at every level matter:
//
//   - Dienstverlening looks ready on average - all its teams are proud and
//     well supported - but Team Balie Noord must fix first: the average of
//     a directorate hides the one team that needs attention.
//   - Juridische Zaken has four teams of six, each too small to show
//     (4 responses, below the anonymity threshold of 5), while the
//     department as a whole (with its own staff 22 responses) is
//     measurable and ready.
//
// Directorates and departments have a small staff of their own (who
// answer with their department's people when pooled), so a parent's
// headcount is its own plus its parts'.
func GenerateTree(q *questionnaires.Questionnaire, seed uint64) Organisation {
	return organisationOf(q, seed, treeDesigns())
}

// The planted stories' names, for tests and the printed overview.
const (
	StoryDirectorate = "Dienstverlening"
	StoryTeam        = "Team Balie Noord"
	StorySmallTeams  = "Juridische Zaken"
)

// treeDirectorate is one directorate's recipe: its departments, each with
// its teams' suffixes, and the levels its teams share.
type treeDirectorate struct {
	name        string
	departments []treeDepartment
	levels      map[string]float64
	gap         [2]float64 // promise, reality
	internal    bool       // its people may not be visible outside
}

type treeDepartment struct {
	name  string
	teams []string
}

func treeDesigns() []design {
	dirs := []treeDirectorate{
		{name: StoryDirectorate, levels: ready(4.4), gap: [2]float64{3.8, 4.0}, departments: []treeDepartment{
			{"Burgerzaken", []string{"Burgerzaken Paspoorten", "Burgerzaken Rijbewijzen", "Burgerzaken Verhuizingen"}},
			{"Klantcontact", []string{"Team Balie Noord", "Team Balie Zuid", "Team Telefoon", "Team Chat"}},
			{"Communicatie", []string{"Communicatie Online", "Communicatie Pers", "Communicatie Intern"}},
			{"Belastingen", []string{"Belastingen Heffing", "Belastingen Invordering", "Belastingen WOZ"}},
			{"Informatiebeheer", []string{"Archief", "Post en Scan", "Documentair Beheer"}},
		}},
		{name: "Bedrijfsvoering", levels: ready(4.2), gap: [2]float64{3.8, 3.9}, departments: []treeDepartment{
			{StorySmallTeams, []string{"Juristen Bezwaar", "Juristen Inkoop", "Juristen Privacy", "Juristen Aansprakelijkheid"}},
			{"ICT", []string{"ICT Werkplek", "ICT Applicaties", "ICT Infra"}},
			{"Financiën", []string{"Financiën Control", "Financiën Administratie", "Financiën Begroting"}},
			{"HRM", []string{"HRM Advies", "HRM Salarissen", "HRM Werving"}},
			{"Facilitair", []string{"Facilitair Gebouwen", "Facilitair Catering", "Facilitair Beveiliging"}},
		}},
		{name: "Sociaal Domein", gap: [2]float64{3.9, 3.4}, levels: map[string]float64{
			"pride": 4.0, "content": 3.6, "communication": 3.4,
			"stability": 2.4, "management": 2.3, "willingness": 3.3, "barriers": 3.1,
		}, departments: []treeDepartment{
			{"Wijkteams", []string{"Wijkteam Centrum", "Wijkteam Oost", "Wijkteam West", "Wijkteam Haven"}},
			{"Jeugd", []string{"Jeugd Toegang", "Jeugd Bescherming", "Jeugd Preventie"}},
			{"Werk en Inkomen", []string{"Werk Re-integratie", "Inkomen Uitkeringen", "Inkomen Schuldhulp"}},
			{"Zorg", []string{"Zorg Wmo", "Zorg Beschermd Wonen", "Zorg Mantelzorg"}},
			{"Onderwijs", []string{"Onderwijs Leerplicht", "Onderwijs Huisvesting", "Onderwijs Kansen"}},
		}},
		{name: "Ruimte en Wonen", gap: [2]float64{3.8, 3.6}, levels: map[string]float64{
			"pride": 3.8, "content": 3.7, "communication": 3.7,
			"stability": 3.6, "management": 3.5, "willingness": 3.5, "barriers": 2.9,
		}, departments: []treeDepartment{
			{"Vergunningen", []string{"Vergunningen Bouw", "Vergunningen Evenementen", "Vergunningen Milieu"}},
			{"Stedenbouw", []string{"Stedenbouw Plannen", "Stedenbouw Ontwerp", "Stedenbouw Gebiedsontwikkeling"}},
			{"Openbare Ruimte", []string{"Groen", "Wegen", "Riolering"}},
			{"Wonen", []string{"Wonen Beleid", "Wonen Huisvesting", "Wonen Duurzaamheid"}},
			{"Mobiliteit", []string{"Mobiliteit Verkeer", "Mobiliteit Parkeren", "Mobiliteit OV", "Mobiliteit Fiets"}},
		}},
		{name: "Veiligheid en Handhaving", internal: true, levels: ready(4.3), gap: [2]float64{3.7, 3.9}, departments: []treeDepartment{
			{"Handhaving", []string{"Boa Centrum", "Boa Wijken", "Boa Nacht", "Boa Jeugd"}},
			{"Openbare Orde", []string{"Openbare Orde Evenementen", "Openbare Orde Crisis", "Openbare Orde Ondermijning"}},
			{"Toezicht", []string{"Toezicht Bouw", "Toezicht Horeca", "Toezicht Milieu"}},
			{"Brandveiligheid", []string{"Brandveiligheid Advies", "Brandveiligheid Controle", "Brandveiligheid Risico"}},
			{"Veiligheidshuis", []string{"Veiligheidshuis Casus", "Veiligheidshuis Nazorg", "Veiligheidshuis Radicalisering"}},
		}},
	}
	var out []design
	n := 0
	for _, dir := range dirs {
		out = append(out, design{name: dir.name, headcount: 4, internalOnly: dir.internal, spread: 0.4,
			levels: dir.levels, promise: map[string]float64{"": dir.gap[0]}, reality: map[string]float64{"": dir.gap[1]},
			profiles: [3]float64{2, 2, 2}, comments: treeComments})
		if dir.name == StoryDirectorate {
			out[len(out)-1].expect = ExpectGo
			out[len(out)-1].why = "ready on average, with its parts together; yet one team must fix first (" + StoryTeam + ")"
		}
		for _, dep := range dir.departments {
			out = append(out, design{name: dep.name, parent: dir.name, headcount: 2, internalOnly: dir.internal, spread: 0.4,
				levels: dir.levels, promise: map[string]float64{"": dir.gap[0]}, reality: map[string]float64{"": dir.gap[1]},
				profiles: [3]float64{2, 2, 2}, comments: treeComments})
			for _, team := range dep.teams {
				n++
				// Teams of 21 to 29 people, two in three of whom answer.
				head := 21 + n*7%9
				t := design{name: team, parent: dep.name, headcount: head, responses: head * 2 / 3, internalOnly: dir.internal,
					spread: 0.4, levels: dir.levels, promise: map[string]float64{"": dir.gap[0]}, reality: map[string]float64{"": dir.gap[1]},
					profiles: [3]float64{2, 2, 2}, comments: treeComments}
				switch {
				case team == StoryTeam:
					t.expect, t.why = ExpectFixFirst, "low pride and poor management support, hidden in a directorate that is ready on average"
					t.levels = map[string]float64{
						"pride": 2.6, "content": 2.8, "communication": 3.0,
						"stability": 2.9, "management": 2.4, "willingness": 2.7, "barriers": 3.6,
					}
					t.reality = map[string]float64{"": 3.0}
					t.comments = []string{
						"Aan de balie krijgen we alle boosheid over ons heen en niemand van de leiding staat naast ons.",
						"De andere teams hebben het prima, wij worden vergeten.",
						"First fix the staffing at the desk, then talk about ambassadors.",
					}
				case dep.name == StorySmallTeams:
					// Few, and of one mind: the pooled 16 decide.
					t.headcount, t.responses = 6, 4
					t.levels, t.spread = ready(4.6), 0.3
					t.promise, t.reality = map[string]float64{"": 3.8}, map[string]float64{"": 4.1}
					t.expect = ExpectNotMeasurable
					t.why = fmt.Sprintf("too small to show: 4 responses, below the threshold of 5; %s as a whole is measurable", StorySmallTeams)
				}
				out = append(out, t)
			}
			if dep.name == StorySmallTeams {
				d := &out[len(out)-1-len(dep.teams)]
				// Its own staff answer too: 6 of its own and 16 of its
				// teams make 22 that decide together.
				d.headcount, d.responses, d.levels, d.spread = 6, 6, ready(4.6), 0.3
				d.promise, d.reality = map[string]float64{"": 3.8}, map[string]float64{"": 4.1}
				d.expect, d.why = ExpectGo, "its four teams are each too small to show, the department (22 responses with its own staff) is measurable and ready"
			}
		}
	}
	return out
}

// treeComments are the pool of an ordinary node of the tree demo.
var treeComments = []string{
	"Ons team is hecht; ik vertel graag wat we doen.",
	"Meer tijd om verhalen te delen zou helpen.",
	"I would share more if I knew which projects I may mention.",
	"De afstand tot de directie is groot, maar in het team is het goed.",
}
