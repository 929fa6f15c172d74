// tlsnic_frame_buf: store-and-forward output buffer of both engines, one module with feature
// switches (TX: DROP and PATCH; RX: ALT, EVENTS and RELEASE).
//
// Frame beats are written as the engine produces them; a frame becomes visible on the AXI-Stream
// output only once its end is written (end_i with end_keep_i = 1), then leaves whole, frames in
// write order. Without a feature switch that is all; each switch adds one thing:
//   DROP    end_i with end_keep_i = 0 rolls the write pointer back: a dropped frame never leaves,
//           not even partly (TX: a packet that must not leave). Without DROP, end_keep_i = 0 marks
//           a frame end with nothing to send (no beats, no event): nothing is queued.
//   PATCH   16 bits (end_csum_i) are patched in on the way out at beat end_csum_beat_i, byte lane
//           end_csum_lane_i (big-endian: [15:8] in that lane) when end_fix_i (TX: the TCP checksum,
//           computed over the whole rewritten packet but stored in its header, which is why the
//           engine must hold a whole packet before sending it).
//   ALT     every beat is stored in two versions, wr_data_i and wr_alt_i; the frame end's
//           end_mark_i selects wr_alt_i's version for the whole frame (RX: the decrypted version,
//           sent only when every record ending in the packet authenticated and its checksums are
//           good). m_tuser_o[2] is the mark.
//   EVENTS  a frame end may carry an event (end_ev_i, 16 bytes end_evdata_i, byte 0 in [7:0]) that
//           leaves as a one-beat frame of its own (m_tkeep 16 bytes, m_tuser_o[1:0] = 1)
//           immediately before the frame's beats, or alone for an end without beats (RX: resync
//           request, install result; a control frame carries only its event).
//   RELEASE a frame longer than MAX_BEATS beats is released as it goes: once it passes MAX_BEATS
//           its beats so far, and from then on each beat, leave unchanged (first version, no
//           mark) without waiting for its end, so the buffer never has to hold it whole (RX: an
//           oversize packet, which is never modified).
// DROP and PATCH cannot be combined with RELEASE (a released beat has left before the frame end
// that would drop or patch it). A switch that is off leaves no logic: its registers sit in a
// generate block that is not built and its inputs are unused.
// Output tuser (every beat of a frame): [1:0] kind (0 frame, 1 event), [2] the ALT version (0
// without ALT and EVENTS).
//
// Storage: DEPTH beats of W + W/8 bits (2W + W/8 with ALT; a RAM with a synchronous read) and a
// descriptor FIFO of DEPTH entries (asynchronous read: distributed RAM) holding each frame's end
// address and its side data (last, mark, event, patch). free_o counts the beats not yet written
// (committed or not); with EVENTS, whose lone events take a descriptor and no beat, the beats or
// descriptors still free, whichever is fewer. The engine stops its pipeline while free_o is
// below the number of beats it may still have in flight.
// Latency: a frame's first output beat (its event, if any) appears on m_tvalid_o 3 cycles after
// its end is written; beats then stream at one per cycle while m_tready_i is high.
// Assertions (simulation only, `ifndef SYNTHESIS; docs/architecture.md "Assertions"): the output
// AXI-Stream rules (tuser constant within a frame, an event one beat of 16 bytes, without RELEASE
// frames of at most MAX_BEATS beats), no write into a full buffer, no read of a beat whose frame
// end (or release) was not written.
module tlsnic_frame_buf #(
  parameter int unsigned W         = 512,
  parameter int unsigned DEPTH     = 512,             // beats, a power of two
  parameter int unsigned MAX_BEATS = 150,             // beats of the longest frame held whole
  parameter bit          DROP      = 1'b0,            // end_keep_i = 0 drops the frame (TX)
  parameter bit          PATCH     = 1'b0,            // checksum patch on the way out (TX)
  parameter bit          ALT       = 1'b0,            // two versions, selected by the mark (RX)
  parameter bit          EVENTS    = 1'b0,            // event beat before / instead of a frame (RX)
  parameter bit          RELEASE   = 1'b0,            // frames past MAX_BEATS leave as they go (RX)
  localparam int unsigned B  = W / 8,
  localparam int unsigned PB = $clog2(B) + 1,
  localparam int unsigned AW = $clog2(DEPTH)
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  // write side
  input  logic          wr_i,
  input  logic [W-1:0]  wr_data_i,      // the beat (RX: as received)
  input  logic [W-1:0]  wr_alt_i,       // ALT: its second version (RX: record payloads decrypted)
  input  logic [B-1:0]  wr_keep_i,
  input  logic          end_i,          // frame end (with or after its last beat, or alone)
  input  logic          end_keep_i,     // 1: the frame leaves; 0: DROP drops it / nothing to send
  input  logic          end_mark_i,     // ALT: send the second version
  input  logic          end_ev_i,       // EVENTS: an event frame precedes the frame
  input  logic [127:0]  end_evdata_i,   // its 16 bytes, byte 0 in [7:0]
  input  logic          end_fix_i,      // PATCH: patch the checksum
  input  logic [15:0]   end_csum_i,
  input  logic [13:0]   end_csum_beat_i,
  input  logic [PB-1:0] end_csum_lane_i,
  output logic [AW:0]   free_o,
  // output stream
  output logic          m_tvalid_o,
  input  logic          m_tready_i,
  output logic [W-1:0]  m_tdata_o,
  output logic [B-1:0]  m_tkeep_o,
  output logic          m_tlast_o,
  output logic [2:0]    m_tuser_o
);

  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_frame_buf: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0 || DEPTH < 2 * MAX_BEATS) begin : g_bad_depth
    $fatal(1, "tlsnic_frame_buf: DEPTH = %0d; a power of two holding two frames of MAX_BEATS = %0d", DEPTH, MAX_BEATS);
  end
  if (MAX_BEATS < 1 || MAX_BEATS > 16383) begin : g_bad_max
    $fatal(1, "tlsnic_frame_buf: MAX_BEATS = %0d; 1 to 16,383 (14-bit beat counts)", MAX_BEATS);
  end
  if (RELEASE && (DROP || PATCH)) begin : g_bad_release
    $fatal(1, "tlsnic_frame_buf: RELEASE with DROP = %0d / PATCH = %0d; a released beat leaves before the frame end that would drop or patch it", DROP, PATCH);
  end

  // Beat word: {keep, second version (ALT), beat}.
  localparam int unsigned DW = (ALT ? 2 * W : W) + B;
  // Descriptor: {end address, last (RELEASE), mark (ALT), event flag + bytes (EVENTS), patch
  // (PATCH): fix, checksum, beat, lane}; a field whose switch is off has no bits.
  localparam int unsigned LW  = RELEASE ? 1 : 0;
  localparam int unsigned KW  = ALT ? 1 : 0;
  localparam int unsigned EW  = EVENTS ? 1 + 128 : 0;
  localparam int unsigned XW  = PATCH ? 1 + 16 + 14 + PB : 0;
  localparam int unsigned MW  = AW + 1 + LW + KW + EW + XW;
  localparam int unsigned O_X = 0;               // field offsets (lowest bit)
  localparam int unsigned O_E = O_X + XW;
  localparam int unsigned O_K = O_E + EW;
  localparam int unsigned O_L = O_K + KW;
  localparam int unsigned O_A = O_L + LW;

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  logic [DW-1:0] mem_q [DEPTH];
  logic [MW-1:0] meta_q [DEPTH];
  logic [AW:0]   wr_ptr_q, rd_ptr_q, meta_wr_q, meta_rd_q;
  logic [AW:0]   cmt_q;       // end of the committed beats: where the frame being written starts

  // ---------------------------------------------------------------------------------------
  // Write side. A descriptor is pushed at a kept frame end, and (RELEASE) for each beat of a
  // frame being released.
  logic          push, ovf_beat;
  logic [AW:0]   push_end;
  logic [DW-1:0] wr_word;
  logic [MW-1:0] push_meta;

  assign push_end = wr_ptr_q + {{AW{1'b0}}, wr_i};
  assign push     = ovf_beat || (end_i && end_keep_i);
  assign push_meta[O_A +: AW+1] = push_end;

  always_ff @(posedge clk_i) begin
    if (wr_i) mem_q[wr_ptr_q[AW-1:0]] <= wr_word;
    if (push) meta_q[meta_wr_q[AW-1:0]] <= push_meta;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q  <= '0;
      meta_wr_q <= '0;
      cmt_q     <= '0;
    end else begin
      if (DROP && end_i && !end_keep_i) begin
        wr_ptr_q <= cmt_q;                 // drop: forget the frame's beats
      end else if (wr_i) begin
        wr_ptr_q <= wr_ptr_q + 1'b1;
      end
      if (push) begin
        meta_wr_q <= meta_wr_q + 1'b1;
        cmt_q     <= push_end;
      end
    end
  end

  if (ALT) begin : g_alt_wr
    assign wr_word = {wr_keep_i, wr_alt_i, wr_data_i};
    assign push_meta[O_K] = !ovf_beat && end_mark_i;
  end else begin : g_no_alt_wr
    assign wr_word = {wr_keep_i, wr_data_i};
    logic unused_alt;
    assign unused_alt = ^{wr_alt_i, end_mark_i};
  end

  if (EVENTS) begin : g_ev_wr
    assign push_meta[O_E +: EW] = ovf_beat ? '0 : {end_ev_i, end_evdata_i};
  end else begin : g_no_ev_wr
    logic unused_ev;
    assign unused_ev = ^{end_ev_i, end_evdata_i};
  end

  if (PATCH) begin : g_patch_wr
    assign push_meta[O_X +: XW] = {end_fix_i, end_csum_i, end_csum_beat_i, end_csum_lane_i};
  end else begin : g_no_patch_wr
    logic unused_patch;
    assign unused_patch = ^{end_fix_i, end_csum_i, end_csum_beat_i, end_csum_lane_i};
  end

  if (RELEASE) begin : g_release_wr
    logic [13:0] fr_beats_q;   // beats of the frame being written
    logic        ovf_q;        // ... which is being released as it goes
    assign ovf_beat = wr_i && (ovf_q || {18'b0, fr_beats_q} >= 32'(MAX_BEATS));
    assign push_meta[O_L] = ovf_beat ? end_i : 1'b1;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fr_beats_q <= '0;
        ovf_q      <= 1'b0;
      end else if (end_i) begin
        fr_beats_q <= '0;
        ovf_q      <= 1'b0;
      end else if (wr_i) begin
        fr_beats_q <= (fr_beats_q == 14'h3fff) ? fr_beats_q : fr_beats_q + 1'b1;
        if (ovf_beat) ovf_q <= 1'b1;
      end
    end
  end else begin : g_no_release_wr
    assign ovf_beat = 1'b0;
  end

  logic [AW:0] beats_used, metas_used;
  assign beats_used = wr_ptr_q - rd_ptr_q;
  assign metas_used = meta_wr_q - meta_rd_q;
  if (EVENTS) begin : g_free_min
    assign free_o = (beats_used > metas_used) ? (AW+1)'(DEPTH) - beats_used : (AW+1)'(DEPTH) - metas_used;
  end else begin : g_free_beats   // every descriptor has a beat: the beats are the bound
    assign free_o = (AW+1)'(DEPTH) - beats_used;
  end

  // ---------------------------------------------------------------------------------------
  // Read side: fetch (RAM read or event) into the register R, then the output register O.
  logic          r_valid_q, r_last_q, o_valid_q;
  logic [DW-1:0] r_data_q;
  logic          r_ev_q, r_mark_q;      // R holds an event (EVENTS) / the frame's mark (ALT)
  logic [127:0]  r_evdata_q;
  logic [MW-1:0] cur;                   // the head descriptor
  logic [AW:0]   cur_end;
  logic          cur_last;              // the head descriptor ends its frame (not a release)
  logic          have, ev_now, fetch, move, beat_is_last;

  assign cur     = meta_q[meta_rd_q[AW-1:0]];
  assign cur_end = cur[O_A +: AW+1];
  assign have    = meta_rd_q != meta_wr_q;
  assign move    = r_valid_q && (!o_valid_q || m_tready_i);
  assign fetch   = (have
`ifndef SYNTHESIS
                    || brk == 32'd16   // test-only fault: read past the committed beats
`endif
                   ) && (!r_valid_q || move);
  assign beat_is_last = rd_ptr_q + 1'b1 == cur_end;

  always_ff @(posedge clk_i) begin
    if (fetch && !ev_now) r_data_q <= mem_q[rd_ptr_q[AW-1:0]];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_ptr_q  <= '0;
      meta_rd_q <= '0;
      r_valid_q <= 1'b0;
      r_last_q  <= 1'b0;
    end else begin
      if (fetch) begin
        r_valid_q <= 1'b1;
        if (ev_now) begin
          r_last_q <= 1'b1;
          if (rd_ptr_q == cur_end) meta_rd_q <= meta_rd_q + 1'b1;   // an event alone
        end else begin
          r_last_q <= beat_is_last && cur_last;
          rd_ptr_q <= rd_ptr_q + 1'b1;
          if (beat_is_last) meta_rd_q <= meta_rd_q + 1'b1;
        end
      end else if (move) begin
        r_valid_q <= 1'b0;
      end
    end
  end

  if (RELEASE) begin : g_release_rd
    assign cur_last = cur[O_L];
  end else begin : g_no_release_rd
    assign cur_last = 1'b1;
  end

  if (ALT) begin : g_alt_rd
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) r_mark_q <= 1'b0;
      else if (fetch) r_mark_q <= cur[O_K];
    end
  end else begin : g_no_alt_rd
    assign r_mark_q = 1'b0;
  end

  if (EVENTS) begin : g_ev_rd
    logic ev_sent_q;   // the head descriptor's event has left
    assign ev_now = cur[O_E + 128] && !ev_sent_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ev_sent_q  <= 1'b0;
        r_ev_q     <= 1'b0;
        r_evdata_q <= '0;
      end else if (fetch) begin
        r_ev_q <= ev_now;
        if (ev_now) begin
          r_evdata_q <= cur[O_E +: 128];
          if (rd_ptr_q != cur_end) ev_sent_q <= 1'b1;
        end else if (beat_is_last) begin
          ev_sent_q <= 1'b0;
        end
      end
    end
  end else begin : g_no_ev_rd
    assign ev_now     = 1'b0;
    assign r_ev_q     = 1'b0;
    assign r_evdata_q = '0;
  end

  // The version to send, {keep, beat}, then (PATCH) with the checksum patched in.
  logic [W+B-1:0] sel, patched;
  if (ALT) begin : g_alt_sel
    assign sel = {r_data_q[2*W +: B], r_mark_q ? r_data_q[W +: W] : r_data_q[W-1:0]};
  end else begin : g_no_alt_sel
    assign sel = r_data_q;
  end

  if (PATCH) begin : g_patch_rd
    logic [13:0]   rd_beat_q, r_beat_q;   // index of the beat within its frame: next fetch / R
    logic          r_fix_q;
    logic [15:0]   r_csum_q;
    logic [13:0]   r_csum_beat_q;
    logic [PB-1:0] r_csum_lane_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_beat_q     <= '0;
        r_beat_q      <= '0;
        r_fix_q       <= 1'b0;
        r_csum_q      <= '0;
        r_csum_beat_q <= '0;
        r_csum_lane_q <= '0;
      end else if (fetch && !ev_now) begin
        r_beat_q  <= rd_beat_q;
        {r_fix_q, r_csum_q, r_csum_beat_q, r_csum_lane_q} <= cur[O_X +: XW];
        rd_beat_q <= beat_is_last ? '0 : rd_beat_q + 1'b1;
      end
    end
    // Byte by byte against the lane (a compare each), not an indexed write: Yosys builds that as
    // a shifter over the whole beat and an adder for lane + 1 (26 levels at W = 512; issue 16).
    logic fix_now;
    assign fix_now = r_fix_q && r_beat_q == r_csum_beat_q;
    always_comb begin
      patched = sel;
      for (int j = 0; j < B; j++) begin
        if (fix_now && r_csum_lane_q == PB'(j)) patched[8*j +: 8] = r_csum_q[15:8];
        if (fix_now && j > 0 && r_csum_lane_q == PB'(j - 1)) patched[8*j +: 8] = r_csum_q[7:0];
      end
    end
  end else begin : g_no_patch_rd
    assign patched = sel;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      o_valid_q <= 1'b0;
      m_tdata_o <= '0;
      m_tkeep_o <= '0;
      m_tlast_o <= 1'b0;
      m_tuser_o <= '0;
    end else if (move) begin
      o_valid_q <= 1'b1;
      if (r_ev_q) begin
        m_tdata_o <= {{(W-128){1'b0}}, r_evdata_q};
        m_tkeep_o <= {{(B-16){1'b0}}, 16'hffff};
        m_tlast_o <= 1'b1;
        m_tuser_o <= 3'b001;
      end else begin
        m_tdata_o <= patched[W-1:0];
        m_tkeep_o <= patched[W +: B];
        m_tlast_o <= r_last_q;
        m_tuser_o <= {r_mark_q, 2'b00};
      end
    end else if (m_tready_i) begin
      o_valid_q <= 1'b0;
    end
`ifndef SYNTHESIS
    // Test-only faults (see the assertions below).
    if (rst_ni) begin
      if (brk == 32'd3 && o_valid_q && !m_tready_i) o_valid_q <= 1'b0;
      if (brk == 32'd4 && o_valid_q && !m_tready_i) m_tdata_o <= ~m_tdata_o;
      if (brk == 32'd5 && move && !r_last_q) m_tkeep_o <= patched[W +: B] & {1'b0, {(B-1){1'b1}}};
      if (brk == 32'd6 && move && r_last_q && !r_ev_q) m_tkeep_o <= patched[W +: B] & {{(B-1){1'b1}}, 1'b0};
      if (brk == 32'd7 && move && (r_ev_q || !EVENTS)) m_tlast_o <= 1'b0;
      if (brk == 32'd8 && ALT && move && r_last_q && !r_ev_q) m_tuser_o <= {!r_mark_q, 2'b00};
    end
`endif
  end
  assign m_tvalid_o = o_valid_q;

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only). A test-only fault, +tlsnic_break=<n> on the simulator's
  // command line, breaks one invariant on purpose (test/rtl-assertions.test.ts): 3 drops
  // m_tvalid while stalled, 4 changes m_tdata while stalled, 5 / 6 punch a hole into m_tkeep of a
  // middle / last beat, 7 suppresses m_tlast (with EVENTS on event beats only: a_m_event; without,
  // on every beat: a_m_len), 8 (ALT) flips the mark on a frame's last beat, 16 reads past the
  // committed beats.
`ifndef SYNTHESIS
  // Immediate assertions at the clock edge (they read the values before it, as a concurrent
  // assertion samples them); the cycle before is kept in sim_* registers.
  logic           sim_stall_q;      // last cycle: a beat presented and not taken
  logic [W+B+3:0] sim_m_q;          // the output beat of the previous cycle
  logic           sim_in_frame_q;   // a frame's first beat has left, its last not yet
  logic [2:0]     sim_user_q;       // that frame's tuser
  logic [13:0]    sim_beat_q;       // index of the output beat within its frame
  always_ff @(posedge clk_i) sim_m_q <= {m_tuser_o, m_tlast_o, m_tkeep_o, m_tdata_o};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sim_stall_q    <= 1'b0;
      sim_in_frame_q <= 1'b0;
      sim_user_q     <= '0;
      sim_beat_q     <= '0;
    end else begin
      sim_stall_q <= m_tvalid_o && !m_tready_i;
      if (m_tvalid_o && m_tready_i) begin
        sim_in_frame_q <= !m_tlast_o;
        if (!sim_in_frame_q) sim_user_q <= m_tuser_o;
        sim_beat_q <= m_tlast_o ? '0 : sim_beat_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_m_hold: assert (!sim_stall_q || m_tvalid_o)
        else $error("tlsnic_frame_buf: m_tvalid dropped while stalled");
      a_m_stable: assert (!sim_stall_q || !m_tvalid_o || sim_m_q == {m_tuser_o, m_tlast_o, m_tkeep_o, m_tdata_o})
        else $error("tlsnic_frame_buf: m_tdata/m_tkeep/m_tlast/m_tuser changed while stalled");
      a_m_keep: assert (!m_tvalid_o || m_tlast_o || &m_tkeep_o)
        else $error("tlsnic_frame_buf: m_tkeep not all ones on a beat without m_tlast");
      // (A null last beat, m_tkeep all zero, is let through: the open defect of docs/bad-input.md
      // "Open", pinned by test/rtl-bad-input.test.ts and flagged by the bench. Drop the
      // `m_tkeep_o == '0 ||` once a zero-byte frame end is a frame error.)
      a_m_last_keep: assert (!m_tvalid_o || !m_tlast_o || m_tkeep_o == '0
                             || (m_tkeep_o[0] && (m_tkeep_o & (m_tkeep_o + 1'b1)) == '0))
        else $error("tlsnic_frame_buf: m_tkeep of the m_tlast beat not contiguous from byte 0");
      a_m_len: assert (RELEASE || !m_tvalid_o || 32'(sim_beat_q) < MAX_BEATS)
        else $error("tlsnic_frame_buf: output frame longer than MAX_BEATS = %0d beats (m_tlast missing)", MAX_BEATS);
      a_m_user: assert (!m_tvalid_o || !sim_in_frame_q || m_tuser_o == sim_user_q)
        else $error("tlsnic_frame_buf: m_tuser changed within an output frame");
      a_m_event: assert (!m_tvalid_o || m_tuser_o[1:0] != 2'b01
                         || (!sim_in_frame_q && m_tlast_o && m_tkeep_o == B'(16'hffff) && !m_tuser_o[2]))
        else $error("tlsnic_frame_buf: an event frame is not one beat of 16 bytes with m_tlast");
      a_full: assert (!(wr_i && beats_used == (AW+1)'(DEPTH)) && !(push && metas_used == (AW+1)'(DEPTH)))
        else $error("tlsnic_frame_buf: write into a full buffer (beats or frame descriptors)");
      a_rd_committed: assert (!fetch || ev_now || rd_ptr_q != cmt_q)
        else $error("tlsnic_frame_buf: read of a beat whose frame end (or release) was not written");
    end
  end
`endif

endmodule
