/* data.c - labeled file -> featurized dataset (see data.h)
 *
 * src/core. Records come from source.h (line files or raw mail, one
 * reader for every command); each is featurized once into the contiguous
 * hn_dataset. Lines with several labels follow ro->multi_label.
 */
#include "src/core/data.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/core/source.h"

/* Known labels for an error message: "'a', 'b', 'c'" (or the first few). */
static void known_labels(const hn_labels *l, char *out, size_t cap)
{
    size_t used = 0;
    int32_t i;
    out[0] = '\0';
    for (i = 0; i < l->n && used + 8 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s'%s'", i ? ", " : "", l->names[i]);
    if (used >= cap) strcpy(out + cap - 5, "...");
}

hn_status hn_load_labeled(const char *path, const hn_reader_opts *ro, const hn_tokenizer *tok, hn_labels *labels,
                          hn_unknown_label unknown, hn_dataset *d, hn_load_stats *stats, hn_err *err)
{
    hn_source *src = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_arena a;
    hn_example ex;
    hn_status st;
    hn_reader_stats rs;
    int got;
    int64_t multi = 0;
    memset(stats, 0, sizeof *stats);
    hn_arena_init(&a, 1 << 16);
    if ((st = hn_source_open(path, ro, &src, err)) != HN_OK) goto done;
    if ((st = hn_tok_ctx_create(tok, &ctx, err)) != HN_OK) goto done;
    while ((st = hn_source_next(src, &ex, &got, err)) == HN_OK && got) {
        int32_t nl = ex.nlabels, j, ids[64];
        hn_svec x;
        if (nl < 1) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s: no label", ex.where);
            break;
        }
        if (nl > 1) {
            multi++;
            if (ro->multi_label == HN_MULTI_ERROR) {
                st = hn_err_set(err, HN_ERR_FORMAT,
                                "%s: %d labels on one line ('%s', '%s'%s); --multi-label first or copy accepts them",
                                ex.where, (int)nl, ex.labels[0], ex.labels[1], nl > 2 ? ", ..." : "");
                break;
            }
            if (ro->multi_label == HN_MULTI_FIRST) nl = 1;
            if (nl > 64) nl = 64;
        }
        for (j = 0; j < nl; j++) {
            int32_t id;
            const char *q;
            for (q = ex.labels[j]; *q; q++)
                if ((unsigned char)*q < 0x20) break;
            if (*q) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s: the label holds a control character (a TAB or line break)",
                                ex.where);
                break;
            }
            if (unknown == HN_UNKNOWN_ADD) {
                if ((id = hn_labels_add(labels, ex.labels[j])) < 0) {
                    st = hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", ex.where);
                    break;
                }
            } else if ((id = hn_labels_find(labels, ex.labels[j])) < 0) {
                if (unknown == HN_UNKNOWN_ERROR) {
                    char known[200];
                    known_labels(labels, known, sizeof known);
                    st = hn_err_set(err, HN_ERR_FORMAT, "%s: label '%s' is not one the model knows (%s)", ex.where,
                                    ex.labels[j], known);
                    break;
                }
                stats->unknown_label++;
            }
            ids[j] = id;
        }
        if (st != HN_OK) break;
        hn_arena_reset(&a);
        if ((st = hn_tok_featurize(tok, ctx, ex.text, ex.len, &a, &x, err)) != HN_OK) {
            if (err) {
                char tmp[sizeof err->msg];
                snprintf(tmp, sizeof tmp, "%s: %.400s", ex.where, err->msg);
                memcpy(err->msg, tmp, sizeof tmp);
            }
            break;
        }
        for (j = 0; j < nl; j++) {
            if ((st = hn_dataset_add(d, &x, ids[j], ex.weight)) != HN_OK) {
                hn_err_set(err, st, "%s: out of memory storing the training data", ex.where);
                break;
            }
            if (ids[j] >= 0) labels->count[ids[j]]++;
            stats->records++;
        }
        if (st != HN_OK) break;
    }
    if (src) {
        hn_source_stats(src, &rs);
        stats->skipped_bad = rs.skipped_bad;
        stats->empty = rs.empty;
        if (st == HN_OK) hn_source_report(src, "read");
    }
    if (st == HN_OK && multi)
        hn_log(HN_LOG_WARN, "%s: %lld lines have several labels: %s (--multi-label first, copy or error)", path,
               (long long)multi,
               ro->multi_label == HN_MULTI_COPY ? "one example per label" : "trained on the first label only");
    if (st == HN_OK && ctx && hn_tok_ctx_repaired_lines(ctx))
        hn_log(HN_LOG_WARN, "%s: repaired %lld lines with invalid UTF-8 (%lld sequences -> U+FFFD)", path,
               (long long)hn_tok_ctx_repaired_lines(ctx), (long long)hn_tok_ctx_repaired_seqs(ctx));
done:
    hn_source_free(src);
    hn_tok_ctx_free(ctx);
    hn_arena_release(&a);
    return st;
}
