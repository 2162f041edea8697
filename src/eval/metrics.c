/* metrics.c - evaluation metrics over arrays
 *
 * src/eval: libc, libm, status.h, rng.h. Pure functions: no I/O, no
 * globals. The ranking figures (ROC AUC, AP, the PR curve) come from one
 * sort of (score, index) pairs, highest score first, and a sweep over groups
 * of tied scores. Each group is one threshold t = its score: everything in
 * this group and above is predicted positive. With TP, FP the running counts
 * after the group and gtp, gfp the group's own counts:
 *
 *   ROC AUC = sum over groups of gfp * (TP_before + gtp / 2) / (P * N)
 *     (a positive ranked strictly above a negative is a correctly ordered
 *     pair, a tied pair counts 1/2: the Mann-Whitney statistic, which is
 *     exactly the area under the trapezoid ROC curve of roc_auc_score)
 *   AP      = sum over groups of (gtp / P) * TP / (TP + FP)
 *     (the recall step R_k - R_{k-1} = gtp / P times the precision P_k)
 *
 * The bootstrap reuses the same sweep with a multiplicity w[i] per original
 * example (how often the resample drew it): a drawn-twice example is two
 * tied examples, so the sweep over the one sorted order gives the exact
 * figure of the resample without sorting again.
 */
#include "src/eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"

/* ---- shared helpers --------------------------------------------------- */

static double ratio0(double num, double den)
{
    return den > 0 ? num / den : 0.0;  /* zero_division = 0 */
}

static double f1_of(double p, double r)
{
    return p + r > 0 ? 2.0 * p * r / (p + r) : 0.0;
}

typedef struct ranked {
    double s;
    int64_t i;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->s > b->s) return -1;
    if (a->s < b->s) return 1;
    return (a->i > b->i) - (a->i < b->i);  /* stable order for ties */
}

static hn_status check_binary(const int32_t *gold, const double *score, int64_t n, hn_err *err)
{
    int64_t i;
    if (!gold || !score || n < 1) return hn_err_set(err, HN_ERR_ARG, "binary metrics need at least one example");
    if ((uint64_t)n > SIZE_MAX / sizeof(ranked)) return hn_err_set(err, HN_ERR_NOMEM, "too many examples");
    for (i = 0; i < n; i++) {
        if (gold[i] != 0 && gold[i] != 1)
            return hn_err_set(err, HN_ERR_ARG, "example %lld: gold label %ld is not 0 or 1", (long long)i,
                              (long)gold[i]);
        if (isnan(score[i])) return hn_err_set(err, HN_ERR_ARG, "example %lld: score is NaN", (long long)i);
    }
    return HN_OK;
}

static hn_status rank_scores(const double *score, int64_t n, ranked **out, hn_err *err)
{
    int64_t i;
    ranked *r = malloc((size_t)n * sizeof *r);
    if (!r) return hn_err_set(err, HN_ERR_NOMEM, "out of memory sorting %lld scores", (long long)n);
    for (i = 0; i < n; i++) {
        r[i].s = score[i];
        r[i].i = i;
    }
    qsort(r, (size_t)n, sizeof *r, ranked_cmp);
    *out = r;
    return HN_OK;
}

/* Ranking sweep; w == NULL means every example once. Sets pos/neg totals
 * (weighted), the AUC numerator and the AP sum before division. */
typedef struct sweep_sums {
    double pos, neg, auc_area, ap_sum;
} sweep_sums;

static sweep_sums rank_sweep(const ranked *r, int64_t n, const int32_t *gold, const uint32_t *w)
{
    sweep_sums s = {0, 0, 0, 0};
    int64_t a = 0, b;
    while (a < n) {
        double gtp = 0, gfp = 0;
        for (b = a; b < n && r[b].s == r[a].s; b++) {
            double c = w ? (double)w[r[b].i] : 1.0;
            if (gold[r[b].i]) gtp += c;
            else gfp += c;
        }
        s.auc_area += gfp * (s.pos + gtp / 2.0);
        s.pos += gtp;
        s.neg += gfp;
        if (gtp > 0) s.ap_sum += gtp * (s.pos / (s.pos + s.neg));
        a = b;
    }
    return s;
}

/* ---- binary ------------------------------------------------------------ */

void hn_binary_from_counts(hn_binary_metrics *m)
{
    double tp = (double)m->tp, fp = (double)m->fp, tn = (double)m->tn, fn = (double)m->fn;
    double n = tp + fp + tn + fn, den;
    m->n = m->tp + m->fp + m->tn + m->fn;
    m->positives = m->tp + m->fn;
    m->negatives = m->fp + m->tn;
    m->accuracy = ratio0(tp + tn, n);
    m->precision = ratio0(tp, tp + fp);
    m->recall = ratio0(tp, tp + fn);
    m->f1 = f1_of(m->precision, m->recall);
    /* MCC = (tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)), 0 when a
     * factor is 0 (scikit-learn's matthews_corrcoef). Doubles: the product
     * of four counts overflows int64 from about 55k examples. */
    den = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
    m->mcc = den > 0 ? (tp * tn - fp * fn) / sqrt(den) : 0.0;
    m->false_positive_rate = ratio0(fp, fp + tn);
    m->baseline_accuracy = ratio0(tp + fn > fp + tn ? tp + fn : fp + tn, n);
}

void hn_binary_free(hn_binary_metrics *m)
{
    if (!m) return;
    free(m->curve);
    m->curve = NULL;
    m->curve_len = 0;
}

hn_status hn_binary_compute(const int32_t *gold, const double *score, int64_t n, double threshold,
                            hn_binary_metrics *out, hn_err *err)
{
    hn_status st;
    ranked *r = NULL;
    hn_binary_metrics m;
    sweep_sums s;
    int64_t i, a, b, groups = 0;

    memset(out, 0, sizeof *out);
    if ((st = check_binary(gold, score, n, err)) != HN_OK) return st;
    if (isnan(threshold)) return hn_err_set(err, HN_ERR_ARG, "threshold is NaN");
    memset(&m, 0, sizeof m);
    m.threshold = threshold;
    for (i = 0; i < n; i++) {
        int pos = score[i] >= threshold;
        if (gold[i]) {
            if (pos) m.tp++;
            else m.fn++;
        } else {
            if (pos) m.fp++;
            else m.tn++;
        }
    }
    hn_binary_from_counts(&m);

    if ((st = rank_scores(score, n, &r, err)) != HN_OK) return st;
    s = rank_sweep(r, n, gold, NULL);
    m.has_roc_auc = m.positives > 0 && m.negatives > 0;
    m.roc_auc = m.has_roc_auc ? s.auc_area / (s.pos * s.neg) : 0.0;
    m.has_average_precision = m.positives > 0;
    m.average_precision = m.has_average_precision ? s.ap_sum / s.pos : 0.0;

    if (m.positives > 0) {
        /* The curve: one point per group, written from the end backwards so
         * that it comes out in scikit-learn's order (threshold ascending). */
        for (i = 0; i < n; i++)
            if (i == 0 || r[i].s != r[i - 1].s) groups++;
        m.curve_len = groups + 1;
        if (!(m.curve = malloc((size_t)m.curve_len * sizeof *m.curve))) {
            free(r);
            return hn_err_set(err, HN_ERR_NOMEM, "out of memory for a PR curve of %lld points",
                              (long long)m.curve_len);
        }
        {
            int64_t tp = 0, fp = 0, k = groups - 1;
            for (a = 0; a < n; a = b) {
                for (b = a; b < n && r[b].s == r[a].s; b++) {
                    if (gold[r[b].i]) tp++;
                    else fp++;
                }
                m.curve[k].threshold = r[a].s;
                m.curve[k].tp = tp;
                m.curve[k].fp = fp;
                m.curve[k].precision = (double)tp / (double)(tp + fp);
                m.curve[k].recall = (double)tp / (double)m.positives;
                k--;
            }
        }
        m.curve[groups].threshold = INFINITY;
        m.curve[groups].precision = 1.0;
        m.curve[groups].recall = 0.0;
        m.curve[groups].tp = 0;
        m.curve[groups].fp = 0;
    }
    free(r);
    *out = m;
    return HN_OK;
}

/* Is candidate c better than the best b so far? Compare on the figure we
 * maximize, then the other figure, then the threshold (higher = fewer
 * examples flagged for the same quality). */
static int target_better(double c1, double c2, double ct, const hn_pr_target *b, int have, int by_precision)
{
    double b1 = by_precision ? b->precision : b->recall, b2 = by_precision ? b->recall : b->precision;
    if (!have) return 1;
    if (c1 != b1) return c1 > b1;
    if (c2 != b2) return c2 > b2;
    return ct > b->threshold;
}

static hn_pr_target pr_target(const hn_pr_point *curve, int64_t len, double target, int by_precision)
{
    hn_pr_target t;
    int64_t i;
    memset(&t, 0, sizeof t);
    t.target = target;
    /* The last point is the (recall 0, precision 1) end, not an operating point. */
    for (i = 0; i + 1 < len; i++) {
        const hn_pr_point *p = &curve[i];
        double meets = by_precision ? p->recall : p->precision;
        double c1 = by_precision ? p->precision : p->recall, c2 = by_precision ? p->recall : p->precision;
        if (!(meets >= target)) continue;
        if (target_better(c1, c2, p->threshold, &t, t.reached, by_precision)) {
            t.reached = 1;
            t.precision = p->precision;
            t.recall = p->recall;
            t.threshold = p->threshold;
        }
    }
    return t;
}

hn_pr_target hn_pr_precision_at_recall(const hn_pr_point *curve, int64_t len, double target)
{
    return pr_target(curve, len, target, 1);
}

hn_pr_target hn_pr_recall_at_precision(const hn_pr_point *curve, int64_t len, double target)
{
    return pr_target(curve, len, target, 0);
}

double hn_fpr_at_recall(const hn_binary_metrics *m, double tpr)
{
    double best = 1;
    int64_t i;
    if (m->positives <= 0 || m->negatives <= 0) return 0;
    for (i = 0; i < m->curve_len; i++) {
        const hn_pr_point *p = &m->curve[i];
        if (isinf(p->threshold)) continue; /* the end point predicts nothing */
        if ((double)p->tp / (double)m->positives >= tpr) {
            double f = (double)p->fp / (double)m->negatives;
            if (f < best) best = f;
        }
    }
    return best;
}

double hn_recall_at_fpr(const hn_binary_metrics *m, double fpr)
{
    double best = 0;
    int64_t i;
    if (m->positives <= 0 || m->negatives <= 0) return 0;
    for (i = 0; i < m->curve_len; i++) {
        const hn_pr_point *p = &m->curve[i];
        if (isinf(p->threshold)) continue;
        if ((double)p->fp / (double)m->negatives <= fpr) {
            double r = (double)p->tp / (double)m->positives;
            if (r > best) best = r;
        }
    }
    return best;
}

static double clamp_rate(double r) { return r < 1e-9 ? 1e-9 : r > 1 - 1e-9 ? 1 - 1e-9 : r; }

void hn_oos_scores(const float *probs, int64_t n, int32_t k, int32_t negative, double *score)
{
    int64_t i;
    int32_t c;
    for (i = 0; i < n; i++) {
        const float *p = probs + i * k;
        double best = 0;
        for (c = 0; c < k; c++)
            if (c != negative && p[c] > best) best = p[c];
        score[i] = 1 - best;
    }
}

double hn_lam(double a, double b)
{
    double la, lb, z;
    a = clamp_rate(a);
    b = clamp_rate(b);
    la = log(a / (1 - a));
    lb = log(b / (1 - b));
    z = (la + lb) / 2;
    return 1 / (1 + exp(-z));
}

/* ---- multi-class ------------------------------------------------------- */

static hn_status check_ids(const int32_t *ids, int64_t n, int32_t k, const char *what, hn_err *err)
{
    int64_t i;
    for (i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= k)
            return hn_err_set(err, HN_ERR_ARG, "example %lld: %s class %ld is outside [0, %ld)", (long long)i, what,
                              (long)ids[i], (long)k);
    return HN_OK;
}

void hn_multiclass_free(hn_multiclass_metrics *m)
{
    if (!m) return;
    free(m->per_class);
    free(m->confusion);
    m->per_class = NULL;
    m->confusion = NULL;
}

hn_status hn_multiclass_compute(const int32_t *gold, const int32_t *pred, int64_t n, int32_t k,
                                hn_multiclass_metrics *out, hn_err *err)
{
    hn_status st;
    hn_multiclass_metrics m;
    int64_t i;
    int32_t c;
    double tp_sum = 0, pred_sum = 0, sup_sum = 0;

    memset(out, 0, sizeof *out);
    if (!gold || !pred || n < 1 || k < 1)
        return hn_err_set(err, HN_ERR_ARG, "multi-class metrics need at least one example and one class");
    if ((st = check_ids(gold, n, k, "gold", err)) != HN_OK) return st;
    if ((st = check_ids(pred, n, k, "predicted", err)) != HN_OK) return st;
    memset(&m, 0, sizeof m);
    m.n = n;
    m.k = k;
    if ((uint64_t)k > SIZE_MAX / sizeof(int64_t) / (uint64_t)k)
        return hn_err_set(err, HN_ERR_NOMEM, "%ld classes: confusion matrix too large", (long)k);
    m.per_class = calloc((size_t)k, sizeof *m.per_class);
    m.confusion = calloc((size_t)k * (size_t)k, sizeof *m.confusion);
    if (!m.per_class || !m.confusion) {
        hn_multiclass_free(&m);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %ld classes", (long)k);
    }
    for (i = 0; i < n; i++) {
        m.confusion[(int64_t)gold[i] * k + pred[i]]++;
        m.per_class[gold[i]].support++;
        m.per_class[pred[i]].predicted++;
        if (gold[i] == pred[i]) {
            m.per_class[gold[i]].tp++;
            m.correct++;
        }
    }
    m.accuracy = (double)m.correct / (double)n;
    for (c = 0; c < k; c++) {
        hn_class_metrics *pc = &m.per_class[c];
        pc->precision = ratio0((double)pc->tp, (double)pc->predicted);
        pc->recall = ratio0((double)pc->tp, (double)pc->support);
        pc->f1 = f1_of(pc->precision, pc->recall);
        pc->used = pc->support + pc->predicted > 0;
        if (!pc->used) continue;
        m.classes_used++;
        m.macro_precision += pc->precision;
        m.macro_recall += pc->recall;
        m.macro_f1 += pc->f1;
        m.weighted_precision += pc->precision * (double)pc->support;
        m.weighted_recall += pc->recall * (double)pc->support;
        m.weighted_f1 += pc->f1 * (double)pc->support;
        tp_sum += (double)pc->tp;
        pred_sum += (double)pc->predicted;
        sup_sum += (double)pc->support;
    }
    /* n >= 1 guarantees at least one used class and sup_sum > 0. */
    m.macro_precision /= m.classes_used;
    m.macro_recall /= m.classes_used;
    m.macro_f1 /= m.classes_used;
    m.weighted_precision /= sup_sum;
    m.weighted_recall /= sup_sum;
    m.weighted_f1 /= sup_sum;
    m.micro_precision = ratio0(tp_sum, pred_sum);
    m.micro_recall = ratio0(tp_sum, sup_sum);
    m.micro_f1 = f1_of(m.micro_precision, m.micro_recall);
    *out = m;
    return HN_OK;
}

static int pair_cmp(const void *pa, const void *pb)
{
    const hn_confusion_pair *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    if (a->gold != b->gold) return a->gold < b->gold ? -1 : 1;
    return (a->pred > b->pred) - (a->pred < b->pred);
}

int32_t hn_multiclass_top_confusions(const hn_multiclass_metrics *m, hn_confusion_pair *out, int32_t max)
{
    int32_t g, p, have = 0;
    if (!m || !m->confusion || !out || max <= 0) return 0;
    /* Keep the best `max` in `out`, sorted, by insertion: max is small (a
     * report shows ten), and k * k cells are scanned once. */
    for (g = 0; g < m->k; g++) {
        for (p = 0; p < m->k; p++) {
            hn_confusion_pair c;
            int32_t j;
            if (g == p || m->confusion[(int64_t)g * m->k + p] == 0) continue;
            c.gold = g;
            c.pred = p;
            c.count = m->confusion[(int64_t)g * m->k + p];
            if (have == max && pair_cmp(&c, &out[max - 1]) >= 0) continue;
            j = have < max ? have++ : max - 1;
            while (j > 0 && pair_cmp(&c, &out[j - 1]) < 0) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = c;
        }
    }
    return have;
}

/* ---- reject option ----------------------------------------------------- */

hn_status hn_reject_compute(const int32_t *gold, const int32_t *pred, int64_t n, int32_t negative,
                            hn_reject_metrics *out, hn_err *err)
{
    hn_reject_metrics m;
    int64_t i;
    memset(out, 0, sizeof *out);
    if (!gold || !pred || n < 1) return hn_err_set(err, HN_ERR_ARG, "reject-option metrics need at least one example");
    if (negative < -1) return hn_err_set(err, HN_ERR_ARG, "negative label id %ld is invalid", (long)negative);
    memset(&m, 0, sizeof m);
    for (i = 0; i < n; i++) {
        int gneg = gold[i] == negative, pneg = pred[i] == negative;
        if (pneg) m.predicted_oos++;
        if (gneg) {
            m.oos++;
            if (pneg) m.oos_caught++;
        } else {
            m.in_scope++;
            if (pred[i] == gold[i]) m.in_scope_correct++;
        }
    }
    m.has_in_scope_accuracy = m.in_scope > 0;
    m.has_oos_recall = m.oos > 0;
    m.has_oos_precision = m.predicted_oos > 0;
    m.in_scope_accuracy = ratio0((double)m.in_scope_correct, (double)m.in_scope);
    m.oos_recall = ratio0((double)m.oos_caught, (double)m.oos);
    m.oos_precision = ratio0((double)m.oos_caught, (double)m.predicted_oos);
    *out = m;
    return HN_OK;
}

/* ---- bootstrap --------------------------------------------------------- */

static int double_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Percentile q in [0, 1] of v[0..m-1] (sorted here), numpy's "linear". */
static double percentile(double *v, int64_t m, double q)
{
    double pos = q * (double)(m - 1), frac;
    int64_t lo = (int64_t)floor(pos);
    if (lo >= m - 1) return v[m - 1];
    frac = pos - (double)lo;
    return v[lo] + frac * (v[lo + 1] - v[lo]);
}

static hn_interval interval_of(double *v, int64_t m)
{
    hn_interval iv = {0, 0, 0};
    if (m <= 0) return iv;
    qsort(v, (size_t)m, sizeof *v, double_cmp);
    iv.lo = percentile(v, m, 0.025);
    iv.hi = percentile(v, m, 0.975);
    iv.valid = m;
    return iv;
}

/* Draw one resample: w[i] = how often example i was drawn. */
static void resample(uint32_t *w, int64_t n, uint64_t *rng)
{
    int64_t i;
    memset(w, 0, (size_t)n * sizeof *w);
    for (i = 0; i < n; i++) w[hn_rng_below(rng, (uint64_t)n)]++;
}

enum { BB_ACC, BB_P, BB_R, BB_F1, BB_AP, BB_AUC, BB_COUNT };

hn_status hn_binary_bootstrap(const int32_t *gold, const double *score, int64_t n, double threshold,
                              int32_t rounds, uint64_t seed, hn_binary_boot *out, hn_err *err)
{
    hn_status st = HN_OK;
    ranked *r = NULL;
    uint32_t *w = NULL;
    double *vals = NULL;
    int64_t cnt[BB_COUNT] = {0};
    uint64_t rng = seed;
    int32_t round;

    memset(out, 0, sizeof *out);
    if ((st = check_binary(gold, score, n, err)) != HN_OK) return st;
    if (rounds < 1) return hn_err_set(err, HN_ERR_ARG, "bootstrap needs at least one round");
    if (isnan(threshold)) return hn_err_set(err, HN_ERR_ARG, "threshold is NaN");
    if ((st = rank_scores(score, n, &r, err)) != HN_OK) return st;
    w = malloc((size_t)n * sizeof *w);
    vals = malloc((size_t)rounds * BB_COUNT * sizeof *vals);
    if (!w || !vals) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for the bootstrap");
        goto done;
    }
    for (round = 0; round < rounds; round++) {
        hn_binary_metrics m;
        sweep_sums s;
        int64_t i;
        resample(w, n, &rng);
        memset(&m, 0, sizeof m);
        for (i = 0; i < n; i++) {
            int64_t c = w[i];
            if (!c) continue;
            if (score[i] >= threshold) {
                if (gold[i]) m.tp += c;
                else m.fp += c;
            } else {
                if (gold[i]) m.fn += c;
                else m.tn += c;
            }
        }
        hn_binary_from_counts(&m);
        vals[BB_ACC * rounds + cnt[BB_ACC]++] = m.accuracy;
        vals[BB_P * rounds + cnt[BB_P]++] = m.precision;
        vals[BB_R * rounds + cnt[BB_R]++] = m.recall;
        vals[BB_F1 * rounds + cnt[BB_F1]++] = m.f1;
        s = rank_sweep(r, n, gold, w);
        if (s.pos > 0) vals[BB_AP * rounds + cnt[BB_AP]++] = s.ap_sum / s.pos;
        if (s.pos > 0 && s.neg > 0) vals[BB_AUC * rounds + cnt[BB_AUC]++] = s.auc_area / (s.pos * s.neg);
    }
    out->rounds = rounds;
    out->seed = seed;
    out->accuracy = interval_of(vals + BB_ACC * rounds, cnt[BB_ACC]);
    out->precision = interval_of(vals + BB_P * rounds, cnt[BB_P]);
    out->recall = interval_of(vals + BB_R * rounds, cnt[BB_R]);
    out->f1 = interval_of(vals + BB_F1 * rounds, cnt[BB_F1]);
    out->average_precision = interval_of(vals + BB_AP * rounds, cnt[BB_AP]);
    out->roc_auc = interval_of(vals + BB_AUC * rounds, cnt[BB_AUC]);
done:
    free(vals);
    free(w);
    free(r);
    return st;
}

enum { MB_ACC, MB_F1, MB_INS, MB_OOSR, MB_COUNT };

hn_status hn_multiclass_bootstrap(const int32_t *gold, const int32_t *pred, int64_t n, int32_t k,
                                  int32_t negative, int32_t rounds, uint64_t seed,
                                  hn_multiclass_boot *out, hn_err *err)
{
    hn_status st = HN_OK;
    uint32_t *w = NULL;
    int64_t *tp = NULL, *sup = NULL, *prd = NULL;
    double *vals = NULL;
    int64_t cnt[MB_COUNT] = {0};
    uint64_t rng = seed;
    int32_t round;

    memset(out, 0, sizeof *out);
    if (!gold || !pred || n < 1 || k < 1)
        return hn_err_set(err, HN_ERR_ARG, "multi-class bootstrap needs at least one example and one class");
    if ((st = check_ids(gold, n, k, "gold", err)) != HN_OK) return st;
    if ((st = check_ids(pred, n, k, "predicted", err)) != HN_OK) return st;
    if (rounds < 1) return hn_err_set(err, HN_ERR_ARG, "bootstrap needs at least one round");
    if (negative < -1 || negative >= k)
        return hn_err_set(err, HN_ERR_ARG, "negative label id %ld is invalid", (long)negative);
    w = malloc((size_t)n * sizeof *w);
    tp = malloc((size_t)k * sizeof *tp);
    sup = malloc((size_t)k * sizeof *sup);
    prd = malloc((size_t)k * sizeof *prd);
    vals = malloc((size_t)rounds * MB_COUNT * sizeof *vals);
    if (!w || !tp || !sup || !prd || !vals) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for the bootstrap");
        goto done;
    }
    for (round = 0; round < rounds; round++) {
        int64_t i, correct = 0, ins = 0, ins_ok = 0, oos = 0, oos_ok = 0;
        double f1_sum = 0;
        int32_t c, used = 0;
        resample(w, n, &rng);
        memset(tp, 0, (size_t)k * sizeof *tp);
        memset(sup, 0, (size_t)k * sizeof *sup);
        memset(prd, 0, (size_t)k * sizeof *prd);
        for (i = 0; i < n; i++) {
            int64_t m = w[i];
            if (!m) continue;
            sup[gold[i]] += m;
            prd[pred[i]] += m;
            if (gold[i] == pred[i]) {
                tp[gold[i]] += m;
                correct += m;
            }
            if (negative >= 0) {
                if (gold[i] == negative) {
                    oos += m;
                    if (pred[i] == negative) oos_ok += m;
                } else {
                    ins += m;
                    if (pred[i] == gold[i]) ins_ok += m;
                }
            }
        }
        for (c = 0; c < k; c++) {
            if (sup[c] + prd[c] == 0) continue;
            used++;
            f1_sum += f1_of(ratio0((double)tp[c], (double)prd[c]), ratio0((double)tp[c], (double)sup[c]));
        }
        vals[MB_ACC * rounds + cnt[MB_ACC]++] = (double)correct / (double)n;
        vals[MB_F1 * rounds + cnt[MB_F1]++] = f1_sum / used;
        if (ins > 0) vals[MB_INS * rounds + cnt[MB_INS]++] = (double)ins_ok / (double)ins;
        if (oos > 0) vals[MB_OOSR * rounds + cnt[MB_OOSR]++] = (double)oos_ok / (double)oos;
    }
    out->rounds = rounds;
    out->seed = seed;
    out->accuracy = interval_of(vals + MB_ACC * rounds, cnt[MB_ACC]);
    out->macro_f1 = interval_of(vals + MB_F1 * rounds, cnt[MB_F1]);
    out->in_scope_accuracy = interval_of(vals + MB_INS * rounds, cnt[MB_INS]);
    out->oos_recall = interval_of(vals + MB_OOSR * rounds, cnt[MB_OOSR]);
done:
    free(vals);
    free(prd);
    free(sup);
    free(tp);
    free(w);
    return st;
}
