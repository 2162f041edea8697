/* cmd_train.c - `hardneg train`: labeled lines in, model file out
 *
 * src/cli. The work is src/core/fit.h's hn_fit_files: featurize the
 * training file once into one contiguous store, train, optionally track a
 * validation file per epoch and keep the best epoch; the model is written
 * through the atomic writer (src/core/container.h). SIGINT / SIGTERM stop
 * training cleanly: no model is written and an existing file of the same
 * name is left untouched.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/log.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/core/container.h"
#include "src/core/fit.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg train [options] -o MODEL [FILE|-]\n"
            "\n"
            "Train a classifier from labeled lines (fastText '__label__X text' or TSV\n"
            "'label<TAB>text'); two labels give a binary model, more a multinomial one.\n"
            "\n"
            "  --json                when done, print what was written as one JSON object\n"
            "                        (output, seconds, and the model as 'info --json' shows it)\n");
    hn_cli_train_help(out);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error (I/O, bad data, numeric, interrupted), 2 usage error\n");
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        HN_CLI_TRAIN_LONGOPTS,
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_cli_train_cfg cfg;
    const char *path = "-";
    int c, rc = HN_EXIT_OK, json = 0;
    char *words = NULL, *inwords = NULL; /* the model's options; how the files were read */
    struct timespec t0, t1;
    hn_classifier *cl = NULL;
    hn_status st;
    hn_err err;

    hn_cli_train_cfg_default(&cfg);
    hn_err_clear(&err);
    optind = 1;
    opterr = 0;
    for (;;) {
        int li = -1;
        if ((c = getopt_long(argc, argv, ":o:qvh", longopts, &li)) == -1) break;
        if (li >= 0 && (hn_cli_is_model_option(c) || HN_CLI_IS_IN_OPTION(c)) &&
            hn_cli_words_add(HN_CLI_IS_IN_OPTION(c) ? &inwords : &words, longopts[li].name,
                             longopts[li].has_arg ? optarg : NULL) != 0) {
            rc = hn_cli_fail("train", "out of memory");
            goto out;
        }
        switch (c) {
        case 'j': json = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); goto out;
        case ':': rc = hn_cli_missing_value("train", argv[optind - 1]); goto out;
        case '?': rc = hn_cli_unknown_option("train", argv, optind); goto out;
        default:
            if (hn_cli_train_option("train", c, optarg, &cfg)) {
                rc = HN_EXIT_USAGE;
                goto out;
            }
        }
    }
    if (argc - optind > 1) { rc = hn_cli_usage_error("train", "expected one training file"); goto out; }
    if (optind < argc) path = argv[optind];
    if (!cfg.output) { rc = hn_cli_usage_error("train", "missing -o MODEL"); goto out; }
    if ((rc = hn_cli_train_check("train", &cfg)) != 0) goto out;
    if (json && !strcmp(cfg.output, "-")) {
        rc = hn_cli_usage_error("train", "--json and -o - both want standard output: give -o a file");
        goto out;
    }
    {
        const char *ins[2] = {path, cfg.valid}, *outs[1] = {cfg.output};
        if ((rc = hn_cli_check_files("train", ins, 2, outs, 1)) != 0) goto out;
    }

    hn_cli_signals_install();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cfg.fit.name = "train";
    st = hn_fit_files(&cfg.fit, &cfg.tok, &cfg.ro, path, cfg.valid, &hn_cli_stop, &cl, &err);
    if (st == HN_ERR_INTERRUPTED) hn_log(HN_LOG_ERROR, "train: interrupted; no model written");
    if (st == HN_OK) { /* how it was made, with MODEL for the output: the file does not depend on its name */
        size_t n = (words ? strlen(words) : 0) + (inwords ? strlen(inwords) : 0) + strlen(path) +
                   (cfg.valid ? strlen(cfg.valid) : 0) + 64;
        if ((cl->command = malloc(n)) != NULL)
            snprintf(cl->command, n, "hardneg train%s%s%s%s%s%s -o MODEL %s", words ? " " : "", words ? words : "",
                     inwords ? " " : "", inwords ? inwords : "", cfg.valid ? " --valid " : "", cfg.valid ? cfg.valid : "",
                     path);
        cl->options = words ? words : strdup(""); /* "": trained with the defaults */
        words = NULL;
        if (!cl->options) st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory");
        if (!cl->command) st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory");
    }
    if (st == HN_OK && (st = hn_classifier_save(cl, cfg.output, &err)) == HN_OK)
        hn_log(HN_LOG_INFO, "train: wrote %s", cfg.output);
    rc = st == HN_OK ? HN_EXIT_OK : hn_cli_fail_err("train", st, &err);
    if (st == HN_OK && json) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fputs("{\"output\":", stdout);
        hn_json_str(stdout, cfg.output);
        printf(",\"seconds\":%.3f,\"model\":", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        hn_cli_model_info(stdout, cl, 1);
        fputs("}\n", stdout);
        if (fflush(stdout) != 0 || ferror(stdout)) rc = hn_cli_fail("train", "error writing standard output");
    }
out:
    hn_classifier_free(cl);
    free(words);
    free(inwords);
    return rc;
}
