/* inopts.c - the shared input options (see inopts.h) */
#include "src/cli/inopts.h"

#include <string.h>

#include "src/base/lines.h"
#include "src/cli/cli.h"

int hn_cli_in_option(const char *cmd, int id, const char *arg, hn_reader_opts *ro)
{
    long v;
    switch (id) {
    case HN_OPT_FORMAT:
        if (hn_format_parse(arg, &ro->format) != HN_OK)
            return hn_cli_usage_error(cmd, "--format: unknown '%s' (auto, fasttext, tsv, text, mail)", arg);
        return 0;
    case HN_OPT_LABEL_PREFIX:
        if (strlen(arg) >= sizeof ro->label_prefix || !arg[0] || strpbrk(arg, " \t\r\n\v\f"))
            return hn_cli_usage_error(cmd, "--label-prefix: 1 to %zu bytes without white space",
                                      sizeof ro->label_prefix - 1);
        strcpy(ro->label_prefix, arg);
        return 0;
    case HN_OPT_SKIP_BAD: ro->skip_bad = 1; return 0;
    case HN_OPT_MAX_LINE:
        if (hn_cli_parse_long(cmd, "--max-line-bytes", arg, 0, 1L << 40, &v)) return HN_EXIT_USAGE;
        ro->max_line_bytes = (size_t)v;
        return 0;
    case HN_OPT_MULTI_LABEL:
        if (hn_multi_label_parse(arg, &ro->multi_label) != HN_OK)
            return hn_cli_usage_error(cmd, "--multi-label: unknown '%s' (first, copy, error)", arg);
        return 0;
    default: return hn_cli_usage_error(cmd, "internal: unknown input option %d", id);
    }
}

void hn_cli_in_help(FILE *out, int labeled)
{
    fprintf(out,
            "input:\n"
            "  --format F            auto, fasttext, tsv, text, or mail: FILE is a folder of raw\n"
            "                        messages%s or an mbox\n"
            "                        [auto: a folder is mail, else decided from the first line;\n"
            "                        said on stderr]\n"
            "  --label-prefix P      fastText label prefix [__label__]\n"
            "  --skip-bad            skip and count malformed lines [stop at the first]\n"
            "  --max-line-bytes N    cut longer lines (or messages) there, and count them;\n"
            "                        0 = never [%zu]\n",
            labeled ? " labeled by their top-level subfolder\n                        (spam/, ham/)," : "",
            HN_LINES_MAX_DEFAULT);
    if (labeled)
        fprintf(out, "  --multi-label M       lines with several labels: first (warn), copy (one example\n"
                     "                        a label), or error [first]\n");
}
