// tlsnic_rx_toeplitz: the keyed hash of the RX flow table (models/flow-table.ts): the RSS
// Toeplitz hash of the 37-byte flow key with the 360-bit window of the hash key, at window
// offsets 0 (hi) and 32 (lo); only the low HB bits of each are produced (the bucket index
// within a half of the table). Bit k of hi (k = 0 least significant) is the XOR over the key bits
// b_i (i = 0 the most significant bit of byte 0) of b_i & w[i + 31 - k]; lo uses w[i + 63 - k].
// Each output bit is one reduction XOR of 296 AND terms (a balanced tree in synthesis).
// Combinational.
/* verilator lint_off UNUSEDSIGNAL */   // window bits past the last output bit's reach are unused when HB < 32
module tlsnic_rx_toeplitz #(
  parameter int unsigned HB = 13               // output bits of hi and of lo (1..32)
) (
  input  logic [359:0]  win_i,                 // window bit n in [n]
  input  logic [295:0]  key_i,                 // key byte p in [8p +: 8]
  output logic [HB-1:0] hi_o,
  output logic [HB-1:0] lo_o
);

  if (HB < 1 || HB > 32) begin : g_bad_hb
    $fatal(1, "tlsnic_rx_toeplitz: HB = %0d; 1 to 32 output bits", HB);
  end

  logic [295:0] kb;                            // key bit i (MSB-first order) in [i]
  always_comb begin
    for (int i = 0; i < 296; i++) kb[i] = key_i[8 * (i / 8) + 7 - (i % 8)];
  end

  for (genvar k = 0; k < HB; k++) begin : g_bit
    assign hi_o[k] = ^(kb & win_i[31 - k +: 296]);
    assign lo_o[k] = ^(kb & win_i[63 - k +: 296]);
  end

endmodule
/* verilator lint_on UNUSEDSIGNAL */
