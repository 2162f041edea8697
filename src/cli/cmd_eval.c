/* cmd_eval.c - `hardneg eval`: how good is a classifier on an imbalanced task
 *
 * src/ CLI. Two paths end in one report, hn_eval_report() (eval_report.h):
 *   hardneg eval --scores FILE --positive LABEL   lines "gold<TAB>score"
 *   hardneg eval --scores FILE [--negative-label oos]
 *                                  lines "gold<TAB>predicted[<TAB>probability]"
 *   hardneg eval MODEL TEST        (cli_eval_model.c: scores TEST with the model)
 * The scores file is read whole (the ranking figures need every score);
 * memory is 12 to 24 bytes per line plus the distinct labels. The metrics
 * themselves are in src/metrics.c, the SVG in src/svgplot.c; this file
 * only parses, formats and writes.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/cli/eval_report.h"
#include "src/base/lines.h"
#include "src/base/log.h"
#include "src/eval/metrics.h"
#include "src/eval/svgplot.h"

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
}

static void print_targets(FILE *out, const double *t, int32_t n)
{
    int32_t i;
    if (n == 0) fputs("none", out);
    for (i = 0; i < n; i++) fprintf(out, "%s%g", i ? "," : "", t[i]);
}

static void help(FILE *out)
{
    hn_eval_opts d;
    hn_eval_opts_default(&d);
    fprintf(out,
            "usage: hardneg eval --scores FILE --positive LABEL [options]   binary scores\n"
            "       hardneg eval --scores FILE [--negative-label L] [options] multi-class\n"
            "       hardneg eval [options] MODEL TEST                       score TEST with MODEL\n"
            "\n"
            "Evaluate a classifier for an imbalanced task: a text report, or JSON.\n"
            "FILE ('-' = standard input) has one example a line, fields separated by TAB:\n"
            "  binary (with --positive):  gold_label<TAB>score     higher score = more positive\n"
            "  multi-class:               gold_label<TAB>predicted_label[<TAB>probability]\n"
            "Empty lines are skipped; any other malformed line is an error naming FILE:LINE.\n"
            "\n"
            "input:\n"
            "  -s, --scores FILE       the labels and scores or predictions to evaluate\n"
            "  -p, --positive LABEL    binary task: the positive gold label; all others are\n"
            "                          negative [none: multi-class]\n"
            "  --negative-label L      multi-class: the out-of-scope / reject label (e.g. oos);\n"
            "                          adds in-scope accuracy, oos recall, oos precision [none]\n"
            "\n"
            "figures:\n"
            "  -t, --threshold T       binary: predict positive when score >= T [%g];\n"
            "                          multi-class with --negative-label and probabilities:\n"
            "                          predict L when the probability < T [off]\n"
            "  --at-recall LIST        best precision at recall >= each target, comma list,\n"
            "                          '' for none [",
            d.threshold);
    print_targets(out, d.at_recall, d.n_at_recall);
    fprintf(out,
            "]\n"
            "  --at-precision LIST     best recall at precision >= each target [");
    print_targets(out, d.at_precision, d.n_at_precision);
    fprintf(out,
            "]\n"
            "  --confusions N          multi-class: list the N most confused pairs [%ld]\n"
            "  --bootstrap N           95%% percentile intervals from N resamples, 0 = none [%ld]\n"
            "  --seed S                bootstrap seed (splitmix64) [%llu]\n"
            "\n"
            "output:\n"
            "  --json                  one JSON object on standard output; undefined figures\n"
            "                          are null, numbers %%.17g [text report]\n"
            "  --pr-curve FILE         binary: write the PR curve as TSV (threshold precision\n"
            "                          recall, a header line; scikit-learn's points and order,\n"
            "                          the last row 'inf 1 0') [none]\n"
            "  --plot FILE             binary: write the PR curve as an SVG picture [none]\n"
            "  -q, --quiet             no warnings on stderr\n"
            "  -v, --verbose           more messages\n"
            "  -h, --help              this help\n"
            "\n"
            "A test set without positives still gets a report: ROC AUC and average\n"
            "precision are 'undefined (no positives)', null in JSON, with a warning;\n"
            "--pr-curve and --plot then fail.\n"
            "\n"
            "exit status: 0 ok, 1 runtime error (I/O, bad line, nothing to evaluate),\n"
            "2 usage error\n",
            (long)d.top_confusions, (long)d.bootstrap, (unsigned long long)d.seed);
}

/* ---- small output helpers ---------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* %.17g round-trips a double; JSON has no inf or NaN, so those are null. */
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
    char *tmp = NULL;
    FILE *f;
    int64_t i;
    hn_status st;
    hn_err_clear(&err);
    if (!(f = hn_cli_out_open(path, &tmp, &err))) return hn_cli_fail_err(CMD, err.code, &err);
    fputs("threshold\tprecision\trecall\n", f);
    for (i = 0; i < m->curve_len; i++) {
        const hn_pr_point *p = &m->curve[i];
        if (isinf(p->threshold)) fputs(p->threshold > 0 ? "inf" : "-inf", f);
        else fprintf(f, "%.17g", p->threshold);
        fprintf(f, "\t%.17g\t%.17g\n", p->precision, p->recall);
    }
    if ((st = hn_cli_out_close(f, path, tmp, 1, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    return HN_EXIT_OK;
}

static int write_plot(const hn_binary_metrics *m, const hn_eval_input *in, const char *path)
{
    hn_err err;
    char *tmp = NULL, title[256];
    FILE *f;
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
    if (!(f = hn_cli_out_open(path, &tmp, &err))) return hn_cli_fail_err(CMD, err.code, &err);
    st = hn_svgplot_pr_write(f, &c, 1, title, &err);
    if (st != HN_OK) {
        hn_cli_out_close(f, path, tmp, 0, NULL);
        return hn_cli_fail(CMD, "%s: %s", path, err.msg);
    }
    if ((st = hn_cli_out_close(f, path, tmp, 1, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
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
                        const hn_pr_target *pr, const hn_pr_target *rp, const hn_binary_boot *bb)
{
    fputs("{\"task\":\"binary\"", f);
    json_key(f, "source");
    json_str(f, in->source ? in->source : "");
    json_key(f, "positive_label");
    json_str(f, in->positive_label ? in->positive_label : "1");
    json_key(f, "negative_label");
    json_str(f, in->negative_label ? in->negative_label : "0");
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
    rc = HN_EXIT_OK;
    if (o->pr_curve_path) rc = write_pr_curve(&m, o->pr_curve_path);
    if (rc == HN_EXIT_OK && o->plot_path) rc = write_plot(&m, in, o->plot_path);
    if (rc == HN_EXIT_OK) {
        if (o->json) binary_json(out, in, o, &m, pr, rp, o->bootstrap > 0 ? &bb : NULL);
        else binary_text(out, in, o, &m, pr, rp, o->bootstrap > 0 ? &bb : NULL);
    }
    hn_binary_free(&m);
    return rc;
}

/* ---- multi-class report ------------------------------------------------ */

static void multi_json(FILE *f, const hn_eval_input *in, const hn_eval_opts *o, const hn_multiclass_metrics *m,
                       const hn_confusion_pair *top, int32_t ntop, const hn_reject_metrics *rj,
                       const hn_multiclass_boot *mb)
{
    int32_t c, g, p;
    fputs("{\"task\":\"multiclass\"", f);
    json_key(f, "source");
    json_str(f, in->source ? in->source : "");
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
        json_str(f, in->class_names[in->negative_id]);
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
        json_str(f, in->class_names[c]);
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
        json_str(f, in->class_names[c]);
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
        json_str(f, in->class_names[top[c].gold]);
        fputs(",\"pred\":", f);
        json_str(f, in->class_names[top[c].pred]);
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

    hn_err_clear(&err);
    memset(&m, 0, sizeof m);
    if (o->pr_curve_path || o->plot_path)
        return hn_cli_fail(CMD, "%s: --pr-curve and --plot need binary scores (--positive LABEL)", src);
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
    if (o->json)
        multi_json(out, in, o, &m, top, ntop, have_reject ? &rj : NULL, o->bootstrap > 0 ? &mb : NULL);
    else multi_text(out, in, o, &m, top, ntop, have_reject ? &rj : NULL, o->bootstrap > 0 ? &mb : NULL);
done:
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

/* ---- reading the scores file ------------------------------------------- */

/* Label names to ids in first-seen order: an open-addressing hash table of
 * ids over an array of owned names. */
typedef struct label_table {
    char **names;
    int32_t n, cap;
    int32_t *slot;  /* -1 = empty */
    size_t nslot;   /* power of two, kept at least twice n */
} label_table;

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void labels_free(label_table *t)
{
    int32_t i;
    for (i = 0; i < t->n; i++) free(t->names[i]);
    free(t->names);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static int32_t labels_find(const label_table *t, const char *s, size_t len, size_t *pos)
{
    size_t i;
    if (!t->nslot) return -1;
    i = (size_t)fnv1a(s, len) & (t->nslot - 1);
    while (t->slot[i] >= 0) {
        const char *nm = t->names[t->slot[i]];
        if (strlen(nm) == len && memcmp(nm, s, len) == 0) return t->slot[i];
        i = (i + 1) & (t->nslot - 1);
    }
    if (pos) *pos = i;
    return -1;
}

static int labels_rehash(label_table *t, size_t nslot)
{
    int32_t *slot = malloc(nslot * sizeof *slot), i;
    size_t j;
    if (!slot) return -1;
    for (j = 0; j < nslot; j++) slot[j] = -1;
    for (i = 0; i < t->n; i++) {
        j = (size_t)fnv1a(t->names[i], strlen(t->names[i])) & (nslot - 1);
        while (slot[j] >= 0) j = (j + 1) & (nslot - 1);
        slot[j] = i;
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    return 0;
}

/* Id of the label, adding it when new; -1 when out of memory. */
static int32_t labels_intern(label_table *t, const char *s, size_t len)
{
    size_t pos = 0;
    int32_t id;
    char *copy;
    if ((id = labels_find(t, s, len, &pos)) >= 0) return id;
    if ((size_t)t->n * 2 + 2 > t->nslot) {
        if (labels_rehash(t, t->nslot ? t->nslot * 2 : 64)) return -1;
        labels_find(t, s, len, &pos);
    }
    if (t->n == t->cap) {
        int32_t cap = t->cap ? t->cap * 2 : 16;
        char **names = realloc(t->names, (size_t)cap * sizeof *names);
        if (!names) return -1;
        t->names = names;
        t->cap = cap;
    }
    if (!(copy = malloc(len + 1))) return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->names[t->n] = copy;
    t->slot[pos] = t->n;
    return t->n++;
}

typedef struct scores_data {
    int64_t n, cap;
    int32_t *gold;
    int32_t *pred;   /* multi-class */
    double *score;   /* binary: score; multi-class: probability */
    int has_prob;
    label_table labels;
} scores_data;

static void scores_free(scores_data *d)
{
    free(d->gold);
    free(d->pred);
    free(d->score);
    labels_free(&d->labels);
    memset(d, 0, sizeof *d);
}

static int scores_grow(scores_data *d)
{
    int64_t cap = d->cap ? d->cap * 2 : 1024;
    int32_t *g, *p;
    double *s;
    if ((uint64_t)cap > SIZE_MAX / sizeof(double)) return -1;
    if (!(g = realloc(d->gold, (size_t)cap * sizeof *g))) return -1;
    d->gold = g;
    if (!(p = realloc(d->pred, (size_t)cap * sizeof *p))) return -1;
    d->pred = p;
    if (!(s = realloc(d->score, (size_t)cap * sizeof *s))) return -1;
    d->score = s;
    d->cap = cap;
    return 0;
}

/* A whole field as a finite double. */
static int parse_number(const char *s, double *out)
{
    char *end;
    double v;
    if (!*s || *s == ' ' || *s == '\t') return -1;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* Read FILE. binary: fields gold, score; gold[i] = (gold == positive), and
 * the gold labels go into the label table (for messages). multi-class:
 * gold, predicted[, probability]; both labels interned. */
static hn_status scores_read(const char *path, const char *positive, scores_data *d, hn_err *err)
{
    hn_lines rd;
    hn_status st;
    char *line;
    size_t len;
    int fields_seen = 0;

    if ((st = hn_lines_open(&rd, path, err)) != HN_OK) return st;
    while ((st = hn_lines_next(&rd, &line, &len, err)) == HN_OK && line) {
        char *f[4] = {NULL, NULL, NULL, NULL};
        int nf = 0;
        char *p = line, *tab;
        long long ln = (long long)rd.lineno;
        if (len == 0) continue;
        if (memchr(line, '\0', len)) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: NUL byte in line", rd.path, ln);
            break;
        }
        while (nf < 4) {
            f[nf++] = p;
            if (!(tab = strchr(p, '\t'))) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (positive) {
            if (nf != 2) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: expected 2 TAB-separated fields (gold_label, score), got %s%d",
                                rd.path, ln, nf == 4 ? "at least " : "", nf);
                break;
            }
        } else {
            if (nf < 2 || nf > 3) {
                st = hn_err_set(err, HN_ERR_FORMAT,
                                "%s:%lld: expected 2 or 3 TAB-separated fields (gold_label, predicted_label, "
                                "[probability]), got %s%d",
                                rd.path, ln, nf == 4 ? "at least " : "", nf);
                break;
            }
            if (!fields_seen) fields_seen = nf;
            if (nf != fields_seen) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: %d fields, but the first line had %d", rd.path, ln, nf,
                                fields_seen);
                break;
            }
        }
        if (!*f[0]) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: empty gold label", rd.path, ln);
            break;
        }
        if (d->n == d->cap && scores_grow(d)) {
            st = hn_err_set(err, HN_ERR_NOMEM, "%s:%lld: out of memory", rd.path, ln);
            break;
        }
        if (positive) {
            double v;
            if (parse_number(f[1], &v)) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: score '%.40s' is not a finite number", rd.path, ln, f[1]);
                break;
            }
            if (labels_intern(&d->labels, f[0], strlen(f[0])) < 0) {
                st = hn_err_set(err, HN_ERR_NOMEM, "%s:%lld: out of memory", rd.path, ln);
                break;
            }
            d->gold[d->n] = strcmp(f[0], positive) == 0;
            d->score[d->n] = v;
        } else {
            int32_t g, pr;
            if (!*f[1]) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: empty predicted label", rd.path, ln);
                break;
            }
            d->score[d->n] = 1.0;
            if (nf == 3) {
                double v;
                if (parse_number(f[2], &v) || v < 0 || v > 1) {
                    st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: probability '%.40s' is not a number in [0, 1]",
                                    rd.path, ln, f[2]);
                    break;
                }
                d->score[d->n] = v;
                d->has_prob = 1;
            }
            g = labels_intern(&d->labels, f[0], strlen(f[0]));
            pr = g < 0 ? -1 : labels_intern(&d->labels, f[1], strlen(f[1]));
            if (g < 0 || pr < 0) {
                st = hn_err_set(err, HN_ERR_NOMEM, "%s:%lld: out of memory", rd.path, ln);
                break;
            }
            d->gold[d->n] = g;
            d->pred[d->n] = pr;
        }
        d->n++;
    }
    if (st == HN_OK && d->n == 0) st = hn_err_set(err, HN_ERR_FORMAT, "%s: no examples", rd.path);
    hn_lines_close(&rd);
    return st;
}

typedef struct named_id {
    const char *name;
    int32_t id;
} named_id;

static int named_id_cmp(const void *pa, const void *pb)
{
    return strcmp(((const named_id *)pa)->name, ((const named_id *)pb)->name);
}

/* Renumber classes in byte order of their names (scikit-learn's sorted
 * labels), so the report lists them in a stable order. */
static int labels_sort(scores_data *d)
{
    int32_t k = d->labels.n, i, *newid;
    named_id *order;
    char **names;
    int64_t j;
    order = malloc((size_t)k * sizeof *order);
    newid = malloc((size_t)k * sizeof *newid);
    names = malloc((size_t)k * sizeof *names);
    if (!order || !newid || !names) {
        free(order);
        free(newid);
        free(names);
        return -1;
    }
    for (i = 0; i < k; i++) {
        order[i].name = d->labels.names[i];
        order[i].id = i;
    }
    qsort(order, (size_t)k, sizeof *order, named_id_cmp);
    for (i = 0; i < k; i++) {
        newid[order[i].id] = i;
        names[i] = d->labels.names[order[i].id];
    }
    for (j = 0; j < d->n; j++) {
        d->gold[j] = newid[d->gold[j]];
        d->pred[j] = newid[d->pred[j]];
    }
    free(d->labels.names);
    d->labels.names = names;
    d->labels.cap = k;
    free(order);
    free(newid);
    return labels_rehash(&d->labels, d->labels.nslot ? d->labels.nslot : 64);
}

/* ---- the command ------------------------------------------------------- */

static int parse_targets(const char *opt, const char *s, double *out, int32_t *n)
{
    char buf[512], *p, *save = NULL;
    *n = 0;
    if (strlen(s) >= sizeof buf) return hn_cli_usage_error(CMD, "%s: list too long", opt), -1;
    strcpy(buf, s);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (*n == HN_EVAL_MAX_TARGETS)
            return hn_cli_usage_error(CMD, "%s: at most %d targets", opt, HN_EVAL_MAX_TARGETS), -1;
        if (hn_cli_parse_double(CMD, opt, p, 0.0, 1.0, &out[*n])) return -1;
        (*n)++;
    }
    return 0;
}

enum {
    OPT_NEGATIVE = 256, OPT_AT_RECALL, OPT_AT_PRECISION, OPT_JSON, OPT_PR_CURVE, OPT_PLOT, OPT_BOOTSTRAP, OPT_SEED,
    OPT_CONFUSIONS
};

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"scores", required_argument, NULL, 's'},
        {"positive", required_argument, NULL, 'p'},
        {"negative-label", required_argument, NULL, OPT_NEGATIVE},
        {"threshold", required_argument, NULL, 't'},
        {"at-recall", required_argument, NULL, OPT_AT_RECALL},
        {"at-precision", required_argument, NULL, OPT_AT_PRECISION},
        {"json", no_argument, NULL, OPT_JSON},
        {"pr-curve", required_argument, NULL, OPT_PR_CURVE},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
        {"seed", required_argument, NULL, OPT_SEED},
        {"confusions", required_argument, NULL, OPT_CONFUSIONS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hn_eval_opts o;
    hn_eval_input in;
    scores_data d;
    hn_err err;
    hn_status st;
    const char *scores = NULL, *positive = NULL, *negative = NULL;
    int c, threshold_set = 0, rc;
    double threshold = 0.5;
    long lv;
    char *neg_name = NULL;

    hn_eval_opts_default(&o);
    hn_err_clear(&err);
    memset(&d, 0, sizeof d);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:p:t:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': scores = optarg; break;
        case 'p': positive = optarg; break;
        case OPT_NEGATIVE: negative = optarg; break;
        case 't':
            if (hn_cli_parse_double(CMD, "--threshold", optarg, -HUGE_VAL, HUGE_VAL, &threshold)) return HN_EXIT_USAGE;
            threshold_set = 1;
            break;
        case OPT_AT_RECALL:
            if (parse_targets("--at-recall", optarg, o.at_recall, &o.n_at_recall)) return HN_EXIT_USAGE;
            break;
        case OPT_AT_PRECISION:
            if (parse_targets("--at-precision", optarg, o.at_precision, &o.n_at_precision)) return HN_EXIT_USAGE;
            break;
        case OPT_JSON: o.json = 1; break;
        case OPT_PR_CURVE: o.pr_curve_path = optarg; break;
        case OPT_PLOT: o.plot_path = optarg; break;
        case OPT_BOOTSTRAP:
            if (hn_cli_parse_long(CMD, "--bootstrap", optarg, 0, 10000000, &lv)) return HN_EXIT_USAGE;
            o.bootstrap = (int32_t)lv;
            break;
        case OPT_SEED:
            if (hn_cli_parse_u64(CMD, "--seed", optarg, &o.seed)) return HN_EXIT_USAGE;
            break;
        case OPT_CONFUSIONS:
            if (hn_cli_parse_long(CMD, "--confusions", optarg, 0, 1000000, &lv)) return HN_EXIT_USAGE;
            o.top_confusions = (int32_t)lv;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_usage_error(CMD, "option '%s' needs a value", argv[optind - 1]);
        default: return hn_cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }

    if (!scores) {
        if (argc - optind == 2)
            return hn_eval_model(argv[optind], argv[optind + 1], &o, negative, positive, threshold_set, threshold);
        if (argc - optind == 0) return hn_cli_usage_error(CMD, "expected --scores FILE or MODEL TEST");
        return hn_cli_usage_error(CMD, "expected MODEL TEST, got %d argument%s", argc - optind,
                                  argc - optind == 1 ? "" : "s");
    }
    if (optind < argc) return hn_cli_usage_error(CMD, "--scores takes no MODEL or TEST argument");
    if (positive && !*positive) return hn_cli_usage_error(CMD, "--positive: empty label");
    if (negative && !*negative) return hn_cli_usage_error(CMD, "--negative-label: empty label");
    if (positive && negative)
        return hn_cli_usage_error(CMD, "--negative-label is for multi-class predictions; binary scores use --positive");
    if (!positive && (o.pr_curve_path || o.plot_path))
        return hn_cli_usage_error(CMD, "--pr-curve and --plot need binary scores (--positive LABEL)");
    if (!positive && threshold_set && !negative)
        return hn_cli_usage_error(CMD, "--threshold needs --positive (binary) or --negative-label (reject option)");
    if ((o.pr_curve_path && !strcmp(o.pr_curve_path, "-")) || (o.plot_path && !strcmp(o.plot_path, "-")))
        return hn_cli_usage_error(CMD, "the report already goes to standard output; give --pr-curve/--plot a file");
    if (positive) o.threshold = threshold;
    else if (threshold_set) {
        if (threshold < 0 || threshold > 1)
            return hn_cli_usage_error(CMD, "--threshold: a reject threshold is a probability in [0, 1]");
        o.reject_below = threshold;
    }

    if ((st = scores_read(scores, positive, &d, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    memset(&in, 0, sizeof in);
    in.source = scores;
    in.n = d.n;
    in.gold = d.gold;
    in.negative_id = -1;
    if (positive) {
        in.score = d.score;
        in.positive_label = positive;
        /* Name the negative class after the other label when there is one. */
        if (d.labels.n == 2) in.negative_label = d.labels.names[strcmp(d.labels.names[0], positive) == 0];
        else if (d.labels.n == 1 && strcmp(d.labels.names[0], positive) != 0) in.negative_label = d.labels.names[0];
        else {
            size_t len = strlen(positive) + 5;
            if (!(neg_name = malloc(len))) {
                rc = hn_cli_fail(CMD, "out of memory");
                goto done;
            }
            snprintf(neg_name, len, "not %s", positive);
            in.negative_label = neg_name;
        }
        if (labels_find(&d.labels, positive, strlen(positive), NULL) < 0) {
            char seen[200];
            size_t used = 0;
            int32_t i;
            seen[0] = '\0';
            for (i = 0; i < d.labels.n && used + 4 < sizeof seen; i++)
                used += (size_t)snprintf(seen + used, sizeof seen - used, "%s'%s'", i ? ", " : "", d.labels.names[i]);
            if (used >= sizeof seen) strcpy(seen + sizeof seen - 5, "...");
            hn_log(HN_LOG_INFO, "eval: %s: no line has the gold label '%s'; the gold labels are %s", scores,
                   positive, seen);
        }
    } else {
        if (negative && labels_intern(&d.labels, negative, strlen(negative)) < 0) {
            rc = hn_cli_fail(CMD, "out of memory");
            goto done;
        }
        if (labels_sort(&d)) {
            rc = hn_cli_fail(CMD, "out of memory");
            goto done;
        }
        if (o.reject_below >= 0 && !d.has_prob) {
            rc = hn_cli_fail(CMD, "%s: --threshold needs a probability in a third field on every line", scores);
            goto done;
        }
        in.pred = d.pred;
        in.prob = d.has_prob ? d.score : NULL;
        in.k = d.labels.n;
        in.class_names = (const char *const *)d.labels.names;
        if (negative) in.negative_id = labels_find(&d.labels, negative, strlen(negative), NULL);
    }
    rc = hn_eval_report(&in, &o, stdout);
done:
    free(neg_name);
    scores_free(&d);
    return rc;
}
