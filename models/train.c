/* train.c - training options and the trainer every model kind shares
 *
 * models/: src/base and libm only. Calls model.c (the kind table, for
 * option checks) and loss.c; drives the model's kind only through its
 * forward / backward / state functions (models_internal.h), so it knows no
 * kind by name.
 *
 * With o->solver == HN_SOLVER_DCD the work goes to the batch solver
 * (dcd.c) instead.
 *
 * One epoch: a seeded Fisher-Yates shuffle of the example order, split
 * into `threads` contiguous slices, one task each on the worker pool
 * (Hogwild: tasks update the shared weights without locks; with one thread
 * the run is bit-for-bit reproducible). Per example: margins (the kind's
 * forward), loss and dL/dz (loss.c), the kind's backward at the current
 * rate. SGD decays the rate linearly to 0 over all updates; AdaGrad and
 * Adam keep the base rate (their own scaling is the kind's).
 *
 * Mini-batch path (OHEM and the ranking loss): margins of a whole batch
 * first; OHEM keeps every positive and the top ohem_keep of the batch's
 * negatives by loss; the ranking loss adds, for each positive, the
 * pairwise term against the batch's hardest negative (on top of the log
 * loss, so probabilities stay calibrated); then the kept examples are
 * applied one by one.
 *
 * Deterministic path (o->deterministic): the same shuffled order, cut
 * into blocks of the kind's det_block(o) examples (a multiple of o->batch).
 * Per block: (1) every example's rows, margins, loss, dL/dz and the
 * kind's backward signals, from the weights as they stand at the block's
 * start, as tasks of a few examples on any thread; (2) OHEM and the
 * ranking term per batch, on this thread, in order; (3) the updates, in
 * block order, by the kind's det_apply: one task per pool thread, each
 * owning a disjoint part of the parameters. After a batch-level step a
 * kind with det_refresh (the MLP) applies the kept examples in runs,
 * each run's activations recomputed first from the current weights, as
 * train_batches refreshes them. Nothing a thread computes
 * depends on which thread it is or how many there are: the rate, the
 * update count and the dropout stream of an example come from its
 * position in the epoch, and losses are summed in block order. So the
 * model is the same for a seed whatever --threads is (1 included), at
 * the price of margins up to one block old (like a mini-batch). The pool
 * threads are the parts: a part's rows get the same updates in the same
 * order whatever the parts are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/models_internal.h"
#include "src/base/rng.h"
#include "src/base/threads.h"

/* ---- the trainer ----------------------------------------------------------- */

typedef struct train_shared {
    hn_model *m;
    void *state;             /* the kind's optimizer state */
    const hn_dataset *d;
    const hn_train_opts *o;
    const float *cw;
    const int64_t *order;
    int64_t total_updates;   /* epochs * n, for the SGD schedule */
    volatile int *stop;
    int32_t epoch;
} train_shared;

typedef struct bitem {
    float loss;
    int32_t j;
} bitem;

typedef struct train_job {
    train_shared *sh;
    int64_t from, to;        /* slice of order */
    int64_t done_before;     /* updates before this epoch (SGD schedule) */
    double loss, wsum;
    int stopped;             /* 1 interrupted */
    uint64_t rng;            /* the kind's random draws (MLP dropout) */
    int32_t nt;              /* threads (the update-count estimate) */
    void *scratch;           /* the kind's per-task scratch */
    /* batch buffers: B margins and gradients of nout floats, B items/keep flags,
     * and the softmax work array of nclasses doubles */
    float *Z, *Gr;
    bitem *items;
    int32_t *keep;
    double *work;
} train_job;

static float lr_at(const train_shared *sh, const train_job *jb, int64_t e)
{
    const hn_train_opts *o = sh->o;
    float lr = (float)o->lr;
    if (o->optim == HN_OPTIM_SGD) {
        double prog = (double)(jb->done_before + (e - jb->from)) / (double)sh->total_updates;
        lr = (float)(o->lr * (1.0 - prog));
        if (lr < 1e-7f) lr = 1e-7f;
    }
    return lr;
}

/* Is example class t a "negative" for OHEM and the ranking loss? */
static int is_negative(const hn_model *m, const hn_train_opts *o, int32_t t)
{
    if (o->negative_class >= 0) return t == o->negative_class;
    if (m->nclasses == 2) return t == 0;
    return 1; /* multi-class without a negative label: every example competes */
}

static int by_loss_desc(const void *a, const void *b)
{
    const bitem *x = a, *y = b;
    if (x->loss != y->loss) return x->loss > y->loss ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* Apply dL/dz = g of the example in batch slot j at position e of the
 * order. The update count for Adam's bias correction is exact with one
 * thread; with nt threads each has done about (e - from) of the epoch's
 * shared updates per nt. */
static void bwd(train_job *jb, int32_t j, int64_t e, const hn_svec *x, const float *g, float lr)
{
    train_shared *sh = jb->sh;
    int64_t step = (int64_t)(sh->epoch - 1) * sh->d->n + (e - jb->from) * jb->nt + 1;
    sh->m->kind->backward(sh->m, sh->state, sh->o, jb->scratch, j, x, g, lr, step);
}

static float example_weight(const train_shared *sh, int64_t ex)
{
    int32_t t = sh->d->label[ex];
    return sh->d->weight[ex] * (sh->cw ? sh->cw[t] : 1.0f);
}

static void train_batches(train_job *jb)
{
    train_shared *sh = jb->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t no = m->nout, B = o->batch, j;
    int64_t b0;
    float *Z = jb->Z, *Gr = jb->Gr;
    bitem *items = jb->items;
    int32_t *keep = jb->keep;
    hn_loss base = o->loss == HN_LOSS_RANK ? HN_LOSS_LOG : o->loss;
    for (b0 = jb->from; b0 < jb->to; b0 += B) {
        int32_t bn = (int32_t)((jb->to - b0) < B ? (jb->to - b0) : B), nneg = 0, kneg;
        float lr = lr_at(sh, jb, b0);
        if (sh->stop && *sh->stop) {
            jb->stopped = 1;
            return;
        }
        for (j = 0; j < bn; j++) {
            int64_t ex = sh->order[b0 + j];
            hn_svec x = hn_dataset_get(sh->d, ex);
            int32_t t = sh->d->label[ex];
            float w = example_weight(sh, ex);
            double L;
            m->kind->forward(m, o, jb->scratch, j, &jb->rng, &x, Z + (size_t)j * no);
            L = hn_loss_grad(base, o, m->nclasses, Z + (size_t)j * no, t, w, Gr + (size_t)j * no, jb->work);
            jb->loss += L;
            jb->wsum += w;
            keep[j] = 1;
            if (is_negative(m, o, t)) {
                items[nneg].loss = (float)L;
                items[nneg].j = j;
                nneg++;
            }
        }
        if (o->loss == HN_LOSS_RANK && no == 1 && nneg > 0) {
            int32_t hard = items[0].j, q;
            for (q = 1; q < nneg; q++)
                if (Z[items[q].j] > Z[hard]) hard = items[q].j;
            for (j = 0; j < bn; j++) {
                int64_t ex = sh->order[b0 + j];
                float gp, gn;
                if (is_negative(m, o, sh->d->label[ex])) continue;
                jb->loss += hn_rank_pair_grad(Z[j], Z[hard], example_weight(sh, ex), &gp, &gn);
                Gr[j] += gp;
                Gr[hard] += gn;
            }
        }
        if (o->ohem_keep < 1.0 && nneg > 0) {
            qsort(items, (size_t)nneg, sizeof *items, by_loss_desc);
            kneg = (int32_t)ceil(o->ohem_keep * nneg);
            for (j = kneg; j < nneg; j++) keep[items[j].j] = 0;
        }
        for (j = 0; j < bn; j++) {
            hn_svec x;
            if (!keep[j]) continue;
            x = hn_dataset_get(sh->d, sh->order[b0 + j]);
            bwd(jb, j, b0 + j, &x, Gr + (size_t)j * no, lr);
        }
    }
}

static void train_slice(void *arg, int32_t task)
{
    train_job *jb = (train_job *)arg + task;
    train_shared *sh = jb->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int64_t e;
    if (o->batch > 1 || o->loss == HN_LOSS_RANK || o->ohem_keep < 1.0) {
        train_batches(jb);
        return;
    }
    for (e = jb->from; e < jb->to; e++) {
        int64_t ex = sh->order[e];
        hn_svec x = hn_dataset_get(sh->d, ex);
        float w = example_weight(sh, ex);
        if (sh->stop && *sh->stop) {
            jb->stopped = 1;
            break;
        }
        m->kind->forward(m, o, jb->scratch, 0, &jb->rng, &x, jb->Z);
        jb->loss += hn_loss_grad(o->loss, o, m->nclasses, jb->Z, sh->d->label[ex], w, jb->Gr, jb->work);
        jb->wsum += w;
        bwd(jb, 0, e, &x, jb->Gr, lr_at(sh, jb, e));
    }
}

static void jobs_free(hn_model *m, train_job *jobs, int32_t nt)
{
    int32_t t;
    if (!jobs) return;
    for (t = 0; t < nt; t++) {
        m->kind->task_end(jobs[t].scratch);
        free(jobs[t].Z);
        free(jobs[t].Gr);
        free(jobs[t].items);
        free(jobs[t].keep);
        free(jobs[t].work);
    }
    free(jobs);
}

static train_job *jobs_new(hn_model *m, const hn_train_opts *o, int32_t nt)
{
    train_job *jobs = calloc((size_t)nt, sizeof *jobs);
    size_t B = o->batch > 1 ? (size_t)o->batch : 1, no = (size_t)m->nout;
    int32_t t;
    if (!jobs) return NULL;
    for (t = 0; t < nt; t++) {
        train_job *jb = &jobs[t];
        jb->Z = malloc(B * no * sizeof *jb->Z);
        jb->Gr = malloc(B * no * sizeof *jb->Gr);
        jb->items = malloc(B * sizeof *jb->items);
        jb->keep = malloc(B * sizeof *jb->keep);
        jb->work = malloc((size_t)m->nclasses * sizeof *jb->work);
        if (!jb->Z || !jb->Gr || !jb->items || !jb->keep || !jb->work ||
            m->kind->task_begin(m, o, &jb->scratch) != HN_OK) {
            jobs_free(m, jobs, nt);
            return NULL;
        }
    }
    return jobs;
}

/* ---- the deterministic trainer -------------------------------------------- */


typedef struct det_train {
    train_shared *sh;
    hn_pool *pool;
    int32_t B, nparts;       /* block capacity; parts = pool threads */
    int32_t chunk;           /* slots per task of the forward step (any split gives the same results) */
    int32_t phase;
    int signal_now;          /* det_signal during the forward step (no batch-level step) */
    void *kd;                /* the kind's block storage */
    int64_t b0;              /* the block's first position in the order */
    hn_det_block blk;
    hn_svec *xs;
    int32_t *rows;
    int64_t *roff;
    size_t rows_cap;
    float *Z, *G, *lr;
    double *L;               /* per slot: loss */
    float *W;                /* per slot: example weight */
    int32_t *keep;
    int64_t *step;
    bitem *items;
    int32_t *run;            /* the kept slots of a refreshed run */
    double **work;           /* per pool thread: the softmax work array */
} det_train;

/* The rate of the update at position e of epoch `epoch` (lr_at's rule). */
static float det_lr(const train_shared *sh, int32_t epoch, int64_t e)
{
    const hn_train_opts *o = sh->o;
    float lr = (float)o->lr;
    if (o->optim == HN_OPTIM_SGD) {
        double prog = (double)((int64_t)(epoch - 1) * sh->d->n + e) / (double)sh->total_updates;
        lr = (float)(o->lr * (1.0 - prog));
        if (lr < 1e-7f) lr = 1e-7f;
    }
    return lr;
}

/* The dropout stream of the example at position e of the epoch: from
 * its position, never from its thread. */
static uint64_t det_rng(const train_shared *sh, int64_t e)
{
    uint64_t pos = (uint64_t)(sh->epoch - 1) * (uint64_t)sh->d->n + (uint64_t)e;
    uint64_t seq = (sh->o->seed ^ 0x6465745f64726f70ull) + pos * 0x9E3779B97F4A7C15ull;
    return hn_rng_next(&seq);
}

/* Step 1, task `task`: slots [task * chunk, ...) of the block. */
static void det_forward_task(void *arg, int32_t task, int32_t thread)
{
    det_train *dt = arg;
    train_shared *sh = dt->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t no = m->nout, s, end = (task + 1) * dt->chunk;
    hn_loss base = o->loss == HN_LOSS_RANK ? HN_LOSS_LOG : o->loss;
    if (end > dt->blk.n) end = dt->blk.n;
    for (s = task * dt->chunk; s < end; s++) {
        int64_t e = dt->b0 + s, ex = sh->order[e];
        hn_svec x = hn_dataset_get(sh->d, ex);
        int32_t *rows = dt->rows + dt->roff[s], i, t = sh->d->label[ex];
        uint64_t rng = det_rng(sh, e);
        float w = example_weight(sh, ex);
        for (i = 0; i < x.n; i++) rows[i] = (int32_t)row_find(m, x.idx[i]);
        dt->xs[s] = x;
        m->kind->det_forward(m, o, dt->kd, s, &rng, &x, rows, dt->Z + (size_t)s * no);
        dt->L[s] = hn_loss_grad(base, o, m->nclasses, dt->Z + (size_t)s * no, t, w, dt->G + (size_t)s * no,
                                dt->work[thread]);
        dt->W[s] = w;
        dt->keep[s] = 1;
        if (dt->signal_now) m->kind->det_signal(m, o, dt->kd, s, &x, rows, dt->G + (size_t)s * no);
    }
}

/* Step 1 after a batch-level step: the kept slots' backward signals. */
static void det_signal_task(void *arg, int32_t task, int32_t thread)
{
    det_train *dt = arg;
    hn_model *m = dt->sh->m;
    int32_t s, end = (task + 1) * dt->chunk;
    (void)thread;
    if (end > dt->blk.n) end = dt->blk.n;
    for (s = task * dt->chunk; s < end; s++)
        if (dt->keep[s])
            m->kind->det_signal(m, dt->sh->o, dt->kd, s, &dt->xs[s], dt->rows + dt->roff[s],
                                dt->G + (size_t)s * m->nout);
}

/* A refresh before a run (kind->det_refresh), task `task`: the run's
 * task-th kept slot, forward again from the current weights with the same
 * dropout draws, and its signals with the batch's dL/dz. */
static void det_refresh_task(void *arg, int32_t task, int32_t thread)
{
    det_train *dt = arg;
    train_shared *sh = dt->sh;
    hn_model *m = sh->m;
    int32_t s = dt->run[task], no = m->nout;
    uint64_t rng = det_rng(sh, dt->b0 + s);
    (void)thread;
    m->kind->det_forward(m, sh->o, dt->kd, s, &rng, &dt->xs[s], dt->rows + dt->roff[s], dt->Z + (size_t)s * no);
    m->kind->det_signal(m, sh->o, dt->kd, s, &dt->xs[s], dt->rows + dt->roff[s], dt->G + (size_t)s * no);
}

/* Step 3, task `part`: this phase's updates of the part. */
static void det_apply_task(void *arg, int32_t part, int32_t thread)
{
    det_train *dt = arg;
    train_shared *sh = dt->sh;
    (void)thread;
    sh->m->kind->det_apply(sh->m, sh->state, sh->o, dt->kd, &dt->blk, dt->phase, part, dt->nparts);
}

/* Step 2: OHEM and the ranking term for the batches of the block, in
 * order, as train_batches does them; adds the rank terms to *loss. */
static void det_batch_step(det_train *dt, double *loss)
{
    train_shared *sh = dt->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t B = o->batch, j0, j;
    float *Z = dt->Z, *Gr = dt->G;
    for (j0 = 0; j0 < dt->blk.n; j0 += B) {
        int32_t bn = dt->blk.n - j0 < B ? dt->blk.n - j0 : B, nneg = 0, kneg;
        bitem *items = dt->items;
        for (j = j0; j < j0 + bn; j++) {
            int64_t ex = sh->order[dt->b0 + j];
            if (is_negative(m, o, sh->d->label[ex])) {
                items[nneg].loss = (float)dt->L[j];
                items[nneg].j = j;
                nneg++;
            }
        }
        if (o->loss == HN_LOSS_RANK && m->nout == 1 && nneg > 0) {
            int32_t hard = items[0].j, q;
            for (q = 1; q < nneg; q++)
                if (Z[items[q].j] > Z[hard]) hard = items[q].j;
            for (j = j0; j < j0 + bn; j++) {
                int64_t ex = sh->order[dt->b0 + j];
                float gp, gn;
                if (is_negative(m, o, sh->d->label[ex])) continue;
                *loss += hn_rank_pair_grad(Z[j], Z[hard], example_weight(sh, ex), &gp, &gn);
                Gr[j] += gp;
                Gr[hard] += gn;
            }
        }
        if (o->ohem_keep < 1.0 && nneg > 0) {
            qsort(items, (size_t)nneg, sizeof *items, by_loss_desc);
            kneg = (int32_t)ceil(o->ohem_keep * nneg);
            for (j = kneg; j < nneg; j++) dt->keep[items[j].j] = 0;
        }
    }
}

static void det_free(det_train *dt)
{
    int32_t t;
    if (dt->kd) dt->sh->m->kind->det_end(dt->kd);
    if (dt->work)
        for (t = 0; t < dt->nparts; t++) free(dt->work[t]);
    free(dt->work);
    free(dt->xs);
    free(dt->rows);
    free(dt->roff);
    free(dt->Z);
    free(dt->G);
    free(dt->lr);
    free(dt->L);
    free(dt->W);
    free(dt->keep);
    free(dt->step);
    free(dt->items);
    free(dt->run);
}

static hn_status det_init(det_train *dt, train_shared *sh, hn_pool *pool)
{
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t B = m->kind->det_block(o), t;
    size_t no = (size_t)m->nout;
    memset(dt, 0, sizeof *dt);
    dt->sh = sh;
    dt->pool = pool;
    if (o->batch > 1) B = (B + o->batch - 1) / o->batch * o->batch; /* whole batches */
    dt->B = B;
    dt->nparts = hn_pool_threads(pool);
    dt->signal_now = !(o->batch > 1 || o->loss == HN_LOSS_RANK || o->ohem_keep < 1.0);
    dt->xs = malloc((size_t)B * sizeof *dt->xs);
    dt->roff = malloc(((size_t)B + 1) * sizeof *dt->roff);
    dt->Z = malloc((size_t)B * no * sizeof *dt->Z);
    dt->G = malloc((size_t)B * no * sizeof *dt->G);
    dt->lr = malloc((size_t)B * sizeof *dt->lr);
    dt->L = malloc((size_t)B * sizeof *dt->L);
    dt->W = malloc((size_t)B * sizeof *dt->W);
    dt->keep = malloc((size_t)B * sizeof *dt->keep);
    dt->step = malloc((size_t)B * sizeof *dt->step);
    dt->items = malloc((size_t)B * sizeof *dt->items);
    dt->run = malloc((size_t)B * sizeof *dt->run);
    dt->work = calloc((size_t)dt->nparts, sizeof *dt->work);
    if (!dt->xs || !dt->roff || !dt->Z || !dt->G || !dt->lr || !dt->L || !dt->W || !dt->keep || !dt->step ||
        !dt->items || !dt->run || !dt->work)
        return HN_ERR_NOMEM;
    for (t = 0; t < dt->nparts; t++)
        if (!(dt->work[t] = malloc((size_t)m->nclasses * sizeof **dt->work))) return HN_ERR_NOMEM;
    if (m->kind->det_begin(m, o, B, &dt->kd) != HN_OK) return HN_ERR_NOMEM;
    dt->blk.xs = dt->xs;
    dt->blk.roff = dt->roff;
    dt->blk.g = dt->G;
    dt->blk.keep = dt->keep;
    dt->blk.lr = dt->lr;
    dt->blk.step = dt->step;
    return HN_OK;
}

/* Step 3 for slots blk.from .. blk.to - 1: every phase, each on all parts. */
static void det_apply_phases(det_train *dt)
{
    int32_t ph;
    for (ph = 0; ph < dt->sh->m->kind->det_phases; ph++) {
        dt->phase = ph;
        hn_pool_start(dt->pool, dt->nparts, det_apply_task, dt);
        hn_pool_wait(dt->pool);
    }
}

/* One epoch of deterministic training over sh->order: *loss and *wsum as
 * the Hogwild slices report them; -1 when *stop was set, 0 otherwise, or
 * HN_ERR_NOMEM as a positive status. */
static int det_epoch(det_train *dt, double *loss, double *wsum)
{
    train_shared *sh = dt->sh;
    hn_model *m = sh->m;
    int64_t n = sh->d->n, b0;
    int32_t s;
    for (b0 = 0; b0 < n; b0 += dt->B) {
        int32_t bn = (int32_t)(n - b0 < dt->B ? n - b0 : dt->B), ntasks;
        dt->chunk = bn / (4 * dt->nparts) > 1 ? bn / (4 * dt->nparts) : 1; /* a few tasks a thread */
        ntasks = (bn + dt->chunk - 1) / dt->chunk;
        if (sh->stop && *sh->stop) return -1;
        dt->b0 = b0;
        dt->blk.n = bn;
        dt->roff[0] = 0;
        for (s = 0; s < bn; s++) {
            int64_t ex = sh->order[b0 + s], e = b0 + s;
            dt->roff[s + 1] = dt->roff[s] + (sh->d->off[ex + 1] - sh->d->off[ex]);
            dt->lr[s] = det_lr(sh, sh->epoch, e);
            dt->step[s] = (int64_t)(sh->epoch - 1) * n + e + 1;
        }
        if ((size_t)dt->roff[bn] > dt->rows_cap) {
            size_t cap = dt->rows_cap ? dt->rows_cap : 4096;
            int32_t *r;
            while (cap < (size_t)dt->roff[bn]) cap *= 2;
            if (!(r = realloc(dt->rows, cap * sizeof *r))) return HN_ERR_NOMEM;
            dt->rows = r;
            dt->rows_cap = cap;
        }
        dt->blk.rows = dt->rows;
        hn_pool_start(dt->pool, ntasks, det_forward_task, dt);
        hn_pool_wait(dt->pool);
        for (s = 0; s < bn; s++) { /* in block order: the same sums on any number of threads */
            *loss += dt->L[s];
            *wsum += dt->W[s];
        }
        dt->blk.from = 0;
        dt->blk.to = bn;
        if (!dt->signal_now) {
            det_batch_step(dt, loss);
            if (m->kind->det_refresh > 0) { /* runs of det_refresh kept slots, each refreshed first */
                int32_t from = 0;
                while (from < bn) {
                    int32_t nrun = 0, to = from;
                    while (to < bn && nrun < m->kind->det_refresh) {
                        if (dt->keep[to]) dt->run[nrun++] = to;
                        to++;
                    }
                    hn_pool_start(dt->pool, nrun, det_refresh_task, dt);
                    hn_pool_wait(dt->pool);
                    dt->blk.from = from;
                    dt->blk.to = to;
                    det_apply_phases(dt);
                    from = to;
                }
                continue;
            }
            hn_pool_start(dt->pool, ntasks, det_signal_task, dt);
            hn_pool_wait(dt->pool);
        }
        det_apply_phases(dt);
    }
    return 0;
}

hn_status hn_model_train(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw,
                         hn_epoch_fn on_epoch, void *user, volatile int *stop, hn_err *err)
{
    hn_status st = HN_OK;
    train_shared sh;
    det_train dt;
    train_job *jobs = NULL;
    hn_pool *pool = NULL;
    int64_t *order = NULL, i, n = d->n;
    int32_t ep, t, nt = o->threads;
    uint64_t rng = o->seed;
    if ((st = hn_train_opts_check(o, err)) != HN_OK) return st;
    if (o->solver == HN_SOLVER_DCD) return hn_dcd_train(m, d, o, cw, on_epoch, user, stop, err);
    if (hn_model_kind_of(m) != o->model)
        return hn_err_set(err, HN_ERR_ARG, "training options are for a %s model, the model is %s",
                          hn_model_kind_name(o->model), hn_model_kind_name(hn_model_kind_of(m)));
    if (n == 0) return hn_err_set(err, HN_ERR_ARG, "no training examples");
    if (o->loss == HN_LOSS_RANK && m->nclasses != 2)
        return hn_err_set(err, HN_ERR_ARG, "--loss rank needs a binary model (2 labels), got %d labels", (int)m->nclasses);
    if (o->negative_class >= m->nclasses) return hn_err_set(err, HN_ERR_ARG, "negative class out of range");
    for (i = 0; i < n; i++)
        if (d->label[i] < 0 || d->label[i] >= m->nclasses)
            return hn_err_set(err, HN_ERR_ARG, "example %lld: class %d out of range", (long long)i, (int)d->label[i]);
    if (nt > n) nt = (int32_t)n;
    memset(&sh, 0, sizeof sh);
    memset(&dt, 0, sizeof dt);
    if ((st = m->kind->train_begin(m, o, &sh.state, err)) != HN_OK) return st;
    sh.m = m;
    sh.d = d;
    sh.o = o;
    sh.cw = cw;
    sh.total_updates = (int64_t)o->epochs * n;
    sh.stop = stop;
    order = malloc((size_t)n * sizeof *order);
    sh.order = order;
    if (!o->deterministic) jobs = jobs_new(m, o, nt);
    if (!order || (!o->deterministic && !jobs) || hn_pool_create(o->deterministic ? o->threads : nt, &pool) != HN_OK ||
        (o->deterministic && det_init(&dt, &sh, pool) != HN_OK)) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for the training state");
        goto done;
    }
    for (i = 0; i < n; i++) order[i] = i;
    for (ep = 1; ep <= o->epochs; ep++) {
        double loss = 0, wsum = 0;
        struct timespec t0, t1;
        int stopped = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sh.epoch = ep;
        for (i = n - 1; i > 0; i--) { /* Fisher-Yates */
            int64_t j = (int64_t)hn_rng_below(&rng, (uint64_t)i + 1), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        if (o->deterministic) {
            int r = det_epoch(&dt, &loss, &wsum);
            if (r > 0) {
                st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for the training state");
                goto done;
            }
            stopped = r < 0;
        }
        for (t = 0; t < nt && !o->deterministic; t++) {
            jobs[t].sh = &sh;
            jobs[t].from = n * t / nt;
            jobs[t].to = n * (t + 1) / nt;
            jobs[t].done_before = (int64_t)(ep - 1) * n + jobs[t].from;
            jobs[t].loss = jobs[t].wsum = 0;
            jobs[t].stopped = 0;
            jobs[t].rng = o->seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(ep * 1000 + t + 1));
            jobs[t].nt = nt;
        }
        if (!o->deterministic) hn_pool_run(pool, nt, train_slice, jobs);
        for (t = 0; t < nt && !o->deterministic; t++) {
            loss += jobs[t].loss;
            wsum += jobs[t].wsum;
            if (jobs[t].stopped) stopped = 1;
        }
        if (stopped) {
            st = hn_err_set(err, HN_ERR_INTERRUPTED, "training interrupted in epoch %d", (int)ep);
            goto done;
        }
        loss = wsum > 0 ? loss / wsum : 0;
        if (!isfinite(loss)) {
            st = hn_err_set(err, HN_ERR_NUMERIC, "epoch %d: training loss is %s (try a smaller --lr)", (int)ep,
                            isnan(loss) ? "NaN" : "infinite");
            goto done;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (on_epoch && on_epoch(ep, loss, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9,
                                 user))
            break;
    }
done:
    if (dt.sh) det_free(&dt);
    hn_pool_free(pool);
    jobs_free(m, jobs, nt);
    m->kind->train_end(sh.state);
    free(order);
    return st;
}
