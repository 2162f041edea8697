/* cmd_train.c - `hardneg train`: labeled lines in, model file out
 *
 * src/cli. The work is src/core/fit.h's hn_fit_files: featurize the
 * training file once into one contiguous store, train, optionally track a
 * validation file per epoch and keep the best epoch; the model is written
 * through the atomic writer (src/core/container.h). SIGINT / SIGTERM stop
 * training cleanly: no model is written and an existing file of the same
 * name is left untouched.
 *
 * --init MODEL continues from a model (README "Design decisions"): the
 * features, labels (new ones appended), kind and shape are MODEL's; a
 * feature or shape option that would change them is a usage error naming
 * it. MODEL is read whole before training, so -o may name it too: the
 * atomic writer replaces it only when the new model is complete.
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
            "                        (output, seconds, and the model as 'info --json' shows it)\n"
            "  --init MODEL          warm start: continue from MODEL with the new FILE. Features,\n"
            "                        labels (in order; new labels are appended, their weights\n"
            "                        start at 0), model kind and MLP shape come from MODEL; a\n"
            "                        feature option, --model, --dim or --hidden that differs is\n"
            "                        an error. dcd regularizes toward MODEL's weights (min\n"
            "                        1/2|w - w0|^2 + C sum loss) instead of toward 0; sgd and the\n"
            "                        MLP run their epochs from MODEL's weights (optimizer state is\n"
            "                        not stored in a model: AdaGrad/Adam start afresh). A binary\n"
            "                        model stays binary. -o may be MODEL (replaced atomically)\n");
    hn_cli_train_help(out);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error (I/O, bad data, numeric, interrupted), 2 usage error\n");
}

/* --init: the tokenizer and the model's kind and shape are MODEL's. Each
 * given option is applied to MODEL's settings; one that changes them is
 * a usage error naming it. Then cfg takes MODEL's settings. */
static int init_conflicts(const hn_classifier *init, const char *path, const int *id, const char *const *arg,
                          const char *const *name, int n, hn_cli_train_cfg *cfg)
{
    hn_model_kind kind = hn_model_kind_of(init->model);
    int32_t dim, hidden[2], i;
    hn_model_shape(init->model, &dim, hidden);
    for (i = 0; i < n; i++) {
        if (id[i] >= HN_OPT_TOK_FIRST && id[i] < HN_OPT_TOK_LAST) {
            hn_tok_opts t = init->tok_opts;
            char *a = NULL, *b = NULL;
            size_t la, lb;
            int same;
            if (hn_cli_tok_option("train", id[i], arg[i], &t) != 0) return HN_EXIT_USAGE;
            if (hn_tok_opts_save(&t, &a, &la) != HN_OK || hn_tok_opts_save(&init->tok_opts, &b, &lb) != HN_OK) {
                free(a);
                free(b);
                return hn_cli_fail("train", "out of memory");
            }
            same = la == lb && !memcmp(a, b, la);
            free(a);
            free(b);
            if (!same)
                return hn_cli_usage_error("train", "--%s%s%s: --init %s has other feature settings, and a warm start "
                                          "keeps them ('hardneg info %s' shows them)",
                                          name[i], arg[i] ? " " : "", arg[i] ? arg[i] : "", path, path);
        } else if (id[i] == HN_OPT_MODEL && cfg->fit.train.model != kind) {
            return hn_cli_usage_error("train", "--model %s: --init %s is a %s model", arg[i], path,
                                      hn_model_kind_name(kind));
        } else if (kind == HN_MODEL_MLP && ((id[i] == HN_OPT_DIM && cfg->fit.train.dim != dim) ||
                                            (id[i] == HN_OPT_HIDDEN && (cfg->fit.train.hidden[0] != hidden[0] ||
                                                                        cfg->fit.train.hidden[1] != hidden[1])))) {
            char h[32];
            if (hidden[1]) snprintf(h, sizeof h, "%d,%d", (int)hidden[0], (int)hidden[1]);
            else snprintf(h, sizeof h, "%d", (int)hidden[0]);
            return hn_cli_usage_error("train", "--%s %s: --init %s has --dim %d --hidden %s", name[i], arg[i], path,
                                      (int)dim, h);
        } else if (kind != HN_MODEL_MLP && (id[i] == HN_OPT_DIM || id[i] == HN_OPT_HIDDEN)) {
            return hn_cli_usage_error("train", "--%s: --init %s is a linear model", name[i], path);
        }
    }
    cfg->tok = init->tok_opts;
    cfg->fit.train.model = kind;
    if (kind == HN_MODEL_MLP) {
        cfg->fit.train.dim = dim;
        cfg->fit.train.hidden[0] = hidden[0];
        cfg->fit.train.hidden[1] = hidden[1];
    }
    return 0;
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        HN_CLI_TRAIN_LONGOPTS,
        {"json", no_argument, NULL, 'j'},
        {"init", required_argument, NULL, HN_OPT_INIT},
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
    hn_classifier *cl = NULL, *init = NULL;
    const char *init_path = NULL;
    /* options that --init must not contradict: tokenizer options and the model's kind and shape */
    int given_id[64], ngiven = 0;
    const char *given_arg[64], *given_name[64];
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
        if (li >= 0 && ngiven < 64 &&
            ((c >= HN_OPT_TOK_FIRST && c < HN_OPT_TOK_LAST) || c == HN_OPT_MODEL || c == HN_OPT_DIM ||
             c == HN_OPT_HIDDEN)) {
            given_id[ngiven] = c;
            given_arg[ngiven] = longopts[li].has_arg ? optarg : NULL;
            given_name[ngiven++] = longopts[li].name;
        }
        switch (c) {
        case 'j': json = 1; break;
        case HN_OPT_INIT: init_path = optarg; break;
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
    if (init_path) {
        /* not checked against -o: -o may be MODEL (read whole first, replaced atomically) */
        if (!strcmp(init_path, "-") && (!strcmp(path, "-") || (cfg.valid && !strcmp(cfg.valid, "-")))) {
            rc = hn_cli_usage_error("train", "--init - and the %s both read standard input: give one of them a file",
                                    !strcmp(path, "-") ? "training file" : "--valid file");
            goto out;
        }
        if ((st = hn_classifier_load(init_path, &init, &err)) != HN_OK) {
            rc = hn_cli_fail_err("train", st, &err);
            goto out;
        }
        if ((rc = init_conflicts(init, init_path, given_id, given_arg, given_name, ngiven, &cfg)) != 0) goto out;
        cfg.fit.init = init;
    }
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
                   (cfg.valid ? strlen(cfg.valid) : 0) + (init_path ? strlen(init_path) : 0) + 64;
        if ((cl->command = malloc(n)) != NULL)
            snprintf(cl->command, n, "hardneg train%s%s%s%s%s%s%s%s -o MODEL %s", words ? " " : "", words ? words : "",
                     inwords ? " " : "", inwords ? inwords : "", cfg.valid ? " --valid " : "", cfg.valid ? cfg.valid : "",
                     init_path ? " --init " : "", init_path ? init_path : "", path);
        if (init) { /* the features and shape are the initial model's: keep its options, this run's after them */
            char *joined = NULL;
            if (hn_cli_words_join(&joined, init->options, words) == 0) {
                free(words);
                words = joined;
            } else {
                st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory");
            }
        }
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
    hn_classifier_free(init);
    free(words);
    free(inwords);
    return rc;
}
