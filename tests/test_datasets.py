import os.path as osp
import re
import shutil

import pytest
import torch
from mmaction.registry import DATASETS

from _splits import expected_split
from conftest import REPO
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
    assert read_annotations(str(csv), 'csv') == [
        ('a/b.avi', 3), ('c/d.avi', 4)]
    broken = tmp_path / 'broken.txt'
    broken.write_text('a.mp4 1\nb.mp4\n')
    with pytest.raises(ValueError, match='broken.txt:2'):
        read_annotations(str(broken))
    out = tmp_path / 'out.txt'
    write_annotations(str(out), [('a.mp4', 1)], with_labels=False)
    assert out.read_text() == 'a.mp4\n'


def test_fine_grained_published_lists(tmp_path):
    """Diving48's JSON, FineGym's element list (+ extension) and
    FineDiving's pickles (action types sorted into class indices)."""
    import json
    import pickle
    d48 = tmp_path / 'Diving48_V2_train.json'
    d48.write_text(json.dumps([
        dict(vid_name='abc_00001', label=3, start_frame=0, end_frame=9),
        dict(vid_name='abc_00002', label=47, start_frame=0, end_frame=5)]))
    assert read_annotations(str(d48), 'diving48', '.mp4') == [
        ('abc_00001.mp4', 3), ('abc_00002.mp4', 47)]
    gym = tmp_path / 'gym99_train_element_v1.1.txt'
    gym.write_text('0LtLS9wROrk_E_002407_002435_A_0003_0005 68\n')
    assert read_annotations(str(gym), 'video', '.mp4') == [
        ('0LtLS9wROrk_E_002407_002435_A_0003_0005.mp4', 68)]
    anno = {('Tokyo2020', 0): ('307C', 80.0), ('Tokyo2020', 1): ('107B',),
            ('Worlds', 4): dict(action_type='5253B')}
    with open(tmp_path / 'fine.pkl', 'wb') as f:
        pickle.dump(anno, f)
    with open(tmp_path / 'train_split.pkl', 'wb') as f:
        pickle.dump([('Worlds', 4), ('Tokyo2020', 0)], f)
    # classes: 107B -> 0, 307C -> 1, 5253B -> 2
    assert read_annotations(str(tmp_path / 'fine.pkl'), 'finediving',
                            split_file=str(tmp_path / 'train_split.pkl')
                            ) == [('Worlds/4', 2), ('Tokyo2020/0', 1)]
    with pytest.raises(FileNotFoundError, match='split pickle'):
        read_annotations(str(tmp_path / 'fine.pkl'), 'finediving')


def test_published_labeled_list_leaves_the_rest_unlabeled(tmp_path):
    """VideoSSL's labeled-only rawframe list (HMDB51) against the training
    video list: labeled as the video list names them, the rest unlabeled;
    a foreign entry or another label is refused by name."""
    from mmsemi_action.datasets.semi_split import split_by_labeled_list
    train = [('sit/a.avi', 37), ('sit/b.avi', 37), ('kiss/c.avi', 22),
             ('kiss/d.avi', 22)]
    labeled, unlabeled = split_by_labeled_list(
        train, [('kiss/c', 22), ('sit/b', 37)])
    assert labeled == [('kiss/c.avi', 22), ('sit/b.avi', 37)]
    assert unlabeled == [('sit/a.avi', 37), ('kiss/d.avi', 22)]
    with pytest.raises(ValueError, match='sit/x is not in'):
        split_by_labeled_list(train, [('sit/x', 37)])
    with pytest.raises(ValueError, match='label 5'):
        split_by_labeled_list(train, [('sit/a', 5)])


def test_paper_configs_read_the_published_or_exact_k_splits():
    import glob
    from mmengine.config import Config
    paths = [p for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
             if re.search(r'_(ucf101|hmdb51)-\d+percent', p)]
    assert len(paths) > 40
    for path in paths:
        cfg = Config.fromfile(path)
        dataset = cfg.train_dataloader.dataset
        sources = ('labeled', 'unlabeled') if 'labeled' in dataset else ()
        anns = [dataset[s].ann_file for s in sources] or [dataset.ann_file]
        for ann in anns:
            assert expected_split(path) in ann, (path, ann)
            assert 'pct_seed' not in ann, (path, ann)
