/* source.h - one way to read examples: line files (fastText, TSV, text,
 * auto) and raw mail (a folder tree or an mbox) behind one stream
 *
 * src/core. Every command that reads examples opens them here with the
 * same hn_reader_opts, so a labeled file means the same thing to train,
 * eval, predict, score, mine, threshold, plot and tokenize:
 *
 *     hn_source *s; hn_example ex; int got;
 *     if (hn_source_open("test.txt", &ro, &s, &err) != HN_OK) ...;
 *     while (hn_source_next(s, &ex, &got, &err) == HN_OK && got)
 *         use(ex.labels, ex.nlabels, ex.text, ex.len, ex.where);
 *     hn_source_report(s, "predict");      // truncated, repaired, skipped ... on the log
 *     hn_source_free(s);
 *
 * ro->format HN_FORMAT_MAIL reads raw messages: with ro->need_labels a
 * folder tree labeled by its top-level subfolders (spam/, ham/), else a
 * folder tree or an mbox; `where` is the message's source (file path or
 * PATH#N). The other formats read lines through corpora/'s hn_reader;
 * `where` is "FILE:LINE".
 */
#ifndef HN_SOURCE_H
#define HN_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "corpora/corpora.h"
#include "mining/mining.h"
#include "src/base/status.h"

typedef struct hn_example {
    int32_t nlabels;
    const char **labels;   /* borrowed until the next call; NULL-terminated */
    const char *text;      /* borrowed; text[len] is NUL but the text may hold NUL bytes */
    size_t len;
    float weight;
    int64_t lineno;        /* line of a line file; message number of mail */
    const char *where;     /* borrowed: "FILE:LINE" or the message's source */
} hn_example;

typedef struct hn_source hn_source;

/* Open `path` ("-" = stdin) with options `ro` (copied). *out owned:
 * hn_source_free. Errors name the path and the option that helps. */
hn_status hn_source_open(const char *path, const hn_reader_opts *ro, hn_source **out, hn_err *err);

/* Next example (HN_OK with *got = 0 at the end). Errors as hn_reader_next
 * and hn_mail_reader_next. */
hn_status hn_source_next(hn_source *s, hn_example *ex, int *got, hn_err *err);

/* Counters so far (mail: lines = messages, as_text = malformed messages). */
void hn_source_stats(const hn_source *s, hn_reader_stats *st);

/* Log, as warnings naming `cmd` and the file, what the reader had to do:
 * lines cut at --max-line-bytes, malformed lines skipped (--skip-bad) or
 * read as text, malformed mail read as far as it goes. */
void hn_source_report(const hn_source *s, const char *cmd);

const char *hn_source_path(const hn_source *s);

/* The format in use (auto resolves once a line decided it). */
hn_format hn_source_format(const hn_source *s);

void hn_source_free(hn_source *s);   /* NULL is a no-op */

/* Pool texts for mining/ (hn_text_reader) read through a source: every
 * line (or message) one text, labels stripped. Fill `pt` and `out` once;
 * pt must outlive the use of out. `cmd` names the log lines. */
typedef struct hn_pool_texts {
    hn_reader_opts ro;
    hn_source *s;
    const char *cmd;
    int reported;
} hn_pool_texts;
void hn_pool_texts_init(hn_pool_texts *pt, const hn_reader_opts *ro, const char *cmd, hn_text_reader *out);

#endif /* HN_SOURCE_H */
