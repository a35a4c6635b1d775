/* SPDX-License-Identifier: ISC */
/*
 * jsregex: ECMA-262 regular expressions (JSON Schema's "pattern" and
 * "patternProperties") matched with PCRE2.
 *
 * PCRE2 reads most ECMA-262 patterns as ECMA-262 does, given options:
 * UTF-8 and code points (the "u" flag that JSON Schema assumes), "$" only
 * at the very end (ECMA-262 has no "before a final newline"), "\uhhhh" and
 * "\u{h...}" escapes and "\x" with exactly two digits, "[]" and "[^]" as
 * the empty and the full class, and a back-reference to a group that has
 * not matched matching the empty string.  Where the two still differ, the
 * pattern is rewritten before it is compiled:
 * - "\s" and "\S" are ECMA-262's white space and line terminators, which
 *   include U+00A0, U+2028, U+FEFF and the other Unicode spaces; PCRE2's
 *   are ASCII only.  A class holding "\S" becomes a group, as PCRE2 has
 *   no class of everything but a list: "[a\S]" is "(?:[a]|[^spaces])",
 *   "[^a\S]" is "(?![a])[spaces]";
 * - "." does not match "\n", "\r", U+2028 or U+2029, and matches
 *   everything else (PCRE2's depends on its newline convention);
 * - "[" inside a class is a plain "[" ("[[:alpha:]]" is not a POSIX
 *   class in ECMA-262);
 * - a surrogate pair written as two "\u" escapes is the one code point it
 *   stands for;
 * - a general category named by its long name ("\p{Letter}") is given
 *   its short one ("\p{L}"), the only one PCRE2 10.42 knows.
 * "\d" and "\w" are ASCII in both.  What remains different is rare in
 * schemas: a look-behind of variable length (PCRE2 refuses to compile
 * it, and the keyword is then not checked), and PCRE2's own syntax
 * ("(?i)", "\A", possessive quantifiers), which it accepts.
 *
 * Work: PCRE2 counts the steps of a match (its match limit, and the depth
 * of its backtracking); both are bounded by JRE_WORK(length of the
 * subject), so the work of checking a value grows with its size, and each
 * match draws its bound from a budget for the whole value.  The memory
 * for backtracking is bounded too (JRE_HEAP_KIB).  But PCRE2 counts
 * neither the restarts of a pattern that is not anchored (each start has
 * the whole bound) nor backtracking within a repeat of one character
 * ("[a-z]*[a-z]*[0-9]" took 9 s on 4 KiB), so the subject is short:
 * JRE_SUBJECT_MAX bytes, and the caller bounds the time a value's
 * matches take (src/jsonschema.c).  A match that would need more is
 * reported as unknown (-1), not as a match.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "jsregex.h"
#include "util.h"

/* the memory for backtracking, in KiB: a group repeated over the
 * longest subject keeps a frame (about 150 bytes) for each time round */
#define JRE_HEAP_KIB		1024u

/* ECMA-262's WhiteSpace and LineTerminator, as members of a class */
#define ECMA_SPACE	"\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a" \
			"\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
/* what "." leaves out */
#define ECMA_DOT	"[^\\n\\r\\u2028\\u2029]"

struct jre {
	pcre2_code		*code;
	pcre2_match_context	*mc;
};

/*
 * One match data for every pattern: PCRE2 10.42 keeps the frames of the
 * last match in it, so one per pattern would keep as many large blocks.
 */
static pcre2_match_data	*jre_md;

/*
 * The long names (and ECMA-262's aliases) of the Unicode general
 * categories, which PCRE2 10.42 knows only by their short ones.
 */
static const struct {
	const char	*name, *abbr;
} gc_names[] = {
	{ "Other", "C" }, { "Control", "Cc" }, { "cntrl", "Cc" },
	{ "Format", "Cf" }, { "Unassigned", "Cn" }, { "Private_Use", "Co" },
	{ "Surrogate", "Cs" }, { "Letter", "L" }, { "Cased_Letter", "LC" },
	{ "Lowercase_Letter", "Ll" }, { "Modifier_Letter", "Lm" },
	{ "Other_Letter", "Lo" }, { "Titlecase_Letter", "Lt" },
	{ "Uppercase_Letter", "Lu" }, { "Mark", "M" }, { "Combining_Mark", "M" },
	{ "Spacing_Mark", "Mc" }, { "Enclosing_Mark", "Me" },
	{ "Nonspacing_Mark", "Mn" }, { "Number", "N" },
	{ "Decimal_Number", "Nd" }, { "digit", "Nd" }, { "Letter_Number", "Nl" },
	{ "Other_Number", "No" }, { "Punctuation", "P" }, { "punct", "P" },
	{ "Connector_Punctuation", "Pc" }, { "Dash_Punctuation", "Pd" },
	{ "Close_Punctuation", "Pe" }, { "Final_Punctuation", "Pf" },
	{ "Initial_Punctuation", "Pi" }, { "Other_Punctuation", "Po" },
	{ "Open_Punctuation", "Ps" }, { "Symbol", "S" },
	{ "Currency_Symbol", "Sc" }, { "Modifier_Symbol", "Sk" },
	{ "Math_Symbol", "Sm" }, { "Other_Symbol", "So" }, { "Separator", "Z" },
	{ "Line_Separator", "Zl" }, { "Paragraph_Separator", "Zp" },
	{ "Space_Separator", "Zs" },
};

/*
 * "\p{...}" or "\P{...}" at p (n bytes left) that names a general
 * category by a long name: written with the short one; returns the bytes
 * of p read, 0 when p is anything else (copied as it is).
 */
static size_t
property(const char *p, size_t n, struct buf *out)
{
	const char	*name, *end;
	size_t		 len, i;
	int		 prefixed = 1;

	if (n < 4 || (p[1] != 'p' && p[1] != 'P') || p[2] != '{' ||
	    (end = memchr(p + 3, '}', n - 3)) == NULL)
		return 0;
	name = p + 3;
	len = (size_t)(end - name);
	if (len > 17 && strncmp(name, "General_Category=", 17) == 0) {
		name += 17;
		len -= 17;
	} else if (len > 3 && strncmp(name, "gc=", 3) == 0) {
		name += 3;
		len -= 3;
	} else
		prefixed = 0;
	for (i = 0; i < sizeof(gc_names) / sizeof(gc_names[0]); i++)
		if (strlen(gc_names[i].name) == len &&
		    memcmp(gc_names[i].name, name, len) == 0) {
			name = gc_names[i].abbr;
			len = strlen(name);
			break;
		}
	/* neither a long name nor "gc=Lu" (a short one): left as it is */
	if (i == sizeof(gc_names) / sizeof(gc_names[0]) && !prefixed)
		return 0;
	buf_append(out, p, 3);
	buf_append(out, name, len);
	buf_putc(out, '}');
	return (size_t)(end - p) + 1;
}

/* "\uhhhh" at p (n bytes left): its value, or -1 when p is not one */
static long
u_escape(const char *p, size_t n)
{
	long	 v = 0;
	size_t	 i;
	int	 d;

	if (n < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((d = util_hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void	 rewrite(const char *, size_t, struct buf *);

/*
 * The class that opens at p[0] ('['), holding "\S": as a group (see the
 * top of the file), its other members rewritten as any class's are.
 * The length of the class read, or 0 when it holds no "\S" or does not
 * end.
 */
static size_t
class_with_nonspace(const char *p, size_t n, struct buf *out)
{
	struct buf	 rest;
	size_t		 j, start = p[1] == '^' ? 2 : 1;
	int		 found = 0;

	for (j = start; j < n && p[j] != ']'; j++)
		if (p[j] == '\\' && j + 1 < n)
			found |= p[++j] == 'S';
	if (!found || j >= n)
		return 0;
	/* "[" and the members but "\S", then "]", rewritten */
	buf_init(&rest);
	buf_putc(&rest, '[');
	for (j = start; p[j] != ']'; j++) {
		if (p[j] == '\\' && p[j + 1] == 'S') {
			j++;
			continue;
		}
		if (p[j] == '\\')
			buf_putc(&rest, p[j++]);
		buf_putc(&rest, p[j]);
	}
	buf_putc(&rest, ']');
	buf_puts(out, start == 2 ? "(?!" : "(?:");
	rewrite(rest.data, rest.len, out);
	buf_puts(out, start == 2 ? ")[" ECMA_SPACE "]" :
	    "|[^" ECMA_SPACE "])");
	buf_free(&rest);
	return j + 1;
}

/* The pattern as PCRE2 should read it (see the top of the file). */
static void
rewrite(const char *p, size_t n, struct buf *out)
{
	size_t	 i = 0;
	size_t	 k;
	long	 hi, lo;
	int	 in_class = 0;
	char	 cp[16];

	while (i < n) {
		if (p[i] == '\\' && (k = property(p + i, n - i, out)) > 0)
			i += k;
		else if (p[i] == '\\' && i + 1 < n) {
			hi = u_escape(p + i, n - i);
			lo = hi >= 0xd800 && hi <= 0xdbff ?
			    u_escape(p + i + 6, n - i - 6) : -1;
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				snprintf(cp, sizeof(cp), "\\u{%lx}",
				    0x10000 + ((hi - 0xd800) << 10) +
				    (lo - 0xdc00));
				buf_puts(out, cp);
				i += 12;
			} else if (p[i + 1] == 'v') {
				/* PCRE2's \v is all vertical space */
				buf_puts(out, "\\x0b");
				i += 2;
			} else if (p[i + 1] == 's') {
				buf_puts(out, in_class ? ECMA_SPACE :
				    "[" ECMA_SPACE "]");
				i += 2;
			} else if (p[i + 1] == 'S' && !in_class) {
				buf_puts(out, "[^" ECMA_SPACE "]");
				i += 2;
			} else {
				buf_append(out, p + i, 2);
				i += 2;
			}
		} else if (in_class) {
			if (p[i] == '[')
				buf_puts(out, "\\[");
			else
				buf_putc(out, p[i]);
			in_class = p[i] != ']';
			i++;
		} else if (p[i] == '[' &&
		    (k = class_with_nonspace(p + i, n - i, out)) > 0)
			i += k;
		else if (p[i] == '[') {
			buf_putc(out, '[');
			in_class = 1;
			/* "[^" opens the class too: its "]" may close it */
			if (++i < n && p[i] == '^')
				buf_putc(out, p[i++]);
		} else if (p[i] == '.') {
			buf_puts(out, ECMA_DOT);
			i++;
		} else
			buf_putc(out, p[i++]);
	}
}

struct jre *
jre_compile(const char *pat, size_t len, char *err, size_t errsz)
{
	struct jre		*re = NULL;
	pcre2_compile_context	*cc = NULL;
	struct buf		 b;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	int			 code;

	buf_init(&b);
	rewrite(pat, len, &b);
	if ((cc = pcre2_compile_context_create(NULL)) == NULL)
		goto fail_mem;
	pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
	re = xcalloc(1, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)(b.data != NULL ? b.data : ""),
	    b.len, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX |
	    PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF |
	    PCRE2_NEVER_BACKSLASH_C | PCRE2_NEVER_UCP, &code, &off, cc);
	if (re->code == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			strcpy((char *)msg, "unreadable");
		if (errsz > 0)
			snprintf(err, errsz, "%s", (char *)msg);
		goto fail;
	}
	re->mc = pcre2_match_context_create(NULL);
	if (re->mc == NULL)
		goto fail_mem;
	pcre2_compile_context_free(cc);
	buf_free(&b);
	return re;
fail_mem:
	if (errsz > 0)
		snprintf(err, errsz, "out of memory");
fail:
	pcre2_compile_context_free(cc);
	jre_free(re);
	buf_free(&b);
	return NULL;
}

int
jre_match(struct jre *re, const char *s, size_t len, size_t *budget)
{
	size_t	 work = JRE_WORK(len);
	int	 rc;

	if (len > JRE_SUBJECT_MAX)
		return -1;
	if (jre_md == NULL && (jre_md = pcre2_match_data_create(1,
	    NULL)) == NULL)
		return -1;
	/* what this match may cost is taken from the value's budget */
	if (work > *budget)
		return -1;
	*budget -= work;
	pcre2_set_match_limit(re->mc, (uint32_t)work);
	pcre2_set_depth_limit(re->mc, (uint32_t)work);
	pcre2_set_heap_limit(re->mc, JRE_HEAP_KIB);
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, jre_md, re->mc);
	/* 0: a match, with no room for its groups (none were asked for) */
	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

void
jre_free(struct jre *re)
{
	if (re == NULL)
		return;
	pcre2_match_context_free(re->mc);
	pcre2_code_free(re->code);
	free(re);
}
