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

#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/core/container.h"
#include "src/eval/metrics.h"
#include "src/eval/svgplot.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg plot -o FILE.svg [options] TEST MODEL[=NAME]...\n"
            "\n"
            "Score the labeled TEST file with each binary model and draw their\n"
            "precision-recall curves in one SVG picture, with AP in the legend.\n"
            "\n"
            "  -o, --output FILE     the SVG to write (required)\n"
            "  --title T             title above the plot [none]\n"
            "  -q, --quiet / -h, --help\n"
            "\n"
            "exit status: 0 ok, 1 runtime error, 2 usage error\n");
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *title = NULL, *test;
    int c, rc = HN_EXIT_OK, nm, i;
    hn_binary_metrics *bm = NULL;
    hn_plot_curve *curves = NULL;
    char **names = NULL;
    hn_err err;
    hn_status st;
    hn_outfile of;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't': title = optarg; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("plot", argv[optind - 1]);
        default: return hn_cli_unknown_option("plot", argv, optind);
        }
    }
    if (!out) return hn_cli_usage_error("plot", "missing -o FILE.svg");
    if (argc - optind < 2) return hn_cli_usage_error("plot", "expected TEST and at least one MODEL");
    test = argv[optind];
    nm = argc - optind - 1;
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
        size_t pl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (pl >= sizeof path) { rc = hn_cli_usage_error("plot", "model path too long"); goto done; }
        memcpy(path, arg, pl);
        path[pl] = '\0';
        names[i] = strdup(eq ? eq + 1 : arg);
        if (!names[i]) { rc = hn_cli_fail("plot", "out of memory"); goto done; }
        if ((st = hn_classifier_load(path, &cl, &err)) != HN_OK) { rc = hn_cli_fail_err("plot", st, &err); goto done; }
        if (cl->nlabels != 2) {
            hn_classifier_free(cl);
            rc = hn_cli_fail("plot", "%s: PR curves need a binary model", path);
            goto done;
        }
        hn_dataset_init(&v);
        memset(&sc, 0, sizeof sc);
        hn_reader_opts_default(&ro);
        ro.need_labels = 1;
        st = hn_classifier_load_data(cl, test, &ro, HN_UNKNOWN_KEEP, &labels, &v, &ls, &err);
        if (st == HN_OK && !v.n) st = hn_err_set(&err, HN_ERR_FORMAT, "%s: no examples", test);
        if (st == HN_OK && (st = hn_classifier_score_dataset(cl, &v, -1, NULL, &sc, &err)) == HN_OK) {
            for (j = 0; j < sc.n; j++) sc.gold[j] = sc.gold[j] == 1;
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
    return rc;
}
