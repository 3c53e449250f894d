"""Accuracy of the semi-supervised methods against their bounds.

For each labels-per-class setting and seed, trains through the real runner
and real configs, with the same backbone and iteration budget:

* ``supervised``: the recognizer on the labeled subset (lower bound);
* ``supervised_all``: the recognizer on every training label (upper bound);
* ``fixmatch``, ``mean_teacher``, ``cmpl``, ``ltg``, ``acl_mtl``: the
  semi-supervised methods, and ``acl_mtl_base``, ACL+MTL's teacher-student
  base (Eq. 1-3, no ACL, no MTL) on the same clips;

evaluates the *final* checkpoint with the standard test pipeline and writes
``OUT/results.csv`` (one row per run) and ``OUT/results.md`` (mean ± std,
gap closed = (method - lower) / (upper - lower), pseudo-label accuracy and
mask ratio at the end of training, wall time) and ``OUT/top1_vs_labels.png``
(mean top-1 per labels setting, bars = std over seeds). Finished runs are
read back from ``OUT/runs/*/result.json``, so an interrupted sweep resumes
and a sweep can be extended; the table and plot cover every finished run
in ``OUT``.

    python tools/benchmark/semi_benchmark.py --family coarse \
        --labels-per-class 10 --seeds 0 1 2 --out work_dirs/benchmark
    python tools/benchmark/semi_benchmark.py --quick --out work_dirs/quick
    # your own clips: DIR/labeled.txt, DIR/unlabeled.txt, DIR/val.txt
    python tools/benchmark/semi_benchmark.py --data DIR --out OUT
"""
import argparse
import csv
import json
import os
import os.path as osp
import re
import statistics
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

CONFIGS = dict(
    supervised='configs/supervised/'
    'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-labeled.py',
    supervised_all='configs/supervised/'
    'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-all.py',
    fixmatch='configs/fixmatch/'
    'fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    mean_teacher='configs/mean_teacher/'
    'mean-teacher_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    cmpl='configs/cmpl/cmpl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    ltg='configs/ltg/ltg_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    acl_mtl_base='configs/acl_mtl/'
    'acl-mtl-base_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    acl_mtl='configs/acl_mtl/'
    'acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
)
SEMI_METHODS = ('fixmatch', 'mean_teacher', 'cmpl', 'ltg', 'acl_mtl_base',
                'acl_mtl')
#: config paths of every classification head (num_classes follows the data)
HEADS = dict(
    supervised=('model', ),
    supervised_all=('model', ),
    cmpl=('model.primary', 'model.auxiliary'),
    ltg=('model.primary', 'model.auxiliary'),
)
FIELDS = ('method', 'labels_per_class', 'seed', 'top1', 'top5',
          'pl_acc', 'mask_ratio', 'iters', 'wall_s')


def count_classes(*ann_files):
    """Number of classes, read from labeled annotation lists."""
    labels = set()
    for path in ann_files:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                if len(line.split()) != 2:
                    raise ValueError(f'{path}:{lineno}: expected '
                                     f'"path label", got {line.strip()!r}')
                labels.add(int(line.split()[1]))
    return max(labels) + 1


def schedule_options(iters):
    warmup = min(50, iters // 10)
    return {
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': iters,
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(1, iters // 20),
        'param_scheduler.0.end': warmup,
        'param_scheduler.1.begin': warmup,
        'param_scheduler.1.end': iters,
        'param_scheduler.1.T_max': iters - warmup,
    }


def warmup_options(config, iters):
    """A method's supervised warm-up (``semi_train_cfg.warmup_iters``,
    e.g. LTG, ACL+MTL) scaled with the iteration budget, so that short runs
    (``--quick``) keep the same share of warm-up."""
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    warmup = (cfg.model.get('semi_train_cfg') or {}).get('warmup_iters', 0)
    if not warmup:
        return {}
    return {'model.semi_train_cfg.warmup_iters':
            round(warmup * iters / cfg.train_cfg.max_iters)}


def data_options(method, data_root, labeled, unlabeled, val, num_classes,
                 all_labels):
    opts = {
        f'{head}.cls_head.num_classes': num_classes
        for head in HEADS.get(method, ('model.recognizer', ))
    }
    for split in ('val', 'test'):
        opts[f'{split}_dataloader.dataset.ann_file'] = val
        opts[f'{split}_dataloader.dataset.data_prefix.video'] = data_root
        opts[f'{split}_dataloader.dataset.num_classes'] = num_classes
    if method.startswith('supervised'):
        opts['train_dataloader.dataset.ann_file'] = (
            labeled if method == 'supervised' else all_labels)
        opts['train_dataloader.dataset.data_prefix.video'] = data_root
        opts['train_dataloader.dataset.num_classes'] = num_classes
    else:
        for source, ann in (('labeled', labeled), ('unlabeled', unlabeled)):
            key = f'train_dataloader.dataset.{source}'
            opts[f'{key}.ann_file'] = ann
            opts[f'{key}.data_prefix.video'] = data_root
            opts[f'{key}.num_classes'] = num_classes
    return opts


def format_options(opts):
    out = []
    for key, value in opts.items():
        if isinstance(value, list):
            value = '[' + ','.join(f'"{v}"' if isinstance(v, str) else str(v)
                                   for v in value) + ']'
        out.append(f'{key}={value}')
    return out


def last_scalars(work_dir):
    """pl_acc and mask ratio of the last logged iteration."""
    logs = sorted(
        (osp.join(root, f) for root, _, files in os.walk(work_dir)
         for f in files if f == 'scalars.json'), key=osp.getmtime)
    result = {}
    if not logs:
        return result
    with open(logs[-1]) as f:
        for line in f:
            entry = json.loads(line)
            for src, dst in (('unsup_pl_acc', 'pl_acc'),
                             ('unsup_mask_ratio', 'mask_ratio')):
                if src in entry:
                    result[dst] = entry[src]
    return result


def run_one(method, lpc, seed, data, iters, out_dir, python, extra=()):
    run_dir = osp.join(out_dir, 'runs', f'{method}_{lpc}pc_seed{seed}')
    result_file = osp.join(run_dir, 'result.json')
    if osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f)
    os.makedirs(run_dir, exist_ok=True)
    opts = data_options(method, **data)
    config = osp.join(REPO, CONFIGS[method])
    opts.update(schedule_options(iters))
    opts.update(warmup_options(config, iters))
    start = time.time()
    log = open(osp.join(run_dir, 'train.log'), 'w')
    subprocess.run([python, osp.join(REPO, 'tools', 'train.py'), config,
                    '--work-dir', run_dir, '--seed', str(seed),
                    '--cfg-options'] + format_options(opts) + list(extra),
                   check=True, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    wall = time.time() - start
    ckpt = osp.join(run_dir, f'iter_{iters}.pth')
    test = subprocess.run([python, osp.join(REPO, 'tools', 'test.py'),
                           config, ckpt, '--work-dir',
                           osp.join(run_dir, 'test'), '--cfg-options'] +
                          format_options(opts) + list(extra), check=True,
                          cwd=REPO,
                          capture_output=True, text=True)
    text = test.stdout + test.stderr
    result = dict(method=method, labels_per_class=lpc, seed=seed,
                  top1=float(re.search(r'acc/top1: ([0-9.]+)', text)[1]),
                  top5=float(re.search(r'acc/top5: ([0-9.]+)', text)[1]),
                  iters=iters, wall_s=round(wall, 1))
    if method in SEMI_METHODS:
        result.update(last_scalars(run_dir))
    with open(result_file, 'w') as f:
        json.dump(result, f)
    return result


def finished_runs(out_dir):
    """Results of every finished run in ``out_dir`` (all labels settings
    and seeds: a sweep can be extended a method, a setting or a seed at a
    time), in method order."""
    rows = []
    runs_dir = osp.join(out_dir, 'runs')
    for name in sorted(os.listdir(runs_dir)):
        result_file = osp.join(runs_dir, name, 'result.json')
        if osp.isfile(result_file):
            with open(result_file) as f:
                row = json.load(f)
            if row['method'] in CONFIGS:
                rows.append(row)
    order = list(CONFIGS)
    return sorted(rows, key=lambda r: (order.index(r['method']),
                                       str(r['labels_per_class']), r['seed']))


def summarise(rows):
    """Markdown table: mean ± std per method and labels setting (the mean
    alone where a setting has one seed)."""
    def stat(values):
        values = [v for v in values if v is not None]
        if not values:
            return '-'
        mean = f'{100 * statistics.mean(values):.1f}'
        if len(values) == 1:  # one seed: no spread to report
            return mean
        return f'{mean} ± {100 * statistics.stdev(values):.1f}'

    lines = ['| labels/class | method | top-1 (%) | top-5 (%) | gap closed |'
             ' pseudo-label acc (%) | mask ratio (%) | wall (s) | seeds |',
             '|---|---|---|---|---|---|---|---|---|']
    for lpc in sorted({r['labels_per_class'] for r in rows}):
        group = [r for r in rows if r['labels_per_class'] == lpc]
        mean_top1 = {
            m: statistics.mean(r['top1'] for r in group if r['method'] == m)
            for m in {r['method'] for r in group}
        }
        low, high = mean_top1.get('supervised'), mean_top1.get(
            'supervised_all')
        for method in CONFIGS:
            runs = [r for r in group if r['method'] == method]
            if not runs:
                continue
            gap = '-'
            if low is not None and high is not None and high > low:
                gap = f'{(mean_top1[method] - low) / (high - low):.2f}'
            wall = statistics.mean(r['wall_s'] for r in runs)
            lines.append(
                f'| {lpc} | {method} | {stat([r["top1"] for r in runs])} | '
                f'{stat([r["top5"] for r in runs])} | {gap} | '
                f'{stat([r.get("pl_acc") for r in runs])} | '
                f'{stat([r.get("mask_ratio") for r in runs])} | '
                f'{wall:.0f} | {len(runs)} |')
    return '\n'.join(lines) + '\n'


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for method in CONFIGS:
        runs = [r for r in rows if r['method'] == method]
        xs = sorted({r['labels_per_class'] for r in runs})
        if not xs:
            continue
        top1 = [[100 * r['top1'] for r in runs
                 if r['labels_per_class'] == x] for x in xs]
        ax.errorbar(xs, [statistics.mean(t) for t in top1],
                    yerr=[statistics.stdev(t) if len(t) > 1 else 0
                          for t in top1],
                    marker='o', capsize=3, label=method)
    ax.set_xscale('log')
    ticks = sorted({r['labels_per_class'] for r in rows
                    if isinstance(r['labels_per_class'], int)})
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlabel('labels per class')
    ax.set_ylabel('top-1 (%)')
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--family', choices=['coarse', 'fine'],
                        default='coarse')
    parser.add_argument('--labels-per-class', type=int, nargs='+',
                        default=[10])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--methods', nargs='+', default=list(CONFIGS),
                        choices=list(CONFIGS))
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--quick', action='store_true',
                        help='one seed, one labels setting, 300 iterations')
    parser.add_argument('--data', help='DIR with labeled.txt, unlabeled.txt '
                        'and val.txt (relative video paths)')
    parser.add_argument('--preset', default='benchmark',
                        help='synthetic size preset')
    parser.add_argument('--out', required=True)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='extra config overrides for every run (e.g. an '
                        'ablation; use a separate --out)')
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.iters = args.seeds[:1], 300
        args.labels_per_class = args.labels_per_class[:1]
    os.makedirs(args.out, exist_ok=True)
    python = sys.executable

    settings = []
    if args.data:
        root = osp.abspath(args.data)
        files = [osp.join(root, f'{n}.txt')
                 for n in ('labeled', 'unlabeled', 'val')]
        for path in files:
            if not osp.isfile(path):
                parser.error(f'--data: {path} is missing')
        # the upper bound trains on labeled + unlabeled lists with labels
        all_labels = osp.join(osp.abspath(args.out), 'all_labels.txt')
        with open(all_labels, 'w') as out:
            for path in files[:2]:
                with open(path) as f:
                    out.writelines(f)
        settings = [('custom', seed, dict(
            data_root=root, labeled=files[0], unlabeled=files[1],
            val=files[2], num_classes=count_classes(*files[:2]),
            all_labels=all_labels)) for seed in args.seeds]
    else:
        root = osp.abspath(osp.join(args.out, f'synthetic-{args.family}'))
        if not osp.isfile(osp.join(root, 'val.txt')):
            subprocess.run([
                python, osp.join(REPO, 'tools', 'data',
                                 'generate_synthetic.py'), root,
                '--family', args.family, '--preset', args.preset,
                '--labels-per-class'] + [str(k) for k in
                                         args.labels_per_class] +
                ['--split-seeds'] + [str(s) for s in args.seeds],
                check=True)
        for lpc in args.labels_per_class:
            for seed in args.seeds:
                split = osp.join(root, 'splits', f'{lpc}pc_seed{seed}')
                settings.append((lpc, seed, dict(
                    data_root=root,
                    labeled=osp.join(split, 'labeled.txt'),
                    unlabeled=osp.join(split, 'unlabeled.txt'),
                    val=osp.join(root, 'val.txt'),
                    num_classes=count_classes(osp.join(root, 'train.txt')),
                    all_labels=osp.join(root, 'train.txt'))))

    rows = []
    for lpc, seed, data in settings:
        for method in args.methods:
            print(f'== {method} labels/class={lpc} seed={seed}', flush=True)
            rows.append(run_one(method, lpc, seed, data, args.iters,
                                args.out, python, args.cfg_options))
            print(f'   top1={rows[-1]["top1"]:.4f}', flush=True)
    # the table covers every finished run in OUT, also those of methods,
    # settings or seeds not asked for this time
    rows = finished_runs(args.out)
    with open(osp.join(args.out, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, '') for k in FIELDS})
    table = summarise(rows)
    with open(osp.join(args.out, 'results.md'), 'w') as f:
        f.write(table)
    plot(rows, osp.join(args.out, 'top1_vs_labels.png'))
    print(table)


if __name__ == '__main__':
    main()
