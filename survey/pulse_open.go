package survey

import "time"

// CheckOpen returns nil when the pulse takes answers at t, and otherwise
// the same refusal Submit gives ("pulse_not_open" or "pulse_closed"), so
// that a page can say so before anyone starts answering.
func (p Pulse) CheckOpen(t time.Time) error {
	if p.AcceptsAt(t) {
		return nil
	}
	return pulseClosedError(p, t)
}
