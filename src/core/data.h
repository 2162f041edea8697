/* cli_data.h - read a labeled file into a featurized dataset (CLI glue)
 *
 * src/ glue. Used by train, eval, threshold and mine: stream the records of
 * a labeled file (any reader format), featurize each once with the
 * tokenizer and append it to an hn_dataset, mapping label names to class
 * ids with an hn_labels table.
 */
#ifndef HN_CLI_DATA_H
#define HN_CLI_DATA_H

#include <stdint.h>

#include "corpora/corpora.h"
#include "models/models.h"
#include "tokenizer/tokenizer.h"

typedef struct hn_labels {
    int32_t n, cap;
    char **names;      /* owned */
    int64_t *count;    /* examples per label seen while loading */
} hn_labels;

void hn_labels_init(hn_labels *l);
void hn_labels_free(hn_labels *l);
int32_t hn_labels_find(const hn_labels *l, const char *name);
/* Find or add; -1 on out of memory. */
int32_t hn_labels_add(hn_labels *l, const char *name);

typedef enum hn_unknown_label {
    HN_UNKNOWN_ADD,    /* new labels get new ids (training) */
    HN_UNKNOWN_ERROR,  /* a label not in the table is an error naming file:line */
    HN_UNKNOWN_KEEP    /* keep the example with class id -1 (eval: counted as always wrong) */
} hn_unknown_label;

typedef struct hn_load_stats {
    int64_t records, skipped_bad, empty, unknown_label;
} hn_load_stats;

/* Read `path` with reader options `ro`, featurize with `tok`, append to
 * `d`. Progress and the format decision go through hn_log. */
hn_status hn_load_labeled(const char *path, const hn_reader_opts *ro, const hn_tokenizer *tok, hn_labels *labels,
                          hn_unknown_label unknown, hn_dataset *d, hn_load_stats *stats, hn_err *err);

#endif /* HN_CLI_DATA_H */
