// tlsnic_rx_engine: the RX offload engine's source files in compile order (packages first).
// Used by Verilator (-f), the Makefile, the harness (harness/engine) and the synthesis flow.
// The blocks shared with the TX engine (rtl/common, rtl/crypto) are the same files.
rtl/common/tlsnic_pkg.sv
rtl/crypto/tlsnic_aes_pkg.sv
rtl/rx/tlsnic_rx_pkg.sv
rtl/crypto/tlsnic_aes_sbox.sv
rtl/crypto/tlsnic_aes_sbox_rom.sv
rtl/crypto/tlsnic_aes_pipe.sv
rtl/common/tlsnic_ctx_table.sv
rtl/crypto/tlsnic_gf128_dot3.sv
rtl/crypto/tlsnic_xor6.sv
rtl/crypto/tlsnic_gf128_mul.sv
rtl/crypto/tlsnic_gf128_sq.sv
rtl/crypto/tlsnic_gcm_back.sv
rtl/common/tlsnic_pkt_parse.sv
rtl/common/tlsnic_frame_in.sv
rtl/common/tlsnic_csum_beat.sv
rtl/common/tlsnic_rec_track.sv
rtl/common/tlsnic_frame_buf.sv
rtl/rx/tlsnic_rx_toeplitz.sv
rtl/rx/tlsnic_rx_cuckoo.sv
rtl/rx/tlsnic_rx_ctrl.sv
rtl/rx/tlsnic_rx_decide.sv
rtl/rx/tlsnic_rx_seq.sv
rtl/rx/tlsnic_rx_install.sv
rtl/rx/tlsnic_rx_verdict.sv
rtl/rx/tlsnic_rx_csum_check.sv
rtl/rx/tlsnic_rx_ctx_pack.sv
rtl/rx/tlsnic_rx_ctx_unpack.sv
rtl/rx/tlsnic_rx_front.sv
rtl/rx/tlsnic_rx_engine.sv
