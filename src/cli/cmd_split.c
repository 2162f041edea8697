/* cmd_split.c - `hardneg split`: stratified train/valid/test split
 *
 * src/cli. Two streaming passes over the labeled file: the first counts
 * each label, the second sends every line to one output with selection
 * sampling (Knuth's Algorithm S) per label and split: the i-th line of a
 * label goes to a split with probability (still needed there) / (lines of
 * that label still to come). Every label's share in each split is then
 * exactly its rounded target (within one example of the ratio), the
 * choice is uniform, memory is O(labels), and a seed fixes the result.
 * Lines are copied byte for byte (labels and all). Multi-label lines are
 * stratified by their first label.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpora/corpora.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/cli/inopts.h"
#include "src/base/labels.h"
#include "src/base/outfile.h"
#include "src/base/lines.h"
#include "src/base/log.h"
#include "src/base/rng.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg split [options] FILE\n"
            "\n"
            "Stratified split of a labeled file into PREFIX.train.txt, PREFIX.valid.txt and\n"
            "PREFIX.test.txt: every label keeps its share in each part (within one example).\n"
            "\n"
            "  --ratios A,B,C        train,valid,test shares (normalized) [0.8,0.1,0.1]\n"
            "  --seed S              random seed [1]\n"
            "  --prefix P            output prefix [FILE without .txt]\n"
            "  --json                print the parts written (paths and lines) as one JSON object\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n");
    hn_cli_in_help(out, 1);
    fprintf(out, "\nA TSV header row is copied to every part. --format mail is not a line file: split\n"
                 "a folder of messages with the shell (or corpora/spamassassin.sh's way).\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_split(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ratios", required_argument, NULL, 'r'},   {"seed", required_argument, NULL, 's'},
        {"prefix", required_argument, NULL, 'p'},   {"verbose", no_argument, NULL, 'v'},
        {"json", no_argument, NULL, 'j'},
        HN_CLI_IN_LONGOPTS,                         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    double ratio[3] = {0.8, 0.1, 0.1};
    uint64_t seed = 1, rng;
    const char *prefix = NULL, *path;
    char pbuf[4096], *outpath[3] = {NULL, NULL, NULL};
    static const char *const part[3] = {"train", "valid", "test"};
    hn_outfile out[3];
    int opened[3] = {0, 0, 0};
    hn_reader_opts ro;
    hn_reader *r = NULL;
    hn_record rec;
    hn_labels labels;
    int64_t *need = NULL, *left = NULL, written[3] = {0, 0, 0};
    hn_err err;
    hn_status st = HN_OK;
    int c, got, rc = HN_EXIT_OK, k, json = 0;
    hn_lines rd;
    int rd_open = 0, header_done = 0, spool_fd = -1;
    char *spooled = NULL;

    hn_reader_opts_default(&ro);
    ro.need_labels = 1;
    hn_labels_init(&labels);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': {
            char *e1, *e2, *e3;
            ratio[0] = strtod(optarg, &e1);
            if (*e1 != ',') return hn_cli_usage_error("split", "--ratios: expected A,B,C");
            ratio[1] = strtod(e1 + 1, &e2);
            if (*e2 != ',') return hn_cli_usage_error("split", "--ratios: expected A,B,C");
            ratio[2] = strtod(e2 + 1, &e3);
            if (*e3 || !(ratio[0] >= 0 && ratio[1] >= 0 && ratio[2] >= 0) || ratio[0] + ratio[1] + ratio[2] <= 0 ||
                !isfinite(ratio[0] + ratio[1] + ratio[2]))
                return hn_cli_usage_error("split", "--ratios: need three non-negative numbers with a positive sum");
            break;
        }
        case 's':
            if (hn_cli_parse_u64("split", "--seed", optarg, &seed)) return HN_EXIT_USAGE;
            break;
        case 'p': prefix = optarg; break;
        case 'j': json = 1; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("split", argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("split", c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option("split", argv, optind);
        }
    }
    if (argc - optind != 1) return hn_cli_usage_error("split", "expected one FILE (a file: split reads it twice)");
    path = argv[optind];
    if (!strcmp(path, "-") && !prefix)
        return hn_cli_usage_error("split", "standard input has no name to make the parts' names from: give --prefix");
    {
        struct stat sb;
        if (ro.format == HN_FORMAT_AUTO && strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            ro.format = HN_FORMAT_MAIL;
    }
    if (ro.format == HN_FORMAT_MAIL)
        return hn_cli_usage_error("split", "%s: mail (a folder or --format mail): split works on line files, one example a line", path);
    if (!prefix) {
        size_t n = strlen(path);
        if (n >= sizeof pbuf - 16) return hn_cli_usage_error("split", "file name too long");
        strcpy(pbuf, path);
        if (n > 4 && !strcmp(pbuf + n - 4, ".txt")) pbuf[n - 4] = '\0';
        prefix = pbuf;
    }
    for (k = 0; k < 3; k++) {
        size_t n = strlen(prefix) + 16;
        if (!(outpath[k] = malloc(n))) { rc = hn_cli_fail("split", "out of memory"); goto done; }
        snprintf(outpath[k], n, "%s.%s.txt", prefix, part[k]);
    }
    {
        const char *ins[1] = {path}, *outs[3] = {outpath[0], outpath[1], outpath[2]};
        if ((rc = hn_cli_check_files("split", ins, 1, outs, 3)) != 0) goto done;
    }
    /* two passes: standard input is kept in a nameless file */
    if (!strcmp(path, "-")) {
        if ((rc = hn_cli_spool_stdin("split", &spooled, &spool_fd)) != 0) goto done;
        path = spooled;
    }
    /* pass 1: count labels */
    if ((st = hn_reader_open(path, &ro, &r, &err)) != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    while ((st = hn_reader_next(r, &rec, &got, &err)) == HN_OK && got) {
        int32_t id = hn_labels_add(&labels, rec.labels[0]);
        if (id < 0) { st = hn_err_set(&err, HN_ERR_NOMEM, "out of memory"); break; }
        labels.count[id]++;
    }
    hn_reader_free(r);
    r = NULL;
    if (st != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    need = calloc((size_t)labels.n * 3 + 1, sizeof *need);
    left = calloc((size_t)labels.n + 1, sizeof *left);
    if (!need || !left) { rc = hn_cli_fail("split", "out of memory"); goto done; }
    {
        double tot = ratio[0] + ratio[1] + ratio[2];
        int32_t l;
        for (l = 0; l < labels.n; l++) {
            int64_t n = labels.count[l], a = (int64_t)floor(n * ratio[0] / tot + 0.5), b = (int64_t)floor(n * ratio[1] / tot + 0.5);
            if (a > n) a = n;
            if (a + b > n) b = n - a;
            need[l * 3] = a;
            need[l * 3 + 1] = b;
            need[l * 3 + 2] = n - a - b;
            left[l] = n;
        }
    }
    for (k = 0; k < 3; k++) {
        if ((st = hn_outfile_open(&out[k], outpath[k], &err)) != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
        opened[k] = 1;
    }
    /* pass 2: the reader gives the label of each record; the raw lines are
     * read in step so they can be copied byte for byte */
    if ((st = hn_reader_open(path, &ro, &r, &err)) != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    if ((st = hn_lines_open(&rd, path, &err)) != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    rd.max_line = 0; /* lines are copied whole, byte for byte */
    rd_open = 1;
    rng = seed;
    while ((st = hn_reader_next(r, &rec, &got, &err)) == HN_OK && got) {
        int32_t id = hn_labels_find(&labels, rec.labels[0]);
        char *line = NULL;
        size_t len = 0;
        double u;
        int dest = 2;
        while (rd.lineno < rec.lineno) { /* skip lines the reader skipped (empty; a header goes to every part) */
            if ((st = hn_lines_next(&rd, &line, &len, &err)) != HN_OK || !line) break;
            if (rd.lineno < rec.lineno && !header_done && len > 0 && hn_tsv_is_header(line, len)) {
                for (k = 0; k < 3; k++) {
                    fwrite(line, 1, len, out[k].f);
                    fputc('\n', out[k].f);
                }
                header_done = 1;
            }
        }
        if (st != HN_OK || !line) {
            if (st == HN_OK) st = hn_err_set(&err, HN_ERR_IO, "%s: changed while it was being split", path);
            break;
        }
        u = hn_rng_uniform(&rng) * (double)left[id];
        if (u < (double)need[id * 3]) dest = 0;
        else if (u < (double)(need[id * 3] + need[id * 3 + 1])) dest = 1;
        need[id * 3 + dest]--;
        left[id]--;
        fwrite(line, 1, len, out[dest].f);
        fputc('\n', out[dest].f);
        written[dest]++;
    }
    if (st != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    for (k = 0; k < 3; k++) {
        opened[k] = 0;
        if ((st = hn_outfile_commit(&out[k], &err)) != HN_OK) { rc = hn_cli_fail_err("split", st, &err); goto done; }
    }
    hn_log(HN_LOG_INFO, "split: %d labels; wrote %s (%lld), %s (%lld), %s (%lld)", (int)labels.n, outpath[0],
           (long long)written[0], outpath[1], (long long)written[1], outpath[2], (long long)written[2]);
    if (json) {
        printf("{\"labels\":%d,\"parts\":[", (int)labels.n);
        for (k = 0; k < 3; k++) {
            printf("%s{\"part\":\"%s\",\"path\":", k ? "," : "", part[k]);
            hn_json_str(stdout, outpath[k]);
            printf(",\"lines\":%lld}", (long long)written[k]);
        }
        printf("]}\n");
        if (fflush(stdout) != 0 || ferror(stdout)) rc = hn_cli_fail("split", "error writing standard output");
    }
done:
    for (k = 0; k < 3; k++) {
        if (opened[k]) hn_outfile_abort(&out[k]);
        free(outpath[k]);
    }
    if (rd_open) hn_lines_close(&rd);
    hn_reader_free(r);
    hn_labels_free(&labels);
    free(need);
    free(left);
    if (spool_fd >= 0) close(spool_fd);
    free(spooled);
    return rc;
}
