// tlsnic_frame_in: the input stage (FA) shared by the TX and RX front ends. Registers one input
// AXI-Stream beat with its frame bookkeeping (first/last, beat index, bytes so far, the frame's
// tuser from its first beat) and runs the header parser tlsnic_pkt_parse on it.
//
// The caller owns the handshake: take_i loads the input beat (it must only be high with
// s_tvalid_i and when the register is empty or leaving), leave_i says the registered beat moves
// to the next stage this cycle (the parser then commits it into its header window). Latency:
// 1 cycle input -> FA; the parse results are combinational on the FA beat.
// The beat index saturates at 16,383 and the byte count at 131,071 (beyond any frame the engines
// process; such frames are oversize).
module tlsnic_frame_in #(
  parameter int unsigned W = 512,
  localparam int unsigned B  = W / 8,
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned HW = ((138 + B - 1) / B) * B
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic [W-1:0]      s_tdata_i,
  input  logic [B-1:0]      s_tkeep_i,
  input  logic              s_tlast_i,
  input  logic [18:0]       s_tuser_i,
  input  logic              take_i,
  input  logic              leave_i,
  output logic              in_first_o,     // the next input beat starts a frame
  // the FA beat
  output logic              fa_valid_o,
  output logic              fa_first_o,
  output logic              fa_last_o,
  output logic [W-1:0]      fa_data_o,
  output logic [B-1:0]      fa_keep_o,      // all ones except on the last beat (contiguous there)
  output logic [18:0]       fa_user_o,      // the frame's tuser (first beat)
  output logic [13:0]       fa_bidx_o,
  output logic [17:0]       fa_nbytes_o,    // frame bytes up to and including this beat
  // tlsnic_pkt_parse on the FA beat
  output logic [HW*8-1:0]   pv_view_o,
  output logic              pv_hdr_known_o,
  output logic              pv_is_ip_o,
  output logic [7:0]        pv_l3_o,
  output logic [7:0]        pv_l4_o,
  output logic [8:0]        pv_pay_off_o,
  output logic [16:0]       pv_ip_end_o,
  output logic [31:0]       pv_seq_o,
  output logic [B-1:0]      pv_csum_mask_o,
  output logic [16:0]       pv_tcp_len_o,
  output logic              pv_malformed_o
);

  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_frame_in: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  localparam logic [PB-1:0] BeatB = B[PB-1:0];

  // The last beat's tkeep as the engines read it: bytes up to the highest kept one (holes below
  // it are data, as on every other beat, whose tkeep is not read), so the output is contiguous.
  function automatic logic [B-1:0] keep_mask(input logic [PB-1:0] n);
    logic [B-1:0] m;
    for (int j = 0; j < B; j++) m[j] = PB'(j) < n;
    keep_mask = m;
  endfunction

  logic        in_first_q;   // next input beat starts a frame
  logic [17:0] in_bytes_q;   // bytes of the current input frame so far
  logic [13:0] in_bidx_q;

  // Beat index of the next beat (saturating; a new frame starts from 0 whatever the last reached).
  logic [13:0] in_bidx_cur, in_bidx_nx;
  assign in_bidx_cur = in_first_q ? 14'd0 : in_bidx_q;
  assign in_bidx_nx  = in_bidx_cur + ((in_bidx_cur == 14'h3fff) ? 14'd0 : 14'd1);

  logic [17:0] in_nbytes;
  assign in_nbytes = (in_first_q ? 18'd0 : in_bytes_q) +
                     (s_tlast_i ? {{(18-PB){1'b0}}, PB'(tlsnic_pkg::keep_count(64'(s_tkeep_i)))} : {{(18-PB){1'b0}}, BeatB});

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fa_valid_o  <= 1'b0;
      in_first_q  <= 1'b1;
      in_bytes_q  <= '0;
      in_bidx_q   <= '0;
      fa_first_o  <= 1'b0;
      fa_last_o   <= 1'b0;
      fa_data_o   <= '0;
      fa_keep_o   <= '0;
      fa_user_o   <= '0;
      fa_bidx_o   <= '0;
      fa_nbytes_o <= '0;
    end else begin
      if (take_i) begin
        fa_valid_o  <= 1'b1;
        fa_first_o  <= in_first_q;
        fa_last_o   <= s_tlast_i;
        fa_data_o   <= s_tdata_i;
        fa_keep_o   <= s_tlast_i ? keep_mask(PB'(tlsnic_pkg::keep_count(64'(s_tkeep_i)))) : '1;
        fa_user_o   <= in_first_q ? s_tuser_i : fa_user_o;
        fa_bidx_o   <= in_bidx_cur;
        fa_nbytes_o <= (in_nbytes[17] ? 18'h1ffff : in_nbytes);
        in_first_q  <= s_tlast_i;
        in_bytes_q  <= in_nbytes[17] ? 18'h1ffff : in_nbytes;
        in_bidx_q   <= in_bidx_nx;
      end else if (leave_i) begin
        fa_valid_o <= 1'b0;
      end
    end
  end
  assign in_first_o = in_first_q;

  logic [4:0] pv_bad;   // the frame's malformed-input class (read by the cover points only)
  tlsnic_pkt_parse #(.W(W)) u_parse (
    .clk_i, .rst_ni,
    .beat_i     (fa_data_o),
    .bidx_i     (fa_bidx_o),
    .first_i    (fa_first_o),
    .adv_i      (leave_i),
    .nbytes_i   (fa_nbytes_o),
    .view_o     (pv_view_o),
    .hdr_known_o(pv_hdr_known_o),
    .is_ip_o    (pv_is_ip_o),
    .l3_o       (pv_l3_o),
    .l4_o       (pv_l4_o),
    .pay_off_o  (pv_pay_off_o),
    .ip_end_o   (pv_ip_end_o),
    .seq_o      (pv_seq_o),
    .csum_mask_o(pv_csum_mask_o),
    .tcp_len_o  (pv_tcp_len_o),
    .malformed_o(pv_malformed_o),
    .bad_o      (pv_bad)
  );

`ifndef SYNTHESIS
  // Functional cover points (`tlsnic coverage`): each malformed-input class of the parser, on a
  // packet frame's last beat as it leaves FA (where the verdict is final).
  logic cov_end;
  assign cov_end = rst_ni && leave_i && fa_last_o && fa_user_o[1:0] == tlsnic_pkg::KindPacket;
  c_bad_short_eth:  cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadShortEth);
  c_bad_short_vlan: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadShortVlan);
  c_bad_ethertype:  cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadEthertype);
  c_bad_short_ipv4: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadShortIpv4);
  c_bad_ip_version: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadIpVersion);
  c_bad_ihl:        cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadIhl);
  c_bad_ihl_beyond: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadIhlBeyond);
  c_bad_tot_low:    cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadTotLow);
  c_bad_tot_beyond: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadTotBeyond);
  c_bad_fragment:   cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadFragment);
  c_bad_not_tcp:    cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadNotTcp);
  c_bad_short_ipv6: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadShortIpv6);
  c_bad_next_hdr:   cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadNextHeader);
  c_bad_plen_beyond: cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadPlenBeyond);
  c_bad_short_tcp:  cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadShortTcp);
  c_bad_doff:       cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadDoff);
  c_bad_none:       cover property (@(posedge clk_i) cov_end && pv_bad == tlsnic_pkg::BadNone);
`endif

endmodule
