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
//   - one column per indicator of indicators.Definitions (share_granted …, yoy_new_received …),
//     read from the store's indicator_values: internal/reconcile computes them on the logical
//     report's chosen source (indicators.Compute) and against the chosen report of the same
//     logical agency's previous year (indicators.YoY). The export computes none of them again;
//     only a store never reconciled falls back to indicators.Compute on the report (and no
//     year-on-year change).
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
			def += " Y−1 is the chosen report of the same logical agency (jurisdiction code and normalised agency name, internal/reconcile) " +
				"for the previous year, whatever the filters; blank when there is none, or when the store was never reconciled."
		}
		out = append(out, Column{Name: d.ID, Type: indicatorType(d.Unit), Nullable: true, LabelZH: d.Label,
			LabelEN: d.English, Unit: d.Unit, Layouts: bothLayouts, Definition: def})
	}
	return out
}

// isHarmonisedOther reports whether a panel column is one of the harmonised t3.other columns.
func isHarmonisedOther(name string) bool { return strings.HasPrefix(name, harmonisedOtherPrefix) }
