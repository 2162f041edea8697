/* svec.h - the sparse feature vector shared by tokenizer/ and models/
 *
 * src/base: libc only. An hn_svec is `n` (index, value) pairs; indices are
 * hashed bucket ids below 2^bits, unique within one vector, in first-seen
 * order (not sorted). The arrays are borrowed: whoever built the vector
 * (usually an arena) owns them. This is the only type tokenizer/ and
 * models/ share: models see numbers, never text.
 */
#ifndef HN_SVEC_H
#define HN_SVEC_H

#include <stdint.h>

typedef struct hn_svec {
    int32_t n;        /* number of pairs */
    uint32_t *idx;    /* bucket ids, borrowed */
    float *val;       /* values, borrowed */
} hn_svec;

#endif /* HN_SVEC_H */
