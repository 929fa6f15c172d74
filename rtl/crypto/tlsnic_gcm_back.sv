// tlsnic_gcm_back: the AES-GCM back end of both offload engines: encrypt (TX engine) or, with
// DECRYPT = 1, decrypt and authenticate (RX engine). Receives each work item from the AES
// pipeline (tlsnic_aes_pipe output: the item descriptor in the sideband plus LANES+1 encrypted
// counter blocks) and
//   * XORs the keystream into the record payload bytes of slot A and slot B (tlsnic_tx_front
//     header explains the slots), using the keystream block saved from the previous item when
//     slot A starts mid-block;
//   * folds the ciphertext into GHASH: slot A continues the record's accumulator with up to
//     LANES+2 blocks (AAD, ciphertext, padded last block, length block) aggregated with
//     H^1..H^(LANES+2); slot B starts a new accumulator with up to LANES blocks, in the lanes
//     slot A leaves free (one set of LANES+2 multipliers);
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
// written: the state keeps the tag XOR the tag bytes received so far, zero at the record's 16th
// tag byte exactly when all matched (ob_tagfail_o: a record whose last tag byte is in the packet
// did not authenticate).
// The item's user field is carried, unchanged, from a frame's last item to ob_user_o (the RX engine's
// verdict fields); ob_raw_o is the beat as received.
//
// Stages (each its logic, then its registers): P0 registers the AES output and reads H; P1
// registers H, H^2 and H^4; B0 registers the item with all its powers; B1 computes the item's
// keystream, ciphertext and GHASH lists, which need no context state; B2 the GHASH products and
// their sums (the back table is read as the item enters B2's register); B3 the context state:
// the accumulator's product with H^cnt_a (one multiply), the tag, the next state, load and
// commit; B4 adds the saved keystream block's bytes, writes (encrypt) or checks (decrypt) the tag
// bytes, merges the items of a beat and registers the beat; B5 .. B8 (encrypt only) sum the TCP
// checksum over the registered beat in short adders and register the outputs with it, which
// drive the output buffer. Latency from the AES output to ob_wr_o: 11 cycles encrypting, 7
// decrypting (no B5 .. B8, no checksum: ob_csum_o is zero).
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
    logic [127:0]      acc;    // GHASH accumulator; with tph, the record's finished tag (decrypt:
                               // XORed with the tag bytes received so far)
    logic [127:0]      ks;
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

  // ---------------------------------------------------------------------------------------
  // B1 (no context state): the item's keystream from the AES lanes it carries, its ciphertext,
  // the GHASH lists, which bytes of the context's saved keystream block it still needs (B3 reads
  // the block, B3 and B4 add its bytes) and the received tag bytes in tag order. So the context
  // state (B3) meets one multiply instead of the whole item (issue 16: logic depth).
  logic item;     // B1 holds an item this cycle (tlsnic_tx_engine's no-leak check reads B1)
  assign item = b0_valid_q && en_i;

  function automatic logic [W-1:0] byte_range(input logic [PB-1:0] lo, input logic [PB-1:0] hi);
    for (int j = 0; j < B; j++) begin
      byte_range[8*j +: 8] = (j[PB-1:0] >= lo && j[PB-1:0] < hi) ? 8'hff : 8'h00;
    end
  endfunction

  logic [LA*128-1:0]     lanes_le;
  logic [(LA+1)*128-1:0] ks_lin_a, ks_sh_a;
  logic [LA*128-1:0]     ks_sh_b;
  logic [W-1:0]          ks_al_a, ks_al_b, mask_a, mask_b, mask_t1, xk, ct, rxt_w;
  logic                  rec_end;
  logic [4:0]            t_last;
  logic [W-1:0]          ct_a, ct_b;
  logic [W+127:0]        strm_a;
  logic [PB-1:0]         n_a, n_b;
  logic [PB+3:0]         tot_a;
  logic [PB-1:0]         nf_a, nf_b;
  logic [3:0]            r_a;
  logic [(L+1)*128-1:0]  blk_a;    // ciphertext blocks of slot A, block order
  logic [L*128-1:0]      blk_b;
  logic [LG*128-1:0]     list_a, lanes_a, lanes_g, hsel;
  logic [L*128-1:0]      list_b;
  logic [LG-1:0]         lane_b;   // lane carries slot B's list
  logic [PB-1:0]         cnt_a, cnt_b;
  logic [127:0]          j0_blk, ks_ld_blk, ks_a, ks_b, ks_new, part_a, part_b, hc;
  logic [7:0]            k_b, a_k8, cnt_a8, cnt_b8, fix_lo, fix_hi;
  logic [15:0]           fix_m;    // bytes (stream order) of the saved keystream block the item uses
  logic                  ks_keep;  // the saved keystream block stays the context's

  always_comb begin
    a_k8 = {{(8-KW){1'b0}}, b0_q.a_k};
    for (int l = 0; l < LA; l++) lanes_le[l*128 +: 128] = tlsnic_pkg::bswap128(b0_aes_q[l*128 +: 128]);
    j0_blk    = b0_aes_q[b0_q.a_k*128 +: 128];
    ks_ld_blk = tlsnic_pkg::bswap128(b0_ks0_q);

    // Keystream, aligned to the beat. The block slot A starts in (a_qm != 0) is the ks_ld lane
    // when the item carries it, else the context's saved block: context state, so its place holds
    // zero here and B3 / B4 add the bytes fix_m names (GHASH and output are linear in them).
    ks_lin_a = (b0_q.a_qm != 4'd0) ? {lanes_le, b0_q.ks_ld ? ks_ld_blk : 128'h0} : {128'h0, lanes_le};
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
    // Right-align the list so lane m multiplies by H^(LG-m). The accumulator joins the first block
    // (lane LG - cnt_a) in B3, as a product of its own with H^cnt_a (GHASH is linear).
    cnt_a8  = {{(8-PB){1'b0}}, cnt_a};
    lanes_a = list_a << (128 * (LgLanes - cnt_a8));
    part_a  = 128'(strm_a >> (128 * nf_a));
    // The saved block's bytes the item uses: stream bytes a_qm .. a_qm + n_a - 1 of it (to its end).
    fix_lo = {4'b0, b0_q.a_qm};
    fix_hi = fix_lo + {{(8-PB){1'b0}}, n_a};
    for (int j = 0; j < 16; j++) fix_m[j] = !b0_q.ks_ld && fix_lo != 8'd0 && j[7:0] >= fix_lo && j[7:0] < fix_hi;
    ks_a   = (b0_q.a_k != '0) ? lanes_le[(a_k8 - 8'd1)*128 +: 128] : ks_ld_blk;

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
`ifndef SYNTHESIS
    // Test-only fault 19: slot B's list is counted LANES + 2 lanes longer (the shared multipliers overflow).
    if (brk == 32'd19 && b0_q.b_start) cnt_b8 = cnt_b8 + LgLanes;
`endif

    // One set of LG multipliers for both slots (issue 16: L multipliers fewer). Slot B starts only
    // after slot A's tag, so slot A's list and B's together take at most LG lanes (the beat's
    // bytes bound them; assertion a_glanes): A's, right-aligned, lane m by H^(LG-m); B's,
    // left-aligned, lane m < cnt_b by H^(cnt_b-m). The accumulator's power H^cnt_a for B3.
    lanes_g = lanes_a;
    lane_b  = '0;
    for (int m = 0; m < LG; m++) hsel[m*128 +: 128] = b0_hpow_q[(LG-1-m)*128 +: 128];
    for (int m = 0; m < L; m++) begin
      if (b0_q.b_start && m[7:0] < cnt_b8) begin
        lane_b[m] = 1'b1;
        lanes_g[m*128 +: 128] = list_b[m*128 +: 128];
        hsel[m*128 +: 128] = b0_hpow_q[(cnt_b8 - 8'(m) - 8'd1)*128 +: 128];
      end
    end
    hc = 128'h0;
    for (int j = 1; j <= LG; j++) if (cnt_a8 == 8'(j)) hc = b0_hpow_q[(j-1)*128 +: 128];
    k_b    = ({{(8-PB){1'b0}}, n_b} + 8'd15) >> 4;
    part_b = 128'(ct_b >> (128 * nf_b));
    ks_b   = lanes_le[(a_k8 + k_b)*128 +: 128];

    // The keystream block the context saves: with slot B, B's last; else slot A's last; an item
    // with none leaves the one it started with (the ks_ld lane, or the saved block: ks_keep).
    ks_new  = b0_q.b_start ? ((k_b != '0) ? ks_b : ks_ld_blk) : ks_a;
    ks_keep = b0_q.b_start ? (k_b == '0 && !b0_q.ks_ld) : (b0_q.a_k == '0 && !b0_q.ks_ld);

    // Tag bytes: which bytes of the beat, and whether the record's 16th is among them.
    mask_t1 = byte_range(b0_q.a_t0, b0_q.a_t1);
    t_last  = {1'b0, b0_q.a_u} + 5'(b0_q.a_t1 - b0_q.a_t0);
    rec_end = b0_q.crypto && b0_q.a_t1 != b0_q.a_t0 && t_last == 5'd16;
    // Decrypt: the received tag bytes, moved to their place in the tag (stream order).
    rxt_w   = ((b0_q.data & mask_t1) >> (8 * b0_q.a_t0)) << (8 * b0_q.a_u);
  end

  // B1 registers (b1_*).
  logic              b1_valid_q, b1_rec_end, b1_ks_keep;
  item_t             b1_q;
  logic [W-1:0]      b1_xk;
  logic [LG*128-1:0] b1_lanes, b1_hsel;
  logic [LG-1:0]     b1_lane_b;
  logic              b1_cnt0;
  logic [127:0]      b1_part_a, b1_part_b, b1_j0, b1_ks_new, b1_rxt, b1_hc;
  logic [15:0]       b1_fix_m;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) b1_valid_q <= 1'b0;
    else if (en_i) b1_valid_q <= b0_valid_q;
  end
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      b1_q       <= b0_q;
      b1_xk      <= xk;
      b1_lanes   <= lanes_g;
      b1_hsel    <= hsel;
      b1_lane_b  <= lane_b;
      b1_hc      <= hc;
      b1_cnt0    <= cnt_a == '0;
      b1_part_a  <= part_a;
      b1_part_b  <= part_b;
      b1_j0      <= j0_blk;
      b1_ks_new  <= ks_new;
      b1_ks_keep <= ks_keep;
      b1_fix_m   <= fix_m;
      b1_rxt     <= DECRYPT ? rxt_w[127:0] : 128'h0;
      b1_rec_end <= rec_end;
    end
  end

  // ---------------------------------------------------------------------------------------
  // B2: the GHASH products (tlsnic_gf128_mul, balanced XOR trees), LG of them, and their sums
  // per slot. Lanes outside both lists are zero, so their products are zero and need no select.
  logic [LG*128-1:0] prod;
  logic [127:0]      sum_a, sum_b;
  for (genvar m = 0; m < LG; m++) begin : g_mul
    tlsnic_gf128_mul u_mul (.a_i(b1_lanes[m*128 +: 128]), .b_i(b1_hsel[m*128 +: 128]), .p_o(prod[m*128 +: 128]));
  end
  always_comb begin
    sum_a = 128'h0;
    sum_b = 128'h0;
    for (int m = 0; m < LG; m++) begin
      if (b1_lane_b[m]) sum_b = sum_b ^ prod[m*128 +: 128];
      else              sum_a = sum_a ^ prod[m*128 +: 128];
    end
  end

  // B2 registers (b2_*).
  logic              b2_valid_q, b2_rec_end, b2_ks_keep, b2_cnt0;
  item_t             b2_q;
  logic [W-1:0]      b2_xk;
  logic [127:0]      b2_sum_a, b2_accp_b, b2_hc, b2_part_a, b2_j0, b2_ks_new, b2_rxt;
  logic [15:0]       b2_fix_m;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) b2_valid_q <= 1'b0;
    else if (en_i) b2_valid_q <= b1_valid_q;
  end
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      b2_q       <= b1_q;
      b2_xk      <= b1_xk;
      b2_sum_a   <= sum_a;
      // Slot B's record starts here: its state needs nothing from the context. The state keeps
      // the accumulator with the trailing partial block's bytes folded in.
      b2_accp_b  <= sum_b ^ tlsnic_pkg::bswap128(b1_part_b);
      b2_hc      <= b1_hc;
      b2_cnt0    <= b1_cnt0;
      b2_part_a  <= b1_part_a;
      b2_j0      <= b1_j0;
      b2_ks_new  <= b1_ks_new;
      b2_ks_keep <= b1_ks_keep;
      b2_fix_m   <= b1_fix_m;
      b2_rxt     <= b1_rxt;
      b2_rec_end <= b1_rec_end;
    end
  end

  // ---------------------------------------------------------------------------------------
  // B3: the context state. The back flow table and the working copy (tlsnic_ctx_table): its
  // clear sweep after reset is no longer than the front end's, so no item reaches B3 before it
  // ends. The table is read for the item entering B2's register; a frame's first crypto item
  // loads (with forwarding), its last commits.
  logic          ct_wk_we, ct_snap_we, ct_own, tbl_we, ct_busy_unused;
  logic [BWID-1:0] ct_wk_d, ct_snap_d, tbl_wd, tbl_ld, tbl_rd_unused;

  tlsnic_ctx_table #(.N_CTX(N_CTX), .DW(BWID), .IDW(CW), .FWD_REG(1'b1)) u_ctx (
    .clk_i, .rst_ni,
    .busy_o    (ct_busy_unused),
    .rd_en_i   (en_i),
    .rd_id_i   (b1_q.ctx),
    .rd_fid_i  (b1_q.ctx),
    .rd_o      (tbl_rd_unused),   // read through ld_o
    .wr_en_i   (tbl_we),
    .wr_id_i   (b2_q.ctx),
    .wr_d_i    (tbl_wd),
    .ld_id_i   (b2_q.ctx),
    .ld_o      (tbl_ld),
    .own_i     (ct_own),
    .own_id_i  (b2_q.ctx),
    .wk_we_i   (ct_wk_we),
    .wk_d_i    (ct_wk_d),
    .wk_o      (wk_q),
    .snap_we_i (ct_snap_we),
    .snap_d_i  (ct_snap_d),
    .snap_o    (snap_q)
  );

  logic   loaded_q;
  logic   item3, ld_first, touches;
  assign item3    = b2_valid_q && en_i;
  assign touches  = b2_q.crypto || b2_q.inst || b2_q.del;
  assign ld_first = touches && !loaded_q;

  always_comb begin
    bs = wk_q;
    if (ld_first) bs = tbl_ld;
  end

  // acc_a = (acc ^ saved-keystream bytes) H^cnt_a ^ the lanes' products: the accumulator (and,
  // encrypting, the ciphertext bytes the saved block makes) join slot A's first block.
  logic [127:0] ks_fix, x_a, xh_a, acc_a, tag_a, accp_a, tag_cur, tag_use, tag_rx;
  always_comb begin
    for (int j = 0; j < 16; j++) ks_fix[8*j +: 8] = b2_fix_m[j] ? bs.ks[8*j +: 8] : 8'h00;
    x_a = (b2_q.a_start ? 128'h0 : bs.acc) ^ (DECRYPT ? 128'h0 : tlsnic_pkg::bswap128(ks_fix));
  end
  tlsnic_gf128_mul u_mul_acc (.a_i(x_a), .b_i(b2_hc), .p_o(xh_a));
  always_comb begin
    acc_a   = b2_cnt0 ? x_a : (xh_a ^ b2_sum_a);
    tag_a   = acc_a ^ b2_j0;   // (meaningful when a_fin: lane a_k carried E_K(J0) then)
    accp_a  = acc_a ^ tlsnic_pkg::bswap128(b2_part_a);
    // The record's tag: finished here (a_fin) or kept in acc since (tph). A side item's sought
    // record (a_ktag): the known tag it carries in lenblk.
    tag_cur = b2_q.a_fin ? tag_a : bs.acc;
    tag_use = b2_q.a_ktag ? b2_q.lenblk : tag_cur;
    // Decrypt: the state keeps tag ^ the received tag bytes so far; all zero at the record's end
    // when every byte matched (no mismatch bit of its own).
    tag_rx  = tag_cur ^ tlsnic_pkg::bswap128(b2_rxt);

    // Next state.
    bs_nx = bs;
    if (b2_q.inst || b2_q.del) begin
      bs_nx = '0;
    end else if (b2_q.crypto) begin
      bs_nx.ks = b2_ks_keep ? bs.ks : b2_ks_new;
      if (b2_q.b_start) begin
        bs_nx.tph = 1'b0;
        bs_nx.acc = b2_accp_b;
      end else if (b2_q.a_fin) begin
        bs_nx.tph = 1'b1;
        bs_nx.acc = DECRYPT ? tag_rx : tag_a;
      end else if (!bs.tph || b2_q.a_start) begin
        bs_nx.tph = 1'b0;
        bs_nx.acc = accp_a;
      end else if (DECRYPT) begin
        bs_nx.acc = tag_rx;   // the tag phase goes on: the received bytes folded in
      end   // else (encrypt) the tag phase goes on: the tag stays
    end
  end

  // Working state, snapshot, commit: a frame's first crypto item loads its context and takes the
  // snapshot; every crypto item updates the working copy; the last item writes it to the table
  // if the frame commits, else restores the snapshot into the working copy.
  logic restore;
  always_comb begin
    // A side frame (a retransmission on a SEEK descriptor) never commits: its state is scratch.
    restore    = b2_q.fr_last && (loaded_q || ld_first) && (!b2_q.commit || b2_q.side);
    ct_own     = item3 && ld_first;
    // An install or delete is its frame's only and last crypto item, so its snapshot (the old
    // keys) is never used: not kept.
    ct_snap_we = item3 && ld_first;
    ct_snap_d  = (b2_q.inst || b2_q.del) ? '0 : bs;
    ct_wk_we   = item3 && (touches || restore);
    ct_wk_d    = restore ? (ld_first ? bs : snap_q) : bs_nx;
    tbl_we     = item3 && b2_q.fr_last && (loaded_q || ld_first) && b2_q.commit && !b2_q.side;
    tbl_wd     = touches ? bs_nx : bs;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      loaded_q <= 1'b0;
    end else if (item3) begin
      if (b2_q.fr_last) loaded_q <= 1'b0;
      else if (ld_first) loaded_q <= 1'b1;
    end
  end

  // B3 registers (b3_*).
  logic              b3_valid_q, b3_rec_end;
  item_t             b3_q;
  logic [W-1:0]      b3_xk;
  logic [127:0]      b3_ks_fix, b3_tag, b3_tag_rx;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) b3_valid_q <= 1'b0;
    else if (en_i) b3_valid_q <= b2_valid_q;
  end
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      b3_q       <= b2_q;
      b3_xk      <= b2_xk;
      b3_ks_fix  <= ks_fix;
      b3_tag     <= tag_use;
      b3_tag_rx  <= DECRYPT ? tag_rx : 128'h0;
      b3_rec_end <= b2_rec_end;
    end
  end

  // ---------------------------------------------------------------------------------------
  // B4: the saved keystream block's bytes into the payload, the tag bytes (encrypt: written;
  // decrypt: checked, through b3_tag_rx), the item merged into its beat.
  logic             item4, pkt_fail;
  logic [W+127:0]   fix_sh, tag_sh;
  logic [W-1:0]     xkf, mask_t, out;
  logic [127:0]     tag_le;
  assign item4 = b3_valid_q && en_i;
  always_comb begin
    fix_sh   = ({{W{1'b0}}, b3_ks_fix} >> (8 * b3_q.a_qm)) << (8 * b3_q.a_p0);
    xkf      = b3_xk ^ fix_sh[W-1:0];
    tag_le   = tlsnic_pkg::bswap128(b3_tag);
    mask_t   = byte_range(b3_q.a_t0, b3_q.a_t1);
    tag_sh   = ({{W{1'b0}}, tag_le} >> (8 * b3_q.a_u)) << (8 * b3_q.a_t0);
    // Encrypt: the ciphertext with the tag bytes written; decrypt: the plaintext, tag bytes as received.
    out      = DECRYPT ? xkf : ((xkf & ~mask_t) | (tag_sh[W-1:0] & mask_t));
    pkt_fail = DECRYPT && b3_rec_end && b3_tag_rx != 128'h0;
  end

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions"), on every item that works on
  // a record (not an install or delete): it needs at most LANES + 1 AES lanes (slot A's keystream
  // blocks, J0 of a finishing record, slot B's keystream blocks), and its byte ranges are in order
  // (header, slot A payload, slot A tag, slot B) inside the item, so no byte is both payload
  // (keystream XOR) and tag. Checked in B1; the load in B3.
`ifndef SYNTHESIS
  // (Immediate assertions at the clock edge: they read the values before it.)
  logic [7:0] sim_lanes;
  assign sim_lanes = a_k8 + {7'b0, b0_q.a_fin || b0_q.b_start} + (b0_q.b_start ? k_b : 8'd0) + {7'b0, b0_q.ks_ld};
  always_ff @(posedge clk_i) begin
    // The table's registered forwarding select (FWD_REG) holds for the id read last: an item loads
    // its context only as the id read for it as it entered B2's register.
    if (rst_ni && item3 && ld_first) begin
      a_ld_read: assert (b2_q.ctx == u_ctx.g_fwd_reg.rdid_q)
        else $error("tlsnic_gcm_back: item of context %0d loads after a read of %0d", b2_q.ctx, u_ctx.g_fwd_reg.rdid_q);
    end
    if (rst_ni && item && b0_q.crypto && !b0_q.inst && !b0_q.del) begin
      a_lanes: assert (sim_lanes <= 8'(LA))
        else $error("tlsnic_gcm_back: an item needs %0d AES lanes, more than LANES + 1 = %0d", sim_lanes, LA);
      a_glanes: assert (!b0_q.b_start || cnt_a8 + cnt_b8 <= LgLanes)
        else $error("tlsnic_gcm_back: slots A and B need %0d + %0d GHASH lanes, more than LANES + 2 = %0d", cnt_a8, cnt_b8, LG);
      a_body_tag: assert (((mask_a | mask_b) & mask_t1) == '0)
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
  assign unused_item = ^{b0_q.fr_first, b0_in, b3_q, ct_busy_unused, tbl_rd_unused,   // b0_in, b3_q: read whole by b0_q, in part in B4
                         ht_busy_unused, ht_ld_unused, ht_wk_unused, ht_snap_unused, p1_h4_q};   // p1_h4_q: unused at W = 128
  assign unused_shift = ^{ks_sh_a[(LA+1)*128-1:W], ks_sh_b[LA*128-1:W], tag_sh[W+127:W], fix_sh[W+127:W], rxt_w};

  // ---------------------------------------------------------------------------------------
  // B4 (continued): beat assembly and the registered beat; B5 .. B8 (encrypt only): the TCP
  // checksum of the registered beat and the outputs four cycles later, so the checksum's adders
  // are neither in series with B4 nor in one cycle (issue 16). The decrypting variant (RX) computes no checksum (ob_csum_o zero;
  // the RX engine checks checksums itself) and drives the outputs from B4's registers.
  localparam bit CSUM_STAGE = !DECRYPT;
  logic [W-1:0]  asm_q, merged, own;
  logic          pf_q;
  always_comb begin
    own    = byte_range(b3_q.s, b3_q.e);
    merged = (asm_q & ~own) | (out & own);
  end

  // B4 registers (b4_*): what the outputs carry, and for B5 the checksum's inputs.
  logic              b4_item, b4_wr, b4_end, b4_cp_wr, b4_cp_end, b4_cp_keep, b4_keep_pkt, b4_fix, b4_tagfail;
  logic              b4_beat_last, b4_fr_last;
  logic [W-1:0]      b4_data, b4_raw;
  logic [B-1:0]      b4_keep, b4_cmask;
  logic [16:0]       b4_cconst;
  logic [13:0]       b4_csum_beat;
  logic [PB-1:0]     b4_csum_lane;
  logic [UW-1:0]     b4_user;
  logic [207:0]      b4_cp_data;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      asm_q        <= '0;
      pf_q         <= 1'b0;
      b4_item      <= 1'b0;
      b4_wr        <= 1'b0;
      b4_end       <= 1'b0;
      b4_cp_wr     <= 1'b0;
      b4_cp_end    <= 1'b0;
      b4_cp_keep   <= 1'b0;
      b4_cp_data   <= '0;
      b4_data      <= '0;
      b4_raw       <= '0;
      b4_keep      <= '0;
      b4_cmask     <= '0;
      b4_cconst    <= '0;
      b4_keep_pkt  <= 1'b0;
      b4_fix       <= 1'b0;
      b4_csum_beat <= '0;
      b4_csum_lane <= '0;
      b4_user      <= '0;
      b4_tagfail   <= 1'b0;
      b4_beat_last <= 1'b0;
      b4_fr_last   <= 1'b0;
    end else begin
      // Write strobes are single-cycle pulses (the output buffer always has room: see free_o).
      b4_item   <= item4;
      b4_wr     <= item4 && b3_q.beat_last && b3_q.wr;
      b4_end    <= item4 && b3_q.fr_last && b3_q.pkt;
      // Completions: the in-order path's records whose last tag byte this item writes; a side
      // frame's never (its records were reported when first sent), nor an item past MAX_FRAME (wr
      // low: the frame drops, and its records could outnumber the queue).
      b4_cp_wr  <= !DECRYPT && item4 && b3_q.pkt && b3_q.wr && b3_q.crypto && !b3_q.side && b3_rec_end;
      b4_cp_end <= item4 && b3_q.fr_last;
      if (item4) begin
        b4_cp_data   <= {16'(b3_q.ctx), b3_q.a_rseq, b3_tag};
        b4_cp_keep   <= b3_q.commit && !b3_q.side;
        b4_data      <= merged;
        b4_keep      <= b3_q.keep;
        b4_cmask     <= b3_q.csum_mask;
        b4_cconst    <= b3_q.csum_const;
        b4_keep_pkt  <= b3_q.commit;
        b4_fix       <= b3_q.fix_csum;
        b4_csum_beat <= b3_q.csum_beat;
        b4_csum_lane <= b3_q.csum_lane;
        b4_raw       <= b3_q.data;
        b4_user      <= b3_q.user;
        b4_tagfail   <= pf_q || pkt_fail;
        b4_beat_last <= b3_q.beat_last;
        b4_fr_last   <= b3_q.fr_last;
        pf_q         <= b3_q.fr_last ? 1'b0 : (pf_q || pkt_fail);
        asm_q        <= b3_q.beat_last ? '0 : merged;
      end
    end
  end

  if (CSUM_STAGE) begin : g_b5
    // B5 .. B8 (encrypt only): the TCP checksum of the registered beat in short adders (issue 16:
    // logic depth); every output leaves with it, four cycles after B4:
    //   B5  the 16-bit words under the checksum mask, summed four at a time (B / 8 group sums)
    //   B6  the beat's sum (the group sums)
    //   B7  the frame's sum before the beat + the beat's + the pseudo-header constant; the
    //       frame's running sum (the tail's only loop: one 32-bit add)
    //   B8  folded to 16 bits and inverted, registered with the outputs.
    // The other outputs ride along in tl5/tl6/tl7 unchanged (no enable and no reset, as B4's data:
    // the strobes carry the meaning; the output registers update on an item, as before).
    localparam int unsigned G  = B / 8;
    localparam int unsigned TW = 208 + 1 + W + B + 1 + 1 + 14 + PB + W + UW + 1 + 17 + 1 + 1;
    logic [TW-1:0]   tl4, tl5_q, tl6_q, tl7_q;
    logic [4:0]      sb5_q, sb6_q, sb7_q;     // {item, wr, end, cp_wr, cp_end}
    logic [G*18-1:0] gs_d, gs5_q;
    logic [31:0]     bs_d, bs6_q, tot_d, tot7_q, acc_q, fold;
    logic [207:0]    t_cp_data;
    logic            t_cp_keep, t_keep_pkt, t_fix, t_tagfail, t_beat_last, t_fr_last;
    logic [W-1:0]    t_data, t_raw;
    logic [B-1:0]    t_keep;
    logic [13:0]     t_csum_beat;
    logic [PB-1:0]   t_csum_lane;
    logic [UW-1:0]   t_user;
    logic [16:0]     t_cconst6, t_cconst_unused;
    logic            t_beat_last6, t_fr_last6;

    assign tl4 = {b4_cp_data, b4_cp_keep, b4_data, b4_keep, b4_keep_pkt, b4_fix, b4_csum_beat,
                  b4_csum_lane, b4_raw, b4_user, b4_tagfail, b4_cconst, b4_beat_last, b4_fr_last};
    // B7's view of the fields it needs (in tl6_q), and B8's of the outputs (in tl7_q).
    assign {t_cconst6, t_beat_last6, t_fr_last6} = tl6_q[18:0];
    assign {t_cp_data, t_cp_keep, t_data, t_keep, t_keep_pkt, t_fix, t_csum_beat, t_csum_lane,
            t_raw, t_user, t_tagfail, t_cconst_unused, t_beat_last, t_fr_last} = tl7_q;

    // B5: group sums of four words (tlsnic_csum_beat on 8 bytes; a word's high byte is its first).
    for (genvar g = 0; g < G; g++) begin : g_grp
      logic [31:0] sum;
      tlsnic_csum_beat #(.W(64)) u_sum (.data_i(b4_data[64*g +: 64]), .mask_i(b4_cmask[8*g +: 8]), .sum_o(sum));
      assign gs_d[18*g +: 18] = sum[17:0];
      logic unused_sum;   // four 16-bit words: at most 18 bits
      assign unused_sum = ^sum[31:18];
    end
    // B6: the beat's sum.
    always_comb begin
      bs_d = '0;
      for (int g = 0; g < G; g++) bs_d = bs_d + {14'b0, gs5_q[18*g +: 18]};
    end
    // B7: the checksum's sum; B8: its fold.
    assign tot_d = acc_q + bs6_q + {15'h0, t_cconst6};
    assign fold  = tlsnic_pkg::fold16(tot7_q);
    logic unused_fold;   // a folded sum's upper half is zero; B8 takes the fields it sends
    assign unused_fold = ^{fold[31:16], t_cconst_unused, t_beat_last, t_fr_last};

    always_ff @(posedge clk_i) begin
      tl5_q  <= tl4;
      tl6_q  <= tl5_q;
      tl7_q  <= tl6_q;
      gs5_q  <= gs_d;
      bs6_q  <= bs_d;
      tot7_q <= tot_d;
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sb5_q          <= '0;
        sb6_q          <= '0;
        sb7_q          <= '0;
        acc_q          <= '0;
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
        sb5_q <= {b4_item, b4_wr, b4_end, b4_cp_wr, b4_cp_end};
        sb6_q <= sb5_q;
        sb7_q <= sb6_q;
        // The frame's running sum: whole beats only (a beat's items merge in B4).
        if (sb6_q[4] && t_beat_last6) acc_q <= t_fr_last6 ? 32'd0 : acc_q + bs6_q;
        {ob_wr_o, ob_end_o, cp_wr_o, cp_end_o} <= sb7_q[3:0];
        if (sb7_q[4]) begin
          cp_data_o      <= t_cp_data;
          cp_keep_o      <= t_cp_keep;
          ob_data_o      <= t_data;
          ob_keep_o      <= t_keep;
          ob_keep_pkt_o  <= t_keep_pkt;
          ob_fix_o       <= t_fix;
          ob_csum_o      <= ~fold[15:0];
          ob_csum_beat_o <= t_csum_beat;
          ob_csum_lane_o <= t_csum_lane;
          ob_raw_o       <= t_raw;
          ob_user_o      <= t_user;
          ob_tagfail_o   <= t_tagfail;
        end
      end
    end
  end else begin : g_no_b3
    assign ob_wr_o        = b4_wr;
    assign ob_end_o       = b4_end;
    assign cp_wr_o        = b4_cp_wr;
    assign cp_end_o       = b4_cp_end;
    assign cp_data_o      = b4_cp_data;
    assign cp_keep_o      = b4_cp_keep;
    assign ob_data_o      = b4_data;
    assign ob_keep_o      = b4_keep;
    assign ob_keep_pkt_o  = b4_keep_pkt;
    assign ob_fix_o       = b4_fix;
    assign ob_csum_o      = '0;
    assign ob_csum_beat_o = b4_csum_beat;
    assign ob_csum_lane_o = b4_csum_lane;
    assign ob_raw_o       = b4_raw;
    assign ob_user_o      = b4_user;
    assign ob_tagfail_o   = b4_tagfail;
    logic unused_csum;
    assign unused_csum = ^{b4_cmask, b4_cconst, b4_beat_last, b4_fr_last, b4_item};
  end

endmodule
