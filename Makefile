# ogireports — see README.md. Every target works from a fresh clone with only Go installed;
# tests that need an optional system tool skip with a message (CI installs them all).
GO        ?= go
BIN       := bin
FUZZTIME  ?= 10s
export CGO_ENABLED := 0

.PHONY: all build test fuzz demo bench vet clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

vet:
	$(GO) vet ./...

# The README's test command (what CI runs): vet, every test, then a short run of each fuzz target.
test: vet
	$(GO) test -count=1 -timeout 15m ./...
	$(MAKE) fuzz FUZZTIME=$(FUZZTIME)

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzHTML$$' -fuzztime $(FUZZTIME) ./internal/extract/
	$(GO) test -run '^$$' -fuzz '^FuzzText$$' -fuzztime $(FUZZTIME) ./internal/extract/

demo: build
	./scripts/demo.sh

bench:
	./scripts/bench.sh

clean:
	rm -rf $(BIN) demo-out bench-out
