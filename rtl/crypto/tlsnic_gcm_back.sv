// tlsnic_gcm_back: the AES-GCM back end of both offload engines: encrypt (TX engine) or, with
// DECRYPT = 1, decrypt and authenticate (RX engine). Receives each work item from the AES
// pipeline (tlsnic_aes_pipe output: the item descriptor in the sideband plus LANES+1 encrypted
// counter blocks) and
//   * XORs the keystream into the record payload bytes of slot A and slot B (tlsnic_tx_front
//     header explains the slots), using the keystream block saved from the previous item when
//     slot A starts mid-block;
//   * folds the ciphertext into GHASH: slot A continues the record's accumulator with up to
//     LANES+2 blocks (AAD, ciphertext, padded last block, length block) aggregated with
//     H^1..H^(LANES+2); slot B starts a new accumulator with up to LANES blocks;
//   * finishes the tag (GHASH ^ E_K(J0)) when slot A's payload ends and writes tag bytes;
//   * after the beat's last item, computes the beat's share of the TCP checksum and hands the
//     beat to the output buffer; on a packet's last beat, the final checksum and keep/drop.
// Per-connection crypto state (tlsnic_gcm_back::bctx) lives in the back flow table, loaded on a
// frame's first crypto item and written back on its last item if the frame commits; otherwise
// the working copy returns to the snapshot taken at load.
// The hash key H = E_K(0^128) lives in a table of its own (u_htbl, 128 bits per connection; issue
// 16: the powers H^2..H^(LANES+2) are no longer stored, 640 bits per connection fewer at
// W = 512). It is read as an item leaves the AES pipeline, and the powers are derived in the two
// stages before B0 (P0: H; P1: the squares H^2, H^4; B0: the odd powers and H^6, one multiply),
// so every item reaches B1 with the powers of its own context. An install item (lane 0 =
// E_K(0^128) = H) writes H as it leaves the AES pipeline, so the next item already reads it.
// Key hygiene: a delete item (del with crypto, commit and fr_last) writes the
// context's entries all zero (H as it leaves the AES pipeline), and the working copy and the
// snapshot with it (an install clears the snapshot too); the RX front end sends the same item,
// outside any frame's output (pkt and wr low), for a context it evicts. After reset both tables
// are cleared, one entry per cycle (N_CTX cycles, in parallel with the front end's own clear,
// during which no item can arrive). The tables and their widths are Verilator-public (read back
// by tb/tb_tables.h; synthesis ignores the comments).
//
// DECRYPT = 1 is the RX engine's variant (tlsnic_rx_engine): the same item format, keystream and
// GHASH, but GHASH absorbs the item's input bytes (the received ciphertext), the payload leaves
// decrypted, tag bytes pass as received and are compared with the computed tag instead of being
// written (ob_tagfail_o: a record whose last tag byte is in the packet did not authenticate).
// The item's user field is carried, unchanged, from a frame's last item to ob_user_o (the RX engine's
// verdict fields); ob_raw_o is the beat as received.
//
// Stages: P0 registers the AES output and reads H; P1 registers H, H^2 and H^4; B0 registers
// the item with all its powers and reads the back table; B1 (combinational) does all of the
// above for one item; B2 merges the items of a beat and registers it; B3 (encrypt only) sums the
// TCP checksum over the registered beat and registers the outputs, which drive the output
// buffer. Latency from the AES output to ob_wr_o: 5 cycles encrypting, 4 decrypting (no B3, no
// checksum: ob_csum_o is zero).
module tlsnic_gcm_back #(
  parameter int unsigned W     = 512,
  parameter int unsigned N_CTX = 1024,
  parameter bit          DECRYPT = 1'b0,
  parameter int unsigned UW    = 1,                    // item_t.user bits
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,
  localparam int unsigned LG = L + 2,                 // slot A GHASH lanes
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1,
  localparam int unsigned KW = $clog2(LA + 1),
  localparam int unsigned IW = tlsnic_pkg::item_bits(W, CW, UW)   // item_t bits (checked below)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              en_i,
  // item from the AES pipeline
  input  logic              it_valid_i,
  input  logic [IW-1:0]     it_i,           // item_t (rtl/common/tlsnic_item.svh)
  input  logic [LA*128-1:0] aes_i,          // E_K(counter block), lane l at [l*128 +: 128]
  // to the output buffer
  output logic              ob_wr_o,
  output logic [W-1:0]      ob_data_o,
  output logic [B-1:0]      ob_keep_o,
  output logic              ob_end_o,       // frame end of a packet (with or without a beat)
  output logic              ob_keep_pkt_o,
  output logic              ob_fix_o,
  output logic [15:0]       ob_csum_o,
  output logic [13:0]       ob_csum_beat_o,
  output logic [PB-1:0]     ob_csum_lane_o,
  output logic [W-1:0]      ob_raw_o,       // the beat as received
  output logic              ob_tagfail_o,   // with ob_end_o (DECRYPT): a record's tag mismatched
  output logic [UW-1:0]     ob_user_o,      // with ob_end_o: the user field of the frame's last item
  // to the completion queue (encrypt only; tlsnic_tx_compl): a record finished in order, and
  // frame ends that keep or take back the frame's completions
  output logic              cp_wr_o,
  output logic [207:0]      cp_data_o,      // {context (16), record sequence number (64), tag (block order)}
  output logic              cp_end_o,
  output logic              cp_keep_o
);

  localparam logic [7:0] LgLanes = LG[7:0];
  localparam logic [7:0] LbLanes = L[7:0];

  `include "tlsnic_item.svh"

  // Back-end context: GHASH accumulator or finished tag of the current record, and the saved
  // keystream block (stream byte order). (H: u_htbl. E_K(J0) rides in lane a_k of the item where
  // the record's tag starts: the front end encrypts J0 there, so it is not kept; issue 16: 128
  // bits per context fewer.) The accumulator already holds the bytes
  // of the record's partial last ciphertext block (GHASH is linear: acc ^ (old bytes | new bytes)
  // = (acc ^ old bytes) ^ new bytes, each zero-padded in its place), so the partial block needs no
  // field of its own (issue 16: 128 bits per context fewer).
  // The accumulator and the tag share one field (issue 16: 128 bits per context fewer): between
  // items a record is either in its payload (the accumulator and the keystream block are live)
  // or in its tag (the finished tag is live, the record's GHASH is over). tph says which.
  typedef struct packed {
    logic [127:0]      acc;    // GHASH accumulator; with tph, the record's finished tag
    logic [127:0]      ks;
    logic              tbad;   // DECRYPT: a tag byte of the current record mismatched
    logic              tph;    // tag phase: slot A's payload ended (a_fin), acc holds its tag
  } bctx_t;
  // Declared here so BWID can take its width: Yosys rejects $bits(<type>).
  bctx_t  wk_q, snap_q, bs, bs_nx;
  localparam int unsigned BWID /*verilator public_flat_rd*/ = $bits(wk_q);

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  // ---------------------------------------------------------------------------------------
  // P0, P1: the item and its AES lanes wait two cycles while the hash key's powers are derived.
  // P0 registers the AES output; the H table is read at the same edge. An install or delete that
  // commits writes H (E_K(0^128), or zero) at that edge: every later item reads the new value.
  localparam int unsigned HWID /*verilator public_flat_rd*/ = 128;
  logic              p0_valid_q, p1_valid_q;
  item_t             p0_in, p0_q, p1_q;
  logic [LA*128-1:0] p0_aes_q, p1_aes_q;
  logic [127:0]      h_rd, p1_h_q, p1_h2_q, p1_h4_q, h2_nx, h4_nx;
  logic              h_we, ht_busy_unused;
  logic [127:0]      h_wd, ht_ld_unused, ht_wk_unused, ht_snap_unused;
  assign p0_in = it_i;
  assign h_we  = en_i && it_valid_i && (p0_in.inst || p0_in.del) && p0_in.fr_last && p0_in.commit && !p0_in.side;
  assign h_wd  = p0_in.inst ? aes_i[127:0] : 128'h0;   // block order, as the multipliers take it

  tlsnic_ctx_table #(.N_CTX(N_CTX), .DW(HWID), .IDW(CW)) u_htbl (
    .clk_i, .rst_ni,
    .busy_o    (ht_busy_unused),
    .rd_en_i   (en_i),
    .rd_id_i   (p0_in.ctx),
    .rd_fid_i  (p0_in.ctx),
    .rd_o      (h_rd),
    .wr_en_i   (h_we),
    .wr_id_i   (p0_in.ctx),
    .wr_d_i    (h_wd),
    .ld_id_i   (p0_in.ctx),
    .ld_o      (ht_ld_unused),
    .own_i     (1'b0),
    .own_id_i  (p0_in.ctx),
    .wk_we_i   (1'b0),
    .wk_d_i    ('0),
    .wk_o      (ht_wk_unused),
    .snap_we_i (1'b0),
    .snap_d_i  ('0),
    .snap_o    (ht_snap_unused)
  );

  // Even powers by squaring (linear: 2 LUT6 levels each), registered in P1.
  tlsnic_gf128_sq u_sq2 (.a_i(h_rd),  .p_o(h2_nx));
  tlsnic_gf128_sq u_sq4 (.a_i(h2_nx), .p_o(h4_nx));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      p0_valid_q <= 1'b0;
      p1_valid_q <= 1'b0;
    end else if (en_i) begin
      p0_valid_q <= it_valid_i;
      p1_valid_q <= p0_valid_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      p0_q     <= p0_in;
      p0_aes_q <= aes_i;
      p1_q     <= p0_q;
      p1_aes_q <= p0_aes_q;
      p1_h_q   <= h_rd;
      p1_h2_q  <= h2_nx;
      p1_h4_q  <= h4_nx;
    end
  end

  // B0 takes H^1..H^LG: H, H^2, H^4 from P1; H^3 = H^2 H, H^5 = H^4 H, H^6 = H^2 H^4 (one
  // multiply, tlsnic_gf128_mul: at most 7 LUT6 levels between registers).
  logic [LG*128-1:0] hpow_nx /* verilator split_var */;
  logic [LG*128-1:0] b0_hpow_q;
  assign hpow_nx[127:0] = p1_h_q;
  for (genvar j = 2; j <= LG; j++) begin : g_hpow
    if (j == 2) begin : g_h2
      assign hpow_nx[(j-1)*128 +: 128] = p1_h2_q;
    end else if (j == 4) begin : g_h4
      assign hpow_nx[(j-1)*128 +: 128] = p1_h4_q;
    end else if (j == 6) begin : g_h6
      tlsnic_gf128_mul u_mul (.a_i(p1_h2_q), .b_i(p1_h4_q), .p_o(hpow_nx[(j-1)*128 +: 128]));
    end else begin : g_odd   // 3, 5
      tlsnic_gf128_mul u_mul (.a_i((j == 3) ? p1_h2_q : p1_h4_q), .b_i(p1_h_q), .p_o(hpow_nx[(j-1)*128 +: 128]));
    end
  end
  if (LG > 6) begin : g_bad_lg
    $fatal(1, "tlsnic_gcm_back: %0d GHASH lanes; the powers are derived up to H^6", LG);
  end

  // ---------------------------------------------------------------------------------------
  // B0: the item, its AES lanes and its H powers registered; the back table read.
  logic              b0_valid_q;
  item_t             b0_in, b0_q;     // the item arriving from P1, and in B0
  logic [LA*128-1:0] b0_aes_q, b0_src;
  logic [127:0]      b0_ks0_q;        // ks_ld: lane 0, the keystream block the item starts in
  assign b0_in  = p1_q;
  assign b0_src = p1_aes_q;
  if (IW != $bits(b0_q)) begin : g_bad_iw
    $fatal(1, "tlsnic_gcm_back: IW = %0d, but an item_t has %0d bits", IW, $bits(b0_q));
  end
  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_gcm_back: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_gcm_back: N_CTX = %0d; context ids are 16 bits, 1 <= N_CTX <= 65536", N_CTX);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      b0_valid_q <= 1'b0;
    end else if (en_i) begin
      b0_valid_q <= p1_valid_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      b0_q      <= b0_in;
      b0_hpow_q <= hpow_nx;
      // ks_ld: lane 0 is the block before slot A's lanes; B1 sees the others where an ordinary
      // item has them (a mux on the short path from P1's register).
      b0_aes_q <= b0_in.ks_ld ? {128'h0, b0_src[LA*128-1:128]} : b0_src;
      b0_ks0_q <= b0_src[127:0];
`ifndef SYNTHESIS
      // Test-only faults: 10 gives a finishing record every AES lane for its keystream (LANES + 2
      // lanes with J0); 11 makes slot A's first tag byte a payload byte.
      if (brk == 32'd10 && b0_in.a_fin) b0_q.a_k <= KW'(LA);
      if (brk == 32'd11 && b0_in.a_t1 != b0_in.a_t0) b0_q.a_p1 <= b0_in.a_p1 + 1'b1;
`endif
    end
  end

  // The back flow table and the working copy (tlsnic_ctx_table). Its clear sweep after reset is
  // no longer than the front end's, so no item reaches B1 before it ends. The table is read for
  // the item entering B0; a frame's first crypto item loads (with forwarding), its last commits.
  logic          ct_wk_we, ct_snap_we, ct_own, tbl_we, ct_busy_unused;
  logic [BWID-1:0] ct_wk_d, ct_snap_d, tbl_wd, tbl_ld, tbl_rd_unused;

  tlsnic_ctx_table #(.N_CTX(N_CTX), .DW(BWID), .IDW(CW), .FWD_REG(1'b1)) u_ctx (
    .clk_i, .rst_ni,
    .busy_o    (ct_busy_unused),
    .rd_en_i   (en_i),
    .rd_id_i   (b0_in.ctx),
    .rd_fid_i  (b0_in.ctx),
    .rd_o      (tbl_rd_unused),   // read through ld_o
    .wr_en_i   (tbl_we),
    .wr_id_i   (b0_q.ctx),
    .wr_d_i    (tbl_wd),
    .ld_id_i   (b0_q.ctx),
    .ld_o      (tbl_ld),
    .own_i     (ct_own),
    .own_id_i  (b0_q.ctx),
    .wk_we_i   (ct_wk_we),
    .wk_d_i    (ct_wk_d),
    .wk_o      (wk_q),
    .snap_we_i (ct_snap_we),
    .snap_d_i  (ct_snap_d),
    .snap_o    (snap_q)
  );

  // ---------------------------------------------------------------------------------------
  // B1: one item (wk_q, snap_q, bs, bs_nx declared with bctx_t above).
  logic   loaded_q;
  logic   item, ld_first, touches;

  assign item     = b0_valid_q && en_i;
  assign touches  = b0_q.crypto || b0_q.inst || b0_q.del;
  assign ld_first = touches && !loaded_q;

  always_comb begin
    bs = wk_q;
    if (ld_first) bs = tbl_ld;
  end

  function automatic logic [W-1:0] byte_range(input logic [PB-1:0] lo, input logic [PB-1:0] hi);
    for (int j = 0; j < B; j++) begin
      byte_range[8*j +: 8] = (j[PB-1:0] >= lo && j[PB-1:0] < hi) ? 8'hff : 8'h00;
    end
  endfunction

  logic [LA*128-1:0]     lanes_le;
  logic [(LA+1)*128-1:0] ks_lin_a, ks_sh_a;
  logic [LA*128-1:0]     ks_sh_b;
  logic [W+127:0]        tag_sh;
  logic [W-1:0]          ks_al_a, ks_al_b, mask_a, mask_b, mask_t, xk, ct, out;
  logic                  tmis, rec_end, pkt_fail;
  logic [4:0]            t_last;
  logic [W-1:0]          ct_a, ct_b;
  logic [W+127:0]        strm_a;
  logic [PB-1:0]         n_a, n_b;
  logic [PB+3:0]         tot_a;
  logic [PB-1:0]         nf_a, nf_b;
  logic [3:0]            r_a;
  logic [(L+1)*128-1:0]  blk_a;    // ciphertext blocks of slot A, block order
  logic [L*128-1:0]      blk_b;
  logic [LG*128-1:0]     list_a, lanes_a;
  logic [L*128-1:0]      list_b, lanes_b;
  logic [PB-1:0]         cnt_a, cnt_b;
  logic [127:0]          acc_in, acc_a, acc_b, tag_a, tag_alt, tag_use, j0_blk, tag_le;
  logic [7:0]            k_b, a_k8, cnt_a8, cnt_b8;
  logic [127:0]          part_a, part_b, ks_a, ks_b, ks_prev, accp_a, accp_b;

  always_comb begin
    a_k8 = {{(8-KW){1'b0}}, b0_q.a_k};
    for (int l = 0; l < LA; l++) lanes_le[l*128 +: 128] = tlsnic_pkg::bswap128(b0_aes_q[l*128 +: 128]);
    j0_blk = b0_aes_q[b0_q.a_k*128 +: 128];

    // Keystream, aligned to the beat.
    // The keystream block slot A starts in: saved by the previous item, or (ks_ld) in lane 0.
    ks_prev  = b0_q.ks_ld ? tlsnic_pkg::bswap128(b0_ks0_q) : bs.ks;
    ks_lin_a = (b0_q.a_qm != 4'd0) ? {lanes_le, ks_prev} : {128'h0, lanes_le};
    ks_sh_a  = (ks_lin_a >> (8 * b0_q.a_qm)) << (8 * b0_q.a_p0);
    ks_al_a  = ks_sh_a[W-1:0];
    ks_sh_b  = (lanes_le >> (128 * (a_k8 + 8'd1))) << (8 * b0_q.b_p0);
    ks_al_b  = ks_sh_b[W-1:0];
    mask_a   = byte_range(b0_q.a_p0, b0_q.a_p1);
`ifndef SYNTHESIS
    // Test-only fault 12: slot A's last payload byte misses the keystream (leaves in plaintext).
    if (brk == 32'd12 && b0_q.a_p1 != b0_q.a_p0) mask_a = byte_range(b0_q.a_p0, b0_q.a_p1 - 1'b1);
`endif
    mask_b   = b0_q.b_start ? byte_range(b0_q.b_p0, b0_q.b_p1) : '0;
    xk       = b0_q.data ^ (ks_al_a & mask_a) ^ (ks_al_b & mask_b);
    // GHASH runs over the ciphertext: the output when encrypting, the input when decrypting.
    ct       = DECRYPT ? b0_q.data : xk;

    // Slot A GHASH list: [AAD] ciphertext blocks [padded last block] [length block].
    n_a    = b0_q.a_p1 - b0_q.a_p0;
    ct_a   = (ct >> (8 * b0_q.a_p0)) & byte_range('0, n_a);
    // The item's bytes from the start of the block they continue (bytes before a_qm are in acc).
    strm_a = {128'h0, ct_a} << (8 * b0_q.a_qm);
    tot_a  = {4'b0, n_a} + {{PB{1'b0}}, b0_q.a_qm};
    nf_a   = PB'(tot_a >> 4);
    r_a    = tot_a[3:0];
    for (int i = 0; i <= L; i++) blk_a[i*128 +: 128] = tlsnic_pkg::bswap128(strm_a[i*128 +: 128]);
    cnt_a = '0;
    list_a = '0;
    for (int k = 0; k < LG; k++) begin
      logic [PB-1:0] kk, ka;
      kk = k[PB-1:0];
      ka = kk - {{(PB-1){1'b0}}, b0_q.a_start};
      if (b0_q.a_start && kk == '0) begin
        list_a[k*128 +: 128] = b0_q.aad;
      end else if (ka < nf_a) begin
        list_a[k*128 +: 128] = blk_a[ka*128 +: 128];
      end else if (b0_q.a_fin && ka == nf_a && r_a != 4'd0) begin
        list_a[k*128 +: 128] = blk_a[nf_a*128 +: 128];
      end else if (b0_q.a_fin && ka == nf_a + {{(PB-1){1'b0}}, r_a != 4'd0}) begin
        list_a[k*128 +: 128] = b0_q.lenblk;
      end
    end
    cnt_a = {{(PB-1){1'b0}}, b0_q.a_start} + nf_a
          + (b0_q.a_fin ? {{(PB-1){1'b0}}, r_a != 4'd0} + 1'b1 : '0);
    acc_in = b0_q.a_start ? 128'h0 : bs.acc;
    // Right-align the list so lane m multiplies by H^(LG-m); the accumulator joins the first block.
    cnt_a8  = {{(8-PB){1'b0}}, cnt_a};
    lanes_a = list_a << (128 * (LgLanes - cnt_a8));
    if (cnt_a != '0) lanes_a[(LgLanes - cnt_a8)*128 +: 128] = lanes_a[(LgLanes - cnt_a8)*128 +: 128] ^ acc_in;
    part_a  = 128'(strm_a >> (128 * nf_a));
    ks_a    = (b0_q.a_k != '0) ? lanes_le[(a_k8 - 8'd1)*128 +: 128] : ks_prev;

    // Slot B: a new record, AAD then whole ciphertext blocks.
    n_b    = b0_q.b_p1 - b0_q.b_p0;
    ct_b   = (ct >> (8 * b0_q.b_p0)) & byte_range('0, n_b);
    nf_b   = n_b >> 4;
    for (int i = 0; i < L; i++) blk_b[i*128 +: 128] = tlsnic_pkg::bswap128(ct_b[i*128 +: 128]);
    list_b = '0;
    list_b[127:0] = b0_q.aad;
    for (int i = 1; i < L; i++) list_b[i*128 +: 128] = blk_b[(i-1)*128 +: 128];
    cnt_b   = nf_b + 1'b1;
    cnt_b8  = {{(8-PB){1'b0}}, cnt_b};
    lanes_b = list_b << (128 * (LbLanes - cnt_b8));
    k_b    = ({{(8-PB){1'b0}}, n_b} + 8'd15) >> 4;
    part_b = 128'(ct_b >> (128 * nf_b));
    ks_b   = lanes_le[(a_k8 + k_b)*128 +: 128];
  end

  // GHASH products (tlsnic_gf128_mul, balanced XOR trees). Slot A: lane m multiplies by
  // H^(LG-m); lanes below the list are zero (the list is right-aligned), so their products are
  // zero and need no select. Slot B likewise with H^(L-m).
  logic [LG*128-1:0] prod_a;
  logic [L*128-1:0]  prod_b;
  for (genvar m = 0; m < LG; m++) begin : g_mul_a
    tlsnic_gf128_mul u_mul (.a_i(lanes_a[m*128 +: 128]), .b_i(b0_hpow_q[(LG-1-m)*128 +: 128]), .p_o(prod_a[m*128 +: 128]));
  end
  for (genvar m = 0; m < L; m++) begin : g_mul_b
    tlsnic_gf128_mul u_mul (.a_i(lanes_b[m*128 +: 128]), .b_i(b0_hpow_q[(L-1-m)*128 +: 128]), .p_o(prod_b[m*128 +: 128]));
  end

  always_comb begin
    acc_a = (cnt_a == '0) ? acc_in : 128'h0;
    for (int m = 0; m < LG; m++) acc_a = acc_a ^ prod_a[m*128 +: 128];
    tag_a = acc_a ^ j0_blk;   // (meaningful when a_fin: lane a_k carries E_K(J0) then)
    acc_b = 128'h0;
    for (int m = 0; m < L; m++) acc_b = acc_b ^ prod_b[m*128 +: 128];
    // The state keeps the accumulator with the trailing partial block's bytes folded in.
    accp_a = acc_a ^ tlsnic_pkg::bswap128(part_a);
    accp_b = acc_b ^ tlsnic_pkg::bswap128(part_b);

    // Tag bytes.
    // A side item's sought record (a_ktag): the known tag it carries in lenblk. The computed tag
    // (the deep GHASH path) meets one 2:1 select of registered bits, as before the side context.
    tag_alt = b0_q.a_ktag ? b0_q.lenblk : bs.acc;   // (bs.tph: acc is the finished tag)
    tag_use = (b0_q.a_fin && !b0_q.a_ktag) ? tag_a : tag_alt;
    tag_le  = tlsnic_pkg::bswap128(tag_use);
    mask_t  = byte_range(b0_q.a_t0, b0_q.a_t1);
    tag_sh  = ({{W{1'b0}}, tag_le} >> (8 * b0_q.a_u)) << (8 * b0_q.a_t0);
    out     = DECRYPT ? xk : ((ct & ~mask_t) | (tag_sh[W-1:0] & mask_t));
    // Decrypt: compare the received tag bytes; the record ends with its 16th tag byte.
    tmis     = |((b0_q.data ^ tag_sh[W-1:0]) & mask_t);
    t_last   = {1'b0, b0_q.a_u} + 5'(b0_q.a_t1 - b0_q.a_t0);
    rec_end  = b0_q.crypto && b0_q.a_t1 != b0_q.a_t0 && t_last == 5'd16;
    pkt_fail = DECRYPT && rec_end && (bs.tbad || tmis);

    // Next state.
    bs_nx = bs;
    if (b0_q.inst || b0_q.del) begin
      bs_nx = '0;
    end else if (b0_q.crypto) begin
      bs_nx.tbad = DECRYPT && !rec_end && (bs.tbad || tmis);
      if (b0_q.b_start) begin
        bs_nx.tbad = 1'b0;
        bs_nx.tph  = 1'b0;
        bs_nx.acc  = accp_b;
        bs_nx.ks   = (k_b != '0) ? ks_b : ks_prev;
      end else begin
        bs_nx.ks   = ks_a;
        if (b0_q.a_fin) begin
          bs_nx.tph = 1'b1;
          bs_nx.acc = tag_a;
        end else if (!bs.tph || b0_q.a_start) begin
          bs_nx.tph = 1'b0;
          bs_nx.acc = accp_a;
        end   // else the tag phase goes on: the tag stays
      end
    end
  end

  // Working state, snapshot, commit: a frame's first crypto item loads its context and takes the
  // snapshot; every crypto item updates the working copy; the last item writes it to the table
  // if the frame commits, else restores the snapshot into the working copy.
  logic restore;
  always_comb begin
    // A side frame (a retransmission on a SEEK descriptor) never commits: its state is scratch.
    restore    = b0_q.fr_last && (loaded_q || ld_first) && (!b0_q.commit || b0_q.side);
    ct_own     = item && ld_first;
    // An install or delete is its frame's only and last crypto item, so its snapshot (the old
    // keys) is never used: not kept.
    ct_snap_we = item && ld_first;
    ct_snap_d  = (b0_q.inst || b0_q.del) ? '0 : bs;
    ct_wk_we   = item && (touches || restore);
    ct_wk_d    = restore ? (ld_first ? bs : snap_q) : bs_nx;
    tbl_we     = item && b0_q.fr_last && (loaded_q || ld_first) && b0_q.commit && !b0_q.side;
    tbl_wd     = touches ? bs_nx : bs;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      loaded_q <= 1'b0;
    end else if (item) begin
      if (b0_q.fr_last) loaded_q <= 1'b0;
      else if (ld_first) loaded_q <= 1'b1;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions"), on every item that works on
  // a record (not an install or delete): it needs at most LANES + 1 AES lanes (slot A's keystream
  // blocks, J0 of a finishing record, slot B's keystream blocks), and its byte ranges are in order
  // (header, slot A payload, slot A tag, slot B) inside the item, so no byte is both payload
  // (keystream XOR) and tag.
`ifndef SYNTHESIS
  // (Immediate assertions at the clock edge: they read the values before it.)
  logic [7:0] sim_lanes;
  assign sim_lanes = a_k8 + {7'b0, b0_q.a_fin || b0_q.b_start} + (b0_q.b_start ? k_b : 8'd0) + {7'b0, b0_q.ks_ld};
  always_ff @(posedge clk_i) begin
    // The table's registered forwarding select (FWD_REG) holds for the id read last: an item loads
    // its context only as the id read for it as it entered B0.
    if (rst_ni && item && ld_first) begin
      a_ld_read: assert (b0_q.ctx == u_ctx.g_fwd_reg.rdid_q)
        else $error("tlsnic_gcm_back: item of context %0d loads after a read of %0d", b0_q.ctx, u_ctx.g_fwd_reg.rdid_q);
    end
    if (rst_ni && item && b0_q.crypto && !b0_q.inst && !b0_q.del) begin
      a_lanes: assert (sim_lanes <= 8'(LA))
        else $error("tlsnic_gcm_back: an item needs %0d AES lanes, more than LANES + 1 = %0d", sim_lanes, LA);
      a_body_tag: assert (((mask_a | mask_b) & mask_t) == '0)
        else $error("tlsnic_gcm_back: a byte is both record payload and tag");
      a_ranges: assert (b0_q.s <= b0_q.a_p0 && b0_q.a_p0 <= b0_q.a_p1 && b0_q.a_p1 <= b0_q.a_t0 && b0_q.a_t0 <= b0_q.a_t1
                        && b0_q.a_t1 <= b0_q.e && b0_q.e <= PB'(B)
                        && (!b0_q.b_start || (b0_q.a_t1 <= b0_q.b_p0 && b0_q.b_p0 <= b0_q.b_p1 && b0_q.b_p1 <= b0_q.e)))
        else $error("tlsnic_gcm_back: item byte ranges out of order (s %0d, payload A %0d..%0d, tag A %0d..%0d, e %0d)",
                    b0_q.s, b0_q.a_p0, b0_q.a_p1, b0_q.a_t0, b0_q.a_t1, b0_q.e);
    end
  end
`endif

  // Shift results wider than the beat: only their low W bits are placed in the beat.
  logic unused_shift, unused_item;
  assign unused_item = ^{b0_q.fr_first, b0_in, ct_busy_unused, tbl_rd_unused,   // b0_in: read whole by b0_q
                         ht_busy_unused, ht_ld_unused, ht_wk_unused, ht_snap_unused, p1_h4_q};   // p1_h4_q: unused at W = 128
  assign unused_shift = ^{ks_sh_a[(LA+1)*128-1:W], ks_sh_b[LA*128-1:W], tag_sh[W+127:W]};

  // ---------------------------------------------------------------------------------------
  // B2: beat assembly and the registered beat; B3 (encrypt only): the TCP checksum of the
  // registered beat and the outputs one cycle later, so the checksum's adders are not in series
  // with B1 (issue 16). The decrypting variant (RX) computes no checksum (ob_csum_o zero; the RX
  // engine checks checksums itself) and drives the outputs from B2.
  localparam bit CSUM_STAGE = !DECRYPT;
  logic [W-1:0]  asm_q, merged, own;
  logic          pf_q;
  always_comb begin
    own    = byte_range(b0_q.s, b0_q.e);
    merged = (asm_q & ~own) | (out & own);
  end

  // B2 registers (b2_*): what the outputs carry, and for B3 the checksum's inputs.
  logic              b2_item, b2_wr, b2_end, b2_cp_wr, b2_cp_end, b2_cp_keep, b2_keep_pkt, b2_fix, b2_tagfail;
  logic              b2_beat_last, b2_fr_last;
  logic [W-1:0]      b2_data, b2_raw;
  logic [B-1:0]      b2_keep, b2_cmask;
  logic [16:0]       b2_cconst;
  logic [13:0]       b2_csum_beat;
  logic [PB-1:0]     b2_csum_lane;
  logic [UW-1:0]     b2_user;
  logic [207:0]      b2_cp_data;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      asm_q        <= '0;
      pf_q         <= 1'b0;
      b2_item      <= 1'b0;
      b2_wr        <= 1'b0;
      b2_end       <= 1'b0;
      b2_cp_wr     <= 1'b0;
      b2_cp_end    <= 1'b0;
      b2_cp_keep   <= 1'b0;
      b2_cp_data   <= '0;
      b2_data      <= '0;
      b2_raw       <= '0;
      b2_keep      <= '0;
      b2_cmask     <= '0;
      b2_cconst    <= '0;
      b2_keep_pkt  <= 1'b0;
      b2_fix       <= 1'b0;
      b2_csum_beat <= '0;
      b2_csum_lane <= '0;
      b2_user      <= '0;
      b2_tagfail   <= 1'b0;
      b2_beat_last <= 1'b0;
      b2_fr_last   <= 1'b0;
    end else begin
      // Write strobes are single-cycle pulses (the output buffer always has room: see free_o).
      b2_item   <= item;
      b2_wr     <= item && b0_q.beat_last && b0_q.wr;
      b2_end    <= item && b0_q.fr_last && b0_q.pkt;
      // Completions: the in-order path's records whose last tag byte this item writes; a side
      // frame's never (its records were reported when first sent), nor an item past MAX_FRAME (wr
      // low: the frame drops, and its records could outnumber the queue).
      b2_cp_wr  <= !DECRYPT && item && b0_q.pkt && b0_q.wr && b0_q.crypto && !b0_q.side && rec_end;
      b2_cp_end <= item && b0_q.fr_last;
      if (item) begin
        b2_cp_data   <= {16'(b0_q.ctx), b0_q.a_rseq, tag_use};
        b2_cp_keep   <= b0_q.commit && !b0_q.side;
        b2_data      <= merged;
        b2_keep      <= b0_q.keep;
        b2_cmask     <= b0_q.csum_mask;
        b2_cconst    <= b0_q.csum_const;
        b2_keep_pkt  <= b0_q.commit;
        b2_fix       <= b0_q.fix_csum;
        b2_csum_beat <= b0_q.csum_beat;
        b2_csum_lane <= b0_q.csum_lane;
        b2_raw       <= b0_q.data;
        b2_user      <= b0_q.user;
        b2_tagfail   <= pf_q || pkt_fail;
        b2_beat_last <= b0_q.beat_last;
        b2_fr_last   <= b0_q.fr_last;
        pf_q         <= b0_q.fr_last ? 1'b0 : (pf_q || pkt_fail);
        asm_q        <= b0_q.beat_last ? '0 : merged;
      end
    end
  end

  if (CSUM_STAGE) begin : g_b3
    // B3: the checksum over the registered beat; every output one cycle after B2.
    logic [31:0] csum_acc_q, beat_sum, sum_all;
    tlsnic_csum_beat #(.W(W)) u_csum (.data_i(b2_data), .mask_i(b2_cmask), .sum_o(beat_sum));
    assign sum_all = tlsnic_pkg::fold16(csum_acc_q + beat_sum + {15'h0, b2_cconst});
    logic unused_fold;   // a folded sum's upper half is zero
    assign unused_fold = ^sum_all[31:16];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        csum_acc_q     <= '0;
        ob_wr_o        <= 1'b0;
        ob_end_o       <= 1'b0;
        cp_wr_o        <= 1'b0;
        cp_end_o       <= 1'b0;
        cp_data_o      <= '0;
        cp_keep_o      <= 1'b0;
        ob_data_o      <= '0;
        ob_keep_o      <= '0;
        ob_keep_pkt_o  <= 1'b0;
        ob_fix_o       <= 1'b0;
        ob_csum_o      <= '0;
        ob_csum_beat_o <= '0;
        ob_csum_lane_o <= '0;
        ob_raw_o       <= '0;
        ob_user_o      <= '0;
        ob_tagfail_o   <= 1'b0;
      end else begin
        ob_wr_o  <= b2_wr;
        ob_end_o <= b2_end;
        cp_wr_o  <= b2_cp_wr;
        cp_end_o <= b2_cp_end;
        if (b2_item) begin
          cp_data_o      <= b2_cp_data;
          cp_keep_o      <= b2_cp_keep;
          ob_data_o      <= b2_data;
          ob_keep_o      <= b2_keep;
          ob_keep_pkt_o  <= b2_keep_pkt;
          ob_fix_o       <= b2_fix;
          ob_csum_o      <= ~sum_all[15:0];
          ob_csum_beat_o <= b2_csum_beat;
          ob_csum_lane_o <= b2_csum_lane;
          ob_raw_o       <= b2_raw;
          ob_user_o      <= b2_user;
          ob_tagfail_o   <= b2_tagfail;
          if (b2_beat_last) csum_acc_q <= b2_fr_last ? 32'd0 : csum_acc_q + beat_sum;
        end
      end
    end
  end else begin : g_no_b3
    assign ob_wr_o        = b2_wr;
    assign ob_end_o       = b2_end;
    assign cp_wr_o        = b2_cp_wr;
    assign cp_end_o       = b2_cp_end;
    assign cp_data_o      = b2_cp_data;
    assign cp_keep_o      = b2_cp_keep;
    assign ob_data_o      = b2_data;
    assign ob_keep_o      = b2_keep;
    assign ob_keep_pkt_o  = b2_keep_pkt;
    assign ob_fix_o       = b2_fix;
    assign ob_csum_o      = '0;
    assign ob_csum_beat_o = b2_csum_beat;
    assign ob_csum_lane_o = b2_csum_lane;
    assign ob_raw_o       = b2_raw;
    assign ob_user_o      = b2_user;
    assign ob_tagfail_o   = b2_tagfail;
    logic unused_csum;
    assign unused_csum = ^{b2_cmask, b2_cconst, b2_beat_last, b2_fr_last, b2_item};
  end

endmodule
