// expect: RE cflags=-fsanitize=leak,-g stderr~detected.memory.leaks
/* Standalone LeakSanitizer with live threads to stop. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

void *volatile keep;

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	pthread_t t;

	for (int i = 0; i < 3; i++)
		pthread_create(&t, NULL, spin, NULL);
	keep = malloc(64);
	keep = NULL;
	return 0;
}
