/* SPDX-License-Identifier: ISC */
/*
 * log: diagnostics and one line per request on stderr, as text or JSON.
 * Callers never pass tokens, secrets or query strings here.
 */
#ifndef FCM_LOG_H
#define FCM_LOG_H

#include "cfg.h"

struct req;
struct resp;

void	 log_init(const char *, int, int);	/* keeps the name */
void	 log_msg(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_request(const struct req *, const struct resp *);
/* A whole line (the audit record), held until the request's log_request
 * or the next log_msg, whichever comes first. */
void	 log_record(const char *, size_t);

#endif
