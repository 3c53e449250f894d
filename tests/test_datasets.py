import os.path as osp
import shutil

import pytest
import torch
from mmaction.registry import DATASETS

from mmsemi_action.datasets.semi_split import (make_split, read_annotations,
                                               write_annotations)

PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=2, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]


def build(root, ann_file, **kwargs):
    return DATASETS.build(
        dict(type='SemiVideoDataset', ann_file=ann_file,
             data_prefix=dict(video=root), pipeline=PIPELINE, **kwargs))


def copy_set(src, dst):
    shutil.copytree(src, dst)
    return str(dst)


def test_labeled_dataset_loads_real_videos(tiny_coarse):
    ds = build(tiny_coarse, osp.join(tiny_coarse, 'labeled.txt'),
               num_classes=8)
    assert len(ds) == 8
    item = ds[0]
    assert item['inputs'].shape == (1, 3, 4, 32, 32)
    assert 0 <= item['data_samples'].gt_label.item() < 8


def test_path_only_unlabeled_list(tiny_coarse, tmp_path):
    ann = tmp_path / 'unlabeled.txt'
    names = [line.split()[0] for line in open(
        osp.join(tiny_coarse, 'unlabeled.txt'))]
    ann.write_text('\n'.join(names) + '\n')
    ds = build(tiny_coarse, str(ann), num_classes=8, labeled=False)
    assert len(ds) == len(names)
    assert ds.get_data_info(0)['label'] == -1
    with pytest.raises(ValueError, match='has no label'):
        build(tiny_coarse, str(ann), num_classes=8)


def test_label_outside_class_range_names_line(tiny_coarse, tmp_path):
    ann = tmp_path / 'bad.txt'
    name = open(osp.join(tiny_coarse, 'labeled.txt')).readline().split()[0]
    ann.write_text(f'{name} 0\n{name} 8\n')
    with pytest.raises(ValueError, match=r'bad.txt:2 .*label 8 .*\[0, 8\)'):
        build(tiny_coarse, str(ann), num_classes=8)


def test_missing_and_empty_annotation(tiny_coarse, tmp_path):
    with pytest.raises(FileNotFoundError, match='nothere.txt'):
        build(tiny_coarse, str(tmp_path / 'nothere.txt'))
    empty = tmp_path / 'empty.txt'
    empty.write_text('')
    with pytest.raises(ValueError, match='empty.txt is empty'):
        build(tiny_coarse, str(empty))


def test_missing_video_named_or_skipped(tiny_coarse, tmp_path):
    ann = tmp_path / 'list.txt'
    lines = open(osp.join(tiny_coarse, 'unlabeled.txt')).readlines()[:3]
    ann.write_text(''.join(lines) + 'videos/ghost.mp4 1\n')
    with pytest.raises(FileNotFoundError, match='ghost.mp4'):
        build(tiny_coarse, str(ann))
    ds = build(tiny_coarse, str(ann), labeled=False, skip_unreadable=True)
    assert len(ds) == 3 and ds.num_skipped == 1


def test_corrupt_video_named_or_replaced(tiny_coarse, tmp_path):
    root = copy_set(tiny_coarse, tmp_path / 'set')
    lines = open(osp.join(root, 'unlabeled.txt')).readlines()[:4]
    bad = lines[0].split()[0]
    with open(osp.join(root, bad), 'wb') as f:
        f.write(b'not a video at all' * 10)
    ann = tmp_path / 'list.txt'
    ann.write_text(''.join(lines))
    ds = build(root, str(ann), labeled=False)
    with pytest.raises(RuntimeError, match=bad):
        ds[0]
    ds = build(root, str(ann), labeled=False, skip_unreadable=True)
    torch.manual_seed(0)
    item = ds[0]  # replaced by another, readable clip
    assert item['inputs'].shape == (1, 3, 4, 32, 32)
    assert ds.num_skipped >= 1


def test_split_is_class_balanced_disjoint_and_seeded():
    entries = [(f'v{i}.mp4', i % 4) for i in range(40)]
    labeled, unlabeled = make_split(entries, labels_per_class=3, seed=0)
    assert sorted(l for _, l in labeled) == sorted([0, 1, 2, 3] * 3)
    assert not set(labeled) & set(unlabeled)
    assert set(labeled) | set(unlabeled) == set(entries)
    assert make_split(entries, labels_per_class=3, seed=0)[0] == labeled
    assert make_split(entries, labels_per_class=3, seed=1)[0] != labeled
    pct, _ = make_split(entries, percent=20, seed=0)
    assert len(pct) == 8  # 2 of 10 per class
    with pytest.raises(ValueError, match='fewer than'):
        make_split(entries, labels_per_class=11)


def test_published_list_formats(tmp_path):
    raw = tmp_path / 'raw.txt'
    raw.write_text('ApplyEyeMakeup/v_1 120 0\nYoYo/v_2 90 100\n')
    assert read_annotations(str(raw), 'rawframe', '.avi') == [
        ('ApplyEyeMakeup/v_1.avi', 0), ('YoYo/v_2.avi', 100)]
    csv = tmp_path / 'split.csv'
    csv.write_text('path,label\na/b.avi,3\nc/d.avi,4\n')
    assert read_annotations(str(csv), 'csv') == [('a/b.avi', 3),
                                                  ('c/d.avi', 4)]
    broken = tmp_path / 'broken.txt'
    broken.write_text('a.mp4 1\nb.mp4\n')
    with pytest.raises(ValueError, match='broken.txt:2'):
        read_annotations(str(broken))
    out = tmp_path / 'out.txt'
    write_annotations(str(out), [('a.mp4', 1)], with_labels=False)
    assert out.read_text() == 'a.mp4\n'
