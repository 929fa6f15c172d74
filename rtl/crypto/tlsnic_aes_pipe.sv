// tlsnic_aes_pipe: fully pipelined AES-128/AES-256 encryption, LANES blocks per cycle.
//
// What it does: every cycle in which en_i is high, one beat enters: up to LANES 128-bit
// blocks that share one key (key_i, key256_i), plus an opaque sideband sb_i. Exactly
// Latency = 14 enabled cycles later the beat leaves with each block replaced by
// AES_K(block) (valid_o, blk_o, sb_o). Consecutive beats may carry different keys and key
// sizes: the key travels down the pipeline with its beat, so a key change costs no bubble
// and no flush.
//
// Flow control: a global enable. en_i advances every stage at once (bubbles included);
// when en_i is low the whole pipeline holds. The parent derives en_i from its output
// handshake (en = out_ready | ~out_valid); see tlsnic_gcm_datapath.
//
// Key schedule choice: expanded on the fly. Each stage carries a 256-bit window of the
// last eight expanded words {older, newer}; "newer" is the round key the next stage uses,
// and each stage computes the following four words in parallel with its data round, so key
// expansion is never on the data path. The window is shared by all lanes of a beat (one
// beat = one key), so per pipeline the key logic is 4 S-boxes + 4 word XORs per stage and
// 256 window flops per stage, independent of LANES. Per lane the cost is the round itself:
// 16 S-boxes + MixColumns + 128 state flops per stage (14 stages). Per connection the
// engine stores only the raw key: 256 bits + 1 key-size bit (vs. 15 x 128 = 1920 bits of
// round keys if they were stored per context).
//
// Key sizes share one 14-stage pipeline with a fixed latency: stage 1 applies round key 0;
// an AES-256 beat runs rounds 1..14 in stages 1..14, an AES-128 beat passes stages 1..4
// unchanged (stage 1 only makes its first expanded round key) and runs rounds 1..10 in
// stages 5..14. The last round (no MixColumns) is therefore always stage 14, and the
// pass-through costs one 128-bit mux per lane in stages 1..4 only.
//
// Stage s register contents: state after round s (AES-256) or round s-4 (AES-128, s >= 5),
// the key window {rk_s, rk_s+1} for that round numbering, valid, key size and sideband.
module tlsnic_aes_pipe #(
  parameter int unsigned LANES = 1,
  parameter int unsigned SB_W  = 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    en_i,
  input  logic                    valid_i,
  input  logic [255:0]            key_i,     // AES-128 key in [255:128]
  input  logic                    key256_i,  // 1 = AES-256
  input  logic [LANES*128-1:0]    blk_i,     // lane l in [l*128 +: 128]
  input  logic [SB_W-1:0]         sb_i,
  output logic                    valid_o,
  output logic [LANES*128-1:0]    blk_o,
  output logic [SB_W-1:0]         sb_o
);

  localparam int unsigned NS = 14;
  localparam int unsigned BW = LANES * 128;

  // Stage s (1..NS) registers live at slice s-1. A stage's data register is the output of its
  // S-box ROMs (SubBytes of the stage's input state, tlsnic_aes_sbox_rom); the rest of the round
  // (ShiftRows, MixColumns, AddRoundKey) is logic after that register, feeding the next stage's
  // ROMs. So a stage's register-to-register path is that logic and the ROM read, and the ROMs
  // map to block RAM (issue 16: area and logic depth).
  logic [NS*BW-1:0]       sub_q;          // SubBytes of stage s's input state
  logic [NS*BW-1:0]       st_o;           // stage s's output state: from its registers, combinational
  logic [(NS-1)*256-1:0]  win_q, win_d;   // stage NS needs no window
  logic [127:0]           rk_last_q;      // stage NS's round key
  logic [NS-1:0]          vld_q, vld_d;
  logic [NS-1:0]          k256_q, k256_d;
  logic [NS*SB_W-1:0]     sb_q, sb_d;

  for (genvar s = 1; s <= NS; s++) begin : g_stage
    // Constants of this stage for each key size.
    localparam logic       Rot256 = (s % 2) == 1;
    localparam logic [7:0] Rc256  = tlsnic_aes_pkg::aes_rcon((s + 1) / 2);
    localparam logic [7:0] Rc128  = (s == 1) ? 8'h01 : tlsnic_aes_pkg::aes_rcon(s - 3);

    logic [BW-1:0]  st_in;
    logic [255:0]   win_in;
    logic           k256;
    logic [127:0]   step;

    if (s == 1) begin : g_in
      // Round key 0 is the first key half for both sizes. The AES-128 window starts as
      // {-, key}; the AES-256 window is the key itself.
      assign st_in  = blk_i ^ {LANES{key_i[255:128]}};
      assign k256   = key256_i;
      assign win_in = key256_i ? key_i : {128'h0, key_i[255:128]};
      assign vld_d[0]  = valid_i;
      assign k256_d[0] = key256_i;
      assign sb_d[SB_W-1:0] = sb_i;
    end else begin : g_mid
      assign st_in  = st_o[(s-2)*BW +: BW];
      assign k256   = k256_q[s-2];
      assign win_in = win_q[(s-2)*256 +: 256];
      assign vld_d[s-1]  = vld_q[s-2];
      assign k256_d[s-1] = k256_q[s-2];
      assign sb_d[(s-1)*SB_W +: SB_W] = sb_q[(s-2)*SB_W +: SB_W];
    end

    // SubBytes into the stage register: two bytes a ROM.
    for (genvar p = 0; p < BW / 16; p++) begin : g_rom
      tlsnic_aes_sbox_rom u_rom (
        .clk_i,
        .en_i,
        .a_i (st_in[16*p +: 8]),
        .b_i (st_in[16*p + 8 +: 8]),
        .ya_o(sub_q[(s-1)*BW + 16*p +: 8]),
        .yb_o(sub_q[(s-1)*BW + 16*p + 8 +: 8])
      );
    end

    // The rest of the round, after the register: ShiftRows, MixColumns (not in the last stage),
    // AddRoundKey. The round key is the one the stage's input side used: the window the stage
    // registered holds it as its older half (stages 1..4 of AES-128 pass, so theirs is unused);
    // the last stage has no window and registers its round key.
    logic [127:0] rk;
    if (s < NS) begin : g_rk
      assign rk = win_q[(s-1)*256 + 128 +: 128];
    end else begin : g_rk_last
      assign rk = rk_last_q;
    end
    logic [BW-1:0] rnd;
    for (genvar l = 0; l < LANES; l++) begin : g_lane
      logic [127:0] sr;
      assign sr = tlsnic_aes_pkg::aes_shift_rows(sub_q[(s-1)*BW + l*128 +: 128]);
      if (s == NS) begin : g_last
        assign rnd[l*128 +: 128] = sr ^ rk;
      end else begin : g_mix
        assign rnd[l*128 +: 128] = tlsnic_aes_pkg::aes_mix_columns(sr) ^ rk;
      end
    end
    if (s <= 4) begin : g_mux
      // AES-128 passes stages 1..4 untouched: their input state is registered beside the ROMs.
      logic [BW-1:0] raw_q;
      always_ff @(posedge clk_i) begin
        if (en_i) raw_q <= st_in;
      end
      assign st_o[(s-1)*BW +: BW] = k256_q[s-1] ? rnd : raw_q;
    end else begin : g_run
      assign st_o[(s-1)*BW +: BW] = rnd;
    end

    if (s < NS) begin : g_key
      // Next four key words: t = SubWord(RotWord(w_last)) ^ Rcon, or SubWord(w_last) on the
      // even AES-256 stages; 4 S-boxes shared by both key sizes.
      logic        rot;
      logic [31:0] w_last, sub_in, sub_out, t;
      assign rot    = k256 ? Rot256 : 1'b1;
      assign w_last = win_in[31:0];
      assign sub_in = rot ? {w_last[23:0], w_last[31:24]} : w_last;
      for (genvar b = 0; b < 4; b++) begin : g_ksbox
        tlsnic_aes_sbox u_sbox (
          .x_i(sub_in[b*8 +: 8]),
          .y_o(sub_out[b*8 +: 8])
        );
      end
      assign t    = sub_out ^ (rot ? {k256 ? Rc256 : Rc128, 24'h0} : 32'h0);
      assign step = tlsnic_aes_pkg::aes_key_xor(win_in, k256, t);
      // The stage's own round key (win_in[127:0]; stage 1: key_i[127:0]) becomes the older half.
      if (s == 1) begin : g_k1
        assign win_d[255:0] = {k256 ? key_i[127:0] : key_i[255:128], step};
      end else if (s <= 4) begin : g_k2
        assign win_d[(s-1)*256 +: 256] = k256 ? {win_in[127:0], step} : win_in;
      end else begin : g_k3
        assign win_d[(s-1)*256 +: 256] = {win_in[127:0], step};
      end
    end else begin : g_nokey
      assign step = 128'h0;
      always_ff @(posedge clk_i) begin
        if (en_i) rk_last_q <= win_in[127:0];
      end
      logic unused_step;
      assign unused_step = ^{step, win_in[255:128], k256};
    end
  end

  // Valid bits reset; data flops do not (they are qualified by valid and map to SRLs).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      vld_q <= '0;
    end else if (en_i) begin
      vld_q <= vld_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      win_q  <= win_d;
      k256_q <= k256_d;
      sb_q   <= sb_d;
    end
  end

  assign valid_o = vld_q[NS-1];
  assign blk_o   = st_o[(NS-1)*BW +: BW];   // the last stage's round, after its register
  assign sb_o    = sb_q[(NS-1)*SB_W +: SB_W];

  logic unused_k256;
  assign unused_k256 = k256_q[NS-1];

endmodule
