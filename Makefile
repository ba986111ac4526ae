# Rampart build entry points. `make demo` and `make test` work as root on a fresh Debian 12.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LAUNCHER := $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Lets ccache reuse objects between clones in different folders.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build asan tsan demo test test-unit test-asan test-tsan test-e2e format \
	format-check bench fuzz clean

all: build

deps:
	scripts/install-deps

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" $(LAUNCHER) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DRAMPART_SANITIZE=ON -DRAMPART_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-O1 -g1" $(LAUNCHER) $(CMAKE_FLAGS)

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

demo: build
	scripts/demo $(BUILD)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# The tests of concurrent code (threads sharing stores, servers, pools and registries) under
# ThreadSanitizer. Only their programs are built, with the test suites picked by name.
TSAN_TARGETS = core_test store_test store_extras_test server_test api_test \
	remediate_engine_test pattern_test bus_test
TSAN_SUITES = ^(Metrics|EventConsumerTest|OutboxPublisherTest|ServerRestartTest|Concurrency|AuditLogTest|TokenStoreTest|RemediationStoreTest|WorkerTest|WorkerPoolTest|HttpServerTest|RobustnessTest|LimitsApiTest|Matcher)\.

$(TSAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DRAMPART_TSAN=ON -DRAMPART_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-O1 -g1" $(LAUNCHER) $(CMAKE_FLAGS)

tsan: deps $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target $(TSAN_TARGETS)

test-tsan: tsan
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/cmake/tsan-suppressions.txt" \
	  ctest --output-on-failure -j $(JOBS) -R '$(TSAN_SUITES)'

# Drives the web console of build/rampart in headless Chromium (Debian's chromium, with
# playwright-core from e2e/package-lock.json); npm uses its cache when the registry is away.
test-e2e: build
	npm ci --prefix e2e --no-audit --no-fund --prefer-offline
	cd e2e && RAMPART_BIN=$(CURDIR)/$(BUILD)/rampart npm test

test: test-unit test-asan test-tsan test-e2e format-check
	@echo "make test: unit tests, sanitizer tests, console tests and format check passed"

FORMAT_FILES = $(shell git ls-files '*.cc' '*.h')

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

bench: build
	scripts/bench $(BUILD)

# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS on its corpus,
# FUZZ_JOBS targets at a time (scripts/fuzz --help lists more options).
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DRAMPART_FUZZ=ON \
	  -DRAMPART_TESTS=OFF -DRAMPART_BENCH=OFF $(LAUNCHER)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	scripts/fuzz --jobs $(FUZZ_JOBS) $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
