"""Class-balanced labeled/unlabeled splits of MMAction2 annotation lists.

Works on any ``VideoDataset`` list (``path label``) such as the synthetic
sets, UCF101, HMDB51 or Kinetics-400, and converts the split lists published
with the seed papers' code into that format:

* ``rawframe``: ``frame_dir total_frames label`` (LTG / VideoSSL lists);
* ``csv``: ``path,label`` with an optional header (SVFormer lists);
* ``diving48``: Diving48's JSON lists (``Diving48_V2_train.json``: records
  with ``vid_name`` and ``label``);
* ``finediving``: FineDiving's annotation pickle
  (``FineDiving_fine-grained_annotation.pkl``: ``(video, instance) ->``
  record whose first field, or ``action_type`` key, is the action type)
  read through a split pickle (``train_split.pkl``: a list of those keys);
  classes are the sorted action types of the annotation file, entries are
  ``video/instance``.

FineGym's element lists (``gym99_train_element_v1.1.txt``: ``element_id
label``) are ``video`` lists whose names need ``video_ext``.
"""
import csv
import json
import math
import os.path as osp
import pickle
from collections import defaultdict
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

Entry = Tuple[str, int]


def _read_diving48(path: str) -> List[Entry]:
    with open(path) as f:
        records = json.load(f)
    entries = []
    for k, record in enumerate(records):
        if not isinstance(record, dict) or not {'vid_name', 'label'} <= set(
                record):
            raise ValueError(f'{path}: record {k} lacks vid_name / label: '
                             f'{record!r}')
        entries.append((str(record['vid_name']), int(record['label'])))
    return entries


def _action_type(record):
    if isinstance(record, dict):
        return str(record['action_type'])
    return str(record[0])


def _read_finediving(path: str, split_file: Optional[str]) -> List[Entry]:
    if split_file is None or not osp.isfile(split_file):
        raise FileNotFoundError(
            'the finediving format reads the annotation pickle through a '
            f'split pickle (train_split.pkl / test_split.pkl): {split_file}')
    with open(path, 'rb') as f:
        annotations = pickle.load(f)
    with open(split_file, 'rb') as f:
        keys: Iterable = pickle.load(f)
    classes = sorted({_action_type(r) for r in annotations.values()})
    index = {name: i for i, name in enumerate(classes)}
    entries = []
    for key in keys:
        if key not in annotations:
            raise KeyError(f'{split_file}: {key!r} is not in {path}')
        video, instance = key
        entries.append((f'{video}/{instance}',
                        index[_action_type(annotations[key])]))
    return entries


def read_annotations(path: str, fmt: str = 'video',
                     video_ext: str = '',
                     split_file: Optional[str] = None) -> List[Entry]:
    """Read ``(relative path, label)`` pairs from an annotation file.

    Args:
        path (str): the list file.
        fmt (str): ``'video'``, ``'rawframe'``, ``'csv'``, ``'diving48'``
            or ``'finediving'``.
        video_ext (str): appended to every entry (e.g. ``'.avi'`` for the
            frame folders of a ``rawframe`` list, ``'.mp4'`` for Diving48's
            ``vid_name`` or FineGym's element ids), so they name videos.
        split_file (str, optional): FineDiving's split pickle.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'annotation file not found: {path}')
    if fmt in ('diving48', 'finediving'):
        entries = (_read_diving48(path) if fmt == 'diving48' else
                   _read_finediving(path, split_file))
        if not entries:
            raise ValueError(f'annotation file {path} holds no entries')
        return [(name + video_ext, label) for name, label in entries]
    entries = []
    with open(path, newline='') as f:
        rows = (list(csv.reader(f)) if fmt == 'csv' else
                [line.split() for line in f])
    for lineno, row in enumerate(rows, 1):
        if not row or not ''.join(row).strip():
            continue
        if fmt == 'csv' and lineno == 1 and not row[-1].strip().isdigit():
            continue  # header
        expected = dict(video=2, rawframe=3, csv=2).get(fmt)
        if expected is None:
            raise ValueError(f'unknown list format {fmt!r}')
        if len(row) != expected or not row[-1].strip().lstrip('-').isdigit():
            raise ValueError(
                f'{path}:{lineno}: expected {expected} fields ending in an '
                f'integer label for format {fmt!r}, got {row!r}')
        entries.append((row[0].strip() + video_ext, int(row[-1])))
    if not entries:
        raise ValueError(f'annotation file {path} holds no entries')
    return entries


def make_split(entries: Sequence[Entry],
               labels_per_class: Optional[int] = None,
               percent: Optional[float] = None,
               seed: int = 0,
               novel_classes: Sequence[int] = ()
               ) -> Tuple[List[Entry], List[Entry]]:
    """Split entries into disjoint labeled and unlabeled lists.

    Exactly one of ``labels_per_class`` and ``percent`` is given. With
    ``percent``, each class keeps ``max(1, round(percent / 100 * n_c))``
    labeled entries (class-balanced, as in the papers' 1%/10% splits).
    Classes in ``novel_classes`` get no labeled entry: all their entries
    go to the unlabeled list (the open-world protocol of FinePseudo,
    Table 4: unlabeled videos of classes absent from the labeled set).
    """
    if (labels_per_class is None) == (percent is None):
        raise ValueError('give exactly one of labels_per_class and percent')
    by_class = defaultdict(list)
    for entry in entries:
        by_class[entry[1]].append(entry)
    rng = np.random.default_rng(seed)
    labeled, unlabeled = [], []
    for label in sorted(by_class):
        items = by_class[label]
        if label in novel_classes:
            unlabeled += items
            continue
        if labels_per_class is not None:
            k = labels_per_class
        else:
            k = max(1, int(math.floor(percent / 100 * len(items) + 0.5)))
        if k > len(items):
            raise ValueError(f'class {label} has {len(items)} entries, fewer '
                             f'than the {k} labeled ones asked for')
        order = rng.permutation(len(items))
        labeled += [items[i] for i in order[:k]]
        unlabeled += [items[i] for i in order[k:]]
    return labeled, unlabeled


def _stem(name: str) -> str:
    root, ext = osp.splitext(name)
    return root if ext.lower() in ('.avi', '.mp4', '.webm', '.mkv') else name


def split_by_labeled_list(entries: Sequence[Entry],
                          labeled: Sequence[Entry],
                          where: str = 'the labeled list'
                          ) -> Tuple[List[Entry], List[Entry]]:
    """A published labeled list (e.g. VideoSSL's
    ``hmdb51_train_40_percent_labeled_split_1_rawframes.txt``, which has no
    unlabeled counterpart) against the full training list: the labeled
    entries as the training list names them, and every other training
    entry as unlabeled. Entries match by path without video extension; a
    labeled entry missing from the training list, or with another label,
    is refused by name."""
    by_stem = {_stem(name): (name, label) for name, label in entries}
    chosen, out = set(), []
    for name, label in labeled:
        key = _stem(name)
        if key not in by_stem:
            raise ValueError(f'{where}: {name} is not in the training list')
        if by_stem[key][1] != label:
            raise ValueError(
                f'{where}: {name} has label {label}, the training list '
                f'{by_stem[key][1]} (class numbering differs?)')
        chosen.add(key)
        out.append(by_stem[key])
    rest = [e for e in entries if _stem(e[0]) not in chosen]
    return out, rest


def open_world_relabel(entries: Sequence[Entry],
                       novel_classes: Sequence[int]) -> List[Entry]:
    """Number the known classes ``0 .. K - 1`` (in order) and the novel
    ones ``K ..`` after them, so that a recognizer head of ``K`` classes
    covers the labeled set; novel labels stay in the lists for logging."""
    classes = sorted({label for _, label in entries})
    missing = sorted(set(novel_classes) - set(classes))
    if missing:
        raise ValueError(f'novel classes {missing} have no entry')
    order = [c for c in classes if c not in novel_classes] + sorted(
        novel_classes)
    mapping = {c: i for i, c in enumerate(order)}
    return [(name, mapping[label]) for name, label in entries]


def write_annotations(path: str, entries: Sequence[Entry],
                      with_labels: bool = True) -> None:
    """Write a ``VideoDataset`` list (``path label`` or path only)."""
    with open(path, 'w') as f:
        for name, label in entries:
            f.write(f'{name} {label}\n' if with_labels else f'{name}\n')
