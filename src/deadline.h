/* SPDX-License-Identifier: ISC */
/*
 * deadline: a time limit on input from the web server (MCP_BODY_TIMEOUT),
 * for the reads libfcgi makes on its own.
 */
#ifndef FCM_DEADLINE_H
#define FCM_DEADLINE_H

/* What to do with the connection when the time is up. */
enum dl_action {
	DL_SHUT_READ,	/* no more input; the answer can still be written */
	DL_DROP		/* let go of it: reads end, writes go nowhere */
};

int	 dl_init(void);
void	 dl_arm(int, long long, enum dl_action);
void	 dl_disarm(void);
int	 dl_expired(void);

#endif
