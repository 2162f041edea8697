# make bench's tables of sections 7-9 (tests/bench/report.py): the 2/1
# ratio is 2 threads over 1, "same" / "DIFFER" land in the outputs column
# and never in a ratio, rows keep the section's order, counts print as
# integers, a failed tool's reason is printed under its table
set -e
R=$TMPDIR/results.tsv
printf 'section\tmetric\ttool\tvalue\n' > "$R"
# rows out of order on purpose: the section's own order must win
cat >> "$R" <<'TSV'
threads	predict_spam_wall_s	t1	0.86
threads	predict_spam_wall_s	t2	0.43
threads	predict_spam_mbps	t1	116.3
threads	predict_spam_mbps	t2	232.6
threads	predict_spam_mbps	same	same
threads	predict_spam_cpu_s	t1	0.84
threads	predict_spam_cpu_s	t2	0.90
threads	score_spam_wall_s	t1	1.20
threads	score_spam_wall_s	t2	0.80
threads	score_spam_mbps	t1	83.33
threads	score_spam_mbps	t2	125.0
threads	score_spam_mbps	same	DIFFER
mine1g	selected	local	166
mine1g	wall_s	local	20.00
mine1g	rss_mib	local	108.46
mine1g	pool_scored	local	297530
mine1g	mined_lines	local	166
mine1g	mined_lines	same	same
mine1g	wall_s	parallel	25.00
mine1g	cpu_s	local	30.10
mine1g	status	parallel	n/a (scored only in part)
explain	wall_all	explain	2.50
explain	rss_all	explain	23.7
explain	mbps_all	explain	40.00
explain	mbps_head	explain	41.00
explain	rss_head	explain	23.6
explain	mbps_head	predict	100.0
explain	mbps_all	predict	110.0
TSV
for s in threads mine1g explain; do
    /usr/bin/python3 tests/bench/report.py "$R" "$s"
done
