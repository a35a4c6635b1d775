/* SPDX-License-Identifier: ISC */
/*
 * shm: the shared region (see shm.h).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "shm.h"
#include "util.h"

#define SHM_HEAD	64	/* the header's share: data stays aligned */
#define SHM_WAIT_MS	1000	/* for a creator to finish its header */

static void
pause_ms(long ms)
{
	struct timespec	 ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int
map_fd(int fd, size_t total, struct shm_region *r)
{
	void	*p;

	p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	r->base = p;
	r->size = total;
	r->anonymous = 0;
	return 0;
}

/* Ours, a plain file, written by nobody else: else another user could
 * open the breaker or fill the slots of every worker on the host. */
static const char *
unfit(int fd, size_t total, int *short_file)
{
	struct stat	 st;

	*short_file = 0;
	if (fstat(fd, &st) == -1)
		return "cannot be examined";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (st.st_uid != geteuid())
		return "belongs to another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "may be written by others (mode must be 0600)";
	if ((size_t)st.st_size != total)
		*short_file = 1;
	return NULL;
}

/* -1: not usable as it is (the caller may start it anew); -2: refused. */
static int
join(const char *path, size_t total, uint32_t magic, uint32_t version,
    struct shm_region *r, char **cause)
{
	struct shm_header	*h;
	const char		*why;
	int			 fd, waited, short_file, rc = -1;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return -1;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -2;
	}
	for (waited = 0; ; waited++) {
		if ((why = unfit(fd, total, &short_file)) != NULL) {
			xasprintf(cause, "%s %s", path, why);
			rc = -2;
			goto out;
		}
		if (!short_file)
			break;
		if (waited == SHM_WAIT_MS)
			goto out;	/* another size, or a creator gone */
		pause_ms(1);
	}
	/* holes of a file that was only sized (create says why) */
	if ((errno = util_allocate(fd, 0, (off_t)total, 0)) != 0) {
		xasprintf(cause, "%s: cannot allocate it: %s", path,
		    strerror(errno));
		rc = -2;
		goto out;
	}
	if (map_fd(fd, total, r) == -1) {
		xasprintf(cause, "%s: mmap: %s", path, strerror(errno));
		rc = -2;
		goto out;
	}
	h = r->base;
	for (waited = 0; !__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE);
	    waited++) {
		if (waited == SHM_WAIT_MS) {
			shm_detach(r);
			goto out;
		}
		pause_ms(1);
	}
	if (h->magic != magic || h->version != version || h->size != total) {
		shm_detach(r);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static int
create(const char *path, size_t total, uint32_t magic, uint32_t version,
    struct shm_region *r, char **cause)
{
	struct shm_header	*h;
	int			 fd, rc = -1;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 1;	/* somebody was quicker: join it */
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	/*
	 * Sized (ftruncate zeroes: every counter and slot starts at 0) and
	 * allocated: a page first written in a hole of a mapped file on a
	 * full file system (any local user can fill /dev/shm) is SIGBUS in
	 * the worker, not an error.
	 */
	if (fchmod(fd, 0600) == -1 || ftruncate(fd, (off_t)total) == -1 ||
	    (errno = util_allocate(fd, 0, (off_t)total, 0)) != 0 ||
	    map_fd(fd, total, r) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(path);
		goto out;
	}
	h = r->base;
	h->magic = magic;
	h->version = version;
	h->size = total;
	__atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
	rc = 0;
out:
	close(fd);
	return rc;
}

int
shm_attach(const char *path, size_t size, uint32_t magic, uint32_t version,
    struct shm_region *r, char **cause)
{
	size_t	 total = SHM_HEAD + size;
	int	 tries, rc;

	memset(r, 0, sizeof(*r));
	for (tries = 0; tries < 3; tries++) {
		if ((rc = join(path, total, magic, version, r, cause)) == 0)
			return 0;
		if (rc == -2)
			return -1;
		if (access(path, F_OK) == 0) {
			/* another layout (an older fcgi-mcp), or a creator
			 * killed before its header: ours, so start anew */
			log_msg(LOGL_WARN, "%s: another layout or unfinished; "
			    "made anew", path);
			if (unlink(path) == -1 && errno != ENOENT) {
				xasprintf(cause, "%s: %s", path,
				    strerror(errno));
				return -1;
			}
		}
		if ((rc = create(path, total, magic, version, r, cause)) == 0)
			return 0;
		if (rc == -1)
			return -1;
	}
	xasprintf(cause, "%s: made anew by others three times", path);
	return -1;
}

int
shm_private(size_t size, uint32_t magic, uint32_t version,
    struct shm_region *r)
{
	struct shm_header	*h;
	size_t			 total = SHM_HEAD + size;
	void			*p;

	memset(r, 0, sizeof(*r));
	p = mmap(NULL, total, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	h = p;
	h->magic = magic;
	h->version = version;
	h->size = total;
	h->ready = 1;
	r->base = p;
	r->size = total;
	r->anonymous = 1;
	return 0;
}

void
shm_detach(struct shm_region *r)
{
	if (r->base != NULL)
		munmap(r->base, r->size);
	r->base = NULL;
	r->size = 0;
}

void *
shm_data(const struct shm_region *r)
{
	return (char *)r->base + SHM_HEAD;
}
