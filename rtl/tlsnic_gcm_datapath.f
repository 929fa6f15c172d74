// tlsnic_gcm_datapath: the stand-alone AES-GCM core's source files in compile order.
// Used by Verilator (-f), the Makefile and harness/gcm-sims.ts.
rtl/tlsnic_aes_pkg.sv
rtl/tlsnic_aes_sbox.sv
rtl/tlsnic_aes_round.sv
rtl/tlsnic_aes_pipe.sv
rtl/tlsnic_ghash_powers.sv
rtl/tlsnic_ghash.sv
rtl/tlsnic_gcm_datapath.sv
