"""Base of the semi-supervised recognizers: a student and an optional
teacher built from one MMAction2 recognizer config."""
import copy
import difflib
from typing import Dict, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.config import ConfigDict
from mmengine.model import BaseModel
from torch import Tensor

from ..utils import (pseudo_label_metrics, recognizer_logits,
                     unlabeled_gt_labels)


def rename_loss_dict(prefix: str, losses: dict) -> dict:
    """Prefix every key, e.g. ``loss_cls`` -> ``sup_loss_cls``."""
    return {prefix + key: value for key, value in losses.items()}


def check_cfg_keys(cfg: dict, allowed, where: str) -> None:
    """Refuse keys of ``cfg`` not in ``allowed`` (a typo such as
    ``thresold=0.0`` would otherwise be ignored), naming the key, the
    closest allowed one and every allowed key."""
    for key in cfg:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f' (did you mean {close[0]!r}?)' if close else ''
            raise KeyError(
                f'{where}: unknown key {key!r}{hint}; allowed keys: '
                f'{sorted(allowed)}')


@MODELS.register_module()
class SemiBaseRecognizer(BaseModel):
    """A student recognizer, optionally a teacher, and the branch plumbing.

    Training batches come from :class:`MultiBranchDataPreprocessor`: dicts
    keyed by branch (``labeled``, ``weak``, ``strong``...). Subclasses
    implement :meth:`loss`. Unlabeled data samples may carry ground truth
    (for logging only): losses must be built from logits and pseudo-labels,
    never from ``data_samples`` of unlabeled branches.

    The teacher receives no gradient and stays in eval mode (BatchNorm
    statistics frozen) even when the runner calls ``model.train()``; its
    weights are set by a hook (e.g. :class:`EMATeacherHook`) and saved in
    every checkpoint as part of the model.

    Args:
        recognizer (dict): any MMAction2 recognizer config (Recognizer3D,
            Recognizer2D/TSM, TimeSformer...), without data_preprocessor.
        data_preprocessor (dict, optional): defaults to a
            ``MultiBranchDataPreprocessor`` around the recognizer's own
            ``data_preprocessor`` (or ``ActionDataPreprocessor``).
        with_teacher (bool): build a teacher from the same config.
        semi_train_cfg (dict, optional): method hyper-parameters.
        semi_test_cfg (dict, optional): ``predict_on='student'|'teacher'``
            (defaults to the teacher when there is one).
        init_cfg (dict, optional): initialisation config.
    """

    #: ``semi_train_cfg`` keys and defaults; each class of the hierarchy
    #: adds its own (merged along the MRO by :meth:`train_cfg_defaults`),
    #: and a key outside them is refused when the model is built
    default_train_cfg: dict = dict(labeled_branch='labeled')
    #: ``semi_test_cfg`` keys (``predict_on``: the network that predicts)
    test_cfg_keys = ('predict_on', )

    @classmethod
    def train_cfg_defaults(cls) -> dict:
        """``default_train_cfg`` of every class in the MRO, subclasses
        overriding their bases."""
        defaults = {}
        for klass in reversed(cls.__mro__):
            defaults.update(
                copy.deepcopy(vars(klass).get('default_train_cfg', {})))
        return defaults

    def __init__(self,
                 recognizer: dict,
                 data_preprocessor: Optional[dict] = None,
                 with_teacher: bool = False,
                 semi_train_cfg: Optional[dict] = None,
                 semi_test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='MultiBranchDataPreprocessor',
                data_preprocessor=recognizer.get(
                    'data_preprocessor',
                    dict(type='ActionDataPreprocessor')))
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.student = MODELS.build(copy.deepcopy(recognizer))
        self.teacher = None
        if with_teacher:
            self.teacher = MODELS.build(copy.deepcopy(recognizer))
            self.teacher.requires_grad_(False)
            self.teacher.eval()
        name = type(self).__name__
        defaults = self.train_cfg_defaults()
        check_cfg_keys(semi_train_cfg or {}, defaults,
                       f'{name} model.semi_train_cfg')
        check_cfg_keys(semi_test_cfg or {}, self.test_cfg_keys,
                       f'{name} model.semi_test_cfg')
        for key, value in (semi_train_cfg or {}).items():
            default = defaults.get(key)
            if isinstance(value, dict) and isinstance(default, dict) and \
                    value.get('type', default.get('type')) != \
                    default.get('type'):
                # another registered type: its own arguments, not the
                # default type's (which the update below would merge in)
                defaults[key] = {}
        self.semi_train_cfg = ConfigDict(defaults)
        self.semi_train_cfg.update(copy.deepcopy(semi_train_cfg or {}))
        self.semi_test_cfg = ConfigDict(semi_test_cfg or {})
        self.semi_test_cfg.setdefault(
            'predict_on', 'teacher' if with_teacher else 'student')
        if self.semi_test_cfg.predict_on not in ('student', 'teacher') or (
                self.semi_test_cfg.predict_on == 'teacher'
                and self.teacher is None):
            raise ValueError(
                "semi_test_cfg.predict_on must be 'student' or 'teacher' "
                '(teacher only when with_teacher=True), got '
                f'{self.semi_test_cfg.predict_on!r}')

    def train(self, mode: bool = True):
        super().train(mode)
        for _, teacher in self.ema_pairs():
            teacher.train(False)
        return self

    def trained_networks(self) -> Dict[str, torch.nn.Module]:
        """The MMAction2 recognizers trained by gradient, by attribute name
        (the student; co-training methods add their auxiliary network).
        Parameter-wise optimizer settings written for a recognizer (e.g.
        TSM's ``fc_lr5``) are applied to each of them on its own by
        :class:`SemiOptimWrapperConstructor`, never to a teacher."""
        return dict(student=self.student)

    def lr_multipliers(self) -> Dict[str, float]:
        """Learning-rate multipliers the method itself sets, by child
        module name (e.g. FinePseudo's ``f_A`` at a tenth of ``f_E``'s
        rate). :class:`SemiOptimWrapperConstructor` applies them on top of
        whatever ``optim_wrapper`` the config has, so that wrapping a stock
        config (whose ``paramwise_cfg`` replaces the method's) keeps them.
        None by default."""
        return {}

    def required_branches(self) -> Dict[str, Sequence[str]]:
        """Branches a training batch must hold, by source: ``labeled``
        (from labeled videos) and ``unlabeled``; checked against the data
        pipelines when the training loop is built."""
        return dict(
            labeled=[self.semi_train_cfg.labeled_branch],
            unlabeled=list(self.unlabeled_branches))

    def ema_pairs(self) -> list:
        """``(student module, teacher module)`` pairs whose teacher side is
        an exponential moving average of the student side (kept by
        :class:`EMATeacherHook`, frozen, in eval mode): the recognizers,
        plus e.g. projection heads in subclasses."""
        return [] if self.teacher is None else [(self.student, self.teacher)]

    # ------------------------------------------------------------------
    def forward(self,
                inputs,
                data_samples=None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            if isinstance(inputs, dict):
                return self.branch_tensors(inputs)
            return self.predictor(inputs, mode='tensor')
        raise RuntimeError(f'Invalid mode "{mode}". Only supports loss, '
                           'predict and tensor mode')

    def loss(self, multi_batch_inputs: Dict[str, Tensor],
             multi_batch_data_samples: Dict[str, list]) -> dict:
        """Losses of one multi-branch batch: :meth:`semi_loss`, or the
        supervised loss alone when the batch has no unlabeled clips."""
        if any(multi_batch_inputs.get(branch) is None
               for branch in self.unlabeled_branches):
            return self.labeled_loss(multi_batch_inputs,
                                     multi_batch_data_samples)
        return self.semi_loss(multi_batch_inputs, multi_batch_data_samples)

    def labeled_loss(self, multi_batch_inputs: Dict[str, Tensor],
                     multi_batch_data_samples: Dict[str, list]) -> dict:
        """Losses of a batch without unlabeled clips: the student's
        supervised loss (methods with more trained networks extend it)."""
        labeled = self.semi_train_cfg.labeled_branch
        (logits, ) = self.student_logits([multi_batch_inputs[labeled]])
        return self.supervised_loss(logits,
                                    multi_batch_data_samples[labeled])

    def branch_tensors(self, multi_batch_inputs: Dict[str, Tensor]) -> dict:
        """Training-mode logits of every branch from the network trained on
        it, one forward per network (e.g. to recompute BatchNorm
        statistics with :class:`SemiPreciseBNHook`)."""
        names = list(multi_batch_inputs)
        logits = self.student_logits([multi_batch_inputs[n] for n in names])
        return dict(zip(names, logits))

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        """Branches of unlabeled clips that :meth:`semi_loss` needs."""
        raise NotImplementedError

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        """Losses of a batch with labeled and unlabeled clips; implemented
        by each method."""
        raise NotImplementedError

    @property
    def predictor(self):
        """The network used by ``predict`` (``semi_test_cfg.predict_on``)."""
        return getattr(self, self.semi_test_cfg.predict_on)

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        return self.predictor.predict(inputs, data_samples)

    # ------------------------------------------------------------------
    # helpers for subclasses
    def supervised_loss(self,
                        logits: Tensor,
                        data_samples: Sequence,
                        network=None,
                        prefix: str = 'sup_') -> dict:
        """A head's own loss (its ``loss_cls`` config, top-k) on labeled
        logits ``(B_l, C)``; ``network`` defaults to the student; keys
        prefixed ``prefix``."""
        network = self.student if network is None else network
        losses = network.cls_head.loss_by_feat(logits, data_samples)
        return rename_loss_dict(prefix, losses)

    @staticmethod
    def branch_logits(network, inputs: Sequence[Tensor]) -> Sequence[Tensor]:
        """Scores ``(B_i, C)`` of a recognizer on several branches
        ``(B_i, ...)`` in one forward pass.

        Concatenating the branches (as FixMatch does) gives BatchNorm one
        batch with labeled and unlabeled clips instead of tiny batches.
        """
        logits = recognizer_logits(network, torch.cat(list(inputs)))
        return logits.split([x.shape[0] for x in inputs])

    def student_logits(self, inputs: Sequence[Tensor]) -> Sequence[Tensor]:
        """Student scores of several branches in one forward pass."""
        return self.branch_logits(self.student, inputs)

    @torch.no_grad()
    def teacher_logits(self, inputs: Tensor) -> Tensor:
        """Teacher scores, ``(N, C)``, without gradient."""
        return recognizer_logits(self.teacher, inputs)

    @staticmethod
    def log_pseudo_labels(pseudo: Tensor,
                          mask: Tensor,
                          unlabeled_samples: Sequence,
                          prefix: str = 'unsup_') -> dict:
        """``{prefix}mask_ratio`` and, where unlabeled ground truth is
        known, ``{prefix}pl_acc`` (kept clips) and ``{prefix}pl_acc_all``."""
        metrics = pseudo_label_metrics(pseudo, mask,
                                       unlabeled_gt_labels(unlabeled_samples))
        return rename_loss_dict(prefix, metrics)
