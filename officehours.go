package tenantd

import (
	"encoding/json"
	"slices"
	"strconv"
)

// OfficeHours says when the tenant is open, day by day.
type OfficeHours struct {
	Monday    Day `json:"monday"`
	Tuesday   Day `json:"tuesday"`
	Wednesday Day `json:"wednesday"`
	Thursday  Day `json:"thursday"`
	Friday    Day `json:"friday"`
	Saturday  Day `json:"saturday"`
	Sunday    Day `json:"sunday"`
}

// Day is one day of office hours: whether it is a working day and its open periods.
type Day struct {
	Enabled bool        `json:"enabled"`
	Ranges  []TimeRange `json:"ranges"`
}

// TimeRange is an open period, from and to as HH:MM in 24-hour time, from before to.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// maxRanges bounds the open periods of one day; more than this is a client bug, not a need.
const maxRanges = 24

// DefaultOfficeHours opens Monday to Friday, 09:00 to 18:00.
func DefaultOfficeHours() OfficeHours {
	work := func() Day { return Day{Enabled: true, Ranges: []TimeRange{{"09:00", "18:00"}}} }
	off := func() Day { return Day{Ranges: []TimeRange{}} }
	return OfficeHours{work(), work(), work(), work(), work(), off(), off()}
}

// day returns the day with the given wire name, or nil.
func (o *OfficeHours) day(name string) *Day {
	switch name {
	case "monday":
		return &o.Monday
	case "tuesday":
		return &o.Tuesday
	case "wednesday":
		return &o.Wednesday
	case "thursday":
		return &o.Thursday
	case "friday":
		return &o.Friday
	case "saturday":
		return &o.Saturday
	case "sunday":
		return &o.Sunday
	}
	return nil
}

// readOfficeHours merges the days present in raw into t's office hours; each present day is
// replaced whole.
func readOfficeHours(t *Tenant, raw json.RawMessage, field string, p *Problems) {
	in, reason := readObject(raw)
	if reason != "" {
		p.Add(field, reason)
		return
	}

	for _, name := range sortedKeys(in) {
		dst := t.OfficeHours.day(name)
		if dst == nil {
			p.Add(field+"."+name, reasonUnknown)
			continue
		}
		if d, ok := readDay(in[name], field+"."+name, p); ok {
			*dst = d
		}
	}
}

func readDay(raw json.RawMessage, field string, p *Problems) (Day, bool) {
	in, reason := readObject(raw)
	if reason != "" {
		p.Add(field, reason)
		return Day{}, false
	}

	before := len(*p)
	d := Day{Ranges: []TimeRange{}}
	for _, name := range sortedKeys(in) {
		switch name {
		case "enabled":
			v, reason := readBool(in[name])
			if reason != "" {
				p.Add(field+".enabled", reason)
			}
			d.Enabled = v
		case "ranges":
			d.Ranges = readRanges(in[name], field+".ranges", p)
		default:
			p.Add(field+"."+name, reasonUnknown)
		}
	}
	return d, len(*p) == before
}

func readRanges(raw json.RawMessage, field string, p *Problems) []TimeRange {
	items, reason := readArray(raw)
	if reason == "" && len(items) > maxRanges {
		reason = "must hold at most " + strconv.Itoa(maxRanges) + " ranges"
	}
	if reason != "" {
		p.Add(field, reason)
		return nil
	}

	ranges := make([]TimeRange, 0, len(items))
	for i, item := range items {
		at := field + "[" + strconv.Itoa(i) + "]"
		var r TimeRange
		if err := strictUnmarshal(item, &r); err != nil {
			p.Add(at, "must be an object with from and to")
			continue
		}
		if !validClock(r.From) || !validClock(r.To) {
			p.Add(at, "from and to must be HH:MM times from 00:00 to 23:59")
			continue
		}
		if r.From >= r.To {
			p.Add(at, "from must be before to")
			continue
		}
		ranges = append(ranges, r)
	}

	if reason := overlap(ranges); reason != "" {
		p.Add(field, reason)
	}
	return ranges
}

// overlap reports, as a reason, whether any two ranges share a minute. HH:MM strings compare
// in time order, so sorting them as text is enough.
func overlap(ranges []TimeRange) string {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b TimeRange) int {
		if a.From < b.From {
			return -1
		}
		if a.From > b.From {
			return 1
		}
		return 0
	})
	for i := 1; i < len(sorted); i++ {
		if sorted[i].From < sorted[i-1].To {
			return "ranges must not overlap"
		}
	}
	return ""
}

// validClock accepts HH:MM with HH 00..23 and MM 00..59.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:2] <= "23" && s[3:] <= "59"
}
