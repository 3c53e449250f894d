"""TimeBalance stage 2: the temporal similarity score of every training
video (Eq. 5-6) from the two self-supervised teachers of stage 1.

    python tools/timebalance/score_videos.py \
        INVARIANT_CONFIG INVARIANT_CKPT DISTINCTIVE_CONFIG DISTINCTIVE_CKPT \
        --out work_dirs/timebalance/scores.json

Every video of the training lists of ``INVARIANT_CONFIG`` (labeled and
unlabeled alike) gives its ``n`` consecutive clips, sampled as in stage 1
but deterministically (centred span, no flip or colour jitter; a random
crop followed by a fixed-size ``Resize`` becomes the largest centred crop
of that size, so frames keep their aspect ratio instead of being squashed);
each teacher projects
them (one forward per clip and teacher, eval mode) and ``s`` is the mean
off-diagonal cosine similarity of both teachers' ``n x n`` matrices. The
output maps each video's path (as listed, after ``data_prefix``) to ``s``
and is rewritten after every batch: a rerun skips the videos it holds
(resume).

Across processes (``torchrun --nproc_per_node N ... --launcher pytorch``,
gloo on CPU, NCCL on GPUs) each rank scores every ``N``-th video of each
batch of ``N x batch_size``; the scores are gathered and rank 0 writes the
file, which then equals the one-process file.
"""
import argparse
import copy
import json
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.dist import (all_gather_object, get_dist_info, init_dist,
                           is_main_process)
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint

import mmsemi_action  # noqa: F401
from mmaction.registry import DATASETS, MODELS
from mmsemi_action.models.temporal_similarity import \
    temporal_similarity_score

#: transforms of a stage-1 branch pipeline kept for scoring (deterministic)
KEEP = ('SelectViewFrames', 'Resize', 'CenterCrop', 'FormatShape',
        'PackActionInputs')
#: random crops followed by a fixed-size Resize (RandomCrop is separate)
RANDOM_CROPS = ('RandomResizedCrop', 'MultiScaleCrop')


def deterministic_branch(transforms: list) -> list:
    """A branch pipeline without its random transforms. A random crop
    followed by ``Resize(scale=(w, h), keep_ratio=False)`` (the stage-1
    configs' crop-then-resize) becomes the largest centred ``w x h`` crop:
    ``Resize`` of the short side to ``max(w, h)``, then ``CenterCrop`` --
    the test-time counterpart of a random crop, not a squash of the whole
    frame (which would change the aspect ratio of non-square videos);
    ``RandomCrop(size)`` becomes ``CenterCrop(size)``. Other random
    transforms are dropped."""
    out, cropped = [], False
    for t in transforms:
        if t['type'] == 'RandomCrop':
            out.append(dict(type='CenterCrop', crop_size=t['size']))
            continue
        if t['type'] in RANDOM_CROPS:
            cropped = True
            continue
        if cropped and t['type'] == 'Resize' and not t.get(
                'keep_ratio', True) and isinstance(t['scale'], (list, tuple)):
            w, h = t['scale']
            out += [dict(type='Resize', scale=(-1, max(w, h))),
                    dict(type='CenterCrop', crop_size=(w, h))]
            cropped = False
            continue
        if t['type'] in KEEP:
            out.append(t)
    return out


def scoring_pipeline(cfg: Config, num_clips: int) -> list:
    """Stage 1's decode with ``test_mode`` and its clip branches reduced to
    their deterministic transforms."""
    pipeline = copy.deepcopy(training_sources(cfg)[-1].pipeline)
    out = []
    for transform in pipeline:
        if transform['type'] == 'SampleMultiViewFrames':
            transform['test_mode'] = True
        if transform['type'] == 'MultiBranch':
            names = [f'clip_{t}' for t in range(num_clips)]
            transform = dict(
                type='MultiBranch', branch_field=names,
                **{name: deterministic_branch(transform[name])
                   for name in names})
        out.append(transform)
    return out


def build_teacher(config: str, checkpoint: str, cfg_options=None):
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if cfg.model.get('type') != 'TemporalSelfSupervisedModel':
        raise ValueError(f'{config}: not a TimeBalance stage-1 config '
                         f'(model.type={cfg.model.get("type")!r})')
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    return cfg, model.eval()


def training_sources(cfg: Config) -> list:
    """The dataset configs stage 1 read: ``labeled`` and ``unlabeled`` of a
    ``SemiDataset``, or the one training list."""
    dataset = cfg.train_dataloader.dataset
    if dataset.get('type') == 'SemiDataset':
        return [dataset.labeled, dataset.unlabeled]
    return [dataset]


def videos(cfg: Config, pipeline: list):
    """The training lists as test-mode datasets with ``pipeline``."""
    for source in training_sources(cfg):
        sub = copy.deepcopy(source)
        sub.update(pipeline=pipeline, test_mode=True, labeled=False)
        yield DATASETS.build(sub)


@torch.no_grad()
def score(args) -> dict:
    init_default_scope('mmaction')
    cfg, inv = build_teacher(args.invariant_config, args.invariant_checkpoint,
                             args.cfg_options)
    _, dis = build_teacher(args.distinctive_config,
                           args.distinctive_checkpoint, args.cfg_options)
    if inv.num_clips != dis.num_clips:
        raise ValueError('the teachers were trained on different numbers of '
                         f'clips ({inv.num_clips} vs {dis.num_clips})')
    scores = {}
    if osp.isfile(args.out):
        with open(args.out) as f:
            scores = json.load(f)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    pipeline = scoring_pipeline(cfg, inv.num_clips)
    rank, world = get_dist_info()
    for dataset in videos(cfg, pipeline):
        names = [dataset.get_data_info(i)['filename']
                 for i in range(len(dataset))]
        todo = [i for i, name in enumerate(names) if name not in scores]
        for start in range(0, len(todo), args.batch_size * world):
            chunk = todo[start:start + args.batch_size * world][rank::world]
            local = {}
            if chunk:
                batch = pseudo_collate([dataset[i] for i in chunk])
                z = [model(model.data_preprocessor(batch)['inputs'],
                           mode='tensor') for model in (inv, dis)]
                local = {
                    names[i]: s for i, s in zip(
                        chunk, temporal_similarity_score(*z).tolist())}
            for part in (all_gather_object(local) if world > 1 else
                         [local]):
                scores.update(part)
            if is_main_process():
                tmp = args.out + '.tmp'
                with open(tmp, 'w') as f:
                    json.dump(scores, f, indent=0, sort_keys=True)
                os.replace(tmp, args.out)
            if args.max_videos and len(scores) >= args.max_videos:
                return scores
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('invariant_config')
    parser.add_argument('invariant_checkpoint')
    parser.add_argument('distinctive_config')
    parser.add_argument('distinctive_checkpoint')
    parser.add_argument('--out', required=True, help='score file (JSON)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--max-videos', type=int,
                        help='stop once the file holds this many scores')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='applied to both configs (e.g. data paths)')
    parser.add_argument('--launcher', choices=['none', 'pytorch'],
                        default='none', help='pytorch: one process per '
                        'rank under torchrun, videos split across ranks')
    args = parser.parse_args(argv)
    if args.launcher == 'pytorch':
        init_dist('pytorch')  # gloo on CPU (mmsemi_action.compat)
    scores = score(args)
    if is_main_process():
        print(f'wrote {len(scores)} scores to {args.out}')


if __name__ == '__main__':
    main()
