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

# A short run of every fuzz target (the PDF one is too slow per input to run here; see
# internal/extract/pdf/README.md).
FUZZ_TARGETS := ./internal/extract/:FuzzHTML ./internal/extract/:FuzzText \
	./internal/normalize/:FuzzNormalize ./internal/normalize/:FuzzTablesFromText \
	./internal/extract/docx/:FuzzExtract ./internal/jurisdiction/:FuzzParseAgency

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

demo: build
	./scripts/demo.sh

bench:
	./scripts/bench.sh

clean:
	rm -rf $(BIN) demo-out bench-out
