/* cmd_tokenize.c - `hardneg tokenize`: show exactly what a model will see
 *
 * src/cli. One output line per input line: the tokens separated by
 * spaces, or with --features the hashed "bucket:value" pairs. --stats
 * featurizes every line and prints only totals (used by the benchmark to
 * time featurization without the cost of printing).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/arena.h"
#include "src/cli/cli.h"
#include "src/cli/tokopts.h"
#include "src/base/lines.h"
#include "src/base/log.h"
#include "tokenizer/tokenizer.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg tokenize [options] [FILE|-]\n"
            "\n"
            "Print, for each input line, the tokens a model sees (default), or the\n"
            "hashed features (--features). Reads standard input when FILE is - or absent.\n"
            "\n"
            "output:\n"
            "  --features            print bucket:value pairs instead of tokens\n"
            "  --stats               featurize every line, print only totals to stderr\n"
            "  --strict              invalid UTF-8 is an error [repair to U+FFFD]\n"
            "  -q, --quiet           no messages on stderr\n"
            "  -v, --verbose         more messages\n"
            "  -h, --help            this help\n"
            "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_tokenize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"features", no_argument, NULL, 'f'},
        {"stats", no_argument, NULL, 's'},
        {"strict", no_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_tok_opts to;
    int features = 0, stats = 0, strict = 0, c, rc = HN_EXIT_OK;
    const char *path = "-";
    hn_tokenizer *tok = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_lines rd;
    hn_arena a;
    hn_err err;
    hn_status st;
    char *line;
    size_t len;
    int opened = 0;
    long long nlines = 0, ntok_total = 0, nfeat_total = 0;
    struct timespec t0, t1;

    hn_tok_opts_default(&to);
    hn_err_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":fqvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': features = 1; break;
        case 's': stats = 1; break;
        case 'S': strict = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_usage_error("tokenize", "option '%s' needs a value", argv[optind - 1]);
        case '?': return hn_cli_usage_error("tokenize", "unknown option '%s'", argv[optind - 1]);
        default:
            if (hn_cli_tok_option("tokenize", c, optarg, &to)) return HN_EXIT_USAGE;
        }
    }
    if (argc - optind > 1) return hn_cli_usage_error("tokenize", "expected at most one input file");
    if (optind < argc) path = argv[optind];

    if ((st = hn_tok_create(&to, &tok, &err)) != HN_OK) {
        if (st == HN_ERR_REGEX) return hn_cli_usage_error("tokenize", "%s", err.msg);
        return hn_cli_fail_err("tokenize", st, &err);
    }
    if ((st = hn_tok_ctx_create(tok, &ctx, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    hn_tok_ctx_set_strict(ctx, strict);
    if ((st = hn_lines_open(&rd, path, &err)) != HN_OK) {
        rc = hn_cli_fail_err("tokenize", st, &err);
        goto done;
    }
    opened = 1;
    hn_arena_init(&a, 1 << 16);
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((st = hn_lines_next(&rd, &line, &len, &err)) == HN_OK && line) {
        nlines++;
        hn_arena_reset(&a);
        if (features || stats) {
            hn_svec x;
            int32_t i;
            if ((st = hn_tok_featurize(tok, ctx, line, len, &a, &x, &err)) != HN_OK) break;
            nfeat_total += x.n;
            if (!stats) {
                for (i = 0; i < x.n; i++) printf(i ? " %u:%.6g" : "%u:%.6g", x.idx[i], (double)x.val[i]);
                putchar('\n');
            }
        } else {
            hn_token *tk;
            int32_t n, i;
            if ((st = hn_tok_tokens(tok, ctx, line, len, &a, &tk, &n, &err)) != HN_OK) break;
            ntok_total += n;
            for (i = 0; i < n; i++) {
                if (i) putchar(' ');
                fwrite(tk[i].s, 1, (size_t)tk[i].len, stdout);
            }
            putchar('\n');
        }
        if (ferror(stdout)) break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    hn_arena_release(&a);
    if (st != HN_OK) {
        char msg[sizeof err.msg + 64];
        snprintf(msg, sizeof msg, "%s:%lld: %s", rd.path, (long long)rd.lineno, err.msg);
        if (strncmp(err.msg, rd.path, strlen(rd.path)) == 0) snprintf(msg, sizeof msg, "%s", err.msg);
        rc = hn_cli_fail("tokenize", "%s", msg);
        goto done;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        rc = hn_cli_fail("tokenize", "error writing standard output");
        goto done;
    }
    if (hn_tok_ctx_repaired_lines(ctx))
        hn_log(HN_LOG_WARN, "tokenize: %s: repaired %lld lines with invalid UTF-8 (%lld sequences -> U+FFFD)",
               rd.path, (long long)hn_tok_ctx_repaired_lines(ctx), (long long)hn_tok_ctx_repaired_seqs(ctx));
    if (stats) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        fprintf(stderr, "lines %lld bytes %llu features %lld seconds %.3f MB/s %.1f\n", nlines,
                (unsigned long long)rd.bytes, nfeat_total, secs, secs > 0 ? (double)rd.bytes / 1e6 / secs : 0.0);
    }
done:
    if (opened) hn_lines_close(&rd);
    hn_tok_ctx_free(ctx);
    hn_tok_free(tok);
    return rc;
}
