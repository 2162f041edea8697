/* cmd_predict.c - `hardneg predict`: one output line per input record
 *
 * src/cli. Streams in constant memory: records come from src/core/source.h
 * (line files in any format, every line one record, or raw mail), are
 * gathered in batches, scored on the worker pool (one slice a task, each
 * with its own tokenizer context and arena), and written in input order.
 * Labels on an input line are parsed by the reader and ignored, so a
 * labeled test file can be piped straight in, in any format.
 *
 * Output styles (one line per record):
 *   default       label<TAB>prob[<TAB>label<TAB>prob...], the decision first
 *   --json        {"label":..,"predictions":[{"label":..,"probability":..},..]}
 *   --probabilities   a header of every label, then one probability column per
 *                 label in that order (scikit-learn's predict_proba)
 *   --fasttext    "__label__X 0.98 __label__Y 0.01", as fastText's predict-prob
 * With --format mail each line starts with the message's source and a TAB.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/base/threads.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/cli/json.h"
#include "src/cli/progress.h"
#include "src/core/container.h"
#include "src/core/source.h"

#define BATCH 2048

enum { STYLE_TSV, STYLE_JSON, STYLE_PROBS, STYLE_FASTTEXT };

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg predict [options] MODEL [FILE|-]\n"
            "\n"
            "Label each input record (standard input when FILE is - or absent). Output, one\n"
            "line per input line: label<TAB>probability, the decision first.\n"
            "\n"
            "  -k, --top-k K         print K label/probability pairs, 0 = all labels [1]\n"
            "  -t, --threshold T     decision threshold: binary, P(positive) >= T; multi-class\n"
            "                        with a reject label, reject when the top probability < T\n"
            "                        [the model's, 0.5 unless set by 'hardneg threshold']\n"
            "  --json                one JSON object a line\n"
            "  --probabilities       a header line of every label, then one probability column\n"
            "                        per label in that order (scikit-learn's predict_proba)\n"
            "  --fasttext            '__label__X P __label__Y P', as fastText's predict-prob\n"
            "                        (the labels with --label-prefix, -k of them)\n"
            "  -o, --output FILE     write here [standard output]\n"
            "  --threads N           scoring threads, output order kept [1]\n"
            "  -q, --quiet / -v, --verbose\n"
            "  -h, --help\n"
            "\n");
    hn_cli_in_help(out, 0);
    fprintf(out, "\nWith --format mail each output line starts with the message's source<TAB>.\n"
                 "Labels on input lines are read and ignored, in every format.\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

typedef struct line_ref {
    size_t off, len, src_off;
} line_ref;

typedef struct batch {
    char *text;          /* texts of the batch back to back, then their sources (mail) */
    size_t text_len, text_cap;
    line_ref *lines;
    int32_t n;
    float *probs;        /* n * nlabels */
} batch;

typedef struct worker {
    const hn_classifier *cl;
    batch *b;
    int32_t from, to;
    hn_tok_ctx *ctx;
    hn_arena arena;
    hn_status st;
    int32_t bad;
    hn_err err;
} worker;

/* Task t of a batch: lines [from, to) of worker t's slice. */
static void score_slice(void *arg, int32_t task)
{
    worker *w = (worker *)arg + task;
    int32_t i, nl = w->cl->nlabels;
    w->st = HN_OK;
    for (i = w->from; i < w->to; i++) {
        line_ref *r = &w->b->lines[i];
        hn_status st = hn_classifier_probs(w->cl, w->ctx, &w->arena, w->b->text + r->off, r->len,
                                           w->b->probs + (size_t)i * nl, &w->err);
        if (st != HN_OK) {
            w->st = st;
            w->bad = i;
            break;
        }
    }
}

typedef struct pair {
    float p;
    int32_t k;
} pair;

static int by_prob_desc(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->p != y->p) return (x->p < y->p) - (x->p > y->p);
    return (x->k > y->k) - (x->k < y->k);
}

/* All labels by probability, best first, with the decision (threshold or
 * reject) moved to the front. */
static void rank_labels(const float *p, int32_t nl, int32_t dec, pair *tmp)
{
    int32_t k;
    for (k = 0; k < nl; k++) {
        tmp[k].p = p[k];
        tmp[k].k = k;
    }
    qsort(tmp, (size_t)nl, sizeof *tmp, by_prob_desc);
    if (tmp[0].k != dec) {
        for (k = 0; k < nl; k++)
            if (tmp[k].k == dec) break;
        {
            pair d = tmp[k];
            memmove(tmp + 1, tmp, (size_t)k * sizeof *tmp);
            tmp[0] = d;
        }
    }
}

static void write_line(FILE *out, const hn_classifier *cl, const float *p, int32_t topk, int style, const char *prefix,
                       pair *tmp)
{
    int32_t nl = cl->nlabels, k, n, dec = hn_classifier_decide(cl, p);
    if (style == STYLE_PROBS) {
        for (k = 0; k < nl; k++) fprintf(out, k ? "\t%.6g" : "%.6g", (double)p[k]);
        putc('\n', out);
        return;
    }
    n = topk == 0 || topk > nl ? nl : topk;
    if (n == 1) { /* the common case: the decision alone, no sort of every label */
        tmp[0].p = p[dec];
        tmp[0].k = dec;
    } else {
        rank_labels(p, nl, dec, tmp);
    }
    if (style == STYLE_JSON) {
        fputs("{\"label\":", out);
        hn_json_str(out, cl->labels[dec]);
        fputs(",\"predictions\":[", out);
        for (k = 0; k < n; k++) {
            fputs(k ? ",{\"label\":" : "{\"label\":", out);
            hn_json_str(out, cl->labels[tmp[k].k]);
            fprintf(out, ",\"probability\":%.6g}", (double)tmp[k].p);
        }
        fputs("]}\n", out);
        return;
    }
    for (k = 0; k < n; k++) {
        if (style == STYLE_FASTTEXT) fprintf(out, "%s%s%s %.6g", k ? " " : "", prefix, cl->labels[tmp[k].k], (double)tmp[k].p);
        else fprintf(out, "%s%s\t%.6g", k ? "\t" : "", cl->labels[tmp[k].k], (double)tmp[k].p);
    }
    putc('\n', out);
}

/* Append one record's text (and its source, for mail) to the batch. */
static hn_status batch_add(batch *b, const char *s, size_t len, const char *src)
{
    size_t sl = src ? strlen(src) + 1 : 0, need = b->text_len + len + 1 + sl;
    if (need > b->text_cap) {
        size_t nc = b->text_cap ? b->text_cap : 1 << 20;
        char *nt;
        while (nc < need) nc *= 2;
        if (!(nt = realloc(b->text, nc))) return HN_ERR_NOMEM;
        b->text = nt;
        b->text_cap = nc;
    }
    memcpy(b->text + b->text_len, s, len);
    b->text[b->text_len + len] = '\0';
    b->lines[b->n].off = b->text_len;
    b->lines[b->n].len = len;
    b->text_len += len + 1;
    b->lines[b->n].src_off = src ? b->text_len : (size_t)-1;
    if (src) {
        memcpy(b->text + b->text_len, src, sl);
        b->text_len += sl;
    }
    b->n++;
    return HN_OK;
}

enum { OPT_JSON = 256, OPT_PROBS, OPT_FASTTEXT, OPT_THREADS };

int cmd_predict(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top-k", required_argument, NULL, 'k'},
        {"threshold", required_argument, NULL, 't'},
        {"json", no_argument, NULL, OPT_JSON},
        {"probabilities", no_argument, NULL, OPT_PROBS},
        {"fasttext", no_argument, NULL, OPT_FASTTEXT},
        {"output", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    long topk = 1, threads = 1;
    double threshold = -1;
    int style = STYLE_TSV, c, rc = HN_EXIT_OK, out_open = 0, nstyles = 0;
    const char *model_path, *path = "-", *out_path = "-";
    hn_classifier *cl = NULL;
    hn_reader_opts ro;
    hn_source *src = NULL;
    hn_outfile of;
    FILE *out;
    hn_err err;
    hn_status st = HN_OK;
    hn_pool *pool = NULL;
    hn_progress prog;
    batch b;
    worker *w = NULL;
    pair *tmp = NULL;
    int32_t t;
    int64_t nlines = 0;

    memset(&b, 0, sizeof b);
    memset(&prog, 0, sizeof prog);
    hn_err_clear(&err);
    hn_reader_opts_default(&ro);
    ro.every_line = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:t:o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (hn_cli_parse_long("predict", "--top-k", optarg, 0, 1000000, &topk)) return HN_EXIT_USAGE;
            break;
        case 't':
            if (hn_cli_parse_double("predict", "--threshold", optarg, 0, 1, &threshold)) return HN_EXIT_USAGE;
            break;
        case OPT_JSON: style = STYLE_JSON, nstyles++; break;
        case OPT_PROBS: style = STYLE_PROBS, nstyles++; break;
        case OPT_FASTTEXT: style = STYLE_FASTTEXT, nstyles++; break;
        case 'o': out_path = optarg; break;
        case OPT_THREADS:
            if (hn_cli_parse_long("predict", "--threads", optarg, 1, 256, &threads)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("predict", argv[optind - 1]);
        case '?': return hn_cli_unknown_option("predict", argv, optind);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("predict", c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option("predict", argv, optind);
        }
    }
    if (nstyles > 1) return hn_cli_usage_error("predict", "choose one of --json, --probabilities, --fasttext");
    if (optind >= argc) return hn_cli_usage_error("predict", "missing MODEL");
    if (argc - optind > 2) return hn_cli_usage_error("predict", "expected MODEL [FILE]");
    model_path = argv[optind];
    if (optind + 1 < argc) path = argv[optind + 1];
    if (!strcmp(model_path, "-") && !strcmp(path, "-"))
        return hn_cli_usage_error("predict", "MODEL and input cannot both be standard input");
    {
        const char *ins[2] = {model_path, path}, *outs[1] = {out_path};
        if ((rc = hn_cli_check_files("predict", ins, 2, outs, 1)) != 0) return rc;
    }

    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("predict", st, &err);
    if (threshold >= 0) cl->threshold = threshold;
    hn_log(HN_LOG_DEBUG, "predict: threshold %g (%s)", cl->threshold, threshold >= 0 ? "--threshold" : cl->threshold_note);
    if ((st = hn_source_open(path, &ro, &src, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
    out_open = 1;
    out = of.f;
    w = calloc((size_t)threads, sizeof *w);
    b.lines = malloc(BATCH * sizeof *b.lines);
    b.probs = malloc((size_t)BATCH * (size_t)cl->nlabels * sizeof *b.probs);
    tmp = malloc((size_t)cl->nlabels * sizeof *tmp);
    if (!w || !b.lines || !b.probs || !tmp || hn_pool_create((int32_t)threads, &pool) != HN_OK) {
        rc = hn_cli_fail("predict", "out of memory");
        goto done;
    }
    for (t = 0; t < threads; t++) {
        w[t].cl = cl;
        w[t].b = &b;
        hn_arena_init(&w[t].arena, 1 << 16);
        if ((st = hn_tok_ctx_create(cl->tok, &w[t].ctx, &err)) != HN_OK) {
            rc = hn_cli_fail_err("predict", st, &err);
            goto done;
        }
    }
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    if (style == STYLE_PROBS) {
        if (hn_source_format(src) == HN_FORMAT_MAIL) fputs("source\t", out);
        for (t = 0; t < cl->nlabels; t++) {
            if (t) putc('\t', out);
            fputs(cl->labels[t], out);
        }
        putc('\n', out);
    }
    hn_progress_start(&prog, "predict", path);
    for (;;) {
        hn_example ex;
        int got = 0;
        int32_t i;
        b.n = 0;
        b.text_len = 0;
        /* fill a batch: copy the texts so the reader's buffers can be reused */
        while (b.n < BATCH && b.text_len < (8u << 20)) {
            if ((st = hn_source_next(src, &ex, &got, &err)) != HN_OK || !got) break;
            if ((st = batch_add(&b, ex.text, ex.len, hn_source_format(src) == HN_FORMAT_MAIL ? ex.where : NULL)) != HN_OK) {
                hn_err_set(&err, st, "%s: out of memory", ex.where);
                break;
            }
        }
        if (st != HN_OK) {
            rc = hn_cli_fail_err("predict", st, &err);
            goto done;
        }
        if (b.n) {
            int32_t nt = threads > b.n ? b.n : (int32_t)threads;
            hn_reader_stats rs;
            for (t = 0; t < nt; t++) {
                w[t].from = (int32_t)((int64_t)b.n * t / nt);
                w[t].to = (int32_t)((int64_t)b.n * (t + 1) / nt);
            }
            hn_pool_run(pool, nt, score_slice, w);
            for (t = 0; t < nt; t++)
                if (w[t].st != HN_OK) {
                    rc = hn_cli_fail("predict", "%s: record %lld: %s", path, (long long)(nlines + w[t].bad + 1),
                                     w[t].err.msg);
                    goto done;
                }
            for (i = 0; i < b.n; i++) {
                if (b.lines[i].src_off != (size_t)-1) {
                    hn_tsv_field(out, b.text + b.lines[i].src_off);
                    putc('\t', out);
                }
                write_line(out, cl, b.probs + (size_t)i * cl->nlabels, (int32_t)topk, style, ro.label_prefix, tmp);
            }
            nlines += b.n;
            if (ferror(out)) break;
            hn_source_stats(src, &rs);
            hn_progress_tick(&prog, nlines, rs.bytes);
        }
        if (!got) break;
    }
    hn_progress_end(&prog);
    out_open = 0;
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
    hn_source_report(src, "predict");
    for (t = 0; t < threads; t++)
        if (w[t].ctx && hn_tok_ctx_repaired_lines(w[t].ctx))
            hn_log(HN_LOG_WARN, "predict: %s: repaired %lld lines with invalid UTF-8", path,
                   (long long)hn_tok_ctx_repaired_lines(w[t].ctx));
done:
    hn_progress_end(&prog);
    if (out_open) hn_outfile_abort(&of);
    if (w)
        for (t = 0; t < threads; t++) {
            hn_tok_ctx_free(w[t].ctx);
            hn_arena_release(&w[t].arena);
        }
    hn_pool_free(pool);
    free(w);
    free(b.text);
    free(b.lines);
    free(b.probs);
    free(tmp);
    hn_source_free(src);
    hn_classifier_free(cl);
    return rc;
}
