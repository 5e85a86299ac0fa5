// expect: OK
/* System calls with a long record of kernel bugs: bpf, perf events,
 * io_uring, keyrings, userfaultfd. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char params[128];
	long r;

	memset(params, 0, sizeof(params));
	r = syscall(SYS_bpf, 0, params, 48);
	if (r >= 0) {
		printf("ESCAPED: bpf\n");
		return 42;
	}
	if (syscall(SYS_perf_event_open, params, 0, -1, -1, 0) >= 0) {
		printf("ESCAPED: perf_event_open\n");
		return 42;
	}
	if (syscall(SYS_io_uring_setup, 4, params) >= 0) {
		printf("ESCAPED: io_uring_setup\n");
		return 42;
	}
	if (syscall(SYS_add_key, "user", "wb", "x", 1, -2) >= 0 ||
	    syscall(SYS_keyctl, 0, -3, 0) >= 0) {
		printf("ESCAPED: keyring\n");
		return 42;
	}
	if (syscall(SYS_userfaultfd, 0) >= 0) {
		printf("ESCAPED: userfaultfd\n");
		return 42;
	}
	return 0;
}
