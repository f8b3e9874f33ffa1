package htmlsite

import (
	"math"
	"strconv"
)

// lineChart is one indicator over the years as an inline SVG line chart (coordinates computed
// here; the template only prints them).
type lineChart struct {
	Ind           Indicator
	Width, Height int
	// Segments are polylines ("x,y x,y") joining consecutive years with values; a blank year
	// breaks the line.
	Segments []string
	Points   []chartPoint
	XTicks   []chartTick
	YTicks   []chartTick
	// X0, X1, Y0 bound the plot area (for the axes).
	X0, X1, Y0, Y1 float64
}

type chartPoint struct {
	X, Y  float64
	Year  int
	Value float64
	Label string
}

type chartTick struct {
	Pos   float64
	Label string
}

const (
	chartW, chartH                  = 340, 170
	chartLeft, chartRight, chartTop = 46, 24, 22
	chartBottom                     = 26
	// chartInset keeps the first and last points clear of the axis labels.
	chartInset      = 16
	percentDecimals = 1
	// minPercentTop is the lowest top of a percent axis (so that 0% does not look like 100%).
	minPercentTop = 10
)

// buildLineChart draws values (one per year of years, nil = blank) of ind. ok is false when
// no year has a value.
func buildLineChart(ind Indicator, years []int, values []*float64) (lineChart, bool) {
	c := lineChart{Ind: ind, Width: chartW, Height: chartH,
		X0: chartLeft, X1: chartW - chartRight, Y0: chartH - chartBottom, Y1: chartTop}
	maxV := 0.0
	any := false
	for _, v := range values {
		if v != nil {
			any = true
			maxV = math.Max(maxV, *v)
		}
	}
	if !any {
		return c, false
	}
	top, ticks := niceTop(maxV)
	if ind.Unit == "percent" && top < minPercentTop {
		top, ticks = minPercentTop, 5
	}
	first, last := years[0], years[len(years)-1]
	span := float64(last - first)
	xOf := func(y int) float64 {
		if span == 0 {
			return (c.X0 + c.X1) / 2
		}
		return c.X0 + chartInset + (c.X1-c.X0-2*chartInset)*float64(y-first)/span
	}
	yOf := func(v float64) float64 { return c.Y0 - (c.Y0-c.Y1)*v/top }
	for _, y := range years {
		c.XTicks = append(c.XTicks, chartTick{Pos: round1(xOf(y)), Label: strconv.Itoa(y)})
	}
	for i := 0; i <= ticks; i++ {
		v := top * float64(i) / float64(ticks)
		c.YTicks = append(c.YTicks, chartTick{Pos: round1(yOf(v)), Label: formatValue(v, ind.Unit)})
	}
	seg := ""
	for i, y := range years {
		v := values[i]
		if v == nil {
			if seg != "" {
				c.Segments = append(c.Segments, seg)
			}
			seg = ""
			continue
		}
		p := chartPoint{X: round1(xOf(y)), Y: round1(yOf(*v)), Year: y, Value: *v, Label: formatValue(*v, ind.Unit)}
		c.Points = append(c.Points, p)
		if seg != "" {
			seg += " "
		}
		seg += strconv.FormatFloat(p.X, 'f', -1, 64) + "," + strconv.FormatFloat(p.Y, 'f', -1, 64)
	}
	if seg != "" {
		c.Segments = append(c.Segments, seg)
	}
	return c, true
}

// niceTop rounds v up to an axis top of 1, 2, 2.5 or 5 × a power of ten (at least 1) and
// returns the number of tick intervals that gives round tick labels (1 → 0.2 steps, 2 → 0.5,
// 2.5 → 0.5, 5 → 1; below 5 every integer).
func niceTop(v float64) (top float64, ticks int) {
	if v <= 1 {
		return 1, 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []struct {
		m     float64
		ticks int
	}{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}, {10, 5}} {
		if top = m.m * p; top >= v {
			ticks = m.ticks
			if top < 5 && top == math.Trunc(top) {
				ticks = int(top)
			}
			return top, ticks
		}
	}
	return 10 * p, 5
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// formatValue prints a value for people: percents with one decimal and a % sign, counts as
// integers (or with up to two decimals for money).
func formatValue(v float64, unit string) string {
	if unit == "percent" {
		return strconv.FormatFloat(v, 'f', percentDecimals, 64) + "%"
	}
	if unit == "per100" {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
