// tlsnic_rec_track: the TLS record tracker of one work item, shared by the TX and RX front ends
// (tlsnic_tx_front, tlsnic_rx_front). Purely combinational (latency 0).
//
// Given the tracker state (the record under the cursor, followed from its first byte) and the
// stretch [s_i, pe_i) of the beat the tracker walks in this item, it finds where the record's
// header, payload and tag bytes are, whether a new record starts in the item, the AES counter
// blocks the item needs and the state after the item. An item covers at most two records:
//   slot A  the record under the cursor: header bytes (collected), payload, tag. "start" when its
//           header completes in the item, "fin" when its first tag byte is in the item (J0 is
//           then encrypted too, in lane a_k: the tag needs E_K(J0) only then, so the back end
//           keeps no E_K(J0) per context; issue 16).
//           Lane a_k is J0's when slot A finishes, and left empty when slot B starts without it,
//           so slot B's keystream lanes always begin at a_k + 1.
//   slot B  the next record, only when it starts (header completes) in the item, slot A did not
//           start, and its first tag byte lies beyond the beat.
// Otherwise the item is cut at the record boundary (cut_o, item end e_pos_o) and the rest of the
// beat goes in the next item. At most LANES + 1 AES lanes are needed (docs/architecture.md).
// The GCM nonce is not state (issue 16: 96 bits per context fewer in both front tables): it is
// derived from the record's header and number, TLS 1.3 iv ^ record number, TLS 1.2 salt ||
// explicit nonce (header bytes 5..12), which the state keeps for the whole record once complete;
// a lane with payload exists only when the header is complete (in the state, or in this item).
// err_o: a header whose length field is impossible (outside [overhead - 5, 2^14 + 256]); bad_a_o
// says it is record A's (whose first byte lies off_i bytes before s_i), else record B's (at e_pos_o).
module tlsnic_rec_track #(
  parameter int unsigned W = 512,
  localparam int unsigned B  = W / 8,
  localparam int unsigned L  = W / 128,
  localparam int unsigned LA = L + 1,
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned KW = $clog2(LA + 1)
) (
  input  logic [W-1:0]      data_i,
  input  logic [PB-1:0]     s_i,
  input  logic [PB-1:0]     pe_i,
  input  logic              ver13_i,
  input  logic [95:0]       iv_i,
  input  logic [14:0]       off_i,     // bytes of the current record consumed (0 = at its header)
  input  logic [14:0]       rlen_i,    // its length incl. header; 0 = not known yet
  input  logic [103:0]      hdr_i,     // header (+ TLS 1.2 explicit nonce) bytes seen, byte i at [8i +: 8]
  input  logic [63:0]       rseq_i,
  // state after the item (meaningful when err_o is low)
  output logic [14:0]       off_o,
  output logic [14:0]       rlen_o,
  output logic [103:0]      hdr_o,
  output logic [63:0]       rseq_o,
  // item shape
  output logic              err_o,
  output logic              bad_a_o,
  output logic [103:0]      hb_a_o,    // record A's header bytes as seen (state, then beat)
  output logic [14:0]       hn_a_o,    // ... of which bytes 0..hn_a_o-1 are known after the item
  output logic [KW-1:0]     lanes_o,   // AES lanes the item uses (slot A, J0, slot B; at most LANES + 1)
  output logic              cut_o,
  output logic              end_a_o,
  output logic [PB-1:0]     e_pos_o,
  output logic [PB-1:0]     a_p0_o,
  output logic [PB-1:0]     a_p1_o,
  output logic [3:0]        a_qm_o,    // slot A payload offset mod 16 at a_p0
  output logic [KW-1:0]     a_k_o,     // lanes 0..a_k-1: slot A keystream blocks
  output logic              a_start_o,
  output logic              a_fin_o,
  output logic [PB-1:0]     a_t0_o,
  output logic [PB-1:0]     a_t1_o,
  output logic [3:0]        a_u_o,     // tag byte index at a_t0
  output logic              b_start_o,
  output logic [PB-1:0]     b_p0_o,
  output logic [127:0]      aad_o,     // AAD block of the record starting in the item
  output logic [127:0]      lenblk_o,  // slot A length block (fin)
  output logic [LA*128-1:0] blocks_o   // AES counter blocks, lane l at [l*128 +: 128]
);

  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_rec_track: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  localparam logic [PB-1:0] BeatB = B[PB-1:0];

  function automatic logic [7:0] bb(input logic [W-1:0] d, input logic [PB-1:0] p);
    bb = (p < BeatB) ? d[8*p +: 8] : 8'h0;
  endfunction

  logic [14:0] hl, rlen_a, body_a, body_b, rlen_b, q_a, mx, pay_rem, tag_done;
  logic [14:0] avail, h_a, avail2, n_a, avail3, t_cnt, avail_b, b_a0, min_body;
  logic        len_now_a, bad_a, bad_b, start_a, hdr_inc, fin_a, end_a;
  logic        b_part, b_hdr_only, b_start, cut;
  logic [103:0] hb;             // header bytes of record A (state + beat)
  logic [103:0] hbb;            // header bytes of record B (beat)
  logic [PB-1:0] p_a0, p_a1, t_a0, t_a1, e_pos, p_b0;
  logic [95:0] nonce_a, nonce_b;
  logic [63:0] rseq_b;
  logic [KW-1:0] k_a, k_b;

  always_comb begin
    hl       = ver13_i ? 15'd5 : 15'd13;
    min_body = ver13_i ? 15'd16 : 15'd24;
    avail    = {{(15-PB){1'b0}}, pe_i - s_i};

    // Slot A header.
    h_a = (off_i < hl) ? ((hl - off_i < avail) ? hl - off_i : avail) : 15'd0;
    for (int i = 0; i < 13; i++) begin
      logic [14:0] ii;
      ii = i[14:0];
      if (ii < off_i) hb[8*i +: 8] = hdr_i[8*i +: 8];
      else hb[8*i +: 8] = bb(data_i, s_i + PB'(ii - off_i));
    end
    len_now_a = off_i < 15'd5 && off_i + h_a >= 15'd5;
    body_a  = {hb[8*3 +: 7], hb[8*4 +: 8]};
    bad_a   = len_now_a && (hb[8*3 + 7] || body_a < min_body || body_a > 15'(tlsnic_pkg::MaxRecordBody));
    rlen_a  = (rlen_i != '0) ? rlen_i : (len_now_a ? body_a + 15'd5 : 15'd0);
    hdr_inc = off_i + h_a < hl;
    start_a = off_i < hl && !hdr_inc && !bad_a;

    // Slot A payload and tag.
    mx       = (off_i > hl) ? off_i : hl;
    q_a      = mx - hl;
    pay_rem  = (rlen_a - 15'd16 > mx) ? rlen_a - 15'd16 - mx : 15'd0;
    tag_done = (mx > rlen_a - 15'd16) ? mx - (rlen_a - 15'd16) : 15'd0;
    avail2   = avail - h_a;
    n_a      = hdr_inc || bad_a ? 15'd0 : ((pay_rem < avail2) ? pay_rem : avail2);
    avail3   = avail2 - n_a;
    t_cnt    = (!hdr_inc && !bad_a && n_a == pay_rem) ?
               (((15'd16 - tag_done) < avail3) ? 15'd16 - tag_done : avail3) : 15'd0;
    fin_a    = t_cnt != '0 && tag_done == '0;
    end_a    = !hdr_inc && !bad_a && n_a == pay_rem && t_cnt == 15'd16 - tag_done;
    p_a0     = s_i + PB'(h_a);
    p_a1     = p_a0 + PB'(n_a);
    t_a0     = p_a1;
    t_a1     = t_a0 + PB'(t_cnt);
    e_pos    = t_a1;
    k_a      = KW'(((q_a + n_a + 15'd15) >> 4) - ((q_a + 15'd15) >> 4));
    b_a0     = (q_a + 15'd15) >> 4;

    // Slot B: the next record, when record A ends inside the beat.
    avail_b = {{(15-PB){1'b0}}, pe_i - e_pos};
    b_part  = end_a && e_pos < pe_i;
    for (int i = 0; i < 13; i++) hbb[8*i +: 8] = bb(data_i, e_pos + PB'(i));
    body_b  = {hbb[8*3 +: 7], hbb[8*4 +: 8]};
    bad_b   = b_part && avail_b >= 15'd5 && (hbb[8*3 + 7] || body_b < min_body || body_b > 15'(tlsnic_pkg::MaxRecordBody));
    rlen_b  = body_b + 15'd5;
    b_hdr_only = b_part && !bad_b && avail_b < hl;
    cut     = b_part && !bad_b && !b_hdr_only && (start_a || {{(20-PB){1'b0}}, e_pos} + {5'b0, rlen_b} - 20'd16 < {{(20-PB){1'b0}}, pe_i});
    b_start = b_part && !bad_b && !b_hdr_only && !cut;
    p_b0    = e_pos + PB'(hl);
    k_b     = b_start ? KW'(({{(15-PB){1'b0}}, pe_i - p_b0} + 15'd15) >> 4) : '0;

    rseq_b  = rseq_i + 64'd1;
    nonce_a = ver13_i ? (iv_i ^ {32'b0, rseq_i}) : {iv_i[95:64], hb[8*5 +: 8], hb[8*6 +: 8], hb[8*7 +: 8],
              hb[8*8 +: 8], hb[8*9 +: 8], hb[8*10 +: 8], hb[8*11 +: 8], hb[8*12 +: 8]};
    nonce_b = ver13_i ? (iv_i ^ {32'b0, rseq_b}) : {iv_i[95:64], hbb[8*5 +: 8], hbb[8*6 +: 8], hbb[8*7 +: 8],
              hbb[8*8 +: 8], hbb[8*9 +: 8], hbb[8*10 +: 8], hbb[8*11 +: 8], hbb[8*12 +: 8]};

    // Next state.
    off_o   = off_i;
    rlen_o  = rlen_i;
    hdr_o   = hdr_i;
    rseq_o  = rseq_i;
    if (end_a) begin
      rseq_o = rseq_b;
      off_o  = '0;
      rlen_o = '0;
      hdr_o  = '0;
      if (b_part && !cut) begin
        off_o = avail_b;
        for (int i = 0; i < 13; i++) begin
          if (i[14:0] < avail_b) hdr_o[8*i +: 8] = hbb[8*i +: 8];
        end
        rlen_o = (avail_b >= 15'd5) ? rlen_b : 15'd0;
      end
    end else begin
      off_o  = off_i + avail;
      rlen_o = rlen_a;
      for (int i = 0; i < 13; i++) begin
        if (i[14:0] < off_i + h_a) hdr_o[8*i +: 8] = hb[8*i +: 8];
      end
    end
  end

  // AAD and length blocks, AES counter blocks.
  logic [14:0] ptlen_a, ptlen_b;
  always_comb begin
    ptlen_a = rlen_a - hl - 15'd16;
    ptlen_b = rlen_b - hl - 15'd16;
    if (start_a) begin
      aad_o = ver13_i ? {hb[7:0], hb[15:8], hb[23:16], hb[31:24], hb[39:32], 88'h0}
                      : {rseq_i, hb[7:0], hb[15:8], hb[23:16], 1'b0, ptlen_a, 24'h0};
    end else begin
      aad_o = ver13_i ? {hbb[7:0], hbb[15:8], hbb[23:16], hbb[31:24], hbb[39:32], 88'h0}
                      : {rseq_b, hbb[7:0], hbb[15:8], hbb[23:16], 1'b0, ptlen_b, 24'h0};
    end
    lenblk_o = {32'h0, ver13_i ? 32'd40 : 32'd104, 32'h0, 14'h0, ptlen_a, 3'b0};
    for (int l = 0; l < LA; l++) begin
      logic [KW-1:0] lk;
      lk = l[KW-1:0];
      if (lk < k_a)                               blocks_o[l*128 +: 128] = {nonce_a, 17'h0, b_a0 + 15'(l) + 15'd2};
      else if (lk == k_a && fin_a)                blocks_o[l*128 +: 128] = {nonce_a, 32'd1};
      else if (b_start && lk > k_a && lk - k_a - 1'b1 < k_b)
                                                  blocks_o[l*128 +: 128] = {nonce_b, 32'(l) - {{(32-KW){1'b0}}, k_a} + 32'd1};
      else                                        blocks_o[l*128 +: 128] = '0;
    end
  end

  assign err_o     = bad_a || bad_b;
  assign bad_a_o   = bad_a;
  assign hb_a_o    = hb;
  assign hn_a_o    = off_i + h_a;
  assign lanes_o   = k_a + KW'(fin_a || b_start) + k_b;
  assign cut_o     = cut;
  assign end_a_o   = end_a;
  assign e_pos_o   = e_pos;
  assign a_p0_o    = p_a0;
  assign a_p1_o    = p_a1;
  assign a_qm_o    = q_a[3:0];
  assign a_k_o     = k_a;
  assign a_start_o = start_a;
  assign a_fin_o   = fin_a;
  assign a_t0_o    = t_a0;
  assign a_t1_o    = t_a1;
  assign a_u_o     = tag_done[3:0];
  assign b_start_o = b_start;
  assign b_p0_o    = p_b0;

endmodule
