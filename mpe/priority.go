package mpe

import (
	"math"

	"github.com/sluicehq/sluice/pkg/event"
)

// Risk-based priority, after LogRhythm's RBP: one number from 0 to 100
// that ranks events for an analyst, computed from what the rule knows
// (risk 0–9), what kind of event it is (the classification's weight) and
// whether the event touched threat intelligence:
//
//	priority = min(100, round(50·risk/9 + 30·weight + 15·min(intel hits, 2)))
//
// So a risk-9 Compromise with two intel hits is 100, a risk-3
// Authentication Success is 23, an Unknown line with no intel is 3.
const FieldPriority = "sluice.priority"

// classificationWeights weigh a classification from 0 (routine) to 1
// (a compromise). Those not listed weigh defaultWeight within their group.
var classificationWeights = map[string]float64{
	// Security: what an analyst must look at.
	"Compromise":               1,
	"Attack":                   0.9,
	"Malware":                  0.9,
	"Denial Of Service":        0.9,
	"Suspicious":               0.7,
	"Misuse":                   0.7,
	"Vulnerability":            0.6,
	"Reconnaissance":           0.6,
	"Activity":                 0.4,
	"Other Security":           0.4,
	"Failed Attack":            0.5,
	"Failed Malware":           0.5,
	"Failed Denial of Service": 0.5,
	"Failed Suspicious":        0.4,
	"Failed Misuse":            0.4,
	"Failed Activity":          0.3,
	// Audit: who did what.
	"Authentication Failure": 0.4,
	"Access Failure":         0.4,
	"Other Audit Failure":    0.3,
	"Account Created":        0.3,
	"Account Deleted":        0.3,
	"Account Modified":       0.3,
	"Policy":                 0.3,
	"Access Revoked":         0.2,
	"Access Granted":         0.2,
	"Authentication Success": 0.2,
	"Access Success":         0.15,
	"Object Created":         0.15,
	"Object Disposed":        0.15,
	"Object Modified":        0.15,
	"Other Audit Success":    0.1,
	"Other Audit":            0.1,
	"Startup and Shutdown":   0.1,
	// Operations: the health of systems.
	"Critical":         0.5,
	"Error":            0.25,
	"Network Deny":     0.25,
	"Warning":          0.15,
	"Other Operations": 0.05,
	"Network Allow":    0.05,
	"Network Traffic":  0.05,
	"Information":      0.05,
}

// unknownWeight is the weight of a line no rule matched: it may hide
// anything, so it is not zero.
const unknownWeight = 0.1

func classificationWeight(c string) float64 {
	if w, ok := classificationWeights[c]; ok {
		return w
	}
	return unknownWeight
}

// priority computes the formula above.
func priority(risk int64, weight float64, hits int) int64 {
	p := 50*float64(risk)/9 + 30*weight + 15*float64(min(hits, 2))
	return int64(math.Min(100, math.Round(p)))
}

func setPriority(ev *event.Event, risk int64, weight float64, hits int) {
	ev.Set(FieldPriority, priority(risk, weight, hits))
}
