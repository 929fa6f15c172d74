// tlsnic_xor6: the XOR of six bits, one LUT6: the second level of tlsnic_gf128_mul's column trees,
// a module of its own for the reason tlsnic_gf128_dot3 gives. Latency: 0 (combinational).
module tlsnic_xor6 (
  input  logic [5:0] a_i,
  output logic       y_o
);
  assign y_o = ^a_i;
endmodule
