/* main.c - the hardneg command: dispatch to subcommands
 *
 * src/cli. One table drives both dispatch and `hardneg --help`, so they
 * cannot drift apart. Only main() exits; it closes stdout and checks the
 * result so that a full disk is an error, not a silent loss.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/base/version.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"tokenize", cmd_tokenize, "print the tokens or hashed features a model would see"},
    {"train", cmd_train, "train a classifier from labeled lines"},
    {"predict", cmd_predict, "label lines of text with a trained model"},
    {"eval", cmd_eval, "evaluate a model (or a file of scores): P/R/F1, MCC, ROC AUC, AP, PR curve"},
    {"threshold", cmd_threshold, "choose and store the decision threshold on validation data"},
    {"calibrate", cmd_calibrate, "fit and store calibrated probabilities (temperature, Platt, isotonic, priors)"},
    {"explain", cmd_explain, "which n-grams pushed each line toward or away from its label"},
    {"split", cmd_split, "stratified train/valid/test split of a labeled file"},
    {"tune", cmd_tune, "search training settings on validation data within a time budget"},
    {"mine", cmd_mine, "train, mine hard negatives from a pool, retrain, repeat"},
    {"score", cmd_score, "score one shard of a pool: its hardest negatives (map step)"},
    {"merge", cmd_merge, "merge shard outputs of score into one selection (reduce step)"},
    {"plot", cmd_plot, "PR curves of several binary models on one test file, as SVG"},
    {"info", cmd_info, "print what a model file holds"},
};

static void usage(FILE *out)
{
    size_t i;
    fprintf(out,
            "usage: hardneg <command> [options] [args]\n"
            "\n"
            "Text classification for imbalanced tasks, with hard-negative mining.\n"
            "\n"
            "commands:\n");
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(out,
            "  %-10s %s\n"
            "  %-10s %s\n"
            "\n"
            "'hardneg <command> --help' describes a command's options.\n"
            "'-' means standard input or output wherever a file is expected.\n"
            "\n"
            "exit status: 0 success, 1 runtime error (I/O, bad data, numeric), 2 usage error\n",
            "help", "print this help", "version", "print the version");
}

int main(int argc, char **argv)
{
    size_t i;
    int rc = -1;
    hn_cli_log_init();
    if (argc < 2) {
        usage(stderr);
        return HN_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        rc = HN_EXIT_OK;
    } else if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("hardneg %s\n", HN_VERSION);
        rc = HN_EXIT_OK;
    } else {
        for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (!strcmp(argv[1], commands[i].name)) {
                rc = commands[i].run(argc - 1, argv + 1);
                break;
            }
        }
        if (rc < 0) {
            fprintf(stderr, "hardneg: unknown command '%s'\nTry 'hardneg --help'.\n", argv[1]);
            return HN_EXIT_USAGE;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "hardneg: error writing standard output: %s\n", strerror(errno ? errno : EIO));
        if (rc == HN_EXIT_OK) rc = HN_EXIT_RUNTIME;
    }
    return rc;
}
