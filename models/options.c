/* options.c - the training options: defaults, checks, names
 *
 * models/: src/base and libm only. One defaults function read by the
 * library and by --help; one check run before any work (the kind's own
 * checks come from its row in model.c's table). Called by train.c, dcd.c
 * and the layers above; calls model.c only.
 */
#include <math.h>
#include <string.h>

#include "models/models.h"

static const char *const optim_names[HN_OPTIM_COUNT] = {"adagrad", "sgd", "adam"};

const char *hn_optim_name(hn_optim o) { return (unsigned)o < HN_OPTIM_COUNT ? optim_names[o] : "?"; }

static const char *const solver_names[HN_SOLVER_COUNT] = {"sgd", "dcd"};

const char *hn_solver_name(hn_solver_kind s) { return (unsigned)s < HN_SOLVER_COUNT ? solver_names[s] : "?"; }

hn_status hn_solver_parse(const char *s, hn_solver_kind *out)
{
    int i;
    for (i = 0; i < HN_SOLVER_COUNT; i++)
        if (!strcmp(s, solver_names[i])) return *out = (hn_solver_kind)i, HN_OK;
    return HN_ERR_ARG;
}

hn_status hn_optim_parse(const char *s, hn_optim *out)
{
    int i;
    for (i = 0; i < HN_OPTIM_COUNT; i++)
        if (!strcmp(s, optim_names[i])) return *out = (hn_optim)i, HN_OK;
    return HN_ERR_ARG;
}

void hn_train_opts_default(hn_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 5;
    o->lr = 0.5;
    o->l2 = 1e-6;
    o->l1 = 0;
    o->optim = HN_OPTIM_ADAGRAD;
    o->loss = HN_LOSS_LOG;
    o->focal_gamma = 2;
    o->focal_alpha = 0.25;
    o->seed = 1;
    o->threads = 1;
    o->batch = 1;
    o->ohem_keep = 1.0;
    o->negative_class = -1;
    o->model = HN_MODEL_LINEAR;
    o->dim = 100;
    o->hidden[0] = 256;
    o->hidden[1] = 0;
    o->dropout = 0.5;
    o->solver = HN_SOLVER_SGD;
    o->C = 1.0;
    o->tol = 0;
    o->max_passes = 1000;
    o->bias_feature = 1.0;
}

hn_status hn_train_opts_check(const hn_train_opts *o, hn_err *err)
{
    if (o->epochs < 1 || o->epochs > 10000) return hn_err_set(err, HN_ERR_ARG, "--epochs must be in [1, 10000]");
    if (!isfinite(o->lr) || o->lr <= 0) return hn_err_set(err, HN_ERR_ARG, "--lr must be a finite number > 0");
    if (!isfinite(o->l2) || o->l2 < 0) return hn_err_set(err, HN_ERR_ARG, "--l2 must be a finite number >= 0");
    if (!isfinite(o->l1) || o->l1 < 0) return hn_err_set(err, HN_ERR_ARG, "--l1 must be a finite number >= 0");
    if (!isfinite(o->focal_gamma) || o->focal_gamma < 0)
        return hn_err_set(err, HN_ERR_ARG, "--focal-gamma must be a finite number >= 0");
    if (!(o->focal_alpha > 0 && o->focal_alpha < 1)) return hn_err_set(err, HN_ERR_ARG, "--focal-alpha must be in (0, 1)");
    if (o->threads < 1 || o->threads > 256) return hn_err_set(err, HN_ERR_ARG, "--threads must be in [1, 256]");
    if (o->deterministic != 0 && o->deterministic != 1) return hn_err_set(err, HN_ERR_ARG, "deterministic must be 0 or 1");
    if (o->batch < 1 || o->batch > 65536) return hn_err_set(err, HN_ERR_ARG, "--batch must be in [1, 65536]");
    if (!(o->ohem_keep > 0 && o->ohem_keep <= 1)) return hn_err_set(err, HN_ERR_ARG, "--ohem-keep must be in (0, 1]");
    if ((unsigned)o->loss >= HN_LOSS_COUNT || (unsigned)o->optim >= HN_OPTIM_COUNT ||
        (unsigned)o->solver >= HN_SOLVER_COUNT)
        return hn_err_set(err, HN_ERR_ARG, "unknown loss, optimizer or solver");
    if (o->solver == HN_SOLVER_DCD) {
        if (o->loss != HN_LOSS_LOG && o->loss != HN_LOSS_HINGE && o->loss != HN_LOSS_SQHINGE)
            return hn_err_set(err, HN_ERR_ARG, "--solver dcd takes --loss log, hinge or sqhinge (not %s)",
                              hn_loss_name(o->loss));
        if (!isfinite(o->C) || o->C <= 0) return hn_err_set(err, HN_ERR_ARG, "--C must be a finite number > 0");
        if (!isfinite(o->tol) || o->tol < 0) return hn_err_set(err, HN_ERR_ARG, "--tol must be a finite number >= 0");
        if (o->max_passes < 1 || o->max_passes > 100000)
            return hn_err_set(err, HN_ERR_ARG, "--max-passes must be in [1, 100000]");
        if (!isfinite(o->bias_feature) || o->bias_feature < 0 || o->bias_feature > 1e6)
            return hn_err_set(err, HN_ERR_ARG, "--bias must be a finite number in [0, 1e6]");
        if (o->l1 > 0) return hn_err_set(err, HN_ERR_ARG, "--l1 is for --solver sgd (dcd is L2-regularized: --C)");
        if (o->ohem_keep < 1 || o->batch > 1)
            return hn_err_set(err, HN_ERR_ARG, "--ohem-keep and --batch are for --solver sgd");
    }
    return hn_model_kind_check(o, err);
}
