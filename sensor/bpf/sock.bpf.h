/* Socket helpers for tapline.bpf.c: fd -> TCP socket and its tuple, read from kernel memory
 * with CO-RE. Used once per (process, fd); the result is cached in the `socks` map. */
#ifndef TAPLINE_SOCK_BPF_H
#define TAPLINE_SOCK_BPF_H

#define TL_AF_INET 2
#define TL_AF_INET6 10
#define TL_S_IFMT 00170000
#define TL_S_IFSOCK 0140000
#define TL_IPPROTO_TCP 6
#define TL_SOCK_STREAM 1

/* The struct sock behind an open file when it is a TCP/IPv4-or-IPv6 socket. */
static __always_inline struct sock *file_tcp_sock(struct file *f)
{
  umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
  if ((mode & TL_S_IFMT) != TL_S_IFSOCK)
    return NULL;
  struct socket *so = (struct socket *)BPF_CORE_READ(f, private_data);
  struct sock *sk = BPF_CORE_READ(so, sk);
  if (!sk)
    return NULL;
  __u16 proto = BPF_CORE_READ(sk, sk_protocol);
  __u16 type = BPF_CORE_READ(sk, sk_type);
  __u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (proto != TL_IPPROTO_TCP || type != TL_SOCK_STREAM)
    return NULL;
  if (fam != TL_AF_INET && fam != TL_AF_INET6)
    return NULL;
  return sk;
}

/* The struct sock behind `fd` in the current process when it is a TCP/IPv4-or-IPv6 socket. */
static __always_inline struct sock *fd_to_tcp_sock(int fd)
{
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt)
    return NULL;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if (fd < 0 || (unsigned int)fd >= max)
    return NULL;
  struct file **arr = BPF_CORE_READ(fdt, fd);
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
  if (!f)
    return NULL;
  return file_tcp_sock(f);
}

static __always_inline void map_v4(__u8 *dst, __be32 a)
{
  __builtin_memset(dst, 0, 10);
  dst[10] = 0xff;
  dst[11] = 0xff;
  __builtin_memcpy(dst + 12, &a, 4);
}

static __always_inline int is_v4_mapped(const __u8 *a)
{
  __u64 hi;
  __builtin_memcpy(&hi, a, 8);
  return hi == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0xff && a[11] == 0xff;
}

/* Fills the tuple; IPv4-mapped IPv6 becomes family 4 so both ends of a connection agree. */
static __always_inline void read_tuple(struct sock *sk, struct tl_tuple *t)
{
  __u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
  t->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
  t->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (fam == TL_AF_INET) {
    map_v4(t->laddr, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
    map_v4(t->raddr, BPF_CORE_READ(sk, __sk_common.skc_daddr));
    t->family = 4;
  } else {
    BPF_CORE_READ_INTO(&t->laddr, sk, __sk_common.skc_v6_rcv_saddr);
    BPF_CORE_READ_INTO(&t->raddr, sk, __sk_common.skc_v6_daddr);
    t->family = is_v4_mapped(t->raddr) ? 4 : 6;
  }
}

static __always_inline int addr_eq(const __u8 *a, const __u8 *b)
{
  __u64 a0, a1, b0, b1;
  __builtin_memcpy(&a0, a, 8);
  __builtin_memcpy(&a1, a + 8, 8);
  __builtin_memcpy(&b0, b, 8);
  __builtin_memcpy(&b1, b + 8, 8);
  return a0 == b0 && a1 == b1;
}

/* The peer is on this host: loopback, or the same address as our end. */
static __always_inline int remote_is_local(const struct tl_tuple *t)
{
  if (t->family == 4)
    return t->raddr[12] == 127 || addr_eq(t->laddr, t->raddr);
  __u64 hi, lo;
  __builtin_memcpy(&hi, t->raddr, 8);
  __builtin_memcpy(&lo, t->raddr + 8, 8);
  if (hi == 0 && lo == 0x0100000000000000ULL) /* ::1 read as a little-endian u64 */
    return 1;
  return addr_eq(t->laddr, t->raddr);
}

#endif
