/* SPDX-License-Identifier: ISC */
/*
 * hc_resolve: the addresses of a host name for hclient, within the
 * call's deadline.  getaddrinfo(3) has no timeout of its own (resolv.conf
 * can make it wait ten seconds and more), so the lookup runs with
 * getaddrinfo_a(3), glibc's resolver threads, and the wait is bounded
 * with gai_suspend(3).  A lookup still running at the deadline is
 * cancelled or, when glibc can no longer cancel it, set aside and freed
 * once it ends; at most HC_LOOKUPS_MAX are set aside, and while that
 * many hang a new lookup fails at once (a resolver that does not answer
 * does not pile up threads or make every call wait its whole timeout).
 *
 * The last answer is kept for HC_DNS_TTL seconds, as libcurl keeps its
 * DNS cache, so that an API that closes its connections is not looked
 * up again on every call; it is dropped when none of its addresses
 * could be connected to.  The address that last connected is tried
 * first.
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
	size_t		 good;		/* the address that last connected */
	double		 expires;
} hc_dns;

static struct lookup	*hc_aside;	/* lookups past their deadline */

/* Free the lookups set aside that have ended; how many still run. */
static size_t
reap(void)
{
	struct lookup	**lp = &hc_aside, *l;
	size_t		  running = 0;

	while ((l = *lp) != NULL) {
		if (gai_error(&l->cb) == EAI_INPROGRESS) {
			running++;
			lp = &l->next;
			continue;
		}
		*lp = l->next;
		if (l->cb.ar_result != NULL)
			freeaddrinfo(l->cb.ar_result);
		free(l);
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
		return;
	}
	/* cancelled or done: a request no thread holds */
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}

void
hc_resolve_forget(void)
{
	if (hc_dns.list != NULL)
		freeaddrinfo(hc_dns.list);
	memset(&hc_dns, 0, sizeof(hc_dns));
}

void
hc_resolve_good(size_t i)
{
	hc_dns.good = i;
}

/*
 * The addresses of name (a host name, not an address) and port, by
 * *list and *count, the one to try first by *first; kept here, valid up
 * to the next call.  0, or -1 with *err: UP_TIMEOUT when the deadline
 * passed, UP_RESOLVE when the name has no address or the resolver
 * failed (*why: static words).
 */
int
hc_resolve(const char *name, const char *port, double deadline,
    const struct addrinfo **list, size_t *count, size_t *first,
    enum up_error *err, const char **why)
{
	struct gaicb	*cbs[1];
	struct lookup	*l;
	struct addrinfo	*a;
	struct timespec	 ts;
	double		 now = util_now_mono(), left;
	int		 rc;

	if (hc_dns.list != NULL && now < hc_dns.expires &&
	    strcmp(hc_dns.name, name) == 0 && strcmp(hc_dns.port, port) == 0)
		goto found;
	hc_resolve_forget();
	if (strlen(name) > HC_NAME_MAX || strlen(port) >= sizeof(l->port)) {
		*err = UP_RESOLVE;
		*why = "the host name is too long";
		return -1;
	}
	if (reap() >= HC_LOOKUPS_MAX) {
		*err = UP_RESOLVE;
		*why = "earlier lookups have not ended (the resolver does "
		    "not answer)";
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		*err = UP_RESOLVE;
		*why = "out of memory";
		return -1;
	}
	strcpy(l->name, name);
	strcpy(l->port, port);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_NUMERICSERV;
	l->cb.ar_name = l->name;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	cbs[0] = &l->cb;
	if (getaddrinfo_a(GAI_NOWAIT, cbs, 1, NULL) != 0) {
		free(l);
		*err = UP_RESOLVE;
		*why = "the resolver could not start a lookup";
		return -1;
	}
	while ((rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
		if ((left = deadline - util_now_mono()) <= 0) {
			abandon(l);
			*err = UP_TIMEOUT;
			*why = "the host name was not resolved in time";
			return -1;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		/* returns on the end of the lookup, a signal or the time */
		(void)gai_suspend((const struct gaicb *const *)cbs, 1, &ts);
	}
	if (rc != 0 || l->cb.ar_result == NULL) {
		if (l->cb.ar_result != NULL)
			freeaddrinfo(l->cb.ar_result);
		free(l);
		*err = UP_RESOLVE;
		*why = "the host name has no address";
		return -1;
	}
	hc_dns.list = l->cb.ar_result;
	free(l);
	strcpy(hc_dns.name, name);
	strcpy(hc_dns.port, port);
	for (a = hc_dns.list; a != NULL; a = a->ai_next)
		hc_dns.count++;
	hc_dns.expires = now + HC_DNS_TTL;
found:
	*list = hc_dns.list;
	*count = hc_dns.count;
	*first = hc_dns.good < hc_dns.count ? hc_dns.good : 0;
	return 0;
}

/* At exit: the kept answer; lookups still running are left to exit(3). */
void
hc_resolve_cleanup(void)
{
	hc_resolve_forget();
	(void)reap();
}
