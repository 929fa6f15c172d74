// tlsnic_tx_engine: the TX offload engine's source files in compile order (packages first).
// Used by Verilator (-f), the Makefile, harness/tx-sim.ts and the synthesis flow.
rtl/tlsnic_aes_pkg.sv
rtl/tlsnic_tx_pkg.sv
rtl/tlsnic_aes_sbox.sv
rtl/tlsnic_aes_round.sv
rtl/tlsnic_aes_pipe.sv
rtl/tlsnic_pkt_parse.sv
rtl/tlsnic_frame_in.sv
rtl/tlsnic_csum_beat.sv
rtl/tlsnic_rec_track.sv
rtl/tlsnic_tx_front.sv
rtl/tlsnic_tx_back.sv
rtl/tlsnic_tx_outbuf.sv
rtl/tlsnic_tx_engine.sv
