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
 * Ties go to the lowest threshold. The sweeps are src/eval/threshold.h's;
 * the model file is rewritten through the atomic writer (or -o writes a
 * new one).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/cli/json.h"
#include "src/core/container.h"
#include "src/eval/metrics.h"
#include "src/eval/threshold.h"

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
            "  -o, --output FILE     write the model here instead of replacing MODEL; with -o -\n"
            "                        the model goes to standard output and the threshold to stderr\n"
            "  --json                print the threshold as a JSON object\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n");
    hn_cli_in_help(out, 1);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_threshold(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"objective", required_argument, NULL, 'O'}, {"negative-label", required_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'},    {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},           {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},            HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *objective = NULL, *neg = NULL, *out = NULL, *model_path, *valid_path;
    hn_reader_opts ro;
    hn_classifier *cl = NULL;
    hn_labels labels;
    hn_dataset v;
    hn_load_stats ls;
    hn_scores sc;
    hn_err err;
    hn_status st;
    int c, rc = HN_EXIT_OK, json = 0;
    int32_t negid = -1;
    double best_val = 0;
    double target = 0, best_t = 0.5;

    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    hn_labels_init(&labels);
    hn_dataset_init(&v);
    memset(&sc, 0, sizeof sc);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'O': objective = optarg; break;
        case 'n': neg = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("threshold", argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("threshold", c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option("threshold", argv, optind);
        }
    }
    if (argc - optind != 2) return hn_cli_usage_error("threshold", "expected MODEL VALID");
    model_path = argv[optind];
    valid_path = argv[optind + 1];
    if (!out) out = model_path; /* rewritten in place, through a temporary and rename */
    if (json && !strcmp(out, "-"))
        return hn_cli_usage_error("threshold", "--json and -o - both want standard output: give -o a file");
    {
        const char *ins[1] = {valid_path}, *outs[1] = {out};
        if ((rc = hn_cli_check_files("threshold", ins, 1, outs, 1)) != 0) return rc;
    }
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
    if ((st = hn_classifier_load_data(cl, valid_path, &ro, HN_UNKNOWN_KEEP, &labels, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("threshold", st, &err);
        goto done;
    }
    if (v.n == 0) { rc = hn_cli_fail("threshold", "%s: no examples", valid_path); goto done; }
    if ((st = hn_classifier_score_dataset(cl, &v, -1, -1, NULL, &sc, &err)) != HN_OK) {
        rc = hn_cli_fail_err("threshold", st, &err);
        goto done;
    }
    if (cl->nlabels == 2) {
        hn_binary_metrics bm;
        int64_t j;
        for (j = 0; j < sc.n; j++) sc.gold[j] = sc.gold[j] == 1;
        if ((st = hn_binary_compute(sc.gold, sc.score, sc.n, 0.5, &bm, &err)) != HN_OK) { rc = hn_cli_fail_err("threshold", st, &err); goto done; }
        if (!bm.curve_len) { hn_binary_free(&bm); rc = hn_cli_fail("threshold", "%s: no positive examples: cannot choose a threshold", valid_path); goto done; }
        if (!strcmp(objective, "f1")) {
            double bf;
            best_t = hn_threshold_best_f1(bm.curve, bm.curve_len, &bf);
            best_val = bf;
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
            best_val = !strncmp(objective, "precision@", 10) ? t.precision : t.recall;
            hn_log(HN_LOG_INFO, "threshold: %.9g gives precision %.4f, recall %.4f on %s", best_t, t.precision, t.recall, valid_path);
        }
        hn_binary_free(&bm);
    } else {
        hn_reject_objective obj = !strcmp(objective, "balanced") ? HN_REJECT_BALANCED : HN_REJECT_ACCURACY;
        if ((st = hn_threshold_reject(sc.top_prob, sc.top, sc.gold, sc.n, negid, obj, &best_t, &best_val, &err)) != HN_OK) {
            rc = hn_cli_fail_err("threshold", st, &err);
            goto done;
        }
        cl->reject_label = negid;
        hn_log(HN_LOG_INFO, "threshold: reject below top probability %.9g (%s %.4f on %s)", best_t, objective, best_val, valid_path);
    }
    cl->threshold = best_t;
    snprintf(cl->threshold_note, sizeof cl->threshold_note, "%s on %s", objective, valid_path);
    if ((st = hn_classifier_save(cl, out, &err)) != HN_OK) rc = hn_cli_fail_err("threshold", st, &err);
    else if (!strcmp(out, "-")) /* the model went to standard output: the threshold goes to the log */
        hn_log(HN_LOG_INFO, "threshold: %.9g", best_t);
    else if (json) {
        printf("{\"threshold\":%.17g,\"objective\":", best_t);
        hn_json_str(stdout, objective);
        printf(",\"value\":%.17g,\"reject_label\":", best_val);
        if (cl->reject_label >= 0) hn_json_str(stdout, cl->labels[cl->reject_label]);
        else fputs("null", stdout);
        fputs(",\"validation\":", stdout);
        hn_json_str(stdout, valid_path);
        fputs("}\n", stdout);
    } else printf("%.9g\n", best_t);
done:
    hn_scores_free(&sc);
    hn_classifier_free(cl);
    hn_labels_free(&labels);
    hn_dataset_free(&v);
    return rc;
}
