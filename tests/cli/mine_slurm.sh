# issue 18, item 4: mining rounds scored by a real Slurm cluster. A
# single-node cluster is started on this machine (munged, slurmctld and
# slurmd from Debian's munge and slurm-wlm, a generated slurm.conf, ports
# of its own), mine --score-with slurm runs every round as a job array
# (sbatch --array --wait), and the model, mined lines and report equal a
# local run's. The daemons are stopped at the end. Skipped, with the
# reason, when not root or the packages or daemons are missing.
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/engine.XXXXXX")  # files of its own, beside the runner's
skip() { echo "SKIP the Slurm run: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (the daemons need it)"
for p in munged slurmctld slurmd sbatch sinfo; do
    command -v $p > /dev/null || [ -x /usr/sbin/$p ] || skip "$p is missing (apt-get install munge slurm-wlm)"
done
PATH="$PATH:/usr/sbin"
host=$(hostname -s)
mkdir -p "$T/slurm/state" "$T/slurm/spool" "$T/munge"
# munge: its own socket and key, so a system munged is left alone
dd if=/dev/urandom of="$T/munge/key" bs=128 count=1 2> /dev/null
chmod 600 "$T/munge/key"
chown munge:munge "$T/munge" "$T/munge/key" 2> /dev/null || true
sock="$T/munge/munge.socket"
munged --force --key-file="$T/munge/key" --socket="$sock" --pid-file="$T/munge/munged.pid" \
    --log-file="$T/munge/munged.log" --seed-file="$T/munge/seed" 2> "$T/munge/start.err" ||
    skip "munged did not start: $(head -c 300 "$T/munge/start.err")"
cleanup() {
    [ -f "$T/slurm/slurmd.pid" ] && kill "$(cat "$T/slurm/slurmd.pid")" 2> /dev/null
    [ -f "$T/slurm/slurmctld.pid" ] && kill "$(cat "$T/slurm/slurmctld.pid")" 2> /dev/null
    [ -f "$T/munge/munged.pid" ] && kill "$(cat "$T/munge/munged.pid")" 2> /dev/null
    true
}
trap cleanup EXIT
base=$((20000 + $$ % 20000))
cat > "$T/slurm/slurm.conf" <<CONF
ClusterName=hardneg-test
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$T/slurm/state
SlurmdSpoolDir=$T/slurm/spool
SlurmctldPidFile=$T/slurm/slurmctld.pid
SlurmdPidFile=$T/slurm/slurmd.pid
SlurmctldLogFile=$T/slurm/slurmctld.log
SlurmdLogFile=$T/slurm/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm/slurm.conf"
slurmctld -i 2> "$T/slurm/ctld.err" || skip "slurmctld did not start: $(head -c 300 "$T/slurm/ctld.err")"
slurmd 2> "$T/slurm/d.err" || skip "slurmd did not start: $(head -c 300 "$T/slurm/d.err")"
i=0
until sinfo -h -o %t 2> /dev/null | grep -q idle; do
    i=$((i + 1))
    [ $i -lt 100 ] || skip "the node never became idle: $(tail -3 "$T/slurm/slurmd.log" 2> /dev/null)"
    sleep 0.2
done
echo "slurm: a one-node cluster is up ($host)"
mkdir "$T/shards"
split -l 27 -d $D/tiny_pool.txt "$T/shards/pool-"
run() {
    name=$1
    shift
    "$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool-shards "$T/shards/pool-*" \
        --negative-label ham --rounds 2 --top 5 --margin 0.3 --solver sgd --epochs 3 \
        -o "$T/$name.hn" --mined "$T/$name.tsv" --report "$T/$name.json" "$@"
}
run local
run slurm --score-with slurm --work-dir "$T/work"
cmp "$T/local.hn" "$T/slurm.hn"
cmp "$T/local.tsv" "$T/slurm.tsv"
/usr/bin/python3 - "$T/local.json" "$T/slurm.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in a["rounds"] + b["rounds"]:
    r.pop("seconds")
assert a == b, (a, b)
PY
ls "$T/work/round-1/task-0.log" > /dev/null
