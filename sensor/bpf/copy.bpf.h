/* Payload copies: a call's bytes (up to the cap) go out as ring-buffer records of at most
 * TL_CHUNK bytes, built in a per-CPU scratch slot (bpf_ringbuf_reserve needs a constant size;
 * bpf_ringbuf_output takes a variable one). The loader merges a call's chunks again. */
#ifndef TAPLINE_COPY_BPF_H
#define TAPLINE_COPY_BPF_H

/* The copy cursor lives in the scratch map value, not on the stack: the verifier does not track
 * map contents, so the bpf_loop callback's state converges after one pass instead of being
 * re-verified for every precise value of the cursor. */
#define TL_SMALL 512 /* payloads up to this size are copied straight into the ring */

/* A small record: reserved at a constant size (what bpf_ringbuf_reserve needs), filled in
 * place (one copy instead of two), submitted with only h.len payload bytes meaningful. The
 * payload area is twice TL_SMALL so that gathered segments stay provably in bounds. */
struct tl_small {
  struct tl_data_hdr h;
  __u8 data[2 * TL_SMALL];
};

struct tl_copy_cur {
  __u64 base;     /* user pointer of the current segment */
  __u64 seg_left; /* bytes left in the current segment */
  __u64 iov;      /* user pointer to the iovec array, 0 for a flat buffer */
  __u64 wake;
  __u32 iov_idx;
  __u32 iov_cnt;
  __u32 limit; /* min(bytes moved, cap) */
  __u32 done;  /* bytes copied so far */
  __u32 fill;  /* bytes in the record being built */
  __u32 sent_last;
  __u32 records; /* on this CPU, to check the ring's fill level only now and then */
  __u32 _pad;
};

/* Segments (iovecs) are gathered into records of up to TL_CHUNK bytes. The payload area is
 * twice that so that "offset < TL_CHUNK plus length <= TL_CHUNK" is provably in bounds. */
struct tl_scratch {
  struct tl_copy_cur cur;
  struct tl_data_hdr h;
  __u8 data[2 * TL_CHUNK];
};

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 512); __type(key, __u32); __type(value, struct tl_scratch); } scratch SEC(".maps");

static __always_inline void flush_record(struct tl_scratch *s, __u32 last)
{
  struct tl_copy_cur *c = &s->cur;
  __u64 n = c->fill;
  asm volatile("%[n] &= 0xffff" : [n] "+r"(n));
  if (n > TL_CHUNK)
    return;
  s->h.offset = c->done - c->fill;
  s->h.len = n;
  s->h.last = last;
  if (bpf_ringbuf_output(&rb, &s->h, sizeof(s->h) + n, c->wake)) {
    count(TL_CNT_LOST, 1);
    count(TL_CNT_LOST_BYTES, n);
  }
  c->fill = 0;
  if (last)
    c->sent_last = 1;
}

static long copy_step(__u32 index, void *unused)
{
  __u32 cpu = bpf_get_smp_processor_id();
  struct tl_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
  if (!s)
    return 1;
  struct tl_copy_cur *c = &s->cur;
  if (c->done >= c->limit)
    return 1;
  if (c->seg_left == 0) {
    if (!c->iov)
      return 1;
    __u32 next = c->iov_idx + 1;
    if (next >= c->iov_cnt || next >= TL_MAX_IOV)
      return 1;
    struct iovec v;
    if (bpf_probe_read_user(&v, sizeof(v), (void *)(c->iov + (__u64)next * sizeof(struct iovec))))
      return 1;
    c->iov_idx = next;
    c->base = (__u64)v.iov_base;
    c->seg_left = v.iov_len;
    return 0;
  }
  __u64 room = TL_CHUNK - c->fill;
  __u64 n = c->limit - c->done;
  if (n > c->seg_left)
    n = c->seg_left;
  if (n > room)
    n = room;
  /* Keep the bounds visible to the verifier whatever the compiler did with the compares. */
  __u64 at = c->fill;
  asm volatile("%[n] &= 0xffff" : [n] "+r"(n));
  asm volatile("%[at] &= 0x7fff" : [at] "+r"(at));
  if (n > TL_CHUNK)
    return 1;
  if (bpf_probe_read_user(s->data + at, n, (void *)c->base))
    return 1;
  c->fill = at + n;
  c->done += n;
  c->base += n;
  c->seg_left -= n;
  if (c->done >= c->limit)
    flush_record(s, 1);
  else if (c->fill >= TL_CHUNK)
    flush_record(s, 0);
  return 0;
}

/* Asking the ring how full it is reads a cache line the consumer writes from another CPU:
 * do it every 32 records, otherwise never wake the loader (it also consumes on a timer). */
static __always_inline __u64 wake_flags_sometimes(struct tl_copy_cur *c)
{
  return (c->records++ & 31) == 0 ? wake_flags() : BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_header(struct tl_data_hdr *h, struct tl_sock_info *si, struct tl_sock_key *k,
                                        __u64 total, __u8 dir, __u8 tls)
{
  h->type = TL_REC_DATA;
  h->dir = dir;
  h->tls = tls;
  h->role = si->role;
  h->last = 1;
  h->_pad[0] = h->_pad[1] = h->_pad[2] = 0;
  h->tgid = k->tgid;
  h->tid = (__u32)bpf_get_current_pid_tgid();
  h->fd = k->fd;
  h->gen = si->gen;
  h->orig_len = total > 0xffffffffULL ? 0xffffffffU : (__u32)total;
  h->offset = 0;
  h->_pad2 = 0;
  h->ts = bpf_ktime_get_ns();
  h->tuple = si->tuple;
  __builtin_memcpy(h->comm, si->comm, TL_COMM_LEN);
}

/* Flat buffers and gathers of up to 4 segments whose copy fits TL_SMALL. Returns 0 when the
 * call is not small (the caller takes the general path). */
static __always_inline int emit_small(struct tl_copy_cur *c, struct tl_sock_info *si, struct tl_sock_key *k,
                                      __u64 buf, __u64 iovcnt, __u64 total, __u64 limit, __u8 dir, __u8 tls)
{
  if (limit > TL_SMALL || iovcnt > 4)
    return 0;
  struct iovec v[4] = {};
  if (iovcnt) {
    __u64 sz = iovcnt * sizeof(struct iovec);
    asm volatile("%[sz] &= 0x7f" : [sz] "+r"(sz));
    if (sz > sizeof(v) || bpf_probe_read_user(v, sz, (void *)buf))
      return 1;
  } else {
    v[0].iov_base = (void *)buf;
    v[0].iov_len = limit;
  }
  struct tl_small *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
  if (!e) {
    count(TL_CNT_LOST, 1);
    count(TL_CNT_LOST_BYTES, limit);
    return 1;
  }
  fill_header(&e->h, si, k, total, dir, tls);
  __u64 at = 0;
#pragma unroll
  for (int i = 0; i < 4; i++) {
    __u64 n = limit - at;
    if (n > v[i].iov_len)
      n = v[i].iov_len;
    asm volatile("%[n] &= 0x3ff" : [n] "+r"(n));
    asm volatile("%[at] &= 0x1ff" : [at] "+r"(at));
    if (n > TL_SMALL)
      break;
    if (n && bpf_probe_read_user(e->data + at, n, v[i].iov_base))
      break;
    at += n;
    if (at >= limit)
      break;
  }
  e->h.len = at;
  bpf_ringbuf_submit(e, wake_flags_sometimes(c));
  return 1;
}

/* `iovcnt` 0: `buf` is the flat buffer; otherwise `buf` points to `iovcnt` struct iovec. */
static __always_inline void emit_data(struct tl_sock_info *si, struct tl_sock_key *k, __u64 buf, __u64 iovcnt,
                                      __u64 total, __u8 dir, __u8 tls)
{
  __u32 cpu = bpf_get_smp_processor_id();
  struct tl_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
  if (!s)
    return;
  struct tl_copy_cur *c = &s->cur;
  __u64 limit = total < cap_bytes ? total : cap_bytes;
  if (total > cap_bytes)
    count(TL_CNT_TRUNCATED, 1);
  if (emit_small(c, si, k, buf, iovcnt, total, limit, dir, tls))
    return;
  struct tl_data_hdr *h = &s->h;
  fill_header(h, si, k, total, dir, tls);
  c->limit = limit;
  c->done = 0;
  c->fill = 0;
  c->sent_last = 0;
  c->iov_idx = 0;
  c->wake = wake_flags_sometimes(c);
  if (iovcnt && iovcnt <= 4 && c->limit <= TL_CHUNK) {
    /* Small gathers (node writes [headers, body]): one read of the iovec array, no loop. */
    struct iovec v[4] = {};
    __u64 sz = iovcnt * sizeof(struct iovec);
    asm volatile("%[sz] &= 0x7f" : [sz] "+r"(sz));
    if (sz > sizeof(v) || bpf_probe_read_user(v, sz, (void *)buf))
      return;
    __u64 at = 0;
#pragma unroll
    for (int i = 0; i < 4; i++) {
      __u64 n = c->limit - at;
      if (n > v[i].iov_len)
        n = v[i].iov_len;
      asm volatile("%[n] &= 0xffff" : [n] "+r"(n));
      asm volatile("%[at] &= 0x7fff" : [at] "+r"(at));
      if (n > TL_CHUNK)
        break;
      if (n && bpf_probe_read_user(s->data + at, n, v[i].iov_base))
        break;
      at += n;
      if (at >= c->limit)
        break;
    }
    c->fill = at;
    c->done = at;
    flush_record(s, 1);
    return;
  }
  if (iovcnt) {
    struct iovec v;
    if (bpf_probe_read_user(&v, sizeof(v), (void *)buf))
      return;
    c->iov = buf;
    c->iov_cnt = iovcnt > TL_MAX_IOV ? TL_MAX_IOV : (__u32)iovcnt;
    c->base = (__u64)v.iov_base;
    c->seg_left = v.iov_len;
  } else {
    if (c->limit <= TL_CHUNK) {
      /* The common case, one flat buffer that fits one record: no loop. */
      __u64 n = c->limit;
      asm volatile("%[n] &= 0xffff" : [n] "+r"(n));
      if (n > TL_CHUNK || bpf_probe_read_user(s->data, n, (void *)buf))
        return;
      c->fill = n;
      c->done = n;
      flush_record(s, 1);
      return;
    }
    c->iov = 0;
    c->iov_cnt = 0;
    c->base = buf;
    c->seg_left = total;
  }
  bpf_loop(TL_MAX_CAP / TL_CHUNK + TL_MAX_IOV + 2, copy_step, NULL, 0);
  /* Stopped before the end (fault, too many iovecs): send what was gathered, marked last, so
   * the loader emits the call now; originalLength says how much is missing. */
  if (!c->sent_last)
    flush_record(s, 1);
}

static __always_inline void emit_close(struct tl_sock_key *k, struct tl_sock_info *si)
{
  struct tl_close *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
  if (!e) {
    count(TL_CNT_LOST, 1);
    return;
  }
  e->type = TL_REC_CLOSE;
  e->_pad[0] = e->_pad[1] = e->_pad[2] = 0;
  e->tgid = k->tgid;
  e->fd = k->fd;
  e->gen = si->gen;
  e->ts = bpf_ktime_get_ns();
  __builtin_memcpy(e->comm, si->comm, TL_COMM_LEN);
  bpf_ringbuf_submit(e, wake_flags());
}

#endif
