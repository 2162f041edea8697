/* tokopts.c - tokenizer options on the command line (see tokopts.h) */
#include "src/cli/tokopts.h"

#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"

static int no_rewrite(const char *cmd, const char *arg, hn_tok_opts *o)
{
    char buf[256];
    char *save = NULL, *tok;
    if (strlen(arg) >= sizeof buf) return hn_cli_usage_error(cmd, "--no-rewrite: list too long"), HN_EXIT_USAGE;
    strcpy(buf, arg);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "html")) o->rw_html = 0;
        else if (!strcmp(tok, "url")) o->rw_url = 0;
        else if (!strcmp(tok, "email")) o->rw_email = 0;
        else if (!strcmp(tok, "money")) o->rw_money = 0;
        else if (!strcmp(tok, "number")) o->rw_number = 0;
        else if (!strcmp(tok, "all")) o->rw_html = o->rw_url = o->rw_email = o->rw_money = o->rw_number = 0;
        else {
            hn_cli_usage_error(cmd, "--no-rewrite: unknown rule '%s' (html, url, email, money, number, all)", tok);
            return HN_EXIT_USAGE;
        }
    }
    return 0;
}

int hn_cli_tok_option(const char *cmd, int id, const char *arg, hn_tok_opts *o)
{
    long v;
    switch (id) {
    case HN_OPT_NO_NFKC: o->nfkc = 0; return 0;
    case HN_OPT_NO_CASEFOLD: o->casefold = 0; return 0;
    case HN_OPT_NO_STRIP_MARKS: o->strip_marks = 0; return 0;
    case HN_OPT_NO_REWRITE: return no_rewrite(cmd, arg, o);
    case HN_OPT_TOKEN_PATTERN:
        if (strlen(arg) >= sizeof o->token_pattern) {
            hn_cli_usage_error(cmd, "--token-pattern: longer than %d bytes", HN_TOK_PATTERN_MAX - 1);
            return HN_EXIT_USAGE;
        }
        strcpy(o->token_pattern, arg);
        return 0;
    case HN_OPT_NGRAMS:
        if (hn_cli_parse_long(cmd, "--ngrams", arg, 1, 5, &v)) return HN_EXIT_USAGE;
        o->word_ngrams = (int32_t)v;
        return 0;
    case HN_OPT_CHAR_NGRAMS: {
        char buf[64], *colon;
        long a, b;
        if (strlen(arg) >= sizeof buf || !(colon = strchr(strcpy(buf, arg), ':'))) {
            hn_cli_usage_error(cmd, "--char-ngrams: expected MIN:MAX (0:0 turns them off), got '%s'", arg);
            return HN_EXIT_USAGE;
        }
        *colon = '\0';
        if (hn_cli_parse_long(cmd, "--char-ngrams MIN", buf, 0, 10, &a) ||
            hn_cli_parse_long(cmd, "--char-ngrams MAX", colon + 1, 0, 10, &b))
            return HN_EXIT_USAGE;
        if (!((a == 0 && b == 0) || (a >= 1 && a <= b))) {
            hn_cli_usage_error(cmd, "--char-ngrams: need 1 <= MIN <= MAX <= 10, or 0:0");
            return HN_EXIT_USAGE;
        }
        o->minn = (int32_t)a;
        o->maxn = (int32_t)b;
        return 0;
    }
    case HN_OPT_BITS:
        if (hn_cli_parse_long(cmd, "--bits", arg, 1, 30, &v)) return HN_EXIT_USAGE;
        o->bits = (int32_t)v;
        return 0;
    case HN_OPT_HASH_SEED:
        return hn_cli_parse_u64(cmd, "--hash-seed", arg, &o->seed) ? -1 : 0;
    case HN_OPT_SIGNED_HASH: o->signed_hash = 1; return 0;
    case HN_OPT_WEIGHTING:
        if (hn_weighting_parse(arg, &o->weighting) != HN_OK) {
            hn_cli_usage_error(cmd, "--weighting: unknown '%s' (binary, tf, log-tf)", arg);
            return HN_EXIT_USAGE;
        }
        return 0;
    case HN_OPT_NO_L2: o->l2_normalize = 0; return 0;
    default: return HN_EXIT_USAGE;
    }
}

void hn_cli_tok_help(FILE *out)
{
    hn_tok_opts d;
    hn_tok_opts_default(&d);
    fprintf(out,
            "features (stored in the model, so predict featurizes the same way):\n"
            "  --no-nfkc             NFC only, no compatibility folding [NFKC]\n"
            "  --no-casefold         keep case [fold]\n"
            "  --no-strip-marks      keep accents and other combining marks [strip]\n"
            "  --no-rewrite LIST     keep these as text: html,url,email,money,number,all\n"
            "                        [all rewritten to __html__ __url__ __email__ __money__ __num__]\n"
            "  --token-pattern RE    PCRE2 pattern, every match a token (disables rewrites) [built in]\n"
            "  --ngrams N            word n-grams 1..N, N <= 5 [%d]\n"
            "  --char-ngrams MIN:MAX character n-grams of words, 0:0 = off [%d:%d]\n"
            "  --bits B              2^B hash buckets, 1..30 [%d]\n"
            "  --hash-seed S         hash seed [%llu]\n"
            "  --signed-hash         random sign per feature [off]\n"
            "  --weighting W         binary, tf, log-tf [%s]\n"
            "  --no-l2               do not L2-normalize [normalize]\n",
            (int)d.word_ngrams, (int)d.minn, (int)d.maxn, (int)d.bits, (unsigned long long)d.seed,
            hn_weighting_name(d.weighting));
}
