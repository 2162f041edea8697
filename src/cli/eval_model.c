/* eval_model.c - `hardneg eval MODEL TEST`: score a labeled file with a
 * model and hand the arrays to hn_eval_report (eval_report.h)
 *
 * src/cli. Binary models: the score is P(positive) and the threshold is
 * --threshold, else the model's (set by `hardneg threshold`, 0.5 by
 * default); the report says which. Multi-class models: predictions are the
 * model's decisions (with its stored reject threshold, if any);
 * --negative-label (by default the model's reject label, if it has one)
 * gives the reject-option figures; --threshold overrides
 * the reject threshold; --positive LABEL turns the report into LABEL
 * against the rest, scored by P(LABEL) (so --pr-curve and --plot work on
 * a multi-class model). Gold labels the model does not know get ids after
 * the model's classes, so they count as always wrong (as scikit-learn
 * counts them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"
#include "src/cli/cli.h"
#include "src/cli/eval_report.h"
#include "src/core/container.h"

int hn_eval_model(const char *model_path, const char *test_path, const hn_reader_opts *ro_in, hn_eval_opts *o,
                  const char *negative, const char *positive, int threshold_set, double threshold, FILE *out)
{
    hn_classifier *cl = NULL;
    hn_labels labels;
    hn_dataset v;
    hn_load_stats ls;
    hn_reader_opts ro;
    hn_scores sc;
    hn_err err;
    hn_status st;
    hn_eval_input in;
    int rc = HN_EXIT_OK;
    int32_t nl, pos_id = -1;
    int64_t j;
    const char **names = NULL;
    float *probs = NULL;
    char notpos[300];

    hn_labels_init(&labels);
    hn_dataset_init(&v);
    memset(&sc, 0, sizeof sc);
    ro = *ro_in;
    ro.need_labels = 1;
    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("eval", st, &err);
    nl = cl->nlabels;
    if (positive && nl > 2 && (pos_id = hn_classifier_label_id(cl, positive)) < 0) {
        rc = hn_cli_fail("eval", "--positive: the model has no label '%s'", positive);
        goto done;
    }
    if (positive && nl > 2 && negative)
        hn_log(HN_LOG_WARN, "eval: --positive %s: a one-against-the-rest report; --negative-label is not used", positive);
    /* unknown gold labels are added after the model's classes */
    if ((st = hn_classifier_load_data(cl, test_path, &ro, HN_UNKNOWN_ADD, &labels, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("eval", st, &err);
        goto done;
    }
    if (v.n == 0) {
        rc = hn_cli_fail("eval", "%s: no examples", test_path);
        goto done;
    }
    if (labels.n > nl) {
        char known[200];
        size_t used = 0;
        int32_t k;
        known[0] = '\0';
        for (k = 0; k < nl && used + 8 < sizeof known; k++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s'%s'", k ? ", " : "", cl->labels[k]);
        if (used >= sizeof known) strcpy(known + sizeof known - 5, "...");
        hn_log(HN_LOG_WARN, "eval: %s: %d label%s the model does not know (e.g. '%s'): counted as errors; the model "
               "knows %s", test_path, (int)(labels.n - nl), labels.n - nl == 1 ? "" : "s", labels.names[nl], known);
    }
    if (threshold_set && nl > 2) cl->threshold = threshold;
    /* every probability, for the multi-class Brier score and log loss */
    if (pos_id < 0 && !(probs = malloc((size_t)v.n * (size_t)nl * sizeof *probs))) {
        rc = hn_cli_fail("eval", "out of memory");
        goto done;
    }
    if ((st = hn_classifier_score_dataset_probs(cl, &v, pos_id, -1, NULL, &sc, probs, &err)) != HN_OK) {
        rc = hn_cli_fail_err("eval", st, &err);
        goto done;
    }
    if (!(names = malloc((size_t)labels.n * sizeof *names))) {
        rc = hn_cli_fail("eval", "out of memory");
        goto done;
    }
    for (j = 0; j < labels.n; j++) names[j] = labels.names[j];
    memset(&in, 0, sizeof in);
    in.source = test_path;
    in.n = v.n;
    in.gold = sc.gold;
    if (pos_id >= 0) { /* multi-class model, one class against the rest */
        for (j = 0; j < v.n; j++) sc.gold[j] = sc.gold[j] == pos_id;
        o->threshold = threshold_set ? threshold : 0.5;
        snprintf(notpos, sizeof notpos, "not %s", positive);
        in.positive_label = cl->labels[pos_id];
        in.negative_label = notpos;
        in.score = sc.score;
        hn_log(HN_LOG_INFO, "eval: '%s' against the other %d labels, scored by P(%s), threshold %g", positive,
               (int)nl - 1, positive, o->threshold);
    } else if (nl == 2 && labels.n == 2) {
        if (positive && strcmp(positive, cl->labels[1]) != 0) {
            if (strcmp(positive, cl->labels[0]) != 0) {
                rc = hn_cli_fail("eval", "--positive: the model has no label '%s'", positive);
                goto done;
            }
            for (j = 0; j < v.n; j++) { /* flip the view */
                sc.gold[j] = 1 - sc.gold[j];
                sc.score[j] = 1 - sc.score[j];
            }
            o->threshold = threshold_set ? threshold : 1 - cl->threshold;
            in.positive_label = cl->labels[0];
            in.negative_label = cl->labels[1];
        } else {
            o->threshold = threshold_set ? threshold : cl->threshold;
            in.positive_label = cl->labels[1];
            in.negative_label = cl->labels[0];
        }
        in.score = sc.score;
        hn_log(HN_LOG_INFO, "eval: threshold %g (%s)", o->threshold, threshold_set ? "--threshold" : cl->threshold_note);
    } else {
        in.pred = sc.pred;
        in.prob = sc.top_prob;
        in.k = labels.n;
        in.class_names = names;
        in.negative_id = -1;
        in.probs = probs;
        in.k_model = nl;
        in.top = sc.top;
        in.top_prob = sc.top_prob;
        if (!negative && cl->reject_label >= 0) { /* the model's own reject label */
            negative = cl->labels[cl->reject_label];
            hn_log(HN_LOG_INFO, "eval: reject label '%s' (the model's)", negative);
        }
        if (negative && (in.negative_id = hn_labels_find(&labels, negative)) < 0) {
            rc = hn_cli_fail("eval", "--negative-label: no label '%s' in the model or the test file", negative);
            goto done;
        }
        if (cl->reject_label >= 0 && cl->reject_label == in.negative_id) {
            in.has_reject_threshold = 1;
            in.reject_threshold = cl->threshold;
        }
        if (cl->reject_label >= 0)
            hn_log(HN_LOG_INFO, "eval: rejecting to '%s' below top probability %g (%s)", cl->labels[cl->reject_label],
                   cl->threshold, threshold_set ? "--threshold" : cl->threshold_note);
        else if (threshold_set && in.negative_id >= 0)
            o->reject_below = threshold;
    }
    rc = hn_eval_report(&in, o, out);
done:
    free(probs);
    free(names);
    hn_scores_free(&sc);
    hn_classifier_free(cl);
    hn_labels_free(&labels);
    hn_dataset_free(&v);
    return rc;
}
