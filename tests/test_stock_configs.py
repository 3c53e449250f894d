"""Stock MMAction2 configs (2D TSM, 3D SlowOnly, TimeSformer), taken whole
from the installed package, wrapped in every method as a user would: their
epoch-based schedules and checkpoints are converted to iterations, their
parameter-wise optimizer settings reach the trained networks only."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from conftest import REPO
from test_end_to_end import data_options

#: full configs shipped in the installed mmaction2 (its .mim/configs)
STOCK = dict(
    tsm='recognition/tsm/'
    'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_kinetics400-rgb.py',
    slowonly='recognition/slowonly/'
    'slowonly_r50_8xb16-4x16x1-256e_kinetics400-rgb.py',
    timesformer='recognition/timesformer/'
    'timesformer_divST_8xb8-8x32x1-15e_kinetics400-rgb.py')
METHODS = dict(
    fixmatch='fixmatch/fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    mean_teacher='mean_teacher/'
    'mean-teacher_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    cmpl='cmpl/cmpl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    ltg='ltg/ltg_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    acl_mtl='acl_mtl/acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')
#: iterations per epoch: 8 unlabeled videos, 2 per batch of 3
EPOCH = 4


def tiny_recognizer(model, name: str, frames: int):
    """The stock recognizer at CPU size, without pretrained weights, on
    ``frames`` frames of 8 classes."""
    model = copy.deepcopy(model)
    model.cls_head.num_classes = 8
    backbone = model.backbone
    backbone.pretrained = None
    if name == 'tsm':
        backbone.pretrained2d = False  # else it loads `pretrained` anyway
        backbone.depth = 18
        backbone.num_segments = frames
        model.cls_head.num_segments = frames
        model.cls_head.in_channels = 512
    elif name == 'slowonly':
        backbone.depth = 18
        backbone.base_channels = 8
        model.cls_head.in_channels = 64
    else:
        backbone.update(num_frames=frames, img_size=64, embed_dims=64,
                        num_heads=4, num_transformer_layers=2)
        model.cls_head.in_channels = 64
    return model


def _walk(node, fn):
    """Apply ``fn`` to every dict inside ``node`` (configs, pipelines)."""
    if isinstance(node, dict):
        fn(node)
        for value in node.values():
            _walk(value, fn)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, fn)


def wrap(stock: str, method: str, root: str, work_dir) -> Config:
    """``stock`` whole (schedule, optimizer, checkpoint, logging) with the
    model and data of ``method``'s synthetic config around its recognizer,
    and ``SemiIterBasedTrainLoop(max_epochs=2)``."""
    import mmaction
    cfg = Config.fromfile(
        osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs',
                 STOCK[stock]))
    ours = Config.fromfile(osp.join(REPO, 'configs', METHODS[method]))
    ours.merge_from_dict(data_options(root))
    model = copy.deepcopy(ours.model)
    if 'primary' in model:
        aux_frames = 16 if method == 'cmpl' else 8
        tg_pre = model.auxiliary.data_preprocessor
        model.primary = tiny_recognizer(cfg.model, stock, 8)
        model.auxiliary = tiny_recognizer(cfg.model, stock, aux_frames)
        if method == 'ltg':
            tg_pre.format_shape = cfg.model.data_preprocessor.get(
                'format_shape', 'NCHW')
            model.auxiliary.data_preprocessor = tg_pre
            if stock == 'timesformer':
                model.semi_train_cfg.align_layers = (
                    'transformer_layers.layers.0',
                    'transformer_layers.layers.1')
    else:
        model.recognizer = tiny_recognizer(cfg.model, stock, 8)
    loader = copy.deepcopy(ours.train_dataloader)
    loader.update(batch_size=3, num_workers=0, persistent_workers=False)
    loader.sampler.source_ratio = [1, 2]
    loader.dataset.unlabeled.indices = 2 * EPOCH
    val = copy.deepcopy(ours.val_dataloader)
    val.update(num_workers=0, persistent_workers=False)
    if stock == 'tsm':  # 2D: frames as segments
        _walk([loader, val], lambda d: d.get('input_format') == 'NCTHW' and
              d.update(input_format='NCHW'))
    if stock == 'timesformer':  # 64 = 4 x 4 patches
        _walk([loader, val], lambda d: d.get('type') == 'Resize' and
              d.update(scale=(64, 64)))
    cfg.custom_imports = dict(imports=['mmsemi_action'])
    cfg.model = model
    cfg.train_dataloader = loader
    cfg.val_dataloader = cfg.test_dataloader = val
    cfg.val_evaluator = cfg.test_evaluator = ours.val_evaluator
    cfg.train_cfg = dict(type='SemiIterBasedTrainLoop', max_epochs=2,
                         val_begin=1, val_interval=1)
    cfg.val_cfg = dict(type='TeacherStudentValLoop')
    cfg.custom_hooks = [h for h in ours.get('custom_hooks', [])
                        if h['type'] == 'EMATeacherHook']
    # every epoch (still epoch-based: converted by the loop)
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1
    cfg.randomness = dict(seed=0)
    cfg.work_dir = str(work_dir)
    return cfg


def linear_warmup(base: float, start: float, epochs: int, steps: int):
    """lr of the first ``steps`` iterations under ``LinearLR(start_factor=
    start, end=epochs)`` by iteration: ``base (start + (1 - start) k /
    (T - 1))``, ``T = epochs * EPOCH`` (MMEngine's LinearLR reaches its end
    factor at iteration ``end - 1``; hand computation)."""
    total = epochs * EPOCH - 1
    return [base * (start + (1 - start) * k / total) for k in range(steps)]


def param_group_of(optimizer, param):
    for group in optimizer.param_groups:
        if any(p is param for p in group['params']):
            return group
    return None


@pytest.mark.parametrize('method', sorted(METHODS))
@pytest.mark.parametrize('stock', sorted(STOCK))
def test_stock_config_wrapped_in_method(tiny_coarse, tmp_path, stock, method):
    cfg = wrap(stock, method, tiny_coarse, tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    model = runner.model

    # checkpoints every (converted) epoch, validation every epoch
    for it in (EPOCH, 2 * EPOCH):
        assert osp.isfile(osp.join(cfg.work_dir, f'iter_{it}.pth')), it
    assert runner.iter == 2 * EPOCH

    # the stock schedule, converted to iterations
    lrs = [v for v in runner.message_hub.get_scalar('train/lr').data[0]]
    base = cfg.optim_wrapper.optimizer.lr
    if stock == 'tsm':  # LinearLR(0.1, 5 epochs) then MultiStepLR [25, 45]
        expected = linear_warmup(base, 0.1, 5, 2 * EPOCH)
    elif stock == 'slowonly':  # LinearLR(0.1, 34 epochs) then cosine
        expected = linear_warmup(base, 0.1, 34, 2 * EPOCH)
    else:  # MultiStepLR [5, 10] epochs: constant over 2 epochs
        expected = [base] * (2 * EPOCH)
        milestones = runner.param_schedulers[0].milestones
        assert dict(milestones) == {5 * EPOCH: 1, 10 * EPOCH: 1}
    assert lrs == pytest.approx(expected, rel=1e-6)
    for scheduler in runner.param_schedulers:
        assert not scheduler.by_epoch

    # parameter-wise settings on the trained networks, never a teacher
    optimizer = runner.optim_wrapper.optimizer
    trained = model.trained_networks()
    in_optimizer = {id(p) for g in optimizer.param_groups for p in g['params']}
    for name, param in model.named_parameters():
        frozen = name.startswith('teacher')
        assert (id(param) in in_optimizer) != frozen, name
    for net in trained.values():
        if stock == 'tsm':  # fc_lr5: 5x lr on the fc weight, 10x on its bias
            group = param_group_of(optimizer, net.cls_head.fc_cls.weight)
            assert group['initial_lr'] == pytest.approx(5 * base)
            group = param_group_of(optimizer, net.cls_head.fc_cls.bias)
            assert group['initial_lr'] == pytest.approx(10 * base)
        if stock == 'timesformer':  # custom_keys: no decay on cls_token
            group = param_group_of(optimizer, net.backbone.cls_token)
            assert group['weight_decay'] == 0
            group = param_group_of(optimizer,
                                   net.cls_head.fc_cls.weight)
            assert group['weight_decay'] == pytest.approx(
                cfg.optim_wrapper.optimizer.weight_decay)
    assert torch.isfinite(
        torch.tensor(runner.message_hub.get_scalar('train/loss').current()))
