"""Write class-balanced labeled/unlabeled lists from an annotation file.

Works on any MMAction2 ``VideoDataset`` list (synthetic, UCF101, HMDB51,
Kinetics-400) and converts published split lists::

    # 1 label per class, 3 seeds
    python tools/data/make_semi_split.py \
        data/ucf101/ucf101_train_split_1_videos.txt \
        --labels-per-class 1 --seeds 0 1 2 --out-dir data/ucf101/semi
    # 1% of each class
    python tools/data/make_semi_split.py train.txt --percent 1 --out-dir semi
    # an LTG/VideoSSL rawframe list (``dir num_frames label``) to videos
    python tools/data/make_semi_split.py list.txt --format rawframe \
        --video-ext .avi --convert-only --out-dir semi
    # Diving48's JSON list, 10% of each class
    python tools/data/make_semi_split.py data/diving48/Diving48_V2_train.json \
        --format diving48 --video-ext .mp4 --percent 10 --out-dir semi
    # FineGym99's element list, FineDiving's pickles
    python tools/data/make_semi_split.py gym99_train_element_v1.1.txt \
        --video-ext .mp4 --percent 5 --out-dir semi
    python tools/data/make_semi_split.py \
        FineDiving_fine-grained_annotation.pkl \
        --format finediving --split-file train_split.pkl --video-ext .mp4 \
        --percent 20 --out-dir semi
    # a published labeled list (VideoSSL / LTG: HMDB51 40/50/60%, UCF101
    # 5-50%, K400 1/10%), the rest of the training list unlabeled
    python tools/data/make_semi_split.py \
        data/hmdb51/hmdb51_train_split_1_videos.txt \
        --labeled-list hmdb51_train_40_percent_labeled_split_1_rawframes.txt \
        --labeled-format rawframe --tag videossl_40pct \
        --out-dir data/hmdb51/semi
    # open world (FinePseudo, Table 4): classes 40-47 unlabeled only; the
    # known classes renumbered 0..39 and the test list reduced to them
    python tools/data/make_semi_split.py train.txt --percent 10 \
        --novel-classes 40 41 42 43 44 45 46 47 --eval-lists test.txt \
        --out-dir semi

Outputs ``{out_dir}/{tag}_seed{s}/labeled.txt`` and ``unlabeled.txt`` (and
the known-class ``--eval-lists`` there).
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.join(osp.dirname(__file__), '..', '..'))

from mmsemi_action.datasets.semi_split import (  # noqa: E402
    make_split, open_world_relabel, read_annotations, split_by_labeled_list,
    write_annotations)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--labels-per-class', type=int)
    group.add_argument('--percent', type=float)
    group.add_argument('--labeled-list',
                       help='a published labeled list: the rest of '
                       'ann_file becomes the unlabeled list')
    group.add_argument('--convert-only', action='store_true',
                       help='only convert the list to VideoDataset format')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument(
        '--format', default='video',
        choices=['video', 'rawframe', 'csv', 'diving48', 'finediving'])
    parser.add_argument('--video-ext', default='',
                        help='appended to every entry, e.g. .mp4')
    parser.add_argument('--split-file',
                        help='FineDiving split pickle (train_split.pkl)')
    parser.add_argument('--novel-classes', type=int, nargs='+', default=[],
                        help='classes with no labeled video (open world): '
                        'known classes are renumbered first')
    parser.add_argument('--eval-lists', nargs='+', default=[],
                        help='with --novel-classes: evaluation lists '
                        '(same format) written with the known classes only')
    parser.add_argument('--labeled-format', default='rawframe',
                        choices=['video', 'rawframe', 'csv', 'diving48'],
                        help='format of --labeled-list')
    parser.add_argument('--tag', help='split folder name with '
                        '--labeled-list (default: its file name)')
    parser.add_argument('--path-only-unlabeled', action='store_true')
    parser.add_argument('--out-dir', required=True)
    args = parser.parse_args(argv)
    entries = read_annotations(args.ann_file, args.format, args.video_ext,
                               args.split_file)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.convert_only:
        out = osp.join(args.out_dir, osp.basename(args.ann_file))
        write_annotations(out, entries)
        print(f'converted {len(entries)} entries to {out}')
        return
    if args.labeled_list:
        labeled, unlabeled = split_by_labeled_list(
            entries, read_annotations(args.labeled_list,
                                      args.labeled_format),
            where=args.labeled_list)
        tag = args.tag or osp.splitext(osp.basename(args.labeled_list))[0]
        split_dir = osp.join(args.out_dir, tag)
        os.makedirs(split_dir, exist_ok=True)
        write_annotations(osp.join(split_dir, 'labeled.txt'), labeled)
        write_annotations(osp.join(split_dir, 'unlabeled.txt'), unlabeled,
                          with_labels=not args.path_only_unlabeled)
        print(f'{split_dir}: {len(labeled)} labeled, '
              f'{len(unlabeled)} unlabeled')
        return
    if args.labels_per_class is None and args.percent is None:
        parser.error('give --labels-per-class, --percent or --convert-only')
    tag = (f'{args.labels_per_class}pc' if args.labels_per_class is not None
           else f'{args.percent:g}pct')
    novel = args.novel_classes
    if args.eval_lists and not novel:
        parser.error('--eval-lists needs --novel-classes')
    evals = {}
    if novel:
        tag += '_open-world'
        num_known = len({y for _, y in entries} - set(novel))
        for path in args.eval_lists:
            relabeled = open_world_relabel(
                read_annotations(path, args.format, args.video_ext,
                                 args.split_file) + entries, novel)
            evals[osp.basename(path)] = [
                e for e in relabeled[:-len(entries)] if e[1] < num_known]
        renumbered = dict(zip(entries, open_world_relabel(entries, novel)))
    for seed in args.seeds:
        labeled, unlabeled = make_split(entries, args.labels_per_class,
                                        args.percent, seed, novel)
        if novel:
            labeled = [renumbered[e] for e in labeled]
            unlabeled = [renumbered[e] for e in unlabeled]
        split_dir = osp.join(args.out_dir, f'{tag}_seed{seed}')
        os.makedirs(split_dir, exist_ok=True)
        for name, kept in evals.items():
            write_annotations(osp.join(split_dir, name), kept)
        write_annotations(osp.join(split_dir, 'labeled.txt'), labeled)
        write_annotations(
            osp.join(split_dir, 'unlabeled.txt'), unlabeled,
            with_labels=not args.path_only_unlabeled)
        print(f'{split_dir}: {len(labeled)} labeled, '
              f'{len(unlabeled)} unlabeled')


if __name__ == '__main__':
    main()
