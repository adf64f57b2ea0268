/* The loader's pieces: flags (loader-args.c), frames on stdout (loader-out.c), OpenSSL
 * targets and listener seeding (loader-ssl.c), and main (loader.c). */
#ifndef TAPLINE_LOADER_H
#define TAPLINE_LOADER_H

#include <stdint.h>
#include <stddef.h>
#include <linux/types.h>
#include "tapline.h"

/* Exit codes (documented in docs/capture.md; the daemon maps them to messages). */
enum {
  TL_EXIT_OK = 0,
  TL_EXIT_RUNTIME = 1,
  TL_EXIT_USAGE = 2,
  TL_EXIT_PRIVILEGE = 3,
  TL_EXIT_NO_BTF = 4,
  TL_EXIT_KERNEL_TOO_OLD = 5,
  TL_EXIT_LOAD = 6,
};

#define TL_MAX_SSL_PATHS 32

struct tl_config {
  uint32_t self_pids[TL_MAX_FILTER];
  int n_self;
  uint32_t pids[TL_MAX_FILTER];
  int n_pids;
  char comms[4][TL_COMM_LEN];
  int n_comms;
  uint64_t cgroup;
  uint16_t ports[TL_MAX_FILTER];
  int n_ports;
  uint32_t cap;
  uint64_t wakeup_bytes;
  uint32_t ringbuf_mb;
  const char *ssl_paths[TL_MAX_SSL_PATHS];
  int n_ssl_paths;
  int ssl_enabled;
  int ssl_discovery;
  int rescan_ms;
  int stats_ms;
  int poll_ms;
  int verbose;
  const char *go_probes; /* --go-probes: print and exit */
  int drop_uid, drop_gid; /* --drop-to UID:GID after attach; -1 = stay */
};

/* Prints a one-line error "tapline-loader: ..." on stderr and exits with `code`. */
void tl_die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void tl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void tl_parse_args(int argc, char **argv, struct tl_config *cfg);

/* Least privilege after attach (loader-privs.c): capabilities reduced to what the scan needs,
 * no_new_privs, optionally another uid. Dies on failure rather than run with more than it says. */
void tl_drop_privileges(const struct tl_config *cfg);
uint64_t tl_kept_capabilities(uint64_t permitted);

/* Output: every record goes out as [u32 magic][u32 length][record]. */
void tl_out_init(void);
int tl_out_record(void *ctx, void *data, size_t size); /* ring_buffer sample callback */
void tl_out_frame(const void *rec, uint32_t len);
void tl_out_flush_stale(uint64_t now_ms);
void tl_out_flush(void);
uint64_t tl_out_merge_dropped(void);
uint64_t tl_out_records(void); /* ring-buffer records received */
uint64_t tl_now_ms(void);

struct tapline;
struct bpf_map;
/* OpenSSL uprobes: explicit paths, well-known locations, then what running processes map. */
void tl_ssl_init(struct tapline *skel, const struct tl_config *cfg);
void tl_ssl_scan(void);
int tl_ssl_targets(void);
void tl_ssl_detach(void);
/* File offset of the internal function both `plain` and `ex` (SSL_read, SSL_read_ex) call, when
 * the probes are cheaper there (loader-ssl-inner.c), or 0. */
uint64_t tl_ssl_inner(const char *path, const char *plain, const char *ex);
/* Go crypto/tls (loader-go.c): inspects an executable, attaches when it can; returns its
 * enum tl_tls_lib (TL_LIB_NONE for a non-Go file) and fills `version` with the Go version. */
int tl_go_inspect(struct tapline *skel, const char *path, char *version, size_t vlen, int verbose);
int tl_go_print_probes(const char *path);
int tl_go_targets(void);
void tl_go_detach(void);
/* TLS libraries the sensor cannot read (loader-libs.c): by a mapped library's file name, and by
 * the symbols of an executable that is neither OpenSSL nor Go. TL_LIB_NONE when nothing known. */
int tl_lib_by_mapping(const char *file);
int tl_lib_by_symbols(const char *path);
/* Seeds the kernel's listener map from /proc/net/tcp{,6} and /proc/<pid>/fd. */
void tl_seed_listeners(struct bpf_map *listeners, const struct tl_config *cfg);
/* Every socket held by a process, as (pid, inode), from /proc/<pid>/fd (loader-procs.c). */
void tl_for_each_socket(void (*fn)(int pid, unsigned long ino, void *ctx), void *ctx);
/* The kernel's bitmap of processes that may hold a TCP socket: sized before load, seeded after attach. */
void tl_net_procs_size(struct tapline *skel);
void tl_net_procs_seed(struct tapline *skel);

#endif
