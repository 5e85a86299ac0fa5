// expect: OK cflags=-fsanitize=address,-fsanitize=undefined,-g
/* A clean program under ASan and UBSan, with threads: no false alarm from
 * the box. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void *work(void *arg)
{
	char *p = malloc(1000);

	memset(p, (int)(long)arg, 1000);
	free(p);
	return NULL;
}

int main(void)
{
	pthread_t t[4];

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}
