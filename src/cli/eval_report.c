/* eval_report.c - the report of `hardneg eval` (see eval_report.h):
 * every figure from src/eval/metrics.h, as text or JSON, plus the
 * --pr-curve TSV and the --plot SVG
 *
 * src/cli. Called by cmd_eval.c (scores files) and eval_model.c (a model
 * on a labeled file); calls neither.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/eval_report.h"
#include "src/cli/json.h"
#include "src/eval/calibration.h"
#include "src/eval/metrics.h"
#include "src/eval/svgplot.h"
#include "src/eval/threshold.h"

#define CMD "eval"

void hn_eval_opts_default(hn_eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.5;
    o->reject_below = -1.0;
    o->n_at_recall = 2;
    o->at_recall[0] = 0.9;
    o->at_recall[1] = 0.99;
    o->n_at_precision = 1;
    o->at_precision[0] = 0.99;
    o->top_confusions = 10;
    o->bootstrap = 0;
    o->seed = 1;
    o->calibration_bins = 10;
    o->plot_calibration_path = NULL;
}

/* ---- calibration figures (both tasks) ------------------------------------- */

typedef struct calib_figs {
    int has;                    /* the reliability figures are defined */
    const char *why;            /* else why not */
    hn_calib_curve width, mass; /* equal-width and equal-mass bins */
    int has_proper;             /* Brier score and log loss are defined */
    const char *why_proper;
    double brier, log_loss;
    char what[200];             /* what is binned */
    int32_t *hit;               /* owned scratch */
    double *conf;
} calib_figs;

static void calib_free(calib_figs *cf)
{
    hn_calib_curve_free(&cf->width);
    hn_calib_curve_free(&cf->mass);
    free(cf->hit);
    free(cf->conf);
}

/* Everything but the SVG; an exit code (messages printed). */
static int calib_compute(const hn_eval_input *in, const hn_eval_opts *o, calib_figs *cf)
{
    const char *src = in->source ? in->source : "scores";
    int64_t i;
    hn_err err;
    hn_status st;
    memset(cf, 0, sizeof *cf);
    hn_err_clear(&err);
    cf->why = "no probabilities";
    cf->why_proper = "needs every class's probability: eval MODEL TEST gives it";
    if (!(cf->hit = malloc((size_t)in->n * sizeof *cf->hit)) || !(cf->conf = malloc((size_t)in->n * sizeof *cf->conf)))
        return hn_cli_fail(CMD, "out of memory");
    if (in->score) {
        for (i = 0; i < in->n; i++)
            if (!(in->score[i] >= 0 && in->score[i] <= 1)) break;
        if (i < in->n) {
            cf->why = "scores outside [0, 1] are not probabilities";
            cf->why_proper = cf->why;
            return HN_EXIT_OK;
        }
        for (i = 0; i < in->n; i++) {
            cf->hit[i] = in->gold[i] != 0;
            cf->conf[i] = in->score[i];
        }
        snprintf(cf->what, sizeof cf->what, "P(%s) against the share of %s", in->positive_label ? in->positive_label : "1",
                 in->positive_label ? in->positive_label : "1");
        cf->brier = hn_brier_binary(cf->hit, cf->conf, in->n);
        cf->log_loss = hn_log_loss_binary(cf->hit, cf->conf, in->n);
        cf->has_proper = 1;
    } else {
        if (in->top && in->top_prob) {
            for (i = 0; i < in->n; i++) {
                cf->hit[i] = in->top[i] == in->gold[i];
                cf->conf[i] = in->top_prob[i];
            }
            snprintf(cf->what, sizeof cf->what, "top probability against accuracy");
        } else if (in->prob && in->pred) {
            for (i = 0; i < in->n; i++) {
                if (!(in->prob[i] >= 0 && in->prob[i] <= 1)) {
                    cf->why = "probabilities outside [0, 1]";
                    return HN_EXIT_OK;
                }
                cf->hit[i] = in->pred[i] == in->gold[i];
                cf->conf[i] = in->prob[i];
            }
            snprintf(cf->what, sizeof cf->what, "probability of the predicted label against accuracy");
        } else {
            cf->why = "no probabilities (a third field of the scores file)";
            return HN_EXIT_OK;
        }
        if (in->probs && in->k_model >= 2) {
            cf->brier = hn_brier_multi(in->probs, in->gold, in->n, in->k_model);
            cf->log_loss = hn_log_loss_multi(in->probs, in->gold, in->n, in->k_model);
            cf->has_proper = 1;
        }
    }
    if ((st = hn_calib_curve_compute(cf->hit, cf->conf, in->n, o->calibration_bins, HN_BIN_STRATEGY_UNIFORM, &cf->width,
                                     &err)) != HN_OK ||
        (st = hn_calib_curve_compute(cf->hit, cf->conf, in->n, o->calibration_bins, HN_BIN_STRATEGY_QUANTILE, &cf->mass,
                                     &err)) != HN_OK)
        return hn_cli_fail(CMD, "%s: calibration: %s", src, err.msg);
    cf->has = 1;
    return HN_EXIT_OK;
}

static void calib_text(FILE *f, const calib_figs *cf, const hn_eval_opts *o)
{
    int32_t b;
    if (cf->has) fprintf(f, "\ncalibration (%s; %d bins)\n", cf->what, (int)o->calibration_bins);
    else fprintf(f, "\ncalibration\n");
    if (cf->has) {
        fprintf(f, "  %-18s %.4f\n", "ECE equal-width", cf->width.ece);
        fprintf(f, "  %-18s %.4f\n", "ECE equal-mass", cf->mass.ece);
        fprintf(f, "  %-18s %.4f\n", "max bin gap", cf->width.mce);
    } else {
        fprintf(f, "  %-18s undefined (%s)\n", "ECE", cf->why);
    }
    if (cf->has_proper) {
        fprintf(f, "  %-18s %.4f\n", "Brier score", cf->brier);
        fprintf(f, "  %-18s %.4f\n", "log loss", cf->log_loss);
    } else {
        fprintf(f, "  %-18s undefined (%s)\n", "Brier score", cf->why_proper);
        fprintf(f, "  %-18s undefined (%s)\n", "log loss", cf->why_proper);
    }
    if (!cf->has) return;
    fprintf(f, "  reliability (equal-width bins: examples, mean probability, observed)\n");
    for (b = 0; b < cf->width.nbins; b++) {
        const hn_calib_bin *bn = &cf->width.bins[b];
        if (!bn->count) continue;
        fprintf(f, "    %s%.3f, %.3f]  %7lld  %.4f  %.4f\n", b ? "(" : "[", bn->lo, bn->hi, (long long)bn->count,
                bn->mean_prob, bn->frac_pos);
    }
}

static void calib_json_bins(FILE *f, const char *key, const hn_calib_curve *c)
{
    int32_t b;
    fprintf(f, ",\"%s\":[", key);
    for (b = 0; b < c->nbins; b++) {
        const hn_calib_bin *bn = &c->bins[b];
        fprintf(f, "%s{\"lo\":%.17g,\"hi\":%.17g,\"count\":%lld,\"mean_probability\":", b ? "," : "", bn->lo, bn->hi,
                (long long)bn->count);
        if (bn->count) fprintf(f, "%.17g,\"fraction_positive\":%.17g}", bn->mean_prob, bn->frac_pos);
        else fputs("null,\"fraction_positive\":null}", f);
    }
    fputc(']', f);
}

static void calib_json(FILE *f, const calib_figs *cf, const hn_eval_opts *o)
{
    fprintf(f, ",\"calibration_bins\":%d", (int)o->calibration_bins);
    fputs(",\"ece\":", f);
    if (cf->has) fprintf(f, "%.17g", cf->width.ece);
    else fputs("null", f);
    fputs(",\"ece_equal_mass\":", f);
    if (cf->has) fprintf(f, "%.17g", cf->mass.ece);
    else fputs("null", f);
    fputs(",\"mce\":", f);
    if (cf->has) fprintf(f, "%.17g", cf->width.mce);
    else fputs("null", f);
    fputs(",\"brier\":", f);
    if (cf->has_proper && isfinite(cf->brier)) fprintf(f, "%.17g", cf->brier);
    else fputs("null", f);
    fputs(",\"log_loss\":", f);
    if (cf->has_proper && isfinite(cf->log_loss)) fprintf(f, "%.17g", cf->log_loss);
    else fputs("null", f);
    if (cf->has) {
        calib_json_bins(f, "reliability", &cf->width);
        calib_json_bins(f, "reliability_equal_mass", &cf->mass);
    }
}

static int write_calib_plot(const calib_figs *cf, const hn_eval_input *in, const char *path)
{
    hn_err err;
    hn_outfile o;
    hn_status st;
    char title[300];
    hn_err_clear(&err);
    if (!cf->has)
        return hn_cli_fail(CMD, "%s: --plot-calibration: no reliability diagram: %s", in->source ? in->source : "scores",
                           cf->why);
    snprintf(title, sizeof title, "Reliability of %s", in->source ? in->source : "scores");
    if ((st = hn_outfile_open(&o, path, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    if ((st = hn_calib_svg_write(o.f, &cf->width, title,
                                 in->score ? "Mean predicted probability (positive class)" : "Mean top probability",
                                 in->score ? "Share of positives" : "Accuracy", &err)) != HN_OK) {
        hn_outfile_abort(&o);
        return hn_cli_fail(CMD, "%s: %s", path, err.msg);
    }
    if ((st = hn_outfile_commit(&o, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    return HN_EXIT_OK;
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.17g", v);
    else fputs("null", f);
}

static void json_key(FILE *f, const char *key)
{
    fprintf(f, ",\"%s\":", key);
}

static void json_opt(FILE *f, const char *key, int has, double v)
{
    json_key(f, key);
    if (has) json_num(f, v);
    else fputs("null", f);
}

static void json_interval(FILE *f, const char *key, hn_interval iv)
{
    json_key(f, key);
    if (!iv.valid) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    json_num(f, iv.lo);
    fputc(',', f);
    json_num(f, iv.hi);
    fputc(']', f);
}

static void text_interval(FILE *f, const hn_interval *iv)
{
    if (!iv) return;
    if (iv->valid) fprintf(f, "   [%.4f, %.4f]", iv->lo, iv->hi);
    else fputs("   [undefined]", f);
}

/* "name      0.1234   [lo, hi]" or "name      undefined (why)". */
static void text_fig(FILE *f, const char *name, int has, double v, const char *why, const hn_interval *iv)
{
    fprintf(f, "%-20s", name);
    if (has) {
        fprintf(f, "%.4f", v);
        text_interval(f, iv);
    } else {
        fprintf(f, "undefined (%s)", why);
    }
    fputc('\n', f);
}

static double pct(int64_t a, int64_t b)
{
    return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

/* ---- binary report ----------------------------------------------------- */

static int write_pr_curve(const hn_binary_metrics *m, const char *path)
{
    hn_err err;
    hn_outfile o;
    FILE *f;
    int64_t i;
    hn_status st;
    hn_err_clear(&err);
    if ((st = hn_outfile_open(&o, path, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    f = o.f;
    fputs("threshold\tprecision\trecall\n", f);
    for (i = 0; i < m->curve_len; i++) {
        const hn_pr_point *p = &m->curve[i];
        if (isinf(p->threshold)) fputs(p->threshold > 0 ? "inf" : "-inf", f);
        else fprintf(f, "%.17g", p->threshold);
        fprintf(f, "\t%.17g\t%.17g\n", p->precision, p->recall);
    }
    if ((st = hn_outfile_commit(&o, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    return HN_EXIT_OK;
}

static int write_plot(const hn_binary_metrics *m, const hn_eval_input *in, const char *path)
{
    hn_err err;
    char title[256];
    hn_outfile o;
    hn_plot_curve c;
    hn_status st;
    hn_err_clear(&err);
    memset(&c, 0, sizeof c);
    c.name = in->source ? in->source : "scores";
    c.points = m->curve;
    c.n = m->curve_len;
    c.has_ap = m->has_average_precision;
    c.average_precision = m->average_precision;
    snprintf(title, sizeof title, "Precision-recall curve (positive: %s)",
             in->positive_label ? in->positive_label : "1");
    if ((st = hn_outfile_open(&o, path, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    st = hn_svgplot_pr_write(o.f, &c, 1, title, &err);
    if (st != HN_OK) {
        hn_outfile_abort(&o);
        return hn_cli_fail(CMD, "%s: %s", path, err.msg);
    }
    if ((st = hn_outfile_commit(&o, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    return HN_EXIT_OK;
}

static void json_targets(FILE *f, const char *key, const hn_pr_target *t, int32_t n)
{
    int32_t i;
    json_key(f, key);
    fputc('[', f);
    for (i = 0; i < n; i++) {
        fputs(i ? ",{\"target\":" : "{\"target\":", f);
        json_num(f, t[i].target);
        fprintf(f, ",\"reached\":%s", t[i].reached ? "true" : "false");
        json_opt(f, "precision", t[i].reached, t[i].precision);
        json_opt(f, "recall", t[i].reached, t[i].recall);
        json_opt(f, "threshold", t[i].reached, t[i].threshold);
        fputc('}', f);
    }
    fputc(']', f);
}

static const char *undefined_why(const hn_binary_metrics *m)
{
    return m->positives == 0 ? "no positives" : "no negatives";
}

static void binary_json(FILE *f, const hn_eval_input *in, const hn_eval_opts *o, const hn_binary_metrics *m,
                        const hn_pr_target *pr, const hn_pr_target *rp, const hn_binary_boot *bb, const calib_figs *cf)
{
    fputs("{\"task\":\"binary\"", f);
    json_key(f, "source");
    hn_json_str(f, in->source ? in->source : "");
    json_key(f, "positive_label");
    hn_json_str(f, in->positive_label ? in->positive_label : "1");
    json_key(f, "negative_label");
    hn_json_str(f, in->negative_label ? in->negative_label : "0");
    fprintf(f, ",\"n\":%lld,\"positives\":%lld,\"negatives\":%lld", (long long)m->n, (long long)m->positives,
            (long long)m->negatives);
    json_key(f, "threshold");
    json_num(f, m->threshold);
    fprintf(f, ",\"tp\":%lld,\"fp\":%lld,\"tn\":%lld,\"fn\":%lld", (long long)m->tp, (long long)m->fp,
            (long long)m->tn, (long long)m->fn);
    json_key(f, "accuracy");
    json_num(f, m->accuracy);
    json_key(f, "precision");
    json_num(f, m->precision);
    json_key(f, "recall");
    json_num(f, m->recall);
    json_key(f, "f1");
    json_num(f, m->f1);
    json_key(f, "mcc");
    json_num(f, m->mcc);
    json_opt(f, "roc_auc", m->has_roc_auc, m->roc_auc);
    json_opt(f, "average_precision", m->has_average_precision, m->average_precision);
    json_opt(f, "false_positive_rate", m->negatives > 0, m->false_positive_rate);
    { /* the TREC spam track's figures, in percent */
        int both = m->positives > 0 && m->negatives > 0;
        double hm = m->negatives ? (double)m->fp / (double)m->negatives : 0;
        double sm = m->positives ? (double)m->fn / (double)m->positives : 0;
        json_opt(f, "one_minus_roca_pct", m->has_roc_auc, 100 * (1 - m->roc_auc));
        json_opt(f, "negative_misclassification_pct", m->negatives > 0, 100 * hm);
        json_opt(f, "positive_misclassification_pct", m->positives > 0, 100 * sm);
        json_opt(f, "lam_pct", both, 100 * hn_lam(hm, sm));
        json_opt(f, "recall_at_fpr_0.001", both, hn_recall_at_fpr(m, 0.001));
        json_opt(f, "recall_at_fpr_0.01", both, hn_recall_at_fpr(m, 0.01));
    }
    json_key(f, "baseline_accuracy");
    json_num(f, m->baseline_accuracy);
    json_targets(f, "precision_at_recall", pr, o->n_at_recall);
    json_targets(f, "recall_at_precision", rp, o->n_at_precision);
    if (bb) {
        fprintf(f, ",\"bootstrap\":{\"rounds\":%ld,\"seed\":%llu,\"level\":0.95", (long)bb->rounds,
                (unsigned long long)bb->seed);
        json_interval(f, "accuracy", bb->accuracy);
        json_interval(f, "precision", bb->precision);
        json_interval(f, "recall", bb->recall);
        json_interval(f, "f1", bb->f1);
        json_interval(f, "roc_auc", bb->roc_auc);
        json_interval(f, "average_precision", bb->average_precision);
        fputc('}', f);
    }
    calib_json(f, cf, o);
    fputs("}\n", f);
}

static void binary_text(FILE *f, const hn_eval_input *in, const hn_eval_opts *o, const hn_binary_metrics *m,
                        const hn_pr_target *pr, const hn_pr_target *rp, const hn_binary_boot *bb)
{
    const char *pos = in->positive_label ? in->positive_label : "positive";
    const char *neg = in->negative_label ? in->negative_label : "negative";
    char name[64], a[48], b[48];
    int32_t i;
    int w;

    fprintf(f, "binary evaluation of %s\n", in->source ? in->source : "scores");
    fprintf(f, "  positive label '%s'; predict positive when score >= %.6g\n", pos, m->threshold);
    fprintf(f, "  %lld examples: %lld positive (%.2f%%), %lld negative (%.2f%%)\n", (long long)m->n,
            (long long)m->positives, pct(m->positives, m->n), (long long)m->negatives, pct(m->negatives, m->n));
    if (bb) fprintf(f, "  95%% intervals: %ld bootstrap resamples, seed %llu\n", (long)bb->rounds,
                    (unsigned long long)bb->seed);
    fputc('\n', f);
    text_fig(f, "accuracy", 1, m->accuracy, NULL, bb ? &bb->accuracy : NULL);
    text_fig(f, "majority baseline", 1, m->baseline_accuracy, NULL, NULL);
    text_fig(f, "precision", 1, m->precision, NULL, bb ? &bb->precision : NULL);
    text_fig(f, "recall", 1, m->recall, NULL, bb ? &bb->recall : NULL);
    text_fig(f, "F1", 1, m->f1, NULL, bb ? &bb->f1 : NULL);
    text_fig(f, "MCC", 1, m->mcc, NULL, NULL);
    text_fig(f, "ROC AUC", m->has_roc_auc, m->roc_auc, undefined_why(m), bb ? &bb->roc_auc : NULL);
    text_fig(f, "average precision", m->has_average_precision, m->average_precision, "no positives",
             bb ? &bb->average_precision : NULL);

    /* Spam-filter conventions: the share of spam caught is recall; the
     * share of ham blocked is the false positive rate. */
    fprintf(f, "\nfilter view\n");
    snprintf(name, sizeof name, "%s caught", pos);
    if (m->positives > 0)
        fprintf(f, "  %-18s %7.2f%%   %lld of %lld positives (recall)\n", name, 100.0 * m->recall, (long long)m->tp,
                (long long)m->positives);
    else fprintf(f, "  %-18s undefined (no positives)\n", name);
    snprintf(name, sizeof name, "blocked %s", neg);
    if (m->negatives > 0)
        fprintf(f, "  %-18s %7.2f%%   %lld of %lld negatives (false positive rate)\n", name, 100.0 * m->false_positive_rate,
                (long long)m->fp, (long long)m->negatives);
    else fprintf(f, "  %-18s undefined (no negatives)\n", name);
    if (m->positives > 0 && m->negatives > 0) { /* the TREC spam track's figures */
        double hm = (double)m->fp / (double)m->negatives, sm = (double)m->fn / (double)m->positives;
        fprintf(f, "  %-18s %7.4f%%   area above the ROC curve\n", "1-ROCA", 100 * (1 - m->roc_auc));
        fprintf(f, "  %-18s %7.4f%%   logistic mean of %s missed (%.2f%%) and %s blocked (%.2f%%)\n", "lam",
                100 * hn_lam(hm, sm), pos, 100 * sm, neg, 100 * hm);
        snprintf(name, sizeof name, "%s caught", pos);
        fprintf(f, "  %-18s %7.2f%% at %s blocked <= 0.1%%, %.2f%% at <= 1%%\n", name,
                100 * hn_recall_at_fpr(m, 0.001), neg, 100 * hn_recall_at_fpr(m, 0.01));
    }

    /* Confusion matrix, columns as wide as the longest label or count. */
    snprintf(a, sizeof a, "pred %s", pos);
    snprintf(b, sizeof b, "pred %s", neg);
    w = (int)(strlen(a) > strlen(b) ? strlen(a) : strlen(b));
    if (w < 10) w = 10;
    {
        char ga[48], gb[48];
        int gw;
        snprintf(ga, sizeof ga, "gold %s", pos);
        snprintf(gb, sizeof gb, "gold %s", neg);
        gw = (int)(strlen(ga) > strlen(gb) ? strlen(ga) : strlen(gb));
        fprintf(f, "\nconfusion matrix (rows: gold, columns: predicted)\n");
        fprintf(f, "  %-*s  %*s  %*s\n", gw, "", w, a, w, b);
        fprintf(f, "  %-*s  %*lld  %*lld\n", gw, ga, w, (long long)m->tp, w, (long long)m->fn);
        fprintf(f, "  %-*s  %*lld  %*lld\n", gw, gb, w, (long long)m->fp, w, (long long)m->tn);
    }

    if (o->n_at_recall > 0 || o->n_at_precision > 0) {
        fprintf(f, "\noperating points (predict positive when score >= threshold)\n");
        if (m->curve_len == 0) fprintf(f, "  undefined (no positives)\n");
    }
    if (m->curve_len > 0) {
        for (i = 0; i < o->n_at_recall; i++) {
            snprintf(name, sizeof name, "recall >= %g", pr[i].target);
            if (pr[i].reached)
                fprintf(f, "  %-18s precision %.4f  recall %.4f  threshold %.9g\n", name, pr[i].precision,
                        pr[i].recall, pr[i].threshold);
            else fprintf(f, "  %-18s not reached\n", name);
        }
        for (i = 0; i < o->n_at_precision; i++) {
            snprintf(name, sizeof name, "precision >= %g", rp[i].target);
            if (rp[i].reached)
                fprintf(f, "  %-18s recall %.4f  precision %.4f  threshold %.9g\n", name, rp[i].recall,
                        rp[i].precision, rp[i].threshold);
            else fprintf(f, "  %-18s not reached\n", name);
        }
    }
}

static int binary_report(const hn_eval_input *in, const hn_eval_opts *o, FILE *out)
{
    calib_figs cf;
    hn_binary_metrics m;
    hn_binary_boot bb;
    hn_pr_target pr[HN_EVAL_MAX_TARGETS], rp[HN_EVAL_MAX_TARGETS];
    hn_err err;
    hn_status st;
    int32_t i;
    int rc;

    hn_err_clear(&err);
    if ((st = hn_binary_compute(in->gold, in->score, in->n, o->threshold, &m, &err)) != HN_OK)
        return hn_cli_fail(CMD, "%s: %s", in->source ? in->source : "scores", err.msg);
    if (m.positives == 0 && (o->pr_curve_path || o->plot_path)) {
        hn_binary_free(&m);
        return hn_cli_fail(CMD, "%s: no positive examples (label '%s'): there is no PR curve to write",
                           in->source ? in->source : "scores", in->positive_label ? in->positive_label : "1");
    }
    for (i = 0; i < o->n_at_recall; i++) pr[i] = hn_pr_precision_at_recall(m.curve, m.curve_len, o->at_recall[i]);
    for (i = 0; i < o->n_at_precision; i++)
        rp[i] = hn_pr_recall_at_precision(m.curve, m.curve_len, o->at_precision[i]);
    if (o->bootstrap > 0 &&
        (st = hn_binary_bootstrap(in->gold, in->score, in->n, o->threshold, o->bootstrap, o->seed, &bb, &err)) !=
            HN_OK) {
        hn_binary_free(&m);
        return hn_cli_fail_err(CMD, st, &err);
    }
    if (m.positives == 0)
        hn_log(HN_LOG_WARN, "eval: %s: no positive examples (label '%s'): ROC AUC and average precision are undefined",
               in->source ? in->source : "scores", in->positive_label ? in->positive_label : "1");
    else if (m.negatives == 0)
        hn_log(HN_LOG_WARN, "eval: %s: no negative examples: ROC AUC is undefined", in->source ? in->source : "scores");
    rc = calib_compute(in, o, &cf);
    if (rc == HN_EXIT_OK && o->pr_curve_path) rc = write_pr_curve(&m, o->pr_curve_path);
    if (rc == HN_EXIT_OK && o->plot_path) rc = write_plot(&m, in, o->plot_path);
    if (rc == HN_EXIT_OK && o->plot_calibration_path) rc = write_calib_plot(&cf, in, o->plot_calibration_path);
    if (rc == HN_EXIT_OK) {
        if (o->json) binary_json(out, in, o, &m, pr, rp, o->bootstrap > 0 ? &bb : NULL, &cf);
        else {
            binary_text(out, in, o, &m, pr, rp, o->bootstrap > 0 ? &bb : NULL);
            calib_text(out, &cf, o);
        }
    }
    calib_free(&cf);
    hn_binary_free(&m);
    return rc;
}

/* ---- multi-class report ------------------------------------------------ */

/* ---- out-of-scope detection without a threshold ------------------------------
 * The score of "out of scope" is 1 - the largest in-scope probability (so a
 * confident oos prediction scores high); AUROC and AUPR treat out-of-scope
 * as the positive class, FPR95 is the share of in-scope examples flagged
 * at the threshold that catches 95% of the out-of-scope ones. Needs the
 * model's probabilities. */
typedef struct oos_figs {
    int have;
    hn_binary_metrics m;
    double fpr95;
} oos_figs;

static int oos_compute(const hn_eval_input *in, const hn_eval_opts *o, oos_figs *of)
{
    int32_t *gold = NULL;
    double *score = NULL;
    int64_t i;
    int32_t neg = in->negative_id;
    hn_err err;
    memset(of, 0, sizeof *of);
    if (neg < 0 || !in->probs || neg >= in->k_model) return HN_EXIT_OK;
    gold = malloc((size_t)in->n * sizeof *gold);
    score = malloc((size_t)in->n * sizeof *score);
    if (!gold || !score) {
        free(gold);
        free(score);
        return hn_cli_fail(CMD, "out of memory");
    }
    hn_oos_scores(in->probs, in->n, in->k_model, neg, score);
    for (i = 0; i < in->n; i++) gold[i] = in->gold[i] == neg;
    if (hn_binary_compute(gold, score, in->n, 0.5, &of->m, &err) != HN_OK) {
        free(gold);
        free(score);
        return hn_cli_fail(CMD, "%s", err.msg);
    }
    of->have = of->m.positives > 0 && of->m.negatives > 0;
    of->fpr95 = hn_fpr_at_recall(&of->m, 0.95);
    if (o->oos_scores_path) { /* gold is out of scope (1/0), its score: for checking and plotting elsewhere */
        hn_outfile f;
        hn_status st;
        if ((st = hn_outfile_open(&f, o->oos_scores_path, &err)) != HN_OK) {
            free(gold);
            free(score);
            return hn_cli_fail_err(CMD, st, &err);
        }
        for (i = 0; i < in->n; i++) fprintf(f.f, "%d\t%.17g\n", (int)gold[i], score[i]);
        if ((st = hn_outfile_commit(&f, &err)) != HN_OK) {
            free(gold);
            free(score);
            return hn_cli_fail_err(CMD, st, &err);
        }
    }
    free(gold);
    free(score);
    return HN_EXIT_OK;
}

/* The in-scope / out-of-scope curve of the reject threshold (eval_report.h). */
static int write_reject_plot(const hn_eval_input *in, const hn_eval_opts *o, const oos_figs *of, const char *path)
{
    const char *src = in->source ? in->source : "predictions", *neg = in->class_names[in->negative_id];
    const int32_t *top = in->top ? in->top : in->pred;
    const double *top_prob = in->top ? in->top_prob : in->prob;
    double t = o->reject_below >= 0 ? o->reject_below : in->has_reject_threshold ? in->reject_threshold : -1;
    hn_reject_curve c;
    hn_plot_series sv;
    hn_plot_mark mk[2];
    hn_plot_axes ax;
    hn_outfile out;
    hn_err err;
    hn_status st;
    char fig[48], lab[2][160], title[256];
    int32_t nm = 0;
    hn_err_clear(&err);
    if (!top_prob)
        return hn_cli_fail(CMD, "%s: --plot: the in-scope/out-of-scope curve needs a probability per example (a third "
                           "field, or MODEL TEST)", src);
    if ((st = hn_reject_curve_compute(top_prob, top, in->gold, in->n, in->negative_id, &c, &err)) != HN_OK)
        return hn_cli_fail_err(CMD, st, &err);
    memset(&sv, 0, sizeof sv);
    memset(mk, 0, sizeof mk);
    sv.name = src;
    sv.x = &c.points[0].oos_recall;
    sv.y = &c.points[0].in_scope_accuracy;
    sv.stride = sizeof c.points[0];
    sv.n = c.len;
    if (of->have) {
        snprintf(fig, sizeof fig, "OOS AUROC %.4f", of->m.roc_auc);
        sv.figure = fig;
    }
    mk[nm].x = c.points[0].oos_recall;
    mk[nm].y = c.points[0].in_scope_accuracy;
    mk[nm].shape = HN_PLOT_MARK_RING;
    snprintf(lab[nm], sizeof lab[nm], "arg max, no threshold (in-scope %.4f, oos recall %.4f)", mk[nm].y, mk[nm].x);
    mk[nm].label = lab[nm];
    nm++;
    if (t >= 0) {
        hn_reject_point q = hn_reject_curve_at(&c, t);
        mk[nm].x = q.oos_recall;
        mk[nm].y = q.in_scope_accuracy;
        mk[nm].shape = HN_PLOT_MARK_DOT;
        snprintf(lab[nm], sizeof lab[nm], "threshold %.6g (in-scope %.4f, oos recall %.4f)", t, mk[nm].y, mk[nm].x);
        mk[nm].label = lab[nm];
        nm++;
    }
    snprintf(title, sizeof title, "In-scope accuracy against out-of-scope recall (reject label: %s)", neg);
    ax.title = title;
    ax.xlabel = "Out-of-scope recall";
    ax.ylabel = "In-scope accuracy";
    if ((st = hn_outfile_open(&out, path, &err)) != HN_OK) {
        hn_reject_curve_free(&c);
        return hn_cli_fail_err(CMD, st, &err);
    }
    st = hn_svgplot_write(out.f, &ax, &sv, 1, mk, nm, &err);
    hn_reject_curve_free(&c);
    if (st != HN_OK) {
        hn_outfile_abort(&out);
        return hn_cli_fail(CMD, "%s: %s", path, err.msg);
    }
    if ((st = hn_outfile_commit(&out, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    return HN_EXIT_OK;
}

static void oos_json(FILE *f, const oos_figs *of)
{
    if (!of->m.n) return;
    json_opt(f, "oos_auroc", of->have, of->m.roc_auc);
    json_opt(f, "oos_aupr", of->have, of->m.average_precision);
    json_opt(f, "oos_fpr95", of->have, of->fpr95);
}

static void oos_text(FILE *f, const oos_figs *of)
{
    if (!of->m.n) return;
    fprintf(f, "\nout-of-scope detection without a threshold (score: 1 - the top in-scope probability)\n");
    if (!of->have) {
        fprintf(f, "  undefined (needs in-scope and out-of-scope examples)\n");
        return;
    }
    fprintf(f, "  %-18s %.4f\n", "AUROC", of->m.roc_auc);
    fprintf(f, "  %-18s %.4f   (out of scope as the positive class)\n", "AUPR", of->m.average_precision);
    fprintf(f, "  %-18s %.4f   in-scope examples flagged when 95%% of out-of-scope ones are\n", "FPR at 95% TPR",
            of->fpr95);
}

static void multi_json(FILE *f, const hn_eval_input *in, const hn_eval_opts *o, const hn_multiclass_metrics *m,
                       const hn_confusion_pair *top, int32_t ntop, const hn_reject_metrics *rj,
                       const hn_multiclass_boot *mb, const calib_figs *cf, const oos_figs *of)
{
    int32_t c, g, p;
    fputs("{\"task\":\"multiclass\"", f);
    json_key(f, "source");
    hn_json_str(f, in->source ? in->source : "");
    fprintf(f, ",\"n\":%lld,\"classes\":%ld,\"classes_used\":%ld,\"correct\":%lld", (long long)m->n, (long)m->k,
            (long)m->classes_used, (long long)m->correct);
    json_key(f, "accuracy");
    json_num(f, m->accuracy);
    json_key(f, "macro_precision");
    json_num(f, m->macro_precision);
    json_key(f, "macro_recall");
    json_num(f, m->macro_recall);
    json_key(f, "macro_f1");
    json_num(f, m->macro_f1);
    json_key(f, "micro_precision");
    json_num(f, m->micro_precision);
    json_key(f, "micro_recall");
    json_num(f, m->micro_recall);
    json_key(f, "micro_f1");
    json_num(f, m->micro_f1);
    json_key(f, "weighted_precision");
    json_num(f, m->weighted_precision);
    json_key(f, "weighted_recall");
    json_num(f, m->weighted_recall);
    json_key(f, "weighted_f1");
    json_num(f, m->weighted_f1);
    if (rj) {
        json_key(f, "negative_label");
        hn_json_str(f, in->class_names[in->negative_id]);
        json_opt(f, "reject_below", o->reject_below >= 0, o->reject_below);
        json_opt(f, "in_scope_accuracy", rj->has_in_scope_accuracy, rj->in_scope_accuracy);
        json_opt(f, "oos_recall", rj->has_oos_recall, rj->oos_recall);
        json_opt(f, "oos_precision", rj->has_oos_precision, rj->oos_precision);
        fprintf(f, ",\"in_scope\":%lld,\"in_scope_correct\":%lld,\"oos\":%lld,\"oos_caught\":%lld,\"predicted_oos\":%lld",
                (long long)rj->in_scope, (long long)rj->in_scope_correct, (long long)rj->oos,
                (long long)rj->oos_caught, (long long)rj->predicted_oos);
    }
    json_key(f, "per_class");
    fputc('[', f);
    for (c = 0; c < m->k; c++) {
        const hn_class_metrics *pc = &m->per_class[c];
        fputs(c ? ",{\"label\":" : "{\"label\":", f);
        hn_json_str(f, in->class_names[c]);
        json_key(f, "precision");
        json_num(f, pc->precision);
        json_key(f, "recall");
        json_num(f, pc->recall);
        json_key(f, "f1");
        json_num(f, pc->f1);
        fprintf(f, ",\"support\":%lld,\"predicted\":%lld,\"in_averages\":%s}", (long long)pc->support,
                (long long)pc->predicted, pc->used ? "true" : "false");
    }
    fputs("],\"confusion\":{\"labels\":[", f);
    for (c = 0; c < m->k; c++) {
        if (c) fputc(',', f);
        hn_json_str(f, in->class_names[c]);
    }
    fputs("],\"matrix\":[", f);
    for (g = 0; g < m->k; g++) {
        fputs(g ? ",[" : "[", f);
        for (p = 0; p < m->k; p++) fprintf(f, p ? ",%lld" : "%lld", (long long)m->confusion[(int64_t)g * m->k + p]);
        fputc(']', f);
    }
    fputs("]},\"top_confusions\":[", f);
    for (c = 0; c < ntop; c++) {
        fputs(c ? ",{\"gold\":" : "{\"gold\":", f);
        hn_json_str(f, in->class_names[top[c].gold]);
        fputs(",\"pred\":", f);
        hn_json_str(f, in->class_names[top[c].pred]);
        fprintf(f, ",\"count\":%lld}", (long long)top[c].count);
    }
    fputc(']', f);
    if (mb) {
        fprintf(f, ",\"bootstrap\":{\"rounds\":%ld,\"seed\":%llu,\"level\":0.95", (long)mb->rounds,
                (unsigned long long)mb->seed);
        json_interval(f, "accuracy", mb->accuracy);
        json_interval(f, "macro_f1", mb->macro_f1);
        if (rj) {
            json_interval(f, "in_scope_accuracy", mb->in_scope_accuracy);
            json_interval(f, "oos_recall", mb->oos_recall);
        }
        fputc('}', f);
    }
    oos_json(f, of);
    calib_json(f, cf, o);
    fputs("}\n", f);
}

enum { WIDE_MATRIX = 12 };

static void multi_text(FILE *f, const hn_eval_input *in, const hn_eval_opts *o, const hn_multiclass_metrics *m,
                       const hn_confusion_pair *top, int32_t ntop, const hn_reject_metrics *rj,
                       const hn_multiclass_boot *mb)
{
    int32_t c, g, p;
    int lw = 5;  /* width of the label column */
    const char *negname = rj ? in->class_names[in->negative_id] : NULL;

    for (c = 0; c < m->k; c++)
        if ((int)strlen(in->class_names[c]) > lw) lw = (int)strlen(in->class_names[c]);
    if (lw > 40) lw = 40;
    fprintf(f, "multi-class evaluation of %s\n", in->source ? in->source : "predictions");
    fprintf(f, "  %lld examples, %ld classes (%ld in gold or predictions)\n", (long long)m->n, (long)m->k,
            (long)m->classes_used);
    if (rj && o->reject_below >= 0)
        fprintf(f, "  predict '%s' when the probability < %.6g\n", negname, o->reject_below);
    if (mb) fprintf(f, "  95%% intervals: %ld bootstrap resamples, seed %llu\n", (long)mb->rounds,
                    (unsigned long long)mb->seed);
    fputc('\n', f);
    text_fig(f, "accuracy", 1, m->accuracy, NULL, mb ? &mb->accuracy : NULL);
    text_fig(f, "macro F1", 1, m->macro_f1, NULL, mb ? &mb->macro_f1 : NULL);
    fprintf(f, "\n%-14s %9s %9s %9s\n", "average", "precision", "recall", "F1");
    fprintf(f, "%-14s %9.4f %9.4f %9.4f\n", "macro", m->macro_precision, m->macro_recall, m->macro_f1);
    fprintf(f, "%-14s %9.4f %9.4f %9.4f\n", "micro", m->micro_precision, m->micro_recall, m->micro_f1);
    fprintf(f, "%-14s %9.4f %9.4f %9.4f\n", "weighted", m->weighted_precision, m->weighted_recall, m->weighted_f1);

    if (rj) {
        fprintf(f, "\nreject option (negative label '%s')\n", negname);
        fprintf(f, "  %-18s ", "in-scope accuracy");
        if (rj->has_in_scope_accuracy) {
            fprintf(f, "%.4f", rj->in_scope_accuracy);
            text_interval(f, mb ? &mb->in_scope_accuracy : NULL);
            fprintf(f, "   %lld of %lld in-scope examples exactly right\n", (long long)rj->in_scope_correct,
                    (long long)rj->in_scope);
        } else {
            fputs("undefined (no in-scope examples)\n", f);
        }
        fprintf(f, "  %-18s ", "oos recall");
        if (rj->has_oos_recall) {
            fprintf(f, "%.4f", rj->oos_recall);
            text_interval(f, mb ? &mb->oos_recall : NULL);
            fprintf(f, "   %lld of %lld gold '%s' predicted '%s'\n", (long long)rj->oos_caught, (long long)rj->oos,
                    negname, negname);
        } else {
            fprintf(f, "undefined (no gold '%s')\n", negname);
        }
        fprintf(f, "  %-18s ", "oos precision");
        if (rj->has_oos_precision)
            fprintf(f, "%.4f   %lld of %lld predicted '%s' are gold '%s'\n", rj->oos_precision,
                    (long long)rj->oos_caught, (long long)rj->predicted_oos, negname, negname);
        else fprintf(f, "undefined (nothing predicted '%s')\n", negname);
    }

    fprintf(f, "\nper class\n  %-*s %9s %9s %9s %9s %9s\n", lw, "label", "precision", "recall", "F1", "support",
            "predicted");
    for (c = 0; c < m->k; c++) {
        const hn_class_metrics *pc = &m->per_class[c];
        fprintf(f, "  %-*.*s %9.4f %9.4f %9.4f %9lld %9lld\n", lw, lw, in->class_names[c], pc->precision, pc->recall,
                pc->f1, (long long)pc->support, (long long)pc->predicted);
    }

    if (ntop > 0) {
        fprintf(f, "\nmost confused (gold -> predicted)\n");
        for (c = 0; c < ntop; c++)
            fprintf(f, "  %6lld  %s -> %s\n", (long long)top[c].count, in->class_names[top[c].gold],
                    in->class_names[top[c].pred]);
    } else if (o->top_confusions > 0) {
        fprintf(f, "\nmost confused: no errors\n");
    }

    fprintf(f, "\nconfusion matrix (rows: gold, columns: predicted)\n");
    if (m->k > WIDE_MATRIX) {
        fprintf(f, "  %ld classes: too wide to print; --json has it in full\n", (long)m->k);
        return;
    }
    {
        int cw = 6, rw = lw < 20 ? lw : 20;
        int64_t mx = 0;
        char num[32];
        for (c = 0; c < m->k; c++) {
            int l = (int)strlen(in->class_names[c]);
            if (l > cw) cw = l;
        }
        if (cw > 12) cw = 12;
        for (g = 0; g < m->k * m->k; g++)
            if (m->confusion[g] > mx) mx = m->confusion[g];
        snprintf(num, sizeof num, "%lld", (long long)mx);
        if ((int)strlen(num) > cw) cw = (int)strlen(num);
        fprintf(f, "  %-*s", rw, "");
        for (p = 0; p < m->k; p++) fprintf(f, " %*.*s", cw, cw, in->class_names[p]);
        fputc('\n', f);
        for (g = 0; g < m->k; g++) {
            fprintf(f, "  %-*.*s", rw, rw, in->class_names[g]);
            for (p = 0; p < m->k; p++) fprintf(f, " %*lld", cw, (long long)m->confusion[(int64_t)g * m->k + p]);
            fputc('\n', f);
        }
    }
}

static int multi_report(const hn_eval_input *in, const hn_eval_opts *o, FILE *out)
{
    const char *src = in->source ? in->source : "predictions";
    hn_multiclass_metrics m;
    hn_reject_metrics rj;
    hn_multiclass_boot mb;
    hn_confusion_pair *top = NULL;
    int32_t ntop = 0, *pred2 = NULL;
    const int32_t *pred = in->pred;
    hn_err err;
    hn_status st;
    int rc = HN_EXIT_OK, have_reject = in->negative_id >= 0;
    calib_figs cf;
    oos_figs of;

    hn_err_clear(&err);
    memset(&m, 0, sizeof m);
    memset(&cf, 0, sizeof cf);
    memset(&of, 0, sizeof of);
    if (o->pr_curve_path) return hn_cli_fail(CMD, "%s: --pr-curve needs binary scores (--positive LABEL)", src);
    if (o->plot_path && !have_reject)
        return hn_cli_fail(CMD, "%s: --plot of a multi-class task draws in-scope accuracy against out-of-scope recall: "
                           "it needs a reject label (--negative-label L)", src);
    if (!in->pred || !in->class_names || in->k < 1)
        return hn_cli_fail(CMD, "%s: multi-class evaluation needs predictions and class names", src);
    if (in->negative_id >= in->k) return hn_cli_fail(CMD, "%s: negative label id out of range", src);
    if (o->reject_below >= 0) {
        int64_t i;
        if (!have_reject) return hn_cli_fail(CMD, "%s: a reject threshold needs a negative label", src);
        if (!in->prob) return hn_cli_fail(CMD, "%s: a reject threshold needs a probability per example", src);
        if (!(pred2 = malloc((size_t)in->n * sizeof *pred2))) return hn_cli_fail(CMD, "out of memory");
        for (i = 0; i < in->n; i++) pred2[i] = in->prob[i] < o->reject_below ? in->negative_id : in->pred[i];
        pred = pred2;
    }
    if ((st = hn_multiclass_compute(in->gold, pred, in->n, in->k, &m, &err)) != HN_OK) {
        rc = hn_cli_fail(CMD, "%s: %s", src, err.msg);
        goto done;
    }
    if (have_reject && (st = hn_reject_compute(in->gold, pred, in->n, in->negative_id, &rj, &err)) != HN_OK) {
        rc = hn_cli_fail(CMD, "%s: %s", src, err.msg);
        goto done;
    }
    if (o->top_confusions > 0) {
        if (!(top = malloc((size_t)o->top_confusions * sizeof *top))) {
            rc = hn_cli_fail(CMD, "out of memory");
            goto done;
        }
        ntop = hn_multiclass_top_confusions(&m, top, o->top_confusions);
    }
    if (o->bootstrap > 0 &&
        (st = hn_multiclass_bootstrap(in->gold, pred, in->n, in->k, in->negative_id, o->bootstrap, o->seed, &mb,
                                      &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    if (have_reject && m.per_class[in->negative_id].support == 0)
        hn_log(HN_LOG_WARN, "eval: %s: no example has the gold label '%s': oos recall is undefined", src,
               in->class_names[in->negative_id]);
    if ((rc = calib_compute(in, o, &cf)) != HN_EXIT_OK) goto done;
    if ((rc = oos_compute(in, o, &of)) != HN_EXIT_OK) goto done;
    if (o->plot_path && (rc = write_reject_plot(in, o, &of, o->plot_path)) != HN_EXIT_OK) goto done;
    if (o->plot_calibration_path && (rc = write_calib_plot(&cf, in, o->plot_calibration_path)) != HN_EXIT_OK) goto done;
    if (o->json)
        multi_json(out, in, o, &m, top, ntop, have_reject ? &rj : NULL, o->bootstrap > 0 ? &mb : NULL, &cf, &of);
    else {
        multi_text(out, in, o, &m, top, ntop, have_reject ? &rj : NULL, o->bootstrap > 0 ? &mb : NULL);
        oos_text(out, &of);
        calib_text(out, &cf, o);
    }
done:
    hn_binary_free(&of.m);
    calib_free(&cf);
    free(top);
    free(pred2);
    hn_multiclass_free(&m);
    return rc;
}

int hn_eval_report(const hn_eval_input *in, const hn_eval_opts *o, FILE *out)
{
    int rc;
    if (!in || !o || !out || in->n < 1 || !in->gold) return hn_cli_fail(CMD, "nothing to evaluate");
    if (o->n_at_recall < 0 || o->n_at_recall > HN_EVAL_MAX_TARGETS || o->n_at_precision < 0 ||
        o->n_at_precision > HN_EVAL_MAX_TARGETS)
        return hn_cli_fail(CMD, "at most %d targets", HN_EVAL_MAX_TARGETS);
    rc = in->score ? binary_report(in, o, out) : multi_report(in, o, out);
    if (rc == HN_EXIT_OK && ferror(out)) rc = hn_cli_fail(CMD, "error writing the report: %s", strerror(errno ? errno : EIO));
    return rc;
}
