// tlsnic_gf128_sq: squaring in GHASH's GF(2^128), combinational. Squaring is linear in
// characteristic 2: coefficient i moves to 2i, and the reduction (tlsnic_aes_pkg::gf128_reduce)
// adds a few terms, so each result bit is an XOR of at most about 10 input bits (2 LUT6 levels).
// Used for the even H powers of an install (H^2j = (H^j)^2). Latency: 0 (combinational).
module tlsnic_gf128_sq (
  input  logic [127:0] a_i,
  output logic [127:0] p_o
);

  // One copy of the C++ for every instance (an engine has up to 15).
  /* verilator no_inline_module */

  logic [254:0] prod;   // coefficient k at bit 254 - k, as tlsnic_gf128_mul's product

  for (genvar k = 0; k < 255; k++) begin : g_spread
    if (k % 2 == 0) begin : g_even
      assign prod[254 - k] = a_i[127 - k / 2];
    end else begin : g_odd
      assign prod[254 - k] = 1'b0;
    end
  end

  assign p_o = tlsnic_aes_pkg::gf128_reduce(prod);

endmodule
