"""Optimizer constructor that applies a recognizer's parameter-wise
settings to each trained network of a semi-supervised model."""
import copy
from typing import List, Optional

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

DEFAULT = 'DefaultOptimWrapperConstructor'


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SemiOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Build one optimizer for a :class:`SemiBaseRecognizer` in which the
    recognizer-level constructor (e.g. MMAction2's
    ``TSMOptimWrapperConstructor`` with ``fc_lr5``, or mmengine's default
    one with ``custom_keys``) is applied to each network trained by
    gradient (:meth:`SemiBaseRecognizer.trained_networks`: the student, and
    CMPL's / LTG's auxiliary network) on its own, exactly as it would be to
    that recognizer trained alone. Constructors written for one recognizer
    pick layers by position (TSM: "the last ``nn.Linear`` is the fc") and
    would otherwise land on whichever network comes last: the frozen
    teacher.

    * Each trained network is seen by the inner constructor under its
      attribute name, so parameter names read ``student.backbone...`` as
      for the whole model (``custom_keys`` match as before).
    * Other trainable modules (projection heads, DINO heads) get mmengine's
      default constructor, with the same ``paramwise_cfg`` when the inner
      constructor is the default one, else the optimizer's base settings.
    * Modules without a trainable parameter (the EMA teacher and its heads)
      are left out of the optimizer.
    * The learning-rate multipliers the method sets itself
      (:meth:`SemiBaseRecognizer.lr_multipliers`, e.g. FinePseudo's
      ``aligner_lr_mult``) scale the ``lr`` of that module's groups, on top
      of the configured settings.

    :class:`SemiIterBasedTrainLoop` routes any ``optim_wrapper`` of a
    semi-supervised model through this constructor, so a stock config keeps
    its ``constructor`` / ``paramwise_cfg`` as written::

        optim_wrapper = dict(
            constructor='SemiOptimWrapperConstructor',
            paramwise_cfg=dict(constructor='TSMOptimWrapperConstructor',
                               paramwise_cfg=dict(fc_lr5=True)),
            optimizer=dict(type='SGD', lr=0.01, momentum=0.9))

    Args:
        optim_wrapper_cfg (dict): the ``optim_wrapper`` config.
        paramwise_cfg (dict, optional): ``constructor`` (the inner type,
            default mmengine's) and its ``paramwise_cfg``.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        inner_type = paramwise_cfg.pop('constructor', DEFAULT)
        inner_paramwise = paramwise_cfg.pop('paramwise_cfg', None)
        if paramwise_cfg:
            raise KeyError(
                'SemiOptimWrapperConstructor: optim_wrapper.paramwise_cfg '
                f'takes "constructor" and "paramwise_cfg", got '
                f'{sorted(paramwise_cfg)}')
        super().__init__(optim_wrapper_cfg)
        self.inner_type = inner_type
        self.inner_paramwise_cfg = inner_paramwise
        # non-empty: DefaultOptimWrapperConstructor.__call__ then builds the
        # optimizer from :meth:`add_params`
        self.paramwise_cfg = dict(
            constructor=inner_type, paramwise_cfg=inner_paramwise)

    def _groups(self, constructor: str, paramwise_cfg: Optional[dict],
                name: str, module: nn.Module) -> List[dict]:
        """Parameter groups that ``constructor`` gives ``module`` (seen
        under ``name``), with every setting explicit."""
        builder = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(
                type=constructor,
                optim_wrapper_cfg=dict(
                    optimizer=copy.deepcopy(self.optimizer_cfg)),
                paramwise_cfg=copy.deepcopy(paramwise_cfg)))
        holder = nn.Module()
        holder.add_module(name, module)
        optimizer = builder(holder).optimizer
        return [dict(group) for group in optimizer.param_groups]

    def add_params(self, params: List[dict], module: nn.Module,
                   **kwargs) -> None:
        if is_model_wrapper(module):
            module = module.module
        networks = module.trained_networks() if hasattr(
            module, 'trained_networks') else {}
        trained = {id(net) for net in networks.values()}
        rest_paramwise = self.inner_paramwise_cfg \
            if self.inner_type in (DEFAULT, DefaultOptimWrapperConstructor) \
            else None
        multipliers = dict(module.lr_multipliers()) if hasattr(
            module, 'lr_multipliers') else {}
        children = dict(module.named_children())
        unknown = sorted(set(multipliers) - set(children))
        if unknown:
            raise KeyError(f'{type(module).__name__}.lr_multipliers() names '
                           f'{unknown}, which are not its modules '
                           f'{sorted(children)}')
        for name, child in children.items():
            if id(child) in trained:
                groups = self._groups(self.inner_type,
                                      self.inner_paramwise_cfg, name, child)
            elif any(p.requires_grad for p in child.parameters()):
                groups = self._groups(DEFAULT, rest_paramwise, name, child)
            else:
                continue
            for group in groups:
                group['lr'] = group['lr'] * multipliers.get(name, 1.0)
            params += groups
        own = [p for p in module.parameters(recurse=False) if p.requires_grad]
        if own:
            params.append(dict(params=own))
