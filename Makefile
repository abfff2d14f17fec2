# Sluice: `make run` shows it working, `make test` proves it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
# The embedded index needs SQLite's FTS5 (cgo, mattn/go-sqlite3).
export GOFLAGS := -tags=sqlite_fts5
export CGO_ENABLED := 1

TOOLS   := $(CURDIR)/.tools/bin
export PATH := $(TOOLS):$(PATH)

BUF_VERSION                := v1.75.0
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
STATICCHECK_VERSION        := v0.8.2
TOXIPROXY_VERSION          := v2.12.0
NFPM_VERSION               := v2.48.0

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build run test rule-scores test-server test-deps test-go fuzz fuzz-short bench bench-peers bench-smoke soak proto proto-check lint check-deps bench chaos tools clean
.PHONY: package package-check install cross cross-check

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/sluice
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/sluice .

run: build ## all-in-one demo: mediator + agent tailing configs/samples/auth.log (Ctrl-C stops)
	@rm -rf .sluice/demo
	bin/sluice run -mediator configs/demo/mediator.hcl -agent configs/demo/agent.hcl

test: proto-check lint check-deps cross-check test-deps test-go fuzz-short bench-smoke package-check rule-scores ## everything CI checks
	bin/sluice rules test configs/rules

# The rule set on the shared corpus (../shared, beside the clone): Elastic's
# expected ECS fields on its pipeline tests, and Wazuh's device lines fed as
# plain syslog, classified by specific rules (identification).
CORPUS ?= ../shared/corpus
rule-scores: build ## score the rules: ECS fields right on Elastic's tests (>= 99%), vendor lines identified as plain syslog (>= 90%)
	python3 ../shared/tools/ecs_score.py bin/sluice configs/rules $(CORPUS)/elastic --min 99
	python3 ../shared/tools/vendor_cover.py bin/sluice configs/rules $(CORPUS)/wazuh/tests --min 90

# What the tests need: headless Chromium from Debian for the dashboard's
# browser test, toxiproxy (network faults between agent and mediator), the
# Elasticsearch-API test server (ZincSearch) for the indexer tests, and
# systemd-journal-remote (writes real journal files for the journald source).
test-deps: $(TOOLS)/.toxiproxy-$(TOXIPROXY_VERSION) test-server
	@command -v chromium >/dev/null || { echo "installing chromium (browser test)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }
	@command -v lintian >/dev/null && command -v rpm >/dev/null || { \
		echo "installing lintian and rpm (package-check)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian rpm) >/dev/null; }
	@command -v prometheus >/dev/null || { echo "installing prometheus (metrics tests: promtool, a real scrape)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus) >/dev/null; }
	@test -x /lib/systemd/systemd-journal-remote || { echo "installing systemd-journal-remote (journald source tests: real journal files)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-journal-remote) >/dev/null; }

test-server: bin/zincsearch ## build the Elasticsearch-API test server (ZincSearch) to bin/zincsearch (cached)

bin/zincsearch: tools/zincsearch/go.mod tools/zincsearch/go.sum tools/zincsearch/main.go scripts/build-zincsearch.sh
	scripts/build-zincsearch.sh

$(TOOLS)/.toxiproxy-$(TOXIPROXY_VERSION):
	@mkdir -p $(TOOLS)/toxiproxy
	GOBIN=$(TOOLS)/toxiproxy GOFLAGS= $(GO) install github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION)
	mv $(TOOLS)/toxiproxy/server $(TOOLS)/toxiproxy-server
	@touch $@

# SLUICE_REQUIRE_BROWSER and SLUICE_REQUIRE_ZINCSEARCH make the browser and
# Elasticsearch-API tests fail, not skip, without their servers.
test-go: build
	SLUICE_REQUIRE_BROWSER=1 SLUICE_REQUIRE_ZINCSEARCH=1 SLUICE_REQUIRE_PROMETHEUS=1 $(GO) test -race -timeout 20m ./...

# Tools are installed at pinned versions into .tools/bin; a stamp file per
# version makes a version bump reinstall.
$(TOOLS)/.buf-$(BUF_VERSION):
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	@touch $@
$(TOOLS)/.protoc-gen-go-$(PROTOC_GEN_GO_VERSION):
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	@touch $@
$(TOOLS)/.protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION):
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	@touch $@
$(TOOLS)/.staticcheck-$(STATICCHECK_VERSION):
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@touch $@

PROTO_TOOLS := $(TOOLS)/.buf-$(BUF_VERSION) $(TOOLS)/.protoc-gen-go-$(PROTOC_GEN_GO_VERSION) $(TOOLS)/.protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION)

tools: $(PROTO_TOOLS) $(TOOLS)/.staticcheck-$(STATICCHECK_VERSION) ## install pinned tools into .tools/bin

proto: $(PROTO_TOOLS) ## lint and regenerate the protobuf code
	buf lint
	buf generate

proto-check: $(PROTO_TOOLS) ## fail if the committed generated code is stale
	buf lint
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	buf generate -o $$tmp; \
	if ! diff -r -q -x '*.proto' $$tmp/proto/sluice proto/sluice; then \
		echo "generated protobuf code is stale: run 'make proto' and commit the result"; exit 1; \
	fi

lint: $(TOOLS)/.staticcheck-$(STATICCHECK_VERSION) ## go vet + staticcheck + gofmt
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.tools/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	staticcheck ./...

check-deps: ## enforce the import direction of docs/architecture.md
	@scripts/check-deps.sh

bench: build test-server ## benchmark suite: per stage events/s, MB/s, CPU-s per million, peak RSS, latency -> bench/results/latest.json
	$(GO) run ./bench
	$(GO) test -run '^$$' -bench 'Failover' -benchtime 1x ./test/e2e | grep -E 'Benchmark|failover over'

bench-peers: build ## Sluice and rsyslog on the same file, A/B/A/B; ends with the ratio line
	@command -v rsyslogd >/dev/null || { echo "installing rsyslog"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsyslog) >/dev/null; }
	$(GO) run ./bench -peers -rounds 3

# RUNS in-process end-to-end stages (1,000,000 lines), each with real
# agent and mediator processes running beside it, and a watchdog that dumps
# every goroutine of a run whose indexed count stands still for 60 s (issue
# 25); DURATION=2h runs for that long instead, SOAK_FLAGS passes more
# (go run ./bench/soak -h). Ends with "soak runs=N stalls=S slowest_s=T",
# non-zero when a run stalled.
RUNS ?= 30
soak: build ## end-to-end runs in a loop with a stall watchdog (RUNS=30, or DURATION=2h)
	$(GO) run ./bench/soak $(if $(DURATION),-duration $(DURATION),-runs $(RUNS)) $(SOAK_FLAGS)

# A smoke run of the suite in make test: seconds, no speed asserted.
bench-smoke: build
	$(GO) run ./bench -quick -out bench/results/smoke.json >/dev/null

fuzz: ## run every fuzz target for FUZZTIME (default 30s) each
	@scripts/fuzz.sh

fuzz-short:
	@FUZZTIME=500x scripts/fuzz.sh

chaos: build ## long fault run: 1,000,000 lines and 50 kill -9 of agent and mediator per scenario
	$(GO) test -count=1 -v -timeout 90m -run TestChaos ./test/chaos -args -lines 1000000 -kills 50 | grep -E '^(chaos:|---|ok|FAIL|PASS)'

# The agent alone, for every OS an agent runs on (docs/platforms.md): no
# cgo, so it cross-compiles with the Go toolchain only; the mediator (its
# embedded index is SQLite through cgo) stays in bin/sluice.
CROSS_PLATFORMS ?= linux/amd64 linux/arm64 windows/amd64 darwin/arm64
AGENT_PKGS := ./cmd/sluice-agent ./internal/agentcmd ./internal/daemon ./pkg/osfile
cross: ## agent-only binaries bin/sluice-agent-OS-ARCH[.exe] for CROSS_PLATFORMS
	@for p in $(CROSS_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "bin/sluice-agent-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o bin/sluice-agent-$$os-$$arch$$ext ./cmd/sluice-agent; \
	done

# In make test: the agent compiles and vets for every platform of make
# cross (type-checking every package it imports), writing no binary.
cross-check:
	@for p in $(CROSS_PLATFORMS); do \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet $(AGENT_PKGS) || { echo "cross-check: the agent does not build for $$p"; exit 1; }; \
	done

clean: ## remove build output and demo state
	rm -rf bin .sluice
	rm -rf dist

# Packages: nfpm is installed under a versioned name, beside other
# worktrees' tools. arm64 is cross-compiled (cgo) with aarch64-linux-gnu-gcc.
NFPM := $(TOOLS)/nfpm-$(NFPM_VERSION)/nfpm
$(TOOLS)/.nfpm-$(NFPM_VERSION):
	GOBIN=$(TOOLS)/nfpm-$(NFPM_VERSION) GOFLAGS= $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)
	@touch $@

ARCHS ?= amd64 arm64
package: $(TOOLS)/.nfpm-$(NFPM_VERSION) ## .deb and .rpm for linux/amd64 and linux/arm64 into dist/ (ARCHS=, FORMATS=)
	@case " $(ARCHS) " in *" arm64 "*) command -v aarch64-linux-gnu-gcc >/dev/null || { \
		echo "installing gcc-aarch64-linux-gnu (cgo for the arm64 binary)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu) >/dev/null; } ;; esac
	NFPM=$(NFPM) VERSION=$(VERSION) ARCHS="$(ARCHS)" scripts/package.sh

# Lints, installs and removes the .deb on this machine (root; restored after).
# make test checks the amd64 packages, built without -trimpath so that the
# build reuses make build's cache (CI time); make package-check
# CHECK_ARCHS="amd64 arm64" checks the cross-compiled arm64 ones too.
CHECK_ARCHS ?= amd64
package-check: $(TOOLS)/.nfpm-$(NFPM_VERSION) build
	NFPM=$(NFPM) VERSION=$(VERSION) ARCHS="$(CHECK_ARCHS)" TRIMPATH= scripts/package.sh
	VERSION=$(VERSION) ARCHS="$(CHECK_ARCHS)" scripts/package-check.sh

PREFIX ?= /usr/local
install: build ## install bin/sluice, units, configs (PREFIX=/usr/local DESTDIR= SYSTEMD_UNIT_DIR=)
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) scripts/install.sh
