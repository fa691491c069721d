// glibc's allocator controls from `malloc.h`, which Swift's Glibc module does not declare.
// Each call does what its glibc function does where the C library is glibc, and nothing
// elsewhere (musl, Darwin): there it answers false.
#ifndef GFS_CMALLOC_H
#define GFS_CMALLOC_H

#include <stdbool.h>

/// Whether the C library is glibc, so the calls below reach its allocator.
bool gfs_malloc_is_glibc(void);

/// `mallopt(M_MMAP_THRESHOLD, bytes)`: blocks of `bytes` and more are mapped on their own,
/// and the threshold no longer follows the size of freed blocks. True when glibc took it.
bool gfs_malloc_set_mmap_threshold(int bytes);

/// `malloc_trim(0)`: hands every free page of every arena back to the system. True when
/// glibc found pages to return.
bool gfs_malloc_trim(void);

#endif
