// tlsnic_rx_front: front end of the RX offload engine. Takes the input AXI-Stream (packets from
// the wire, control frames from the driver), parses headers, finds each packet's connection in
// the hash flow table, runs the per-context sequence machine (sync / skip / wait / scan / lock,
// docs/rx-engine-model.md section 4) over the packet's payload and cuts every beat into work items
// for the crypto pipeline: the same item format as the TX front end (tlsnic_tx_front), produced by
// the same record tracker (tlsnic_rec_track) in sync mode; the back end is tlsnic_gcm_back with
// DECRYPT = 1. Frame verdicts leave on the frame's last item in the item's user field
// (tlsnic_rx_pkg::rx_user_t).
//
// Pipeline (all stages advance on en_i, the engine's global enable):
//   FA  input register; tlsnic_pkt_parse looks at this beat; the flow key is taken from its view
//   FK  key register; its keyed Toeplitz hash selects two buckets; both read (tlsnic_rx_cuckoo)
//   FB  their 8 ways and the stash are compared with the key: hit, context id; context-table read
//   FP  one beat at a time; produces one work item per cycle (a beat yields one item, more when a
//       mode changes, a record boundary needs a cut, or a control frame needs extra table cycles);
//       frame verdicts, counters and context write-back happen on a frame's last item
//   FI  item register, feeding tlsnic_aes_pipe and (through its sideband) the back end
// Latency input beat -> item register: 4 cycles for the first item of a beat.
//
// Speculation: a packet's checksums, its length and its parse are final only at its last beat,
// but the walk starts at the first payload byte. The walk runs on a working copy (wk_q) of the
// context; on the last item the context is written back (commit) only when rules 1-4 did not
// apply, otherwise the working copy returns to the snapshot taken at load. The back end commits
// its GCM state on the same decision (it_commit_o).
//
// Control frames are decided in FP on their last beat (an install or a delete waits there for
// tlsnic_rx_install and the flow table's command: 9 cycles for an install into a free way, at
// most the table's worst case + 5); while one is in the pipeline no further frame is accepted, so
// a lookup never races a table change. After reset both tables clear (max(N_CTX, BUCKETS/2) cycles, s_tready_o low).
//
// Key hygiene: a context that goes — deleted, evicted by an install of its tuple under another
// id, or dropped by an install reusing its id (the entry the install then writes, or zeroes when
// the bucket is full) — leaves zeroes in the context table, and its back-end entry is zeroed by
// a delete item (del): the delete's own last item, or an extra item the install sequencer
// sends in the cycle it finds a reused id (CsIdle) or evicts (CsEvict). Those cycles send no item
// otherwise, so the extra item costs no cycle; it is not part of any frame's output (pkt,
// wr low). A control frame also clears the packet snapshot. The context table and its width
// are Verilator-public (read back by tb/tb_tables.h; synthesis ignores the comments).
module tlsnic_rx_front #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
  parameter int unsigned BUCKETS   = 256,              // flow table v2: buckets (4 ways each)
  parameter int unsigned MAX_FRAME = 9600,
  parameter int unsigned UW        = 74,                 // width of tlsnic_rx_pkg::rx_user_t
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,                 // AES lanes
  localparam int unsigned PB = $clog2(B) + 1,         // beat position 0..B
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1,
  localparam int unsigned KW = $clog2(LA + 1),
  localparam int unsigned IW = tlsnic_pkg::item_bits(W, CW, UW)   // item_t bits (checked below)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              en_i,
  // input stream
  input  logic              s_tvalid_i,
  output logic              s_tready_o,
  input  logic [W-1:0]      s_tdata_i,
  input  logic [B-1:0]      s_tkeep_i,
  input  logic              s_tlast_i,
  input  logic [18:0]       s_tuser_i,
  // work item (registered): the item (item_t, rtl/common/tlsnic_item.svh; user =
  // tlsnic_rx_pkg::rx_user_t, read on fr_last) and its AES inputs
  output logic              it_valid_o,
  output logic [IW-1:0]     it_o,
  output logic [255:0]      it_key_o,
  output logic              it_k256_o,
  output logic [LA*128-1:0] it_blocks_o,
  // statistics (the counters decided here; the top adds the mark-dependent ones)
  input  logic [4:0]        cnt_sel_i,
  output logic [63:0]       cnt_value_o
);

  localparam logic [PB-1:0]  BeatB    = B[PB-1:0];
  localparam logic [19:0]    BeatB20  = B[19:0];
  localparam logic [17:0]    MaxFrame = MAX_FRAME[17:0];
  localparam int unsigned    HW  = ((138 + B - 1) / B) * B;
  localparam int unsigned    VW  = 96;                    // view bytes kept per beat (control frames)

  tlsnic_rx_pkg::rctx_t wk_q, snap_q, st, ld_st, x_st, ist, st_nx, fin_st, c_new, c_res;
  // The table, the working copy and the snapshot hold the stored form (rctx_mem_t: modes share
  // fields, tlsnic_rx_ctx_pack); the logic works on rctx_t.
  tlsnic_rx_pkg::rctx_mem_t wk_m, snap_m, ct_ld_m, ct_rd_m, ct_wd_m, ct_wk_d_m, ct_snap_d_m;
  tlsnic_rx_pkg::rctx_t     ct_wd, ct_wk_d, ct_snap_d;
  localparam int unsigned RW /*verilator public_flat_rd*/ = $bits(wk_m);

  `include "tlsnic_item.svh"
  item_t it_q;
  assign it_o = it_q;
  if (IW != $bits(it_q)) begin : g_bad_iw
    $fatal(1, "tlsnic_rx_front: IW = %0d, but an item_t has %0d bits", IW, $bits(it_q));
  end
  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_rx_front: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_rx_front: N_CTX = %0d; context ids are 16 bits, 1 <= N_CTX <= 65536", N_CTX);
  end
  if (MAX_FRAME < 64 || MAX_FRAME > 65553) begin : g_bad_max_frame
    $fatal(1, "tlsnic_rx_front: MAX_FRAME = %0d; an Ethernet frame is 64 to 65,553 bytes (14 + 4 + 65,535)", MAX_FRAME);
  end

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif
  tlsnic_rx_pkg::rx_user_t usr;

  // ---------------------------------------------------------------------------------------
  // Stage handshakes (one global enable; each stage moves when the next one takes or is empty).
  logic fa_valid_q, fk_valid_q, fb_valid_q, fp_valid_q;
  logic fa_take, fk_take, fb_take, fp_take;
  logic fp_item, fp_beat_done, fp_frame_end;

  logic init_q;    // the tables' clear sweep after reset

  // A control frame in the pipeline blocks the next frame (see header).
  logic ctl_inflight_q;
  logic in_first_q;
  logic in_block;
  assign in_block   = in_first_q && ctl_inflight_q;
  assign fa_take    = en_i && !init_q && s_tvalid_i && !in_block && (!fa_valid_q || fk_take);
  assign s_tready_o = en_i && !init_q && !in_block && (!fa_valid_q || fk_take);
  assign fk_take    = en_i && fa_valid_q && (!fk_valid_q || fb_take);
  assign fb_take    = en_i && fk_valid_q && (!fb_valid_q || fp_take);
  assign fp_take    = en_i && fb_valid_q && (!fp_valid_q || fp_beat_done);

  // ---------------------------------------------------------------------------------------
  // FA: input register and parser.
  logic              fa_first_q, fa_last_q;
  logic [W-1:0]      fa_data_q;
  logic [B-1:0]      fa_keep_q;
  logic [18:0]       fa_user_q;
  logic [13:0]       fa_bidx_q;
  logic [17:0]       fa_nbytes_q;

  logic [HW*8-1:0] pv_view;
  logic            pv_hdr_known, pv_is_ip, pv_malformed;
  logic [7:0]      pv_l3, pv_l4;
  logic [8:0]      pv_pay_off;
  logic [16:0]     pv_ip_end, pv_tcp_len;
  logic [31:0]     pv_seq;
  logic [B-1:0]    pv_csum_mask;

  tlsnic_frame_in #(.W(W)) u_in (
    .clk_i, .rst_ni,
    .s_tdata_i, .s_tkeep_i, .s_tlast_i, .s_tuser_i,
    .take_i        (fa_take),
    .leave_i       (fk_take),
    .in_first_o    (in_first_q),
    .fa_valid_o    (fa_valid_q),
    .fa_first_o    (fa_first_q),
    .fa_last_o     (fa_last_q),
    .fa_data_o     (fa_data_q),
    .fa_keep_o     (fa_keep_q),
    .fa_user_o     (fa_user_q),
    .fa_bidx_o     (fa_bidx_q),
    .fa_nbytes_o   (fa_nbytes_q),
    .pv_view_o     (pv_view),
    .pv_hdr_known_o(pv_hdr_known),
    .pv_is_ip_o    (pv_is_ip),
    .pv_l3_o       (pv_l3),
    .pv_l4_o       (pv_l4),
    .pv_pay_off_o  (pv_pay_off),
    .pv_ip_end_o   (pv_ip_end),
    .pv_seq_o      (pv_seq),
    .pv_csum_mask_o(pv_csum_mask),
    .pv_tcp_len_o  (pv_tcp_len),
    .pv_malformed_o(pv_malformed)
  );

  // A beat with its parse results, as it travels FK -> FB -> FP.
  typedef struct packed {
    logic            first;
    logic            last;
    logic [W-1:0]    data;
    logic [B-1:0]    keep;
    logic [18:0]     user;
    logic [13:0]     bidx;
    logic [17:0]     nbytes;
    logic            hdr_known;
    logic            is_ip;
    logic            malformed;
    logic [7:0]      l3;
    logic [7:0]      l4;
    logic [8:0]      pay_off;
    logic [16:0]     ip_end;
    logic [16:0]     tcp_len;
    logic [31:0]     seq;
    logic [B-1:0]    csum_mask;
    logic [VW*8-1:0] view;
    logic [295:0]    key;
  } beat_t;

  beat_t fk_q, fb_q, fp_q;

  // ---------------------------------------------------------------------------------------
  // Flow table (tlsnic_rx_cuckoo): FK hashes its key and reads both candidate buckets as the
  // beat moves to FB; FB compares them (and the stash) with the key. Its command port serves the
  // table sequencer below; a hash-key control frame loads a new key (and clears the table).
  logic           ft_busy, ft_empty;    // clear sweep / no entry
  logic           fb_hit;
  logic [15:0]    fb_cid;
  logic [295:0]   c_tkey;               // the tuple of an install (tlsnic_rx_ctrl)
  logic [127:0]   c_hk;                 // a hash key (tlsnic_rx_ctrl)
  logic           ft_hk_we;
  logic           ft_cmd_valid, ft_cmd_ready, ft_res_valid;
  logic [2:0]     ft_res_status;
  logic [15:0]    ft_res_cid;
  logic [15:0]    ft_cid;               // the id an install writes
  logic [$clog2(BUCKETS)+2:0] ft_lk_slot, ft_res_slot;   // slots (not needed here)
  always_comb begin
    ft_cid = fr_uctx;
`ifndef SYNTHESIS
    if (brk == 32'd13) ft_cid[15] = 1'b1;   // test-only fault: the entry names no context
`endif
  end

  tlsnic_rx_cuckoo #(.NB(BUCKETS), .N_CTX(N_CTX)) u_flow (
    .clk_i, .rst_ni,
    .busy_o      (ft_busy),
    .empty_o     (ft_empty),
    .hk_we_i     (ft_hk_we),
    .hk_i        (c_hk),
    .lk_re_i     (fb_take),
    .lk_key_i    (fk_q.key),
    .lk_key_b_i  (fb_q.key),
    .lk_hit_o    (fb_hit),
    .lk_cid_o    (fb_cid),
    .lk_slot_o   (ft_lk_slot),
    .cmd_valid_i (ft_cmd_valid),
    .cmd_ready_o (ft_cmd_ready),
    .cmd_del_i   (c_op == tlsnic_rx_pkg::OpDelete),
    .cmd_cid_i   (ft_cid),
    .cmd_key_i   (c_tkey),
    .res_valid_o (ft_res_valid),
    .res_status_o(ft_res_status),
    .res_slot_o  (ft_res_slot),
    .res_cid_o   (ft_res_cid)
  );

  // Context table (front part) and the working copy (tlsnic_ctx_table): read as FP takes a beat
  // (the packet's context from the lookup, or the control frame's), and by the install sequencer.
  logic          ct_busy, ct_re, ct_we, ct_own, ct_wk_we, ct_snap_we;
  logic [CW-1:0] ct_ra, ct_wa;
  logic [15:0]   ct_own_id;
  logic [15:0]   ld_id;

  tlsnic_ctx_table #(.N_CTX(N_CTX), .DW(RW), .IDW(16)) u_ctx (
    .clk_i, .rst_ni,
    .busy_o    (ct_busy),
    .rd_en_i   (ct_re),
    .rd_id_i   (ct_ra),
    .rd_fid_i  ('0),   // FWD_REG off: unused
    .rd_o      (ct_rd_m),
    .wr_en_i   (ct_we),
    .wr_id_i   (ct_wa),
    .wr_d_i    (ct_wd_m),
    .ld_id_i   (ld_id),
    .ld_o      (ct_ld_m),
    .own_i     (ct_own),
    .own_id_i  (ct_own_id),
    .wk_we_i   (ct_wk_we),
    .wk_d_i    (ct_wk_d_m),
    .wk_o      (wk_m),
    .snap_we_i (ct_snap_we),
    .snap_d_i  (ct_snap_d_m),
    .snap_o    (snap_m)
  );
  tlsnic_rx_ctx_pack   u_pack_wd   (.c_i(ct_wd),     .m_o(ct_wd_m));
  tlsnic_rx_ctx_pack   u_pack_wk   (.c_i(ct_wk_d),   .m_o(ct_wk_d_m));
  tlsnic_rx_ctx_pack   u_pack_snap (.c_i(ct_snap_d), .m_o(ct_snap_d_m));
  tlsnic_rx_ctx_unpack u_unp_wk    (.m_i(wk_m),      .c_o(wk_q));
  tlsnic_rx_ctx_unpack u_unp_snap  (.m_i(snap_m),    .c_o(snap_q));
  tlsnic_rx_ctx_unpack u_unp_ld    (.m_i(ct_ld_m),   .c_o(ld_st));
  tlsnic_rx_ctx_unpack u_unp_rd    (.m_i(ct_rd_m),   .c_o(x_st));

  // Both tables clear after reset (max(N_CTX, BUCKETS/2) cycles), the flow table also after a new
  // hash key: no frame is taken meanwhile.
  assign init_q = ct_busy || ft_busy;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fk_valid_q <= 1'b0;
      fb_valid_q <= 1'b0;
      fk_q       <= '0;
      fb_q       <= '0;
    end else begin
      if (fk_take) begin
        fk_valid_q       <= 1'b1;
        fk_q.first       <= fa_first_q;
        fk_q.last        <= fa_last_q;
        fk_q.data        <= fa_data_q;
        fk_q.keep        <= fa_keep_q;
        fk_q.user        <= fa_user_q;
        fk_q.bidx        <= fa_bidx_q;
        fk_q.nbytes      <= fa_nbytes_q;
        fk_q.hdr_known   <= pv_hdr_known;
        fk_q.is_ip       <= pv_is_ip;
        fk_q.malformed   <= pv_malformed;
        fk_q.l3          <= pv_l3;
        fk_q.l4          <= pv_l4;
        fk_q.pay_off     <= pv_pay_off;
        fk_q.ip_end      <= pv_ip_end;
        fk_q.tcp_len     <= pv_tcp_len;
        fk_q.seq         <= pv_seq;
        fk_q.csum_mask   <= pv_csum_mask;
        fk_q.view        <= pv_view[VW*8-1:0];
        fk_q.key         <= tlsnic_rx_pkg::flow_key(pv_view[VW*8-1:0], pv_l3, pv_l4);
      end else if (fb_take) begin
        fk_valid_q <= 1'b0;
      end
      if (fb_take) begin
        fb_valid_q <= 1'b1;
        fb_q       <= fk_q;
      end else if (fp_take) begin
        fb_valid_q <= 1'b0;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // FP: beat registers (the frame registers are in tlsnic_rx_decide).
  logic              fp_hit_q;
  logic [15:0]       fp_cid_q;
  logic [PB-1:0]     fp_s_q;        // start of the next item within the beat
  logic [31:0]       csum_q;        // TCP checksum partial sum of the frame's earlier beats

  logic [1:0]  fr_kind;
  logic [15:0] fr_uctx;            // control frames: the context addressed
  logic        fr_start;
  logic [19:0] bstart;
  logic [PB-1:0] vbytes;
  assign fr_kind  = fp_q.user[1:0];
  assign fr_uctx  = fp_q.user[18:3];
  assign fr_start = fp_q.first && fp_s_q == '0;
  assign bstart   = {6'b0, fp_q.bidx} * BeatB20;
  assign vbytes   = fp_q.last ? PB'(tlsnic_pkg::keep_count(64'(fp_q.keep))) : BeatB;

  // ---------------------------------------------------------------------------------------
  // Packet decision (rules 3, 5, 6, 7) on the first item whose beat completes the TCP header,
  // held for the rest of the frame with the sequence machine's per-frame results
  // (tlsnic_rx_decide; its *_cur outputs are this item's values).
  logic        dec_now, d_gap, skip_cur, gap_cur, unmark_cur, hdrerr_cur;
  logic [2:0]  dec_val, dec_cur;
  logic [16:0] len_cur, pstart_cur, pend_cur, lost_cur, rstart_cur, rskip_cur;
  logic [31:0] end_cur, seqb_cur;
  logic [15:0] cid_cur;
  logic        g_lost, g_rskip, i_unmark, i_hdrerr, i_lost, i_rstart, i_rskip;

  assign ld_id  = (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx : fp_cid_q;

  tlsnic_rx_decide u_decide (
    .clk_i, .rst_ni,
    .item_i     (fp_item),
    .frame_end_i(fp_frame_end),
    .cand_i     (fp_valid_q && fr_kind == tlsnic_rx_pkg::KindPacket && fp_q.hdr_known),
    .hit_i      (fp_hit_q),
    .cid_i      (fp_cid_q),
    .st_i       (ld_st),
    .seq_i      (fp_q.seq),
    .pay_off_i  (fp_q.pay_off),
    .ip_end_i   (fp_q.ip_end),
    .unmark_i   (i_unmark),
    .hdrerr_i   (i_hdrerr),
    .g_lost_i   (g_lost),
    .i_lost_i   (i_lost),
    .i_rstart_i (i_rstart),
    .g_rskip_i  (g_rskip),
    .i_rskip_i  (i_rskip),
    .decide_o   (dec_now),
    .dec_new_o  (dec_val),
    .gap_new_o  (d_gap),
    .dec_o      (dec_cur),
    .len_o      (len_cur),
    .end_o      (end_cur),
    .seqb_o     (seqb_cur),
    .skip_o     (skip_cur),
    .pstart_o   (pstart_cur),
    .pend_o     (pend_cur),
    .cid_o      (cid_cur),
    .gap_o      (gap_cur),
    .unmark_o   (unmark_cur),
    .hdrerr_o   (hdrerr_cur),
    .lost_o     (lost_cur),
    .rstart_o   (rstart_cur),
    .rskip_o    (rskip_cur)
  );

  // The context state this item starts from: loaded on the decision item, then the working copy.
  logic loads;   // this packet works on context state
  assign loads = fr_kind == tlsnic_rx_pkg::KindPacket && dec_cur == tlsnic_rx_pkg::DecWalk;
  assign st    = (dec_now && dec_val == tlsnic_rx_pkg::DecWalk) ? ld_st : wk_q;

  // The sequence machine (tlsnic_rx_seq): gap rules on the decision item, then one item of the
  // payload walked in the context's mode (the record tracker in sync mode).
  logic [19:0]   t_pstart, t_pend;
  logic [PB-1:0] pe;
  logic          trk_on, trk_bad, end_a, start_a, fin_a, b_start;
  logic [PB-1:0] p_a0, p_a1, t_a0, t_a1, p_b0;
  logic [3:0]    a_qm, a_u;
  logic [KW-1:0] k_a;
  logic [127:0]  aad, lenblk;
  logic [LA*128-1:0] blocks;
  logic [PB-1:0] ie;              // item end (B: the rest of the beat)
  logic          it_cut;          // the item ends before the walk's end in this beat
  assign t_pstart = {3'b0, pstart_cur};
  assign t_pend   = {3'b0, pend_cur};

  tlsnic_rx_seq #(.W(W)) u_seq (
    .st_i      (st),
    .gap_i     (d_gap),
    .pkt_seq_i (fp_q.seq),
    .walk_i    (fp_valid_q && loads),
    .data_i    (fp_q.data),
    .pstart_i  (t_pstart),
    .pend_i    (t_pend),
    .bstart_i  (bstart),
    .vbytes_i  (vbytes),
    .s_i       (fp_s_q),
    .seq0_i    (seqb_cur + {12'b0, bstart}),
    .g_lost_o  (g_lost),
    .g_rskip_o (g_rskip),
    .ist_o     (ist),
    .st_nx_o   (st_nx),
    .pe_o      (pe),
    .ie_o      (ie),
    .cut_o     (it_cut),
    .unmark_o  (i_unmark),
    .hdrerr_o  (i_hdrerr),
    .lost_o    (i_lost),
    .rstart_o  (i_rstart),
    .rskip_o   (i_rskip),
    .trk_on_o  (trk_on),
    .trk_bad_o (trk_bad),
    .end_a_o   (end_a),
    .a_p0_o    (p_a0),
    .a_p1_o    (p_a1),
    .a_qm_o    (a_qm),
    .a_k_o     (k_a),
    .a_start_o (start_a),
    .a_fin_o   (fin_a),
    .a_t0_o    (t_a0),
    .a_t1_o    (t_a1),
    .a_u_o     (a_u),
    .b_start_o (b_start),
    .b_p0_o    (p_b0),
    .aad_o     (aad),
    .lenblk_o  (lenblk),
    .blocks_o  (blocks)
  );

  // ---------------------------------------------------------------------------------------
  // Checksums (rule 4), final on the last beat.
  logic [31:0] beat_sum, csum_all;
  logic        ip_ok, tcp_ok;
  tlsnic_csum_beat #(.W(W)) u_csum (.data_i(fp_q.data), .mask_i(fp_q.csum_mask), .sum_o(beat_sum));
  assign csum_all = (fp_q.first ? 32'd0 : csum_q) + beat_sum;
  tlsnic_rx_csum_check u_csum_chk (
    .view_i   (fp_q.view),
    .l3_i     (fp_q.l3),
    .l4_i     (fp_q.l4),
    .tcp_len_i(fp_q.tcp_len),
    .sum_i    (csum_all),
    .ip_ok_o  (ip_ok),
    .tcp_ok_o (tcp_ok)
  );

  // ---------------------------------------------------------------------------------------
  // Control frames (tlsnic_rx_ctrl): decoded on their last beat from the view; the context an
  // install writes and a resync response's new state, from the context loaded for the frame.
  logic [7:0]   c_op;
  logic         c_err;
  logic c_res_ok, c_res_end, c_res_rskip;
  tlsnic_rx_ctrl #(.N_CTX(N_CTX), .VW(VW)) u_ctrl (
    .view_i     (fp_q.view),
    .nbytes_i   (fp_q.nbytes),
    .ctx_i      (fr_uctx),
    .st_i       (ld_st),
    .empty_i    (ft_empty),
    .op_o       (c_op),
    .hk_o       (c_hk),
    .err_o      (c_err),
    .tuple_o    (c_tkey),
    .inst_o     (c_new),
    .res_o      (c_res),
    .res_ok_o   (c_res_ok),
    .res_end_o  (c_res_end),
    .res_rskip_o(c_res_rskip)
  );

  // Table sequencer (tlsnic_rx_install) for installs and deletes, while the frame's last beat
  // waits in FP.
  tlsnic_rx_pkg::inst_step_e cs_q;
  logic           c_last;         // the control frame's last beat is in FP
  logic           c_inst_go;      // valid install
  logic           c_del_go;       // valid delete
  logic           c_rd_x;         // read the evicted context (its state, for the counters)
  logic           c_full;         // the install fails in this step
  logic [CW-1:0]  b_x_q;          // the evicted context (CsEvict)
  logic           c_done;         // the control frame's last item: the cycle its outcome is final
  logic           zx;             // key hygiene: a delete item for zx_ctx in this cycle
  logic [CW-1:0]  zx_ctx;
  assign c_last    = fp_valid_q && fr_kind == tlsnic_rx_pkg::KindControl && fp_q.last;
  assign c_inst_go = c_last && !c_err && c_op == tlsnic_rx_pkg::OpInstall;
  assign c_del_go  = c_last && !c_err && c_op == tlsnic_rx_pkg::OpDelete;

  tlsnic_rx_install #(.N_CTX(N_CTX)) u_install (
    .clk_i, .rst_ni,
    .step_i       (c_last && en_i),
    .inst_i       (c_inst_go),
    .del_i        (c_del_go),
    .ctx_i        (fr_uctx[CW-1:0]),
    .id_st_i      (ld_st),
    .cmd_valid_o  (ft_cmd_valid),
    .cmd_ready_i  (ft_cmd_ready),
    .res_valid_i  (ft_res_valid),
    .res_status_i (ft_res_status),
    .res_cid_i    (ft_res_cid),
    .step_o       (cs_q),
    .rd_x_o       (c_rd_x),
    .full_o       (c_full),
    .evict_ctx_o  (b_x_q),
    .done_o       (c_done),
    .zx_o         (zx),
    .zx_ctx_o     (zx_ctx)
  );
  // A valid hash-key frame loads the key as it is done (the table clears; tlsnic_rx_ctrl checked
  // that it held no entry).
  assign ft_hk_we = c_last && en_i && c_done && !c_err && c_op == tlsnic_rx_pkg::OpHashKey;

  // ---------------------------------------------------------------------------------------
  // Items, verdicts, counters, table writes.
  logic        commit, oversize;
  logic [1:0]  ev_code, ev_status;
  logic        ev;

  assign fp_item      = fp_valid_q && en_i && !(c_last && !c_done);
  assign fp_beat_done = !it_cut && !(c_last && !c_done);
  assign fp_frame_end = fp_item && fp_beat_done && fp_q.last;
  assign oversize     = fp_q.nbytes > MaxFrame;

  // The frame's verdict, its events and the counters decided here (tlsnic_rx_verdict). Control
  // counters move on every sequencer step; packet and frame-error counters on the frame's last
  // item.
  logic old;
  tlsnic_rx_verdict u_verdict (
    .clk_i, .rst_ni,
    .kind_i        (fr_kind),
    .oversize_i    (oversize),
    .malformed_i   (fp_q.malformed),
    .dec_i         (dec_cur),
    .csum_ok_i     (ip_ok && tcp_ok),
    .st_nx_i       (st_nx),
    .end_i         (end_cur),
    .gap_i         (gap_cur),
    .lost_i        (lost_cur),
    .rstart_i      (rstart_cur),
    .rskip_i       (rskip_cur),
    .c_err_i       (c_err),
    .c_op_i        (c_op),
    .c_empty_i     (fp_q.nbytes == 18'd0),
    .ld_st_i       (ld_st),
    .res_ok_i      (c_res_ok),
    .res_end_i     (c_res_end),
    .res_rskip_i   (c_res_rskip),
    .cs_i          (cs_q),
    .full_i        (c_full),
    .x_st_i        (x_st),       // the evicted context's state (CsEvict)
    // an install counts on each step, other control frames once, on their last
    .cnt_now_i     (fr_kind == tlsnic_rx_pkg::KindControl ? (fp_valid_q && en_i && c_last && (c_inst_go || c_done)) : fp_frame_end),
    .commit_o      (commit),
    .fin_st_o      (fin_st),
    .ev_o          (ev),
    .ev_code_o     (ev_code),
    .ev_status_o   (ev_status),
    .old_o         (old),
    .cnt_sel_i,
    .cnt_value_o
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fp_valid_q   <= 1'b0;
      fp_q         <= '0;
      fp_hit_q     <= 1'b0;
      fp_cid_q     <= '0;
      fp_s_q       <= '0;
      csum_q       <= '0;
      ctl_inflight_q <= 1'b0;
    end else begin
      if (fa_take && in_first_q && s_tuser_i[1:0] == tlsnic_rx_pkg::KindControl) ctl_inflight_q <= 1'b1;
      if (fp_take) begin
        fp_valid_q <= 1'b1;
        fp_q       <= fb_q;
        fp_hit_q   <= fb_hit;
        fp_cid_q   <= fb_cid;
        fp_s_q     <= '0;
      end else if (fp_item && fp_beat_done) begin
        fp_valid_q <= 1'b0;
      end
      if (fp_item && !fp_beat_done) fp_s_q <= it_cut ? ie : fp_s_q;

      if (fp_item && fp_beat_done) csum_q <= csum_all;
      if (fp_valid_q && en_i && c_last && c_done) ctl_inflight_q <= 1'b0;   // the control frame is done
    end
  end

  // Working copy: a walked packet loads its context and takes the snapshot on its decision item,
  // updates the working copy on every item and, on its last, commits (context write below) or
  // restores the snapshot. A control frame's outcome becomes the working copy; its snapshot is
  // cleared (read only on its own packet's end; it may hold a context now gone).
  logic ctl_wk;   // a control frame is done in this cycle
  always_comb begin
    ctl_wk     = c_last && en_i && c_done;
    ct_own     = (fp_item && dec_now && dec_val == tlsnic_rx_pkg::DecWalk) || (ctl_wk && !c_err);
    ct_own_id  = ctl_wk ? fr_uctx : fp_cid_q;
    ct_snap_we = (fp_item && dec_now && dec_val == tlsnic_rx_pkg::DecWalk) || ctl_wk;
    ct_snap_d  = ctl_wk ? '0 : ld_st;
    ct_wk_we   = (fp_item && loads) || (ctl_wk && !c_err);
    if (ctl_wk) begin
      if (c_op == tlsnic_rx_pkg::OpResync) ct_wk_d = c_res;
      else if (c_op == tlsnic_rx_pkg::OpInstall && cs_q == tlsnic_rx_pkg::CsWrite) ct_wk_d = c_new;
      else ct_wk_d = '0;
    end else begin
      ct_wk_d = fp_frame_end ? (commit ? fin_st : (dec_now ? ld_st : snap_q)) : st_nx;
    end
  end

  // Context-table ports.
  always_comb begin
    // read: the packet's context (lookup) or the control frame's as FP takes a beat; the
    // install's evicted context when the flow table reports it
    ct_re = fp_take || (c_last && en_i && c_rd_x);
    ct_ra = c_rd_x ? b_x_q
          : ((fb_q.user[1:0] == tlsnic_rx_pkg::KindControl) ? fb_q.user[3 +: CW] : fb_cid[CW-1:0]);
    // write
    ct_we = 1'b0;
    ct_wa = fr_uctx[CW-1:0];
    ct_wd = '0;
    if (fp_frame_end && fr_kind == tlsnic_rx_pkg::KindPacket && commit) begin
      ct_we = 1'b1;
      ct_wa = cid_cur[CW-1:0];
      ct_wd = fin_st;
    end else if (c_last && en_i && !c_err) begin
      case (c_op)
        tlsnic_rx_pkg::OpDelete: ct_we = c_done;                 // the context goes
        tlsnic_rx_pkg::OpResync: begin
          ct_we = 1'b1;
          ct_wd = c_res;
        end
        tlsnic_rx_pkg::OpInstall: begin
          case (cs_q)
            tlsnic_rx_pkg::CsWait: ct_we = c_full;                  // bucket full: the id stays uninstalled
            tlsnic_rx_pkg::CsEvict: begin                           // the context holding the tuple goes
              ct_we = 1'b1;
              ct_wa = b_x_q;
            end
            tlsnic_rx_pkg::CsWrite: begin                           // the new context
              ct_we = 1'b1;
              ct_wd = c_new;
            end
            default: ;
          endcase
        end
        default: ;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------
  // FI: item register.
  always_comb begin
    usr           = '0;
    usr.ev        = ev;
    usr.ev_code   = ev_code;
    usr.ev_status = ev_status;
    usr.ev_ctx    = (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx : cid_cur;
    usr.ev_seq    = (fr_kind == tlsnic_rx_pkg::KindControl) ? 32'd0 : fin_st.lock_seq;
    usr.walked    = fr_kind == tlsnic_rx_pkg::KindPacket && commit;
    usr.markable  = !skip_cur && !unmark_cur && !hdrerr_cur;
    usr.old       = old;
    usr.hdrerr    = hdrerr_cur;
    usr.len       = len_cur;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      it_valid_o  <= 1'b0;
      it_q        <= '0;
      it_key_o    <= '0;
      it_k256_o   <= 1'b0;
      it_blocks_o <= '0;
    end else if (en_i) begin
      it_valid_o     <= fp_item;
      it_q.fr_first  <= fr_start;
      it_q.fr_last   <= fp_beat_done && fp_q.last;
      it_q.beat_last <= fp_beat_done;
      it_q.wr        <= fr_kind == tlsnic_rx_pkg::KindPacket;
      it_q.pkt       <= fr_kind == tlsnic_rx_pkg::KindPacket || fr_kind == tlsnic_rx_pkg::KindControl;
      // Installs and deletes always write the back end's context (H powers / zeroes).
      it_q.commit    <= commit || (c_last && c_done && !c_err &&
                        (c_op == tlsnic_rx_pkg::OpDelete || (c_op == tlsnic_rx_pkg::OpInstall && cs_q == tlsnic_rx_pkg::CsWrite)));
      it_q.data      <= fp_q.data;
      it_q.keep      <= fp_q.keep;
      it_q.s         <= fp_s_q;
      it_q.e         <= it_cut ? ie : BeatB;
      it_q.crypto    <= (trk_on && !trk_bad) || (c_last && c_done && !c_err &&
                        (c_op == tlsnic_rx_pkg::OpDelete || (c_op == tlsnic_rx_pkg::OpInstall && cs_q == tlsnic_rx_pkg::CsWrite)));
      it_q.ctx       <= (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx[CW-1:0] : cid_cur[CW-1:0];
      it_q.inst      <= c_last && c_done && !c_err && c_op == tlsnic_rx_pkg::OpInstall && cs_q == tlsnic_rx_pkg::CsWrite;
      it_q.del       <= c_last && c_done && !c_err && c_op == tlsnic_rx_pkg::OpDelete;
      it_q.a_p0      <= trk_on ? p_a0 : '0;
      it_q.a_p1      <= trk_on ? p_a1 : '0;
      it_q.a_qm      <= a_qm;
      it_q.a_k       <= trk_on ? k_a : '0;
      it_q.a_start   <= trk_on && !trk_bad && start_a;
      it_q.a_fin     <= trk_on && !trk_bad && fin_a;
      it_q.a_t0      <= trk_on ? t_a0 : '0;
      it_q.a_t1      <= trk_on ? t_a1 : '0;
      it_q.a_u       <= a_u;
      it_q.b_start   <= trk_on && !trk_bad && b_start;
      it_q.b_p0      <= p_b0;
      it_q.b_p1      <= pe;
      it_q.aad       <= aad;
      it_q.lenblk    <= lenblk;
      it_key_o       <= (fr_kind == tlsnic_rx_pkg::KindControl) ? c_new.key : ist.key;
      it_k256_o      <= (fr_kind == tlsnic_rx_pkg::KindControl) ? c_new.k256 : ist.k256;
      it_blocks_o    <= (fr_kind == tlsnic_rx_pkg::KindControl) ? '0 : blocks;
      it_q.user      <= usr;
      it_q.fix_csum  <= 1'b0;          // the TX engine's checksum rewrite
      it_q.csum_mask <= '0;
      it_q.csum_const <= '0;
      it_q.csum_beat <= '0;
      it_q.csum_lane <= '0;
      it_q.side      <= 1'b0;          // the TX engine's retransmission side context
      it_q.ks_ld     <= 1'b0;
      it_q.a_ktag    <= 1'b0;
      it_q.a_rseq    <= '0;
      if (zx) begin
        // Zeroize item for the back end: a committed delete of zx_ctx, outside any frame's output.
        it_valid_o     <= 1'b1;
        it_q.fr_first  <= 1'b0;
        it_q.fr_last   <= 1'b1;
        it_q.beat_last <= 1'b0;
        it_q.wr        <= 1'b0;
        it_q.pkt       <= 1'b0;
        it_q.commit    <= 1'b1;
        it_q.crypto    <= 1'b1;
        it_q.del       <= 1'b1;
        it_q.ctx       <= zx_ctx;
        it_q.s         <= '0;
        it_q.e         <= '0;
      end
    end
  end

  logic unused;
  assign unused = ^{pv_view[HW*8-1:VW*8], fp_q.is_ip, end_a,
                    s_tuser_i[2], fk_q.first, fp_q.key, x_st, ist, ft_lk_slot, ft_res_slot};   // ist: only its key

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions").
`ifndef SYNTHESIS
  // One decision per frame: a packet frame is decided at most once, and a packet that parses and
  // fits is decided before its last item.
  logic [1:0] sim_ndec_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sim_ndec_q <= '0;
    else if (fp_item) begin
      if (fp_frame_end) sim_ndec_q <= '0;
      else if (dec_now && sim_ndec_q != 2'd3) sim_ndec_q <= sim_ndec_q + 1'b1;
    end
  end
  // Table indices: a flow-table hit names a context inside the context table (the lookup result
  // addresses it).
  // (Immediate assertions at the clock edge read the values before it, as a concurrent assertion
  // samples them.)
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_dec_once: assert (!(fp_item && dec_now) || sim_ndec_q == '0)
        else $error("tlsnic_rx_front: a second decision for one packet frame");
      a_dec_made: assert (!(fp_frame_end && fr_kind == tlsnic_rx_pkg::KindPacket && !fp_q.malformed && !oversize)
                          || dec_now || sim_ndec_q != '0)
        else $error("tlsnic_rx_front: a packet that parses ended without a decision");
      a_hit_idx: assert (!(fp_take && fb_hit) || {16'b0, fb_cid} < 32'(N_CTX))
        else $error("tlsnic_rx_front: flow-table hit names context id %0d, not below N_CTX = %0d", fb_cid, N_CTX);
    end
  end

  // Functional cover points (simulation only; `tlsnic coverage`): rtl/rx/tlsnic_rx_front_cover.svh.
  `include "tlsnic_rx_front_cover.svh"
`endif

endmodule
