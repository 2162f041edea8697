/* fuzz_reader.c - libFuzzer target: any bytes as an input file for
 * hn_reader_open / hn_reader_next, every record consumed.
 *
 *   byte 0  bits 0-1 format (auto, fasttext, tsv, text); bit 2
 *           need_labels; bit 3 skip_bad; bits 4-5 the label prefix
 *           ("__label__", "__", "x", "#")
 *   rest    the file (written to a memfd, opened as /proc/self/fd/N)
 *
 * Invariants checked, against an independent split of the input into
 * lines (CRLF and a BOM on line 1 dropped):
 *  - open fails (HN_ERR_ARG) exactly for format text with need_labels;
 *  - next returns HN_OK or, without skip_bad, HN_ERR_FORMAT with a
 *    "path:line: " message; never anything else;
 *  - records: line numbers increase and name a real line; the text is
 *    NUL-terminated at text_len and is a tail of that line (the reader
 *    parses in place and never changes text bytes); labels[] is
 *    NULL-terminated after nlabels non-empty names without white space
 *    (fasttext) or TAB (tsv); need_labels -> nlabels >= 1; format text
 *    -> no labels and weight 1; weight finite > 0;
 *  - the end is sticky; stats: lines equals the number of lines, and
 *    lines == records + skipped_bad + empty + format errors; text input
 *    gives one record per line.
 */
#define _GNU_SOURCE
#define FUZZ_WANT_MEMFD
#include "tests/fuzz/fuzz_common.h"

#include <math.h>
#include <string.h>

#include "corpora/corpora.h"

static const char *const prefixes[4] = {"__label__", "__", "x", "#"};

typedef struct line_ref {
    const uint8_t *s;
    size_t n;
} line_ref;

/* The input's lines as hn_lines gives them. Returns the count. */
static size_t split_lines(const uint8_t *p, size_t n, line_ref **out)
{
    static line_ref *v;
    static size_t cap;
    size_t i = 0, k = 0;
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n, len = e - i;
        const uint8_t *s = p + i;
        if (k == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            FUZZ_CHECK(v != NULL, "realloc");
        }
        if (len && s[len - 1] == '\r') len--;
        if (k == 0 && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
            s += 3;
            len -= 3;
        }
        v[k].s = s;
        v[k].n = len;
        k++;
        i = e + 1;
    }
    *out = v;
    return k;
}

static int is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    hn_reader_opts o;
    hn_reader *r = NULL;
    hn_record rec;
    hn_reader_stats stats;
    hn_err err;
    hn_status st;
    const char *path;
    line_ref *lines;
    size_t nlines, nrec = 0, iter;
    int64_t last_lineno = 0, nerr = 0;
    uint8_t b0;
    int got;
    if (size < 1) return 0;
    b0 = fuzz_byte(&in);
    hn_reader_opts_default(&o);
    o.format = (hn_format)(b0 & 3);
    o.need_labels = (b0 >> 2) & 1;
    o.skip_bad = (b0 >> 3) & 1;
    snprintf(o.label_prefix, sizeof o.label_prefix, "%s", prefixes[(b0 >> 4) & 3]);

    path = fuzz_as_file(in.p, in.n);
    nlines = split_lines(in.p, in.n, &lines);
    st = hn_reader_open(path, &o, &r, &err);
    if (o.format == HN_FORMAT_TEXT && o.need_labels) {
        FUZZ_CHECK(st == HN_ERR_ARG && r == NULL, "text + need_labels opened: %d", (int)st);
        return 0;
    }
    FUZZ_CHECK(st == HN_OK && r != NULL, "open: %s", err.msg);

    for (iter = 0;; iter++) {
        FUZZ_CHECK(iter <= 2 * nlines + 2, "more calls than lines: %zu calls, %zu lines", iter, nlines);
        memset(&rec, 0xA5, sizeof rec);
        st = hn_reader_next(r, &rec, &got, &err);
        if (st == HN_ERR_FORMAT) {
            FUZZ_CHECK(!o.skip_bad, "HN_ERR_FORMAT under skip_bad: %s", err.msg);
            FUZZ_CHECK(!got, "got set on error");
            FUZZ_CHECK(strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':', "message '%s'",
                       err.msg);
            nerr++;
            continue;
        }
        FUZZ_CHECK(st == HN_OK, "next: status %d: %s", (int)st, err.msg);
        if (!got) break;
        nrec++;
        FUZZ_CHECK(rec.lineno > last_lineno, "line numbers go %lld then %lld", (long long)last_lineno, (long long)rec.lineno);
        FUZZ_CHECK(rec.lineno >= 1 && (size_t)rec.lineno <= nlines, "lineno %lld of %zu lines", (long long)rec.lineno,
                   nlines);
        last_lineno = rec.lineno;
        {
            const line_ref *L = &lines[rec.lineno - 1];
            int32_t k;
            FUZZ_CHECK(rec.text != NULL, "text NULL");
            FUZZ_CHECK(rec.text_len <= L->n, "text_len %zu > line length %zu", rec.text_len, L->n);
            FUZZ_CHECK(rec.text[rec.text_len] == '\0', "text not NUL-terminated at text_len");
            FUZZ_CHECK(memcmp(rec.text, L->s + L->n - rec.text_len, rec.text_len) == 0,
                       "line %lld: text is not a tail of the line", (long long)rec.lineno);
            FUZZ_CHECK(isfinite(rec.weight) && rec.weight > 0, "weight %g", (double)rec.weight);
            FUZZ_CHECK(rec.nlabels >= 0, "nlabels %d", (int)rec.nlabels);
            FUZZ_CHECK(rec.labels != NULL, "labels NULL");
            FUZZ_CHECK(rec.labels[rec.nlabels] == NULL, "labels not NULL-terminated");
            if (o.need_labels) FUZZ_CHECK(rec.nlabels >= 1, "need_labels but no label, line %lld", (long long)rec.lineno);
            if (hn_reader_format(r) == HN_FORMAT_TEXT)
                FUZZ_CHECK(rec.nlabels == 0 && rec.weight == 1.0f, "text format: %d labels, weight %g",
                           (int)rec.nlabels, (double)rec.weight);
            if (hn_reader_format(r) == HN_FORMAT_TSV) FUZZ_CHECK(rec.nlabels <= 1, "tsv: %d labels", (int)rec.nlabels);
            if (rec.nlabels > 0) FUZZ_CHECK(rec.text_len > 0, "labels but empty text");
            for (k = 0; k < rec.nlabels; k++) {
                const char *l = rec.labels[k];
                size_t ll, j;
                FUZZ_CHECK(l != NULL, "label %d NULL", (int)k);
                ll = strlen(l);
                FUZZ_CHECK(ll > 0, "label %d empty", (int)k);
                FUZZ_CHECK(ll <= L->n, "label longer than its line");
                for (j = 0; j < ll; j++) {
                    FUZZ_CHECK(l[j] != '\n', "newline in a label");
                    if (hn_reader_format(r) == HN_FORMAT_FASTTEXT)
                        FUZZ_CHECK(!is_sp(l[j]), "white space in fasttext label '%s'", l);
                    else
                        FUZZ_CHECK(l[j] != '\t', "TAB in tsv label '%s'", l);
                }
                if (hn_reader_format(r) == HN_FORMAT_TSV)
                    FUZZ_CHECK_KNOWN("tsv-label-space", !is_sp(l[0]) && !is_sp(l[ll - 1]), "untrimmed tsv label '%s'", l);
            }
        }
    }
    /* the end is sticky */
    st = hn_reader_next(r, &rec, &got, &err);
    FUZZ_CHECK(st == HN_OK && !got, "after the end: status %d got %d", (int)st, got);

    hn_reader_stats_get(r, &stats);
    FUZZ_CHECK((size_t)stats.lines == nlines, "stats.lines %lld, input has %zu lines", (long long)stats.lines, nlines);
    FUZZ_CHECK((size_t)stats.records == nrec, "stats.records %lld, returned %zu", (long long)stats.records, nrec);
    FUZZ_CHECK(stats.lines == stats.records + stats.skipped_bad + stats.empty + nerr,
               "lines %lld != records %lld + skipped %lld + empty %lld + errors %lld", (long long)stats.lines,
               (long long)stats.records, (long long)stats.skipped_bad, (long long)stats.empty, (long long)nerr);
    if (o.format == HN_FORMAT_TEXT) FUZZ_CHECK(nrec == nlines, "text: %zu records for %zu lines", nrec, nlines);
    if (hn_reader_format(r) == HN_FORMAT_TEXT)
        FUZZ_CHECK(stats.empty == 0 && stats.skipped_bad == 0 && nerr == 0, "text format skipped lines");
    hn_reader_free(r);
    return 0;
}
