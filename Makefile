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

.PHONY: all build run test test-go lint bench deps clean

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
bench: build
	@.ci/deps bench
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee bench-results.txt

deps:
	@.ci/deps test

clean:
	rm -f $(BIN) bench-results.txt
