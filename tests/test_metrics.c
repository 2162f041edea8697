/* test_metrics.c - binary, multi-class, reject-option and bootstrap metrics,
 * and the SVG plot, against values computed by hand
 *
 * The binary fixture is tests/data/scores_ties.tsv as 0/1 (spam = 1):
 *   score  0.9  0.8  0.7  0.6    0.5  0.4  0.3  0.2  0.1  0.05
 *   gold   1    1 0  1    0 0 1  0 0  0    1 0  0    0 0  0
 * 5 positives, 11 negatives, ties at 0.8, 0.6, 0.5, 0.3 and 0.1.
 * tests/cli/eval_sklearn.sh checks the same figures against scikit-learn.
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

#include "src/eval/metrics.h"
#include "src/eval/threshold.h"
#include "src/base/rng.h"
#include "src/eval/svgplot.h"
#include "tests/test_helpers.h"

#define TOL 1e-12

static const int32_t ties_gold[16] = {1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
static const double ties_score[16] = {0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.5, 0.4, 0.3, 0.3, 0.2, 0.1, 0.1, 0.05};

static void compute_ties(hn_binary_metrics *m, double threshold)
{
    hn_err err;
    assert_int_equal(hn_binary_compute(ties_gold, ties_score, 16, threshold, m, &err), HN_OK);
}

static void test_counts_and_threshold_figures_at_one_half(void **state)
{
    hn_binary_metrics m;
    (void)state;
    compute_ties(&m, 0.5);
    /* score >= 0.5: the top nine, 4 of them positive. */
    assert_int_equal(m.tp, 4);
    assert_int_equal(m.fp, 5);
    assert_int_equal(m.tn, 6);
    assert_int_equal(m.fn, 1);
    assert_int_equal(m.positives, 5);
    assert_int_equal(m.negatives, 11);
    assert_double_near(m.accuracy, 10.0 / 16.0, TOL);
    assert_double_near(m.precision, 4.0 / 9.0, TOL);
    assert_double_near(m.recall, 4.0 / 5.0, TOL);
    assert_double_near(m.f1, 8.0 / 14.0, TOL);
    /* (4 * 6 - 5 * 1) / sqrt(9 * 5 * 11 * 7) */
    assert_double_near(m.mcc, 19.0 / sqrt(3465.0), TOL);
    assert_double_near(m.false_positive_rate, 5.0 / 11.0, TOL);
    assert_double_near(m.baseline_accuracy, 11.0 / 16.0, TOL);
    hn_binary_free(&m);
}

static void test_roc_auc_counts_tied_pairs_as_one_half(void **state)
{
    hn_binary_metrics m;
    (void)state;
    compute_ties(&m, 0.5);
    /* Per negative, positives above it plus half the tied ones:
     * 0.8: 1.5; 0.6: 3.5 x2; 0.5: 4 x2; 0.4: 4; 0.3: 4.5; 0.2, 0.1 x2, 0.05: 5 x4 -> 45 of 55. */
    assert_true(m.has_roc_auc);
    assert_double_near(m.roc_auc, 45.0 / 55.0, TOL);
    hn_binary_free(&m);
}

static void test_average_precision_is_the_step_sum_over_distinct_scores(void **state)
{
    hn_binary_metrics m;
    (void)state;
    compute_ties(&m, 0.5);
    /* Recall steps of 1/5 at 0.9, 0.8, 0.7, 0.6, 0.3 with precisions 1, 2/3, 3/4, 4/7, 5/12. */
    assert_true(m.has_average_precision);
    assert_double_near(m.average_precision, (1.0 + 2.0 / 3.0 + 3.0 / 4.0 + 4.0 / 7.0 + 5.0 / 12.0) / 5.0, TOL);
    hn_binary_free(&m);
}

static void test_pr_curve_has_a_point_per_distinct_score_in_sklearn_order(void **state)
{
    hn_binary_metrics m;
    (void)state;
    compute_ties(&m, 0.5);
    assert_int_equal(m.curve_len, 11);
    assert_double_near(m.curve[0].threshold, 0.05, 0);
    assert_double_near(m.curve[0].precision, 5.0 / 16.0, TOL);
    assert_double_near(m.curve[0].recall, 1.0, TOL);
    assert_double_near(m.curve[6].threshold, 0.6, 0);  /* 0.6 with its three tied examples */
    assert_int_equal(m.curve[6].tp, 4);
    assert_int_equal(m.curve[6].fp, 3);
    assert_double_near(m.curve[9].threshold, 0.9, 0);
    assert_double_near(m.curve[9].precision, 1.0, TOL);
    assert_double_near(m.curve[9].recall, 0.2, TOL);
    assert_true(isinf(m.curve[10].threshold));
    assert_double_near(m.curve[10].precision, 1.0, 0);
    assert_double_near(m.curve[10].recall, 0.0, 0);
    hn_binary_free(&m);
    hn_binary_free(&m);  /* twice is harmless */
}

static void test_precision_at_recall_takes_the_best_point_meeting_the_target(void **state)
{
    hn_binary_metrics m;
    hn_pr_target t;
    (void)state;
    compute_ties(&m, 0.5);
    /* recall 1 is first reached at 0.3 (5/12); lower thresholds are worse. */
    t = hn_pr_precision_at_recall(m.curve, m.curve_len, 0.9);
    assert_true(t.reached);
    assert_double_near(t.precision, 5.0 / 12.0, TOL);
    assert_double_near(t.recall, 1.0, TOL);
    assert_double_near(t.threshold, 0.3, 0);
    /* recall >= 0.5: 0.7 gives 3/4 at recall 0.6, better than 0.6 (4/7). */
    t = hn_pr_precision_at_recall(m.curve, m.curve_len, 0.5);
    assert_double_near(t.precision, 0.75, TOL);
    assert_double_near(t.threshold, 0.7, 0);
    hn_binary_free(&m);
}

static void test_recall_at_precision_takes_the_best_point_meeting_the_target(void **state)
{
    hn_binary_metrics m;
    hn_pr_target t;
    (void)state;
    compute_ties(&m, 0.5);
    t = hn_pr_recall_at_precision(m.curve, m.curve_len, 0.7);
    assert_true(t.reached);
    assert_double_near(t.recall, 0.6, TOL);
    assert_double_near(t.precision, 0.75, TOL);
    assert_double_near(t.threshold, 0.7, 0);
    t = hn_pr_recall_at_precision(m.curve, m.curve_len, 1.0);
    assert_true(t.reached);
    assert_double_near(t.recall, 0.2, TOL);
    assert_double_near(t.threshold, 0.9, 0);
    hn_binary_free(&m);
}

static void test_a_target_no_operating_point_meets_is_not_reached(void **state)
{
    static const int32_t g[2] = {0, 1};
    static const double s[2] = {0.9, 0.1};
    hn_binary_metrics m;
    hn_pr_target t;
    (void)state;
    assert_int_equal(hn_binary_compute(g, s, 2, 0.5, &m, NULL), HN_OK);
    /* The top example is negative: precision 1 only at the (recall 0) end point, which does not count. */
    t = hn_pr_recall_at_precision(m.curve, m.curve_len, 1.0);
    assert_false(t.reached);
    assert_double_near(t.recall, 0.0, 0);
    assert_double_near(m.roc_auc, 0.0, TOL);
    assert_double_near(m.average_precision, 0.5, TOL);
    t = hn_pr_precision_at_recall(NULL, 0, 0.5);
    assert_false(t.reached);
    hn_binary_free(&m);
}

static void test_all_tied_scores_give_auc_one_half_and_ap_the_prevalence(void **state)
{
    static const int32_t g[5] = {1, 0, 0, 1, 0};
    static const double s[5] = {0.3, 0.3, 0.3, 0.3, 0.3};
    hn_binary_metrics m;
    (void)state;
    assert_int_equal(hn_binary_compute(g, s, 5, 0.5, &m, NULL), HN_OK);
    assert_double_near(m.roc_auc, 0.5, TOL);
    assert_double_near(m.average_precision, 0.4, TOL);
    assert_int_equal(m.curve_len, 2);
    /* Nothing predicted positive at 0.5: precision and F1 are 0, not NaN. */
    assert_int_equal(m.tp + m.fp, 0);
    assert_double_near(m.precision, 0.0, 0);
    assert_double_near(m.f1, 0.0, 0);
    assert_double_near(m.mcc, 0.0, 0);
    hn_binary_free(&m);
}

static void test_no_positives_leaves_auc_and_ap_undefined_not_nan(void **state)
{
    static const int32_t g[4] = {0, 0, 0, 0};
    static const double s[4] = {0.9, 0.2, 0.2, 0.7};
    hn_binary_metrics m;
    (void)state;
    assert_int_equal(hn_binary_compute(g, s, 4, 0.5, &m, NULL), HN_OK);
    assert_false(m.has_roc_auc);
    assert_false(m.has_average_precision);
    assert_false(isnan(m.roc_auc) || isnan(m.average_precision) || isnan(m.recall) || isnan(m.mcc));
    assert_null(m.curve);
    assert_int_equal(m.curve_len, 0);
    assert_double_near(m.accuracy, 0.5, TOL);
    assert_double_near(m.false_positive_rate, 0.5, TOL);
    hn_binary_free(&m);
}

static void test_no_negatives_leaves_only_auc_undefined(void **state)
{
    static const int32_t g[3] = {1, 1, 1};
    static const double s[3] = {0.9, 0.2, 0.7};
    hn_binary_metrics m;
    (void)state;
    assert_int_equal(hn_binary_compute(g, s, 3, 0.5, &m, NULL), HN_OK);
    assert_false(m.has_roc_auc);
    assert_true(m.has_average_precision);
    assert_double_near(m.average_precision, 1.0, TOL);
    assert_double_near(m.false_positive_rate, 0.0, 0);
    hn_binary_free(&m);
}

static void test_bad_binary_input_is_an_argument_error(void **state)
{
    static const int32_t g[2] = {1, 2};
    static const int32_t ok[2] = {1, 0};
    const double s[2] = {0.5, NAN};
    static const double fine[2] = {0.5, 0.1};
    hn_binary_metrics m;
    hn_err err;
    (void)state;
    assert_int_equal(hn_binary_compute(g, fine, 2, 0.5, &m, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "not 0 or 1"));
    assert_int_equal(hn_binary_compute(ok, s, 2, 0.5, &m, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "NaN"));
    assert_int_equal(hn_binary_compute(ok, fine, 0, 0.5, &m, &err), HN_ERR_ARG);
    assert_int_equal(hn_binary_compute(ok, fine, 2, NAN, &m, NULL), HN_ERR_ARG);
}

static void test_infinite_scores_rank_at_the_ends(void **state)
{
    const int32_t g[4] = {1, 0, 1, 0};
    const double s[4] = {INFINITY, -INFINITY, 0.5, 0.5};
    hn_binary_metrics m;
    (void)state;
    assert_int_equal(hn_binary_compute(g, s, 4, 0.5, &m, NULL), HN_OK);
    /* pairs (pos, neg): inf>-inf, inf>0.5, 0.5>-inf, 0.5=0.5 (1/2) -> 3.5 of 4 */
    assert_double_near(m.roc_auc, 3.5 / 4.0, TOL);
    hn_binary_free(&m);
}

/* ---- multi-class ------------------------------------------------------- */

/* gold 0 0 1 1 2 2, pred 0 1 1 1 0 3; class 3 only predicted, class 4 nowhere. */
static const int32_t mc_gold[6] = {0, 0, 1, 1, 2, 2};
static const int32_t mc_pred[6] = {0, 1, 1, 1, 0, 3};

static void test_multiclass_per_class_figures_use_zero_division_zero(void **state)
{
    hn_multiclass_metrics m;
    (void)state;
    assert_int_equal(hn_multiclass_compute(mc_gold, mc_pred, 6, 5, &m, NULL), HN_OK);
    assert_double_near(m.accuracy, 0.5, TOL);
    assert_double_near(m.per_class[0].precision, 0.5, TOL);
    assert_double_near(m.per_class[1].precision, 2.0 / 3.0, TOL);
    assert_double_near(m.per_class[1].recall, 1.0, TOL);
    assert_double_near(m.per_class[1].f1, 0.8, TOL);
    /* class 2: gold but never predicted; class 3: predicted but never gold */
    assert_double_near(m.per_class[2].precision, 0.0, 0);
    assert_double_near(m.per_class[3].recall, 0.0, 0);
    assert_int_equal(m.per_class[2].support, 2);
    assert_int_equal(m.per_class[3].predicted, 1);
    assert_true(m.per_class[3].used);
    assert_false(m.per_class[4].used);
    assert_int_equal(m.classes_used, 4);
    assert_int_equal(m.confusion[2 * 5 + 3], 1);
    assert_int_equal(m.confusion[1 * 5 + 1], 2);
    hn_multiclass_free(&m);
    hn_multiclass_free(&m);
}

static void test_multiclass_averages_skip_classes_absent_everywhere(void **state)
{
    hn_multiclass_metrics m;
    (void)state;
    assert_int_equal(hn_multiclass_compute(mc_gold, mc_pred, 6, 5, &m, NULL), HN_OK);
    assert_double_near(m.macro_precision, (0.5 + 2.0 / 3.0) / 4.0, TOL);
    assert_double_near(m.macro_recall, (0.5 + 1.0) / 4.0, TOL);
    assert_double_near(m.macro_f1, (0.5 + 0.8) / 4.0, TOL);
    assert_double_near(m.weighted_precision, (0.5 * 2 + 2.0 / 3.0 * 2) / 6.0, TOL);
    assert_double_near(m.weighted_recall, (0.5 * 2 + 1.0 * 2) / 6.0, TOL);
    assert_double_near(m.weighted_f1, (0.5 * 2 + 0.8 * 2) / 6.0, TOL);
    assert_double_near(m.micro_precision, 0.5, TOL);
    assert_double_near(m.micro_recall, 0.5, TOL);
    assert_double_near(m.micro_f1, 0.5, TOL);
    hn_multiclass_free(&m);
}

static void test_most_confused_pairs_come_largest_first(void **state)
{
    static const int32_t g[7] = {0, 0, 1, 1, 2, 2, 2};
    static const int32_t p[7] = {0, 1, 1, 1, 0, 3, 3};
    hn_multiclass_metrics m;
    hn_confusion_pair top[3];
    (void)state;
    assert_int_equal(hn_multiclass_compute(g, p, 7, 4, &m, NULL), HN_OK);
    assert_int_equal(hn_multiclass_top_confusions(&m, top, 3), 3);
    assert_int_equal(top[0].gold, 2);
    assert_int_equal(top[0].pred, 3);
    assert_int_equal(top[0].count, 2);
    assert_int_equal(top[1].gold, 0);  /* ties: lower gold id first */
    assert_int_equal(top[1].pred, 1);
    assert_int_equal(top[2].gold, 2);
    assert_int_equal(top[2].pred, 0);
    assert_int_equal(hn_multiclass_top_confusions(&m, top, 1), 1);
    assert_int_equal(top[0].count, 2);
    hn_multiclass_free(&m);
}

static void test_multiclass_rejects_ids_out_of_range(void **state)
{
    static const int32_t g[2] = {0, 3};
    static const int32_t p[2] = {0, 1};
    hn_multiclass_metrics m;
    hn_err err;
    (void)state;
    assert_int_equal(hn_multiclass_compute(g, p, 2, 3, &m, &err), HN_ERR_ARG);
    assert_non_null(strstr(err.msg, "outside"));
    assert_null(m.per_class);
}

/* ---- reject option ----------------------------------------------------- */

static void test_reject_option_follows_the_clinc150_definitions(void **state)
{
    /* ids: 0 = A, 1 = B, 2 = oos */
    static const int32_t g[6] = {0, 0, 1, 2, 2, 2};
    static const int32_t p[6] = {0, 2, 1, 2, 0, 1};
    hn_reject_metrics r;
    (void)state;
    assert_int_equal(hn_reject_compute(g, p, 6, 2, &r, NULL), HN_OK);
    /* in scope: A->A right, A->oos wrong (rejecting is wrong), B->B right */
    assert_double_near(r.in_scope_accuracy, 2.0 / 3.0, TOL);
    assert_double_near(r.oos_recall, 1.0 / 3.0, TOL);
    assert_double_near(r.oos_precision, 1.0 / 2.0, TOL);
    assert_true(r.has_in_scope_accuracy && r.has_oos_recall && r.has_oos_precision);
}

static void test_reject_option_without_oos_gold_leaves_recall_undefined(void **state)
{
    static const int32_t g[3] = {0, 1, 1};
    static const int32_t p[3] = {0, 1, 0};
    hn_reject_metrics r;
    (void)state;
    assert_int_equal(hn_reject_compute(g, p, 3, 2, &r, NULL), HN_OK);
    assert_false(r.has_oos_recall);
    assert_false(r.has_oos_precision);
    assert_double_near(r.in_scope_accuracy, 2.0 / 3.0, TOL);
    assert_int_equal(hn_reject_compute(g, p, 3, -1, &r, NULL), HN_OK);
    assert_int_equal(r.in_scope, 3);
}

/* ---- bootstrap --------------------------------------------------------- */

static void test_binary_bootstrap_round_equals_metrics_of_the_resample(void **state)
{
    /* One round: the interval collapses to the figure of the one resample,
     * which we rebuild from the documented draws and evaluate directly. */
    int32_t g[16];
    double s[16];
    hn_binary_boot b;
    hn_binary_metrics m;
    uint64_t rng = 99;
    int i, tries;
    (void)state;
    for (tries = 0; tries < 20; tries++) {
        uint64_t seed = 99 + (uint64_t)tries;
        rng = seed;
        for (i = 0; i < 16; i++) {
            int j = (int)hn_rng_below(&rng, 16);
            g[i] = ties_gold[j];
            s[i] = ties_score[j];
        }
        assert_int_equal(hn_binary_bootstrap(ties_gold, ties_score, 16, 0.5, 1, seed, &b, NULL), HN_OK);
        assert_int_equal(hn_binary_compute(g, s, 16, 0.5, &m, NULL), HN_OK);
        assert_double_near(b.accuracy.lo, m.accuracy, TOL);
        assert_double_near(b.accuracy.hi, m.accuracy, TOL);
        assert_double_near(b.f1.lo, m.f1, TOL);
        assert_int_equal(b.roc_auc.valid, m.has_roc_auc);
        if (m.has_roc_auc) assert_double_near(b.roc_auc.lo, m.roc_auc, TOL);
        if (m.has_average_precision) assert_double_near(b.average_precision.hi, m.average_precision, TOL);
        hn_binary_free(&m);
    }
}

static void test_binary_bootstrap_is_deterministic_and_brackets_the_estimate(void **state)
{
    hn_binary_boot a, b;
    (void)state;
    assert_int_equal(hn_binary_bootstrap(ties_gold, ties_score, 16, 0.5, 500, 7, &a, NULL), HN_OK);
    assert_int_equal(hn_binary_bootstrap(ties_gold, ties_score, 16, 0.5, 500, 7, &b, NULL), HN_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.accuracy.valid, 500);
    assert_true(a.roc_auc.valid > 0 && a.roc_auc.valid <= 500);
    assert_true(a.accuracy.lo <= 10.0 / 16.0 && 10.0 / 16.0 <= a.accuracy.hi);
    assert_true(a.roc_auc.lo <= 45.0 / 55.0 && 45.0 / 55.0 <= a.roc_auc.hi);
    assert_true(a.average_precision.lo < a.average_precision.hi);
    assert_int_equal(hn_binary_bootstrap(ties_gold, ties_score, 16, 0.5, 0, 7, &a, NULL), HN_ERR_ARG);
}

static void test_bootstrap_skips_resamples_without_positives(void **state)
{
    int32_t g[40] = {0};
    double s[40];
    hn_binary_boot b;
    int i;
    (void)state;
    for (i = 0; i < 40; i++) s[i] = i / 40.0;
    g[39] = 1;  /* a single positive: about e^-1 of resamples miss it */
    assert_int_equal(hn_binary_bootstrap(g, s, 40, 0.5, 300, 3, &b, NULL), HN_OK);
    assert_true(b.average_precision.valid > 100 && b.average_precision.valid < 300);
    assert_int_equal(b.accuracy.valid, 300);
    assert_false(isnan(b.average_precision.lo) || isnan(b.roc_auc.hi));
}

static void test_multiclass_bootstrap_round_equals_metrics_of_the_resample(void **state)
{
    static const int32_t g[8] = {0, 0, 1, 1, 2, 2, 2, 1};
    static const int32_t p[8] = {0, 2, 1, 1, 0, 2, 2, 2};
    int32_t rg[8], rp[8];
    hn_multiclass_boot b;
    hn_multiclass_metrics m;
    hn_reject_metrics r;
    uint64_t rng = 5;
    int i;
    (void)state;
    for (i = 0; i < 8; i++) {
        int j = (int)hn_rng_below(&rng, 8);
        rg[i] = g[j];
        rp[i] = p[j];
    }
    assert_int_equal(hn_multiclass_bootstrap(g, p, 8, 3, 2, 1, 5, &b, NULL), HN_OK);
    assert_int_equal(hn_multiclass_compute(rg, rp, 8, 3, &m, NULL), HN_OK);
    assert_int_equal(hn_reject_compute(rg, rp, 8, 2, &r, NULL), HN_OK);
    assert_double_near(b.accuracy.lo, m.accuracy, TOL);
    assert_double_near(b.macro_f1.hi, m.macro_f1, TOL);
    assert_int_equal(b.in_scope_accuracy.valid, r.has_in_scope_accuracy);
    if (r.has_in_scope_accuracy) assert_double_near(b.in_scope_accuracy.lo, r.in_scope_accuracy, TOL);
    if (r.has_oos_recall) assert_double_near(b.oos_recall.lo, r.oos_recall, TOL);
    hn_multiclass_free(&m);
}

/* ---- SVG plot ---------------------------------------------------------- */

static char *plot_to_string(const hn_plot_curve *c, int32_t n, hn_status *st)
{
    FILE *f = tmpfile();
    long len;
    char *buf;
    assert_non_null(f);
    *st = hn_svgplot_pr_write(f, c, n, "PR <test>", NULL);
    len = ftell(f);
    rewind(f);
    buf = calloc((size_t)len + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return buf;
}

static void test_svg_plot_has_axes_legend_and_one_path_per_curve(void **state)
{
    hn_binary_metrics m;
    hn_plot_curve c[2];
    hn_status st;
    char *svg;
    (void)state;
    compute_ties(&m, 0.5);
    memset(c, 0, sizeof c);
    c[0].name = "round 1 & <baseline>";
    c[0].points = m.curve;
    c[0].n = m.curve_len;
    c[0].has_ap = 1;
    c[0].average_precision = m.average_precision;
    c[1].name = "no positives";
    svg = plot_to_string(c, 2, &st);
    assert_int_equal(st, HN_OK);
    assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(svg, ">Recall</text>"));
    assert_non_null(strstr(svg, ">Precision</text>"));
    assert_non_null(strstr(svg, "PR &lt;test&gt;"));
    assert_non_null(strstr(svg, "round 1 &amp; &lt;baseline&gt; (AP 0.6810)"));
    assert_non_null(strstr(svg, "no positives (AP undefined)"));
    assert_non_null(strstr(svg, "<path class=\"curve\" stroke=\"#0072B2\" d=\"M"));
    assert_null(strstr(svg, "#D55E00\" d=\""));  /* the empty curve draws no path */
    assert_non_null(strstr(svg, ">0.5</text>"));
    assert_non_null(strstr(svg, "</svg>\n"));
    /* The step path starts at (recall 1, precision 5/16) and ends at (0, 1): x 80..680, y 50..470. */
    assert_non_null(strstr(svg, "d=\"M680.0 338.8"));
    assert_non_null(strstr(svg, " L80.0 50.0\"/>"));
    free(svg);
    hn_binary_free(&m);
}

static void test_svg_plot_thins_long_curves(void **state)
{
    enum { N = 200001 };
    hn_pr_point *p = calloc(N, sizeof *p);
    hn_plot_curve c;
    hn_status st;
    char *svg;
    int i;
    (void)state;
    assert_non_null(p);
    for (i = 0; i < N; i++) {
        p[i].recall = 1.0 - (double)i / (N - 1);
        p[i].precision = 0.5 + 0.4 * ((i * 7919) % 1000) / 1000.0;  /* jagged */
    }
    p[N - 1].precision = 1.0;
    memset(&c, 0, sizeof c);
    c.name = "long";
    c.points = p;
    c.n = N;
    svg = plot_to_string(&c, 1, &st);
    assert_int_equal(st, HN_OK);
    assert_true(strlen(svg) < 400000);  /* at most ~4 vertices per 0.1 px column */
    free(svg);
    free(p);
}

static void test_svg_plot_refuses_points_outside_the_unit_square(void **state)
{
    hn_pr_point p[2] = {{0.5, 1.5, 1.0, 1, 0}, {INFINITY, 1.0, 0.0, 0, 0}};
    hn_plot_curve c;
    hn_err err;
    FILE *f = tmpfile();
    (void)state;
    memset(&c, 0, sizeof c);
    c.name = "bad";
    c.points = p;
    c.n = 2;
    assert_int_equal(hn_svgplot_pr_write(f, &c, 1, NULL, &err), HN_ERR_ARG);
    assert_int_equal(hn_svgplot_pr_write(f, &c, 0, NULL, &err), HN_ERR_ARG);
    fclose(f);
}

/* Reject thresholds with a floor on in-scope accuracy: six in-scope
 * examples (top probabilities .9 .8 .7 .6 .5 .4; the one at .4 is wrong)
 * and four out-of-scope ones (.65 .55 .45 .35, never predicted oos).
 * Rejecting below .5 keeps every right in-scope answer (5/6) and catches
 * .45 and .35: recall 2/4. Rejecting below .6 costs one right answer
 * (4/6) and catches three. */
static void test_reject_threshold_at_an_in_scope_floor(void **state)
{
    static const double p[10] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.65, 0.55, 0.45, 0.35};
    static const int32_t top[10] = {1, 2, 3, 1, 2, 1, 1, 2, 3, 1};
    static const int32_t gold[10] = {1, 2, 3, 1, 2, 3, 0, 0, 0, 0};
    double t, v;
    hn_err err;
    (void)state;
    assert_int_equal(hn_threshold_reject_at(p, top, gold, 10, 0, 5.0 / 6, &t, &v, &err), HN_OK);
    assert_double_near(t, 0.5, 0);
    assert_double_near(v, 0.5, 1e-12);
    assert_int_equal(hn_threshold_reject_at(p, top, gold, 10, 0, 4.0 / 6, &t, &v, &err), HN_OK);
    assert_double_near(t, 0.6, 0);
    assert_double_near(v, 0.75, 1e-12);
    /* a floor nothing reaches: in-scope accuracy - 1 at threshold 0 */
    assert_int_equal(hn_threshold_reject_at(p, top, gold, 10, 0, 0.9, &t, &v, &err), HN_OK);
    assert_double_near(t, 0, 0);
    assert_double_near(v, 5.0 / 6 - 1, 1e-12);
    assert_int_equal(hn_threshold_reject(p, top, gold, 10, 0, HN_REJECT_OOS_AT_IN_SCOPE, &t, &v, &err), HN_ERR_ARG);
}

/* The reject curve on the same ten examples: T = 0 first (the arg max
 * decision: 5/6 in scope, nothing caught), one point per distinct top
 * probability above the lowest, one above the largest (everything
 * rejected: 0 and 4/4);
 * every point equals hn_reject_compute of the predictions its threshold
 * makes, and hn_reject_curve_at finds the point any threshold makes. */
static void test_reject_curve_points_are_the_thresholded_predictions(void **state)
{
    static const double p[10] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.65, 0.55, 0.45, 0.35};
    static const int32_t top[10] = {1, 2, 3, 1, 2, 1, 1, 2, 3, 1};
    static const int32_t gold[10] = {1, 2, 3, 1, 2, 3, 0, 0, 0, 0};
    static const double probe[6] = {0, 0.3, 0.5, 0.52, 0.9, 1};
    hn_reject_curve c;
    hn_reject_metrics rj;
    int32_t pred[10];
    int64_t j, i;
    hn_err err;
    (void)state;
    assert_int_equal(hn_reject_curve_compute(p, top, gold, 10, 0, &c, &err), HN_OK);
    assert_int_equal(c.len, 11); /* T = 0 stands for the lowest, .35 */
    assert_int_equal(c.in_scope, 6);
    assert_int_equal(c.oos, 4);
    assert_double_near(c.points[0].threshold, 0, 0);
    assert_double_near(c.points[0].in_scope_accuracy, 5.0 / 6, 1e-15);
    assert_double_near(c.points[0].oos_recall, 0, 0);
    assert_double_near(c.points[10].in_scope_accuracy, 0, 0);
    assert_double_near(c.points[10].oos_recall, 1, 0);
    for (j = 0; j < c.len; j++) {
        if (j) assert_true(c.points[j].threshold > c.points[j - 1].threshold);
        for (i = 0; i < 10; i++) pred[i] = p[i] < c.points[j].threshold ? 0 : top[i];
        assert_int_equal(hn_reject_compute(gold, pred, 10, 0, &rj, &err), HN_OK);
        assert_int_equal(c.points[j].in_scope_correct, rj.in_scope_correct);
        assert_int_equal(c.points[j].oos_caught, rj.oos_caught);
        assert_double_near(c.points[j].in_scope_accuracy, rj.in_scope_accuracy, 1e-15);
        assert_double_near(c.points[j].oos_recall, rj.oos_recall, 1e-15);
    }
    for (j = 0; j < 6; j++) {
        hn_reject_point q = hn_reject_curve_at(&c, probe[j]);
        for (i = 0; i < 10; i++) pred[i] = p[i] < probe[j] ? 0 : top[i];
        assert_int_equal(hn_reject_compute(gold, pred, 10, 0, &rj, &err), HN_OK);
        assert_int_equal(q.in_scope_correct, rj.in_scope_correct);
        assert_int_equal(q.oos_caught, rj.oos_caught);
    }
    hn_reject_curve_free(&c);
    hn_reject_curve_free(&c);
    assert_int_equal(hn_reject_curve_compute(p, top, gold, 0, 0, &c, &err), HN_ERR_ARG);
}

/* Positives at .9 .8 .4, negatives at .7 .3 .2 .1: recall reaches 3/3 first
 * at .4 with one negative above it (FPR 1/4); with no negative allowed
 * the best recall is 2/3 (at .8). lam of 10% and 20%: the logits' mean is
 * log(1/6), so 1/7. */
static void test_roc_operating_points_and_lam(void **state)
{
    static const int32_t gold[7] = {1, 1, 0, 1, 0, 0, 0};
    static const double score[7] = {0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1};
    hn_binary_metrics m;
    hn_err err;
    (void)state;
    assert_int_equal(hn_binary_compute(gold, score, 7, 0.5, &m, &err), HN_OK);
    assert_double_near(hn_fpr_at_recall(&m, 0.95), 0.25, 1e-15);
    assert_double_near(hn_fpr_at_recall(&m, 0.5), 0, 1e-15);
    assert_double_near(hn_recall_at_fpr(&m, 0.001), 2.0 / 3, 1e-15);
    assert_double_near(hn_recall_at_fpr(&m, 0.25), 1, 1e-15);
    assert_double_near(hn_lam(0.1, 0.2), 1.0 / 7, 1e-12);
    assert_double_near(hn_lam(0, 0), 1e-9, 1e-15);
    hn_binary_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_threshold_figures_at_one_half),
        cmocka_unit_test(test_roc_auc_counts_tied_pairs_as_one_half),
        cmocka_unit_test(test_average_precision_is_the_step_sum_over_distinct_scores),
        cmocka_unit_test(test_pr_curve_has_a_point_per_distinct_score_in_sklearn_order),
        cmocka_unit_test(test_precision_at_recall_takes_the_best_point_meeting_the_target),
        cmocka_unit_test(test_recall_at_precision_takes_the_best_point_meeting_the_target),
        cmocka_unit_test(test_a_target_no_operating_point_meets_is_not_reached),
        cmocka_unit_test(test_all_tied_scores_give_auc_one_half_and_ap_the_prevalence),
        cmocka_unit_test(test_no_positives_leaves_auc_and_ap_undefined_not_nan),
        cmocka_unit_test(test_no_negatives_leaves_only_auc_undefined),
        cmocka_unit_test(test_bad_binary_input_is_an_argument_error),
        cmocka_unit_test(test_infinite_scores_rank_at_the_ends),
        cmocka_unit_test(test_multiclass_per_class_figures_use_zero_division_zero),
        cmocka_unit_test(test_multiclass_averages_skip_classes_absent_everywhere),
        cmocka_unit_test(test_most_confused_pairs_come_largest_first),
        cmocka_unit_test(test_multiclass_rejects_ids_out_of_range),
        cmocka_unit_test(test_reject_option_follows_the_clinc150_definitions),
        cmocka_unit_test(test_reject_option_without_oos_gold_leaves_recall_undefined),
        cmocka_unit_test(test_reject_threshold_at_an_in_scope_floor),
        cmocka_unit_test(test_roc_operating_points_and_lam),
        cmocka_unit_test(test_binary_bootstrap_round_equals_metrics_of_the_resample),
        cmocka_unit_test(test_binary_bootstrap_is_deterministic_and_brackets_the_estimate),
        cmocka_unit_test(test_bootstrap_skips_resamples_without_positives),
        cmocka_unit_test(test_multiclass_bootstrap_round_equals_metrics_of_the_resample),
        cmocka_unit_test(test_reject_curve_points_are_the_thresholded_predictions),
        cmocka_unit_test(test_svg_plot_has_axes_legend_and_one_path_per_curve),
        cmocka_unit_test(test_svg_plot_thins_long_curves),
        cmocka_unit_test(test_svg_plot_refuses_points_outside_the_unit_square),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
