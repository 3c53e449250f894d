"""Several augmented views of one decoded clip."""
import copy
from typing import Dict, List, Optional

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose


@TRANSFORMS.register_module()
class MultiBranch(BaseTransform):
    """Run one sub-pipeline per named branch on a copy of the results.

    Put it after decoding (``DecordInit``, ``SampleFrames``,
    ``DecordDecode``) so a clip is decoded once and every view sees the same
    frames. Each sub-pipeline ends with ``FormatShape`` and
    ``PackActionInputs``. The output is packed for
    :class:`MultiBranchDataPreprocessor`::

        dict(inputs=dict(labeled=None, weak=Tensor, strong=Tensor),
             data_samples=dict(labeled=None, weak=ActionDataSample, ...))

    Branches listed in ``branch_field`` but not built here are ``None``, so
    labeled and unlabeled samples collate into one batch.

    Args:
        branch_field (list[str]): all branch names used in a batch.
        **branch_pipelines (list[dict]): the sub-pipeline of each branch
            built by this transform.

    Example:
        >>> dict(type='MultiBranch', branch_field=['labeled', 'weak',
        ...      'strong'], weak=weak_pipeline, strong=strong_pipeline)
    """

    def __init__(self, branch_field: List[str], **branch_pipelines) -> None:
        unknown = set(branch_pipelines) - set(branch_field)
        if unknown:
            raise ValueError(f'MultiBranch branches {sorted(unknown)} are not '
                             f'listed in branch_field={branch_field}')
        if not branch_pipelines:
            raise ValueError('MultiBranch needs at least one branch pipeline')
        self.branch_field = list(branch_field)
        self.branch_pipelines: Dict[str, Compose] = {
            name: Compose(pipeline)
            for name, pipeline in branch_pipelines.items()
        }

    def transform(self, results: dict) -> Optional[dict]:
        inputs = dict.fromkeys(self.branch_field)
        data_samples = dict.fromkeys(self.branch_field)
        for name, pipeline in self.branch_pipelines.items():
            packed = pipeline(copy.deepcopy(results))
            if packed is None:
                return None
            inputs[name] = packed['inputs']
            data_samples[name] = packed['data_samples']
        return dict(inputs=inputs, data_samples=data_samples)

    def __repr__(self) -> str:
        branches = ', '.join(
            f'{name}={pipeline}'
            for name, pipeline in self.branch_pipelines.items())
        return f'{self.__class__.__name__}({branches})'
