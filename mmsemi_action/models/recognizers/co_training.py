"""Base of methods that train a second recognizer alongside the student."""
import copy
from typing import Dict, Optional, Sequence

from mmaction.registry import MODELS
from mmengine.config import ConfigDict
from torch import Tensor

from .fixmatch import FixMatchRecognizer


class CoTrainingRecognizer(FixMatchRecognizer):
    """A primary recognizer (``self.student``: it predicts, validates and is
    exported) and an auxiliary recognizer (``self.auxiliary``) trained with
    it on views of their own (CMPL's small network at another frame rate,
    LTG's temporal-gradient network).

    The primary reads the ``labeled`` / ``weak`` / ``strong`` branches, the
    auxiliary the ``aux_labeled_branch`` / ``aux_weak_branch`` /
    ``aux_strong_branch`` ones, each normalised by its own network's data
    preprocessor. Batches without unlabeled clips train both networks on
    their labeled branches. Subclasses write :meth:`semi_loss`.

    Args:
        primary (dict): any MMAction2 recognizer config.
        auxiliary (dict, optional): the second recognizer config; its
            ``data_preprocessor`` (if any) normalises the auxiliary branches.
        data_preprocessor (dict, optional): defaults to a
            :class:`MultiBranchDataPreprocessor` with the primary's
            preprocessor and the auxiliary's for the auxiliary branches.
        semi_train_cfg (dict, optional): FixMatch's keys plus the auxiliary
            branch names (defaults ``labeled_aux``, ``weak_aux``,
            ``strong_aux``) and the subclass's keys.
        semi_test_cfg (dict, optional): ``predict_on='student'``.
        init_cfg (dict, optional): initialisation config.
    """

    default_train_cfg = dict(
        aux_labeled_branch='labeled_aux',
        aux_weak_branch='weak_aux',
        aux_strong_branch='strong_aux')

    def __init__(self,
                 primary: dict,
                 auxiliary: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 semi_train_cfg: Optional[dict] = None,
                 semi_test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        cfg = ConfigDict(self.train_cfg_defaults())
        cfg.update(semi_train_cfg or {})
        if data_preprocessor is None and auxiliary is not None:
            primary_pre = primary.get('data_preprocessor',
                                      dict(type='ActionDataPreprocessor'))
            aux_pre = auxiliary.get('data_preprocessor', primary_pre)
            data_preprocessor = dict(
                type='MultiBranchDataPreprocessor',
                data_preprocessor=primary_pre,
                branch_preprocessors={
                    branch: aux_pre
                    for branch in (cfg.aux_labeled_branch,
                                   cfg.aux_weak_branch,
                                   cfg.aux_strong_branch)
                })
        super().__init__(
            recognizer=primary,
            data_preprocessor=data_preprocessor,
            semi_train_cfg=cfg,
            semi_test_cfg=semi_test_cfg,
            init_cfg=init_cfg)
        self.auxiliary = None if auxiliary is None else MODELS.build(
            copy.deepcopy(auxiliary))

    def trained_networks(self) -> dict:
        networks = super().trained_networks()
        if self.auxiliary is not None:
            networks['auxiliary'] = self.auxiliary
        return networks

    def required_branches(self) -> dict:
        branches = super().required_branches()
        if self.trains_auxiliary_on_labels:
            branches['labeled'].append(self.semi_train_cfg.aux_labeled_branch)
        return branches

    @property
    def primary(self):
        """The network that predicts and is exported (``self.student``)."""
        return self.student

    @property
    def trains_auxiliary_on_labels(self) -> bool:
        """Whether labeled clips train the auxiliary network too."""
        return self.auxiliary is not None

    def auxiliary_logits(self, inputs: Sequence[Tensor]) -> Sequence[Tensor]:
        """The auxiliary's scores of several branches in one forward."""
        return self.branch_logits(self.auxiliary, inputs)

    def auxiliary_supervised_loss(self, logits: Tensor,
                                  data_samples) -> dict:
        """The auxiliary head's own loss, keys prefixed ``aux_sup_``."""
        return self.supervised_loss(
            logits, data_samples, network=self.auxiliary, prefix='aux_sup_')

    def branch_tensors(self, multi_batch_inputs: Dict[str, Tensor]) -> dict:
        cfg = self.semi_train_cfg
        aux_names = {cfg.aux_labeled_branch, cfg.aux_weak_branch,
                     cfg.aux_strong_branch}
        out = {}
        for network, names in (
            (self.student, [n for n in multi_batch_inputs
                            if n not in aux_names]),
            (self.auxiliary, [n for n in multi_batch_inputs
                              if n in aux_names]),
        ):
            if names and network is not None:
                logits = self.branch_logits(
                    network, [multi_batch_inputs[n] for n in names])
                out.update(zip(names, logits))
        return out

    def labeled_loss(self, multi_batch_inputs: Dict[str, Tensor],
                     multi_batch_data_samples: Dict[str, list]) -> dict:
        losses = super().labeled_loss(multi_batch_inputs,
                                      multi_batch_data_samples)
        if self.trains_auxiliary_on_labels:
            branch = self.semi_train_cfg.aux_labeled_branch
            (logits, ) = self.auxiliary_logits([multi_batch_inputs[branch]])
            losses.update(
                self.auxiliary_supervised_loss(
                    logits, multi_batch_data_samples[branch]))
        return losses
