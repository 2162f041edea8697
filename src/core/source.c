/* source.c - examples from line files or raw mail (see source.h) */
#include "src/core/source.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "corpora/mail.h"
#include "src/base/log.h"

struct hn_source {
    char *path;
    hn_reader_opts ro;
    hn_reader *lines;          /* line formats */
    hn_mail_reader *mail;      /* HN_FORMAT_MAIL */
    int64_t messages;
    const char *labels[2];     /* mail: the folder label and NULL */
    char where[1024];
};

hn_status hn_source_open(const char *path, const hn_reader_opts *ro, hn_source **out, hn_err *err)
{
    hn_source *s = calloc(1, sizeof *s);
    hn_status st;
    size_t n = strlen(path) + 1;
    *out = NULL;
    if (!s || !(s->path = malloc(n))) {
        free(s);
        return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(s->path, path, n);
    s->ro = *ro;
    if (ro->format == HN_FORMAT_AUTO && strcmp(path, "-") != 0) {
        /* a folder holds messages, never lines */
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            s->ro.format = HN_FORMAT_MAIL;
            hn_log(HN_LOG_INFO, "%s: format auto: a folder: mail", path);
        }
    }
    if (s->ro.format == HN_FORMAT_MAIL) {
        hn_mail_opts mo;
        hn_mail_opts_default(&mo);
        if (ro->max_line_bytes > 0) mo.max_bytes = (int64_t)ro->max_line_bytes;
        st = hn_mail_reader_open(path, &mo, ro->need_labels, &s->mail, err);
    } else {
        st = hn_reader_open(path, ro, &s->lines, err);
    }
    if (st != HN_OK) {
        hn_source_free(s);
        return st;
    }
    *out = s;
    return HN_OK;
}

hn_status hn_source_next(hn_source *s, hn_example *ex, int *got, hn_err *err)
{
    hn_status st;
    memset(ex, 0, sizeof *ex);
    if (s->lines) {
        hn_record rec;
        if ((st = hn_reader_next(s->lines, &rec, got, err)) != HN_OK || !*got) {
            if (st == HN_ERR_FORMAT && err && !s->ro.skip_bad && strlen(err->msg) + 40 < sizeof err->msg)
                strcat(err->msg, " (--skip-bad skips malformed lines)");
            return st;
        }
        ex->nlabels = rec.nlabels;
        ex->labels = rec.labels;
        ex->text = rec.text;
        ex->len = rec.text_len;
        ex->weight = rec.weight;
        ex->lineno = rec.lineno;
        snprintf(s->where, sizeof s->where, "%s:%lld", s->path, (long long)rec.lineno);
        ex->where = s->where;
        return HN_OK;
    }
    {
        const char *label = NULL, *text = NULL, *source = NULL;
        size_t len = 0;
        for (;;) {
            if ((st = hn_mail_reader_next(s->mail, &label, &text, &len, &source, got, err)) != HN_OK || !*got)
                return st;
            s->messages++;
            if (s->ro.need_labels && !label) continue; /* a file directly in the root: logged by the reader */
            break;
        }
        s->labels[0] = label;
        s->labels[1] = NULL;
        ex->nlabels = label ? 1 : 0;
        ex->labels = s->labels;
        ex->text = text;
        ex->len = len;
        ex->weight = 1.0f;
        ex->lineno = s->messages;
        snprintf(s->where, sizeof s->where, "%s", source ? source : s->path);
        ex->where = s->where;
        return HN_OK;
    }
}

void hn_source_stats(const hn_source *s, hn_reader_stats *st)
{
    memset(st, 0, sizeof *st);
    if (s->lines) {
        hn_reader_stats_get(s->lines, st);
    } else if (s->mail) {
        hn_mail_stats ms;
        hn_mail_reader_stats(s->mail, &ms);
        st->lines = st->records = ms.messages;
        st->as_text = ms.malformed;
        st->truncated = ms.truncated;
        st->skipped_bad = ms.skipped;
    }
}

void hn_source_report(const hn_source *s, const char *cmd)
{
    hn_reader_stats st;
    hn_source_stats(s, &st);
    if (s->mail) {
        hn_log(HN_LOG_INFO, "%s: %s: %lld messages (%lld malformed, read as far as they go)", cmd, s->path,
               (long long)st.records, (long long)st.as_text);
        if (st.truncated)
            hn_log(HN_LOG_WARN, "%s: %s: %lld messages longer than --max-line-bytes %zu were cut", cmd, s->path,
                   (long long)st.truncated, s->ro.max_line_bytes);
        if (st.skipped_bad)
            hn_log(HN_LOG_WARN, "%s: %s: %lld entries not read (links to nothing, link loops, devices)", cmd,
                   s->path, (long long)st.skipped_bad);
        return;
    }
    if (st.truncated)
        hn_log(HN_LOG_WARN, "%s: %s: %lld lines longer than --max-line-bytes %zu were cut there", cmd, s->path,
               (long long)st.truncated, s->ro.max_line_bytes);
    if (st.skipped_bad)
        hn_log(HN_LOG_WARN, "%s: %s: skipped %lld malformed lines (--skip-bad)", cmd, s->path,
               (long long)st.skipped_bad);
    if (st.as_text)
        hn_log(HN_LOG_WARN, "%s: %s: %lld lines with malformed labels were read whole as text", cmd, s->path,
               (long long)st.as_text);
}

const char *hn_source_path(const hn_source *s)
{
    return s->path;
}

hn_format hn_source_format(const hn_source *s)
{
    return s->lines ? hn_reader_format(s->lines) : HN_FORMAT_MAIL;
}

void hn_source_free(hn_source *s)
{
    if (!s) return;
    hn_reader_free(s->lines);
    hn_mail_reader_free(s->mail);
    free(s->path);
    free(s);
}

static hn_status pt_open(void *self, const char *path, hn_err *err)
{
    hn_pool_texts *pt = self;
    hn_source_free(pt->s);
    pt->s = NULL;
    return hn_source_open(path, &pt->ro, &pt->s, err);
}

static hn_status pt_next(void *self, const char **text, size_t *len, int *got, hn_err *err)
{
    hn_pool_texts *pt = self;
    hn_example ex;
    hn_status st = hn_source_next(pt->s, &ex, got, err);
    *text = ex.text;
    *len = ex.len;
    return st;
}

static void pt_close(void *self)
{
    hn_pool_texts *pt = self;
    if (pt->s && !pt->reported) { /* the same files are read every round: say it once */
        hn_source_report(pt->s, pt->cmd);
        pt->reported = 1;
    }
    hn_source_free(pt->s);
    pt->s = NULL;
}

void hn_pool_texts_init(hn_pool_texts *pt, const hn_reader_opts *ro, const char *cmd, hn_text_reader *out)
{
    memset(pt, 0, sizeof *pt);
    pt->ro = *ro;
    pt->ro.need_labels = 0;
    pt->ro.every_line = 1;
    pt->cmd = cmd;
    out->self = pt;
    out->open = pt_open;
    out->next = pt_next;
    out->close = pt_close;
}
