/* data.c - labeled file -> featurized dataset (see data.h) */
#include "src/core/data.h"

#include <stdlib.h>
#include <string.h>

#include "corpora/mail.h"
#include "src/base/arena.h"
#include "src/base/log.h"

/* --format mail: a directory tree (label = top-level folder) or an mbox. */
static hn_status load_mail(const char *path, const hn_tokenizer *tok, hn_labels *labels, hn_unknown_label unknown,
                           hn_dataset *d, hn_load_stats *stats, hn_err *err)
{
    hn_mail_opts mo;
    hn_mail_reader *r = NULL;
    hn_mail_stats ms;
    hn_tok_ctx *ctx = NULL;
    hn_arena a;
    hn_status st;
    const char *label, *text, *source;
    size_t len;
    int got;
    hn_mail_opts_default(&mo);
    hn_arena_init(&a, 1 << 16);
    memset(&ms, 0, sizeof ms);
    if ((st = hn_mail_reader_open(path, &mo, 1, &r, err)) != HN_OK) goto done;
    if ((st = hn_tok_ctx_create(tok, &ctx, err)) != HN_OK) goto done;
    while ((st = hn_mail_reader_next(r, &label, &text, &len, &source, &got, err)) == HN_OK && got) {
        int32_t id;
        hn_svec x;
        if (!label) continue;
        id = unknown == HN_UNKNOWN_ADD ? hn_labels_add(labels, label) : hn_labels_find(labels, label);
        if (id < 0 && unknown == HN_UNKNOWN_ADD) { st = hn_err_set(err, HN_ERR_NOMEM, "out of memory"); break; }
        if (id < 0 && unknown == HN_UNKNOWN_ERROR) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s: label '%s' is not one the model knows", source, label);
            break;
        }
        if (id < 0) stats->unknown_label++;
        hn_arena_reset(&a);
        if ((st = hn_tok_featurize(tok, ctx, text, len, &a, &x, err)) != HN_OK) break;
        if ((st = hn_dataset_add(d, &x, id, 1.0f)) != HN_OK) { hn_err_set(err, st, "%s: out of memory", source); break; }
        if (id >= 0) labels->count[id]++;
        stats->records++;
    }
    if (r) {
        hn_mail_reader_stats(r, &ms);
        if (st == HN_OK)
            hn_log(HN_LOG_INFO, "%s: %lld messages (%lld malformed, read as far as they go)", path,
                   (long long)ms.messages, (long long)ms.malformed);
    }
done:
    hn_mail_reader_free(r);
    hn_tok_ctx_free(ctx);
    hn_arena_release(&a);
    return st;
}

hn_status hn_load_labeled(const char *path, const hn_reader_opts *ro, const hn_tokenizer *tok, hn_labels *labels,
                          hn_unknown_label unknown, hn_dataset *d, hn_load_stats *stats, hn_err *err)
{
    hn_reader *r = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_arena a;
    hn_record rec;
    hn_status st;
    int got;
    hn_reader_stats rs;
    memset(stats, 0, sizeof *stats);
    if (ro->format == HN_FORMAT_MAIL) return load_mail(path, tok, labels, unknown, d, stats, err);
    hn_arena_init(&a, 1 << 16);
    if ((st = hn_reader_open(path, ro, &r, err)) != HN_OK) goto done;
    if ((st = hn_tok_ctx_create(tok, &ctx, err)) != HN_OK) goto done;
    while ((st = hn_reader_next(r, &rec, &got, err)) == HN_OK && got) {
        int32_t id;
        hn_svec x;
        if (rec.nlabels < 1) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: no label", path, (long long)rec.lineno);
            break;
        }
        if (unknown == HN_UNKNOWN_ADD) {
            if ((id = hn_labels_add(labels, rec.labels[0])) < 0) {
                st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
                break;
            }
        } else {
            id = hn_labels_find(labels, rec.labels[0]);
            if (id < 0) {
                if (unknown == HN_UNKNOWN_ERROR) {
                    st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: label '%s' is not one the model knows", path,
                                    (long long)rec.lineno, rec.labels[0]);
                    break;
                }
                stats->unknown_label++;
            }
        }
        hn_arena_reset(&a);
        if ((st = hn_tok_featurize(tok, ctx, rec.text, rec.text_len, &a, &x, err)) != HN_OK) {
            char tmp[sizeof err->msg];
            if (err) {
                snprintf(tmp, sizeof tmp, "%s:%lld: %.400s", path, (long long)rec.lineno, err->msg);
                memcpy(err->msg, tmp, sizeof tmp);
            }
            break;
        }
        if ((st = hn_dataset_add(d, &x, id, rec.weight)) != HN_OK) {
            hn_err_set(err, st, "%s:%lld: out of memory storing the training data", path, (long long)rec.lineno);
            break;
        }
        if (id >= 0) labels->count[id]++;
        stats->records++;
    }
    if (r) {
        hn_reader_stats_get(r, &rs);
        stats->skipped_bad = rs.skipped_bad;
        stats->empty = rs.empty;
    }
    if (st == HN_OK && ctx && hn_tok_ctx_repaired_lines(ctx))
        hn_log(HN_LOG_WARN, "%s: repaired %lld lines with invalid UTF-8 (%lld sequences -> U+FFFD)", path,
               (long long)hn_tok_ctx_repaired_lines(ctx), (long long)hn_tok_ctx_repaired_seqs(ctx));
    if (st == HN_OK && stats->skipped_bad)
        hn_log(HN_LOG_WARN, "%s: skipped %lld malformed lines (--skip-bad)", path, (long long)stats->skipped_bad);
done:
    hn_reader_free(r);
    hn_tok_ctx_free(ctx);
    hn_arena_release(&a);
    return st;
}
