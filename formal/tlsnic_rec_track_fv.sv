// tlsnic_rec_track_fv: formal harness of the record tracker (tlsnic_rec_track), issue 18.
// Read with `read_verilog -sv -formal` after rtl/common/tlsnic_pkg.sv and rtl/common/tlsnic_rec_track.sv;
// run by scripts/formal.sh (Yosys AIGER model, ABC bmc3). docs/architecture.md "Formal proof".
//
// One clock cycle = one work item, as in the front ends (tlsnic_tx_front / tlsnic_rx_front):
//   * the environment (free inputs, unconstrained by the solver) offers a beat: any data, any
//     stretch [s, pe) with s < pe <= B: an arbitrary segmentation of an arbitrary byte stream;
//   * when the tracker cuts the item (cut_o) the same beat is offered again from e_pos_o, as the
//     front end holds its input;
//   * the tracker state (off, rlen, hdr, rseq) is kept in registers between items and is
//     left unchanged by an item in error (err_o), as the front end does;
//   * an item may start the stream afresh at a record start with any record sequence number (a
//     context install or a TX resync load); the first item does.
// TLS version and iv/salt are fixed per run but arbitrary (anyconst).
//
// The specification is written for this harness only and shares no code with the tracker: byte
// j of the item [s, e) (e = cut ? e_pos : pe) is at position off + (j - s) of record A (the
// record under the cursor) until A's last byte, then at position j - eA of record B. A byte's
// class follows from its position and its record's length (5 + length field, header bytes 3-4):
// header [0,5), explicit nonce [5,13) (TLS 1.2), payload, tag (the last 16). A length field
// outside [16 (TLS 1.3) / 24 (TLS 1.2), 2^14 + 256] (RFC 8446 5.2, RFC 5246 6.2.3) is an error
// before the header's last length byte is consumed. Spec state: position, header bytes seen,
// record sequence number.
//
// Asserted every item (not in error unless said):
//   err_o == an illegal length in the item; bad_a_o == it was record A's; record B's at e_pos;
//   every byte's class (none / header / nonce / payload / tag), record (A or B), tag index and
//     payload offset mod 16 read off the tracker's positions equal the specification's;
//   a_start, a_fin, end_a + e_pos, b_start equal the specification's header-complete,
//     first-tag-byte and record-end events; record B neither reaches its tag nor ends in the
//     item (so at most two records per item); a cut lies strictly inside the stretch, at a
//     record end;
//   AES lanes: a_k == record A's keystream blocks starting in the item; a_k + J0 (lane a_k, when
//     record A's tag starts in the item; a placeholder when only record B starts) + record B's
//     blocks <= LANES + 1;
//   with FV_CRYPTO (scripts/formal.sh --crypto) also every lane's counter block (nonce ||
//     counter; the nonce is derived from the header and record number, not kept: issue 16) and
//     the AAD and length blocks;
// and every cycle (the intended induction invariant): the tracker state registers equal the
// specification's state (rlen once the length is known, 0 before; header bytes seen; rseq),
// which is itself well formed (legal length,
// position inside the record, unused header bytes zero).
//
// scripts/formal.sh --mutant makes broken copies of the RTL to show the checks fail on them.
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
  logic              err, bad_a, cut, end_a, a_start, a_fin, b_start;
  logic [PB-1:0]     e_pos, a_p0, a_p1, a_t0, a_t1, b_p0;
  logic [3:0]        a_qm, a_u;
  logic [KW-1:0]     a_k;
  logic [127:0]      aad, lenblk;
  logic [LA*128-1:0] blocks;

  tlsnic_rec_track #(.W(W)) dut (
    .data_i(it_data), .s_i(it_s), .pe_i(it_pe), .ver13_i(ver13), .iv_i(iv),
    .off_i(t_off), .rlen_i(t_rlen), .hdr_i(t_hdr), .rseq_i(t_rseq),
    .off_o(nx_off), .rlen_o(nx_rlen), .hdr_o(nx_hdr), .rseq_o(nx_rseq),
    .err_o(err), .bad_a_o(bad_a), .cut_o(cut), .end_a_o(end_a), .e_pos_o(e_pos),
    .a_p0_o(a_p0), .a_p1_o(a_p1), .a_qm_o(a_qm), .a_k_o(a_k), .a_start_o(a_start),
    .a_fin_o(a_fin), .a_t0_o(a_t0), .a_t1_o(a_t1), .a_u_o(a_u), .b_start_o(b_start),
    .b_p0_o(b_p0), .aad_o(aad), .lenblk_o(lenblk), .blocks_o(blocks)
  );

  logic [PB-1:0] it_e;   // end of the bytes this item owns
  assign it_e = cut ? e_pos : it_pe;

  // ---------------------------------------------------------------------------------------
  // Specification. Byte j of the item [s, e) is at position pos0 + (j - s) of record A (the
  // record under the cursor) until A's last byte, then at position j - eA of record B. A byte's
  // class is a function of its position and its record's length alone.
  function automatic logic [2:0] spec_class(input logic [14:0] p, input logic [14:0] len, input logic [14:0] hl);
    if (p < 15'd5)             spec_class = CHdr;
    else if (p < hl)           spec_class = CNonce;
    else if (p + 15'd16 < len) spec_class = CPay;
    else                       spec_class = CTag;
  endfunction
  function automatic logic illegal_len(input logic [15:0] body, input logic v13);
    illegal_len = body < (v13 ? 16'd16 : 16'd24) || body > 16'd16640;
  endfunction
  function automatic logic [7:0] byte_at(input logic [W-1:0] d, input logic [14:0] i);
    byte_at = 8'h0;
    for (int q = 0; q < B; q++) if (i == 15'(q)) byte_at = d[8*q +: 8];
  endfunction

  logic [14:0]    hl, n, pos0;
  logic [103:0]   hA, hB;             // records A and B: header (+ nonce) bytes up to the item end
  logic [15:0]    bodyA, bodyB;
  logic [14:0]    lenA, lenB, eA, nB;
  logic           knownA, errA, endA, hasB, errB;
  logic [3*B-1:0] w_cls;              // byte j's class
  logic [B-1:0]   w_recb;             // byte j belongs to record B
  logic [4*B-1:0] w_idx;              // tag: index in the tag; payload: offset mod 16
  logic [B-1:0]   w_blk_a, w_blk_b;   // payload byte starting a keystream block
  logic [15*B-1:0] w_blkidx;
  always @* begin
    logic [14:0] p, len, rel;
    logic [2:0]  c;
    hl   = ver13 ? 15'd5 : 15'd13;
    pos0 = w_pos0;
    n    = 15'(it_e - it_s);
    // Record A.
    for (int k = 0; k < 13; k++) begin
      rel = 15'(k) - pos0;
      if (15'(k) >= hl) hA[8*k +: 8] = 8'h0;
      else if (15'(k) < pos0) hA[8*k +: 8] = w_hdr0[8*k +: 8];
      else if (rel < n) hA[8*k +: 8] = byte_at(it_data, 15'(it_s) + rel);
      else hA[8*k +: 8] = 8'h0;
    end
    bodyA  = {hA[8*3 +: 8], hA[8*4 +: 8]};
    lenA   = bodyA[14:0] + 15'd5;
    knownA = pos0 + n >= 15'd5;
    errA   = pos0 < 15'd5 && knownA && illegal_len(bodyA, ver13);
    endA   = knownA && !errA && lenA - pos0 <= n;
    eA     = 15'(it_s) + (lenA - pos0);
    // Record B: what follows A's end in the item.
    hasB = endA && eA < 15'(it_e);
    nB   = 15'(it_e) - eA;
    for (int k = 0; k < 13; k++) begin
      if (15'(k) >= hl || !hasB || 15'(k) >= nB) hB[8*k +: 8] = 8'h0;
      else hB[8*k +: 8] = byte_at(it_data, eA + 15'(k));
    end
    bodyB = {hB[8*3 +: 8], hB[8*4 +: 8]};
    lenB  = bodyB[14:0] + 15'd5;
    errB  = hasB && nB >= 15'd5 && illegal_len(bodyB, ver13);
    // Per byte.
    w_cls = '0; w_recb = '0; w_idx = '0; w_blk_a = '0; w_blk_b = '0; w_blkidx = '0;
    for (int j = 0; j < B; j++) begin
      p = '0; len = '0; c = CNone;
      if (15'(j) >= 15'(it_s) && 15'(j) < 15'(it_e)) begin
        if (hasB && 15'(j) >= eA) begin p = 15'(j) - eA; len = lenB; w_recb[j] = 1'b1; end
        else begin p = pos0 + (15'(j) - 15'(it_s)); len = lenA; end
        c = spec_class(p, len, hl);
        w_cls[3*j +: 3] = c;
        if (c == CPay) w_idx[4*j +: 4] = 4'(p - hl);
        if (c == CTag) w_idx[4*j +: 4] = 4'(p + 15'd16 - len);
        if (c == CPay && 4'(p - hl) == 4'd0) begin
          if (w_recb[j]) w_blk_b[j] = 1'b1; else w_blk_a[j] = 1'b1;
        end
        w_blkidx[15*j +: 15] = (p - hl) >> 4;
      end
    end
  end

  // What the specification says about the item.
  logic           w_err, w_err_b, w_start_a, w_start_b, w_fin_a, w_fin_b, w_end_b;
  logic [PB-1:0]  w_end_a_at;         // one past record A's last byte
  logic [14:0]    w_pos;
  logic [103:0]   w_hdr;
  logic [63:0]    w_rseq;
  logic [95:0]    w_nonce_a, w_nonce_b;
  logic [127:0]   w_aad, w_lenblk;
  logic [KW:0]    w_ka, w_kb;         // keystream blocks starting in the item, records A and B
  logic [14:0]    w_blk_a0;           // record A: index of its first block starting in the item
  logic           w_end_a;
  always @* begin
    w_err      = errA || errB;
    w_err_b    = !errA && errB;
    w_end_a    = endA;
    w_end_a_at = PB'(eA);
    w_start_a  = pos0 < hl && pos0 + n >= hl && !errA;
    w_start_b  = hasB && nB >= hl;
    w_fin_a    = knownA && !errA && pos0 <= lenA - 15'd16 && lenA - 15'd16 < pos0 + n;
    w_fin_b    = hasB && nB >= 15'd5 && nB > lenB - 15'd16;
    w_end_b    = hasB && nB >= 15'd5 && nB >= lenB;
    // State after the item.
    if (!endA) begin
      w_pos  = pos0 + n;
      w_hdr  = hA;
      w_rseq = w_rseq0;
    end else begin
      w_pos  = hasB ? nB : 15'd0;
      w_hdr  = hB;
      w_rseq = w_rseq0 + 64'd1;
    end
    // GCM inputs.
    w_nonce_a = spec_nonce(ver13, iv, hA, w_rseq0);
    w_nonce_b = spec_nonce(ver13, iv, hB, w_rseq0 + 64'd1);
    w_aad = '0;
    if (w_start_a) w_aad = ver13 ? {hA[7:0], hA[15:8], hA[23:16], hA[31:24], hA[39:32], 88'h0}
                                 : {w_rseq0, hA[7:0], hA[15:8], hA[23:16], bodyA - 16'd24, 24'h0};
    if (w_start_b) w_aad = ver13 ? {hB[7:0], hB[15:8], hB[23:16], hB[31:24], hB[39:32], 88'h0}
                                 : {w_rseq0 + 64'd1, hB[7:0], hB[15:8], hB[23:16], bodyB - 16'd24, 24'h0};
    w_lenblk = {32'h0, ver13 ? 32'd40 : 32'd104, 32'h0, 32'(lenA - hl - 15'd16) << 3};
    w_ka = '0; w_kb = '0; w_blk_a0 = '0;
    for (int j = B - 1; j >= 0; j--) begin
      if (w_blk_a[j]) begin w_ka = w_ka + 1'b1; w_blk_a0 = w_blkidx[15*j +: 15]; end
      if (w_blk_b[j]) w_kb = w_kb + 1'b1;
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
  assign hl_c     = ver13 ? 15'd5 : 15'd13;
  assign sp_body  = {sp_hdr_q[8*3 +: 8], sp_hdr_q[8*4 +: 8]};

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
      // Header bytes seen. (After a slot-B start in TLS 1.3 the tracker also keeps up to 8 payload
      // bytes past the 5-byte header in hdr; it never reads them, so they are not compared.)
      for (int k = 0; k < 13; k++) begin
        if (15'(k) < sp_pos_q && 15'(k) < hl_c) assert (hdr_q[8*k +: 8] == sp_hdr_q[8*k +: 8]);
      end
      assert (rseq_q == sp_rseq_q);
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
      assert (!w_fin_b && !w_end_b);
      if (cut) assert (end_a && it_s < e_pos && e_pos < it_pe);
      // AES lanes and blocks.
      assert ({1'b0, a_k} == w_ka);
      assert (w_ka + (a_fin || b_start) + w_kb <= LA);
`ifdef FV_CRYPTO
      for (int l = 0; l < LA; l++) begin
        if (l < w_ka) assert (blocks[l*128 +: 128] == {w_nonce_a, 32'(w_blk_a0) + 32'(l) + 32'd2});
        else if (l == w_ka && a_fin) assert (blocks[l*128 +: 128] == {w_nonce_a, 32'd1});
        else if (l == w_ka && b_start) assert (blocks[l*128 +: 128] == '0);
        else if (b_start && l - w_ka - 1 < w_kb) assert (blocks[l*128 +: 128] == {w_nonce_b, 32'(l) - 32'(w_ka) + 32'd1});
      end
      if (a_start || b_start) assert (aad == w_aad);
      if (a_fin) assert (lenblk == w_lenblk);
`endif
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

