/* objective.c - the figure `tune` maximizes, and its threshold
 *
 * Binary figures come from the PR curve of P(positive) (src/eval/metrics.c,
 * the one eval prints); multi-class ones from the arg max; the reject
 * figures from the top probability's sweep in src/eval/threshold.c.
 */
#include "src/core/objective.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/eval/metrics.h"
#include "src/eval/threshold.h"

static const char *const names[HN_OBJ_COUNT] = {
    "ap",       "f1", "f1:", "macro-f1", "accuracy", "precision@recall=", "recall@precision=", "in-scope-accuracy",
    "oos-recall@in-scope>=",
};

#define METRIC_LIST                                                                                                   \
    "ap, f1, f1:LABEL, macro-f1, accuracy, precision@recall=R, recall@precision=P, in-scope-accuracy, "                \
    "oos-recall@in-scope>=A"

hn_status hn_objective_parse(const char *s, hn_objective *o, hn_err *err)
{
    int k;
    memset(o, 0, sizeof *o);
    for (k = 0; k < HN_OBJ_COUNT; k++) {
        size_t n = strlen(names[k]);
        int takes_arg = names[k][n - 1] == ':' || names[k][n - 1] == '=';
        if (takes_arg ? strncmp(s, names[k], n) != 0 : strcmp(s, names[k]) != 0) continue;
        o->kind = (hn_objective_kind)k;
        if (!takes_arg) return HN_OK;
        if (k == HN_OBJ_F1_LABEL) {
            if (!s[n] || strlen(s + n) >= sizeof o->label)
                return hn_err_set(err, HN_ERR_ARG, "--metric %s: expected f1:LABEL", s);
            strcpy(o->label, s + n);
            return HN_OK;
        }
        {
            char *end;
            double x = strtod(s + n, &end);
            if (end == s + n || *end || !(x >= 0 && x <= 1))
                return hn_err_set(err, HN_ERR_ARG, "--metric %s: expected a number in [0, 1] after '%s'", s, names[k]);
            o->target = x;
            return HN_OK;
        }
    }
    return hn_err_set(err, HN_ERR_ARG, "--metric: unknown '%s' (" METRIC_LIST ")", s);
}

const char *hn_objective_str(const hn_objective *o, char *buf, size_t n)
{
    if (o->kind == HN_OBJ_F1_LABEL) snprintf(buf, n, "f1:%s", o->label);
    else if (o->kind == HN_OBJ_PRECISION_AT_RECALL || o->kind == HN_OBJ_RECALL_AT_PRECISION ||
             o->kind == HN_OBJ_OOS_AT_IN_SCOPE)
        snprintf(buf, n, "%s%g", names[o->kind], o->target);
    else snprintf(buf, n, "%s", (unsigned)o->kind < HN_OBJ_COUNT ? names[o->kind] : "?");
    return buf;
}

hn_status hn_objective_check(const hn_objective *o, int32_t nlabels, int has_negative, hn_err *err)
{
    char b[160];
    hn_objective_str(o, b, sizeof b);
    switch (o->kind) {
    case HN_OBJ_AP:
    case HN_OBJ_PRECISION_AT_RECALL:
    case HN_OBJ_RECALL_AT_PRECISION:
        if (nlabels != 2)
            return hn_err_set(err, HN_ERR_ARG, "--metric %s is for two labels; with %d use accuracy, macro-f1, f1:LABEL%s",
                              b, (int)nlabels, has_negative ? " or in-scope-accuracy" : "");
        return HN_OK;
    case HN_OBJ_IN_SCOPE_ACCURACY:
    case HN_OBJ_OOS_AT_IN_SCOPE:
        if (nlabels == 2 || !has_negative)
            return hn_err_set(err, HN_ERR_ARG, "--metric %s needs several labels and --negative-label (e.g. oos)", b);
        return HN_OK;
    default: return HN_OK;
    }
}

/* F1 of class k from arg-max predictions; unknown gold is always wrong */
static double class_f1(const hn_scores *s, int32_t k)
{
    int64_t i, tp = 0, pred = 0, sup = 0;
    for (i = 0; i < s->n; i++) {
        sup += s->gold[i] == k;
        pred += s->top[i] == k;
        tp += s->gold[i] == k && s->top[i] == k;
    }
    return sup + pred ? 2.0 * (double)tp / (double)(sup + pred) : 0;
}

static hn_status eval_binary(const hn_objective *o, const hn_classifier *c, const hn_scores *s,
                             hn_objective_value *out, hn_err *err)
{
    hn_binary_metrics bm;
    int32_t *gold = malloc((size_t)s->n * sizeof *gold);
    hn_status st;
    int64_t i;
    if (!gold) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < s->n; i++) gold[i] = s->gold[i] == 1;
    st = hn_binary_compute(gold, s->score, s->n, 0.5, &bm, err);
    free(gold);
    if (st != HN_OK) return st;
    switch (o->kind) {
    case HN_OBJ_AP: {
        double f1;
        out->value = bm.has_average_precision ? bm.average_precision : 0;
        out->threshold = hn_threshold_best_f1(bm.curve, bm.curve_len, &f1); /* the operating point to keep */
        out->has_threshold = 1;
        break;
    }
    case HN_OBJ_F1:
        out->threshold = hn_threshold_best_f1(bm.curve, bm.curve_len, &out->value);
        out->has_threshold = 1;
        if (out->value < 0) out->value = 0;
        break;
    case HN_OBJ_F1_LABEL:
        if (!strcmp(o->label, c->labels[1])) {
            out->threshold = hn_threshold_best_f1(bm.curve, bm.curve_len, &out->value);
            out->has_threshold = 1;
            if (out->value < 0) out->value = 0;
        } else {
            out->value = class_f1(s, 0);
        }
        break;
    case HN_OBJ_PRECISION_AT_RECALL:
    case HN_OBJ_RECALL_AT_PRECISION: {
        hn_pr_target t = o->kind == HN_OBJ_PRECISION_AT_RECALL
                             ? hn_pr_precision_at_recall(bm.curve, bm.curve_len, o->target)
                             : hn_pr_recall_at_precision(bm.curve, bm.curve_len, o->target);
        out->value = t.reached ? (o->kind == HN_OBJ_PRECISION_AT_RECALL ? t.precision : t.recall) : 0;
        if (t.reached) {
            out->threshold = t.threshold;
            out->has_threshold = 1;
        }
        break;
    }
    case HN_OBJ_MACRO_F1: out->value = 0.5 * (class_f1(s, 0) + class_f1(s, 1)); break;
    default: out->value = bm.accuracy; break; /* accuracy, f1 on several labels cannot reach here */
    }
    hn_binary_free(&bm);
    return HN_OK;
}

hn_status hn_objective_eval(const hn_objective *o, const hn_classifier *c, const hn_dataset *v, int32_t negative,
                            hn_objective_value *out, hn_err *err)
{
    hn_scores s;
    hn_status st;
    int64_t i, right = 0;
    memset(out, 0, sizeof *out);
    if (v->n < 1) return hn_err_set(err, HN_ERR_ARG, "no validation examples");
    if ((st = hn_classifier_score_dataset(c, v, -1, -1, NULL, &s, err)) != HN_OK) return st;
    if (c->nlabels == 2) {
        double ll = 0;
        for (i = 0; i < s.n; i++) { /* log loss of P(positive), clamped as scikit-learn's */
            double p = s.score[i] < 1e-15 ? 1e-15 : s.score[i] > 1 - 1e-15 ? 1 - 1e-15 : s.score[i];
            ll -= s.gold[i] == 1 ? log(p) : log(1 - p);
        }
        st = eval_binary(o, c, &s, out, err);
        out->tie = -ll / (double)s.n;
        hn_scores_free(&s);
        return st;
    }
    for (i = 0; i < s.n; i++) right += s.top[i] == s.gold[i];
    out->tie = (double)right / (double)s.n;
    switch (o->kind) {
    case HN_OBJ_F1_LABEL: {
        int32_t k = hn_classifier_label_id(c, o->label);
        if (k < 0) st = hn_err_set(err, HN_ERR_ARG, "--metric f1:%s: the model has no label '%s'", o->label, o->label);
        else out->value = class_f1(&s, k);
        break;
    }
    case HN_OBJ_MACRO_F1: {
        int32_t k, used = 0;
        double sum = 0;
        int64_t *sup = calloc((size_t)c->nlabels * 2, sizeof *sup);
        if (!sup) {
            st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
            break;
        }
        for (i = 0; i < s.n; i++) {
            if (s.gold[i] >= 0 && s.gold[i] < c->nlabels) sup[s.gold[i]]++;
            sup[c->nlabels + s.top[i]]++;
        }
        for (k = 0; k < c->nlabels; k++)
            if (sup[k] + sup[c->nlabels + k] > 0) {
                sum += class_f1(&s, k);
                used++;
            }
        free(sup);
        out->value = used ? sum / used : 0;
        break;
    }
    case HN_OBJ_IN_SCOPE_ACCURACY: {
        int64_t in = 0, ok = 0;
        for (i = 0; i < s.n; i++)
            if (s.gold[i] != negative) {
                in++;
                ok += s.top[i] == s.gold[i];
            }
        out->value = in ? (double)ok / (double)in : 0;
        break;
    }
    case HN_OBJ_OOS_AT_IN_SCOPE:
        st = hn_threshold_reject_at(s.top_prob, s.top, s.gold, s.n, negative, o->target, &out->threshold, &out->value,
                                    err);
        out->has_threshold = st == HN_OK;
        break;
    default: out->value = (double)right / (double)s.n; break; /* accuracy, f1 (micro) */
    }
    hn_scores_free(&s);
    return st;
}
