/* cmd_score.c - `hardneg score`: the map step of mining across machines
 *
 * src/cli. One shard of a pool in, its top-K candidate negatives out as
 * "score<TAB>line" (best first); `hardneg merge` (cmd_merge.c) is the
 * reduce step. Exact duplicates keep their best copy; near duplicates are
 * left to `mine`, which knows the cache and the positives.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mining/mining.h"
#include "src/base/log.h"
#include "src/cli/cli.h"
#include "src/core/container.h"
#include "src/core/scorer.h"

static void score_help(FILE *out)
{
    fprintf(out,
            "usage: hardneg score [options] MODEL [FILE...|-]\n"
            "\n"
            "Score every line of the pool files as a negative and print the K hardest\n"
            "(highest 1 - p(negative)) as 'score<TAB>line', best first. Run one per shard,\n"
            "then 'hardneg merge' the outputs.\n"
            "\n"
            "  --top K               candidates to keep [1000]\n"
            "  --negative-label L    the negative class [required for multi-class; binary:\n"
            "                        the non-positive label]\n"
            "  --max-score S         skip lines scoring above S (likely mislabeled) [1]\n"
            "  --min-score S         skip lines scoring below S [0]\n"
            "  --threads N           scoring threads [1]\n"
            "  -q, --quiet / -h, --help\n"
            "\n"
            "exit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, 'k'},         {"negative-label", required_argument, NULL, 'n'},
        {"max-score", required_argument, NULL, 'M'},   {"min-score", required_argument, NULL, 'm'},
        {"threads", required_argument, NULL, 'T'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    long top = 1000, threads = 1;
    double max_score = 1, min_score = 0;
    const char *neg = NULL;
    const char *stdin_path[1] = {"-"};
    int c, rc = HN_EXIT_OK, npaths;
    const char *const *paths;
    hn_classifier *cl = NULL;
    hn_clf_scorer *cs = NULL;
    hn_scorer sc;
    hn_select_opts so;
    hn_topk sel;
    hn_pool_stats ps;
    hn_err err;
    hn_status st;
    int32_t negid;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (hn_cli_parse_long("score", "--top", optarg, 1, 100000000, &top)) return HN_EXIT_USAGE;
            break;
        case 'n': neg = optarg; break;
        case 'M':
            if (hn_cli_parse_double("score", "--max-score", optarg, 0, 1, &max_score)) return HN_EXIT_USAGE;
            break;
        case 'm':
            if (hn_cli_parse_double("score", "--min-score", optarg, 0, 1, &min_score)) return HN_EXIT_USAGE;
            break;
        case 'T':
            if (hn_cli_parse_long("score", "--threads", optarg, 1, 256, &threads)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'h': score_help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("score", argv[optind - 1]);
        default: return hn_cli_unknown_option("score", argv, optind);
        }
    }
    if (optind >= argc) return hn_cli_usage_error("score", "missing MODEL");
    if ((st = hn_classifier_load(argv[optind], &cl, &err)) != HN_OK) return hn_cli_fail_err("score", st, &err);
    if (neg) {
        if ((negid = hn_classifier_label_id(cl, neg)) < 0) {
            rc = hn_cli_fail("score", "--negative-label: the model has no label '%s'", neg);
            goto done;
        }
    } else if (cl->nlabels == 2) {
        negid = 0;
    } else {
        rc = hn_cli_usage_error("score", "--negative-label is required for a multi-class model");
        goto done;
    }
    npaths = argc - optind - 1;
    paths = npaths > 0 ? (const char *const *)argv + optind + 1 : stdin_path;
    if (npaths <= 0) npaths = 1;
    if ((st = hn_clf_scorer_create(cl, negid, (int)threads, &cs, &sc, &err)) != HN_OK) {
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
    hn_select_opts_default(&so);
    so.mode = HN_SELECT_MISCLASSIFIED;
    so.threshold = min_score;
    so.margin = 0;
    so.max_score = max_score;
    so.per_round = top;
    so.near_bits = -1;
    so.threads = (int32_t)threads;
    if ((st = hn_mine_select(paths, npaths, &sc, &so, NULL, NULL, 0, &sel, &ps, NULL, &err)) != HN_OK) {
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    if (hn_cands_write(stdout, &sel) != HN_OK || fflush(stdout) != 0) rc = hn_cli_fail("score", "error writing standard output");
    hn_log(HN_LOG_INFO, "score: %lld lines scored, %lld above the ceiling, %lld kept", (long long)ps.scored,
           (long long)ps.above_ceiling, (long long)sel.n);
    hn_topk_free(&sel);
done:
    hn_clf_scorer_free(cs);
    hn_classifier_free(cl);
    return rc;
}
