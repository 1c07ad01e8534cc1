# Thin wrapper over CMake. `make run` and `make check` work on a fresh Debian 12 machine as root:
# they install what is missing (scripts/install-deps) first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
MAKEFLAGS  += --no-print-directory
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all deps web-deps build run check test test-asan asan bench fuzz format format-check clean

all: build

deps:
	@scripts/install-deps

# ofd.js 0.2.6 and playwright-core for tests/cli/ofdjs_*.sh, exactly as tests/web/package-lock.json
# pins them; again whenever the lockfile changes (npm writes node_modules/.package-lock.json).
WEB := tests/web
web-deps: deps
	@if [ ! -f $(WEB)/node_modules/.package-lock.json ] || \
	    [ $(WEB)/package-lock.json -nt $(WEB)/node_modules/.package-lock.json ]; then \
	    echo "npm ci in $(WEB)"; \
	    cd $(WEB) && npm ci --ignore-scripts --no-audit --no-fund --no-progress; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# The main job: a demo CA, seal-maker and signer certificates, and a verified seal under ./demo/.
run: build
	scripts/demo.sh $(BUILD)/tools/sealcert/sealcert demo

test: build web-deps
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, built with clang so both
# compilers' warnings are errors.
asan: deps
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSEALCERT_SANITIZE=ON \
	    -DSEALCERT_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)

test-asan: asan web-deps
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS)

check: test format-check test-asan

bench: build
	scripts/bench.sh $(BUILD)

fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEALCERT_FUZZ=ON \
	    -DSEALCERT_TESTS=OFF -DSEALCERT_BENCH=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h') && echo "format: ok"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
