#!/bin/sh
# mining/engines/parallel.sh - run a mining round's shard commands with GNU
# parallel (Debian's `parallel`), on this machine or on the hosts of an
# --sshloginfile. `hardneg mine --score-with parallel` calls it:
#
#   sh parallel.sh COMMANDS JOBS [SSHLOGINFILE]
#
# COMMANDS holds one shell command a line (a `hardneg score` of one shard);
# JOBS run at once. The first failure stops the rest (--halt now,fail=1)
# and the exit status says so. With hosts, every path in the commands must
# be the same on every host (a shared folder: mine's --work-dir), and the
# hosts need the same hardneg at the same path.
set -eu
cmds=$1
jobs=$2
hosts=${3:-}
if [ -n "$hosts" ]; then
    exec parallel --will-cite --halt now,fail=1 --jobs "$jobs" --sshloginfile "$hosts" < "$cmds"
fi
exec parallel --will-cite --halt now,fail=1 --jobs "$jobs" < "$cmds"
