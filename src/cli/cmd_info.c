/* cmd_info.c - `hardneg info MODEL`: what a model file holds */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/core/container.h"
#include "src/cli/cli.h"

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    hn_classifier *cl = NULL;
    hn_err err;
    hn_status st;
    int c;
    int32_t k;
    char *tok;
    size_t tl;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: hardneg info MODEL\n\nPrint the format version, labels, decision threshold, training options\n"
                   "and tokenizer configuration stored in a model file.\n\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
            return HN_EXIT_OK;
        }
        return hn_cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
    }
    if (argc - optind != 1) return hn_cli_usage_error("info", "expected one MODEL");
    if ((st = hn_classifier_load(argv[optind], &cl, &err)) != HN_OK) return hn_cli_fail_err("info", st, &err);
    printf("format_version\t%d\n", HN_MODEL_FORMAT_VERSION);
    if (hn_model_kind_of(cl->model) == HN_MODEL_MLP) {
        int32_t dim, hid[2];
        hn_model_shape(cl->model, &dim, hid);
        printf("model\tmlp %s\n", cl->nlabels == 2 ? "binary (sigmoid)" : "multinomial (softmax)");
        printf("dim\t%d\n", (int)dim);
        if (hid[1]) printf("hidden\t%d,%d\n", (int)hid[0], (int)hid[1]);
        else printf("hidden\t%d\n", (int)hid[0]);
        printf("dropout\t%g\n", cl->train_opts.dropout);
    } else {
        printf("model\tlinear %s\n", cl->nlabels == 2 ? "binary (sigmoid)" : "multinomial (softmax)");
    }
    printf("labels\t%d\n", (int)cl->nlabels);
    for (k = 0; k < cl->nlabels; k++) printf("label\t%d\t%s%s\n", (int)k, cl->labels[k], cl->nlabels == 2 && k == 1 ? "\t(positive)" : "");
    printf("weight_rows\t%lld\n", (long long)hn_model_rows(cl->model));
    printf("parameters\t%lld\n", (long long)hn_model_params(cl->model));
    printf("threshold\t%.9g\t%s\n", cl->threshold, cl->threshold_note);
    printf("reject_label\t%s\n", cl->reject_label >= 0 ? cl->labels[cl->reject_label] : "-");
    printf("train_examples\t%lld\n", (long long)cl->train_examples);
    printf("solver\t%s\n", hn_solver_name(cl->train_opts.solver));
    if (cl->train_opts.solver == HN_SOLVER_DCD)
        printf("C\t%g\ntol\t%g\nmax_passes\t%d\nbias_feature\t%g\nloss\t%s\nseed\t%llu\nthreads\t%d\n", cl->train_opts.C,
               cl->train_opts.tol, (int)cl->train_opts.max_passes, cl->train_opts.bias_feature,
               hn_loss_name(cl->train_opts.loss), (unsigned long long)cl->train_opts.seed, (int)cl->train_opts.threads);
    else
        printf("epochs\t%d\nlr\t%g\nl2\t%g\nl1\t%g\noptim\t%s\nloss\t%s\nseed\t%llu\nthreads\t%d\n", (int)cl->train_opts.epochs,
               cl->train_opts.lr, cl->train_opts.l2, cl->train_opts.l1, hn_optim_name(cl->train_opts.optim),
               hn_loss_name(cl->train_opts.loss), (unsigned long long)cl->train_opts.seed, (int)cl->train_opts.threads);
    if (hn_tok_opts_save(&cl->tok_opts, &tok, &tl) == HN_OK) {
        char *line, *save = NULL;
        for (line = strtok_r(tok, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *sp = strchr(line, ' ');
            if (sp) *sp = '\t';
            printf("tokenizer.%s\n", line);
        }
        free(tok);
    }
    hn_classifier_free(cl);
    return HN_EXIT_OK;
}
