/* test_mlp.c - the embedding-bag MLP: backward pass vs. finite differences,
 * dropout only while training, learning, threads, the file section */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models_internal.h"
#include "src/base/rng.h"
#include "tests/test_helpers.h"

/* softmax work array for hn_loss_grad (tests use at most a few classes) */
static double loss_work[1024];

/* A small random dataset over `nb` buckets, `n` examples of up to 6 features. */
static void random_data(hn_dataset *d, int32_t nclasses, int32_t n, uint32_t nb, uint64_t seed)
{
    uint64_t rng = seed;
    int32_t i, j;
    hn_dataset_init(d);
    for (i = 0; i < n; i++) {
        uint32_t idx[6];
        float val[6];
        hn_svec x;
        x.n = 1 + (int32_t)hn_rng_below(&rng, 6);
        for (j = 0; j < x.n; j++) {
            idx[j] = (uint32_t)hn_rng_below(&rng, nb) * 7u + (uint32_t)j * 100000u; /* distinct within the line */
            val[j] = (float)(0.2 + hn_rng_uniform(&rng));
        }
        x.idx = idx;
        x.val = val;
        assert_int_equal(hn_dataset_add(d, &x, (int32_t)hn_rng_below(&rng, (uint64_t)nclasses), 1.0f), HN_OK);
    }
}

static hn_model *make_mlp(const hn_dataset *d, int32_t nclasses, int32_t dim, int32_t h1, int32_t h2, uint64_t seed)
{
    hn_train_opts o;
    hn_model *m = NULL;
    hn_err err;
    hn_train_opts_default(&o);
    o.model = HN_MODEL_MLP;
    o.dim = dim;
    o.hidden[0] = h1;
    o.hidden[1] = h2;
    o.seed = seed;
    assert_int_equal(hn_model_create(&o, nclasses, 20, d, &m, &err), HN_OK);
    return m;
}

/* Loss of example x (class t, weight 1.3) with the dropout mask drawn from `seed`. */
static double loss_at(const hn_model *m, const hn_train_opts *o, const hn_svec *x, int32_t t, uint64_t seed)
{
    float act[4096], z[16], g[16];
    uint64_t rng = seed;
    hn_mlp_forward(m, x, act, (float)o->dropout, &rng, z);
    return hn_loss_grad(o->loss, o, hn_model_nclasses(m), z, t, 1.3f, g, loss_work);
}

/* Every parameter of every layer (embedding rows included) against central
 * finite differences. The analytic gradient is read off one SGD step with
 * rate 1 and no L2: w_after = w_before - dL/dw. Points next to a kink (ReLU
 * or hinge) are skipped — detected by one-sided differences that disagree —
 * and at most a tenth may be. */
static void check_mlp_grad(hn_loss loss, int32_t nclasses, int32_t h2, double dropout)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    int32_t ex, checked = 0, skipped = 0;
    random_data(&d, nclasses, 12, 5, 7);
    m = make_mlp(&d, nclasses, 6, 5, h2, 3);
    hn_train_opts_default(&o);
    o.model = HN_MODEL_MLP;
    o.optim = HN_OPTIM_SGD;
    o.l2 = 0;
    o.loss = loss;
    o.focal_gamma = 2;
    o.focal_alpha = 0.3;
    o.dropout = dropout;
    for (ex = 0; ex < 4; ex++) {
        hn_svec x = hn_dataset_get(&d, ex);
        int32_t t = d.label[ex], part;
        uint64_t seed = 1000 + (uint64_t)ex;
        float act[4096], scratch[4096], z[16], g[16];
        size_t np, ne, i;
        float *P = hn_mlp_params(m, &np), *E = hn_mlp_embeddings(m, &ne);
        float *P0 = malloc(np * sizeof *P0), *E0 = malloc(ne * sizeof *E0);
        float *P1 = malloc(np * sizeof *P1), *E1 = malloc(ne * sizeof *E1);
        uint64_t rng = seed;
        assert_non_null(P0);
        assert_non_null(E0);
        assert_non_null(P1);
        assert_non_null(E1);
        assert_true(hn_mlp_act_size(m) <= 4096);
        memcpy(P0, P, np * sizeof *P);
        memcpy(E0, E, ne * sizeof *E);
        hn_mlp_forward(m, &x, act, (float)dropout, &rng, z);
        hn_loss_grad(loss, &o, nclasses, z, t, 1.3f, g, loss_work);
        hn_mlp_backward(m, NULL, &o, &x, act, g, 1.0f, 1, scratch);
        memcpy(P1, P, np * sizeof *P);
        memcpy(E1, E, ne * sizeof *E);
        memcpy(P, P0, np * sizeof *P);
        memcpy(E, E0, ne * sizeof *E);
        for (part = 0; part < 2; part++) {
            float *w = part ? E : P, *w0 = part ? E0 : P0, *w1 = part ? E1 : P1;
            size_t n = part ? ne : np;
            for (i = 0; i < n; i++) {
                double h = 2e-3, lp, lm, l0, num, ana = (double)w0[i] - w1[i];
                if (part && ana == 0.0) continue; /* an embedding row this example does not touch */
                w[i] = w0[i] + (float)h;
                lp = loss_at(m, &o, &x, t, seed);
                w[i] = w0[i] - (float)h;
                lm = loss_at(m, &o, &x, t, seed);
                w[i] = w0[i];
                l0 = loss_at(m, &o, &x, t, seed);
                num = (lp - lm) / (2 * h);
                if (fabs((lp - l0) - (l0 - lm)) > 1e-3 * (fabs(lp - l0) + fabs(l0 - lm)) + 1e-5) {
                    skipped++;
                    continue;
                }
                checked++;
                if (fabs(num - ana) > 5e-4 + 3e-3 * fabs(num)) {
                    print_error("loss %s classes %d h2 %d dropout %.2f ex %d %s[%zu]: numeric %.6f analytic %.6f\n",
                                hn_loss_name(loss), nclasses, h2, dropout, ex, part ? "E" : "P", i, num, ana);
                    fail();
                }
            }
        }
        free(P0);
        free(E0);
        free(P1);
        free(E1);
    }
    assert_true(checked > 100);
    assert_true(skipped * 10 <= checked);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_backward_matches_finite_differences_log_loss(void **state)
{
    (void)state;
    check_mlp_grad(HN_LOSS_LOG, 2, 0, 0);
    check_mlp_grad(HN_LOSS_LOG, 5, 0, 0);
    check_mlp_grad(HN_LOSS_LOG, 5, 4, 0);
    check_mlp_grad(HN_LOSS_LOG, 2, 4, 0);
}

static void test_backward_matches_finite_differences_focal_and_hinge(void **state)
{
    (void)state;
    check_mlp_grad(HN_LOSS_FOCAL, 2, 4, 0);
    check_mlp_grad(HN_LOSS_FOCAL, 5, 0, 0);
    check_mlp_grad(HN_LOSS_HINGE, 2, 0, 0);
    check_mlp_grad(HN_LOSS_HINGE, 5, 4, 0);
}

static void test_backward_matches_finite_differences_with_dropout(void **state)
{
    (void)state;
    check_mlp_grad(HN_LOSS_LOG, 5, 0, 0.3);
    check_mlp_grad(HN_LOSS_LOG, 5, 4, 0.3);
    check_mlp_grad(HN_LOSS_FOCAL, 2, 4, 0.5);
}

/* Dropout acts in training only: the forward pass with dropout changes the
 * margins, prediction never draws a mask (same answer every call, equal to
 * the forward pass with dropout 0). */
static void test_dropout_is_off_at_prediction(void **state)
{
    hn_dataset d;
    hn_model *m;
    int32_t ex, differ = 0, k;
    (void)state;
    random_data(&d, 4, 20, 6, 11);
    m = make_mlp(&d, 4, 8, 16, 0, 5);
    for (ex = 0; ex < 20; ex++) {
        hn_svec x = hn_dataset_get(&d, ex);
        float act[4096], z0[4], zd[4], zm[4], p1[4], p2[4];
        uint64_t rng = 99 + (uint64_t)ex;
        hn_mlp_forward(m, &x, act, 0.0f, &rng, z0);
        hn_mlp_forward(m, &x, act, 0.5f, &rng, zd);
        hn_model_margins(m, &x, zm);
        hn_model_predict(m, &x, p1);
        hn_model_predict(m, &x, p2);
        for (k = 0; k < 4; k++) {
            assert_true(z0[k] == zm[k]);
            assert_true(p1[k] == p2[k]);
            if (z0[k] != zd[k]) differ = 1;
        }
    }
    assert_true(differ);
    hn_model_free(m);
    hn_dataset_free(&d);
}

/* Class = which of 4 "topic" bucket groups the words come from, with a
 * shared noise bucket: an MLP with each optimizer fits it. */
static void topic_data(hn_dataset *d, int32_t n, uint64_t seed)
{
    uint64_t rng = seed;
    int32_t i, j;
    hn_dataset_init(d);
    for (i = 0; i < n; i++) {
        int32_t c = (int32_t)hn_rng_below(&rng, 4);
        uint32_t idx[4];
        float val[4] = {0.5f, 0.5f, 0.5f, 0.5f};
        hn_svec x;
        for (j = 0; j < 3; j++) idx[j] = (uint32_t)(c * 50 + (int32_t)hn_rng_below(&rng, 50)) * 4u + (uint32_t)j;
        idx[3] = 999999;
        x.n = 4;
        x.idx = idx;
        x.val = val;
        assert_int_equal(hn_dataset_add(d, &x, c, 1.0f), HN_OK);
    }
}

static double train_accuracy(const hn_model *m, const hn_dataset *d)
{
    int64_t i, right = 0;
    for (i = 0; i < d->n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        float p[4];
        int32_t k, best = 0;
        hn_model_predict(m, &x, p);
        for (k = 1; k < 4; k++)
            if (p[k] > p[best]) best = k;
        right += best == d->label[i];
    }
    return (double)right / (double)d->n;
}

static void test_every_optimizer_learns_a_topic_problem(void **state)
{
    hn_optim opt[3] = {HN_OPTIM_ADAGRAD, HN_OPTIM_SGD, HN_OPTIM_ADAM};
    double lr[3] = {0.2, 0.5, 0.01};
    int32_t i;
    hn_dataset d;
    (void)state;
    topic_data(&d, 2000, 3);
    for (i = 0; i < 3; i++) {
        hn_train_opts o;
        hn_model *m = NULL;
        hn_err err;
        hn_train_opts_default(&o);
        o.model = HN_MODEL_MLP;
        o.dim = 16;
        o.hidden[0] = 16;
        o.hidden[1] = i == 2 ? 8 : 0;
        o.optim = opt[i];
        o.lr = lr[i];
        o.epochs = 5;
        o.dropout = i == 0 ? 0.2 : 0;
        assert_int_equal(hn_model_create(&o, 4, 20, &d, &m, &err), HN_OK);
        assert_true(train_accuracy(m, &d) < 0.6);
        assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
        if (train_accuracy(m, &d) < 0.99) {
            print_error("optimizer %s: training accuracy %.3f\n", hn_optim_name(opt[i]), train_accuracy(m, &d));
            fail();
        }
        hn_model_free(m);
    }
    hn_dataset_free(&d);
}

static hn_model *train_topic(const hn_dataset *d, int32_t threads, hn_optim optim, double dropout, int32_t batch,
                             double ohem, int32_t epochs)
{
    hn_train_opts o;
    hn_model *m = NULL;
    hn_err err;
    hn_train_opts_default(&o);
    o.model = HN_MODEL_MLP;
    o.dim = 16;
    o.hidden[0] = 16;
    o.hidden[1] = 8;
    o.optim = optim;
    o.lr = optim == HN_OPTIM_ADAM ? 0.01 : 0.1; /* the CLI's MLP default; 0.2 kills all ReLU units of the 8-wide layer for 2 seeds in 30 */
    o.epochs = epochs;
    o.threads = threads;
    o.dropout = dropout;
    o.batch = batch;
    o.ohem_keep = ohem;
    assert_int_equal(hn_model_create(&o, 4, 20, d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    return m;
}

static unsigned char *model_bytes(const hn_model *m, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    hn_err err;
    assert_non_null(f);
    assert_int_equal(hn_model_write(m, f, &err), HN_OK);
    fclose(f);
    return (unsigned char *)buf;
}

static void test_one_thread_training_is_reproducible_and_threads_learn(void **state)
{
    hn_dataset d;
    size_t la, lb;
    unsigned char *a, *b;
    hn_model *m1, *m2, *mt;
    (void)state;
    topic_data(&d, 1500, 9);
    m1 = train_topic(&d, 1, HN_OPTIM_ADAM, 0.1, 1, 1.0, 3);
    m2 = train_topic(&d, 1, HN_OPTIM_ADAM, 0.1, 1, 1.0, 3);
    a = model_bytes(m1, &la);
    b = model_bytes(m2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    mt = train_topic(&d, 3, HN_OPTIM_ADAGRAD, 0.1, 1, 1.0, 8);
    if (train_accuracy(mt, &d) <= 0.98) print_error("threads: accuracy %.3f\n", train_accuracy(mt, &d));
    assert_true(train_accuracy(mt, &d) > 0.98);
    free(a);
    free(b);
    hn_model_free(m1);
    hn_model_free(m2);
    hn_model_free(mt);
    hn_dataset_free(&d);
}

/* train_topic with --deterministic at `threads` threads: the model bytes. */
static unsigned char *det_topic_bytes(const hn_dataset *d, int32_t threads, hn_optim optim, double lr, double dropout,
                                      int32_t h2, int32_t batch, double ohem, size_t *len, double *acc)
{
    hn_train_opts o;
    hn_model *m = NULL;
    hn_err err;
    unsigned char *b;
    hn_train_opts_default(&o);
    o.model = HN_MODEL_MLP;
    o.dim = 16;
    o.hidden[0] = 16;
    o.hidden[1] = h2;
    o.optim = optim;
    o.lr = lr;
    o.epochs = 6;
    o.threads = threads;
    o.dropout = dropout;
    o.batch = batch;
    o.ohem_keep = ohem;
    o.deterministic = 1;
    o.l2 = optim == HN_OPTIM_SGD ? 1e-4 : 0; /* both branches of the weight steps */
    assert_int_equal(hn_model_create(&o, 4, 20, d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    b = model_bytes(m, len);
    if (acc) *acc = train_accuracy(m, d);
    hn_model_free(m);
    return b;
}

/* --deterministic: the MLP's bytes are the same on 1, 2 and 3 threads for
 * every optimizer, dropout, one or two hidden layers and OHEM batches, and
 * it still learns the topic problem. */
static void test_deterministic_mlp_is_the_same_on_any_number_of_threads(void **state)
{
    static const struct { hn_optim optim; double lr, dropout; int32_t h2, batch; double ohem; } cfg[] = {
        {HN_OPTIM_ADAGRAD, 0.1, 0.2, 0, 1, 1.0},
        {HN_OPTIM_ADAGRAD, 0.1, 0.0, 8, 16, 0.5},
        {HN_OPTIM_SGD, 0.5, 0.1, 0, 1, 1.0},
        {HN_OPTIM_ADAM, 0.01, 0.1, 8, 1, 1.0},
    };
    hn_dataset d;
    size_t c;
    (void)state;
    topic_data(&d, 1500, 21);
    for (c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        size_t lref, l;
        double acc;
        int32_t t;
        unsigned char *ref = det_topic_bytes(&d, 1, cfg[c].optim, cfg[c].lr, cfg[c].dropout, cfg[c].h2, cfg[c].batch,
                                             cfg[c].ohem, &lref, &acc);
        if (acc <= 0.98) {
            print_error("config %zu: training accuracy %.3f\n", c, acc);
            fail();
        }
        for (t = 2; t <= 3; t++) {
            unsigned char *b = det_topic_bytes(&d, t, cfg[c].optim, cfg[c].lr, cfg[c].dropout, cfg[c].h2, cfg[c].batch,
                                               cfg[c].ohem, &l, NULL);
            if (l != lref || memcmp(b, ref, l) != 0) {
                print_error("config %zu: %d threads differ from 1\n", c, (int)t);
                fail();
            }
            free(b);
        }
        free(ref);
    }
    hn_dataset_free(&d);
}

static void test_ohem_batches_train_the_mlp(void **state)
{
    hn_dataset d;
    hn_model *m;
    (void)state;
    topic_data(&d, 1500, 13);
    m = train_topic(&d, 1, HN_OPTIM_ADAGRAD, 0, 16, 0.5, 10);
    if (train_accuracy(m, &d) <= 0.98) print_error("accuracy %.3f\n", train_accuracy(m, &d));
    assert_true(train_accuracy(m, &d) > 0.98);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_save_load_round_trip_and_damage(void **state)
{
    hn_dataset d;
    hn_model *m, *r = NULL, *c;
    size_t len, cut;
    unsigned char *buf;
    hn_err err;
    int64_t i;
    (void)state;
    topic_data(&d, 500, 17);
    m = train_topic(&d, 1, HN_OPTIM_ADAGRAD, 0, 1, 1.0, 3);
    buf = model_bytes(m, &len);
    assert_int_equal(hn_model_read(buf, len, &r, &err), HN_OK);
    assert_int_equal(hn_model_kind_of(r), HN_MODEL_MLP);
    c = hn_model_clone(m);
    assert_non_null(c);
    for (i = 0; i < d.n; i++) {
        hn_svec x = hn_dataset_get(&d, i);
        float p[4], q[4], s[4];
        hn_model_predict(m, &x, p);
        hn_model_predict(r, &x, q);
        hn_model_predict(c, &x, s);
        assert_memory_equal(p, q, sizeof p);
        assert_memory_equal(p, s, sizeof p);
    }
    {
        int32_t dim, hid[2];
        hn_model_shape(r, &dim, hid);
        assert_int_equal(dim, 16);
        assert_int_equal(hid[0], 16);
        assert_int_equal(hid[1], 8);
        assert_int_equal(hn_model_params(r), hn_model_rows(r) * 16 + (16 * 16 + 16) + (16 * 8 + 8) + (8 * 4 + 4));
    }
    hn_model_free(r);
    for (cut = 0; cut < len; cut += 13) { /* truncation anywhere is an error, never a crash */
        r = NULL;
        assert_int_not_equal(hn_model_read(buf, cut, &r, &err), HN_OK);
        assert_null(r);
    }
    { /* a non-finite weight is refused */
        unsigned char *bad = malloc(len);
        unsigned char *hdr_end = NULL;
        size_t k;
        assert_non_null(bad);
        memcpy(bad, buf, len);
        for (k = 0; k + 1 < len; k++)
            if (bad[k] == '\n' && bad[k + 1] == '\n') {
                hdr_end = bad + k + 2;
                break;
            }
        assert_non_null(hdr_end);
        memcpy(hdr_end, "\x00\x00\xc0\x7f", 4); /* NaN */
        assert_int_equal(hn_model_read(bad, len, &r, &err), HN_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "non-finite"));
        free(bad);
    }
    { /* a header promising huge shapes is refused for its size before
       * anything is allocated (not an out-of-memory error) */
        static const char huge[] = "mlp 1\nclasses 1000000\nbits 30\nrows 1073741824\ndim 1024\nhidden 1024 1024\n\n1234";
        assert_int_equal(hn_model_read((const unsigned char *)huge, sizeof huge - 1, &r, &err), HN_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "bytes of MLP weights"));
    }
    free(buf);
    hn_model_free(m);
    hn_model_free(c);
    hn_dataset_free(&d);
}

static void test_bad_mlp_options_are_rejected_with_the_option_name(void **state)
{
    hn_train_opts o;
    hn_err err;
    (void)state;
    hn_train_opts_default(&o);
    o.optim = HN_OPTIM_ADAM;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--optim adam"));
    o.model = HN_MODEL_MLP;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_OK);
    o.dim = 0;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--dim"));
    o.dim = 8;
    o.hidden[0] = HN_MLP_MAX_DIM + 1;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--hidden"));
    o.hidden[0] = 8;
    o.dropout = 1;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--dropout"));
    o.dropout = 0;
    o.l1 = 0.1;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--l1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backward_matches_finite_differences_log_loss),
        cmocka_unit_test(test_backward_matches_finite_differences_focal_and_hinge),
        cmocka_unit_test(test_backward_matches_finite_differences_with_dropout),
        cmocka_unit_test(test_dropout_is_off_at_prediction),
        cmocka_unit_test(test_every_optimizer_learns_a_topic_problem),
        cmocka_unit_test(test_one_thread_training_is_reproducible_and_threads_learn),
        cmocka_unit_test(test_deterministic_mlp_is_the_same_on_any_number_of_threads),
        cmocka_unit_test(test_ohem_batches_train_the_mlp),
        cmocka_unit_test(test_save_load_round_trip_and_damage),
        cmocka_unit_test(test_bad_mlp_options_are_rejected_with_the_option_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
