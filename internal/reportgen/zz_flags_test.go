//go:build roundtrip

package reportgen_test

import (
	"bytes"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

func TestZZFlags(t *testing.T) {
	for _, v := range reportgen.Variants(20260101) {
		for name, data := range map[string][]byte{"flat": v.FlatText(), "rows": v.RowText(), "flatempty": bytes.ReplaceAll(v.FlatText(), []byte("\n\u00a0\n"), []byte("\n\n"))} {
			doc, err := extract.Text(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range normalize.TablesFromText(doc) {
				if len(tb.Flags) > 1 {
					t.Logf("%s/%s: %v\n%s", v.ID, name, tb.Flags, tb.Text())
				}
			}
		}
	}
}
