// tlsnic_item.svh: the work item, the one unit of work both engines' pipelines carry. A front end
// (tlsnic_tx_front, tlsnic_rx_front) cuts each input beat into one or two items; the item rides
// through the AES pipeline as its sideband, whole, and the GCM back end (tlsnic_gcm_back)
// consumes it. A new field is added here and nowhere else; the modules that pass an item on
// carry it as a vector of $bits(<an item_t signal>) bits.
//
// Included inside a module (a package cannot depend on W): the includer declares the
// localparams W (beat bits), B = W / 8, PB = $clog2(B) + 1, CW (context id bits), KW (AES lane
// count bits) and UW (bits of the engine's own per-frame verdict, carried to the output buffer).
// No include guard: every including module needs its own copy of the typedef.
//
// Byte positions (PB bits) are byte lanes 0..B of the item's beat; an item covers [s, e) of it
// and at most two records: slot A continues (or starts) one, slot B starts the next one.
typedef struct packed {
  // Frame and beat position.
  logic              fr_first;    // first item of a frame
  logic              fr_last;     // last item of a frame
  logic              beat_last;   // last item of its beat
  logic              wr;          // the beat goes to the output buffer
  logic              pkt;         // the frame is a packet (output buffer frame end on fr_last)
  logic              commit;      // fr_last: keep the packet / commit the crypto state
  // The beat and the bytes of it this item covers.
  logic [W-1:0]      data;
  logic [B-1:0]      keep;
  logic [PB-1:0]     s;
  logic [PB-1:0]     e;
  // TCP checksum rewrite (TX; the RX front end leaves these zero).
  logic              fix_csum;    // fr_last: rewrite the TCP checksum
  logic [B-1:0]      csum_mask;   // bytes of the beat inside the TCP segment
  logic [16:0]       csum_const;  // fr_last: 6 + TCP length (pseudo-header constant)
  logic [13:0]       csum_beat;   // fr_last: beat of the checksum field
  logic [PB-1:0]     csum_lane;   // fr_last: byte lane of its first byte
  // Crypto state of the context.
  logic              crypto;      // the item works on the context's crypto state
  logic [CW-1:0]     ctx;
  logic              inst;        // install: AES lane 0 carries E_K(0) = H
  logic              del;         // delete: zeroize the back-end state
  // Retransmission on a side context (TX, tlsnic_tx_front "Side context"; the RX front end
  // leaves these zero).
  logic              side;        // the frame works on a side context: never commit crypto state
  logic              ks_ld;       // AES lane 0 is the keystream block the next item starts in
  logic              a_ktag;      // slot A's tag bytes are the known tag carried in lenblk
  logic [63:0]       a_rseq;      // slot A's record sequence number (the TX completion stream)
  // Slot A: payload [a_p0, a_p1) and tag [a_t0, a_t1) of the record the item continues.
  logic [PB-1:0]     a_p0;
  logic [PB-1:0]     a_p1;
  logic [3:0]        a_qm;        // payload offset mod 16 at a_p0
  logic [KW-1:0]     a_k;         // AES lanes 0..a_k-1: slot A keystream blocks
  logic              a_start;     // slot A's record starts in this item (AAD, J0)
  logic              a_fin;       // slot A's payload ends in this item (padding, length block)
  logic [PB-1:0]     a_t0;
  logic [PB-1:0]     a_t1;
  logic [3:0]        a_u;         // tag byte index at a_t0
  // Slot B: payload [b_p0, b_p1) of a record that starts in this item.
  logic              b_start;
  logic [PB-1:0]     b_p0;
  logic [PB-1:0]     b_p1;
  logic [127:0]      aad;         // AAD block of the record starting in the item
  logic [127:0]      lenblk;      // slot A's length block (a_fin); with a_ktag its known tag
                                  // (block order), as slot A's GHASH is then not needed
  // The engine's verdict of the frame (RX: tlsnic_rx_pkg::rx_user_t), read on its last item.
  logic [UW-1:0]     user;
} item_t;
