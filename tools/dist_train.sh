#!/usr/bin/env bash
# Distributed training with torchrun (PyTorch DDP under MMEngine): NCCL on
# GPUs, gloo on CPU. Multi-node: set NNODES, NODE_RANK, MASTER_ADDR.
#   bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
CONFIG=$1
NPROCS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
DIR=$(cd "$(dirname "$0")" && pwd)

PYTHONPATH="$DIR/..:$PYTHONPATH" \
python -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROCS" --master_port="$PORT" \
    "$DIR/train.py" "$CONFIG" --launcher pytorch "${@:3}"
