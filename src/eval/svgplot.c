/* svgplot.c - precision-recall curves as a standalone SVG picture
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

hn_status hn_svgplot_pr_write(FILE *f, const hn_plot_curve *curves, int32_t ncurves, const char *title,
                              hn_err *err)
{
    int32_t c;
    int i;
    size_t longest = 0;
    double lx, ly, lw, lh;

    if (!f || !curves || ncurves < 1) return hn_err_set(err, HN_ERR_ARG, "a plot needs at least one curve");
    for (c = 0; c < ncurves; c++) {
        int64_t j;
        char ap[48];
        if (!curves[c].name) return hn_err_set(err, HN_ERR_ARG, "curve %ld has no name", (long)c);
        if (curves[c].n > 0 && !curves[c].points)
            return hn_err_set(err, HN_ERR_ARG, "curve '%s' has no points", curves[c].name);
        for (j = 0; j < curves[c].n; j++) {
            double r = curves[c].points[j].recall, p = curves[c].points[j].precision;
            if (!(r >= 0 && r <= 1 && p >= 0 && p <= 1))
                return hn_err_set(err, HN_ERR_ARG, "curve '%s': point %lld is outside 0..1", curves[c].name,
                                  (long long)j);
        }
        snprintf(ap, sizeof ap, curves[c].has_ap ? " (AP %.4f)" : " (AP undefined)", curves[c].average_precision);
        if (utf8_chars(curves[c].name) + strlen(ap) > longest) longest = utf8_chars(curves[c].name) + strlen(ap);
    }

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"sans-serif\" font-size=\"13\">\n"
            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            SVG_W, SVG_H, SVG_W, SVG_H, SVG_W, SVG_H);
    if (title) {
        fprintf(f, "<text x=\"%d\" y=\"30\" text-anchor=\"middle\" font-size=\"16\">", LEFT + PLOT_W / 2);
        xml_text(f, title);
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
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\">Recall</text>\n", LEFT + PLOT_W / 2,
            TOP + PLOT_H + 48);
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" "
            "transform=\"rotate(-90 %d %d)\">Precision</text>\n",
            LEFT - 50, TOP + PLOT_H / 2, LEFT - 50, TOP + PLOT_H / 2);
    fputs("</g>\n", f);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>\n", LEFT, TOP,
            PLOT_W, PLOT_H);

    /* Curves, step-wise. */
    fputs("<g fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n", f);
    for (c = 0; c < ncurves; c++) {
        const hn_plot_curve *cv = &curves[c];
        path_out p;
        int64_t j;
        if (cv->n <= 0) continue;
        memset(&p, 0, sizeof p);
        p.f = f;
        fprintf(f, "<path stroke=\"%s\"%s d=\"", palette[c % PALETTE_N],
                c >= PALETTE_N ? " stroke-dasharray=\"6 4\"" : "");
        add_point(&p, px_of(cv->points[0].recall), py_of(cv->points[0].precision));
        for (j = 0; j + 1 < cv->n; j++) {
            add_point(&p, px_of(cv->points[j + 1].recall), py_of(cv->points[j].precision));
            add_point(&p, px_of(cv->points[j + 1].recall), py_of(cv->points[j + 1].precision));
        }
        path_finish(&p);
        fputs("\"/>\n", f);
    }
    fputs("</g>\n", f);

    /* Legend, lower left inside the plot, where PR curves rarely go. */
    lw = 52.0 + 6.8 * (double)longest;
    lh = 10.0 + 20.0 * ncurves;
    lx = LEFT + 12;
    ly = TOP + PLOT_H - 12 - lh;
    fprintf(f,
            "<g>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" fill-opacity=\"0.9\" "
            "stroke=\"#bbbbbb\"/>\n",
            lx, ly, lw, lh);
    for (c = 0; c < ncurves; c++) {
        double y = ly + 15 + 20.0 * c;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                lx + 8, y, lx + 36, y, palette[c % PALETTE_N], c >= PALETTE_N ? " stroke-dasharray=\"6 4\"" : "");
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 42, y + 4.5);
        xml_text(f, curves[c].name);
        if (curves[c].has_ap) fprintf(f, " (AP %.4f)", curves[c].average_precision);
        else fputs(" (AP undefined)", f);
        fputs("</text>\n", f);
    }
    fputs("</g>\n</svg>\n", f);
    if (ferror(f)) return hn_err_set(err, HN_ERR_IO, "write error while writing the plot");
    return HN_OK;
}
