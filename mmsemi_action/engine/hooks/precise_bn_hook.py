"""Precise BatchNorm statistics for semi-supervised runs."""
import copy

from mmaction.registry import HOOKS
from mmpretrain.engine.hooks.precise_bn_hook import (PreciseBNHook,
                                                     update_bn_stats)

from ...datasets.samplers import (SemiSupervisedSampler,
                                  fill_sampler_batch_size)
from ...random_state import get_rng_state, set_rng_state


@HOOKS.register_module()
class SemiPreciseBNHook(PreciseBNHook):
    """mmpretrain's ``PreciseBNHook`` (recompute BN statistics as the true
    average over ``num_samples`` training clips, every ``interval``
    iterations) working with semi-supervised batches.

    - Batches come from a loader of its own built from ``train_dataloader``
      (sampler seed shifted by ``seed_offset``, no persistent workers):
      iterating the training loader would restart its sampler and change
      the training stream (and break exact resume).
    - A multi-branch batch goes through ``model(inputs, mode='tensor')``,
      which runs every trained network on the branches it trains on
      (:meth:`SemiBaseRecognizer.branch_tensors`), so each BN layer sees
      the labeled/unlabeled mixture it sees in training.

    The global random generators are restored afterwards, so the training
    run continues exactly as without the hook (BN statistics aside). Put
    ``interval`` at the validation interval (LTG recomputes BN before
    each evaluation). Statistics are averaged across ranks.

    Args:
        num_samples (int): clips used. Defaults to 8192.
        interval (int): iterations between updates. Defaults to 1.
        seed_offset (int): added to the sampler seed. Defaults to 1.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 num_samples: int = 8192,
                 interval: int = 1,
                 seed_offset: int = 1) -> None:
        super().__init__(num_samples=num_samples, interval=interval)
        self.seed_offset = seed_offset

    def _precise_bn_loader(self, runner):
        cfg = fill_sampler_batch_size(
            copy.deepcopy(runner.cfg.train_dataloader))
        cfg['persistent_workers'] = False
        seed = cfg['sampler'].get('seed')
        seed = runner.seed if seed is None else seed
        cfg['sampler']['seed'] = seed + self.seed_offset
        return runner.build_dataloader(cfg, seed=seed + self.seed_offset)

    def _perform_precise_bn(self, runner) -> None:
        # the extra forwards (dropout) and loader seeding draw from the
        # global generators: restore them so training continues as without
        # the hook
        # the sampler it builds records its state in the message hub, where
        # the training sampler's state is kept for resuming: keep the latter
        hub = runner.message_hub
        sampler_state = hub.get_info(SemiSupervisedSampler.STATE_KEY)
        rng_state = get_rng_state()
        update_bn_stats(
            runner.model,
            self._precise_bn_loader(runner),
            self.num_samples,
            logger=runner.logger)
        set_rng_state(rng_state)
        if sampler_state is not None:
            hub.update_info(SemiSupervisedSampler.STATE_KEY, sampler_state)
