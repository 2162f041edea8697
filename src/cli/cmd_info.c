/* cmd_info.c - `hardneg info MODEL`: what a model file holds
 *
 * src/cli. Text (one "key<TAB>value" line each) or --json. The model is
 * read as every command reads it (container.h), so a damaged file gives
 * the same one-line error here.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/core/container.h"
#include "src/core/ngrams.h"

static void help(FILE *out)
{
    fprintf(out, "usage: hardneg info [options] MODEL\n\n"
                 "Print the format version, model kind and shape, labels, decision threshold,\n"
                 "calibration (hardneg calibrate), n-gram table (train --keep-ngrams), training\n"
                 "options and tokenizer configuration stored in a model file.\n\n"
                 "  --json                one JSON object\n"
                 "  -o, --output FILE     write here [standard output]\n"
                 "  -q, --quiet / -v, --verbose / -h, --help\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

/* key value pairs, printed as text lines or JSON members */
typedef struct out_ctx {
    int json, n;
    FILE *f;
} out_ctx;

static void kv_str(out_ctx *o, const char *k, const char *v)
{
    if (o->json) {
        fprintf(o->f, "%s\"%s\":", o->n++ ? "," : "", k);
        hn_json_str(o->f, v);
    } else {
        fprintf(o->f, "%s\t%s\n", k, v);
    }
}

static void kv_num(out_ctx *o, const char *k, double v)
{
    if (o->json) fprintf(o->f, "%s\"%s\":%.17g", o->n++ ? "," : "", k, v);
    else fprintf(o->f, "%s\t%.9g\n", k, v);
}

void hn_cli_model_info(FILE *f, const hn_classifier *cl, int json)
{
    const hn_train_opts *t;
    out_ctx o = {0, 0, NULL};
    int32_t k;
    char *tok, buf[64];
    size_t tl;
    o.json = json;
    o.f = f;
    t = &cl->train_opts;
    if (o.json) fputc('{', o.f);
    kv_num(&o, "format_version", HN_MODEL_FORMAT_VERSION);
    snprintf(buf, sizeof buf, "%s %s", hn_model_kind_name(hn_model_kind_of(cl->model)),
             cl->nlabels == 2 ? "binary (sigmoid)" : "multinomial (softmax)");
    kv_str(&o, "model", buf);
    if (hn_model_kind_of(cl->model) == HN_MODEL_MLP) {
        int32_t dim, hid[2];
        hn_model_shape(cl->model, &dim, hid);
        kv_num(&o, "dim", dim);
        if (hid[1]) snprintf(buf, sizeof buf, "%d,%d", (int)hid[0], (int)hid[1]);
        else snprintf(buf, sizeof buf, "%d", (int)hid[0]);
        kv_str(&o, "hidden", buf);
        kv_num(&o, "dropout", t->dropout);
    }
    kv_num(&o, "labels", cl->nlabels);
    if (o.json) {
        fputs(",\"label_names\":[", o.f);
        for (k = 0; k < cl->nlabels; k++) {
            if (k) fputc(',', o.f);
            hn_json_str(o.f, cl->labels[k]);
        }
        fputc(']', o.f);
        if (cl->nlabels == 2) {
            fputs(",\"positive\":", o.f);
            hn_json_str(o.f, cl->labels[1]);
        }
    } else {
        for (k = 0; k < cl->nlabels; k++)
            fprintf(o.f, "label\t%d\t%s%s\n", (int)k, cl->labels[k], cl->nlabels == 2 && k == 1 ? "\t(positive)" : "");
    }
    kv_num(&o, "weight_rows", (double)hn_model_rows(cl->model));
    kv_num(&o, "parameters", (double)hn_model_params(cl->model));
    if (o.json) {
        kv_num(&o, "threshold", cl->threshold);
        kv_str(&o, "threshold_note", cl->threshold_note);
    } else {
        fprintf(o.f, "threshold\t%.9g\t%s\n", cl->threshold, cl->threshold_note);
    }
    kv_str(&o, "reject_label", cl->reject_label >= 0 ? cl->labels[cl->reject_label] : "-");
    {   /* the probability map of `hardneg calibrate` */
        const hn_calib *cb = &cl->calib;
        if (o.json) {
            fputs(",\"calibration\":{\"method\":", o.f);
            hn_json_str(o.f, hn_calib_method_name(cb->method));
            if (cb->method == HN_CALIB_METHOD_TEMPERATURE) fprintf(o.f, ",\"temperature\":%.17g", cb->temperature);
            if (cb->method == HN_CALIB_METHOD_PLATT)
                fprintf(o.f, ",\"platt_a\":%.17g,\"platt_b\":%.17g", cb->platt_a, cb->platt_b);
            if (cb->method == HN_CALIB_METHOD_ISOTONIC) {
                fputs(",\"isotonic\":[", o.f);
                for (k = 0; k < cb->iso_n; k++) fprintf(o.f, "%s[%.17g,%.17g]", k ? "," : "", cb->iso_x[k], cb->iso_y[k]);
                fputc(']', o.f);
            }
            if (cb->nprior) {
                fputs(",\"prior_shift\":{", o.f);
                for (k = 0; k < cb->nprior; k++) {
                    if (k) fputc(',', o.f);
                    hn_json_str(o.f, cl->labels[k]);
                    fprintf(o.f, ":%.17g", cb->prior_shift[k]);
                }
                fputc('}', o.f);
            }
            fputs(",\"note\":", o.f);
            hn_json_str(o.f, hn_calib_active(cb) ? cb->note : "");
            fputc('}', o.f);
        } else {
            fprintf(o.f, "calibration\t%s", hn_calib_method_name(cb->method));
            if (cb->method == HN_CALIB_METHOD_TEMPERATURE) fprintf(o.f, " T=%.9g", cb->temperature);
            if (cb->method == HN_CALIB_METHOD_PLATT) fprintf(o.f, " a=%.9g b=%.9g", cb->platt_a, cb->platt_b);
            if (cb->method == HN_CALIB_METHOD_ISOTONIC) fprintf(o.f, " %d breakpoints", (int)cb->iso_n);
            if (hn_calib_active(cb)) fprintf(o.f, "\t%s", cb->note);
            fputc('\n', o.f);
            if (cb->nprior) {
                fputs("calibration_prior", o.f);
                for (k = 0; k < cb->nprior; k++) fprintf(o.f, "%s%s x%.6g", k ? ", " : "\t", cl->labels[k],
                                                         exp(cb->prior_shift[k]));
                fputc('\n', o.f);
            }
        }
    }
    if (cl->ngrams) {
        snprintf(buf, sizeof buf, "%lld buckets, up to %d strings each%s", (long long)hn_ngram_table_nbuckets(cl->ngrams),
                 (int)hn_ngram_table_per_bucket(cl->ngrams), hn_ngram_table_pruned(cl->ngrams) ? ", counts approximate" : "");
        kv_str(&o, "ngram_table", buf);
    } else {
        kv_str(&o, "ngram_table", "none");
    }
    kv_num(&o, "train_examples", (double)cl->train_examples);
    kv_str(&o, "solver", hn_solver_name(t->solver));
    if (t->solver == HN_SOLVER_DCD) {
        kv_num(&o, "C", t->C);
        kv_num(&o, "tol", t->tol);
        kv_num(&o, "max_passes", t->max_passes);
        kv_num(&o, "bias_feature", t->bias_feature);
    } else {
        kv_num(&o, "epochs", t->epochs);
        if (cl->best_epoch > 0) kv_num(&o, "best_epoch", cl->best_epoch);
        kv_num(&o, "lr", t->lr);
        kv_num(&o, "l2", t->l2);
        kv_num(&o, "l1", t->l1);
        kv_str(&o, "optim", hn_optim_name(t->optim));
    }
    kv_str(&o, "loss", hn_loss_name(t->loss));
    if (cl->command) kv_str(&o, "command", cl->command);
    if (cl->options) kv_str(&o, "options", cl->options);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)t->seed);
    kv_str(&o, "seed", buf);
    kv_num(&o, "threads", t->threads);
    if (hn_tok_opts_save(&cl->tok_opts, &tok, &tl) == HN_OK) {
        char *line, *save = NULL;
        if (o.json) fputs(",\"tokenizer\":{", o.f);
        k = 0;
        for (line = strtok_r(tok, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *sp = strchr(line, ' ');
            if (sp) *sp = '\0';
            if (o.json) {
                fprintf(o.f, "%s", k++ ? "," : "");
                hn_json_str(o.f, line);
                fputc(':', o.f);
                hn_json_str(o.f, sp ? sp + 1 : "");
            } else {
                fprintf(o.f, "tokenizer.%s\t%s\n", line, sp ? sp + 1 : "");
            }
        }
        if (o.json) fputc('}', o.f);
        free(tok);
    }
    if (o.json) fputc('}', o.f);
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},  {"output", required_argument, NULL, 'o'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    hn_classifier *cl = NULL;
    hn_err err;
    hn_status st;
    out_ctx o = {0, 0, NULL};
    const char *out_path = "-";
    hn_outfile of;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case 'j': o.json = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("info", argv[optind - 1]);
        default: return hn_cli_unknown_option("info", argv, optind);
        }
    }
    if (argc - optind != 1) return hn_cli_usage_error("info", "expected one MODEL");
    {
        const char *ins[1] = {argv[optind]}, *outs[1] = {out_path};
        int rc;
        if ((rc = hn_cli_check_files("info", ins, 1, outs, 1)) != 0) return rc;
    }
    if ((st = hn_classifier_load(argv[optind], &cl, &err)) != HN_OK) return hn_cli_fail_err("info", st, &err);
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        hn_classifier_free(cl);
        return hn_cli_fail_err("info", st, &err);
    }
    o.f = of.f;
    hn_cli_model_info(of.f, cl, o.json);
    if (o.json) fputc('\n', of.f);
    hn_classifier_free(cl);
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) return hn_cli_fail_err("info", st, &err);
    return HN_EXIT_OK;
}
