# tlsnic top-level targets. The README names two: `make run` and `make test`.
# Both first run scripts/setup.sh, which installs only what is missing.

RTL_PKGS  := $(wildcard rtl/*_pkg.sv)
RTL_SRCS  := $(RTL_PKGS) $(filter-out $(RTL_PKGS),$(wildcard rtl/*.sv))
# The TX engine's file list in compile order (harness/tx-sim.ts txEngineSources() builds the same).
TX_SRCS   := rtl/tlsnic_aes_pkg.sv rtl/tlsnic_tx_pkg.sv rtl/tlsnic_aes_sbox.sv rtl/tlsnic_aes_round.sv \
             rtl/tlsnic_aes_pipe.sv rtl/tlsnic_pkt_parse.sv rtl/tlsnic_tx_front.sv rtl/tlsnic_tx_back.sv \
             rtl/tlsnic_tx_outbuf.sv rtl/tlsnic_tx_engine.sv

.PHONY: all setup run test lint lint-all synth clean bench-gcm

all: run

setup:
	@scripts/setup.sh

run: setup
	node bin/tlsnic.mjs run

test: setup
	npm test

GCM_SRCS  := rtl/tlsnic_aes_pkg.sv rtl/tlsnic_aes_sbox.sv rtl/tlsnic_aes_round.sv rtl/tlsnic_aes_pipe.sv \
             rtl/tlsnic_ghash_powers.sv rtl/tlsnic_ghash.sv rtl/tlsnic_gcm_datapath.sv
LINT      := verilator --lint-only -Wall

# Design-point configurations, in parallel (about 30 s): the AES-GCM core at LANES = 4 and the TX
# engine at W = 512. `make lint-all` covers every width and the 65,536-entry flow table.
lint:
	@$(LINT) -GLANES=4 --top-module tlsnic_gcm_datapath $(GCM_SRCS) & p1=$$!; \
	 $(LINT) -GW=512 --top-module tlsnic_tx_engine $(TX_SRCS) & p2=$$!; \
	 wait $$p1 && wait $$p2
	@if [ -n "$(LINT_TOP)" ]; then $(LINT) $(RTL_SRCS) --top-module $(LINT_TOP); fi

lint-all:
	@for l in 1 2 4; do $(LINT) -GLANES=$$l --top-module tlsnic_gcm_datapath $(GCM_SRCS) || exit 1; done
	@for w in 128 256 512; do $(LINT) -GW=$$w --top-module tlsnic_tx_engine $(TX_SRCS) || exit 1; done
	@$(LINT) -GW=512 -GN_CTX=65536 --top-module tlsnic_tx_engine $(TX_SRCS)

bench-gcm:
	npx tsx bench/gcm-bench.ts

clean:
	rm -rf build out
