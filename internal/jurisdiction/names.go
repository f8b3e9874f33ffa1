package jurisdiction

// Names are the names of a division and of the divisions above it, as exports and the
// comparison site print them.
type Names struct {
	// Province, Prefecture and County are the names at each level ("" when the division is
	// above that level or the code is unknown).
	Province, Prefecture, County string
	// Level is the level of the code's own division ("" when the code is unknown).
	Level Level
}

// NamesOf walks up from code's division to its province and returns the names at each level.
// An unknown code (or CentralCode, which has no division) gives the zero Names.
func (r *Registry) NamesOf(code string) Names {
	var n Names
	for c, first := code, true; c != ""; first = false {
		d, ok := r.divs[c]
		if !ok {
			break
		}
		if first {
			n.Level = d.Level
		}
		switch d.Level {
		case LevelProvince:
			n.Province = d.Name
		case LevelPrefecture:
			n.Prefecture = d.Name
		case LevelCounty:
			n.County = d.Name
		}
		c = d.ParentCode
	}
	return n
}

// NamesOf returns the names of code and its ancestors in the embedded data.
func NamesOf(code string) Names { return Default().NamesOf(code) }
