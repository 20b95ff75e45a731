# aigrid — the two commands you need: `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
IMAGE   ?= aigrid:$(VERSION)

# Lighthouse for make audit: audit-only, pinned by bench/audit/package-lock.json
LIGHTHOUSE := bench/audit/node_modules/.installed
$(LIGHTHOUSE): bench/audit/package-lock.json
	cd bench/audit && npm ci --no-audit --no-fund && touch node_modules/.installed

.PHONY: run test audit fuzz-short fuzz lint fmt generate build bench docker migrate-new content-check

## run: start aigrid in local mode (its own PostgreSQL in ./.data) and print its URL
run:
	@$(GO) build -o bin/aigrid ./cmd/aigrid
	exec bin/aigrid serve

# axe-core (end-to-end accessibility checks) and the Nu HTML checker (vnu-jar, run with Java over
# every page the tests fetch): test-only, pinned by their package-lock.json; npm ci again when it changes
AXE := internal/server/testdata/axe/node_modules/.installed
$(AXE): internal/server/testdata/axe/package-lock.json
	cd internal/server/testdata/axe && npm ci --no-audit --no-fund && touch node_modules/.installed

## test: every test, database and HTTP included, with the race detector, then a short fuzz run
# -timeout: the server package's browser tests take more than go test's default 10 minutes on a
# busy 2-core machine with the race detector
test: $(AXE)
	$(GO) test -race -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory fuzz-short

# fuzz targets: package and name (seed corpora are in the tests; findings go to testdata/fuzz)
FUZZ_TARGETS := internal/server:FuzzStepSave internal/server:FuzzForms internal/server:FuzzCleanText internal/questionnaire:FuzzLoad internal/export:FuzzImport
FUZZTIME ?= 10m

## fuzz-short: each fuzz target on 500 generated inputs (part of make test). A count, not a
## duration: a time limit that expires while a worker is in a slow input (a database round trip on
## a loaded machine) made Go's fuzzer fail with "context deadline exceeded".
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=500x

## fuzz: each fuzz target for FUZZTIME (default 10m)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$name ($(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg; done

## lint: formatting, vet, staticcheck, templ formatting and generated files up to date
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool templ fmt -fail .
	@before=$$(git status --porcelain -- '*_templ.go'; git diff -- '*_templ.go' | sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1; \
	after=$$(git status --porcelain -- '*_templ.go'; git diff -- '*_templ.go' | sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "generated templ files were stale: 'make generate' just updated them; review and commit"; exit 1; fi
	$(GO) run ./cmd/aigrid content check

## fmt: format Go and templ files, and regenerate templ code
fmt:
	gofmt -w $$(git ls-files '*.go')
	$(GO) tool templ fmt .
	$(GO) tool templ generate

## generate: regenerate templ Go code
generate:
	$(GO) tool templ generate

## build: a static binary in bin/aigrid
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/aigrid ./cmd/aigrid

## bench: the end-to-end harness (aigrid in local mode under load, every figure against its limit
## measured in the same run; writes bench/results.json and bench/results.md), then the Go benchmarks.
## Performance targets are checked here, never in unit tests. BENCHFLAGS: e.g. -runs 1 -duration 5s
bench:
	$(GO) run ./bench $(BENCHFLAGS)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

## audit: Lighthouse (Debian's Chromium, or CHROME_PATH) on the home page, a step and the results of
## a seeded complete assessment, mobile and desktop; writes the scores, bytes and requests into
## docs/benchmarks.md. Not part of make test.
audit: $(LIGHTHOUSE)
	$(GO) run ./bench -audit

## docker: build the container image
docker:
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) .

## content-check: validate the questionnaire files
content-check:
	$(GO) run ./cmd/aigrid content check content

## migrate-new NAME=verb_object: create the next pair of migration files
migrate-new:
	@test -n "$(NAME)" || (echo "usage: make migrate-new NAME=verb_object"; exit 1)
	@n=$$(ls migrations/*.up.sql 2>/dev/null | wc -l); next=$$(printf '%06d' $$((n + 1))); \
	touch migrations/$${next}_$(NAME).up.sql migrations/$${next}_$(NAME).down.sql; \
	echo "created migrations/$${next}_$(NAME).{up,down}.sql"
