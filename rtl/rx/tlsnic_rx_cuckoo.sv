// tlsnic_rx_cuckoo: flow table v2 of the RX engine (issue 15; models/flow-table.ts and
// docs/rx-engine-model.md section 2.1 are its specification, slot for slot): a bucketized cuckoo
// hash table mapping the 37-byte flow key to a context id, keyed with a secret.
//
// Geometry: NB buckets x 4 ways (4·NB main slots) in two halves, one RAM per half and way:
// bucket b < NB/2 is in half 0, the others in half 1. A key's candidate buckets are h1 (half 0)
// and h2 (half 1) from its Toeplitz hash (tlsnic_rx_toeplitz) under the hash key's window. Plus a
// stash of STASH entries in registers. Slot numbers: 4b + way for a main slot, 4·NB + i for
// stash entry i. Entry: {valid, key, ctx id, hx = h1 ^ h2} (the other bucket of an entry in
// bucket b is b ^ hx). A slot map (N_CTX entries {valid, slot}) gives each context id its slot.
//
// Ports of each RAM: A, the lookup's (read only); B, the command sequencer's (read a bucket or
// write ways). So lookups run one per cycle whatever the sequencer does:
//   * lookup: in cycle t (lk_re_i) the hash of lk_key_i selects h1 and h2 and both are read; in
//     cycle t+1 the 8 ways and the stash are compared with lk_key_b_i (the same key, one stage
//     on): lk_hit_o, lk_cid_o, lk_slot_o (combinational). Priority h1 ways 0..3, h2 ways, stash.
//   * commands, one at a time (cmd_ready_o high in Idle): install (key, ctx id) and delete (ctx
//     id). An install first deletes the id's own entry if it has one (as a delete), then:
//     the key present under another id X -> that entry now names the new id, result Present with
//     X (the caller drops X's context); a free way in h1, else h2 -> Ok; else a breadth-first
//     displacement search (at most MAX_READS bucket reads, paths of at most MAX_PATH moves), the
//     path moved from its end (each entry written to its new slot before its old slot is
//     overwritten, so every entry stays findable) -> Ok; else the lowest free stash entry -> Ok;
//     else Full (nothing written). A delete clears the id's slot; if it is a main slot in bucket B
//     and a stash entry has B as one of its buckets, the lowest such entry moves into it.
//     res_valid_o pulses one cycle at the end with the status, the slot written (Ok / Present) and
//     the other context id (Present: X; Deleted: the deleted id).
// Cycles per install (cmd accepted -> res_valid_o): 4 (a free way in h1/h2) to
// 6 + 2·MAX_READS + (skipped children) + 2·MAX_PATH + 1; docs/architecture.md states the bound
// and bench measures it.
// After reset, and after a new hash key (hk_we_i, which also forgets every entry), a clear sweep
// writes max(NB/2, N_CTX) addresses (busy_o high: no lookup, no command).
module tlsnic_rx_cuckoo #(
  parameter int unsigned NB        = 64,        // buckets, a power of two, 4..16,384
  parameter int unsigned N_CTX     = 256,       // context ids (1..65,536)
  parameter int unsigned STASH     = 4,         // stash entries, 1..16
  parameter int unsigned MAX_PATH  = 4,         // moves per install, 1..4
  parameter int unsigned MAX_READS = 256,       // search reads per install, 1..1,024
  parameter logic [127:0] HASH_KEY = 128'h0f0e0d0c0b0a09080706050403020100,  // after reset (byte j in [8j +: 8])
  localparam int unsigned NH  = NB / 2,
  localparam int unsigned HB  = $clog2(NH),                                // index within a half
  localparam int unsigned BW  = $clog2(NB),                                // bucket number
  localparam int unsigned SLW = BW + 3,                                    // slot number (main: {0, bucket, way})
  localparam int unsigned CW  = (N_CTX > 1) ? $clog2(N_CTX) : 1
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  output logic           busy_o,
  output logic           empty_o,               // no entry (main or stash)
  // hash key
  input  logic           hk_we_i,
  input  logic [127:0]   hk_i,
  // lookup
  input  logic           lk_re_i,
  input  logic [295:0]   lk_key_i,
  input  logic [295:0]   lk_key_b_i,
  output logic           lk_hit_o,
  output logic [15:0]    lk_cid_o,
  output logic [SLW-1:0] lk_slot_o,
  // commands
  input  logic           cmd_valid_i,
  output logic           cmd_ready_o,
  input  logic           cmd_del_i,
  input  logic [15:0]    cmd_cid_i,
  input  logic [295:0]   cmd_key_i,
  output logic           res_valid_o,
  output logic [2:0]     res_status_o,          // Ft* (localparams below)
  output logic [SLW-1:0] res_slot_o,
  output logic [15:0]    res_cid_o
);

  if (NB < 4 || NB > 16384 || (NB & (NB - 1)) != 0) begin : g_bad_nb
    $fatal(1, "tlsnic_rx_cuckoo: NB = %0d; a power of two, 4 to 16,384 buckets", NB);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_rx_cuckoo: N_CTX = %0d; 1 to 65,536 context ids", N_CTX);
  end
  if (STASH < 1 || STASH > 16) begin : g_bad_stash
    $fatal(1, "tlsnic_rx_cuckoo: STASH = %0d; 1 to 16 entries", STASH);
  end
  if (MAX_PATH < 1 || MAX_PATH > 4) begin : g_bad_path
    $fatal(1, "tlsnic_rx_cuckoo: MAX_PATH = %0d; 1 to 4 moves", MAX_PATH);
  end
  if (MAX_READS < 1 || MAX_READS > 1024) begin : g_bad_reads
    $fatal(1, "tlsnic_rx_cuckoo: MAX_READS = %0d; 1 to 1,024 reads", MAX_READS);
  end

  // Command results (res_status_o).
  localparam logic [2:0] FtOk = 3'd0, FtPresent = 3'd1, FtFull = 3'd2, FtDeleted = 3'd3, FtAbsent = 3'd4;

  localparam int unsigned EW  = 1 + 296 + 16 + BW;          // entry {valid, key, cid, hx}
  localparam int unsigned QD  = 1 << $clog2(MAX_READS + 2); // search FIFO: roots + pushes
  localparam int unsigned QW  = $clog2(QD);
  localparam int unsigned NW  = 4 * BW + 8 + 2 + 4 * BW;  // search node (below)
  localparam int unsigned SWP = (NH > N_CTX) ? NH : N_CTX;  // clear sweep length
  localparam int unsigned SPW = $clog2(SWP + 1);
  localparam int unsigned RCW = $clog2(MAX_READS + 1);
  localparam int unsigned SIW = (STASH > 1) ? $clog2(STASH) : 1;   // stash index
  localparam logic [SLW-1:0] StashBase = SLW'(4 * NB);

  // ---------------------------------------------------------------------------------------
  // Hash key window and the clear sweep.
  logic [359:0]   win_q;
  logic           sweep_q;
  logic [SPW-1:0] sweep_idx_q;
  assign busy_o = sweep_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      win_q       <= tlsnic_rx_pkg::ft_window(HASH_KEY);
      sweep_q     <= 1'b1;
      sweep_idx_q <= '0;
    end else if (hk_we_i) begin
      win_q       <= tlsnic_rx_pkg::ft_window(hk_i);
      sweep_q     <= 1'b1;
      sweep_idx_q <= '0;
    end else if (sweep_q) begin
      sweep_idx_q <= sweep_idx_q + 1'b1;
      if (sweep_idx_q == SPW'(SWP - 1)) sweep_q <= 1'b0;
    end
  end

  // Hashes: the lookup's key and the command's key.
  logic [HB-1:0] lk_hi, lk_lo, cm_hi, cm_lo;
  tlsnic_rx_toeplitz #(.HB(HB)) u_lk_hash (.win_i(win_q), .key_i(lk_key_i), .hi_o(lk_hi), .lo_o(lk_lo));
  tlsnic_rx_toeplitz #(.HB(HB)) u_cm_hash (.win_i(win_q), .key_i(cmd_key_i), .hi_o(cm_hi), .lo_o(cm_lo));

  /* verilator lint_off UNUSEDSIGNAL */   // the helper functions read fields of their arguments
  // ---------------------------------------------------------------------------------------
  // Slots and buckets: a main slot is {0, bucket, way}; a bucket's top bit is its half, the rest
  // its index in the half's RAMs.
  function automatic logic [SLW-1:0] slot_of(input logic [BW-1:0] b, input logic [1:0] w);
    slot_of = {1'b0, b, w};
  endfunction
  function automatic logic [BW-1:0] s_bucket(input logic [SLW-1:0] sl);
    s_bucket = sl[BW+1:2];
  endfunction

  // ---------------------------------------------------------------------------------------
  // The RAMs: half h, way w. Port A reads the lookup's bucket; port B reads a bucket or writes
  // the ways in b_wmask (the sequencer, or the sweep). Per half h: b_re[h], b_we[h],
  // b_idx[h·HB +: HB], b_wmask[4h +: 4], b_wd[h·EW +: EW].
  logic [1:0]      b_re, b_we;
  logic [2*HB-1:0] b_idx;
  logic [7:0]      b_wmask;
  logic [2*EW-1:0] b_wd;
  logic [8*EW-1:0] rda, rdb;              // way (h, w) at [(4h + w)·EW +: EW]
  logic [2*HB-1:0] a_idx;
  assign a_idx = {lk_lo, lk_hi};

  for (genvar h = 0; h < 2; h++) begin : g_half
    for (genvar w = 0; w < 4; w++) begin : g_way
      // Block RAM (issue 16): at the design point (NB = 16,384) the eight way RAMs take 592 RAMB36
      // here, which leaves the UltraRAM to the per-context tables (as URAM288 they took 80 of the
      // 960 and pushed TX + RX past 60 %). The attribute only steers the mapping; the RAM's
      // behaviour is the same either way (`tlsnic memory` reports both kinds).
      (* ram_style = "block" *) logic [EW-1:0] mem_q [NH];
      logic [EW-1:0] a_q, b_q;
      always_ff @(posedge clk_i) begin
        if (lk_re_i) a_q <= mem_q[a_idx[h * HB +: HB]];
        if (b_re[h]) b_q <= mem_q[b_idx[h * HB +: HB]];
        if (b_we[h] && b_wmask[4 * h + w]) mem_q[b_idx[h * HB +: HB]] <= b_wd[h * EW +: EW];
      end
      assign rda[(4 * h + w) * EW +: EW] = a_q;
      assign rdb[(4 * h + w) * EW +: EW] = b_q;
    end
  end

  // Entry fields.
  function automatic logic e_valid(input logic [EW-1:0] e);
    e_valid = e[EW-1];
  endfunction
  function automatic logic [295:0] e_key(input logic [EW-1:0] e);
    e_key = e[EW-2 -: 296];
  endfunction
  function automatic logic [15:0] e_cid(input logic [EW-1:0] e);
    e_cid = e[BW +: 16];
  endfunction
  function automatic logic [BW-1:0] e_hx(input logic [EW-1:0] e);
    e_hx = e[BW-1:0];
  endfunction
  // Way w of the bucket b read on port B in the cycle before (b's half selects the RAM).
  function automatic logic [EW-1:0] way_of(input logic [8*EW-1:0] rd, input logic [BW-1:0] b, input logic [1:0] w);
    way_of = rd[{b[BW-1], w} * EW +: EW];
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------------------------------
  // The stash (registers; entry i at [i·width +: width]) and the slot map (a RAM, synchronous
  // read, {valid, slot} per context id).
  logic [STASH-1:0]     st_v_q;
  logic [STASH*296-1:0] st_key_q;
  logic [STASH*16-1:0]  st_cid_q;
  logic [STASH*BW-1:0]  st_b1_q, st_b2_q;

  logic [SLW:0]   smap_q [N_CTX];
  logic [SLW:0]   smap_rd_q;
  logic           smap_re, smap_we;
  logic [CW-1:0]  smap_ra, smap_wa;
  logic [SLW:0]   smap_wd;
  always_ff @(posedge clk_i) begin
    if (smap_re) smap_rd_q <= smap_q[smap_ra];
    if (smap_we) smap_q[smap_wa] <= smap_wd;
  end

  // ---------------------------------------------------------------------------------------
  // Lookup compare (cycle t+1). The buckets read are kept for the slot number.
  logic [2*BW-1:0] lk_b_q;
  always_ff @(posedge clk_i) begin
    if (lk_re_i) lk_b_q <= {1'b1, lk_lo, 1'b0, lk_hi};
  end
  always_comb begin
    lk_hit_o  = 1'b0;
    lk_cid_o  = '0;
    lk_slot_o = '0;
    for (int i = STASH - 1; i >= 0; i--) begin
      if (st_v_q[i] && st_key_q[i * 296 +: 296] == lk_key_b_i) begin
        lk_hit_o  = 1'b1;
        lk_cid_o  = st_cid_q[i * 16 +: 16];
        lk_slot_o = StashBase + SLW'(i);
      end
    end
    for (int j = 7; j >= 0; j--) begin
      if (e_valid(rda[j * EW +: EW]) && e_key(rda[j * EW +: EW]) == lk_key_b_i) begin
        lk_hit_o  = 1'b1;
        lk_cid_o  = e_cid(rda[j * EW +: EW]);
        lk_slot_o = slot_of(lk_b_q[(j / 4) * BW +: BW], 2'(j % 4));
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The command sequencer.
  typedef enum logic [3:0] {   // 15 steps
    SIdle, SMap, SDrain, SUnstash, SRead, SProbe, SPresent, SRoot, SBfs, SEval, SMvRead, SMvWrite, SPlace,
    SStash, SDone
  } seq_e;
  seq_e           s_q;
  logic           c_del_q;
  logic [15:0]    c_cid_q, x_cid_q;
  logic [295:0]   c_key_q;
  logic [BW-1:0]  h1_q, h2_q;
  logic [SLW-1:0] c_slot_q;               // the slot freed (SDrain) / written (the result)
  logic [SIW-1:0] drain_q;                // the stash entry that moves (SDrain)
  logic [2:0]     status_q;
  // search: the FIFO of nodes {path buckets pb[0..3], path ways pw[0..3], depth, hx of the 4 ways}
  logic [NW-1:0]  q_q [QD];
  logic [QW:0]    head_q, tail_q;
  logic [1:0]     w_q;                    // the way of the head node being expanded
  logic [RCW-1:0] reads_q;
  logic [BW-1:0]  child_q;
  // the path found: slots (pb_q[j], pw_q[j]), j = 0..k; mj_q the move being done
  logic [5*BW-1:0] pb_q;
  logic [9:0]      pw_q;
  logic [2:0]      mj_q;

  // Node fields (pb[i] at [NW-1-i·BW -: BW], pw[i] at [4·BW + 2 + 2i +: 2], depth at [4·BW +: 2],
  // hx[i] at [i·BW +: BW]).
  logic [NW-1:0]   node;
  logic [4*BW-1:0] n_pb;                  // pb[i] at [i·BW +: BW]
  logic [7:0]      n_pw;
  logic [1:0]      n_d;
  logic [4*BW-1:0] n_hx;
  assign node = q_q[head_q[QW-1:0]];
  always_comb begin
    for (int i = 0; i < 4; i++) n_pb[i * BW +: BW] = node[NW - 1 - i * BW -: BW];
    n_pw = node[4 * BW + 2 +: 8];
    n_d  = node[4 * BW +: 2];
    n_hx = node[4 * BW - 1 : 0];
  end
  function automatic logic [NW-1:0] mk_node(input logic [4*BW-1:0] pb, input logic [7:0] pw,
                                            input logic [1:0] d, input logic [4*BW-1:0] hx);
    logic [NW-1:0] n;
    for (int i = 0; i < 4; i++) n[NW - 1 - i * BW -: BW] = pb[i * BW +: BW];
    n[4 * BW + 2 +: 8] = pw;
    n[4 * BW +: 2] = d;
    n[4 * BW - 1 : 0] = hx;
    mk_node = n;
  endfunction
  // The hx values of bucket b's 4 ways, as read on port B.
  function automatic logic [4*BW-1:0] hx_of(input logic [8*EW-1:0] rd, input logic [BW-1:0] b);
    for (int i = 0; i < 4; i++) hx_of[i * BW +: BW] = e_hx(way_of(rd, b, 2'(i)));
  endfunction

  // Probe of h1 and h2 (SProbe): the key present (h1 ways, h2 ways, stash), the lowest free way.
  logic           p_hit, p_free, p_in_stash;
  logic [SLW-1:0] p_slot, p_free_slot;
  logic [15:0]    p_cid;
  logic [SIW-1:0] p_stash;
  always_comb begin
    p_hit = 1'b0; p_slot = '0; p_cid = '0; p_stash = '0; p_in_stash = 1'b0;
    for (int i = STASH - 1; i >= 0; i--) begin
      if (st_v_q[i] && st_key_q[i * 296 +: 296] == c_key_q) begin
        p_hit = 1'b1; p_slot = StashBase + SLW'(i); p_cid = st_cid_q[i * 16 +: 16];
        p_stash = SIW'(i); p_in_stash = 1'b1;
      end
    end
    for (int j = 7; j >= 0; j--) begin
      if (e_valid(rdb[j * EW +: EW]) && e_key(rdb[j * EW +: EW]) == c_key_q) begin
        p_hit = 1'b1; p_slot = slot_of((j < 4) ? h1_q : h2_q, 2'(j % 4));
        p_cid = e_cid(rdb[j * EW +: EW]); p_in_stash = 1'b0;
      end
    end
    p_free = 1'b0; p_free_slot = '0;
    for (int j = 7; j >= 0; j--) begin
      if (!e_valid(rdb[j * EW +: EW])) begin
        p_free = 1'b1; p_free_slot = slot_of((j < 4) ? h1_q : h2_q, 2'(j % 4));
      end
    end
  end

  // Search step (SBfs): the child of the head node's way w_q; skipped when it is a root or on
  // the node's path.
  logic [BW-1:0] ch;
  logic          ch_skip;
  always_comb begin
    ch = n_pb[n_d * BW +: BW] ^ n_hx[w_q * BW +: BW];
    ch_skip = ch == h1_q || ch == h2_q;
    for (int i = 0; i < 4; i++) if (32'(i) <= 32'(n_d) && n_pb[i * BW +: BW] == ch) ch_skip = 1'b1;
  end

  // Evaluation (SEval): the lowest free way of the child read.
  logic       ev_free;
  logic [1:0] ev_way;
  always_comb begin
    ev_free = 1'b0; ev_way = '0;
    for (int w = 3; w >= 0; w--) begin
      if (!e_valid(way_of(rdb, child_q, 2'(w)))) begin ev_free = 1'b1; ev_way = 2'(w); end
    end
  end

  // The node pushed in SEval: the head's path with the child appended, the child's hx values.
  logic [4*BW-1:0] push_pb;
  logic [7:0]      push_pw;
  always_comb begin
    push_pb = n_pb;
    push_pw = n_pw;
    if (n_d != 2'd3) push_pb[(32'(n_d) + 1) * BW +: BW] = child_q;
    push_pw[n_d * 2 +: 2] = w_q;
  end

  // The lowest stash entry with the freed main slot's bucket as one of its two; the lowest free.
  logic [BW-1:0] del_b;
  logic          dr_any, sf_any;
  logic [SIW-1:0] dr_idx, sf_idx;
  assign del_b = s_bucket(smap_rd_q[SLW-1:0]);
  always_comb begin
    dr_any = 1'b0; dr_idx = '0; sf_any = 1'b0; sf_idx = '0;
    for (int i = STASH - 1; i >= 0; i--) begin
      if (st_v_q[i] && (st_b1_q[i * BW +: BW] == del_b || st_b2_q[i * BW +: BW] == del_b)) begin
        dr_any = 1'b1; dr_idx = SIW'(i);
      end
      if (!st_v_q[i]) begin sf_any = 1'b1; sf_idx = SIW'(i); end
    end
  end

  logic [EW-1:0]  new_e, drain_e, mv_e;
  assign new_e   = {1'b1, c_key_q, c_cid_q, h1_q ^ h2_q};
  assign drain_e = {1'b1, st_key_q[drain_q * 296 +: 296], st_cid_q[drain_q * 16 +: 16],
                    st_b1_q[drain_q * BW +: BW] ^ st_b2_q[drain_q * BW +: BW]};
  logic [BW-1:0]  mv_from_b, mv_to_b;
  logic [1:0]     mv_from_w, mv_to_w;
  assign mv_from_b = pb_q[mj_q * BW +: BW];
  assign mv_from_w = pw_q[mj_q * 2 +: 2];
  assign mv_to_b   = pb_q[(32'(mj_q) + 1) * BW +: BW];
  assign mv_to_w   = pw_q[(32'(mj_q) + 1) * 2 +: 2];
  assign mv_e      = way_of(rdb, mv_from_b, mv_from_w);
  logic           map_v, map_main;        // the id's slot (SMap): valid, a main slot
  logic [SLW-1:0] map_slot;
  logic [SIW-1:0] map_stash;
  assign map_v     = smap_rd_q[SLW];
  assign map_slot  = smap_rd_q[SLW-1:0];
  assign map_main  = map_slot < StashBase;
  assign map_stash = SIW'(map_slot - StashBase);

  assign cmd_ready_o = s_q == SIdle && !sweep_q;
  logic [SLW:0] count_q;                  // valid entries
  assign empty_o = count_q == '0;

  // Search FIFO writes (a RAM without reset): the roots in SProbe and SRoot, a pushed node in SEval.
  logic          q_we;
  logic [QW-1:0] q_wa;
  logic [NW-1:0] q_wd;
  always_comb begin
    q_we = 1'b0;
    q_wa = tail_q[QW-1:0];
    q_wd = mk_node(push_pb, push_pw, n_d + 2'd1, hx_of(rdb, child_q));
    if (!sweep_q) begin
      if (s_q == SProbe && !p_hit && !p_free) begin
        q_we = 1'b1; q_wa = '0; q_wd = mk_node({{(3*BW){1'b0}}, h1_q}, '0, '0, hx_of(rdb, h1_q));
      end else if (s_q == SRoot) begin
        q_we = 1'b1; q_wa = QW'(1); q_wd = mk_node({{(3*BW){1'b0}}, h2_q}, '0, '0, hx_of(rdb, h2_q));
      end else if (s_q == SEval && !ev_free && {1'b0, n_d} + 3'd1 < 3'(MAX_PATH)) begin
        q_we = 1'b1;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (q_we) q_q[q_wa] <= q_wd;
  end

  // Port B and slot-map accesses of each step (the sweep's, while it runs).
  task automatic b_write(input logic [SLW-1:0] sl, input logic [EW-1:0] e);
    b_we[sl[BW+1]] = 1'b1;
    b_idx[sl[BW+1] * HB +: HB] = sl[HB+1:2];
    b_wmask[{sl[BW+1], sl[1:0]}] = 1'b1;
    b_wd[sl[BW+1] * EW +: EW] = e;
  endtask

  always_comb begin
    b_re = '0; b_we = '0; b_wmask = '0;
    b_idx = {h2_q[HB-1:0], h1_q[HB-1:0]};
    b_wd = {new_e, new_e};
    smap_re = 1'b0; smap_ra = cmd_cid_i[CW-1:0];
    smap_we = 1'b0; smap_wa = c_cid_q[CW-1:0]; smap_wd = '0;
    if (sweep_q) begin
      b_we    = {2{sweep_idx_q < SPW'(NH)}};
      b_idx   = {2{HB'(sweep_idx_q)}};
      b_wmask = 8'hff;
      b_wd    = '0;
      smap_we = sweep_idx_q < SPW'(N_CTX); smap_wa = CW'(sweep_idx_q);
    end else begin
      case (s_q)
        SIdle: smap_re = cmd_valid_i;
        SMap: if (map_v) begin                                  // the id's own entry goes
          smap_we = 1'b1;
          if (map_main) b_write(map_slot, '0);
        end
        SDrain: begin                                           // a stash entry into the freed slot
          b_write(c_slot_q, drain_e);
          smap_we = 1'b1; smap_wa = CW'(st_cid_q[drain_q * 16 +: 16]); smap_wd = {1'b1, c_slot_q};
        end
        SRead: b_re = 2'b11;
        SProbe: begin
          if (p_hit) begin                                      // the entry names the new id
            if (!p_in_stash) b_write(p_slot, new_e);
            smap_we = 1'b1; smap_wd = {1'b1, p_slot};
          end else if (p_free) begin
            b_write(p_free_slot, new_e);
            smap_we = 1'b1; smap_wd = {1'b1, p_free_slot};
          end
        end
        SPresent: begin smap_we = 1'b1; smap_wa = CW'(x_cid_q); smap_wd = '0; end
        SBfs: if (head_q != tail_q && !ch_skip && reads_q != RCW'(MAX_READS)) begin
          b_re[ch[BW-1]] = 1'b1; b_idx[ch[BW-1] * HB +: HB] = ch[HB-1:0];
        end
        SMvRead: begin
          b_re[mv_from_b[BW-1]] = 1'b1; b_idx[mv_from_b[BW-1] * HB +: HB] = mv_from_b[HB-1:0];
        end
        SMvWrite: begin                                         // the entry at s_j into s_j+1
          b_write(slot_of(mv_to_b, mv_to_w), mv_e);
          smap_we = 1'b1; smap_wa = CW'(e_cid(mv_e)); smap_wd = {1'b1, slot_of(mv_to_b, mv_to_w)};
        end
        SPlace: begin
          b_write(slot_of(pb_q[BW-1:0], pw_q[1:0]), new_e);
          smap_we = 1'b1; smap_wd = {1'b1, slot_of(pb_q[BW-1:0], pw_q[1:0])};
        end
        SStash: if (sf_any) begin smap_we = 1'b1; smap_wd = {1'b1, StashBase + SLW'(sf_idx)}; end
        default: ;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s_q <= SIdle;
      c_del_q <= 1'b0; c_cid_q <= '0; x_cid_q <= '0; c_key_q <= '0; h1_q <= '0; h2_q <= '0;
      c_slot_q <= '0; drain_q <= '0; status_q <= '0;
      head_q <= '0; tail_q <= '0; w_q <= '0; reads_q <= '0; child_q <= '0; mj_q <= '0;
      pb_q <= '0; pw_q <= '0;
      st_v_q <= '0; st_key_q <= '0; st_cid_q <= '0; st_b1_q <= '0; st_b2_q <= '0;
      res_valid_o <= 1'b0; res_status_o <= '0; res_slot_o <= '0; res_cid_o <= '0;
      count_q <= '0;
    end else begin
      res_valid_o <= 1'b0;
      // entries: - the id's own (SMap), + one placed (SProbe free way, SPlace, SStash)
      if (sweep_q) count_q <= '0;
      else if (s_q == SMap && map_v) count_q <= count_q - 1'b1;
      else if ((s_q == SProbe && !p_hit && p_free) || s_q == SPlace || (s_q == SStash && sf_any)) count_q <= count_q + 1'b1;
      if (sweep_q) begin
        st_v_q <= '0;
        s_q    <= SIdle;
      end else begin
        case (s_q)
          SIdle: if (cmd_valid_i) begin
            c_del_q <= cmd_del_i; c_cid_q <= cmd_cid_i; c_key_q <= cmd_key_i; x_cid_q <= cmd_cid_i;
            h1_q <= {1'b0, cm_hi};
            h2_q <= {1'b1, cm_lo};
            s_q <= SMap;
          end
          SMap: begin
            status_q <= map_v ? FtDeleted : FtAbsent;
            c_slot_q <= map_slot;
            drain_q  <= dr_idx;
            if (map_v && !map_main) st_v_q[map_stash] <= 1'b0;
            if (map_v && map_main && dr_any) s_q <= SDrain;
            else s_q <= c_del_q ? SDone : SRead;
          end
          SDrain: s_q <= SUnstash;
          SUnstash: begin      // a cycle after the main slot is written: a lookup sees one of them
            st_v_q[drain_q] <= 1'b0;
            s_q <= c_del_q ? SDone : SRead;
          end
          SRead: s_q <= SProbe;
          SProbe: begin
            if (p_hit) begin
              if (p_in_stash) st_cid_q[p_stash * 16 +: 16] <= c_cid_q;
              x_cid_q <= p_cid; c_slot_q <= p_slot; status_q <= FtPresent;
              s_q <= SPresent;
            end else if (p_free) begin
              c_slot_q <= p_free_slot; status_q <= FtOk; s_q <= SDone;
            end else begin
              head_q <= '0; tail_q <= (QW+1)'(2); w_q <= '0; reads_q <= '0;
              s_q <= SRoot;
            end
          end
          SPresent: s_q <= SDone;
          SRoot: begin
            s_q <= SBfs;
          end
          SBfs: begin
            if (head_q == tail_q || (!ch_skip && reads_q == RCW'(MAX_READS))) begin
              s_q <= SStash;
            end else if (ch_skip) begin
              w_q <= w_q + 1'b1;
              if (w_q == 2'd3) head_q <= head_q + 1'b1;
            end else begin
              reads_q <= reads_q + 1'b1; child_q <= ch; s_q <= SEval;
            end
          end
          SEval: begin
            if (ev_free) begin
              // the path: the head's buckets and ways, its way w_q, then (child, free way)
              pb_q <= {{BW{1'b0}}, n_pb};
              pw_q <= {2'b0, n_pw};
              pw_q[n_d * 2 +: 2] <= w_q;
              pb_q[(32'(n_d) + 1) * BW +: BW] <= child_q;
              pw_q[(32'(n_d) + 1) * 2 +: 2] <= ev_way;
              mj_q <= {1'b0, n_d};
              s_q <= SMvRead;
            end else begin
              if ({1'b0, n_d} + 3'd1 < 3'(MAX_PATH)) begin
                tail_q <= tail_q + 1'b1;
              end
              w_q <= w_q + 1'b1;
              if (w_q == 2'd3) head_q <= head_q + 1'b1;
              s_q <= SBfs;
            end
          end
          SMvRead: s_q <= SMvWrite;
          SMvWrite: begin
            if (mj_q == 3'd0) s_q <= SPlace;
            else begin mj_q <= mj_q - 1'b1; s_q <= SMvRead; end
          end
          SPlace: begin
            c_slot_q <= slot_of(pb_q[BW-1:0], pw_q[1:0]); status_q <= FtOk; s_q <= SDone;
          end
          SStash: begin
            if (sf_any) begin
              st_v_q[sf_idx] <= 1'b1;
              st_key_q[sf_idx * 296 +: 296] <= c_key_q;
              st_cid_q[sf_idx * 16 +: 16] <= c_cid_q;
              st_b1_q[sf_idx * BW +: BW] <= h1_q;
              st_b2_q[sf_idx * BW +: BW] <= h2_q;
              c_slot_q <= StashBase + SLW'(sf_idx); status_q <= FtOk;
            end else begin
              c_slot_q <= '0; status_q <= FtFull;
            end
            s_q <= SDone;
          end
          SDone: begin
            res_valid_o <= 1'b1; res_status_o <= status_q; res_slot_o <= c_slot_q; res_cid_o <= x_cid_q;
            s_q <= SIdle;
          end
          default: s_q <= SIdle;
        endcase
      end
    end
  end

endmodule
