// tlsnic_rx_seq: the RX sequence machine (docs/rx-engine-model.md section 4), combinational, for
// one work item of tlsnic_rx_front. From the context state the item starts from (st_i) it
//   * applies the gap rules (section 4.4) when the packet is the decision item of a packet that
//     starts past expSeq (gap_i): sync becomes skip to the end of the current record, or the
//     context loses sync and waits a maximum record length (g_lost_o, g_rskip_o);
//   * walks the item's payload bytes [pstart_i, pend_i) of the frame inside its beat, in the
//     context's mode: sync runs the record tracker (tlsnic_rec_track, whose item fields it passes
//     on), skip runs to rec_end, wait to scan_from, scan looks for a plausible header, lock
//     follows the predicted headers; a mode change cuts the item (ie_o, cut_o);
//   * returns the state after the item (st_nx_o), the state the item started in after the mode
//     switches at its first byte (ist_o: its key and iv drive the AES lanes), and the item's
//     verdict bits (unmark_o, hdrerr_o, lost_o, rstart_o, rskip_o: counted on the frame's end).
// Positions: bstart_i is the frame byte at beat lane 0, seq0_i its TCP sequence number, s_i the
// item's first lane; vbytes_i the beat's valid bytes.
module tlsnic_rx_seq #(
  parameter int unsigned W = 512,
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned KW = $clog2(LA + 1)
) (
  input  tlsnic_rx_pkg::rctx_t st_i,
  input  logic                 gap_i,
  input  logic [31:0]          pkt_seq_i,   // the packet's first sequence number
  input  logic                 walk_i,      // the packet works on the context (rule 7)
  input  logic [W-1:0]         data_i,
  input  logic [19:0]          pstart_i,
  input  logic [19:0]          pend_i,
  input  logic [19:0]          bstart_i,
  input  logic [PB-1:0]        vbytes_i,
  input  logic [PB-1:0]        s_i,
  input  logic [31:0]          seq0_i,
  output logic                 g_lost_o,
  output logic                 g_rskip_o,
  output tlsnic_rx_pkg::rctx_t ist_o,
  output tlsnic_rx_pkg::rctx_t st_nx_o,
  output logic [PB-1:0]        pe_o,        // the walk's end in the beat
  output logic [PB-1:0]        ie_o,        // the item's end (B: the rest of the beat)
  output logic                 cut_o,       // the item ends before the walk's end in this beat
  output logic                 unmark_o,
  output logic                 hdrerr_o,
  output logic                 lost_o,
  output logic                 rstart_o,
  output logic                 rskip_o,
  output logic                 trk_on_o,    // the record tracker works in this item
  output logic                 trk_bad_o,   // ... and met an impossible header
  output logic                 end_a_o,
  output logic [PB-1:0]        a_p0_o,
  output logic [PB-1:0]        a_p1_o,
  output logic [3:0]           a_qm_o,
  output logic [KW-1:0]        a_k_o,
  output logic                 a_start_o,
  output logic                 a_fin_o,
  output logic [PB-1:0]        a_t0_o,
  output logic [PB-1:0]        a_t1_o,
  output logic [3:0]           a_u_o,
  output logic                 b_start_o,
  output logic [PB-1:0]        b_p0_o,
  output logic [127:0]         aad_o,
  output logic [127:0]         lenblk_o,
  output logic [LA*128-1:0]    blocks_o
);

  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_rx_seq: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end

  localparam logic [PB-1:0] BeatB   = B[PB-1:0];
  localparam logic [19:0]   BeatB20 = B[19:0];

  tlsnic_rx_pkg::rctx_t st, gst, ist, st_nx;
  logic g_lost, g_rskip;
  logic [PB-1:0] ie;
  logic          it_cut;
  logic          i_unmark, i_hdrerr, i_lost, i_rstart, i_rskip;
  assign st = st_i;

  // Gaps (section 4.4), applied on the decision item.
  always_comb begin
    logic [31:0] e;
    logic lose;
    gst     = st;
    e       = '0;
    g_lost  = 1'b0;
    g_rskip = 1'b0;
    lose    = 1'b0;
    if (gap_i) begin
      case (st.mode)
        tlsnic_rx_pkg::ModeSync: begin
          e = st.exp_sn - {17'b0, st.off} + {17'b0, st.rlen};
          if (st.rlen != 15'd0 && tlsnic_pkg::seq_leq(pkt_seq_i, e)) begin
            gst.mode      = tlsnic_rx_pkg::ModeSkip;
            gst.rec_end   = e;
            gst.next_rseq = st.rseq + 64'd1;
          end else lose = 1'b1;
        end
        tlsnic_rx_pkg::ModeSkip: if (!tlsnic_pkg::seq_leq(pkt_seq_i, st.rec_end)) lose = 1'b1;
        tlsnic_rx_pkg::ModeLock: begin
          if (tlsnic_pkg::seq_leq(pkt_seq_i, st.rec_end)) gst.hist_len = 3'd0;
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
  logic [PB-1:0] ps, pe, s_t;
  logic          wk_on;
  logic [31:0]   pos0;

  always_comb begin
    ps = (pstart_i <= bstart_i) ? '0 : ((pstart_i - bstart_i >= BeatB20) ? BeatB : PB'(pstart_i - bstart_i));
    pe = (pend_i <= bstart_i) ? '0 : ((pend_i - bstart_i >= BeatB20) ? BeatB : PB'(pend_i - bstart_i));
    if (pe > vbytes_i) pe = vbytes_i;
    s_t   = (ps > s_i) ? ps : s_i;
    wk_on = walk_i && s_t < pe;
    pos0  = seq0_i + {{(32-PB){1'b0}}, s_t};

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
  logic        trk_on, trk_bad, trk_bad_a, cut;
  logic [PB-1:0] e_pos;
  logic [14:0] nx_off, nx_rlen;
  logic [103:0] nx_hdr;
  logic [63:0] nx_rseq;
  logic [103:0] hb_a_unused;
  logic [14:0] hn_a_unused;
  logic [KW-1:0] lanes_unused;
  logic        unused_hb;
  assign unused_hb = ^{hb_a_unused, hn_a_unused, lanes_unused};

  assign trk_on = wk_on && ist.mode == tlsnic_rx_pkg::ModeSync;

  tlsnic_rec_track #(.W(W)) u_track (
    .data_i   (data_i),
    .s_i      (s_t),
    .pe_i     (pe),
    .ver13_i  (ist.ver13),
    .iv_i     (ist.iv),
    .off_i    (ist.off),
    .rlen_i   (ist.rlen),
    .hdr_i    (ist.hdr),
    .rseq_i   (ist.rseq),
    .off_o    (nx_off),
    .rlen_o   (nx_rlen),
    .hdr_o    (nx_hdr),
    .rseq_o   (nx_rseq),
    .err_o    (trk_bad),
    .bad_a_o  (trk_bad_a),
    .hb_a_o   (hb_a_unused),   // the TX side context's header check
    .hn_a_o   (hn_a_unused),
    .lanes_o  (lanes_unused),
    .cut_o    (cut),
    .end_a_o  (end_a_o),
    .e_pos_o  (e_pos),
    .a_p0_o   (a_p0_o),
    .a_p1_o   (a_p1_o),
    .a_qm_o   (a_qm_o),
    .a_k_o    (a_k_o),
    .a_start_o(a_start_o),
    .a_fin_o  (a_fin_o),
    .a_t0_o   (a_t0_o),
    .a_t1_o   (a_t1_o),
    .a_u_o    (a_u_o),
    .b_start_o(b_start_o),
    .b_p0_o   (b_p0_o),
    .aad_o    (aad_o),
    .lenblk_o (lenblk_o),
    .blocks_o (blocks_o)
  );

  // Header-pattern window: the 4 history bytes, then the beat from s_t on. m[j]: the 5 bytes
  // ending at beat position s_t + j match the header pattern (and all 5 are stream bytes).
  logic [(B+4)*8-1:0] win;
  logic [B-1:0]       m;
  always_comb begin
    logic [W-1:0] sh;
    sh  = data_i >> (8 * s_t);
    win = {sh, ist.hist[7:0], ist.hist[15:8], ist.hist[23:16], ist.hist[31:24]};
    for (int j = 0; j < B; j++) begin
      m[j] = PB'(j) < pe - s_t && 32'(j) + 32'(ist.hist_len) >= 32'd4
             && tlsnic_rx_pkg::plausible(ist.ver13, win[8*j +: 8], win[8*(j+1) +: 8], win[8*(j+2) +: 8],
                                         win[8*(j+3) +: 8], win[8*(j+4) +: 8]);
    end
  end

  // Per-mode item logic.
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
            hs = trk_bad_a ? pos0 - {17'b0, ist.off} : seq0_i + {{(32-PB){1'b0}}, e_pos};
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

  assign g_lost_o  = g_lost;
  assign g_rskip_o = g_rskip;
  assign ist_o     = ist;
  assign st_nx_o   = st_nx;
  assign pe_o      = pe;
  assign ie_o      = ie;
  assign cut_o     = it_cut;
  assign unmark_o  = i_unmark;
  assign hdrerr_o  = i_hdrerr;
  assign lost_o    = i_lost;
  assign rstart_o  = i_rstart;
  assign rskip_o   = i_rskip;
  assign trk_on_o  = trk_on;
  assign trk_bad_o = trk_bad;

endmodule
