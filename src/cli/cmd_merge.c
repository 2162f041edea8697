/* cmd_merge.c - `hardneg merge`: the reduce step of mining across machines
 *
 * src/cli. Shard outputs of `hardneg score` in (standard input when none
 * is named), the global top-K out, exactly the selection one process
 * makes over the whole pool (mining.h explains why).
 */
#include <getopt.h>
#include <stdio.h>

#include "mining/mining.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"

static void help(FILE *out)
{
    fprintf(out, "usage: hardneg merge [options] [SHARD...|-]\n\n"
                 "Combine 'hardneg score' outputs into the K best candidates overall, exactly as\n"
                 "one 'score' over the whole pool would select them. Output: score<TAB>line.\n"
                 "Reads standard input when no SHARD is given.\n"
                 "\n"
                 "  --top K               candidates to keep (as score and mine) [1000]\n"
                 "  -o, --output FILE     write here [standard output]\n"
                 "  -q, --quiet / -v, --verbose / -h, --help\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, 'k'},   {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},       {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    static const char *stdin_path[1] = {"-"};
    long top = 1000;
    int c, n, rc, i;
    const char *out_path = "-";
    const char *const *paths;
    hn_topk sel;
    hn_outfile of;
    hn_err err;
    hn_status st;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (hn_cli_parse_long("merge", "--top", optarg, 1, 100000000, &top)) return HN_EXIT_USAGE;
            break;
        case 'o': out_path = optarg; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("merge", argv[optind - 1]);
        default: return hn_cli_unknown_option("merge", argv, optind);
        }
    }
    n = argc - optind;
    paths = n > 0 ? (const char *const *)argv + optind : stdin_path;
    if (n <= 0) n = 1;
    {
        const char *outs[1] = {out_path};
        for (i = 0; i < n; i++) {
            const char *ins[1] = {paths[i]};
            if ((rc = hn_cli_check_files("merge", ins, 1, outs, 1)) != 0) return rc;
        }
    }
    if ((st = hn_merge_shards(paths, n, top, &sel, &err)) != HN_OK) return hn_cli_fail_err("merge", st, &err);
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        hn_topk_free(&sel);
        return hn_cli_fail_err("merge", st, &err);
    }
    setvbuf(of.f, NULL, _IOFBF, 1 << 20);
    st = hn_cands_write(of.f, &sel);
    hn_topk_free(&sel);
    if (st != HN_OK) {
        hn_outfile_abort(&of);
        return hn_cli_fail("merge", "%s: write error", out_path);
    }
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) return hn_cli_fail_err("merge", st, &err);
    return HN_EXIT_OK;
}
