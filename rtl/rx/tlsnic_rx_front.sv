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
//   FK  key register; CRC-32 of the key selects the bucket; flow-table read (all ways)
//   FB  the ways are compared with the key: hit, context id; context-table read
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
// Flow table: BUCKETS x WAYS entries {valid, key (37 bytes), ctx id}, one RAM per way, read one
// bucket at a time. Control frames (install, delete, resync response) are decided in FP on their
// last beat; an install takes up to 4 cycles (bucket read, eviction of a context holding the same
// tuple, entry write). While a control frame is in the pipeline, no further frame is accepted, so
// a lookup never races a table change. After reset both tables are cleared, one entry per cycle
// (max(N_CTX, BUCKETS) cycles, s_tready_o low meanwhile).
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
  parameter int unsigned BUCKETS   = 256,
  parameter int unsigned WAYS      = 4,
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
  localparam int unsigned    BKW = (BUCKETS > 1) ? $clog2(BUCKETS) : 1;
  localparam int unsigned    WYW = (WAYS > 1) ? $clog2(WAYS) : 1;
  localparam int unsigned    NINIT = (N_CTX > BUCKETS) ? N_CTX : BUCKETS;
  localparam int unsigned    NIW  = $clog2(NINIT + 1);
  localparam int unsigned    FEW = 1 + 296 + 16;          // flow entry: valid, key, ctx id
  localparam int unsigned    NC  = tlsnic_rx_pkg::NumCounters;

  tlsnic_rx_pkg::rctx_t wk_q, snap_q, st, ld_st, gst, ist, st_nx, fin_st, c_new, c_res;
  localparam int unsigned RW /*verilator public_flat_rd*/ = $bits(wk_q);

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
  // Table clear after reset.
  logic          init_q;
  logic [NIW-1:0] init_idx_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      init_q     <= 1'b1;
      init_idx_q <= '0;
    end else if (init_q) begin
      init_idx_q <= init_idx_q + 1'b1;
      if (init_idx_q == NIW'(NINIT - 1)) init_q <= 1'b0;
    end
  end

  function automatic logic [PB-1:0] keep_count(input logic [B-1:0] k);
    logic [PB-1:0] c;
    c = '0;
    for (int j = 0; j < B; j++) if (k[j]) c = PB'(j + 1);
    keep_count = c;
  endfunction

  function automatic logic [7:0] vbyte(input logic [HW*8-1:0] v, input logic [8:0] idx);
    vbyte = ({23'b0, idx} < HW) ? v[8*idx +: 8] : 8'h0;
  endfunction

  // Byte k of the IP header: the IP header starts at 14, or 18 behind an 802.1Q tag, so two
  // fixed positions and a 2:1 mux (k is a constant) instead of a shifter over the whole view.
  function automatic logic [7:0] ipbyte(input logic [HW*8-1:0] v, input logic vlan, input int unsigned k);
    ipbyte = vlan ? v[8*(18+k) +: 8] : v[8*(14+k) +: 8];
  endfunction

  // ---------------------------------------------------------------------------------------
  // Stage handshakes (one global enable; each stage moves when the next one takes or is empty).
  logic fa_valid_q, fk_valid_q, fb_valid_q, fp_valid_q;
  logic fa_take, fk_take, fb_take, fp_take;
  logic fp_item, fp_beat_done, fp_frame_end;

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

  // Flow key of the packet (models/flow-hash.ts): version, source and destination address
  // (IPv4 right-aligned), source and destination port.
  logic [295:0] pv_key;
  logic         pv_v6;
  always_comb begin
    logic [8:0] l4;
    logic vlan;
    vlan = pv_l3 == 8'd18;
    l4 = {1'b0, pv_l4};
    pv_v6 = ipbyte(pv_view, vlan, 0) >> 4 == 8'd6;
    pv_key = '0;
    pv_key[7:0] = pv_v6 ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (pv_v6) begin
        pv_key[8*(1+j) +: 8]  = ipbyte(pv_view, vlan, 8 + j);
        pv_key[8*(17+j) +: 8] = ipbyte(pv_view, vlan, 24 + j);
      end else if (j >= 12) begin
        pv_key[8*(1+j) +: 8]  = ipbyte(pv_view, vlan, j);
        pv_key[8*(17+j) +: 8] = ipbyte(pv_view, vlan, 4 + j);
      end
    end
    for (int j = 0; j < 4; j++) pv_key[8*(33+j) +: 8] = vbyte(pv_view, l4 + 9'(j));
  end

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
  // Flow table: one RAM per way, entries {valid, key, ctx id}.
  logic [BKW-1:0]      ft_ra;        // bucket read address
  logic                ft_re;
  logic [WAYS*FEW-1:0] ft_rd_q;      // the bucket's ways, way w at [w*FEW +: FEW]
  logic                ft_we;
  logic [BKW-1:0]      ft_wa;
  logic [WYW-1:0]      ft_wway;
  logic                ft_wall;      // write every way (clear sweep)
  logic [FEW-1:0]      ft_wd;

  for (genvar w = 0; w < WAYS; w++) begin : g_way
    logic [FEW-1:0] mem_q [BUCKETS];
    always_ff @(posedge clk_i) begin
      if (ft_re) ft_rd_q[w*FEW +: FEW] <= mem_q[ft_ra];
      if (ft_we && (ft_wall || ft_wway == WYW'(w))) mem_q[ft_wa] <= ft_wd;
    end
  end

  // FK: the bucket of the key in FK.
  logic [31:0] fk_crc;
  assign fk_crc = tlsnic_rx_pkg::crc32_key(fk_q.key);

  // FB: compare the bucket's ways with the key.
  logic          fb_hit;
  logic [15:0]   fb_cid;
  always_comb begin
    fb_hit = 1'b0;
    fb_cid = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      if (ft_rd_q[w*FEW + FEW - 1] && ft_rd_q[w*FEW + 16 +: 296] == fb_q.key) begin
        fb_hit = 1'b1;
        fb_cid = ft_rd_q[w*FEW +: 16];
      end
    end
  end

  // Context table (front part), one read and one write port.
  logic [RW-1:0] ctbl_q [N_CTX] /*verilator public_flat_rd*/;
  logic [RW-1:0] ctbl_rd_q;
  logic          ct_re, ct_we;
  logic [CW-1:0] ct_ra, ct_wa;
  logic [RW-1:0] ct_wd;
  always_ff @(posedge clk_i) begin
    if (ct_re) ctbl_rd_q <= ctbl_q[ct_ra];
    if (ct_we) ctbl_q[ct_wa] <= ct_wd;
  end

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
        fk_q.key         <= pv_key;
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
  // FP: beat registers and frame registers.
  logic              fp_hit_q;
  logic [15:0]       fp_cid_q;
  logic [PB-1:0]     fp_s_q;        // start of the next item within the beat
  logic [31:0]       csum_q;        // TCP checksum partial sum of the frame's earlier beats

  localparam logic [2:0] DecNone = 3'd0, DecPlain = 3'd1, DecNoPay = 3'd2, DecOld = 3'd3, DecWalk = 3'd4,
                         DecFar = 3'd5;
  logic              fr_decided_q;
  logic [2:0]        fr_dec_q;
  logic [16:0]       fr_pstart_q, fr_pend_q, fr_len_q;
  logic [31:0]       fr_end_q, fr_seqb_q;
  logic              fr_skip_q;     // overlap: bytes before expSeq were not walked
  logic [15:0]       fr_cid_q;
  logic              fr_unmark_q, fr_hdrerr_q;
  logic              fr_gap_q;
  logic [15:0]       fr_lost_q, fr_rstart_q, fr_rskip_q;

  logic [15:0]       wk_ctx_q;
  logic              wk_has_q;

  logic [1:0]  fr_kind;
  logic [15:0] fr_uctx;            // control frames: the context addressed
  logic        fr_start;
  logic [19:0] bstart;
  logic [PB-1:0] vbytes;
  assign fr_kind  = fp_q.user[1:0];
  assign fr_uctx  = fp_q.user[18:3];
  assign fr_start = fp_q.first && fp_s_q == '0;
  assign bstart   = {6'b0, fp_q.bidx} * BeatB20;
  assign vbytes   = fp_q.last ? keep_count(fp_q.keep) : BeatB;

  // ---------------------------------------------------------------------------------------
  // Packet decision (rules 3, 5, 6, 7), on the first item whose beat completes the TCP header.
  logic        dec_now, d_gap;
  logic [2:0]  dec_val, dec_cur;
  logic [16:0] d_len, len_cur;
  logic [31:0] d_end, d_skip32, end_cur, seqb_cur;
  logic        skip_cur;
  logic [15:0] ld_id;
  logic        ld_fwd;

  assign ld_id  = (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx : fp_cid_q;
  assign ld_fwd = wk_has_q && wk_ctx_q == ld_id;
  assign ld_st  = ld_fwd ? wk_q : ctbl_rd_q;

  always_comb begin
    dec_now  = fp_valid_q && fr_kind == tlsnic_rx_pkg::KindPacket && !fr_decided_q && fp_q.hdr_known;
`ifndef SYNTHESIS
    if (brk == 32'd15) dec_now = 1'b0;   // test-only fault: no packet is ever decided
`endif
    d_len    = (fp_q.ip_end > {8'b0, fp_q.pay_off}) ? fp_q.ip_end - {8'b0, fp_q.pay_off} : 17'd0;
    d_end    = fp_q.seq + {15'b0, d_len};
    d_skip32 = tlsnic_pkg::seq_lt(fp_q.seq, ld_st.exp_sn) ? ld_st.exp_sn - fp_q.seq : 32'd0;
    if (!fp_hit_q || !ld_st.valid) dec_val = DecPlain;
    else if (d_len == 17'd0) dec_val = DecNoPay;
    else if (tlsnic_pkg::seq_leq(d_end, ld_st.exp_sn)) dec_val = DecOld;
    else if (tlsnic_rx_pkg::too_far(fp_q.seq, ld_st.exp_sn)) dec_val = DecFar;
    else dec_val = DecWalk;
    d_gap    = dec_val == DecWalk && d_skip32 == 32'd0 && fp_q.seq != ld_st.exp_sn;
    dec_cur  = dec_now ? dec_val : fr_dec_q;
    len_cur  = dec_now ? d_len : fr_len_q;
    end_cur  = dec_now ? d_end : fr_end_q;
    seqb_cur = dec_now ? fp_q.seq - {23'b0, fp_q.pay_off} : fr_seqb_q;
    skip_cur = dec_now ? d_skip32 != 32'd0 : fr_skip_q;
  end

  // The context state this item starts from: loaded on the decision item, then the working copy.
  logic loads;   // this packet works on context state
  assign loads = fr_kind == tlsnic_rx_pkg::KindPacket && dec_cur == DecWalk;
  assign st    = (dec_now && dec_val == DecWalk) ? ld_st : wk_q;

  // Gaps (section 4.4), applied on the decision item.
  logic g_lost, g_rskip;
  always_comb begin
    logic [31:0] e;
    logic lose;
    gst     = st;
    e       = '0;
    g_lost  = 1'b0;
    g_rskip = 1'b0;
    lose    = 1'b0;
    if (dec_now && d_gap) begin
      case (st.mode)
        tlsnic_rx_pkg::ModeSync: begin
          e = st.exp_sn - {17'b0, st.off} + {17'b0, st.rlen};
          if (st.rlen != 15'd0 && tlsnic_pkg::seq_leq(fp_q.seq, e)) begin
            gst.mode      = tlsnic_rx_pkg::ModeSkip;
            gst.rec_end   = e;
            gst.next_rseq = st.rseq + 64'd1;
          end else lose = 1'b1;
        end
        tlsnic_rx_pkg::ModeSkip: if (!tlsnic_pkg::seq_leq(fp_q.seq, st.rec_end)) lose = 1'b1;
        tlsnic_rx_pkg::ModeLock: begin
          if (tlsnic_pkg::seq_leq(fp_q.seq, st.rec_end)) gst.hist_len = 3'd0;
          else lose = 1'b1;
        end
        tlsnic_rx_pkg::ModeScan: gst.hist_len = 3'd0;
        default: ;
      endcase
      if (lose) begin
        if (st.mode == tlsnic_rx_pkg::ModeLock) begin
          g_rskip = 1'b1;
          gst.req = 1'b0;
        end
        g_lost        = 1'b1;
        gst.mode      = tlsnic_rx_pkg::ModeWait;
        gst.scan_from = st.exp_sn + tlsnic_rx_pkg::MaxRecordLen;
        gst.hist_len  = 3'd0;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The walk: one item of the payload in the mode the context is in.
  logic [19:0]   t_pstart, t_pend;
  logic [PB-1:0] ps, pe, s_t;
  logic          wk_on;
  logic [31:0]   seq0, pos0;

  always_comb begin
    t_pstart = {3'b0, dec_now ? {8'b0, fp_q.pay_off} + (d_skip32[16:0]) : fr_pstart_q};
    t_pend   = {3'b0, dec_now ? fp_q.ip_end : fr_pend_q};
    ps = (t_pstart <= bstart) ? '0 : ((t_pstart - bstart >= BeatB20) ? BeatB : PB'(t_pstart - bstart));
    pe = (t_pend <= bstart) ? '0 : ((t_pend - bstart >= BeatB20) ? BeatB : PB'(t_pend - bstart));
    if (pe > vbytes) pe = vbytes;
    s_t   = (ps > fp_s_q) ? ps : fp_s_q;
    wk_on = fp_valid_q && loads && s_t < pe;
    seq0  = seqb_cur + {12'b0, bstart};
    pos0  = seq0 + {{(32-PB){1'b0}}, s_t};

    // Mode switches that happen at the first byte walked (skip reaches rec_end, wait reaches
    // scan_from): the item starts in the new mode.
    ist = gst;
    if (wk_on) begin
      if (gst.mode == tlsnic_rx_pkg::ModeSkip && tlsnic_pkg::seq_leq(gst.rec_end, pos0)) begin
        ist.mode = tlsnic_rx_pkg::ModeSync;
        ist.off  = '0;
        ist.rlen = '0;
        ist.hdr  = '0;
        ist.rseq = gst.next_rseq;
      end
      if (gst.mode == tlsnic_rx_pkg::ModeWait && gst.scan && tlsnic_pkg::seq_leq(gst.scan_from, pos0)) begin
        ist.mode     = tlsnic_rx_pkg::ModeScan;
        ist.hist_len = 3'd0;
      end
    end
  end

  // Record tracker (sync mode).
  logic        trk_on, trk_bad, trk_bad_a, cut, end_a, start_a, fin_a, b_start;
  logic [PB-1:0] p_a0, p_a1, t_a0, t_a1, e_pos, p_b0;
  logic [3:0]  a_qm, a_u;
  logic [KW-1:0] k_a;
  logic [127:0] aad, lenblk;
  logic [LA*128-1:0] blocks;
  logic [14:0] nx_off, nx_rlen;
  logic [103:0] nx_hdr;
  logic [63:0] nx_rseq;
  logic [95:0] nx_nonce;

  assign trk_on = wk_on && ist.mode == tlsnic_rx_pkg::ModeSync;

  tlsnic_rec_track #(.W(W)) u_track (
    .data_i   (fp_q.data),
    .s_i      (s_t),
    .pe_i     (pe),
    .ver13_i  (ist.ver13),
    .iv_i     (ist.iv),
    .off_i    (ist.off),
    .rlen_i   (ist.rlen),
    .hdr_i    (ist.hdr),
    .rseq_i   (ist.rseq),
    .nonce_i  (ist.nonce),
    .off_o    (nx_off),
    .rlen_o   (nx_rlen),
    .hdr_o    (nx_hdr),
    .rseq_o   (nx_rseq),
    .nonce_o  (nx_nonce),
    .err_o    (trk_bad),
    .bad_a_o  (trk_bad_a),
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

  // Header-pattern window: the 4 history bytes, then the beat from s_t on. m[j]: the 5 bytes
  // ending at beat position s_t + j match the header pattern (and all 5 are stream bytes).
  logic [(B+4)*8-1:0] win;
  logic [B-1:0]       m;
  always_comb begin
    logic [W-1:0] sh;
    sh  = fp_q.data >> (8 * s_t);
    win = {sh, ist.hist[7:0], ist.hist[15:8], ist.hist[23:16], ist.hist[31:24]};
    for (int j = 0; j < B; j++) begin
      m[j] = PB'(j) < pe - s_t && 32'(j) + 32'(ist.hist_len) >= 32'd4
             && tlsnic_rx_pkg::plausible(ist.ver13, win[8*j +: 8], win[8*(j+1) +: 8], win[8*(j+2) +: 8],
                                         win[8*(j+3) +: 8], win[8*(j+4) +: 8]);
    end
  end

  // Per-mode item logic.
  logic [PB-1:0] ie;              // item end (B: the rest of the beat)
  logic          it_cut;          // the item ends before the walk's end in this beat
  logic          i_unmark, i_hdrerr, i_lost, i_rstart, i_rskip;
  always_comb begin
    logic [31:0] d, hs;
    logic [PB-1:0] n, jj, jsel;
    logic found, upd_hist;
    st_nx    = ist;
    ie       = BeatB;
    i_unmark = 1'b0;
    i_hdrerr = 1'b0;
    i_lost   = 1'b0;
    i_rstart = 1'b0;
    i_rskip  = 1'b0;
    upd_hist = 1'b0;
    it_cut   = 1'b0;
    n        = '0;
    jj       = '0;
    d        = '0;
    hs       = '0;
    jsel     = '0;
    found    = 1'b0;
    if (wk_on) begin
      case (ist.mode)
        tlsnic_rx_pkg::ModeSync: begin
          if (trk_bad) begin
            // Impossible length: sync is lost at the header's first byte; the rest of the packet
            // walks in wait (scan_from lies a maximum record beyond, past any frame).
            hs = trk_bad_a ? pos0 - {17'b0, ist.off} : seq0 + {{(32-PB){1'b0}}, e_pos};
            i_hdrerr = 1'b1;
            i_lost   = 1'b1;
            st_nx.mode      = tlsnic_rx_pkg::ModeWait;
            st_nx.scan_from = hs + tlsnic_rx_pkg::MaxRecordLen;
            st_nx.hist_len  = 3'd0;
          end else begin
            st_nx.off   = nx_off;
            st_nx.rlen  = nx_rlen;
            st_nx.hdr   = nx_hdr;
            st_nx.rseq  = nx_rseq;
            st_nx.nonce = nx_nonce;
            if (cut) ie = e_pos;
          end
        end
        tlsnic_rx_pkg::ModeSkip: begin
          i_unmark = 1'b1;
          d = ist.rec_end - pos0;
          if (d < {{(32-PB){1'b0}}, pe - s_t}) begin
            ie = s_t + PB'(d);
            st_nx.mode = tlsnic_rx_pkg::ModeSync;
            st_nx.off  = '0;
            st_nx.rlen = '0;
            st_nx.hdr  = '0;
            st_nx.rseq = ist.next_rseq;
          end
        end
        tlsnic_rx_pkg::ModeWait: begin
          i_unmark = 1'b1;
          d = ist.scan_from - pos0;
          if (ist.scan && d < {{(32-PB){1'b0}}, pe - s_t}) begin
            ie = s_t + PB'(d);
            st_nx.mode     = tlsnic_rx_pkg::ModeScan;
            st_nx.hist_len = 3'd0;
          end
        end
        tlsnic_rx_pkg::ModeScan: begin
          i_unmark = 1'b1;
          upd_hist = 1'b1;
          for (int j = B - 1; j >= 0; j--) begin
            if (m[j]) begin
              found = 1'b1;
              jsel  = PB'(j);
            end
          end
          if (found) begin
            ie = s_t + jsel + 1'b1;
            i_rstart = 1'b1;
            st_nx.mode     = tlsnic_rx_pkg::ModeLock;
            st_nx.lock_seq = pos0 + {{(32-PB){1'b0}}, jsel} - 32'd4;
            st_nx.rec_end  = pos0 + {{(32-PB){1'b0}}, jsel} + 32'd1 + {16'b0, win[8*(jsel+3) +: 8], win[8*(jsel+4) +: 8]};
            st_nx.lock_cnt = '0;
            st_nx.req      = 1'b0;
          end
        end
        default: begin  // lock
          i_unmark = 1'b1;
          upd_hist = 1'b1;
          d = ist.rec_end + 32'd4 - pos0;
          jsel = d[31] ? '0 : ((d < {{(32-PB){1'b0}}, pe - s_t}) ? PB'(d) : BeatB);
          if (jsel < pe - s_t) begin
            ie = s_t + jsel + 1'b1;
            if (m[jsel[PB-2:0]]) begin
              st_nx.lock_cnt = ist.lock_cnt + 32'd1;
              st_nx.rec_end  = ist.rec_end + 32'd5 + {16'b0, win[8*(jsel+3) +: 8], win[8*(jsel+4) +: 8]};
            end else begin
              // False lock: the predicted header is not there; scan on from the next byte.
              i_rskip   = 1'b1;
              st_nx.req  = 1'b0;
              st_nx.mode = tlsnic_rx_pkg::ModeScan;
            end
          end
        end
      endcase
      // History: the last 4 walked bytes of the item (scan and lock only).
      if (upd_hist) begin
        n = ((ie < pe) ? ie : pe) - s_t;
        jj = n;
        st_nx.hist     = {win[8*jj +: 8], win[8*(jj+1) +: 8], win[8*(jj+2) +: 8], win[8*(jj+3) +: 8]};
        st_nx.hist_len = ({{(PB-3){1'b0}}, ist.hist_len} + n >= PB'(4)) ? 3'd4 : 3'(ist.hist_len + 3'(n));
      end
    end
    it_cut = wk_on && ie < pe;
  end

  // ---------------------------------------------------------------------------------------
  // Checksums (rule 4), final on the last beat.
  logic [31:0] beat_sum, csum_all;
  logic        ip_ok, tcp_ok;
  tlsnic_csum_beat #(.W(W)) u_csum (.data_i(fp_q.data), .mask_i(fp_q.csum_mask), .sum_o(beat_sum));
  always_comb begin
    logic [31:0] s;
    logic [8:0]  l4;
    logic [7:0]  ihl;
    logic [HW*8-1:0] vw;
    logic        vl;
    csum_all = (fp_q.first ? 32'd0 : csum_q) + beat_sum;
    vw  = {{(HW-VW)*8{1'b0}}, fp_q.view};
    vl  = fp_q.l3 == 8'd18;
    l4  = {1'b0, fp_q.l4};
    ihl = ipbyte(vw, vl, 0);
    s = '0;
    for (int k = 0; k < 30; k++) begin
      if (k != 5 && 9'(2 * k) < {3'b0, ihl[3:0], 2'b0})
        s = s + {16'h0, ipbyte(vw, vl, 2 * k), ipbyte(vw, vl, 2 * k + 1)};
    end
    s = tlsnic_pkg::fold16(s);
    ip_ok = (ihl >> 4) == 8'd6 || (~s[15:0]) == {ipbyte(vw, vl, 10), ipbyte(vw, vl, 11)};
    s = tlsnic_pkg::fold16(csum_all + 32'd6 + {15'h0, fp_q.tcp_len}
          + {16'h0, vbyte(vw, l4 + 9'd16), vbyte(vw, l4 + 9'd17)});
    tcp_ok = s[15:0] == 16'hffff;
  end

  // ---------------------------------------------------------------------------------------
  // Control frames (decoded on their last beat from the view).
  logic [7:0]   c_op, c_fl;
  logic         c_err, c_ctx_ok;
  logic [31:0]  c_sn;
  logic [63:0]  c_n;
  logic [295:0] c_tkey;
  logic [31:0]  c_crc;
  function automatic logic [7:0] cvb(input logic [VW*8-1:0] v, input int unsigned i);
    cvb = v[8*i +: 8];
  endfunction
  always_comb begin
    c_op = cvb(fp_q.view, 0);
    c_fl = cvb(fp_q.view, 1);
    c_ctx_ok = {16'b0, fr_uctx} < 32'(N_CTX);
    c_err = fp_q.nbytes == 18'd0   // a frame of one beat with tkeep = 0
         || (c_op != tlsnic_rx_pkg::OpInstall && c_op != tlsnic_rx_pkg::OpDelete && c_op != tlsnic_rx_pkg::OpResync)
         || (c_op == tlsnic_rx_pkg::OpInstall && (fp_q.nbytes < 18'd96 || c_fl[7:4] != 4'd0))
         || (c_op == tlsnic_rx_pkg::OpResync && (fp_q.nbytes < 18'd16 || c_fl[7:1] != 7'd0))
         || !c_ctx_ok
         || (c_op == tlsnic_rx_pkg::OpDelete && !ld_st.valid);
    c_sn = {cvb(fp_q.view, 4), cvb(fp_q.view, 5), cvb(fp_q.view, 6), cvb(fp_q.view, 7)};
    for (int i = 0; i < 8; i++) c_n[63-8*i -: 8] = cvb(fp_q.view, 8 + i);
    c_tkey = '0;
    c_tkey[7:0] = c_fl[2] ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (c_fl[2] || j >= 12) begin
        c_tkey[8*(1+j) +: 8]  = cvb(fp_q.view, 64 + (c_fl[2] ? j : j - 12));
        c_tkey[8*(17+j) +: 8] = cvb(fp_q.view, 80 + (c_fl[2] ? j : j - 12));
      end
    end
    for (int j = 0; j < 4; j++) c_tkey[8*(33+j) +: 8] = cvb(fp_q.view, 60 + j);
    c_crc = tlsnic_rx_pkg::crc32_key(c_tkey);

    // The context an install writes (section 2, step 4).
    c_new           = '0;
    c_new.valid     = 1'b1;
    c_new.ver13     = c_fl[0];
    c_new.k256      = c_fl[1];
    c_new.scan      = !c_fl[3];
    for (int i = 0; i < 32; i++) c_new.key[255-8*i -: 8] = (i < 16 || c_fl[1]) ? cvb(fp_q.view, 16 + i) : 8'h0;
    for (int i = 0; i < 12; i++) c_new.iv[95-8*i -: 8]   = (i < 4 || c_fl[0]) ? cvb(fp_q.view, 48 + i) : 8'h0;
    c_new.mode      = tlsnic_rx_pkg::ModeSync;
    c_new.exp_sn    = c_sn;
    c_new.rseq      = c_n;
  end

  // Resync responses (section 4.7): the new state of the context and the verdict.
  logic c_res_ok, c_res_end, c_res_rskip;
  always_comb begin
    logic [31:0] k;
    logic [1:0]  hi;
    hi          = '0;
    c_res       = ld_st;
    c_res_ok    = 1'b0;
    c_res_end   = 1'b0;
    c_res_rskip = 1'b0;
    k           = ld_st.exp_sn - ld_st.rec_end;
    if (ld_st.valid) begin
      if (!c_fl[0]) begin
        if (ld_st.mode == tlsnic_rx_pkg::ModeLock && ld_st.req && c_sn == ld_st.lock_seq) begin
          c_res_ok  = 1'b1;
          c_res_end = 1'b1;
          c_res.req = 1'b0;
          if (k[31] || k == 32'd0) begin
            c_res.mode      = tlsnic_rx_pkg::ModeSkip;
            c_res.next_rseq = c_n + {32'b0, ld_st.lock_cnt} + 64'd1;
          end else begin
            // 1..4 bytes of the next header were seen: the newest k history bytes.
            c_res.mode = tlsnic_rx_pkg::ModeSync;
            c_res.rseq = c_n + {32'b0, ld_st.lock_cnt} + 64'd1;
            c_res.off  = k[14:0];
            c_res.rlen = '0;
            c_res.hdr  = '0;
            for (int j = 0; j < 4; j++) begin
              hi = k[1:0] - 2'(j) - 2'd1;
              if (32'(j) < k) c_res.hdr[8*j +: 8] = ld_st.hist[8*hi +: 8];
            end
          end
        end
      end else if (!tlsnic_pkg::seq_lt(c_sn, ld_st.exp_sn) && !tlsnic_rx_pkg::too_far(c_sn, ld_st.exp_sn)) begin
        c_res_ok = 1'b1;
        if (ld_st.mode == tlsnic_rx_pkg::ModeLock) begin
          c_res_rskip = 1'b1;
          c_res.req   = 1'b0;
        end
        c_res.mode      = tlsnic_rx_pkg::ModeSkip;
        c_res.rec_end   = c_sn;
        c_res.next_rseq = c_n;
      end
    end
  end

  // Install sequencer (while the install's last beat waits in FP).
  localparam logic [1:0] CsIdle = 2'd0, CsBucket = 2'd1, CsEvict = 2'd2, CsWrite = 2'd3;
  logic [1:0]     cs_q;
  logic           cs_cvalid_q;    // the id was installed (its entry freed in CsIdle)
  logic [19:0]    cs_cslot_q;
  logic [WYW-1:0] cs_way_q;
  logic [BKW-1:0] c_bucket;
  logic           c_last;         // the control frame's last beat is in FP
  logic           c_inst_go;      // valid install: run the sequencer
  logic           b_hit, b_free;
  logic [WYW-1:0] b_hitway, b_freeway;
  logic [15:0]    b_x;
  assign c_bucket  = c_crc[BKW-1:0];
  assign c_last    = fp_valid_q && fr_kind == tlsnic_rx_pkg::KindControl && fp_q.last;
  assign c_inst_go = c_last && !c_err && c_op == tlsnic_rx_pkg::OpInstall;
  always_comb begin
    b_hit = 1'b0;
    b_free = 1'b0;
    b_hitway = '0;
    b_freeway = '0;
    b_x = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      logic v;
      v = ft_rd_q[w*FEW + FEW - 1] && !(cs_cvalid_q && cs_cslot_q == 20'({c_bucket, WYW'(w)}));
      if (v && ft_rd_q[w*FEW + 16 +: 296] == c_tkey) begin
        b_hit = 1'b1;
        b_hitway = WYW'(w);
        b_x = ft_rd_q[w*FEW +: 16];
      end
      if (!v) begin
        b_free = 1'b1;
        b_freeway = WYW'(w);
      end
    end
  end

  // The context an install writes, with its flow-table entry.
  tlsnic_rx_pkg::rctx_t c_ins;
  always_comb begin
    c_ins      = c_new;
    c_ins.slot = 20'({c_bucket, cs_way_q});
  end

  logic [CW-1:0] b_x_q;   // the evicted context (CsEvict)
  always_ff @(posedge clk_i) begin
    if (c_last && en_i && cs_q == CsBucket) b_x_q <= b_x[CW-1:0];
  end

  tlsnic_rx_pkg::rctx_t x_st;   // the evicted context's state (CsEvict)
  assign x_st = ctbl_rd_q;

  // Key hygiene: the back end zeroes the entry of a reused id (CsIdle, whatever the install's
  // outcome) and of the evicted context (CsEvict), through a delete item sent in that cycle.
  logic          zx;
  logic [CW-1:0] zx_ctx;
  assign zx     = c_inst_go && ((cs_q == CsIdle && ld_st.valid) || cs_q == CsEvict);
  assign zx_ctx = (cs_q == CsEvict) ? b_x_q : fr_uctx[CW-1:0];

  // The control frame's last item: the cycle its outcome is final.
  logic c_done;
  always_comb begin
    c_done = 1'b1;
    if (c_inst_go) begin
      case (cs_q)
        CsIdle:   c_done = 1'b0;
        CsBucket: c_done = !b_hit && !b_free;     // bucket full: fails now
        CsEvict:  c_done = 1'b0;
        default:  c_done = 1'b1;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------
  // Items, verdicts, counters, table writes.
  logic [63:0] cnt_q [NC];
  logic [NC-1:0] cnt_inc;
  logic [63:0] cnt_add [NC];
  logic        commit, oversize, req_ev;
  logic [1:0]  ev_code, ev_status;
  logic        ev;

  assign fp_item      = fp_valid_q && en_i && !(c_last && !c_done);
  assign fp_beat_done = !it_cut && !(c_last && !c_done);
  assign fp_frame_end = fp_item && fp_beat_done && fp_q.last;
  assign oversize     = fp_q.nbytes > MaxFrame;

  always_comb begin
    cnt_inc = '0;
    for (int i = 0; i < NC; i++) cnt_add[i] = 64'd1;
    commit    = 1'b0;
    req_ev    = 1'b0;
    ev        = 1'b0;
    ev_code   = tlsnic_rx_pkg::EvInstallResult;
    ev_status = tlsnic_rx_pkg::StOk;
    fin_st    = st_nx;
    fin_st.exp_sn = end_cur;
    if (fin_st.mode == tlsnic_rx_pkg::ModeLock && !fin_st.req) begin
      fin_st.req = 1'b1;
      req_ev     = 1'b1;
    end
    case (fr_kind)
      tlsnic_rx_pkg::KindPacket: begin
        if (oversize) cnt_inc[tlsnic_rx_pkg::COversize] = 1'b1;
        else if (fp_q.malformed || dec_cur == DecNone) cnt_inc[tlsnic_rx_pkg::CNotTcp] = 1'b1;
        else if (dec_cur == DecPlain) cnt_inc[tlsnic_rx_pkg::CPlain] = 1'b1;
        else if (!ip_ok || !tcp_ok) cnt_inc[tlsnic_rx_pkg::CCsum] = 1'b1;
        else if (dec_cur == DecOld) cnt_inc[tlsnic_rx_pkg::COld] = 1'b1;
        else if (dec_cur == DecFar) cnt_inc[tlsnic_rx_pkg::CFar] = 1'b1;
        else if (dec_cur == DecWalk) begin
          commit = 1'b1;
          ev     = req_ev;
          ev_code = tlsnic_rx_pkg::EvResyncRequest;
          cnt_inc[tlsnic_rx_pkg::CReqPkt]   = req_ev;
          cnt_inc[tlsnic_rx_pkg::CGap]      = fr_gap_q || (dec_now && d_gap);
          cnt_inc[tlsnic_rx_pkg::CLost]     = 1'b1;
          cnt_add[tlsnic_rx_pkg::CLost]     = {48'b0, fr_lost_q} + {63'b0, g_lost} + {63'b0, i_lost};
          cnt_inc[tlsnic_rx_pkg::CReqStart] = 1'b1;
          cnt_add[tlsnic_rx_pkg::CReqStart] = {48'b0, fr_rstart_q} + {63'b0, i_rstart};
          cnt_inc[tlsnic_rx_pkg::CReqSkip]  = 1'b1;
          cnt_add[tlsnic_rx_pkg::CReqSkip]  = {48'b0, fr_rskip_q} + {63'b0, g_rskip} + {63'b0, i_rskip};
        end
      end
      tlsnic_rx_pkg::KindControl: begin
        if (c_err) begin
          cnt_inc[tlsnic_rx_pkg::CCtrlErr] = 1'b1;
          // A rejected install answers (bad_frame); a frame of no bytes has no opcode to read.
          ev        = c_op == tlsnic_rx_pkg::OpInstall && fp_q.nbytes != 18'd0;
          ev_status = tlsnic_rx_pkg::StBadFrame;
        end else if (c_op == tlsnic_rx_pkg::OpDelete) begin
          cnt_inc[tlsnic_rx_pkg::CDel] = 1'b1;
          cnt_inc[tlsnic_rx_pkg::CReqSkip] = ld_st.mode == tlsnic_rx_pkg::ModeLock;
        end else if (c_op == tlsnic_rx_pkg::OpResync) begin
          cnt_inc[tlsnic_rx_pkg::CResOk]   = c_res_ok;
          cnt_inc[tlsnic_rx_pkg::CResSkip] = !c_res_ok;
          cnt_inc[tlsnic_rx_pkg::CReqEnd]  = c_res_end;
          cnt_inc[tlsnic_rx_pkg::CReqSkip] = c_res_rskip;
        end else begin
          case (cs_q)
            CsIdle: begin
              cnt_inc[tlsnic_rx_pkg::CEvict]   = ld_st.valid;
              cnt_inc[tlsnic_rx_pkg::CReqSkip] = ld_st.valid && ld_st.mode == tlsnic_rx_pkg::ModeLock;
            end
            CsBucket: begin
              if (!b_hit && !b_free) begin
                cnt_inc[tlsnic_rx_pkg::CInstFail] = 1'b1;
                ev        = 1'b1;
                ev_status = tlsnic_rx_pkg::StBucketFull;
              end
            end
            CsEvict: begin
              cnt_inc[tlsnic_rx_pkg::CEvict]   = 1'b1;
              cnt_inc[tlsnic_rx_pkg::CReqSkip] = x_st.valid && x_st.mode == tlsnic_rx_pkg::ModeLock;
            end
            default: begin
              cnt_inc[tlsnic_rx_pkg::CCtx] = 1'b1;
              ev = 1'b1;
            end
          endcase
        end
      end
      default: cnt_inc[tlsnic_rx_pkg::CFrameErr] = 1'b1;
    endcase
  end

  // Control counters move on every sequencer step; packet and frame-error counters on the
  // frame's last item.
  logic cnt_now;
  assign cnt_now = fr_kind == tlsnic_rx_pkg::KindControl ? (fp_valid_q && en_i && c_last) : fp_frame_end;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fp_valid_q   <= 1'b0;
      fp_q         <= '0;
      fp_hit_q     <= 1'b0;
      fp_cid_q     <= '0;
      fp_s_q       <= '0;
      csum_q       <= '0;
      fr_decided_q <= 1'b0;
      fr_dec_q     <= DecNone;
      fr_pstart_q  <= '0;
      fr_pend_q    <= '0;
      fr_len_q     <= '0;
      fr_end_q     <= '0;
      fr_seqb_q    <= '0;
      fr_skip_q    <= 1'b0;
      fr_cid_q     <= '0;
      fr_unmark_q  <= 1'b0;
      fr_hdrerr_q  <= 1'b0;
      fr_gap_q     <= 1'b0;
      fr_lost_q    <= '0;
      fr_rstart_q  <= '0;
      fr_rskip_q   <= '0;
      wk_q         <= '0;
      snap_q       <= '0;
      wk_ctx_q     <= '0;
      wk_has_q     <= 1'b0;
      cs_q         <= CsIdle;
      cs_cvalid_q  <= 1'b0;
      cs_cslot_q   <= '0;
      cs_way_q     <= '0;
      ctl_inflight_q <= 1'b0;
      for (int i = 0; i < NC; i++) cnt_q[i] <= '0;
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

      if (fp_item) begin
        if (dec_now) begin
          fr_decided_q <= 1'b1;
`ifndef SYNTHESIS
          if (brk == 32'd14) fr_decided_q <= 1'b0;   // test-only fault: decide again next item
`endif
          fr_dec_q     <= dec_val;
          fr_pstart_q  <= {8'b0, fp_q.pay_off} + d_skip32[16:0];
          fr_pend_q    <= fp_q.ip_end;
          fr_len_q     <= d_len;
          fr_end_q     <= d_end;
          fr_seqb_q    <= seqb_cur;
          fr_skip_q    <= d_skip32 != 32'd0;
          fr_cid_q     <= fp_cid_q;
          fr_gap_q     <= d_gap;
          if (dec_val == DecWalk) begin
            snap_q      <= ld_st;
            wk_ctx_q    <= fp_cid_q;
            wk_has_q    <= 1'b1;
          end
        end
        if (i_unmark) fr_unmark_q <= 1'b1;
        if (i_hdrerr) fr_hdrerr_q <= 1'b1;
        fr_lost_q   <= fr_lost_q + {15'b0, g_lost} + {15'b0, i_lost};
        fr_rstart_q <= fr_rstart_q + {15'b0, i_rstart};
        fr_rskip_q  <= fr_rskip_q + {15'b0, g_rskip} + {15'b0, i_rskip};
        if (loads) wk_q <= st_nx;

        if (fp_frame_end) begin
          fr_decided_q <= 1'b0;
          fr_dec_q     <= DecNone;
          fr_unmark_q  <= 1'b0;
          fr_hdrerr_q  <= 1'b0;
          fr_gap_q     <= 1'b0;
          fr_lost_q    <= '0;
          fr_rstart_q  <= '0;
          fr_rskip_q   <= '0;
              if (loads) wk_q <= commit ? fin_st : ((dec_now) ? ld_st : snap_q);
        end
      end

      // Control frames: the working copy follows the context they wrote.
      if (fp_valid_q && en_i && c_last) begin
        if (c_inst_go) begin
          case (cs_q)
            CsIdle: begin
              cs_cvalid_q <= ld_st.valid;
              cs_cslot_q  <= ld_st.slot;
              cs_q        <= CsBucket;
            end
            CsBucket: begin
              cs_way_q <= b_hit ? b_hitway : b_freeway;
              cs_q     <= b_hit ? CsEvict : (b_free ? CsWrite : CsIdle);
            end
            CsEvict: cs_q <= CsWrite;
            default: cs_q <= CsIdle;
          endcase
        end
        if (c_done) begin
          ctl_inflight_q <= 1'b0;
          snap_q         <= '0;   // read only on its own packet's end; may hold a context now gone
          if (!c_err) begin
            wk_ctx_q <= fr_uctx;
            wk_has_q <= 1'b1;
            if (c_op == tlsnic_rx_pkg::OpResync) wk_q <= c_res;
            else if (c_op == tlsnic_rx_pkg::OpInstall && cs_q == CsWrite) wk_q <= c_ins;
            else wk_q <= '0;
          end
        end
      end

      if (cnt_now) begin
        for (int i = 0; i < NC; i++) begin
          if (cnt_inc[i]) cnt_q[i] <= cnt_q[i] + cnt_add[i];
        end
      end
    end
  end

  // Table ports.
  always_comb begin
    // context table read: the packet's context (lookup) or the control frame's as FP takes a
    // beat; the install's evicted context in CsBucket.
    ct_re = fp_take || (c_last && en_i && cs_q == CsBucket && c_inst_go);
    ct_ra = (c_inst_go && cs_q == CsBucket && b_hit) ? b_x[CW-1:0]
          : ((fb_q.user[1:0] == tlsnic_rx_pkg::KindControl) ? fb_q.user[3 +: CW] : fb_cid[CW-1:0]);
    // context table write
    ct_we = 1'b0;
    ct_wa = fr_uctx[CW-1:0];
    ct_wd = '0;
    // flow table read: the bucket of the key entering FB, or the install's
    ft_re = fb_take || (c_last && en_i && cs_q == CsIdle && c_inst_go);
    ft_ra = (c_last && cs_q == CsIdle) ? c_bucket : fk_crc[BKW-1:0];
    // flow table write
    ft_we   = 1'b0;
    ft_wa   = ld_st.slot[WYW +: BKW];
    ft_wway = ld_st.slot[WYW-1:0];
    ft_wall = 1'b0;
    ft_wd   = '0;
    if (init_q) begin
      ct_we   = {{(32-NIW){1'b0}}, init_idx_q} < 32'(N_CTX);
      ct_wa   = init_idx_q[CW-1:0];
      ft_we   = {{(32-NIW){1'b0}}, init_idx_q} < 32'(BUCKETS);
      ft_wa   = init_idx_q[BKW-1:0];
      ft_wall = 1'b1;
    end else if (fp_frame_end && fr_kind == tlsnic_rx_pkg::KindPacket && commit) begin
      ct_we = 1'b1;
      ct_wa = dec_now ? fp_cid_q[CW-1:0] : fr_cid_q[CW-1:0];
      ct_wd = fin_st;
    end else if (c_last && en_i && !c_err) begin
      case (c_op)
        tlsnic_rx_pkg::OpDelete: begin
          ct_we = 1'b1;
          ft_we = 1'b1;
        end
        tlsnic_rx_pkg::OpResync: begin
          ct_we = 1'b1;
          ct_wd = c_res;
        end
        default: begin
          case (cs_q)
            CsIdle: ft_we = ld_st.valid;          // step 1: the reused id's entry is freed
            CsBucket: ct_we = !b_hit && !b_free;  // bucket full: the id stays uninstalled
            CsEvict: begin                        // step 2: the context holding the tuple goes
              ct_we = 1'b1;
              ct_wa = b_x_q;
            end
            default: begin                        // steps 3, 4: entry and context written
              ct_we   = 1'b1;
              ct_wd   = c_ins;
              ft_we   = 1'b1;
              ft_wa   = c_bucket;
              ft_wway = cs_way_q;
              ft_wd   = {1'b1, c_tkey, fr_uctx};
`ifndef SYNTHESIS
              if (brk == 32'd13) ft_wd[15] = 1'b1;  // test-only fault: the entry names no context
`endif
            end
          endcase
        end
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
    usr.ev_ctx    = (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx : (dec_now ? fp_cid_q : fr_cid_q);
    usr.ev_seq    = (fr_kind == tlsnic_rx_pkg::KindControl) ? 32'd0 : fin_st.lock_seq;
    usr.walked    = fr_kind == tlsnic_rx_pkg::KindPacket && commit;
    usr.markable  = !skip_cur && !fr_unmark_q && !i_unmark && !fr_hdrerr_q && !i_hdrerr;
    usr.old       = fr_kind == tlsnic_rx_pkg::KindPacket && (cnt_inc[tlsnic_rx_pkg::COld] || cnt_inc[tlsnic_rx_pkg::CFar]);
    usr.hdrerr    = fr_hdrerr_q || i_hdrerr;
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
                        (c_op == tlsnic_rx_pkg::OpDelete || (c_op == tlsnic_rx_pkg::OpInstall && cs_q == CsWrite)));
      it_q.data      <= fp_q.data;
      it_q.keep      <= fp_q.keep;
      it_q.s         <= fp_s_q;
      it_q.e         <= it_cut ? ie : BeatB;
      it_q.crypto    <= (trk_on && !trk_bad) || (c_last && c_done && !c_err &&
                        (c_op == tlsnic_rx_pkg::OpDelete || (c_op == tlsnic_rx_pkg::OpInstall && cs_q == CsWrite)));
      it_q.ctx       <= (fr_kind == tlsnic_rx_pkg::KindControl) ? fr_uctx[CW-1:0] : (dec_now ? fp_cid_q[CW-1:0] : fr_cid_q[CW-1:0]);
      it_q.inst      <= c_last && c_done && !c_err && c_op == tlsnic_rx_pkg::OpInstall && cs_q == CsWrite;
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
  assign unused = ^{pv_view[HW*8-1:VW*8], fp_q.is_ip, fp_q.l3, end_a, fk_crc[31:BKW], c_crc[31:BKW],
                    s_tuser_i[2], fk_q.first, fp_q.key, b_x, x_st};

  assign cnt_value_o = ({27'b0, cnt_sel_i} < NC) ? cnt_q[cnt_sel_i] : 64'd0;

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
`endif

endmodule
