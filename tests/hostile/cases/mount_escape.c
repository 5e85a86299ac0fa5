// expect: OK
/* Remount the root read-write, or get a user namespace to do it in. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL) == 0 ||
	    mount("none", "/tmp", "tmpfs", 0, NULL) == 0 ||
	    umount2("/proc", MNT_DETACH) == 0) {
		printf("ESCAPED: mount\n");
		return 42;
	}
	if (unshare(CLONE_NEWUSER) == 0 || unshare(CLONE_NEWNS) == 0 ||
	    unshare(CLONE_NEWNET) == 0) {
		printf("ESCAPED: unshare\n");
		return 42;
	}
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		printf("ESCAPED: clone(CLONE_NEWUSER)\n");
		return 42;
	}
	if (chroot("/tmp") == 0) {
		printf("ESCAPED: chroot\n");
		return 42;
	}
	return 0;
}
