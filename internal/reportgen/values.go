package reportgen

import (
	"math"
	"math/rand"

	"github.com/ogireports/ogireports/internal/cells"
)

// resultWeights weight how applications end up among the t3 result rows (gov2021 keys; the
// gov2019 single （六） row takes the weight of the three （六） rows).
var resultWeights = map[string]float64{
	"granted": 50, "partly_granted": 12,
	"denied_state_secret": 0.3, "denied_law_prohibited": 1.5, "denied_three_safeties": 0.3,
	"denied_third_party": 2, "denied_internal_affairs": 1, "denied_process_info": 1.5,
	"denied_enforcement_file": 0.5, "denied_inquiry": 1,
	"unable_not_held": 14, "unable_needs_creation": 2, "unable_unclear": 2,
	"rejected_petition": 3, "rejected_duplicate": 4, "rejected_publication": 0.5,
	"rejected_excessive": 0.8, "rejected_confirmation": 0.7,
	"other_no_correction": 2, "other_unpaid_fee": 0.2, "other_other": 2, "other": 4.2,
}

func fp(f float64) *float64 { return &f }

// genT3 fills every t3 key of layout l with counts satisfying t3.balance, t3.results_sum and
// t3.row_total.
func genT3(r *rand.Rand, l cells.Layout, truth map[string]*float64) {
	results := cells.T3ResultRows(l)
	var weights []float64
	var wsum float64
	for _, k := range results {
		weights = append(weights, resultWeights[k])
		wsum += resultWeights[k]
	}
	// scale of natural-person requests
	var scale int
	switch x := r.Intn(10); {
	case x < 2:
		scale = 0
	case x < 6:
		scale = 1 + r.Intn(12)
	case x < 9:
		scale = 10 + r.Intn(60)
	default:
		scale = 60 + r.Intn(400)
	}
	k := func(row, col string) string { return cells.Key(cells.T3, row, col) }
	vals := map[string]float64{}
	for ci, c := range cells.T3Cols[:6] {
		var nr int
		switch ci {
		case 0:
			nr = scale
		case 1:
			if scale > 0 {
				nr = r.Intn(scale/6 + 2)
			}
		default:
			if scale > 0 && r.Intn(4) == 0 {
				nr = r.Intn(3)
			}
		}
		co := 0
		if nr > 0 && r.Intn(3) == 0 {
			co = r.Intn(nr/10 + 2)
		}
		in := nr + co
		cf := 0
		if in > 0 && r.Intn(3) == 0 {
			cf = r.Intn(minInt(in, nr/8+2) + 1)
		}
		processed := in - cf
		vals[k("new_received", c.Key)] = float64(nr)
		vals[k("carried_over", c.Key)] = float64(co)
		vals[k("carried_forward", c.Key)] = float64(cf)
		vals[k("total_processed", c.Key)] = float64(processed)
		counts := make([]int, len(results))
		for i := 0; i < processed; i++ {
			x := r.Float64() * wsum
			j := 0
			for ; j < len(weights)-1; j++ {
				if x < weights[j] {
					break
				}
				x -= weights[j]
			}
			counts[j]++
		}
		for i, rk := range results {
			vals[k(rk, c.Key)] = float64(counts[i])
		}
	}
	spec, _ := cells.SpecFor(cells.T3, l)
	for _, row := range spec.Rows {
		var s float64
		for _, c := range cells.T3Cols[:6] {
			s += vals[k(row.Key, c.Key)]
		}
		vals[k(row.Key, "total")] = s
	}
	for _, key := range spec.Keys() {
		truth[key] = fp(vals[key])
	}
}

// genT4 fills the 15 t4 keys with small counts and their totals.
func genT4(r *rand.Rand, truth map[string]*float64) {
	for ri, row := range cells.T4Spec.Rows {
		var s float64
		for _, c := range cells.T4Cols[:4] {
			v := 0
			if r.Intn(10) < 3-ri {
				v = 1 + r.Intn(4-ri)
			}
			s += float64(v)
			truth[cells.Key(cells.T4, row.Key, c.Key)] = fp(float64(v))
		}
		truth[cells.Key(cells.T4, row.Key, "total")] = fp(s)
	}
}

// logUniform returns an integer roughly log-uniform in [0, max].
func logUniform(r *rand.Rand, max float64) float64 {
	if r.Intn(6) == 0 {
		return 0
	}
	return math.Floor(math.Exp(r.Float64() * math.Log(max+1)))
}

// genT2 fills the t2 keys of layout l. govLevel says the agency is a 人民政府 (more volume).
func genT2(r *rand.Rand, l cells.Layout, govLevel bool, truth map[string]*float64) {
	k := func(row, col string) string { return cells.Key(cells.T2, row, col) }
	mult := 1.0
	if govLevel {
		mult = 20
	}
	if l == cells.Gov2021 {
		regs := 0.0
		if govLevel && r.Intn(4) == 0 {
			regs = float64(r.Intn(3))
		}
		truth[k("regulations", "issued")] = fp(regs)
		truth[k("regulations", "repealed")] = fp(0)
		truth[k("regulations", "in_force")] = fp(regs + float64(r.Intn(3))*regs)
		iss := float64(r.Intn(8))
		truth[k("normative_documents", "issued")] = fp(iss)
		truth[k("normative_documents", "repealed")] = fp(float64(r.Intn(4)))
		truth[k("normative_documents", "in_force")] = fp(iss + float64(r.Intn(40)))
		truth[k("licensing", "decisions")] = fp(logUniform(r, 1500*mult))
		truth[k("penalty", "decisions")] = fp(logUniform(r, 150*mult))
		truth[k("coercion", "decisions")] = fp(logUniform(r, 10*mult))
		fee := 0.0
		if r.Intn(3) > 0 {
			fee = float64(r.Intn(int(50000*mult))) / 100
			if r.Intn(2) == 0 {
				fee = math.Floor(fee)
			}
		}
		truth[k("fees", "amount_10k_yuan")] = fp(fee)
		return
	}
	made := float64(r.Intn(6))
	truth[k("regulations", "made")] = fp(0)
	truth[k("regulations", "published")] = fp(0)
	truth[k("regulations", "total_public")] = fp(0)
	if govLevel && r.Intn(4) == 0 {
		truth[k("regulations", "made")] = fp(1)
		truth[k("regulations", "published")] = fp(1)
		truth[k("regulations", "total_public")] = fp(float64(1 + r.Intn(10)))
	}
	truth[k("normative_documents", "made")] = fp(made)
	truth[k("normative_documents", "published")] = fp(made)
	truth[k("normative_documents", "total_public")] = fp(made + float64(r.Intn(50)))
	for _, row := range []string{"licensing", "other_services", "penalty", "coercion"} {
		prev := logUniform(r, 60*mult/4+20)
		truth[k(row, "prev_items")] = fp(prev)
		ch := float64(r.Intn(9) - 3)
		if prev+ch < 0 {
			ch = -prev
		}
		truth[k(row, "change")] = fp(ch)
		truth[k(row, "decisions")] = fp(logUniform(r, 300*mult))
	}
	prev := float64(r.Intn(30))
	truth[k("fees", "prev_items")] = fp(prev)
	ch := float64(r.Intn(5) - 2)
	if prev+ch < 0 {
		ch = 0
	}
	truth[k("fees", "change")] = fp(ch)
	items := float64(r.Intn(40))
	truth[k("procurement", "items")] = fp(items)
	yuan := 0.0
	if items > 0 {
		yuan = float64(1+r.Intn(int(50000*mult))) * 100
	}
	truth[k("procurement", "amount_10k_yuan")] = fp(yuan / 10000)
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
