package main

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		msg   string
		words []string
		next  []bool
	}{
		{"", nil, nil},
		{"Failed password for invalid user admin from 203.0.113.7", []string{"Failed", "password", "invalid", "user", "admin", "from"},
			[]bool{true, false, true, true, true, false}},
		// Digits, operators, short and non-ASCII words are skipped, and
		// break a phrase; so does anything but one space.
		{"sshd[4188]: session AND opened  for café user2 root", []string{"sshd", "session", "opened", "root"}, []bool{false, false, false, false}},
		{"NOT closed,done", []string{"closed", "done"}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			ws, next := words(tt.msg)
			if !slices.Equal(ws, tt.words) || !slices.Equal(next, tt.next) {
				t.Errorf("words(%q) = %q %v, want %q %v", tt.msg, ws, next, tt.words, tt.next)
			}
		})
	}
}
