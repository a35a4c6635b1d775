/* SPDX-License-Identifier: ISC */
/*
 * hc_resolve: the addresses of a host name for hclient, within the
 * call's deadline.  getaddrinfo(3) has no timeout of its own (resolv.conf
 * can make it wait ten seconds and more), so the lookup runs with
 * getaddrinfo_a(3), glibc's resolver threads, and the wait is bounded
 * with gai_suspend(3).  A lookup still running at the deadline is
 * cancelled or, when glibc can no longer cancel it, set aside: freed once
 * it ends, its answer kept if it brought one (a resolver slower than the
 * calls' timeout still serves the calls after it).  At most
 * HC_LOOKUPS_MAX are set aside; while that many hang a new lookup fails
 * at once, so that a resolver that does not answer neither piles up
 * threads nor makes every call wait its whole timeout.
 *
 * The last answer is kept for HC_DNS_TTL seconds, as libcurl keeps its
 * DNS cache, so that an API that closes its connections is not looked
 * up again on every call.  The address that last took a connection is
 * remembered apart from the answer, and tried first in the next answer
 * that has it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hclient.h"

#define HC_DNS_TTL	60	/* seconds an answer is used */
#define HC_LOOKUPS_MAX	4	/* lookups set aside, still running */

struct lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	char		 name[HC_NAME_MAX + 1];
	char		 port[8];
	struct lookup	*next;
};

/* the kept answer */
static struct {
	char		 name[HC_NAME_MAX + 1];
	char		 port[8];
	struct addrinfo	*list;
	size_t		 count;
	double		 expires;
} hc_dns;

/* the address that last took a connection, whatever the answer */
static struct sockaddr_storage	hc_good;
static socklen_t		hc_good_len;

static struct lookup	*hc_aside;	/* lookups past their deadline */

void
hc_resolve_forget(void)
{
	if (hc_dns.list != NULL)
		freeaddrinfo(hc_dns.list);
	memset(&hc_dns, 0, sizeof(hc_dns));
}

/* The answer of l (ended with one) becomes the kept answer. */
static void
keep(struct lookup *l)
{
	struct addrinfo	*a;

	hc_resolve_forget();
	hc_dns.list = l->cb.ar_result;
	l->cb.ar_result = NULL;
	memcpy(hc_dns.name, l->name, sizeof(hc_dns.name));
	memcpy(hc_dns.port, l->port, sizeof(hc_dns.port));
	for (a = hc_dns.list; a != NULL; a = a->ai_next)
		hc_dns.count++;
	hc_dns.expires = util_now_mono() + HC_DNS_TTL;
}

static void
lookup_free(struct lookup *l)
{
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}

/*
 * Free the lookups set aside that have ended; an answer one brought is
 * kept (the newest: a worker calls one API); how many still run.
 */
static size_t
reap(void)
{
	struct lookup	**lp = &hc_aside, *l;
	size_t		  running = 0;
	int		  rc;

	while ((l = *lp) != NULL) {
		if ((rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
			running++;
			lp = &l->next;
			continue;
		}
		*lp = l->next;
		if (rc == 0 && l->cb.ar_result != NULL)
			keep(l);
		lookup_free(l);
	}
	return running;
}

/*
 * Stop waiting for l: cancelled, ended in the meantime, or (glibc's
 * thread is in it) set aside until it ends.
 */
static void
abandon(struct lookup *l)
{
	if (gai_cancel(&l->cb) == EAI_NOTCANCELED) {
		l->next = hc_aside;
		hc_aside = l;
	} else
		lookup_free(l);	/* cancelled or done: no thread holds it */
}

void
hc_resolve_good(const struct sockaddr *sa, socklen_t len)
{
	if (len <= sizeof(hc_good)) {
		memcpy(&hc_good, sa, len);
		hc_good_len = len;
	}
}

/*
 * Without IPv6 on the host (no AF_INET6 socket can be made), only IPv4
 * addresses are asked for, as libcurl does: a resolver that drops AAAA
 * questions would otherwise make every lookup wait for its timeout.
 */
static int
family(void)
{
	static int	 f = -1;
	int		 s;

	if (f == -1) {
		if ((s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
			f = AF_INET;
		else {
			close(s);
			f = AF_UNSPEC;
		}
	}
	return f;
}

/* The position of the remembered address in the kept answer, or 0. */
static size_t
good_index(void)
{
	const struct addrinfo	*a;
	size_t			 i;

	for (a = hc_dns.list, i = 0; a != NULL; a = a->ai_next, i++)
		if (a->ai_addrlen == hc_good_len &&
		    memcmp(a->ai_addr, &hc_good, hc_good_len) == 0)
			return i;
	return 0;
}

static int
kept(const char *name, const char *port)
{
	return hc_dns.list != NULL && util_now_mono() < hc_dns.expires &&
	    strcmp(hc_dns.name, name) == 0 && strcmp(hc_dns.port, port) == 0;
}

/*
 * The addresses of name (a host name, not an address) and port, by
 * *list and *count, the one to try first by *first; kept here, valid up
 * to the next call.  0, or -1 with *why (static words): the deadline
 * passed, the name has no address, or the resolver failed.
 */
int
hc_resolve(const char *name, const char *port, double deadline,
    const struct addrinfo **list, size_t *count, size_t *first,
    const char **why)
{
	struct gaicb	*cbs[1];
	struct lookup	*l = NULL;
	struct timespec	 ts;
	double		 left;
	int		 rc = -1;

	if (reap() >= HC_LOOKUPS_MAX && !kept(name, port)) {
		*why = "earlier lookups have not ended (the resolver does "
		    "not answer)";
		goto out;
	}
	if (kept(name, port))
		goto found;
	if (strlen(name) > HC_NAME_MAX || strlen(port) >= sizeof(l->port)) {
		*why = "the host name is too long";
		goto out;
	}
	l = xcalloc(1, sizeof(*l));
	strcpy(l->name, name);
	strcpy(l->port, port);
	l->hints.ai_family = family();
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_NUMERICSERV;
	l->cb.ar_name = l->name;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	cbs[0] = &l->cb;
	if (getaddrinfo_a(GAI_NOWAIT, cbs, 1, NULL) != 0) {
		*why = "the resolver could not begin a lookup";
		goto out;
	}
	while (gai_error(&l->cb) == EAI_INPROGRESS) {
		if ((left = deadline - util_now_mono()) <= 0) {
			abandon(l);
			l = NULL;
			*why = "the resolver did not answer in time";
			goto out;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		/* returns on the end of the lookup, a signal or the time */
		(void)gai_suspend((const struct gaicb *const *)cbs, 1, &ts);
	}
	if (gai_error(&l->cb) != 0 || l->cb.ar_result == NULL) {
		*why = "the name has no address";
		goto out;
	}
	keep(l);
found:
	*list = hc_dns.list;
	*count = hc_dns.count;
	*first = good_index();
	rc = 0;
out:
	if (l != NULL)
		lookup_free(l);
	return rc;
}

/* At exit: the kept answer; lookups still running are left to exit(3). */
void
hc_resolve_cleanup(void)
{
	hc_resolve_forget();
	(void)reap();
	hc_resolve_forget();
}
