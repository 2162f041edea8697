/* container.c - the .hn model file: write and read a classifier
 *
 * src/core. The layout (container.h) is sections of known length and a
 * checksum trailer; the file is written through src/base's atomic writer,
 * so a crash or a full disk never leaves a half-written model and never
 * clobbers an existing one.
 */
#define _GNU_SOURCE /* fopencookie */
#define XXH_INLINE_ALL
#include "src/core/container.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "src/base/outfile.h"
#include "src/core/ngrams.h"

/* The file is written once, front to back, through a stream that also
 * feeds the checksum: the model section goes straight from the weights
 * to the file (its length is known beforehand, hn_model_write_size), so
 * saving needs no second copy of the model in memory. */
typedef struct hashing {
    FILE *out;
    XXH64_state_t *h;
    uint64_t written;
} hashing;

static ssize_t hashing_write(void *cookie, const char *buf, size_t n)
{
    hashing *hs = cookie;
    size_t w = fwrite(buf, 1, n, hs->out);
    XXH64_update(hs->h, buf, w);
    hs->written += w;
    return w == n ? (ssize_t)n : -1;
}

static void put_section(FILE *f, const char *name, const char *data, size_t len)
{
    fprintf(f, "section %s %zu\n", name, len);
    fwrite(data, 1, len, f);
}

/* A note as one line: control bytes (a newline would start a new key)
 * become spaces. */
/* "key value" with line breaks made spaces: one line, as every meta key */
static void put_words(FILE *g, const char *key, const char *v)
{
    if (!v) return;
    fprintf(g, "%s ", key);
    for (; *v; v++) fputc(*v == '\n' || *v == '\r' ? ' ' : *v, g);
    fputc('\n', g);
}

static void one_line(char *dst, size_t cap, const char *src)
{
    size_t i;
    snprintf(dst, cap, "%s", src[0] ? src : "default");
    for (i = 0; dst[i]; i++)
        if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f) dst[i] = ' ';
}

/* The small sections (tokenizer, labels, meta) as text. */
static hn_status small_sections(const hn_classifier *c, char **tok, size_t *toklen, char **lab, size_t *lablen,
                                char **meta, size_t *metalen, hn_err *err)
{
    FILE *g;
    int32_t i;
    const hn_train_opts *o = &c->train_opts;
    char note[sizeof c->threshold_note];
    one_line(note, sizeof note, c->threshold_note);
    for (i = 0; i < c->nlabels; i++) { /* one label a line: a label may not hold a line break */
        const char *q;
        for (q = c->labels[i]; *q; q++)
            if (*q == '\n' || *q == '\r')
                return hn_err_set(err, HN_ERR_FORMAT, "label %d holds a line break: it cannot be stored", (int)i);
    }
    if (hn_tok_opts_save(&c->tok_opts, tok, toklen) != HN_OK) goto nomem;
    if (!(g = open_memstream(lab, lablen))) goto nomem;
    for (i = 0; i < c->nlabels; i++) fprintf(g, "%s\n", c->labels[i]);
    if (fclose(g) != 0) goto nomem;
    if (!(g = open_memstream(meta, metalen))) goto nomem;
    fprintf(g,
            "threshold %.17g\nreject_label %d\nthreshold_note %s\ntrain_examples %lld\n"
            "epochs %d\nlr %.17g\nl2 %.17g\nl1 %.17g\noptim %s\nloss %s\nfocal_gamma %.17g\nfocal_alpha %.17g\n"
            "seed %llu\nthreads %d\nmodel %s\ndropout %.17g\n",
            c->threshold, (int)c->reject_label, note, (long long)c->train_examples, (int)o->epochs, o->lr, o->l2, o->l1,
            hn_optim_name(o->optim), hn_loss_name(o->loss), o->focal_gamma, o->focal_alpha,
            (unsigned long long)o->seed, (int)o->threads, hn_model_kind_name(o->model), o->dropout);
    if (c->best_epoch > 0) fprintf(g, "best_epoch %d\n", (int)c->best_epoch);
    put_words(g, "command", c->command);
    put_words(g, "options", c->options);
    if (o->solver != HN_SOLVER_SGD) /* written only when not the default, so older files stay byte for byte */
        fprintf(g, "solver %s\nC %.17g\ntol %.17g\nmax_passes %d\nbias_feature %.17g\n", hn_solver_name(o->solver),
                o->C, o->tol, (int)o->max_passes, o->bias_feature);
    if (hn_calib_active(&c->calib)) { /* only when calibrated: other files stay byte for byte */
        const hn_calib *k = &c->calib;
        fprintf(g, "calibration %s\n", hn_calib_method_name(k->method));
        if (k->method == HN_CALIB_METHOD_TEMPERATURE) fprintf(g, "calibration_temperature %.17g\n", k->temperature);
        if (k->method == HN_CALIB_METHOD_PLATT) fprintf(g, "calibration_platt %.17g %.17g\n", k->platt_a, k->platt_b);
        if (k->method == HN_CALIB_METHOD_ISOTONIC) {
            fprintf(g, "calibration_isotonic %d", (int)k->iso_n);
            for (i = 0; i < k->iso_n; i++) fprintf(g, " %.17g %.17g", k->iso_x[i], k->iso_y[i]);
            fputc('\n', g);
        }
        if (k->nprior > 0) {
            fprintf(g, "calibration_prior_shift %d", (int)k->nprior);
            for (i = 0; i < k->nprior; i++) fprintf(g, " %.17g", k->prior_shift[i]);
            fputc('\n', g);
        }
        put_words(g, "calibration_note", k->note);
    }
    if (fclose(g) != 0) goto nomem;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory writing the model");
}

hn_status hn_classifier_save(const hn_classifier *c, const char *path, hn_err *err)
{
    char *tok = NULL, *lab = NULL, *meta = NULL, *ng = NULL;
    size_t toklen = 0, lablen = 0, metalen = 0, nglen = 0;
    uint64_t mbytes = 0, before;
    hn_outfile o;
    hashing hs;
    FILE *f = NULL;
    cookie_io_functions_t io = {NULL, hashing_write, NULL, NULL};
    hn_status st;
    int opened = 0;
    memset(&hs, 0, sizeof hs);
    if ((st = small_sections(c, &tok, &toklen, &lab, &lablen, &meta, &metalen, err)) != HN_OK) goto done;
    if (c->ngrams) { /* the optional n-gram table (train --keep-ngrams) */
        FILE *g = open_memstream(&ng, &nglen);
        if (!g || hn_ngram_table_write(c->ngrams, g, err) != HN_OK || fclose(g) != 0) {
            st = hn_err_set(err, HN_ERR_NOMEM, "out of memory writing the n-gram table");
            goto done;
        }
    }
    if (hn_model_write_size(c->model, &mbytes) != HN_OK) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory writing the model");
        goto done;
    }
    if ((st = hn_outfile_open(&o, path, err)) != HN_OK) goto done;
    opened = 1;
    hs.out = o.f;
    if (!(hs.h = XXH64_createState()) || XXH64_reset(hs.h, 0) == XXH_ERROR || !(f = fopencookie(&hs, "w", io))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory writing the model");
        goto done;
    }
    fprintf(f, "HNMODEL %d\n", HN_MODEL_FORMAT_VERSION);
    put_section(f, "tokenizer", tok, toklen);
    put_section(f, "labels", lab, lablen);
    put_section(f, "meta", meta, metalen);
    fprintf(f, "section model %llu\n", (unsigned long long)mbytes);
    if (fflush(f) != 0) {
        st = hn_err_set(err, HN_ERR_IO, "%s: write error", path);
        goto done;
    }
    before = hs.written;
    if ((st = hn_model_write(c->model, f, err)) != HN_OK) goto done;
    if (fflush(f) != 0 || ferror(f)) {
        st = hn_err_set(err, HN_ERR_IO, "%s: write error", path);
        goto done;
    }
    if (hs.written - before != mbytes) {
        st = hn_err_set(err, HN_ERR_IO, "%s: the model section came out %llu bytes, not %llu", path,
                        (unsigned long long)(hs.written - before), (unsigned long long)mbytes);
        goto done;
    }
    if (ng) {
        put_section(f, "ngrams", ng, nglen);
        if (fflush(f) != 0 || ferror(f)) {
            st = hn_err_set(err, HN_ERR_IO, "%s: write error", path);
            goto done;
        }
    }
    fclose(f);
    f = NULL;
    fprintf(o.f, "end %016llx\n", (unsigned long long)XXH64_digest(hs.h));
    opened = 0;
    st = hn_outfile_commit(&o, err);
done:
    if (f) fclose(f);
    if (opened) hn_outfile_abort(&o);
    if (hs.h) XXH64_freeState(hs.h);
    free(tok);
    free(lab);
    free(meta);
    free(ng);
    return st;
}

static hn_status read_all(const char *path, unsigned char **out, size_t *len, hn_err *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    for (;;) {
        size_t r;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 1 << 16;
            unsigned char *b = realloc(buf, nc + 1);
            if (!b) {
                free(buf);
                if (f != stdin) fclose(f);
                return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = b;
            cap = nc;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    if (ferror(f)) {
        free(buf);
        if (f != stdin) fclose(f);
        return hn_err_set(err, HN_ERR_IO, "%s: read error", path);
    }
    if (f != stdin) fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return HN_OK;
}

/* Find "section NAME LEN\n" at *pos; set data/len and advance. */
static hn_status next_section(const char *path, const unsigned char *buf, size_t end, size_t *pos, const char *name,
                              const unsigned char **data, size_t *dlen, hn_err *err)
{
    char want[64];
    size_t wl, p = *pos, v = 0;
    int digits = 0;
    snprintf(want, sizeof want, "section %s ", name);
    wl = strlen(want);
    if (end - p < wl || memcmp(buf + p, want, wl) != 0)
        return hn_err_set(err, HN_ERR_FORMAT, "%s: missing %s section", path, name);
    p += wl;
    while (p < end && buf[p] >= '0' && buf[p] <= '9' && digits < 19) {
        v = v * 10 + (size_t)(buf[p] - '0');
        p++;
        digits++;
    }
    if (!digits || p >= end || buf[p] != '\n' || v > end - p - 1)
        return hn_err_set(err, HN_ERR_FORMAT, "%s: bad %s section length", path, name);
    p++;
    *data = buf + p;
    *dlen = v;
    *pos = p + v;
    return HN_OK;
}

/* The calibration keys of the meta section (written only by a calibrated
 * model). A bad value is an error: wrong probabilities must not pass
 * silently. */
static hn_status parse_calibration(const char *path, const char *key, char *val, hn_classifier *c, hn_err *err)
{
    hn_calib *k = &c->calib;
    char *e;
    long n, i;
    if (!strcmp(key, "calibration")) {
        if (hn_calib_method_parse(val, &k->method) != HN_OK) goto bad;
        if (k->method == HN_CALIB_METHOD_PLATT && c->nlabels != 2) goto bad;
        if (k->method == HN_CALIB_METHOD_ISOTONIC && c->nlabels != 2) goto bad;
    } else if (!strcmp(key, "calibration_temperature")) {
        k->temperature = strtod(val, &e);
        if (e == val || !(k->temperature > 0 && k->temperature < 1e300)) goto bad;
    } else if (!strcmp(key, "calibration_platt")) {
        k->platt_a = strtod(val, &e);
        k->platt_b = strtod(e, &e);
        if (!isfinite(k->platt_a) || !isfinite(k->platt_b)) goto bad;
    } else if (!strcmp(key, "calibration_isotonic") || !strcmp(key, "calibration_prior_shift")) {
        int iso = key[12] == 'i';
        double *x = NULL, *y = NULL;
        n = strtol(val, &e, 10);
        if (e == val || n < 1 || n > 100000000 || (!iso && n != c->nlabels)) goto bad;
        x = malloc((size_t)n * sizeof *x);
        y = iso ? malloc((size_t)n * sizeof *y) : NULL;
        if (!x || (iso && !y)) {
            free(x);
            free(y);
            return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
        }
        for (i = 0; i < n; i++) {
            char *q;
            x[i] = strtod(e, &q);
            if (q == e || !isfinite(x[i]) || (iso && i > 0 && !(x[i] > x[i - 1]))) break;
            e = q;
            if (iso) {
                y[i] = strtod(e, &q);
                if (q == e || !(y[i] >= 0 && y[i] <= 1)) break;
                e = q;
            }
        }
        if (i < n) {
            free(x);
            free(y);
            goto bad;
        }
        if (iso) {
            free(k->iso_x);
            free(k->iso_y);
            k->iso_x = x;
            k->iso_y = y;
            k->iso_n = (int32_t)n;
        } else {
            free(k->prior_shift);
            k->prior_shift = x;
            k->nprior = (int32_t)n;
        }
    } else if (!strcmp(key, "calibration_note")) {
        snprintf(k->note, sizeof k->note, "%s", val);
    }
    return HN_OK;
bad:
    return hn_err_set(err, HN_ERR_FORMAT, "%s: meta section: bad %s value", path, key);
}

static hn_status parse_meta(const char *path, const unsigned char *d, size_t len, hn_classifier *c, hn_err *err)
{
    char *s = malloc(len + 1), *line, *save = NULL;
    hn_train_opts *o = &c->train_opts;
    if (!s) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    memcpy(s, d, len);
    s[len] = '\0';
    for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' '), *val;
        if (!sp) continue;
        *sp = '\0';
        val = sp + 1;
        if (!strcmp(line, "threshold")) c->threshold = strtod(val, NULL);
        else if (!strcmp(line, "reject_label")) {
            long v = strtol(val, NULL, 10); /* range-checked before the cast: no wrap-around */
            c->reject_label = (v < -1 || v >= c->nlabels) ? -2 : (int32_t)v;
        }
        else if (!strcmp(line, "threshold_note")) snprintf(c->threshold_note, sizeof c->threshold_note, "%s", val);
        else if (!strcmp(line, "train_examples")) c->train_examples = strtoll(val, NULL, 10);
        else if (!strcmp(line, "epochs")) o->epochs = (int32_t)strtol(val, NULL, 10);
        else if (!strcmp(line, "lr")) o->lr = strtod(val, NULL);
        else if (!strcmp(line, "l2")) o->l2 = strtod(val, NULL);
        else if (!strcmp(line, "l1")) o->l1 = strtod(val, NULL);
        else if (!strcmp(line, "optim")) hn_optim_parse(val, &o->optim);
        else if (!strcmp(line, "loss")) hn_loss_parse(val, &o->loss);
        else if (!strcmp(line, "focal_gamma")) o->focal_gamma = strtod(val, NULL);
        else if (!strcmp(line, "focal_alpha")) o->focal_alpha = strtod(val, NULL);
        else if (!strcmp(line, "seed")) o->seed = strtoull(val, NULL, 10);
        else if (!strcmp(line, "threads")) o->threads = (int32_t)strtol(val, NULL, 10);
        else if (!strcmp(line, "model")) hn_model_kind_parse(val, &o->model);
        else if (!strcmp(line, "dropout")) o->dropout = strtod(val, NULL);
        else if (!strcmp(line, "solver")) hn_solver_parse(val, &o->solver);
        else if (!strcmp(line, "best_epoch")) c->best_epoch = (int32_t)strtol(val, NULL, 10);
        else if (!strcmp(line, "command") || !strcmp(line, "options")) {
            char **dst = line[0] == 'c' ? &c->command : &c->options;
            free(*dst);
            if (!(*dst = strdup(val))) return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
        }
        else if (!strcmp(line, "C")) o->C = strtod(val, NULL);
        else if (!strcmp(line, "tol")) o->tol = strtod(val, NULL);
        else if (!strcmp(line, "max_passes")) o->max_passes = (int32_t)strtol(val, NULL, 10);
        else if (!strcmp(line, "bias_feature")) o->bias_feature = strtod(val, NULL);
        else if (!strncmp(line, "calibration", 11)) {
            hn_status cst = parse_calibration(path, line, val, c, err);
            if (cst != HN_OK) {
                free(s);
                return cst;
            }
        }
        /* unknown meta keys are informational: ignored */
    }
    free(s);
    if (c->calib.method == HN_CALIB_METHOD_ISOTONIC && c->calib.iso_n < 1)
        return hn_err_set(err, HN_ERR_FORMAT, "%s: meta section: calibration isotonic without calibration_isotonic", path);
    if (c->reject_label < -1 || c->reject_label >= c->nlabels) /* -2: out of range in the file */
        return hn_err_set(err, HN_ERR_FORMAT, "%s: meta section: reject label %d out of range", path, (int)c->reject_label);
    return HN_OK;
}

hn_status hn_classifier_load(const char *path, hn_classifier **out, hn_err *err)
{
    unsigned char *buf = NULL;
    size_t len = 0, body, pos = 0, dlen;
    const unsigned char *d;
    hn_classifier *c = NULL;
    hn_status st;
    int version;
    char magic[16];
    *out = NULL;
    if ((st = read_all(path, &buf, &len, err)) != HN_OK) return st;
    if (len < 8 || memcmp(buf, "HNMODEL ", 8) != 0) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: not a hardneg model file", path);
        goto done;
    }
    if (sscanf((const char *)buf, "%15s %d", magic, &version) != 2 || version < 1) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: bad model file header", path);
        goto done;
    }
    if (version > HN_MODEL_FORMAT_VERSION) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: unsupported format version %d (this hardneg reads %d)", path, version,
                        HN_MODEL_FORMAT_VERSION);
        goto done;
    }
    /* trailer: "end " + 16 hex + "\n" */
    if (len < 21 || memcmp(buf + len - 21, "end ", 4) != 0 || buf[len - 1] != '\n') {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: truncated or corrupted model file (no checksum trailer)", path);
        goto done;
    }
    body = len - 21;
    {
        char hex[17];
        unsigned long long want;
        char *e;
        memcpy(hex, buf + len - 17, 16);
        hex[16] = '\0';
        want = strtoull(hex, &e, 16);
        if (*e || want != (unsigned long long)XXH64(buf, body, 0)) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s: corrupted model file (checksum mismatch)", path);
            goto done;
        }
    }
    if (!(c = calloc(1, sizeof *c))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        goto done;
    }
    c->reject_label = -1;
    c->threshold = 0.5;
    hn_calib_init(&c->calib);
    hn_train_opts_default(&c->train_opts);
    {
        unsigned char *nl = memchr(buf, '\n', body);
        if (!nl) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s: bad model file header", path);
            goto done;
        }
        pos = (size_t)(nl - buf) + 1;
    }
    if ((st = next_section(path, buf, body, &pos, "tokenizer", &d, &dlen, err)) != HN_OK) goto done;
    if ((st = hn_tok_opts_load((const char *)d, dlen, &c->tok_opts, err)) != HN_OK) goto done;
    if ((st = hn_tok_create(&c->tok_opts, &c->tok, err)) != HN_OK) goto done;
    if ((st = next_section(path, buf, body, &pos, "labels", &d, &dlen, err)) != HN_OK) goto done;
    {
        size_t i, start = 0;
        int32_t n = 0;
        for (i = 0; i < dlen; i++) n += d[i] == '\n';
        if (n < 2 || (dlen && d[dlen - 1] != '\n')) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s: labels section: need at least 2 labels", path);
            goto done;
        }
        if (!(c->labels = calloc((size_t)n, sizeof *c->labels))) {
            st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
            goto done;
        }
        c->nlabels = n;
        for (i = 0, n = 0; i < dlen; i++)
            if (d[i] == '\n') {
                if (!(c->labels[n] = malloc(i - start + 1))) {
                    st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
                    goto done;
                }
                memcpy(c->labels[n], d + start, i - start);
                c->labels[n][i - start] = '\0';
                n++;
                start = i + 1;
            }
    }
    if ((st = next_section(path, buf, body, &pos, "meta", &d, &dlen, err)) != HN_OK) goto done;
    if ((st = parse_meta(path, d, dlen, c, err)) != HN_OK) goto done;
    if ((st = next_section(path, buf, body, &pos, "model", &d, &dlen, err)) != HN_OK) goto done;
    if ((st = hn_model_read(d, dlen, &c->model, err)) != HN_OK) {
        if (err) {
            char tmp[sizeof err->msg];
            snprintf(tmp, sizeof tmp, "%s: %.400s", path, err->msg);
            memcpy(err->msg, tmp, sizeof tmp);
        }
        goto done;
    }
    if (hn_model_nclasses(c->model) != c->nlabels || hn_model_bits(c->model) != c->tok_opts.bits) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: model has %d classes / %d bits but %d labels / %d bits", path,
                        (int)hn_model_nclasses(c->model), (int)hn_model_bits(c->model), (int)c->nlabels,
                        (int)c->tok_opts.bits);
        goto done;
    }
    if (pos != body && body - pos > 15 && !memcmp(buf + pos, "section ngrams ", 15)) { /* the optional n-gram table */
        if ((st = next_section(path, buf, body, &pos, "ngrams", &d, &dlen, err)) != HN_OK) goto done;
        if ((st = hn_ngram_table_read(d, dlen, &c->ngrams, err)) != HN_OK) {
            if (err) {
                char tmp[sizeof err->msg];
                snprintf(tmp, sizeof tmp, "%s: %.400s", path, err->msg);
                memcpy(err->msg, tmp, sizeof tmp);
            }
            goto done;
        }
    }
    if (pos != body) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: unexpected data after the %s section", path,
                        c->ngrams ? "ngrams" : "model");
        goto done;
    }
    *out = c;
    c = NULL;
done:
    hn_classifier_free(c);
    free(buf);
    return st;
}
