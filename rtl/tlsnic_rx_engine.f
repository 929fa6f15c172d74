// tlsnic_rx_engine: the RX offload engine's source files in compile order (packages first).
// Used by Verilator (-f), the Makefile and harness/rx-sim.ts.
rtl/tlsnic_aes_pkg.sv
rtl/tlsnic_aes_sbox.sv
rtl/tlsnic_aes_round.sv
rtl/tlsnic_aes_pipe.sv
rtl/tlsnic_pkt_parse.sv
rtl/tlsnic_rx_engine.sv
