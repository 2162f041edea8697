/* cmd_threshold.c - `hardneg threshold`: choose the decision threshold on
 * a validation file and store it in the model
 *
 * Binary models: the threshold on P(positive) that maximizes F1, or the
 * one that reaches a target (precision@R: the best precision with recall
 * >= R; recall@P: the best recall with precision >= P).
 * Multi-class models with a reject label (--negative-label, e.g. oos): a
 * threshold on the top probability below which the reject label is
 * predicted, the CLINC150 paper's oos-threshold protocol. Objectives:
 * max-in-scope-accuracy maximizes validation accuracy over every example,
 * where an out-of-scope example is right when rejected (maximizing
 * in-scope accuracy alone would never reject); balanced maximizes the mean
 * of in-scope accuracy and out-of-scope recall.
 * Ties go to the lowest threshold. The model file is rewritten through a
 * temporary file (or -o writes a new one).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/arena.h"
#include "src/core/classifier.h"
#include "src/cli/cli.h"
#include "src/core/data.h"
#include "src/base/log.h"
#include "src/eval/metrics.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg threshold [options] MODEL VALID\n"
            "\n"
            "Pick the decision threshold on a labeled validation file and store it in the\n"
            "model; predict and eval then use it.\n"
            "\n"
            "  --objective O         binary: f1, precision@R, recall@P;\n"
            "                        multi-class: max-in-scope-accuracy, balanced [f1 / max-in-scope-accuracy]\n"
            "  --negative-label L    reject label of a multi-class model (e.g. oos)\n"
            "  -o, --output FILE     write the model here instead of replacing MODEL\n"
            "  --format F            auto, fasttext, tsv [auto]\n"
            "  -q, --quiet / -h, --help\n"
            "\n"
            "exit status: 0 ok, 1 runtime error, 2 usage error\n");
}

typedef struct tp {
    double s;
    int32_t ok_accept, ok_reject; /* correct if accepted / if rejected */
    int32_t is_oos;
} tp;

static int by_s(const void *a, const void *b)
{
    double x = ((const tp *)a)->s, y = ((const tp *)b)->s;
    return (x > y) - (x < y);
}

int cmd_threshold(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"objective", required_argument, NULL, 'O'}, {"negative-label", required_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'},    {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *objective = NULL, *neg = NULL, *out = NULL, *model_path, *valid_path;
    hn_reader_opts ro;
    hn_classifier *cl = NULL;
    hn_labels labels;
    hn_dataset v;
    hn_load_stats ls;
    hn_err err;
    hn_status st;
    int c, rc = HN_EXIT_OK;
    int32_t i, negid = -1;
    double target = 0, best_t = 0.5;
    float *p = NULL;

    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    hn_labels_init(&labels);
    hn_dataset_init(&v);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'O': objective = optarg; break;
        case 'n': neg = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
            if (hn_format_parse(optarg, &ro.format) != HN_OK) return hn_cli_usage_error("threshold", "--format: unknown '%s'", optarg);
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_usage_error("threshold", "option '%s' needs a value", argv[optind - 1]);
        default: return hn_cli_usage_error("threshold", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2) return hn_cli_usage_error("threshold", "expected MODEL VALID");
    model_path = argv[optind];
    valid_path = argv[optind + 1];
    if (!out) out = model_path;
    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("threshold", st, &err);
    if (!objective) objective = cl->nlabels == 2 ? "f1" : "max-in-scope-accuracy";
    if (cl->nlabels > 2) {
        if (!neg) { rc = hn_cli_usage_error("threshold", "a multi-class model needs --negative-label (the reject label)"); goto done; }
        if ((negid = hn_classifier_label_id(cl, neg)) < 0) { rc = hn_cli_fail("threshold", "the model has no label '%s'", neg); goto done; }
        if (strcmp(objective, "max-in-scope-accuracy") && strcmp(objective, "balanced")) {
            rc = hn_cli_usage_error("threshold", "--objective for a multi-class model: max-in-scope-accuracy or balanced");
            goto done;
        }
    } else if (strcmp(objective, "f1") && strncmp(objective, "precision@", 10) && strncmp(objective, "recall@", 7)) {
        rc = hn_cli_usage_error("threshold", "--objective for a binary model: f1, precision@R or recall@P");
        goto done;
    } else if (strcmp(objective, "f1")) {
        const char *num = strchr(objective, '@') + 1;
        if (hn_cli_parse_double("threshold", "--objective target", num, 0, 1, &target)) { rc = HN_EXIT_USAGE; goto done; }
    }
    for (i = 0; i < cl->nlabels; i++)
        if (hn_labels_add(&labels, cl->labels[i]) != i) { rc = hn_cli_fail("threshold", "duplicate label in model"); goto done; }
    if ((st = hn_load_labeled(valid_path, &ro, cl->tok, &labels, HN_UNKNOWN_KEEP, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("threshold", st, &err);
        goto done;
    }
    if (v.n == 0) { rc = hn_cli_fail("threshold", "%s: no examples", valid_path); goto done; }
    if (!(p = malloc((size_t)cl->nlabels * sizeof *p))) { rc = hn_cli_fail("threshold", "out of memory"); goto done; }
    if (cl->nlabels == 2) {
        int32_t *gold = malloc((size_t)v.n * sizeof *gold);
        double *score = malloc((size_t)v.n * sizeof *score);
        hn_binary_metrics bm;
        int64_t j;
        if (!gold || !score) { free(gold); free(score); rc = hn_cli_fail("threshold", "out of memory"); goto done; }
        for (j = 0; j < v.n; j++) {
            hn_svec x = hn_dataset_get(&v, j);
            hn_model_predict(cl->model, &x, p);
            score[j] = p[1];
            gold[j] = v.label[j] == 1;
        }
        st = hn_binary_compute(gold, score, v.n, 0.5, &bm, &err);
        free(gold);
        free(score);
        if (st != HN_OK) { rc = hn_cli_fail_err("threshold", st, &err); goto done; }
        if (!bm.curve_len) { hn_binary_free(&bm); rc = hn_cli_fail("threshold", "%s: no positive examples: cannot choose a threshold", valid_path); goto done; }
        if (!strcmp(objective, "f1")) {
            double bf = -1;
            int64_t k;
            for (k = 0; k < bm.curve_len; k++) {
                const hn_pr_point *q = &bm.curve[k];
                double f = (q->precision + q->recall) > 0 ? 2 * q->precision * q->recall / (q->precision + q->recall) : 0;
                if (!isfinite(q->threshold)) continue;
                if (f > bf || (f == bf && q->threshold < best_t)) {
                    bf = f;
                    best_t = q->threshold;
                }
            }
            hn_log(HN_LOG_INFO, "threshold: %.9g gives F1 %.4f on %s", best_t, bf, valid_path);
        } else {
            hn_pr_target t = !strncmp(objective, "precision@", 10) ? hn_pr_precision_at_recall(bm.curve, bm.curve_len, target)
                                                                    : hn_pr_recall_at_precision(bm.curve, bm.curve_len, target);
            if (!t.reached) {
                hn_binary_free(&bm);
                rc = hn_cli_fail("threshold", "%s: no threshold reaches %s", valid_path, objective);
                goto done;
            }
            best_t = t.threshold;
            hn_log(HN_LOG_INFO, "threshold: %.9g gives precision %.4f, recall %.4f on %s", best_t, t.precision, t.recall, valid_path);
        }
        hn_binary_free(&bm);
    } else {
        tp *e = malloc((size_t)v.n * sizeof *e);
        int64_t j, n = v.n, nin = 0, nout = 0, best_score_i = 0;
        double best_val = -1;
        int balanced = !strcmp(objective, "balanced");
        if (!e) { rc = hn_cli_fail("threshold", "out of memory"); goto done; }
        for (j = 0; j < n; j++) {
            hn_svec x = hn_dataset_get(&v, j);
            int32_t k, top = 0, g = v.label[j];
            hn_model_predict(cl->model, &x, p);
            for (k = 1; k < cl->nlabels; k++)
                if (p[k] > p[top]) top = k;
            e[j].s = p[top];
            e[j].ok_accept = g >= 0 && top == g;
            e[j].ok_reject = g == negid;
            e[j].is_oos = g == negid;
            nin += !e[j].is_oos;
            nout += e[j].is_oos;
        }
        qsort(e, (size_t)n, sizeof *e, by_s);
        /* threshold T rejects every example with s < T. Sweep j: examples
         * [0, j) rejected, [j, n) accepted; candidate thresholds are 0 and
         * each distinct s. Running counts: accepted in-scope correct,
         * accepted out-of-scope predicted as such, rejected out-of-scope. */
        {
            int64_t acc_in = 0, acc_oos = 0, rej_oos = 0;
            for (j = 0; j < n; j++) {
                acc_in += e[j].ok_accept && !e[j].is_oos;
                acc_oos += e[j].ok_accept && e[j].is_oos;
            }
            for (j = 0; j <= n; j++) {
                if (j == 0 || j == n || e[j].s != e[j - 1].s) {
                    double val;
                    if (balanced)
                        val = 0.5 * ((nin ? (double)acc_in / (double)nin : 0) +
                                     (nout ? (double)(acc_oos + rej_oos) / (double)nout : 0));
                    else
                        val = (double)(acc_in + acc_oos + rej_oos) / (double)n;
                    if (val > best_val) {
                        best_val = val;
                        best_score_i = j;
                    }
                }
                if (j < n) {
                    acc_in -= e[j].ok_accept && !e[j].is_oos;
                    acc_oos -= e[j].ok_accept && e[j].is_oos;
                    rej_oos += e[j].is_oos;
                }
            }
        }
        best_t = best_score_i < n ? e[best_score_i].s : nextafter(e[n - 1].s, 2.0);
        if (best_score_i == 0) best_t = 0;
        free(e);
        cl->reject_label = negid;
        hn_log(HN_LOG_INFO, "threshold: reject below top probability %.9g (%s %.4f on %s)", best_t, objective, best_val, valid_path);
    }
    cl->threshold = best_t;
    snprintf(cl->threshold_note, sizeof cl->threshold_note, "%s on %s", objective, valid_path);
    if ((st = hn_classifier_save(cl, out, &err)) != HN_OK) rc = hn_cli_fail_err("threshold", st, &err);
    else printf("%.9g\n", best_t);
done:
    free(p);
    hn_classifier_free(cl);
    hn_labels_free(&labels);
    hn_dataset_free(&v);
    return rc;
}
