/* svgplot.c - curves on the unit square as a standalone SVG picture
 *
 * src/eval: libc, libm, status.h, metrics.h. Writes SVG 1.1 that any
 * browser renders: explicit width/height/viewBox, a white background, text
 * with generic "sans-serif", every user string escaped for XML.
 *
 * Geometry: the plot area is PLOT_W x PLOT_H pixels at (LEFT, TOP); recall
 * r maps to x = LEFT + r * PLOT_W, precision p to y = TOP + (1 - p) * PLOT_H.
 *
 * Step drawing: scikit-learn orders the curve by falling recall, points
 * (R_i, P_i). From each point we go horizontally to R_{i+1} at height P_i,
 * then vertically to P_{i+1} ("steps-post"), so recall in (R_{i+1}, R_i]
 * is drawn at P_i: the area under the line is sum (R_i - R_{i+1}) P_i,
 * the average precision.
 *
 * Thinning: coordinates are rounded to 0.1 px. All vertices that fall in
 * one x column form a connected vertical run, so drawing the column as
 * first -> lowest -> highest -> last (or first -> highest -> lowest -> last)
 * covers exactly the same pixels; then a vertex in the middle of a straight
 * axis-parallel run is dropped.
 */
#include "src/eval/svgplot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SVG_W = 720, SVG_H = 540, LEFT = 80, TOP = 50, PLOT_W = 600, PLOT_H = 420 };

static const char *const palette[] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
};
enum { PALETTE_N = sizeof palette / sizeof palette[0] };

/* Length of the valid UTF-8 sequence at s (NUL-terminated), 0 if none. */
static size_t utf8_ok(const unsigned char *s)
{
    unsigned c = s[0], cp;
    size_t len, k;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80) { /* UTF-8 as is; bytes that are not become U+FFFD */
            size_t n = utf8_ok((const unsigned char *)s);
            if (n) {
                fwrite(s, 1, n, f);
                s += n - 1;
            } else {
                fputs("\xEF\xBF\xBD", f);
            }
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            /* XML 1.0 forbids most control characters even as references. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') fputc('?', f);
            else fputc(*s, f);
        }
    }
}

/* Characters (UTF-8 code points) in s, for sizing the legend box. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* ---- path builder with thinning --------------------------------------- */

typedef struct vtx {
    long x, y;  /* tenths of a pixel */
} vtx;

typedef struct path_out {
    FILE *f;
    int have0, have1;  /* p0 written, p1 pending */
    vtx p0, p1;
    int ncol;          /* column accumulator active */
    long cx, yfirst, ymin, ymax, ylast;
} path_out;

static void put_vtx(path_out *p, vtx v)
{
    fprintf(p->f, "%s%.1f %.1f", p->have0 ? " L" : "M", (double)v.x / 10.0, (double)v.y / 10.0);
    p->p0 = v;
    p->have0 = 1;
}

static int between(long a, long b, long c)
{
    return (a <= b && b <= c) || (a >= b && b >= c);
}

/* Add a vertex, dropping repeats and middles of straight axis-parallel runs. */
static void emit(path_out *p, vtx v)
{
    if (p->have1 && v.x == p->p1.x && v.y == p->p1.y) return;
    if (p->have0 && p->have1 &&
        ((p->p0.x == p->p1.x && p->p1.x == v.x && between(p->p0.y, p->p1.y, v.y)) ||
         (p->p0.y == p->p1.y && p->p1.y == v.y && between(p->p0.x, p->p1.x, v.x)))) {
        p->p1 = v;
        return;
    }
    if (p->have1) put_vtx(p, p->p1);
    p->p1 = v;
    p->have1 = 1;
}

static void flush_column(path_out *p)
{
    vtx v;
    if (!p->ncol) return;
    v.x = p->cx;
    v.y = p->yfirst;
    emit(p, v);
    if (p->ylast >= p->yfirst) {
        v.y = p->ymin;
        emit(p, v);
        v.y = p->ymax;
        emit(p, v);
    } else {
        v.y = p->ymax;
        emit(p, v);
        v.y = p->ymin;
        emit(p, v);
    }
    v.y = p->ylast;
    emit(p, v);
    p->ncol = 0;
}

static void add_point(path_out *p, double px, double py)
{
    long x = lround(px * 10.0), y = lround(py * 10.0);
    if (p->ncol && x == p->cx) {
        if (y < p->ymin) p->ymin = y;
        if (y > p->ymax) p->ymax = y;
        p->ylast = y;
        return;
    }
    flush_column(p);
    p->ncol = 1;
    p->cx = x;
    p->yfirst = p->ymin = p->ymax = p->ylast = y;
}

static void path_finish(path_out *p)
{
    flush_column(p);
    if (p->have1) put_vtx(p, p->p1);
}

static double px_of(double recall)
{
    return LEFT + recall * PLOT_W;
}

static double py_of(double precision)
{
    return TOP + (1.0 - precision) * PLOT_H;
}

/* ---- the picture ------------------------------------------------------- */

static double at(const double *base, size_t stride, int64_t j)
{
    return *(const double *)(const void *)((const char *)base + (size_t)j * stride);
}

static int unit(double v)
{
    return v >= 0 && v <= 1;
}

static void dash(FILE *f, int32_t c)
{
    if (c >= PALETTE_N) fputs(" stroke-dasharray=\"6 4\"", f);
}

static void mark_svg(FILE *f, const char *cls, double cx, double cy, int32_t c, int shape)
{
    if (shape == HN_PLOT_MARK_RING)
        fprintf(f, "<circle class=\"%s\" cx=\"%.3f\" cy=\"%.3f\" r=\"5.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"2.5\"/>\n",
                cls, cx, cy, palette[c % PALETTE_N]);
    else
        fprintf(f, "<circle class=\"%s\" cx=\"%.3f\" cy=\"%.3f\" r=\"5.5\" fill=\"%s\" stroke=\"white\" stroke-width=\"1.5\"/>\n",
                cls, cx, cy, palette[c % PALETTE_N]);
}

hn_status hn_svgplot_write(FILE *f, const hn_plot_axes *axes, const hn_plot_series *series, int32_t ns,
                           const hn_plot_mark *marks, int32_t nmarks, hn_err *err)
{
    int32_t c, nleg = 0;
    int i;
    size_t longest = 0;
    double lx, ly, lw, lh;

    if (!f || !axes || !axes->xlabel || !axes->ylabel || !series || ns < 1 || nmarks < 0 || (nmarks > 0 && !marks))
        return hn_err_set(err, HN_ERR_ARG, "a plot needs axis labels and at least one curve");
    for (c = 0; c < ns; c++) {
        const hn_plot_series *sv = &series[c];
        int64_t j;
        size_t len;
        if (!sv->name) return hn_err_set(err, HN_ERR_ARG, "curve %ld has no name", (long)c);
        if (sv->n > 0 && (!sv->x || !sv->y))
            return hn_err_set(err, HN_ERR_ARG, "curve '%s' has no points", sv->name);
        for (j = 0; j < sv->n; j++)
            if (!unit(at(sv->x, sv->stride, j)) || !unit(at(sv->y, sv->stride, j)))
                return hn_err_set(err, HN_ERR_ARG, "curve '%s': point %lld is outside 0..1", sv->name, (long long)j);
        len = utf8_chars(sv->name) + (sv->figure ? utf8_chars(sv->figure) + 3 : 0);
        if (len > longest) longest = len;
        nleg++;
    }
    for (i = 0; i < nmarks; i++) {
        if (marks[i].series < 0 || marks[i].series >= ns || !unit(marks[i].x) || !unit(marks[i].y))
            return hn_err_set(err, HN_ERR_ARG, "mark %d is outside 0..1 or of no curve", i);
        if (marks[i].label) {
            if (utf8_chars(marks[i].label) > longest) longest = utf8_chars(marks[i].label);
            nleg++;
        }
    }

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"sans-serif\" font-size=\"13\">\n"
            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            SVG_W, SVG_H, SVG_W, SVG_H, SVG_W, SVG_H);
    if (axes->title) {
        fprintf(f, "<text x=\"%d\" y=\"30\" text-anchor=\"middle\" font-size=\"16\">", LEFT + PLOT_W / 2);
        xml_text(f, axes->title);
        fputs("</text>\n", f);
    }

    /* Grid and ticks every 0.1, labels every 0.1 too (11 fit easily). */
    fputs("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n", f);
    for (i = 1; i < 10; i++) {
        double v = i / 10.0;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", px_of(v), TOP, px_of(v), TOP + PLOT_H);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LEFT, py_of(v), LEFT + PLOT_W, py_of(v));
    }
    fputs("</g>\n<g stroke=\"#333333\" stroke-width=\"1\">\n", f);
    for (i = 0; i <= 10; i++) {
        double v = i / 10.0;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", px_of(v), TOP + PLOT_H, px_of(v),
                TOP + PLOT_H + 6);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LEFT - 6, py_of(v), LEFT, py_of(v));
    }
    fputs("</g>\n<g fill=\"#333333\">\n", f);
    for (i = 0; i <= 10; i++) {
        double v = i / 10.0;
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n", px_of(v), TOP + PLOT_H + 21, v);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", LEFT - 10, py_of(v) + 4.5, v);
    }
    fprintf(f, "<text class=\"xlabel\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\">", LEFT + PLOT_W / 2,
            TOP + PLOT_H + 48);
    xml_text(f, axes->xlabel);
    fprintf(f,
            "</text>\n<text class=\"ylabel\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" "
            "transform=\"rotate(-90 %d %d)\">",
            LEFT - 50, TOP + PLOT_H / 2, LEFT - 50, TOP + PLOT_H / 2);
    xml_text(f, axes->ylabel);
    fputs("</text>\n</g>\n", f);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>\n", LEFT, TOP,
            PLOT_W, PLOT_H);

    /* Curves: step-wise or straight, thinned per 0.1 px column. */
    fputs("<g fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n", f);
    for (c = 0; c < ns; c++) {
        const hn_plot_series *sv = &series[c];
        path_out p;
        int64_t j;
        if (sv->n <= 0) continue;
        memset(&p, 0, sizeof p);
        p.f = f;
        fprintf(f, "<path class=\"curve\" stroke=\"%s\"", palette[c % PALETTE_N]);
        dash(f, c);
        fputs(" d=\"", f);
        add_point(&p, px_of(at(sv->x, sv->stride, 0)), py_of(at(sv->y, sv->stride, 0)));
        for (j = 0; j + 1 < sv->n; j++) {
            if (sv->steps) add_point(&p, px_of(at(sv->x, sv->stride, j + 1)), py_of(at(sv->y, sv->stride, j)));
            add_point(&p, px_of(at(sv->x, sv->stride, j + 1)), py_of(at(sv->y, sv->stride, j + 1)));
        }
        path_finish(&p);
        fputs("\"/>\n", f);
    }
    fputs("</g>\n", f);
    for (i = 0; i < nmarks; i++) mark_svg(f, "mark", px_of(marks[i].x), py_of(marks[i].y), marks[i].series, marks[i].shape);

    /* Legend, lower left inside the plot, where PR curves rarely go. */
    lw = 52.0 + 6.8 * (double)longest;
    lh = 10.0 + 20.0 * nleg;
    lx = LEFT + 12;
    ly = TOP + PLOT_H - 12 - lh;
    fprintf(f,
            "<g class=\"legend\">\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" "
            "fill-opacity=\"0.9\" stroke=\"#bbbbbb\"/>\n",
            lx, ly, lw, lh);
    nleg = 0;
    for (c = 0; c < ns; c++) {
        double y = ly + 15 + 20.0 * nleg++;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"", lx + 8, y,
                lx + 36, y, palette[c % PALETTE_N]);
        dash(f, c);
        fprintf(f, "/>\n<text x=\"%.1f\" y=\"%.1f\">", lx + 42, y + 4.5);
        xml_text(f, series[c].name);
        if (series[c].figure) {
            fputs(" (", f);
            xml_text(f, series[c].figure);
            fputc(')', f);
        }
        fputs("</text>\n", f);
    }
    for (i = 0; i < nmarks; i++) {
        double y;
        if (!marks[i].label) continue;
        y = ly + 15 + 20.0 * nleg++;
        mark_svg(f, "key", lx + 22, y, marks[i].series, marks[i].shape);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 42, y + 4.5);
        xml_text(f, marks[i].label);
        fputs("</text>\n", f);
    }
    fputs("</g>\n</svg>\n", f);
    if (ferror(f)) return hn_err_set(err, HN_ERR_IO, "write error while writing the plot");
    return HN_OK;
}

hn_status hn_svgplot_pr_write(FILE *f, const hn_plot_curve *curves, int32_t ncurves, const char *title,
                              hn_err *err)
{
    hn_plot_axes axes;
    hn_plot_series *sv;
    char (*fig)[32];
    hn_status st;
    int32_t c;
    if (!f || !curves || ncurves < 1) return hn_err_set(err, HN_ERR_ARG, "a plot needs at least one curve");
    sv = calloc((size_t)ncurves, sizeof *sv);
    fig = calloc((size_t)ncurves, sizeof *fig);
    if (!sv || !fig) {
        free(sv);
        free(fig);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    for (c = 0; c < ncurves; c++) {
        if (curves[c].has_ap) snprintf(fig[c], sizeof fig[c], "AP %.4f", curves[c].average_precision);
        else snprintf(fig[c], sizeof fig[c], "AP undefined");
        sv[c].name = curves[c].name;
        sv[c].figure = fig[c];
        sv[c].n = curves[c].n;
        sv[c].steps = 1;
        sv[c].stride = sizeof(hn_pr_point);
        if (curves[c].points) {
            sv[c].x = &curves[c].points[0].recall;
            sv[c].y = &curves[c].points[0].precision;
        }
    }
    axes.title = title;
    axes.xlabel = "Recall";
    axes.ylabel = "Precision";
    st = hn_svgplot_write(f, &axes, sv, ncurves, NULL, 0, err);
    free(sv);
    free(fig);
    return st;
}
