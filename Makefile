# The two commands a user types: `make serve` and `make test`. Both install missing build
# dependencies (Debian/Ubuntu), configure and build into build/.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR := $(if $(SWAPI_WERROR),ON,OFF)
# ccache, when installed, makes rebuilds across checkouts cheap; nothing else depends on it.
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

.PHONY: all setup configure build serve test install bench clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSWAPI_WERROR=$(WERROR) $(LAUNCHER) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

serve: configure
	@cmake --build $(BUILD_DIR) --target swapi -j $(JOBS)
	$(BUILD_DIR)/swapi serve $(ARGS)

test: build
	@SWAPI_SETUP_BROWSER=1 scripts/setup
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

install: build
	cmake --install $(BUILD_DIR)

bench: build
	@SWAPI_SETUP_BENCH=1 scripts/setup
	bench/run $(BUILD_DIR)/swapi

clean:
	rm -rf $(BUILD_DIR)
