#!/usr/bin/env bash
# Two simulated machines on this one: network namespaces pplx0 and pplx1 joined by a veth pair
# (10.231.0.1 and 10.231.0.2), the link shaped on both ends with netem (default: 1 Gbit/s and
# 0.5 ms each way), then runs a command and tears everything down (also on error or Ctrl-C).
#
#   scripts/netns_pair.sh [--rate 1gbit] [--delay 0.5ms] -- COMMAND [ARGS...]
#   scripts/netns_pair.sh --mpirun -- PERPLEX ARGS...    # one MPI rank in each namespace
#   scripts/netns_pair.sh --down                          # remove leftovers of an earlier run
#
# COMMAND runs in pplx0 (ping 10.231.0.2 reaches the other side). With --mpirun it is started as
# `mpirun -np 2` over TCP on the veth only (btl tcp,self: no shared memory between the ranks),
# rank 0 in pplx0 and rank 1 in pplx1: mpirun's rsh agent is a small script that runs Open MPI's
# daemon inside the namespace that owns the host's address. Extra mpirun options go in
# $MPIRUN_OPTIONS (e.g. "-x PERPLEX_THREADS=1"). Needs root, ip, tc (iproute2) and Open MPI;
# idempotent: a pair left by a killed run is replaced.
set -euo pipefail

rate=1gbit
delay=0.5ms
mode=run
while [ $# -gt 0 ]; do
    case "$1" in
    --rate) rate=$2; shift 2 ;;
    --delay) delay=$2; shift 2 ;;
    --mpirun) mode=mpirun; shift ;;
    --down) mode=down; shift ;;
    --) shift; break ;;
    *) echo "netns_pair.sh: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

ns=(pplx0 pplx1)
veth=(pplx-v0 pplx-v1)
addr=(10.231.0.1 10.231.0.2)
subnet=10.231.0.0/24
work=""

down() {
    for n in "${ns[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    # Deleting a namespace deletes its end of the pair and with it the other end; one left in
    # the root namespace by a half-made pair goes here.
    ip link del "${veth[0]}" 2>/dev/null || true
    [ -n "$work" ] && rm -rf "$work"
    return 0
}

[ "$(id -u)" = 0 ] || { echo "netns_pair.sh: needs root (network namespaces)" >&2; exit 1; }
for tool in ip tc; do command -v $tool >/dev/null || { echo "netns_pair.sh: $tool not found (apt-get install iproute2)" >&2; exit 1; }; done
if [ "$mode" = down ]; then down; exit 0; fi
[ $# -gt 0 ] || { echo "netns_pair.sh: give a command after --" >&2; exit 2; }

down
trap down EXIT
trap 'exit 130' INT TERM
for i in 0 1; do ip netns add "${ns[$i]}"; done
ip link add "${veth[0]}" netns "${ns[0]}" type veth peer name "${veth[1]}" netns "${ns[1]}"
for i in 0 1; do
    ip -n "${ns[$i]}" addr add "${addr[$i]}/24" dev "${veth[$i]}"
    ip -n "${ns[$i]}" link set lo up
    ip -n "${ns[$i]}" link set "${veth[$i]}" up
    # Each end delays and paces what it sends: both directions see the link's rate and latency.
    # A kernel without sch_netem (this project's machines: only pfifo, tbf, htb) gets the rate
    # alone, from a token bucket, and no added delay.
    if ! ip netns exec "${ns[$i]}" tc qdisc add dev "${veth[$i]}" root netem delay "$delay" rate "$rate" limit 10000 2>/dev/null; then
        ip netns exec "${ns[$i]}" tc qdisc add dev "${veth[$i]}" root tbf rate "$rate" burst "${NETNS_BURST:-64kb}" latency 50ms
        [ $i = 1 ] && echo "netns_pair.sh: no netem in this kernel: the link is shaped to $rate (tbf) without the $delay delay" >&2
    fi
done
if command -v ping >/dev/null; then
    ip netns exec "${ns[0]}" ping -c 1 -W 2 "${addr[1]}" >/dev/null || { echo "netns_pair.sh: the pair does not answer" >&2; exit 1; }
fi

if [ "$mode" = run ]; then
    ip netns exec "${ns[0]}" "$@"
    exit $?
fi

command -v mpirun >/dev/null || { echo "netns_pair.sh: mpirun not found (apt-get install openmpi-bin)" >&2; exit 1; }
work=$(mktemp -d /tmp/netns_pair.XXXXXX)
# The rsh agent: "agent HOST COMMAND..." runs COMMAND (a shell line) in the namespace owning HOST.
cat >"$work/agent" <<EOF
#!/usr/bin/env bash
host=\$1; shift
case "\$host" in
${addr[0]}) n=${ns[0]} ;;
${addr[1]}) n=${ns[1]} ;;
*) echo "netns agent: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$n" /bin/sh -c "\$*"
EOF
chmod +x "$work/agent"
printf '%s slots=1\n%s slots=1\n' "${addr[0]}" "${addr[1]}" >"$work/hosts"
# shellcheck disable=SC2086
ip netns exec "${ns[0]}" env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun -np 2 --hostfile "$work/hosts" --map-by node --bind-to none \
    --mca plm_rsh_agent "$work/agent" --mca btl tcp,self --mca btl_tcp_if_include "$subnet" \
    --mca oob_tcp_if_include "$subnet" --mca pml ob1 ${MPIRUN_OPTIONS:-} "$@"
