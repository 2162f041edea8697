/* dataset.c - training data as one contiguous store (see models.h)
 *
 * models/: src/base and libc only; calls no other file of the folder.
 * Invariants: off[0..n] are the offsets of each example's features in
 * idx/val (off[0] = 0); capacities grow geometrically, so appending n
 * examples costs O(log n) reallocations, never one allocation per example.
 * A failed append leaves the dataset as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

void hn_dataset_init(hn_dataset *d)
{
    memset(d, 0, sizeof *d);
}

hn_status hn_dataset_add(hn_dataset *d, const hn_svec *x, int32_t label, float weight)
{
    int64_t nz = d->n ? d->off[d->n] : 0;
    if (d->n + 1 >= d->cap_ex) {
        int64_t c = d->cap_ex ? d->cap_ex * 2 : 1024;
        int64_t *off = realloc(d->off, (size_t)(c + 1) * sizeof *off);
        int32_t *lab;
        float *w;
        if (!off) return HN_ERR_NOMEM;
        d->off = off;
        if (!(lab = realloc(d->label, (size_t)c * sizeof *lab))) return HN_ERR_NOMEM;
        d->label = lab;
        if (!(w = realloc(d->weight, (size_t)c * sizeof *w))) return HN_ERR_NOMEM;
        d->weight = w;
        d->cap_ex = c;
        if (d->n == 0) d->off[0] = 0;
    }
    if (nz + x->n > d->cap_nz) {
        int64_t c = d->cap_nz ? d->cap_nz : 1 << 16;
        uint32_t *idx;
        float *val;
        while (c < nz + x->n) c *= 2;
        if (!(idx = realloc(d->idx, (size_t)c * sizeof *idx))) return HN_ERR_NOMEM;
        d->idx = idx;
        if (!(val = realloc(d->val, (size_t)c * sizeof *val))) return HN_ERR_NOMEM;
        d->val = val;
        d->cap_nz = c;
    }
    if (x->n) {
        memcpy(d->idx + nz, x->idx, (size_t)x->n * sizeof *x->idx);
        memcpy(d->val + nz, x->val, (size_t)x->n * sizeof *x->val);
    }
    d->label[d->n] = label;
    d->weight[d->n] = weight;
    d->n++;
    d->off[d->n] = nz + x->n;
    return HN_OK;
}

hn_svec hn_dataset_get(const hn_dataset *d, int64_t i)
{
    hn_svec x;
    x.n = (int32_t)(d->off[i + 1] - d->off[i]);
    x.idx = d->idx + d->off[i];
    x.val = d->val + d->off[i];
    return x;
}

void hn_dataset_free(hn_dataset *d)
{
    free(d->off);
    free(d->idx);
    free(d->val);
    free(d->label);
    free(d->weight);
    memset(d, 0, sizeof *d);
}
