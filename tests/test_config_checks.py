"""Mis-set options are refused when the model, data or loop is built, with
the setting, file or line named; optimizer settings reach the trained
networks only."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmaction.registry import DATASETS, MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.runner import Runner

from _models import build, tiny_recognizer
from conftest import REPO
from test_end_to_end import FIXMATCH, MEAN_TEACHER, tiny_cfg


def semi_dataset(root, **kwargs):
    sources = {
        source: dict(type='SemiVideoDataset',
                     ann_file=f'{root}/{source}.txt',
                     data_prefix=dict(video=root), pipeline=[],
                     labeled=source == 'labeled')
        for source in ('labeled', 'unlabeled')
    }
    return DATASETS.build(dict(type='SemiDataset', **sources, **kwargs))


# ---------------------------------------------------------------- sampler
@pytest.mark.parametrize('ratio', [[0, 1], [1, 0], [-1, 2], [1.5, 1]])
def test_impossible_source_ratio_is_refused(tiny_coarse, ratio):
    from mmsemi_action.datasets import SemiSupervisedSampler
    with pytest.raises(ValueError, match='source_ratio'):
        SemiSupervisedSampler(semi_dataset(tiny_coarse), 6, ratio)


def test_sampler_and_loader_batch_sizes_must_agree(tiny_coarse, tmp_path):
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path,
                   **{'train_dataloader.sampler.batch_size': 12})
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'sampler\.batch_size=12 differs '
                       r'from train_dataloader\.batch_size=6'):
        runner.train()
    assert isinstance(runner._train_loop, dict)  # no loop, no iteration


def test_batch_size_comes_from_the_loader(tiny_coarse, tmp_path):
    """Given once, as ``train_dataloader.batch_size``, the sampler uses it
    and an epoch is one pass over the unlabeled set."""
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path, max_iters=1)
    assert 'batch_size' not in cfg.train_dataloader.sampler
    runner = Runner.from_cfg(cfg)
    runner.train()
    loader = runner.train_dataloader
    assert loader.sampler.batch_size == 6
    # 24 unlabeled videos, 4 per batch of 6 (source_ratio [1, 2])
    assert len(loader) == runner.train_loop.iters_per_epoch == 6


@pytest.mark.parametrize('loop', ['EpochBasedTrainLoop', 'IterBasedTrainLoop'])
def test_semi_sampler_needs_the_semi_loop(tiny_coarse, tmp_path, loop):
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path)
    cfg.train_cfg = dict(type=loop, **(
        dict(max_epochs=1) if loop.startswith('Epoch') else
        dict(max_iters=2)))
    cfg.train_dataloader.sampler.batch_size = 6  # as a stock loop needs
    runner = Runner.from_cfg(cfg)
    with pytest.raises(TypeError, match=f"cannot be used by {loop}.*"
                       "SemiIterBasedTrainLoop"):
        runner.train()


@pytest.mark.parametrize('kwargs', [dict(), dict(max_iters=4, max_epochs=1)])
def test_loop_needs_exactly_one_length(tiny_coarse, tmp_path, kwargs):
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path)
    cfg.train_cfg = dict(type='SemiIterBasedTrainLoop', **kwargs)
    with pytest.raises(ValueError, match='exactly one of max_iters and '
                       'max_epochs'):
        Runner.from_cfg(cfg).train()


def test_max_epochs_and_epoch_based_settings_are_converted(
        tiny_coarse, tmp_path):
    """A stock runtime (epoch-based checkpoints and logs) and schedule
    (LinearLR by epoch without ``convert_to_iter_based``) under
    ``SemiIterBasedTrainLoop(max_epochs=2)``: 6 iterations per epoch."""
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path)
    cfg.train_cfg = dict(type='SemiIterBasedTrainLoop', max_epochs=2,
                         val_begin=1, val_interval=1)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1,
                                        save_best='auto')
    cfg.log_processor = dict(type='LogProcessor', by_epoch=True)
    cfg.param_scheduler = [
        dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=0,
             end=1),
        dict(type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1)
    ]
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 12
    for it in (6, 12):
        assert osp.isfile(osp.join(cfg.work_dir, f'iter_{it}.pth'))
    lrs = list(runner.message_hub.get_scalar('train/lr').data[0])
    base = cfg.optim_wrapper.optimizer.lr
    # hand computation: MMEngine's LinearLR reaches its end factor at
    # iteration end - 1 = 5 (5 steps from 0.5 to 1); then x0.1 from 6 on
    expected = [base * (0.5 + 0.5 * k / 5) for k in range(6)] + \
        [base * 0.1] * 6
    assert lrs == pytest.approx(expected, rel=1e-6)
    assert runner.val_loop is not None
    assert 'val/student/acc/top1' in runner.message_hub.log_scalars
    assert not runner.log_processor.by_epoch


# ------------------------------------------------------------------ model
def test_unknown_semi_cfg_keys_are_refused():
    with pytest.raises(KeyError, match="unknown key 'thresold'.*did you "
                       "mean 'threshold'"):
        build(semi_train_cfg=dict(thresold=0.0))
    with pytest.raises(KeyError, match='semi_test_cfg.*predict_with'):
        build(semi_test_cfg=dict(predict_with='student'))
    for type_, key in (('MeanTeacherRecognizer', 'rampup'),
                       ('CMPLRecognizer', 'aux_loss')):
        kwargs = dict(primary=tiny_recognizer(),
                      auxiliary=tiny_recognizer()) \
            if type_ == 'CMPLRecognizer' else dict()
        if kwargs:
            with pytest.raises(KeyError, match=f"'{key}'"):
                MODELS.build(dict(type=type_, semi_train_cfg={key: 1},
                                  **kwargs))
        else:
            with pytest.raises(KeyError, match=f"'{key}'"):
                build(type_, semi_train_cfg={key: 1})
    # every documented key of every method is accepted
    build(semi_train_cfg=dict(threshold=0.5, soft_labels=True))


def test_missing_branch_is_named_before_training(tiny_coarse, tmp_path):
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path)
    multi = cfg.train_dataloader.dataset.unlabeled.pipeline[-1]
    multi.pop('strong')
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r"FixMatchRecognizer needs the "
                       r"branches \['strong'\] from the unlabeled videos"):
        runner.train()
    assert isinstance(runner._train_loop, dict)  # no loop, no iteration


def test_missing_branch_of_a_one_list_dataset_is_named():
    """TimeBalance's paper-scale stage 1 trains on one list (no
    SemiDataset): its pipeline must build every branch too."""
    from mmcv.transforms import Compose
    from mmsemi_action.engine.runner.config_checks import check_branches
    model = MODELS.build(dict(type='TemporalSelfSupervisedModel',
                              recognizer=tiny_recognizer(), num_clips=2,
                              objective='distinctive', local_global=True))
    names = ['clip_0', 'clip_1', 'aug_0', 'aug_1']

    class OneList:
        def __init__(self, branches):
            self.pipeline = Compose([dict(
                type='MultiBranch', branch_field=branches,
                **{name: [] for name in branches})])

    check_branches(model, OneList(names + ['long']))
    with pytest.raises(ValueError, match=r"needs the branches \['long'\] "
                       r'.*train_dataloader\.dataset\.pipeline builds'):
        check_branches(model, OneList(names))


# ------------------------------------------------------------------- data
def test_stock_dataset_keys_under_semi_dataset_are_explained(tiny_coarse):
    with pytest.raises(TypeError, match=r"\['ann_file', 'pipeline'\].*"
                       r"_delete_=True"):
        semi_dataset(tiny_coarse, ann_file='x.txt', pipeline=[])


def write_list(path, lines):
    path.write_text(''.join(line + '\n' for line in lines))
    return str(path)


def test_label_minus_one_in_labeled_list(tiny_coarse, tmp_path):
    first = open(f'{tiny_coarse}/labeled.txt').read().split('\n')[0].split()
    ann = write_list(tmp_path / 'labeled.txt',
                     [' '.join(first), f'{first[0]} -1'])
    with pytest.raises(ValueError, match=r'labeled\.txt:2 .*-1 marks an '
                       r'unlabeled video'):
        DATASETS.build(dict(type='SemiVideoDataset', ann_file=ann,
                            data_prefix=dict(video=tiny_coarse),
                            pipeline=[]))


def test_label_out_of_the_model_range_is_named(tiny_coarse, tmp_path):
    """No ``num_classes`` in the dataset: the loop compares the labels with
    the recognizer's head and names the file and line."""
    lines = open(f'{tiny_coarse}/labeled.txt').read().split('\n')[:8]
    path, _ = lines[2].split()
    lines[2] = f'{path} 8'
    ann = write_list(tmp_path / 'labeled.txt', lines)
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path / 'work', **{
        'train_dataloader.dataset.labeled.ann_file': ann,
        'train_dataloader.dataset.labeled.num_classes': None})
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'labeled\.txt:3 .*label 8 is '
                       r'outside the range \[0, 8\)'):
        runner.train()


def test_export_refuses_a_config_that_does_not_match(tiny_coarse, tmp_path):
    model = build(recognizer=tiny_recognizer())
    ckpt = tmp_path / 'ckpt.pth'
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    res = subprocess.run([
        sys.executable, osp.join(REPO, 'tools', 'export_student.py'),
        FIXMATCH, str(ckpt), str(tmp_path / 'out')
    ], cwd=REPO, capture_output=True, text=True)
    assert res.returncode != 0
    assert 'does not match' in res.stderr and 'shape mismatch' in \
        res.stderr, res.stderr[-2000:]
    assert not osp.exists(tmp_path / 'out' / 'student.pth')


# -------------------------------------------------------------- optimizer
def tsm_groups(module, name=None):
    """lr / weight decay of every parameter under MMAction2's stock TSM
    constructor (fc_lr5) applied to ``module`` alone."""
    builder = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='TSMOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=0.1,
                                              weight_decay=1e-4)),
        paramwise_cfg=dict(fc_lr5=True)))
    optimizer = builder(module).optimizer
    return {id(p): (g['lr'], g['weight_decay'])
            for g in optimizer.param_groups for p in g['params']}


@pytest.mark.parametrize('type_', ['MeanTeacherRecognizer',
                                   'FixMatchRecognizer', 'CMPLRecognizer'])
def test_paramwise_settings_reach_the_trained_networks(type_):
    """The stock TSM constructor through SemiOptimWrapperConstructor gives
    each trained network (student; CMPL's auxiliary) the groups it gives
    that network alone: its own fc gets 5x lr; the teacher is left out."""
    if type_ == 'CMPLRecognizer':
        model = MODELS.build(dict(type=type_, primary=tiny_recognizer(),
                                  auxiliary=tiny_recognizer()))
    else:
        model = build(type_, with_teacher=True)
    cfg = dict(type='SGD', lr=0.1, weight_decay=1e-4)
    builder = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='SemiOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=cfg),
        paramwise_cfg=dict(constructor='TSMOptimWrapperConstructor',
                           paramwise_cfg=dict(fc_lr5=True))))
    optimizer = builder(model).optimizer
    got = {id(p): (g['lr'], g['weight_decay'])
           for g in optimizer.param_groups for p in g['params']}
    expected = {}
    for net in model.trained_networks().values():
        expected.update(tsm_groups(net))
        assert got[id(net.cls_head.fc_cls.weight)] == (0.5, 1e-4)
    assert got == expected
    if model.teacher is not None:
        assert not any(id(p) in got for p in model.teacher.parameters())


def test_the_loop_routes_the_optim_wrapper(tiny_coarse, tmp_path):
    """A stock ``constructor`` in the config goes through
    SemiOptimWrapperConstructor: Mean Teacher's student fc trains at 5x."""
    cfg = tiny_cfg(MEAN_TEACHER, tiny_coarse, tmp_path, max_iters=1)
    cfg.optim_wrapper = dict(
        constructor='TSMOptimWrapperConstructor',
        paramwise_cfg=dict(fc_lr5=True),
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                       weight_decay=1e-4))
    cfg.param_scheduler = []
    runner = Runner.from_cfg(cfg)
    runner.train()
    groups = runner.optim_wrapper.optimizer.param_groups
    fc = runner.model.student.cls_head.fc_cls.weight
    (group, ) = [g for g in groups if any(p is fc for p in g['params'])]
    assert group['lr'] == pytest.approx(0.5)
    teacher = {id(p) for p in runner.model.teacher.parameters()}
    assert not any(id(p) in teacher for g in groups for p in g['params'])
