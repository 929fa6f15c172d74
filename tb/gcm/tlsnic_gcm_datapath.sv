// tlsnic_gcm_datapath: a stand-alone AES-GCM core (CTR keystream XOR and GHASH for up to LANES
// 16-byte blocks of one connection per cycle, any connection on any cycle), kept in tb/ for the
// tests and the benchmark that exercise it. Neither engine uses it: their GCM is
// rtl/crypto/tlsnic_gcm_back.sv, which shares only the AES pipeline with this core.
//
// One input beat = up to LANES blocks of ONE GHASH stream (one TLS record of one connection) with
// that connection's key, H, saved accumulator and an opaque user tag. Latency is fixed at
// 16 enabled cycles (14 AES stages + 2 GHASH stages), throughput one beat per cycle, with no
// bubble when the key, key size or connection changes between beats.
//
// Lane l of a beat (fields [l*W +: W] of the per-lane buses) has a kind:
//   KindNone  lane empty (empty lanes must follow all used lanes: used lanes are 0..n-1)
//   KindAad   data is AAD: hashed, passed through (masked), no keystream
//   KindText  data is plaintext (encrypt) or ciphertext (decrypt): out = (data ^ E_K(iv||ctr)) & mask;
//             the ciphertext (input if in_decrypt_i, output otherwise) is hashed
//   KindLen   data is the GCM length block len(A)||len(C) (bits): hashed, passed through, and the
//             lane's keystream E_K(iv||ctr) with ctr = 1 is E_K(J0): out_tag_o = GHASH ^ E_K(J0)
//             after this beat. Must be the last used lane of its beat (it is the last block).
// mask: bit b of a lane covers data bits [8b+7:8b] (bit 15 = first byte); bytes outside the mask
// are zeroed before hashing and in the output, which is how a partial last block is padded.
//
// GHASH accumulator forwarding: in_chain_i = 1 says the beat continues the GHASH stream of the
// beat accepted immediately before it (bubbles in between are fine); the core then uses its own
// accumulator and ignores in_acc_i, so one connection streams back-to-back at one beat per cycle.
// in_chain_i = 0 starts from in_acc_i (zero at record start, else the out_acc_o the engine saved
// after that stream's last beat, which must have left the core: issue it >= 16 cycles later).
// Every valid beat updates the accumulator (beats with no hashed lane leave it unchanged).
//
// Key install: in_install_i = 1 encrypts 0^128 with the beat's key in lane 0 (iv/ctr/data/kind
// ignored, nothing hashed); out_data_o lane 0 = H = E_K(0^128) 16 cycles later. One beat slot.
// The powers H^2..H^LANES are recomputed from in_h_i on every beat (tlsnic_ghash_powers, in
// parallel with the AES pipeline), so per connection the engine stores:
//   key 256 + key size 1 + H 128 + GHASH accumulator 128 = 513 bits (plus its own counters),
// i.e. ~33.6 Mbit at 65,536 contexts; round keys (1920 bits) and H powers (128*(LANES-1)) are
// not stored.
//
// Flow control: global enable en = out_ready_i | ~out_valid_o; in_ready_o = en (combinational
// from out_ready_i). When en is low every stage holds. Give the output a skid buffer if the
// ready path must be cut.
module tlsnic_gcm_datapath #(
  parameter int unsigned LANES  = 4,
  parameter int unsigned USER_W = 16
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [255:0]         in_key_i,      // AES-128 key in [255:128]
  input  logic                 in_key256_i,
  input  logic [127:0]         in_h_i,        // H = E_K(0^128) of this key
  input  logic [127:0]         in_acc_i,
  input  logic                 in_chain_i,
  input  logic                 in_decrypt_i,
  input  logic                 in_install_i,
  input  logic [95:0]          in_iv_i,       // counter block of lane l = {iv, ctr[l]}
  input  logic [LANES*32-1:0]  in_ctr_i,
  input  logic [LANES*2-1:0]   in_kind_i,
  input  logic [LANES*16-1:0]  in_mask_i,
  input  logic [LANES*128-1:0] in_data_i,
  input  logic [USER_W-1:0]    in_user_i,

  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [LANES*128-1:0] out_data_o,
  output logic [LANES*2-1:0]   out_kind_o,
  output logic [LANES*16-1:0]  out_mask_o,
  output logic [127:0]         out_acc_o,     // GHASH accumulator after this beat
  output logic                 out_tag_valid_o,
  output logic [127:0]         out_tag_o,     // valid with out_tag_valid_o (beat had KindLen)
  output logic                 out_install_o, // install result: H in out_data_o lane 0
  output logic [USER_W-1:0]    out_user_o
);

  localparam int unsigned BW = LANES * 128;
  localparam int unsigned CW = $clog2(LANES + 1);
  localparam int unsigned AES_LAT = 14;
  localparam int unsigned POW_LAT = 2;
  // AES sideband: data, mask, kind, acc, chain, decrypt, install, user.
  localparam int unsigned SBA_W = BW + LANES * 16 + LANES * 2 + 128 + 3 + USER_W;
  // GHASH sideband: output data, kind, mask, E_K(J0), tag valid, install, user.
  localparam int unsigned SBG_W = BW + LANES * 2 + LANES * 16 + 128 + 2 + USER_W;

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  logic en;
  assign en         = out_ready_i | ~out_valid_o
`ifndef SYNTHESIS
                      | (brk == 32'd9)   // test-only fault: the pipeline ignores out_ready_i
`endif
                      ;
  assign in_ready_o = en;

  // ---- AES pipeline: counter blocks in, keystream out -------------------------------------
  logic [BW-1:0]    ctr_blk;
  logic [SBA_W-1:0] sba_in, sba_out;
  logic             aes_valid;
  logic [BW-1:0]    ks;

  for (genvar l = 0; l < LANES; l++) begin : g_ctr
    assign ctr_blk[l*128 +: 128] = in_install_i ? 128'h0 : {in_iv_i, in_ctr_i[l*32 +: 32]};
  end

  assign sba_in = {in_data_i, in_mask_i, in_kind_i, in_acc_i, in_chain_i, in_decrypt_i,
                   in_install_i, in_user_i};

  tlsnic_aes_pipe #(
    .LANES(LANES),
    .SB_W (SBA_W)
  ) u_aes (
    .clk_i,
    .rst_ni,
    .en_i    (en),
    .valid_i (in_valid_i),
    .key_i   (in_key_i),
    .key256_i(in_key256_i),
    .blk_i   (ctr_blk),
    .sb_i    (sba_in),
    .valid_o (aes_valid),
    .blk_o   (ks),
    .sb_o    (sba_out)
  );

  // ---- H powers, computed while the AES pipeline runs, then delayed to meet it ------------
  logic [BW-1:0] hpow_early;
  logic [(AES_LAT-POW_LAT)*BW-1:0] hpow_q;
  logic [BW-1:0] hpow;

  tlsnic_ghash_powers #(
    .LANES(LANES)
  ) u_pow (
    .clk_i,
    .en_i  (en),
    .h_i   (in_h_i),
    .hpow_o(hpow_early)
  );

  always_ff @(posedge clk_i) begin
    if (en) hpow_q <= {hpow_q[(AES_LAT-POW_LAT-1)*BW-1:0], hpow_early};
  end
  assign hpow = hpow_q[(AES_LAT-POW_LAT-1)*BW +: BW];

  // ---- keystream XOR, masking, hash inputs (combinational at the AES output) --------------
  logic [BW-1:0]       a_data;
  logic [LANES*16-1:0] a_mask;
  logic [LANES*2-1:0]  a_kind;
  logic [127:0]        a_acc;
  logic                a_chain, a_decrypt, a_install;
  logic [USER_W-1:0]   a_user;

  assign {a_data, a_mask, a_kind, a_acc, a_chain, a_decrypt, a_install, a_user} = sba_out;

  logic [BW-1:0]  x_out, x_hash;
  logic [127:0]   ekj0;
  logic           tag_valid;
  logic [CW-1:0]  nblk;

  always_comb begin
    x_out     = '0;
    x_hash    = '0;
    ekj0      = 128'h0;
    tag_valid = 1'b0;
    nblk      = '0;
    for (int l = 0; l < LANES; l++) begin
      logic [127:0] bmask, d, k, ct;
      logic [1:0]   kind;
      for (int b = 0; b < 16; b++) bmask[b*8 +: 8] = {8{a_mask[l*16 + b]}};
      d    = a_data[l*128 +: 128];
      k    = ks[l*128 +: 128];
      kind = a_kind[l*2 +: 2];
      ct   = (kind == tlsnic_aes_pkg::KindText) ? (d ^ k) : d;
      if (kind != tlsnic_aes_pkg::KindNone) begin
        x_out[l*128 +: 128]  = ct & bmask;
        x_hash[l*128 +: 128] = (a_decrypt ? d : ct) & bmask;
        nblk = nblk + 1'b1;
      end
      if (kind == tlsnic_aes_pkg::KindLen) begin
        ekj0      = ekj0 | k;
        tag_valid = 1'b1;
      end
    end
    if (a_install) begin
      x_out          = '0;
      x_out[127:0]   = ks[127:0];
      nblk           = '0;
      tag_valid      = 1'b0;
    end
  end

  // ---- GHASH fold -----------------------------------------------------------------------------
  logic [SBG_W-1:0] sbg_in, sbg_out;
  logic [127:0]     g_ekj0;
  logic             g_tag_valid;

  assign sbg_in = {x_out, a_kind, a_mask, ekj0, tag_valid, a_install, a_user};

  tlsnic_ghash #(
    .LANES(LANES),
    .SB_W (SBG_W)
  ) u_ghash (
    .clk_i,
    .rst_ni,
    .en_i   (en),
    .valid_i(aes_valid),
    .blk_i  (x_hash),
    .nblk_i (nblk),
    .hpow_i (hpow),
    .acc_i  (a_acc),
    .chain_i(a_chain),
    .sb_i   (sbg_in),
    .valid_o(out_valid_o),
    .acc_o  (out_acc_o),
    .sb_o   (sbg_out)
  );

  assign {out_data_o, out_kind_o, out_mask_o, g_ekj0, g_tag_valid, out_install_o, out_user_o} = sbg_out;
  assign out_tag_o       = out_acc_o ^ g_ekj0;
  assign out_tag_valid_o = g_tag_valid;

  // ---- Assertions (simulation only; docs/architecture.md "Assertions") ---------------------
  // The output port's rule: a beat presented with out_ready_i low stays presented, every output
  // field unchanged, until it is taken. (Immediate assertions at the clock edge: they read the
  // values before it; the cycle before is kept in sim_* registers.) Test-only fault 9 lets the
  // pipeline advance while the output is stalled.
`ifndef SYNTHESIS
  localparam int unsigned OUT_W = BW + LANES * 2 + LANES * 16 + 128 + 1 + 128 + 1 + USER_W;
  logic             sim_stall_q;
  logic [OUT_W-1:0] sim_out_q, sim_out;
  assign sim_out = {out_data_o, out_kind_o, out_mask_o, out_acc_o, out_tag_valid_o, out_tag_o, out_install_o, out_user_o};
  always_ff @(posedge clk_i) sim_out_q <= sim_out;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sim_stall_q <= 1'b0;
    else sim_stall_q <= out_valid_o && !out_ready_i;
  end
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_out_hold: assert (!sim_stall_q || out_valid_o)
        else $error("tlsnic_gcm_datapath: out_valid dropped while stalled");
      a_out_stable: assert (!sim_stall_q || !out_valid_o || sim_out == sim_out_q)
        else $error("tlsnic_gcm_datapath: an output field changed while stalled");
    end
  end
`endif

endmodule
