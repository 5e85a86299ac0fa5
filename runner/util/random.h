/*
 * random: unpredictable tokens (the nonces test harnesses sign their
 * reports with).
 */
#ifndef WB_RANDOM_H
#define WB_RANDOM_H

#include <stddef.h>

/* Fill out (size n >= 3) with up to (n - 1) / 2 random bytes as lowercase
 * hex and a terminating NUL.  From the kernel's random pool; if that fails
 * (it does not on Linux), from the pid and the clock. */
void random_hex(char *out, size_t n);

#endif
