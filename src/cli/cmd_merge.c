/* cmd_merge.c - `hardneg merge`: the reduce step of mining across machines
 *
 * src/cli. Shard outputs of `hardneg score` in, the global top-K out,
 * exactly the selection one process makes over the whole pool (mining.h
 * explains why).
 */
#include <getopt.h>
#include <stdio.h>

#include "mining/mining.h"
#include "src/cli/cli.h"

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long top = 1000;
    int c;
    hn_topk sel;
    hn_err err;
    hn_status st;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (hn_cli_parse_long("merge", "--top", optarg, 1, 100000000, &top)) return HN_EXIT_USAGE;
            break;
        case 'h':
            printf("usage: hardneg merge [--top K] SHARD...\n\n"
                   "Combine 'hardneg score' outputs into the K best candidates overall, exactly as\n"
                   "one 'score' over the whole pool would select them. Output: score<TAB>line.\n"
                   "\n  --top K    candidates to keep [1000]\n\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
            return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("merge", argv[optind - 1]);
        default: return hn_cli_unknown_option("merge", argv, optind);
        }
    }
    if (optind >= argc) return hn_cli_usage_error("merge", "expected one or more shard files");
    if ((st = hn_merge_shards((const char *const *)argv + optind, argc - optind, top, &sel, &err)) != HN_OK)
        return hn_cli_fail_err("merge", st, &err);
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    st = hn_cands_write(stdout, &sel);
    hn_topk_free(&sel);
    if (st != HN_OK || fflush(stdout) != 0) return hn_cli_fail("merge", "error writing standard output");
    return HN_EXIT_OK;
}
