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

.PHONY: all setup configure build serve test install release deb bench clean

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

bench: build
	@SWAPI_SETUP_BENCH=1 scripts/setup
	bench/run $(BUILD_DIR)/swapi

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR)
