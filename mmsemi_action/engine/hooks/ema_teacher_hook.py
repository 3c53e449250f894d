"""Keep the teacher an exponential moving average of the student."""
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class EMATeacherHook(Hook):
    """``teacher = m * teacher + (1 - m) * student`` every ``interval``
    iterations (Mean Teacher, Tarvainen & Valpola 2017, Eq. 1 with
    ``alpha = m``), for every pair of the model's ``ema_pairs()`` (the
    recognizers, and projection heads where a method has teacher heads).

    * Before the first iteration of a fresh run (``runner.iter == 0``) the
      student is copied into the teacher. A resumed run keeps the teacher of
      its checkpoint, where it is saved as part of the model.
    * For the first ``warmup_iters`` iterations the teacher copies the
      student (no averaging), e.g. to follow a supervised warm-up.
    * ``update_buffers=True`` averages float buffers (BatchNorm running
      statistics) too; otherwise buffers are copied from the student.
      Integer buffers (``num_batches_tracked``) are always copied.

    The update reads ``runner.iter`` only, so a resumed run continues
    exactly. Under DDP every rank holds the same student after the
    optimizer step, hence the same teacher: nothing to synchronise.

    Args:
        momentum (float): ``m`` in ``[0, 1)``; 0.99-0.999 in the papers.
        interval (int): update every ``interval`` iterations.
        warmup_iters (int): iterations during which teacher = student.
        update_buffers (bool): average float buffers as well.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 momentum: float = 0.999,
                 interval: int = 1,
                 warmup_iters: int = 0,
                 update_buffers: bool = True) -> None:
        if not 0 <= momentum < 1:
            raise ValueError(
                f'EMATeacherHook momentum must be in [0, 1), got {momentum}')
        if interval < 1:
            raise ValueError(
                f'EMATeacherHook interval must be >= 1, got {interval}')
        self.momentum = momentum
        self.interval = interval
        self.warmup_iters = warmup_iters
        self.update_buffers = update_buffers

    @staticmethod
    def _semi_model(runner):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        if getattr(model, 'teacher', None) is None:
            raise RuntimeError(
                'EMATeacherHook needs a model with a teacher '
                '(a SemiBaseRecognizer built with with_teacher=True)')
        return model

    def before_train(self, runner) -> None:
        model = self._semi_model(runner)
        if runner.iter == 0:
            self.update_pairs(model, 0.0)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        step = runner.iter + 1  # iterations completed, this one included
        if step % self.interval:
            return
        momentum = 0.0 if step <= self.warmup_iters else self.momentum
        self.update_pairs(self._semi_model(runner), momentum)

    def update_pairs(self, model, momentum: float) -> None:
        """:meth:`momentum_update` of every ``model.ema_pairs()`` pair
        (the recognizers, and e.g. ACL+MTL's projection heads), or of
        ``model.student`` / ``model.teacher`` for models without it."""
        pairs = model.ema_pairs() if hasattr(model, 'ema_pairs') else [
            (model.student, model.teacher)]
        for student, teacher in pairs:
            self.momentum_update(student, teacher, momentum)

    @torch.no_grad()
    def momentum_update(self, student, teacher, momentum: float) -> None:
        """In place: ``t <- m * t + (1 - m) * s``; ``m = 0`` copies."""
        for s, t in zip(student.parameters(), teacher.parameters()):
            t.lerp_(s.detach(), 1.0 - momentum)
        for s, t in zip(student.buffers(), teacher.buffers()):
            if self.update_buffers and t.is_floating_point():
                t.lerp_(s, 1.0 - momentum)
            else:
                t.copy_(s)
