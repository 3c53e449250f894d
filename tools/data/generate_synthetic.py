"""Generate a synthetic motion-pattern video set with semi-supervised splits.

Example::

    python tools/data/generate_synthetic.py data/synthetic-coarse \
        --family coarse --preset benchmark --labels-per-class 10 \
        --split-seeds 0 1 2

writes ``videos/*.mp4``, ``train.txt`` (all labels, the upper bound),
``val.txt`` (for choosing settings), ``test.txt`` (for reported numbers
only), ``classes.txt`` and, for each split seed,
``splits/{k}pc_seed{s}/labeled.txt`` and ``.../unlabeled.txt``; the first
seed's split is also copied to ``labeled.txt`` / ``unlabeled.txt``.
"""
import argparse
import os
import os.path as osp
import shutil
import sys

sys.path.insert(0, osp.join(osp.dirname(__file__), '..', '..'))

from mmsemi_action.datasets.semi_split import (make_split,  # noqa: E402
                                               read_annotations,
                                               write_annotations)
from mmsemi_action.datasets.synthetic import (FAMILIES,  # noqa: E402
                                              PRESETS, generate_dataset)


def write_splits(out_dir, labels_per_class, seeds, unlabeled_with_labels):
    entries = read_annotations(osp.join(out_dir, 'train.txt'))
    first = None
    for seed in seeds:
        split_dir = osp.join(out_dir, 'splits',
                             f'{labels_per_class}pc_seed{seed}')
        os.makedirs(split_dir, exist_ok=True)
        labeled, unlabeled = make_split(
            entries, labels_per_class=labels_per_class, seed=seed)
        write_annotations(osp.join(split_dir, 'labeled.txt'), labeled)
        write_annotations(
            osp.join(split_dir, 'unlabeled.txt'), unlabeled,
            with_labels=unlabeled_with_labels)
        first = first or split_dir
    for name in ('labeled.txt', 'unlabeled.txt'):
        shutil.copy(osp.join(first, name), osp.join(out_dir, name))


#: labels per class of the default split of each preset (at most a
#: quarter of its training videos per class, so unlabeled videos remain)
DEFAULT_LABELS = dict(tiny=1, small=5, benchmark=10, long=10)


def preset_help() -> str:
    return '; '.join(
        f'{name}: {p["train_per_class"]} train + {p["val_per_class"]} val + '
        f'{p["test_per_class"]} test videos per class, {p["num_frames"]} '
        f'frames of {p["size"]}x{p["size"]}, {DEFAULT_LABELS[name]} '
        'labels per class'
        for name, p in PRESETS.items())


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out_dir')
    parser.add_argument('--family', choices=sorted(FAMILIES),
                        default='coarse')
    parser.add_argument('--preset', choices=sorted(PRESETS), default='small',
                        help=f'sizes ({preset_help()})')
    parser.add_argument('--train-per-class', type=int,
                        help='overrides the preset')
    parser.add_argument('--val-per-class', type=int,
                        help='overrides the preset')
    parser.add_argument('--test-per-class', type=int,
                        help='overrides the preset')
    parser.add_argument('--num-frames', type=int, help='overrides the preset')
    parser.add_argument('--size', type=int,
                        help='multiple of 32; overrides the preset')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the videos')
    parser.add_argument('--labels-per-class', type=int, nargs='+',
                        help='labeled videos per class of each split '
                        '(default: the preset\'s)')
    parser.add_argument('--split-seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--path-only-unlabeled', action='store_true',
                        help='write unlabeled lists without labels')
    args = parser.parse_args(argv)
    params = dict(PRESETS[args.preset])
    for key in ('train_per_class', 'val_per_class', 'test_per_class',
                'num_frames', 'size'):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    if args.labels_per_class is None:
        args.labels_per_class = [DEFAULT_LABELS[args.preset]]
    too_many = [k for k in args.labels_per_class
                if not 0 < k < params['train_per_class']]
    if too_many:
        parser.error(
            f'--labels-per-class {too_many} must lie in [1, '
            f'{params["train_per_class"] - 1}]: preset {args.preset!r} has '
            f'{params["train_per_class"]} training videos per class '
            '(--train-per-class) and some must stay unlabeled')
    generate_dataset(args.out_dir, family=args.family, seed=args.seed,
                     **params)
    for k in args.labels_per_class:
        write_splits(args.out_dir, k, args.split_seeds,
                     not args.path_only_unlabeled)
    print(f'wrote {args.family} set to {args.out_dir} ({params})')


if __name__ == '__main__':
    main()
