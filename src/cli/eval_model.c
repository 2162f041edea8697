/* cli_eval_model.c - `hardneg eval MODEL TEST`: score a labeled file with a
 * model and hand the arrays to hn_eval_report (eval_report.h)
 *
 * Binary models: the score is P(positive) and the threshold is --threshold,
 * else the model's (set by `hardneg threshold`, 0.5 by default); the report
 * says which. Multi-class models: predictions are the model's decisions
 * (with its stored reject threshold, if any); --negative-label gives the
 * reject-option figures; --threshold overrides the reject threshold.
 * Gold labels the model does not know get ids after the model's classes,
 * so they count as always wrong (as scikit-learn counts them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/core/classifier.h"
#include "src/cli/cli.h"
#include "src/core/data.h"
#include "src/cli/eval_report.h"
#include "src/base/log.h"

int hn_eval_model(const char *model_path, const char *test_path, hn_eval_opts *o, const char *negative,
                  const char *positive, int threshold_set, double threshold)
{
    hn_classifier *cl = NULL;
    hn_labels labels;
    hn_dataset v;
    hn_load_stats ls;
    hn_reader_opts ro;
    hn_err err;
    hn_status st;
    hn_eval_input in;
    int rc = HN_EXIT_OK;
    int32_t i, k, nl;
    int32_t *gold = NULL, *pred = NULL;
    double *score = NULL, *prob = NULL;
    float *p = NULL;
    const char **names = NULL;
    char source[512];

    hn_labels_init(&labels);
    hn_dataset_init(&v);
    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("eval", st, &err);
    nl = cl->nlabels;
    for (i = 0; i < nl; i++)
        if (hn_labels_add(&labels, cl->labels[i]) != i) { rc = hn_cli_fail("eval", "%s: duplicate label", model_path); goto done; }
    /* unknown gold labels are added after the model's classes */
    if ((st = hn_load_labeled(test_path, &ro, cl->tok, &labels, HN_UNKNOWN_ADD, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("eval", st, &err);
        goto done;
    }
    if (v.n == 0) { rc = hn_cli_fail("eval", "%s: no examples", test_path); goto done; }
    if (labels.n > nl)
        hn_log(HN_LOG_WARN, "eval: %s: %d label%s the model does not know (e.g. '%s'): counted as errors", test_path,
               (int)(labels.n - nl), labels.n - nl == 1 ? "" : "s", labels.names[nl]);
    gold = malloc((size_t)v.n * sizeof *gold);
    pred = malloc((size_t)v.n * sizeof *pred);
    score = malloc((size_t)v.n * sizeof *score);
    prob = malloc((size_t)v.n * sizeof *prob);
    p = malloc((size_t)nl * sizeof *p);
    names = malloc((size_t)labels.n * sizeof *names);
    if (!gold || !pred || !score || !prob || !p || !names) { rc = hn_cli_fail("eval", "out of memory"); goto done; }
    for (i = 0; i < labels.n; i++) names[i] = labels.names[i];
    if (threshold_set && nl > 2) cl->threshold = threshold;
    for (int64_t j = 0; j < v.n; j++) {
        hn_svec x = hn_dataset_get(&v, j);
        int32_t top = 0;
        hn_model_predict(cl->model, &x, p);
        for (k = 1; k < nl; k++)
            if (p[k] > p[top]) top = k;
        gold[j] = v.label[j];
        pred[j] = hn_classifier_decide(cl, p);
        prob[j] = p[top];
        score[j] = nl == 2 ? p[1] : 0;
    }
    memset(&in, 0, sizeof in);
    snprintf(source, sizeof source, "%s", test_path);
    in.source = source;
    in.n = v.n;
    in.gold = gold;
    if (nl == 2 && labels.n == 2) {
        if (positive && strcmp(positive, cl->labels[1]) != 0) {
            if (!strcmp(positive, cl->labels[0])) { /* flip the view */
                for (int64_t j = 0; j < v.n; j++) {
                    gold[j] = 1 - gold[j];
                    score[j] = 1 - score[j];
                }
                o->threshold = threshold_set ? threshold : 1 - cl->threshold;
                in.positive_label = cl->labels[0];
                in.negative_label = cl->labels[1];
            } else {
                rc = hn_cli_fail("eval", "--positive: the model has no label '%s'", positive);
                goto done;
            }
        } else {
            o->threshold = threshold_set ? threshold : cl->threshold;
            in.positive_label = cl->labels[1];
            in.negative_label = cl->labels[0];
        }
        in.score = score;
        hn_log(HN_LOG_INFO, "eval: threshold %g (%s)", o->threshold, threshold_set ? "--threshold" : cl->threshold_note);
    } else {
        in.pred = pred;
        in.prob = prob;
        in.k = labels.n;
        in.class_names = names;
        in.negative_id = -1;
        if (negative) {
            if ((in.negative_id = hn_labels_find(&labels, negative)) < 0) {
                rc = hn_cli_fail("eval", "--negative-label: no label '%s' in the model or the test file", negative);
                goto done;
            }
        }
        if (cl->reject_label >= 0)
            hn_log(HN_LOG_INFO, "eval: rejecting to '%s' below top probability %g (%s)", cl->labels[cl->reject_label],
                   cl->threshold, threshold_set ? "--threshold" : cl->threshold_note);
        else if (threshold_set && in.negative_id >= 0)
            o->reject_below = threshold;
    }
    rc = hn_eval_report(&in, o, stdout);
done:
    free(gold);
    free(pred);
    free(score);
    free(prob);
    free(p);
    free(names);
    hn_classifier_free(cl);
    hn_labels_free(&labels);
    hn_dataset_free(&v);
    return rc;
}
