"""Self-supervised pretraining of FinePseudo's alignability encoder on
unlabeled videos (our substitute for the paper's GITDL)."""
from typing import Dict, Sequence

from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor


@MODELS.register_module()
class FrameContrastiveModel(BaseModel):
    """Frame-level temporal contrastive pretraining of ``f_A``.

    FinePseudo pretrains ``f_A`` on ``D_u`` with GITDL (Algorithm 1, line
    6-10), specified only in its unavailable supplementary. This model is
    our substitute, built to what the paper says GITDL is for ("frame-wise
    video representations focusing on intra-video dynamics"): two views of
    the same decoded frames (branches ``view_0`` and ``view_1``: another
    random crop and colour jitter each, from one decode) go through ``f_A``
    (``(B, T, F)`` each), and TimeBalance's temporally-distinctive
    objective ``L_D1`` (:class:`TemporalContrastiveLoss`,
    ``objective='distinctive'``) is applied with frames in place of clips:
    frame ``t`` of the other view is the positive, every other frame of the
    same video (in both views) a negative. Labels are never read; the
    checkpoint holds ``aligner.*``, loaded into
    :class:`FinePseudoRecognizer` with ``aligner.init_cfg=dict(type=
    'Pretrained', checkpoint=..., prefix='aligner.')``.

    Args:
        aligner (dict): ``f_A`` (e.g. :class:`FrameTransformer`).
        data_preprocessor (dict): e.g. ``MultiBranchDataPreprocessor``.
        temperature (float): tau. Defaults to 0.1.
        branches (tuple[str]): the two view branches.
        init_cfg (dict, optional): initialisation.
    """

    def __init__(self,
                 aligner: dict,
                 data_preprocessor: dict,
                 temperature: float = 0.1,
                 branches: Sequence[str] = ('view_0', 'view_1'),
                 init_cfg=None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if len(branches) != 2:
            raise ValueError('FrameContrastiveModel: branches must name two '
                             f'views, got {list(branches)}')
        self.aligner = MODELS.build(aligner)
        self.branches = tuple(branches)
        self.loss_fn = MODELS.build(
            dict(type='TemporalContrastiveLoss', objective='distinctive',
                 temperature=temperature))

    def required_branches(self) -> Dict[str, Sequence[str]]:
        """Both views from every source (labels are not read)."""
        return dict(labeled=list(self.branches),
                    unlabeled=list(self.branches))

    def loss(self, inputs: Dict[str, Tensor], data_samples=None) -> dict:
        first, second = (inputs[name] for name in self.branches)
        return dict(loss_frame=self.loss_fn(self.aligner(first),
                                            self.aligner(second)))

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.aligner(inputs[self.branches[0]])
        raise RuntimeError(
            f'FrameContrastiveModel has no {mode!r} mode: it trains f_A '
            'without labels; load it into FinePseudoRecognizer')
