package extract

import "testing"

func TestUnionFind(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		unions [][2]int
		want   []int // Find of each index
	}{
		{"singletons", 3, nil, []int{0, 1, 2}},
		{"smallest index represents", 4, [][2]int{{3, 1}, {2, 3}}, []int{0, 1, 1, 1}},
		{"chains merge", 5, [][2]int{{4, 3}, {1, 2}, {3, 2}}, []int{0, 1, 1, 1, 1}},
		{"self union is a no-op", 2, [][2]int{{1, 1}}, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := NewUnionFind(tt.n)
			for _, p := range tt.unions {
				u.Union(p[0], p[1])
			}
			for i, w := range tt.want {
				if g := u.Find(i); g != w {
					t.Errorf("Find(%d) = %d, want %d", i, g, w)
				}
			}
		})
	}
}
