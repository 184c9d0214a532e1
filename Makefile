# Viral Studio: `make run` installs what is missing and launches the app; `make test` runs every
# test suite. Everything else here is a step of those two.
SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
TOOLS_DIR ?= $(HOME)/.cache/viral-studio/tools
TAURI_DRIVER := $(TOOLS_DIR)/bin/tauri-driver
APP_BIN := $(TARGET_DIR)/debug/viral-studio
STUDIO_BIN := $(TARGET_DIR)/debug/studio
export CARGO_TARGET_DIR := $(TARGET_DIR)

.PHONY: run deps ui-deps peers ui build release bindings fixtures test test-rust test-ui test-browser test-app lint fmt clippy tools clean

## ---- the two commands -------------------------------------------------------------------
run: deps build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$(uname)" = Linux ]; then \
	  echo "No display found: starting under Xvfb (see README: headless Linux)"; \
	  xvfb-run -a -s "-screen 0 1280x800x24" "$(APP_BIN)"; \
	else "$(APP_BIN)"; fi

test: deps build lint test-rust test-ui test-browser test-app
	@echo "make test: all suites passed"

## ---- setup -------------------------------------------------------------------------------
deps:
	@if [ "$$(uname)" = Linux ] && command -v apt-get >/dev/null; then scripts/install-deps; fi
	@$(MAKE) --no-print-directory ui-deps

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

# Real local peers for the connector tests: a Bluesky PDS (+ in-memory PLC) and oidc-provider.
# Not needed to run the app. better-sqlite3 compiles from source here (~1 min).
peers: tests/peers/node_modules/.package-lock.json

tests/peers/node_modules/.package-lock.json: tests/peers/package.json tests/peers/package-lock.json
	cd tests/peers && npm ci --no-audit --no-fund
	@touch $@

## ---- build -------------------------------------------------------------------------------
# The app embeds ui/dist at compile time, so the UI is built first.
ui: ui-deps
	cd ui && npm run build

build: ui
	$(CARGO) build --workspace --bins

release: ui
	$(CARGO) build --workspace --release --bins

# Regenerates the TypeScript bindings from the Rust commands (commit the result).
bindings:
	$(CARGO) run -p viral-studio --bin gen-bindings

# Regenerates the in-memory backend's answers (ui/src/backend/fixtures) from studio-api (commit them).
fixtures:
	$(CARGO) run -p studio-api --bin gen-fixtures

## ---- checks ------------------------------------------------------------------------------
lint: fmt clippy
	cd ui && npm run typecheck

fmt:
	$(CARGO) fmt --all -- --check

clippy: ui
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Rust unit + integration tests (includes the stale-bindings check), inside a private D-Bus
# session with an unlocked gnome-keyring so keychain tests use the real Secret Service.
test-rust: peers
	scripts/with-test-session $(CARGO) test --workspace

test-ui: ui-deps
	cd ui && npm test

# The UI in Debian's Chromium (Playwright) against the in-memory test backend.
test-browser: ui-deps
	cd ui && npm run build:e2e && npm run e2e

# The real app under Xvfb, driven through tauri-driver + WebKitWebDriver.
test-app: build tools peers
	TAURI_DRIVER="$(TAURI_DRIVER)" APP_BIN="$(APP_BIN)" STUDIO_BIN="$(STUDIO_BIN)" \
	  timeout 600 scripts/with-test-session --xvfb node --test --test-timeout=120000 tests/app-e2e/

tools: $(TAURI_DRIVER)

$(TAURI_DRIVER):
	$(CARGO) install tauri-driver --locked --version '^2' --root "$(TOOLS_DIR)"

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/dist-e2e
