/* OpenSSL uprobe targets, and the per-process scan that also finds Go executables (loader-go.c)
 * and reports each process's TLS library (TL_REC_PROC, for the visibility report). Uprobes
 * attach to a file (inode), so every process that maps the same libssl, node or Go binary is
 * covered, including processes started later. Targets come from --ssl-path, well-known
 * locations, and a periodic scan of /proc/<pid>/maps and exe. */
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "tapline.skel.h"

#define MAX_FILES 1024
#define LINKS_PER_TARGET 8

struct seen_file {
  dev_t dev;
  ino_t ino;
  int attached;
  int lib; /* enum tl_tls_lib, decided once per file */
  char version[TL_COMM_LEN];
  struct bpf_link *links[LINKS_PER_TARGET];
};

static struct seen_file files[MAX_FILES];
static int n_files, n_targets;
static struct tapline *skel;
static const struct tl_config *config;

/* Defined (not imported) function symbol `name` in .dynsym or .symtab. */
static int elf_defines(const char *path, const char *name)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  int found = 0;
  elf_version(EV_CURRENT);
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  Elf_Scn *scn = NULL;
  while (e && !found && (scn = elf_nextscn(e, scn))) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB) || !sh.sh_entsize)
      continue;
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; data && i < n; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, i, &sym) || sym.st_shndx == SHN_UNDEF || !sym.st_value ||
          GELF_ST_TYPE(sym.st_info) != STT_FUNC)
        continue;
      const char *s = elf_strptr(e, sh.sh_link, sym.st_name);
      if (s && strcmp(s, name) == 0) {
        found = 1;
        break;
      }
    }
  }
  if (e)
    elf_end(e);
  close(fd);
  return found;
}

static struct bpf_link *attach(struct bpf_program *prog, const char *path, const char *func, int ret)
{
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = func, .retprobe = ret);
  struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, -1, path, 0, &opts);
  return l ? l : NULL;
}

/* Probes on the internal read and write functions instead of the four exported ones, when their
 * code has the shape loader-ssl-inner.c looks for (TAPLINE_SSL_PROBES=exported keeps the four). */
static int attach_inner(struct seen_file *f, const char *path)
{
  const char *v = getenv("TAPLINE_SSL_PROBES");
  if (v && strcmp(v, "exported") == 0)
    return 0;
  uint64_t rd = tl_ssl_inner(path, "SSL_read", "SSL_read_ex"), wr = rd ? tl_ssl_inner(path, "SSL_write", "SSL_write_ex") : 0;
  if (!rd || !wr)
    return 0;
  struct { struct bpf_program *p; uint64_t off; int ret; } plan[] = {
    { skel->progs.tl_ssl_write_ex, wr, 0 }, { skel->progs.tl_ssl_ret, wr, 1 },
    { skel->progs.tl_ssl_read_ex, rd, 0 },  { skel->progs.tl_ssl_ret, rd, 1 },
  };
  for (int i = 0; i < 4; i++) {
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = plan[i].ret);
    f->links[i] = bpf_program__attach_uprobe_opts(plan[i].p, -1, path, (size_t)plan[i].off, &opts);
    if (!f->links[i]) {
      for (int j = 0; j < i; j++) {
        bpf_link__destroy(f->links[j]);
        f->links[j] = NULL;
      }
      return 0; /* the exported plan is tried next */
    }
  }
  f->attached = 1;
  n_targets++;
  if (config->verbose)
    fprintf(stderr, "tapline-loader: OpenSSL uprobes on %s (4 probes) on its internal read/write at 0x%llx/0x%llx\n", path,
            (unsigned long long)rd, (unsigned long long)wr);
  return 1;
}

/* Attaches once per file; remembers what each file is so that it is not parsed again. An
 * executable without OpenSSL is inspected for Go's crypto/tls and for libraries we cannot read. */
static struct seen_file *try_target(const char *path, int exe)
{
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return NULL;
  for (int i = 0; i < n_files; i++)
    if (files[i].dev == st.st_dev && files[i].ino == st.st_ino)
      return &files[i];
  if (n_files >= MAX_FILES)
    return NULL;
  struct seen_file *f = &files[n_files++];
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  if (!elf_defines(path, "SSL_write") || !elf_defines(path, "SSL_read")) {
    if (exe) {
      f->lib = tl_go_inspect(skel, path, f->version, sizeof(f->version), config->verbose);
      if (f->lib == TL_LIB_NONE)
        f->lib = tl_lib_by_symbols(path);
    }
    return f;
  }
  if (attach_inner(f, path))
    return f;
  struct { struct bpf_program *p; const char *fn; int ret; } plan[] = {
    { skel->progs.tl_ssl_write, "SSL_write", 0 }, { skel->progs.tl_ssl_ret, "SSL_write", 1 },
    { skel->progs.tl_ssl_read, "SSL_read", 0 },   { skel->progs.tl_ssl_ret, "SSL_read", 1 },
    { skel->progs.tl_ssl_write_ex, "SSL_write_ex", 0 }, { skel->progs.tl_ssl_ret, "SSL_write_ex", 1 },
    { skel->progs.tl_ssl_read_ex, "SSL_read_ex", 0 },   { skel->progs.tl_ssl_ret, "SSL_read_ex", 1 },
  };
  int ok = 0;
  for (int i = 0; i < LINKS_PER_TARGET; i++) {
    if (i >= 4 && !elf_defines(path, plan[i].fn))
      continue; /* the _ex variants exist from OpenSSL 1.1.1 on */
    f->links[i] = attach(plan[i].p, path, plan[i].fn, plan[i].ret);
    ok += f->links[i] != NULL;
  }
  if (!f->links[0] || !f->links[1] || !f->links[2] || !f->links[3]) {
    tl_warn("could not attach OpenSSL uprobes to %s", path);
    for (int i = 0; i < LINKS_PER_TARGET; i++)
      if (f->links[i]) {
        bpf_link__destroy(f->links[i]);
        f->links[i] = NULL;
      }
    return f;
  }
  f->attached = 1;
  n_targets++;
  if (config->verbose)
    fprintf(stderr, "tapline-loader: OpenSSL uprobes on %s (%d probes)\n", path, ok);
  return f;
}

static int is_self(int pid)
{
  if (pid == getpid())
    return 1;
  for (int i = 0; i < config->n_self; i++)
    if ((int)config->self_pids[i] == pid)
      return 1;
  return 0;
}

/* Tells the daemon which TLS library the process uses; Go TLS processes also go into the
 * kernel's ssl_procs at once, so that their local clients defer to them from the first request. */
static void report_process(int pid, int lib, const char *version)
{
  uint32_t tgid = (uint32_t)pid;
  uint8_t seen = 0;
  int flags = bpf_map__lookup_elem(skel->maps.cipher_procs, &tgid, sizeof(tgid), &seen, sizeof(seen), 0) == 0
                ? TL_PROC_CIPHERTEXT : 0;
  if (lib == TL_LIB_NONE && !flags)
    return;
  struct tl_proc rec = { .type = TL_REC_PROC, .lib = (uint8_t)lib, .flags = (uint8_t)flags, .tgid = tgid };
  snprintf(rec.version, sizeof(rec.version), "%s", version);
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/comm", pid);
  FILE *c = fopen(path, "re");
  if (c) {
    if (fgets(rec.comm, sizeof(rec.comm), c))
      rec.comm[strcspn(rec.comm, "\n")] = 0;
    fclose(c);
  }
  tl_out_frame(&rec, sizeof(rec));
  if (lib == TL_LIB_GO_TLS) {
    uint8_t one = 1;
    bpf_map__update_elem(skel->maps.ssl_procs, &tgid, sizeof(tgid), &one, sizeof(one), BPF_ANY);
  }
}

static void scan_process(int pid)
{
  char path[PATH_MAX + 64], line[PATH_MAX + 256];
  snprintf(path, sizeof(path), "/proc/%d/exe", pid);
  /* stat follows the link into the process's own mount namespace */
  struct seen_file *exe = try_target(path, 1);
  int lib = !exe ? TL_LIB_NONE : exe->attached ? TL_LIB_OPENSSL_STATIC : exe->lib, mapped = TL_LIB_NONE;
  snprintf(path, sizeof(path), "/proc/%d/maps", pid);
  FILE *m = fopen(path, "re");
  while (m && fgets(line, sizeof(line), m)) {
    char *file = strchr(line, '/');
    if (!file)
      continue;
    file[strcspn(file, "\n")] = 0;
    if (!strstr(file, "libssl.so")) {
      if (mapped == TL_LIB_NONE)
        mapped = tl_lib_by_mapping(file);
      continue;
    }
    /* Through /proc/<pid>/root so that containers' libraries resolve too. */
    snprintf(path, sizeof(path), "/proc/%d/root%s", pid, file);
    struct seen_file *f = try_target(path, 0);
    if (f && f->attached && lib == TL_LIB_NONE)
      lib = TL_LIB_OPENSSL_DYNAMIC;
  }
  if (m)
    fclose(m);
  /* A JVM maps libssl too (for other code) but speaks TLS through JSSE: the JVM wins. */
  if (mapped == TL_LIB_JAVA || (lib == TL_LIB_NONE && mapped != TL_LIB_NONE))
    lib = mapped;
  report_process(pid, lib, exe && !exe->attached && lib == exe->lib ? exe->version : "");
}

/* Each rescan reads the maps of processes not seen before; every FULL_SCAN_EVERY rescans, of
 * all processes (for libraries loaded late with dlopen, and reused pids). */
#define FULL_SCAN_EVERY 15
#define MAX_PID (1 << 22) /* the kernel's largest pid_max */
static unsigned char seen_pids[MAX_PID / 8];
static unsigned char cipher_pids[MAX_PID / 8];
static unsigned scans;

/* Processes the kernel saw speaking TLS since the last scan: scanned (again), so that their
 * report carries the ciphertext flag even when no TLS library was found in them. */
static void scan_ciphertext(void)
{
  int fd = bpf_map__fd(skel->maps.cipher_procs);
  uint32_t key = 0, next;
  int first = 1;
  while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
    first = 0;
    key = next;
    if (key == 0 || key >= MAX_PID || is_self((int)key))
      continue;
    unsigned char bit = 1u << (key & 7);
    if (cipher_pids[key >> 3] & bit)
      continue;
    cipher_pids[key >> 3] |= bit;
    scan_process((int)key);
  }
}

void tl_ssl_scan(void)
{
  if (!config->ssl_enabled || !config->ssl_discovery)
    return;
  DIR *d = opendir("/proc");
  if (!d)
    return;
  int full = scans++ % FULL_SCAN_EVERY == 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    int pid = atoi(de->d_name);
    if (pid <= 0 || pid >= MAX_PID || is_self(pid))
      continue;
    unsigned char bit = 1u << (pid & 7);
    if (!full && (seen_pids[pid >> 3] & bit))
      continue;
    seen_pids[pid >> 3] |= bit;
    scan_process(pid);
  }
  closedir(d);
  scan_ciphertext();
}

void tl_ssl_init(struct tapline *s, const struct tl_config *cfg)
{
  skel = s;
  config = cfg;
  if (!cfg->ssl_enabled)
    return;
  for (int i = 0; i < cfg->n_ssl_paths; i++) {
    int before = n_targets;
    try_target(cfg->ssl_paths[i], 0);
    if (n_targets == before)
      tl_warn("--ssl-path %s: no OpenSSL SSL_read/SSL_write found there", cfg->ssl_paths[i]);
  }
  static const char *const known[] = {
    "/usr/lib/*-linux-gnu/libssl.so.*", "/lib/*-linux-gnu/libssl.so.*", "/usr/lib64/libssl.so.*",
    "/usr/lib/libssl.so.*", "/usr/local/lib/libssl.so.*", "/usr/bin/node", "/usr/local/bin/node",
  };
  for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
    glob_t g;
    if (glob(known[k], 0, NULL, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++)
        try_target(g.gl_pathv[i], 0);
    globfree(&g);
  }
  tl_ssl_scan();
}

int tl_ssl_targets(void) { return n_targets; }

void tl_ssl_detach(void)
{
  tl_go_detach();
  for (int i = 0; i < n_files; i++)
    for (int j = 0; j < LINKS_PER_TARGET; j++)
      if (files[i].links[j])
        bpf_link__destroy(files[i].links[j]);
}

/* ---- listener seeding: which local ports are served by which (traced?) process ---- */

struct sock_inode { unsigned long ino; uint16_t port; };

static int read_listeners(const char *path, struct sock_inode *out, int n, int max)
{
  FILE *f = fopen(path, "re");
  char line[512];
  if (!f)
    return n;
  while (fgets(line, sizeof(line), f) && n < max) {
    char local[64];
    unsigned st;
    unsigned long ino;
    if (sscanf(line, " %*d: %63s %*s %x %*s %*s %*s %*d %*d %lu", local, &st, &ino) != 3 || st != 0x0A)
      continue;
    char *colon = strrchr(local, ':');
    if (!colon)
      continue;
    out[n].port = (uint16_t)strtoul(colon + 1, NULL, 16);
    out[n].ino = ino;
    n++;
  }
  fclose(f);
  return n;
}

static int comm_matches(int pid)
{
  if (!config->n_comms)
    return 1;
  char path[64], comm[32] = "";
  snprintf(path, sizeof(path), "/proc/%d/comm", pid);
  FILE *f = fopen(path, "re");
  if (f) {
    if (fgets(comm, sizeof(comm), f))
      comm[strcspn(comm, "\n")] = 0;
    fclose(f);
  }
  for (int i = 0; i < config->n_comms; i++)
    if (strcmp(comm, config->comms[i]) == 0)
      return 1;
  return 0;
}

static uint32_t listener_kind(int pid, uint16_t port)
{
  enum { TRACED = 1, UNTRACED = 2, SELF = 3 }; /* as LST_* in state.bpf.h */
  if (is_self(pid))
    return SELF;
  int ok = comm_matches(pid) && !config->cgroup; /* cgroups: left to the kernel's accept() */
  if (ok && config->n_pids) {
    ok = 0;
    for (int i = 0; i < config->n_pids; i++)
      ok |= (int)config->pids[i] == pid;
  }
  if (ok && config->n_ports) {
    ok = 0;
    for (int i = 0; i < config->n_ports; i++)
      ok |= config->ports[i] == port;
  }
  return ok ? TRACED : UNTRACED;
}

struct listener_seed {
  struct bpf_map *map;
  struct sock_inode *socks;
  int n;
};

static void seed_listener(int pid, unsigned long ino, void *ctx)
{
  struct listener_seed *ls = ctx;
  for (int i = 0; i < ls->n; i++) {
    if (ls->socks[i].ino != ino)
      continue;
    struct { uint32_t tgid, kind; } v = { (uint32_t)pid, listener_kind(pid, ls->socks[i].port) };
    bpf_map__update_elem(ls->map, &ls->socks[i].port, sizeof(uint16_t), &v, sizeof(v), BPF_ANY);
  }
}

void tl_seed_listeners(struct bpf_map *listeners, const struct tl_config *cfg)
{
  config = cfg;
  enum { MAX_LISTEN = 4096 };
  static struct sock_inode socks[MAX_LISTEN];
  int n = read_listeners("/proc/net/tcp", socks, 0, MAX_LISTEN);
  n = read_listeners("/proc/net/tcp6", socks, n, MAX_LISTEN);
  if (!n)
    return;
  struct listener_seed ls = { listeners, socks, n };
  tl_for_each_socket(seed_listener, &ls);
}
