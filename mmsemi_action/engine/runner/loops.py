"""Training and validation loops for semi-supervised runs."""
import copy
import math
from typing import Dict, Optional

from mmaction.registry import LOOPS
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import IterBasedTrainLoop, ValLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from mmengine.runner.utils import calc_dynamic_intervals

from ...datasets.samplers import (SemiSupervisedSampler,
                                  fill_sampler_batch_size)
from ...models.memory import StagedStateModule
from ..schedulers import TrainLossPlateauLR
from .config_checks import (_scheduler_cfgs, check_branches,
                            check_label_range, convert_epoch_settings,
                            route_optim_wrapper)


class _SkipIterator:
    """Answers the first ``num_skip`` ``next`` calls with ``None`` (without
    loading data), then delegates."""

    def __init__(self, iterator, num_skip: int) -> None:
        self.iterator = iterator
        self.num_skip = num_skip

    def __iter__(self):
        return self

    def __next__(self):
        if self.num_skip > 0:
            self.num_skip -= 1
            return None
        return next(self.iterator)


@LOOPS.register_module()
class SemiIterBasedTrainLoop(IterBasedTrainLoop):
    """The training loop of a semi-supervised run: iteration-based, with
    epoch-based settings converted, the run's settings checked before the
    first iteration, and a resume that decodes no skipped batch.

    **Epochs.** One epoch is one pass over the unlabeled set
    (:attr:`SemiSupervisedSampler.iters_per_epoch` iterations; ``len`` of
    the data loader for other samplers). Give ``max_iters`` or
    ``max_epochs`` (then ``val_begin`` / ``val_interval`` count epochs too).
    Settings of a stock (epoch-based) MMAction2 config are converted, each
    conversion logged: ``param_scheduler`` entries with ``by_epoch=True``
    (MMEngine's ``convert_to_iter_based``), an epoch-based
    ``CheckpointHook`` (interval and ``save_begin``), ``log_processor`` and
    ``LoggerHook`` metric steps. An already built epoch-based scheduler is
    refused.

    **Checks** (a ``ValueError`` / ``KeyError`` naming the setting, before
    any iteration): the batch size is taken from ``train_dataloader.
    batch_size`` (a different ``sampler.batch_size`` is refused); every
    branch the method needs is built by the data pipelines; labels lie in
    the recognizer's class range (file and line named).

    **Optimizer.** The ``optim_wrapper`` of a semi-supervised model is
    routed through :class:`SemiOptimWrapperConstructor`, so that its
    ``constructor`` / ``paramwise_cfg`` reach the student (and auxiliary
    network), never the frozen teacher.

    **Hooks.** :class:`MemoryBankUpdateHook` is registered when the model
    has a memory bank, prototypes or centres (:class:`StagedStateModule`)
    and the config lacks it: their state is written by it after each
    optimizer step, never left stale.

    **Resume.** :class:`RNGStateHook` is registered when the config lacks
    it. With a :class:`SemiSupervisedSampler` the sampler state saved in the
    checkpoint (its seed, in the message hub) is restored and positioned at
    the resumed iteration, instead of MMEngine's decoding of every skipped
    batch; the sample stream continues exactly as in an uninterrupted run.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict): the training data loader.
        max_iters (int, optional): iterations to train.
        max_epochs (int, optional): epochs to train (instead of
            ``max_iters``).
        val_begin (int): first iteration (epoch with ``max_epochs``) that
            validates. Defaults to 1.
        val_interval (int): validation interval in iterations (epochs with
            ``max_epochs``). Defaults to 1000.
        dynamic_intervals (list[tuple], optional): as MMEngine's.
    """

    #: :class:`SemiSupervisedSampler` accepts being built by this loop
    accepts_semi_sampler = True

    def __init__(self,
                 runner,
                 dataloader,
                 max_iters: Optional[int] = None,
                 max_epochs: Optional[int] = None,
                 val_begin: int = 1,
                 val_interval: int = 1000,
                 dynamic_intervals=None) -> None:
        if (max_iters is None) == (max_epochs is None):
            raise ValueError(
                'train_cfg (SemiIterBasedTrainLoop) needs exactly one of '
                f'max_iters and max_epochs, got max_iters={max_iters}, '
                f'max_epochs={max_epochs}')
        if isinstance(dataloader, dict):
            dataloader = fill_sampler_batch_size(dataloader)
        super().__init__(runner, dataloader, max_iters or 1, val_begin,
                         val_interval, dynamic_intervals)
        sampler = getattr(self.dataloader, 'sampler', None)
        if isinstance(sampler, SemiSupervisedSampler):
            if self.dataloader.batch_size != sampler.batch_size:
                raise ValueError(
                    f'train_dataloader.batch_size='
                    f'{self.dataloader.batch_size} differs from its '
                    f'SemiSupervisedSampler batch_size={sampler.batch_size}')
            self.iters_per_epoch = sampler.iters_per_epoch
        else:
            self.iters_per_epoch = len(self.dataloader)
        epoch = self.iters_per_epoch
        if max_epochs is not None:
            self._max_iters = int(max_epochs) * epoch
            self.val_begin = val_begin * epoch
            self.val_interval = val_interval * epoch
            self.dynamic_milestones, self.dynamic_intervals = \
                calc_dynamic_intervals(
                    self.val_interval,
                    [(m * epoch, i * epoch)
                     for m, i in dynamic_intervals or []])
            print_log(
                f'SemiIterBasedTrainLoop: max_epochs={max_epochs} -> '
                f'max_iters={self._max_iters}, val_begin={self.val_begin}, '
                f'val_interval={self.val_interval} iterations (one epoch = '
                f'{epoch} iterations)', logger='current')
        self._max_epochs = max_epochs or math.ceil(self._max_iters / epoch)

        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        convert_epoch_settings(runner, epoch)
        if hasattr(model, 'trained_networks'):
            route_optim_wrapper(runner)
        check_branches(model, self.dataloader.dataset)
        check_label_range(model, self.dataloader.dataset)
        if any(isinstance(s, TrainLossPlateauLR) or
               getattr(s, 'get', lambda *_: None)('type') in (
                   'TrainLossPlateauLR', TrainLossPlateauLR)
               for s in _scheduler_cfgs(runner.param_schedulers)) and not any(
                   type(h).__name__ == 'TrainLossPlateauHook'
                   for h in runner.hooks):
            runner.register_hook(dict(type='TrainLossPlateauHook'))
            print_log(
                'SemiIterBasedTrainLoop: registered TrainLossPlateauHook '
                '(steps TrainLossPlateauLR once per epoch with the mean '
                'training loss)', logger='current')
        if any(isinstance(m, StagedStateModule)
               for m in model.modules()) and not any(
                   type(h).__name__ == 'MemoryBankUpdateHook'
                   for h in runner.hooks):
            runner.register_hook(dict(type='MemoryBankUpdateHook'))
            print_log(
                'SemiIterBasedTrainLoop: registered MemoryBankUpdateHook '
                '(the model has a memory bank, prototypes or centres, '
                'written by it after each optimizer step)', logger='current')
        if not any(type(h).__name__ == 'RNGStateHook' for h in runner.hooks):
            runner.register_hook(dict(type='RNGStateHook'))
            print_log(
                'SemiIterBasedTrainLoop: registered RNGStateHook (random '
                'states in checkpoints, validation without effect on the '
                'training random state) for exact resume', logger='current')

    def restart_sample_stream(self, first_batch: int,
                              seed: Optional[int] = None) -> None:
        """Rebuild the training data loader around its (changed) dataset,
        e.g. after a self-training round added pseudo-labeled videos
        (:class:`PseudoLabelFilterHook`): a new
        :class:`SemiSupervisedSampler` whose stream starts at iteration
        ``first_batch`` (seeded ``seed``, by default the old seed plus
        ``first_batch``), new data-loader workers (they hold a copy of the
        dataset), and the loop's iterator on it.
        """
        old = self.dataloader
        sampler = old.sampler
        if not isinstance(sampler, SemiSupervisedSampler):
            raise TypeError(
                'restarting the sample stream needs a SemiSupervisedSampler '
                f'(train_dataloader.sampler), got {type(sampler).__name__}')
        cfg = fill_sampler_batch_size(
            copy.deepcopy(dict(self.runner.cfg.train_dataloader)))
        cfg['dataset'] = old.dataset
        cfg['sampler'] = dict(
            cfg['sampler'],
            seed=sampler.seed + first_batch if seed is None else seed,
            first_batch=first_batch)
        randomness = getattr(self.runner, '_randomness_cfg', None) or {}
        self.dataloader = self.runner.build_dataloader(
            cfg, seed=self.runner.seed,
            diff_rank_seed=randomness.get('diff_rank_seed', False))
        self.dataloader_iterator = _InfiniteDataloaderIterator(
            self.dataloader)

    def run(self):
        sampler = getattr(self.dataloader, 'sampler', None)
        state = self.runner.message_hub.get_info(
            getattr(sampler, 'STATE_KEY', ''))
        if self._iter > 0 and state is not None:
            sampler.resume(state, self._iter)
            self.dataloader_iterator = _SkipIterator(
                _InfiniteDataloaderIterator(self.dataloader), self._iter)
        return super().run()


@LOOPS.register_module()
class TeacherStudentValLoop(ValLoop):
    """Validate the teacher and the student of a :class:`SemiBaseRecognizer`
    in turn; metrics are prefixed ``teacher/`` and ``student/`` (e.g.
    ``teacher/acc/top1``) so ``save_best`` can watch either (``'auto'``
    watches the teacher where there is one). A model without teacher gives
    ``student/...`` only; a plain recognizer is validated as by ``ValLoop``.
    """

    def run(self) -> Dict[str, float]:
        model = self.runner.model
        if is_model_wrapper(model):
            model = model.module
        if not hasattr(model, 'semi_test_cfg'):
            return super().run()
        names = ['student'] if model.teacher is None else [
            'teacher', 'student'
        ]
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        original = model.semi_test_cfg.predict_on
        metrics = {}
        try:
            for name in names:
                model.semi_test_cfg.predict_on = name
                for idx, data_batch in enumerate(self.dataloader):
                    self.run_iter(idx, data_batch)
                results = self.evaluator.evaluate(
                    len(self.dataloader.dataset))
                metrics.update(
                    {f'{name}/{key}': value
                     for key, value in results.items()})
        finally:
            model.semi_test_cfg.predict_on = original
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics
