// tlsnic_rx_engine: the NIC's RX kTLS offload engine (Linux TLS_HW receive side). Behaviour: the
// golden model models/nic-rx.ts (docs/rx-engine-model.md), frame for frame, byte for byte,
// event for event and counter for counter; structure and timing: docs/architecture.md, "RX engine".
//
// This is the first, SEQUENTIAL implementation: one frame at a time, the TLS payload walked one
// byte per cycle (plus 15 cycles per AES block of keystream). It implements the whole behaviour
// (flow table, checksums, sync/skip/wait/scan/lock, tags, events, resync responses, counters) as
// a structural reference for the pipelined, one-beat-per-cycle engine that replaces its walker.
//
//   s_axis -> RECV (tlsnic_pkt_parse, checksums, two frame buffers) -> CLASS (flow lookup,
//   rules 1..6) -> WALK (sequence machine, tracker, AES-GCM via tlsnic_aes_pipe) -> FIN (commit)
//   -> OUT (event, then the received or the decrypted version of the frame) -> m_axis
//
// Input tuser (19 bits, first beat): [1:0] kind (0 packet, 1 control, 2/3 reserved), [18:3] ctx_id.
// Output tuser (3 bits, every beat of a frame): [1:0] kind (0 packet, 1 event), [2] decrypted.
module tlsnic_rx_engine #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
  parameter int unsigned BUCKETS   = 256,
  parameter int unsigned WAYS      = 4,
  parameter int unsigned MAX_FRAME = 9600
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           s_tvalid_i,
  output logic           s_tready_o,
  input  logic [W-1:0]   s_tdata_i,
  input  logic [W/8-1:0] s_tkeep_i,
  input  logic           s_tlast_i,
  input  logic [18:0]    s_tuser_i,
  output logic           m_tvalid_o,
  input  logic           m_tready_i,
  output logic [W-1:0]   m_tdata_o,
  output logic [W/8-1:0] m_tkeep_o,
  output logic           m_tlast_o,
  output logic [2:0]     m_tuser_o,
  input  logic [4:0]     cnt_sel_i,
  output logic [63:0]    cnt_value_o
);

  localparam int unsigned B     = W / 8;
  localparam int unsigned LB    = $clog2(B);
  localparam int unsigned PB    = LB + 1;
  localparam int unsigned HW    = ((138 + B - 1) / B) * B;
  localparam int unsigned NBUF  = (MAX_FRAME + B - 1) / B;
  localparam int unsigned BIW   = (NBUF > 1) ? $clog2(NBUF) : 1;
  localparam int unsigned CW    = (N_CTX > 1) ? $clog2(N_CTX) : 1;
  localparam int unsigned NSLOT = BUCKETS * WAYS;
  localparam int unsigned SW    = (NSLOT > 1) ? $clog2(NSLOT) : 1;
  localparam int unsigned NINIT = (N_CTX > NSLOT) ? N_CTX : NSLOT;
  localparam int unsigned IW    = $clog2(NINIT + 1);
  localparam int unsigned NCNT  = 23;
  localparam logic [17:0] MaxFrame = MAX_FRAME[17:0];
  localparam logic [31:0] MaxRecordLen = 32'd16645;

  // Counter indices: RX_COUNTER_NAMES in models/nic-rx.ts.
  localparam int unsigned CDecPkts = 0, CDecBytes = 1, CCtx = 2, CDel = 3, CReqPkt = 4, CReqStart = 5,
                          CReqEnd = 6, CReqSkip = 7, CResOk = 8, CResSkip = 9, CErr = 10, CPass = 11,
                          COld = 12, CGap = 13, CLost = 14, CCsum = 15, CInstFail = 16, CEvict = 17,
                          CCtrlErr = 18, CFrameErr = 19, COversize = 20, CNotTcp = 21, CPlain = 22;

  localparam logic [2:0] MSync = 3'd0, MSkip = 3'd1, MWait = 3'd2, MScan = 3'd3, MLock = 3'd4;

  localparam logic [3:0] SInit = 4'd0, SRecv = 4'd1, SClass = 4'd2, SGap = 4'd3, SWalk = 4'd4,
                         SAes = 4'd5, SFin = 4'd6, SCtrl = 4'd7, SIns1 = 4'd8, SIns2 = 4'd9,
                         SIns3 = 4'd10, SOutEv = 4'd11, SOutPkt = 4'd12, SOvsDrain = 4'd13,
                         SOvsPass = 4'd14;

  localparam logic [1:0] AesKs = 2'd0, AesJ0 = 2'd1, AesH = 2'd2;

  logic [3:0] state_q;

  // ---------------------------------------------------------------------------------------
  // Helpers.
  function automatic logic [PB-1:0] keep_count(input logic [B-1:0] k);
    logic [PB-1:0] c;
    c = '0;
    for (int j = 0; j < B; j++) if (k[j]) c = PB'(j + 1);
    keep_count = c;
  endfunction

  function automatic logic [7:0] vb(input logic [HW*8-1:0] v, input logic [8:0] idx);
    vb = ({23'b0, idx} < HW) ? v[8*idx +: 8] : 8'h0;
  endfunction

  function automatic logic [31:0] fold16(input logic [31:0] s);
    logic [31:0] t;
    t = {16'h0, s[15:0]} + {16'h0, s[31:16]};
    fold16 = {16'h0, t[15:0]} + {16'h0, t[31:16]};
  endfunction

  // CRC-32 (zlib) of the 37-byte tuple key, byte k of the key in [8k +: 8].
  function automatic logic [31:0] crc32_key(input logic [295:0] k);
    logic [31:0] c;
    c = 32'hffff_ffff;
    for (int i = 0; i < 37; i++) begin
      c = c ^ {24'h0, k[8*i +: 8]};
      for (int j = 0; j < 8; j++) c = c[0] ? ((c >> 1) ^ 32'hedb8_8320) : (c >> 1);
    end
    crc32_key = ~c;
  endfunction

  function automatic logic seq_lt(input logic [31:0] a, input logic [31:0] b);
    seq_lt = (a - b) > 32'h7fff_ffff;
  endfunction

  // The header pattern (headerPlausible): h = 4 history bytes, oldest in [31:24]; b the 5th.
  function automatic logic plausible(input logic ver13, input logic [31:0] h, input logic [7:0] b);
    logic [15:0] len;
    logic type_ok;
    len = {h[7:0], b};
    type_ok = ver13 ? (h[31:24] == 8'd23) : (h[31:24] >= 8'd20 && h[31:24] <= 8'd23);
    plausible = type_ok && h[23:16] == 8'h03 && h[15:8] == 8'h03
                && len >= (ver13 ? 16'd16 : 16'd24) && len <= 16'd16640;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Tables: flow table (BUCKETS x WAYS) and context table (N_CTX), plain arrays.
  logic           ft_v   [NSLOT];
  logic [295:0]   ft_key [NSLOT];
  logic [15:0]    ft_ctx [NSLOT];

  logic           c_valid [N_CTX];
  logic           c_ver13 [N_CTX];
  logic           c_k256  [N_CTX];
  logic           c_scan  [N_CTX];
  logic [255:0]   c_key   [N_CTX];
  logic [95:0]    c_iv    [N_CTX];
  logic [127:0]   c_h     [N_CTX];
  logic [SW-1:0]  c_slot  [N_CTX];
  logic [2:0]     c_mode  [N_CTX];
  logic [31:0]    c_exp   [N_CTX];
  logic [63:0]    c_rseq  [N_CTX];
  logic [14:0]    c_off   [N_CTX];
  logic [14:0]    c_rlen  [N_CTX];
  logic [103:0]   c_hdr   [N_CTX];
  logic [95:0]    c_nonce [N_CTX];
  logic [127:0]   c_acc   [N_CTX];
  logic [127:0]   c_gblk  [N_CTX];
  logic [127:0]   c_ekj0  [N_CTX];
  logic           c_bad   [N_CTX];
  logic [31:0]    c_recend[N_CTX];
  logic [63:0]    c_next  [N_CTX];
  logic [31:0]    c_scanfr[N_CTX];
  logic [31:0]    c_hist  [N_CTX];
  logic [2:0]     c_hlen  [N_CTX];
  logic [31:0]    c_lockseq[N_CTX];
  logic [31:0]    c_lockcnt[N_CTX];
  logic           c_req   [N_CTX];

  // Frame buffers: received and decrypted versions, one beat per entry.
  logic [W-1:0]   pbuf [NBUF];
  logic [W-1:0]   dbuf [NBUF];

  function automatic logic [7:0] beat_byte(input logic [W-1:0] d, input logic [LB-1:0] lane);
    beat_byte = d[8*lane +: 8];
  endfunction

  // ---------------------------------------------------------------------------------------
  // Input side.
  logic        in_first_q;
  logic [17:0] in_bytes_q;
  logic [13:0] in_bidx_q;
  logic [1:0]  fr_kind_q;
  logic [15:0] fr_ctx_q;
  logic [1:0]  cur_kind;
  logic [17:0] in_nbytes;
  logic        ovf_now, recv_take;
  logic [13:0] cur_bidx;

  assign cur_kind  = in_first_q ? s_tuser_i[1:0] : fr_kind_q;
  assign cur_bidx  = in_first_q ? 14'd0 : in_bidx_q;
  assign in_nbytes = (in_first_q ? 18'd0 : in_bytes_q) +
                     (s_tlast_i ? {{(18-PB){1'b0}}, keep_count(s_tkeep_i)} : B[17:0]);
  assign ovf_now   = cur_kind == 2'd0 && in_nbytes > MaxFrame;
  assign recv_take = state_q == SRecv && s_tvalid_i && !ovf_now;

  logic [HW*8-1:0] pv_view;
  logic            pv_hdr_known, pv_is_ip, pv_malformed;
  logic [7:0]      pv_l3, pv_l4;
  logic [8:0]      pv_pay_off;
  logic [16:0]     pv_ip_end, pv_tcp_len;
  logic [31:0]     pv_seq;
  logic [B-1:0]    pv_csum_mask;

  tlsnic_pkt_parse #(.W(W)) u_parse (
    .clk_i, .rst_ni,
    .beat_i     (s_tdata_i),
    .bidx_i     (cur_bidx),
    .first_i    (in_first_q),
    .adv_i      (recv_take),
    .nbytes_i   (in_nbytes[17] ? 18'h1ffff : in_nbytes),
    .view_o     (pv_view),
    .hdr_known_o(pv_hdr_known),
    .is_ip_o    (pv_is_ip),
    .l3_o       (pv_l3),
    .l4_o       (pv_l4),
    .pay_off_o  (pv_pay_off),
    .ip_end_o   (pv_ip_end),
    .seq_o      (pv_seq),
    .csum_mask_o(pv_csum_mask),
    .tcp_len_o  (pv_tcp_len),
    .malformed_o(pv_malformed)
  );

  // One's-complement partial sum of the beat's bytes under the TCP checksum mask.
  logic [31:0] beat_sum;
  always_comb begin
    beat_sum = '0;
    for (int j = 0; j < B / 2; j++) begin
      beat_sum = beat_sum + {16'h0, pv_csum_mask[2*j] ? s_tdata_i[16*j +: 8] : 8'h0,
                                    pv_csum_mask[2*j+1] ? s_tdata_i[16*j+8 +: 8] : 8'h0};
    end
  end

  // Latched at the frame's last beat.
  logic [HW*8-1:0] h_view_q;
  logic            h_malformed_q;
  logic [7:0]      h_l3_q, h_l4_q;
  logic [8:0]      h_pay_off_q;
  logic [16:0]     h_ip_end_q, h_tcp_len_q;
  logic [31:0]     h_seq_q, csum_q;
  logic [17:0]     fr_nbytes_q;

  // ---------------------------------------------------------------------------------------
  // Classification (state SClass): flow key, lookup, checksums.
  logic         k_v6;
  logic [295:0] pk_key;
  logic [31:0]  pk_crc;
  logic         pk_hit;
  logic [SW-1:0] pk_slot;
  logic         ip_ok, tcp_ok;
  logic [3:0]   ihl_unused;
  logic [16:0]  pk_len;
  always_comb begin
    logic [8:0] l3, l4;
    logic [31:0] s;
    logic [15:0] et;
    logic [7:0] ihl;
    l3 = {1'b0, h_l3_q};
    l4 = {1'b0, h_l4_q};
    et = {vb(h_view_q, l3 - 9'd2), vb(h_view_q, l3 - 9'd1)};
    k_v6 = et == 16'h86dd;
    pk_key = '0;
    pk_key[7:0] = k_v6 ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (k_v6) begin
        pk_key[8*(1+j) +: 8]  = vb(h_view_q, l3 + 9'd8 + 9'(j));
        pk_key[8*(17+j) +: 8] = vb(h_view_q, l3 + 9'd24 + 9'(j));
      end else if (j >= 12) begin
        pk_key[8*(1+j) +: 8]  = vb(h_view_q, l3 + 9'(j));
        pk_key[8*(17+j) +: 8] = vb(h_view_q, l3 + 9'd4 + 9'(j));
      end
    end
    for (int j = 0; j < 4; j++) pk_key[8*(33+j) +: 8] = vb(h_view_q, l4 + 9'(j));
    pk_crc  = crc32_key(pk_key);
    pk_hit  = 1'b0;
    pk_slot = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      logic [SW-1:0] sl;
      sl = SW'((pk_crc & 32'(BUCKETS - 1)) * 32'(WAYS) + 32'(w));
      if (ft_v[sl] && ft_key[sl] == pk_key) begin
        pk_hit  = 1'b1;
        pk_slot = sl;
      end
    end
    // IPv4 header checksum: computed over the header without its checksum field, compared.
    ihl = vb(h_view_q, l3);
    s = '0;
    for (int k = 0; k < 30; k++) begin
      if (k != 5 && 9'(2 * k) < {3'b0, ihl[3:0], 2'b0})
        s = s + {16'h0, vb(h_view_q, l3 + 9'(2 * k)), vb(h_view_q, l3 + 9'(2 * k + 1))};
    end
    s = fold16(s);
    ihl_unused = ihl[7:4];
    ip_ok = k_v6 || (~s[15:0]) == {vb(h_view_q, l3 + 9'd10), vb(h_view_q, l3 + 9'd11)};
    s = fold16(csum_q + 32'd6 + {15'h0, h_tcp_len_q} + {16'h0, vb(h_view_q, l4 + 9'd16), vb(h_view_q, l4 + 9'd17)});
    tcp_ok = s[15:0] == 16'hffff;
    pk_len = h_ip_end_q - {8'b0, h_pay_off_q};
  end

  // ---------------------------------------------------------------------------------------
  // Working context (one packet or control frame at a time).
  logic [15:0]  w_ctx_q;
  logic         w_ver13_q, w_k256_q, w_scan_q;
  logic [255:0] w_key_q;
  logic [95:0]  w_iv_q;
  logic [127:0] w_h_q;
  logic [SW-1:0] w_slot_q;
  logic [2:0]   w_mode_q;
  logic [31:0]  w_exp_q;
  logic [63:0]  w_rseq_q;
  logic [14:0]  w_off_q, w_rlen_q;
  logic [103:0] w_hdr_q;
  logic [95:0]  w_nonce_q;
  logic [127:0] w_acc_q, w_gblk_q, w_ekj0_q;
  logic         w_bad_q;
  logic [31:0]  w_recend_q;
  logic [63:0]  w_next_q;
  logic [31:0]  w_scanfr_q, w_hist_q;
  logic [2:0]   w_hlen_q;
  logic [31:0]  w_lockseq_q, w_lockcnt_q;
  logic         w_req_q;
  // Packet walk.
  logic [17:0]  w_i_q, w_pend_q;
  logic [31:0]  w_pos_q, w_end_q;
  logic         w_alldec_q, w_badtag_q, w_hdrerr_q, w_need_j0_q;
  logic         ks_v_q;
  logic [10:0]  ks_blk_q;
  logic [127:0] ks_q;
  // AES call.
  logic         aes_sent_q;
  logic [1:0]   aes_tgt_q;
  logic [127:0] aes_blk_q;
  logic [3:0]   aes_ret_q;
  // Output.
  logic         o_ev_q, o_pkt_q, o_mark_q;
  logic [127:0] o_evdata_q;   // byte 0 in [7:0]
  logic [17:0]  o_len_q;
  logic [13:0]  o_k_q;
  // Control.
  logic [SW-1:0] ins_slot_q;
  logic          ins_h_q;
  // Init sweep.
  logic [IW-1:0] init_idx_q;

  logic [63:0]  cnt_q [NCNT];

  // The AES pipeline (one lane, one request at a time).
  logic         aes_valid_o;
  logic [127:0] aes_out;
  logic         aes_sb_out;
  tlsnic_aes_pipe #(.LANES(1), .SB_W(1)) u_aes (
    .clk_i, .rst_ni,
    .en_i    (1'b1),
    .valid_i (state_q == SAes && !aes_sent_q),
    .key_i   (w_key_q),
    .key256_i(w_k256_q),
    .blk_i   (aes_blk_q),
    .sb_i    (1'b0),
    .valid_o (aes_valid_o),
    .blk_o   (aes_out),
    .sb_o    (aes_sb_out)
  );

  // ---------------------------------------------------------------------------------------
  // Walker: the byte under the cursor and what the tracker makes of it (combinational).
  logic [7:0]   wb;          // received byte
  logic [14:0]  pl;          // record prefix length (5 / 13)
  logic [14:0]  ptlen;       // record plaintext length
  logic [14:0]  pidx;        // payload index
  logic [103:0] hdr_now;     // header bytes including wb
  logic [15:0]  hlen_field;
  logic         hdr_bad;
  logic [95:0]  nonce_now;
  logic [127:0] aad_now, acc_start, lenblk, acc_fin, tag_exp, gblk_now;
  logic [7:0]   tag_byte, pt_byte;
  logic         match_now;
  logic [3:0]   tidx;
  always_comb begin
    logic [127:0] a1;
    wb = beat_byte(pbuf[BIW'(w_i_q >> LB)], w_i_q[LB-1:0]);
    pl = w_ver13_q ? 15'd5 : 15'd13;
    ptlen = w_rlen_q - pl - 15'd16;
    pidx = w_off_q - pl;
    hdr_now = w_hdr_q;
    for (int j = 0; j < 13; j++) if (w_off_q == 15'(j)) hdr_now[8*j +: 8] = wb;
    hlen_field = {w_hdr_q[31:24], wb};
    hdr_bad = hlen_field < (w_ver13_q ? 16'd16 : 16'd24) || hlen_field > 16'd16640;
    nonce_now = w_ver13_q ? (w_iv_q ^ {32'h0, w_rseq_q})
                          : {w_iv_q[95:64], hdr_now[47:40], hdr_now[55:48], hdr_now[63:56], hdr_now[71:64],
                             hdr_now[79:72], hdr_now[87:80], hdr_now[95:88], hdr_now[103:96]};
    // Record start: TLS 1.3 at the 5th header byte (length from wb), TLS 1.2 at the 13th byte.
    if (w_ver13_q) aad_now = {hdr_now[7:0], hdr_now[15:8], hdr_now[23:16], hdr_now[31:24], hdr_now[39:32], 88'h0};
    else           aad_now = {w_rseq_q, hdr_now[7:0], hdr_now[15:8], hdr_now[23:16], 1'b0, w_rlen_q - 15'd29, 24'h0};
    acc_start = tlsnic_aes_pkg::gf128_mul(aad_now, w_h_q);
    // Tag: fold the partial block and the length block, XOR E_K(J0).
    lenblk  = {32'h0, w_ver13_q ? 32'd40 : 32'd104, 32'h0, 14'h0, ptlen, 3'b0};
    a1      = (ptlen[3:0] != 4'd0) ? tlsnic_aes_pkg::gf128_mul(w_acc_q ^ w_gblk_q, w_h_q) : w_acc_q;
    acc_fin = tlsnic_aes_pkg::gf128_mul(a1 ^ lenblk, w_h_q);
    tag_exp = acc_fin ^ w_ekj0_q;
    tidx    = 4'(w_off_q - (w_rlen_q - 15'd16));
    tag_byte = (tidx == 4'd0) ? tag_exp[127:120] : w_ekj0_q[127 - 8*tidx -: 8];
    pt_byte = wb ^ ks_q[127 - 8*pidx[3:0] -: 8];
    gblk_now = w_gblk_q;
    gblk_now[127 - 8*pidx[3:0] -: 8] = wb;
    match_now = w_hlen_q == 3'd4 && plausible(w_ver13_q, w_hist_q, wb);
  end

  // Control frame fields (from the first bytes of pbuf).

  logic [7:0]   c_op, c_fl;
  logic         c_err, ctx_ok;
  logic [31:0]  c_sn;
  logic [63:0]  c_n;
  logic [255:0] c_newkey;
  logic [95:0]  c_newiv;
  logic [295:0] c_tkey;
  logic [31:0]  c_crc;
  logic         c_hit, c_free;
  logic [SW-1:0] c_hitslot, c_freeslot;
  logic [6*W-1:0] cbytes;
  always_comb begin
    cbytes = '0;
    for (int k = 0; k < 6; k++) if (k < NBUF && k * B < 96) cbytes[k*W +: W] = pbuf[k];
    c_op = cbytes[7:0];
    c_fl = cbytes[15:8];
    ctx_ok = {16'b0, fr_ctx_q} < 32'(N_CTX);
    c_err = (c_op != 8'd1 && c_op != 8'd2 && c_op != 8'd3)
         || (c_op == 8'd1 && (fr_nbytes_q < 18'd96 || c_fl[7:4] != 4'd0))
         || (c_op == 8'd3 && (fr_nbytes_q < 18'd16 || c_fl[7:1] != 7'd0))
         || !ctx_ok
         || (c_op == 8'd2 && !c_valid[fr_ctx_q[CW-1:0]]);
    c_sn = {cbytes[8*4 +: 8], cbytes[8*5 +: 8], cbytes[8*6 +: 8], cbytes[8*7 +: 8]};
    for (int i = 0; i < 8; i++) c_n[63-8*i -: 8] = cbytes[8*(8+i) +: 8];
    for (int i = 0; i < 32; i++) c_newkey[255-8*i -: 8] = (i < 16 || c_fl[1]) ? cbytes[8*(16+i) +: 8] : 8'h0;
    for (int i = 0; i < 12; i++) c_newiv[95-8*i -: 8] = (i < 4 || c_fl[0]) ? cbytes[8*(48+i) +: 8] : 8'h0;
    c_tkey = '0;
    c_tkey[7:0] = c_fl[2] ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (c_fl[2] || j >= 12) begin
        c_tkey[8*(1+j) +: 8]  = cbytes[8*(64 + (c_fl[2] ? j : j - 12)) +: 8];
        c_tkey[8*(17+j) +: 8] = cbytes[8*(80 + (c_fl[2] ? j : j - 12)) +: 8];
      end
    end
    for (int j = 0; j < 4; j++) c_tkey[8*(33+j) +: 8] = cbytes[8*(60+j) +: 8];
    c_crc = crc32_key(c_tkey);
    c_hit = 1'b0;
    c_free = 1'b0;
    c_hitslot = '0;
    c_freeslot = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      logic [SW-1:0] sl;
      sl = SW'((c_crc & 32'(BUCKETS - 1)) * 32'(WAYS) + 32'(w));
      if (ft_v[sl] && ft_key[sl] == c_tkey) begin
        c_hit = 1'b1;
        c_hitslot = sl;
      end
      if (!ft_v[sl]) begin
        c_free = 1'b1;
        c_freeslot = sl;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The state machine.
  logic [CW-1:0] fc;   // the control frame's context index
  assign fc = fr_ctx_q[CW-1:0];
  logic [CW-1:0] wc;
  assign wc = w_ctx_q[CW-1:0];

  function automatic logic [127:0] event_bytes(input logic [7:0] code, input logic [7:0] status,
                                               input logic [15:0] ctx, input logic [31:0] sn);
    event_bytes = {64'h0, sn[7:0], sn[15:8], sn[23:16], sn[31:24], ctx[7:0], ctx[15:8], status, code};
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= SInit;
      init_idx_q  <= '0;
      in_first_q  <= 1'b1;
      in_bytes_q  <= '0;
      in_bidx_q   <= '0;
      fr_kind_q   <= '0;
      fr_ctx_q    <= '0;
      fr_nbytes_q <= '0;
      csum_q      <= '0;
      aes_sent_q  <= 1'b0;
      o_ev_q      <= 1'b0;
      o_pkt_q     <= 1'b0;
      o_mark_q    <= 1'b0;
      o_k_q       <= '0;
      for (int i = 0; i < NCNT; i++) cnt_q[i] <= '0;
    end else begin
      case (state_q)
        SInit: begin
          if (init_idx_q < IW'(N_CTX)) c_valid[init_idx_q[CW-1:0]] <= 1'b0;
          if (init_idx_q < IW'(NSLOT)) ft_v[init_idx_q[SW-1:0]] <= 1'b0;
          init_idx_q <= init_idx_q + 1'b1;
          if (init_idx_q == IW'(NINIT - 1)) state_q <= SRecv;
        end

        SRecv: begin
          if (s_tvalid_i && ovf_now) begin
            // Oversize packet: forward the stored beats, then the rest cut-through.
            cnt_q[COversize] <= cnt_q[COversize] + 64'd1;
            o_k_q   <= '0;
            o_len_q <= {4'b0, cur_bidx} << LB;
            state_q <= SOvsDrain;
          end else if (recv_take) begin
            if ({18'b0, cur_bidx} < 32'(NBUF)) begin
              pbuf[BIW'(cur_bidx)] <= s_tdata_i;
              dbuf[BIW'(cur_bidx)] <= s_tdata_i;
            end
            in_first_q <= s_tlast_i;
            in_bytes_q <= in_nbytes;
            in_bidx_q  <= cur_bidx + 14'd1;
            csum_q     <= (in_first_q ? 32'd0 : csum_q) + beat_sum;
            if (in_first_q) begin
              fr_kind_q <= s_tuser_i[1:0];
              fr_ctx_q  <= s_tuser_i[18:3];
            end
            if (s_tlast_i) begin
              fr_nbytes_q   <= in_nbytes;
              h_view_q      <= pv_view;
              h_malformed_q <= pv_malformed;
              h_l3_q        <= pv_l3;
              h_l4_q        <= pv_l4;
              h_pay_off_q   <= pv_pay_off;
              h_ip_end_q    <= pv_ip_end;
              h_tcp_len_q   <= pv_tcp_len;
              h_seq_q       <= pv_seq;
              o_len_q       <= in_nbytes;
              o_k_q         <= '0;
              o_ev_q        <= 1'b0;
              o_pkt_q       <= cur_kind == 2'd0;
              o_mark_q      <= 1'b0;
              case (cur_kind)
                2'd0: state_q <= SClass;
                2'd1: state_q <= SCtrl;
                default: cnt_q[CFrameErr] <= cnt_q[CFrameErr] + 64'd1;
              endcase
            end
          end
        end

        SClass: begin
          if (h_malformed_q) begin
            cnt_q[CNotTcp] <= cnt_q[CNotTcp] + 64'd1;
            state_q <= SOutPkt;
          end else if (!pk_hit || !c_valid[ft_ctx[pk_slot][CW-1:0]]) begin
            cnt_q[CPlain] <= cnt_q[CPlain] + 64'd1;
            state_q <= SOutPkt;
          end else if (!ip_ok || !tcp_ok) begin
            cnt_q[CCsum] <= cnt_q[CCsum] + 64'd1;
            state_q <= SOutPkt;
          end else if (pk_len == 17'd0) begin
            state_q <= SOutPkt;
          end else begin
            logic [CW-1:0] x;
            x = ft_ctx[pk_slot][CW-1:0];
            w_ctx_q     <= ft_ctx[pk_slot];
            w_ver13_q   <= c_ver13[x];
            w_k256_q    <= c_k256[x];
            w_scan_q    <= c_scan[x];
            w_key_q     <= c_key[x];
            w_iv_q      <= c_iv[x];
            w_h_q       <= c_h[x];
            w_slot_q    <= c_slot[x];
            w_mode_q    <= c_mode[x];
            w_exp_q     <= c_exp[x];
            w_rseq_q    <= c_rseq[x];
            w_off_q     <= c_off[x];
            w_rlen_q    <= c_rlen[x];
            w_hdr_q     <= c_hdr[x];
            w_nonce_q   <= c_nonce[x];
            w_acc_q     <= c_acc[x];
            w_gblk_q    <= c_gblk[x];
            w_ekj0_q    <= c_ekj0[x];
            w_bad_q     <= c_bad[x];
            w_recend_q  <= c_recend[x];
            w_next_q    <= c_next[x];
            w_scanfr_q  <= c_scanfr[x];
            w_hist_q    <= c_hist[x];
            w_hlen_q    <= c_hlen[x];
            w_lockseq_q <= c_lockseq[x];
            w_lockcnt_q <= c_lockcnt[x];
            w_req_q     <= c_req[x];
            state_q     <= SGap;
          end
        end

        SGap: begin
          logic [31:0] endsn, skip;
          endsn = h_seq_q + {15'b0, pk_len};
          skip  = seq_lt(h_seq_q, w_exp_q) ? w_exp_q - h_seq_q : 32'd0;
          if (seq_lt(endsn, w_exp_q) || endsn == w_exp_q) begin
            cnt_q[COld]  <= cnt_q[COld] + 64'd1;
            cnt_q[CPass] <= cnt_q[CPass] + 64'd1;
            state_q <= SOutPkt;
          end else begin
            if (skip == 32'd0 && h_seq_q != w_exp_q) begin
              logic lose;
              lose = 1'b0;
              cnt_q[CGap] <= cnt_q[CGap] + 64'd1;
              case (w_mode_q)
                MSync: begin
                  logic [31:0] e;
                  e = w_exp_q - {17'b0, w_off_q} + {17'b0, w_rlen_q};
                  if (w_rlen_q != 15'd0 && !seq_lt(e, h_seq_q)) begin
                    w_mode_q   <= MSkip;
                    w_recend_q <= e;
                    w_next_q   <= w_rseq_q + 64'd1;
                  end else lose = 1'b1;
                end
                MSkip: if (seq_lt(w_recend_q, h_seq_q)) lose = 1'b1;
                MLock: begin
                  if (seq_lt(w_recend_q, h_seq_q)) lose = 1'b1;
                  else w_hlen_q <= 3'd0;
                end
                MScan: w_hlen_q <= 3'd0;
                default: ;
              endcase
              if (lose) begin
                if (w_mode_q == MLock) begin
                  cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
                  w_req_q <= 1'b0;
                end
                cnt_q[CLost] <= cnt_q[CLost] + 64'd1;
                w_mode_q   <= MWait;
                w_scanfr_q <= w_exp_q + MaxRecordLen;
                w_hlen_q   <= 3'd0;
              end
            end
            w_alldec_q  <= skip == 32'd0;
            w_badtag_q  <= 1'b0;
            w_hdrerr_q  <= 1'b0;
            w_need_j0_q <= 1'b0;
            ks_v_q      <= 1'b0;
            w_i_q       <= {9'b0, h_pay_off_q} + skip[17:0];
            w_pend_q    <= {1'b0, h_ip_end_q};
            w_pos_q     <= h_seq_q + skip;
            w_end_q     <= endsn;
            state_q     <= SWalk;
          end
        end

        SWalk: begin
          if (w_need_j0_q) begin
            aes_blk_q <= {w_nonce_q, 32'd1};
            aes_tgt_q <= AesJ0;
            aes_ret_q <= SWalk;
            aes_sent_q <= 1'b0;
            w_need_j0_q <= 1'b0;
            state_q   <= SAes;
          end else if (w_i_q == w_pend_q) begin
            state_q <= SFin;
          end else begin
            logic consume;
            consume = 1'b1;
            case (w_mode_q)
              MSync: begin
                if (w_off_q < 15'd5) begin
                  if (w_off_q == 15'd4 && hdr_bad) begin
                    // Impossible length: sync lost at the header's first byte; the byte is
                    // walked again in wait.
                    consume = 1'b0;
                    w_hdrerr_q <= 1'b1;
                    w_alldec_q <= 1'b0;
                    cnt_q[CLost] <= cnt_q[CLost] + 64'd1;
                    w_mode_q   <= MWait;
                    w_scanfr_q <= w_pos_q - 32'd4 + MaxRecordLen;
                    w_hlen_q   <= 3'd0;
                  end else begin
                    w_hdr_q <= hdr_now;
                    w_off_q <= w_off_q + 15'd1;
                    if (w_off_q == 15'd4) begin
                      w_rlen_q <= 15'd5 + hlen_field[14:0];
                      if (w_ver13_q) begin
                        w_nonce_q   <= nonce_now;
                        w_acc_q     <= acc_start;
                        w_need_j0_q <= 1'b1;
                      end
                    end
                  end
                end else if (w_off_q < pl) begin
                  w_hdr_q <= hdr_now;
                  w_off_q <= w_off_q + 15'd1;
                  if (w_off_q == 15'd12) begin
                    w_nonce_q   <= nonce_now;
                    w_acc_q     <= acc_start;
                    w_need_j0_q <= 1'b1;
                  end
                end else if (w_off_q < w_rlen_q - 15'd16) begin
                  if (!ks_v_q || ks_blk_q != pidx[14:4]) begin
                    consume = 1'b0;
                    aes_blk_q  <= {w_nonce_q, 21'd0, pidx[14:4] + 11'd2};
                    ks_blk_q   <= pidx[14:4];
                    aes_tgt_q  <= AesKs;
                    aes_ret_q  <= SWalk;
                    aes_sent_q <= 1'b0;
                    state_q    <= SAes;
                  end else begin
                    dbuf[BIW'(w_i_q >> LB)][8*w_i_q[LB-1:0] +: 8] <= pt_byte;
                    if (pidx[3:0] == 4'd15) begin
                      w_acc_q  <= tlsnic_aes_pkg::gf128_mul(w_acc_q ^ gblk_now, w_h_q);
                      w_gblk_q <= '0;
                    end else begin
                      w_gblk_q <= gblk_now;
                    end
                    w_off_q <= w_off_q + 15'd1;
                  end
                end else begin
                  if (tidx == 4'd0) w_ekj0_q <= tag_exp;
                  if (w_off_q + 15'd1 == w_rlen_q) begin
                    if (w_bad_q || wb != tag_byte) w_badtag_q <= 1'b1;
                    w_rseq_q <= w_rseq_q + 64'd1;
                    w_off_q  <= '0;
                    w_rlen_q <= '0;
                    w_acc_q  <= '0;
                    w_gblk_q <= '0;
                    w_bad_q  <= 1'b0;
                    ks_v_q   <= 1'b0;
                  end else begin
                    w_bad_q <= w_bad_q || wb != tag_byte;
                    w_off_q <= w_off_q + 15'd1;
                  end
                end
              end
              MSkip: begin
                if (!seq_lt(w_pos_q, w_recend_q)) begin
                  consume = 1'b0;
                  w_mode_q <= MSync;
                  w_rseq_q <= w_next_q;
                  w_off_q  <= '0;
                  w_rlen_q <= '0;
                  w_acc_q  <= '0;
                  w_gblk_q <= '0;
                  w_bad_q  <= 1'b0;
                  ks_v_q   <= 1'b0;
                end else w_alldec_q <= 1'b0;
              end
              MWait: begin
                w_alldec_q <= 1'b0;
                if (w_scan_q && !seq_lt(w_pos_q, w_scanfr_q)) begin
                  consume = 1'b0;
                  w_mode_q <= MScan;
                  w_hlen_q <= 3'd0;
                end
              end
              MScan: begin
                w_alldec_q <= 1'b0;
                if (match_now) begin
                  w_mode_q    <= MLock;
                  w_lockseq_q <= w_pos_q - 32'd4;
                  w_recend_q  <= w_pos_q + 32'd1 + {16'b0, w_hist_q[7:0], wb};
                  w_lockcnt_q <= '0;
                  w_req_q     <= 1'b0;
                  cnt_q[CReqStart] <= cnt_q[CReqStart] + 64'd1;
                end
                w_hist_q <= {w_hist_q[23:0], wb};
                w_hlen_q <= (w_hlen_q == 3'd4) ? 3'd4 : w_hlen_q + 3'd1;
              end
              default: begin  // MLock
                w_alldec_q <= 1'b0;
                if (!seq_lt(w_pos_q, w_recend_q + 32'd4)) begin
                  if (match_now) begin
                    w_lockcnt_q <= w_lockcnt_q + 32'd1;
                    w_recend_q  <= w_recend_q + 32'd5 + {16'b0, w_hist_q[7:0], wb};
                  end else begin
                    cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
                    w_req_q  <= 1'b0;
                    w_mode_q <= MScan;
                  end
                end
                w_hist_q <= {w_hist_q[23:0], wb};
                w_hlen_q <= (w_hlen_q == 3'd4) ? 3'd4 : w_hlen_q + 3'd1;
              end
            endcase
            if (consume) begin
              w_i_q   <= w_i_q + 18'd1;
              w_pos_q <= w_pos_q + 32'd1;
            end
          end
        end

        SAes: begin
          aes_sent_q <= 1'b1;
          if (aes_valid_o && aes_sent_q) begin
            case (aes_tgt_q)
              AesKs: begin
                ks_q   <= aes_out;
                ks_v_q <= 1'b1;
              end
              AesJ0: w_ekj0_q <= aes_out;
              default: w_h_q <= aes_out;
            endcase
            state_q <= aes_ret_q;
          end
        end

        SFin: begin
          logic marked, ev;
          ev = w_mode_q == MLock && !w_req_q;
          marked = w_alldec_q && !w_badtag_q && !w_hdrerr_q;
          if (ev) begin
            cnt_q[CReqPkt] <= cnt_q[CReqPkt] + 64'd1;
            o_evdata_q <= event_bytes(8'd1, 8'd0, w_ctx_q, w_lockseq_q);
          end
          o_ev_q <= ev;
          if (w_badtag_q || w_hdrerr_q) cnt_q[CErr] <= cnt_q[CErr] + 64'd1;
          if (marked) begin
            cnt_q[CDecPkts]  <= cnt_q[CDecPkts] + 64'd1;
            cnt_q[CDecBytes] <= cnt_q[CDecBytes] + {47'b0, pk_len};
          end else begin
            cnt_q[CPass] <= cnt_q[CPass] + 64'd1;
          end
          o_mark_q <= marked;
          // Write the context back.
          c_mode[wc]    <= w_mode_q;
          c_exp[wc]     <= w_end_q;
          c_rseq[wc]    <= w_rseq_q;
          c_off[wc]     <= w_off_q;
          c_rlen[wc]    <= w_rlen_q;
          c_hdr[wc]     <= w_hdr_q;
          c_nonce[wc]   <= w_nonce_q;
          c_acc[wc]     <= w_acc_q;
          c_gblk[wc]    <= w_gblk_q;
          c_ekj0[wc]    <= w_ekj0_q;
          c_bad[wc]     <= w_bad_q;
          c_recend[wc]  <= w_recend_q;
          c_next[wc]    <= w_next_q;
          c_scanfr[wc]  <= w_scanfr_q;
          c_hist[wc]    <= w_hist_q;
          c_hlen[wc]    <= w_hlen_q;
          c_lockseq[wc] <= w_lockseq_q;
          c_lockcnt[wc] <= w_lockcnt_q;
          c_req[wc]     <= w_req_q || ev;
          state_q <= ev ? SOutEv : SOutPkt;
        end

        SCtrl: begin
          if (c_err) begin
            cnt_q[CCtrlErr] <= cnt_q[CCtrlErr] + 64'd1;
            if (c_op == 8'd1) begin
              o_evdata_q <= event_bytes(8'd2, 8'd2, fr_ctx_q, 32'd0);
              o_ev_q     <= 1'b1;
              state_q    <= SOutEv;
            end else state_q <= SRecv;
          end else if (c_op == 8'd2) begin
            if (c_mode[fc] == MLock) cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
            ft_v[c_slot[fc]] <= 1'b0;
            c_valid[fc] <= 1'b0;
            c_key[fc]   <= '0;
            c_iv[fc]    <= '0;
            c_h[fc]     <= '0;
            cnt_q[CDel] <= cnt_q[CDel] + 64'd1;
            state_q <= SRecv;
          end else if (c_op == 8'd3) begin
            state_q <= SRecv;
            if (!c_valid[fc]) begin
              cnt_q[CResSkip] <= cnt_q[CResSkip] + 64'd1;
            end else if (!c_fl[0]) begin
              // Confirmation of the outstanding request.
              if (c_mode[fc] != MLock || !c_req[fc] || c_sn != c_lockseq[fc]) begin
                cnt_q[CResSkip] <= cnt_q[CResSkip] + 64'd1;
              end else begin
                logic [63:0] nx;
                logic [31:0] k;
                nx = c_n + {32'b0, c_lockcnt[fc]} + 64'd1;
                k  = c_exp[fc] - c_recend[fc];
                c_req[fc] <= 1'b0;
                cnt_q[CReqEnd] <= cnt_q[CReqEnd] + 64'd1;
                cnt_q[CResOk]  <= cnt_q[CResOk] + 64'd1;
                if (k[31] || k == 32'd0) begin
                  c_mode[fc] <= MSkip;
                  c_next[fc] <= nx;
                end else begin
                  logic [103:0] h;
                  h = '0;
                  for (int j = 0; j < 4; j++) begin
                    if (32'(j) < k) h[8*j +: 8] = c_hist[fc][8*(32'(k) - 1 - 32'(j)) +: 8];
                  end
                  c_mode[fc] <= MSync;
                  c_rseq[fc] <= nx;
                  c_off[fc]  <= k[14:0];
                  c_rlen[fc] <= '0;
                  c_hdr[fc]  <= h;
                  c_acc[fc]  <= '0;
                  c_gblk[fc] <= '0;
                  c_bad[fc]  <= 1'b0;
                end
              end
            end else begin
              // Host-driven: the next record starts at S with number N.
              if (seq_lt(c_sn, c_exp[fc])) begin
                cnt_q[CResSkip] <= cnt_q[CResSkip] + 64'd1;
              end else begin
                if (c_mode[fc] == MLock) begin
                  cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
                  c_req[fc] <= 1'b0;
                end
                c_mode[fc]   <= MSkip;
                c_recend[fc] <= c_sn;
                c_next[fc]   <= c_n;
                cnt_q[CResOk] <= cnt_q[CResOk] + 64'd1;
              end
            end
          end else begin
            state_q <= SIns1;
          end
        end

        SIns1: begin
          // 1. The id is reused: the old connection goes first.
          if (c_valid[fc]) begin
            if (c_mode[fc] == MLock) cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
            ft_v[c_slot[fc]] <= 1'b0;
            c_valid[fc] <= 1'b0;
            cnt_q[CEvict] <= cnt_q[CEvict] + 64'd1;
          end
          state_q <= SIns2;
        end

        SIns2: begin
          if (c_hit) begin
            // 2. The tuple is installed under another id: that context is replaced.
            logic [CW-1:0] x;
            x = ft_ctx[c_hitslot][CW-1:0];
            if (c_mode[x] == MLock) cnt_q[CReqSkip] <= cnt_q[CReqSkip] + 64'd1;
            c_valid[x] <= 1'b0;
            c_key[x]   <= '0;
            c_iv[x]    <= '0;
            c_h[x]     <= '0;
            ft_v[c_hitslot] <= 1'b0;
            cnt_q[CEvict] <= cnt_q[CEvict] + 64'd1;
            ins_slot_q <= c_hitslot;
            state_q <= SIns3;
          end else if (c_free) begin
            ins_slot_q <= c_freeslot;
            state_q <= SIns3;
          end else begin
            cnt_q[CInstFail] <= cnt_q[CInstFail] + 64'd1;
            o_evdata_q <= event_bytes(8'd2, 8'd1, fr_ctx_q, 32'd0);
            o_ev_q  <= 1'b1;
            state_q <= SOutEv;
          end
          ins_h_q    <= 1'b0;
          w_key_q    <= c_newkey;
          w_k256_q   <= c_fl[1];
          aes_blk_q  <= '0;
          aes_tgt_q  <= AesH;
          aes_ret_q  <= SIns3;
          aes_sent_q <= 1'b0;
        end

        SIns3: begin
          if (!ins_h_q) begin
            // H = E_K(0) first (SAes returns here).
            ins_h_q <= 1'b1;
            state_q <= SAes;
          end else begin
            ft_v[ins_slot_q]   <= 1'b1;
            ft_key[ins_slot_q] <= c_tkey;
            ft_ctx[ins_slot_q] <= fr_ctx_q;
            c_valid[fc]  <= 1'b1;
            c_ver13[fc]  <= c_fl[0];
            c_k256[fc]   <= c_fl[1];
            c_scan[fc]   <= !c_fl[3];
            c_key[fc]    <= c_newkey;
            c_iv[fc]     <= c_newiv;
            c_h[fc]      <= w_h_q;
            c_slot[fc]   <= ins_slot_q;
            c_mode[fc]   <= MSync;
            c_exp[fc]    <= c_sn;
            c_rseq[fc]   <= c_n;
            c_off[fc]    <= '0;
            c_rlen[fc]   <= '0;
            c_hdr[fc]    <= '0;
            c_nonce[fc]  <= '0;
            c_acc[fc]    <= '0;
            c_gblk[fc]   <= '0;
            c_ekj0[fc]   <= '0;
            c_bad[fc]    <= 1'b0;
            c_recend[fc] <= '0;
            c_next[fc]   <= '0;
            c_scanfr[fc] <= '0;
            c_hist[fc]   <= '0;
            c_hlen[fc]   <= '0;
            c_lockseq[fc] <= '0;
            c_lockcnt[fc] <= '0;
            c_req[fc]    <= 1'b0;
            cnt_q[CCtx] <= cnt_q[CCtx] + 64'd1;
            o_evdata_q <= event_bytes(8'd2, 8'd0, fr_ctx_q, 32'd0);
            o_ev_q  <= 1'b1;
            state_q <= SOutEv;
          end
        end

        SOutEv: begin
          if (m_tready_i) begin
            o_ev_q  <= 1'b0;
            state_q <= o_pkt_q ? SOutPkt : SRecv;
          end
        end

        SOutPkt: begin
          if (m_tready_i) begin
            o_k_q <= o_k_q + 14'd1;
            if ((({4'b0, o_k_q} + 18'd1) << LB) >= o_len_q) state_q <= SRecv;
          end
        end

        SOvsDrain: begin
          if (m_tready_i || o_len_q == 18'd0) begin
            o_k_q <= o_k_q + 14'd1;
            if ((({4'b0, o_k_q} + 18'd1) << LB) >= o_len_q) state_q <= SOvsPass;
          end
        end

        SOvsPass: begin
          if (s_tvalid_i && m_tready_i && s_tlast_i) begin
            in_first_q <= 1'b1;
            state_q    <= SRecv;
          end
        end

        default: state_q <= SRecv;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------
  // Output.
  always_comb begin
    logic [17:0] rem;
    m_tvalid_o = 1'b0;
    m_tdata_o  = '0;
    m_tkeep_o  = '0;
    m_tlast_o  = 1'b0;
    m_tuser_o  = '0;
    s_tready_o = state_q == SRecv && !(s_tvalid_i && ovf_now);
    rem = o_len_q - ({4'b0, o_k_q} << LB);
    case (state_q)
      SOutEv: begin
        m_tvalid_o = 1'b1;
        m_tdata_o[127:0] = o_evdata_q;
        m_tkeep_o[15:0] = 16'hffff;
        m_tlast_o  = 1'b1;
        m_tuser_o  = 3'b001;
      end
      SOutPkt: begin
        m_tvalid_o = 1'b1;
        m_tdata_o  = o_mark_q ? dbuf[BIW'(o_k_q)] : pbuf[BIW'(o_k_q)];
        m_tlast_o  = rem <= 18'(B);
        for (int j = 0; j < B; j++) m_tkeep_o[j] = 18'(j) < rem;
        m_tuser_o  = {o_mark_q, 2'b00};
      end
      SOvsDrain: begin
        m_tvalid_o = o_len_q != 18'd0;
        m_tdata_o  = pbuf[BIW'(o_k_q)];
        m_tkeep_o  = '1;
      end
      SOvsPass: begin
        m_tvalid_o = s_tvalid_i;
        s_tready_o = m_tready_i;
        m_tdata_o  = s_tdata_i;
        m_tkeep_o  = s_tlast_i ? s_tkeep_i : '1;
        m_tlast_o  = s_tlast_i;
      end
      default: ;
    endcase
  end

  assign cnt_value_o = ({27'b0, cnt_sel_i} < NCNT) ? cnt_q[cnt_sel_i] : 64'd0;

  logic unused;
  assign unused = ^{pv_hdr_known, pv_is_ip, aes_sb_out, w_slot_q, ihl_unused, o_ev_q, s_tuser_i[2]};

endmodule
