#!/bin/sh
# mining/engines/slurm.sh - run a mining round's shard commands as a Slurm
# job array and wait for it. `hardneg mine --score-with slurm` calls it:
#
#   sh slurm.sh COMMANDS FOLDER
#
# Task i of the array runs line i + 1 of COMMANDS (a `hardneg score` of one
# shard); logs go to FOLDER/task-<i>.log. `sbatch --wait` returns when every
# task has ended, non-zero if one failed; mine then merges the shards'
# candidates itself (the dependent step). FOLDER and every path in the
# commands must be visible on the compute nodes (mine's --work-dir on a
# shared file system). $HARDNEG_SBATCH_OPTS adds options to sbatch
# (partition, account, time limit).
set -eu
cmds=$1
dir=$2
n=$(wc -l < "$cmds")
[ "$n" -gt 0 ] || { echo "slurm.sh: $cmds holds no command" >&2; exit 1; }
cat > "$dir/task.sh" <<TASK
#!/bin/sh
line=\$(sed -n "\$((SLURM_ARRAY_TASK_ID + 1))p" '$cmds')
exec sh -c "\$line"
TASK
# shellcheck disable=SC2086
sbatch --wait --quiet --array=0-$((n - 1)) --output="$dir/task-%a.log" --chdir="$dir" \
    --job-name=hardneg-score ${HARDNEG_SBATCH_OPTS:-} "$dir/task.sh"
