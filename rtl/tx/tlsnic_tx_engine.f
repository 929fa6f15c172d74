// tlsnic_tx_engine: the TX offload engine's source files in compile order (packages first).
// Used by Verilator (-f), the Makefile, the harness (harness/engine) and the synthesis flow.
// Paths are relative to the repository root.
rtl/common/tlsnic_pkg.sv
rtl/crypto/tlsnic_aes_pkg.sv
rtl/tx/tlsnic_tx_pkg.sv
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
rtl/common/tlsnic_rec_track.sv
rtl/common/tlsnic_csum_beat.sv
rtl/common/tlsnic_frame_buf.sv
rtl/tx/tlsnic_tx_front.sv
rtl/tx/tlsnic_tx_compl.sv
rtl/tx/tlsnic_tx_engine.sv
