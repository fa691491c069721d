#include "CMalloc.h"

// Any glibc header defines __GLIBC__ (through features.h); stdlib.h exists everywhere.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

bool gfs_malloc_is_glibc(void) {
#if defined(__GLIBC__)
    return true;
#else
    return false;
#endif
}

bool gfs_malloc_set_mmap_threshold(int bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, bytes) == 1;
#else
    (void)bytes;
    return false;
#endif
}

bool gfs_malloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0) == 1;
#else
    return false;
#endif
}
