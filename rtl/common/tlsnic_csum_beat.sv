// tlsnic_csum_beat: the one's-complement partial sum of a beat's bytes under a mask (TCP checksum
// coverage from tlsnic_pkt_parse), as 16-bit big-endian words: byte 2k is a word's high byte.
// Combinational (latency 0). The RX front end's whole beat (the checksum it verifies), and the
// TX back end's groups of four words in stage B5 (tlsnic_gcm_back, W = 64); tlsnic_pkg::fold16
// folds the running sum.
module tlsnic_csum_beat #(
  parameter int unsigned W = 512,
  localparam int unsigned B = W / 8
) (
  input  logic [W-1:0] data_i,
  input  logic [B-1:0] mask_i,
  output logic [31:0]  sum_o
);
  always_comb begin
    sum_o = 32'd0;
    for (int k = 0; k < B / 2; k++) begin
      sum_o = sum_o + {16'h0, mask_i[2*k] ? data_i[16*k +: 8] : 8'h0, mask_i[2*k + 1] ? data_i[16*k + 8 +: 8] : 8'h0};
    end
  end
endmodule
