/* reader.c - fastText / TSV / text line readers (see corpora.h)
 *
 * corpora/: src/base and libc only. Lines come from
 * hn_lines (one reused getline buffer, CRLF and BOM already dropped,
 * line[len] == '\0').
 * Parsing happens in place in that buffer: each label is NUL-terminated
 * where it stands, over the whitespace byte that ends it or on the line's
 * own terminating NUL, so a record costs no allocation. The labels array
 * (names plus a NULL entry) grows geometrically and is reused.
 *
 * Invariants:
 *  - r->labels is never NULL and r->labels_cap >= 2.
 *  - r->format is HN_FORMAT_AUTO only until a non-empty line decides it.
 *  - r->pend_n counts empty lines read before auto detection when
 *    need_labels is 0 (lines pend_first .. pend_first + pend_n - 1). They
 *    are given as empty text records once the format is text, or moved to
 *    stats.empty once it is fasttext or tsv.
 *  - r->held is a line read (and counted) but not parsed yet; it stays in
 *    the hn_lines buffer because no line is read while one is held.
 */
#include "corpora/corpora.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/lines.h"
#include "src/base/log.h"

#define WEIGHT_TOK "__weight__"
#define WEIGHT_TOK_LEN (sizeof WEIGHT_TOK - 1)
#define WARN_MAX 5 /* skipped lines logged one by one */

struct hn_reader {
    hn_lines lines;
    hn_reader_opts o;
    size_t prefix_len;
    hn_format format;         /* decided format; AUTO until decided */
    const char **labels;      /* owned; names point into the line buffer */
    size_t labels_cap;        /* entries, the NULL terminator included */
    hn_reader_stats st;
    int64_t pend_first, pend_n;
    char *held;               /* borrowed from lines.buf, or NULL */
    size_t held_len;
    int64_t held_lineno;
    int eof;
    int seen_nonempty;        /* a non-empty line was parsed (the header check is done) */
};

static const char *const format_names[HN_FORMAT_COUNT] = {"auto", "fasttext", "tsv", "text", "mail"};
static const char *const multi_names[HN_MULTI_COUNT] = {"first", "copy", "error"};

const char *hn_multi_label_name(hn_multi_label m)
{
    return (unsigned)m < HN_MULTI_COUNT ? multi_names[m] : "?";
}

hn_status hn_multi_label_parse(const char *s, hn_multi_label *out)
{
    int i;
    if (!s) return HN_ERR_ARG;
    for (i = 0; i < HN_MULTI_COUNT; i++)
        if (!strcmp(s, multi_names[i])) return *out = (hn_multi_label)i, HN_OK;
    return HN_ERR_ARG;
}

const char *hn_format_name(hn_format f)
{
    return (unsigned)f < HN_FORMAT_COUNT ? format_names[f] : "?";
}

hn_status hn_format_parse(const char *s, hn_format *out)
{
    int i;
    if (!s) return HN_ERR_ARG;
    for (i = 0; i < HN_FORMAT_COUNT; i++)
        if (strcmp(s, format_names[i]) == 0) {
            *out = (hn_format)i;
            return HN_OK;
        }
    return HN_ERR_ARG;
}

void hn_reader_opts_default(hn_reader_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = HN_FORMAT_AUTO;
    memcpy(o->label_prefix, "__label__", sizeof "__label__");
    o->skip_bad = 0;
    o->need_labels = 0;
    o->max_line_bytes = HN_LINES_MAX_DEFAULT;
}

static int field_is(const char *s, size_t n, const char *const *names)
{
    size_t i;
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    for (; *names; names++) {
        if (strlen(*names) != n) continue;
        for (i = 0; i < n; i++)
            if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) != (*names)[i]) break;
        if (i == n) return 1;
    }
    return 0;
}

int hn_tsv_is_header(const char *line, size_t len)
{
    static const char *const first[] = {"label", "labels", "class", "category", "intent", "target", "y", "gold",
                                        "tag", "true", "y_true", NULL};
    static const char *const second[] = {"text", "sentence", "utterance", "query", "message", "document",
                                         "body", "content", "email", "review", "comment", "x", "predicted",
                                         "prediction", "pred", "y_pred", "score", "probability", "prob", NULL};
    const char *tab = memchr(line, '\t', len), *tab2;
    size_t rest;
    if (!tab) return 0;
    rest = len - (size_t)(tab + 1 - line);
    tab2 = memchr(tab + 1, '\t', rest);
    return field_is(line, (size_t)(tab - line), first) &&
           field_is(tab + 1, tab2 ? (size_t)(tab2 - tab - 1) : rest, second);
}

/* The whitespace that separates tokens (a line never holds '\n'). */
static int is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static int blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_sp(s[i])) return 0;
    return 1;
}

hn_status hn_reader_open(const char *path, const hn_reader_opts *o, hn_reader **out, hn_err *err)
{
    hn_reader *r = NULL;
    hn_reader_opts def;
    hn_status st;
    size_t i, pl;
    *out = NULL;
    if (!o) {
        hn_reader_opts_default(&def);
        o = &def;
    }
    if (!path) return hn_err_set(err, HN_ERR_ARG, "reader: no input path");
    if ((unsigned)o->format >= HN_FORMAT_COUNT)
        return hn_err_set(err, HN_ERR_ARG, "%s: unknown input format %d", path, (int)o->format);
    if (!memchr(o->label_prefix, '\0', sizeof o->label_prefix) || !o->label_prefix[0])
        return hn_err_set(err, HN_ERR_ARG, "%s: the label prefix must be 1 to %zu bytes", path,
                          sizeof o->label_prefix - 1);
    pl = strlen(o->label_prefix);
    for (i = 0; i < pl; i++)
        if (is_sp(o->label_prefix[i]) || o->label_prefix[i] == '\n')
            return hn_err_set(err, HN_ERR_ARG, "%s: the label prefix must not contain whitespace", path);
    if (o->format == HN_FORMAT_MAIL)
        return hn_err_set(err, HN_ERR_ARG, "%s: format mail is not a line format: open it with hn_source_open (or the mail reader)", path);
    if (o->every_line && o->need_labels)
        return hn_err_set(err, HN_ERR_ARG, "%s: every_line is for unlabeled input (need_labels 0)", path);
    if (o->format == HN_FORMAT_TEXT && o->need_labels)
        return hn_err_set(err, HN_ERR_ARG, "%s: format text has no labels; labeled input needs fasttext, tsv or auto",
                          path);
    if (!(r = calloc(1, sizeof *r))) return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    r->o = *o;
    r->o.skip_bad = o->skip_bad != 0;
    r->o.need_labels = o->need_labels != 0;
    r->o.every_line = o->every_line != 0;
    r->prefix_len = pl;
    r->format = o->format;
    r->labels_cap = 8;
    if (!(r->labels = malloc(r->labels_cap * sizeof *r->labels))) {
        free(r);
        return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    r->labels[0] = NULL;
    if ((st = hn_lines_open(&r->lines, path, err)) != HN_OK) {
        free(r->labels);
        free(r);
        return st;
    }
    r->lines.max_line = o->max_line_bytes;
    *out = r;
    return HN_OK;
}

hn_format hn_reader_format(const hn_reader *r)
{
    return r->format;
}

void hn_reader_stats_get(const hn_reader *r, hn_reader_stats *s)
{
    *s = r->st;
    s->truncated = r->lines.truncated;
    s->bytes = r->lines.bytes;
}

void hn_reader_free(hn_reader *r)
{
    if (!r) return;
    hn_lines_close(&r->lines);
    free(r->labels);
    free(r);
}

/* Append label `l` as entry *n, keeping room for the NULL after it. */
static hn_status push_label(hn_reader *r, int32_t *n, const char *l)
{
    if ((size_t)*n + 2 > r->labels_cap) {
        size_t c = r->labels_cap * 2;
        const char **p;
        if (*n >= INT32_MAX - 1 || c > SIZE_MAX / sizeof *p) return HN_ERR_NOMEM;
        if (!(p = realloc(r->labels, c * sizeof *p))) return HN_ERR_NOMEM;
        r->labels = p;
        r->labels_cap = c;
    }
    r->labels[(*n)++] = l;
    return HN_OK;
}

/* The weight in the token tok[0..len) (which starts with "__weight__").
 * HN_ERR_FORMAT with `why` filled unless it is a finite float > 0. The
 * byte after the token is whitespace or NUL, so strtod stops there. */
static hn_status parse_weight(const char *tok, size_t len, float *w, char *why, size_t whylen)
{
    const char *num = tok + WEIGHT_TOK_LEN;
    size_t nlen = len - WEIGHT_TOK_LEN;
    char *end = NULL;
    double v = 0;
    int ok = nlen > 0 && !is_sp(num[0]) && !memchr(num, '\0', nlen);
    if (ok) {
        errno = 0;
        v = strtod(num, &end);
        ok = end == num + nlen && errno != ERANGE && isfinite(v) && v > 0 && v <= FLT_MAX && (float)v > 0;
    }
    if (!ok) {
        snprintf(why, whylen, "bad weight '%.*s' (need a finite number > 0)", (int)(len < 48 ? len : 48), tok);
        return HN_ERR_FORMAT;
    }
    *w = (float)v;
    return HN_OK;
}

static int is_weight_tok(const char *s, size_t len)
{
    return len >= WEIGHT_TOK_LEN && memcmp(s, WEIGHT_TOK, WEIGHT_TOK_LEN) == 0;
}

/* fastText: leading label and weight tokens, then the text. */
static hn_status parse_fasttext(hn_reader *r, char *s, size_t n, hn_record *rec, char *why, size_t whylen)
{
    const char *pre = r->o.label_prefix;
    size_t pl = r->prefix_len, i = 0, text_at = 0;
    int32_t nl = 0;
    int have_w = 0;
    hn_status st;
    for (;;) {
        size_t b, e;
        while (i < n && is_sp(s[i])) i++;
        b = e = i;
        while (e < n && !is_sp(s[e])) e++;
        if (b == n) {
            text_at = n;
            break;
        }
        if (is_weight_tok(s + b, e - b)) {
            if (have_w) {
                snprintf(why, whylen, "more than one " WEIGHT_TOK " token");
                return HN_ERR_FORMAT;
            }
            if ((st = parse_weight(s + b, e - b, &rec->weight, why, whylen)) != HN_OK) return st;
            have_w = 1;
        } else if (e - b >= pl && memcmp(s + b, pre, pl) == 0) {
            if (e - b == pl) {
                snprintf(why, whylen, "empty label name ('%s' alone)", pre);
                return HN_ERR_FORMAT;
            }
            if (memchr(s + b + pl, '\0', e - b - pl)) {
                snprintf(why, whylen, "NUL byte in a label");
                return HN_ERR_FORMAT;
            }
            if (push_label(r, &nl, s + b + pl) != HN_OK) return HN_ERR_NOMEM;
            s[e] = '\0'; /* whitespace, or s[n] which is already NUL */
        } else {
            /* the first text token; an untouched line keeps its leading whitespace */
            text_at = (nl || have_w) ? b : 0;
            break;
        }
        i = e < n ? e + 1 : n;
    }
    if (nl == 0 && r->o.need_labels) {
        snprintf(why, whylen, "no label (expected %sNAME at the start)", pre);
        return HN_ERR_FORMAT;
    }
    if (nl > 0 && text_at == n && !r->o.every_line) {
        snprintf(why, whylen, "label but no text");
        return HN_ERR_FORMAT;
    }
    r->labels[nl] = NULL;
    rec->nlabels = nl;
    rec->text = s + text_at;
    rec->text_len = n - text_at;
    return HN_OK;
}

/* TSV: label<TAB>text, an optional leading __weight__W in the text. */
static hn_status parse_tsv(hn_reader *r, char *s, size_t n, hn_record *rec, char *why, size_t whylen)
{
    const char *pre = r->o.label_prefix;
    size_t pl = r->prefix_len, a = 0, b, t, j;
    int32_t nl = 0;
    hn_status st;
    char *tab = memchr(s, '\t', n);
    if (!tab) {
        if (r->o.need_labels) {
            snprintf(why, whylen, "no TAB (expected label<TAB>text)");
            return HN_ERR_FORMAT;
        }
        r->labels[0] = NULL;
        rec->nlabels = 0;
        rec->text = s;
        rec->text_len = n;
        return HN_OK;
    }
    b = (size_t)(tab - s);
    t = b + 1;
    while (a < b && is_sp(s[a])) a++;
    while (b > a && is_sp(s[b - 1])) b--;
    if (b - a >= pl && memcmp(s + a, pre, pl) == 0) {
        a += pl;
        while (a < b && is_sp(s[a])) a++; /* "__label__ spam": the label is "spam" */
    }
    if (a == b) {
        snprintf(why, whylen, "empty label before the TAB");
        return HN_ERR_FORMAT;
    }
    if (memchr(s + a, '\0', b - a)) {
        snprintf(why, whylen, "NUL byte in a label");
        return HN_ERR_FORMAT;
    }
    j = t;
    while (j < n && is_sp(s[j])) j++;
    if (is_weight_tok(s + j, n - j)) {
        size_t e = j;
        while (e < n && !is_sp(s[e])) e++;
        if ((st = parse_weight(s + j, e - j, &rec->weight, why, whylen)) != HN_OK) return st;
        while (e < n && is_sp(s[e])) e++;
        t = e;
    }
    if (blank(s + t, n - t) && !r->o.every_line) {
        snprintf(why, whylen, "label but no text");
        return HN_ERR_FORMAT;
    }
    s[b] = '\0'; /* whitespace or the TAB: the text starts after it */
    if (push_label(r, &nl, s + a) != HN_OK) return HN_ERR_NOMEM;
    r->labels[nl] = NULL;
    rec->nlabels = nl;
    rec->text = s + t;
    rec->text_len = n - t;
    return HN_OK;
}

/* Parse a non-empty line in the decided format into *rec (all but lineno).
 * HN_ERR_FORMAT fills `why` (without file:line); HN_ERR_NOMEM too. */
static hn_status parse_line(hn_reader *r, char *s, size_t n, hn_record *rec, char *why, size_t whylen)
{
    hn_status st = HN_OK;
    rec->weight = 1.0f;
    switch (r->format) {
    case HN_FORMAT_FASTTEXT: st = parse_fasttext(r, s, n, rec, why, whylen); break;
    case HN_FORMAT_TSV: st = parse_tsv(r, s, n, rec, why, whylen); break;
    default:
        r->labels[0] = NULL;
        rec->nlabels = 0;
        rec->text = s;
        rec->text_len = n;
        break;
    }
    rec->labels = r->labels; /* after parsing: push_label may move the array */
    return st;
}

/* The format a first non-empty line shows; HN_FORMAT_AUTO when it shows
 * no labels although they are needed. Leading __weight__ tokens are passed
 * over, so `__weight__2 __label__a text` is fastText. */
static hn_format detect(const hn_reader *r, const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t e;
        while (i < n && is_sp(s[i])) i++;
        e = i;
        while (e < n && !is_sp(s[e])) e++;
        if (!is_weight_tok(s + i, e - i)) break;
        i = e;
    }
    if (n - i >= r->prefix_len && memcmp(s + i, r->o.label_prefix, r->prefix_len) == 0) return HN_FORMAT_FASTTEXT;
    if (memchr(s, '\t', n)) {
        /* unlabeled input (predict, score, pools) may hold TABs in its text:
         * a label column is a short first field without spaces */
        const char *tab = memchr(s, '\t', n);
        size_t j, fl = (size_t)(tab - s);
        int label_like = fl > 0 && fl <= 64;
        for (j = 0; j < fl && label_like; j++) label_like = !is_sp(s[j]);
        if (r->o.need_labels || label_like) return HN_FORMAT_TSV;
        hn_log(HN_LOG_INFO, "%s: a TAB in the first line, but what comes before it is not a label: read as text "
                            "(--format tsv says otherwise)", r->lines.path);
    }
    return r->o.need_labels ? HN_FORMAT_AUTO : HN_FORMAT_TEXT;
}

static void decided(hn_reader *r, hn_format f)
{
    r->format = f;
    hn_log(HN_LOG_INFO, "%s: format auto: detected %s", r->lines.path, hn_format_name(f));
    if (f != HN_FORMAT_TEXT) { /* held-back empty lines were not records after all */
        r->st.empty += r->pend_n;
        r->pend_n = 0;
    }
}

/* An empty line of text input: a record with empty text. */
static void empty_record(hn_reader *r, hn_record *rec, int64_t lineno)
{
    static const char none[] = "";
    r->labels[0] = NULL;
    rec->nlabels = 0;
    rec->labels = r->labels;
    rec->text = none;
    rec->text_len = 0;
    rec->weight = 1.0f;
    rec->lineno = lineno;
    r->st.records++;
}

hn_status hn_reader_next(hn_reader *r, hn_record *rec, int *got, hn_err *err)
{
    *got = 0;
    for (;;) {
        char why[256];
        char *line;
        size_t len;
        int64_t lineno;
        hn_status st;
        if (r->pend_n > 0 && r->format == HN_FORMAT_TEXT) {
            empty_record(r, rec, r->pend_first++);
            r->pend_n--;
            *got = 1;
            return HN_OK;
        }
        if (r->held) {
            line = r->held;
            len = r->held_len;
            lineno = r->held_lineno;
            r->held = NULL;
        } else {
            if (r->eof) return HN_OK;
            if ((st = hn_lines_next(&r->lines, &line, &len, err)) != HN_OK) return st;
            if (!line) {
                r->eof = 1;
                /* only empty lines, and no labels needed: they are text */
                if (r->format == HN_FORMAT_AUTO && r->pend_n > 0) decided(r, HN_FORMAT_TEXT);
                continue;
            }
            r->st.lines++;
            lineno = r->lines.lineno;
        }
        if (blank(line, len)) {
            if (r->format == HN_FORMAT_TEXT || r->o.every_line) {
                empty_record(r, rec, lineno);
                *got = 1;
                return HN_OK;
            }
            if (r->format == HN_FORMAT_AUTO && !r->o.need_labels) {
                if (r->pend_n++ == 0) r->pend_first = lineno;
            } else {
                r->st.empty++;
            }
            continue;
        }
        if (r->format == HN_FORMAT_AUTO) {
            hn_format f = detect(r, line, len);
            if (f == HN_FORMAT_AUTO) {
                snprintf(why, sizeof why, "no label (expected %sNAME at the start, or label<TAB>text)",
                         r->o.label_prefix);
                st = HN_ERR_FORMAT;
                goto bad;
            }
            decided(r, f);
            if (r->pend_n > 0) { /* give the held-back empty lines first */
                r->held = line;
                r->held_len = len;
                r->held_lineno = lineno;
                continue;
            }
        }
        if (r->format == HN_FORMAT_TSV && !r->seen_nonempty) {
            r->seen_nonempty = 1;
            if (hn_tsv_is_header(line, len)) {
                r->st.header = 1;
                hn_log(HN_LOG_INFO, "%s:%lld: a header row ('%.*s'): skipped", r->lines.path, (long long)lineno,
                       (int)(len < 60 ? len : 60), line);
                continue;
            }
        }
        r->seen_nonempty = 1;
        st = parse_line(r, line, len, rec, why, sizeof why);
        if (st == HN_OK) {
            rec->lineno = lineno;
            r->st.records++;
            *got = 1;
            return HN_OK;
        }
    bad:
        if (st == HN_ERR_NOMEM)
            return hn_err_set(err, st, "%s:%lld: out of memory for the labels", r->lines.path, (long long)lineno);
        if (r->o.every_line) { /* the whole line, as text: one record per line whatever it holds */
            r->st.as_text++;
            if (r->st.as_text <= WARN_MAX)
                hn_log(HN_LOG_WARN, "%s:%lld: %s: read as text%s", r->lines.path, (long long)lineno, why,
                       r->st.as_text == WARN_MAX ? "; further such lines are counted, not logged" : "");
            if (r->format == HN_FORMAT_AUTO) decided(r, HN_FORMAT_TEXT);
            r->labels[0] = NULL;
            rec->nlabels = 0;
            rec->labels = r->labels;
            rec->text = line;
            rec->text_len = len;
            rec->weight = 1.0f;
            rec->lineno = lineno;
            r->st.records++;
            *got = 1;
            return HN_OK;
        }
        if (!r->o.skip_bad)
            return hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: %s", r->lines.path, (long long)lineno, why);
        r->st.skipped_bad++;
        if (r->st.skipped_bad <= WARN_MAX)
            hn_log(HN_LOG_WARN, "%s:%lld: %s (skipped)%s", r->lines.path, (long long)lineno, why,
                   r->st.skipped_bad == WARN_MAX ? "; further malformed lines are counted, not logged" : "");
    }
}
