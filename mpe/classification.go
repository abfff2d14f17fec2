package mpe

import (
	"sort"
	"strings"
)

// classifications is LogRhythm's fixed classification taxonomy, by
// classification type. Rules may use only these (plus nothing: "Unknown"
// is reserved for lines no rule matched), so dashboards and alarm rules can
// rely on the names.
var classifications = map[string][]string{
	"Audit": {
		"Access Failure", "Access Granted", "Access Revoked", "Access Success",
		"Account Created", "Account Deleted", "Account Modified",
		"Authentication Failure", "Authentication Success",
		"Object Created", "Object Disposed", "Object Modified",
		"Other Audit", "Other Audit Failure", "Other Audit Success",
		"Policy", "Startup and Shutdown",
	},
	"Operations": {
		"Critical", "Error", "Information", "Network Allow", "Network Deny",
		"Network Traffic", "Other Operations", "Warning",
	},
	"Security": {
		"Activity", "Attack", "Compromise", "Denial Of Service", "Failed Activity",
		"Failed Attack", "Failed Denial of Service", "Failed Malware", "Failed Misuse",
		"Failed Suspicious", "Malware", "Misuse", "Other Security", "Reconnaissance",
		"Suspicious", "Vulnerability",
	},
}

var classificationSet = func() map[string]bool {
	m := make(map[string]bool)
	for _, names := range classifications {
		for _, n := range names {
			m[n] = true
		}
	}
	return m
}()

// suggestClassification returns the valid classification closest to s, or
// "" when none is close.
func suggestClassification(s string) string {
	names := make([]string, 0, len(classificationSet))
	for n := range classificationSet {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.EqualFold(n, s) {
			return n
		}
	}
	return closest(s, names)
}

// closest returns the candidate within a small edit distance of s, or "".
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
