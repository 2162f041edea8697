/* container.h - the .hn model file: a classifier on disk
 *
 * src/core. The file holds what predict needs and nothing that depends on
 * the machine:
 *
 *     HNMODEL 1\n                       magic and format version
 *     section tokenizer <bytes>\n ...   hn_tok_opts_save text
 *     section labels <bytes>\n ...      one label per line, class id order
 *     section meta <bytes>\n ...        key value lines: threshold, reject
 *                                       label, training options, seed
 *     section model <bytes>\n ...       hn_model_write (text header + LE binary)
 *     [section ngrams <bytes>\n ...]     optional: the n-gram table (ngrams.h), written
 *                                       only by train --keep-ngrams (an older hardneg
 *                                       refuses such a file: "unexpected data after the
 *                                       model section")
 *     end <xxh64 hex>\n                 XXH64 (seed 0) of every byte before "end"
 *
 * A calibrated classifier (`hardneg calibrate`) adds "calibration*" keys
 * to the meta section; files without calibration or n-gram table are
 * byte for byte what earlier versions wrote.
 *
 * Loading checks, in order: magic (not a model file), version (newer than
 * this program), checksum (truncated or corrupted), then each section;
 * each failure is one line naming the file.
 */
#ifndef HN_CONTAINER_H
#define HN_CONTAINER_H

#include "src/base/status.h"
#include "src/core/classifier.h"

#define HN_MODEL_FORMAT_VERSION 1

/* Write `c` to `path` ("-" = stdout) through src/base/outfile.h: a
 * temporary beside the target renamed into place (special files and
 * stdout are written directly). */
hn_status hn_classifier_save(const hn_classifier *c, const char *path, hn_err *err);

/* Load and verify `path` ("-" = stdin). *out is owned: hn_classifier_free. */
hn_status hn_classifier_load(const char *path, hn_classifier **out, hn_err *err);

#endif /* HN_CONTAINER_H */
