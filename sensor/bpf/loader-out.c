/* Frames on stdout. A call's payload may arrive from the kernel in several chunk records
 * (each at most TL_CHUNK bytes); they are merged here so the daemon gets one record per call.
 * Chunks of one call are in order but may interleave with other threads' records. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "loader.h"

#define PENDING_SLOTS 64

struct pending {
  int used;
  uint32_t tid;
  uint64_t ts;
  uint64_t born_ms;
  uint32_t len; /* payload bytes merged so far */
  uint32_t gap; /* a chunk was missing: keep what is contiguous */
  struct tl_data_hdr h; /* followed directly by the payload */
  uint8_t data[];
};

static struct pending *slots[PENDING_SLOTS];
/* How many slots are in use: most calls fit one chunk and never take a slot, so the table is
 * usually empty and a record is not checked against 64 slots (64 cache misses, one per slot). */
static int n_used;
static uint64_t merge_dropped, records;

uint64_t tl_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t tl_out_merge_dropped(void) { return merge_dropped; }
uint64_t tl_out_records(void) { return records; }

void tl_out_init(void)
{
  static char buf[1 << 20];
  setvbuf(stdout, buf, _IOFBF, sizeof(buf));
  for (int i = 0; i < PENDING_SLOTS; i++) {
    /* room for a whole capped call */
    slots[i] = calloc(1, sizeof(struct pending) + TL_MAX_CAP);
    if (!slots[i])
      tl_die(TL_EXIT_RUNTIME, "out of memory");
  }
}

static void write_all(const void *p, size_t n)
{
  /* The loader writes stdout from one thread: no stdio lock per call. */
  if (fwrite_unlocked(p, 1, n, stdout) != n) {
    /* The daemon went away: nothing left to do. */
    exit(errno == EPIPE ? TL_EXIT_OK : TL_EXIT_RUNTIME);
  }
}

void tl_out_frame(const void *rec, uint32_t len)
{
  uint32_t hdr[2] = { TL_FRAME_MAGIC, len };
  write_all(hdr, sizeof(hdr));
  write_all(rec, len);
}

void tl_out_flush(void)
{
  if (fflush(stdout) != 0)
    exit(errno == EPIPE ? TL_EXIT_OK : TL_EXIT_RUNTIME);
}

static void emit_pending(struct pending *p)
{
  p->h.offset = 0;
  p->h.len = p->len;
  p->h.last = 1;
  tl_out_frame(&p->h, sizeof(p->h) + p->len);
  p->used = 0;
  n_used--;
}

static struct pending *find(uint32_t tid)
{
  if (!n_used)
    return NULL;
  for (int i = 0; i < PENDING_SLOTS; i++)
    if (slots[i]->used && slots[i]->tid == tid)
      return slots[i];
  return NULL;
}

static struct pending *claim(void)
{
  struct pending *oldest = NULL;
  for (int i = 0; i < PENDING_SLOTS; i++) {
    if (!slots[i]->used)
      return slots[i];
    if (!oldest || slots[i]->born_ms < oldest->born_ms)
      oldest = slots[i];
  }
  emit_pending(oldest); /* table full: the oldest call goes out as it is */
  return oldest;
}

static void on_data(const struct tl_data *d, size_t size)
{
  const struct tl_data_hdr *h = &d->h;
  if (size < sizeof(*h) || h->len > TL_CHUNK || size < sizeof(*h) + h->len) {
    merge_dropped++;
    return;
  }
  struct pending *p = find(h->tid);
  if (p && (h->offset == 0 || p->ts != h->ts)) {
    /* A new call on this thread: the previous one lost its last chunk. */
    emit_pending(p);
    p = NULL;
  }
  if (!p) {
    if (h->offset != 0) {
      merge_dropped++; /* its first chunk was lost */
      return;
    }
    if (h->last) {
      tl_out_frame(d, sizeof(*h) + h->len);
      return;
    }
    p = claim();
    p->used = 1;
    n_used++;
    p->tid = h->tid;
    p->ts = h->ts;
    p->born_ms = tl_now_ms();
    p->len = 0;
    p->gap = 0;
    memcpy(&p->h, h, sizeof(*h));
  }
  if (h->offset != p->len) {
    p->gap = 1;
    merge_dropped++;
  }
  if (!p->gap && p->len + h->len <= TL_MAX_CAP) {
    memcpy(p->data + p->len, d->data, h->len);
    p->len += h->len;
  }
  if (h->last)
    emit_pending(p);
}

int tl_out_record(void *ctx, void *data, size_t size)
{
  if (size < 1)
    return 0;
  records++;
  switch (*(const uint8_t *)data) {
  case TL_REC_OPEN:
    if (size >= sizeof(struct tl_open))
      tl_out_frame(data, sizeof(struct tl_open));
    break;
  case TL_REC_CLOSE:
    if (size >= sizeof(struct tl_close))
      tl_out_frame(data, sizeof(struct tl_close));
    break;
  case TL_REC_DATA:
    on_data(data, size);
    break;
  default:
    merge_dropped++;
  }
  return 0;
}

void tl_out_flush_stale(uint64_t now_ms)
{
  if (!n_used)
    return;
  for (int i = 0; i < PENDING_SLOTS; i++)
    if (slots[i]->used && now_ms - slots[i]->born_ms > 1000)
      emit_pending(slots[i]);
}
