/* cmd_eval.c - `hardneg eval`: how good is a classifier on an imbalanced task
 *
 * src/cli. Two paths end in one report, hn_eval_report() (eval_report.h):
 *   hardneg eval --scores FILE --positive LABEL   lines "gold<TAB>score"
 *   hardneg eval --scores FILE [--negative-label oos]
 *                                  lines "gold<TAB>predicted[<TAB>probability]"
 *   hardneg eval MODEL TEST        (eval_model.c: scores TEST with the model)
 * The scores file is read whole (the ranking figures need every score);
 * memory is 12 to 24 bytes per line plus the distinct labels. The metrics
 * themselves are in src/eval/metrics.c, the SVG in src/eval/svgplot.c;
 * this file only parses.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/labels.h"
#include "corpora/corpora.h"
#include "src/base/lines.h"
#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/eval_report.h"
#include "src/cli/inopts.h"
#include "src/eval/calibration.h"

#define CMD "eval"

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
            "                          adds in-scope accuracy, oos recall, oos precision\n"
            "                          [MODEL TEST: the model's reject label, if any; else none]\n"
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
            "  -o, --output FILE       write the report here [standard output]\n"
            "  --json                  one JSON object; undefined figures are null, numbers\n"
            "                          %%.17g [text report]\n"
            "  --pr-curve FILE         binary: write the PR curve as TSV (threshold precision\n"
            "                          recall, a header line; scikit-learn's points and order,\n"
            "                          the last row 'inf 1 0') [none]\n"
            "  --plot FILE             write an SVG picture [none]: binary, the PR curve; with a\n"
            "                          reject label, in-scope accuracy against oos recall as\n"
            "                          the reject threshold on the top probability sweeps,\n"
            "                          the arg max and the threshold in effect marked\n"
            "  --oos-scores FILE       with a reject label: write 'gold is oos (1/0)<TAB>score' a\n"
            "                          line, the score of the threshold-free figures\n"
            "  --plot-calibration FILE write the reliability diagram (equal-width bins, with\n"
            "                          the count of each) as an SVG picture [none]\n"
            "  --calibration-bins N    bins of ECE and the reliability diagram, 1..%d [%ld]\n"
            "  -q, --quiet             no warnings on stderr\n"
            "  -v, --verbose           more messages\n"
            "  -h, --help              this help\n"
            "\n"
            "Calibration (every report): ECE with equal-width and equal-mass bins (as\n"
            "scikit-learn's calibration_curve, strategy uniform / quantile), the largest bin\n"
            "gap, Brier score and log loss (scikit-learn's, eps 1e-15). Binary: of the scores\n"
            "as P(positive) (undefined unless every score is in [0, 1]); multi-class: ECE of\n"
            "the top label, Brier score and log loss of every class's probability (MODEL\n"
            "TEST only: a scores file has one probability a line). JSON keys: ece,\n"
            "ece_equal_mass, mce, brier, log_loss, reliability, reliability_equal_mass.\n"
            "\n"
            "A test set without positives still gets a report: ROC AUC and average\n"
            "precision are 'undefined (no positives)', null in JSON, with a warning;\n"
            "--pr-curve and --plot then fail.\n"
            "\n"
            "exit status: 0 ok, 1 runtime error (I/O, bad line, nothing to evaluate),\n"
            "2 usage error\n\n",
            (long)d.top_confusions, (long)d.bootstrap, (unsigned long long)d.seed, HN_CALIB_MAX_BINS,
            (long)d.calibration_bins);
    hn_cli_in_help(out, 1);
}

/* ---- small output helpers ---------------------------------------------- */

/* ---- reading the scores file ------------------------------------------- */

typedef struct scores_data {
    int64_t n, cap;
    int32_t *gold;
    int32_t *pred;   /* multi-class */
    double *score;   /* binary: score; multi-class: probability */
    int has_prob;
    hn_labels labels;
} scores_data;

static void scores_free(scores_data *d)
{
    free(d->gold);
    free(d->pred);
    free(d->score);
    hn_labels_free(&d->labels);
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

/* Scores with a probability column (gold, predicted, probability) are
 * never binary scores. */
static int fields_seen_probability(int fields_seen)
{
    return fields_seen == 3;
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
    int fields_seen = 0, first = 1;
    int64_t numeric = 0;

    if ((st = hn_lines_open(&rd, path, err)) != HN_OK) return st;
    while ((st = hn_lines_next(&rd, &line, &len, err)) == HN_OK && line) {
        char *f[4] = {NULL, NULL, NULL, NULL};
        int nf = 0;
        char *p = line, *tab;
        long long ln = (long long)rd.lineno;
        if (len == 0) continue;
        if (first) {
            first = 0;
            if (hn_tsv_is_header(line, len)) {
                hn_log(HN_LOG_INFO, "eval: %s:%lld: a header row ('%.*s'): skipped", rd.path, ln,
                       (int)(len < 60 ? len : 60), line);
                continue;
            }
        }
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
            if (hn_labels_addn(&d->labels, f[0], strlen(f[0])) < 0) {
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
            {
                double v;
                numeric += parse_number(f[1], &v) == 0;
            }
            g = hn_labels_addn(&d->labels, f[0], strlen(f[0]));
            pr = g < 0 ? -1 : hn_labels_addn(&d->labels, f[1], strlen(f[1]));
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
    if (st == HN_OK && !positive && numeric == d->n && !fields_seen_probability(fields_seen)) {
        /* every "predicted label" is a number: these are binary scores (gold<TAB>score) */
        char seen[200];
        size_t used = 0;
        int32_t i;
        seen[0] = '\0';
        for (i = 0; i < d->labels.n && used + 8 < sizeof seen; i++) {
            double v;
            if (parse_number(d->labels.names[i], &v) == 0) continue;
            used += (size_t)snprintf(seen + used, sizeof seen - used, "%s'%s'", used ? ", " : "", d->labels.names[i]);
        }
        st = hn_err_set(err, HN_ERR_ARG,
                        "%s: every second field is a number: binary scores (gold<TAB>score) need --positive LABEL "
                        "(the gold labels: %s)",
                        rd.path, used ? seen : "none");
    }
    hn_lines_close(&rd);
    return st;
}

/* Renumber classes in byte order of their names (scikit-learn's sorted
 * labels), so the report lists them in a stable order. */
static hn_status labels_sort(scores_data *d)
{
    int32_t *newid = malloc((size_t)(d->labels.n ? d->labels.n : 1) * sizeof *newid);
    int64_t j;
    if (!newid || hn_labels_sort(&d->labels, newid) != HN_OK) {
        free(newid);
        return HN_ERR_NOMEM;
    }
    for (j = 0; j < d->n; j++) {
        d->gold[j] = newid[d->gold[j]];
        d->pred[j] = newid[d->pred[j]];
    }
    free(newid);
    return HN_OK;
}

/* ---- the command ------------------------------------------------------- */

static int parse_targets(const char *opt, const char *s, double *out, int32_t *n)
{
    char buf[512], *p, *save = NULL;
    *n = 0;
    if (strlen(s) >= sizeof buf) return hn_cli_usage_error(CMD, "%s: list too long", opt), HN_EXIT_USAGE;
    strcpy(buf, s);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (*n == HN_EVAL_MAX_TARGETS)
            return hn_cli_usage_error(CMD, "%s: at most %d targets", opt, HN_EVAL_MAX_TARGETS), HN_EXIT_USAGE;
        if (hn_cli_parse_double(CMD, opt, p, 0.0, 1.0, &out[*n])) return HN_EXIT_USAGE;
        (*n)++;
    }
    return 0;
}

enum {
    OPT_NEGATIVE = 256, OPT_AT_RECALL, OPT_AT_PRECISION, OPT_JSON, OPT_PR_CURVE, OPT_PLOT, OPT_BOOTSTRAP, OPT_SEED,
    OPT_CONFUSIONS, OPT_PLOT_CALIBRATION, OPT_CALIBRATION_BINS, OPT_OOS_SCORES
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
        {"plot-calibration", required_argument, NULL, OPT_PLOT_CALIBRATION},
        {"oos-scores", required_argument, NULL, OPT_OOS_SCORES},
        {"calibration-bins", required_argument, NULL, OPT_CALIBRATION_BINS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_eval_opts o;
    hn_eval_input in;
    hn_reader_opts ro;
    scores_data d;
    hn_err err;
    hn_status st;
    const char *scores = NULL, *positive = NULL, *negative = NULL, *out_path = "-";
    hn_outfile of;
    int c, threshold_set = 0, rc;
    double threshold = 0.5;
    long lv;
    char *neg_name = NULL;

    hn_eval_opts_default(&o);
    hn_reader_opts_default(&ro);
    hn_err_clear(&err);
    memset(&d, 0, sizeof d);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:p:t:o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
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
        case OPT_PLOT_CALIBRATION: o.plot_calibration_path = optarg; break;
        case OPT_OOS_SCORES: o.oos_scores_path = optarg; break;
        case OPT_CALIBRATION_BINS:
            if (hn_cli_parse_long(CMD, "--calibration-bins", optarg, 1, HN_CALIB_MAX_BINS, &lv)) return HN_EXIT_USAGE;
            o.calibration_bins = (int32_t)lv;
            break;
        case OPT_CONFUSIONS:
            if (hn_cli_parse_long(CMD, "--confusions", optarg, 0, 1000000, &lv)) return HN_EXIT_USAGE;
            o.top_confusions = (int32_t)lv;
            break;
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

    {
        const char *ins[3] = {scores, argc - optind > 0 ? argv[optind] : NULL, argc - optind > 1 ? argv[optind + 1] : NULL};
        const char *outs[5] = {o.pr_curve_path, o.plot_path, out_path, o.plot_calibration_path, o.oos_scores_path};
        if ((rc = hn_cli_check_files(CMD, ins, 3, outs, 5)) != 0) return rc;
    }
    if (o.plot_calibration_path && !strcmp(o.plot_calibration_path, "-"))
        return hn_cli_usage_error(CMD, "the report already goes to standard output; give --plot-calibration a file");
    if (!scores && argc - optind == 2) {
        if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
        rc = hn_eval_model(argv[optind], argv[optind + 1], &ro, &o, negative, positive, threshold_set, threshold, of.f);
        if (rc != HN_EXIT_OK) hn_outfile_abort(&of);
        else if ((st = hn_outfile_commit(&of, &err)) != HN_OK) rc = hn_cli_fail_err(CMD, st, &err);
        return rc;
    }
    if (!scores) {
        if (argc - optind == 0) return hn_cli_usage_error(CMD, "expected --scores FILE or MODEL TEST");
        return hn_cli_usage_error(CMD, "expected MODEL TEST, got %d argument%s", argc - optind,
                                  argc - optind == 1 ? "" : "s");
    }
    if (optind < argc) return hn_cli_usage_error(CMD, "--scores takes no MODEL or TEST argument");
    if (positive && !*positive) return hn_cli_usage_error(CMD, "--positive: empty label");
    if (negative && !*negative) return hn_cli_usage_error(CMD, "--negative-label: empty label");
    if (positive && negative)
        return hn_cli_usage_error(CMD, "--negative-label is for multi-class predictions; binary scores use --positive");
    if (!positive && o.pr_curve_path) return hn_cli_usage_error(CMD, "--pr-curve needs binary scores (--positive LABEL)");
    if (!positive && !negative && o.plot_path)
        return hn_cli_usage_error(CMD, "--plot needs binary scores (--positive LABEL) or a reject label "
                                       "(--negative-label L)");
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
        if (hn_labels_find(&d.labels, positive) < 0) {
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
        if (negative && hn_labels_add(&d.labels, negative) < 0) {
            rc = hn_cli_fail(CMD, "out of memory");
            goto done;
        }
        if (labels_sort(&d) != HN_OK) {
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
        if (negative) in.negative_id = hn_labels_find(&d.labels, negative);
    }
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    rc = hn_eval_report(&in, &o, of.f);
    if (rc != HN_EXIT_OK) hn_outfile_abort(&of);
    else if ((st = hn_outfile_commit(&of, &err)) != HN_OK) rc = hn_cli_fail_err(CMD, st, &err);
done:
    free(neg_name);
    scores_free(&d);
    return rc;
}
