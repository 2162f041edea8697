/* cmd_tune.c - `hardneg tune`: find training settings on validation data
 * within a time budget, write the best model (src/cli/tune.h does the
 * search)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/cli/tune.h"
#include "src/core/container.h"

enum { OPT_BUDGET = 3000, OPT_TRIALS, OPT_METRIC, OPT_REPORT };

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg tune [options] -o MODEL --valid VALID [TRAIN|-]\n"
            "\n"
            "Search training settings on VALID within a time budget and write the best model,\n"
            "with its decision threshold when the metric has one. Searched: model (linear,\n"
            "MLP), solver and loss, C or learning rate, optimizer, epochs (the online trainers\n"
            "keep their best epoch on VALID), L2, word n-grams, character n-grams, bits,\n"
            "class weights; the MLP's dim, hidden width and dropout. Every option of 'train'\n"
            "given here is fixed in every trial, never searched.\n"
            "\n"
            "  -o, --output MODEL    the best model (required)\n"
            "  --valid FILE          validation data the trials are compared on (required)\n"
            "  --budget SECONDS      wall time for the search; the best so far is kept [300]\n"
            "  --trials N            stop after N trials (same trials on any machine) [no limit]\n"
            "  --metric M            ap, f1, f1:LABEL, macro-f1, accuracy, precision@recall=R,\n"
            "                        recall@precision=P, in-scope-accuracy, oos-recall@in-scope>=A\n"
            "                        [two labels: ap; with --negative-label: in-scope-accuracy;\n"
            "                        else accuracy]\n"
            "  --negative-label L    the out-of-scope label of the in-scope metrics\n"
            "  --threads N           trials at once, one thread each [1]\n"
            "  --report FILE.json    every trial: options, value, seconds\n"
            "  --json                print the winner (metric, value, command) as JSON\n"
            "  --seed S              seed of the search and of every trial [1]\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n"
            "On stderr a line a trial: number, seconds, metric, the best so far, its options.\n"
            "SIGINT ends the search: the best finished trial is written. The command that\n"
            "trains the winner again is printed and stored in the model ('hardneg info').\n"
            "\n");
    hn_cli_in_help(out, 1);
    fprintf(out, "\nfixed options: every option of 'hardneg train --help' and 'hardneg tokenize --help'\n"
                 "\nexit status: 0 ok, 1 runtime error (I/O, bad data, interrupted before a trial ended),\n"
                 "2 usage error\n");
}

int cmd_tune(int argc, char **argv)
{
    static const struct option longopts[] = {
        HN_CLI_TRAIN_LONGOPTS,
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"trials", required_argument, NULL, OPT_TRIALS},
        {"metric", required_argument, NULL, OPT_METRIC},
        {"report", required_argument, NULL, OPT_REPORT},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_tune_opts o;
    hn_tune_result res;
    const char *path = "-", *report_path = NULL;
    char *spooled = NULL, *command = NULL;
    int c, rc = HN_EXIT_OK, json = 0, spool_fd = -1, li;
    long v;
    hn_err err;
    hn_status st;

    hn_tune_opts_default(&o);
    memset(&res, 0, sizeof res);
    optind = 1;
    opterr = 0;
    for (;;) {
        li = -1;
        if ((c = getopt_long(argc, argv, ":o:qvh", longopts, &li)) == -1) break;
        switch (c) {
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case 'j': json = 1; break;
        case ':': rc = hn_cli_missing_value("tune", argv[optind - 1]); goto out;
        case '?': rc = hn_cli_unknown_option("tune", argv, optind); goto out;
        case OPT_BUDGET:
            if (hn_cli_parse_long("tune", "--budget", optarg, 1, 7 * 86400, &v)) { rc = HN_EXIT_USAGE; goto out; }
            o.budget = (double)v;
            break;
        case OPT_TRIALS:
            if (hn_cli_parse_long("tune", "--trials", optarg, 1, 1000000, &v)) { rc = HN_EXIT_USAGE; goto out; }
            o.max_trials = (int32_t)v;
            break;
        case OPT_METRIC:
            if (hn_objective_parse(optarg, &o.metric, &err) != HN_OK) {
                rc = hn_cli_usage_error("tune", "%s", err.msg);
                goto out;
            }
            o.metric_set = 1;
            break;
        case OPT_REPORT: report_path = optarg; break;
        default:
            if (hn_cli_train_option("tune", c, optarg, &o.user)) { rc = HN_EXIT_USAGE; goto out; }
            if (c == HN_OPT_THREADS) {
                o.workers = o.user.fit.train.threads; /* trials at once; each trains on one thread */
                break;
            }
            /* the options that are part of every trial, as words of the command line */
            if (c != 'o' && c != HN_OPT_VALID && c != HN_OPT_KEEP_NGRAMS && li >= 0 &&
                hn_tune_note_option(&o, c, longopts[li].name, longopts[li].has_arg ? optarg : NULL) != 0) {
                rc = hn_cli_fail("tune", "out of memory");
                goto out;
            }
            if (c != 'o' && c != HN_OPT_VALID && li < 0) {
                rc = hn_cli_usage_error("tune", "unexpected option '%s'", argv[optind - 1]);
                goto out;
            }
        }
    }
    if (argc - optind > 1) { rc = hn_cli_usage_error("tune", "expected one training file"); goto out; }
    if (optind < argc) path = argv[optind];
    if (!o.user.output) { rc = hn_cli_usage_error("tune", "missing -o MODEL"); goto out; }
    if (!o.user.valid) { rc = hn_cli_usage_error("tune", "missing --valid FILE: the trials are compared on it"); goto out; }
    if (!strcmp(o.user.valid, "-") && !strcmp(path, "-")) {
        rc = hn_cli_usage_error("tune", "standard input can feed TRAIN or --valid, not both");
        goto out;
    }
    if (json && !strcmp(o.user.output, "-")) {
        rc = hn_cli_usage_error("tune", "--json and -o - both want standard output: give -o a file");
        goto out;
    }
    if ((rc = hn_cli_train_check("tune", &o.user)) != 0) goto out;
    {
        const char *ins[2] = {path, o.user.valid}, *outs[2] = {o.user.output, report_path};
        if ((rc = hn_cli_check_files("tune", ins, 2, outs, 2)) != 0) goto out;
    }
    /* every feature setting reads the files again: standard input is kept aside */
    if (!strcmp(path, "-") || !strcmp(o.user.valid, "-")) {
        if ((rc = hn_cli_spool_stdin("tune", &spooled, &spool_fd)) != 0) goto out;
        if (!strcmp(path, "-")) path = spooled;
        else o.user.valid = spooled;
    }
    o.train_path = path;
    o.valid_path = o.user.valid;
    hn_cli_signals_install();
    hn_log(HN_LOG_INFO, "tune: budget %gs%s, %d trial%s at once", o.budget, o.max_trials ? " or the trial limit" : "",
           (int)o.workers, o.workers == 1 ? "" : "s");
    if ((rc = hn_tune_run(&o, &res)) != HN_EXIT_OK) goto out;
    {
        size_t n = strlen(o.fixed_words ? o.fixed_words : "") + strlen(res.best_args) + strlen(o.valid_path) +
                   strlen(o.train_path) + strlen(o.user.output) + 112;
        char *words = NULL, kn[48] = "";
        if (o.user.fit.keep_ngrams > 0) /* not a model option (not in words), but part of the command */
            snprintf(kn, sizeof kn, "--keep-ngrams=%d ", (int)o.user.fit.keep_ngrams);
        if (!(command = malloc(n)) || hn_cli_words_join(&words, o.fixed_words, res.best_args) != 0) {
            free(words);
            rc = hn_cli_fail("tune", "out of memory");
            goto out;
        }
        /* stored with MODEL for the output, so that the file does not depend on its name */
        snprintf(command, n, "hardneg train %s%s --valid %s -o MODEL %s", kn, words, o.valid_path, o.train_path);
        free(res.best->command);
        free(res.best->options);
        res.best->command = strdup(command);
        res.best->options = words;
        snprintf(command, n, "hardneg train %s%s --valid %s -o %s %s", kn, words, o.valid_path, o.user.output,
                 o.train_path);
    }
    if (o.user.fit.keep_ngrams > 0) { /* the winner's n-gram table, from the training file */
        const hn_reader_opts *ro = &o.user.ro;
        if ((st = hn_fit_keep_ngrams(&o.user.fit, res.best, &o.train_path, &ro, 1, &hn_cli_stop, &err)) != HN_OK) {
            rc = hn_cli_fail_err("tune", st, &err);
            goto out;
        }
    }
    if ((st = hn_classifier_save(res.best, o.user.output, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tune", st, &err);
        goto out;
    }
    {
        char mb[160];
        hn_objective_str(&o.metric, mb, sizeof mb);
        hn_log(HN_LOG_INFO, "tune: %d trials (%d failed)%s; best #%d, %s %.4f on %s; wrote %s", (int)res.ntrials,
               (int)res.nfailed, res.interrupted ? ", interrupted" : "", (int)res.best_trial, mb, res.best_value,
               o.valid_path, o.user.output);
        hn_log(HN_LOG_INFO, "tune: the same model again: %s", command);
        if (res.best->threshold_note[0] && strncmp(res.best->threshold_note, "tune:", 5) == 0)
            hn_log(HN_LOG_INFO, "tune: threshold %.9g (%s), stored in the model", res.best->threshold,
                   res.best->threshold_note);
        if (json) {
            printf("{\"metric\":");
            hn_json_str(stdout, mb);
            printf(",\"value\":%.17g,\"trials\":%d,\"failed\":%d,\"best_trial\":%d,\"output\":", res.best_value,
                   (int)res.ntrials, (int)res.nfailed, (int)res.best_trial);
            hn_json_str(stdout, o.user.output);
            printf(",\"options\":");
            hn_json_str(stdout, res.best_args);
            printf(",\"command\":");
            hn_json_str(stdout, command);
            printf("}\n");
            if (fflush(stdout) != 0 || ferror(stdout)) rc = hn_cli_fail("tune", "error writing standard output");
        }
    }
    if (report_path && res.report) {
        hn_outfile of;
        if ((st = hn_outfile_open(&of, report_path, &err)) != HN_OK ||
            (fputs(res.report, of.f), st = hn_outfile_commit(&of, &err)) != HN_OK) {
            rc = hn_cli_fail_err("tune", st, &err);
            goto out;
        }
    }
    if (res.interrupted) { /* as train and mine: the best so far is written, and the run did not end */
        hn_log(HN_LOG_ERROR, "tune: interrupted; wrote the best trial so far to %s", o.user.output);
        if (rc == HN_EXIT_OK) rc = HN_EXIT_RUNTIME;
    }
out:
    free(command);
    hn_tune_result_free(&res);
    free(o.fixed_words);
    if (spool_fd >= 0) close(spool_fd);
    free(spooled);
    return rc;
}
