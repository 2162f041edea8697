/* cmd_predict.c - `hardneg predict`: one output line per input record
 *
 * src/cli. Streams in constant memory: records come from src/core/source.h
 * (line files in any format, every line one record, or raw mail), are
 * gathered in batches, scored on the worker pool, and written in input
 * order. Two batches take turns, so reading and writing overlap scoring:
 * while the workers score batch k, this thread reads batch k+1, then joins
 * in on what is left of k, starts k+1 and writes k. A batch is cut into
 * tasks of about TASK_BYTES of text (at most TASK_LINES lines), handed out
 * as threads free up, so a few very long lines do not leave a thread idle;
 * each thread has its own tokenizer context and arena. With --threads 1
 * the same steps run one after the other on this thread.
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
#define BATCH_BYTES (8u << 20)
#define TASK_BYTES (64u << 10)
#define TASK_LINES 64

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

/* One thread's scratch, and the first line it failed on in this batch. */
typedef struct scratch {
    hn_tok_ctx *ctx;
    hn_arena arena;
    int32_t bad;         /* -1: none */
    hn_status st;
    hn_err err;
} scratch;

typedef struct batch {
    char *text;          /* texts of the batch back to back, then their sources (mail) */
    size_t text_len, text_cap;
    line_ref *lines;
    int32_t n;
    float *probs;        /* n * nlabels */
    int32_t *task_end;   /* task t scores lines [task_end[t-1], task_end[t]) */
    int32_t ntasks;
    size_t task_bytes;   /* text in the open (last) task */
    const hn_classifier *cl;
    scratch *sc;         /* one per pool thread */
} batch;

/* Task t of a batch, on pool thread `thread`. */
static void score_task(void *arg, int32_t task, int32_t thread)
{
    batch *b = arg;
    scratch *w = &b->sc[thread];
    int32_t i, nl = b->cl->nlabels, from = task ? b->task_end[task - 1] : 0;
    for (i = from; i < b->task_end[task]; i++) {
        line_ref *r = &b->lines[i];
        hn_err err;
        hn_status st = hn_classifier_probs(b->cl, w->ctx, &w->arena, b->text + r->off, r->len,
                                           b->probs + (size_t)i * nl, &err);
        if (st != HN_OK) {
            if (w->bad < 0 || i < w->bad) {
                w->bad = i;
                w->st = st;
                w->err = err;
            }
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

/* Append one record's text (and its source, for mail) to the batch and
 * to its last task (a new task when that one is full). */
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
    hn_tasks_add_line(b->task_end, &b->ntasks, &b->task_bytes, b->n, len + 1, TASK_BYTES, TASK_LINES);
    return HN_OK;
}

/* Read up to BATCH records (or BATCH_BYTES of text) into b; copies the
 * texts, so the reader's buffers can be reused. *eof at the end. */
static hn_status batch_fill(batch *b, hn_source *src, int *eof, hn_err *err)
{
    hn_example ex;
    hn_status st = HN_OK;
    int got = 0;
    b->n = b->ntasks = 0;
    b->text_len = b->task_bytes = 0;
    while (b->n < BATCH && b->text_len < BATCH_BYTES) {
        if ((st = hn_source_next(src, &ex, &got, err)) != HN_OK) return st;
        if (!got) {
            *eof = 1;
            return HN_OK;
        }
        if ((st = batch_add(b, ex.text, ex.len, hn_source_format(src) == HN_FORMAT_MAIL ? ex.where : NULL)) != HN_OK)
            return hn_err_set(err, st, "%s: out of memory", ex.where);
    }
    return HN_OK;
}

static hn_status batch_init(batch *b, const hn_classifier *cl, scratch *sc)
{
    memset(b, 0, sizeof *b);
    b->cl = cl;
    b->sc = sc;
    b->lines = malloc(BATCH * sizeof *b->lines);
    b->task_end = malloc(BATCH * sizeof *b->task_end);
    b->probs = malloc((size_t)BATCH * (size_t)cl->nlabels * sizeof *b->probs);
    return b->lines && b->task_end && b->probs ? HN_OK : HN_ERR_NOMEM;
}

static void batch_free(batch *b)
{
    free(b->text);
    free(b->lines);
    free(b->task_end);
    free(b->probs);
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
    batch bat[2], *cur = &bat[0], *nxt = &bat[1];
    scratch *sc = NULL;
    pair *tmp = NULL;
    int32_t t, nth = 0;
    int64_t nlines = 0, repaired = 0;
    int eof = 0, running = 0;

    memset(bat, 0, sizeof bat);
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
    tmp = malloc((size_t)cl->nlabels * sizeof *tmp);
    if (!tmp || hn_pool_create((int32_t)threads, &pool) != HN_OK) {
        rc = hn_cli_fail("predict", "out of memory");
        goto done;
    }
    nth = hn_pool_threads(pool);
    if (!(sc = calloc((size_t)nth, sizeof *sc)) || batch_init(&bat[0], cl, sc) != HN_OK ||
        batch_init(&bat[1], cl, sc) != HN_OK) {
        rc = hn_cli_fail("predict", "out of memory");
        goto done;
    }
    for (t = 0; t < nth; t++) {
        hn_arena_init(&sc[t].arena, 1 << 16);
        sc[t].bad = -1;
        if ((st = hn_tok_ctx_create(cl->tok, &sc[t].ctx, &err)) != HN_OK) {
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
    /* the pipeline: cur is being scored while nxt is read */
    if ((st = batch_fill(cur, src, &eof, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
    if (cur->n) {
        hn_pool_start(pool, cur->ntasks, score_task, cur);
        running = 1;
    }
    while (cur->n) {
        batch *swap;
        int32_t i, bad = -1, bt = 0;
        hn_reader_stats rs;
        nxt->n = 0;
        if (!eof && (st = batch_fill(nxt, src, &eof, &err)) != HN_OK) {
            rc = hn_cli_fail_err("predict", st, &err);
            goto done;
        }
        hn_pool_wait(pool);
        running = 0;
        for (t = 0; t < nth; t++)
            if (sc[t].bad >= 0 && (bad < 0 || sc[t].bad < bad)) {
                bad = sc[t].bad;
                bt = t;
            }
        if (bad >= 0) {
            rc = hn_cli_fail("predict", "%s: record %lld: %s", path, (long long)(nlines + bad + 1), sc[bt].err.msg);
            goto done;
        }
        if (nxt->n) {
            hn_pool_start(pool, nxt->ntasks, score_task, nxt);
            running = 1;
        }
        for (i = 0; i < cur->n; i++) {
            if (cur->lines[i].src_off != (size_t)-1) {
                hn_tsv_field(out, cur->text + cur->lines[i].src_off);
                putc('\t', out);
            }
            write_line(out, cl, cur->probs + (size_t)i * cl->nlabels, (int32_t)topk, style, ro.label_prefix, tmp);
        }
        nlines += cur->n;
        if (ferror(out)) break;
        hn_source_stats(src, &rs);
        hn_progress_tick(&prog, nlines, rs.bytes);
        swap = cur;
        cur = nxt;
        nxt = swap;
    }
    if (running) { /* a write error stopped the loop */
        hn_pool_wait(pool);
        running = 0;
    }
    hn_progress_end(&prog);
    out_open = 0;
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) {
        rc = hn_cli_fail_err("predict", st, &err);
        goto done;
    }
    hn_source_report(src, "predict");
    for (t = 0; t < nth; t++) repaired += hn_tok_ctx_repaired_lines(sc[t].ctx);
    if (repaired) hn_log(HN_LOG_WARN, "predict: %s: repaired %lld lines with invalid UTF-8", path, (long long)repaired);
done:
    hn_progress_end(&prog);
    hn_pool_free(pool); /* waits for a job still running */
    if (out_open) hn_outfile_abort(&of);
    if (sc)
        for (t = 0; t < nth; t++) {
            hn_tok_ctx_free(sc[t].ctx);
            hn_arena_release(&sc[t].arena);
        }
    free(sc);
    batch_free(&bat[0]);
    batch_free(&bat[1]);
    free(tmp);
    hn_source_free(src);
    hn_classifier_free(cl);
    return rc;
}
