/* SPDX-License-Identifier: ISC */
/*
 * deadline: a time limit on input from the web server.
 *
 * libfcgi reads its socket with blocking read(2)s of its own, several for
 * one record when the bytes come slowly, so a limit cannot be passed to
 * each read.  Only the web server connects, but one that streams bodies
 * (Apache's mod_proxy_fcgi) passes a slow client's pace on: a client that
 * sends a byte now and then held a worker as long as it liked, while its
 * body was read and again in libfcgi's closing wait for the rest of an
 * unread body (two seconds at a time, renewed by every byte).
 *
 * So a one-shot timer is armed around those reads only (no signal can
 * come while a request is handled, with its upstream calls and their
 * poll(2)s), and when it fires its handler ends the reads from outside:
 * shutdown(2) of the read side, after which a read returns the end of
 * the stream at once and the answer (408) can still be written; or, for
 * the closing wait, /dev/null put in place of the socket, which ends the
 * wait whatever still arrives.  Both calls are async-signal-safe.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"

static volatile sig_atomic_t	 dl_fd = -1;	/* -1: nothing armed */
static volatile sig_atomic_t	 dl_drop;
static volatile sig_atomic_t	 dl_fired;
static int			 dl_null = -1;

static void
dl_on_alarm(int sig)
{
	int	 saved = errno, fd = dl_fd;

	(void)sig;
	if (fd >= 0) {
		if (dl_drop)
			(void)dup2(dl_null, fd);
		else
			(void)shutdown(fd, SHUT_RD);
		dl_fired = 1;
	}
	errno = saved;
}

/*
 * Once per worker.  SA_RESTART: a read the signal interrupts starts again
 * and finds the end of the stream.
 */
int
dl_init(void)
{
	struct sigaction	 sa;

	if (dl_null == -1 &&
	    (dl_null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dl_on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGALRM, &sa, NULL);
}

static void
dl_set(long long seconds)
{
	struct itimerval	 it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

/* Give the reads on `fd` `seconds` from now. */
void
dl_arm(int fd, long long seconds, enum dl_action action)
{
	if (dl_null == -1 || fd < 0)
		return;
	dl_fired = 0;
	dl_drop = action == DL_DROP;
	dl_fd = fd;
	dl_set(seconds);
}

/*
 * The fd is forgotten before the timer stops: a signal already on its
 * way then finds nothing to act on.
 */
void
dl_disarm(void)
{
	if (dl_fd == -1)
		return;
	dl_fd = -1;
	dl_set(0);
}

/* Did the time run out since the last dl_arm? */
int
dl_expired(void)
{
	return dl_fired;
}
