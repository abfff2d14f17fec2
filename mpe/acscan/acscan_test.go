package acscan

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bob "github.com/BobuSumisu/aho-corasick"
)

func found(m *Matcher, text string) []int {
	var out []int
	m.Scan(text, func(p int) { out = append(out, p) })
	slices.Sort(out)
	return slices.Compact(out)
}

func TestScan(t *testing.T) {
	m := New([]string{"he", "she", "his", "hers", "", "s"})
	if got := found(m, "ushers"); !slices.Equal(got, []int{0, 1, 3, 5}) {
		t.Errorf("ushers: %v", got)
	}
	if got := found(m, "xyz"); len(got) != 0 {
		t.Errorf("xyz: %v", got)
	}
	if got := found(m, ""); len(got) != 0 {
		t.Errorf("empty text: %v", got)
	}
}

// TestAgainstBobuSumisu checks every pattern set and text against a
// well-kept implementation: the same patterns must be found.
func TestAgainstBobuSumisu(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "abcab c:[]\x00\xff"
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := range 300 {
		var pats []string
		for range 1 + r.IntN(30) {
			pats = append(pats, word(1+r.IntN(6)))
		}
		m := New(pats)
		ref := bob.NewTrieBuilder().AddStrings(pats).Build()
		for range 20 {
			text := word(r.IntN(80))
			var want []int
			ref.Walk([]byte(text), func(_, _, p int64) bool {
				// BobuSumisu numbers duplicate patterns once; map back
				// to every index holding that string.
				for i, s := range pats {
					if s == pats[p] {
						want = append(want, i)
					}
				}
				return true
			})
			slices.Sort(want)
			want = slices.Compact(want)
			if got := found(m, text); !slices.Equal(got, want) {
				t.Fatalf("round %d: patterns %q, text %q: got %v, want %v", round, pats, text, got, want)
			}
		}
	}
}

func BenchmarkScan(b *testing.B) {
	var pats []string
	for i := range 1000 {
		pats = append(pats, strings.Repeat(string(rune('a'+i%26)), 3)+"-"+strings.Repeat("x", i%7)+"pattern")
	}
	m := New(pats)
	text := "Mar  3 08:15:02 bastion1 sshd[4117]: Accepted publickey for alice from 192.0.2.44 port 50122 ssh2: ED25519 SHA256:q5Wc"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		m.Scan(text, func(int) {})
	}
}

func BenchmarkScanBobuSumisu(b *testing.B) {
	var pats []string
	for i := range 1000 {
		pats = append(pats, strings.Repeat(string(rune('a'+i%26)), 3)+"-"+strings.Repeat("x", i%7)+"pattern")
	}
	tr := bob.NewTrieBuilder().AddStrings(pats).Build()
	text := []byte("Mar  3 08:15:02 bastion1 sshd[4117]: Accepted publickey for alice from 192.0.2.44 port 50122 ssh2: ED25519 SHA256:q5Wc")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tr.Walk(text, func(_, _, _ int64) bool { return true })
	}
}

// TestEveryOccurrenceOnce checks that each occurrence is reported exactly
// once, on texts long enough for the scan to be split in two walks, with
// multi-byte UTF-8 characters (patterns and texts are bytes).
func TestEveryOccurrenceOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "c", "a", "b", " ", "c", ":", "é", "\xa9", "€"}
	word := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := range 500 {
		var pats []string
		for range 1 + r.IntN(20) {
			pats = append(pats, word(1+r.IntN(12)))
		}
		m := New(pats)
		for range 20 {
			text := word(r.IntN(300))
			got := make([]int, len(pats))
			m.Scan(text, func(p int) { got[p]++ })
			for i, p := range pats {
				want := 0
				for j := 0; j+len(p) <= len(text); j++ {
					if text[j:j+len(p)] == p {
						want++
					}
				}
				if got[i] != want {
					t.Fatalf("round %d: pattern %q in %q: reported %d times, occurs %d", round, p, text, got[i], want)
				}
			}
		}
	}
}
