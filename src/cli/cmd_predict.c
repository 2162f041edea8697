/* cmd_predict.c - `hardneg predict`: one output line per input line
 *
 * src/cli. Streams in constant memory: records come from corpora/'s reader
 * (every line one record), are gathered in batches, scored on the worker
 * pool (one slice a task, each with its own tokenizer context and arena),
 * and written in input order. Labels on an input line are parsed by the
 * reader and ignored, so a labeled test file can be piped straight in.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpora/mail.h"
#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/base/threads.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/core/container.h"

#define BATCH 2048

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg predict [options] MODEL [FILE|-]\n"
            "\n"
            "Label each input line (standard input when FILE is - or absent). Output, one\n"
            "line per input line: label<TAB>probability, best first.\n"
            "\n"
            "  -k, --top-k K         print K label/probability pairs, 0 = all labels [1]\n"
            "  -t, --threshold T     decision threshold: binary, P(positive) >= T; multi-class\n"
            "                        with a reject label, reject when the top probability < T\n"
            "                        [the model's, 0.5 unless set by 'hardneg threshold']\n"
            "  --output F            tsv or json (one object a line) [tsv]\n"
            "  --format F            text (strip leading __label__ tokens), tsv (strip up to\n"
            "                        the first TAB), or mail: FILE is a folder of raw messages\n"
            "                        or an mbox, and each output line starts with the\n"
            "                        message's source<TAB> [text]\n"
            "  --label-prefix P      label prefix to strip [__label__]\n"
            "  --threads N           scoring threads, output order kept [1]\n"
            "  -q, --quiet / -v, --verbose\n"
            "  -h, --help\n"
            "\n"
            "exit status: 0 ok, 1 runtime error, 2 usage error\n");
}

typedef struct line_ref {
    size_t off, len;
} line_ref;

typedef struct batch {
    char *text;          /* all lines of the batch, back to back */
    size_t text_len, text_cap;
    line_ref *lines;
    int32_t n;
    float *probs;        /* n * nlabels */
    hn_status st;
    int32_t bad_line;    /* index of the line that failed */
    hn_err err;
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

static void write_line(FILE *out, const hn_classifier *cl, const float *p, int32_t topk, int json, pair *tmp)
{
    int32_t nl = cl->nlabels, k, n, dec = hn_classifier_decide(cl, p);
    n = topk == 0 || topk > nl ? nl : topk;
    if (n == 1) { /* the common case: the decision alone, no sort of every label */
        tmp[0].p = p[dec];
        tmp[0].k = dec;
    } else {
        rank_labels(p, nl, dec, tmp);
    }
    if (json) {
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
        if (k) putc('\t', out);
        fputs(cl->labels[tmp[k].k], out);
        fprintf(out, "\t%.6g", (double)tmp[k].p);
    }
    putc('\n', out);
}

/* One output line per message, in the mail reader's order. */
static int predict_mail(const hn_classifier *cl, const char *path, int32_t topk, int json)
{
    hn_mail_opts mo;
    hn_mail_reader *mr = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_arena ma;
    hn_err err;
    hn_status st = HN_OK;
    float *p = malloc((size_t)cl->nlabels * sizeof *p);
    pair *tmp = malloc((size_t)cl->nlabels * sizeof *tmp);
    const char *label, *text, *source;
    size_t len;
    int got, rc = HN_EXIT_OK;
    hn_mail_opts_default(&mo);
    hn_arena_init(&ma, 1 << 16);
    if (!tmp || !p) st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory");
    if (st == HN_OK) st = hn_mail_reader_open(path, &mo, 0, &mr, &err);
    if (st == HN_OK) st = hn_tok_ctx_create(cl->tok, &ctx, &err);
    while (st == HN_OK && (st = hn_mail_reader_next(mr, &label, &text, &len, &source, &got, &err)) == HN_OK && got) {
        if ((st = hn_classifier_probs(cl, ctx, &ma, text, len, p, &err)) != HN_OK) break;
        printf("%s\t", source);
        write_line(stdout, cl, p, topk, json, tmp);
    }
    if (st != HN_OK) rc = hn_cli_fail_err("predict", st, &err);
    else if (fflush(stdout) != 0 || ferror(stdout)) rc = hn_cli_fail("predict", "error writing standard output");
    free(p);
    free(tmp);
    hn_mail_reader_free(mr);
    hn_tok_ctx_free(ctx);
    hn_arena_release(&ma);
    return rc;
}

/* Append one record's text to the batch; HN_ERR_NOMEM. */
static hn_status batch_add(batch *b, const char *s, size_t len)
{
    if (b->text_len + len + 1 > b->text_cap) {
        size_t nc = b->text_cap ? b->text_cap : 1 << 20;
        char *nt;
        while (nc < b->text_len + len + 1) nc *= 2;
        if (!(nt = realloc(b->text, nc))) return HN_ERR_NOMEM;
        b->text = nt;
        b->text_cap = nc;
    }
    memcpy(b->text + b->text_len, s, len);
    b->lines[b->n].off = b->text_len;
    b->lines[b->n].len = len;
    b->text_len += len + 1;
    b->n++;
    return HN_OK;
}

int cmd_predict(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top-k", required_argument, NULL, 'k'},
        {"threshold", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'O'},
        {"format", required_argument, NULL, 'F'},
        {"label-prefix", required_argument, NULL, 'P'},
        {"threads", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long topk = 1, threads = 1;
    double threshold = -1;
    int json = 0, mail = 0, c, rc = HN_EXIT_OK;
    const char *model_path, *path = "-";
    hn_classifier *cl = NULL;
    hn_reader_opts ro;
    hn_reader *rd = NULL;
    hn_err err;
    hn_status st = HN_OK;
    hn_pool *pool = NULL;
    batch b;
    worker *w = NULL;
    pair *tmp = NULL;
    int32_t t;
    int64_t nlines = 0;

    memset(&b, 0, sizeof b);
    hn_err_clear(&err);
    hn_reader_opts_default(&ro);
    ro.format = HN_FORMAT_FASTTEXT; /* a line without labels is its text */
    ro.every_line = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:t:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (hn_cli_parse_long("predict", "--top-k", optarg, 0, 1000000, &topk)) return HN_EXIT_USAGE;
            break;
        case 't':
            if (hn_cli_parse_double("predict", "--threshold", optarg, 0, 1, &threshold)) return HN_EXIT_USAGE;
            break;
        case 'O':
            if (!strcmp(optarg, "json")) json = 1;
            else if (!strcmp(optarg, "tsv")) json = 0;
            else return hn_cli_usage_error("predict", "--output: unknown '%s' (tsv, json)", optarg);
            break;
        case 'F':
            if (!strcmp(optarg, "tsv")) ro.format = HN_FORMAT_TSV;
            else if (!strcmp(optarg, "mail")) mail = 1;
            else if (!strcmp(optarg, "text") || !strcmp(optarg, "fasttext") || !strcmp(optarg, "auto"))
                ro.format = HN_FORMAT_FASTTEXT;
            else return hn_cli_usage_error("predict", "--format: unknown '%s' (text, tsv, mail)", optarg);
            break;
        case 'P':
            if (strlen(optarg) >= sizeof ro.label_prefix || !optarg[0])
                return hn_cli_usage_error("predict", "--label-prefix: must be 1 to %zu bytes", sizeof ro.label_prefix - 1);
            strcpy(ro.label_prefix, optarg);
            break;
        case 'T':
            if (hn_cli_parse_long("predict", "--threads", optarg, 1, 256, &threads)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_usage_error("predict", "option '%s' needs a value", argv[optind - 1]);
        default: return hn_cli_usage_error("predict", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return hn_cli_usage_error("predict", "missing MODEL");
    if (argc - optind > 2) return hn_cli_usage_error("predict", "expected MODEL [FILE]");
    model_path = argv[optind];
    if (optind + 1 < argc) path = argv[optind + 1];
    if (!strcmp(model_path, "-") && !strcmp(path, "-"))
        return hn_cli_usage_error("predict", "MODEL and input cannot both be standard input");

    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("predict", st, &err);
    if (threshold >= 0) cl->threshold = threshold;
    hn_log(HN_LOG_DEBUG, "predict: threshold %g (%s)", cl->threshold, threshold >= 0 ? "--threshold" : cl->threshold_note);
    if (mail) {
        rc = predict_mail(cl, path, (int32_t)topk, json);
        goto done;
    }
    if ((st = hn_reader_open(path, &ro, &rd, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
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
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    for (;;) {
        hn_record rec;
        int got = 0;
        int32_t i;
        b.n = 0;
        b.text_len = 0;
        /* fill a batch: copy the texts so the reader's buffer can be reused */
        while (b.n < BATCH && b.text_len < (8u << 20)) {
            if ((st = hn_reader_next(rd, &rec, &got, &err)) != HN_OK || !got) break;
            if ((st = batch_add(&b, rec.text, rec.text_len)) != HN_OK) {
                hn_err_set(&err, st, "%s:%lld: out of memory", path, (long long)rec.lineno);
                break;
            }
        }
        if (st != HN_OK) {
            rc = hn_cli_fail_err("predict", st, &err);
            goto done;
        }
        if (b.n) {
            int32_t nt = threads > b.n ? b.n : (int32_t)threads;
            for (t = 0; t < nt; t++) {
                w[t].from = (int32_t)((int64_t)b.n * t / nt);
                w[t].to = (int32_t)((int64_t)b.n * (t + 1) / nt);
            }
            hn_pool_run(pool, nt, score_slice, w);
            for (t = 0; t < nt; t++)
                if (w[t].st != HN_OK) {
                    rc = hn_cli_fail("predict", "%s:%lld: %s", path, (long long)(nlines + w[t].bad + 1), w[t].err.msg);
                    goto done;
                }
            for (i = 0; i < b.n; i++) write_line(stdout, cl, b.probs + (size_t)i * cl->nlabels, (int32_t)topk, json, tmp);
            nlines += b.n;
            if (ferror(stdout)) break;
        }
        if (!got) break;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        rc = hn_cli_fail("predict", "error writing standard output");
        goto done;
    }
    for (t = 0; t < threads; t++)
        if (w[t].ctx && hn_tok_ctx_repaired_lines(w[t].ctx))
            hn_log(HN_LOG_WARN, "predict: %s: repaired %lld lines with invalid UTF-8", path,
                   (long long)hn_tok_ctx_repaired_lines(w[t].ctx));
done:
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
    hn_reader_free(rd);
    hn_classifier_free(cl);
    return rc;
}
