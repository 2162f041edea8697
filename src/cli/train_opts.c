/* train_opts.c - the training options of train and mine on the command
 * line (see train_opts.h); the training itself is src/core/fit.c */
#include "src/cli/train_opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/cli/tokopts.h"
#include "src/core/ngrams.h"

/* remember the first option that only one solver has (hn_fit_solver) */
static void note_online(hn_cli_train_cfg *c, const char *opt)
{
    if (!c->fit.online_option) c->fit.online_option = opt;
}

static void note_batch(hn_cli_train_cfg *c, const char *opt)
{
    if (!c->fit.batch_option) c->fit.batch_option = opt;
}

void hn_cli_train_cfg_default(hn_cli_train_cfg *c)
{
    memset(c, 0, sizeof *c);
    hn_tok_opts_default(&c->tok);
    hn_fit_opts_default(&c->fit);
    hn_reader_opts_default(&c->ro);
    c->ro.need_labels = 1;
}

int hn_cli_train_option(const char *cmd, int id, const char *arg, hn_cli_train_cfg *c)
{
    long v;
    double x;
    if (id >= HN_OPT_TOK_FIRST && id < HN_OPT_TOK_LAST) return hn_cli_tok_option(cmd, id, arg, &c->tok);
    if (HN_CLI_IS_IN_OPTION(id)) return hn_cli_in_option(cmd, id, arg, &c->ro);
    switch (id) {
    case 'o': c->output = arg; return 0;
    case HN_OPT_KEEP_NGRAMS:
        c->fit.keep_ngrams = HN_NGRAMS_PER_BUCKET_DEFAULT;
        if (arg && hn_cli_parse_long(cmd, "--keep-ngrams", arg, 1, HN_NGRAMS_PER_BUCKET_MAX, &v)) return HN_EXIT_USAGE;
        if (arg) c->fit.keep_ngrams = (int32_t)v;
        return 0;
    case HN_OPT_EPOCHS:
        if (hn_cli_parse_long(cmd, "--epochs", arg, 1, 10000, &v)) return HN_EXIT_USAGE;
        c->fit.train.epochs = (int32_t)v;
        note_online(c, "--epochs");
        return 0;
    case HN_OPT_LR:
        if (hn_cli_parse_double(cmd, "--lr", arg, 1e-300, 1e6, &x)) return HN_EXIT_USAGE;
        c->fit.train.lr = x;
        c->fit.lr_set = 1;
        note_online(c, "--lr");
        return 0;
    case HN_OPT_L2:
        if (hn_cli_parse_double(cmd, "--l2", arg, 0, 1e6, &x)) return HN_EXIT_USAGE;
        c->fit.train.l2 = x;
        note_online(c, "--l2");
        return 0;
    case HN_OPT_L1:
        if (hn_cli_parse_double(cmd, "--l1", arg, 0, 1e6, &x)) return HN_EXIT_USAGE;
        c->fit.train.l1 = x;
        note_online(c, "--l1");
        return 0;
    case HN_OPT_OPTIM:
        if (hn_optim_parse(arg, &c->fit.train.optim) != HN_OK)
            return hn_cli_usage_error(cmd, "--optim: unknown '%s' (adagrad, sgd, adam)", arg), HN_EXIT_USAGE;
        note_online(c, "--optim");
        return 0;
    case HN_OPT_LOSS:
        if (hn_loss_parse(arg, &c->fit.train.loss) != HN_OK)
            return hn_cli_usage_error(cmd, "--loss: unknown '%s' (log, focal, hinge, sqhinge, rank)", arg), HN_EXIT_USAGE;
        c->fit.loss_set = 1;
        return 0;
    case HN_OPT_FOCAL_GAMMA:
        if (hn_cli_parse_double(cmd, "--focal-gamma", arg, 0, 100, &x)) return HN_EXIT_USAGE;
        c->fit.train.focal_gamma = x;
        note_online(c, "--focal-gamma");
        return 0;
    case HN_OPT_FOCAL_ALPHA:
        if (hn_cli_parse_double(cmd, "--focal-alpha", arg, 1e-9, 1 - 1e-9, &x)) return HN_EXIT_USAGE;
        c->fit.train.focal_alpha = x;
        note_online(c, "--focal-alpha");
        return 0;
    case HN_OPT_SEED: return hn_cli_parse_u64(cmd, "--seed", arg, &c->fit.train.seed) ? HN_EXIT_USAGE : 0;
    case HN_OPT_THREADS:
        if (hn_cli_parse_long(cmd, "--threads", arg, 1, 256, &v)) return HN_EXIT_USAGE;
        c->fit.train.threads = (int32_t)v;
        return 0;
    case HN_OPT_DETERMINISTIC: c->fit.train.deterministic = 1; return 0;
    case HN_OPT_VALID: c->valid = arg; return 0;
    case HN_OPT_POSITIVE: c->fit.positive = arg; return 0;
    case HN_OPT_CLASS_WEIGHT: c->fit.class_weight = arg; return 0;
    case HN_OPT_BATCH:
        if (hn_cli_parse_long(cmd, "--batch", arg, 1, 65536, &v)) return HN_EXIT_USAGE;
        c->fit.train.batch = (int32_t)v;
        note_online(c, "--batch");
        return 0;
    case HN_OPT_OHEM_KEEP:
        if (hn_cli_parse_double(cmd, "--ohem-keep", arg, 1e-9, 1, &x)) return HN_EXIT_USAGE;
        c->fit.train.ohem_keep = x;
        if (c->fit.train.batch == 1) c->fit.train.batch = 64;
        note_online(c, "--ohem-keep");
        return 0;
    case HN_OPT_TRAIN_NEG: c->fit.negative = arg; return 0;
    case HN_OPT_MODEL:
        if (hn_model_kind_parse(arg, &c->fit.train.model) != HN_OK)
            return hn_cli_usage_error(cmd, "--model: unknown '%s' (linear, mlp)", arg), HN_EXIT_USAGE;
        return 0;
    case HN_OPT_DIM:
        if (hn_cli_parse_long(cmd, "--dim", arg, 1, HN_MLP_MAX_DIM, &v)) return HN_EXIT_USAGE;
        c->fit.train.dim = (int32_t)v;
        return 0;
    case HN_OPT_HIDDEN: {
        char *end;
        long h1, h2 = 0;
        errno = 0;
        h1 = strtol(arg, &end, 10);
        if (*end == ',') h2 = strtol(end + 1, &end, 10);
        if (errno || *end || end == arg || h1 < 1 || h1 > HN_MLP_MAX_DIM || h2 < 0 || h2 > HN_MLP_MAX_DIM ||
            (strchr(arg, ',') && h2 < 1))
            return hn_cli_usage_error(cmd, "--hidden: expected H or H1,H2 with widths in [1, %d], got '%s'",
                                      HN_MLP_MAX_DIM, arg), HN_EXIT_USAGE;
        c->fit.train.hidden[0] = (int32_t)h1;
        c->fit.train.hidden[1] = (int32_t)h2;
        return 0;
    }
    case HN_OPT_SOLVER:
        if (hn_solver_parse(arg, &c->fit.train.solver) != HN_OK)
            return hn_cli_usage_error(cmd, "--solver: unknown '%s' (sgd, dcd)", arg), HN_EXIT_USAGE;
        c->fit.solver_set = 1;
        return 0;
    case HN_OPT_C: {
        char buf[512], *save = NULL, *item;
        if (!strcmp(arg, "auto")) {
            static const double grid[] = {0.1, 0.3, 1, 3, 10, 30};
            memcpy(c->fit.Cs, grid, sizeof grid);
            c->fit.nC = (int32_t)(sizeof grid / sizeof grid[0]);
            note_batch(c, "--C");
            return 0;
        }
        if (strlen(arg) >= sizeof buf) return hn_cli_usage_error(cmd, "--C: list too long"), HN_EXIT_USAGE;
        strcpy(buf, arg);
        c->fit.nC = 0;
        for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            if (c->fit.nC == HN_FIT_MAX_C)
                return hn_cli_usage_error(cmd, "--C: at most %d values", HN_FIT_MAX_C), HN_EXIT_USAGE;
            if (hn_cli_parse_double(cmd, "--C", item, 1e-9, 1e9, &x)) return HN_EXIT_USAGE;
            c->fit.Cs[c->fit.nC++] = x;
        }
        if (c->fit.nC == 0) return hn_cli_usage_error(cmd, "--C: expected a number, a list or 'auto'"), HN_EXIT_USAGE;
        note_batch(c, "--C");
        return 0;
    }
    case HN_OPT_TOL:
        if (hn_cli_parse_double(cmd, "--tol", arg, 0, 1e6, &x)) return HN_EXIT_USAGE;
        c->fit.train.tol = x;
        note_batch(c, "--tol");
        return 0;
    case HN_OPT_MAX_PASSES:
        if (hn_cli_parse_long(cmd, "--max-passes", arg, 1, 100000, &v)) return HN_EXIT_USAGE;
        c->fit.train.max_passes = (int32_t)v;
        note_batch(c, "--max-passes");
        return 0;
    case HN_OPT_BIAS:
        if (hn_cli_parse_double(cmd, "--bias", arg, 0, 1e6, &x)) return HN_EXIT_USAGE;
        c->fit.train.bias_feature = x;
        note_batch(c, "--bias");
        return 0;
    case HN_OPT_DROPOUT:
        if (hn_cli_parse_double(cmd, "--dropout", arg, 0, 0.99, &x)) return HN_EXIT_USAGE;
        c->fit.train.dropout = x;
        return 0;
    default: return HN_EXIT_USAGE;
    }
}

int hn_cli_train_check(const char *cmd, const hn_cli_train_cfg *c)
{
    hn_err err;
    if (hn_tok_opts_check(&c->tok, &err) != HN_OK) return hn_cli_usage_error(cmd, "%s", err.msg);
    if (hn_fit_opts_check(&c->fit, &err) != HN_OK) return hn_cli_usage_error(cmd, "%s", err.msg);
    return 0;
}

void hn_cli_train_help(FILE *out)
{
    hn_train_opts d;
    hn_train_opts_default(&d);
    fprintf(out,
            "training:\n"
            "  -o, --output MODEL    model file to write (required; '-' = stdout)\n"
            "  --solver S            dcd: dual coordinate descent to convergence, one-vs-rest\n"
            "                        (linear model; --loss sqhinge, hinge or log; --C); sgd: online\n"
            "                        epochs (--optim, --lr, --epochs, --l2, OHEM, focal, rank)\n"
            "                        [dcd for the linear model, unless an option only sgd has is\n"
            "                        given; sgd for the MLP]\n"
            "  --C X[,X...]|auto     dcd: regularization, larger is weaker; several values (or\n"
            "                        auto: 0.1,0.3,1,3,10,30) with --valid keep the best [%g]\n"
            "  --tol T               dcd: stop at this KKT violation [0: 0.1 sqhinge, 0.001 others]\n"
            "  --max-passes N        dcd: most passes per class [%d]\n"
            "  --bias B              dcd: value of the bias feature (regularized like a weight) [%g]\n"
            "  --epochs N            sgd: passes over the data [%d]\n"
            "  --lr X                sgd: learning rate [%g; mlp: 0.1, with adam 0.001]\n"
            "  --optim O             adagrad, sgd (linearly decaying rate), adam (mlp) [%s]\n"
            "  --loss L              log, focal, hinge, sqhinge, rank (log loss + each positive vs.\n"
            "                        the hardest negative of its batch; binary) [dcd: sqhinge;\n"
            "                        sgd: %s]\n"
            "  --ohem-keep F         online hard example mining: per batch keep every positive\n"
            "                        and the top F of the negatives by loss [1 = off]\n"
            "  --batch B             mini-batch for OHEM and rank [1; 64 with --ohem-keep]\n"
            "  --negative-label L    the negative class for OHEM [binary: the non-positive\n"
            "                        label; multi-class: every example]\n"
            "  --focal-gamma G       focal loss gamma [%g]\n"
            "  --focal-alpha A       focal loss weight of the positive class (binary) [%g]\n"
            "  --model M             linear, or mlp (embedding bag -> ReLU layer(s)) [linear]\n"
            "  --dim D               MLP embedding width [%d]\n"
            "  --hidden H[,H2]       MLP hidden layer width(s) [%d]\n"
            "  --dropout P           MLP dropout on the hidden layers while training [%g]\n"
            "  --l2 X                L2 penalty on the weights an update touches [%g]\n"
            "  --l1 X                L1 penalty (proximal soft threshold) [%g]\n"
            "  --class-weight W      balanced, or LABEL=W,LABEL=W [1 for every class]\n"
            "  --positive LABEL      positive class of a binary model [the rarer label]\n"
            "  --valid FILE          report validation loss/metric per epoch, keep the best epoch\n"
            "  --seed S              seed of the shuffles (and of MLP initialization and dropout) [%llu]\n"
            "  --threads N           Hogwild threads; 1 is bit-for-bit reproducible [%d]\n"
            "  --deterministic       sgd: the same model for a --seed whatever --threads is\n"
            "                        (synchronous blocks instead of Hogwild) [off]\n"
            "  --keep-ngrams[=K]     read the training file once more (mine: and the pool) and\n"
            "                        store in the model, for each hash bucket, its K most frequent\n"
            "                        n-grams (at most %d MB of strings), for 'hardneg explain'\n"
            "                        [off; K %d]\n"
            "  -q, --quiet / -v, --verbose\n",
            d.C, (int)d.max_passes, d.bias_feature, (int)d.epochs, d.lr, hn_optim_name(d.optim), hn_loss_name(d.loss), d.focal_gamma, d.focal_alpha, (int)d.dim,
            (int)d.hidden[0], d.dropout, d.l2, d.l1,
            (unsigned long long)d.seed, (int)d.threads, (int)(HN_NGRAMS_MAX_BYTES_DEFAULT >> 20),
            HN_NGRAMS_PER_BUCKET_DEFAULT);
    hn_cli_in_help(out, 1);
}

static const struct option words_table[] = {HN_CLI_TRAIN_LONGOPTS, HN_CLI_TOK_LONGOPTS, {NULL, 0, NULL, 0}};

/* the row of a training or feature option by its long name, NULL if none */
static const struct option *option_of(const char *name)
{
    const struct option *t;
    for (t = words_table; t->name; t++)
        if (!strcmp(t->name, name)) return t;
    return NULL;
}

int hn_cli_words_add(char **words, const char *longname, const char *arg)
{
    size_t have = *words ? strlen(*words) : 0, need = strlen(longname) + (arg ? strlen(arg) * 4 : 0) + 8;
    char *w = realloc(*words, have + need + 1), *p;
    if (!w) return -1;
    *words = w;
    p = w + have;
    p += sprintf(p, "%s--%s", have ? " " : "", longname);
    if (arg) {
        const char *q;
        int plain = *arg != '\0';
        for (q = arg; *q; q++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:=/+@%", *q)) plain = 0;
        /* an optional value must be attached (--keep-ngrams=5): "--keep-ngrams 5" reads 5 as a file */
        *p++ = option_of(longname) && option_of(longname)->has_arg == optional_argument ? '=' : ' ';
        if (plain) {
            strcpy(p, arg);
            return 0;
        }
        *p++ = '\'';
        for (q = arg; *q; q++) {
            if (*q == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *q;
            }
        }
        *p++ = '\'';
        *p = '\0';
    }
    return 0;
}

int hn_cli_is_model_option(int id)
{
    return (id >= HN_OPT_TOK_FIRST && id < HN_OPT_TOK_LAST) ||
           (id >= HN_OPT_TRAIN_FIRST && id < HN_OPT_TRAIN_LAST && id != HN_OPT_VALID);
}

/* the next word of s: a run of plain characters and 'quoted' parts */
static char *next_word(char **s)
{
    char *in = *s, *out, *start;
    while (*in == ' ') in++;
    if (!*in) return NULL;
    start = out = in;
    while (*in && *in != ' ') {
        if (*in == '\'') {
            for (in++; *in && *in != '\''; in++) *out++ = *in;
            if (*in) in++;
        } else {
            *out++ = *in++;
        }
    }
    if (*in) in++;
    *out = '\0';
    *s = in;
    return start;
}

/* copies of applied words, reachable until the program ends: options may point into them */
static char **kept;
static size_t nkept;

int hn_cli_words_apply(const char *cmd, const char *words, hn_cli_train_cfg *c)
{
    char *copy = strdup(words), *s = copy, *w, **k = realloc(kept, (nkept + 1) * sizeof *kept);
    if (k) kept = k;
    if (!copy || !k) {
        free(copy);
        return hn_cli_usage_error(cmd, "out of memory");
    }
    kept[nkept++] = copy;
    while ((w = next_word(&s)) != NULL) {
        const struct option *t = NULL;
        char *arg = NULL, *eq = strchr(w, '=');
        if (eq) { /* --name=value */
            *eq = '\0';
            arg = eq + 1;
        }
        if (!strncmp(w, "--", 2)) t = option_of(w + 2);
        if (!t || !hn_cli_is_model_option(t->val) || (eq && !t->has_arg))
            return hn_cli_usage_error(cmd, "'%s' is not a training or feature option", w);
        if (t->has_arg == required_argument && !arg && !(arg = next_word(&s))) return hn_cli_missing_value(cmd, w);
        if (hn_cli_train_option(cmd, t->val, arg, c)) return HN_EXIT_USAGE;
    }
    return 0;
}

int hn_cli_words_join(char **out, const char *a, const char *b)
{
    size_t na = a ? strlen(a) : 0, nb = b ? strlen(b) : 0;
    if (!(*out = malloc(na + nb + 2))) return -1;
    snprintf(*out, na + nb + 2, "%s%s%s", na ? a : "", na && nb ? " " : "", nb ? b : "");
    return 0;
}
