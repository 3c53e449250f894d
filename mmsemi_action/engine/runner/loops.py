"""Training and validation loops for semi-supervised runs."""
from typing import Dict

from mmaction.registry import LOOPS
from mmengine.model import is_model_wrapper
from mmengine.runner import IterBasedTrainLoop, ValLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator


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
    """``IterBasedTrainLoop`` whose resume does not decode skipped batches.

    On resume MMEngine advances the data loader ``iter`` times, decoding
    every video it skips. With a :class:`SemiSupervisedSampler` this loop
    restores the sampler state saved in the checkpoint (its seed, in the
    message hub) and positions it at the resumed iteration instead; the
    sample stream continues exactly as in an uninterrupted run. Other
    samplers fall back to MMEngine's behaviour.
    """

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
        names = ['student'] if model.teacher is None else ['teacher',
                                                            'student']
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
