#define _GNU_SOURCE
#include "random.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void random_hex(char *out, size_t n)
{
	unsigned char raw[32];
	size_t want = (n - 1) / 2;

	if (n < 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	if (want > sizeof(raw))
		want = sizeof(raw);
	if (getrandom(raw, want, 0) != (ssize_t)want) {
		struct timespec ts;
		unsigned long long v;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (unsigned long long)getpid() * 2654435761ULL ^
		    (unsigned long long)ts.tv_nsec;
		for (size_t i = 0; i < want; i++)
			raw[i] = (unsigned char)(v >> (8 * (i % 8)));
	}
	for (size_t i = 0; i < want; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	out[2 * want] = '\0';
}
