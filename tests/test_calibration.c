/* test_calibration.c - calibration figures and maps (src/eval/calibration.h),
 * the classifier's calibration driver (src/core/calibration.h), the n-gram
 * side table (src/core/ngrams.h) and the decomposition `explain` relies on
 *
 * Figures are checked against values computed by hand here;
 * tests/cli/calibrate_sklearn.sh checks them against scikit-learn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>  /* cmocka 1.1.x needs the four includes above first */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/rng.h"
#include "src/core/calibration.h"
#include "src/core/classifier.h"
#include "src/core/container.h"
#include "src/core/fit.h"
#include "src/core/ngrams.h"
#include "src/eval/calibration.h"
#include "tests/test_helpers.h"

#define TOL 1e-12

/* scikit-learn's calibration_curve docstring example */
static const int32_t doc_y[9] = {0, 0, 0, 0, 1, 1, 1, 1, 1};
static const double doc_p[9] = {0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0};

static void test_equal_width_bins_match_the_calibration_curve_example(void **state)
{
    hn_calib_curve c;
    hn_err err;
    (void)state;
    assert_int_equal(hn_calib_curve_compute(doc_y, doc_p, 9, 3, HN_BIN_STRATEGY_UNIFORM, &c, &err), HN_OK);
    assert_int_equal(c.nbins, 3);
    assert_int_equal(c.bins[0].count, 3);
    assert_int_equal(c.bins[1].count, 2);
    assert_int_equal(c.bins[2].count, 4);
    /* prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85] */
    assert_double_near(c.bins[0].frac_pos, 0.0, TOL);
    assert_double_near(c.bins[1].frac_pos, 0.5, TOL);
    assert_double_near(c.bins[2].frac_pos, 1.0, TOL);
    assert_double_near(c.bins[0].mean_prob, 0.2, TOL);
    assert_double_near(c.bins[1].mean_prob, 0.525, TOL);
    assert_double_near(c.bins[2].mean_prob, 0.85, TOL);
    assert_double_near(c.ece, 3.0 / 9 * 0.2 + 2.0 / 9 * 0.025 + 4.0 / 9 * 0.15, TOL);
    assert_double_near(c.mce, 0.2, TOL);
    hn_calib_curve_free(&c);
}

static void test_a_probability_on_an_edge_goes_to_the_lower_bin(void **state)
{
    const int32_t y[4] = {0, 1, 1, 0};
    const double p[4] = {0.5, 0.5, 0.0, 1.0};
    hn_calib_curve c;
    hn_err err;
    (void)state;
    assert_int_equal(hn_calib_curve_compute(y, p, 4, 2, HN_BIN_STRATEGY_UNIFORM, &c, &err), HN_OK);
    /* numpy.searchsorted(edges[1:-1], p, side="left"): 0.5 is in [0, 0.5] */
    assert_int_equal(c.bins[0].count, 3);
    assert_int_equal(c.bins[1].count, 1);
    hn_calib_curve_free(&c);
}

static void test_equal_mass_bins_split_at_the_percentiles(void **state)
{
    hn_calib_curve c;
    hn_err err;
    (void)state;
    /* 9 points, 3 bins: percentiles 33.3 and 66.7 at virtual indexes 8/3 and 16/3 */
    assert_int_equal(hn_calib_curve_compute(doc_y, doc_p, 9, 3, HN_BIN_STRATEGY_QUANTILE, &c, &err), HN_OK);
    assert_double_near(c.bins[0].hi, 0.3 + (0.4 - 0.3) * (8.0 / 3 - 2), 1e-15);
    assert_double_near(c.bins[1].hi, 0.7 + (0.8 - 0.7) * (16.0 / 3 - 5), 1e-15);
    assert_int_equal(c.bins[0].count, 3);
    assert_int_equal(c.bins[1].count, 3);
    assert_int_equal(c.bins[2].count, 3);
    hn_calib_curve_free(&c);
}

static void test_probabilities_outside_zero_one_are_an_argument_error(void **state)
{
    const int32_t y[2] = {0, 1};
    const double p[2] = {0.5, 1.5};
    hn_calib_curve c;
    hn_err err;
    (void)state;
    assert_int_equal(hn_calib_curve_compute(y, p, 2, 10, HN_BIN_STRATEGY_UNIFORM, &c, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "probability 2"));
}

static void test_brier_score_and_log_loss_by_hand(void **state)
{
    const int32_t y[3] = {1, 0, 1};
    const double p[3] = {0.9, 0.2, 0.0};
    const float P[6] = {0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f};
    const int32_t g[2] = {0, 2};
    (void)state;
    assert_double_near(hn_brier_binary(y, p, 3), (0.01 + 0.04 + 1.0) / 3, TOL);
    /* the last probability is clipped to 1e-15 */
    assert_double_near(hn_log_loss_binary(y, p, 3), (-log(0.9) - log(0.8) - log(1e-15)) / 3, 1e-9);
    assert_double_near(hn_brier_multi(P, g, 2, 3),
                       ((0.3 * 0.3 + 0.2 * 0.2 + 0.1 * 0.1) + (0.1 * 0.1 + 0.1 * 0.1 + 0.2 * 0.2)) / 2, 1e-7);
    assert_double_near(hn_log_loss_multi(P, g, 2, 3), (-log(0.7) - log(0.8)) / 2, 1e-7);
}

/* A deterministic 3-class problem: margins z = 3 * onehot(t) + noise, labels
 * drawn from softmax(z / 2): the best temperature is near 2. */
static void make_margins(float *z, int32_t *y, int64_t n)
{
    uint64_t rng = 7;
    int64_t i;
    for (i = 0; i < n; i++) {
        int32_t t = (int32_t)(hn_rng_next(&rng) % 3), k;
        double p[3], s = 0, u;
        for (k = 0; k < 3; k++) {
            z[i * 3 + k] = (float)((k == t ? 3.0 : 0.0) + 2.0 * ((double)(hn_rng_next(&rng) >> 11) / 9007199254740992.0 - 0.5));
            p[k] = exp(z[i * 3 + k] / 2.0);
            s += p[k];
        }
        u = (double)(hn_rng_next(&rng) >> 11) / 9007199254740992.0 * s;
        for (k = 0; k < 2 && u > p[k]; k++) u -= p[k];
        y[i] = k;
    }
}

static double nll_at(const float *z, const int32_t *y, int64_t n, double T)
{
    hn_calib c;
    float p[3];
    double s = 0;
    int64_t i;
    hn_calib_init(&c);
    c.method = HN_CALIB_METHOD_TEMPERATURE;
    c.temperature = T;
    for (i = 0; i < n; i++) {
        hn_calib_apply(&c, z + i * 3, 3, p);
        s -= log((double)p[y[i]]);
    }
    return s / (double)n;
}

static void test_temperature_scaling_finds_the_minimum_of_the_log_loss(void **state)
{
    enum { N = 4000 };
    float *z = malloc(N * 3 * sizeof *z);
    int32_t *y = malloc(N * sizeof *y);
    double T, before, after;
    hn_err err;
    (void)state;
    make_margins(z, y, N);
    assert_int_equal(hn_calib_fit_temperature(z, 3, y, N, &T, &before, &after, &err), HN_OK);
    assert_true(T > 1.6 && T < 2.4);
    assert_true(after < before);
    /* a minimum: both neighbours are worse */
    assert_true(nll_at(z, y, N, T) <= nll_at(z, y, N, T * 1.01) + 1e-9);
    assert_true(nll_at(z, y, N, T) <= nll_at(z, y, N, T / 1.01) + 1e-9);
    assert_double_near(nll_at(z, y, N, T), after, 1e-6);
    free(z);
    free(y);
}

static void test_temperature_keeps_the_arg_max_and_one_is_the_softmax(void **state)
{
    const float z[4] = {1.0f, -2.0f, 0.5f, 3.0f};
    float p[4], q[4];
    hn_calib c;
    double s = 0;
    int32_t k;
    (void)state;
    hn_calib_init(&c);
    c.method = HN_CALIB_METHOD_TEMPERATURE;
    hn_calib_apply(&c, z, 4, p);
    for (k = 0; k < 4; k++) s += exp(z[k] - 3.0);
    for (k = 0; k < 4; k++) assert_double_near(p[k], exp(z[k] - 3.0) / s, 1e-7);
    c.temperature = 5;
    hn_calib_apply(&c, z, 4, q);
    assert_true(q[3] > q[0] && q[0] > q[2] && q[2] > q[1]);
    assert_true(q[3] < p[3]); /* softer */
}

static void test_platt_scaling_zeroes_the_gradient_of_its_objective(void **state)
{
    enum { N = 500 };
    double z[N], a, b, ga = 0, gb = 0, hi, lo;
    int32_t y[N], npos = 0;
    uint64_t rng = 3;
    hn_err err;
    int i;
    (void)state;
    for (i = 0; i < N; i++) {
        z[i] = 6.0 * ((double)(hn_rng_next(&rng) >> 11) / 9007199254740992.0 - 0.5);
        y[i] = (double)(hn_rng_next(&rng) >> 11) / 9007199254740992.0 < 1.0 / (1.0 + exp(-(0.7 * z[i] - 0.3)));
        npos += y[i];
    }
    assert_int_equal(hn_calib_fit_platt(z, y, N, &a, &b, &err), HN_OK);
    assert_true(a > 0.4 && a < 1.0);
    /* the gradient of Platt's smoothed cross-entropy at the fit */
    hi = (npos + 1.0) / (npos + 2.0);
    lo = 1.0 / (N - npos + 2.0);
    for (i = 0; i < N; i++) {
        double q = 1.0 / (1.0 + exp(-(a * z[i] + b))), t = y[i] ? hi : lo;
        ga += (q - t) * z[i];
        gb += q - t;
    }
    assert_true(fabs(ga) < 1e-4 && fabs(gb) < 1e-4);
}

static void test_platt_needs_both_classes(void **state)
{
    const double z[2] = {1, 2};
    const int32_t y[2] = {1, 1};
    double a, b;
    hn_err err;
    (void)state;
    assert_int_equal(hn_calib_fit_platt(z, y, 2, &a, &b, &err), HN_ERR_ARG);
}

static void test_isotonic_pools_adjacent_violators(void **state)
{
    /* z: 1 2 3 4 5 6, y: 0 1 0 0 1 1 -> 0, 1/3, 1/3, 1/3, 1, 1 */
    const double z[6] = {3, 1, 2, 6, 5, 4};
    const int32_t y[6] = {0, 0, 1, 1, 1, 0};
    hn_calib c;
    float p[2], zz;
    hn_err err;
    (void)state;
    hn_calib_init(&c);
    assert_int_equal(hn_calib_fit_isotonic(z, y, 6, &c, &err), HN_OK);
    assert_int_equal(c.method, HN_CALIB_METHOD_ISOTONIC);
    /* flat runs keep their ends: (1,0) (2,1/3) (4,1/3) (5,1) (6,1) */
    assert_int_equal(c.iso_n, 5);
    zz = 3.0f;
    hn_calib_apply(&c, &zz, 2, p);
    assert_double_near(p[1], 1.0 / 3, 1e-7);
    zz = 4.5f; /* halfway from 1/3 to 1 */
    hn_calib_apply(&c, &zz, 2, p);
    assert_double_near(p[1], 2.0 / 3, 1e-7);
    zz = -100.0f; /* clipped at the ends */
    hn_calib_apply(&c, &zz, 2, p);
    assert_double_near(p[1], 0.0, 1e-7);
    assert_double_near(p[0], 1.0, 1e-7);
    hn_calib_free(&c);
}

static void test_prior_correction_multiplies_by_the_ratio_and_renormalizes(void **state)
{
    const double from[3] = {0.5, 0.25, 0.25}, to[3] = {0.2, 0.4, 0.4};
    const float z[3] = {0.0f, 0.0f, 0.0f};
    float p[3];
    hn_calib c;
    hn_err err;
    (void)state;
    hn_calib_init(&c);
    assert_int_equal(hn_calib_set_prior(&c, from, to, 3, &err), HN_OK);
    assert_true(hn_calib_active(&c));
    hn_calib_apply(&c, z, 3, p);
    /* 1/3 each, times 0.4, 1.6, 1.6, normalized */
    assert_double_near(p[0], 0.4 / 3.6, 1e-7);
    assert_double_near(p[1], 1.6 / 3.6, 1e-7);
    /* binary: the log-odds move by log(r1/q1) - log(r0/q0) */
    {
        const double f2[2] = {0.5, 0.5}, t2[2] = {0.8, 0.2};
        float zb = 0.0f, pb[2];
        hn_calib b;
        hn_calib_init(&b);
        assert_int_equal(hn_calib_set_prior(&b, f2, t2, 2, &err), HN_OK);
        hn_calib_apply(&b, &zb, 2, pb);
        assert_double_near(pb[1], 0.2, 1e-7);
        hn_calib_free(&b);
    }
    assert_int_equal(hn_calib_set_prior(&c, from, (const double[3]){0, 0.5, 0.5}, 3, &err), HN_ERR_ARG);
    hn_calib_free(&c);
}

static void test_the_reliability_diagram_is_one_svg_document(void **state)
{
    hn_calib_curve c;
    hn_err err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    (void)state;
    assert_int_equal(hn_calib_curve_compute(doc_y, doc_p, 9, 3, HN_BIN_STRATEGY_UNIFORM, &c, &err), HN_OK);
    f = open_memstream(&buf, &len);
    assert_int_equal(hn_calib_svg_write(f, &c, "a <b> & \"c\"", NULL, NULL, &err), HN_OK);
    fclose(f);
    assert_non_null(strstr(buf, "<svg"));
    assert_non_null(strstr(buf, "a &lt;b&gt; &amp; &quot;c&quot;"));
    assert_non_null(strstr(buf, "ECE 0.1389"));
    assert_non_null(strstr(buf, "</svg>"));
    free(buf);
    hn_calib_curve_free(&c);
}

/* ---- a trained classifier: explain's decomposition, calibrate, the file ---------- */

static hn_classifier *tiny_model(int mlp)
{
    const char *dir = getenv("HN_TESTDATA");
    char path[512];
    hn_fit_opts o;
    hn_tok_opts to;
    hn_reader_opts ro;
    hn_classifier *c = NULL;
    hn_err err;
    hn_fit_opts_default(&o);
    hn_tok_opts_default(&to);
    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    o.quiet = 1;
    if (mlp) {
        o.train.model = HN_MODEL_MLP;
        o.train.dim = 8;
        o.train.hidden[0] = 8;
        o.train.lr = 0.1;
        o.lr_set = 1;
    }
    hn_fit_solver(&o, &o.train);
    snprintf(path, sizeof path, "%s/tiny_train.txt", dir ? dir : "tests/data");
    if (hn_fit_files(&o, &to, &ro, path, NULL, NULL, &c, &err) != HN_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return c;
}

static void test_linear_contributions_plus_the_bias_give_the_margin(void **state)
{
    hn_classifier *c = tiny_model(0);
    hn_tok_ctx *ctx;
    hn_arena a;
    hn_err err;
    const char *lines[3] = {"claim your free prize money now", "family lunch notes review code", "a"};
    int l;
    (void)state;
    assert_int_equal(hn_tok_ctx_create(c->tok, &ctx, &err), HN_OK);
    hn_arena_init(&a, 1 << 16);
    for (l = 0; l < 3; l++) {
        hn_svec x, one, none = {0, NULL, NULL};
        float z[2], z0[2], z1[2];
        double sum = 0;
        int32_t i;
        hn_arena_reset(&a);
        assert_int_equal(hn_tok_featurize(c->tok, ctx, lines[l], strlen(lines[l]), &a, &x, &err), HN_OK);
        hn_model_margins(c->model, &x, z);
        hn_model_margins(c->model, &none, z0);
        for (i = 0; i < x.n; i++) {
            one.n = 1;
            one.idx = &x.idx[i];
            one.val = &x.val[i];
            hn_model_margins(c->model, &one, z1);
            sum += (double)z1[0] - z0[0];
        }
        assert_double_near(z0[0] + sum, z[0], 1e-5);
    }
    hn_arena_release(&a);
    hn_tok_ctx_free(ctx);
    hn_classifier_free(c);
}

static void test_calibrate_fits_platt_and_the_model_file_keeps_it(void **state)
{
    hn_classifier *c = tiny_model(0), *back = NULL;
    hn_labels labels;
    hn_dataset d;
    hn_load_stats ls;
    hn_reader_opts ro;
    hn_calibrate_opts co;
    hn_calibrate_report r;
    hn_err err;
    char path[512], out[] = "/tmp/hn_test_calib_XXXXXX";
    const char *dir = getenv("HN_TESTDATA");
    float p[2], q[2];
    hn_svec none = {0, NULL, NULL};
    int fd;
    (void)state;
    hn_dataset_init(&d);
    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    snprintf(path, sizeof path, "%s/tiny_test.txt", dir ? dir : "tests/data");
    assert_int_equal(hn_classifier_load_data(c, path, &ro, HN_UNKNOWN_KEEP, &labels, &d, &ls, &err), HN_OK);
    hn_calibrate_opts_default(&co);
    co.source = "tiny_test.txt";
    assert_int_equal(hn_classifier_calibrate(c, &d, &co, &r, &err), HN_OK);
    assert_int_equal(c->calib.method, HN_CALIB_METHOD_PLATT);
    assert_true(r.log_loss_after <= r.log_loss_before + 1e-12);
    assert_int_equal(r.n, d.n);
    /* save, load: the same map and the same probabilities */
    fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(hn_classifier_save(c, out, &err), HN_OK);
    assert_int_equal(hn_classifier_load(out, &back, &err), HN_OK);
    unlink(out);
    assert_int_equal(back->calib.method, HN_CALIB_METHOD_PLATT);
    assert_double_near(back->calib.platt_a, c->calib.platt_a, 0);
    assert_double_near(back->calib.platt_b, c->calib.platt_b, 0);
    assert_string_equal(back->calib.note, "platt on tiny_test.txt");
    hn_classifier_probs_of(c, &none, p, q);
    hn_classifier_probs_of(back, &none, q, q);
    assert_double_near(p[1], q[1], 0);
    /* isotonic regression fits a binary model too */
    co.auto_method = 0;
    co.method = HN_CALIB_METHOD_ISOTONIC;
    assert_int_equal(hn_classifier_calibrate(c, &d, &co, &r, &err), HN_OK);
    hn_classifier_free(back);
    hn_classifier_free(c);
    hn_labels_free(&labels);
    hn_dataset_free(&d);
}

static void test_an_uncalibrated_classifier_gives_the_models_probabilities(void **state)
{
    hn_classifier *c = tiny_model(1);
    hn_tok_ctx *ctx;
    hn_arena a;
    hn_err err;
    float p[2], q[2], z[2];
    hn_svec x;
    (void)state;
    assert_int_equal(hn_tok_ctx_create(c->tok, &ctx, &err), HN_OK);
    hn_arena_init(&a, 1 << 16);
    assert_int_equal(hn_tok_featurize(c->tok, ctx, "free money", 10, &a, &x, &err), HN_OK);
    hn_model_predict(c->model, &x, p);
    hn_classifier_probs_of(c, &x, q, z);
    assert_memory_equal(p, q, sizeof p);
    hn_arena_release(&a);
    hn_tok_ctx_free(ctx);
    hn_classifier_free(c);
}

/* ---- the n-gram table ---------------------------------------------------------------- */

static void test_the_ngram_table_keeps_the_most_frequent_strings_and_round_trips(void **state)
{
    hn_tok_opts to;
    hn_tokenizer *tok;
    hn_tok_ctx *ctx;
    hn_ngram_builder *b;
    hn_ngram_table *t, *t2;
    hn_ngram_bucket nb, nb2;
    hn_arena a;
    hn_svec x;
    hn_err err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    int i;
    (void)state;
    hn_tok_opts_default(&to);
    to.bits = 2; /* 4 buckets: everything collides */
    to.word_ngrams = 1;
    assert_int_equal(hn_tok_create(&to, &tok, &err), HN_OK);
    assert_int_equal(hn_tok_ctx_create(tok, &ctx, &err), HN_OK);
    hn_arena_init(&a, 1 << 16);
    assert_int_equal(hn_ngram_builder_create(2, 1024, &b, &err), HN_OK);
    for (i = 0; i < 20; i++) {
        const char *line = i % 2 ? "alpha beta gamma delta" : "alpha alpha epsilon zeta eta theta";
        hn_arena_reset(&a);
        assert_int_equal(hn_tok_featurize_grams(tok, ctx, line, strlen(line), &a, &x, hn_ngram_builder_gram, b, &err),
                         HN_OK);
    }
    assert_int_equal(hn_ngram_builder_finish(b, 1 << 20, &t, &err), HN_OK);
    hn_ngram_builder_free(b);
    assert_true(hn_ngram_table_nbuckets(t) >= 1 && hn_ngram_table_nbuckets(t) <= 4);
    {
        /* "alpha" (30 times) is first in its bucket */
        uint32_t ab = (uint32_t)(hn_tok_hash("alpha", 5, to.seed) >> (64 - to.bits));
        int64_t total = 0, j;
        assert_true(hn_ngram_table_find(t, ab, &nb));
        assert_string_equal(nb.grams[0], "alpha");
        assert_int_equal(nb.counts[0], 30);
        assert_true(nb.n <= 2);
        for (j = 0; j < hn_ngram_table_nbuckets(t); j++) {
            hn_ngram_table_get(t, j, &nb2);
            total += nb2.distinct;
        }
        assert_int_equal(total, 8); /* eight distinct words */
    }
    f = open_memstream(&buf, &len);
    assert_int_equal(hn_ngram_table_write(t, f, &err), HN_OK);
    fclose(f);
    assert_int_equal(hn_ngram_table_read((const unsigned char *)buf, len, &t2, &err), HN_OK);
    assert_int_equal(hn_ngram_table_nbuckets(t2), hn_ngram_table_nbuckets(t));
    for (i = 0; i < hn_ngram_table_nbuckets(t); i++) {
        int32_t j;
        hn_ngram_table_get(t, i, &nb);
        hn_ngram_table_get(t2, i, &nb2);
        assert_int_equal(nb.bucket, nb2.bucket);
        assert_int_equal(nb.distinct, nb2.distinct);
        assert_int_equal(nb.occurrences, nb2.occurrences);
        assert_int_equal(nb.n, nb2.n);
        for (j = 0; j < nb.n; j++) {
            assert_string_equal(nb.grams[j], nb2.grams[j]);
            assert_int_equal(nb.counts[j], nb2.counts[j]);
        }
    }
    /* a damaged section is a format error naming the line */
    {
        hn_ngram_table *bad = NULL;
        char *body = strstr(buf, "\n\n");
        assert_non_null(body);
        body[2] = 'x';
        assert_int_equal(hn_ngram_table_read((const unsigned char *)buf, len, &bad, &err), HN_ERR_FORMAT);
        assert_null(bad);
        assert_non_null(strstr(err.msg, "line 6"));
    }
    free(buf);
    hn_ngram_table_free(t);
    hn_ngram_table_free(t2);
    hn_arena_release(&a);
    hn_tok_ctx_free(ctx);
    hn_tok_free(tok);
}

static void test_the_builder_prunes_rare_pairs_past_its_bound(void **state)
{
    hn_ngram_builder *b;
    hn_ngram_table *t;
    hn_gram g;
    hn_token tk;
    hn_err err;
    char word[32];
    int i;
    (void)state;
    assert_int_equal(hn_ngram_builder_create(1, 1024, &b, &err), HN_OK);
    memset(&g, 0, sizeof g);
    g.order = 1;
    g.toks = &tk;
    tk.s = word;
    tk.kind = 0;
    for (i = 0; i < 5000; i++) { /* 5000 distinct words, and "common" 100 times */
        if (i % 50) tk.len = snprintf(word, sizeof word, "w%d", i);
        else tk.len = snprintf(word, sizeof word, "common");
        g.bucket = (uint32_t)(i % 7);
        if (!(i % 50)) g.bucket = 3;
        hn_ngram_builder_gram(&g, b);
    }
    assert_int_equal(hn_ngram_builder_finish(b, 1 << 20, &t, &err), HN_OK);
    hn_ngram_builder_free(b);
    assert_true(hn_ngram_table_pruned(t));
    {
        hn_ngram_bucket nb;
        assert_true(hn_ngram_table_find(t, 3, &nb));
        assert_string_equal(nb.grams[0], "common");
        assert_int_equal(nb.counts[0], 100);
    }
    hn_ngram_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_width_bins_match_the_calibration_curve_example),
        cmocka_unit_test(test_a_probability_on_an_edge_goes_to_the_lower_bin),
        cmocka_unit_test(test_equal_mass_bins_split_at_the_percentiles),
        cmocka_unit_test(test_probabilities_outside_zero_one_are_an_argument_error),
        cmocka_unit_test(test_brier_score_and_log_loss_by_hand),
        cmocka_unit_test(test_temperature_scaling_finds_the_minimum_of_the_log_loss),
        cmocka_unit_test(test_temperature_keeps_the_arg_max_and_one_is_the_softmax),
        cmocka_unit_test(test_platt_scaling_zeroes_the_gradient_of_its_objective),
        cmocka_unit_test(test_platt_needs_both_classes),
        cmocka_unit_test(test_isotonic_pools_adjacent_violators),
        cmocka_unit_test(test_prior_correction_multiplies_by_the_ratio_and_renormalizes),
        cmocka_unit_test(test_the_reliability_diagram_is_one_svg_document),
        cmocka_unit_test(test_linear_contributions_plus_the_bias_give_the_margin),
        cmocka_unit_test(test_calibrate_fits_platt_and_the_model_file_keeps_it),
        cmocka_unit_test(test_an_uncalibrated_classifier_gives_the_models_probabilities),
        cmocka_unit_test(test_the_ngram_table_keeps_the_most_frequent_strings_and_round_trips),
        cmocka_unit_test(test_the_builder_prunes_rare_pairs_past_its_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
