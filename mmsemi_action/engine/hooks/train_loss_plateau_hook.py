"""Steps :class:`TrainLossPlateauLR` with each epoch's training loss."""
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce
from mmengine.hooks import Hook

from ..schedulers import TrainLossPlateauLR


@HOOKS.register_module()
class TrainLossPlateauHook(Hook):
    """Every ``interval`` iterations (default: one epoch of the training
    loop, ``train_loop.iters_per_epoch`` or ``len(train_dataloader)``),
    step every :class:`TrainLossPlateauLR` with ``{monitor: mean}``, the
    mean of the logged ``monitor`` (the total loss by default) over those
    iterations, averaged across ranks.

    The running sum and count are saved in checkpoints
    (``checkpoint['train_loss_plateau']``), so a resumed run steps the
    schedulers with the same means as an uninterrupted one.

    Args:
        interval (int, optional): iterations per step.
        monitor (str): key of the training step's log variables.
            Defaults to ``'loss'``.
    """

    priority = 'LOW'  # after ParamSchedulerHook's own iteration steps

    def __init__(self, interval: Optional[int] = None,
                 monitor: str = 'loss') -> None:
        if interval is not None and interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval
        self.monitor = monitor
        self._sum = 0.0
        self._count = 0

    def _interval(self, runner) -> int:
        if self.interval is not None:
            return self.interval
        loop = runner.train_loop
        return getattr(loop, 'iters_per_epoch', None) or len(
            loop.dataloader)

    @staticmethod
    def _schedulers(runner) -> list:
        schedulers = runner.param_schedulers or []
        if isinstance(schedulers, dict):
            schedulers = [s for group in schedulers.values() for s in group]
        return [s for s in schedulers if isinstance(s, TrainLossPlateauLR)]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or self.monitor not in outputs:
            raise KeyError(f'TrainLossPlateauHook: the training step logs '
                           f'no {self.monitor!r} (got '
                           f'{sorted(outputs or {})})')
        self._sum += float(torch.as_tensor(outputs[self.monitor]).detach())
        self._count += 1
        if (runner.iter + 1) % self._interval(runner):
            return
        mean = torch.tensor([self._sum / self._count], dtype=torch.float64)
        all_reduce(mean, op='mean')
        self._sum, self._count = 0.0, 0
        for scheduler in self._schedulers(runner):
            scheduler.step({scheduler.monitor: mean.item()})
        runner.message_hub.update_scalar('train/plateau_loss', mean.item())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['train_loss_plateau'] = dict(sum=self._sum,
                                                count=self._count)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('train_loss_plateau')
        if state is not None:
            self._sum, self._count = state['sum'], state['count']
