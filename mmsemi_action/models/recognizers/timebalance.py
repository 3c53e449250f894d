"""Stage 3 of TimeBalance (Dave et al., CVPR 2023, Sec. 3.2): a student
distilled from the temporally-invariant and temporally-distinctive
teachers, reweighted by each video's temporal similarity score."""
import copy
from typing import Dict, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.runner.checkpoint import load_checkpoint
from torch import Tensor, nn

from ..utils import recognizer_logits
from .semi_base import SemiBaseRecognizer

TEACHERS = ('invariant', 'distinctive')


@MODELS.register_module()
class TimeBalanceRecognizer(SemiBaseRecognizer):
    """``L = L_sup + omega L_unsup`` (Eq. 2) with ``L_sup`` the student's
    cross-entropy on labeled clips (Eq. 4) and ``L_unsup`` the distance
    between the student's probabilities ``p_S`` and the teachers'
    ``p_T = s p_I + (1 - s) p_D`` (Eq. 7; ``s`` the video's temporal
    similarity score, Eq. 6), on the unlabeled clips AND the labeled ones
    (Sec. 3.2, supp. D.1): ``(p_T - p_S)^2`` summed over classes (Eq. 8,
    ``SoftmaxMSELoss(class_reduction='sum')``), or KL / JS.

    The teachers ``f_I`` / ``f_D`` are MMAction2 recognizers fine-tuned on
    the labeled set, loaded from ``teacher_checkpoints`` after the
    student's initialisation, frozen (no gradient, eval mode, out of the
    optimizer) and saved with every checkpoint. Teachers and student read
    the same clip of a video (the paper names no separate views; branches
    ``labeled`` and ``weak``). ``s`` comes with each sample as
    ``temporal_score`` (``SemiVideoDataset(score_file=...)`` and
    ``PackActionInputs(meta_keys=(..., 'temporal_score'))``).

    Args:
        recognizer (dict): the student, any MMAction2 recognizer config.
        teacher_invariant (dict, optional): ``f_I``'s recognizer config;
            defaults to ``recognizer`` (the paper's teachers and student
            share the architecture).
        teacher_distinctive (dict, optional): ``f_D``'s, likewise.
        teacher_checkpoints (dict, optional): ``invariant`` / ``distinctive``
            checkpoint paths (plain recognizer state dicts), loaded by
            :meth:`init_weights`.
        semi_train_cfg (dict, optional): ``unsup_weight`` (omega, 1.0),
            ``reweighting`` (TSTR; False: plain average ``s = 0.5``),
            ``teachers`` (both, or one of them alone), ``distill_loss``,
            ``distill_labeled`` (True), ``weak_branch``, ``clamp_score``
            (False: ``s`` enters Eq. 7 as computed, a mean of cosines in
            ``[-1, 1]``, so ``p_T`` may leave the simplex, which L2
            tolerates; True clamps ``s`` to ``[0, 1]``, required by the KL /
            JS distances, which need ``p_T`` to be a distribution).
        Others as :class:`SemiBaseRecognizer` (``predict_on='student'``).
    """

    default_train_cfg = dict(
        unsup_weight=1.0,
        reweighting=True,
        teachers=TEACHERS,
        distill_loss=dict(type='SoftmaxMSELoss', class_reduction='sum'),
        distill_labeled=True,
        weak_branch='weak',
        clamp_score=False)

    def __init__(self,
                 recognizer: dict,
                 teacher_invariant: Optional[dict] = None,
                 teacher_distinctive: Optional[dict] = None,
                 teacher_checkpoints: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(recognizer, **kwargs)
        cfg = self.semi_train_cfg
        cfg.teachers = tuple(cfg.teachers)
        if not cfg.teachers or set(cfg.teachers) - set(TEACHERS):
            raise ValueError('TimeBalanceRecognizer: semi_train_cfg.teachers '
                             f'must be a non-empty subset of {TEACHERS}, got '
                             f'{cfg.teachers!r}')
        self.teachers = nn.ModuleDict({
            name: MODELS.build(copy.deepcopy(config or recognizer))
            for name, config in zip(TEACHERS, (teacher_invariant,
                                               teacher_distinctive))
            if name in cfg.teachers
        })
        self.teachers.requires_grad_(False)
        self.teachers.eval()
        self.teacher_checkpoints = dict(teacher_checkpoints or {})
        unknown = set(self.teacher_checkpoints) - set(TEACHERS)
        if unknown:
            raise KeyError(f'TimeBalanceRecognizer: teacher_checkpoints keys '
                           f'must be in {TEACHERS}, got {sorted(unknown)}')
        self.distill_loss = MODELS.build(cfg.distill_loss)
        if (cfg.distill_loss.get('type') in ('SoftmaxKLLoss', 'SoftmaxJSLoss')
                and cfg.reweighting and len(self.teachers) == 2
                and not cfg.clamp_score):
            raise ValueError(
                f"TimeBalanceRecognizer: distill_loss "
                f"{cfg.distill_loss['type']} needs p_T to be a distribution, "
                'but s (a mean of cosines) can be negative: set '
                'model.semi_train_cfg.clamp_score=True (s clamped to [0, 1])')

    def init_weights(self) -> None:
        """The student's initialisation, then the fine-tuned teachers."""
        super().init_weights()
        for name, path in self.teacher_checkpoints.items():
            if name in self.teachers:
                load_checkpoint(self.teachers[name], path,
                                map_location='cpu', strict=True)

    def train(self, mode: bool = True):
        super().train(mode)
        self.teachers.train(False)
        return self

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        return (self.semi_train_cfg.weak_branch, )

    @staticmethod
    def scores(samples: Sequence) -> Tensor:
        """``(N, )`` temporal similarity scores of the samples."""
        try:
            return torch.tensor(
                [float(s.metainfo['temporal_score']) for s in samples])
        except KeyError:
            raise KeyError(
                'TimeBalanceRecognizer needs each sample\'s temporal_score: '
                'give the training datasets score_file=... (from '
                'tools/timebalance/score_videos.py) and PackActionInputs '
                "meta_keys=(..., 'temporal_score')") from None

    @torch.no_grad()
    def teacher_probs(self, inputs: Tensor, scores: Tensor) -> Tensor:
        """``p_T`` (Eq. 7) of clips ``(N, ...)`` with scores ``(N, )``."""
        probs = {name: recognizer_logits(teacher, inputs).softmax(1)
                 for name, teacher in self.teachers.items()}
        if len(probs) == 1:
            return next(iter(probs.values()))
        s = scores.to(inputs.device)[:, None]
        if not self.semi_train_cfg.reweighting:
            s = torch.full_like(s, 0.5)
        elif self.semi_train_cfg.clamp_score:
            s = s.clamp(0, 1)
        return s * probs['invariant'] + (1 - s) * probs['distinctive']

    def _losses(self, clips: Dict[str, Tensor], samples: Dict[str, list],
                branches: Sequence[str]) -> dict:
        cfg = self.semi_train_cfg
        labeled = cfg.labeled_branch
        logits = dict(zip(branches,
                          self.student_logits([clips[b] for b in branches])))
        losses = self.supervised_loss(logits[labeled], samples[labeled])
        distilled = [b for b in branches
                     if b != labeled or cfg.distill_labeled]
        if distilled:
            inputs = torch.cat([clips[b] for b in distilled])
            student = torch.cat([logits[b] for b in distilled])
            scores = self.scores([s for b in distilled for s in samples[b]])
            targets = self.teacher_probs(inputs, scores)
            losses['unsup_loss_distill'] = cfg.unsup_weight * \
                self.distill_loss(student, targets)
            losses['tstr_score'] = scores.mean()
            if cfg.weak_branch in distilled:
                n = clips[cfg.weak_branch].shape[0]
                pseudo = targets[-n:].argmax(1)
                losses.update(self.log_pseudo_labels(
                    pseudo, torch.ones_like(pseudo, dtype=torch.float),
                    samples[cfg.weak_branch]))
        return losses

    def labeled_loss(self, multi_batch_inputs, multi_batch_data_samples):
        return self._losses(multi_batch_inputs, multi_batch_data_samples,
                            [self.semi_train_cfg.labeled_branch])

    def semi_loss(self, multi_batch_inputs, multi_batch_data_samples):
        cfg = self.semi_train_cfg
        return self._losses(multi_batch_inputs, multi_batch_data_samples,
                            [cfg.labeled_branch, cfg.weak_branch])
