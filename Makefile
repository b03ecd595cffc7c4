# The two commands a user types: `make serve` and `make test`. Both install missing build
# dependencies (Debian/Ubuntu), configure and build into build/.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR := $(if $(SWAPI_WERROR),ON,OFF)
# ccache, when installed, makes rebuilds across checkouts cheap; nothing else depends on it.
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)
# `make install` and `make deb` build the product alone, optimised, in a tree of their own.
RELEASE_DIR ?= build-release
PREFIX ?= /usr/local
# CMake's generated makefiles run make recursively; without this every level prints
# "gmake[4]: Entering directory ...". The build's own progress ([ 42%] Building ...) stays.
MAKEFLAGS += --no-print-directory

.PHONY: all setup configure build serve test test-asan test-tsan fuzz install release deb bench clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSWAPI_WERROR=$(WERROR) $(LAUNCHER) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

serve: configure
	@cmake --build $(BUILD_DIR) --target swapi -j $(JOBS)
	@$(BUILD_DIR)/swapi serve $(ARGS)

test: build
	@SWAPI_SETUP_BROWSER=1 scripts/setup
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

release: setup
	@cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release -DSWAPI_BUILD_TESTS=OFF -DSWAPI_WERROR=$(WERROR) \
	  $(LAUNCHER) >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

# The stripped Release binary, the man pages and the bash completion under $(PREFIX).
install: release
	cmake --install $(RELEASE_DIR) --strip --prefix $(PREFIX)

# A Debian package of the same files (CPack): $(RELEASE_DIR)/swapi_<version>_<arch>.deb.
deb: release
	cd $(RELEASE_DIR) && cpack -G DEB

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included)
# in its own build dir. Every process the tests start (the real swapi binary included) logs
# a report to $(ASAN_DIR)/sanitizer-reports/ instead of only its stderr, so a report from a
# child whose exit status no test looks at still fails the run. tests/sanitizer/ holds the
# suppressions (library false positives only, each with its reason).
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:log_path=$(CURDIR)/$(1)/sanitizer-reports/asan \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizer/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(CURDIR)/$(1)/sanitizer-reports/ubsan \
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/sanitizer/tsan.supp:log_path=$(CURDIR)/$(1)/sanitizer-reports/tsan

test-asan: setup
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWAPI_SANITIZE=address,undefined -DSWAPI_WERROR=$(WERROR) $(LAUNCHER) >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	@rm -rf $(ASAN_DIR)/sanitizer-reports && mkdir -p $(ASAN_DIR)/sanitizer-reports
	cd $(ASAN_DIR) && $(call SANITIZER_ENV,$(ASAN_DIR)) ctest --output-on-failure -j $(JOBS) --timeout 600
	@scripts/sanitizer-reports $(ASAN_DIR)/sanitizer-reports

# ThreadSanitizer over the server tests (token cache, copy-on-write store, remote JWKS
# refresher, keyset reload) and the integration tests that drive the real server.
test-tsan: setup
	@cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWAPI_SANITIZE=thread -DSWAPI_WERROR=$(WERROR) $(LAUNCHER) >/dev/null
	@cmake --build $(TSAN_DIR) --target swapi server_tests integration_tests -j $(JOBS)
	@rm -rf $(TSAN_DIR)/sanitizer-reports && mkdir -p $(TSAN_DIR)/sanitizer-reports
	cd $(TSAN_DIR) && $(call SANITIZER_ENV,$(TSAN_DIR)) ctest --output-on-failure -j $(JOBS) --timeout 600 -R '^(server|integration): '
	@scripts/sanitizer-reports $(TSAN_DIR)/sanitizer-reports

# The libFuzzer targets of tests/fuzz (clang), each for FUZZ_SECONDS on its corpus in
# $(FUZZ_DIR)/corpus, niced, one at a time; FUZZ_TARGETS picks some ("jws pem").
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: setup
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)


bench: build
	@SWAPI_SETUP_BENCH=1 scripts/setup
	bench/run $(BUILD_DIR)/swapi

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR)
