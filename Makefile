# The verbs of trots. CI runs `make test` (through .ci/run).
GO       ?= go
BIN      ?= trots
DB       ?= data/trots.db
ADDR     ?= 127.0.0.1:8080
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
# axe-core, installed by .ci/deps, for the accessibility checks of the browser tests.
AXE_JS   := $(CURDIR)/.cache/axe/node_modules/axe-core/axe.min.js
export CGO_ENABLED := 1

.PHONY: all build run test test-go lint bench fuzz deps clean

all: build

## build: compile the trots binary
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: serve trots on SQLite with a demo organisation at http://$(ADDR)
run: build
	./$(BIN) demo --db $(DB) --if-empty --base-url http://$(ADDR)
	./$(BIN) serve --db $(DB) --addr $(ADDR)

## test: install what the tests need, start PostgreSQL on loopback, run everything
test: deps lint
	@set -e; pgdir=$$(mktemp -u /tmp/trots-pg.XXXXXX); \
	dsn=$$(.ci/postgres start $$pgdir); \
	trap '.ci/postgres stop '"$$pgdir" EXIT; \
	echo "PostgreSQL for the tests: $$dsn"; \
	TROTS_TEST_POSTGRES=$$dsn TROTS_AXE_JS=$(AXE_JS) $(GO) test -count=1 -timeout 20m ./...

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: the benchmarks behind the README's performance section
# The planted-truth simulation (analysis/sim) runs 10,000 departments per
# class and size band, where `go test` runs 150, and 2,000 divisions per
# tree scenario and team size, where `go test` runs 60.
# Then the load test (server/loadtest): 64 clients posting survey responses
# over loopback, on SQLite (WAL, synchronous=FULL) and on a throwaway
# PostgreSQL started durable (fsync on, unlike the tests' server).
LOADTEST_FLAGS ?= -clients 64 -rounds 3 -duration 10s
# Then the abuse benchmark (server/loadtest -abuse, issue 20): real answers
# while each attack runs for ABUSE_FLAGS' -attack-duration, on SQLite.
ABUSE_FLAGS ?= -attack-duration 10s
# The Go benchmarks get that PostgreSQL too (BenchmarkSeal needs one).
bench: build
	@.ci/deps bench
	@set -e; pgdir=$$(mktemp -u /tmp/trots-pg.XXXXXX); \
	dsn=$$(TROTS_PG_DURABLE=1 .ci/postgres start $$pgdir); \
	trap '.ci/postgres stop '"$$pgdir" EXIT; \
	TROTS_TEST_POSTGRES="$$dsn" $(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee bench-results.txt; \
	.ci/bench-analysis | tee -a bench-results.txt; \
	echo "go test -run '^TestPlantedTruth$$' ./analysis/sim -args -sim.runs 10000"; \
	$(GO) test -count=1 -timeout 60m -v -run '^TestPlantedTruth$$' ./analysis/sim -args -sim.runs 10000 | tee -a bench-results.txt; \
	echo "go test -run '^TestTreePlantedTruth$$' ./analysis/sim -args -sim.trees 2000"; \
	$(GO) test -count=1 -timeout 60m -v -run '^TestTreePlantedTruth$$' ./analysis/sim -args -sim.trees 2000 | tee -a bench-results.txt; \
	echo "go run ./server/loadtest $(LOADTEST_FLAGS) -postgres $$dsn"; \
	$(GO) run ./server/loadtest $(LOADTEST_FLAGS) -postgres "$$dsn" | tee -a bench-results.txt; \
	echo "go run ./server/loadtest -abuse $(ABUSE_FLAGS)"; \
	$(GO) run ./server/loadtest -abuse $(ABUSE_FLAGS) | tee -a bench-results.txt

## fuzz: run every fuzz target for FUZZTIME each (default 30s); crashers land in testdata/fuzz
# Go 1.26's fuzz coordinator can fail a clean run with a bare "context
# deadline exceeded" at the end of -fuzztime (go.dev/issue/75804, fixed in
# 1.27): that, without a failing input written, counts as a pass.
FUZZTIME ?= 30s
FUZZ_TARGETS := survey:FuzzDecodeAnswers survey:FuzzScrub analysis/csvdata:FuzzReadResponses \
	questionnaires:FuzzParse server:FuzzSurveyFormPost server:FuzzSurveyAPISubmit \
	survey:FuzzParseDepartmentsCSV survey:FuzzDecodeStoredAnswers
fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for t in $(FUZZ_TARGETS); do \
		pkg=./$${t%%:*}; name=$${t##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		if $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s $$pkg >$$log 2>&1; then \
			tail -n 3 $$log; \
		elif grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; then \
			tail -n 8 $$log | grep -v '^FAIL\|^exit status\|^--- FAIL\|context deadline'; echo "ok (go.dev/issue/75804 at the deadline, no failing input)"; \
		else cat $$log; exit 1; fi; \
	done

deps:
	@.ci/deps test

clean:
	rm -f $(BIN) bench-results.txt
