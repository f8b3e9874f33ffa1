package normalize

import (
	"reflect"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
)

func TestProse(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
		table string // text of a table block, never read
		want  map[string]float64
	}{
		{name: "generator wording",
			texts: []string{"2022年，本机关共收到政府信息公开申请97件，办结95件，其中予以公开60件，其余申请均依法作出答复，答复率100%。"},
			want:  map[string]float64{ProseNewReceived: 97, ProseTotalProcessed: 95, ProseGranted: 60}},
		{name: "full-width digits, review and litigation",
			texts: []string{"全年共受理政府信息公开申请１２件，上年结转3件，部分公开2件。",
				"因政府信息公开工作被申请行政复议7件，提起行政诉讼10件。"},
			want: map[string]float64{ProseNewReceived: 12, ProseCarriedOver: 3, ProsePartlyGranted: 2,
				ProseReviewTotal: 7, ProseLitigationTotal: 10}},
		{name: "none received", texts: []string{"2021年，本局未收到政府信息公开申请。"},
			want: map[string]float64{ProseNewReceived: 0}},
		{name: "first statement wins",
			texts: []string{"共收到政府信息公开申请5件。", "去年共收到政府信息公开申请8件。"},
			want:  map[string]float64{ProseNewReceived: 5}},
		{name: "unrelated numbers are ignored",
			texts: []string{"累计主动公开政府信息2000条，公开行政许可决定30件。", "本年度共承办人大代表建议3件、政协提案4件，已全部按期办结。",
				"本报告由政府信息公开行政复议和行政诉讼情况等六部分组成。"},
			table: "共收到政府信息公开申请99件",
			want:  map[string]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := &extract.Document{}
			for _, s := range tc.texts {
				doc.Blocks = append(doc.Blocks, extract.Block{Kind: extract.TextBlock, Text: s})
			}
			if tc.table != "" {
				doc.Blocks = append(doc.Blocks, extract.Block{Kind: extract.TableBlock, Text: tc.table})
			}
			if got := Prose(doc); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Prose = %v, want %v", got, tc.want)
			}
		})
	}
	if got := Prose(nil); len(got) != 0 {
		t.Errorf("Prose(nil) = %v", got)
	}
}
