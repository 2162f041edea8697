/* mail.c - raw e-mail (RFC 5322 + MIME) to one line of UTF-8 text (see mail.h)
 *
 * corpora/: src/base and libc only; the charset tables
 * (cp1252, Latin-9) are written out here instead of using iconv.
 *
 * Parsing works on spans of the raw message and never copies it: a header
 * field is (name, value) pointers into the input, its value still holding
 * the folding line ends, which every consumer treats as white space. A
 * MIME entity is a span; a multipart body is cut into part spans at its
 * delimiter lines and each part is parsed recursively (depth <= 16). Only
 * the leaves that give text are decoded: transfer decoding into ctx->dec,
 * charset conversion into ctx->utf, then HTML stripping or plain copying
 * into ctx->out through emit_*(), which collapses white space on the fly.
 *
 * Invariants:
 *  - Every index is checked against the span length before a byte is read;
 *    nothing assumes a NUL terminator in the input.
 *  - Every scan moves forward, and the few look-aheads (quotes in HTML
 *    tags, "</script", "-->", encoded words) either consume what they
 *    scanned or remember that the search failed, so a message costs
 *    O(length * depth).
 *  - A buffer that failed to grow sets its oom flag and ignores later
 *    writes; mail_parse() reports HN_ERR_NOMEM once at the end. So the
 *    parser itself has no error paths.
 *  - ctx->out never starts or ends with a space and never holds two spaces
 *    in a row: emit_*() turn white space into the `pend` flag and write
 *    one ' ' only before the next visible byte.
 */
#include "corpora/mail.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/base/log.h"

#define MAIL_MAX_DEPTH 16
#define MAIL_MAX_HEADER_NAMES 128
#define MBOX_BLOCK 65536

void hn_mail_opts_default(hn_mail_opts *o)
{
    memset(o, 0, sizeof *o);
    o->include_subject = 1;
    o->headers[0] = '\0';
    o->html_to_text = 1;
    o->max_bytes = (int64_t)10 * 1024 * 1024;
}

/* ---------------------------------------------------------------- buffers */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

/* Room for `extra` more bytes plus a NUL. 0 (and oom set) on failure. */
static int sb_reserve(sbuf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->oom) return 0;
    if (extra > (size_t)-1 - b->n - 2) {
        b->oom = 1;
        return 0;
    }
    need = b->n + extra + 1;
    if (need <= b->cap) return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < need) cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    if (!(p = realloc(b->p, cap))) {
        b->oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

static void sb_put(sbuf *b, const void *s, size_t n)
{
    if (n == 0 || !sb_reserve(b, n)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void sb_free(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* After an allocation failure: drop the buffer so the next message starts clean. */
static void sb_clear_oom(sbuf *b)
{
    if (b->oom) sb_free(b);
}

/* ---------------------------------------------------------------- bytes */

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }
static int is_alpha(int ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_alnum(int ch) { return is_alpha(ch) || is_digit(ch); }
static int is_ws(int ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f'; }

static int hex_val(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Case-insensitive equality of a span and a C string (ASCII). */
static int span_ieq(const char *a, size_t an, const char *b)
{
    size_t i;
    for (i = 0; i < an; i++)
        if (b[i] == '\0' || lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return b[an] == '\0';
}

/* The line starting at i: content s[i..*eol), next line at *nxt. A line
 * ends at "\r\n", "\n" or a lone "\r"; the last line may have no end
 * (then *eol == *nxt == n). */
static void line_bounds(const char *s, size_t n, size_t i, size_t *eol, size_t *nxt)
{
    size_t j = i;
    while (j < n && s[j] != '\n' && s[j] != '\r') j++;
    *eol = j;
    if (j < n) j += (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ? 2 : 1;
    *nxt = j;
}

static size_t utf8_put(uint32_t cp, unsigned char *u)
{
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (cp >> 18));
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---------------------------------------------------------------- charsets */

enum { CS_UTF8, CS_CP1252, CS_LATIN9, CS_UNKNOWN };

/* Windows-1252 0x80-0x9F; the five holes (81 8D 8F 90 9D) map to the C1
 * code points, as the WHATWG Encoding Standard does. */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static uint32_t single_byte_cp(int cs, unsigned b)
{
    if (b < 0x80) return b;
    if (cs == CS_CP1252) return b < 0xA0 ? cp1252_hi[b - 0x80] : b;
    /* ISO-8859-15 differs from ISO-8859-1 in eight places. */
    switch (b) {
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
    default: return b;
    }
}

/* Charset name (a span, maybe quoted, maybe "name*lang") to CS_*. No
 * name at all is CS_UTF8 (US-ASCII by the RFC, and 8-bit bytes pass). */
static int charset_lookup(const char *s, size_t n)
{
    static const char *const utf8[] = {"utf8", "unicode11utf8", "xunicode20utf8", NULL};
    static const char *const ascii[] = {"usascii", "ascii", "us", "ansix341968", "ansix341986", "iso646us",
                                        "iso646irv1991", "isoir6", "ibm367", "cp367", "csascii", "646", NULL};
    static const char *const cp1252[] = {"iso88591", "latin1", "l1", "isoir100", "iso885911987", "cp819",
                                         "ibm819", "csisolatin1", "windows1252", "cp1252", "xcp1252",
                                         "mscp1252", "ansi1252", "win1252", NULL};
    static const char *const latin9[] = {"iso885915", "latin9", "l9", "latin0", "csisolatin9", "iso8859151998",
                                         NULL};
    char nm[48];
    size_t i, k = 0;
    for (i = 0; i < n && s[i] != '*'; i++) {
        int ch = lower((unsigned char)s[i]);
        if (!is_alnum(ch)) continue;
        if (k + 1 >= sizeof nm) return CS_UNKNOWN;
        nm[k++] = (char)ch;
    }
    nm[k] = '\0';
    if (k == 0) return CS_UTF8;
    for (i = 0; utf8[i]; i++)
        if (!strcmp(nm, utf8[i])) return CS_UTF8;
    for (i = 0; ascii[i]; i++)
        if (!strcmp(nm, ascii[i])) return CS_UTF8;
    for (i = 0; cp1252[i]; i++)
        if (!strcmp(nm, cp1252[i])) return CS_CP1252;
    for (i = 0; latin9[i]; i++)
        if (!strcmp(nm, latin9[i])) return CS_LATIN9;
    return CS_UNKNOWN;
}

/* Single-byte charset to UTF-8, appended to dst (at most 3 bytes a byte). */
static void convert_single(int cs, const unsigned char *s, size_t n, sbuf *dst)
{
    size_t i;
    unsigned char *w;
    if (n == 0 || n > (size_t)-1 / 4 || !sb_reserve(dst, 3 * n)) return;
    w = (unsigned char *)dst->p + dst->n;
    for (i = 0; i < n; i++) {
        if (s[i] < 0x80) *w++ = s[i];
        else w += utf8_put(single_byte_cp(cs, s[i]), w);
    }
    dst->n = (size_t)((char *)w - dst->p);
}

/* ---------------------------------------------------------------- transfer encodings */

static int b64_val(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/* Lenient base64: white space skipped, '=' ends a group (decoding may go
 * on after it: some mailers concatenate encoded chunks). Appends to dst.
 * With `tail` (body parts): once the data has ended (a '=' pad, or an
 * empty line after data), a line with characters outside the alphabet
 * ends the base64: *tail is its offset (n when the whole input was
 * base64), so the caller can keep it as text; mailing lists append their
 * footer to base64 parts like that. Returns 1 when something was wrong
 * (foreign characters, a lone sextet, an unpadded incomplete last group,
 * text after the data), else 0. */
static int b64_decode(const unsigned char *s, size_t n, sbuf *dst, size_t *tail)
{
    uint32_t acc = 0;
    int k = 0, bad = 0, any = 0, ended = 0;
    size_t i = 0, j;
    unsigned char *w;
    if (tail) *tail = n;
    if (!sb_reserve(dst, n / 4 * 3 + 3)) return 0;
    w = (unsigned char *)dst->p + dst->n;
    while (i < n) {
        const unsigned char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) + 1 : n;
        int blank = 1;
        if (tail && ended) {
            for (j = i; j < e && (b64_val(s[j]) >= 0 || s[j] == '=' || is_ws(s[j])); j++) {
            }
            if (j < e) {
                *tail = i;
                bad = 1;
                break;
            }
        }
        for (j = i; j < e; j++) {
            int v = b64_val(s[j]);
            if (v >= 0) {
                blank = 0;
                any = 1;
                acc = (acc << 6) | (uint32_t)v;
                if (++k == 4) {
                    *w++ = (unsigned char)(acc >> 16);
                    *w++ = (unsigned char)(acc >> 8);
                    *w++ = (unsigned char)acc;
                    acc = 0;
                    k = 0;
                }
            } else if (s[j] == '=') {
                blank = 0;
                if (k == 1) bad = 1;
                if (k == 2) *w++ = (unsigned char)(acc >> 4);
                if (k == 3) {
                    *w++ = (unsigned char)(acc >> 10);
                    *w++ = (unsigned char)(acc >> 2);
                }
                acc = 0;
                k = 0;
                if (any) ended = 1;
            } else if (!is_ws(s[j])) {
                blank = 0;
                bad = 1;
            }
        }
        if (blank && any) ended = 1;
        i = e;
    }
    if (k == 1) bad = 1;
    if (k == 2) *w++ = (unsigned char)(acc >> 4);
    if (k == 3) {
        *w++ = (unsigned char)(acc >> 10);
        *w++ = (unsigned char)(acc >> 2);
    }
    if (k) bad = 1;
    dst->n = (size_t)((char *)w - dst->p);
    return bad;
}

/* Quoted-printable (RFC 2045 6.7; with header = 1 the RFC 2047 Q form,
 * where '_' is a space). "=XX" (either case) is a byte; "=" followed by
 * blanks and a line end (or the end) is a soft line break; any other '='
 * is kept. Appends to dst. */
static void qp_decode(const unsigned char *s, size_t n, sbuf *dst, int header)
{
    size_t i;
    unsigned char *w;
    if (!sb_reserve(dst, n)) return;
    w = (unsigned char *)dst->p + dst->n;
    for (i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (ch == '_' && header) {
            *w++ = ' ';
        } else if (ch != '=') {
            *w++ = ch;
        } else if (i + 2 < n && hex_val(s[i + 1]) >= 0 && hex_val(s[i + 2]) >= 0) {
            *w++ = (unsigned char)(hex_val(s[i + 1]) * 16 + hex_val(s[i + 2]));
            i += 2;
        } else {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
            if (j == n) {
                i = n; /* "=" (and blanks) at the very end: a soft break */
            } else if (s[j] == '\r' || s[j] == '\n') {
                j += (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ? 2 : 1;
                i = j - 1;
            } else {
                *w++ = '=';
            }
        }
    }
    dst->n = (size_t)((char *)w - dst->p);
}

/* ---------------------------------------------------------------- the parse context */

typedef struct hfield {
    const char *name, *val; /* into the message */
    size_t name_len, val_len;
} hfield;

typedef struct mctx {
    hn_mail_opts o;
    size_t hoff[MAIL_MAX_HEADER_NAMES], hlen[MAIL_MAX_HEADER_NAMES]; /* names in o.headers */
    int nh;
    hn_mail_stats s; /* this message */
    int malformed;
    sbuf out; /* the text */
    int pend; /* a space is due before the next visible byte */
    sbuf dec, utf, hdec, hutf; /* scratch: body and header decoding */
    hfield *f;                 /* fields of the entity being parsed */
    size_t nf, capf;
    int foom;
} mctx;

static void ctx_init(mctx *c, const hn_mail_opts *o)
{
    size_t i = 0, n;
    memset(c, 0, sizeof *c);
    if (o) c->o = *o;
    else hn_mail_opts_default(&c->o);
    c->o.headers[sizeof c->o.headers - 1] = '\0';
    n = strlen(c->o.headers);
    while (i < n && c->nh < MAIL_MAX_HEADER_NAMES) {
        size_t a = i, b;
        while (i < n && c->o.headers[i] != ',') i++;
        b = i++;
        while (a < b && is_ws((unsigned char)c->o.headers[a])) a++;
        while (b > a && is_ws((unsigned char)c->o.headers[b - 1])) b--;
        if (b == a) continue;
        if (c->o.include_subject && span_ieq(c->o.headers + a, b - a, "subject")) continue;
        c->hoff[c->nh] = a;
        c->hlen[c->nh] = b - a;
        c->nh++;
    }
}

static void ctx_free(mctx *c)
{
    sb_free(&c->out);
    sb_free(&c->dec);
    sb_free(&c->utf);
    sb_free(&c->hdec);
    sb_free(&c->hutf);
    free(c->f);
    c->f = NULL;
    c->nf = c->capf = 0;
}

static int ctx_oom(const mctx *c)
{
    return c->out.oom || c->dec.oom || c->utf.oom || c->hdec.oom || c->hutf.oom || c->foom;
}

static void ctx_clear_oom(mctx *c)
{
    sb_clear_oom(&c->out);
    sb_clear_oom(&c->dec);
    sb_clear_oom(&c->utf);
    sb_clear_oom(&c->hdec);
    sb_clear_oom(&c->hutf);
    c->foom = 0;
}

/* ---------------------------------------------------------------- emitting text */

/* Append UTF-8 (or unknown bytes) to the text, collapsing white space:
 * ASCII white space and controls, C1 controls (C2 80-9F), NBSP (C2 A0),
 * U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000 set `pend`; a BOM
 * (EF BB BF) is dropped. Output <= n + 1 bytes. */
static void emit_utf8(mctx *c, const unsigned char *s, size_t n)
{
    size_t i;
    char *w, *start;
    if (n == 0 || !sb_reserve(&c->out, n + 1)) return;
    start = c->out.p;
    w = start + c->out.n;
    for (i = 0; i < n; i++) {
        unsigned b = s[i];
        size_t sp = 0;
        if (b < 0x80) {
            if (b <= 0x20 || b == 0x7F) sp = 1;
        } else if (b == 0xC2) {
            if (i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xA0) sp = 2;
        } else if (b == 0xE2) {
            if (i + 2 < n && s[i + 1] == 0x80 &&
                ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8A) || s[i + 2] == 0xA8 || s[i + 2] == 0xA9 || s[i + 2] == 0xAF))
                sp = 3;
            else if (i + 2 < n && s[i + 1] == 0x81 && s[i + 2] == 0x9F)
                sp = 3;
        } else if (b == 0xE3) {
            if (i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) sp = 3;
        } else if (b == 0xEF) {
            if (i + 2 < n && s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
                i += 2;
                continue;
            }
        }
        if (sp) {
            c->pend = 1;
            i += sp - 1;
            continue;
        }
        if (c->pend) {
            if (w != start) *w++ = ' ';
            c->pend = 0;
        }
        *w++ = (char)b;
    }
    c->out.n = (size_t)(w - start);
}

static void emit_cp(mctx *c, uint32_t cp)
{
    unsigned char u[4];
    size_t k;
    if (cp == 0xFEFF) return;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    k = utf8_put(cp, u);
    emit_utf8(c, u, k); /* applies the same white space rules */
}

/* ---------------------------------------------------------------- headers */

/* Parse the header section of s[0..n) into c->f. Returns the offset of the
 * body (after the empty line; n when there is none). top: skip a From_
 * line and flag an input that ends inside the headers. */
static size_t parse_headers(mctx *c, const char *s, size_t n, int top)
{
    size_t i = 0, eol, nxt;
    c->nf = 0;
    if (top && n >= 5 && memcmp(s, "From ", 5) == 0) {
        size_t j = 5;
        while (j < n && s[j] == ' ') j++;
        if (j >= n || s[j] != ':') { /* "From :" would be an (obsolete) field */
            line_bounds(s, n, 0, &eol, &nxt);
            i = nxt;
        }
    }
    while (i < n) {
        size_t j, name_end;
        line_bounds(s, n, i, &eol, &nxt);
        if (eol == i) return nxt; /* the empty line */
        if (top && nxt == n && eol == n) c->malformed = 1; /* ends without a line end: truncated */
        if (s[i] == ' ' || s[i] == '\t') {
            if (c->nf == 0) c->malformed = 1; /* continuation of nothing: ignored */
            else c->f[c->nf - 1].val_len = (size_t)(s + eol - c->f[c->nf - 1].val);
            i = nxt;
            continue;
        }
        for (j = i; j < eol && s[j] != ':' && (unsigned char)s[j] > 32 && (unsigned char)s[j] < 127; j++) {
        }
        name_end = j;
        while (j < eol && (s[j] == ' ' || s[j] == '\t')) j++;
        if (j < eol && s[j] == ':' && name_end > i) {
            if (c->nf == c->capf) {
                size_t cap = c->capf ? c->capf * 2 : 32;
                hfield *f = realloc(c->f, cap * sizeof *f);
                if (!f) {
                    c->foom = 1;
                    return n;
                }
                c->f = f;
                c->capf = cap;
            }
            c->f[c->nf].name = s + i;
            c->f[c->nf].name_len = name_end - i;
            c->f[c->nf].val = s + j + 1;
            c->f[c->nf].val_len = eol - (j + 1);
            c->nf++;
            i = nxt;
            continue;
        }
        /* Not a header line: the body starts here (the separator is
         * missing), except for an unterminated last line that looks like
         * the start of a field name, cut off by truncation. */
        c->malformed = 1;
        if (top && eol == n && name_end == eol) return n;
        return i;
    }
    return n;
}

static const hfield *find_field(const mctx *c, const char *name)
{
    size_t i;
    for (i = 0; i < c->nf; i++)
        if (span_ieq(c->f[i].name, c->f[i].name_len, name)) return &c->f[i];
    return NULL;
}

/* An RFC 2047 encoded word at s[0..n): "=?charset?E?text?=". On success
 * fills the parts and returns its length; 0 if s does not start one. */
static size_t parse_encoded_word(const char *s, size_t n, const char **cs, size_t *cs_len, int *enc,
                                 const char **txt, size_t *txt_len)
{
    size_t j = 2, t;
    if (n < 2 || s[0] != '=' || s[1] != '?') return 0;
    while (j < n && s[j] != '?') {
        if (is_ws((unsigned char)s[j]) || j > 2 + 64) return 0;
        j++;
    }
    if (j == 2 || j + 2 >= n || s[j + 2] != '?') return 0;
    *enc = lower((unsigned char)s[j + 1]);
    if (*enc != 'b' && *enc != 'q') return 0;
    t = j + 3;
    *cs = s + 2;
    *cs_len = j - 2;
    for (j = t; j < n && s[j] != '?'; j++)
        if (s[j] == '\r' || s[j] == '\n') return 0;
    if (j + 1 >= n || s[j + 1] != '=') return 0;
    *txt = s + t;
    *txt_len = j - t;
    return j + 2;
}

static int all_ws(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_ws((unsigned char)s[i])) return 0;
    return 1;
}

/* Emit a header value, decoding encoded words. Literal text between two
 * encoded words that is only white space (folding included) is dropped. */
static void emit_header_value(mctx *c, const char *v, size_t n)
{
    size_t i = 0, lit = 0;
    int prev_ew = 0;
    while (i < n) {
        const char *cs, *txt;
        size_t cs_len, txt_len, len;
        int enc, cset;
        if (v[i] != '=' || !(len = parse_encoded_word(v + i, n - i, &cs, &cs_len, &enc, &txt, &txt_len))) {
            i++;
            continue;
        }
        if (!(prev_ew && all_ws(v + lit, i - lit))) emit_utf8(c, (const unsigned char *)v + lit, i - lit);
        c->hdec.n = 0;
        if (enc == 'b') {
            (void)b64_decode((const unsigned char *)txt, txt_len, &c->hdec, NULL); /* lenient in headers */
            c->s.decoded_base64++;
        } else {
            qp_decode((const unsigned char *)txt, txt_len, &c->hdec, 1);
            c->s.decoded_qp++;
        }
        cset = charset_lookup(cs, cs_len);
        if (cset == CS_UNKNOWN) c->s.unknown_charset++;
        if (cset == CS_CP1252 || cset == CS_LATIN9) {
            c->hutf.n = 0;
            convert_single(cset, (const unsigned char *)c->hdec.p, c->hdec.n, &c->hutf);
            c->s.charset_converted++;
            emit_utf8(c, (const unsigned char *)c->hutf.p, c->hutf.n);
        } else {
            emit_utf8(c, (const unsigned char *)c->hdec.p, c->hdec.n);
        }
        i += len;
        lit = i;
        prev_ew = 1;
    }
    emit_utf8(c, (const unsigned char *)v + lit, n - lit);
}

/* Subject (and, at the top level, the listed headers) of the entity whose
 * fields are in c->f. */
static void emit_headers(mctx *c, int top)
{
    const hfield *f;
    int k;
    size_t i;
    if (c->o.include_subject && (f = find_field(c, "subject")) != NULL) {
        c->pend = 1;
        emit_header_value(c, f->val, f->val_len);
    }
    if (!top) return;
    for (k = 0; k < c->nh; k++) {
        const char *name = c->o.headers + c->hoff[k];
        for (i = 0; i < c->nf; i++) {
            const hfield *g = &c->f[i];
            size_t m;
            if (g->name_len != c->hlen[k]) continue;
            for (m = 0; m < g->name_len && lower((unsigned char)g->name[m]) == lower((unsigned char)name[m]); m++) {
            }
            if (m < g->name_len) continue;
            c->pend = 1;
            emit_header_value(c, g->val, g->val_len);
        }
    }
}

/* ---------------------------------------------------------------- Content-Type */

enum { CTE_IDENTITY, CTE_BASE64, CTE_QP };

typedef struct ctype {
    char type[32], sub[64];
    char boundary[256]; /* "" when absent (or too long to be real) */
    char charset[64];
    int bad; /* present but not type/subtype */
} ctype;

/* Copy a lower-cased token into dst (cut at cap - 1). */
static void put_token(char *dst, size_t cap, const char *s, size_t n, int lc)
{
    size_t i, k = n < cap - 1 ? n : cap - 1;
    for (i = 0; i < k; i++) dst[i] = lc ? (char)lower((unsigned char)s[i]) : s[i];
    dst[k] = '\0';
}

static void parse_ctype(const char *v, size_t n, ctype *ct)
{
    size_t i = 0, a;
    while (i < n && is_ws((unsigned char)v[i])) i++;
    a = i;
    while (i < n && v[i] != '/' && v[i] != ';' && !is_ws((unsigned char)v[i])) i++;
    put_token(ct->type, sizeof ct->type, v + a, i - a, 1);
    while (i < n && is_ws((unsigned char)v[i])) i++;
    if (i < n && v[i] == '/') {
        i++;
        while (i < n && is_ws((unsigned char)v[i])) i++;
        a = i;
        while (i < n && v[i] != ';' && !is_ws((unsigned char)v[i])) i++;
        put_token(ct->sub, sizeof ct->sub, v + a, i - a, 1);
    }
    if (!ct->type[0] || !ct->sub[0]) {
        ct->bad = 1;
        strcpy(ct->type, "text");
        strcpy(ct->sub, "plain");
    }
    /* Parameters: ; name = value | "quoted \" value" */
    while (i < n) {
        size_t na, nb, va, vl;
        char val[256];
        while (i < n && v[i] != ';') i++;
        if (i >= n) break;
        i++;
        while (i < n && is_ws((unsigned char)v[i])) i++;
        na = i;
        while (i < n && v[i] != '=' && v[i] != ';' && !is_ws((unsigned char)v[i])) i++;
        nb = i;
        while (i < n && is_ws((unsigned char)v[i])) i++;
        if (i >= n || v[i] != '=') continue;
        i++;
        while (i < n && is_ws((unsigned char)v[i])) i++;
        vl = 0;
        if (i < n && v[i] == '"') {
            for (i++; i < n && v[i] != '"'; i++) {
                if (v[i] == '\\' && i + 1 < n) i++;
                if (v[i] == '\r' || v[i] == '\n') continue; /* folded inside quotes */
                if (vl < sizeof val - 1) val[vl] = v[i];
                vl++;
            }
            if (i < n) i++;
        } else {
            for (va = i; i < n && v[i] != ';' && !is_ws((unsigned char)v[i]); i++) {
            }
            vl = i - va;
            if (vl) memcpy(val, v + va, vl < sizeof val - 1 ? vl : sizeof val - 1);
        }
        if (vl > sizeof val - 1) continue; /* longer than any real boundary or charset */
        val[vl] = '\0';
        if (span_ieq(v + na, nb - na, "boundary") && !ct->boundary[0]) {
            memcpy(ct->boundary, val, vl + 1);
        } else if (span_ieq(v + na, nb - na, "charset") && !ct->charset[0] && vl < sizeof ct->charset) {
            memcpy(ct->charset, val, vl + 1);
        }
    }
}

static int parse_cte(const char *v, size_t n)
{
    size_t a = 0, b = n;
    while (a < b && (is_ws((unsigned char)v[a]) || v[a] == '"')) a++;
    while (b > a && (is_ws((unsigned char)v[b - 1]) || v[b - 1] == '"' || v[b - 1] == ';')) b--;
    if (span_ieq(v + a, b - a, "base64")) return CTE_BASE64;
    if (span_ieq(v + a, b - a, "quoted-printable")) return CTE_QP;
    return CTE_IDENTITY;
}

/* ---------------------------------------------------------------- HTML */

static int cmp_str(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* Tags that separate words (a space); all others join (nothing). */
static int is_block_tag(const char *nm)
{
    static const char *const block[] = { /* sorted: bsearch */
        "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center", "dd", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1",
        "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "input", "li", "main", "menu",
        "meta", "nav", "noscript", "ol", "option", "p", "pre", "script", "section", "select", "style",
        "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul", "xmp"};
    return bsearch(nm, block, sizeof block / sizeof block[0], sizeof block[0], cmp_str) != NULL;
}

typedef struct html_entity {
    const char *name;
    uint16_t cp; /* 0xAD (&shy;) is dropped */
} html_entity;

static const html_entity entities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},     {"iexcl", 0xA1},    {"cent", 0xA2},     {"pound", 0xA3},    {"curren", 0xA4},
    {"yen", 0xA5},      {"brvbar", 0xA6},   {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},
    {"ordf", 0xAA},     {"laquo", 0xAB},    {"not", 0xAC},      {"shy", 0xAD},      {"reg", 0xAE},
    {"macr", 0xAF},     {"deg", 0xB0},      {"plusmn", 0xB1},   {"sup2", 0xB2},     {"sup3", 0xB3},
    {"acute", 0xB4},    {"micro", 0xB5},    {"para", 0xB6},     {"middot", 0xB7},   {"cedil", 0xB8},
    {"sup1", 0xB9},     {"ordm", 0xBA},     {"raquo", 0xBB},    {"frac14", 0xBC},   {"frac12", 0xBD},
    {"frac34", 0xBE},   {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},   {"Acirc", 0xC2},
    {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Aring", 0xC5},    {"AElig", 0xC6},    {"Ccedil", 0xC7},
    {"Egrave", 0xC8},   {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},     {"Igrave", 0xCC},
    {"Iacute", 0xCD},   {"Icirc", 0xCE},    {"Iuml", 0xCF},     {"Ntilde", 0xD1},   {"Ograve", 0xD2},
    {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},     {"times", 0xD7},
    {"Oslash", 0xD8},   {"Ugrave", 0xD9},   {"Uacute", 0xDA},   {"Ucirc", 0xDB},    {"Uuml", 0xDC},
    {"Yacute", 0xDD},   {"szlig", 0xDF},    {"agrave", 0xE0},   {"aacute", 0xE1},   {"acirc", 0xE2},
    {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},    {"aelig", 0xE6},    {"ccedil", 0xE7},
    {"egrave", 0xE8},   {"eacute", 0xE9},   {"ecirc", 0xEA},    {"euml", 0xEB},     {"igrave", 0xEC},
    {"iacute", 0xED},   {"icirc", 0xEE},    {"iuml", 0xEF},     {"ntilde", 0xF1},   {"ograve", 0xF2},
    {"oacute", 0xF3},   {"ocirc", 0xF4},    {"otilde", 0xF5},   {"ouml", 0xF6},     {"divide", 0xF7},
    {"oslash", 0xF8},   {"ugrave", 0xF9},   {"uacute", 0xFA},   {"ucirc", 0xFB},    {"uuml", 0xFC},
    {"yacute", 0xFD},   {"yuml", 0xFF},     {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},
    {"scaron", 0x161},  {"fnof", 0x192},    {"ensp", 0x2002},   {"emsp", 0x2003},   {"thinsp", 0x2009},
    {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},  {"dagger", 0x2020}, {"bull", 0x2022},
    {"hellip", 0x2026}, {"permil", 0x2030}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"euro", 0x20AC},
    {"trade", 0x2122},  {NULL, 0},
};

/* s[i] == '&': decode an entity and return the index after it, or emit a
 * literal '&' and return i + 1. */
static size_t html_entity_at(mctx *c, const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1, a;
    if (j < n && s[j] == '#') {
        uint32_t val = 0;
        int hex = 0, over = 0;
        j++;
        if (j < n && (s[j] == 'x' || s[j] == 'X')) {
            hex = 1;
            j++;
        }
        for (a = j; j < n && (hex ? hex_val(s[j]) >= 0 : is_digit(s[j])); j++) {
            val = val * (hex ? 16u : 10u) + (uint32_t)hex_val(s[j]);
            if (val > 0x10FFFF) {
                over = 1;
                val = 0x10FFFF;
            }
        }
        if (j == a) {
            emit_utf8(c, (const unsigned char *)"&", 1);
            return i + 1;
        }
        if (j < n && s[j] == ';') j++;
        if (over || val == 0 || (val >= 0xD800 && val <= 0xDFFF)) val = 0xFFFD;
        else if (val >= 0x80 && val <= 0x9F) val = cp1252_hi[val - 0x80];
        if (val != 0xAD) emit_cp(c, val);
        return j;
    }
    for (a = j; j < n && is_alnum(s[j]) && j - a < 32; j++) {
    }
    if (j > a) {
        int semi = j < n && s[j] == ';';
        size_t k;
        for (k = 0; entities[k].name; k++) {
            const char *nm = entities[k].name;
            if (strlen(nm) != j - a || memcmp(nm, s + a, j - a) != 0) continue;
            if (!semi && (k == 4 || k > 5)) break; /* without ';' only amp lt gt quot nbsp (0-3, 5) */
            if (entities[k].cp != 0xAD) emit_cp(c, entities[k].cp);
            return semi ? j + 1 : j;
        }
    }
    emit_utf8(c, (const unsigned char *)"&", 1);
    return i + 1;
}

/* Where the quote character q next occurs at or after `from`, or n. The
 * failure is remembered in *none_from so the scan never repeats. */
static size_t find_quote(const unsigned char *s, size_t n, size_t from, int q, size_t *none_from)
{
    const unsigned char *p;
    if (from >= n || from >= *none_from) return n;
    if ((p = memchr(s + from, q, n - from)) != NULL) return (size_t)(p - s);
    *none_from = from;
    return n;
}

/* Does s[i..) start "</name" followed by a non-name byte (or the end)? */
static int is_end_tag(const unsigned char *s, size_t n, size_t i, const char *name)
{
    size_t k, len = strlen(name);
    if (n - i < len + 2 || s[i + 1] != '/') return 0;
    for (k = 0; k < len; k++)
        if (lower(s[i + 2 + k]) != name[k]) return 0;
    return i + 2 + len == n || !is_alnum(s[i + 2 + len]);
}

/* Index of the next "-->" at or after `from`, or n. */
static size_t find_comment_end(const unsigned char *s, size_t n, size_t from)
{
    const unsigned char *p;
    while (from + 3 <= n && (p = memchr(s + from, '-', n - from - 2)) != NULL) {
        size_t at = (size_t)(p - s);
        if (s[at + 1] == '-' && s[at + 2] == '>') return at;
        from = at + 1;
    }
    return n;
}

static void html_to_text(mctx *c, const unsigned char *s, size_t n)
{
    size_t i = 0, run = 0, no_dq = (size_t)-1, no_sq = (size_t)-1, no_close = (size_t)-1;
    if (n == 0) return; /* s may be NULL then */
    while (i < n) {
        size_t j, k;
        int closing, after_eq;
        char nm[16];
        if (s[i] != '<' && s[i] != '&') {
            i++;
            continue;
        }
        if (s[i] == '&') {
            emit_utf8(c, s + run, i - run);
            run = i = html_entity_at(c, s, n, i);
            continue;
        }
        /* '<': a comment, a declaration, a tag, or text */
        if (n - i >= 4 && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
            emit_utf8(c, s + run, i - run);
            j = i + 4 < no_close ? find_comment_end(s, n, i + 4) : n;
            if (j == n) { /* no "-->": end at the next '>' (browsers would hide all the rest) */
                const unsigned char *p = memchr(s + i + 4, '>', n - i - 4);
                if (i + 4 < no_close) no_close = i + 4;
                run = i = p ? (size_t)(p - s) + 1 : n;
            } else {
                run = i = j + 3;
            }
            continue;
        }
        if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
            const unsigned char *p = memchr(s + i + 2, '>', n - i - 2);
            emit_utf8(c, s + run, i - run);
            run = i = p ? (size_t)(p - s) + 1 : n;
            continue;
        }
        closing = i + 1 < n && s[i + 1] == '/';
        k = i + 1 + (size_t)closing;
        if (k >= n || !is_alpha(s[k])) {
            i++; /* a '<' in text */
            continue;
        }
        emit_utf8(c, s + run, i - run);
        for (j = k; j < n && is_alnum(s[j]); j++)
            if (j - k < sizeof nm - 1) nm[j - k] = (char)lower(s[j]);
        nm[j - k < sizeof nm - 1 ? j - k : sizeof nm - 1] = '\0';
        /* to the '>', skipping quoted attribute values */
        after_eq = 0;
        while (j < n && s[j] != '>') {
            if ((s[j] == '"' || s[j] == '\'') && after_eq) {
                size_t q = find_quote(s, n, j + 1, s[j], s[j] == '"' ? &no_dq : &no_sq);
                after_eq = 0;
                if (q < n) {
                    j = q + 1;
                    continue;
                }
            } else if (s[j] == '=') {
                after_eq = 1;
            } else if (!is_ws(s[j])) {
                after_eq = 0;
            }
            j++;
        }
        if (is_block_tag(nm)) c->pend = 1;
        if (j >= n) {
            run = i = n; /* an unclosed tag hides the rest */
            continue;
        }
        i = j + 1;
        if (!closing && s[j - 1] != '/' && (!strcmp(nm, "script") || !strcmp(nm, "style"))) {
            const unsigned char *p;
            size_t from = i;
            i = n;
            while (from < n && (p = memchr(s + from, '<', n - from)) != NULL) {
                size_t at = (size_t)(p - s);
                if (is_end_tag(s, n, at, nm)) {
                    i = at;
                    break;
                }
                from = at + 1;
            }
        }
        run = i;
    }
    emit_utf8(c, s + run, n - run);
}

/* ---------------------------------------------------------------- MIME */

enum { F_TOP = 1, F_EMBED = 2, F_DIGEST = 4 };

static void parse_entity(mctx *c, const char *s, size_t n, int depth, int flags);

/* Decode, convert and emit one text part. */
static void render_text(mctx *c, const char *s, size_t n, int cte, const char *charset, int html)
{
    const unsigned char *d = (const unsigned char *)s;
    size_t dn = n;
    int cs;
    c->pend = 1; /* a part never runs into what came before */
    if (cte == CTE_BASE64) {
        size_t tail;
        c->dec.n = 0;
        if (b64_decode(d, dn, &c->dec, &tail)) c->malformed = 1;
        if (tail < dn) { /* text after the base64 (a list footer): kept as it is */
            sb_put(&c->dec, "\n", 1);
            sb_put(&c->dec, d + tail, dn - tail);
        }
        d = (const unsigned char *)c->dec.p;
        dn = c->dec.n;
        c->s.decoded_base64++;
    } else if (cte == CTE_QP) {
        c->dec.n = 0;
        qp_decode(d, dn, &c->dec, 0);
        d = (const unsigned char *)c->dec.p;
        dn = c->dec.n;
        c->s.decoded_qp++;
    }
    cs = charset_lookup(charset, strlen(charset));
    if (cs == CS_UNKNOWN) c->s.unknown_charset++;
    if (cs == CS_CP1252 || cs == CS_LATIN9) {
        c->utf.n = 0;
        convert_single(cs, d, dn, &c->utf);
        d = (const unsigned char *)c->utf.p;
        dn = c->utf.n;
        c->s.charset_converted++;
    }
    if (html) {
        c->s.html_parts++;
        if (c->o.html_to_text) {
            html_to_text(c, d, dn);
            return;
        }
    }
    emit_utf8(c, d, dn);
}

/* Is s[i..eol) a delimiter line of boundary b? 1 = "--b", 2 = "--b--", 0 = no. */
static int delimiter_kind(const char *s, size_t i, size_t eol, const char *b, size_t bl)
{
    size_t j;
    int kind = 1;
    if (eol - i < bl + 2 || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, b, bl) != 0) return 0;
    j = i + 2 + bl;
    if (eol - j >= 2 && s[j] == '-' && s[j + 1] == '-') {
        kind = 2;
        j += 2;
    }
    while (j < eol && (s[j] == ' ' || s[j] == '\t')) j++;
    return j == eol ? kind : 0;
}

/* The part ends before the line end that precedes its delimiter line. */
static size_t part_end(const char *s, size_t start, size_t delim)
{
    size_t e = delim;
    if (e > start && s[e - 1] == '\n') e--;
    if (e > start && s[e - 1] == '\r') e--;
    return e;
}

/* multipart/alternative candidates, in order of preference. */
enum { ALT_PLAIN, ALT_HTML, ALT_MULTI, ALT_TEXT, ALT_COUNT };

typedef struct alt_pick {
    const char *s[ALT_COUNT];
    size_t n[ALT_COUNT];
    int have[ALT_COUNT];
} alt_pick;

static void alt_consider(mctx *c, alt_pick *ap, const char *s, size_t n, int flags)
{
    const hfield *f;
    ctype ct;
    int cat = -1;
    memset(&ct, 0, sizeof ct);
    (void)parse_headers(c, s, n, 0);
    if ((f = find_field(c, "content-type")) != NULL) {
        parse_ctype(f->val, f->val_len, &ct);
    } else if (flags & F_DIGEST) {
        strcpy(ct.type, "message");
        strcpy(ct.sub, "rfc822");
    } else {
        strcpy(ct.type, "text");
        strcpy(ct.sub, "plain");
    }
    if (!strcmp(ct.type, "text")) cat = !strcmp(ct.sub, "plain") ? ALT_PLAIN : !strcmp(ct.sub, "html") ? ALT_HTML : ALT_TEXT;
    else if (!strcmp(ct.type, "multipart") || (!strcmp(ct.type, "message") && !strcmp(ct.sub, "rfc822")))
        cat = ALT_MULTI;
    if (cat >= 0 && !ap->have[cat]) {
        ap->have[cat] = 1;
        ap->s[cat] = s;
        ap->n[cat] = n;
    }
}

static void parse_multipart(mctx *c, const char *s, size_t n, const ctype *ct, int cte, int depth)
{
    const char *b = ct->boundary;
    size_t bl = strlen(b), i = 0, start = 0, eol, nxt;
    int in_part = 0, found = 0, closed = 0, k;
    int alt = !strcmp(ct->sub, "alternative");
    int pflags = !strcmp(ct->sub, "digest") ? F_DIGEST : 0;
    alt_pick ap;
    memset(&ap, 0, sizeof ap);
    if (bl == 0) {
        c->malformed = 1;
        render_text(c, s, n, cte, ct->charset, 0);
        return;
    }
    while (i < n) {
        line_bounds(s, n, i, &eol, &nxt);
        if (s[i] == '-' && (k = delimiter_kind(s, i, eol, b, bl)) != 0) {
            found = 1;
            if (in_part) {
                size_t e = part_end(s, start, i);
                if (alt) alt_consider(c, &ap, s + start, e - start, pflags);
                else {
                    c->pend = 1;
                    parse_entity(c, s + start, e - start, depth + 1, pflags);
                }
            }
            if (k == 2) {
                closed = 1;
                break;
            }
            in_part = 1;
            start = nxt;
        }
        i = nxt;
    }
    if (!found) { /* no delimiter at all: read the body as text */
        c->malformed = 1;
        render_text(c, s, n, cte, ct->charset, 0);
        return;
    }
    if (!closed) {
        c->malformed = 1; /* truncated: the last part runs to the end */
        if (in_part) {
            if (alt) alt_consider(c, &ap, s + start, n - start, pflags);
            else {
                c->pend = 1;
                parse_entity(c, s + start, n - start, depth + 1, pflags);
            }
        }
    }
    if (alt) {
        for (k = 0; k < ALT_COUNT; k++) {
            size_t before = c->out.n;
            if (!ap.have[k]) continue;
            c->pend = 1;
            parse_entity(c, ap.s[k], ap.n[k], depth + 1, pflags);
            if (c->out.n > before) break;
        }
    }
}

static void parse_entity(mctx *c, const char *s, size_t n, int depth, int flags)
{
    const hfield *f;
    ctype ct;
    int cte = CTE_IDENTITY;
    size_t body;
    if (depth > MAIL_MAX_DEPTH) {
        c->malformed = 1;
        return;
    }
    memset(&ct, 0, sizeof ct);
    body = parse_headers(c, s, n, flags & F_TOP);
    if (flags & (F_TOP | F_EMBED)) emit_headers(c, flags & F_TOP);
    if ((f = find_field(c, "content-type")) != NULL) {
        parse_ctype(f->val, f->val_len, &ct);
        if (ct.bad) c->malformed = 1;
    } else if (flags & F_DIGEST) {
        strcpy(ct.type, "message");
        strcpy(ct.sub, "rfc822");
    } else {
        strcpy(ct.type, "text");
        strcpy(ct.sub, "plain");
    }
    if ((f = find_field(c, "content-transfer-encoding")) != NULL) cte = parse_cte(f->val, f->val_len);
    /* c->f is reused by the parts from here on */
    s += body;
    n -= body;
    if (!strcmp(ct.type, "multipart")) parse_multipart(c, s, n, &ct, cte, depth);
    else if (!strcmp(ct.type, "message") && !strcmp(ct.sub, "rfc822")) {
        c->pend = 1;
        parse_entity(c, s, n, depth + 1, F_EMBED);
    } else if (!strcmp(ct.type, "text")) {
        render_text(c, s, n, cte, ct.charset, !strcmp(ct.sub, "html"));
    }
    /* anything else is an attachment: skipped */
}

/* Parse one message into c->out (reset first) and c->s. */
/* Length of a white-space sequence at s (the classes emit_utf8 collapses),
 * 0 when s does not start one. */
static size_t ws_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80) return (s[0] <= 0x20 || s[0] == 0x7F) ? 1 : 0;
    if (s[0] == 0xC2 && n > 1 && s[1] >= 0x80 && s[1] <= 0xA0) return 2;
    if (s[0] == 0xE2 && n > 2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
        return 3;
    if (s[0] == 0xE2 && n > 2 && s[1] == 0x81 && s[2] == 0x9F) return 3;
    if (s[0] == 0xE3 && n > 2 && s[1] == 0x80 && s[2] == 0x80) return 3;
    return 0;
}

/* Collapse white space once more over the finished text, in place: a
 * sequence split between two decoded pieces (an NBSP whose two bytes came
 * from two encoded words) is only whole here. */
static void collapse_final(char *p, size_t *np)
{
    unsigned char *s = (unsigned char *)p;
    size_t n = *np, i = 0, w = 0;
    int pend = 0;
    while (i < n) {
        size_t k = ws_len(s + i, n - i);
        if (k) {
            pend = 1;
            i += k;
            continue;
        }
        if (s[i] == 0xEF && n - i > 2 && s[i + 1] == 0xBB && s[i + 2] == 0xBF) { /* a BOM rebuilt from pieces */
            i += 3;
            continue;
        }
        if (pend && w) s[w++] = ' ';
        pend = 0;
        s[w++] = s[i++];
    }
    s[w] = '\0'; /* the buffer always has room for the NUL */
    *np = w;
}

static hn_status mail_parse(mctx *c, const char *msg, size_t len, int truncated)
{
    ctx_clear_oom(c);
    memset(&c->s, 0, sizeof c->s);
    c->out.n = 0;
    c->pend = 0;
    c->malformed = 0;
    if (c->o.max_bytes > 0 && (uint64_t)len > (uint64_t)c->o.max_bytes) {
        len = (size_t)c->o.max_bytes;
        truncated = 1;
    }
    parse_entity(c, msg, len, 0, F_TOP);
    if (!sb_reserve(&c->out, 0) || ctx_oom(c)) return HN_ERR_NOMEM;
    collapse_final(c->out.p, &c->out.n); /* writes the NUL */
    c->s.messages = 1;
    c->s.malformed = c->malformed;
    c->s.truncated = truncated;
    return HN_OK;
}

static void stats_add(hn_mail_stats *d, const hn_mail_stats *s)
{
    d->messages += s->messages;
    d->malformed += s->malformed;
    d->truncated += s->truncated;
    d->decoded_base64 += s->decoded_base64;
    d->decoded_qp += s->decoded_qp;
    d->html_parts += s->html_parts;
    d->charset_converted += s->charset_converted;
    d->unknown_charset += s->unknown_charset;
}

hn_status hn_mail_to_text(const char *msg, size_t len, const hn_mail_opts *o, char **out, size_t *out_len,
                          int *malformed, hn_mail_stats *st)
{
    mctx c;
    hn_status rc;
    *out = NULL;
    if (out_len) *out_len = 0;
    if (malformed) *malformed = 0;
    ctx_init(&c, o);
    if (!msg) len = 0;
    rc = mail_parse(&c, len ? msg : "", len, 0);
    if (rc == HN_OK) {
        *out = c.out.p; /* ownership moves to the caller */
        if (out_len) *out_len = c.out.n;
        if (malformed) *malformed = c.malformed;
        if (st) stats_add(st, &c.s);
        c.out.p = NULL;
    }
    ctx_free(&c);
    return rc;
}

/* ---------------------------------------------------------------- the reader */

typedef struct dframe {
    char *path;   /* owned */
    char **names; /* sorted entry names (into block) */
    char *block;  /* owned */
    size_t n, i;
    dev_t dev;    /* the folder itself: a link back to a folder on the stack is a loop */
    ino_t ino;
} dframe;

struct hn_mail_reader {
    mctx c;
    int label_from_dir, is_dir, done;
    hn_mail_stats st;
    sbuf msg;    /* raw bytes of the current message */
    sbuf source; /* borrowed out */
    /* directory tree */
    dframe *fr;
    size_t nfr, capfr;
    /* mbox */
    FILE *f;
    int own_f;
    char *path;
    unsigned char *blk;
    size_t bpos, bfill;
    int beof, berr, line_start, skip_line, started;
    int64_t msgno;
};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void frame_free(dframe *d)
{
    free(d->path);
    free(d->names);
    free(d->block);
    memset(d, 0, sizeof *d);
}

/* Read directory `path` (sorted, dot names skipped) onto the frame stack. */
static hn_status push_dir(hn_mail_reader *r, const char *path, hn_err *err)
{
    DIR *d;
    struct dirent *e;
    sbuf blk = {0};
    size_t cnt = 0, i, off;
    dframe fr;
    memset(&fr, 0, sizeof fr);
    if (!(d = opendir(path))) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    for (;;) {
        errno = 0;
        if (!(e = readdir(d))) break;
        if (e->d_name[0] == '.') continue;
        sb_put(&blk, e->d_name, strlen(e->d_name) + 1);
        cnt++;
    }
    if (errno) {
        int en = errno;
        closedir(d);
        sb_free(&blk);
        return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(en));
    }
    closedir(d);
    if (blk.oom) goto nomem;
    if (r->nfr == r->capfr) {
        size_t cap = r->capfr ? r->capfr * 2 : 8;
        dframe *p = realloc(r->fr, cap * sizeof *p);
        if (!p) goto nomem;
        r->fr = p;
        r->capfr = cap;
    }
    fr.n = cnt;
    fr.block = blk.p;
    blk.p = NULL;
    if (!(fr.path = malloc(strlen(path) + 1))) goto nomem;
    strcpy(fr.path, path);
    if (cnt && !(fr.names = malloc(cnt * sizeof *fr.names))) goto nomem;
    for (i = 0, off = 0; i < cnt; i++) {
        fr.names[i] = fr.block + off;
        off += strlen(fr.names[i]) + 1;
    }
    if (cnt) qsort(fr.names, cnt, sizeof *fr.names, cmp_names);
    {
        struct stat sb;
        if (stat(path, &sb) == 0) {
            fr.dev = sb.st_dev;
            fr.ino = sb.st_ino;
        }
    }
    r->fr[r->nfr++] = fr;
    return HN_OK;
nomem:
    sb_free(&blk);
    frame_free(&fr);
    return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
}

static hn_status read_whole_file(hn_mail_reader *r, const char *path, int *truncated, hn_err *err)
{
    FILE *f;
    size_t limit = (size_t)-1;
    if (r->c.o.max_bytes > 0 && (uint64_t)r->c.o.max_bytes < (uint64_t)limit) limit = (size_t)r->c.o.max_bytes;
    *truncated = 0;
    r->msg.n = 0;
    if (!(f = fopen(path, "rb"))) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    for (;;) {
        size_t want = 65536, got;
        if (limit - r->msg.n < want) want = limit - r->msg.n;
        if (want == 0) {
            if (getc(f) != EOF) *truncated = 1;
            break;
        }
        if (!sb_reserve(&r->msg, want)) {
            fclose(f);
            sb_clear_oom(&r->msg);
            return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
        }
        got = fread(r->msg.p + r->msg.n, 1, want, f);
        r->msg.n += got;
        if (got < want) break;
    }
    if (ferror(f)) {
        int en = errno;
        fclose(f);
        return hn_err_set(err, HN_ERR_IO, "%s: read error: %s", path, strerror(en ? en : EIO));
    }
    fclose(f);
    return HN_OK;
}

/* Next piece of the current mbox line: at most MBOX_BLOCK bytes, ending
 * with its '\n' when the line ends inside it (*eol = 1; also for the last
 * line of an input without a final newline). A piece that starts a line
 * holds min(line length, MBOX_BLOCK) bytes. 1 = a piece, 0 = end, -1 = error. */
static int mbox_piece(hn_mail_reader *r, const char **p, size_t *n, int *eol)
{
    unsigned char *nl;
    if (r->bpos == r->bfill) r->bpos = r->bfill = 0;
    nl = r->bfill > r->bpos ? memchr(r->blk + r->bpos, '\n', r->bfill - r->bpos) : NULL;
    if (!nl && !r->beof) {
        if (r->bpos > 0) {
            memmove(r->blk, r->blk + r->bpos, r->bfill - r->bpos);
            r->bfill -= r->bpos;
            r->bpos = 0;
        }
        while (r->bfill < MBOX_BLOCK && !r->beof) {
            size_t k = fread(r->blk + r->bfill, 1, MBOX_BLOCK - r->bfill, r->f);
            r->bfill += k;
            if (k == 0) {
                r->beof = 1;
                if (ferror(r->f)) r->berr = 1;
            }
        }
        nl = r->bfill > r->bpos ? memchr(r->blk + r->bpos, '\n', r->bfill - r->bpos) : NULL;
    }
    if (r->berr) return -1;
    if (r->bpos == r->bfill) return 0;
    *p = (const char *)r->blk + r->bpos;
    if (nl) {
        *n = (size_t)(nl + 1 - (r->blk + r->bpos));
        *eol = 1;
    } else {
        *n = r->bfill - r->bpos;
        *eol = r->beof;
    }
    r->bpos += *n;
    return 1;
}

/* Read the next mbox message into r->msg. *got = 0 at the end. */
static hn_status mbox_next_raw(hn_mail_reader *r, int *got, int *truncated, hn_err *err)
{
    size_t limit = (size_t)-1;
    if (r->c.o.max_bytes > 0 && (uint64_t)r->c.o.max_bytes < (uint64_t)limit) limit = (size_t)r->c.o.max_bytes;
    *got = 0;
    *truncated = 0;
    r->msg.n = 0;
    if (r->done) return HN_OK;
    for (;;) {
        const char *p;
        size_t n;
        int eol, rc = mbox_piece(r, &p, &n, &eol);
        if (rc < 0) {
            r->done = 1;
            return hn_err_set(err, HN_ERR_IO, "%s: read error: %s", r->path, strerror(errno ? errno : EIO));
        }
        if (rc == 0) break;
        if (r->skip_line) { /* the rest of a long From_ line */
            r->skip_line = !eol;
            r->line_start = eol;
            continue;
        }
        if (r->line_start) {
            size_t k = 0;
            if (n >= 5 && memcmp(p, "From ", 5) == 0) {
                int have = r->started || !all_ws(r->msg.p ? r->msg.p : "", r->msg.n);
                r->line_start = eol;
                r->skip_line = !eol;
                r->started = 1;
                if (have) {
                    *got = 1;
                    return HN_OK;
                }
                r->msg.n = 0;
                continue;
            }
            while (k < n && p[k] == '>') k++;
            if (k > 0 && n - k >= 5 && memcmp(p + k, "From ", 5) == 0) { /* mboxrd: drop one '>' */
                p++;
                n--;
            }
        }
        r->line_start = eol;
        if (limit - r->msg.n < n) {
            n = limit - r->msg.n;
            *truncated = 1;
        }
        sb_put(&r->msg, p, n);
        if (r->msg.oom) {
            sb_clear_oom(&r->msg);
            r->done = 1;
            return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", r->path);
        }
    }
    r->done = 1;
    if (r->started || !all_ws(r->msg.p ? r->msg.p : "", r->msg.n)) *got = 1;
    return HN_OK;
}

hn_status hn_mail_reader_open(const char *path, const hn_mail_opts *o, int label_from_dir, hn_mail_reader **out,
                              hn_err *err)
{
    hn_mail_reader *r;
    struct stat sb;
    hn_status st;
    int is_stdin = !strcmp(path, "-");
    *out = NULL;
    if (!is_stdin && stat(path, &sb) != 0) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    if (label_from_dir && (is_stdin || !S_ISDIR(sb.st_mode)))
        return hn_err_set(err, HN_ERR_ARG, "%s: not a folder: labeled mail is a folder whose subfolders name the labels",
                          path);
    if (!(r = calloc(1, sizeof *r))) return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    ctx_init(&r->c, o);
    r->label_from_dir = label_from_dir;
    r->line_start = 1;
    if (!(r->path = malloc(strlen(path) + 1))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    strcpy(r->path, path);
    if (!is_stdin && S_ISDIR(sb.st_mode)) {
        size_t len = strlen(r->path);
        while (len > 1 && r->path[len - 1] == '/') r->path[--len] = '\0';
        r->is_dir = 1;
        if ((st = push_dir(r, r->path, err)) != HN_OK) goto fail;
    } else {
        if (is_stdin) r->f = stdin;
        else if (!(r->f = fopen(path, "rb"))) {
            st = hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
            goto fail;
        } else r->own_f = 1;
        if (!(r->blk = malloc(MBOX_BLOCK))) {
            st = hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
            goto fail;
        }
    }
    *out = r;
    return HN_OK;
fail:
    hn_mail_reader_free(r);
    return st;
}

/* The next regular file of the tree into r->msg; *label set. */
static hn_status dir_next_raw(hn_mail_reader *r, const char **label, int *got, int *truncated, hn_err *err)
{
    *got = 0;
    while (r->nfr > 0) {
        dframe *t = &r->fr[r->nfr - 1];
        struct stat sb;
        const char *name;
        hn_status st;
        if (t->i == t->n) {
            frame_free(t);
            r->nfr--;
            continue;
        }
        name = t->names[t->i++];
        r->source.n = 0;
        sb_put(&r->source, t->path, strlen(t->path));
        if (strcmp(t->path, "/") != 0) sb_put(&r->source, "/", 1);
        sb_put(&r->source, name, strlen(name) + 1);
        if (r->source.oom) {
            sb_clear_oom(&r->source);
            return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        }
        r->source.n--; /* keep the NUL out of the length */
        /* symbolic links are followed, to folders as to files, so a tree
         * assembled from links reads whole; what cannot be read is said */
        if (stat(r->source.p, &sb) != 0) {
            if (lstat(r->source.p, &sb) == 0 && S_ISLNK(sb.st_mode)) {
                r->st.skipped++;
                if (r->st.skipped <= 5)
                    hn_log(HN_LOG_WARN, "%s: a symbolic link to nothing (skipped)", r->source.p);
                continue;
            }
            return hn_err_set(err, HN_ERR_IO, "%s: %s", r->source.p, strerror(errno));
        }
        if (S_ISDIR(sb.st_mode)) {
            size_t k;
            for (k = 0; k < r->nfr; k++)
                if (r->fr[k].dev == sb.st_dev && r->fr[k].ino == sb.st_ino) break;
            if (k < r->nfr) {
                r->st.skipped++;
                hn_log(HN_LOG_WARN, "%s: a link back to %s, which is being read (a loop: skipped)", r->source.p,
                       r->fr[k].path);
                continue;
            }
            /* push_dir may move r->fr; the path is copied first */
            if ((st = push_dir(r, r->source.p, err)) != HN_OK) return st;
            continue;
        }
        if (!S_ISREG(sb.st_mode)) {
            r->st.skipped++;
            if (r->st.skipped <= 5)
                hn_log(HN_LOG_WARN, "%s: not a regular file (a device, FIFO or socket: skipped)", r->source.p);
            continue;
        }
        if (r->label_from_dir && r->nfr < 2) {
            hn_log(HN_LOG_WARN, "%s: not inside a label directory (skipped)", r->source.p);
            continue;
        }
        if (label && r->label_from_dir) { /* the name of the top-level directory */
            const char *p = strrchr(r->fr[1].path, '/');
            *label = p ? p + 1 : r->fr[1].path;
        }
        if ((st = read_whole_file(r, r->source.p, truncated, err)) != HN_OK) return st;
        *got = 1;
        return HN_OK;
    }
    return HN_OK;
}

hn_status hn_mail_reader_next(hn_mail_reader *r, const char **label, const char **text, size_t *len,
                              const char **source, int *got, hn_err *err)
{
    hn_status st;
    int truncated = 0;
    char num[32];
    *got = 0;
    if (label) *label = NULL;
    if (text) *text = NULL;
    if (len) *len = 0;
    if (source) *source = NULL;
    if (r->is_dir) st = dir_next_raw(r, label, got, &truncated, err);
    else st = mbox_next_raw(r, got, &truncated, err);
    if (st != HN_OK || !*got) {
        *got = 0;
        if (label) *label = NULL;
        return st;
    }
    if (!r->is_dir) {
        r->msgno++;
        snprintf(num, sizeof num, "#%lld", (long long)r->msgno);
        r->source.n = 0;
        sb_put(&r->source, r->path, strlen(r->path));
        sb_put(&r->source, num, strlen(num) + 1);
        if (r->source.oom) {
            sb_clear_oom(&r->source);
            *got = 0;
            return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", r->path);
        }
        r->source.n--;
    }
    if ((st = mail_parse(&r->c, r->msg.n ? r->msg.p : "", r->msg.n, truncated)) != HN_OK) {
        *got = 0;
        if (label) *label = NULL;
        return hn_err_set(err, st, "%s: out of memory", r->source.p);
    }
    stats_add(&r->st, &r->c.s);
    if (text) *text = r->c.out.p;
    if (len) *len = r->c.out.n;
    if (source) *source = r->source.p;
    return HN_OK;
}

void hn_mail_reader_stats(const hn_mail_reader *r, hn_mail_stats *st)
{
    *st = r->st;
}

void hn_mail_reader_free(hn_mail_reader *r)
{
    size_t i;
    if (!r) return;
    for (i = 0; i < r->nfr; i++) frame_free(&r->fr[i]);
    free(r->fr);
    if (r->f && r->own_f) fclose(r->f);
    free(r->blk);
    free(r->path);
    sb_free(&r->msg);
    sb_free(&r->source);
    ctx_free(&r->c);
    free(r);
}
