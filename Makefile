# Vigil's build. `make run` and `make test` are the two commands a newcomer
# needs; both install what is missing first (scripts/deps.sh).

GO        ?= go
BIN       := bin/vigil
COMMIT    := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X main.commit=$(COMMIT)
FUZZTIME  ?= 30s
TESTFLAGS ?= -timeout 30m
DEMO_OUT  ?= /tmp/vigil-demo
BENCHFLAGS ?=

.PHONY: all build deps test race cover run lint fmt vet generate golden fuzz bench bench-micro tidy clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/vigil

test: deps build
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) ./...

race: deps
	$(GO) test -race $(TESTFLAGS) ./...

cover: deps
	$(GO) test -coverprofile=cover.out $(TESTFLAGS) ./...
	$(GO) tool cover -func=cover.out | tail -1

run: deps build
	@./scripts/demo.sh $(BIN) $(DEMO_OUT)

lint: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

fmt:
	gofmt -l -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

generate:
	$(GO) generate ./...

golden: deps
	UPDATE_GOLDEN=1 $(GO) test ./...
	@git status --short -- '*.golden' '*.eve.golden'

# Each FuzzXxx runs on its own for FUZZTIME (one target per `go test -fuzz`).
fuzz: deps
	@./scripts/fuzz.sh $(FUZZTIME)

# BENCHFLAGS are vigil-bench's flags, e.g. BENCHFLAGS="-size 100 -runs 3"; the live rows
# (tcpreplay through a veth pair, needs root) alone: BENCHFLAGS="-live-only -size 20".
bench: deps build
	$(GO) run ./bench/cmd/vigil-bench $(BENCHFLAGS)

bench-micro: deps
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 ./... | tee bench.txt

tidy:
	$(GO) mod tidy

clean:
	rm -rf bin cover.out bench.txt
