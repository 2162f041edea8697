/* corpora.h - readers that yield (labels, text) records, one per line
 *
 * corpora/ may include src/base and libc only; it knows
 * nothing of tokens or features. It owns the input formats: a reader turns a file
 * of lines into records, names "file:line: what is wrong" for malformed
 * lines (or skips and counts them), and never prints: the one decision it
 * announces (the auto-detected format) and the first skipped lines go
 * through hn_log().
 *
 * Example:
 *
 *     hn_reader_opts o; hn_reader *r; hn_record rec; hn_err err; int got;
 *     hn_reader_opts_default(&o);
 *     o.need_labels = 1;
 *     if (hn_reader_open("train.txt", &o, &r, &err) != HN_OK) fail(err.msg);
 *     while ((st = hn_reader_next(r, &rec, &got, &err)) == HN_OK && got)
 *         use(rec.labels[0], rec.text, rec.text_len, rec.weight);
 *     hn_reader_free(r);   // st != HN_OK: err.msg is "train.txt:12: ..."
 *
 * Formats (one example a line; CRLF and a UTF-8 BOM on line 1 are dropped,
 * a last line without a newline is a line, lines may be of any length):
 *
 *   fasttext  `__label__spam __label__promo some text`. Leading
 *             whitespace-separated tokens that start with the label prefix
 *             are labels (several allowed, kept in order, duplicates kept);
 *             a `__weight__W` token among them sets the weight. The text is
 *             the rest of the line after the whitespace that follows the
 *             last such token. A line with no label and no weight token
 *             (allowed only when need_labels is 0) is its text unchanged.
 *             `__weight__` is checked before the prefix, so a prefix such
 *             as "__" never turns a weight into a label.
 *   tsv       `label<TAB>text`: one label, the bytes before the first TAB
 *             with surrounding whitespace trimmed (and the label prefix
 *             removed if it has one, so `__label__spam<TAB>x` and
 *             `spam<TAB>x` agree); the text is everything after the first
 *             TAB. A `__weight__W` token at the start of the text (after
 *             optional whitespace) is the weight and is removed together
 *             with the whitespace after it. With need_labels 0 a line
 *             without a TAB is unlabeled and its text is the whole line.
 *   text      the whole line is the text; no labels, no weight tokens.
 *   auto      decided from the first non-empty line: it starts (after
 *             whitespace) with the prefix -> fasttext; it has a TAB -> tsv;
 *             else text. Logged at HN_LOG_INFO as
 *             "FILE: format auto: detected NAME". With need_labels 1 a
 *             first line that is neither is a malformed line ("no label");
 *             under skip_bad it is skipped and the next non-empty line
 *             decides.
 *
 * Header: in TSV (set, or detected) a first non-empty line whose two
 * fields are column names, such as label<TAB>text or intent<TAB>query
 * (hn_tsv_is_header), is not a record: it is skipped, counted in
 * stats.header and logged at HN_LOG_INFO, so it never becomes a class.
 *
 * Weights: W is read with strtod and must be a finite number
 * > 0 that a float can hold (not 0 after rounding); at most one weight
 * token a line. Default 1.
 *
 * Malformed lines, with their messages (after "file:line: "):
 *   "no label (expected PREFIXNAME at the start)"   fasttext, need_labels
 *   "no label (expected PREFIXNAME at the start, or label<TAB>text)"
 *                                        auto, need_labels, first line
 *   "label but no text"                  a label and empty/blank text
 *   "empty label name ('PREFIX' alone)"  fasttext token that is the prefix
 *   "no TAB (expected label<TAB>text)"   tsv, need_labels
 *   "empty label before the TAB"         tsv
 *   "NUL byte in a label"                a label would be cut short
 *   "bad weight 'TOKEN' (need a finite number > 0)"
 *   "more than one __weight__ token"
 * Without skip_bad hn_reader_next returns HN_ERR_FORMAT with that message;
 * with skip_bad the line is skipped, counted in stats.skipped_bad, and the
 * first five are logged at HN_LOG_WARN ("file:line: ... (skipped)").
 *
 * Empty lines (length 0 or only whitespace): when the format is text (set,
 * or detected) an empty line is a record with text "" and text_len 0, so a
 * caller that writes one output per record keeps one output line per input
 * line; empty lines before auto detection are held back and given as such
 * records once text is detected (or at the end of an input that has only
 * empty lines and need_labels 0). In fasttext and tsv an empty line is not
 * a record: it is skipped and counted in stats.empty (never an error).
 * Use rec.lineno to align records with input lines there, or set
 * every_line, which makes every line a record.
 *
 * Labels and text are never checked for UTF-8 here (the tokenizer repairs
 * it). NUL bytes inside the text are kept: always use text_len.
 *
 * Memory: the reader parses in place in its one reused line buffer and
 * keeps one labels array grown geometrically; a record costs no allocation.
 * Not thread-safe: one reader per thread.
 */
#ifndef HN_CORPORA_H
#define HN_CORPORA_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

typedef enum hn_format {
    HN_FORMAT_AUTO,     /* decide from the first non-empty line */
    HN_FORMAT_FASTTEXT, /* __label__a __label__b text */
    HN_FORMAT_TSV,      /* label<TAB>text */
    HN_FORMAT_TEXT,     /* the line is the text */
    HN_FORMAT_MAIL,     /* raw e-mail: a directory tree or an mbox (corpora/mail.h); not a line format:
                           hn_reader_open refuses it, callers use hn_mail_reader */
    HN_FORMAT_COUNT
} hn_format;

/* "auto", "fasttext", "tsv", "text"; "?" for an out-of-range value. Static
 * text, never NULL. */
const char *hn_format_name(hn_format f);

/* The format named `s` (exactly one of the names above) into *out.
 * HN_ERR_ARG for NULL or an unknown name (*out unchanged). */
hn_status hn_format_parse(const char *s, hn_format *out);

/* What a loader of labeled data (src/core/data.c) does with a line that
 * has several labels; the reader itself always gives them all. */
typedef enum hn_multi_label {
    HN_MULTI_FIRST,   /* train on the first label, count the lines and warn */
    HN_MULTI_COPY,    /* one example per label (as fastText's softmax sees them, on average) */
    HN_MULTI_ERROR,   /* a line with several labels is an error naming file:line */
    HN_MULTI_COUNT
} hn_multi_label;

const char *hn_multi_label_name(hn_multi_label m);
hn_status hn_multi_label_parse(const char *s, hn_multi_label *out);

typedef struct hn_reader_opts {
    hn_format format;        /* [auto] */
    char label_prefix[64];   /* [__label__]; 1 to 63 bytes, no whitespace */
    int32_t skip_bad;        /* nonzero: skip and count malformed lines [0: error] */
    int32_t need_labels;     /* nonzero: every record has >= 1 label (train, eval) [0: labels optional,
                              * e.g. predict: parsed, stripped and may be ignored] */
    hn_multi_label multi_label; /* for loaders of labeled data (see hn_multi_label) [first] */
    size_t max_line_bytes;   /* lines longer than this are cut there and counted in stats.truncated
                              * (src/base/lines.h); 0 = never [10 MB] */
    int32_t every_line;      /* nonzero: every input line is exactly one record, for commands that answer
                              * each line (predict, score): an empty line is a record with empty text in
                              * every format, labels with no text give empty text, and a malformed line
                              * is given whole as unlabeled text (counted in stats.as_text, the first
                              * five logged). Needs need_labels 0. [0] */
} hn_reader_opts;

/* Fill `o` with the defaults shown in brackets above. */
void hn_reader_opts_default(hn_reader_opts *o);

typedef struct hn_record {
    int32_t nlabels;         /* 0 for unlabeled text; >= 1 whenever need_labels */
    const char **labels;     /* nlabels names without the prefix, NUL-terminated, then a NULL entry;
                              * never NULL; array and names borrowed until the next hn_reader_next
                              * or hn_reader_free */
    const char *text;        /* borrowed likewise; text[text_len] is '\0' but the text may contain
                              * NUL bytes: use text_len */
    size_t text_len;
    float weight;            /* 1 unless a __weight__W token gave W (finite, > 0) */
    int64_t lineno;          /* 1-based line in the file */
} hn_record;

typedef struct hn_reader hn_reader;

/* Open `path` ("-" = standard input, never closed by the reader) with the
 * options `o` (copied; NULL = defaults). On success *out is owned by the
 * caller: free it with hn_reader_free. On failure *out is NULL and err
 * says why: HN_ERR_IO "path: reason", HN_ERR_NOMEM, or HN_ERR_ARG for a
 * bad prefix, an unknown format, or format text with need_labels (text
 * has no labels). */
hn_status hn_reader_open(const char *path, const hn_reader_opts *o, hn_reader **out, hn_err *err);

/* Next record into *rec. Returns HN_OK with *got = 1 and a record, or
 * HN_OK with *got = 0 at the end of the input (and on every later call).
 * Errors: HN_ERR_FORMAT for a malformed line (unless skip_bad), HN_ERR_IO
 * for a read error, HN_ERR_NOMEM; the message is "file:line: what is
 * wrong" ("-" names stdin). *got is 0 on error and *rec is unspecified.
 * After HN_ERR_FORMAT the reader may be called again and goes on with the
 * next line. Pointers in *rec are borrowed (see hn_record). */
hn_status hn_reader_next(hn_reader *r, hn_record *rec, int *got, hn_err *err);

/* The format in use: the option, or once auto has decided, the detected
 * one. HN_FORMAT_AUTO while nothing decided it (no non-empty line yet). */
hn_format hn_reader_format(const hn_reader *r);

typedef struct hn_reader_stats {
    int64_t lines;           /* lines read so far */
    int64_t records;         /* records returned */
    int64_t skipped_bad;     /* malformed lines skipped (skip_bad) */
    int64_t empty;           /* empty lines skipped (not records) */
    int64_t as_text;         /* every_line: malformed lines given whole as text */
    int64_t truncated;       /* lines cut at max_line_bytes */
    uint64_t bytes;          /* bytes read so far (for progress) */
    int64_t header;          /* 1 when a TSV header row (label<TAB>text) was skipped */
} hn_reader_stats;
/* At the end of input: lines == records + skipped_bad + empty (lines
 * that gave an error are counted in lines only). */

/* Copy the counters so far into *s. */
void hn_reader_stats_get(const hn_reader *r, hn_reader_stats *s);

/* Is "a<TAB>b..." a row of column names? Both of the first two fields
 * (whitespace trimmed, any case) are among the usual names of a label
 * column (label, labels, class, category, intent, target, y, gold, tag,
 * true, y_true) and of a text or prediction column (text, sentence,
 * utterance, query, message, document, body, content, email, review,
 * comment, x, predicted, prediction, pred, y_pred, score, probability,
 * prob). Used by the reader and by `eval --scores`. */
int hn_tsv_is_header(const char *line, size_t len);

/* Close the file (not stdin) and free the reader and every buffer its
 * records borrowed. NULL is a no-op. */
void hn_reader_free(hn_reader *r);

#endif /* HN_CORPORA_H */
