package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// tokenFlagHelp is the -token-file flag's help, the same for every
// command that talks to an API.
const tokenFlagHelp = "file with the bearer token: a read token, or the admin token for admin requests (or env SLUICE_TOKEN)"

// apiToken is the bearer token a command sends: from file (its first
// word that is not a # comment: the token line of a read_token_file
// works too), else SLUICE_TOKEN, else SLUICE_ADMIN_TOKEN (its name
// before read tokens); "" when none is given, which a loopback API
// without token files accepts.
func apiToken(file string) (string, error) {
	if file == "" {
		if v := strings.TrimSpace(os.Getenv("SLUICE_TOKEN")); v != "" {
			return v, nil
		}
		return strings.TrimSpace(os.Getenv("SLUICE_ADMIN_TOKEN")), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			return f[0], nil
		}
	}
	return "", fmt.Errorf("%s: %w", file, errNoToken)
}

var errNoToken = errors.New("no token in the file")
