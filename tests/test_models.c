/* test_models.c - losses, gradients, training, serialization of the linear models */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "src/base/rng.h"
#include "tests/test_helpers.h"

/* softmax work array for hn_loss_grad (tests use at most a few classes) */
static double loss_work[1024];

/* Central finite differences of the loss w.r.t. each margin vs. the analytic gradient. */
static void check_grad(hn_loss loss, int32_t nclasses, uint64_t seed)
{
    hn_train_opts o;
    int32_t nout = nclasses == 2 ? 1 : nclasses, t, k, trial;
    float z[8], g[8], gd[8];
    uint64_t rng = seed;
    hn_train_opts_default(&o);
    o.loss = loss;
    o.focal_gamma = 2;
    o.focal_alpha = 0.3;
    for (trial = 0; trial < 200; trial++) {
        for (k = 0; k < nout; k++) z[k] = (float)(hn_rng_uniform(&rng) * 8 - 4);
        t = (int32_t)hn_rng_below(&rng, (uint64_t)nclasses);
        hn_loss_grad(loss, &o, nclasses, z, t, 1.5f, g, loss_work);
        for (k = 0; k < nout; k++) {
            float zp[8], zm[8];
            double h = 1e-3, lp, lm, num;
            memcpy(zp, z, sizeof z);
            memcpy(zm, z, sizeof z);
            zp[k] += (float)h;
            zm[k] -= (float)h;
            lp = hn_loss_grad(loss, &o, nclasses, zp, t, 1.5f, gd, loss_work);
            lm = hn_loss_grad(loss, &o, nclasses, zm, t, 1.5f, gd, loss_work);
            num = (lp - lm) / ((double)zp[k] - zm[k]);
            if (loss == HN_LOSS_HINGE) {
                /* skip points next to the hinge's kink */
                int near = 0, j;
                for (j = 0; j < nout; j++)
                    if (fabs(1 - fabs((double)z[j])) < 0.01 || (nclasses > 2 && fabs(1 + z[j] - z[t]) < 0.01)) near = 1;
                if (near) continue;
            }
            if (fabs(num - g[k]) > 2e-3 * (1 + fabs(num))) {
                print_error("loss %s classes %d trial %d k %d: numeric %.6f analytic %.6f\n", hn_loss_name(loss),
                            nclasses, trial, k, num, (double)g[k]);
                fail();
            }
        }
    }
}

static void test_log_loss_gradient_matches_finite_differences(void **state)
{
    (void)state;
    check_grad(HN_LOSS_LOG, 2, 1);
    check_grad(HN_LOSS_LOG, 5, 2);
}

static void test_focal_loss_gradient_matches_finite_differences(void **state)
{
    (void)state;
    check_grad(HN_LOSS_FOCAL, 2, 3);
    check_grad(HN_LOSS_FOCAL, 5, 4);
}

static void test_hinge_loss_gradient_matches_finite_differences(void **state)
{
    (void)state;
    check_grad(HN_LOSS_HINGE, 2, 5);
    check_grad(HN_LOSS_HINGE, 5, 6);
}

static void test_squared_hinge_gradient_matches_finite_differences(void **state)
{
    (void)state;
    check_grad(HN_LOSS_SQHINGE, 2, 7);
    check_grad(HN_LOSS_SQHINGE, 5, 8);
}

/* ---- the batch solver against slow exact references -------------------------- */

#define DCD_N 40
#define DCD_F 6

/* A small binary problem: DCD_N examples over DCD_F buckets, labels from a
 * noisy (or, separable = 1, clean) linear rule; features unnormalized. */
static void dcd_data(hn_dataset *d, int separable, uint64_t seed)
{
    uint64_t rng = seed;
    int32_t i, j;
    hn_dataset_init(d);
    for (i = 0; i < DCD_N; i++) {
        uint32_t idx[DCD_F];
        float val[DCD_F];
        hn_svec x;
        double z = 0.3;
        for (j = 0; j < DCD_F; j++) {
            idx[j] = (uint32_t)j * 3u;
            val[j] = (float)(hn_rng_uniform(&rng) * 2 - 1);
            z += (j % 2 ? 1.0 : -0.7) * val[j];
        }
        if (!separable) z += (hn_rng_uniform(&rng) - 0.5) * 2.0;
        else if (fabs(z) < 0.2) z = z < 0 ? -0.2 : 0.2;
        x.n = DCD_F;
        x.idx = idx;
        x.val = val;
        assert_int_equal(hn_dataset_add(d, &x, z > 0 ? 1 : 0, 1.0f), HN_OK);
    }
}

/* The weights of a trained binary linear model read back through its
 * margins alone (z = s (w.x + B wb)), so the check does not trust the
 * solver's own bookkeeping: w[0..DCD_F) then the bias weight. */
static void dcd_weights(const hn_model *m, double scale, double B, double *w)
{
    float z0, z1;
    uint32_t idx;
    float one = 1.0f;
    hn_svec e = {0, NULL, NULL}, x = {1, &idx, &one};
    int32_t j;
    hn_model_margins(m, &e, &z0);
    for (j = 0; j < DCD_F; j++) {
        idx = (uint32_t)j * 3u;
        hn_model_margins(m, &x, &z1);
        w[j] = ((double)z1 - z0) / scale;
    }
    w[DCD_F] = (double)z0 / scale / B;
}

static double dcd_loss(hn_loss loss, double mg)
{
    if (loss == HN_LOSS_LOG) return mg >= 0 ? log1p(exp(-mg)) : -mg + log1p(exp(mg));
    if (loss == HN_LOSS_HINGE) return mg < 1 ? 1 - mg : 0;
    return mg < 1 ? (1 - mg) * (1 - mg) : 0;
}

/* The primal 1/2 |w|^2 + C sum loss(y w.x~) with x~ = (x, B). */
static double dcd_primal(const hn_dataset *d, hn_loss loss, double C, double B, const double *w)
{
    double p = 0, L = 0;
    int64_t i;
    int32_t j;
    for (j = 0; j <= DCD_F; j++) p += 0.5 * w[j] * w[j];
    for (i = 0; i < d->n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        double z = w[DCD_F] * B;
        for (j = 0; j < x.n; j++) z += w[x.idx[j] / 3u] * x.val[j];
        L += dcd_loss(loss, d->label[i] == 1 ? z : -z);
    }
    return p + C * L;
}

/* Slow exact references, not coordinate descent:
 *  - log and squared hinge (smooth, 1-strongly convex): full-batch gradient
 *    descent with step 1/L for 200,000 steps;
 *  - hinge: FISTA on the dual box QP min 1/2 a'Qa - sum a, 0 <= a <= C,
 *    for 100,000 steps; its dual value bounds P* from below, its primal
 *    from above. Returns the reference P*. */
static double dcd_reference(const hn_dataset *d, hn_loss loss, double C, double B)
{
    double X[DCD_N][DCD_F + 1], y[DCD_N], w[DCD_F + 1], g[DCD_F + 1], L = 0;
    int32_t i, j, it, n = (int32_t)d->n;
    for (i = 0; i < n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        for (j = 0; j <= DCD_F; j++) X[i][j] = 0;
        for (j = 0; j < x.n; j++) X[i][x.idx[j] / 3u] = x.val[j];
        X[i][DCD_F] = B;
        y[i] = d->label[i] == 1 ? 1 : -1;
        for (j = 0; j <= DCD_F; j++) L += X[i][j] * X[i][j];
    }
    if (loss != HN_LOSS_HINGE) {
        double step = 1.0 / (1.0 + C * L * (loss == HN_LOSS_LOG ? 0.25 : 2.0));
        for (j = 0; j <= DCD_F; j++) w[j] = 0;
        for (it = 0; it < 200000; it++) {
            for (j = 0; j <= DCD_F; j++) g[j] = w[j];
            for (i = 0; i < n; i++) {
                double z = 0, mg, dl;
                for (j = 0; j <= DCD_F; j++) z += w[j] * X[i][j];
                mg = y[i] * z;
                dl = loss == HN_LOSS_LOG ? -1.0 / (1.0 + exp(mg)) : (mg < 1 ? -2 * (1 - mg) : 0);
                for (j = 0; j <= DCD_F; j++) g[j] += C * dl * y[i] * X[i][j];
            }
            for (j = 0; j <= DCD_F; j++) w[j] -= step * g[j];
        }
        {
            double p = 0;
            for (j = 0; j <= DCD_F; j++) p += 0.5 * w[j] * w[j];
            for (i = 0; i < n; i++) {
                double z = 0;
                for (j = 0; j <= DCD_F; j++) z += w[j] * X[i][j];
                p += C * dcd_loss(loss, y[i] * z);
            }
            return p;
        }
    }
    {
        static double a[DCD_N], a_prev[DCD_N], v[DCD_N];
        double t = 1, step = 1.0 / L, dual, ww = 0, sa = 0;
        for (i = 0; i < n; i++) a[i] = a_prev[i] = v[i] = 0;
        for (it = 0; it < 100000; it++) {
            double tn;
            /* w(v) = sum y_i v_i x_i; gradient of the dual at v: y_i w.x_i - 1 */
            for (j = 0; j <= DCD_F; j++) w[j] = 0;
            for (i = 0; i < n; i++)
                for (j = 0; j <= DCD_F; j++) w[j] += y[i] * v[i] * X[i][j];
            for (i = 0; i < n; i++) {
                double z = 0, na;
                for (j = 0; j <= DCD_F; j++) z += w[j] * X[i][j];
                na = v[i] - step * (y[i] * z - 1);
                a_prev[i] = a[i];
                a[i] = na < 0 ? 0 : na > C ? C : na;
            }
            tn = (1 + sqrt(1 + 4 * t * t)) / 2;
            for (i = 0; i < n; i++) v[i] = a[i] + (t - 1) / tn * (a[i] - a_prev[i]);
            t = tn;
        }
        for (j = 0; j <= DCD_F; j++) w[j] = 0;
        for (i = 0; i < n; i++)
            for (j = 0; j <= DCD_F; j++) w[j] += y[i] * a[i] * X[i][j];
        for (j = 0; j <= DCD_F; j++) ww += w[j] * w[j];
        for (i = 0; i < n; i++) sa += a[i];
        dual = sa - 0.5 * ww;
        {
            double p = 0.5 * ww;
            for (i = 0; i < n; i++) {
                double z = 0;
                for (j = 0; j <= DCD_F; j++) z += w[j] * X[i][j];
                p += C * dcd_loss(loss, y[i] * z);
            }
            assert_true(p - dual <= 1e-7 * fabs(p)); /* the reference itself has converged */
            return dual;
        }
    }
}

static void check_dcd(hn_loss loss, int separable, double C, uint64_t seed)
{
    hn_dataset d;
    hn_train_opts o;
    hn_model *m = NULL;
    hn_dcd *s = NULL;
    hn_dcd_stats st;
    hn_err err;
    double w[DCD_F + 1], ref, got;
    dcd_data(&d, separable, seed);
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = loss;
    o.tol = 1e-4;
    assert_int_equal(hn_model_create(&o, 2, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_dcd_create(m, &d, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, C, NULL, &st, &err), HN_OK);
    assert_int_equal(st.not_converged, 0);
    dcd_weights(m, st.scale, o.bias_feature, w);
    got = dcd_primal(&d, loss, C, o.bias_feature, w);
    ref = dcd_reference(&d, loss, C, o.bias_feature);
    if (!(fabs(got - ref) <= 1e-4 * fabs(ref)))
        print_error("loss %s, %s, C %g: objective %.10g, reference %.10g\n", hn_loss_name(loss),
                    separable ? "separable" : "non-separable", C, got, ref);
    assert_true(fabs(got - ref) <= 1e-4 * fabs(ref));
    /* the solver's own account agrees, and its duality gap is small */
    assert_true(fabs(st.primal - got) <= 1e-4 * fabs(ref));
    assert_true(st.primal - st.dual >= -1e-9 && st.primal - st.dual <= 1e-3 * fabs(ref));
    hn_dcd_free(s);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_batch_solver_reaches_the_optimum_of_every_loss_on_a_non_separable_problem(void **state)
{
    (void)state;
    check_dcd(HN_LOSS_SQHINGE, 0, 1.0, 11);
    check_dcd(HN_LOSS_HINGE, 0, 1.0, 12);
    check_dcd(HN_LOSS_LOG, 0, 1.0, 13);
    check_dcd(HN_LOSS_SQHINGE, 0, 10.0, 14);
}

static void test_batch_solver_reaches_the_optimum_of_every_loss_on_a_separable_problem(void **state)
{
    (void)state;
    check_dcd(HN_LOSS_SQHINGE, 1, 1.0, 21);
    check_dcd(HN_LOSS_HINGE, 1, 1.0, 22);
    check_dcd(HN_LOSS_LOG, 1, 3.0, 23);
}

/* A 4-class problem: classes from the sign pattern of two features. */
static void dcd_multiclass_data(hn_dataset *d, uint64_t seed)
{
    uint64_t rng = seed;
    int32_t i, j;
    hn_dataset_init(d);
    for (i = 0; i < 300; i++) {
        uint32_t idx[5];
        float val[5];
        hn_svec x = {5, idx, val};
        for (j = 0; j < 5; j++) {
            idx[j] = (uint32_t)j;
            val[j] = (float)(hn_rng_uniform(&rng) * 2 - 1);
        }
        assert_int_equal(hn_dataset_add(d, &x, (val[0] > 0) * 2 + (val[1] > 0), 1.0f), HN_OK);
    }
}

static void test_batch_solver_gives_the_same_model_on_any_number_of_threads(void **state)
{
    hn_dataset d;
    hn_train_opts o;
    hn_model *a = NULL, *b = NULL;
    hn_err err;
    unsigned char *ba = NULL, *bb = NULL;
    size_t la = 0, lb = 0;
    FILE *f;
    (void)state;
    dcd_multiclass_data(&d, 5);
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = HN_LOSS_SQHINGE;
    assert_int_equal(hn_model_create(&o, 4, 10, &d, &a, &err), HN_OK);
    assert_int_equal(hn_model_train(a, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    o.threads = 3;
    assert_int_equal(hn_model_create(&o, 4, 10, &d, &b, &err), HN_OK);
    assert_int_equal(hn_model_train(b, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    f = open_memstream((char **)&ba, &la);
    assert_int_equal(hn_model_write(a, f, &err), HN_OK);
    fclose(f);
    f = open_memstream((char **)&bb, &lb);
    assert_int_equal(hn_model_write(b, f, &err), HN_OK);
    fclose(f);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    free(ba);
    free(bb);
    hn_model_free(a);
    hn_model_free(b);
    hn_dataset_free(&d);
}

/* A path over C, warm-started, ends where a cold solve at the last C ends,
 * and learns the 4-class problem. */
static void test_a_warm_started_path_over_C_ends_at_the_cold_optimum(void **state)
{
    hn_dataset d;
    hn_train_opts o;
    hn_model *a = NULL, *b = NULL;
    hn_dcd *s = NULL;
    hn_dcd_stats st, sc;
    hn_err err;
    float pa[4], pb[4];
    int64_t i, right = 0;
    (void)state;
    dcd_multiclass_data(&d, 6);
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = HN_LOSS_LOG;
    o.tol = 1e-6;
    assert_int_equal(hn_model_create(&o, 4, 10, &d, &a, &err), HN_OK);
    assert_int_equal(hn_dcd_create(a, &d, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, 0.1, NULL, &st, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, 1.0, NULL, &st, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, 10.0, NULL, &st, &err), HN_OK);
    hn_dcd_free(s);
    assert_int_equal(hn_model_create(&o, 4, 10, &d, &b, &err), HN_OK);
    assert_int_equal(hn_dcd_create(b, &d, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, 10.0, NULL, &sc, &err), HN_OK);
    hn_dcd_free(s);
    assert_true(fabs(st.primal - sc.primal) <= 1e-5 * sc.primal);
    for (i = 0; i < d.n; i++) {
        hn_svec x = hn_dataset_get(&d, i);
        int32_t k, ta = 0;
        hn_model_predict(a, &x, pa);
        hn_model_predict(b, &x, pb);
        for (k = 0; k < 4; k++) assert_true(fabs(pa[k] - pb[k]) < 1e-3);
        for (k = 1; k < 4; k++)
            if (pa[k] > pa[ta]) ta = k;
        right += ta == d.label[i];
    }
    assert_true(right >= 285); /* the sign pattern is learnable: >= 95% */
    hn_model_free(a);
    hn_model_free(b);
    hn_dataset_free(&d);
}

/* ---- warm starts ---------------------------------------------------------------- */

/* The anchored primal 1/2 |w - w0|^2 + C sum loss(y w.x~). */
static double anchored_primal(const hn_dataset *d, hn_loss loss, double C, double B, const double *w, const double *w0)
{
    double p = 0;
    int32_t j;
    for (j = 0; j <= DCD_F; j++) p += 0.5 * (w[j] - w0[j]) * (w[j] - w0[j]) - 0.5 * w[j] * w[j];
    return p + dcd_primal(d, loss, C, B, w);
}

/* Its optimum by full-batch gradient descent from w0 (log and squared
 * hinge: smooth and 1-strongly convex), as dcd_reference does. */
static double anchored_reference(const hn_dataset *d, hn_loss loss, double C, double B, const double *w0)
{
    double X[DCD_N][DCD_F + 1], y[DCD_N], w[DCD_F + 1], g[DCD_F + 1], L = 0, step;
    int32_t i, j, it, n = (int32_t)d->n;
    for (i = 0; i < n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        for (j = 0; j <= DCD_F; j++) X[i][j] = 0;
        for (j = 0; j < x.n; j++) X[i][x.idx[j] / 3u] = x.val[j];
        X[i][DCD_F] = B;
        y[i] = d->label[i] == 1 ? 1 : -1;
        for (j = 0; j <= DCD_F; j++) L += X[i][j] * X[i][j];
    }
    step = 1.0 / (1.0 + C * L * (loss == HN_LOSS_LOG ? 0.25 : 2.0));
    for (j = 0; j <= DCD_F; j++) w[j] = w0[j];
    for (it = 0; it < 200000; it++) {
        for (j = 0; j <= DCD_F; j++) g[j] = w[j] - w0[j];
        for (i = 0; i < n; i++) {
            double z = 0, mg, dl;
            for (j = 0; j <= DCD_F; j++) z += w[j] * X[i][j];
            mg = y[i] * z;
            dl = loss == HN_LOSS_LOG ? -1.0 / (1.0 + exp(mg)) : (mg < 1 ? -2 * (1 - mg) : 0);
            for (j = 0; j <= DCD_F; j++) g[j] += C * dl * y[i] * X[i][j];
        }
        for (j = 0; j <= DCD_F; j++) w[j] -= step * g[j];
    }
    return anchored_primal(d, loss, C, B, w, w0);
}

/* Train on one sample, then solve anchored to that model on another: the
 * result is the optimum of 1/2 |w - w0|^2 + C sum loss on the second. */
static void check_anchor(hn_loss loss, double C, uint64_t seed)
{
    hn_dataset da, db;
    hn_train_opts o;
    hn_model *ma = NULL, *mb = NULL;
    hn_dcd *s = NULL;
    hn_dcd_stats st;
    hn_err err;
    double w0[DCD_F + 1], w[DCD_F + 1], ref, got, plain;
    dcd_data(&da, 0, seed);
    dcd_data(&db, 0, seed + 1);
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = loss;
    o.tol = 1e-6;
    assert_int_equal(hn_model_create(&o, 2, 10, &da, &ma, &err), HN_OK);
    assert_int_equal(hn_model_train(ma, &da, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    dcd_weights(ma, 1.0, o.bias_feature, w0);
    assert_int_equal(hn_model_grow(ma, &o, 2, &db, &mb, &err), HN_OK);
    assert_int_equal(hn_dcd_create(mb, &db, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_anchor(s, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, C, NULL, &st, &err), HN_OK);
    assert_int_equal(st.not_converged, 0);
    dcd_weights(mb, st.scale, o.bias_feature, w);
    got = anchored_primal(&db, loss, C, o.bias_feature, w, w0);
    ref = anchored_reference(&db, loss, C, o.bias_feature, w0);
    plain = dcd_reference(&db, loss, C, o.bias_feature);
    if (!(fabs(got - ref) <= 1e-5 * fabs(ref)))
        print_error("loss %s, C %g: anchored objective %.10g, reference %.10g\n", hn_loss_name(loss), C, got, ref);
    assert_true(fabs(got - ref) <= 1e-5 * fabs(ref));
    assert_true(fabs(st.primal - got) <= 1e-5 * fabs(ref));
    assert_true(st.primal - st.dual >= -1e-9 && st.primal - st.dual <= 1e-4 * fabs(ref));
    /* it is another problem than the plain one: the anchor pulls the weights */
    assert_true(fabs(ref - plain) > 1e-3 * fabs(plain));
    hn_dcd_free(s);
    hn_model_free(ma);
    hn_model_free(mb);
    hn_dataset_free(&da);
    hn_dataset_free(&db);
}

static void test_an_anchored_solve_reaches_the_optimum_regularized_toward_the_initial_weights(void **state)
{
    (void)state;
    check_anchor(HN_LOSS_LOG, 1.0, 51);
    check_anchor(HN_LOSS_SQHINGE, 0.3, 53);
    check_anchor(HN_LOSS_LOG, 0.05, 55);
}

/* Solve on examples 10..39, then on all 40 starting from those duals (the
 * ten new ones at 0): the cold solve's optimum, for every loss. */
static void check_dual_warm_start(hn_loss loss, uint64_t seed)
{
    hn_dataset d, sub;
    hn_train_opts o;
    hn_model *ms = NULL, *mw = NULL, *mc = NULL;
    hn_dcd *s = NULL;
    hn_dcd_stats st, sw, sc;
    hn_dcd_duals dd;
    hn_err err;
    int64_t map[DCD_N], i;
    const double C = 2.0;
    memset(&dd, 0, sizeof dd);
    dcd_data(&d, 0, seed);
    hn_dataset_init(&sub);
    for (i = 10; i < d.n; i++) {
        hn_svec x = hn_dataset_get(&d, i);
        assert_int_equal(hn_dataset_add(&sub, &x, d.label[i], 1.0f), HN_OK);
    }
    for (i = 0; i < d.n; i++) map[i] = i < 10 ? -1 : i - 10;
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = loss;
    o.tol = 1e-6;
    assert_int_equal(hn_model_create(&o, 2, 10, &sub, &ms, &err), HN_OK);
    assert_int_equal(hn_dcd_create(ms, &sub, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_warm(s, &dd, NULL, &err), HN_ERR_ARG); /* empty duals do not fit */
    assert_int_equal(hn_dcd_run(s, C, NULL, &st, &err), HN_OK);
    assert_int_equal(hn_dcd_duals_get(s, &dd, &err), HN_OK);
    assert_int_equal(dd.n, 30);
    hn_dcd_free(s);
    assert_int_equal(hn_model_create(&o, 2, 10, &d, &mw, &err), HN_OK);
    assert_int_equal(hn_dcd_create(mw, &d, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_warm(s, &dd, map, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, C, NULL, &sw, &err), HN_OK);
    hn_dcd_free(s);
    assert_int_equal(hn_model_create(&o, 2, 10, &d, &mc, &err), HN_OK);
    assert_int_equal(hn_dcd_create(mc, &d, &o, NULL, &s, &err), HN_OK);
    assert_int_equal(hn_dcd_run(s, C, NULL, &sc, &err), HN_OK);
    assert_int_equal(hn_dcd_duals_get(s, &dd, &err), HN_OK);
    hn_dcd_free(s);
    /* started from its own optimum, a solve only confirms it: one pass */
    {
        hn_model *mr = NULL;
        hn_dcd_stats sr;
        int64_t same[DCD_N];
        for (i = 0; i < d.n; i++) same[i] = i;
        assert_int_equal(hn_model_create(&o, 2, 10, &d, &mr, &err), HN_OK);
        assert_int_equal(hn_dcd_create(mr, &d, &o, NULL, &s, &err), HN_OK);
        assert_int_equal(hn_dcd_warm(s, &dd, same, &err), HN_OK);
        assert_int_equal(hn_dcd_run(s, C, NULL, &sr, &err), HN_OK);
        hn_dcd_free(s);
        if (sr.passes > 2) print_error("loss %s: %d passes from the optimum\n", hn_loss_name(loss), (int)sr.passes);
        assert_true(sr.passes <= 2 && sc.passes > 2);
        assert_true(fabs(sr.primal - sc.primal) <= 1e-6 * sc.primal);
        hn_model_free(mr);
    }
    assert_int_equal(sw.not_converged, 0);
    if (!(fabs(sw.primal - sc.primal) <= 1e-6 * sc.primal))
        print_error("loss %s: warm objective %.10g, cold %.10g\n", hn_loss_name(loss), sw.primal, sc.primal);
    assert_true(fabs(sw.primal - sc.primal) <= 1e-6 * sc.primal);
    for (i = 0; i < d.n; i++) {
        hn_svec x = hn_dataset_get(&d, i);
        float zw, zc;
        hn_model_margins(mw, &x, &zw);
        hn_model_margins(mc, &x, &zc);
        assert_double_near(zw, zc, 1e-3);
    }
    hn_dcd_duals_free(&dd);
    hn_model_free(ms);
    hn_model_free(mw);
    hn_model_free(mc);
    hn_dataset_free(&d);
    hn_dataset_free(&sub);
}

static void test_a_solve_warm_started_from_a_subset_ends_at_the_cold_optimum(void **state)
{
    (void)state;
    check_dual_warm_start(HN_LOSS_SQHINGE, 61);
    check_dual_warm_start(HN_LOSS_HINGE, 62);
    check_dual_warm_start(HN_LOSS_LOG, 63);
}

/* Grow a 4-class model with data holding a new bucket and a fifth class:
 * old rows keep their weights, old classes their margins, the new class
 * starts at 0; linear and MLP. */
static void check_grow(hn_model_kind kind)
{
    hn_dataset d, e;
    hn_train_opts o;
    hn_model *m = NULL, *g = NULL;
    hn_err err;
    uint32_t idx[2] = {2, 9};
    float val[2] = {0.5f, 1.0f}, za[5], zb[5];
    hn_svec xn = {2, idx, val};
    int64_t i;
    int32_t k;
    dcd_multiclass_data(&d, 7);
    hn_dataset_init(&e);
    assert_int_equal(hn_dataset_add(&e, &xn, 4, 1.0f), HN_OK);
    hn_train_opts_default(&o);
    o.model = kind;
    o.dim = 8;
    o.hidden[0] = 16;
    o.epochs = 2;
    o.lr = 0.1;
    if (kind == HN_MODEL_LINEAR) o.solver = HN_SOLVER_DCD;
    assert_int_equal(hn_model_create(&o, 4, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    assert_int_equal(hn_model_grow(m, &o, 5, &e, &g, &err), HN_OK);
    assert_int_equal(hn_model_rows(g), hn_model_rows(m) + 1);
    assert_int_equal(hn_model_nclasses(g), 5);
    for (i = 0; i < d.n; i++) {
        hn_svec x = hn_dataset_get(&d, i);
        hn_model_margins(m, &x, za);
        hn_model_margins(g, &x, zb);
        for (k = 0; k < 4; k++) assert_double_near(za[k], zb[k], 1e-6);
        assert_double_near(zb[4], 0, 0);
    }
    /* training continues from there: the new class is learned */
    {
        hn_dataset both;
        float p[5];
        hn_dataset_init(&both);
        for (i = 0; i < d.n; i++) {
            hn_svec x = hn_dataset_get(&d, i);
            assert_int_equal(hn_dataset_add(&both, &x, d.label[i], 1.0f), HN_OK);
        }
        for (i = 0; i < 30; i++) assert_int_equal(hn_dataset_add(&both, &xn, 4, 1.0f), HN_OK);
        o.epochs = 5;
        assert_int_equal(hn_model_train(g, &both, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
        hn_model_predict(g, &xn, p);
        for (k = 0; k < 4; k++) assert_true(p[4] > p[k]);
        hn_dataset_free(&both);
    }
    hn_model_free(g);
    hn_model_free(m);
    hn_dataset_free(&d);
    hn_dataset_free(&e);
}

static void test_a_grown_model_keeps_its_rows_and_margins_and_adds_new_ones(void **state)
{
    (void)state;
    check_grow(HN_MODEL_LINEAR);
    check_grow(HN_MODEL_MLP);
}

static void test_growing_refuses_another_kind_shape_or_a_binary_to_multiclass_model(void **state)
{
    hn_dataset d;
    hn_train_opts o;
    hn_model *m = NULL, *g = NULL;
    hn_err err;
    (void)state;
    dcd_data(&d, 1, 71);
    hn_train_opts_default(&o);
    assert_int_equal(hn_model_create(&o, 2, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_grow(m, &o, 3, &d, &g, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "binary"));
    o.model = HN_MODEL_MLP;
    assert_int_equal(hn_model_grow(m, &o, 2, &d, &g, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "linear"));
    hn_model_free(m);
    o.dim = 8;
    o.hidden[0] = 16;
    assert_int_equal(hn_model_create(&o, 2, 10, &d, &m, &err), HN_OK);
    o.dim = 9;
    assert_int_equal(hn_model_grow(m, &o, 2, &d, &g, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--dim 8"));
    assert_null(g);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_batch_solver_options_are_checked(void **state)
{
    hn_train_opts o;
    hn_err err;
    (void)state;
    hn_train_opts_default(&o);
    o.solver = HN_SOLVER_DCD;
    o.loss = HN_LOSS_FOCAL;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--loss"));
    o.loss = HN_LOSS_SQHINGE;
    o.C = 0;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--C"));
    o.C = 1;
    o.model = HN_MODEL_MLP;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "linear"));
}

static void test_losses_stay_finite_at_extreme_margins(void **state)
{
    hn_train_opts o;
    float z[3] = {1e30f, -1e30f, 0}, g[3];
    int l;
    (void)state;
    hn_train_opts_default(&o);
    for (l = 0; l < HN_LOSS_COUNT; l++) {
        double a, b;
        o.loss = (hn_loss)l;
        a = hn_loss_grad((hn_loss)l, &o, 2, z, 0, 1, g, loss_work);
        assert_true(isfinite(a) && isfinite(g[0]));
        b = hn_loss_grad((hn_loss)l, &o, 3, z, 1, 1, g, loss_work);
        assert_true(isfinite(b) && isfinite(g[0]) && isfinite(g[1]) && isfinite(g[2]));
    }
}

static void test_focal_loss_with_gamma_zero_is_weighted_log_loss(void **state)
{
    hn_train_opts o;
    float z = 0.7f, g1, g2;
    double a, b;
    (void)state;
    hn_train_opts_default(&o);
    o.focal_gamma = 0;
    o.focal_alpha = 0.5;
    a = hn_loss_grad(HN_LOSS_FOCAL, &o, 2, &z, 1, 1, &g1, loss_work);
    b = hn_loss_grad(HN_LOSS_LOG, &o, 2, &z, 1, 1, &g2, loss_work);
    assert_double_near(a, 0.5 * b, 1e-7);
    assert_double_near(g1, 0.5 * g2, 1e-7);
}

/* Toy data: class = which of `nclasses` marker features is present, plus noise features. */
static void make_toy(hn_dataset *d, int32_t nclasses, int64_t n, uint64_t seed)
{
    uint64_t rng = seed;
    int64_t i;
    hn_dataset_init(d);
    for (i = 0; i < n; i++) {
        uint32_t idx[4];
        float val[4] = {0.5f, 0.5f, 0.5f, 0.5f};
        hn_svec x = {4, idx, val};
        int32_t t = (int32_t)hn_rng_below(&rng, (uint64_t)nclasses);
        idx[0] = (uint32_t)t;
        idx[1] = 100 + (uint32_t)hn_rng_below(&rng, 50);
        idx[2] = 200 + (uint32_t)hn_rng_below(&rng, 50);
        idx[3] = 300 + (uint32_t)hn_rng_below(&rng, 50);
        assert_int_equal(hn_dataset_add(d, &x, t, 1.0f), HN_OK);
    }
}

static int64_t train_errors(const hn_model *m, const hn_dataset *d)
{
    int64_t i, errs = 0;
    int32_t nc = hn_model_nclasses(m), k;
    float p[16];
    for (i = 0; i < d->n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        int32_t best = 0;
        hn_model_predict(m, &x, p);
        for (k = 1; k < nc; k++)
            if (p[k] > p[best]) best = k;
        errs += best != d->label[i];
    }
    return errs;
}

static void test_separable_toy_problems_reach_zero_training_error(void **state)
{
    int32_t nc;
    int l;
    (void)state;
    for (nc = 2; nc <= 4; nc += 2)
        for (l = 0; l < HN_LOSS_COUNT; l++) {
            hn_dataset d;
            hn_model *m;
            hn_train_opts o;
            hn_err err;
            if (l == HN_LOSS_RANK && nc > 2) continue; /* binary only */
            make_toy(&d, nc, 500, (uint64_t)(nc * 10 + l));
            hn_train_opts_default(&o);
            o.loss = (hn_loss)l;
            o.epochs = 10;
            if (l == HN_LOSS_RANK) o.batch = 16;
            assert_int_equal(hn_model_create(NULL, nc, 10, &d, &m, &err), HN_OK);
            assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
            if (train_errors(m, &d) != 0) {
                print_error("classes %d loss %s: %lld errors\n", nc, hn_loss_name((hn_loss)l), (long long)train_errors(m, &d));
                fail();
            }
            hn_model_free(m);
            hn_dataset_free(&d);
        }
}

static void test_sgd_and_l1_also_learn_the_toy_problem(void **state)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    hn_err err;
    (void)state;
    make_toy(&d, 3, 600, 9);
    hn_train_opts_default(&o);
    o.optim = HN_OPTIM_SGD;
    o.lr = 1.0;
    o.epochs = 20;
    o.l1 = 1e-4;
    assert_int_equal(hn_model_create(NULL, 3, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    assert_int_equal(train_errors(m, &d), 0);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static char *model_bytes(const hn_model *m, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    hn_err err;
    assert_non_null(f);
    assert_int_equal(hn_model_write(m, f, &err), HN_OK);
    fclose(f);
    return buf;
}

static void test_save_and_load_predict_the_same_probabilities_bit_for_bit(void **state)
{
    hn_dataset d;
    hn_model *m, *back;
    hn_train_opts o;
    hn_err err;
    char *buf;
    size_t len;
    int64_t i;
    int32_t nc;
    (void)state;
    for (nc = 2; nc <= 3; nc++) {
        make_toy(&d, nc, 300, 11);
        hn_train_opts_default(&o);
        assert_int_equal(hn_model_create(NULL, nc, 12, &d, &m, &err), HN_OK);
        assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
        buf = model_bytes(m, &len);
        assert_int_equal(hn_model_read((unsigned char *)buf, len, &back, &err), HN_OK);
        for (i = 0; i < d.n; i++) {
            hn_svec x = hn_dataset_get(&d, i);
            float p1[4], p2[4];
            hn_model_predict(m, &x, p1);
            hn_model_predict(back, &x, p2);
            assert_memory_equal(p1, p2, (size_t)nc * sizeof(float));
        }
        /* truncation anywhere is an error, never a crash */
        for (i = 0; i < (int64_t)len; i += 7) {
            hn_model *bad = NULL;
            assert_int_not_equal(hn_model_read((unsigned char *)buf, (size_t)i, &bad, &err), HN_OK);
            assert_null(bad);
        }
        free(buf);
        hn_model_free(m);
        hn_model_free(back);
        hn_dataset_free(&d);
    }
}

static void test_one_thread_training_is_reproducible(void **state)
{
    hn_dataset d;
    hn_model *a, *b;
    hn_train_opts o;
    hn_err err;
    char *ba, *bb;
    size_t la, lb;
    (void)state;
    make_toy(&d, 3, 400, 13);
    hn_train_opts_default(&o);
    o.seed = 77;
    assert_int_equal(hn_model_create(NULL, 3, 12, &d, &a, &err), HN_OK);
    assert_int_equal(hn_model_create(NULL, 3, 12, &d, &b, &err), HN_OK);
    assert_int_equal(hn_model_train(a, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    assert_int_equal(hn_model_train(b, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    ba = model_bytes(a, &la);
    bb = model_bytes(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    free(ba);
    free(bb);
    hn_model_free(a);
    hn_model_free(b);
    hn_dataset_free(&d);
}

static void test_hogwild_threads_still_learn(void **state)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    hn_err err;
    (void)state;
    make_toy(&d, 4, 2000, 15);
    hn_train_opts_default(&o);
    o.threads = 2;
    assert_int_equal(hn_model_create(NULL, 4, 12, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    assert_int_equal(train_errors(m, &d), 0);
    hn_model_free(m);
    hn_dataset_free(&d);
}

/* Train a fresh model on d with o at `threads` threads; its file bytes. */
static char *trained_bytes(const hn_dataset *d, int32_t nclasses, hn_train_opts o, int32_t threads, size_t *len)
{
    hn_model *m;
    hn_err err;
    char *buf;
    o.threads = threads;
    assert_int_equal(hn_model_create(NULL, nclasses, 12, d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    buf = model_bytes(m, len);
    hn_model_free(m);
    return buf;
}

/* --deterministic: 1, 2, 3 and 4 threads give the same bytes (binary and
 * multinomial, AdaGrad and SGD with L1, OHEM batches, the ranking loss),
 * and the model still learns. */
static void test_deterministic_training_gives_the_same_model_on_any_number_of_threads(void **state)
{
    int cfg;
    (void)state;
    for (cfg = 0; cfg < 5; cfg++) {
        hn_dataset d;
        hn_train_opts o;
        int32_t nc = cfg == 1 || cfg == 2 ? 4 : 2, t;
        char *ref;
        size_t lref;
        make_toy(&d, nc, 1500, (uint64_t)(40 + cfg));
        hn_train_opts_default(&o);
        o.deterministic = 1;
        o.epochs = 4;
        if (cfg == 2) {
            o.optim = HN_OPTIM_SGD;
            o.lr = 1.0;
            o.l1 = 1e-4;
        }
        if (cfg == 3) {
            o.batch = 16;
            o.ohem_keep = 0.5;
        }
        if (cfg == 4) {
            o.loss = HN_LOSS_RANK;
            o.batch = 16;
        }
        ref = trained_bytes(&d, nc, o, 1, &lref);
        for (t = 2; t <= 4; t++) {
            size_t l;
            char *b = trained_bytes(&d, nc, o, t, &l);
            if (l != lref || memcmp(b, ref, l) != 0) {
                print_error("config %d: %d threads differ from 1\n", cfg, (int)t);
                fail();
            }
            free(b);
        }
        { /* and it learns */
            hn_model *m;
            hn_err err;
            o.threads = 2;
            o.epochs = 10;
            assert_int_equal(hn_model_create(NULL, nc, 12, &d, &m, &err), HN_OK);
            assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
            assert_int_equal(train_errors(m, &d), 0);
            hn_model_free(m);
        }
        free(ref);
        hn_dataset_free(&d);
    }
}

/* Without --deterministic, one thread is the plain sequential trainer:
 * its model differs from the deterministic one (which is not the same
 * algorithm), so turning the option on is never silent. */
static void test_deterministic_is_a_different_trainer_from_one_thread(void **state)
{
    hn_dataset d;
    hn_train_opts o;
    char *a, *b;
    size_t la, lb;
    (void)state;
    make_toy(&d, 3, 1500, 50);
    hn_train_opts_default(&o);
    a = trained_bytes(&d, 3, o, 1, &la);
    o.deterministic = 1;
    b = trained_bytes(&d, 3, o, 1, &lb);
    assert_true(la != lb || memcmp(a, b, la) != 0);
    free(a);
    free(b);
    hn_dataset_free(&d);
}

static void test_a_huge_learning_rate_fails_with_a_numeric_error_naming_the_epoch(void **state)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    hn_err err;
    (void)state;
    make_toy(&d, 2, 200, 17);
    hn_train_opts_default(&o);
    o.optim = HN_OPTIM_SGD;
    o.lr = 1e38;
    o.loss = HN_LOSS_HINGE;
    assert_int_equal(hn_model_create(NULL, 2, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "epoch"));
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_class_weights_move_the_decision_toward_the_heavier_class(void **state)
{
    hn_dataset d;
    hn_model *m1, *m2;
    hn_train_opts o;
    hn_err err;
    float cw[2] = {1.0f, 20.0f}, p1[2], p2[2];
    uint32_t idx = 500;
    float val = 1.0f;
    hn_svec x = {1, &idx, &val};
    int i;
    (void)state;
    hn_dataset_init(&d);
    /* the same feature labeled 0 nine times and 1 once: ambiguous */
    for (i = 0; i < 10; i++) assert_int_equal(hn_dataset_add(&d, &x, i == 0, 1.0f), HN_OK);
    hn_train_opts_default(&o);
    o.epochs = 20;
    assert_int_equal(hn_model_create(NULL, 2, 10, &d, &m1, &err), HN_OK);
    assert_int_equal(hn_model_create(NULL, 2, 10, &d, &m2, &err), HN_OK);
    assert_int_equal(hn_model_train(m1, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
    assert_int_equal(hn_model_train(m2, &d, &o, cw, NULL, NULL, NULL, &err), HN_OK);
    hn_model_predict(m1, &x, p1);
    hn_model_predict(m2, &x, p2);
    assert_true(p1[1] < 0.5f);
    assert_true(p2[1] > 0.5f);
    hn_model_free(m1);
    hn_model_free(m2);
    hn_dataset_free(&d);
}

static void test_stop_flag_interrupts_training(void **state)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    hn_err err;
    volatile int stop = 1;
    (void)state;
    make_toy(&d, 2, 100, 19);
    hn_train_opts_default(&o);
    assert_int_equal(hn_model_create(NULL, 2, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, &stop, &err), HN_ERR_INTERRUPTED);
    hn_model_free(m);
    hn_dataset_free(&d);
}

static void test_bad_training_options_are_rejected_with_the_option_name(void **state)
{
    hn_train_opts o;
    hn_err err;
    (void)state;
    hn_train_opts_default(&o);
    o.lr = 0;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "--lr"));
    hn_train_opts_default(&o);
    o.lr = NAN;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
    hn_train_opts_default(&o);
    o.epochs = 0;
    assert_int_equal(hn_train_opts_check(&o, &err), HN_ERR_ARG);
}

static void test_ranking_pair_gradient_matches_finite_differences(void **state)
{
    uint64_t rng = 23;
    int trial;
    (void)state;
    for (trial = 0; trial < 200; trial++) {
        float zp = (float)(hn_rng_uniform(&rng) * 10 - 5), zn = (float)(hn_rng_uniform(&rng) * 10 - 5), gp, gn, a, b;
        double h = 1e-3, np_, nn;
        np_ = (hn_rank_pair_grad(zp + (float)h, zn, 2, &a, &b) - hn_rank_pair_grad(zp - (float)h, zn, 2, &a, &b)) / (2 * h);
        nn = (hn_rank_pair_grad(zp, zn + (float)h, 2, &a, &b) - hn_rank_pair_grad(zp, zn - (float)h, 2, &a, &b)) / (2 * h);
        hn_rank_pair_grad(zp, zn, 2, &gp, &gn);
        assert_double_near(np_, gp, 2e-3 * (1 + fabs(np_)));
        assert_double_near(nn, gn, 2e-3 * (1 + fabs(nn)));
    }
}

static void test_ohem_keeping_a_fraction_of_negatives_still_learns(void **state)
{
    int32_t nc;
    (void)state;
    for (nc = 2; nc <= 4; nc += 2) {
        hn_dataset d;
        hn_model *m;
        hn_train_opts o;
        hn_err err;
        make_toy(&d, nc, 800, 31);
        hn_train_opts_default(&o);
        o.epochs = 10;
        o.batch = 32;
        o.ohem_keep = 0.25;
        o.negative_class = nc == 2 ? -1 : 0;
        assert_int_equal(hn_model_create(NULL, nc, 10, &d, &m, &err), HN_OK);
        assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_OK);
        assert_int_equal(train_errors(m, &d), 0);
        hn_model_free(m);
        hn_dataset_free(&d);
    }
}

static void test_ranking_loss_is_refused_for_multiclass_models(void **state)
{
    hn_dataset d;
    hn_model *m;
    hn_train_opts o;
    hn_err err;
    (void)state;
    make_toy(&d, 3, 50, 33);
    hn_train_opts_default(&o);
    o.loss = HN_LOSS_RANK;
    assert_int_equal(hn_model_create(NULL, 3, 10, &d, &m, &err), HN_OK);
    assert_int_equal(hn_model_train(m, &d, &o, NULL, NULL, NULL, NULL, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "binary"));
    hn_model_free(m);
    hn_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_loss_gradient_matches_finite_differences),
        cmocka_unit_test(test_focal_loss_gradient_matches_finite_differences),
        cmocka_unit_test(test_hinge_loss_gradient_matches_finite_differences),
        cmocka_unit_test(test_squared_hinge_gradient_matches_finite_differences),
        cmocka_unit_test(test_batch_solver_reaches_the_optimum_of_every_loss_on_a_non_separable_problem),
        cmocka_unit_test(test_batch_solver_reaches_the_optimum_of_every_loss_on_a_separable_problem),
        cmocka_unit_test(test_batch_solver_gives_the_same_model_on_any_number_of_threads),
        cmocka_unit_test(test_a_warm_started_path_over_C_ends_at_the_cold_optimum),
        cmocka_unit_test(test_an_anchored_solve_reaches_the_optimum_regularized_toward_the_initial_weights),
        cmocka_unit_test(test_a_solve_warm_started_from_a_subset_ends_at_the_cold_optimum),
        cmocka_unit_test(test_a_grown_model_keeps_its_rows_and_margins_and_adds_new_ones),
        cmocka_unit_test(test_growing_refuses_another_kind_shape_or_a_binary_to_multiclass_model),
        cmocka_unit_test(test_batch_solver_options_are_checked),
        cmocka_unit_test(test_losses_stay_finite_at_extreme_margins),
        cmocka_unit_test(test_focal_loss_with_gamma_zero_is_weighted_log_loss),
        cmocka_unit_test(test_separable_toy_problems_reach_zero_training_error),
        cmocka_unit_test(test_sgd_and_l1_also_learn_the_toy_problem),
        cmocka_unit_test(test_save_and_load_predict_the_same_probabilities_bit_for_bit),
        cmocka_unit_test(test_one_thread_training_is_reproducible),
        cmocka_unit_test(test_hogwild_threads_still_learn),
        cmocka_unit_test(test_deterministic_training_gives_the_same_model_on_any_number_of_threads),
        cmocka_unit_test(test_deterministic_is_a_different_trainer_from_one_thread),
        cmocka_unit_test(test_a_huge_learning_rate_fails_with_a_numeric_error_naming_the_epoch),
        cmocka_unit_test(test_class_weights_move_the_decision_toward_the_heavier_class),
        cmocka_unit_test(test_stop_flag_interrupts_training),
        cmocka_unit_test(test_bad_training_options_are_rejected_with_the_option_name),
        cmocka_unit_test(test_ranking_pair_gradient_matches_finite_differences),
        cmocka_unit_test(test_ohem_keeping_a_fraction_of_negatives_still_learns),
        cmocka_unit_test(test_ranking_loss_is_refused_for_multiclass_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
