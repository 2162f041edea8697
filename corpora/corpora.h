/* corpora.h - readers that yield (labels, text) records, one per line
 *
 * corpora/ may include plumbing (src/) only; it knows nothing of features.
 *
 * Formats:
 *   fasttext  `__label__spam __label__promo some text` - leading tokens
 *             with the label prefix are labels (several allowed); a
 *             `__weight__W` token among them gives the example weight W
 *             (finite, > 0); the rest of the line is the text.
 *   tsv       `label<TAB>text` - one label; a leading `__weight__W ` in
 *             the text is a weight too.
 *   text      the whole line is the text; no labels.
 *   auto      decided from the first non-empty line: starts with the
 *             prefix -> fasttext; has a TAB -> tsv; else text. The
 *             decision is logged ("FILE: format auto: detected tsv").
 *
 * Malformed lines (no label where labels are needed, a label but no text,
 * an empty label, TSV without TAB, a bad weight) are errors naming
 * "file:line", or, with skip_bad, skipped and counted (the first five are
 * logged as warnings). In labeled modes empty lines are skipped and
 * counted; in text mode an empty line is a record with empty text, so
 * predict keeps one output line per input line.
 *
 * Memory: one line buffer and one labels array, reused; no allocation per
 * record. Lines of any length; NUL bytes inside a line are kept (use
 * text_len).
 */
#ifndef HN_CORPORA_H
#define HN_CORPORA_H

#include <stddef.h>
#include <stdint.h>

#include "src/status.h"

typedef enum hn_format {
    HN_FORMAT_AUTO,
    HN_FORMAT_FASTTEXT,
    HN_FORMAT_TSV,
    HN_FORMAT_TEXT,
    HN_FORMAT_COUNT
} hn_format;

const char *hn_format_name(hn_format f);               /* "auto", "fasttext", "tsv", "text" */
hn_status hn_format_parse(const char *s, hn_format *out); /* HN_ERR_ARG on an unknown name */

typedef struct hn_reader_opts {
    hn_format format;        /* [auto] */
    char label_prefix[64];   /* [__label__] */
    int32_t skip_bad;        /* 1: skip and count malformed lines [0: error] */
    int32_t need_labels;     /* 1: every record must have a label [0] */
} hn_reader_opts;

void hn_reader_opts_default(hn_reader_opts *o);

typedef struct hn_record {
    int32_t nlabels;
    const char **labels;     /* without the prefix; borrowed until the next call */
    const char *text;        /* borrowed until the next call; may contain NUL */
    size_t text_len;
    float weight;            /* 1 unless __weight__W */
    int64_t lineno;          /* 1-based */
} hn_record;

typedef struct hn_reader hn_reader;

/* Open `path` ("-" = stdin). *out is owned: hn_reader_free. */
hn_status hn_reader_open(const char *path, const hn_reader_opts *o, hn_reader **out, hn_err *err);

/* Next record: HN_OK with *got = 1, or HN_OK with *got = 0 at the end.
 * Errors name "file:line: what is wrong". */
hn_status hn_reader_next(hn_reader *r, hn_record *rec, int *got, hn_err *err);

/* The format in use (auto resolved after the first non-empty line). */
hn_format hn_reader_format(const hn_reader *r);

typedef struct hn_reader_stats {
    int64_t lines, records, skipped_bad, empty;
} hn_reader_stats;

void hn_reader_stats_get(const hn_reader *r, hn_reader_stats *s);

/* Close and free; NULL is a no-op. */
void hn_reader_free(hn_reader *r);

#endif /* HN_CORPORA_H */
