# Squawk — the two commands of the README, and their helpers.
#   make run    run Squawk on its embedded default
#   make test   run every test
# Both install the Debian packages they need when they are missing.

SWIFT      ?= swift
RUN_ARGS   ?=
DEB_BUILD  := libcurl4-openssl-dev libsqlite3-dev pkg-config
DEB_TEST   := python3 python3-venv curl
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build release bench clean

## Install missing system packages (Debian/Ubuntu).
deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Run Squawk on its embedded default.
run: deps
	$(SWIFT) run squawk $(if $(RUN_ARGS),$(RUN_ARGS),serve)

## Every test: the Swift suites, then schemathesis against a live `squawk serve`.
test: deps
	$(SWIFT) build --build-tests
	SQUAWK_PYTHON="$$(scripts/pydeps.sh)" $(SWIFT) test --parallel --skip-build
	scripts/api-fuzz.sh .build/debug/squawk

bench: release
	.build/release/squawk bench --help

clean:
	rm -rf .build
