"""Write memory banks, prototypes and centres after the optimizer step."""
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from ...models.memory import StagedStateModule


@HOOKS.register_module()
class MemoryBankUpdateHook(Hook):
    """After every training iteration (after the optimizer step), apply the
    update that the step's forward staged in each
    :class:`StagedStateModule` of the model: a :class:`MemoryBank` enqueues
    the step's entries, gathered from every rank in rank order;
    :class:`ClassPrototypes` take the prototypes the step computed
    (all-reduced in the forward, where Algorithm 1 of ACL+MTL needs them);
    :class:`DINOCrossEntropyLoss` moves its centre by the batch mean of all
    ranks. Any method that attaches such a module gets its update, as
    :class:`EMATeacherHook` updates any ``ema_pairs()``.

    The update lands where an in-forward update would be seen, just before
    the next step's forward, so training is the same as with the state
    written inside the loss. The state lives in buffers (checkpoints,
    exact resume); priority ``ABOVE_NORMAL`` commits before
    ``CheckpointHook`` (``VERY_LOW``) saves, so a checkpoint never misses a
    step's update. Every rank commits the same modules in the same order
    (the gathers match).

    :class:`SemiIterBasedTrainLoop` registers this hook when the model has
    such a module and the config lacks it; outside a runner, call
    :meth:`update` after each step (a module refuses a second update while
    one is pending).
    """

    priority = 'ABOVE_NORMAL'

    @staticmethod
    def update(model) -> int:
        """Commit every staged update of ``model``; returns how many."""
        if is_model_wrapper(model):
            model = model.module
        return sum(
            int(module.commit()) for module in model.modules()
            if isinstance(module, StagedStateModule))

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not any(isinstance(m, StagedStateModule) for m in model.modules()):
            print_log(
                'MemoryBankUpdateHook: the model has no memory bank, '
                'prototypes or centre to update', logger='current')

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        self.update(runner.model)
