"""Class-balanced labeled/unlabeled splits of MMAction2 annotation lists.

Works on any ``VideoDataset`` list (``path label``) such as the synthetic
sets, UCF101, HMDB51 or Kinetics-400, and converts the split lists published
with the seed papers' code into that format:

* ``rawframe``: ``frame_dir total_frames label`` (LTG / VideoSSL lists);
* ``csv``: ``path,label`` with an optional header (SVFormer lists).
"""
import csv
import math
import os.path as osp
from collections import defaultdict
from typing import List, Optional, Sequence, Tuple

import numpy as np

Entry = Tuple[str, int]


def read_annotations(path: str, fmt: str = 'video',
                     video_ext: str = '') -> List[Entry]:
    """Read ``(relative path, label)`` pairs from an annotation file.

    Args:
        path (str): the list file.
        fmt (str): ``'video'``, ``'rawframe'`` or ``'csv'``.
        video_ext (str): appended to entries of ``rawframe`` lists that name a
            frame folder (e.g. ``'.avi'``), so they point at videos.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'annotation file not found: {path}')
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
        name = row[0].strip()
        if fmt == 'rawframe' and video_ext:
            name += video_ext
        entries.append((name, int(row[-1])))
    if not entries:
        raise ValueError(f'annotation file {path} holds no entries')
    return entries


def make_split(entries: Sequence[Entry],
               labels_per_class: Optional[int] = None,
               percent: Optional[float] = None,
               seed: int = 0) -> Tuple[List[Entry], List[Entry]]:
    """Split entries into disjoint labeled and unlabeled lists.

    Exactly one of ``labels_per_class`` and ``percent`` is given. With
    ``percent``, each class keeps ``max(1, round(percent / 100 * n_c))``
    labeled entries (class-balanced, as in the papers' 1%/10% splits).
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


def write_annotations(path: str, entries: Sequence[Entry],
                      with_labels: bool = True) -> None:
    """Write a ``VideoDataset`` list (``path label`` or path only)."""
    with open(path, 'w') as f:
        for name, label in entries:
            f.write(f'{name} {label}\n' if with_labels else f'{name}\n')
