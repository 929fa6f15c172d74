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
	@# The AES-GCM core with its own file list (other blocks' packages would be flagged as unused),
	@# at every supported LANES; LINT_TOP=<top> additionally lints all of rtl/ under that top.
	@for l in 1 2 4; do verilator --lint-only -Wall -GLANES=$$l --top-module tlsnic_gcm_datapath \
	  rtl/tlsnic_aes_pkg.sv rtl/tlsnic_aes_sbox.sv rtl/tlsnic_aes_round.sv rtl/tlsnic_aes_pipe.sv \
	  rtl/tlsnic_ghash_powers.sv rtl/tlsnic_ghash.sv rtl/tlsnic_gcm_datapath.sv || exit 1; done
	@if [ -n "$(LINT_TOP)" ]; then verilator --lint-only -Wall $(RTL_SRCS) --top-module $(LINT_TOP); fi

bench-gcm:
	npx tsx bench/gcm-bench.ts

clean:
	rm -rf build out
