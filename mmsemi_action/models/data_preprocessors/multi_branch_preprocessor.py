"""Normalise each branch of a multi-branch batch once."""
from typing import Dict, Optional

from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor
from torch import nn


@MODELS.register_module()
class MultiBranchDataPreprocessor(BaseDataPreprocessor):
    """Apply an ordinary data preprocessor branch by branch.

    In training, batches built by :class:`MultiBranch` carry
    ``inputs[branch]`` and ``data_samples[branch]`` lists in which samples
    of other sources hold ``None``. Each branch's non-empty entries are
    stacked and normalised by ``data_preprocessor`` once. Validation and
    test batches (plain ``PackActionInputs`` output) go straight through
    ``data_preprocessor``.

    Args:
        data_preprocessor (dict): config of the wrapped preprocessor, e.g.
            ``ActionDataPreprocessor``.
        branch_preprocessors (dict, optional): branch name -> preprocessor
            config for branches that feed another network with other
            settings (e.g. CMPL's auxiliary network).

    Returns (training):
        dict: ``inputs`` maps branch -> Tensor ``(B_branch, ...)`` and
        ``data_samples`` maps branch -> list of ``ActionDataSample``.
    """

    def __init__(self,
                 data_preprocessor: dict,
                 branch_preprocessors: Optional[Dict[str, dict]] = None
                 ) -> None:
        super().__init__()
        self.data_preprocessor = MODELS.build(data_preprocessor)
        self.branch_preprocessors = nn.ModuleDict({
            branch: MODELS.build(cfg)
            for branch, cfg in (branch_preprocessors or {}).items()
        })

    def forward(self, data: dict, training: bool = False) -> dict:
        if not isinstance(data['inputs'], dict):
            return self.data_preprocessor(data, training)
        inputs: Dict[str, object] = {}
        data_samples: Dict[str, object] = {}
        for branch, branch_inputs in data['inputs'].items():
            keep = [i for i, x in enumerate(branch_inputs) if x is not None]
            if not keep:
                continue
            samples = data['data_samples'][branch]
            preprocessor = self.branch_preprocessors[branch] \
                if branch in self.branch_preprocessors \
                else self.data_preprocessor
            out = preprocessor(
                dict(
                    inputs=[branch_inputs[i] for i in keep],
                    data_samples=[samples[i] for i in keep]), training)
            inputs[branch] = out['inputs']
            data_samples[branch] = out['data_samples']
        return dict(inputs=inputs, data_samples=data_samples)
