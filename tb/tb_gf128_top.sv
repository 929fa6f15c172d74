// tb_gf128_top: tlsnic_gf128_mul and tlsnic_gf128_sq side by side, combinational, for
// test/rtl-ghash.test.ts (bench tb/tb_gf128.cpp). Built without TLSNIC_GF_LOOP, so the
// multiply is the balanced tree that synthesis takes.
module tb_gf128_top (
  input  logic [127:0] a_i,
  input  logic [127:0] b_i,
  output logic [127:0] mul_o,
  output logic [127:0] sq_o
);
  tlsnic_gf128_mul u_mul (.a_i, .b_i, .p_o(mul_o));
  tlsnic_gf128_sq  u_sq  (.a_i, .p_o(sq_o));
endmodule
