"""FinePseudo (Dave et al., ECCV 2024): an action encoder and an
alignability encoder trained on the labeled (and pseudo-labeled) videos;
their collaborative pseudo-labels are made offline, once per self-training
round, by :class:`PseudoLabelFilterHook`."""
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.dist import all_gather, is_distributed
from torch import Tensor

from ..dist_utils import all_gather_with_grad
from ..losses import hard_negative_triplets
from ..soft_dtw import pairwise_soft_dtw
from ..utils import recognizer_logits
from .semi_base import SemiBaseRecognizer


@MODELS.register_module()
class FinePseudoRecognizer(SemiBaseRecognizer):
    """The two encoders of FinePseudo and their losses (Sec. 3.1).

    * ``student`` = the action encoder ``f_E`` (any MMAction2 recognizer;
      R(2+1)D-18 in the paper), trained with its head's cross-entropy
      (Eq. 6); it is the network that predicts and that
      ``tools/export_student.py`` exports.
    * ``aligner`` = the alignability encoder ``f_A`` (e.g.
      :class:`FrameTransformer`): ``T x F`` frame embeddings. The alignment
      distance ``D(u, v)`` is soft-DTW over the cosine-distance cost
      (Eq. 1, :func:`pairwise_soft_dtw`).
    * ``score_head`` = ``f_S``: ``S(u, v) = sigmoid(f_S(D(u, v)))`` (Eq. 3).

    Every training clip is labeled (a labeled video, or an unlabeled one
    with the pseudo-label of the last round: :class:`PseudoLabelDataset`).
    A batch gives ``L_CE`` (Eq. 6) for ``f_E`` and ``L_AV = L_AT + omega
    L_Score`` (Eq. 5) for ``f_A`` and ``f_S``: the ``(N, N)`` distances of
    the global batch (gathered across ranks), hard-negative triplets
    (:func:`hard_negative_triplets`), :class:`AlignabilityTripletLoss`
    (Eq. 2) and :class:`AlignabilityScoreLoss` (Eq. 4, every pair). Both
    networks see the same decoded clip (``align_branch`` may name another
    branch of the same decode, e.g. more frames).

    The pseudo-labelling interface used by :class:`PseudoLabelFilterHook`:
    :meth:`class_probs` (``p_E``), :meth:`embed` (``f_A``) and
    :meth:`alignability` (``S`` against gallery embeddings).

    ``semi_train_cfg`` keys:
        gamma (float): soft-DTW smoothing. Defaults to 0.1 (our choice;
            the paper's value is in its unavailable supplementary).
        normalize_distance (bool): divide ``D`` by the clip length ``T``
            (our choice; keeps ``m`` and ``f_S`` independent of ``T``).
        divergence (bool): use the soft-DTW divergence ``D(u, v) - (D(u, u)
            + D(v, v)) / 2`` (default; our choice: raw soft-DTW, Eq. 1 as
            written, collapsed every embedding to one vector under L_AT in
            our runs, its minimum being at frames that are all alike);
            ``False`` gives Eq. 1 exactly.
        align_branch (str, optional): the branch ``f_A`` reads; defaults to
            ``labeled_branch``.
        aligner_lr_mult (float): ``f_A``'s learning rate over ``f_E``'s
            (Algorithm 1 has a rate per encoder; ``f_S`` keeps the base
            rate). Defaults to 1; applied by
            :class:`SemiOptimWrapperConstructor` on top of any
            ``optim_wrapper`` (:meth:`lr_multipliers`), so that a stock
            config's ``paramwise_cfg`` does not drop it.
        labeled_branch (str): defaults to ``'labeled'``.

    Args:
        recognizer (dict): ``f_E``.
        aligner (dict): ``f_A``.
        score_head (dict): ``f_S``.
        triplet_loss (dict): ``L_AT``.
        score_loss (dict): ``omega * L_Score``.
        data_preprocessor, semi_train_cfg, semi_test_cfg, init_cfg: as
            :class:`SemiBaseRecognizer`.
    """

    default_train_cfg = dict(
        gamma=0.1, normalize_distance=True, divergence=True,
        align_branch=None, aligner_lr_mult=1.0)

    def __init__(self,
                 recognizer: dict,
                 aligner: dict,
                 score_head: dict = dict(type='AlignabilityScoreHead'),
                 triplet_loss: dict = dict(type='AlignabilityTripletLoss'),
                 score_loss: dict = dict(type='AlignabilityScoreLoss'),
                 data_preprocessor=None,
                 semi_train_cfg=None,
                 semi_test_cfg=None,
                 init_cfg=None) -> None:
        super().__init__(
            recognizer,
            data_preprocessor=data_preprocessor,
            with_teacher=False,
            semi_train_cfg=semi_train_cfg,
            semi_test_cfg=semi_test_cfg,
            init_cfg=init_cfg)
        if self.semi_train_cfg.gamma <= 0:
            raise ValueError('FinePseudoRecognizer model.semi_train_cfg.gamma '
                             f'must be > 0, got {self.semi_train_cfg.gamma}')
        if not self.semi_train_cfg.aligner_lr_mult > 0:
            raise ValueError(
                'FinePseudoRecognizer model.semi_train_cfg.aligner_lr_mult '
                f'must be > 0, got {self.semi_train_cfg.aligner_lr_mult}')
        self.aligner = MODELS.build(aligner)
        self.score_head = MODELS.build(score_head)
        self.triplet_loss = MODELS.build(triplet_loss)
        self.score_loss = MODELS.build(score_loss)

    def lr_multipliers(self) -> Dict[str, float]:
        """``aligner_lr_mult`` for ``f_A``."""
        mult = self.semi_train_cfg.aligner_lr_mult
        return {} if mult == 1 else dict(aligner=mult)

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        """None: unlabeled videos reach training only as pseudo-labeled
        samples of :class:`PseudoLabelDataset`."""
        return []

    @property
    def align_branch(self) -> str:
        return (self.semi_train_cfg.align_branch
                or self.semi_train_cfg.labeled_branch)

    def required_branches(self) -> Dict[str, Sequence[str]]:
        return dict(
            labeled=sorted({self.semi_train_cfg.labeled_branch,
                            self.align_branch}),
            unlabeled=[])

    # ------------------------------------------------------------------
    def distance(self, x: Tensor, y: Tensor) -> Tensor:
        """``D`` (Eq. 1) of every pair: ``(N, T, F)`` x ``(M, S, F)`` (or
        ``(N, M, S, F)``) -> ``(N, M)``."""
        return pairwise_soft_dtw(
            x, y, self.semi_train_cfg.gamma,
            normalize=self.semi_train_cfg.normalize_distance,
            divergence=self.semi_train_cfg.divergence)

    def embed(self, inputs: Tensor) -> Tensor:
        """``f_A`` frame embeddings ``(B, T, F)`` of one clip per video
        (``(B, 1, C, T, H, W)`` or ``(B, C, T, H, W)``)."""
        if inputs.dim() == 6 and inputs.shape[1] != 1:
            raise ValueError(
                'FinePseudoRecognizer: the alignability encoder reads one '
                f'clip per video, got {inputs.shape[1]} (set num_clips=1 '
                'in the pipeline of its branch and of the scoring pipeline)')
        return self.aligner(inputs)

    def loss(self, multi_batch_inputs: Dict[str, Tensor],
             multi_batch_data_samples: Dict[str, list]) -> dict:
        labeled = self.semi_train_cfg.labeled_branch
        losses = self.labeled_loss(multi_batch_inputs,
                                   multi_batch_data_samples)
        samples = multi_batch_data_samples[labeled]
        labels = torch.stack([s.gt_label.reshape(()) for s in samples]).to(
            multi_batch_inputs[labeled].device).long()
        emb = self.embed(multi_batch_inputs[self.align_branch])
        if is_distributed():
            emb = all_gather_with_grad(emb)
            labels = torch.cat(all_gather(labels))
        dist = self.distance(emb, emb)
        triplets = hard_negative_triplets(dist, labels)
        losses['align_loss_triplet'] = self.triplet_loss(dist, *triplets)
        losses['align_loss_score'] = self.score_loss(
            self.score_head(dist), labels)
        losses['align_num_triplets'] = torch.tensor(
            float(triplets[0].numel()), device=dist.device)
        return losses

    # ------------------------------------------------------------------
    # the pseudo-labelling interface (PseudoLabelFilterHook)
    @torch.no_grad()
    def class_probs(self, inputs: Tensor) -> Tensor:
        """``p_E``: softmax of ``f_E``'s scores, ``(B, C)`` (clips of a
        video averaged)."""
        return F.softmax(recognizer_logits(self.student, inputs), dim=1)

    @torch.no_grad()
    def alignability(self, emb: Tensor, gallery: Tensor) -> Tensor:
        """``S(u, a)`` (Eq. 3) of each video's embedding ``(N, T, F)``
        against gallery embeddings ``(M, S, F)`` or, per video,
        ``(N, M, S, F)``: ``(N, M)`` in ``[0, 1]``."""
        return self.score_head.score(self.distance(emb, gallery))
