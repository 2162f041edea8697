/* reader.c - fastText / TSV / text line readers (see corpora.h)
 *
 * corpora/: plumbing only. Parsing happens in place in the line buffer:
 * label tokens are NUL-terminated where they stand, so a record costs no
 * allocation; the labels array grows geometrically and is reused.
 */
#include "corpora/corpora.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/lines.h"
#include "src/log.h"

struct hn_reader {
    hn_lines lines;
    hn_reader_opts o;
    hn_format format;
    const char **labels;
    int32_t cap;
    hn_reader_stats st;
    int warned;
};

static const char *const format_names[HN_FORMAT_COUNT] = {"auto", "fasttext", "tsv", "text"};

const char *hn_format_name(hn_format f)
{
    return (unsigned)f < HN_FORMAT_COUNT ? format_names[f] : "?";
}

hn_status hn_format_parse(const char *s, hn_format *out)
{
    int i;
    for (i = 0; i < HN_FORMAT_COUNT; i++)
        if (!strcmp(s, format_names[i])) {
            *out = (hn_format)i;
            return HN_OK;
        }
    return HN_ERR_ARG;
}

void hn_reader_opts_default(hn_reader_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = HN_FORMAT_AUTO;
    strcpy(o->label_prefix, "__label__");
}

hn_status hn_reader_open(const char *path, const hn_reader_opts *o, hn_reader **out, hn_err *err)
{
    hn_reader *r = calloc(1, sizeof *r);
    hn_status st;
    *out = NULL;
    if (!r) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    if (!o->label_prefix[0] || !memchr(o->label_prefix, '\0', sizeof o->label_prefix)) {
        free(r);
        return hn_err_set(err, HN_ERR_ARG, "label prefix must be 1 to 63 bytes");
    }
    r->o = *o;
    r->format = o->format;
    if ((st = hn_lines_open(&r->lines, path, err)) != HN_OK) {
        free(r);
        return st;
    }
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
}

void hn_reader_free(hn_reader *r)
{
    if (!r) return;
    hn_lines_close(&r->lines);
    free(r->labels);
    free(r);
}

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

static hn_status push_label(hn_reader *r, int32_t *n, const char *l)
{
    if (*n == r->cap) {
        int32_t c = r->cap ? r->cap * 2 : 8;
        const char **p = realloc(r->labels, (size_t)c * sizeof *p);
        if (!p) return HN_ERR_NOMEM;
        r->labels = p;
        r->cap = c;
    }
    r->labels[(*n)++] = l;
    return HN_OK;
}

/* `__weight__W`: 0 and *w, or -1 when malformed. */
static int parse_weight(const char *tok, float *w)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(tok + 10, &end);
    if (end == tok + 10 || *end || errno == ERANGE || !isfinite(v) || v <= 0 || v > 3.4e38) return -1;
    *w = (float)v;
    return 0;
}

/* Parse one line; returns HN_OK, or HN_ERR_FORMAT with a message (no file:line). */
static hn_status parse_line(hn_reader *r, char *s, size_t n, hn_record *rec, char *why, size_t whylen)
{
    const char *pre = r->o.label_prefix;
    size_t pl = strlen(pre), i = 0;
    int32_t nl = 0;
    rec->weight = 1.0f;
    if (r->format == HN_FORMAT_TEXT) {
        rec->text = s;
        rec->text_len = n;
        rec->nlabels = 0;
        rec->labels = r->labels;
        return HN_OK;
    }
    if (r->format == HN_FORMAT_TSV) {
        char *tab = memchr(s, '\t', n);
        if (!tab) {
            if (!r->o.need_labels) {
                rec->text = s;
                rec->text_len = n;
                rec->nlabels = 0;
                return HN_OK;
            }
            snprintf(why, whylen, "no TAB (expected label<TAB>text)");
            return HN_ERR_FORMAT;
        }
        *tab = '\0';
        if (tab == s) {
            snprintf(why, whylen, "empty label before the TAB");
            return HN_ERR_FORMAT;
        }
        if (push_label(r, &nl, s) != HN_OK) return HN_ERR_NOMEM;
        i = (size_t)(tab + 1 - s);
        if (n - i >= 10 && !memcmp(s + i, "__weight__", 10)) {
            size_t e = i;
            while (e < n && !is_sp(s[e])) e++;
            if (e < n) s[e] = '\0';
            else s[n] = '\0';
            if (parse_weight(s + i, &rec->weight)) {
                snprintf(why, whylen, "bad weight '%.40s' (need a finite number > 0)", s + i);
                return HN_ERR_FORMAT;
            }
            i = e < n ? e + 1 : n;
        }
        while (i < n && is_sp(s[i])) i++;
    } else { /* fasttext */
        for (;;) {
            size_t st, e;
            while (i < n && is_sp(s[i])) i++;
            st = i;
            if (n - st >= pl && !memcmp(s + st, pre, pl)) {
                e = st;
                while (e < n && !is_sp(s[e])) e++;
                if (e == st + pl) {
                    snprintf(why, whylen, "empty label '%s'", pre);
                    return HN_ERR_FORMAT;
                }
                s[e] = '\0'; /* s[n] is the line's NUL: writable */
                if (push_label(r, &nl, s + st + pl) != HN_OK) return HN_ERR_NOMEM;
                i = e < n ? e + 1 : n;
            } else if (n - st >= 10 && !memcmp(s + st, "__weight__", 10)) {
                e = st;
                while (e < n && !is_sp(s[e])) e++;
                s[e] = '\0';
                if (parse_weight(s + st, &rec->weight)) {
                    snprintf(why, whylen, "bad weight '%.40s' (need a finite number > 0)", s + st);
                    return HN_ERR_FORMAT;
                }
                i = e < n ? e + 1 : n;
            } else {
                break;
            }
        }
        if (nl == 0 && r->o.need_labels) {
            snprintf(why, whylen, "no label (expected %sNAME at the start)", pre);
            return HN_ERR_FORMAT;
        }
    }
    rec->text = s + i;
    rec->text_len = n - i;
    rec->nlabels = nl;
    rec->labels = r->labels;
    if (nl > 0 && blank(rec->text, rec->text_len)) {
        snprintf(why, whylen, "label but no text");
        return HN_ERR_FORMAT;
    }
    return HN_OK;
}

hn_status hn_reader_next(hn_reader *r, hn_record *rec, int *got, hn_err *err)
{
    char *line;
    size_t len;
    hn_status st;
    *got = 0;
    for (;;) {
        char why[160];
        if ((st = hn_lines_next(&r->lines, &line, &len, err)) != HN_OK) return st;
        if (!line) return HN_OK;
        r->st.lines++;
        if (r->format == HN_FORMAT_AUTO) {
            if (blank(line, len)) {
                r->st.empty++;
                if (r->o.need_labels) continue;
                /* unlabeled input: an empty line is still a record */
                rec->text = line;
                rec->text_len = len;
                rec->nlabels = 0;
                rec->labels = r->labels;
                rec->weight = 1.0f;
                rec->lineno = r->lines.lineno;
                r->st.records++;
                *got = 1;
                return HN_OK;
            }
            {
                size_t i = 0, pl = strlen(r->o.label_prefix);
                while (i < len && is_sp(line[i])) i++;
                if (len - i >= pl && !memcmp(line + i, r->o.label_prefix, pl)) r->format = HN_FORMAT_FASTTEXT;
                else if (memchr(line, '\t', len)) r->format = HN_FORMAT_TSV;
                else r->format = HN_FORMAT_TEXT;
            }
            hn_log(HN_LOG_INFO, "%s: format auto: detected %s", r->lines.path, hn_format_name(r->format));
            if (r->format == HN_FORMAT_TEXT && r->o.need_labels)
                return hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: no label (expected %sNAME or label<TAB>text)",
                                  r->lines.path, (long long)r->lines.lineno, r->o.label_prefix);
        }
        if (r->format != HN_FORMAT_TEXT && blank(line, len)) {
            r->st.empty++;
            if (r->o.need_labels) continue;
        }
        st = parse_line(r, line, len, rec, why, sizeof why);
        if (st == HN_ERR_NOMEM) return hn_err_set(err, st, "%s:%lld: out of memory", r->lines.path, (long long)r->lines.lineno);
        if (st != HN_OK) {
            if (r->o.skip_bad) {
                r->st.skipped_bad++;
                if (r->warned++ < 5)
                    hn_log(HN_LOG_WARN, "%s:%lld: %s (skipped)", r->lines.path, (long long)r->lines.lineno, why);
                continue;
            }
            return hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: %s", r->lines.path, (long long)r->lines.lineno, why);
        }
        rec->lineno = r->lines.lineno;
        r->st.records++;
        *got = 1;
        return HN_OK;
    }
}
