/* cmd_plot.c - `hardneg plot`: PR curves of several binary models (or
 * mining rounds) on one test file, in one SVG picture
 *
 * src/cli. Each model scores TEST with its own tokenizer
 * (hn_classifier_score_dataset); the curves and their average precision
 * come from src/eval/metrics.c, the picture from src/eval/svgplot.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/core/container.h"
#include "src/eval/metrics.h"
#include "src/eval/svgplot.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg plot [options] -o FILE.svg TEST MODEL[=NAME]...\n"
            "\n"
            "Score the labeled TEST file with each binary model and draw their\n"
            "precision-recall curves in one SVG picture, with AP in the legend.\n"
            "\n"
            "  -o, --output FILE     the SVG to write [standard output]\n"
            "  --title T             title above the plot [none]\n"
            "  --positive LABEL      the class against the rest (multi-class models; binary:\n"
            "                        their positive class)\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n");
    hn_cli_in_help(out, 1);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"positive", required_argument, NULL, 'p'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        HN_CLI_IN_LONGOPTS,                       {NULL, 0, NULL, 0},
    };
    const char *out = "-", *title = NULL, *test, *positive = NULL;
    hn_reader_opts ro_in;
    int c, rc = HN_EXIT_OK, nm, i;
    hn_binary_metrics *bm = NULL;
    hn_plot_curve *curves = NULL;
    char **names = NULL, *spooled = NULL;
    int spool_fd = -1;
    hn_err err;
    hn_status st;
    hn_outfile of;
    hn_reader_opts_default(&ro_in);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't': title = optarg; break;
        case 'p': positive = optarg; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("plot", argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option("plot", c, optarg, &ro_in)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option("plot", argv, optind);
        }
    }
    if (argc - optind < 2) return hn_cli_usage_error("plot", "expected TEST and at least one MODEL");
    test = argv[optind];
    nm = argc - optind - 1;
    {
        const char *ins[1] = {test}, *outs[1] = {out};
        if ((rc = hn_cli_check_files("plot", ins, 1, outs, 1)) != 0) return rc;
    }
    /* every model reads TEST: standard input is kept in a nameless file */
    if (!strcmp(test, "-") && nm > 1) {
        if ((rc = hn_cli_spool_stdin("plot", &spooled, &spool_fd)) != 0) return rc;
        test = spooled;
    }
    bm = calloc((size_t)nm, sizeof *bm);
    curves = calloc((size_t)nm, sizeof *curves);
    names = calloc((size_t)nm, sizeof *names);
    if (!bm || !curves || !names) { rc = hn_cli_fail("plot", "out of memory"); goto done; }
    for (i = 0; i < nm; i++) {
        char *arg = argv[optind + 1 + i], *eq = strchr(arg, '=');
        char path[4096];
        hn_classifier *cl = NULL;
        hn_labels labels;
        hn_dataset v;
        hn_load_stats ls;
        hn_reader_opts ro;
        hn_scores sc;
        int64_t j;
        int32_t pos_id;
        size_t pl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (pl >= sizeof path) { rc = hn_cli_usage_error("plot", "model path too long"); goto done; }
        memcpy(path, arg, pl);
        path[pl] = '\0';
        names[i] = strdup(eq ? eq + 1 : arg);
        if (!names[i]) { rc = hn_cli_fail("plot", "out of memory"); goto done; }
        if ((st = hn_classifier_load(path, &cl, &err)) != HN_OK) { rc = hn_cli_fail_err("plot", st, &err); goto done; }
        pos_id = -1;
        if (positive && (pos_id = hn_classifier_label_id(cl, positive)) < 0) {
            hn_classifier_free(cl);
            rc = hn_cli_fail("plot", "%s: --positive: the model has no label '%s'", path, positive);
            goto done;
        }
        if (cl->nlabels != 2 && pos_id < 0) {
            hn_classifier_free(cl);
            rc = hn_cli_fail("plot", "%s: a multi-class model: name the class to plot against the rest with --positive LABEL",
                             path);
            goto done;
        }
        hn_dataset_init(&v);
        memset(&sc, 0, sizeof sc);
        ro = ro_in;
        ro.need_labels = 1;
        st = hn_classifier_load_data(cl, test, &ro, HN_UNKNOWN_KEEP, &labels, &v, &ls, &err);
        if (st == HN_OK && !v.n) st = hn_err_set(&err, HN_ERR_FORMAT, "%s: no examples", test);
        if (st == HN_OK && (st = hn_classifier_score_dataset(cl, &v, pos_id, -1, NULL, &sc, &err)) == HN_OK) {
            int32_t want = pos_id >= 0 ? pos_id : 1;
            for (j = 0; j < sc.n; j++) sc.gold[j] = sc.gold[j] == want;
            st = hn_binary_compute(sc.gold, sc.score, sc.n, cl->threshold, &bm[i], &err);
        }
        hn_scores_free(&sc);
        hn_labels_free(&labels);
        hn_dataset_free(&v);
        hn_classifier_free(cl);
        if (st != HN_OK) { rc = hn_cli_fail_err("plot", st, &err); goto done; }
        curves[i].name = names[i];
        curves[i].points = bm[i].curve;
        curves[i].n = bm[i].curve_len;
        curves[i].has_ap = bm[i].has_average_precision;
        curves[i].average_precision = bm[i].average_precision;
    }
    if ((st = hn_outfile_open(&of, out, &err)) != HN_OK) { rc = hn_cli_fail_err("plot", st, &err); goto done; }
    st = hn_svgplot_pr_write(of.f, curves, nm, title, &err);
    if (st != HN_OK) {
        hn_outfile_abort(&of);
        rc = hn_cli_fail_err("plot", st, &err);
        goto done;
    }
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) rc = hn_cli_fail_err("plot", st, &err);
done:
    if (bm)
        for (i = 0; i < nm; i++) hn_binary_free(&bm[i]);
    if (names)
        for (i = 0; i < nm; i++) free(names[i]);
    free(bm);
    free(curves);
    free(names);
    if (spool_fd >= 0) close(spool_fd);
    free(spooled);
    return rc;
}
