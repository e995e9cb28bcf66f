package stats_test

import (
	"fmt"

	"trots/analysis/stats"
)

func ExampleWilson() {
	// 17 of 40 respondents chose a favourable answer.
	p, ci := stats.Wilson(17, 40, 0.95)
	fmt.Printf("%.3f [%.3f, %.3f]\n", p, ci.Lo, ci.Hi)
	// Output: 0.425 [0.285, 0.578]
}

func ExampleBH() {
	q := stats.BH([]float64{0.01, 0.04, 0.03, 0.5})
	fmt.Printf("%.3f\n", q)
	// Output: [0.040 0.053 0.053 0.500]
}

func ExampleENPS() {
	e := stats.ENPS([]float64{10, 9, 9, 8, 7, 6, 3, 10, 9, 8}, 0.95)
	fmt.Printf("eNPS %+.0f (n=%d) [%.0f, %.0f]\n", e.Value, e.N, e.CI.Lo, e.CI.Hi)
	// Output: eNPS +30 (n=10) [-19, 65]
}
