/* models.h - classifiers over hashed sparse features: linear and a small MLP
 *
 * models/ may include src/base and libm only; never tokenizer/ or mining/:
 * models see numbers (hn_svec), never text.
 *
 * A model maps a sparse vector x (bucket ids below 2^bits) to `nclasses`
 * probabilities. Kinds (hn_model_kind) share one type, one trainer, the
 * losses and the file section; what differs is a row of function pointers
 * in models/ (models_internal.h says how to add a kind):
 *   - linear: binary (nclasses == 2): one weight per feature, p(class 1) =
 *     sigmoid(w.x + b), class 1 is "the positive class"; multinomial
 *     (nclasses > 2): one row of `nclasses` weights per feature,
 *     softmax(W^T x + b);
 *   - mlp: x -> embedding bag h0 = sum_i v_i E[b_i] / sum_i |v_i| -> one or
 *     two hidden ReLU layers (dropout while training) -> nout margins ->
 *     sigmoid / softmax (see mlp.c).
 * Rows (weights or embeddings) exist only for buckets seen in training: an
 * open-addressing table (capacity about 2x the rows) points each seen
 * bucket at a contiguous row; unseen buckets contribute nothing.
 *
 * Training data is one contiguous store (hn_dataset, dataset.c): offsets
 * plus one index/value array, grown geometrically; never one allocation
 * per example.
 *
 * Losses (loss.c, gradients written out there): log loss (sigmoid /
 * softmax cross-entropy), focal loss (gamma, alpha), hinge (binary:
 * max(0, 1 - y z); multinomial: Crammer-Singer), and a pairwise ranking
 * loss. Online hard example mining: with ohem_keep < 1 the trainer
 * (train.c) works in mini-batches of `batch` examples and updates with
 * every positive and only the top ohem_keep fraction of negatives by loss.
 * Optimizers: AdaGrad (default) or SGD with a linearly decaying rate; Adam
 * for the MLP. L2 is applied to the weights an example touches (lazy, as
 * in fastText and Vowpal Wabbit); L1 is a proximal step after each update.
 * Threads: Hogwild (lock-free updates of shared weights); with threads == 1
 * training is bit-for-bit reproducible for a given seed. With
 * `deterministic` set the trainer works in synchronous blocks instead
 * (train.c): the model is the same for a given seed whatever the number
 * of threads, 1 included (and differs from the plain threads == 1 run).
 * The batch solver (dcd) gives the same model whatever the threads anyway.
 *
 * Example:
 *
 *     hn_train_opts o; hn_model *m; hn_err err; float p[2];
 *     hn_train_opts_default(&o);                  // linear, AdaGrad, 5 epochs
 *     if (hn_model_create(&o, 2, 20, &data, &m, &err) != HN_OK) fail(err.msg);
 *     if (hn_model_train(m, &data, &o, NULL, NULL, NULL, NULL, &err) != HN_OK) fail(err.msg);
 *     hn_model_predict(m, &x, p);                 // p[1] = P(positive)
 *     hn_model_free(m);
 */
#ifndef HN_MODELS_H
#define HN_MODELS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"
#include "src/base/svec.h"

/* ---- training data ----------------------------------------------------- */

typedef struct hn_dataset {
    int64_t n;          /* examples */
    int64_t *off;       /* n + 1 offsets into idx/val (owned) */
    uint32_t *idx;      /* owned */
    float *val;         /* owned */
    int32_t *label;     /* n class ids (owned); the first label of a multi-label line */
    float *weight;      /* n example weights (owned) */
    int64_t cap_ex, cap_nz;
} hn_dataset;

void hn_dataset_init(hn_dataset *d);
/* Append one example (copies x). HN_ERR_NOMEM on failure (d unchanged). */
hn_status hn_dataset_add(hn_dataset *d, const hn_svec *x, int32_t label, float weight);
/* Example i as a borrowed hn_svec (valid until the next add or free). */
hn_svec hn_dataset_get(const hn_dataset *d, int64_t i);
void hn_dataset_free(hn_dataset *d);

/* ---- options ----------------------------------------------------------- */

typedef enum hn_loss {
    HN_LOSS_LOG,
    HN_LOSS_FOCAL,
    HN_LOSS_HINGE,
    HN_LOSS_RANK,   /* log loss + pairwise: each positive vs. the hardest negative of its batch (binary) */
    HN_LOSS_SQHINGE, /* squared hinge: max(0, 1 - y z)^2 (the L2-loss SVM) */
    HN_LOSS_COUNT
} hn_loss;

/* How the linear model is trained. */
typedef enum hn_solver_kind {
    HN_SOLVER_SGD,  /* online: shuffled epochs of per-example steps (--optim adagrad, sgd, adam) */
    HN_SOLVER_DCD,  /* dual coordinate descent to convergence (LIBLINEAR-style), one-vs-rest,
                       L2-regularized log, hinge or squared hinge loss; linear model only */
    HN_SOLVER_COUNT
} hn_solver_kind;

typedef enum hn_optim {
    HN_OPTIM_ADAGRAD,
    HN_OPTIM_SGD,
    HN_OPTIM_ADAM,        /* MLP only (lazy on embedding rows) */
    HN_OPTIM_COUNT
} hn_optim;

#define HN_MLP_MAX_DIM 1024   /* largest MLP dim and hidden width */

typedef enum hn_model_kind {
    HN_MODEL_LINEAR,
    HN_MODEL_MLP,
    HN_MODEL_KIND_COUNT
} hn_model_kind;

typedef struct hn_train_opts {
    int32_t epochs;       /* passes over the data [5] */
    double lr;            /* learning rate [0.5; the CLI uses 0.1 for an MLP, 0.001 with Adam] */
    double l2;            /* L2 strength per update of a touched weight [1e-6] */
    double l1;            /* L1 soft threshold per update [0] */
    hn_optim optim;
    hn_loss loss;
    double focal_gamma;   /* [2] */
    double focal_alpha;   /* weight of the positive class in binary focal loss [0.25] */
    uint64_t seed;        /* shuffling, MLP initialization and dropout [1] */
    int32_t threads;      /* [1] */
    int32_t batch;        /* mini-batch size for OHEM and the ranking loss [1] */
    double ohem_keep;     /* OHEM: per batch keep every positive and this top
                             fraction of the negatives by loss [1 = off] */
    int32_t negative_class; /* the negative class for OHEM / ranking; -1: class 0
                               of a binary model, every example otherwise [-1] */
    /* MLP shape and regularization (ignored by the linear model) */
    hn_model_kind model;  /* [linear] */
    int32_t dim;          /* embedding width [100] */
    int32_t hidden[2];    /* hidden widths; hidden[1] = 0: one hidden layer [256, 0] */
    double dropout;       /* on the hidden layers while training [0.5] */
    /* The batch solver (solver == HN_SOLVER_DCD; see dcd.c): minimizes, for
     * each class k against the rest, 1/2 |w_k|^2 + C sum_i c_i loss(y_ik w_k.x_i)
     * with x_i extended by a constant bias feature, c_i the example's weight
     * times its class weight. lr, l2, l1, optim and epochs do not apply. */
    hn_solver_kind solver; /* [sgd] */
    double C;             /* regularization: larger C, less regularization [1] */
    double tol;           /* stop when the largest KKT violation of a pass is below tol;
                             0: 0.1 for squared hinge, 0.001 for hinge and log [0] */
    int32_t max_passes;   /* most passes over the data per class [1000] */
    double bias_feature;  /* value of the constant feature that carries the (regularized)
                             bias, as LIBLINEAR's -B and scikit-learn's intercept_scaling [1] */
    int32_t deterministic; /* sgd: 1 = synchronous blocks, the same model for a seed whatever
                              the threads (train.c); 0 = Hogwild when threads > 1 [0] */
} hn_train_opts;

void hn_train_opts_default(hn_train_opts *o);
/* Ranges: epochs 1..10000, lr finite > 0, l2/l1 finite >= 0, gamma >= 0,
 * alpha in (0,1), threads 1..256, then the kind's own checks (MLP: dim and
 * hidden 1..HN_MLP_MAX_DIM, dropout 0..0.99, no l1; adam only for the
 * MLP). HN_ERR_ARG naming the option. */
hn_status hn_train_opts_check(const hn_train_opts *o, hn_err *err);
/* The kind's own checks of o (part of hn_train_opts_check). */
hn_status hn_model_kind_check(const hn_train_opts *o, hn_err *err);
const char *hn_loss_name(hn_loss l);
hn_status hn_loss_parse(const char *s, hn_loss *out);
const char *hn_optim_name(hn_optim o);
hn_status hn_optim_parse(const char *s, hn_optim *out);
const char *hn_solver_name(hn_solver_kind s);
hn_status hn_solver_parse(const char *s, hn_solver_kind *out);
const char *hn_model_kind_name(hn_model_kind k);
hn_status hn_model_kind_parse(const char *s, hn_model_kind *out);

/* ---- the model --------------------------------------------------------- */

typedef struct hn_model hn_model;

/* A model of kind o->model for `nclasses` (>= 2) over 2^bits buckets,
 * with rows for exactly the buckets that occur in `d` (may be NULL: no
 * rows yet), initialized from o (shape, seed; o may be NULL: a linear
 * model with zero weights). Owned: hn_model_free. */
hn_status hn_model_create(const hn_train_opts *o, int32_t nclasses, int32_t bits, const hn_dataset *d, hn_model **out,
                          hn_err *err);
void hn_model_free(hn_model *m);                /* NULL is a no-op */
hn_model *hn_model_clone(const hn_model *m);  /* NULL on out of memory */
/* Warm start: a model of old's kind and shape for `nclasses` (>= old's;
 * the new classes come last) with old's rows first, at the same row ids,
 * then rows for the buckets of `d` that old has not seen. Old's
 * parameters are copied; new rows start as o's init makes them (linear:
 * zero; MLP: small random embeddings, from o->seed) and the new classes'
 * output weights and biases at zero. o->model must be old's kind, and for
 * an MLP o->dim and o->hidden its shape. A binary model (one margin)
 * cannot grow into a multinomial one (HN_ERR_ARG, as for a kind or shape
 * mismatch). Owned: hn_model_free. */
hn_status hn_model_grow(const hn_model *old, const hn_train_opts *o, int32_t nclasses, const hn_dataset *d,
                        hn_model **out, hn_err *err);
/* Copy weights of `src` into `dst` (same kind and shape: a clone of it). */
void hn_model_copy_weights(hn_model *dst, const hn_model *src);

int32_t hn_model_nclasses(const hn_model *m);
int32_t hn_model_bits(const hn_model *m);
int64_t hn_model_rows(const hn_model *m);
hn_model_kind hn_model_kind_of(const hn_model *m);
/* MLP shape: dim and hidden widths (0 for a linear model / absent layer). */
void hn_model_shape(const hn_model *m, int32_t *dim, int32_t hidden[2]);
/* Number of trained parameters (weights and biases). */
int64_t hn_model_params(const hn_model *m);

/* Probabilities of every class into p[nclasses]. Never fails and never
 * allocates; thread-safe (reads the model only). */
void hn_model_predict(const hn_model *m, const hn_svec *x, float *p);

/* Raw margins: binary: z[0] = w.x + b; multinomial: z[k] for every class. */
void hn_model_margins(const hn_model *m, const hn_svec *x, float *z);

/* Per-epoch callback: return non-zero to stop early (the model keeps its
 * current weights). `loss` is the mean weighted training loss. */
typedef int (*hn_epoch_fn)(int32_t epoch, double loss, double seconds, void *user);

/* Train on `d` for o->epochs epochs (warm start from the current weights).
 * `cw`: per-class weights (NULL = 1). A non-finite loss stops with
 * HN_ERR_NUMERIC naming the epoch. `stop` (may be NULL) is polled between
 * examples; when it becomes non-zero training returns HN_ERR_INTERRUPTED. */
hn_status hn_model_train(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw,
                         hn_epoch_fn on_epoch, void *user, volatile int *stop, hn_err *err);

/* Gradient of the loss with respect to the margins z (nout of them): g[nout]
 * = dL/dz for true class t, times the weight cw_t; returns the weighted
 * loss. `work` holds nclasses doubles for the softmax of a multinomial
 * model (unused, may be NULL, when nclasses == 2). Never allocates. */
double hn_loss_grad(hn_loss loss, const hn_train_opts *o, int32_t nclasses, const float *z, int32_t t,
                    float cw_t, float *g, double *work);

/* Pairwise ranking term for a positive margin zp against a negative zn,
 * weight w: returns w log(1 + exp(-(zp - zn))), gradients into gp, gn. */
double hn_rank_pair_grad(float zp, float zn, float w, float *gp, float *gn);

/* ---- the batch solver (--solver dcd, linear model) --------------------------
 * hn_model_train with o->solver == HN_SOLVER_DCD runs it once at o->C. To
 * walk a regularization path, keep one solver: each run starts from the
 * previous one's dual variables (warm start), so a path of several C
 * costs little more than its largest C. */
typedef struct hn_dcd hn_dcd;

typedef struct hn_dcd_stats {
    int32_t passes;         /* most passes any problem needed */
    int32_t not_converged;  /* problems stopped by max_passes before tol */
    int32_t converged, interrupted, nomem;   /* (one problem's flags) */
    double primal, dual;    /* objectives summed over the problems; primal - dual >= 0 */
    double violation;       /* largest KKT violation of the last pass */
    double scale;           /* temperature folded into the weights (see dcd.c) */
    double seconds;
} hn_dcd_stats;

/* A solver for linear model m (rows for d's buckets) on d with options o
 * (o->solver must be HN_SOLVER_DCD; o->threads problems at a time; cw:
 * per-class weights or NULL). d and m must outlive it. Owned: hn_dcd_free. */
hn_status hn_dcd_create(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw, hn_dcd **out,
                        hn_err *err);
/* Solve at regularization C (warm-started from the previous run) and write
 * the weights into the model. HN_ERR_INTERRUPTED when *stop became set,
 * HN_ERR_NUMERIC for a non-finite weight. A problem that reaches
 * max_passes first is logged as a warning and counted in st->not_converged. */
hn_status hn_dcd_run(hn_dcd *s, double C, volatile int *stop, hn_dcd_stats *st, hn_err *err);
void hn_dcd_free(hn_dcd *s);

/* Warm start toward a model (train --init): regularize toward the weights
 * m holds now, w0, instead of toward 0, minimizing 1/2 |w - w0|^2 + C sum
 * loss (dcd.c says why the solver is otherwise the same). Call before the
 * first hn_dcd_run. HN_ERR_NOMEM, HN_ERR_ARG after a run. */
hn_status hn_dcd_anchor(hn_dcd *s, hn_err *err);

/* The dual variables of a solve (K problems x n examples), kept to
 * warm-start a later solve on a grown set of examples (mine
 * --warm-start). All arrays owned: hn_dcd_duals_free. */
typedef struct hn_dcd_duals {
    int64_t n;
    int32_t K;
    hn_loss loss;
    double C;             /* the C they were solved at */
    double scale;         /* the temperature fitted then (the next fit starts from it) */
    double *alpha, *alpha2, *cost;   /* K * n; log loss only (else NULL); n: c_i */
} hn_dcd_duals;

/* Copy the dual variables of s's last run into *out (freed first; zeroed
 * is empty). HN_ERR_ARG before any run, HN_ERR_NOMEM. */
hn_status hn_dcd_duals_get(const hn_dcd *s, hn_dcd_duals *out, hn_err *err);
void hn_dcd_duals_free(hn_dcd_duals *dd);   /* frees the arrays, zeroes *dd; NULL is a no-op */
/* Start s (before its first run) from earlier duals: example i takes the
 * a of dd's example map[i] (scaled by the ratio of their costs c_i), or
 * starts at 0 (log loss: the cold run's interior start) when map[i] < 0
 * or map is NULL; w is rebuilt from them (plus the anchor, if set). The
 * problem is unchanged, so the optimum is the cold run's; fewer passes
 * reach it when dd came from a similar problem (the temperature's fit
 * starts from dd's, too). HN_ERR_ARG when dd's
 * problems or loss differ from s's. */
hn_status hn_dcd_warm(hn_dcd *s, const hn_dcd_duals *dd, const int64_t *map, hn_err *err);

/* Serialize: a small text header then little-endian binary rows. */
hn_status hn_model_write(const hn_model *m, FILE *f, hn_err *err);
/* The number of bytes hn_model_write writes, without writing them (so a
 * container can stream the section after its length). HN_ERR_NOMEM. */
hn_status hn_model_write_size(const hn_model *m, uint64_t *bytes);
/* Parse from memory (a section of a model file). */
hn_status hn_model_read(const unsigned char *buf, size_t len, hn_model **out, hn_err *err);

#endif /* HN_MODELS_H */
