/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the API's protection (breaker.c, shm.c): the breaker
 * opens after N failures in a row, for that API only, and a failure seen
 * by one process opens it for all; half-open lets exactly one probe out;
 * the cap's slots are shared between processes and a slot of a process
 * killed with -9 is taken back; the retry rule; a region file of another
 * layout is made anew, one that others may write is refused.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "breaker.h"
#include "cfg.h"
#include "shm.h"
#include "upstream.h"
#include "util.h"

#include "tap.h"

static char	 dir[] = "/tmp/t_breaker.XXXXXX";
static char	 state[128];

static struct cfg
config(const char *failures, const char *cap, const char *methods)
{
	struct cfg	 c;
	char		*env[8], f[64], m[64], s[200], o[64], k[64];
	size_t		 n = 0;

	snprintf(f, sizeof(f), "MCP_API_BREAKER_FAILURES=%s", failures);
	snprintf(k, sizeof(k), "MCP_API_MAX_CONCURRENT=%s", cap);
	snprintf(m, sizeof(m), "MCP_API_RETRY_METHODS=%s", methods);
	snprintf(s, sizeof(s), "MCP_API_STATE_FILE=%s", state);
	snprintf(o, sizeof(o), "MCP_API_BREAKER_OPEN=2");
	env[n++] = f;
	env[n++] = k;
	env[n++] = m;
	env[n++] = s;
	env[n++] = o;
	env[n] = NULL;
	if (cfg_load(&c, PROG_MCP, env, stderr) == -1)
		abort();
	return c;
}

static int
start(const char *failures, const char *cap, const char *methods)
{
	struct cfg	 c = config(failures, cap, methods);
	char		*cause = NULL;
	int		 rc;

	rc = brk_init(&c, &cause);
	if (rc == -1)
		printf("# brk_init: %s\n", cause);
	free(cause);
	cfg_free(&c);
	return rc;
}

static void
fail_once(const char *url, int64_t now)
{
	struct brk_call	 c;

	brk_admit(url, now, &c);
	brk_done(&c, 0, now);
}

static void
t_breaker(void)
{
	const char	*a = "http://127.0.0.1:9/items/1?k=v";
	const char	*b = "http://127.0.0.1:10/items";
	struct brk_call	 c, d;
	int64_t		 now = 1000;
	pid_t		 pid;
	int		 st;

	ok(start("3", "0", "GET") == 0, "breaker of 3 starts");
	is_int(brk_admit(a, now, &c), BRK_GO, "a closed breaker lets a call "
	    "go");
	brk_done(&c, 0, now);
	fail_once(a, now);
	is_int(brk_admit(a, now, &c), BRK_GO, "two failures: still closed");
	brk_done(&c, 1, now);
	fail_once(a, now);
	fail_once(a, now);
	is_int(brk_admit(a, now, &c), BRK_GO, "a success between resets the "
	    "count: two in a row, still closed");
	brk_done(&c, 0, now);
	is_int(brk_admit(a, now, &c), BRK_OPEN, "three in a row: open");
	is_int((int)c.failures, 3, "it says how many failed");
	is_int((int)(c.retry_at - now), 2, "and when it is tried again "
	    "(MCP_API_BREAKER_OPEN)");
	brk_done(&c, -1, now);
	is_int(brk_admit("http://127.0.0.1:9/other/path", now, &c), BRK_OPEN,
	    "open for every path of that origin");
	is_int(brk_admit(b, now, &c), BRK_GO, "another API is not affected");
	brk_done(&c, 1, now);

	/* half-open: one probe; the others still refused */
	now += 2;
	is_int(brk_admit(a, now, &c), BRK_PROBE, "after the open time: one "
	    "probe");
	is_int(brk_admit(a, now, &d), BRK_OPEN, "a second call meanwhile "
	    "is refused");
	brk_done(&c, 0, now);
	is_int(brk_admit(a, now + 1, &c), BRK_OPEN, "the probe failed: open "
	    "again");
	is_int((int)(c.retry_at - now), 2, "for the whole open time again");
	now += 2;
	is_int(brk_admit(a, now, &c), BRK_PROBE, "probe again");
	brk_done(&c, -1, now);
	is_int(brk_admit(a, now, &c), BRK_PROBE, "a probe that never reached "
	    "the API lets another probe");
	brk_done(&c, 1, now);
	is_int(brk_admit(a, now, &c), BRK_GO, "the probe succeeded: closed");
	brk_done(&c, 1, now);

	/* what one process sees, the others see */
	if ((pid = fork()) == 0) {
		if (start("3", "0", "GET") == -1)
			_exit(2);
		fail_once(b, now);
		fail_once(b, now);
		fail_once(b, now);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a second process failed "
	    "three times");
	is_int(brk_admit(b, now, &c), BRK_OPEN, "open in this process too");
	brk_done(&c, -1, now);
	is_int(brk_admit(b, now - 1, &c), BRK_OPEN, "a worker whose clock "
	    "read is a second behind: still open");
	brk_done(&c, -1, now - 1);
	/* the clock stepped back an hour: not an hour more of refusals */
	is_int(brk_admit(b, now - 3600, &c), BRK_PROBE, "the clock went back: "
	    "the open time is over, one probe");
	is_int(brk_admit(b, now - 7200, &d), BRK_PROBE, "back again: the "
	    "probe's time is over too");
	brk_done(&d, -1, now - 7200);
	brk_done(&c, 1, now - 3600);
	is_int(brk_admit(b, now, &c), BRK_GO, "the probe succeeded: closed");
	brk_done(&c, 1, now);
	brk_fini();

	ok(start("0", "0", "GET") == 0, "no breaker");
	for (int i = 0; i < 10; i++)
		fail_once(a, now);
	is_int(brk_admit(a, now, &c), BRK_GO, "MCP_API_BREAKER_FAILURES=0: "
	    "never open");
	brk_done(&c, -1, now);
	brk_fini();
}

/* A child holds a slot until killed; -1 when it could not get one. */
static pid_t
holder(int *ready)
{
	struct brk_call	 c = { .slot = -1 };
	int		 p[2];
	pid_t		 pid;
	char		 ch = 'x';

	if (pipe(p) == -1)
		abort();
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (brk_acquire(&c, 0) == -1)
			ch = 'n';
		if (write(p[1], &ch, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	*ready = read(p[0], &ch, 1) == 1 && ch == 'x';
	close(p[0]);
	return pid;
}

/*
 * A holder in a PID namespace of its own, where its pid is 1: here that
 * pid is init's, a live process, as when a killed worker's pid has gone
 * to another process.  *gpid: its pid here.  0 when no namespace can be
 * made.
 */
static pid_t
ns_holder(pid_t *gpid)
{
	struct brk_call	 c = { .slot = -1 };
	int		 p[2];
	pid_t		 pid, g;
	char		 ch = 'n';

	if (pipe(p) == -1)
		abort();
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWPID) == -1 || (g = fork()) == -1)
			_exit(77);
		if (g == 0) {
			if (getpid() == 1 && brk_acquire(&c, 0) == 0)
				ch = 'x';
			if (write(p[1], &ch, 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		if (write(p[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		waitpid(g, NULL, 0);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], gpid, sizeof(*gpid)) != sizeof(*gpid) ||
	    read(p[0], &ch, 1) != 1 || ch != 'x') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = 0;
	}
	close(p[0]);
	return pid;
}

/*
 * A slot whose holder's pid now names another live process is taken
 * back all the same: a slot is held by a pid and that process's start.
 */
static void
t_cap_pid_reused(void)
{
	struct brk_call	 c = { .slot = -1 };
	pid_t		 h, g = 0;

	ok(start("0", "1", "GET") == 0, "a cap of 1 starts");
	if ((h = ns_holder(&g)) == 0) {
		ok(1, "# SKIP no PID namespace here");
		brk_fini();
		return;
	}
	kill(g, SIGKILL);
	waitpid(h, NULL, 0);
	is_int(brk_acquire(&c, 150), 0, "a holder killed whose pid (1 in its "
	    "namespace) is a live process's here: its slot is taken back");
	brk_done(&c, -1, 0);
	brk_fini();
}

static void
t_cap(void)
{
	struct brk_call	 c = { .slot = -1 };
	pid_t		 h1, h2, h3;
	int		 r1, r2, r3;

	ok(start("0", "2", "GET") == 0, "a cap of 2 starts");
	h1 = holder(&r1);
	h2 = holder(&r2);
	ok(r1 && r2, "two processes hold the two slots");
	h3 = holder(&r3);
	ok(!r3, "a third process gets none");
	kill(h3, SIGKILL);
	waitpid(h3, NULL, 0);
	is_int(brk_acquire(&c, 20), -1, "nor does this one within 20 ms");
	kill(h1, SIGKILL);
	waitpid(h1, NULL, 0);
	is_int(brk_acquire(&c, 0), 0, "a holder killed with -9: its slot is "
	    "taken back");
	brk_done(&c, -1, 0);
	is_int(c.slot, -1, "done gives the slot back");
	is_int(brk_acquire(&c, 0), 0, "and it can be taken again");
	brk_done(&c, -1, 0);
	kill(h2, SIGKILL);
	waitpid(h2, NULL, 0);
	brk_fini();

	ok(start("0", "0", "GET") == 0, "no cap");
	for (int i = 0; i < 5; i++) {
		struct brk_call	 x = { .slot = -1 };

		if (brk_acquire(&x, 0) == -1)
			break;
		if (i == 4)
			ok(1, "MCP_API_MAX_CONCURRENT=0: every call goes");
	}
	brk_fini();
}

static void
t_rules(void)
{
	struct cfg	 c;
	char		*cause = NULL;

	ok(start("0", "0", "GET, head ,Put") == 0, "a method list with "
	    "spaces and any case");
	ok(brk_may_retry("GET") && brk_may_retry("HEAD") &&
	    brk_may_retry("put"), "listed methods are retried");
	ok(!brk_may_retry("POST") && !brk_may_retry("DELETE") &&
	    !brk_may_retry("GE") && !brk_may_retry(""), "others are not");
	brk_fini();
	c = config("0", "0", "GET,PO ST/");
	ok(brk_init(&c, &cause) == -1 && cause != NULL &&
	    strstr(cause, "MCP_API_RETRY_METHODS") != NULL,
	    "a list with something not a method is refused: %s",
	    cause ? cause : "");
	free(cause);
	cfg_free(&c);
	brk_fini();

	ok(brk_outcome(UP_CONNECT, 0) == 0 && brk_outcome(UP_TIMEOUT, 0) == 0 &&
	    brk_outcome(UP_RESOLVE, 0) == 0 && brk_outcome(UP_OTHER, 0) == 0,
	    "no connection, a timeout, no name, other transport errors "
	    "count");
	ok(brk_outcome(UP_OK, 502) == 0 && brk_outcome(UP_OK, 503) == 0 &&
	    brk_outcome(UP_OK, 504) == 0, "502, 503, 504 count");
	ok(brk_outcome(UP_OK, 200) == 1 && brk_outcome(UP_OK, 500) == 1 &&
	    brk_outcome(UP_OK, 404) == 1 && brk_outcome(UP_TOO_LARGE, 0) == 1 &&
	    brk_outcome(UP_REDIRECT, 0) == 1, "the API's own answers are "
	    "answers (200, 404, 500, too large, a redirect)");
	ok(brk_outcome(UP_CANCELLED, 0) == -1, "a call its client left "
	    "tells nothing");
}

static void
t_region(void)
{
	struct shm_region	 r;
	char			*cause = NULL;
	int			 fd;
	uint32_t		*w;

	unlink(state);
	ok(shm_attach(state, 4096, 0x11, 1, &r, &cause) == 0, "a new region");
	w = shm_data(&r);
	w[0] = 42;
	shm_detach(&r);
	ok(shm_attach(state, 4096, 0x11, 1, &r, &cause) == 0 &&
	    ((uint32_t *)shm_data(&r))[0] == 42, "attached again: the data "
	    "is there");
	shm_detach(&r);
	ok(shm_attach(state, 4096, 0x11, 2, &r, &cause) == 0 &&
	    ((uint32_t *)shm_data(&r))[0] == 0, "another layout version: "
	    "made anew, zeroed");
	shm_detach(&r);
	ok(shm_attach(state, 8192, 0x11, 2, &r, &cause) == 0, "another "
	    "size: made anew");
	shm_detach(&r);
	chmod(state, 0666);
	ok(shm_attach(state, 8192, 0x11, 2, &r, &cause) == -1 && cause &&
	    strstr(cause, "written by others") != NULL, "a file others may "
	    "write is refused: %s", cause ? cause : "");
	free(cause);
	cause = NULL;
	chmod(state, 0600);
	if (geteuid() == 0) {
		ok(chown(state, 65534, 65534) == 0, "file given to nobody");
		ok(shm_attach(state, 8192, 0x11, 2, &r, &cause) == -1 &&
		    cause && strstr(cause, "another user") != NULL,
		    "a file of another user is refused: %s",
		    cause ? cause : "");
		free(cause);
		cause = NULL;
	}
	unlink(state);
	if (symlink("/tmp", state) == 0) {
		ok(shm_attach(state, 8192, 0x11, 2, &r, &cause) == -1,
		    "a symbolic link is not followed");
		free(cause);
		cause = NULL;
		unlink(state);
	}
	fd = open(state, O_CREAT | O_WRONLY, 0600);
	close(fd);
	ok(shm_attach(state, 4096, 0x11, 1, &r, &cause) == 0, "an empty file "
	    "(a creator killed before its header) is made anew");
	shm_detach(&r);
	unlink(state);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(state, sizeof(state), "%s/api-state", dir);
	t_breaker();
	t_cap();
	t_cap_pid_reused();
	t_rules();
	t_region();
	unlink(state);
	rmdir(dir);
	return done_testing();
}
