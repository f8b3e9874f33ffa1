package cells

import "testing"

func TestCheckInvolves(t *testing.T) {
	tests := []struct {
		check Check
		key   string
		want  bool
	}{
		{Check{ID: IDT3Balance, Column: "natural_person"}, "t3.new_received.natural_person", true},
		{Check{ID: IDT3Balance, Column: "natural_person"}, "t3.new_received.total", false},
		{Check{ID: IDT3ResultsSum, Column: "total"}, "t3.granted.total", true},
		{Check{ID: IDT3RowTotal, Column: "granted"}, "t3.granted.research", true},
		{Check{ID: IDT3RowTotal, Column: "granted"}, "t3.partly_granted.research", false},
		{Check{ID: IDT4RowTotal, Column: "review"}, "t4.review.upheld", true},
		{Check{ID: IDT4RowTotal, Column: "review"}, "t3.review.upheld", false},
		{Check{ID: IDT3CarryContinuity, Column: "total"}, "t3.carried_over.total", false},
		{Check{ID: IDT3Balance, Column: "total"}, "not a key", false},
	}
	for _, tc := range tests {
		if got := tc.check.Involves(tc.key); got != tc.want {
			t.Errorf("%s/%s involves %s = %v, want %v", tc.check.ID, tc.check.Column, tc.key, got, tc.want)
		}
	}
}
