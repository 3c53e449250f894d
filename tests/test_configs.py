"""Every shipped config parses, builds its model and pipelines, and feeds
the model every branch it needs (paper-scale configs included, which
cannot be trained here)."""
import glob
import os.path as osp

import pytest
from mmaction.registry import MODELS
from mmcv.transforms import Compose
from mmengine.config import Config

from conftest import REPO

CONFIGS = sorted(
    path for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                               recursive=True)
    if '_base_' not in path)


def branches_of(pipeline):
    """Branches built by the MultiBranch step of a pipeline."""
    for step in pipeline:
        if step['type'] == 'MultiBranch':
            return set(step) - {'type', 'branch_field'}
    return set()


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_and_feeds_its_model(path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    dataset = cfg.train_dataloader.dataset
    for loader in ('val_dataloader', 'test_dataloader'):
        if cfg.get(loader) is not None:  # none for self-supervised stages
            Compose(cfg[loader].dataset.pipeline)
    for hook in cfg.get('custom_hooks') or []:
        if hook['type'] == 'PseudoLabelFilterHook':
            # the scoring pipeline builds, every round trains
            Compose(hook['pipeline'])
            assert max(hook['milestones']) < cfg.train_cfg.max_iters
    if dataset.type not in ('SemiDataset', 'PseudoLabelDataset'):
        Compose(dataset.pipeline)
        return
    Compose(dataset.labeled.pipeline)
    Compose(dataset.unlabeled.pipeline)
    required = model.required_branches()
    assert set(required['labeled']) <= branches_of(dataset.labeled.pipeline)
    assert set(required['unlabeled']) <= branches_of(
        dataset.unlabeled.pipeline)
