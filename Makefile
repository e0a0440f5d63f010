# budget-app + its architecture explorer.
#   make demo   run the whole system locally (real postgres, 2 gunicorn, prometheus, nginx on :8889)
#   make test   every check and test; installs whatever is missing first
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

K8S_DIR   := k8s
BUNDLE    := public/manifests.yaml
EXPLORER  := target/debug/explorer

.PHONY: help deps demo down dist bundle fmt-check clippy test test-native test-manifests \
        test-api test-wasm test-e2e test-stack bench load clean fuzz

help:
	@echo "make demo   - run budget-app locally and open http://127.0.0.1:8889/explorer/"
	@echo "make down   - stop what make demo started (keeps the database)"
	@echo "make test   - install what is missing, then run every check and test"
	@echo "make dist   - build the explorer (release wasm) into dist/"
	@echo "make csp    - after a CSS change: its hash into the CSP of k8s/nginx/configmap.yml"
	@echo "make bench  - core parse+graph and layout benchmarks"
	@echo "make load   - 60 s wrk load test through nginx (needs make demo)"
	@echo "make startup-code - what a cold start compiles of the wasm, by crate (needs make demo)"

deps:
	bash scripts/install-deps.sh all
	cargo fetch --locked

$(EXPLORER): $(shell find crates -name '*.rs' -o -name Cargo.toml) Cargo.lock
	cargo build --locked -p explorer-cli

# The redacted bundle the SPA loads, made from k8s/ by the core's CLI.
bundle: $(EXPLORER)
	$(EXPLORER) bundle $(K8S_DIR) -o $(BUNDLE)

# The release build. The CSS goes inline into index.html (its hash in the CSP: make csp);
# then index.html gets the first frame of the diagram, drawn from k8s/ by the same writer as
# the page (on screen before the wasm has loaded); app.html, the fallback for every other
# route, has the CSS but no first frame. Every text asset gets a .gz beside it (gzip_static).
dist: bundle
	trunk build --release --locked
	bash scripts/minify-js.sh dist
	python3 scripts/externalize-boot-script.py dist
	python3 scripts/inline-css.py dist $(K8S_DIR)/nginx/configmap.yml
	cp dist/index.html dist/app.html
	$(EXPLORER) render $(K8S_DIR) --first-frame -o dist/index.html
	bash scripts/precompress.sh dist
	@python3 scripts/size-report.py dist

# After a CSS change: the CSP's hash of the page's one <style> (scripts/inline-css.py),
# written into the nginx ConfigMap.
.PHONY: csp
csp: bundle
	trunk build --release --locked
	python3 scripts/inline-css.py dist $(K8S_DIR)/nginx/configmap.yml --update-csp

fmt-check:
	cargo fmt --all --check

clippy:
	cargo clippy --locked -p explorer-core -p explorer-view -p explorer-cli --all-targets -- -D warnings
	cargo clippy --locked -p explorer --target wasm32-unknown-unknown --all-targets -- -D warnings

# Native tests; the hostile corpus again in a release build, where its 1 s limit applies.
test-native:
	cargo test --locked -p explorer-core -p explorer-view -p explorer-cli
	cargo test --locked --release -p explorer-core --test hostile -- --nocapture

# The pipeline fuzz target (tests/robustness.rs) for longer: make fuzz FUZZ_CASES=100000
FUZZ_CASES ?= 20000
fuzz:
	FUZZ_CASES=$(FUZZ_CASES) cargo test --locked --release -p explorer-core --test robustness -- --nocapture

test-manifests:
	bash scripts/check-manifests.sh

test-api:
	bash scripts/test-api.sh

# The longer schemathesis run against the API (make test-api runs a 2-minute one after pytest).
.PHONY: fuzz-api
fuzz-api:
	API_FUZZ=long API_PYTEST=0 bash scripts/test-api.sh

# A few wasm-bindgen tests in headless Chromium (webdriver.json holds the flags).
test-wasm:
	CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
	  cargo test --locked -p explorer --profile wasm-test --target wasm32-unknown-unknown --test wasm -- --nocapture

# Playwright in real Chromium against the real nginx of the local stack.
test-e2e:
	trap 'bash stack/down.sh' EXIT; \
	  bash stack/up.sh && \
	  bash scripts/test-stack.sh && \
	  node --test --test-concurrency=1 tests/e2e/ && \
	  node --test --test-concurrency=1 tests/e2e-live/

# The live view's outage drills alone (issue 13; also the last part of test-e2e): the test
# stops and restarts PostgreSQL, Prometheus and the Flask replicas of the local stack.
.PHONY: test-live
test-live: dist
	trap 'bash stack/down.sh' EXIT; \
	  bash stack/up.sh && \
	  node --test --test-concurrency=1 tests/e2e-live/

# The stack's own acceptance checks (health, allowlist, outage and recovery), without the browser.
test-stack:
	trap 'bash stack/down.sh' EXIT; bash stack/up.sh && bash scripts/test-stack.sh

test: deps fmt-check clippy test-native test-manifests test-api dist test-wasm test-e2e
	@echo "make test: all green"

demo: deps dist
	bash stack/up.sh

down:
	bash stack/down.sh

bench:
	cargo run --release --locked -p explorer-core --example bench
	cargo run --release --locked -p explorer-view --example layout_bench

load:
	bash scripts/load-test.sh

# What a cold start compiles of the wasm, by crate and function (needs make demo; a cold start
# is compile-bound: README, Performance).
.PHONY: startup-code
startup-code:
	node scripts/startup-code.mjs

clean:
	rm -rf dist target/wasm-bindgen-test $(BUNDLE)
