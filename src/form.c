/* SPDX-License-Identifier: ISC */
/*
 * form: the urlencoded parser.  Empty pairs ("a=1&&b=2") are skipped, a
 * name without "=" has the empty value, and empty values count as absent
 * for form_get (RFC 6749 §3.1: parameters sent without a value are
 * treated as if they were omitted).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "url.h"
#include "util.h"

/* Decode one name or value; NULL when it is not well formed. */
char *
form_decode(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 i, n = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3)
				goto fail;
			if ((hi = util_hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = util_hexval((unsigned char)s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				goto fail;
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

void
form_free(struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->name[i]);
		free(f->value[i]);
	}
	memset(f, 0, sizeof(*f));
}

int
form_parse(struct form *f, const char *s, size_t len, const char **cause)
{
	const char	*p, *end, *amp, *eq;
	char		*name, *value;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	if (s == NULL)
		return 0;
	if (len > FORM_MAX_INPUT) {
		*cause = "too long";
		return -1;
	}
	if (memchr(s, '\0', len) != NULL) {
		*cause = "contains a NUL byte";
		return -1;
	}
	for (p = s, end = s + len; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (f->n == FORM_MAX_PAIRS) {
			*cause = "too many parameters";
			goto fail;
		}
		name = form_decode(p, (size_t)(eq - p));
		value = eq < amp ? form_decode(eq + 1, (size_t)(amp - eq - 1)) :
		    xstrdup("");
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			*cause = "malformed percent-encoding";
			goto fail;
		}
		for (i = 0; i < f->n; i++)
			if (strcmp(f->name[i], name) == 0)
				break;
		if (i < f->n) {
			free(name);
			free(value);
			*cause = "a parameter is repeated";
			goto fail;
		}
		f->name[f->n] = name;
		f->value[f->n++] = value;
		if (amp == end)
			break;
	}
	return 0;
fail:
	form_free(f);
	return -1;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i][0] != '\0' ? f->value[i] : NULL;
	return NULL;
}

/* Append name=value to a urlencoded body being built. */
void
form_add(struct buf *b, const char *name, const char *value, size_t len)
{
	if (b->len > 0)
		buf_putc(b, '&');
	url_encode(b, name, strlen(name));
	buf_putc(b, '=');
	url_encode(b, value, len);
}

/*
 * "Authorization: Basic ..." for a client id and secret (RFC 6749
 * §2.3.1: each part form-encoded first, then base64).  A new string.
 */
char *
form_basic_header(const char *id, const char *secret)
{
	struct buf	 cred;
	char		*b64, *h;

	buf_init(&cred);
	url_encode(&cred, id, strlen(id));
	buf_putc(&cred, ':');
	url_encode(&cred, secret, strlen(secret));
	b64 = util_b64_encode((unsigned char *)cred.data, cred.len);
	xasprintf(&h, "Authorization: Basic %s", b64);
	explicit_bzero(b64, strlen(b64));
	free(b64);
	explicit_bzero(cred.data, cred.len);
	buf_free(&cred);
	return h;
}
