package export

import (
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
)

// The panel's harmonised columns come from internal/indicators, the project's one definition of
// the comparable view and of the derived indicators: the export only lays them out.
//
//   - t3_other_harmonised_<col>: the harmonised key t3.other.<col> (the single （六） row of
//     gov2019, or the sum of the three gov2021 other_* rows), indicators.HarmonisedValues.
//   - one column per per-report indicator (share_granted …), indicators.Compute.
//   - one column per cross-year indicator (yoy_new_received …), indicators.YoY against the same
//     agency's report of the previous year.
//
// Every value is blank (NULL) when an operand is blank or missing or a denominator is 0.

// harmonisedOtherPrefix names the panel columns of the harmonised t3.other.<col>.
const harmonisedOtherPrefix = "t3_other_harmonised_"

// indicatorType is the column type of an indicator unit: counts and signed changes of counts
// are integers, ratios doubles.
func indicatorType(unit string) Type {
	if unit == "count" || unit == "change" {
		return Int64
	}
	return Double
}

var bothLayouts = []cells.Layout{cells.Gov2019, cells.Gov2021}

// indicatorColumns are the panel's harmonised and indicator columns, in column order.
func indicatorColumns() []Column {
	var out []Column
	for _, c := range cells.T3Cols {
		out = append(out, Column{Name: harmonisedOtherPrefix + c.Key, Type: Int64, Nullable: true,
			LabelZH: "（六）其他处理（合并口径） / " + c.Label, LabelEN: "other handling, harmonised / " + c.English,
			Unit: "count", Layouts: bothLayouts,
			Definition: "Harmonised key t3.other." + c.Key + " (internal/indicators): t3.other." + c.Key +
				" under gov2019, the sum of t3.other_no_correction, t3.other_unpaid_fee and t3.other_other (" + c.Key + ") under gov2021."})
	}
	for _, d := range indicators.Definitions() {
		def := d.Formula + "."
		if d.CrossYear {
			def += " Y−1 is the report of the same agency name (as printed) for the previous year, looked up in the whole store " +
				"whatever the filters; blank when there is none or several."
		}
		out = append(out, Column{Name: d.ID, Type: indicatorType(d.Unit), Nullable: true, LabelZH: d.Label,
			LabelEN: d.English, Unit: d.Unit, Layouts: bothLayouts, Definition: def})
	}
	return out
}

// yoyRows are the t3 rows the cross-year indicators read (indicators.YoY uses their totals,
// falling back to the sum of the six applicant columns).
var yoyRows = []string{"new_received", "total_processed"}

// yoyKeys are the cells kept per agency-year for indicators.YoY.
func yoyKeys() []string {
	var out []string
	for _, r := range yoyRows {
		for _, c := range cells.T3Cols {
			out = append(out, cells.Key(cells.T3, r, c.Key))
		}
	}
	return out
}

// yoyIndex maps a yoy key to its slot in a priorRec.
var yoyIndex = func() map[string]int {
	m := map[string]int{}
	for i, k := range yoyKeys() {
		m[k] = i
	}
	return m
}()

// isHarmonisedOther reports whether a panel column is one of the harmonised t3.other columns.
func isHarmonisedOther(name string) bool { return strings.HasPrefix(name, harmonisedOtherPrefix) }
