package mediator

// fairShare decides which organization the dispatcher serves next:
// weighted fair queueing by virtual time (start-time fair queueing, the
// accounting deficit round robin approximates). Each organization has a
// virtual finish time that grows by entries/weight as it is served; the
// organization with work and the lowest time goes next. An organization
// that had no work is brought up to the time of the last one served when
// it has work again, so being idle banks no credit: a quiet organization
// waits for at most one chunk of a busy one, and two busy ones share in
// proportion to their weights whatever their offered rates.
//
// It is a pure state machine: no clock, no locks (the dispatcher owns it).
type fairShare struct {
	// vt is each organization's virtual time; floor is the time of the
	// last organization picked.
	vt    map[string]float64
	floor float64
}

func newFairShare() *fairShare { return &fairShare{vt: map[string]float64{}} }

// pick returns the candidate to serve next (the one with the lowest
// virtual time; ties go to the earlier candidate), or false when there is
// none. Candidates are the organizations with work that may take room
// now.
func (f *fairShare) pick(candidates []string) (string, bool) {
	best, bestVT := "", 0.0
	for _, org := range candidates {
		v, ok := f.vt[org]
		if !ok || v < f.floor {
			v = f.floor
			f.vt[org] = v
		}
		if best == "" || v < bestVT {
			best, bestVT = org, v
		}
	}
	if best == "" {
		return "", false
	}
	f.floor = bestVT
	f.forget()
	return best, true
}

// charge accounts n entries served to org with weight w (at least 1).
func (f *fairShare) charge(org string, n int, w int) {
	f.vt[org] += float64(n) / float64(max(w, 1))
}

// forget drops organizations at or below the floor: pick would bring
// them up to it anyway, so the map holds only those ahead of it.
func (f *fairShare) forget() {
	if len(f.vt) < 64 {
		return
	}
	for org, v := range f.vt {
		if v <= f.floor {
			delete(f.vt, org)
		}
	}
}
