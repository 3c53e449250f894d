"""``VideoDataset`` with the input checks a semi-supervised run needs."""
import json
import os.path as osp
from typing import List, Optional

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import get_text
from mmengine.logging import print_log


@DATASETS.register_module()
class SemiVideoDataset(VideoDataset):
    """A ``VideoDataset`` that validates its list and can skip bad videos.

    Lines are ``path label`` or, for unlabeled lists, ``path`` alone (the
    label is then ``-1``). Labels of unlabeled videos, when present, are
    carried only so that pseudo-label accuracy can be logged; no loss reads
    them (see :class:`SemiBaseRecognizer`).

    Args:
        num_classes (int, optional): when given, every label must lie in
            ``[0, num_classes)`` (``-1`` is allowed when ``labeled=False``).
        labeled (bool): whether every line must carry a label.
        skip_unreadable (bool): drop missing videos at start-up and replace
            videos that fail to decode by another random sample, counting
            both, instead of raising. Meant for unlabeled sets.
        score_file (str, optional): a JSON map of video path -> score (e.g.
            TimeBalance's temporal similarity scores written by
            ``tools/timebalance/score_videos.py``); each sample then carries
            ``temporal_score`` (pack it with ``PackActionInputs(meta_keys=
            (..., 'temporal_score'))``). A listed video without a score is
            refused.
        **kwargs: see :class:`mmaction.datasets.VideoDataset`.
    """

    def __init__(self,
                 *args,
                 num_classes: Optional[int] = None,
                 labeled: bool = True,
                 skip_unreadable: bool = False,
                 score_file: Optional[str] = None,
                 **kwargs):
        self.labeled = labeled
        self.skip_unreadable = skip_unreadable
        self.score_file = score_file
        self.num_skipped = 0
        super().__init__(*args, num_classes=num_classes, **kwargs)

    def _parse(self) -> List[dict]:
        """``VideoDataset``'s lines (``path [label]``) with their line
        number (``lineno``) and whether the label was written; bad lines
        are refused with file and line."""
        data_list = []
        text = get_text(self.ann_file)
        for lineno, line in enumerate(text.splitlines(), 1):
            fields = line.strip().split(self.delimiter)
            if not line.strip():
                continue
            where = f'{self.ann_file}:{lineno}'
            if len(fields) > 2:
                raise ValueError(f'{where}: expected "path [label]", got '
                                 f'{line.strip()!r}')
            try:
                label = int(fields[1]) if len(fields) == 2 else -1
            except ValueError:
                raise ValueError(f'{where}: label {fields[1]!r} is not an '
                                 'integer') from None
            filename = fields[0]
            if self.data_prefix['video'] is not None:
                filename = osp.join(self.data_prefix['video'], filename)
            data_list.append(
                dict(filename=filename, label=label, lineno=lineno,
                     written_label=len(fields) == 2))
        return data_list

    def load_data_list(self):
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'annotation file not found: {self.ann_file}')
        if self.multi_class:
            data_list = super().load_data_list()
            for lineno, info in enumerate(data_list, 1):
                info.update(lineno=lineno, written_label=True)
        else:
            data_list = self._parse()
        if not data_list:
            raise ValueError(f'annotation file {self.ann_file} is empty')
        kept = []
        for info in data_list:
            label = info['label']
            written = info.pop('written_label')
            where = f'{self.ann_file}:{info["lineno"]} ({info["filename"]})'
            if self.labeled and label == -1:
                raise ValueError(
                    f'{where}: the labeled list needs a class index >= 0 '
                    + ('(-1 marks an unlabeled video: list it in the '
                       'unlabeled set, whose dataset has labeled=False)'
                       if written else '(the line has no label)'))
            if isinstance(label, int) and label < -1:
                raise ValueError(f'{where}: negative label {label}')
            if self.num_classes is not None and not (
                    0 <= label < self.num_classes or label == -1):
                raise ValueError(
                    f'{where}: label {label} is outside the class range '
                    f'[0, {self.num_classes}) set by num_classes')
            if not osp.isfile(info['filename']):
                if not self.skip_unreadable:
                    raise FileNotFoundError(f'{where}: video file not found')
                self.num_skipped += 1
                continue
            kept.append(info)
        if self.num_skipped:
            print_log(
                f'{self.ann_file}: skipped {self.num_skipped} missing videos',
                logger='current')
        if not kept:
            raise ValueError(f'{self.ann_file}: no readable video left')
        if self.score_file is not None:
            self._attach_scores(kept)
        return kept

    def _attach_scores(self, data_list: List[dict]) -> None:
        with open(self.score_file) as f:
            scores = json.load(f)
        missing = [info for info in data_list
                   if info['filename'] not in scores]
        if missing:
            first = missing[0]
            raise KeyError(
                f'{self.score_file} has no score for {len(missing)} videos of '
                f'{self.ann_file}, e.g. line {first["lineno"]} '
                f'({first["filename"]}): score every training video first')
        for info in data_list:
            info['temporal_score'] = float(scores[info['filename']])

    def prepare_data(self, idx):
        try:
            return super().prepare_data(idx)
        except Exception as error:
            filename = self.get_data_info(idx)['filename']
            if not self.skip_unreadable:
                raise RuntimeError(
                    f'failed to load video {filename} listed in '
                    f'{self.ann_file}: {error}') from error
            self.num_skipped += 1
            print_log(
                f'skipped unreadable video {filename} ({error}); '
                f'{self.num_skipped} skipped so far in this worker',
                logger='current')
            return None  # BaseDataset refetches a random other sample
