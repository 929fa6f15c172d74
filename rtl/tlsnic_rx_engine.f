// tlsnic_rx_engine: the RX offload engine's source files in compile order (packages first).
// Used by Verilator (-f), the Makefile, harness/rx-sim.ts and the synthesis flow. The blocks
// shared with the TX engine (parser, record tracker, AES pipeline, GCM back end) are the same files.
rtl/tlsnic_aes_pkg.sv
rtl/tlsnic_tx_pkg.sv
rtl/tlsnic_rx_pkg.sv
rtl/tlsnic_aes_sbox.sv
rtl/tlsnic_aes_round.sv
rtl/tlsnic_aes_pipe.sv
rtl/tlsnic_pkt_parse.sv
rtl/tlsnic_frame_in.sv
rtl/tlsnic_csum_beat.sv
rtl/tlsnic_rec_track.sv
rtl/tlsnic_rx_front.sv
rtl/tlsnic_tx_back.sv
rtl/tlsnic_rx_outbuf.sv
rtl/tlsnic_rx_engine.sv
