/* model.c - the model's lifecycle, dispatch to its kind, and its file section
 *
 * models/: src/base and libm only (models_internal.h draws the call graph
 * inside the folder). This file owns the table of model kinds and
 * everything every kind shares: creation with the row table of the
 * buckets seen in a dataset, clone and copy, prediction (margins through
 * the kind, then sigmoid or softmax), and the common part of the model
 * section:
 *
 *     NAME VERSION\n          "linear 1", "mlp 1"
 *     classes C\n
 *     bits B\n
 *     rows R\n                rows stored in the body
 *     [kind lines]\n          e.g. "dim 100\nhidden 256 0\n" for the MLP
 *     \n
 *     binary body             the kind's, little-endian
 */
#include "models/models.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/models_internal.h"

/* One row per model kind, indexed by hn_model_kind. */
static const hn_kind *const kinds[HN_MODEL_KIND_COUNT] = {
    [HN_MODEL_LINEAR] = &hn_linear_kind,
    [HN_MODEL_MLP] = &hn_mlp_kind,
};

const char *hn_model_kind_name(hn_model_kind k)
{
    return (unsigned)k < HN_MODEL_KIND_COUNT ? kinds[k]->name : "?";
}

hn_status hn_model_kind_parse(const char *s, hn_model_kind *out)
{
    int i;
    for (i = 0; i < HN_MODEL_KIND_COUNT; i++)
        if (!strcmp(s, kinds[i]->name)) return *out = (hn_model_kind)i, HN_OK;
    return HN_ERR_ARG;
}

hn_status hn_model_kind_check(const hn_train_opts *o, hn_err *err)
{
    if ((unsigned)o->model >= HN_MODEL_KIND_COUNT) return hn_err_set(err, HN_ERR_ARG, "unknown model kind");
    return kinds[o->model]->check_opts(o, err);
}

hn_model_kind hn_model_kind_of(const hn_model *m)
{
    int i;
    for (i = 0; i < HN_MODEL_KIND_COUNT; i++)
        if (kinds[i] == m->kind) return (hn_model_kind)i;
    return HN_MODEL_KIND_COUNT;
}

hn_status hn_model_create(const hn_train_opts *o, int32_t nclasses, int32_t bits, const hn_dataset *d, hn_model **out,
                          hn_err *err)
{
    hn_model_kind k = o ? o->model : HN_MODEL_LINEAR;
    hn_train_opts def;
    hn_model *m;
    hn_status st;
    int64_t i, nz, distinct_max;
    *out = NULL;
    if (!o) {
        memset(&def, 0, sizeof def);
        def.model = HN_MODEL_LINEAR;
        o = &def;
    }
    if (nclasses < 2) return hn_err_set(err, HN_ERR_ARG, "need at least 2 classes, got %d", (int)nclasses);
    if (bits < 1 || bits > 30) return hn_err_set(err, HN_ERR_ARG, "bits must be in [1, 30]");
    if ((unsigned)k >= HN_MODEL_KIND_COUNT) return hn_err_set(err, HN_ERR_ARG, "unknown model kind");
    if (o != &def && (st = kinds[k]->check_opts(o, err)) != HN_OK) return st;
    nz = d && d->n ? d->off[d->n] : 0;
    distinct_max = nz < ((int64_t)1 << bits) ? nz : ((int64_t)1 << bits);
    if (!(m = hn_model_alloc(kinds[k], nclasses, bits, distinct_max)))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the model (%d classes)", (int)nclasses);
    for (i = 0; i < nz; i++) row_insert(m, d->idx[i]);
    if ((st = m->kind->init(m, o, err)) != HN_OK) {
        hn_model_release(m);
        return st;
    }
    *out = m;
    return HN_OK;
}

hn_status hn_model_grow(const hn_model *old, const hn_train_opts *o, int32_t nclasses, const hn_dataset *d,
                        hn_model **out, hn_err *err)
{
    hn_model *m;
    hn_status st;
    uint32_t *bucket = NULL;
    int64_t i, nz = d && d->n ? d->off[d->n] : 0, max_rows;
    uint64_t pos;
    *out = NULL;
    if (o->model != hn_model_kind_of(old))
        return hn_err_set(err, HN_ERR_ARG, "the initial model is %s, not %s", old->kind->name,
                          hn_model_kind_name(o->model));
    if (nclasses < old->nclasses)
        return hn_err_set(err, HN_ERR_ARG, "the initial model has %d classes, more than %d", (int)old->nclasses,
                          (int)nclasses);
    if (old->nclasses == 2 && nclasses > 2)
        return hn_err_set(err, HN_ERR_ARG, "the initial model is binary: it cannot grow into a model of %d classes",
                          (int)nclasses);
    if ((st = old->kind->check_opts(o, err)) != HN_OK) return st;
    max_rows = old->rows + (nz < ((int64_t)1 << old->bits) ? nz : ((int64_t)1 << old->bits));
    if (!(m = hn_model_alloc(old->kind, nclasses, old->bits, max_rows)) ||
        !(bucket = malloc((size_t)(old->rows ? old->rows : 1) * sizeof *bucket))) {
        if (m) hn_model_release(m);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the model (%d classes)", (int)nclasses);
    }
    /* old's rows in row order, so each keeps its id; then d's new buckets */
    for (pos = 0; pos <= old->mask; pos++)
        if (old->keys[pos]) bucket[old->slot[pos]] = old->keys[pos] - 1;
    for (i = 0; i < old->rows; i++) row_insert(m, bucket[i]);
    free(bucket);
    for (i = 0; i < nz; i++) row_insert(m, d->idx[i]);
    if ((st = m->kind->init(m, o, err)) != HN_OK) {
        hn_model_release(m);
        return st;
    }
    if ((st = m->kind->grow(m, old, err)) != HN_OK) {
        hn_model_free(m);
        return st;
    }
    *out = m;
    return HN_OK;
}

void hn_model_free(hn_model *m)
{
    if (!m) return;
    m->kind->free(m);
    hn_model_release(m);
}

hn_model *hn_model_clone(const hn_model *m)
{
    size_t cap = (size_t)m->mask + 1;
    hn_model *c = hn_model_alloc(m->kind, m->nclasses, m->bits, 0);
    uint32_t *keys;
    int32_t *slot;
    if (!c) return NULL;
    keys = malloc(cap * sizeof *keys);
    slot = malloc(cap * sizeof *slot);
    if (!keys || !slot) {
        free(keys);
        free(slot);
        hn_model_release(c);
        return NULL;
    }
    free(c->keys);
    free(c->slot);
    c->keys = keys;
    c->slot = slot;
    c->rows = m->rows;
    c->mask = m->mask;
    memcpy(c->keys, m->keys, cap * sizeof *c->keys);
    memcpy(c->slot, m->slot, cap * sizeof *c->slot);
    if (m->kind->clone(c, m) != HN_OK) {
        hn_model_release(c);
        return NULL;
    }
    return c;
}

void hn_model_copy_weights(hn_model *dst, const hn_model *src)
{
    if (dst->rows != src->rows || dst->nout != src->nout || dst->kind != src->kind) abort(); /* caller's bug */
    src->kind->copy(dst, src);
}

int32_t hn_model_nclasses(const hn_model *m) { return m->nclasses; }
int32_t hn_model_bits(const hn_model *m) { return m->bits; }
int64_t hn_model_rows(const hn_model *m) { return m->rows; }
int64_t hn_model_params(const hn_model *m) { return m->kind->params(m); }

void hn_model_shape(const hn_model *m, int32_t *dim, int32_t hidden[2])
{
    m->kind->shape(m, dim, hidden);
}

void hn_model_margins(const hn_model *m, const hn_svec *x, float *z)
{
    m->kind->margins(m, x, z);
}

void hn_model_predict(const hn_model *m, const hn_svec *x, float *p)
{
    int32_t k;
    /* the margins (nout <= nclasses floats) go straight into p */
    m->kind->margins(m, x, p);
    /* finite weights can still sum past FLT_MAX: keep the margins finite so
     * probabilities are never NaN */
    for (k = 0; k < m->nout; k++)
        if (!(p[k] >= -1e30f)) p[k] = -1e30f;
        else if (p[k] > 1e30f) p[k] = 1e30f;
    if (m->nout == 1) {
        double q = hn_sigmoid(p[0]);
        p[1] = (float)q;
        p[0] = (float)(1.0 - q);
    } else {
        hn_softmax_f(p, m->nout, p);
    }
}

/* ---- the file section ----------------------------------------------------- */

/* The section header: common lines, the kind's lines, a blank line. */
static void write_header(const hn_model *m, FILE *f)
{
    fprintf(f, "%s %d\nclasses %d\nbits %d\nrows %lld\n", m->kind->name, m->kind->version, (int)m->nclasses,
            (int)m->bits, (long long)m->kind->stored_rows(m));
    m->kind->write_header(m, f);
    fputc('\n', f);
}

hn_status hn_model_write(const hn_model *m, FILE *f, hn_err *err)
{
    write_header(m, f);
    if (ferror(f)) return hn_err_set(err, HN_ERR_IO, "write error");
    return m->kind->write_body(m, f, err);
}

hn_status hn_model_write_size(const hn_model *m, uint64_t *bytes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *g = open_memstream(&buf, &len);
    if (!g) return HN_ERR_NOMEM;
    write_header(m, g);
    if (fclose(g) != 0) {
        free(buf);
        return HN_ERR_NOMEM;
    }
    free(buf);
    *bytes = (uint64_t)len + m->kind->body_bytes(m);
    return HN_OK;
}

hn_status hn_model_read(const unsigned char *buf, size_t len, hn_model **out, hn_err *err)
{
    const unsigned char *hdr_end = NULL;
    char hdr[256], name[16];
    hn_section_hdr h;
    size_t i, hl;
    int k, consumed = 0, nclasses = 0, bits = 0;
    long long rows = -1;
    *out = NULL;
    for (i = 0; i + 1 < len; i++)
        if (buf[i] == '\n' && buf[i + 1] == '\n') {
            hdr_end = buf + i + 2;
            break;
        }
    if (!hdr_end) return hn_err_set(err, HN_ERR_FORMAT, "model section: no header");
    hl = (size_t)(hdr_end - buf);
    if (hl >= sizeof hdr) return hn_err_set(err, HN_ERR_FORMAT, "model section: header too long");
    memcpy(hdr, buf, hl);
    hdr[hl] = '\0';
    if (sscanf(hdr, "%15s %d\nclasses %d\nbits %d\nrows %lld\n%n", name, &h.version, &nclasses, &bits, &rows,
               &consumed) != 5 || consumed == 0)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: bad header");
    for (k = 0; k < HN_MODEL_KIND_COUNT; k++)
        if (!strcmp(name, kinds[k]->name)) break;
    if (k == HN_MODEL_KIND_COUNT) return hn_err_set(err, HN_ERR_FORMAT, "model section: unknown model kind '%s'", name);
    if (h.version != kinds[k]->version)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: unsupported %s model version %d", name, h.version);
    if (nclasses < 2 || nclasses > 1000000 || bits < 1 || bits > 30 || rows < 0 || rows > ((long long)1 << bits))
        return hn_err_set(err, HN_ERR_FORMAT, "model section: bad shape (classes %d, bits %d, rows %lld)", nclasses,
                          bits, rows);
    h.nclasses = nclasses;
    h.bits = bits;
    h.rows = rows;
    h.extra = hdr + consumed;
    return kinds[k]->read(&h, hdr_end, buf + len, out, err);
}
