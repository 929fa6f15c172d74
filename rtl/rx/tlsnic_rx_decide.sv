// tlsnic_rx_decide: the packet decision of the RX engine (docs/rx-engine-model.md rules 3, 5, 6,
// 7), combinational, taken once per packet on the first item whose beat completes the TCP header
// (tlsnic_rx_front holds the result for the rest of the frame):
//   DecPlain  no flow-table hit, or the context is not installed (rule 3)
//   DecNoPay  no TCP payload (rule 5)
//   DecOld    every payload byte lies before expSeq (rule 6)
//   DecFar    the packet starts more than 64 MiB past expSeq (rule 6a): passed untouched
//   DecWalk   the payload is walked (rule 7); gap_o: it starts past expSeq (section 4.4)
// len_o: TCP payload bytes, end_o: the sequence number after them, skip_o: payload bytes before
// expSeq (an overlap, not walked).
module tlsnic_rx_decide (
  input  logic                 hit_i,      // flow-table hit
  input  tlsnic_rx_pkg::rctx_t st_i,       // the context as loaded
  input  logic [31:0]          seq_i,      // the packet's first sequence number
  input  logic [8:0]           pay_off_i,  // frame offset of the TCP payload
  input  logic [16:0]          ip_end_i,   // frame offset of the IP datagram's end
  output logic [2:0]           dec_o,      // tlsnic_rx_pkg::Dec*
  output logic [16:0]          len_o,
  output logic [31:0]          end_o,
  output logic [31:0]          skip_o,
  output logic                 gap_o
);

  always_comb begin
    len_o  = (ip_end_i > {8'b0, pay_off_i}) ? ip_end_i - {8'b0, pay_off_i} : 17'd0;
    end_o  = seq_i + {15'b0, len_o};
    skip_o = tlsnic_pkg::seq_lt(seq_i, st_i.exp_sn) ? st_i.exp_sn - seq_i : 32'd0;
    if (!hit_i || !st_i.valid) dec_o = tlsnic_rx_pkg::DecPlain;
    else if (len_o == 17'd0) dec_o = tlsnic_rx_pkg::DecNoPay;
    else if (tlsnic_pkg::seq_leq(end_o, st_i.exp_sn)) dec_o = tlsnic_rx_pkg::DecOld;
    else if (tlsnic_rx_pkg::too_far(seq_i, st_i.exp_sn)) dec_o = tlsnic_rx_pkg::DecFar;
    else dec_o = tlsnic_rx_pkg::DecWalk;
    gap_o  = dec_o == tlsnic_rx_pkg::DecWalk && skip_o == 32'd0 && seq_i != st_i.exp_sn;
  end

  logic unused;
  assign unused = ^st_i;   // only valid and exp_sn are read

endmodule
