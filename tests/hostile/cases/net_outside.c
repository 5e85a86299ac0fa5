// expect: OK
/* Reach the outside world over TCP, UDP and a raw socket. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a = {0};
	int fd;

	a.sin_family = AF_INET;
	a.sin_port = htons(53);
	a.sin_addr.s_addr = inet_addr("1.1.1.1");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		printf("ESCAPED: TCP to 1.1.1.1\n");
		return 42;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0 &&
	    sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1) {
		printf("ESCAPED: UDP to 1.1.1.1\n");
		return 42;
	}
	if (socket(AF_INET6, SOCK_STREAM, 0) >= 0 ||
	    socket(AF_PACKET, SOCK_RAW, 0) >= 0 ||
	    socket(AF_NETLINK, SOCK_RAW, 0) >= 0) {
		printf("ESCAPED: made a network socket\n");
		return 42;
	}
	return 0;
}
