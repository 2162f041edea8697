/* labels.h - a table of label names: ids in first-seen order, counts
 *
 * src/base: libc only. One table serves training (names -> class ids while
 * reading), evaluation (gold and predicted names of a scores file) and the
 * split command. Lookups go through an open-addressing hash index, so a
 * thousand labels cost the same as two.
 *
 *     hn_labels l;
 *     hn_labels_init(&l);
 *     int32_t id = hn_labels_add(&l, "spam");   // -1: out of memory
 *     l.count[id]++;
 *     hn_labels_free(&l);
 */
#ifndef HN_LABELS_H
#define HN_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

typedef struct hn_labels {
    int32_t n, cap;
    char **names;      /* owned, n NUL-terminated names, id order */
    int64_t *count;    /* n counters for the caller (examples per label); start at 0 */
    int32_t *slot;     /* hash index: label id or -1 */
    size_t nslot;      /* power of two, at least 2n + 2 */
} hn_labels;

void hn_labels_init(hn_labels *l);
void hn_labels_free(hn_labels *l);   /* and re-initialize */

/* Id of `name` (len bytes; the NUL-terminated form takes strlen), or -1. */
int32_t hn_labels_find(const hn_labels *l, const char *name);
int32_t hn_labels_findn(const hn_labels *l, const char *name, size_t len);

/* Id of `name`, added with count 0 when new; -1 on out of memory. */
int32_t hn_labels_add(hn_labels *l, const char *name);
int32_t hn_labels_addn(hn_labels *l, const char *name, size_t len);

/* dst <- a copy of src (names and counts). dst is initialized here. */
hn_status hn_labels_copy(const hn_labels *src, hn_labels *dst);

/* Exchange ids a and b (names and counts). */
void hn_labels_swap(hn_labels *l, int32_t a, int32_t b);

/* Renumber in byte order of the names (scikit-learn's sorted labels);
 * newid[old] receives each label's new id (newid has n entries). */
hn_status hn_labels_sort(hn_labels *l, int32_t *newid);

/* Move the names out (the caller owns the array and the strings) and
 * leave the table empty. *n receives the count. */
char **hn_labels_take_names(hn_labels *l, int32_t *n);

#endif /* HN_LABELS_H */
