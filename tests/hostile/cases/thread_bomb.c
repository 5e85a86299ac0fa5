// expect: OK needs=cgroup-pids
/* Make threads until the system says no; more than the box allows means
 * the limit is not there. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	int n = 0;
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 65536);
	while (n < 5000 && pthread_create(&t, &a, idle, NULL) == 0)
		n++;
	printf("%d threads\n", n);
	if (n >= 100) {
		printf("ESCAPED: no thread limit\n");
		return 42;
	}
	return 0;
}
