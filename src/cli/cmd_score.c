/* cmd_score.c - `hardneg score`: the map step of mining across machines
 *
 * src/cli. One shard of a pool in, its top-K candidate negatives out as
 * "score<TAB>line" (best first); `hardneg merge` (cmd_merge.c) is the
 * reduce step. Pool files are read as every command reads examples
 * (src/core/source.h): every line one text, labels stripped. Exact
 * duplicates keep their best copy; near duplicates are left to `mine`,
 * which knows the cache and the positives. --top and --max-score mean
 * what they mean in `mine`, with the same defaults.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mining/mining.h"
#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/cli/progress.h"
#include "src/core/container.h"
#include "src/core/scorer.h"
#include "src/core/source.h"

static void score_help(FILE *out)
{
    fprintf(out,
            "usage: hardneg score [options] MODEL [FILE...|-]\n"
            "\n"
            "Score every line of the pool files as a negative and print the K hardest\n"
            "(highest 1 - p(negative)) as 'score<TAB>line', best first. Run one per shard,\n"
            "then 'hardneg merge' the outputs. Reads standard input when no FILE is given.\n"
            "\n"
            "  --top K               candidates to keep (as mine's --top) [1000]\n"
            "  --negative-label L    the negative class [required for multi-class; binary:\n"
            "                        the non-positive label]\n"
            "  --max-score S         skip lines scoring above S: likely mislabeled (as mine) [0.99]\n"
            "  --min-score S         skip lines scoring below S [0]\n"
            "  --threads N           scoring threads [1]\n"
            "  --known FILE          skip lines whose hash is in FILE (a hash file mine writes:\n"
            "                        the training lines and those mined before)\n"
            "  --excluded FILE       the same for lines judged positive (mine --exclude)\n"
            "  --threshold T         count lines scoring >= T as misclassified [0.5]\n"
            "  --counts FILE         write the counts (scored, misclassified, above the ceiling,\n"
            "                        known, excluded) as one JSON object\n"
            "  -o, --output FILE     write here [standard output]\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n");
    hn_cli_in_help(out, 0);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

enum { OPT_TOP = 256, OPT_NEG, OPT_MAX, OPT_MIN, OPT_THREADS, OPT_KNOWN, OPT_EXCLUDED, OPT_COUNTS, OPT_THRESHOLD };

int cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, OPT_TOP},         {"negative-label", required_argument, NULL, OPT_NEG},
        {"max-score", required_argument, NULL, OPT_MAX},   {"min-score", required_argument, NULL, OPT_MIN},
        {"threads", required_argument, NULL, OPT_THREADS}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},                 {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},                  {"known", required_argument, NULL, OPT_KNOWN},
        {"excluded", required_argument, NULL, OPT_EXCLUDED}, {"counts", required_argument, NULL, OPT_COUNTS},
        {"threshold", required_argument, NULL, OPT_THRESHOLD}, HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    long top = 1000, threads = 1;
    double max_score = 0.99, min_score = 0, threshold = 0.5;
    const char *neg = NULL, *out_path = "-", *known_path = NULL, *excluded_path = NULL, *counts_path = NULL;
    hn_hashset known, excluded;
    const char *stdin_path[1] = {"-"};
    int c, rc = HN_EXIT_OK, npaths, i;
    const char *const *paths;
    hn_classifier *cl = NULL;
    hn_clf_scorer *cs = NULL;
    hn_scorer sc;
    hn_select_opts so;
    hn_topk sel;
    hn_pool_stats ps;
    hn_reader_opts ro;
    hn_pool_texts pt;
    hn_text_reader tr;
    hn_outfile of;
    hn_progress prog;
    hn_err err;
    hn_status st;
    int32_t negid;
    int64_t kept = 0;
    hn_reader_opts_default(&ro);
    hn_hashset_init(&known);
    hn_hashset_init(&excluded);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TOP:
            if (hn_cli_parse_long("score", "--top", optarg, 1, 100000000, &top)) return HN_EXIT_USAGE;
            break;
        case OPT_NEG: neg = optarg; break;
        case OPT_MAX:
            if (hn_cli_parse_double("score", "--max-score", optarg, 0, 1, &max_score)) return HN_EXIT_USAGE;
            break;
        case OPT_MIN:
            if (hn_cli_parse_double("score", "--min-score", optarg, 0, 1, &min_score)) return HN_EXIT_USAGE;
            break;
        case OPT_THREADS:
            if (hn_cli_parse_long("score", "--threads", optarg, 1, 256, &threads)) return HN_EXIT_USAGE;
            break;
        case 'o': out_path = optarg; break;
        case OPT_KNOWN: known_path = optarg; break;
        case OPT_EXCLUDED: excluded_path = optarg; break;
        case OPT_COUNTS: counts_path = optarg; break;
        case OPT_THRESHOLD:
            if (hn_cli_parse_double("score", "--threshold", optarg, 0, 1, &threshold)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': score_help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("score", argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("score", c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option("score", argv, optind);
        }
    }
    if (optind >= argc) return hn_cli_usage_error("score", "missing MODEL");
    npaths = argc - optind - 1;
    paths = npaths > 0 ? (const char *const *)argv + optind + 1 : stdin_path;
    if (npaths <= 0) npaths = 1;
    {
        const char *ins[68], *outs[2] = {out_path, counts_path};
        int nin = 0;
        ins[nin++] = argv[optind];
        ins[nin++] = known_path;
        ins[nin++] = excluded_path;
        for (i = 0; i < npaths && nin < 68; i++) ins[nin++] = paths[i];
        if ((rc = hn_cli_check_files("score", ins, nin, outs, 2)) != 0) return rc;
    }
    if ((known_path && (st = hn_hashset_read(&known, known_path, &err)) != HN_OK) ||
        (excluded_path && (st = hn_hashset_read(&excluded, excluded_path, &err)) != HN_OK)) {
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
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
    so.exclude = excluded_path ? &excluded : NULL;
    hn_pool_texts_init(&pt, &ro, "score", &tr);
    so.reader = &tr;
    hn_progress_start_files(&prog, "score", paths, npaths);
    so.progress = hn_progress_hook;
    so.progress_user = &prog;
    if (threshold > min_score) { /* the misclassified count uses T; the candidates start at --min-score */
        so.margin = threshold - min_score;
        so.threshold = threshold;
    }
    st = hn_mine_select(paths, npaths, &sc, &so, known_path ? &known : NULL, NULL, 0, &sel, &ps, NULL, &err);
    hn_progress_end(&prog);
    hn_source_free(pt.s);
    if (st != HN_OK) {
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        hn_topk_free(&sel);
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
    setvbuf(of.f, NULL, _IOFBF, 1 << 20);
    st = hn_cands_write(of.f, &sel);
    kept = sel.n;
    hn_topk_free(&sel);
    if (st != HN_OK) {
        hn_outfile_abort(&of);
        rc = hn_cli_fail("score", "%s: write error", out_path);
        goto done;
    }
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) {
        rc = hn_cli_fail_err("score", st, &err);
        goto done;
    }
    hn_log(HN_LOG_INFO, "score: %lld lines scored, %lld above the ceiling, %lld kept", (long long)ps.scored,
           (long long)ps.above_ceiling, (long long)kept);
    if (counts_path) {
        if ((st = hn_outfile_open(&of, counts_path, &err)) != HN_OK) {
            rc = hn_cli_fail_err("score", st, &err);
            goto done;
        }
        fprintf(of.f,
                "{\"scored\":%lld,\"misclassified\":%lld,\"above_ceiling\":%lld,\"known\":%lld,\"excluded\":%lld,"
                "\"kept\":%lld,\"bytes\":%llu}\n",
                (long long)ps.scored, (long long)ps.misclassified, (long long)ps.above_ceiling,
                (long long)ps.dup_exact, (long long)ps.excluded, (long long)kept, (unsigned long long)ps.bytes);
        if ((st = hn_outfile_commit(&of, &err)) != HN_OK) rc = hn_cli_fail_err("score", st, &err);
    }
done:
    hn_hashset_free(&known);
    hn_hashset_free(&excluded);
    hn_clf_scorer_free(cs);
    hn_classifier_free(cl);
    return rc;
}
