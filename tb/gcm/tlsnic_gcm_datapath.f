// tlsnic_gcm_datapath: a stand-alone AES-GCM core kept for its tests (test/rtl-gcm.test.ts,
// test/rtl-ghash.test.ts, bench/gcm-bench.ts). No engine uses it: the engines' GCM is
// rtl/crypto/tlsnic_gcm_back.sv. Used by Verilator (-f), the Makefile and harness/gcm-sims.ts.
rtl/crypto/tlsnic_aes_pkg.sv
rtl/crypto/tlsnic_aes_sbox.sv
rtl/crypto/tlsnic_aes_sbox_rom.sv
rtl/crypto/tlsnic_aes_pipe.sv
tb/gcm/tlsnic_ghash_powers.sv
tb/gcm/tlsnic_ghash.sv
tb/gcm/tlsnic_gcm_datapath.sv
