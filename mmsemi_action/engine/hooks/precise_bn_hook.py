"""Precise BatchNorm statistics for semi-supervised runs."""
import copy

from mmaction.registry import HOOKS
from mmengine.model import is_model_wrapper
from mmpretrain.engine.hooks.precise_bn_hook import (PreciseBNHook,
                                                     update_bn_stats)
from torch import nn

from ...datasets.samplers import (SemiSupervisedSampler,
                                  fill_sampler_batch_size)
from ...random_state import get_rng_state, set_rng_state


class _Predictor(nn.Module):
    """The network a semi-supervised model evaluates with, seen as a model
    of its own by ``update_bn_stats``: only its BN layers are updated, and
    batches go through the semi-supervised model's data preprocessor."""

    def __init__(self, model) -> None:
        super().__init__()
        self.net = model.predictor
        # not a sub-module: its modules are not the predictor's
        self.__dict__['data_preprocessor'] = model.data_preprocessor

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.net(inputs, mode='tensor')


@HOOKS.register_module()
class SemiPreciseBNHook(PreciseBNHook):
    """mmpretrain's ``PreciseBNHook`` (recompute BN statistics as the true
    average over ``num_samples`` training clips, every ``interval``
    iterations) working with semi-supervised batches.

    - Batches come from a loader of its own (sampler seed shifted by
      ``seed_offset``, no persistent workers): iterating the training
      loader would restart its sampler and change the training stream (and
      break exact resume).
    - ``source='train'`` (default): the loader is ``train_dataloader``'s;
      a multi-branch batch goes through ``model(inputs, mode='tensor')``,
      which runs every trained network on the branches it trains on
      (:meth:`SemiBaseRecognizer.branch_tensors`), so each BN layer sees
      the labeled/unlabeled mixture it sees in training.
    - ``source='unlabeled'`` (LTG's official code): the unlabeled training
      videos (``train_dataloader.dataset.unlabeled``) with the validation
      pipeline (``val_dataloader.dataset.pipeline``), shuffled, batch size
      ``train_dataloader.batch_size``, through the network that is evaluated
      (``model.predictor``, e.g. LTG's RGB stream) only: the statistics are
      those of the clips the evaluated network sees at test time.

    The global random generators are restored afterwards, so the training
    run continues exactly as without the hook (BN statistics aside). Put
    ``interval`` at the validation interval (LTG recomputes BN before
    each evaluation). Statistics are averaged across ranks.

    Args:
        num_samples (int): clips used. Defaults to 8192.
        interval (int): iterations between updates. Defaults to 1.
        seed_offset (int): added to the sampler seed. Defaults to 1.
        source (str): ``'train'`` (default) or ``'unlabeled'``.
    """

    sources = ('train', 'unlabeled')

    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 num_samples: int = 8192,
                 interval: int = 1,
                 seed_offset: int = 1,
                 source: str = 'train') -> None:
        super().__init__(num_samples=num_samples, interval=interval)
        if source not in self.sources:
            raise ValueError(f'SemiPreciseBNHook source must be one of '
                             f'{self.sources}, got {source!r}')
        self.seed_offset = seed_offset
        self.source = source

    def _precise_bn_loader(self, runner):
        cfg = fill_sampler_batch_size(
            copy.deepcopy(runner.cfg.train_dataloader))
        cfg['persistent_workers'] = False
        seed = cfg['sampler'].get('seed')
        seed = runner.seed if seed is None else seed
        cfg['sampler']['seed'] = seed + self.seed_offset
        if self.source == 'unlabeled':
            dataset = copy.deepcopy(cfg['dataset'].get('unlabeled'))
            if dataset is None:
                raise ValueError(
                    "SemiPreciseBNHook(source='unlabeled') needs "
                    'train_dataloader.dataset.unlabeled')
            dataset['pipeline'] = copy.deepcopy(
                runner.cfg.val_dataloader['dataset']['pipeline'])
            cfg['dataset'] = dataset
            cfg['sampler'] = dict(type='DefaultSampler', shuffle=True,
                                  seed=seed + self.seed_offset)
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
        model = runner.model
        if self.source == 'unlabeled':
            model = _Predictor(model.module if is_model_wrapper(model)
                               else model)
        update_bn_stats(
            model,
            self._precise_bn_loader(runner),
            self.num_samples,
            logger=runner.logger)
        set_rng_state(rng_state)
        if sampler_state is not None:
            hub.update_info(SemiSupervisedSampler.STATE_KEY, sampler_state)
