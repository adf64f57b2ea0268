/* TLS libraries whose plaintext the sensor cannot read, recognised so that the visibility report
 * can say why a process's traffic is missing instead of showing nothing (docs/capture.md). */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"

int tl_lib_by_mapping(const char *file)
{
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  if (strncmp(base, "libjvm.so", 9) == 0)
    return TL_LIB_JAVA; /* JSSE is Java code: no native SSL functions to hook */
  if (strncmp(base, "libgnutls.so", 12) == 0)
    return TL_LIB_GNUTLS;
  if (strncmp(base, "libnss3.so", 10) == 0 || strncmp(base, "libssl3.so", 10) == 0)
    return TL_LIB_NSS;
  return TL_LIB_NONE;
}

/* One pass over .symtab and .dynsym: rustls (Rust's TLS) and BoringSSL linked in statically. */
int tl_lib_by_symbols(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return TL_LIB_NONE;
  elf_version(EV_CURRENT);
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  int lib = TL_LIB_NONE;
  Elf_Scn *scn = NULL;
  while (e && lib == TL_LIB_NONE && (scn = elf_nextscn(e, scn))) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB) || !sh.sh_entsize)
      continue;
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; data && i < n; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
        continue;
      const char *s = elf_strptr(e, sh.sh_link, sym.st_name);
      if (!s)
        continue;
      if (strstr(s, "rustls")) {
        lib = TL_LIB_RUSTLS;
        break;
      }
      if (strstr(s, "BORINGSSL_")) {
        lib = TL_LIB_BORINGSSL;
        break;
      }
    }
  }
  if (e)
    elf_end(e);
  close(fd);
  return lib;
}
