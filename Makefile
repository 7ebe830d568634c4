# Squawk — the two commands of the README, and their helpers.
#   make run    run Squawk on its embedded default
#   make test   run every test
# Both install the Debian packages they need when they are missing.

SWIFT      ?= swift
RUN_ARGS   ?=
DEB_BUILD  := libcurl4-openssl-dev libsqlite3-dev pkg-config
DEB_TEST   := python3 python3-venv curl postgresql chromium chromium-driver
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-suites deps test-deps build release bench clean

# Installs the missing ones of the Debian packages in $(1).
define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

## Install missing system packages (Debian/Ubuntu): to build and run, and to test.
deps:
	$(call install_missing,$(DEB_BUILD))

test-deps:
	$(call install_missing,$(DEB_BUILD) $(DEB_TEST))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Run Squawk on its embedded default.
run: deps
	$(SWIFT) run squawk $(if $(RUN_ARGS),$(RUN_ARGS),serve)

## Every test: the Swift suites (the PostgreSQL ones in a throwaway cluster, unless
## SQUAWK_TEST_POSTGRES_URL names a database), then schemathesis against a live `squawk serve`, then
## the web console in headless Chromium (screenshots in .build/console-screenshots).
test: test-deps
	@if [ -n "$$SQUAWK_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-suites; \
	else scripts/pg-test-cluster.sh $(MAKE) --no-print-directory test-suites; fi

test-suites:
	$(SWIFT) build --build-tests
	SQUAWK_PYTHON="$$(scripts/pydeps.sh)" $(SWIFT) test --parallel --skip-build
	scripts/api-fuzz.sh .build/debug/squawk
	scripts/console-browser.sh .build/debug/squawk

bench: release
	.build/release/squawk bench --help

clean:
	rm -rf .build
