"""How good are TimeBalance's distillation targets on a split? Each
fine-tuned teacher of a finished run, their plain average and the TSTR
mixture ``p_T = s p_I + (1 - s) p_D`` (Eq. 7), scored against the hidden
labels of the split's unlabeled videos, with the distribution of ``s``
and whether it is higher where only the invariant teacher is right.

    python tools/benchmark/timebalance_targets.py RUN_DIR \
        --data DATA_ROOT --split SPLIT_DIR [--out FILE.json]

``RUN_DIR`` is a ``tools/timebalance/train.py --work-dir`` holding the
``teacher_invariant`` / ``teacher_distinctive`` runs and ``scores.json``
(stage 2); ``SPLIT_DIR`` holds ``labeled.txt`` and ``unlabeled.txt``. A
diagnostic only: the labels of the unlabeled videos are read here to
measure the targets, never by training. The teachers see each video
through their configs' test pipeline (deterministic), where the student's
training sees augmented clips, so the numbers describe the targets, not
the exact values a training step distils.
"""
import argparse
import copy
import glob
import json
import os
import os.path as osp
import statistics
import sys

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

import mmsemi_action  # noqa: F401,E402
from mmaction.registry import DATASETS, MODELS  # noqa: E402

TEACHERS = ('invariant', 'distinctive')


def run_config(work_dir: str) -> str:
    """The config the runner dumped into ``work_dir``."""
    found = glob.glob(osp.join(work_dir, '*.py'))
    if len(found) != 1:
        raise FileNotFoundError(f'{work_dir}: expected one dumped config, '
                                f'found {found}')
    return found[0]


def load_teacher(work_dir: str):
    """``(config, model)`` of a finished fine-tuning run: the config the
    runner dumped and its last checkpoint, in eval mode."""
    cfg = Config.fromfile(run_config(work_dir))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    return cfg, model.eval()


def split_dataset(cfg: Config, ann: str, data: str):
    """The config's test dataset (its deterministic pipeline) on the videos
    of ``ann`` under ``data``."""
    dataset_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
    dataset_cfg.update(ann_file=ann, data_prefix=dict(video=data))
    return DATASETS.build(dataset_cfg)


def write_json(result: dict, out: str = None) -> None:
    """Print ``result`` as JSON and, with ``out``, write it there too."""
    text = json.dumps(result, indent=1, sort_keys=True)
    if out:
        os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
        with open(out, 'w') as f:
            f.write(text + '\n')
    print(text)


@torch.no_grad()
def teacher_probs(cfg: Config, model, ann: str, data: str,
                  batch_size: int = 8) -> dict:
    """``{absolute path: (probabilities (K, ), label)}`` of one fine-tuned
    teacher on every video of ``ann`` (its test pipeline)."""
    dataset = split_dataset(cfg, ann, data)
    out = {}
    for start in range(0, len(dataset), batch_size):
        indices = range(start, min(start + batch_size, len(dataset)))
        for i, sample in zip(indices, model.test_step(
                pseudo_collate([dataset[i] for i in indices]))):
            info = dataset.get_data_info(i)
            out[osp.abspath(info['filename'])] = (
                sample.pred_score.float(), int(info['label']))
    return out


def summarize(probs: dict, scores: dict) -> dict:
    """Top-1 of each target against the labels; per class ``s`` and each
    teacher's top-1; the mean ``s`` of the videos only one teacher gets
    right (TSTR's premise: higher where only f_I is right)."""
    names = sorted(probs['invariant'])
    missing = [n for n in names if n not in scores]
    if missing:
        raise KeyError(f'scores.json has no score for {missing[0]} '
                       f'({len(missing)} videos missing)')
    labels = torch.tensor([probs['invariant'][n][1] for n in names])
    p = {t: torch.stack([probs[t][n][0] for n in names]) for t in TEACHERS}
    s = torch.tensor([float(scores[n]) for n in names])[:, None]
    targets = dict(
        invariant=p['invariant'], distinctive=p['distinctive'],
        average=0.5 * (p['invariant'] + p['distinctive']),
        tstr=s * p['invariant'] + (1 - s) * p['distinctive'])
    right = {k: v.argmax(1) == labels for k, v in targets.items()}
    top1 = {k: v.float().mean().item() for k, v in right.items()}
    per_class = {}
    for c in sorted(set(labels.tolist())):
        values = s[labels == c, 0].tolist()
        per_class[str(c)] = dict(
            mean=statistics.fmean(values),
            std=statistics.pstdev(values), videos=len(values),
            top1={t: right[t][labels == c].float().mean().item()
                  for t in TEACHERS})
    # TSTR's premise (Sec. 3.2): s is high where the invariant teacher is
    # the one to trust; s where exactly one teacher is right
    premise = {}
    for t, other in (TEACHERS, TEACHERS[::-1]):
        only = right[t] & ~right[other]
        premise[f'{t}_only'] = dict(
            videos=int(only.sum()),
            score_mean=s[only, 0].mean().item() if only.any() else None)
    flat = s[:, 0].tolist()
    return dict(
        videos=len(names), top1=top1,
        tstr_differs_from_average=(targets['tstr'].argmax(1) !=
                                   targets['average'].argmax(1)
                                   ).float().mean().item(),
        one_teacher_right=premise,
        score=dict(mean=statistics.fmean(flat), std=statistics.pstdev(flat),
                   min=min(flat), max=max(flat), per_class=per_class))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('run_dir', help='tools/timebalance/train.py '
                        '--work-dir of a finished run')
    parser.add_argument('--data', required=True, help='video root')
    parser.add_argument('--split', required=True,
                        help='DIR with labeled.txt and unlabeled.txt')
    parser.add_argument('--out', help='write the summary here (JSON)')
    args = parser.parse_args(argv)
    init_default_scope('mmaction')
    with open(osp.join(args.run_dir, 'scores.json')) as f:
        # keys as the run listed them: absolute, or relative to the repo
        # (tools/timebalance/train.py runs every stage there)
        scores = {osp.normpath(osp.join(REPO, k)): v
                  for k, v in json.load(f).items()}
    teachers = {t: load_teacher(osp.join(args.run_dir, f'teacher_{t}'))
                for t in TEACHERS}
    result = {}
    for part in ('unlabeled', 'labeled'):
        ann = osp.join(args.split, f'{part}.txt')
        probs = {t: teacher_probs(*teachers[t], ann, args.data)
                 for t in TEACHERS}
        result[part] = summarize(probs, scores)
    write_json(result, args.out)


if __name__ == '__main__':
    main()
