/* Command-line flags of tapline-loader. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "loader.h"

static const char usage[] =
  "usage: tapline-loader [options]\n"
  "Streams HTTP bytes seen by eBPF as framed binary records on stdout (see docs/capture.md).\n"
  "  --exclude-pid PID   never trace this process (repeatable; the loader excludes itself)\n"
  "  --pid PID           trace only these processes (repeatable)\n"
  "  --comm NAME         trace only processes with this name (repeatable, up to 4)\n"
  "  --cgroup ID|PATH    trace only this cgroup (v2 id, or a path under /sys/fs/cgroup)\n"
  "  --port PORT         trace only connections with this local or remote port (repeatable)\n"
  "  --cap BYTES         bytes copied per call, the rest is counted (default 65536, max 1048576)\n"
  "  --ssl-path PATH     attach OpenSSL uprobes to this library or binary (repeatable)\n"
  "  --no-ssl            no OpenSSL uprobes\n"
  "  --no-ssl-discovery  attach only to --ssl-path and well-known paths, do not scan /proc\n"
  "  --rescan-ms MS      how often to look for new OpenSSL users (default 2000)\n"
  "  --stats-ms MS       how often to write a stats record (default 1000)\n"
  "  --poll-ms MS        ring buffer consume period (default 20)\n"
  "  --wakeup-bytes N    wake the loader early past this many pending bytes (default 262144)\n"
  "  --ringbuf-mb N      ring buffer size in MiB, a power of two (default 16)\n"
  "  --verbose           libbpf and discovery diagnostics on stderr\n"
  "  --go-probes PATH    print where Go crypto/tls probes would go in PATH (JSON), then exit\n"
  "  --drop-to UID:GID   once attached, become this user (capabilities kept: see docs/sensor.md)\n"
  "exit codes: 2 bad flags, 3 not root / missing capabilities, 4 no BTF, 5 kernel too old,\n"
  "            6 load or attach failed, 1 other runtime failure\n";

void tl_die(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("tapline-loader: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

void tl_warn(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("tapline-loader: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static unsigned long long num(const char *flag, const char *v, unsigned long long max)
{
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || !end || *end || end == v || n > max)
    tl_die(TL_EXIT_USAGE, "bad value for --%s: '%s'", flag, v);
  return n;
}

static uint64_t cgroup_id(const char *v)
{
  if (v[0] != '/')
    return num("cgroup", v, ~0ULL);
  /* On cgroup v2 the cgroup id is the inode number of its directory. */
  struct stat st;
  if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode))
    tl_die(TL_EXIT_USAGE, "bad value for --cgroup: '%s' is not a cgroup directory", v);
  return (uint64_t)st.st_ino;
}

void tl_parse_args(int argc, char **argv, struct tl_config *cfg)
{
  enum { O_EXCL = 256, O_PID, O_COMM, O_CGROUP, O_PORT, O_CAP, O_SSL, O_NOSSL, O_NODISC, O_RESCAN,
         O_STATS, O_POLL, O_WAKE, O_RB, O_VERBOSE, O_HELP, O_GOPROBES, O_DROPTO };
  static const struct option opts[] = {
    { "exclude-pid", required_argument, 0, O_EXCL }, { "pid", required_argument, 0, O_PID },
    { "comm", required_argument, 0, O_COMM }, { "cgroup", required_argument, 0, O_CGROUP },
    { "port", required_argument, 0, O_PORT }, { "cap", required_argument, 0, O_CAP },
    { "ssl-path", required_argument, 0, O_SSL }, { "no-ssl", no_argument, 0, O_NOSSL },
    { "no-ssl-discovery", no_argument, 0, O_NODISC }, { "rescan-ms", required_argument, 0, O_RESCAN },
    { "stats-ms", required_argument, 0, O_STATS }, { "poll-ms", required_argument, 0, O_POLL },
    { "wakeup-bytes", required_argument, 0, O_WAKE }, { "ringbuf-mb", required_argument, 0, O_RB },
    { "verbose", no_argument, 0, O_VERBOSE }, { "help", no_argument, 0, O_HELP },
    { "go-probes", required_argument, 0, O_GOPROBES }, { "drop-to", required_argument, 0, O_DROPTO },
    { 0, 0, 0, 0 },
  };
  memset(cfg, 0, sizeof(*cfg));
  cfg->cap = 65536;
  cfg->wakeup_bytes = 262144;
  cfg->ringbuf_mb = 16;
  cfg->ssl_enabled = 1;
  cfg->ssl_discovery = 1;
  cfg->rescan_ms = 2000;
  cfg->stats_ms = 1000;
  cfg->poll_ms = 20;
  cfg->drop_uid = cfg->drop_gid = -1;
  opterr = 0;
  for (;;) {
    int c = getopt_long(argc, argv, "", opts, NULL);
    if (c == -1)
      break;
    switch (c) {
    case O_EXCL:
      if (cfg->n_self >= TL_MAX_FILTER - 1)
        tl_die(TL_EXIT_USAGE, "too many --exclude-pid (max %d)", TL_MAX_FILTER - 1);
      cfg->self_pids[cfg->n_self++] = num("exclude-pid", optarg, 0x7fffffff);
      break;
    case O_PID:
      if (cfg->n_pids >= TL_MAX_FILTER)
        tl_die(TL_EXIT_USAGE, "too many --pid (max %d)", TL_MAX_FILTER);
      cfg->pids[cfg->n_pids++] = num("pid", optarg, 0x7fffffff);
      break;
    case O_COMM:
      if (cfg->n_comms >= 4)
        tl_die(TL_EXIT_USAGE, "too many --comm (max 4)");
      if (!optarg[0] || strlen(optarg) >= TL_COMM_LEN)
        tl_die(TL_EXIT_USAGE, "bad value for --comm: '%s' (1 to 15 characters)", optarg);
      strcpy(cfg->comms[cfg->n_comms++], optarg);
      break;
    case O_CGROUP: cfg->cgroup = cgroup_id(optarg); break;
    case O_PORT:
      if (cfg->n_ports >= TL_MAX_FILTER)
        tl_die(TL_EXIT_USAGE, "too many --port (max %d)", TL_MAX_FILTER);
      cfg->ports[cfg->n_ports++] = num("port", optarg, 65535);
      if (!cfg->ports[cfg->n_ports - 1])
        tl_die(TL_EXIT_USAGE, "bad value for --port: 0");
      break;
    case O_CAP: cfg->cap = num("cap", optarg, TL_MAX_CAP); break;
    case O_SSL:
      if (cfg->n_ssl_paths >= TL_MAX_SSL_PATHS)
        tl_die(TL_EXIT_USAGE, "too many --ssl-path (max %d)", TL_MAX_SSL_PATHS);
      cfg->ssl_paths[cfg->n_ssl_paths++] = optarg;
      break;
    case O_NOSSL: cfg->ssl_enabled = 0; break;
    case O_NODISC: cfg->ssl_discovery = 0; break;
    case O_RESCAN: cfg->rescan_ms = num("rescan-ms", optarg, 3600000); break;
    case O_STATS: cfg->stats_ms = num("stats-ms", optarg, 3600000); break;
    case O_POLL: cfg->poll_ms = num("poll-ms", optarg, 10000); break;
    case O_WAKE: cfg->wakeup_bytes = num("wakeup-bytes", optarg, 1ULL << 30); break;
    case O_RB:
      cfg->ringbuf_mb = num("ringbuf-mb", optarg, 1024);
      if (!cfg->ringbuf_mb || (cfg->ringbuf_mb & (cfg->ringbuf_mb - 1)))
        tl_die(TL_EXIT_USAGE, "bad value for --ringbuf-mb: '%s' (a power of two)", optarg);
      break;
    case O_VERBOSE: cfg->verbose = 1; break;
    case O_GOPROBES: cfg->go_probes = optarg; break;
    case O_DROPTO: {
      char *colon = strchr(optarg, ':');
      if (!colon || colon == optarg || !colon[1])
        tl_die(TL_EXIT_USAGE, "bad value for --drop-to: '%s' (UID:GID)", optarg);
      *colon = 0;
      cfg->drop_uid = (int)num("drop-to", optarg, 0x7ffffffe);
      cfg->drop_gid = (int)num("drop-to", colon + 1, 0x7ffffffe);
      *colon = ':';
      break;
    }
    case O_HELP: fputs(usage, stdout); exit(0);
    default:
      tl_die(TL_EXIT_USAGE, "unknown or incomplete flag '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind < argc)
    tl_die(TL_EXIT_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);
  if (cfg->poll_ms < 1)
    cfg->poll_ms = 1;
  if (cfg->stats_ms < 10)
    cfg->stats_ms = 10;
}
