/* data.h - read a labeled file into a featurized dataset
 *
 * src/core. Used by training, evaluation, thresholds and mining: stream
 * the records of a labeled file (any reader format, or --format mail),
 * featurize each once with the tokenizer and append it to an hn_dataset,
 * mapping label names to class ids with an hn_labels table. Progress, the
 * format decision and repaired UTF-8 go through hn_log.
 */
#ifndef HN_DATA_H
#define HN_DATA_H

#include <stdint.h>

#include "corpora/corpora.h"
#include "models/models.h"
#include "src/base/labels.h"
#include "tokenizer/tokenizer.h"

typedef enum hn_unknown_label {
    HN_UNKNOWN_ADD,    /* new labels get new ids (training; eval counts them as always wrong) */
    HN_UNKNOWN_ERROR,  /* a label not in the table is an error naming file:line */
    HN_UNKNOWN_KEEP    /* keep the example with class id -1 */
} hn_unknown_label;

typedef struct hn_load_stats {
    int64_t records, skipped_bad, empty, unknown_label;
} hn_load_stats;

/* Read `path` with reader options `ro`, featurize with `tok`, append to
 * `d`; labels[id].count counts the examples read per known label. Every
 * error names the file and line. */
hn_status hn_load_labeled(const char *path, const hn_reader_opts *ro, const hn_tokenizer *tok, hn_labels *labels,
                          hn_unknown_label unknown, hn_dataset *d, hn_load_stats *stats, hn_err *err);

#endif /* HN_DATA_H */
