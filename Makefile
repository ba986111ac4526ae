# Rampart build entry points. `make demo` and `make test` work as root on a fresh Debian 12.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LAUNCHER := $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Lets ccache reuse objects between clones in different folders.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build asan demo test test-unit test-asan test-e2e format format-check bench fuzz clean

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

# Drives the web console of build/rampart in headless Chromium (Debian's chromium, with
# playwright-core from e2e/package-lock.json); npm uses its cache when the registry is away.
test-e2e: build
	npm ci --prefix e2e --no-audit --no-fund --prefer-offline
	cd e2e && RAMPART_BIN=$(CURDIR)/$(BUILD)/rampart npm test

test: test-unit test-asan test-e2e format-check
	@echo "make test: unit tests, sanitizer tests, console tests and format check passed"

FORMAT_FILES = $(shell git ls-files '*.cc' '*.h')

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

bench: build
	scripts/bench $(BUILD)

# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS on its corpus.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DRAMPART_FUZZ=ON \
	  -DRAMPART_TESTS=OFF -DRAMPART_BENCH=OFF $(LAUNCHER)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
