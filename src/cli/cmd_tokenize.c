/* cmd_tokenize.c - `hardneg tokenize`: show exactly what a model will see
 *
 * src/cli. One output line per input record (read as every command reads
 * examples: src/core/source.h, labels stripped, any --format):
 *   default      the tokens, separated by spaces
 *   --grams      every word and character n-gram hashed, TAB-separated
 *                (a word n-gram's words joined by spaces, a character
 *                n-gram with < > at the word's ends)
 *   --features   the hashed "bucket:value" pairs; with --grams each pair
 *                is followed by "=" and the n-grams that landed in it,
 *                joined by " | ", pairs TAB-separated
 *   --text       the text as the reader gives it (a mail: its decoded
 *                subject and body), before normalization
 *   --json       one object a line: tokens, and features with their n-grams
 * --model M.hn takes the features from a model, so the output is exactly
 * what that model sees. --stats featurizes every line and prints only
 * totals (used by the benchmark to time featurization without printing).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/cli/json.h"
#include "src/cli/tokopts.h"
#include "src/core/container.h"
#include "src/core/source.h"
#include "tokenizer/tokenizer.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg tokenize [options] [FILE|-]\n"
            "\n"
            "Print, for each input line, what a model sees: the tokens (default), every\n"
            "n-gram (--grams), or the hashed features (--features). Reads standard input\n"
            "when FILE is - or absent; labels on the lines are read and left out.\n"
            "\n"
            "output:\n"
            "  --model M.hn          featurize as this model does (its stored feature options)\n"
            "  --grams               every word and character n-gram, TAB-separated\n"
            "  --features            bucket:value pairs; with --grams, bucket:value=n-grams\n"
            "  --text                the text as read (a mail: decoded), before normalization\n"
            "  --json                one JSON object a line: tokens, features with their n-grams\n"
            "  --stats               featurize every line, print only totals to stderr\n"
            "  -o, --output FILE     write here [standard output]\n"
            "  --strict              invalid UTF-8 is an error [repair to U+FFFD]\n"
            "  -q, --quiet           no messages on stderr\n"
            "  -v, --verbose         more messages\n"
            "  -h, --help            this help\n"
            "\n");
    hn_cli_in_help(out, 0);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nWith --format mail each line starts with the message's source<TAB>.\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

/* The n-grams of one line, kept for --grams / --features --grams / --json:
 * one string per occurrence, in the arena. */
typedef struct gram_list {
    hn_arena *a;
    uint32_t *bucket;
    char **text;
    int32_t n, cap;
    int oom;
} gram_list;

static void keep_gram(const hn_gram *g, void *user)
{
    gram_list *gl = user;
    size_t len = 0, k;
    char *s;
    int32_t i;
    if (gl->oom) return;
    if (gl->n == gl->cap) {
        int32_t c = gl->cap ? gl->cap * 2 : 256;
        uint32_t *b = hn_arena_grow(gl->a, gl->bucket, (size_t)gl->cap * sizeof *b, (size_t)c * sizeof *b);
        char **t = b ? hn_arena_grow(gl->a, gl->text, (size_t)gl->cap * sizeof *t, (size_t)c * sizeof *t) : NULL;
        if (!b || !t) {
            gl->oom = 1;
            return;
        }
        gl->bucket = b;
        gl->text = t;
        gl->cap = c;
    }
    if (g->order == 0) len = g->chars_len;
    else
        for (i = 0; i < g->order; i++) len += (size_t)g->toks[i].len + (i > 0);
    if (!(s = hn_arena_alloc(gl->a, len + 1))) {
        gl->oom = 1;
        return;
    }
    if (g->order == 0) {
        memcpy(s, g->chars, len);
    } else {
        for (i = 0, k = 0; i < g->order; i++) {
            if (i) s[k++] = ' ';
            memcpy(s + k, g->toks[i].s, (size_t)g->toks[i].len);
            k += (size_t)g->toks[i].len;
        }
    }
    s[len] = '\0';
    gl->bucket[gl->n] = g->bucket;
    gl->text[gl->n] = s;
    gl->n++;
}

/* The n-grams of `bucket`, joined by " | " (or as a JSON array). */
static void put_grams_of(FILE *out, const gram_list *gl, uint32_t bucket, int json)
{
    int32_t i, k = 0;
    for (i = 0; i < gl->n; i++) {
        int32_t j;
        if (gl->bucket[i] != bucket) continue;
        for (j = 0; j < i; j++) /* each distinct n-gram once */
            if (gl->bucket[j] == bucket && !strcmp(gl->text[j], gl->text[i])) break;
        if (j < i) continue;
        if (json) {
            if (k) putc(',', out);
            hn_json_str(out, gl->text[i]);
        } else {
            fputs(k ? " | " : "", out);
            fputs(gl->text[i], out);
        }
        k++;
    }
}

enum { MODE_TOKENS, MODE_GRAMS, MODE_FEATURES, MODE_TEXT, MODE_JSON };
enum { OPT_FEATURES = 256, OPT_GRAMS, OPT_TEXT, OPT_JSON, OPT_STATS, OPT_STRICT, OPT_MODEL };

int cmd_tokenize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"features", no_argument, NULL, OPT_FEATURES},
        {"grams", no_argument, NULL, OPT_GRAMS},
        {"text", no_argument, NULL, OPT_TEXT},
        {"json", no_argument, NULL, OPT_JSON},
        {"stats", no_argument, NULL, OPT_STATS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"model", required_argument, NULL, OPT_MODEL},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_IN_LONGOPTS,
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_tok_opts to;
    hn_reader_opts ro;
    int features = 0, grams = 0, text_only = 0, json = 0, stats = 0, strict = 0, c, rc = HN_EXIT_OK, tok_flags = 0;
    const char *path = "-", *model_path = NULL, *out_path = "-";
    hn_outfile of;
    int out_open = 0;
    FILE *out = stdout;
    hn_tokenizer *tok = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_source *src = NULL;
    hn_classifier *cl = NULL;
    hn_arena a;
    hn_err err;
    hn_status st;
    hn_example ex;
    int got;
    long long nlines = 0, nfeat_total = 0;
    struct timespec t0, t1;

    hn_tok_opts_default(&to);
    hn_reader_opts_default(&ro);
    ro.every_line = 1;
    hn_err_clear(&err);
    hn_arena_init(&a, 1 << 16);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case OPT_FEATURES: features = 1; break;
        case OPT_GRAMS: grams = 1; break;
        case OPT_TEXT: text_only = 1; break;
        case OPT_JSON: json = 1; break;
        case OPT_STATS: stats = 1; break;
        case OPT_STRICT: strict = 1; break;
        case OPT_MODEL: model_path = optarg; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("tokenize", argv[optind - 1]);
        case '?': return hn_cli_unknown_option("tokenize", argv, optind);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("tokenize", c, optarg, &ro)) return HN_EXIT_USAGE;
            } else {
                if (hn_cli_tok_option("tokenize", c, optarg, &to)) return HN_EXIT_USAGE;
                tok_flags++;
            }
        }
    }
    if (argc - optind > 1) return hn_cli_usage_error("tokenize", "expected at most one input file");
    if (optind < argc) path = argv[optind];
    if (text_only + json + stats > 1 || (text_only && (features || grams)))
        return hn_cli_usage_error("tokenize", "--text, --json and --stats go alone (--grams and --features combine)");
    if (model_path && tok_flags)
        return hn_cli_usage_error("tokenize", "--model takes the feature options from the model; drop the others");
    {
        const char *ins[2] = {path, model_path}, *outs[1] = {out_path};
        if ((rc = hn_cli_check_files("tokenize", ins, 2, outs, 1)) != 0) return rc;
    }
    if (model_path) {
        if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err("tokenize", st, &err);
        to = cl->tok_opts;
    }
    if ((st = hn_tok_create(&to, &tok, &err)) != HN_OK) {
        rc = st == HN_ERR_REGEX ? hn_cli_usage_error("tokenize", "%s", err.msg) : hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    if ((st = hn_tok_ctx_create(tok, &ctx, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    hn_tok_ctx_set_strict(ctx, strict);
    if ((st = hn_source_open(path, &ro, &src, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    out_open = 1;
    out = of.f;
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((st = hn_source_next(src, &ex, &got, &err)) == HN_OK && got) {
        int32_t i;
        nlines++;
        hn_arena_reset(&a);
        if (hn_source_format(src) == HN_FORMAT_MAIL && !stats) {
            hn_tsv_field(out, ex.where);
            putc('\t', out);
        }
        if (text_only) {
            fwrite(ex.text, 1, ex.len, out);
        } else if (stats) {
            hn_svec x;
            if ((st = hn_tok_featurize(tok, ctx, ex.text, ex.len, &a, &x, &err)) != HN_OK) break;
            nfeat_total += x.n;
            continue;
        } else if (features || grams || json) {
            hn_svec x;
            gram_list gl;
            memset(&gl, 0, sizeof gl);
            gl.a = &a;
            if ((st = hn_tok_featurize_grams(tok, ctx, ex.text, ex.len, &a, &x, (grams || json) ? keep_gram : NULL,
                                             &gl, &err)) != HN_OK)
                break;
            if (gl.oom) {
                st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory listing the n-grams");
                break;
            }
            if (json) {
                hn_token *tk;
                int32_t n;
                if ((st = hn_tok_tokens(tok, ctx, ex.text, ex.len, &a, &tk, &n, &err)) != HN_OK) break;
                fputs("{\"tokens\":[", out);
                for (i = 0; i < n; i++) {
                    if (i) putc(',', out);
                    hn_json_strn(out, tk[i].s, (size_t)tk[i].len);
                }
                fputs("],\"features\":[", out);
                for (i = 0; i < x.n; i++) {
                    fprintf(out, "%s{\"bucket\":%u,\"value\":%.6g,\"grams\":[", i ? "," : "", x.idx[i], (double)x.val[i]);
                    put_grams_of(out, &gl, x.idx[i], 1);
                    fputs("]}", out);
                }
                fputs("]}", out);
            } else if (features) {
                for (i = 0; i < x.n; i++) {
                    fprintf(out, i ? (grams ? "\t%u:%.6g" : " %u:%.6g") : "%u:%.6g", x.idx[i], (double)x.val[i]);
                    if (grams) {
                        putc('=', out);
                        put_grams_of(out, &gl, x.idx[i], 0);
                    }
                }
            } else {
                for (i = 0; i < gl.n; i++) {
                    if (i) putc('\t', out);
                    fputs(gl.text[i], out);
                }
            }
        } else {
            hn_token *tk;
            int32_t n;
            if ((st = hn_tok_tokens(tok, ctx, ex.text, ex.len, &a, &tk, &n, &err)) != HN_OK) break;
            for (i = 0; i < n; i++) {
                if (i) putc(' ', out);
                fwrite(tk[i].s, 1, (size_t)tk[i].len, out);
            }
        }
        putc('\n', out);
        if (ferror(out)) break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != HN_OK) {
        if (got && strncmp(err.msg, path, strlen(path)) != 0) rc = hn_cli_fail("tokenize", "%s: %s", ex.where, err.msg);
        else rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    out_open = 0;
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    hn_source_report(src, "tokenize");
    if (hn_tok_ctx_repaired_lines(ctx))
        hn_log(HN_LOG_WARN, "tokenize: %s: repaired %lld lines with invalid UTF-8 (%lld sequences -> U+FFFD)", path,
               (long long)hn_tok_ctx_repaired_lines(ctx), (long long)hn_tok_ctx_repaired_seqs(ctx));
    if (stats) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        hn_reader_stats rs;
        hn_source_stats(src, &rs);
        fprintf(stderr, "lines %lld bytes %llu features %lld seconds %.3f MB/s %.1f\n", nlines,
                (unsigned long long)rs.bytes, nfeat_total, secs, secs > 0 ? (double)rs.bytes / 1e6 / secs : 0.0);
    }
done:
    if (out_open) hn_outfile_abort(&of);
    hn_arena_release(&a);
    hn_source_free(src);
    hn_tok_ctx_free(ctx);
    hn_tok_free(tok);
    hn_classifier_free(cl);
    return rc;
}
