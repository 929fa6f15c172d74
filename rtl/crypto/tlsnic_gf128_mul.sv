// tlsnic_gf128_mul: GHASH's GF(2^128) multiply, combinational, written for logic depth.
// Bit order as GHASH's blocks (SP 800-38D): bit 127 - k holds the coefficient of x^k; the field
// polynomial is 1 + x + x^2 + x^7 + x^128 (tlsnic_aes_pkg::gf128_reduce).
//
// One Karatsuba level (issue 16: area): with A = A1 x^64 + A0 and B = B1 x^64 + B0, the
// carry-less product is A1B1 x^128 + (AmBm + A1B1 + A0B0) x^64 + A0B0, Am = A1 + A0, Bm = B1 + B0:
// three 64 x 64 products instead of four. Each of their 127 coefficients is one XOR reduction of
// up to 64 AND terms, which Yosys maps to a balanced tree; then the three are combined (at most
// five terms a coefficient) and reduced once (at most 16 product bits a result bit). A
// shift-and-XOR loop (SP 800-38D Algorithm 1) is a 128-deep chain instead. Measured alone
// (Yosys 0.23, this repository's recipes): generic `abc -fast -lut 6` 7,718 LUT6 and 6 levels
// (the schoolbook form, one reduction of up to 128 terms a coefficient: 10,226 and 5);
// synth_xilinx with `abc -fast` 10,615 LUT + 2,860 MUXF7/8 (schoolbook 13,596 + 5,713). A second
// Karatsuba level mapped larger there (11,161 LUT + 5,674 MUXF), so one it is.
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

  // One copy of the C++ for every instance (an engine has up to 10: three in B0, LANES + 2 in B2, one in B3 of tlsnic_gcm_back).
  /* verilator no_inline_module */

`ifdef TLSNIC_GF_LOOP
  assign p_o = tlsnic_aes_pkg::gf128_mul(a_i, b_i);
`else
  // ac[i]: a's coefficient of x^i. b_i's bit m is b's coefficient of x^(127 - m), so b's halves
  // come reversed (bit j of y0 is B0's coefficient of x^(63 - j)), which is what a column needs.
  logic [127:0] ac;
  logic [63:0]  x0, x1, xm, y0, y1, ym;
  logic [126:0] p0, p1, pm, mid;    // 64 x 64 products, coefficient k at bit k
  logic [254:0] pk, prod;           // carry-less product: coefficient k at pk[k], at prod[254 - k]

  // A loop, not 128 assigns: Verilator then computes ac once instead of substituting the bit
  // gather into every coefficient's expression (which made the C++ too large to compile).
  always_comb begin
    for (int i = 0; i < 128; i++) ac[i] = a_i[127 - i];
  end
  assign x0 = ac[63:0];
  assign x1 = ac[127:64];
  assign xm = x0 ^ x1;
  assign y0 = b_i[127:64];
  assign y1 = b_i[63:0];
  assign ym = y0 ^ y1;

  // Coefficient k of X Y = sum over i of x_i y_(k-i), i from max(0, k-63) to min(k, 63); y's
  // coefficient k - i is bit 63 - k + i of its reversed form, so both operands are slices.
  for (genvar k = 0; k < 127; k++) begin : g_col
    localparam int ILo = (k > 63) ? k - 63 : 0;
    localparam int IHi = (k < 63) ? k : 63;
    assign p0[k] = ^(x0[IHi:ILo] & y0[63 - k + IHi : 63 - k + ILo]);
    assign p1[k] = ^(x1[IHi:ILo] & y1[63 - k + IHi : 63 - k + ILo]);
    assign pm[k] = ^(xm[IHi:ILo] & ym[63 - k + IHi : 63 - k + ILo]);
  end
  assign mid = pm ^ p0 ^ p1;

  always_comb begin
    pk = '0;
    pk[126:0]   = pk[126:0] ^ p0;
    pk[190:64]  = pk[190:64] ^ mid;
    pk[254:128] = pk[254:128] ^ p1;
    for (int k = 0; k < 255; k++) prod[254 - k] = pk[k];
  end

  assign p_o = tlsnic_aes_pkg::gf128_reduce(prod);
`endif

endmodule
