"""Write class-balanced labeled/unlabeled lists from an annotation file.

Works on any MMAction2 ``VideoDataset`` list (synthetic, UCF101, HMDB51,
Kinetics-400) and converts published split lists::

    # 1 label per class, 3 seeds
    python tools/data/make_semi_split.py data/ucf101/ucf101_train_split_1_videos.txt \
        --labels-per-class 1 --seeds 0 1 2 --out-dir data/ucf101/semi
    # 1% of each class
    python tools/data/make_semi_split.py train.txt --percent 1 --out-dir semi
    # an LTG/VideoSSL rawframe list (``dir num_frames label``) to videos
    python tools/data/make_semi_split.py list.txt --format rawframe \
        --video-ext .avi --convert-only --out-dir semi

Outputs ``{out_dir}/{tag}_seed{s}/labeled.txt`` and ``unlabeled.txt``.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.join(osp.dirname(__file__), '..', '..'))

from mmsemi_action.datasets.semi_split import (make_split,  # noqa: E402
                                               read_annotations,
                                               write_annotations)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--labels-per-class', type=int)
    group.add_argument('--percent', type=float)
    group.add_argument('--convert-only', action='store_true',
                       help='only convert the list to VideoDataset format')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--format', choices=['video', 'rawframe', 'csv'],
                        default='video')
    parser.add_argument('--video-ext', default='')
    parser.add_argument('--path-only-unlabeled', action='store_true')
    parser.add_argument('--out-dir', required=True)
    args = parser.parse_args(argv)
    entries = read_annotations(args.ann_file, args.format, args.video_ext)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.convert_only:
        out = osp.join(args.out_dir, osp.basename(args.ann_file))
        write_annotations(out, entries)
        print(f'converted {len(entries)} entries to {out}')
        return
    if args.labels_per_class is None and args.percent is None:
        parser.error('give --labels-per-class, --percent or --convert-only')
    tag = (f'{args.labels_per_class}pc' if args.labels_per_class is not None
           else f'{args.percent:g}pct')
    for seed in args.seeds:
        labeled, unlabeled = make_split(entries, args.labels_per_class,
                                        args.percent, seed)
        split_dir = osp.join(args.out_dir, f'{tag}_seed{seed}')
        os.makedirs(split_dir, exist_ok=True)
        write_annotations(osp.join(split_dir, 'labeled.txt'), labeled)
        write_annotations(
            osp.join(split_dir, 'unlabeled.txt'), unlabeled,
            with_labels=not args.path_only_unlabeled)
        print(f'{split_dir}: {len(labeled)} labeled, '
              f'{len(unlabeled)} unlabeled')


if __name__ == '__main__':
    main()
