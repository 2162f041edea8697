/* svgplot.h - precision-recall curves as a standalone SVG picture
 *
 * src/eval: libc, libm, status.h and metrics.h (for hn_pr_point). No
 * plotting dependency: we write the SVG ourselves. One picture holds one
 * or several curves (several models, or several rounds of mining), each in
 * its own colour, on fixed axes 0..1 with a grid, ticks every 0.1, the
 * axis titles "Recall" and "Precision", an optional title, and a legend
 * "name (AP 0.8812)". The curves are drawn step-wise, like scikit-learn's
 * PrecisionRecallDisplay: the area under each drawn curve is its average
 * precision. Long curves are thinned to at most four vertices per 0.1 px
 * column without changing what is drawn, so a curve of a million points
 * stays a file of a few hundred kilobytes. Thread-safe (no globals).
 */
#ifndef HN_SVGPLOT_H
#define HN_SVGPLOT_H

#include <stdint.h>
#include <stdio.h>

#include "src/eval/metrics.h"
#include "src/base/status.h"

typedef struct hn_plot_curve {
    const char *name;           /* legend text (UTF-8, escaped for XML here); borrowed */
    const hn_pr_point *points;  /* borrowed; scikit-learn order as hn_binary_compute gives it:
                                   recall falling, ending with (recall 0, precision 1) */
    int64_t n;                  /* number of points; 0 draws nothing but keeps the legend entry */
    int has_ap;                 /* 0: the legend says "AP undefined" */
    double average_precision;
} hn_plot_curve;

/* Write one SVG document with the `ncurves` curves (1 or more; colours
 * repeat after eight, with a dash pattern to tell them apart) to `f`
 * (borrowed, left open). `title` may be NULL. Returns HN_OK, HN_ERR_ARG
 * (no curves, a NULL name, a point outside 0..1), or HN_ERR_IO when the
 * stream reports a write error. */
hn_status hn_svgplot_pr_write(FILE *f, const hn_plot_curve *curves, int32_t ncurves, const char *title,
                              hn_err *err);

#endif /* HN_SVGPLOT_H */
