// tlsnic_gf128_mul: GHASH's GF(2^128) multiply, combinational, written for logic depth.
// Bit order as GHASH's blocks (SP 800-38D): bit 127 - k holds the coefficient of x^k; the field
// polynomial is 1 + x + x^2 + x^7 + x^128 (tlsnic_aes_pkg::gf128_reduce).
//
// One Karatsuba level (issue 16: area): with A = A1 x^64 + A0 and B = B1 x^64 + B0, the
// carry-less product is A1B1 x^128 + (AmBm + A1B1 + A0B0) x^64 + A0B0, Am = A1 + A0, Bm = B1 + B0:
// three 64 x 64 products instead of four. Each of their 127 coefficients is an XOR of up to 64
// AND terms, built as a tree of LUT6-sized modules (three terms a leaf, six leaves a node); then
// the three are combined (at most five terms a coefficient) and reduced once (at most 16 product
// bits a result bit). A shift-and-XOR loop (SP 800-38D Algorithm 1) is a 128-deep chain instead.
// Measured alone, synth_xilinx with `abc -fast` (this repository's recipe, Yosys 0.23): 5,679 LUT,
// no MUXF, 6 levels. The same Karatsuba form as one expression (no leaf modules) mapped to
// 10,615 LUT + 2,860 MUXF7/8 at 11 levels, ABC's full script to 11,943 + 3,793; the schoolbook
// form to 13,596 + 5,713; a second Karatsuba level (one expression) to 11,161 + 5,674.
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
  // Each column is a two-level tree of module leaves (issue 16: area, see tlsnic_gf128_dot3):
  // three AND terms a leaf (tlsnic_gf128_dot3, one LUT6), six leaves a node (tlsnic_xor6), and the
  // column's nodes (at most four) XORed here.
  for (genvar k = 0; k < 127; k++) begin : g_col
    localparam int ILo = (k > 63) ? k - 63 : 0;
    localparam int IHi = (k < 63) ? k : 63;
    localparam int NG  = (IHi - ILo + 3) / 3;   // leaves
    localparam int NH  = (NG + 5) / 6;          // nodes
    logic [NG-1:0] g0, g1, gm;
    logic [NH-1:0] h0, h1, hm;
    for (genvar j = 0; j < NG; j++) begin : g_leaf
      localparam int GLo = ILo + 3 * j;
      localparam int GHi = (GLo + 2 > IHi) ? IHi : GLo + 2;
      tlsnic_gf128_dot3 u_d0 (.a_i(3'(x0[GHi:GLo])), .b_i(3'(y0[63 - k + GHi : 63 - k + GLo])), .y_o(g0[j]));
      tlsnic_gf128_dot3 u_d1 (.a_i(3'(x1[GHi:GLo])), .b_i(3'(y1[63 - k + GHi : 63 - k + GLo])), .y_o(g1[j]));
      tlsnic_gf128_dot3 u_dm (.a_i(3'(xm[GHi:GLo])), .b_i(3'(ym[63 - k + GHi : 63 - k + GLo])), .y_o(gm[j]));
    end
    for (genvar j = 0; j < NH; j++) begin : g_node
      localparam int HLo = 6 * j;
      localparam int HHi = (HLo + 5 > NG - 1) ? NG - 1 : HLo + 5;
      if (HHi == HLo) begin : g_one      // a single leaf: no node
        assign h0[j] = g0[HLo];
        assign h1[j] = g1[HLo];
        assign hm[j] = gm[HLo];
      end else begin : g_xor
        tlsnic_xor6 u_x0 (.a_i(6'(g0[HHi:HLo])), .y_o(h0[j]));
        tlsnic_xor6 u_x1 (.a_i(6'(g1[HHi:HLo])), .y_o(h1[j]));
        tlsnic_xor6 u_xm (.a_i(6'(gm[HHi:HLo])), .y_o(hm[j]));
      end
    end
    assign p0[k] = ^h0;
    assign p1[k] = ^h1;
    assign pm[k] = ^hm;
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
