// tlsnic_gf128_dot3: three AND terms XORed, a_i[0] b_i[0] ^ a_i[1] b_i[1] ^ a_i[2] b_i[2]: the
// leaf of tlsnic_gf128_mul's column trees. Six inputs, one output: one LUT6.
// A module of its own on purpose (issue 16: area): Yosys maps each module alone, so ABC sees six
// inputs and cannot spread a product's XOR trees over small LUTs and MUXF7/8 as it does with the
// whole multiplier in one cone (measured: 5,679 LUT and no MUXF for the multiplier built from
// these leaves, against 10,615 LUT + 2,860 MUXF). Flattened analyses (the LUT6 depth) see through it.
// Latency: 0 (combinational).
module tlsnic_gf128_dot3 (
  input  logic [2:0] a_i,
  input  logic [2:0] b_i,
  output logic       y_o
);
  assign y_o = ^(a_i & b_i);
endmodule
