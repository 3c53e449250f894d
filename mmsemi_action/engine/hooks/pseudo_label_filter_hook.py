"""Offline pseudo-labelling rounds (self-training) with a filter."""
import copy
import json
import os
import os.path as osp
import zlib
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import HOOKS
from mmengine.dist import (all_reduce_params, broadcast_object_list,
                           collect_results, get_dist_info, is_distributed,
                           is_main_process)
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from ...random_state import get_rng_state, set_rng_state

STRATEGIES = ('confidence', 'verification', 'nonparametric')
STATE_KEY = 'pseudo_label_filter'


@HOOKS.register_module()
class PseudoLabelFilterHook(Hook):
    """Label the unlabeled set at each round boundary, keep what passes the
    filter, and train the next round on the labeled + kept videos
    (FinePseudo, Algorithm 1, lines 18-29; Sec. 3.2; Table 6).

    At iteration ``milestones[r]`` (after that many iterations) the hook

    1. averages the model's buffers over the ranks (BatchNorm statistics,
       as ``SyncBuffersHook``) and embeds the labeled videos with the
       model's alignability encoder: the gallery ``A`` (Sec. 3.2), gathered
       from every rank onto each rank's device;
    2. scores the unlabeled videos in batches (each rank a shard, results
       gathered and broadcast, so every rank takes the same decision): the
       class probabilities ``p_E`` and, per class ``c``, the mean
       alignability ``S_c`` to ``rho`` gallery videos of ``c`` drawn at
       random (Eq. 7; the draw is seeded by ``seed``, the round and the
       video's index: the same on any number of ranks);
    3. filters (``strategy``):

       * ``'confidence'``: ``max p_E > threshold``, label ``argmax p_E``
         (regular pseudo-labelling; the only strategy for models without an
         alignability encoder: any recognizer or semi-supervised model can
         use this hook for offline rounds);
       * ``'verification'``: that, and ``S_{y} > score_threshold`` for the
         predicted class ``y`` (Table 6, "label verification", 0.6);
       * ``'nonparametric'`` (default, FinePseudo): ``p_A = softmax(S /
         temperature)`` over the classes of the labeled set (Eq. 8), ``p =
         (p_A + p_E) / 2`` (Algorithm 1, line 20), keep ``max p >
         threshold``, label ``argmax p``;

       with ``min_alignability`` (open world, Table 4), ``'nonparametric'``
       and ``'verification'`` also require ``S_y > min_alignability`` for
       the label ``y`` given: ``p_A`` is relative (a softmax), so a video
       of a class absent from the labeled set, which aligns poorly with
       *every* class, can still get a peaked ``p_A``; ``S`` is trained as
       the probability that two videos share a class (Eq. 4), and 0.5 is
       its decision boundary (with ``'verification'`` the gate adds
       nothing unless it exceeds ``score_threshold``);
    4. writes ``<work_dir>/<out_dir>/round_<r>.txt`` (``path label`` of the
       kept videos, an MMAction2 list) and ``round_<r>.json`` (the round's
       statistics), logs ``pseudo/count`` and, where the unlabeled list
       carries labels, ``pseudo/acc`` (Table 6's columns) and
       ``pseudo/novel`` (kept videos whose true class is absent from the
       labeled set: the open-world protocol, Table 4);
    5. replaces the pseudo-labeled part of the training set
       (:class:`PseudoLabelDataset`) by the kept videos and restarts the
       sample stream (:meth:`SemiIterBasedTrainLoop.restart_sample_stream`).

    Each round labels the whole unlabeled set afresh; the gallery is the
    labeled set only (a video kept in round ``r`` is not in the gallery of
    round ``r + 1``, where it would vote for its own label): our reading of
    Algorithm 1, whose ``D_l`` grows. True labels of unlabeled videos are
    read only for the logged accuracy; no sample carries them.

    The model must provide ``class_probs(inputs)`` (else the softmax of
    its predictor's scores is used) and, for the strategies that read
    alignability, ``embed(inputs)`` and ``alignability(emb, gallery)``
    (:class:`FinePseudoRecognizer`). The scoring runs in eval mode, without
    effect on the training random state. The round, the pseudo-labels and
    the history are saved in every checkpoint; a run resumed inside a round
    or at its boundary continues exactly. Priority ``LOW``: a checkpoint
    written at a round boundary (``CheckpointHook``, ``VERY_LOW``) holds
    the new round.

    Args:
        milestones (list[int]): iterations after which a round starts,
            increasing, each below ``train_cfg.max_iters``.
        pipeline (list[dict]): test-time pipeline of the scoring (one clip
            per video, e.g. the validation pipeline).
        strategy (str): one of ``'confidence'``, ``'verification'``,
            ``'nonparametric'``.
        threshold (float): ``theta``. Defaults to 0.8 (our choice; the
            paper's is in its unavailable supplementary).
        score_threshold (float): alignability threshold of
            ``'verification'``. Defaults to 0.6 (Sec. 4.5).
        min_alignability (float, optional): the open-world gate above
            (our addition: the paper states the goal, not the rule).
            Defaults to None (no gate).
        gallery_samples (int): ``rho``, gallery videos per class (all of a
            class's videos when it has fewer). Defaults to 8.
        temperature (float): ``tau`` of Eq. 8. Defaults to 0.1.
        batch_size (int): scoring batch size per rank. Defaults to 8.
        num_workers (int): scoring data-loader workers. Defaults to 0.
        out_dir (str): folder under the work dir. Defaults to
            ``'pseudo_labels'``.
        seed (int): seed of the gallery draws. Defaults to 0.
    """

    priority = 'LOW'

    def __init__(self,
                 milestones: Sequence[int],
                 pipeline: Sequence[dict],
                 strategy: str = 'nonparametric',
                 threshold: float = 0.8,
                 score_threshold: float = 0.6,
                 min_alignability: Optional[float] = None,
                 gallery_samples: int = 8,
                 temperature: float = 0.1,
                 batch_size: int = 8,
                 num_workers: int = 0,
                 out_dir: str = 'pseudo_labels',
                 seed: int = 0) -> None:
        where = 'PseudoLabelFilterHook'
        milestones = [int(m) for m in milestones]
        if not milestones or any(m <= 0 for m in milestones) or any(
                b <= a for a, b in zip(milestones, milestones[1:])):
            raise ValueError(f'{where}: milestones must be positive and '
                             f'increasing, got {milestones}')
        if strategy not in STRATEGIES:
            raise ValueError(f'{where}: strategy must be one of {STRATEGIES}, '
                             f'got {strategy!r}')
        for name, value in (('threshold', threshold),
                            ('score_threshold', score_threshold)):
            if not 0 <= value < 1:
                raise ValueError(f'{where}: {name} must lie in [0, 1), got '
                                 f'{value} (no video would be kept)')
        if min_alignability is not None:
            if strategy == 'confidence':
                raise ValueError(
                    f'{where}: min_alignability needs an alignability '
                    "strategy ('nonparametric' or 'verification'), got "
                    "strategy='confidence'")
            if not 0 <= min_alignability < 1:
                raise ValueError(
                    f'{where}: min_alignability must lie in [0, 1), got '
                    f'{min_alignability} (no video would be kept)')
        if gallery_samples < 1 or temperature <= 0 or batch_size < 1:
            raise ValueError(
                f'{where}: gallery_samples and batch_size must be >= 1 and '
                f'temperature > 0, got {gallery_samples}, {batch_size}, '
                f'{temperature}')
        self.milestones = milestones
        self.pipeline = list(pipeline)
        self.strategy = strategy
        self.threshold = threshold
        self.score_threshold = score_threshold
        self.min_alignability = min_alignability
        self.gallery_samples = gallery_samples
        self.temperature = temperature
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.out_dir = out_dir
        self.seed = seed
        self.round = 0
        self.indices, self.labels, self.history = [], [], []

    # ------------------------------------------------------------------
    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def _check(self, runner) -> None:
        from ...datasets import PseudoLabelDataset
        from ..runner import SemiIterBasedTrainLoop
        loop = runner.train_loop
        dataset = loop.dataloader.dataset
        if not isinstance(dataset, PseudoLabelDataset):
            raise TypeError(
                'PseudoLabelFilterHook extends the training set: '
                "train_dataloader.dataset must be a PseudoLabelDataset "
                f'(labeled=..., unlabeled=...), got {type(dataset).__name__}')
        if not isinstance(loop, SemiIterBasedTrainLoop):
            raise TypeError('PseudoLabelFilterHook needs train_cfg.type='
                            "'SemiIterBasedTrainLoop'")
        if self.milestones[-1] >= loop.max_iters:
            raise ValueError(
                f'PseudoLabelFilterHook milestones {self.milestones} must be '
                f'below train_cfg.max_iters={loop.max_iters} (the last round '
                'would never train)')
        model = self._model(runner)
        if self.strategy != 'confidence' and not (
                hasattr(model, 'embed') and hasattr(model, 'alignability')):
            raise TypeError(
                f'PseudoLabelFilterHook strategy={self.strategy!r} needs a '
                'model with an alignability encoder (embed / alignability, '
                f'e.g. FinePseudoRecognizer); {type(model).__name__} has '
                "none: use strategy='confidence'")

    def before_train(self, runner) -> None:
        self._check(runner)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        done = runner.iter + 1
        if done in self.milestones and self.round == self.milestones.index(
                done):
            self._run_round(runner, done)

    # ------------------------------------------------------------------
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[STATE_KEY] = dict(
            round=self.round,
            indices=list(self.indices),
            labels=list(self.labels),
            history=copy.deepcopy(self.history))

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(STATE_KEY)
        if state is None or not getattr(runner, '_resume', False):
            return  # load_from: weights only, training starts at round 0
        self.round = state['round']
        self.indices, self.labels = state['indices'], state['labels']
        self.history = state['history']
        if self.round == 0:
            return
        sampler_state = checkpoint.get('message_hub', {}).get(
            'runtime_info', {}).get('semi_sampler', {})
        runner.train_loop.dataloader.dataset.set_pseudo_labels(
            self.indices, self.labels)
        runner.train_loop.restart_sample_stream(
            self.milestones[self.round - 1], seed=sampler_state.get('seed'))

    # ------------------------------------------------------------------
    def _loader(self, runner, source: str):
        cfg = copy.deepcopy(runner.cfg.train_dataloader['dataset'][source])
        # skip_unreadable kept: the scoring list drops the same missing
        # files as the training list, so indices stay aligned
        cfg.update(pipeline=copy.deepcopy(self.pipeline), test_mode=True)
        return runner.build_dataloader(
            dict(
                batch_size=self.batch_size,
                num_workers=self.num_workers,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=cfg))

    @staticmethod
    def _gather(results: list, size: int) -> list:
        """Results of every rank in dataset order, on every rank."""
        full = collect_results(results, size, device='cpu')
        holder = [full]
        if get_dist_info()[1] > 1:
            broadcast_object_list(holder)
        return holder[0]

    def _class_probs(self, model, inputs):
        if hasattr(model, 'class_probs'):
            return model.class_probs(inputs)
        from ...models.utils import recognizer_logits
        network = getattr(model, 'predictor', model)
        return F.softmax(recognizer_logits(network, inputs), dim=1)

    def _gallery_draw(self, idx: int, by_class: dict, num_classes: int):
        """``(num_classes, rho)`` gallery indices for unlabeled video
        ``idx`` (``-1`` padding) drawn per class."""
        generator = torch.Generator()
        generator.manual_seed(
            zlib.crc32(f'{self.seed}/{self.round}/{idx}'.encode()))
        draw = torch.full((num_classes, self.gallery_samples), -1,
                          dtype=torch.long)
        for c, members in by_class.items():
            order = torch.randperm(len(members), generator=generator)
            chosen = members[order[:self.gallery_samples]]
            draw[c, :len(chosen)] = chosen
        return draw

    @torch.no_grad()
    def score(self, runner) -> dict:
        """Score the unlabeled set: ``probs`` ``(N, C)`` (``p_E``),
        ``align`` ``(N, C)`` (``S_c``, NaN for classes without gallery
        videos; absent for ``'confidence'``), ``gt`` ``(N, )`` (-1 where
        unknown), ``gallery_classes`` and ``filenames``."""
        model = self._model(runner)
        data_preprocessor = model.data_preprocessor
        device = next(model.parameters()).device
        out = {}
        if self.strategy != 'confidence':
            loader = self._loader(runner, 'labeled')
            local = []
            for batch in loader:
                data = data_preprocessor(batch, False)
                emb = model.embed(data['inputs']).cpu()
                labels = [int(s.gt_label.item()) for s in data['data_samples']]
                local += list(zip(emb, labels))
            full = self._gather(local, len(loader.dataset))
            gallery = torch.stack([e for e, _ in full]).to(device)
            gallery_labels = torch.tensor([y for _, y in full])
            out['gallery_classes'] = sorted(set(gallery_labels.tolist()))
            by_class = {c: (gallery_labels == c).nonzero()[:, 0]
                        for c in out['gallery_classes']}
        loader = self._loader(runner, 'unlabeled')
        dataset = loader.dataset
        indices = iter(list(loader.sampler))
        local = []
        for batch in loader:
            data = data_preprocessor(batch, False)
            inputs = data['inputs']
            probs = self._class_probs(model, inputs).float().cpu()
            rows = [next(indices) for _ in range(len(probs))]
            align = None
            if self.strategy != 'confidence':
                num_classes = probs.shape[1]
                draws = torch.stack([
                    self._gallery_draw(i, by_class, num_classes)
                    for i in rows])  # (B, C, rho)
                emb = model.embed(inputs)
                chosen = gallery[draws.clamp(min=0).flatten(1).to(device)]
                scores = model.alignability(emb, chosen).float().cpu()
                scores = scores.view(draws.shape)
                valid = draws >= 0
                align = (scores * valid).sum(2) / valid.sum(2)  # NaN if none
            for k, i in enumerate(rows):
                local.append((probs[k], None if align is None else align[k]))
        full = self._gather(local, len(dataset))
        out['probs'] = torch.stack([p for p, _ in full])
        if self.strategy != 'confidence':
            out['align'] = torch.stack([a for _, a in full])
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        out['gt'] = torch.tensor([int(info['label']) for info in infos])
        out['filenames'] = [info['filename'] for info in infos]
        out['data_prefix'] = dataset.data_prefix.get('video') or ''
        return out

    def select(self, scores: dict):
        """Pseudo-labels ``(N, )`` and the kept mask ``(N, )`` of the
        strategy (see the class docstring)."""
        probs = scores['probs']
        if self.strategy == 'confidence':
            conf, labels = probs.max(1)
            return labels, conf > self.threshold
        align = scores['align']
        known = ~torch.isnan(align)
        if self.strategy == 'verification':
            conf, labels = probs.max(1)
            verified = align.gather(1, labels[:, None])[:, 0]
            verified = torch.nan_to_num(verified, nan=0.0)
            keep = (conf > self.threshold) & (
                verified > self.score_threshold)
        else:
            logits = (align / self.temperature).masked_fill(
                ~known, -float('inf'))
            p_align = F.softmax(logits, dim=1)
            combined = (p_align + probs) / 2
            conf, labels = combined.max(1)
            keep = conf > self.threshold
        if self.min_alignability is not None:
            given = align.gather(1, labels[:, None])[:, 0]
            keep &= torch.nan_to_num(given, nan=0.0) > self.min_alignability
        return labels, keep

    def _run_round(self, runner, done: int) -> None:
        model = self._model(runner)
        if is_distributed():
            # BatchNorm statistics differ across ranks after the last
            # forward (DDP broadcasts buffers before each forward): average
            # them, as MMEngine's SyncBuffersHook does before a validation,
            # so that every rank scores with the same network
            all_reduce_params(runner.model.buffers(), op='mean')
        rng = get_rng_state()
        was_training = model.training
        model.eval()
        try:
            scores = self.score(runner)
        finally:
            model.train(was_training)
            set_rng_state(rng)
        labels, keep = self.select(scores)
        kept = keep.nonzero()[:, 0]
        self.round += 1
        self.indices = kept.tolist()
        self.labels = labels[kept].tolist()
        gt = scores['gt'][kept]
        stats = dict(
            round=self.round,
            iteration=done,
            strategy=self.strategy,
            threshold=self.threshold,
            min_alignability=self.min_alignability,
            num_unlabeled=len(scores['gt']),
            count=len(self.indices))
        if (scores['gt'] >= 0).all():
            stats['acc'] = float((labels[kept] == gt).float().mean() *
                                 100) if len(kept) else None
            labeled = runner.train_loop.dataloader.dataset.labeled
            known_classes = torch.tensor(sorted({
                int(labeled.get_data_info(i)['label'])
                for i in range(len(labeled))}))
            stats['novel'] = int((~torch.isin(gt, known_classes)).sum())
        self.history.append(stats)
        self._write(runner, scores, stats)
        runner.train_loop.dataloader.dataset.set_pseudo_labels(
            self.indices, self.labels)
        runner.train_loop.restart_sample_stream(done)
        for key in ('count', 'acc', 'novel'):
            if stats.get(key) is not None:
                runner.message_hub.update_scalar(f'pseudo/{key}', stats[key])
        print_log(
            f'PseudoLabelFilterHook round {self.round} at iteration {done} '
            f'({self.strategy}, threshold {self.threshold}'
            + (f', min alignability {self.min_alignability}'
               if self.min_alignability is not None else '') + '): kept '
            f'{stats["count"]} of {stats["num_unlabeled"]} unlabeled videos'
            + (f', pseudo-label accuracy {stats["acc"]:.2f}%'
               if stats.get('acc') is not None else '')
            + (f', {stats["novel"]} of novel classes'
               if 'novel' in stats else ''), logger='current')

    def _write(self, runner, scores: dict, stats: dict) -> None:
        if not is_main_process():
            return
        folder = osp.join(runner.work_dir, self.out_dir)
        os.makedirs(folder, exist_ok=True)
        prefix = scores['data_prefix']
        with open(osp.join(folder, f'round_{self.round}.txt'), 'w') as f:
            for i, y in zip(self.indices, self.labels):
                name = scores['filenames'][i]
                if prefix and name.startswith(prefix.rstrip('/') + '/'):
                    name = name[len(prefix.rstrip('/')) + 1:]
                f.write(f'{name} {y}\n')
        with open(osp.join(folder, f'round_{self.round}.json'), 'w') as f:
            json.dump(stats, f, indent=1)
