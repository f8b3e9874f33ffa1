package extract

// UnionFind groups indices into disjoint sets (path-halving union-find). The table rebuilders
// of the paged formats (PDF, OCR) use it twice: to group ruled lines that touch into one table
// frame, and to merge grid positions not separated by a printed rule into one (spanning) cell.
type UnionFind struct{ parent []int }

// NewUnionFind returns n singleton sets 0..n-1.
func NewUnionFind(n int) *UnionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &UnionFind{parent: p}
}

// Find returns the representative of i's set: its smallest index (in row-major grid order,
// the top-left position of a merged cell).
func (u *UnionFind) Find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// Union joins the sets of a and b, keeping the smaller representative.
func (u *UnionFind) Union(a, b int) {
	ra, rb := u.Find(a), u.Find(b)
	switch {
	case ra < rb:
		u.parent[rb] = ra
	case rb < ra:
		u.parent[ra] = rb
	}
}
