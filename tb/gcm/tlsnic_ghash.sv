// tlsnic_ghash: GHASH fold of up to LANES blocks per cycle with an accumulator forwarding path.
//
// Per beat (valid_i, under global enable en_i): blocks X1..Xn in lanes 0..n-1 (n = nblk_i,
// 0..LANES, already zero-padded/masked), the powers {H^LANES..H} (hpow_i), an incoming
// accumulator acc_i and chain_i. The unit computes
//   base = chain_i ? (accumulator after the previous valid beat) : acc_i
//   acc' = (base ^ X1)*H^n ^ X2*H^(n-1) ^ ... ^ Xn*H        (acc' = base when n = 0)
// and delivers acc' as acc_o with valid_o exactly 2 enabled cycles later, with sb_i alongside.
//
// Forwarding: chain_i = 1 means "this beat continues the GHASH of the beat immediately before
// it" (previous valid beat, bubbles between them allowed); the unit then ignores acc_i and
// uses its own register, so one connection can stream back-to-back at one beat per cycle
// while the engine's flow-table copy of the accumulator is still in flight. chain_i = 0 takes
// acc_i (the engine's saved accumulator, or zero at a record start); it must already include
// every earlier beat of that GHASH, i.e. the result of a non-adjacent earlier beat of the same
// stream must have left this unit (2 cycles) and been written back by the engine.
//
// Pipeline: stage 1 multiplies lanes 1..n-1 by their powers (they do not depend on the
// accumulator) and XORs them into P, and selects H^n; stage 2 is the feedback loop: one
// multiplier, acc' = (base ^ X1)*H^n ^ P, so the loop is 1 multiply + 2 XOR levels deep.
// Cost: LANES GF(2^128) multipliers (bit-parallel AND/XOR networks), ~(LANES+3)*128 flops.
module tlsnic_ghash #(
  parameter int unsigned LANES = 1,
  parameter int unsigned SB_W  = 1,
  localparam int unsigned CW   = $clog2(LANES + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 en_i,
  input  logic                 valid_i,
  input  logic [LANES*128-1:0] blk_i,    // X(l+1) in [l*128 +: 128]
  input  logic [CW-1:0]        nblk_i,   // blocks in lanes 0..n-1
  input  logic [LANES*128-1:0] hpow_i,   // H^(k+1) in [k*128 +: 128]
  input  logic [127:0]         acc_i,
  input  logic                 chain_i,
  input  logic [SB_W-1:0]      sb_i,
  output logic                 valid_o,
  output logic [127:0]         acc_o,
  output logic [SB_W-1:0]      sb_o
);

  // ---- stage 1: independent products -------------------------------------------------------
  logic [127:0] p_d, hn_d;
  logic [LANES*128-1:0] term;
  logic [31:0] n32;

  assign n32 = {{(32 - CW){1'b0}}, nblk_i};

  always_comb begin
    hn_d = 128'h0;
    for (int k = 1; k <= LANES; k++) begin
      if (n32 == k) hn_d = hpow_i[(k-1)*128 +: 128];
    end
  end

  assign term[127:0] = 128'h0;
  for (genvar j = 1; j < LANES; j++) begin : g_term
    // Lane j (block X(j+1)) is multiplied by H^(n-j) when j < n.
    logic [127:0] pw;
    always_comb begin
      pw = 128'h0;
      for (int k = j + 1; k <= LANES; k++) begin
        if (n32 == k) pw = hpow_i[(k-j-1)*128 +: 128];
      end
    end
    assign term[j*128 +: 128] = tlsnic_aes_pkg::gf128_mul(blk_i[j*128 +: 128], pw);
  end

  always_comb begin
    p_d = 128'h0;
    for (int j = 1; j < LANES; j++) p_d = p_d ^ term[j*128 +: 128];
  end

  logic           v1_q, chain1_q, any1_q;
  logic [127:0]   x1_q, hn1_q, p1_q, acc1_q;
  logic [SB_W-1:0] sb1_q;

  // ---- stage 2: the accumulator loop ----------------------------------------------------------
  logic           v2_q;
  logic [127:0]   acc_q, acc_d, base;
  logic [SB_W-1:0] sb2_q;

  assign base  = chain1_q ? acc_q : acc1_q;
  assign acc_d = any1_q ? (tlsnic_aes_pkg::gf128_mul(base ^ x1_q, hn1_q) ^ p1_q) : base;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v1_q <= 1'b0;
      v2_q <= 1'b0;
    end else if (en_i) begin
      v1_q <= valid_i;
      v2_q <= v1_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      chain1_q <= chain_i;
      any1_q   <= nblk_i != '0;
      x1_q     <= blk_i[127:0];
      hn1_q    <= hn_d;
      p1_q     <= p_d;
      acc1_q   <= acc_i;
      sb1_q    <= sb_i;
      sb2_q    <= sb1_q;
      if (v1_q) acc_q <= acc_d;
    end
  end

  assign valid_o = v2_q;
  assign acc_o   = acc_q;
  assign sb_o    = sb2_q;

  if (LANES != 1 && LANES != 2 && LANES != 4) begin : g_bad_lanes
    $error("tlsnic_ghash: LANES must be 1, 2 or 4");
  end

endmodule
