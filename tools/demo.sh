#!/usr/bin/env bash
# The README's first command (via `make demo`): generate the synthetic set,
# train supervised-only and FixMatch with `mim train mmaction`, evaluate the
# final checkpoints with tools/dist_test.sh (2 processes) and print top-1.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-data/synthetic-coarse}
WORK=${WORK:-work_dirs/demo}
ITERS=${ITERS:-2000}
LPC=${LPC:-10}

mkdir -p "$WORK"
if [ ! -f "$DATA/val.txt" ]; then
    python tools/data/generate_synthetic.py "$DATA" --preset benchmark \
        --labels-per-class "$LPC"
fi

SCHEDULE="train_cfg.max_iters=$ITERS train_cfg.val_interval=$ITERS \
default_hooks.checkpoint.interval=$ITERS param_scheduler.1.end=$ITERS \
param_scheduler.1.T_max=$((ITERS - 50)) default_hooks.logger.interval=50"

declare -A CONFIGS=(
    [supervised]=configs/supervised/supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-labeled.py
    [fixmatch]=configs/fixmatch/fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py
)
declare -A TOP1
for method in supervised fixmatch; do
    cfg=${CONFIGS[$method]}
    echo "== training $method ($ITERS iterations) with mim"
    mim train mmaction "$cfg" --gpus 0 --work-dir "$WORK/$method" \
        --seed 0 --cfg-options $SCHEDULE > "$WORK.$method.train.log" 2>&1 \
        || { tail -n 30 "$WORK.$method.train.log"; exit 1; }
    echo "== testing $method with tools/dist_test.sh (2 processes)"
    bash tools/dist_test.sh "$cfg" "$WORK/$method/iter_$ITERS.pth" 2 \
        --work-dir "$WORK/$method/test" > "$WORK.$method.test.log" 2>&1 \
        || { tail -n 30 "$WORK.$method.test.log"; exit 1; }
    TOP1[$method]=$(grep -o 'acc/top1: [0-9.]*' "$WORK.$method.test.log" \
        | tail -n 1 | cut -d' ' -f2)
done
echo
echo "top-1 on synthetic-coarse val, $LPC labels per class, $ITERS iterations:"
echo "  supervised-only: ${TOP1[supervised]}"
echo "  FixMatch:        ${TOP1[fixmatch]}"
