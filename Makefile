# tlsnic top-level targets. The README names two: `make run` and `make test`.
# Both first run scripts/setup.sh, which installs only what is missing.

RTL_PKGS  := $(wildcard rtl/*_pkg.sv)
RTL_SRCS  := $(RTL_PKGS) $(filter-out $(RTL_PKGS),$(wildcard rtl/*.sv))

.PHONY: all setup run test lint synth clean

all: run

setup:
	@scripts/setup.sh

run: setup
	node bin/tlsnic.mjs run

test: setup
	npm test

lint:
	@if [ -n "$(RTL_SRCS)" ]; then verilator --lint-only -Wall $(RTL_SRCS) --top-module $(or $(LINT_TOP),tlsnic_gcm_datapath); fi

clean:
	rm -rf build out
