// tlsnic_rx_flow_table: the RX engine's flow table, which maps a connection's 4-tuple (the 37-byte
// flow key, models/flow-hash.ts) to its context id. BUCKETS x WAYS entries {valid, key, ctx id},
// one RAM per way; the bucket of a key is the low bits of its CRC-32 (tlsnic_rx_pkg::crc32_key).
//
// One read port (a whole bucket, registered: rd_q is valid the cycle after rd_en_i) serves both
// users of the table in the front end (tlsnic_rx_front):
//   * the lookup: FK reads the bucket of the key it holds (lk_bucket_o); one cycle later FB
//     compares the ways with that key (lk_key_i): lk_hit_o, lk_cid_o (combinational);
//   * the install sequencer: it reads the bucket of the installed tuple (in_bucket_o) and probes
//     it (combinational): a way holding the same tuple (in_hit_o: the context to evict), or a
//     free way (in_free_o). The entry of the id being re-installed (in_skip_i, in_skip_slot_i)
//     counts as free: the sequencer frees it in the same install.
// The lowest matching way wins in both. One write port (one way of a bucket). After reset a clear
// sweep writes every entry invalid, one bucket per cycle (BUCKETS cycles, busy_o high; the front
// end accepts no frame meanwhile, so the sweep owns the write port).
// Lookups never race writes: the front end admits no frame behind a control frame until the
// control frame is done.
module tlsnic_rx_flow_table #(
  parameter int unsigned BUCKETS = 256,
  parameter int unsigned WAYS    = 4,
  localparam int unsigned BKW = (BUCKETS > 1) ? $clog2(BUCKETS) : 1,
  localparam int unsigned WYW = (WAYS > 1) ? $clog2(WAYS) : 1,
  localparam int unsigned FEW = 1 + 296 + 16             // entry: valid, key, ctx id
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  output logic           busy_o,          // clear sweep in progress
  // read port
  input  logic           rd_en_i,
  input  logic [BKW-1:0] rd_bucket_i,
  // write port
  input  logic           wr_en_i,
  input  logic [BKW-1:0] wr_bucket_i,
  input  logic [WYW-1:0] wr_way_i,
  input  logic [FEW-1:0] wr_entry_i,      // {valid, key, ctx id}
  // lookup
  input  logic [295:0]   lk_key_in_i,     // the key whose bucket to read (FK)
  output logic [BKW-1:0] lk_bucket_o,
  input  logic [295:0]   lk_key_i,        // the key compared with the bucket read (FB)
  output logic           lk_hit_o,
  output logic [15:0]    lk_cid_o,
  // install probe
  input  logic [295:0]   in_key_i,
  output logic [BKW-1:0] in_bucket_o,
  input  logic           in_skip_i,       // the entry at in_skip_slot_i is being freed
  input  logic [19:0]    in_skip_slot_i,  // bucket * WAYS + way
  output logic           in_hit_o,
  output logic [WYW-1:0] in_hitway_o,
  output logic [15:0]    in_cid_o,        // the context holding the tuple (in_hit_o)
  output logic           in_free_o,
  output logic [WYW-1:0] in_freeway_o
);

  if (BUCKETS < 1 || (BUCKETS & (BUCKETS - 1)) != 0) begin : g_bad_buckets
    $fatal(1, "tlsnic_rx_flow_table: BUCKETS = %0d; the bucket index is low hash bits, BUCKETS must be a power of two", BUCKETS);
  end
  if (WAYS < 1 || WAYS > 16 || BUCKETS * WAYS > (1 << 20)) begin : g_bad_ways
    $fatal(1, "tlsnic_rx_flow_table: WAYS = %0d, BUCKETS = %0d; 1 <= WAYS <= 16 and BUCKETS * WAYS <= 2^20", WAYS, BUCKETS);
  end

  // Clear sweep.
  localparam int unsigned SWW = $clog2(BUCKETS + 1);
  logic           init_q;
  logic [SWW-1:0] init_idx_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      init_q     <= 1'b1;
      init_idx_q <= '0;
    end else if (init_q) begin
      init_idx_q <= init_idx_q + 1'b1;
      if (init_idx_q == SWW'(BUCKETS - 1)) init_q <= 1'b0;
    end
  end
  assign busy_o = init_q;

  logic [WAYS*FEW-1:0] rd_q;      // the bucket's ways, way w at [w*FEW +: FEW]
  logic                port_we, port_all;
  logic [BKW-1:0]      port_wa;
  logic [FEW-1:0]      port_wd;
  always_comb begin
    port_we  = wr_en_i;
    port_all = 1'b0;
    port_wa  = wr_bucket_i;
    port_wd  = wr_entry_i;
    if (init_q) begin
      port_we  = 1'b1;
      port_all = 1'b1;
      port_wa  = init_idx_q[BKW-1:0];
      port_wd  = '0;
    end
  end

  for (genvar w = 0; w < WAYS; w++) begin : g_way
    logic [FEW-1:0] mem_q [BUCKETS];
    always_ff @(posedge clk_i) begin
      if (rd_en_i) rd_q[w*FEW +: FEW] <= mem_q[rd_bucket_i];
      if (port_we && (port_all || wr_way_i == WYW'(w))) mem_q[port_wa] <= port_wd;
    end
  end

  logic [31:0] lk_crc, in_crc;
  assign lk_crc      = tlsnic_rx_pkg::crc32_key(lk_key_in_i);
  assign in_crc      = tlsnic_rx_pkg::crc32_key(in_key_i);
  assign lk_bucket_o = lk_crc[BKW-1:0];
  assign in_bucket_o = in_crc[BKW-1:0];

  always_comb begin
    lk_hit_o = 1'b0;
    lk_cid_o = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      if (rd_q[w*FEW + FEW - 1] && rd_q[w*FEW + 16 +: 296] == lk_key_i) begin
        lk_hit_o = 1'b1;
        lk_cid_o = rd_q[w*FEW +: 16];
      end
    end
  end

  always_comb begin
    in_hit_o     = 1'b0;
    in_free_o    = 1'b0;
    in_hitway_o  = '0;
    in_freeway_o = '0;
    in_cid_o     = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      logic v;
      v = rd_q[w*FEW + FEW - 1] && !(in_skip_i && in_skip_slot_i == 20'({in_bucket_o, WYW'(w)}));
      if (v && rd_q[w*FEW + 16 +: 296] == in_key_i) begin
        in_hit_o    = 1'b1;
        in_hitway_o = WYW'(w);
        in_cid_o    = rd_q[w*FEW +: 16];
      end
      if (!v) begin
        in_free_o    = 1'b1;
        in_freeway_o = WYW'(w);
      end
    end
  end

  logic unused_crc;   // only the low BKW bits index a bucket
  assign unused_crc = ^{lk_crc[31:BKW], in_crc[31:BKW]};

endmodule
