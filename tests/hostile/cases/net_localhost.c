// expect: OK
/* Reach a service on the host's loopback (ssh, a database, the grader's
 * own ports). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int ports[] = {22, 80, 5432, 8080};

	for (int i = 0; i < 4; i++) {
		struct sockaddr_in a = {0};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			continue;
		a.sin_family = AF_INET;
		a.sin_port = htons((unsigned short)ports[i]);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			printf("ESCAPED: connected to 127.0.0.1:%d\n", ports[i]);
			return 42;
		}
		close(fd);
	}
	return 0;
}
