/** @file
 * alog/wire.h - wires: how records travel through a pipe (text lines or binary frames), and the stream decoder.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_WIRE_H
#define ALOG_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "alog/record.h"

/** How records travel through a pipe: text lines or binary frames. */
enum alog_wire { ALOG_WIRE_TEXT = 0, ALOG_WIRE_BINARY = 1 };

/** Binary frame, little endian, fixed 40-byte header then padding:
 *   u32 magic "ALOG" | u32 frame bytes (header included) | u32 producer |
 *   u32 reserved (0) | u64 seq | i64 sched_ns | i64 produce_ns | pad ... */
#define ALOG_FRAME_MAGIC 0x474f4c41u
#define ALOG_FRAME_HDR 40u ///< bytes of a frame's header
/** Longest text line or frame accepted; longer ones count as malformed. */
#define ALOG_WIRE_MAX 65536u

/** Encode r on `wire` into buf (cap bytes), padded with filler up to `size`
 * bytes when the natural encoding is shorter (size 0: natural size).
 * Text: "Clock <ms> from <id> seq <n> sched <ns> prod <ns>[ xxx...]\n".
 * Returns the bytes written (> 0), or ALOG_ERANGE if cap is too small or
 * size > ALOG_WIRE_MAX. */
int alog_wire_encode(int wire, const alog_record *r, size_t size, char *buf,
                     size_t cap);

/** Parse one of alog's own text lines (no newline) into r (producer, seq,
 * sched_ns, produce_ns, clock_ms set; bytes = len + 1).  0 or ALOG_EPROTO. */
int alog_text_parse(const char *line, size_t len, alog_record *r);

/** A foreign line, read the way the original read it: if it holds exactly
 * two integer tokens, store them in *clock and *id and return 1; else 0. */
int alog_foreign_parse(const char *line, size_t len, int64_t *clock,
                       int64_t *id);

/** Called by the decoder for each record; text/len is the line for foreign
 * records (NULL otherwise).  A non-zero return stops the feed and is
 * returned from it. */
typedef int (*alog_emit_fn)(void *arg, const alog_record *r, const char *text,
                            size_t len);

/** Stream decoder: caller-allocated, fields private.  Survives partial reads
 * and records split across reads. */
typedef struct alog_decoder {
    char *buf;          ///< private
    size_t len;         ///< private
    size_t cap;         ///< private
    size_t off;         ///< private: parse position
    int wire;           ///< ALOG_WIRE_*
    int foreign;        ///< lines from a foreign command
    int skipping;       ///< private: inside an oversized line
    uint32_t producer;  ///< producer index stamped on every record
    uint32_t wire_id;   ///< the id alog's own records carry on the wire
                        ///< (the producer's pid); others are malformed
    uint64_t lines;     ///< records and events emitted
    uint64_t malformed; ///< lines/frames that did not parse or were too long
} alog_decoder;

/** An empty decoder for `wire` (ALOG_WIRE_*); 0 or ALOG_EINVAL. */
int alog_decoder_init(alog_decoder *d, int wire, int foreign,
                      uint32_t producer);
void alog_decoder_free(alog_decoder *d); ///< Frees its buffer (NULL: no-op).
/** Space to read into directly (at least `want` bytes); NULL on ENOMEM. */
char *alog_decoder_space(alog_decoder *d, size_t want, size_t *avail);
/** n bytes were read into the space: parse what is complete. */
int alog_decoder_commit(alog_decoder *d, size_t n, int64_t now_ns,
                        alog_emit_fn emit, void *arg);
/** Copying convenience: space + memcpy + commit. */
int alog_decoder_feed(alog_decoder *d, const void *data, size_t n,
                      int64_t now_ns, alog_emit_fn emit, void *arg);
/** Parse n bytes where they lie, in a buffer the caller owns (an io_uring
 * provided buffer): no copy but of a record split at either end, which
 * the decoder keeps.  data is only read, and free for reuse on return.
 * Same records, counts and return codes as alog_decoder_feed. */
int alog_decoder_feed_external(alog_decoder *d, const void *data, size_t n,
                               int64_t now_ns, alog_emit_fn emit, void *arg);
/** End of stream: a trailing unterminated line is emitted if foreign,
 * else counted as malformed. */
int alog_decoder_finish(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                        void *arg);

#endif
