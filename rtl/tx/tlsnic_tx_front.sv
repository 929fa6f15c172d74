// tlsnic_tx_front: front end of the TX offload engine. Takes the input AXI-Stream (packets,
// control frames, resync context loads), parses headers, keeps the per-connection sequence and
// record-tracker state in the front flow table, decides each frame's fate, and cuts every beat
// into work items for the crypto pipeline, with the AES counter blocks each item needs.
//
// Pipeline (all stages advance on en_i, the engine's global enable):
//   FA  input register; tlsnic_pkt_parse looks at this beat; front-table read issued
//   FP  one beat at a time; produces one work item per cycle (a beat yields 1 item, or more when
//       it holds more than one record boundary of interest, see below); frame verdicts, counters
//       and table write-back happen on a frame's last item
//   FI  item register, feeding tlsnic_aes_pipe and (through its sideband) tlsnic_gcm_back
// Latency input beat -> item register: 2 cycles for the first item of a beat.
//
// Work items (item_t). An item covers bytes [s, e) of its beat and at most two records:
//   slot A  the record under the cursor: header bytes (collected), payload (keystream from the
//           AES lanes, plus the keystream block saved by the back end when the item starts
//           mid-block), tag (written by the back end). "start" when its header completes in the
//           item (J0 is then encrypted too), "fin" when its first tag byte is in the item.
//   slot B  the next record, only when it starts (header completes) in the item, slot A did not
//           start, and its first tag byte lies beyond the beat.
// Otherwise the beat is cut at the boundary and the rest goes in the next item (one extra
// cycle). A beat with at most one record boundary is one item whenever the records are at least
// 2 beats long (any record of 1 KB or more at any width), so the fast path takes one beat per
// cycle. The AES lanes needed per item are at most LANES + 1 (proof in docs/architecture.md).
//
// The front table holds tlsnic_tx_pkg::fctx_t per context. It is read when a frame's first beat
// sits in FA and written back on the frame's last item only when the frame commits (a dropped
// or contradictory frame leaves the context as it was); the working copy wk_q forwards the
// newest committed state to a following frame of the same context. After reset the table is
// cleared, one entry per cycle (N_CTX cycles, s_tready_o low meanwhile). A delete writes the entry
// all zero (and sends a delete item, which zeroes the back end's entry); a control frame leaves no
// old context state in the snapshot. The table and its width are Verilator-public (read back by
// tb/tb_tables.h; synthesis ignores the comments).
module tlsnic_tx_front #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
  parameter int unsigned MAX_FRAME = 9600,
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,                 // AES lanes
  localparam int unsigned PB = $clog2(B) + 1,         // beat position 0..B
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1,
  localparam int unsigned KW = $clog2(LA + 1),         // lane count 0..LA
  localparam int unsigned UW = 1,                      // item_t.user: unused by the TX engine
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
  // work item (registered): the item (item_t, rtl/common/tlsnic_item.svh) and its AES inputs
  output logic              it_valid_o,
  output logic [IW-1:0]     it_o,
  output logic [255:0]      it_key_o,
  output logic              it_k256_o,
  output logic [LA*128-1:0] it_blocks_o,     // AES inputs, lane l at [l*128 +: 128]
  // statistics
  input  logic [4:0]        cnt_sel_i,
  output logic [63:0]       cnt_value_o
);

  localparam logic [PB-1:0]  BeatB   = B[PB-1:0];
  localparam logic [19:0]    BeatB20 = B[19:0];
  localparam logic [17:0]    MaxFrame = MAX_FRAME[17:0];
  localparam int unsigned    HW = ((138 + B - 1) / B) * B;
  // Working context state. Declared here so FW can take its width: Yosys rejects $bits(<type>).
  tlsnic_tx_pkg::fctx_t wk_q, snap_q, st, st_nx;
  localparam int unsigned    FW /*verilator public_flat_rd*/ = $bits(wk_q);

  `include "tlsnic_item.svh"
  item_t it_q;
  assign it_o = it_q;
  if (IW != $bits(it_q)) begin : g_bad_iw
    $fatal(1, "tlsnic_tx_front: IW = %0d, but an item_t has %0d bits", IW, $bits(it_q));
  end
  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_tx_front: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_tx_front: N_CTX = %0d; context ids are 16 bits, 1 <= N_CTX <= 65536", N_CTX);
  end
  if (MAX_FRAME < 64 || MAX_FRAME > 65553) begin : g_bad_max_frame
    $fatal(1, "tlsnic_tx_front: MAX_FRAME = %0d; an Ethernet frame is 64 to 65,553 bytes (14 + 4 + 65,535)", MAX_FRAME);
  end

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  // ---------------------------------------------------------------------------------------
  // FA: input register.
  logic              fa_valid_q, fa_first_q, fa_last_q;
  logic [W-1:0]      fa_data_q;
  logic [B-1:0]      fa_keep_q;
  logic [18:0]       fa_user_q;
  logic [13:0]       fa_bidx_q;
  logic [17:0]       fa_nbytes_q;
  logic              in_first_q;   // next input beat starts a frame

  logic fp_take;     // FP takes the beat in FA this cycle
  logic fa_take;     // FA takes an input beat this cycle

  assign fa_take    = en_i && !ct_busy && s_tvalid_i && (!fa_valid_q || fp_take);
  assign s_tready_o = en_i && !ct_busy && (!fa_valid_q || fp_take);

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
    .leave_i       (fp_take),
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

  // Front flow table and working copy (tlsnic_ctx_table), read as FP takes a frame's first beat;
  // a write in the same cycle (the previous frame's commit) is forwarded through the working copy.
  // After reset its clear sweep (N_CTX cycles) holds s_tready_o low.
  logic          ct_busy, ct_own, ct_wk_we, ct_snap_we, tbl_we;
  logic [FW-1:0] ct_wk_d, ct_snap_d, tbl_ld, tbl_rd_unused;

  tlsnic_ctx_table #(.N_CTX(N_CTX), .DW(FW), .IDW(16), .FWD_REG(1'b1)) u_ctx (
    .clk_i, .rst_ni,
    .busy_o    (ct_busy),
    .rd_en_i   (fp_take),
    .rd_id_i   (fa_user_q[3 +: CW]),
    .rd_fid_i  (fa_user_q[18:3]),
    .rd_o      (tbl_rd_unused),    // read through ld_o
    .wr_en_i   (tbl_we),
    .wr_id_i   (fr_ctx_q[CW-1:0]),
    .wr_d_i    (fin_st),
    .ld_id_i   (fr_ctx_q),
    .ld_o      (tbl_ld),
    .own_i     (ct_own),
    .own_id_i  (fr_ctx_q),
    .wk_we_i   (ct_wk_we),
    .wk_d_i    (ct_wk_d),
    .wk_o      (wk_q),
    .snap_we_i (ct_snap_we),
    .snap_d_i  (ct_snap_d),
    .snap_o    (snap_q)
  );

  // ---------------------------------------------------------------------------------------
  // FP: beat registers and registered parse results.
  logic              fp_valid_q, fp_first_q, fp_last_q;
  logic [W-1:0]      fp_data_q;
  logic [B-1:0]      fp_keep_q;
  logic [13:0]       fp_bidx_q;
  logic [17:0]       fp_nbytes_q;
  logic [PB-1:0]     fp_s_q;        // start of the next item within the beat
  logic              pa_hdr_known_q, pa_is_ip_q, pa_malformed_q;
  logic [7:0]        pa_l4_q;
  logic [8:0]        pa_pay_off_q;
  logic [16:0]       pa_ip_end_q, pa_tcp_len_q;
  logic [31:0]       pa_seq_q;
  logic [B-1:0]      pa_csum_mask_q;
  logic [60*8-1:0]   pa_view_q;     // first 60 bytes of the frame (control / resync headers)
  // Resync frame: where a well-formed load ends (24 + prefix length), or an impossible length when
  // byte 2 has a flag other than START. Registered with the view, so the check is off the item loop.
  logic [17:0]       pa_rs_end_q;
  // SEEK descriptor (byte 2 bit 1, models/tx-frames.ts): where a well-formed one ends (29, or 45
  // with TAG), or an impossible length when byte 2 is not exactly SEEK or SEEK | TAG.
  logic              pa_sd_q;
  logic [17:0]       pa_sd_end_q;

  // Frame registers (valid while the frame is in FP).
  logic [1:0]        fr_kind_q;
  logic              fr_offload_q;
  logic [15:0]       fr_ctx_q;
  logic              fr_ctx_ok_q;   // fr_ctx_q < N_CTX
  logic              fr_decided_q;  // packet fate decided (header known)
  logic [2:0]        fr_dec_q;      // decision, see Dec* below
  logic [15:0]       fr_skip_q;     // bytes before start_offload_tcp_sn in a straddling packet
  logic [16:0]       fr_pstart_q;   // frame offset where the tracker starts
  logic [16:0]       fr_pend_q;     // frame offset where it stops (IP datagram end)
  logic [16:0]       fr_len_q;      // TCP payload length
  logic [31:0]       fr_end_sn_q;   // sequence number after the packet
  logic              fr_err_q;      // the tracker met an impossible record header
  logic              fr_recend_q;   // a record ended inside the frame (resync: contradiction)
  logic              fr_rsinit_q;   // resync tracker initialised
  // Side context (a packet on its context's SEEK descriptor, see "Side context" below).
  logic              fr_sdinit_q;   // tracker started from the descriptor
  logic              fr_sdks_q;     // mid-block keystream item sent
  logic              fr_sdpast_q;   // the sought record ended; slot A is a later record
  logic              fr_sdbad_q;    // the packet contradicts the descriptor
  logic              fr_sdtag_q;    // tag bytes written from the known tag

  localparam logic [2:0] DecNone   = 3'd0;
  localparam logic [2:0] DecEnc    = 3'd1;
  localparam logic [2:0] DecPass0  = 3'd2;  // no payload
  localparam logic [2:0] DecSkip   = 3'd3;
  localparam logic [2:0] DecNoSync = 3'd4;
  localparam logic [2:0] DecBypass = 3'd5;
  localparam logic [2:0] DecSide   = 3'd6;  // on the side context, at the descriptor's place
  localparam logic [2:0] DecSideBad = 3'd7; // on the side context, elsewhere: refused

  // Working context state (declared above, before FW).

  logic fp_item;        // an item is produced this cycle
  logic fp_beat_done;   // this item finishes the beat
  logic fp_frame_end;   // ... and the frame

  assign fp_take = en_i && fa_valid_q && (!fp_valid_q || fp_beat_done);

  // Frame-level facts derived from the FP beat.
  logic        ctx_ok;          // context id inside the table
  logic        loads;           // frame works on context state
  logic        fr_start;        // first item of the frame
  logic [19:0] bstart;          // frame offset of the FP beat
  logic [PB-1:0] vbytes;        // valid bytes in the FP beat
  // Registered with the context id (fr_ctx_ok_q): the compare is off the item loop.
  assign ctx_ok   = fr_ctx_ok_q
`ifndef SYNTHESIS
                    || brk == 32'd13   // test-only fault: any context id is taken as inside the table
`endif
                    ;
  assign fr_start = fp_first_q && fp_s_q == '0;
  assign bstart   = {6'b0, fp_bidx_q} * BeatB20;
  assign vbytes   = fp_last_q ? PB'(tlsnic_pkg::keep_count(64'(fp_keep_q))) : BeatB;

  // The context state this item starts from.
  always_comb begin
    st = wk_q;
    if (fr_start && ctx_ok && fr_kind_q != 2'd3 && (fr_kind_q != tlsnic_pkg::KindPacket || fr_offload_q)) begin
      st = tbl_ld;
    end
  end
  // Decided on the frame's first item (from the loaded state) and held for the frame.
  logic fr_loads_q;
  assign loads = fr_start ? ctx_ok && (fr_kind_q == tlsnic_pkg::KindControl ||
                            ((fr_kind_q == tlsnic_pkg::KindResync || (fr_kind_q == tlsnic_pkg::KindPacket && fr_offload_q)) && st.valid))
                          : fr_loads_q;

  // ---------------------------------------------------------------------------------------
  // Packet decision (models/nic-tx.ts offloadedPacket), once the TCP header is known.
  logic        dec_now;
  logic [2:0]  dec_val;
  logic [16:0] d_len;
  logic [31:0] d_end, d_skip32;
  logic [15:0] d_skip;
  logic        sd_at;     // the packet starts at the side context's place
  logic        sd_take;   // ... and the side context takes it
  always_comb begin
    dec_now  = fp_valid_q && fr_kind_q == tlsnic_pkg::KindPacket && fr_offload_q && loads
               && !fr_decided_q && pa_hdr_known_q;
`ifndef SYNTHESIS
    if (brk == 32'd15) dec_now = 1'b0;   // test-only fault: no packet is ever decided
`endif
    d_len    = (pa_ip_end_q > {8'b0, pa_pay_off_q}) ? pa_ip_end_q - {8'b0, pa_pay_off_q} : 17'd0;
    d_end    = pa_seq_q + {15'b0, d_len};
    // start_sn is compared only before the context started: the compare is modular (2^31
    // window) and start_sn never moves, so 2 GiB later it would call record bytes "before the
    // start" and send them untouched. Before the start, exp_sn == start_sn.
    // A soft side context (sd_cont: left by the side packet before, no descriptor) takes only the
    // packet at its place, and never the in-order one; any other packet decides on the in-order state.
    sd_at    = pa_seq_q == st.sd_sn + {17'b0, st.sd_off};
    sd_take  = st.sd_valid && !(st.sd_cont && (!sd_at || pa_seq_q == st.exp_sn));
    d_skip32 = (!sd_take && !st.started && tlsnic_pkg::seq_lt(pa_seq_q, st.start_sn)) ? st.start_sn - pa_seq_q : 32'd0;
    d_skip   = d_skip32[15:0];
    if (d_len == 17'd0) dec_val = DecPass0;
    // A waiting SEEK descriptor takes the context's next packet with payload, whatever the
    // in-order state says: it must start at the descriptor's record start + offset.
    else if (sd_take) dec_val = sd_at ? DecSide : DecSideBad;
    else if (!st.started && tlsnic_pkg::seq_leq(d_end, st.start_sn)) dec_val = DecSkip;
    else if (!st.in_sync || (pa_seq_q + d_skip32) != st.exp_sn) dec_val = (d_skip32 != 32'd0) ? DecBypass : DecNoSync;
    else dec_val = DecEnc;
  end

  logic        enc_now;        // tracker runs on this beat's payload
  logic [2:0]  dec_cur;        // the frame's decision, including one made by this item
  logic [16:0] len_cur;
  logic [15:0] skip_cur;
  logic [31:0] end_sn_cur;
  assign dec_cur    = dec_now ? dec_val : fr_dec_q;
  assign len_cur    = dec_now ? d_len : fr_len_q;
  assign skip_cur   = dec_now ? d_skip : fr_skip_q;
  assign end_sn_cur = dec_now ? d_end : fr_end_sn_q;

  // Resync header fields (view bytes 0..23) and its tracker start.
  logic [15:0] rs_plen;
  logic [31:0] rs_start_sn;
  logic [63:0] rs_rseq;
  logic [63:0] rs_nonce;
  logic        rs_at_start;   // START flag (byte 2 bit 0): back to start_sn, not started
  logic        rs_hdr_known;
  function automatic logic [7:0] pvb(input logic [60*8-1:0] v, input int unsigned i);
    pvb = v[8*i +: 8];
  endfunction
  always_comb begin
    rs_plen     = {pvb(pa_view_q, 0), pvb(pa_view_q, 1)};
    rs_start_sn = {pvb(pa_view_q, 4), pvb(pa_view_q, 5), pvb(pa_view_q, 6), pvb(pa_view_q, 7)};
    rs_at_start = pa_view_q[16];
    for (int i = 0; i < 8; i++) begin
      rs_rseq[63-8*i -: 8]  = pvb(pa_view_q, 8 + i);
      rs_nonce[63-8*i -: 8] = pvb(pa_view_q, 16 + i);
    end
    rs_hdr_known = bstart + BeatB20 >= 20'd24;  // the 24-byte resync header is in the view
  end

  // ---------------------------------------------------------------------------------------
  // Record tracker: one item.
  logic        trk_on;          // the tracker works in this item
  logic        trk_raw;         // the tracker has bytes in this item (unless it is a side pre-item)
  // Side context signals ("Side context" below).
  logic          sd_frame, sd_init, sd_pre, sd_ks, sd_ks_in, sd_rec, sd_ktag, sd_mid;
  logic          sd_hdr_bad, sd_tag_now, sd_tag_bad, sd_spent, sd_cont_nx, sd_soft_gone;
  logic [16:0]   sd_off_nx;
  logic          oversize;        // the frame is longer than MAX_FRAME (so far)
  logic [14:0]   sd_hl, sd_q, sd_rlen;
  logic [95:0]   sd_nonce;
  logic [127:0]  sd_ctr;
  tlsnic_tx_pkg::fctx_t sd_base;   // the context as before the frame, descriptor used up
  logic [19:0] t_pstart, t_pend;
  logic [PB-1:0] ps, pe, s_t;
  tlsnic_tx_pkg::fctx_t tst;    // tracker state at item start (resync: fresh)


  logic        trk_err, cut, end_a, start_a, fin_a, b_start, bad_a_unused;
  logic [PB-1:0] p_a0, p_a1, t_a0, t_a1, e_pos, p_b0, ie;
  logic [3:0]  a_qm, a_u;
  logic [KW-1:0] k_a;
  logic [127:0] aad, lenblk;
  logic [LA*128-1:0] blocks;
  logic [14:0] nx_off, nx_rlen;
  logic [103:0] nx_hdr;
  logic [63:0] nx_rseq;
  logic        trk_bad;
  logic [103:0] hb_a;
  logic [14:0] hn_a;
  logic [KW-1:0] trk_lanes;

  always_comb begin
    // Where the tracker's bytes are in this beat.
    enc_now  = (fr_kind_q == tlsnic_pkg::KindPacket && (dec_cur == DecEnc || dec_cur == DecSide) && !fr_err_q)
               || (fr_kind_q == tlsnic_pkg::KindResync && !pa_sd_q && loads && rs_hdr_known && !fr_err_q);
    t_pstart = (fr_kind_q == tlsnic_pkg::KindResync) ? 20'd24
             : {3'b0, (dec_now ? {8'b0, pa_pay_off_q} + {1'b0, d_skip} : fr_pstart_q)};
    t_pend   = (fr_kind_q == tlsnic_pkg::KindResync) ? {2'b0, fp_nbytes_q}
             : {3'b0, (dec_now ? pa_ip_end_q : fr_pend_q)};
    ps = (t_pstart <= bstart) ? '0 : ((t_pstart - bstart >= BeatB20) ? BeatB : PB'(t_pstart - bstart));
    pe = (t_pend <= bstart) ? '0 : ((t_pend - bstart >= BeatB20) ? BeatB : PB'(t_pend - bstart));
    if (pe > vbytes) pe = vbytes;
    s_t = (ps > fp_s_q) ? ps : fp_s_q;
    trk_raw = fp_valid_q && enc_now && s_t < pe;

    // Resync frames start the tracker fresh at the record start named by the load; a side
    // packet at its descriptor's place (record, offset, header, nonce).
    tst = st;
    if (fr_kind_q == tlsnic_pkg::KindResync && !pa_sd_q && !fr_rsinit_q) begin
      tst.off  = '0;
      tst.rlen = '0;
      tst.hdr  = '0;
      tst.rseq = rs_rseq;
    end
    if (sd_init) begin
      tst.off   = st.sd_off;
      tst.rlen  = sd_rlen;
      tst.hdr   = st.sd_hdr;
      tst.rseq  = st.sd_rseq;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Side context (issue 17; models/nic-tx.ts sidePacket). A SEEK descriptor (a resync frame with
  // the SEEK flag) is kept in the context's sd_* fields; the context's next offloaded packet with
  // payload is then decided against it alone: at record start + offset it is DecSide, anywhere
  // else DecSideBad (dropped, tx_tls_drop_no_sync_data and tx_tls_rexmit_bad). A DecSide packet
  // runs the ordinary tracker from a state built from the descriptor, so the sought record's
  // payload takes keystream blocks 2 + offset / 16 on (CTR seek) and later records in the packet
  // are protected from their starts. Before the first tracked item of a packet that starts in the
  // middle of a keystream block, that block's counter rides in AES lane 0 of its first tracked item
  // (ks_ld; the item's own lanes shifted up one), and the back end uses its keystream as it uses
  // the block an in-order item saved. Only when the item's lanes leave none free (sd_pre) does an
  // extra item, covering no payload byte, carry it first (one cycle). Slot A's tag bytes of the sought record, when the packet does
  // not start at the record's first byte, are the descriptor's known tag (a_ktag, the tag in
  // lenblk); without one the packet is refused, as it is when a header or explicit nonce byte in
  // it differs from the descriptor's or a later record's header is impossible. Whatever the
  // outcome, the frame's end writes back the context as it was before the frame with the
  // descriptor used up; the back end never commits a side frame's crypto state (item side).
  // A sent side packet that ends inside the sought record leaves the side context valid and soft
  // (sd_cont) at offset + its length: the next packet exactly there (not at exp_sn) is taken on it
  // with no descriptor (sd_take), any other payload packet clears it (sd_soft_gone) uncounted.
  always_comb begin
    sd_frame = fr_kind_q == tlsnic_pkg::KindPacket && dec_cur == DecSide;
    sd_init  = sd_frame && !fr_sdinit_q;
    sd_hl    = st.ver13 ? 15'd5 : 15'd13;
    sd_rlen  = {st.sd_hdr[8*3 +: 7], st.sd_hdr[8*4 +: 8]} + 15'd5;
    sd_q     = st.sd_off - sd_hl;
    sd_mid   = st.sd_off > sd_hl && sd_q[3:0] != 4'd0;
    sd_nonce = st.ver13 ? (st.iv ^ {32'b0, st.sd_rseq})
                        : {st.iv[95:64], st.sd_hdr[8*5 +: 8], st.sd_hdr[8*6 +: 8], st.sd_hdr[8*7 +: 8], st.sd_hdr[8*8 +: 8],
                           st.sd_hdr[8*9 +: 8], st.sd_hdr[8*10 +: 8], st.sd_hdr[8*11 +: 8], st.sd_hdr[8*12 +: 8]};
    sd_ctr   = {sd_nonce, {21'b0, sd_q[14:4]} + 32'd2};
    sd_rec   = sd_frame && !fr_sdpast_q;
    sd_ktag  = sd_rec && st.sd_off != 15'd0;
    sd_base  = fr_start ? st : snap_q;
    sd_base.sd_valid = 1'b0;
    sd_spent = fr_kind_q == tlsnic_pkg::KindPacket && loads && st.sd_valid
               && (oversize || pa_malformed_q || dec_cur == DecNone);
    // Soft side context after this packet: kept going by a side packet that ends inside the
    // sought record (sd_cont_nx, at sd_off_nx), dropped by one decided on the in-order state.
    sd_off_nx    = {2'b0, st.sd_off} + len_cur;
    sd_cont_nx   = sd_off_nx < {2'b0, sd_rlen};
    sd_soft_gone = fr_kind_q == tlsnic_pkg::KindPacket && loads && st.sd_valid && st.sd_cont && !oversize && !pa_malformed_q
                   && (dec_cur == DecSkip || dec_cur == DecNoSync || dec_cur == DecBypass || dec_cur == DecEnc);
  end
  // After the tracker: the packet's header bytes against the descriptor's, tag bytes.
  always_comb begin
    sd_hdr_bad = 1'b0;
    for (int i = 0; i < 13; i++) begin
      if (trk_on && sd_rec && i[14:0] < hn_a && i[14:0] < sd_hl && hb_a[8*i +: 8] != st.sd_hdr[8*i +: 8]) sd_hdr_bad = 1'b1;
    end
    sd_tag_now = trk_on && sd_ktag && t_a1 != t_a0;
    sd_tag_bad = sd_tag_now && !st.sd_tagv;
  end

  tlsnic_rec_track #(.W(W)) u_track (
    .data_i   (fp_data_q),
    .s_i      (s_t),
    .pe_i     (pe),
    .ver13_i  (tst.ver13),
    .iv_i     (tst.iv),
    .off_i    (tst.off),
    .rlen_i   (tst.rlen),
    .hdr_i    (tst.hdr),
    .rseq_i   (tst.rseq),
    .off_o    (nx_off),
    .rlen_o   (nx_rlen),
    .hdr_o    (nx_hdr),
    .rseq_o   (nx_rseq),
    .err_o    (trk_bad),
    .bad_a_o  (bad_a_unused),
    .hb_a_o   (hb_a),
    .hn_a_o   (hn_a),
    .lanes_o  (trk_lanes),
    .cut_o    (cut),
    .end_a_o  (end_a),
    .e_pos_o  (e_pos),
    .a_p0_o   (p_a0),
    .a_p1_o   (p_a1),
    .a_qm_o   (a_qm),
    .a_k_o    (k_a),
    .a_start_o(start_a),
    .a_fin_o  (fin_a),
    .a_t0_o   (t_a0),
    .a_t1_o   (t_a1),
    .a_u_o    (a_u),
    .b_start_o(b_start),
    .b_p0_o   (p_b0),
    .aad_o    (aad),
    .lenblk_o (lenblk),
    .blocks_o (blocks)
  );

  // A side packet's mid-block start needs the keystream block it starts in: in this item's lane 0
  // (its own lanes shifted up one) when they leave a lane free, else in an item of its own first.
  always_comb begin
    sd_ks    = sd_frame && !fr_sdks_q && sd_mid && trk_raw;
    sd_pre   = sd_ks && {1'b0, trk_lanes} + 1'b1 > (KW+1)'(LA);
    sd_ks_in = sd_ks && !sd_pre;
    trk_on   = trk_raw && !sd_pre;
  end

  always_comb begin
    trk_err = trk_on && trk_bad;
    // Item end: the whole beat, or the record boundary when cut.
    ie = sd_pre ? s_t : ((trk_on && cut) ? e_pos : BeatB);
    // Next context state.
    st_nx = tst;
    if (trk_on && !trk_err) begin
      st_nx.off   = nx_off;
      st_nx.rlen  = nx_rlen;
      st_nx.hdr   = nx_hdr;
      st_nx.rseq  = nx_rseq;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Control frames (decoded on their last beat from the view).
  logic        c_inst, c_del, c_err;
  logic [7:0]  c_op, c_flags;
  tlsnic_tx_pkg::fctx_t c_new;
  always_comb begin
    c_op    = pvb(pa_view_q, 0);
    c_flags = pvb(pa_view_q, 1);
    c_err   = fp_nbytes_q == 18'd0
            || (c_op != tlsnic_pkg::OpInstall && c_op != tlsnic_pkg::OpDelete)
            || (c_op == tlsnic_pkg::OpInstall && (fp_nbytes_q < 18'd60 || c_flags[7:2] != 6'd0))
            || !ctx_ok
            || (c_op == tlsnic_pkg::OpDelete && !st.valid);
    c_inst  = !c_err && c_op == tlsnic_pkg::OpInstall;
    c_del   = !c_err && c_op == tlsnic_pkg::OpDelete;
    c_new          = '0;
    c_new.valid    = 1'b1;
    c_new.ver13    = c_flags[0];
    c_new.k256     = c_flags[1];
    for (int i = 0; i < 32; i++) c_new.key[255-8*i -: 8] = (i < 16 || c_flags[1]) ? pvb(pa_view_q, 16 + i) : 8'h0;
    for (int i = 0; i < 12; i++) c_new.iv[95-8*i -: 8]   = (i < 4 || c_flags[0]) ? pvb(pa_view_q, 48 + i) : 8'h0;
    c_new.start_sn = {pvb(pa_view_q, 4), pvb(pa_view_q, 5), pvb(pa_view_q, 6), pvb(pa_view_q, 7)};
    c_new.exp_sn   = c_new.start_sn;
    c_new.in_sync  = 1'b1;
    for (int i = 0; i < 8; i++) c_new.rseq[63-8*i -: 8] = pvb(pa_view_q, 8 + i);
  end

  // Resync consistency (models/nic-tx.ts resync), final on the frame's last beat.
  logic rs_ok;
  always_comb begin
    logic nonce_ok;
    logic [15:0] have;
    have = (rs_plen > 16'd5) ? ((rs_plen - 16'd5 < 16'd8) ? rs_plen - 16'd5 : 16'd8) : 16'd0;
    nonce_ok = 1'b1;
    if (!st.ver13) begin
      for (int k = 0; k < 8; k++) begin
        if (k[15:0] < have && pvb(pa_view_q, 29 + k) != rs_nonce[63-8*k -: 8]) nonce_ok = 1'b0;
      end
    end
    // pa_rs_end_q: a flag bit other than START (SEEK and TAG: a SEEK frame takes the sd_ok path
    // instead; TAG without SEEK, reserved bits) makes the length never match, so such a frame is
    // never read as a prefix load.
    rs_ok = loads && fp_nbytes_q >= 18'd24 && pa_rs_end_q == fp_nbytes_q
            && nonce_ok && (!rs_at_start || (rs_plen == 16'd0 && rs_start_sn == st.start_sn))
            && !(fr_err_q || trk_err) && !(fr_recend_q || (trk_on && end_a));
  end

  // SEEK descriptor consistency (models/nic-tx.ts resync, d.seek), final on the frame's last beat:
  // exactly SEEK or SEEK | TAG and its length, an installed context, a record header whose length
  // is possible for the context's version, and an offset inside that record.
  logic        sd_ok;
  logic [14:0] sd_body;
  always_comb begin
    sd_body = {pa_view_q[8*27 +: 7], pvb(pa_view_q, 28)};
    sd_ok   = loads && fp_nbytes_q >= 18'd29 && pa_sd_end_q == fp_nbytes_q && !pa_view_q[8*27 + 7]
              && sd_body >= (st.ver13 ? 15'd16 : 15'd24) && sd_body <= 15'(tlsnic_pkg::MaxRecordBody)
              && rs_plen < {1'b0, sd_body} + 16'd5;
  end

  // ---------------------------------------------------------------------------------------
  // Item production, verdicts, counters.
  logic [63:0] cnt_q [tlsnic_tx_pkg::NumCounters];
  logic [tlsnic_tx_pkg::NumCounters-1:0] cnt_inc;
  logic [63:0] cnt_add [tlsnic_tx_pkg::NumCounters];
  // The counter bank adds one cycle after the frame's end (issue 16: the frame's verdict and the
  // 64-bit adders are not in one cycle): the increments and the two byte counts, registered.
  logic [tlsnic_tx_pkg::NumCounters-1:0] cnt_inc_q;
  logic [16:0] cnt_enc_q;
  logic [15:0] cnt_rs_q;
  logic        commit, fix_csum, pkt_keep;
  tlsnic_tx_pkg::fctx_t fin_st;   // state written back on commit

  assign fp_item      = fp_valid_q && en_i;
  assign fp_beat_done = !(sd_pre || (trk_on && cut));
  assign fp_frame_end = fp_item && fp_beat_done && fp_last_q;
  assign oversize     = fp_nbytes_q > MaxFrame;

  always_comb begin
    cnt_inc  = '0;
    for (int i = 0; i < tlsnic_tx_pkg::NumCounters; i++) cnt_add[i] = 64'd1;
    commit   = 1'b0;
    fix_csum = 1'b0;
    pkt_keep = 1'b0;
    fin_st   = st_nx;
    case (fr_kind_q)
      tlsnic_pkg::KindPacket: begin
        if (oversize) begin
          cnt_inc[tlsnic_tx_pkg::CntFrameErr] = 1'b1;
        end else if (!fr_offload_q) begin
          cnt_inc[tlsnic_tx_pkg::CntPlainPkts] = 1'b1;
          pkt_keep = 1'b1;
        end else if (!loads) begin
          cnt_inc[tlsnic_tx_pkg::CntDropNoCtx] = 1'b1;
        end else if (pa_malformed_q) begin
          cnt_inc[tlsnic_tx_pkg::CntDropMalformed] = 1'b1;
        end else begin
          case (dec_cur)
            DecPass0: pkt_keep = 1'b1;
            DecSkip: begin
              pkt_keep = 1'b1;
              cnt_inc[tlsnic_tx_pkg::CntOoo] = 1'b1;
              cnt_inc[tlsnic_tx_pkg::CntSkipNoSync] = 1'b1;
            end
            DecNoSync: begin
              cnt_inc[tlsnic_tx_pkg::CntOoo] = 1'b1;
              cnt_inc[tlsnic_tx_pkg::CntDropNoSync] = 1'b1;
            end
            DecBypass: begin
              cnt_inc[tlsnic_tx_pkg::CntOoo] = 1'b1;
              cnt_inc[tlsnic_tx_pkg::CntDropBypass] = 1'b1;
            end
            DecEnc: begin
              if (fr_err_q || trk_err) begin
                cnt_inc[tlsnic_tx_pkg::CntDropBadRecord] = 1'b1;
                commit = 1'b1;
                fin_st = st_nx;
                fin_st.in_sync = 1'b0;
              end else begin
                cnt_inc[tlsnic_tx_pkg::CntEncPkts] = 1'b1;
                cnt_inc[tlsnic_tx_pkg::CntEncBytes] = 1'b1;
                cnt_add[tlsnic_tx_pkg::CntEncBytes] = {47'b0, len_cur - {1'b0, skip_cur}};
                commit   = 1'b1;
                pkt_keep = 1'b1;
                fix_csum = 1'b1;
                fin_st.exp_sn = end_sn_cur;
                fin_st.started = 1'b1;
              end
            end
            DecSide, DecSideBad: begin
              commit = 1'b1;
              fin_st = sd_base;
              if (dec_cur == DecSideBad || fr_err_q || trk_err || fr_sdbad_q || sd_hdr_bad || sd_tag_bad) begin
                cnt_inc[tlsnic_tx_pkg::CntDropNoSync] = 1'b1;
                cnt_inc[tlsnic_tx_pkg::CntRexmitBad] = 1'b1;
              end else begin
                cnt_inc[tlsnic_tx_pkg::CntEncPkts] = 1'b1;
                cnt_inc[tlsnic_tx_pkg::CntEncBytes] = 1'b1;
                cnt_add[tlsnic_tx_pkg::CntEncBytes] = {47'b0, len_cur};
                cnt_inc[tlsnic_tx_pkg::CntRexmitSeek] = 1'b1;
                cnt_inc[tlsnic_tx_pkg::CntRexmitTag] = fr_sdtag_q || sd_tag_now;
                pkt_keep = 1'b1;
                fix_csum = 1'b1;
                // Ended inside the sought record: the side context goes on behind it (soft).
                if (sd_cont_nx) begin
                  fin_st.sd_valid = 1'b1;
                  fin_st.sd_cont  = 1'b1;
                  fin_st.sd_off   = sd_off_nx[14:0];
                end
              end
            end
            default: cnt_inc[tlsnic_tx_pkg::CntDropMalformed] = 1'b1;  // header never completed
          endcase
        end
        // A waiting SEEK descriptor is used up by an offloaded packet that cannot be processed
        // (oversize, malformed, header never complete): counted, the context kept as it was.
        if (sd_spent) begin
          cnt_inc[tlsnic_tx_pkg::CntRexmitBad] = !st.sd_cont;
          commit = 1'b1;
          fin_st = sd_base;
        end
        // A soft side context goes, uncounted, with any other packet with payload.
        if (sd_soft_gone) begin
          if (!commit) fin_st = sd_base;
          fin_st.sd_valid = 1'b0;
          commit = 1'b1;
        end
      end
      tlsnic_pkg::KindControl: begin
        if (c_err) begin
          cnt_inc[tlsnic_tx_pkg::CntCtrlErr] = 1'b1;
        end else if (c_inst) begin
          cnt_inc[tlsnic_tx_pkg::CntCtx] = 1'b1;
          commit = 1'b1;
          fin_st = c_new;
        end else begin
          cnt_inc[tlsnic_tx_pkg::CntDel] = 1'b1;
          commit = 1'b1;
          fin_st = '0;
        end
      end
      tlsnic_pkg::KindResync: begin
        if (pa_sd_q) begin
          // A SEEK descriptor: kept as the side context; nothing else of the context changes.
          if (sd_ok) begin
            cnt_inc[tlsnic_tx_pkg::CntOoo] = 1'b1;
            commit = 1'b1;
            fin_st = st;
            fin_st.sd_valid = 1'b1;
            fin_st.sd_cont  = 1'b0;
            fin_st.sd_tagv  = pa_view_q[18];
            fin_st.sd_off   = rs_plen[14:0];
            fin_st.sd_sn    = rs_start_sn;
            fin_st.sd_rseq  = rs_rseq;
            for (int i = 0; i < 5; i++) fin_st.sd_hdr[8*i +: 8] = pvb(pa_view_q, 24 + i);
            for (int i = 0; i < 8; i++) fin_st.sd_hdr[8*(5+i) +: 8] = pvb(pa_view_q, 16 + i);
            for (int i = 0; i < 16; i++) fin_st.sd_tag[127-8*i -: 8] = pa_view_q[18] ? pvb(pa_view_q, 29 + i) : 8'h0;
          end else begin
            cnt_inc[tlsnic_tx_pkg::CntResyncBad] = 1'b1;
            // (A frame shorter than its flags byte has none: the view holds no byte 2 then.)
            cnt_inc[tlsnic_tx_pkg::CntRexmitBad] = fp_nbytes_q >= 18'd3;
          end
        end else if (rs_ok) begin
          cnt_inc[tlsnic_tx_pkg::CntOoo] = 1'b1;
          cnt_inc[tlsnic_tx_pkg::CntResyncBytes] = 1'b1;
          cnt_add[tlsnic_tx_pkg::CntResyncBytes] = {48'b0, rs_plen};
          commit = 1'b1;
          fin_st.exp_sn  = rs_start_sn + {16'b0, rs_plen};
          fin_st.in_sync = 1'b1;
          fin_st.started = !rs_at_start;
          fin_st.sd_valid = 1'b0;   // a prefix load replaces a waiting descriptor
        end else begin
          cnt_inc[tlsnic_tx_pkg::CntResyncBad] = 1'b1;
        end
      end
      default: cnt_inc[tlsnic_tx_pkg::CntFrameErr] = 1'b1;
    endcase
  end

  // A resync frame whose header is known but whose prefix is empty still initialises its tracker.
  logic rs_init_now;
  assign rs_init_now = fr_kind_q == tlsnic_pkg::KindResync && loads && rs_hdr_known && !fr_rsinit_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fp_valid_q <= 1'b0;
      fp_first_q <= 1'b0;
      fp_last_q  <= 1'b0;
      fp_data_q  <= '0;
      fp_keep_q  <= '0;
      fp_bidx_q  <= '0;
      fp_nbytes_q <= '0;
      fp_s_q     <= '0;
      pa_hdr_known_q <= 1'b0;
      pa_is_ip_q <= 1'b0;
      pa_malformed_q <= 1'b0;
      pa_rs_end_q <= '1;
      pa_sd_q    <= 1'b0;
      pa_sd_end_q <= '1;
      pa_l4_q    <= '0;
      pa_pay_off_q <= '0;
      pa_ip_end_q <= '0;
      pa_tcp_len_q <= '0;
      pa_seq_q   <= '0;
      pa_csum_mask_q <= '0;
      pa_view_q  <= '0;
      fr_kind_q  <= '0;
      fr_offload_q <= 1'b0;
      fr_ctx_q   <= '0;
      fr_ctx_ok_q <= 1'b1;   // id 0 is inside the table
      fr_decided_q <= 1'b0;
      fr_dec_q   <= DecNone;
      fr_skip_q  <= '0;
      fr_pstart_q <= '0;
      fr_pend_q  <= '0;
      fr_len_q   <= '0;
      fr_end_sn_q <= '0;
      fr_err_q   <= 1'b0;
      fr_recend_q <= 1'b0;
      fr_rsinit_q <= 1'b0;
      fr_sdinit_q <= 1'b0;
      fr_sdks_q  <= 1'b0;
      fr_sdpast_q <= 1'b0;
      fr_sdbad_q <= 1'b0;
      fr_sdtag_q <= 1'b0;
      fr_loads_q <= 1'b0;
      for (int i = 0; i < tlsnic_tx_pkg::NumCounters; i++) cnt_q[i] <= '0;
      cnt_inc_q  <= '0;
      cnt_enc_q  <= '0;
      cnt_rs_q   <= '0;
    end else begin
      cnt_inc_q <= '0;
      for (int i = 0; i < tlsnic_tx_pkg::NumCounters; i++) begin
        if (cnt_inc_q[i]) begin
          if (i == tlsnic_tx_pkg::CntEncBytes) cnt_q[i] <= cnt_q[i] + {47'b0, cnt_enc_q};
          else if (i == tlsnic_tx_pkg::CntResyncBytes) cnt_q[i] <= cnt_q[i] + {48'b0, cnt_rs_q};
          else cnt_q[i] <= cnt_q[i] + 64'd1;
        end
      end
      if (fp_take) begin
        fp_valid_q <= 1'b1;
        fp_first_q <= fa_first_q;
        fp_last_q  <= fa_last_q;
        fp_data_q  <= fa_data_q;
        fp_keep_q  <= fa_keep_q;
        fp_bidx_q  <= fa_bidx_q;
        fp_nbytes_q <= fa_nbytes_q;
        fp_s_q     <= '0;
        pa_hdr_known_q <= pv_hdr_known;
        pa_is_ip_q <= pv_is_ip;
        pa_malformed_q <= pv_malformed;
        pa_l4_q    <= pv_l4;
        pa_pay_off_q <= pv_pay_off;
        pa_ip_end_q <= pv_ip_end;
        pa_tcp_len_q <= pv_tcp_len;
        pa_seq_q   <= pv_seq;
        pa_csum_mask_q <= pv_csum_mask;
        pa_view_q  <= pv_view[60*8-1:0];
        pa_rs_end_q <= (pv_view[23:17] == 7'd0) ? {2'b0, pv_view[7:0], pv_view[15:8]} + 18'd24 : '1;
        pa_sd_q     <= pv_view[17];
        pa_sd_end_q <= (pv_view[23:16] == 8'h02) ? 18'd29 : ((pv_view[23:16] == 8'h06) ? 18'd45 : '1);
        if (fa_first_q) begin
          fr_kind_q    <= fa_user_q[1:0];
          fr_offload_q <= fa_user_q[2];
          fr_ctx_q     <= fa_user_q[18:3];
          fr_ctx_ok_q  <= {16'b0, fa_user_q[18:3]} < 32'(N_CTX);
        end
      end else if (fp_item && fp_beat_done) begin
        fp_valid_q <= 1'b0;
      end
      if (fp_item && !fp_beat_done) fp_s_q <= ie;

      if (fp_item) begin
        // Frame registers (reset for the next frame on its end).
        if (dec_now) begin
          fr_decided_q <= 1'b1;
`ifndef SYNTHESIS
          if (brk == 32'd14) fr_decided_q <= 1'b0;   // test-only fault: decide again next item
`endif
          fr_dec_q     <= dec_val;
          fr_skip_q    <= d_skip;
          fr_pstart_q  <= {8'b0, pa_pay_off_q} + {1'b0, d_skip};
          fr_pend_q    <= pa_ip_end_q;
          fr_len_q     <= d_len;
          fr_end_sn_q  <= d_end;
        end
        if (trk_err) fr_err_q <= 1'b1;
        if (trk_on && end_a) fr_recend_q <= 1'b1;
        if (rs_init_now) fr_rsinit_q <= 1'b1;
        if (sd_frame) fr_sdinit_q <= 1'b1;
        if (sd_ks) fr_sdks_q <= 1'b1;
        if (trk_on && sd_rec && end_a) fr_sdpast_q <= 1'b1;
        if (sd_hdr_bad || sd_tag_bad) fr_sdbad_q <= 1'b1;
        if (sd_tag_now) fr_sdtag_q <= 1'b1;

        // Working state.
        if (fr_start) fr_loads_q <= loads;

        if (fp_frame_end) begin
          fr_decided_q <= 1'b0;
          fr_dec_q     <= DecNone;
          fr_err_q     <= 1'b0;
          fr_recend_q  <= 1'b0;
          fr_rsinit_q  <= 1'b0;
          fr_sdinit_q  <= 1'b0;
          fr_sdks_q    <= 1'b0;
          fr_sdpast_q  <= 1'b0;
          fr_sdbad_q   <= 1'b0;
          fr_sdtag_q   <= 1'b0;
          cnt_inc_q <= cnt_inc;
          cnt_enc_q <= cnt_add[tlsnic_tx_pkg::CntEncBytes][16:0];
          cnt_rs_q  <= cnt_add[tlsnic_tx_pkg::CntResyncBytes][15:0];
        end
      end
    end
  end

  // Working state: a frame that works on a context loads it and takes the snapshot on its first
  // item, updates the working copy on every item, and on its last item commits (table write) or
  // restores the snapshot. The snapshot is read only on its own frame's end; a control frame's
  // (the context an install replaces or a delete removes) is not kept.
  logic fin_wk;   // the frame's end sets the working copy
  always_comb begin
    fin_wk     = fp_frame_end && (loads || (fr_kind_q == tlsnic_pkg::KindControl && c_inst));
    ct_own     = fp_item && ((fr_start && loads) || fin_wk);
    ct_snap_we = fp_item && ((fr_start && loads) || (fp_frame_end && fr_kind_q == tlsnic_pkg::KindControl));
    ct_snap_d  = (fp_frame_end && fr_kind_q == tlsnic_pkg::KindControl) ? '0 : st;
    ct_wk_we   = fp_item && (loads || fin_wk);
    ct_wk_d    = fin_wk ? (commit ? fin_st : (fr_start ? st : snap_q)) : st_nx;
    tbl_we     = fp_frame_end && commit && ctx_ok;
  end

  // ---------------------------------------------------------------------------------------
  // FI: item register.
  logic [13:0] csum_beat;
  logic [8:0]  csum_pos;
  assign csum_pos  = {1'b0, pa_l4_q} + 9'd16;
  assign csum_beat = {5'b0, csum_pos / B[8:0]};

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
      it_q.fr_last   <= fp_beat_done && fp_last_q;
      it_q.beat_last <= fp_beat_done;
      it_q.wr        <= fr_kind_q == tlsnic_pkg::KindPacket && !oversize;
      it_q.pkt       <= fr_kind_q == tlsnic_pkg::KindPacket;
      it_q.commit    <= fr_kind_q == tlsnic_pkg::KindPacket ? pkt_keep : commit;
      it_q.fix_csum  <= fix_csum;
      it_q.data      <= fp_data_q;
      it_q.keep      <= fp_keep_q;
      it_q.s         <= fp_s_q;
      it_q.e         <= ie;
      it_q.csum_mask <= pa_is_ip_q ? pa_csum_mask_q : '0;
      it_q.csum_const <= pa_tcp_len_q + 17'd6;
      it_q.csum_beat <= csum_beat;
      it_q.csum_lane <= PB'(csum_pos % B[8:0]);
      it_q.crypto    <= trk_on || sd_pre || ((fr_kind_q == tlsnic_pkg::KindControl) && (c_inst || c_del) && fp_beat_done && fp_last_q);
      it_q.ctx       <= fr_ctx_q[CW-1:0];
      it_q.inst      <= fr_kind_q == tlsnic_pkg::KindControl && c_inst && fp_beat_done && fp_last_q;
      it_q.del       <= fr_kind_q == tlsnic_pkg::KindControl && c_del && fp_beat_done && fp_last_q;
      it_q.side      <= sd_frame;
      it_q.ks_ld     <= sd_ks;
      it_q.a_ktag    <= trk_on && sd_ktag;
      it_q.a_rseq    <= tst.rseq;
      it_q.a_p0      <= trk_on ? p_a0 : '0;
      it_q.a_p1      <= trk_on ? p_a1 : '0;
      it_q.a_qm      <= a_qm;
      it_q.a_k       <= trk_on ? k_a : '0;
      it_q.a_start   <= trk_on && start_a;
      it_q.a_fin     <= trk_on && fin_a;
      it_q.a_t0      <= trk_on ? t_a0 : '0;
      it_q.a_t1      <= trk_on ? t_a1 : '0;
      it_q.a_u       <= a_u;
      it_q.b_start   <= trk_on && b_start;
      it_q.b_p0      <= p_b0;
      it_q.b_p1      <= pe;
      it_q.aad       <= aad;
      it_q.lenblk    <= (trk_on && sd_ktag) ? st.sd_tag : lenblk;
      it_q.user      <= '0;
      it_key_o       <= (fr_kind_q == tlsnic_pkg::KindControl) ? c_new.key : tst.key;
      it_k256_o      <= (fr_kind_q == tlsnic_pkg::KindControl) ? c_new.k256 : tst.k256;
      it_blocks_o    <= (fr_kind_q == tlsnic_pkg::KindControl) ? '0
                      : (sd_pre ? {{(LA*128-128){1'b0}}, sd_ctr}
                      : (sd_ks_in ? {blocks[(LA-1)*128-1:0], sd_ctr} : blocks));
    end
  end

  // Parser outputs the TX front end does not need (the RX engine does).
  logic unused_parse;
  assign unused_parse = ^{pv_view[HW*8-1:60*8], pv_l3, bad_a_unused, in_first_q, tbl_rd_unused};

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions").
`ifndef SYNTHESIS
  // Bytes of this item that must leave encrypted (the engine top's a_no_leak carries the mask to
  // the back end): the TCP payload bytes of a packet being encrypted, bounded by the parser's
  // payload offset (+ the bytes before start_offload_tcp_sn) and IP datagram end rather than by
  // the tracker's stretch, minus the bytes the tracker names record header / explicit nonce
  // (slot A's, and the next record's after slot A ends) or tag.
  logic [B-1:0] sim_need;
  always_comb begin
    logic [19:0]   p0, p1, off;
    logic [PB-1:0] jj, hb_end;
    p0     = {3'b0, {8'b0, pa_pay_off_q} + {1'b0, skip_cur}};
    p1     = {3'b0, pa_ip_end_q};
    hb_end = b_start ? p_b0 : ie;
    for (int j = 0; j < B; j++) begin
      jj  = PB'(j);
      off = bstart + 20'(j);
      sim_need[j] = fp_valid_q && fr_kind_q == tlsnic_pkg::KindPacket && fr_offload_q && (dec_cur == DecEnc || dec_cur == DecSide)
                    && jj >= fp_s_q && jj < ie && jj < vbytes && off >= p0 && off < p1
                    && !(trk_on && ((jj >= s_t && jj < p_a0) || (jj >= t_a0 && jj < t_a1)
                                    || (end_a && jj >= e_pos && jj < hb_end)));
    end
  end

  // One decision per frame: a packet frame is decided at most once, and an offloaded packet of an
  // installed context that parses and fits is decided before its last item.
  logic [1:0] sim_ndec_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sim_ndec_q <= '0;
    else if (fp_item) begin
      if (fp_frame_end) sim_ndec_q <= '0;
      else if (dec_now && sim_ndec_q != 2'd3) sim_ndec_q <= sim_ndec_q + 1'b1;
    end
  end
  // Table indices: the front table is written only for context ids inside it.
  // (Immediate assertions at the clock edge read the values before it, as a concurrent assertion
  // samples them.)
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_dec_once: assert (!(fp_item && dec_now) || sim_ndec_q == '0)
        else $error("tlsnic_tx_front: a second decision for one packet frame");
      a_dec_made: assert (!(fp_frame_end && fr_kind_q == tlsnic_pkg::KindPacket && fr_offload_q && loads
                            && !pa_malformed_q && !oversize) || dec_now || sim_ndec_q != '0)
        else $error("tlsnic_tx_front: an offloaded packet of an installed context ended without a decision");
      // The table's registered forwarding select (FWD_REG) holds for the id read last: a frame
      // loads its context only as the id of its first beat's read.
      a_ld_read: assert (!(fp_item && fr_start) || fr_ctx_q == u_ctx.g_fwd_reg.rdid_q)
        else $error("tlsnic_tx_front: frame of context %0d loads after a read of %0d", fr_ctx_q, u_ctx.g_fwd_reg.rdid_q);
      a_tbl_idx: assert (!(tbl_we && !ct_busy) || {16'b0, fr_ctx_q} < 32'(N_CTX))
        else $error("tlsnic_tx_front: table write for context id %0d, not below N_CTX = %0d", fr_ctx_q, N_CTX);
    end
  end

  // Functional cover points (simulation only; `tlsnic coverage`): rtl/tx/tlsnic_tx_front_cover.svh.
  `include "tlsnic_tx_front_cover.svh"
`endif

  assign cnt_value_o = ({27'b0, cnt_sel_i} < tlsnic_tx_pkg::NumCounters) ? cnt_q[cnt_sel_i] : 64'd0;

endmodule
