package jurisdiction

import "testing"

func TestNamesOf(t *testing.T) {
	tests := []struct {
		code string
		want Names
	}{
		{"370612", Names{Province: "山东省", Prefecture: "烟台市", County: "牟平区", Level: LevelCounty}},
		{"370600", Names{Province: "山东省", Prefecture: "烟台市", Level: LevelPrefecture}},
		{"370000", Names{Province: "山东省", Level: LevelProvince}},
		{CentralCode, Names{}},
		{"", Names{}},
		{"999999", Names{}},
	}
	for _, tc := range tests {
		if got := NamesOf(tc.code); got != tc.want {
			t.Errorf("NamesOf(%q) = %+v, want %+v", tc.code, got, tc.want)
		}
	}
}
