/* svgplot.h - curves on the unit square as a standalone SVG picture:
 * precision-recall curves (hn_svgplot_pr_write), and any other curves with
 * marked points (hn_svgplot_write), such as in-scope accuracy against
 * out-of-scope recall (threshold.h's hn_reject_curve)
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
 * hn_svgplot_write draws any curves with the same axes, colours, thinning
 * and legend; hn_svgplot_pr_write is it with step-wise PR curves.
 */
#ifndef HN_SVGPLOT_H
#define HN_SVGPLOT_H

#include <stddef.h>
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

/* ---- any curves on the unit square --------------------------------------- */

enum { HN_PLOT_MARK_DOT, HN_PLOT_MARK_RING, HN_PLOT_MARK_SHAPE_COUNT };

/* A curve: point j is (x, y) read at byte offset j * stride from `x` and
 * from `y`, so the fields of an array of structs can be drawn in place. */
typedef struct hn_plot_series {
    const char *name;     /* legend text (UTF-8, escaped here); borrowed */
    const double *x, *y;  /* borrowed; both in 0..1 */
    size_t stride;        /* bytes from one point to the next */
    int64_t n;            /* points; 0 draws nothing but keeps the legend entry */
    int steps;            /* 1: across to the next x at this y, then to the next y (steps-post);
                             0: straight segments between the points */
    const char *figure;   /* legend text after the name, in parentheses, or NULL; borrowed */
} hn_plot_series;

/* A marked operating point, drawn over the curves in its series' colour. */
typedef struct hn_plot_mark {
    double x, y;          /* in 0..1 */
    int32_t series;       /* whose colour */
    int shape;            /* HN_PLOT_MARK_DOT (filled) or HN_PLOT_MARK_RING (hollow) */
    const char *label;    /* its own legend entry, or NULL for none; borrowed */
} hn_plot_mark;

typedef struct hn_plot_axes {
    const char *title;    /* above the plot, or NULL; borrowed */
    const char *xlabel, *ylabel;
} hn_plot_axes;

/* Write one SVG document: axes 0..1 with a grid and ticks every 0.1, the
 * `ns` series (1 or more; colours repeat after eight, dashed), the
 * `nmarks` marks (circles, centre cx/cy to 0.001 px), a legend of the
 * series and the labelled marks in the lower left. Elements: each series
 * a <path class="curve">, each mark a <circle class="mark"> (its legend
 * symbol a <circle class="key">). Returns HN_OK,
 * HN_ERR_ARG (no series, a NULL name or axis label, a point outside 0..1, a
 * mark of no series) or HN_ERR_IO (a write error on `f`). */
hn_status hn_svgplot_write(FILE *f, const hn_plot_axes *axes, const hn_plot_series *series, int32_t ns,
                           const hn_plot_mark *marks, int32_t nmarks, hn_err *err);

/* ---- precision-recall curves --------------------------------------------- */

/* Write one SVG document with the `ncurves` curves (1 or more; colours
 * repeat after eight, with a dash pattern to tell them apart) to `f`
 * (borrowed, left open). `title` may be NULL. Returns HN_OK, HN_ERR_ARG
 * (no curves, a NULL name, a point outside 0..1), or HN_ERR_IO when the
 * stream reports a write error. */
hn_status hn_svgplot_pr_write(FILE *f, const hn_plot_curve *curves, int32_t ncurves, const char *title,
                              hn_err *err);

#endif /* HN_SVGPLOT_H */
