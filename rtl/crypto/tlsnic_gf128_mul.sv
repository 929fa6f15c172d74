// tlsnic_gf128_mul: GHASH's GF(2^128) multiply, combinational, written for logic depth.
// Bit order as GHASH's blocks (SP 800-38D): bit 127 - k holds the coefficient of x^k; the field
// polynomial is 1 + x + x^2 + x^7 + x^128 (tlsnic_aes_pkg::gf128_reduce).
//
// Each of the 255 product coefficients is one XOR reduction of up to 128 AND terms, which Yosys
// maps to a balanced tree (7 levels of 2-input XOR; about 4 LUT6 levels with the ANDs), then the
// reduction adds at most 16 product bits to each result bit (about 2 LUT6 levels). A
// shift-and-XOR loop (SP 800-38D Algorithm 1) is a 128-deep chain instead. For Verilator each
// coefficient is a masked parity of four words.
//
// Simulation builds of the engines define TLSNIC_GF_LOOP and evaluate the same product with the
// package's word-wide loop (tlsnic_aes_pkg::gf128_mul), which Verilator runs about twice as
// fast. The two forms are proven equal by test/rtl-ghash.test.ts: a multiply is bilinear, and the
// tree form built without the define equals the loop on all 128 x 128 pairs of basis vectors;
// synthesis (no define) takes the tree, and the netlist re-simulation runs it in the engine.
// Latency: 0 (combinational).
module tlsnic_gf128_mul (
  input  logic [127:0] a_i,
  input  logic [127:0] b_i,
  output logic [127:0] p_o
);

  // One copy of the C++ for every instance (an engine has up to 15).
  /* verilator no_inline_module */

`ifdef TLSNIC_GF_LOOP
  assign p_o = tlsnic_aes_pkg::gf128_mul(a_i, b_i);
`else
  // ac[i]: a's coefficient of x^i. b_i's bit m is b's coefficient of x^(127 - m).
  logic [127:0] ac;
  logic [254:0] prod;   // carry-less product, coefficient k at bit 254 - k

  // A loop, not 128 assigns: Verilator then computes ac once instead of substituting the bit
  // gather into every coefficient's expression (which made the C++ too large to compile).
  always_comb begin
    for (int i = 0; i < 128; i++) ac[i] = a_i[127 - i];
  end

  // Coefficient k = sum over i of a_i * b_(k-i), i from max(0, k-127) to min(k, 127); b's
  // coefficient k - i is b_i bit 127 - k + i, so both operands are contiguous slices.
  for (genvar k = 0; k < 255; k++) begin : g_col
    localparam int ILo = (k > 127) ? k - 127 : 0;
    localparam int IHi = (k < 127) ? k : 127;
    assign prod[254 - k] = ^(ac[IHi:ILo] & b_i[127 - k + IHi : 127 - k + ILo]);
  end

  assign p_o = tlsnic_aes_pkg::gf128_reduce(prod);
`endif

endmodule
