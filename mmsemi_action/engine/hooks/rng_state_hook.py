"""Save and restore the random generators of the training process."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ...random_state import get_rng_state, set_rng_state


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Keep the training process's random states in every checkpoint,
    restore them on resume, and keep validation from changing them.

    MMEngine reseeds on resume, so dropout masks (and any augmentation
    drawn in the main process) after iteration ``k`` would differ from an
    uninterrupted run. With this hook, and the per-sample seeding of
    :class:`SemiDataset`, a resumed run continues exactly:

    * the state is saved with each checkpoint and restored in
      ``before_train`` (after MMEngine's own reseeding), only when resuming
      (not for ``load_from``);
    * a validation leaves the training state as it found it: iterating a
      validation loader with worker processes draws a base seed from the
      main process's torch generator, so an uninterrupted run that validates
      after a checkpoint would otherwise continue from another state than
      the run resumed from that checkpoint. The state is taken in
      ``before_val`` and put back in ``after_val``; a checkpoint written
      during validation (``save_best``) stores the state of ``before_val``.

    Registered by :class:`SemiIterBasedTrainLoop` when a config lacks it.
    Priority ``LOWEST``: the restore in ``before_train`` / ``after_val``
    comes after every other hook of that stage.
    """

    priority = 'LOWEST'

    def __init__(self) -> None:
        self._resumed_state = None
        self._train_state = None  # taken before a validation

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = self._train_state or get_rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed_state = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        state, self._resumed_state = self._resumed_state, None
        if state is None or runner.iter == 0:
            return
        set_rng_state(state)

    def before_val(self, runner) -> None:
        self._train_state = get_rng_state()

    def after_val(self, runner) -> None:
        state, self._train_state = self._train_state, None
        if state is not None:
            set_rng_state(state)
