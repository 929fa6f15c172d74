// tlsnic_ghash_powers: H -> {H^LANES, ..., H^2, H} for the aggregated GHASH fold.
//
// Latency: 2 enabled cycles for every LANES (fixed, so the caller's delay line does not depend
// on LANES). Stage 1 computes H^2 = H*H; stage 2 computes H^3 = H^2*H and H^4 = H^2*H^2. With
// global enable en_i all registers advance together; no valid is needed (data follows the
// caller's valid). LANES = 1, 2 or 4.
//
// Cost: LANES-1 GF(2^128) multipliers (0, 1, 3), ~2*LANES*128 flops. This replaces storing
// LANES-1 powers per connection (128*(LANES-1) bits x 64K contexts = 24 Mbit at LANES = 4):
// the engine stores only H and the powers are recomputed per beat while the AES pipeline runs.
module tlsnic_ghash_powers #(
  parameter int unsigned LANES = 1
) (
  input  logic                 clk_i,
  input  logic                 en_i,
  input  logic [127:0]         h_i,
  output logic [LANES*128-1:0] hpow_o   // H^(k+1) in [k*128 +: 128]
);

  logic [127:0] h1_q, h2_q;       // stage 1: H, H^2
  logic [127:0] p1_q, p2_q;       // stage 2: H, H^2
  logic [127:0] p3_q, p4_q;       // stage 2: H^3, H^4
  logic [127:0] h2_d, p3_d, p4_d;

  if (LANES > 1) begin : g_sq
    assign h2_d = tlsnic_aes_pkg::gf128_mul(h_i, h_i);
  end else begin : g_nosq
    assign h2_d = 128'h0;
  end

  if (LANES > 2) begin : g_p34
    assign p3_d = tlsnic_aes_pkg::gf128_mul(h2_q, h1_q);
    assign p4_d = tlsnic_aes_pkg::gf128_mul(h2_q, h2_q);
  end else begin : g_nop34
    assign p3_d = 128'h0;
    assign p4_d = 128'h0;
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      h1_q <= h_i;
      h2_q <= h2_d;
      p1_q <= h1_q;
      p2_q <= h2_q;
      p3_q <= p3_d;
      p4_q <= p4_d;
    end
  end

  if (LANES == 1) begin : g_l1
    assign hpow_o = p1_q;
    logic unused_pow;
    assign unused_pow = ^{p2_q, p3_q, p4_q};
  end else if (LANES == 2) begin : g_l2
    assign hpow_o = {p2_q, p1_q};
    logic unused_pow;
    assign unused_pow = ^{p3_q, p4_q};
  end else begin : g_l4
    assign hpow_o = {p4_q, p3_q, p2_q, p1_q};
  end

  // LANES other than 1, 2, 4 is a configuration error.
  if (LANES != 1 && LANES != 2 && LANES != 4) begin : g_bad_lanes
    $error("tlsnic_ghash_powers: LANES must be 1, 2 or 4");
  end

endmodule
