/* SPDX-License-Identifier: ISC */
/*
 * A redis-server of a unit test's own, on a free loopback port, for the
 * tests of the store's Redis back end (t_store, t_ratelimit); DEBUG is
 * allowed (DEBUG SLEEP makes a slow Redis).
 */
#ifndef FCM_T_REDIS_H
#define FCM_T_REDIS_H

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
free_port(void)
{
	struct sockaddr_in	 a;
	socklen_t		 n = sizeof(a);
	int			 fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) == -1)
		abort();
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* redis-server's major version ("v=7.0.15" in its --version line) */
static int
redis_major(void)
{
	FILE		*f = popen("redis-server --version", "r");
	char		 line[256];
	const char	*v;
	int		 major = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (v = strstr(line, " v=")) != NULL)
		major = atoi(v + 3);
	pclose(f);
	return major;
}

static pid_t
redis_start(int port)
{
	char		 p[16];
	const char	*argv[16] = { "redis-server", "--port", p, "--bind",
	    "127.0.0.1", "--save", "", "--appendonly", "no", NULL };
	pid_t		 pid;
	int		 i;

	snprintf(p, sizeof(p), "%d", port);
	if (redis_major() >= 7) {	/* the option is new in Redis 7.0 */
		argv[9] = "--enable-debug-command";
		argv[10] = "yes";
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(1);
		if (open("/dev/null", O_WRONLY) != 1)
			_exit(126);
		execvp("redis-server", (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {	/* until it listens */
		struct sockaddr_in	 a;
		int			 fd = socket(AF_INET, SOCK_STREAM, 0);

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			close(fd);
			return pid;
		}
		close(fd);
		usleep(50000);
	}
	return pid;
}

static void
redis_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

#endif
