package arm

import (
	"strings"
	"testing"
)

// TestParseConfigSecurityErrors: the tls, insecure, http_tls and
// admin_token_file mistakes fail at load with file:line:col.
func TestParseConfigSecurityErrors(t *testing.T) {
	const tlsBlock = "  tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"arm.pem\"\n    key_file  = \"arm-key.pem\"\n  }\n"
	tests := []struct{ name, src, want string }{
		{"network listen without tls", "arm {\n  listen = \"0.0.0.0:7500\"\n}\n",
			`arm.hcl:2:3: listen "0.0.0.0:7500" is not a loopback address: configure a tls { ca_file, cert_file, key_file } block`},
		{"network name without tls", "arm {\n  id = \"a\"\n  listen = \"arm.example.net:7500\"\n}\n",
			`arm.hcl:3:3: listen "arm.example.net:7500" is not a loopback address`},
		{"tls and insecure", "arm {\n  listen = \"0.0.0.0:7500\"\n  insecure = true\n" + tlsBlock + "}\n",
			"arm.hcl:3:3: insecure = true and a tls block contradict each other"},
		{"tls without key_file", "arm {\n  tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"arm.pem\"\n  }\n}\n",
			`arm.hcl:2:7: Missing required argument: The argument "key_file" is required`},
		{"tls without ca_file", "arm {\n  tls {\n    cert_file = \"arm.pem\"\n    key_file  = \"arm-key.pem\"\n  }\n}\n",
			`arm.hcl:2:7: Missing required argument: The argument "ca_file" is required`},
		{"tls empty cert_file", "arm {\n  tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"\"\n    key_file  = \"arm-key.pem\"\n  }\n}\n",
			"arm.hcl:2:3: tls: cert_file must not be empty"},
		{"tls unknown attribute", "arm {\n  tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"arm.pem\"\n    key_file  = \"arm-key.pem\"\n    verify    = false\n  }\n}\n",
			"arm.hcl:6:5: Unsupported argument"},
		{"two tls blocks", "arm {\n" + tlsBlock + tlsBlock + "}\n", "arm.hcl:7:3: Duplicate tls block"},
		{"http_tls without key_file", "arm {\n  http_tls {\n    cert_file = \"web.pem\"\n  }\n}\n",
			`arm.hcl:2:12: Missing required argument: The argument "key_file" is required`},
		{"http_tls empty", "arm {\n  http_tls {\n    cert_file = \"\"\n    key_file  = \"web-key.pem\"\n  }\n}\n",
			"arm.hcl:2:3: http_tls: cert_file and key_file must not be empty"},
		{"http_tls with ca_file", "arm {\n  http_tls {\n    ca_file   = \"ca.pem\"\n    cert_file = \"web.pem\"\n    key_file  = \"web-key.pem\"\n  }\n}\n",
			"arm.hcl:3:5: Unsupported argument"},
		{"empty admin_token_file", "arm {\n  admin_token_file = \"\"\n}\n", "arm.hcl:2:3: admin_token_file must not be empty"},
		{"insecure not a bool", "arm {\n  insecure = \"yes please\"\n}\n", "arm.hcl:2:15: Unsuitable value type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "arm.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}

func TestParseConfigSecurity(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(*Config) bool
	}{
		{"loopback plaintext", "arm {}\n", func(c *Config) bool { return c.TLS == nil && !c.Insecure && c.HTTPTLS == nil && c.AdminTokenFile == "" }},
		{"network with insecure", "arm {\n  listen = \"0.0.0.0:7500\"\n  insecure = true\n}\n", func(c *Config) bool { return c.Insecure && c.TLS == nil }},
		{"network with tls", "arm {\n  listen = \"0.0.0.0:7500\"\n  tls {\n    ca_file = \"/pki/ca.pem\"\n    cert_file = \"/pki/arm-01.pem\"\n    key_file = \"/pki/arm-01-key.pem\"\n  }\n}\n",
			func(c *Config) bool {
				return c.TLS != nil && c.TLS.CA == "/pki/ca.pem" && c.TLS.Cert == "/pki/arm-01.pem" && c.TLS.Key == "/pki/arm-01-key.pem"
			}},
		{"https and token", "arm {\n  http = \"0.0.0.0:7580\"\n  admin_token_file = \"/etc/sluice/arm.token\"\n  http_tls {\n    cert_file = \"/pki/web.pem\"\n    key_file = \"/pki/web-key.pem\"\n  }\n}\n",
			func(c *Config) bool {
				return c.HTTPTLS != nil && c.HTTPTLS.Cert == "/pki/web.pem" && c.HTTPTLS.Key == "/pki/web-key.pem" && c.AdminTokenFile == "/etc/sluice/arm.token"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tt.src), "arm.hcl")
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Fatalf("%+v", cfg)
			}
		})
	}
}

// TestEnvListenNeedsTLS: SLUICE_ARM_LISTEN cannot move a plaintext ARM
// onto the network behind the file's back.
func TestEnvListenNeedsTLS(t *testing.T) {
	t.Setenv("SLUICE_ARM_LISTEN", "0.0.0.0:7500")
	if _, err := ParseConfig([]byte("arm {}\n"), "arm.hcl"); err == nil || !strings.Contains(err.Error(), `SLUICE_ARM_LISTEN: listen "0.0.0.0:7500" is not a loopback address`) {
		t.Fatalf("want a refusal, got %v", err)
	}
	if _, err := ParseConfig([]byte("arm {\n  insecure = true\n}\n"), "arm.hcl"); err != nil {
		t.Fatalf("insecure = true: %v", err)
	}
}
