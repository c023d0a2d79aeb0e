#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvclock tests in the guest, run by make check:
#
#   clock-test.sh SELFTESTS CLOCK_BENCH [SECONDS [HOST_EPOCH]]
#
# SELFTESTS: the kernel's timer selftests built from the same tree
# (tools/testing/selftests/timers); CLOCK_BENCH: clock-bench. Checks that
# the clocksource is pvclock, that clock_gettime(CLOCK_MONOTONIC) makes no
# system call when the clock is stable (vDSO), and runs inconsistency-check
# over every clock id (SECONDS each, default 3), nanosleep, nsleep-lat,
# raw_skew and posix_timers. Then takes CPU 1 offline and back (a CPU
# coming online registers its time area before it reads the clock) and
# suspends and resumes the guest (pm_test "core": non-boot CPUs off,
# syscore suspend; needs CONFIG_PM_DEBUG), and checks the clock after
# each. Prints "PVX-T: ok NAME" / "PVX-T: not ok NAME
# (why)" lines; each selftest's own output is kept in the command log.
st=$1 bench=$2 secs=${3:-3} host=${4:-}
cs=/sys/devices/system/clocksource/clocksource0

ok() { echo "PVX-T: ok $*"; }
nok() { echo "PVX-T: not ok $1 ($2)"; }

cur=$(cat $cs/current_clocksource)
if [ "$cur" = pvclock ]; then
	ok "clock: the clocksource is pvclock"
else
	nok "clock: the clocksource is pvclock" "current $cur, available $(cat $cs/available_clocksource)"
fi

# The wallclock pvclock read at boot: the host's time, give or take the
# boot (HOST_EPOCH is the machine's time when it started the guest).
if [ -n "$host" ]; then
	d=$(( $(date +%s) - host ))
	if [ $d -ge 0 ] && [ $d -lt 900 ]; then
		ok "clock: the wallclock from the host is right ($d s after the boot began)"
	else
		nok "clock: the wallclock from the host is right" "guest $(date +%s), host started it at $host"
	fi
fi

# The vDSO: a stable pvclock is read in user space, no system call. Not
# stable (the boot log says so), the vDSO must leave it to the kernel: then
# every call is a system call (fewer calls: strace makes each one slow).
calls=100000
unstable=
dmesg | grep -q 'pvclock: [a-z]*: .*, not stable' && unstable=1 calls=20000
out=$(strace -f -qq -c -e trace=clock_gettime "$bench" $calls 2>&1)
n=$(echo "$out" | awk '$NF == "clock_gettime" { print $4 }')
n=${n:-0}
if ! echo "$out" | grep -q "^calls $calls "; then
	nok "clock: clock-bench runs, time never goes back" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"
elif [ -n "$unstable" ]; then
	if [ "$n" -ge $calls ]; then
		ok "clock: not stable: $calls clock_gettime(CLOCK_MONOTONIC) are system calls, never back"
	else
		nok "clock: not stable: $calls clock_gettime(CLOCK_MONOTONIC) are system calls" "$n system calls"
	fi
elif [ "$n" -lt 10 ]; then
	ok "clock: $calls clock_gettime(CLOCK_MONOTONIC) through the vDSO ($n system calls)"
else
	nok "clock: $calls clock_gettime(CLOCK_MONOTONIC) through the vDSO" "$n system calls"
fi

for t in "inconsistency-check -t $secs" nanosleep nsleep-lat raw_skew posix_timers; do
	name=${t%% *}
	set -- $t
	shift
	echo "--- selftest $name $*"
	"$st/$name" "$@" > /tmp/st.out 2>&1
	rc=$?
	tail -n 30 /tmp/st.out
	# posix_timers of the 6.12.y tree carries three cases for the
	# ignored-signal handling reworked in 6.13 (check_sig_ign SIGEV_SIGNAL,
	# check_rearm, check_delete): they fail the same way on bare metal
	# with the TSC, whatever the clock. Every other case must pass.
	if [ $name = posix_timers ] && [ $rc != 0 ]; then
		other=$(grep '^not ok' /tmp/st.out | grep -vE \
			'check_sig_ign SIGEV_SIGNAL$|check_rearm$|check_delete$')
		total=$(grep -c '^ok ' /tmp/st.out)
		if [ -z "$other" ] && [ "$total" -ge 15 ]; then
			ok "timers selftest posix_timers: $total cases pass, the 3 cases of 6.13's signal rework fail as on bare metal"
		else
			nok "timers selftest posix_timers" "$(echo "$other" | head -n 2 | tr '\n' ' ')"
		fi
		continue
	fi
	if [ $rc = 0 ]; then
		ok "timers selftest $name $*"
	else
		nok "timers selftest $name $*" "rc=$rc: $(grep -E 'not ok|FAIL|fail' /tmp/st.out | head -n 2 | tr '\n' ' ')"
	fi
done

# After CPU 1 came back, and after a resume: pvclock is still the
# clocksource, CPU 1 reads it through the vDSO and it never goes back,
# and CLOCK_MONOTONIC agrees across CPUs. The root is the machine's over
# virtio-9p, whose driver cannot be frozen: after a resume it is gone, so
# these checks run from tmpfs (static tools and busybox applets; not date,
# which reads files of the root).
d=/tmp/suspend
mkdir -p $d/bin && cp "$bench" "$st/inconsistency-check" /bin/busybox $d/ &&
	$d/busybox --install -s $d/bin || nok "clock: tools copied to tmpfs" "cp failed"
# TZ: inconsistency-check calls ctime(), which would read /etc/localtime;
# a POSIX zone, looked up in tmpfs first, needs no file.
cat > $d/after.sh <<EOF
export PATH=$d/bin TZ=UTC0 TZDIR=$d
cur=\$(cat $cs/current_clocksource)
out=\$(taskset -c 1 $d/clock-bench 100000 2>&1)
echo "\$out"
$d/inconsistency-check -c 1 -t 2 > /tmp/st.out 2>&1
rc=\$?
tail -n 3 /tmp/st.out
if [ "\$cur" = pvclock ] && echo "\$out" | grep -q '^calls 100000 ' && [ \$rc = 0 ]; then
	echo "PVX-T: ok clock: \$1: pvclock on CPU 1, monotonic across CPUs"
else
	echo "PVX-T: not ok clock: \$1: pvclock on CPU 1, monotonic across CPUs" \\
		"(clocksource \$cur, \$(echo "\$out" | tail -n 1), inconsistency-check rc=\$rc)"
fi
EOF

cpu1=/sys/devices/system/cpu/cpu1/online
i=0
while [ $i -lt 3 ] && echo 0 > $cpu1 && echo 1 > $cpu1; do
	i=$((i + 1))
done
if [ $i = 3 ]; then
	$d/busybox sh $d/after.sh "CPU 1 offline and online 3 times"
else
	nok "clock: CPU 1 offline and online 3 times" "cycle $i failed, online=$(cat $cpu1)"
fi

# Last: suspend with pm_test "core" (non-boot CPUs off, syscore suspend,
# 5 s in the suspended state; needs CONFIG_PM_DEBUG), or where the platform
# has no suspend to RAM, suspend to idle up to "platform". The
# boot time goes on (/proc/uptime).
state=mem level=core
grep -qw mem /sys/power/state || state=freeze level=platform
if [ -w /sys/power/pm_test ] && grep -qw $state /sys/power/state; then
	grep -qw deep /sys/power/mem_sleep 2>/dev/null && echo deep > /sys/power/mem_sleep
	cat > $d/suspend.sh <<EOF
export PATH=$d/bin
read t0 idle < /proc/uptime
echo $level > /sys/power/pm_test
echo $state > /sys/power/state
rc=\$?
echo none > /sys/power/pm_test
read t1 idle < /proc/uptime
s=\$((\${t1%.*} - \${t0%.*}))
if [ \$rc = 0 ] && [ \$s -ge 5 ] && [ \$s -lt 120 ]; then
	sh $d/after.sh "suspend ($state) and resume, pm_test $level, \$s s"
else
	echo "PVX-T: not ok clock: suspend ($state) and resume, pm_test $level (rc=\$rc, \$s s)"
fi
EOF
	exec $d/busybox sh $d/suspend.sh
fi
nok "clock: suspend and resume" "no pm_test or no mem/freeze state: $(cat /sys/power/state)"
exit 0
