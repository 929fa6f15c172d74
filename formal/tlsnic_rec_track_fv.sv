// tlsnic_rec_track_fv: formal harness of the record tracker (tlsnic_rec_track), issue 18.
// Read with `read_verilog -sv -formal` after rtl/tlsnic_tx_pkg.sv and rtl/tlsnic_rec_track.sv;
// run by scripts/formal.sh (Yosys write_smt2 + yosys-smtbmc). docs/architecture.md "Formal proof".
//
// One clock cycle = one work item, as in the front ends (tlsnic_tx_front / tlsnic_rx_front):
//   * the environment (free inputs, unconstrained by the solver) offers a beat: any data, any
//     stretch [s, pe) with s < pe <= B: an arbitrary segmentation of an arbitrary byte stream;
//   * when the tracker cuts the item (cut_o) the same beat is offered again from e_pos_o, as the
//     front end holds its input;
//   * the tracker state (off, rlen, hdr, rseq, nonce) is kept in registers between items and is
//     left unchanged by an item in error (err_o), as the front end does;
//   * an item may start the stream afresh at a record start with any record sequence number (a
//     context install or a TX resync load); the first item does.
// TLS version and iv/salt are fixed per run but arbitrary (anyconst).
//
// The specification is a byte-at-a-time record walk written for this harness only (it shares no
// code with the tracker): position in the record, the header (+ TLS 1.2 explicit nonce) bytes
// seen, the record sequence number. Per byte: header [0,5), explicit nonce [5,13) (TLS 1.2),
// payload, tag (the last 16); the length field (bytes 3-4) is legal in
// [16 (TLS 1.3) / 24 (TLS 1.2), 2^14 + 256] (RFC 8446 5.2, RFC 5246 6.2.3); an illegal one stops
// the stream before the header's last length byte. The walk covers the bytes the item owns,
// [s, e) with e = cut ? e_pos : pe.
//
// Asserted every item (not in error unless said):
//   err_o == the walk met an illegal length; bad_a_o == it was record A's; record B's at e_pos;
//   every byte's class (none / header / nonce / payload / tag), record (A or B), tag index and
//     payload offset mod 16 read off the tracker's positions equal the walk's;
//   a_start, a_fin, end_a + e_pos, b_start equal the walk's header-complete, first-tag-byte and
//     record-end events; an item touches at most two records and record B neither reaches its
//     tag nor ends; a cut lies strictly inside the stretch, at a record end;
//   AES lanes: a_k == number of record A keystream blocks starting in the item, a_k + J0 + B's
//     blocks <= LANES + 1; every lane's counter block (nonce || counter) and the AAD and length
//     blocks equal the walk's;
// and every cycle (the induction invariant): the tracker state registers equal the walk's state
// (rlen once the length is known, 0 before; nonce once the header is complete), which is itself
// well formed (legal length, position inside the record, unused header bytes zero).
//
// FV_MUTANT (define) is not used here; scripts/formal.sh --mutant makes broken copies of the RTL
// to show the proof fails on them.
module tlsnic_rec_track_fv #(
  parameter int unsigned W = 128,
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned KW = $clog2(LA + 1)
) (
  input logic          clk_i,
  input logic [W-1:0]  data_i,    // the next beat (ignored while an item is held)
  input logic [PB-1:0] s_i,       // its stretch [s_i, pe_i)
  input logic [PB-1:0] pe_i,
  input logic          fresh_i,   // start at a record start (install / resync load)
  input logic [63:0]   rseq_i     //   with this record sequence number
);

  localparam logic [PB-1:0] BeatB = B[PB-1:0];
  localparam logic [2:0] CNone = 3'd0, CHdr = 3'd1, CNonce = 3'd2, CPay = 3'd3, CTag = 3'd4;

  (* anyconst *) logic        ver13;
  (* anyconst *) logic [95:0] iv;

  // ---------------------------------------------------------------------------------------
  // Specification helpers.
  function automatic logic [95:0] spec_nonce(input logic v13, input logic [95:0] ivv,
                                             input logic [103:0] h, input logic [63:0] rs);
    logic [95:0] n;
    if (v13) n = ivv ^ {32'h0, rs};
    else begin
      n[95:64] = ivv[95:64];
      for (int k = 0; k < 8; k++) n[63-8*k -: 8] = h[8*(5+k) +: 8];
    end
    spec_nonce = n;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Front-end model: state registers, held beat.
  logic          started_q, hold_q;
  logic [W-1:0]  hdata_q;
  logic [PB-1:0] hs_q, hpe_q;
  logic [14:0]   off_q, rlen_q;
  logic [103:0]  hdr_q;
  logic [63:0]   rseq_q;
  logic [95:0]   nonce_q;
  // Specification state.
  logic [14:0]   sp_pos_q;
  logic [103:0]  sp_hdr_q;
  logic [63:0]   sp_rseq_q;

  initial begin
    started_q = 1'b0;
    hold_q    = 1'b0;
  end

  // Environment rules.
  always @* begin
    if (!started_q) assume (fresh_i);
    if (hold_q) assume (!fresh_i);
    if (!hold_q) assume (s_i < pe_i && pe_i <= BeatB);
  end

  logic [W-1:0]  it_data;
  logic [PB-1:0] it_s, it_pe;
  logic [14:0]   t_off, t_rlen;
  logic [103:0]  t_hdr;
  logic [63:0]   t_rseq;
  logic [14:0]   w_pos0;
  logic [103:0]  w_hdr0;
  logic [63:0]   w_rseq0;
  always @* begin
    it_data = hold_q ? hdata_q : data_i;
    it_s    = hold_q ? hs_q : s_i;
    it_pe   = hold_q ? hpe_q : pe_i;
    t_off   = fresh_i ? 15'd0 : off_q;
    t_rlen  = fresh_i ? 15'd0 : rlen_q;
    t_hdr   = fresh_i ? 104'd0 : hdr_q;
    t_rseq  = fresh_i ? rseq_i : rseq_q;
    w_pos0  = fresh_i ? 15'd0 : sp_pos_q;
    w_hdr0  = fresh_i ? 104'd0 : sp_hdr_q;
    w_rseq0 = fresh_i ? rseq_i : sp_rseq_q;
  end

  // ---------------------------------------------------------------------------------------
  // The block under proof.
  logic [14:0]       nx_off, nx_rlen;
  logic [103:0]      nx_hdr;
  logic [63:0]       nx_rseq;
  logic [95:0]       nx_nonce;
  logic              err, bad_a, cut, end_a, a_start, a_fin, b_start;
  logic [PB-1:0]     e_pos, a_p0, a_p1, a_t0, a_t1, b_p0;
  logic [3:0]        a_qm, a_u;
  logic [KW-1:0]     a_k;
  logic [127:0]      aad, lenblk;
  logic [LA*128-1:0] blocks;

  tlsnic_rec_track #(.W(W)) dut (
    .data_i(it_data), .s_i(it_s), .pe_i(it_pe), .ver13_i(ver13), .iv_i(iv),
    .off_i(t_off), .rlen_i(t_rlen), .hdr_i(t_hdr), .rseq_i(t_rseq), .nonce_i(nonce_q),
    .off_o(nx_off), .rlen_o(nx_rlen), .hdr_o(nx_hdr), .rseq_o(nx_rseq), .nonce_o(nx_nonce),
    .err_o(err), .bad_a_o(bad_a), .cut_o(cut), .end_a_o(end_a), .e_pos_o(e_pos),
    .a_p0_o(a_p0), .a_p1_o(a_p1), .a_qm_o(a_qm), .a_k_o(a_k), .a_start_o(a_start),
    .a_fin_o(a_fin), .a_t0_o(a_t0), .a_t1_o(a_t1), .a_u_o(a_u), .b_start_o(b_start),
    .b_p0_o(b_p0), .aad_o(aad), .lenblk_o(lenblk), .blocks_o(blocks)
  );

  logic [PB-1:0] it_e;   // end of the bytes this item owns
  assign it_e = cut ? e_pos : it_pe;

  // ---------------------------------------------------------------------------------------
  // Specification: walk the item's bytes one at a time (one step instance per beat byte).
  logic [15*(B+1)-1:0]  g_pos;
  logic [104*(B+1)-1:0] g_hdr;
  logic [64*(B+1)-1:0]  g_rseq;
  logic [2*(B+1)-1:0]   g_rec;
  logic [B:0]           g_stop;
  logic [3*B-1:0]       w_cls;    // byte j's class
  logic [B-1:0]         w_recb;   // byte j belongs to record B (the second record of the item)
  logic [4*B-1:0]       w_idx;    // tag: index in the tag; payload: offset mod 16
  logic [B-1:0]         s_err, s_start, s_fin, s_end, s_blk;
  logic [2*B-1:0]       s_rec;
  logic [15*B-1:0]      s_blkidx;
  logic [96*B-1:0]      s_nonce;
  logic [128*B-1:0]     s_aad, s_lenblk;

  assign g_pos[0 +: 15]   = w_pos0;
  assign g_hdr[0 +: 104]  = w_hdr0;
  assign g_rseq[0 +: 64]  = w_rseq0;
  assign g_rec[0 +: 2]    = 2'd0;
  assign g_stop[0]        = 1'b0;

  for (genvar j = 0; j < B; j++) begin : g_walk
    tlsnic_rec_spec_step u_step (
      .ver13_i(ver13), .iv_i(iv),
      .active_i(PB'(j) >= it_s && PB'(j) < it_e && !g_stop[j]), .x_i(it_data[8*j +: 8]),
      .pos_i(g_pos[15*j +: 15]), .hdr_i(g_hdr[104*j +: 104]), .rseq_i(g_rseq[64*j +: 64]),
      .rec_i(g_rec[2*j +: 2]), .stop_i(g_stop[j]),
      .pos_o(g_pos[15*(j+1) +: 15]), .hdr_o(g_hdr[104*(j+1) +: 104]), .rseq_o(g_rseq[64*(j+1) +: 64]),
      .rec_o(g_rec[2*(j+1) +: 2]), .stop_o(g_stop[j+1]),
      .cls_o(w_cls[3*j +: 3]), .idx_o(w_idx[4*j +: 4]), .rec_here_o(s_rec[2*j +: 2]),
      .err_o(s_err[j]), .start_o(s_start[j]), .fin_o(s_fin[j]), .end_o(s_end[j]),
      .blk_o(s_blk[j]), .blkidx_o(s_blkidx[15*j +: 15]), .nonce_o(s_nonce[96*j +: 96]),
      .aad_o(s_aad[128*j +: 128]), .lenblk_o(s_lenblk[128*j +: 128])
    );
  end

  // What the walk found in the item.
  logic           w_err, w_err_b, w_third, w_start_a, w_start_b, w_fin_a, w_fin_b, w_end_a, w_end_b;
  logic [PB-1:0]  w_end_a_at;     // one past record A's last byte
  logic [14:0]    w_pos;
  logic [103:0]   w_hdr;
  logic [63:0]    w_rseq;
  logic [95:0]    w_nonce_a, w_nonce_b;   // nonces of records A and B (once their headers are complete)
  logic [127:0]   w_aad, w_lenblk;
  logic [KW:0]    w_ka, w_kb;     // keystream blocks starting in the item, records A and B
  logic [14:0]    w_blk_a0;       // record A: block index of its first block starting in the item
  assign w_pos  = g_pos[15*B +: 15];
  assign w_hdr  = g_hdr[104*B +: 104];
  assign w_rseq = g_rseq[64*B +: 64];
  always @* begin
    w_err = 1'b0; w_err_b = 1'b0; w_third = 1'b0;
    w_start_a = 1'b0; w_start_b = 1'b0; w_fin_a = 1'b0; w_fin_b = 1'b0; w_end_a = 1'b0; w_end_b = 1'b0;
    w_end_a_at = '0;
    w_nonce_a = spec_nonce(ver13, iv, w_hdr0, w_rseq0);
    w_nonce_b = '0;
    w_aad = '0; w_lenblk = '0;
    w_ka = '0; w_kb = '0; w_blk_a0 = '0;
    w_recb = '0;
    for (int j = 0; j < B; j++) begin
      if (w_cls[3*j +: 3] != CNone) begin
        w_recb[j] = s_rec[2*j +: 2] != 2'd0;
        if (s_rec[2*j +: 2] == 2'd2) w_third = 1'b1;
      end
      if (s_err[j]) begin w_err = 1'b1; w_err_b = s_rec[2*j +: 2] != 2'd0; end
      if (s_start[j]) begin
        if (s_rec[2*j +: 2] == 2'd0) begin w_start_a = 1'b1; w_nonce_a = s_nonce[96*j +: 96]; end
        else begin w_start_b = 1'b1; w_nonce_b = s_nonce[96*j +: 96]; end
        w_aad = s_aad[128*j +: 128];
      end
      if (s_fin[j]) begin
        if (s_rec[2*j +: 2] == 2'd0) begin w_fin_a = 1'b1; w_lenblk = s_lenblk[128*j +: 128]; end
        else w_fin_b = 1'b1;
      end
      if (s_end[j]) begin
        if (s_rec[2*j +: 2] == 2'd0) begin w_end_a = 1'b1; w_end_a_at = PB'(j + 1); end
        else w_end_b = 1'b1;
      end
      if (s_blk[j]) begin
        if (s_rec[2*j +: 2] == 2'd0) begin
          if (w_ka == '0) w_blk_a0 = s_blkidx[15*j +: 15];
          w_ka = w_ka + 1'b1;
        end else w_kb = w_kb + 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The tracker's answer, byte by byte (classes read off its positions).
  logic [3*B-1:0] r_cls;
  logic [B-1:0]   r_recb;
  logic [4*B-1:0] r_idx;
  always @* begin
    logic [14:0] rp;
    r_cls = '0; r_recb = '0; r_idx = '0;
    for (int j = 0; j < B; j++) begin
      rp = '0;
      if (PB'(j) >= it_s && PB'(j) < a_p0) begin
        rp = t_off + 15'(PB'(j) - it_s);
        r_cls[3*j +: 3] = (rp < 15'd5) ? CHdr : CNonce;
      end else if (PB'(j) >= a_p0 && PB'(j) < a_p1) begin
        r_cls[3*j +: 3] = CPay;
        r_idx[4*j +: 4] = a_qm + 4'(PB'(j) - a_p0);
      end else if (PB'(j) >= a_t0 && PB'(j) < a_t1) begin
        r_cls[3*j +: 3] = CTag;
        r_idx[4*j +: 4] = a_u + 4'(PB'(j) - a_t0);
      end else if (end_a && !cut && PB'(j) >= e_pos && PB'(j) < it_pe) begin
        r_recb[j] = 1'b1;
        if (PB'(j) < b_p0) begin
          rp = 15'(PB'(j) - e_pos);
          r_cls[3*j +: 3] = (rp < 15'd5) ? CHdr : CNonce;
        end else if (b_start) begin
          r_cls[3*j +: 3] = CPay;
          r_idx[4*j +: 4] = 4'(PB'(j) - b_p0);
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Properties.
  logic [14:0]  hl_c;
  logic [15:0]  sp_body;
  logic [95:0]  sp_nonce;
  assign hl_c     = ver13 ? 15'd5 : 15'd13;
  assign sp_body  = {sp_hdr_q[8*3 +: 8], sp_hdr_q[8*4 +: 8]};
  assign sp_nonce = spec_nonce(ver13, iv, sp_hdr_q, sp_rseq_q);

  always @* begin
    if (started_q) begin
      // The specification's own state is well formed ...
      assert (sp_pos_q < 15'd5 || (sp_body >= (ver13 ? 16'd16 : 16'd24) && sp_body <= 16'd16640
                                   && {1'b0, sp_pos_q} < sp_body + 16'd5));
      for (int k = 0; k < 13; k++) begin
        if (15'(k) >= sp_pos_q || 15'(k) >= hl_c) assert (sp_hdr_q[8*k +: 8] == 8'h0);
      end
      // ... and the tracker's state is the specification's (the induction invariant).
      assert (off_q == sp_pos_q);
      assert (rlen_q == ((sp_pos_q >= 15'd5) ? sp_body[14:0] + 15'd5 : 15'd0));
      assert (hdr_q == sp_hdr_q);
      assert (rseq_q == sp_rseq_q);
      if (sp_pos_q >= hl_c) assert (nonce_q == sp_nonce);
      // A held beat: the rest of a beat cut at a record boundary.
      if (hold_q) assert (hs_q < hpe_q && hpe_q <= BeatB && sp_pos_q == 15'd0);
    end
  end

  always @* begin
    assert (err == w_err);
    if (w_err) begin
      assert (bad_a == !w_err_b);
      if (w_err_b) assert (e_pos == w_end_a_at);
    end else begin
      assert (w_cls == r_cls);
      assert (w_recb == r_recb);
      for (int j = 0; j < B; j++) begin
        if (w_cls[3*j +: 3] == CPay || w_cls[3*j +: 3] == CTag) assert (w_idx[4*j +: 4] == r_idx[4*j +: 4]);
      end
      // Record events.
      assert (a_start == w_start_a);
      assert (a_fin == w_fin_a);
      assert (end_a == w_end_a);
      if (end_a) assert (e_pos == w_end_a_at);
      assert (b_start == w_start_b);
      assert (!w_third && !w_fin_b && !w_end_b);
      if (cut) assert (end_a && it_s < e_pos && e_pos < it_pe);
      // AES lanes and blocks.
      assert ({1'b0, a_k} == w_ka);
      assert (w_ka + (a_start || b_start) + w_kb <= LA);
      for (int l = 0; l < LA; l++) begin
        if (l < w_ka) assert (blocks[l*128 +: 128] == {w_nonce_a, 32'(w_blk_a0) + 32'(l) + 32'd2});
        else if (l == w_ka && a_start) assert (blocks[l*128 +: 128] == {w_nonce_a, 32'd1});
        else if (l == w_ka && b_start) assert (blocks[l*128 +: 128] == {w_nonce_b, 32'd1});
        else if (b_start && l - w_ka - 1 < w_kb) assert (blocks[l*128 +: 128] == {w_nonce_b, 32'(l) - 32'(w_ka) + 32'd1});
      end
      if (a_start || b_start) assert (aad == w_aad);
      if (a_fin) assert (lenblk == w_lenblk);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Next item.
  always @(posedge clk_i) begin
    started_q <= 1'b1;
    hold_q    <= !err && cut;
    hdata_q   <= it_data;
    hs_q      <= e_pos;
    hpe_q     <= it_pe;
    if (!err) begin
      off_q     <= nx_off;
      rlen_q    <= nx_rlen;
      hdr_q     <= nx_hdr;
      rseq_q    <= nx_rseq;
      nonce_q   <= nx_nonce;
      sp_pos_q  <= w_pos;
      sp_hdr_q  <= w_hdr;
      sp_rseq_q <= w_rseq;
    end else begin
      off_q     <= t_off;
      rlen_q    <= t_rlen;
      hdr_q     <= t_hdr;
      rseq_q    <= t_rseq;
      sp_pos_q  <= w_pos0;
      sp_hdr_q  <= w_hdr0;
      sp_rseq_q <= w_rseq0;
    end
  end

endmodule

// One byte of the specification's record walk. active_i: the byte is the item's; stop_i: the
// walk stopped at an illegal length before it.
module tlsnic_rec_spec_step (
  input  logic         ver13_i,
  input  logic [95:0]  iv_i,
  input  logic         active_i,
  input  logic [7:0]   x_i,
  input  logic [14:0]  pos_i,      // position in the record under the walk
  input  logic [103:0] hdr_i,      // its header (+ TLS 1.2 explicit nonce) bytes seen
  input  logic [63:0]  rseq_i,     // its record sequence number
  input  logic [1:0]   rec_i,      // 0: record A (under the cursor at the item start), 1: B, 2: beyond
  input  logic         stop_i,
  output logic [14:0]  pos_o,
  output logic [103:0] hdr_o,
  output logic [63:0]  rseq_o,
  output logic [1:0]   rec_o,
  output logic         stop_o,
  output logic [2:0]   cls_o,      // 0 none, 1 header, 2 explicit nonce, 3 payload, 4 tag
  output logic [3:0]   idx_o,      // payload: offset mod 16; tag: index in the tag
  output logic [1:0]   rec_here_o, // the record this byte belongs to
  output logic         err_o,      // illegal length completed by this byte
  output logic         start_o,    // header (+ explicit nonce) completed by this byte
  output logic         fin_o,      // first tag byte
  output logic         end_o,      // last byte of the record
  output logic         blk_o,      // payload byte starting a 16-byte keystream block
  output logic [14:0]  blkidx_o,   //   its block index in the record
  output logic [95:0]  nonce_o,    // start: the record's GCM nonce
  output logic [127:0] aad_o,      // start: its AAD block
  output logic [127:0] lenblk_o    // fin: its GCM length block
);
  logic [14:0] hl, minb, len, body, pp;
  logic [15:0] lenf;
  always @* begin
    hl   = ver13_i ? 15'd5 : 15'd13;
    minb = ver13_i ? 15'd16 : 15'd24;
    // The record length, known from position 5 on.
    body = {hdr_i[8*3 +: 7], hdr_i[8*4 +: 8]};
    len  = body + 15'd5;
    pos_o = pos_i; hdr_o = hdr_i; rseq_o = rseq_i; rec_o = rec_i; stop_o = stop_i;
    cls_o = 3'd0; idx_o = 4'd0; rec_here_o = rec_i;
    err_o = 1'b0; start_o = 1'b0; fin_o = 1'b0; end_o = 1'b0; blk_o = 1'b0; blkidx_o = '0;
    nonce_o = '0; aad_o = '0; lenblk_o = '0;
    pp = pos_i - hl;
    lenf = {hdr_i[8*3 +: 8], x_i};
    if (active_i) begin
      for (int k = 0; k < 13; k++) begin
        if (pos_i == 15'(k) && pos_i < hl) hdr_o[8*k +: 8] = x_i;
      end
      if (pos_i == 15'd4 && ({1'b0, lenf} < {1'b0, minb} || lenf > 16'd16640)) begin
        err_o  = 1'b1;
        stop_o = 1'b1;
      end else begin
        if (pos_i < 15'd5)                begin cls_o = 3'd1; end
        else if (pos_i < hl)              begin cls_o = 3'd2; end
        else if (pos_i + 15'd16 < len)    begin cls_o = 3'd3; idx_o = pp[3:0]; end
        else                              begin cls_o = 3'd4; idx_o = 4'(pos_i + 15'd16 - len); end
        blk_o    = cls_o == 3'd3 && pp[3:0] == 4'd0;
        blkidx_o = pp >> 4;
        if (pos_i == hl - 15'd1) begin
          start_o = 1'b1;
          if (ver13_i) nonce_o = iv_i ^ {32'h0, rseq_i};
          else begin
            nonce_o[95:64] = iv_i[95:64];
            for (int k = 0; k < 8; k++) nonce_o[63-8*k -: 8] = hdr_o[8*(5+k) +: 8];
          end
          aad_o = ver13_i ? {hdr_o[7:0], hdr_o[15:8], hdr_o[23:16], hdr_o[31:24], hdr_o[39:32], 88'h0}
                          : {rseq_i, hdr_o[7:0], hdr_o[15:8], hdr_o[23:16], 16'(body - 15'd24), 24'h0};
        end
        if (cls_o == 3'd4 && idx_o == 4'd0) begin
          fin_o    = 1'b1;
          lenblk_o = {32'h0, ver13_i ? 32'd40 : 32'd104, 32'h0, 32'(len - hl - 15'd16) << 3};
        end
        pos_o = pos_i + 15'd1;
        if (pos_i >= 15'd5 && pos_o == len) begin
          end_o  = 1'b1;
          pos_o  = '0;
          hdr_o  = '0;
          rseq_o = rseq_i + 64'd1;
          rec_o  = rec_i + 2'd1;
        end
      end
    end
  end
endmodule
