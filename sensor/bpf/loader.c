/* tapline-loader: loads the kernel programs from the skeleton, attaches them, and streams
 * framed records on stdout until SIGTERM/SIGINT or until stdout closes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "tapline.skel.h"

#define TL_MIN_MAJOR 5
#define TL_MIN_MINOR 17 /* bpf_loop; ring buffers (5.8) and BTF task access (5.11) come before */

static volatile sig_atomic_t stopping;
static int verbose;

static void on_signal(int sig) { stopping = 1; }

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
  if (!verbose && level != LIBBPF_WARN)
    return 0;
  if (!verbose)
    return 0; /* warnings surface through our own one-line errors */
  return vfprintf(stderr, fmt, ap);
}

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
  return (d[cap / 32].effective >> (cap % 32)) & 1;
}

static void check_privileges(void)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0)
    tl_die(TL_EXIT_PRIVILEGE, "cannot read capabilities: %s", strerror(errno));
  int bpf = has_cap(data, 39 /* CAP_BPF */), perfmon = has_cap(data, 38 /* CAP_PERFMON */);
  int admin = has_cap(data, CAP_SYS_ADMIN);
  if ((bpf && perfmon) || admin)
    return;
  char missing[96] = "";
  if (!bpf && !admin)
    strcat(missing, "CAP_BPF");
  if (!perfmon && !admin)
    strcat(missing, missing[0] ? ", CAP_PERFMON" : "CAP_PERFMON");
  tl_die(TL_EXIT_PRIVILEGE, "%smissing capabilities %s (run as root, or grant CAP_BPF, CAP_PERFMON, "
         "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)", geteuid() == 0 ? "" : "not root: ", missing);
}

static void check_kernel(void)
{
  struct utsname u;
  int major = 0, minor = 0;
  if (uname(&u) == 0)
    sscanf(u.release, "%d.%d", &major, &minor);
  if (major < TL_MIN_MAJOR || (major == TL_MIN_MAJOR && minor < TL_MIN_MINOR))
    tl_die(TL_EXIT_KERNEL_TOO_OLD, "kernel too old: %s (needs %d.%d or newer)", u.release, TL_MIN_MAJOR,
           TL_MIN_MINOR);
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    tl_die(TL_EXIT_NO_BTF, "no BTF: /sys/kernel/btf/vmlinux is missing (kernel needs CONFIG_DEBUG_INFO_BTF=y)");
}

/* libbpf finds tracepoint ids in tracefs; mount it when nobody has. */
static void ensure_tracefs(void)
{
  struct stat st;
  if (stat("/sys/kernel/tracing/events", &st) == 0 || stat("/sys/kernel/debug/tracing/events", &st) == 0)
    return;
  if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0)
    tl_die(TL_EXIT_PRIVILEGE, "tracefs is not mounted and mounting it failed (%s); mount it with: "
           "mount -t tracefs tracefs /sys/kernel/tracing (needs CAP_SYS_ADMIN)", strerror(errno));
}

/* The syscall handlers come in two sets (tapline.bpf.c, dispatch.bpf.h): one perf syscall
 * tracepoint per syscall (the default), or two raw tracepoints switching on the syscall number
 * (x86-64, TAPLINE_SYSCALL_HOOKS=raw in the environment): cheaper per handled syscall, dearer for
 * every other syscall on the machine, so worse on a mostly idle machine (docs/capture.md). Only
 * the chosen set is loaded. */
static void choose_syscall_hooks(struct tapline *skel)
{
#if defined(__x86_64__)
  const char *v = getenv("TAPLINE_SYSCALL_HOOKS");
  int raw = v && strcmp(v, "raw") == 0;
  if (v && strcmp(v, "raw") != 0 && strcmp(v, "tracepoints") != 0)
    tl_warn("TAPLINE_SYSCALL_HOOKS=%s is neither raw nor tracepoints: using tracepoints", v);
#else
  int raw = 0;
#endif
  struct bpf_program *prog;
  bpf_object__for_each_program(prog, skel->obj) {
    const char *sec = bpf_program__section_name(prog);
    int per_syscall = strncmp(sec, "tracepoint/syscalls/", 20) == 0;
    int dispatch = strncmp(sec, "tp_btf/sys_", 11) == 0;
    if ((raw && per_syscall) || (!raw && dispatch))
      bpf_program__set_autoload(prog, false);
  }
}

static void configure(struct tapline *skel, const struct tl_config *cfg)
{
  struct tapline__rodata *ro = skel->rodata;
  ro->self_pids[0] = getpid();
  for (int i = 0; i < cfg->n_self; i++)
    ro->self_pids[i + 1] = cfg->self_pids[i];
  ro->n_self = cfg->n_self + 1;
  for (int i = 0; i < cfg->n_pids; i++)
    ro->filter_pids[i] = cfg->pids[i];
  ro->n_filter_pids = cfg->n_pids;
  for (int i = 0; i < cfg->n_comms; i++)
    memcpy((char *)ro->filter_comms[i], cfg->comms[i], TL_COMM_LEN);
  ro->n_filter_comms = cfg->n_comms;
  ro->filter_cgroup = cfg->cgroup;
  for (int i = 0; i < cfg->n_ports; i++)
    ro->filter_ports[i] = cfg->ports[i];
  ro->n_filter_ports = cfg->n_ports;
  ro->cap_bytes = cfg->cap;
  ro->wakeup_bytes = cfg->wakeup_bytes;
  int cpus = libbpf_num_possible_cpus();
  if (cpus > 0)
    bpf_map__set_max_entries(skel->maps.scratch, cpus);
  bpf_map__set_max_entries(skel->maps.rb, cfg->ringbuf_mb << 20);
  tl_net_procs_size(skel);
  choose_syscall_hooks(skel);
  /* The uprobes are attached per file by loader-ssl.c, not by the skeleton. */
  bpf_program__set_autoattach(skel->progs.tl_ssl_write, false);
  bpf_program__set_autoattach(skel->progs.tl_ssl_read, false);
  bpf_program__set_autoattach(skel->progs.tl_ssl_write_ex, false);
  bpf_program__set_autoattach(skel->progs.tl_ssl_read_ex, false);
  bpf_program__set_autoattach(skel->progs.tl_ssl_ret, false);
  bpf_program__set_autoattach(skel->progs.tl_go_read, false);
  bpf_program__set_autoattach(skel->progs.tl_go_write, false);
  bpf_program__set_autoattach(skel->progs.tl_go_ret, false);
  bpf_program__set_autoattach(skel->progs.tl_go_read_jbe, false);
  bpf_program__set_autoattach(skel->progs.tl_go_write_jbe, false);
  bpf_program__set_autoattach(skel->progs.tl_go_read_copy, false);
  bpf_program__set_autoattach(skel->progs.tl_go_read_spilled, false);
}

static void write_stats(struct tapline *skel)
{
  struct tl_stats st = { .type = TL_REC_STATS };
  int cpus = libbpf_num_possible_cpus();
  uint64_t vals[cpus > 0 ? cpus : 1];
  for (uint32_t k = 0; k < TL_CNT_MAX; k++) {
    if (bpf_map__lookup_elem(skel->maps.counters, &k, sizeof(k), vals, sizeof(vals), 0) != 0)
      continue;
    for (int c = 0; c < cpus; c++)
      st.counters[k] += vals[c];
  }
  st.counters[TL_CNT_RECORDS] = tl_out_records();
  st.frames_merged_dropped = tl_out_merge_dropped();
  st.ssl_targets = tl_ssl_targets();
  tl_out_frame(&st, sizeof(st));
}

int main(int argc, char **argv)
{
  struct tl_config cfg;
  tl_parse_args(argc, argv, &cfg);
  verbose = cfg.verbose;
  if (cfg.go_probes)
    return tl_go_print_probes(cfg.go_probes); /* reads a file only: no privileges needed */
  check_privileges();
  check_kernel();
  ensure_tracefs();
  libbpf_set_print(libbpf_log);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  struct tapline *skel = tapline__open();
  if (!skel)
    tl_die(TL_EXIT_LOAD, "cannot open the BPF object: %s", strerror(errno));
  configure(skel, &cfg);
  int err = tapline__load(skel);
  if (err) {
    if (err == -EPERM || err == -EACCES)
      tl_die(TL_EXIT_PRIVILEGE, "loading BPF programs was refused (%s): needs CAP_BPF and CAP_PERFMON",
             strerror(-err));
    tl_die(TL_EXIT_LOAD, "loading BPF programs failed: %s (run with --verbose for the verifier log)",
           strerror(-err));
  }
  tl_seed_listeners(skel->maps.listeners, &cfg);
  err = tapline__attach(skel);
  if (err)
    tl_die(err == -EPERM || err == -EACCES ? TL_EXIT_PRIVILEGE : TL_EXIT_LOAD,
           "attaching syscall tracepoints failed: %s", strerror(-err));
  tl_net_procs_seed(skel);
  tl_out_init();
  tl_ssl_init(skel, &cfg);

  struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), tl_out_record, NULL, NULL);
  if (!rb)
    tl_die(TL_EXIT_LOAD, "cannot open the ring buffer: %s", strerror(errno));

  /* Attached and mapped: from here on only the scan for new TLS users needs privileges. */
  tl_drop_privileges(&cfg);
  struct tl_ready ready = { .type = TL_REC_READY, .loader_pid = getpid(), .ssl_targets = tl_ssl_targets() };
  tl_out_frame(&ready, sizeof(ready));
  tl_out_flush();

  uint64_t last_stats = tl_now_ms(), last_scan = last_stats;
  while (!stopping) {
    /* Producers skip wakeups below a byte threshold, so consume on a timer as well. */
    err = ring_buffer__poll(rb, cfg.poll_ms);
    if (err < 0 && err != -EINTR)
      tl_die(TL_EXIT_RUNTIME, "ring buffer poll failed: %s", strerror(-err));
    ring_buffer__consume(rb);
    uint64_t now = tl_now_ms();
    if (now - last_stats >= (uint64_t)cfg.stats_ms) {
      tl_out_flush_stale(now);
      write_stats(skel);
      last_stats = now;
    }
    tl_out_flush();
    if (cfg.ssl_enabled && now - last_scan >= (uint64_t)cfg.rescan_ms) {
      tl_ssl_scan();
      last_scan = tl_now_ms();
    }
  }
  ring_buffer__consume(rb);
  tl_out_flush_stale(~0ULL >> 1);
  write_stats(skel);
  tl_out_flush();
  ring_buffer__free(rb);
  tl_ssl_detach();
  tapline__destroy(skel);
  return TL_EXIT_OK;
}
