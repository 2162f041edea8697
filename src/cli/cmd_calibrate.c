/* cmd_calibrate.c - `hardneg calibrate`: fit the probability map of a
 * model on validation data and store it in the model
 *
 * src/cli. The fit is src/core/calibration.h's hn_classifier_calibrate
 * (temperature scaling for multi-class models, Platt scaling or isotonic
 * regression for binary ones, and an optional prior correction); the maps
 * and figures are src/eval/calibration.h's. predict, eval, threshold and
 * everything that scores through the classifier then give calibrated
 * probabilities; `info` shows the map.
 *
 * A stored decision threshold was chosen on the old probabilities. For a
 * binary model that was not calibrated before, it is carried through the
 * new map (the map is non-decreasing in the margin, so every decision
 * stays as it was); a multi-class reject threshold cannot be carried (the
 * top probability is not a function of itself after the map), so the
 * command says to choose it again.
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
#include "src/core/calibration.h"
#include "src/core/container.h"

#define CMD "calibrate"

static void help(FILE *out)
{
    hn_calibrate_opts d;
    hn_calibrate_opts_default(&d);
    fprintf(out,
            "usage: hardneg calibrate [options] MODEL VALID\n"
            "\n"
            "Fit a map from the model's scores to probabilities that match the class\n"
            "frequencies of the labeled validation file VALID, and store it in the model:\n"
            "predict and eval then give calibrated probabilities, info shows the map.\n"
            "Prints the validation log loss, Brier score, ECE and accuracy before and after.\n"
            "\n"
            "  --method M            temperature (softmax(z / T); keeps every arg max),\n"
            "                        platt (binary: sigmoid(a z + b)), isotonic (binary: a\n"
            "                        non-decreasing step-linear map), none (no map: with\n"
            "                        --prior, prior correction alone; without, removes the\n"
            "                        calibration) [auto: platt for a binary model, temperature\n"
            "                        otherwise]\n"
            "  --prior L=P[,L=P...]  the class priors where the model will be used: the\n"
            "                        probabilities are multiplied by P / (L's share of VALID)\n"
            "                        and renormalized; classes not listed share what is left\n"
            "                        in proportion to their shares of VALID [none]\n"
            "  --bins N              bins of the ECE printed, 1..%d [%d]\n"
            "  -o, --output FILE     write the model here instead of replacing MODEL; with -o -\n"
            "                        the model goes to standard output and the report to stderr\n"
            "  --json                print the report as one JSON object\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n",
            HN_CALIB_MAX_BINS, (int)d.bins);
    hn_cli_in_help(out, 1);
    fprintf(out, "\nA binary decision threshold set by 'hardneg threshold' is carried through the map\n"
                 "(the same decisions); a multi-class reject threshold must be chosen again.\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

/* "L=P,L=P" against the model's labels into prior[nlabels] (-1: not given). */
static int parse_prior(const hn_classifier *cl, const char *spec, double *prior)
{
    char *buf = strdup(spec), *item, *save = NULL;
    int32_t k;
    if (!buf) return hn_cli_fail(CMD, "out of memory");
    for (k = 0; k < cl->nlabels; k++) prior[k] = -1;
    for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strrchr(item, '=');
        double v;
        if (!eq || eq == item) {
            hn_cli_usage_error(CMD, "--prior: expected LABEL=P, got '%s'", item);
            free(buf);
            return HN_EXIT_USAGE;
        }
        *eq = '\0';
        if ((k = hn_classifier_label_id(cl, item)) < 0) {
            hn_cli_usage_error(CMD, "--prior: the model has no label '%s' ('hardneg info MODEL' lists them)", item);
            free(buf);
            return HN_EXIT_USAGE;
        }
        if (prior[k] >= 0) {
            hn_cli_usage_error(CMD, "--prior: '%s' given twice", item);
            free(buf);
            return HN_EXIT_USAGE;
        }
        if (hn_cli_parse_double(CMD, "--prior", eq + 1, 1e-300, 1, &v)) {
            free(buf);
            return HN_EXIT_USAGE;
        }
        prior[k] = v;
    }
    free(buf);
    return 0;
}

static void describe(FILE *f, const hn_calib *k)
{
    switch (k->method) {
    case HN_CALIB_METHOD_TEMPERATURE: fprintf(f, "temperature T = %.6g", k->temperature); break;
    case HN_CALIB_METHOD_PLATT: fprintf(f, "Platt sigmoid(%.6g z %+.6g)", k->platt_a, k->platt_b); break;
    case HN_CALIB_METHOD_ISOTONIC: fprintf(f, "isotonic, %d breakpoints", (int)k->iso_n); break;
    default: fputs("no map", f); break;
    }
    if (k->nprior) fputs(", prior corrected", f);
}

enum { OPT_METHOD = 256, OPT_PRIOR, OPT_BINS, OPT_JSON };

int cmd_calibrate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"method", required_argument, NULL, OPT_METHOD},
        {"prior", required_argument, NULL, OPT_PRIOR},
        {"bins", required_argument, NULL, OPT_BINS},
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *model_path, *valid_path, *prior_spec = NULL;
    hn_calibrate_opts co;
    hn_calibrate_report r;
    hn_reader_opts ro;
    hn_classifier *cl = NULL;
    hn_labels labels;
    hn_dataset v;
    hn_load_stats ls;
    hn_err err;
    hn_status st;
    double *prior = NULL;
    int c, rc = HN_EXIT_OK, json = 0, was_calibrated, out_given = 0;
    long lv;
    FILE *rep;

    hn_calibrate_opts_default(&co);
    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    hn_labels_init(&labels);
    hn_dataset_init(&v);
    hn_err_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_METHOD:
            if (!strcmp(optarg, "auto")) {
                co.auto_method = 1;
            } else if (hn_calib_method_parse(optarg, &co.method) == HN_OK) {
                co.auto_method = 0;
            } else {
                return hn_cli_usage_error(CMD, "--method: unknown '%s' (auto, temperature, platt, isotonic, none)",
                                          optarg);
            }
            break;
        case OPT_PRIOR: prior_spec = optarg; break;
        case OPT_BINS:
            if (hn_cli_parse_long(CMD, "--bins", optarg, 1, HN_CALIB_MAX_BINS, &lv)) return HN_EXIT_USAGE;
            co.bins = (int32_t)lv;
            break;
        case 'o': out = optarg, out_given = 1; break;
        case OPT_JSON: json = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value(CMD, argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option(CMD, c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option(CMD, argv, optind);
        }
    }
    if (argc - optind != 2) return hn_cli_usage_error(CMD, "expected MODEL VALID");
    model_path = argv[optind];
    valid_path = argv[optind + 1];
    if (!strcmp(model_path, "-") && !strcmp(valid_path, "-"))
        return hn_cli_usage_error(CMD, "MODEL and VALID cannot both be standard input");
    if (!out_given && !strcmp(model_path, "-"))
        return hn_cli_usage_error(CMD, "a model read from standard input needs -o FILE (or -o - for standard output)");
    if (!out) out = model_path; /* rewritten in place, through a temporary and rename */
    {
        const char *ins[1] = {valid_path}, *outs[1] = {out};
        if ((rc = hn_cli_check_files(CMD, ins, 1, outs, 1)) != 0) return rc;
    }
    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    if (prior_spec) {
        if (!(prior = malloc((size_t)cl->nlabels * sizeof *prior))) {
            rc = hn_cli_fail(CMD, "out of memory");
            goto done;
        }
        if ((rc = parse_prior(cl, prior_spec, prior)) != 0) goto done;
        co.prior = prior;
    }
    if ((st = hn_classifier_load_data(cl, valid_path, &ro, HN_UNKNOWN_KEEP, &labels, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    if (v.n == 0) {
        rc = hn_cli_fail(CMD, "%s: no examples", valid_path);
        goto done;
    }
    if (ls.unknown_label)
        hn_log(HN_LOG_WARN, "calibrate: %s: %lld examples have labels the model does not know: left out", valid_path,
               (long long)ls.unknown_label);
    was_calibrated = hn_calib_active(&cl->calib);
    co.source = valid_path;
    if ((st = hn_classifier_calibrate(cl, &v, &co, &r, &err)) != HN_OK) {
        rc = st == HN_ERR_ARG ? hn_cli_usage_error(CMD, "%s", err.msg)
                              : hn_cli_fail(CMD, "%s: %s", valid_path, err.msg);
        goto done;
    }
    if (r.log_loss_after > r.log_loss_before)
        hn_log(HN_LOG_WARN,
               "calibrate: %s does not lower the log loss on %s (%.4g -> %.4g): the model may already be calibrated "
               "there; --method none keeps its own probabilities",
               hn_calib_method_name(cl->calib.method), valid_path, r.log_loss_before, r.log_loss_after);
    /* the stored decision threshold */
    if (strcmp(cl->threshold_note, "default") != 0) {
        if (cl->nlabels == 2 && cl->reject_label < 0 && !was_calibrated && cl->threshold > 0 && cl->threshold < 1) {
            float z = (float)(log(cl->threshold) - log1p(-cl->threshold)), p[2];
            double old = cl->threshold;
            hn_calib_apply(&cl->calib, &z, 2, p);
            cl->threshold = p[1];
            hn_log(HN_LOG_INFO, "calibrate: threshold %.9g (%s) is %.9g on the calibrated scale: same decisions", old,
                   cl->threshold_note, cl->threshold);
            if (strlen(cl->threshold_note) + 12 < sizeof cl->threshold_note) strcat(cl->threshold_note, ", mapped");
        } else {
            hn_log(HN_LOG_WARN,
                   "calibrate: the stored threshold %.6g (%s) was chosen on the earlier probabilities: run 'hardneg "
                   "threshold' again on the calibrated model",
                   cl->threshold, cl->threshold_note);
        }
    }
    if ((st = hn_classifier_save(cl, out, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    rep = strcmp(out, "-") ? stdout : stderr;
    if (json) {
        fputs("{\"method\":", rep);
        hn_json_str(rep, hn_calib_method_name(cl->calib.method));
        if (cl->calib.method == HN_CALIB_METHOD_TEMPERATURE) fprintf(rep, ",\"temperature\":%.17g", cl->calib.temperature);
        if (cl->calib.method == HN_CALIB_METHOD_PLATT)
            fprintf(rep, ",\"platt_a\":%.17g,\"platt_b\":%.17g", cl->calib.platt_a, cl->calib.platt_b);
        if (cl->calib.method == HN_CALIB_METHOD_ISOTONIC) fprintf(rep, ",\"isotonic_points\":%d", (int)cl->calib.iso_n);
        fprintf(rep, ",\"prior_corrected\":%s,\"validation\":", cl->calib.nprior ? "true" : "false");
        hn_json_str(rep, valid_path);
        fprintf(rep,
                ",\"examples\":%lld,\"bins\":%d,\"log_loss_before\":%.17g,\"log_loss_after\":%.17g,"
                "\"brier_before\":%.17g,\"brier_after\":%.17g,\"ece_before\":%.17g,\"ece_after\":%.17g,"
                "\"accuracy_before\":%.17g,\"accuracy_after\":%.17g,\"output\":",
                (long long)r.n, (int)co.bins, r.log_loss_before, r.log_loss_after, r.brier_before, r.brier_after,
                r.ece_before, r.ece_after, r.accuracy_before, r.accuracy_after);
        hn_json_str(rep, out);
        fputs("}\n", rep);
    } else {
        fputs("calibration: ", rep);
        describe(rep, &cl->calib);
        fprintf(rep, "\nfit on %s (%lld examples); on the same data:\n", valid_path, (long long)r.n);
        fprintf(rep, "  %-22s %9s %9s\n", "", "before", "after");
        fprintf(rep, "  %-22s %9.4f %9.4f\n", "log loss", r.log_loss_before, r.log_loss_after);
        fprintf(rep, "  %-22s %9.4f %9.4f\n", "Brier score", r.brier_before, r.brier_after);
        fprintf(rep, "  ECE (%3d bins)%8s %9.4f %9.4f\n", (int)co.bins, "", r.ece_before, r.ece_after);
        fprintf(rep, "  %-22s %9.4f %9.4f\n", cl->nlabels == 2 ? "accuracy (p >= 0.5)" : "accuracy (arg max)",
                r.accuracy_before, r.accuracy_after);
    }
    if (ferror(rep)) rc = hn_cli_fail(CMD, "error writing the report");
done:
    free(prior);
    hn_classifier_free(cl);
    hn_labels_free(&labels);
    hn_dataset_free(&v);
    return rc;
}
