/* cmd_mine.c - `hardneg mine`: the offline hard-negative miner
 *
 * src/cli. Options in, src/core/mine.h's hn_mine_run does the rounds; this
 * file prints the round table, writes the model, --mined and --report.
 * SIGINT/SIGTERM stop between steps: the best model so far is written and
 * the message says so (exit 1).
 */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/engines.h"
#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/cli/tune.h"
#include "src/core/container.h"
#include "src/core/mine.h"

enum {
    OPT_TRAIN = 3000, OPT_POOL, OPT_POOL_FORMAT, OPT_NEG, OPT_ROUNDS, OPT_PER_ROUND, OPT_SELECT, OPT_MAX_SCORE, OPT_MARGIN,
    OPT_DEDUPE, OPT_CACHE_LIMIT, OPT_EASY, OPT_RETRAIN, OPT_METRIC, OPT_PATIENCE, OPT_MINED, OPT_REPORT, OPT_MAX_DROP,
    OPT_LIKE, OPT_TUNE, OPT_TUNE_METRIC, OPT_AUDIT, OPT_EXCLUDE, OPT_SHARDS, OPT_SCORE_WITH, OPT_JOBS, OPT_SSH,
    OPT_WORK, OPT_WARM_START
};


static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg mine --train FILE --pool FILE [--pool FILE...] --valid FILE\n"
            "                    --negative-label L -o MODEL [options]\n"
            "\n"
            "Train, score the negative pool, add the hardest negatives to a cache, retrain,\n"
            "and repeat while the validation metric improves. Every pool line counts as the\n"
            "negative label. The best model (by validation) is written to MODEL.\n"
            "\n"
            "mining:\n"
            "  --rounds R            mining rounds after the initial model [5]\n"
            "  --pool FILE           a file of unlabeled lines (labels, if any, are ignored),\n"
            "                        every line a negative; repeat for several; - = standard input\n"
            "  --pool-format F       auto, fasttext, tsv, text, mail [auto]\n"
            "  --top K               most negatives added per round (alias --per-round) [1000]\n"
            "  --select S            misclassified (score >= threshold - margin) or top-loss\n"
            "                        (the K highest scores) [misclassified]\n"
            "  --margin M            also take 'nearly wrong' negatives within M [0.1]\n"
            "  --max-score S         skip pool lines scoring above S: likely mislabeled [0.99]\n"
            "  --dedupe D            exact or near (SimHash, also against cache and positives) [near]\n"
            "  --cache-limit N       most cached negatives, 0 = no limit [0]\n"
            "  --easy E              drop cached negatives whose score fell below E; 0 = keep\n"
            "                        (dropped lines are never mined again) [0]\n"
            "  --retrain             retrain from scratch each round [the default]\n"
            "  --warm-start          retrain each round from the previous round's solve: dcd\n"
            "                        keeps the dual variables of the lines it had (new lines\n"
            "                        start at 0): the same optimum as from scratch, in fewer\n"
            "                        passes; sgd and the MLP run their epochs from the previous\n"
            "                        model's weights (optimizer state starts afresh: not faster,\n"
            "                        and worse on CLINC150; see the README) [off]\n"
            "  --metric M            ap, f1, recall@P (binary); accuracy, balanced (mean of\n"
            "                        in-scope accuracy and negative recall), in-scope,\n"
            "                        negative-recall (recall of the negative label while\n"
            "                        in-scope accuracy stays within --max-drop of round 0),\n"
            "                        reject-recall (the same with a reject threshold chosen on\n"
            "                        --valid each round; the best round's is kept in the model)\n"
            "                        [binary: ap; multi-class: reject-recall]\n"
            "  --max-drop D          in-scope accuracy negative-recall and reject-recall may give\n"
            "                        up, against round 0 without a threshold [0.01]\n"
            "  --patience P          stop after P rounds without improvement [2]\n"
            "  --mined FILE          write every mined line: round<TAB>score<TAB>line\n"
            "  --report FILE.json    write the round table as JSON\n"
            "  --json                the same JSON on standard output (--report -)\n"
            "  --audit N FILE        write N mined lines, sampled by score band, for a person to\n"
            "                        check (pool lines may be positives in disguise)\n"
            "  --exclude FILE        never mine these lines: an audit or --mined file cut down to\n"
            "                        the real positives, or plain / labeled lines\n"
            "\n"
            "scoring the pool elsewhere (the selection is the same as scoring it here):\n"
            "  --pool-shards GLOB    the pool as shard files (quote the pattern), instead of --pool\n"
            "  --score-with E        local (threads here), parallel (GNU parallel; --jobs,\n"
            "                        --sshloginfile), slurm (a job array per round, sbatch --wait;\n"
            "                        $HARDNEG_SBATCH_OPTS adds options), or a template holding\n"
            "                        {cmd}, the score command of one shard, run once a shard with\n"
            "                        sh (e.g. 'ssh host {cmd}') [local]\n"
            "  --jobs N              parallel: shards at once [2]\n"
            "  --sshloginfile F      parallel: run on these hosts (GNU parallel's file)\n"
            "  --work-dir D          the rounds' models, hash files, commands and candidates;\n"
            "                        shared by the hosts [a new folder under $TMPDIR, removed]\n"
            "\n"
            "settings (else the options below, or their defaults):\n"
            "  --like MODEL          train as MODEL was trained: its stored training and feature\n"
            "                        options (see 'hardneg info'); options given here override\n"
            "  --tune SECONDS        first search the settings on --train/--valid for this long\n"
            "                        ('hardneg tune'), then mine with the best; options given\n"
            "                        here are fixed\n"
            "  --tune-metric M       what --tune maximizes (see 'hardneg tune --help')\n"
            "                        [binary: ap; else in-scope-accuracy]\n"
            "\n");
    hn_cli_train_help(out);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error (I/O, bad data, interrupted), 2 usage error\n");
}

static void write_report(FILE *f, const hn_mine_result *res)
{
    int32_t i;
    /* the two recalls are named for the task, as in the table on stderr */
    const char *k1 = res->binary ? "positive_recall" : "in_scope_accuracy";
    const char *k2 = res->binary ? "negative_recall" : "oos_recall";
    fprintf(f, "{\"metric\":\"%s\",\"best_round\":%d,\"rounds\":[", hn_mine_metric_name(res->metric),
            (int)res->best_round);
    for (i = 0; i < res->nrows; i++) {
        const hn_mine_round *r = &res->rows[i];
        fprintf(f,
                "%s{\"round\":%d,\"pool_scored\":%lld,\"misclassified\":%lld,\"above_ceiling\":%lld,"
                "\"duplicates_exact\":%lld,\"duplicates_near\":%lld,\"selected\":%lld,\"cache\":%lld,"
                "\"cache_dropped\":%lld,\"excluded\":%lld,",
                i ? "," : "", (int)r->round, (long long)r->scored, (long long)r->misclassified,
                (long long)r->above_ceiling, (long long)r->dup_exact, (long long)r->dup_near, (long long)r->selected,
                (long long)r->cache, (long long)r->dropped, (long long)r->excluded);
        if (r->below_floor) fprintf(f, "\"metric\":null,\"below_floor\":true,");
        else fprintf(f, "\"metric\":%.17g,\"below_floor\":false,", r->metric);
        if (r->has_threshold) fprintf(f, "\"threshold\":%.17g,", r->threshold);
        fprintf(f, "\"%s\":%.17g,\"%s\":%.17g,\"seconds\":%.3f}", k1, r->in_scope, k2, r->neg_recall, r->seconds);
    }
    fprintf(f, "]}\n");
}

static void print_row(const hn_mine_round *r, int best, const hn_mine_result *res, void *user)
{
    char metric[32], thr[32] = "";
    (void)user;
    if (r->round == 0)
        hn_log(HN_LOG_INFO, "mine: round     scored  miscls  excluded  selected    cache       metric  %s  %s%s  seconds",
               res->binary ? "pos-rec" : "in-scope", res->binary ? "neg-rec" : "oos-rec",
               r->has_threshold ? "  threshold" : "");
    if (r->below_floor) snprintf(metric, sizeof metric, "%s", "below floor"); /* in-scope fell more than --max-drop */
    else snprintf(metric, sizeof metric, "%.4f", r->metric);
    if (r->has_threshold) snprintf(thr, sizeof thr, "  %9.4f", r->threshold);
    hn_log(HN_LOG_INFO, "mine: %5d %10lld %7lld %9lld %9lld %8lld  %11s  %8.4f  %7.4f%s  %7.1f%s", (int)r->round,
           (long long)r->scored, (long long)r->misclassified, (long long)r->excluded, (long long)r->selected,
           (long long)r->cache, metric,
           r->in_scope, r->neg_recall, thr, r->seconds, best ? "  *best" : "");
}

/* Run, then write the model, the mined lines and the report. */
static int run(hn_mine_opts *o, const char *output, const char *mined_path, const char *report_path,
               const char *audit_path, const char *words)
{
    hn_mine_result res;
    hn_outfile mined, rep, audit;
    hn_err err;
    hn_status st;
    int rc = HN_EXIT_OK, have_mined = 0, have_audit = 0;
    memset(&res, 0, sizeof res);
    if (mined_path) {
        if ((st = hn_outfile_open(&mined, mined_path, &err)) != HN_OK) return hn_cli_fail_err("mine", st, &err);
        have_mined = 1;
        o->mined = mined.f;
    }
    if (audit_path) {
        if ((st = hn_outfile_open(&audit, audit_path, &err)) != HN_OK) {
            if (have_mined) hn_outfile_abort(&mined);
            return hn_cli_fail_err("mine", st, &err);
        }
        have_audit = 1;
        o->audit = audit.f;
    }
    if ((st = hn_mine_run(o, print_row, NULL, &hn_cli_stop, &res, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if (words && !(res.best->options = strdup(words))) {
        rc = hn_cli_fail("mine", "out of memory");
        goto done;
    }
    if ((st = hn_classifier_save(res.best, output, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if (res.interrupted) {
        hn_log(HN_LOG_ERROR, "mine: interrupted; wrote the best model so far (round %d) to %s", (int)res.best_round,
               output);
        rc = HN_EXIT_RUNTIME;
    } else {
        hn_log(HN_LOG_INFO, "mine: best round %d (%s %.4f); wrote %s", (int)res.best_round,
               hn_mine_metric_name(res.metric), res.best_metric, output);
    }
    if (report_path) {
        if ((st = hn_outfile_open(&rep, report_path, &err)) != HN_OK) {
            rc = hn_cli_fail_err("mine", st, &err);
            goto done;
        }
        write_report(rep.f, &res);
        if ((st = hn_outfile_commit(&rep, &err)) != HN_OK) {
            rc = hn_cli_fail_err("mine", st, &err);
            goto done;
        }
    }
done:
    if (have_mined) {
        /* the mined lines belong with the model that was written */
        if (res.best && (rc == HN_EXIT_OK || res.interrupted)) {
            if ((st = hn_outfile_commit(&mined, &err)) != HN_OK && rc == HN_EXIT_OK) rc = hn_cli_fail_err("mine", st, &err);
        } else {
            hn_outfile_abort(&mined);
        }
    }
    if (have_audit) {
        if (res.best && rc == HN_EXIT_OK) {
            if ((st = hn_outfile_commit(&audit, &err)) != HN_OK) rc = hn_cli_fail_err("mine", st, &err);
        } else {
            hn_outfile_abort(&audit);
        }
    }
    hn_mine_result_free(&res);
    return rc;
}

int cmd_mine(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"train", required_argument, NULL, OPT_TRAIN},
        {"pool", required_argument, NULL, OPT_POOL},
        {"negative-label", required_argument, NULL, OPT_NEG},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"per-round", required_argument, NULL, OPT_PER_ROUND},
        {"top", required_argument, NULL, OPT_PER_ROUND},
        {"pool-format", required_argument, NULL, OPT_POOL_FORMAT},
        {"select", required_argument, NULL, OPT_SELECT},
        {"max-score", required_argument, NULL, OPT_MAX_SCORE},
        {"margin", required_argument, NULL, OPT_MARGIN},
        {"dedupe", required_argument, NULL, OPT_DEDUPE},
        {"cache-limit", required_argument, NULL, OPT_CACHE_LIMIT},
        {"easy", required_argument, NULL, OPT_EASY},
        {"retrain", no_argument, NULL, OPT_RETRAIN},
        {"warm-start", no_argument, NULL, OPT_WARM_START},
        {"metric", required_argument, NULL, OPT_METRIC},
        {"patience", required_argument, NULL, OPT_PATIENCE},
        {"mined", required_argument, NULL, OPT_MINED},
        {"report", required_argument, NULL, OPT_REPORT},
        {"json", no_argument, NULL, 'j'},
        {"max-drop", required_argument, NULL, OPT_MAX_DROP},
        {"like", required_argument, NULL, OPT_LIKE},
        {"audit", required_argument, NULL, OPT_AUDIT},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"pool-shards", required_argument, NULL, OPT_SHARDS},
        {"score-with", required_argument, NULL, OPT_SCORE_WITH},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"sshloginfile", required_argument, NULL, OPT_SSH},
        {"work-dir", required_argument, NULL, OPT_WORK},
        {"tune", required_argument, NULL, OPT_TUNE},
        {"tune-metric", required_argument, NULL, OPT_TUNE_METRIC},
        HN_CLI_TRAIN_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_mine_opts mo;
    int retrain_given = 0;
    hn_cli_train_cfg cfg;
    const char *pools[64], *mined_path = NULL, *report_path = NULL, *audit_path = NULL;
    int c, rc, json = 0;
    long v;
    double x;
    hn_mine_opts_default(&mo);
    hn_cli_train_cfg_default(&cfg);
    cfg.fit.name = "mine";
    optind = 1;
    opterr = 0;
    /* reachable until the end: an early return is not a leak */
    static char *user_words;
    const char *like = NULL, *shards_glob = NULL, *score_with = "local", *work_dir = NULL;
    static glob_t shards; /* reachable until the end, as user_words */
    hn_engine eng;
    memset(&eng, 0, sizeof eng);
    eng.jobs = 2;
    long tune_budget = 0;
    hn_tune_opts to;
    hn_tune_opts_default(&to);
    for (;;) {
        int li = -1;
        if ((c = getopt_long(argc, argv, ":o:qvh", longopts, &li)) == -1) break;
        if (li >= 0 && hn_cli_is_model_option(c) &&
            hn_tune_note_option(&to, c, longopts[li].name, longopts[li].has_arg ? optarg : NULL) != 0)
            return hn_cli_fail("mine", "out of memory");
        user_words = to.fixed_words;
        switch (c) {
        case OPT_TRAIN: mo.train_path = optarg; break;
        case OPT_LIKE: like = optarg; break;
        case OPT_EXCLUDE: mo.exclude_path = optarg; break;
        case OPT_SHARDS: shards_glob = optarg; break;
        case OPT_SCORE_WITH: score_with = optarg; break;
        case OPT_JOBS:
            if (hn_cli_parse_long("mine", "--jobs", optarg, 1, 100000, &v)) return HN_EXIT_USAGE;
            eng.jobs = (int32_t)v;
            break;
        case OPT_SSH: eng.sshloginfile = optarg; break;
        case OPT_WORK: work_dir = optarg; break;
        case OPT_AUDIT:
            if (hn_cli_parse_long("mine", "--audit", optarg, 1, 100000000, &v)) return HN_EXIT_USAGE;
            mo.audit_n = v;
            if (optind >= argc || (argv[optind][0] == '-' && argv[optind][1]))
                return hn_cli_usage_error("mine", "--audit N FILE: missing FILE after %ld", v);
            audit_path = argv[optind++];
            break;
        case OPT_TUNE:
            if (hn_cli_parse_long("mine", "--tune", optarg, 1, 7 * 86400, &tune_budget)) return HN_EXIT_USAGE;
            break;
        case OPT_TUNE_METRIC: {
            hn_err e;
            if (hn_objective_parse(optarg, &to.metric, &e) != HN_OK) return hn_cli_usage_error("mine", "%s", e.msg);
            to.metric_set = 1;
            break;
        }
        case OPT_POOL:
            if (mo.npools == 64) return hn_cli_usage_error("mine", "at most 64 --pool files");
            pools[mo.npools++] = optarg;
            break;
        case OPT_NEG: mo.negative_label = optarg; break;
        case OPT_POOL_FORMAT:
            if (hn_format_parse(optarg, &mo.pool_ro.format) != HN_OK)
                return hn_cli_usage_error("mine", "--pool-format: unknown '%s' (auto, fasttext, tsv, text, mail)", optarg);
            break;
        case OPT_ROUNDS:
            if (hn_cli_parse_long("mine", "--rounds", optarg, 0, 1000, &v)) return HN_EXIT_USAGE;
            mo.rounds = (int32_t)v;
            break;
        case OPT_PER_ROUND:
            if (hn_cli_parse_long("mine", "--top", optarg, 1, 100000000, &v)) return HN_EXIT_USAGE;
            mo.select.per_round = v;
            break;
        case OPT_SELECT:
            if (!strcmp(optarg, "misclassified")) mo.select.mode = HN_SELECT_MISCLASSIFIED;
            else if (!strcmp(optarg, "top-loss")) mo.select.mode = HN_SELECT_TOP_LOSS;
            else return hn_cli_usage_error("mine", "--select: unknown '%s' (misclassified, top-loss)", optarg);
            break;
        case OPT_MAX_SCORE:
            if (hn_cli_parse_double("mine", "--max-score", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.select.max_score = x;
            break;
        case OPT_MARGIN:
            if (hn_cli_parse_double("mine", "--margin", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.select.margin = x;
            break;
        case OPT_DEDUPE:
            if (!strcmp(optarg, "exact")) mo.select.near_bits = -1;
            else if (!strcmp(optarg, "near")) mo.select.near_bits = 3;
            else return hn_cli_usage_error("mine", "--dedupe: unknown '%s' (exact, near)", optarg);
            break;
        case OPT_CACHE_LIMIT:
            if (hn_cli_parse_long("mine", "--cache-limit", optarg, 0, 1000000000, &v)) return HN_EXIT_USAGE;
            mo.cache_limit = v;
            break;
        case OPT_EASY:
            if (hn_cli_parse_double("mine", "--easy", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.easy = x;
            break;
        case OPT_RETRAIN:
            if (mo.warm_start) return hn_cli_usage_error("mine", "--retrain and --warm-start: choose one");
            retrain_given = 1;
            break;
        case OPT_WARM_START:
            if (retrain_given) return hn_cli_usage_error("mine", "--retrain and --warm-start: choose one");
            mo.warm_start = 1;
            break;
        case OPT_METRIC:
            if (hn_mine_metric_parse(optarg, &mo.metric, &mo.metric_arg) != HN_OK)
                return hn_cli_usage_error("mine", "--metric: unknown '%s' (ap, f1, recall@P, accuracy, balanced, "
                                                  "in-scope, negative-recall, reject-recall)", optarg);
            break;
        case OPT_PATIENCE:
            if (hn_cli_parse_long("mine", "--patience", optarg, 1, 1000, &v)) return HN_EXIT_USAGE;
            mo.patience = (int32_t)v;
            break;
        case OPT_MINED: mined_path = optarg; break;
        case OPT_REPORT: report_path = optarg; break;
        case 'j': json = 1; break;
        case OPT_MAX_DROP:
            if (hn_cli_parse_double("mine", "--max-drop", optarg, 0, 1, &mo.max_drop)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("mine", argv[optind - 1]);
        case '?': return hn_cli_unknown_option("mine", argv, optind);
        default:
            if (hn_cli_train_option("mine", c, optarg, &cfg)) return HN_EXIT_USAGE;
        }
    }
    if (optind < argc) return hn_cli_usage_error("mine", "unexpected argument '%s'", argv[optind]);
    if (!mo.train_path) return hn_cli_usage_error("mine", "missing --train FILE");
    if (shards_glob) {
        int g;
        size_t k;
        if (mo.npools) return hn_cli_usage_error("mine", "give --pool or --pool-shards, not both");
        if ((g = glob(shards_glob, 0, NULL, &shards)) != 0 || shards.gl_pathc == 0)
            return hn_cli_usage_error("mine", "--pool-shards '%s': no file matches", shards_glob);
        if (shards.gl_pathc > 64 && !strcmp(score_with, "local"))
            return hn_cli_usage_error("mine", "--pool-shards: %zu files; at most 64 with --score-with local",
                                      shards.gl_pathc);
        for (k = 0; k < shards.gl_pathc && k < 64; k++) pools[k] = shards.gl_pathv[k];
        mo.npools = shards.gl_pathc < 64 ? (int)shards.gl_pathc : 64;
    } else if (strcmp(score_with, "local") != 0) {
        return hn_cli_usage_error("mine", "--score-with %s needs --pool-shards GLOB", score_with);
    }
    if (!mo.npools) return hn_cli_usage_error("mine", "missing --pool FILE");
    if (!(mo.valid_path = cfg.valid)) return hn_cli_usage_error("mine", "missing --valid FILE");
    if (!mo.negative_label) return hn_cli_usage_error("mine", "missing --negative-label L");
    if (!cfg.output) return hn_cli_usage_error("mine", "missing -o MODEL");
    if ((rc = hn_cli_train_check("mine", &cfg)) != 0) return rc;
    if (like && tune_budget) return hn_cli_usage_error("mine", "--like and --tune both choose the settings: give one");
    if (tune_budget && (!strcmp(mo.train_path, "-") || !strcmp(mo.valid_path, "-")))
        return hn_cli_usage_error("mine", "--tune reads --train and --valid many times: give them as files");
    if (like || tune_budget) {
        char *words = NULL;
        if (like) {
            hn_classifier *lc = NULL;
            hn_err e;
            hn_status ls;
            const char *ins[1] = {like};
            if ((rc = hn_cli_check_files("mine", ins, 1, NULL, 0)) != 0) return rc;
            if ((ls = hn_classifier_load(like, &lc, &e)) != HN_OK) return hn_cli_fail_err("mine", ls, &e);
            if (!lc->options) {
                hn_classifier_free(lc);
                return hn_cli_usage_error("mine", "--like %s: the model does not say how it was trained (it was "
                                                  "made before models kept their options); give the options", like);
            }
            rc = hn_cli_words_join(&words, lc->options, user_words);
            hn_classifier_free(lc);
            if (rc != 0) return hn_cli_fail("mine", "out of memory");
        } else {
            hn_tune_result tr;
            to.user = cfg;
            to.user.fit.negative = mo.negative_label;
            to.workers = cfg.fit.train.threads;
            to.budget = (double)tune_budget;
            to.train_path = mo.train_path;
            to.valid_path = mo.valid_path;
            to.name = "mine: tune";
            hn_cli_signals_install();
            if ((rc = hn_tune_run(&to, &tr)) != HN_EXIT_OK) return rc;
            if (hn_cli_stop) {
                hn_tune_result_free(&tr);
                return hn_cli_fail("mine", "interrupted while tuning; nothing written");
            }
            hn_log(HN_LOG_INFO, "mine: tuned in %d trials: %s", (int)tr.ntrials, tr.best_args);
            rc = hn_cli_words_join(&words, user_words, tr.best_args);
            hn_tune_result_free(&tr);
            if (rc != 0) return hn_cli_fail("mine", "out of memory");
        }
        {
            /* the settings again from scratch: theirs, then the user's */
            hn_cli_train_cfg keep = cfg;
            hn_cli_train_cfg_default(&cfg);
            cfg.fit.name = "mine";
            rc = hn_cli_words_apply("mine", words, &cfg);
            cfg.output = keep.output;
            cfg.valid = keep.valid;
            cfg.ro = keep.ro;
            if (rc == 0) rc = hn_cli_train_check("mine", &cfg);
            if (rc != 0) {
                free(words);
                return rc;
            }
            hn_log(HN_LOG_INFO, "mine: training with %s", words);
        }
        free(user_words); /* joined into words */
        user_words = to.fixed_words = words; /* the model's options from now on */
    }
    if (json && report_path && strcmp(report_path, "-"))
        return hn_cli_usage_error("mine", "--json is --report -: give one of them");
    if (json) report_path = "-";
    if (report_path && !strcmp(report_path, "-") && !strcmp(cfg.output, "-"))
        return hn_cli_usage_error("mine", "the report and -o - both want standard output: give -o a file");
    {
        const char *ins[72], *outs[4] = {cfg.output, mined_path, report_path, audit_path};
        int nin = 0, i;
        ins[nin++] = mo.train_path;
        ins[nin++] = mo.valid_path;
        ins[nin++] = mo.exclude_path;
        ins[nin++] = like;
        for (i = 0; i < mo.npools; i++) ins[nin++] = pools[i];
        if ((rc = hn_cli_check_files("mine", ins, nin, outs, 4)) != 0) return rc;
    }
    mo.pools = pools;
    mo.fit = cfg.fit;
    mo.tok = cfg.tok;
    mo.ro = cfg.ro;
    mo.pool_ro.max_line_bytes = cfg.ro.max_line_bytes;
    mo.pool_ro.skip_bad = cfg.ro.skip_bad;
    memcpy(mo.pool_ro.label_prefix, cfg.ro.label_prefix, sizeof mo.pool_ro.label_prefix);
    mo.select.threads = cfg.fit.train.threads;
    {
        /* the pool is read once per round, --train and --valid twice (examples,
         * then the hashes of lines never to mine): standard input is kept in
         * a nameless file */
        char *spooled = NULL;
        int fd = -1, i, nstd = 0;
        for (i = 0; i < mo.npools; i++) nstd += !strcmp(pools[i], "-");
        nstd += !strcmp(mo.train_path, "-") + !strcmp(mo.valid_path, "-");
        if (nstd > 1) return hn_cli_usage_error("mine", "standard input can feed one of --train, --valid, --pool");
        if (nstd) {
            if ((rc = hn_cli_spool_stdin("mine", &spooled, &fd)) != 0) return rc;
            for (i = 0; i < mo.npools; i++)
                if (!strcmp(pools[i], "-")) pools[i] = spooled;
            if (!strcmp(mo.train_path, "-")) mo.train_path = spooled;
            if (!strcmp(mo.valid_path, "-")) mo.valid_path = spooled;
        }
        if (strcmp(score_with, "local") != 0) {
            eng.shards = (const char *const *)shards.gl_pathv;
            eng.nshards = (int)shards.gl_pathc;
            eng.pool_ro = mo.pool_ro;
            eng.score_threads = mo.select.threads;
            if ((rc = hn_engine_init(&eng, score_with, work_dir)) != 0) return rc;
            mo.score_pool = hn_engine_score_pool;
            mo.score_user = &eng;
        }
        hn_cli_signals_install();
        rc = run(&mo, cfg.output, mined_path, report_path, audit_path, user_words);
        hn_engine_done(&eng);
        if (fd >= 0) close(fd);
        free(spooled);
        free(user_words);
        user_words = NULL;
        return rc;
    }
}
