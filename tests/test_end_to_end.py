"""Real runner, real configs, generated videos."""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

from conftest import REPO

FIXMATCH = osp.join(REPO, 'configs', 'fixmatch',
                    'fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')
CMPL = osp.join(REPO, 'configs', 'cmpl',
                'cmpl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')
LTG = osp.join(REPO, 'configs', 'ltg',
               'ltg_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')
MEAN_TEACHER = osp.join(
    REPO, 'configs', 'mean_teacher',
    'mean-teacher_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')


def data_options(root):
    """--cfg-options pointing a synthetic-coarse config at ``root``."""
    opts = {}
    for source in ('labeled', 'unlabeled'):
        key = f'train_dataloader.dataset.{source}'
        opts[f'{key}.ann_file'] = f'{root}/{source}.txt'
        opts[f'{key}.data_prefix.video'] = root
    for split in ('val', 'test'):
        opts[f'{split}_dataloader.dataset.ann_file'] = f'{root}/val.txt'
        opts[f'{split}_dataloader.dataset.data_prefix.video'] = root
    return opts


def tiny_cfg(config, root, work_dir, max_iters=4, **extra):
    cfg = Config.fromfile(config)
    opts = data_options(root)
    opts.update({
        'train_dataloader.batch_size': 6,
        'train_dataloader.sampler.source_ratio': [1, 2],
        'train_dataloader.num_workers': 2,
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': max_iters,
        'default_hooks.checkpoint.interval': max_iters,
        'default_hooks.logger.interval': 1,
        'randomness': dict(seed=0, deterministic=True),
    })
    opts.update(extra)
    cfg.merge_from_dict(opts)
    cfg.work_dir = str(work_dir)
    return cfg


def test_fixmatch_trains_validates_and_exports(tiny_coarse, tmp_path):
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path / 'fm')
    runner = Runner.from_cfg(cfg)
    runner.train()
    scalars = runner.message_hub.log_scalars
    for key in ('train/sup_loss_cls', 'train/unsup_loss_cls',
                'train/unsup_mask_ratio', 'train/unsup_pl_acc_all',
                'val/student/acc/top1'):
        assert key in scalars, key
    ckpt = osp.join(cfg.work_dir, 'iter_4.pth')
    assert osp.isfile(ckpt)

    stock_top1 = export_and_stock_test(FIXMATCH, ckpt, tiny_coarse, tmp_path)
    student_top1 = scalars['val/student/acc/top1'].current()
    assert stock_top1 == pytest.approx(student_top1)


def export_and_stock_test(config, ckpt, root, tmp_path):
    """Export the student of ``ckpt`` and test it with MMAction2's own
    ``tools/test.py``; returns its top-1."""
    out = tmp_path / 'export'
    subprocess.run([sys.executable, osp.join(REPO, 'tools',
                                             'export_student.py'),
                    config, ckpt, str(out)], check=True, cwd=REPO,
                   capture_output=True)
    # plain tensors and meta: loadable without unpickling code
    torch.load(str(out / 'student.pth'), weights_only=True)
    plain = Config.fromfile(str(out / 'student_config.py'))
    assert plain.custom_imports.allow_failed_imports
    assert plain.model.type == 'Recognizer3D'
    assert plain.test_dataloader.dataset.type == 'VideoDataset'
    import mmaction
    stock_test = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools',
                          'test.py')
    plain.merge_from_dict({
        k: v
        for k, v in data_options(root).items()
        if not k.startswith('train')
    })
    plain.dump(str(out / 'student_config.py'))
    res = subprocess.run([sys.executable, stock_test,
                          str(out / 'student_config.py'),
                          str(out / 'student.pth'), '--work-dir',
                          str(tmp_path / 'stock')], cwd=REPO,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    return float(re.search(r'acc/top1: ([0-9.]+)',
                           res.stdout + res.stderr).group(1))


def test_mean_teacher_validates_teacher_and_student(tiny_coarse, tmp_path):
    cfg = tiny_cfg(MEAN_TEACHER, tiny_coarse, tmp_path / 'mt')
    runner = Runner.from_cfg(cfg)
    runner.train()
    scalars = runner.message_hub.log_scalars
    assert 'val/teacher/acc/top1' in scalars
    assert 'val/student/acc/top1' in scalars
    state = _load_checkpoint(osp.join(cfg.work_dir, 'iter_4.pth'),
                             map_location='cpu')['state_dict']
    assert any(k.startswith('teacher.backbone') for k in state)
    assert any(k.startswith('student.backbone') for k in state)
    # the teacher moved towards the student but is not a copy of it
    key = 'backbone.conv1.conv.weight'
    assert not torch.equal(state['teacher.' + key], state['student.' + key])


def train_and_resume(config, root, tmp_path, key, extend=False,
                     drop_hooks=(), **extra):
    """Exact resume as users run: 2 data-loader workers, validation every
    2 iterations (also right after the checkpoints, every 4).

    ``full`` trains 8 iterations; a second run resumes its iteration-4
    checkpoint and trains to 8, validating at 6 (its first validation, in a
    new process) before training on. With ``extend``, the second run
    instead resumes the last checkpoint of a run of 4 iterations with
    ``max_iters`` raised to 8. Returns the final checkpoints of ``full`` and
    of the resumed run after checking that the weights moved away from
    iteration 4 (``key``). ``drop_hooks``: ``default_hooks`` removed from
    the config."""
    extra = dict({'default_hooks.checkpoint.interval': 4,
                  'train_cfg.val_interval': 2}, **extra)

    def build(work_dir, max_iters):
        cfg = tiny_cfg(config, root, work_dir, max_iters=max_iters, **extra)
        for name in drop_hooks:
            cfg.default_hooks.pop(name)
        return cfg

    full = build(tmp_path / 'full', 8)
    full_runner = Runner.from_cfg(full)
    full_runner.train()

    resumed = build(tmp_path / 'part', 8)
    resumed.resume = True
    resumed.load_from = osp.join(full.work_dir, 'iter_4.pth')
    if extend:
        Runner.from_cfg(build(tmp_path / 'part', 4)).train()
        resumed.load_from = osp.join(resumed.work_dir, 'iter_4.pth')
    Runner.from_cfg(resumed).train()

    a = _load_checkpoint(osp.join(full.work_dir, 'iter_8.pth'),
                         map_location='cpu')
    b = _load_checkpoint(osp.join(resumed.work_dir, 'iter_8.pth'),
                         map_location='cpu')
    c = _load_checkpoint(resumed.load_from, map_location='cpu')
    assert not torch.equal(c['state_dict'][key], a['state_dict'][key])
    return a, b, full_runner


def assert_same_weights(a, b):
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key


@pytest.mark.parametrize('config,extend', [(FIXMATCH, False),
                                           (FIXMATCH, True),
                                           (MEAN_TEACHER, False),
                                           (MEAN_TEACHER, True)])
def test_resume_gives_the_uninterrupted_weights(tiny_coarse, tmp_path,
                                                config, extend):
    """Resume at iteration 4 (a checkpoint followed by a validation), or
    extend a finished 4-iteration run to 8: student, teacher and optimizer
    end as in a run of 8 iterations (dropout, augmentation and sampler
    included, with 2 data workers). CMPL, LTG and ACL+MTL: in their own
    tests below."""
    a, b, _ = train_and_resume(config, tiny_coarse, tmp_path,
                               'student.backbone.conv1.conv.weight', extend)
    assert_same_weights(a, b)


def test_resume_with_save_best_off_and_no_rng_hook_in_config(
        tiny_coarse, tmp_path):
    """The same without ``save_best`` and without ``RNGStateHook`` in the
    config (a stock runtime): the loop registers the hook itself."""
    a, b, _ = train_and_resume(
        FIXMATCH, tiny_coarse, tmp_path, 'student.backbone.conv1.conv.weight',
        drop_hooks=('rng_state', ),
        **{'default_hooks.checkpoint.save_best': None})
    assert_same_weights(a, b)


def test_cmpl_trains_resumes_and_exports_the_primary(tiny_coarse, tmp_path):
    """CMPL through the runner: both networks' losses and pseudo-label
    logs, exact resume of primary and auxiliary, and the primary exported
    and tested by MMAction2's own test script."""
    a, b, runner = train_and_resume(CMPL, tiny_coarse, tmp_path,
                                    'auxiliary.backbone.conv1.conv.weight',
                                    extend=True)
    assert_same_weights(a, b)
    assert any(k.startswith('auxiliary.backbone') for k in a['state_dict'])
    scalars = runner.message_hub.log_scalars
    for key in ('sup_loss_cls', 'aux_sup_loss_cls', 'unsup_loss_cls',
                'aux_unsup_loss_cls', 'unsup_mask_ratio',
                'aux_unsup_mask_ratio', 'unsup_pl_acc_all',
                'aux_unsup_pl_acc_all'):
        assert 'train/' + key in scalars, key
    stock_top1 = export_and_stock_test(
        CMPL, osp.join(runner.work_dir, 'iter_8.pth'), tiny_coarse,
        tmp_path)
    assert stock_top1 == pytest.approx(
        scalars['val/student/acc/top1'].current())


@pytest.mark.parametrize('source', ['unlabeled', 'train'])
def test_ltg_trains_resumes_and_exports_the_rgb_network(
        tiny_coarse, tmp_path, source):
    """LTG through the runner with SemiPreciseBNHook: all losses and label
    logs, exact resume (BN statistics included), the hook leaves the
    training stream alone, and the RGB network exports to stock test.py.
    With ``source='unlabeled'`` (LTG's own) only the evaluated RGB network's
    statistics change."""
    hooks = {'custom_hooks': [dict(type='SemiPreciseBNHook', source=source,
                                   num_samples=12, interval=3)],
             'model.semi_train_cfg.warmup_iters': 0}
    a, b, runner = train_and_resume(LTG, tiny_coarse, tmp_path,
                                    'auxiliary.backbone.conv1.conv.weight',
                                    extend=True, **hooks)
    assert_same_weights(a, b)
    scalars = runner.message_hub.log_scalars
    for key in ('sup_loss_cls', 'aux_sup_loss_cls', 'unsup_loss_cls',
                'aux_unsup_loss_cls', 'loss_kd', 'loss_clr',
                'pl_fused_mask_ratio', 'pl_rgb_acc_all', 'pl_tg_acc_all'):
        assert 'train/' + key in scalars, key

    # without the hook: the same weights, other BN statistics
    plain = tiny_cfg(LTG, tiny_coarse, tmp_path / 'plain', max_iters=8,
                     **{'custom_hooks': [],
                        'model.semi_train_cfg.warmup_iters': 0})
    Runner.from_cfg(plain).train()
    c = _load_checkpoint(osp.join(plain.work_dir, 'iter_8.pth'),
                         map_location='cpu')['state_dict']
    for key, value in c.items():
        if 'running_' in key or 'num_batches_tracked' in key:
            continue
        assert torch.equal(value, a['state_dict'][key]), key
    bn = 'student.backbone.layer1.0.conv1.bn.running_mean'
    assert not torch.equal(c[bn], a['state_dict'][bn])
    aux_bn = bn.replace('student.', 'auxiliary.')
    assert torch.equal(c[aux_bn], a['state_dict'][aux_bn]) == (
        source == 'unlabeled')

    stock_top1 = export_and_stock_test(
        LTG, osp.join(runner.work_dir, 'iter_8.pth'), tiny_coarse, tmp_path)
    assert stock_top1 == pytest.approx(
        scalars['val/student/acc/top1'].current())


def run(cmd, **kwargs):
    env = dict(os.environ)
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    res = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=600, **kwargs)
    assert res.returncode == 0, (res.stdout[-3000:], res.stderr[-3000:])
    return res.stdout + res.stderr


def options(root, **extra):
    opts = dict(data_options(root), **extra)
    return [f'{k}={v}' for k, v in opts.items()]


def test_mim_train_and_dist_test_two_processes(tiny_coarse, tmp_path):
    """``mim train mmaction`` trains with the plugin; ``tools/dist_test.sh``
    with 2 gloo processes gives the top-1 of a 1-process test."""
    work = tmp_path / 'mim'
    run(['mim', 'train', 'mmaction', FIXMATCH, '--gpus', '0', '--work-dir',
         str(work), '--cfg-options'] + options(
             tiny_coarse, **{
                 'train_cfg.max_iters': 2,
                 'train_cfg.val_interval': 2,
                 'default_hooks.checkpoint.interval': 2,
                 'train_dataloader.num_workers': 0,
                 'train_dataloader.persistent_workers': False,
                 'train_dataloader.batch_size': 6,
                 'train_dataloader.sampler.source_ratio': '[1,2]'
             }))
    ckpt = str(work / 'iter_2.pth')
    assert osp.isfile(ckpt)
    test_opts = options(tiny_coarse, **{
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        'test_dataloader.batch_size': 3,
    })
    one = run([sys.executable, 'tools/test.py', FIXMATCH, ckpt,
               '--work-dir', str(tmp_path / 't1'), '--cfg-options'] +
              test_opts)
    two = run(['bash', 'tools/dist_test.sh', FIXMATCH, ckpt, '2',
               '--work-dir', str(tmp_path / 't2'), '--cfg-options'] +
              test_opts, )
    top1 = [float(re.search(r'acc/top1: ([0-9.]+)', out).group(1))
            for out in (one, two)]
    assert 'Distributed training: True' in two
    assert top1[0] == top1[1]


ACL_MTL = osp.join(REPO, 'configs', 'acl_mtl',
                   'acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')


def test_acl_mtl_trains_resumes_and_exports(tiny_coarse, tmp_path):
    """ACL+MTL through the runner on multi-scale clips: every loss and log,
    exact resume of student, teacher, heads, memory bank, prototypes and
    DINO centres, and the student exported to stock test.py."""
    a, b, runner = train_and_resume(
        ACL_MTL, tiny_coarse, tmp_path,
        'teacher_heads.spatial.mlp.0.weight', extend=True,
        **{'model.semi_train_cfg.bank_size': 8,
           'model.semi_train_cfg.warmup_iters': 0})
    assert_same_weights(a, b)
    state = a['state_dict']
    for key in ('bank.feats', 'prototypes.prototypes',
                'mtl_losses.0.center',
                'teacher_heads.temporal.0.last_layer'):
        assert key in state, key
    assert bool((state['bank.labels'] >= 0).all())  # 6 its x 4 clips > 8
    scalars = runner.message_hub.log_scalars
    for key in ('sup_loss_cls', 'unsup_loss_cls', 'loss_acl', 'loss_mtl',
                'unsup_mask_ratio', 'unsup_pl_acc_all', 'acl_gamma',
                'acl_reliable_ratio', 'acl_bank_fill'):
        assert 'train/' + key in scalars, key
    stock_top1 = export_and_stock_test(
        ACL_MTL, osp.join(runner.work_dir, 'iter_8.pth'), tiny_coarse,
        tmp_path)
    assert stock_top1 == pytest.approx(
        scalars['val/student/acc/top1'].current())


def test_lr_halves_on_a_training_loss_plateau_and_resumes_exactly(
        tiny_coarse, tmp_path):
    """TimeBalance's "LR halved on loss plateau": TrainLossPlateauLR, stepped
    by TrainLossPlateauHook with the mean training loss of every 3
    iterations, gives the learning rates of torch's ReduceLROnPlateau fed
    the logged losses; resuming mid-window (iteration 4) gives the same
    weights and learning rates. (``threshold=10`` makes every window a
    non-improvement, so the test sees halvings.)"""
    plateau = dict(type='TrainLossPlateauLR', patience=0, threshold=10.0)
    extra = {'param_scheduler': [plateau],
             'custom_hooks': [dict(type='TrainLossPlateauHook', interval=3)]}
    a, b, runner = train_and_resume(
        FIXMATCH, tiny_coarse, tmp_path, 'student.backbone.conv1.conv.weight',
        **extra)
    assert_same_weights(a, b)
    hub = runner.message_hub.log_scalars
    losses = hub['train/loss'].data[0]
    lrs = hub['train/lr'].data[0]
    assert len(losses) == len(lrs) == 8
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=float(lrs[0]))
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode='min', factor=0.5, patience=0, threshold=10.0)
    expected = []
    for i in range(8):
        expected.append(optimizer.param_groups[0]['lr'])
        if (i + 1) % 3 == 0:
            reference.step(float(losses[i - 2:i + 1].mean()))
    assert lrs.tolist() == pytest.approx(expected)
    # no window is better than the threshold allows (not even the first,
    # against an infinite best): halved after iterations 3 and 6
    lr = expected[0]
    assert expected == [lr] * 3 + [lr / 2] * 3 + [lr / 4] * 2

    # a config without the hook gets it from SemiIterBasedTrainLoop
    cfg = tiny_cfg(FIXMATCH, tiny_coarse, tmp_path / 'auto',
                   param_scheduler=[plateau], custom_hooks=[])
    auto = Runner.from_cfg(cfg)
    auto.train_loop  # noqa: B018  (builds the loop)
    assert 'TrainLossPlateauHook' in [type(h).__name__ for h in auto.hooks]


@pytest.mark.parametrize('method', [
    'supervised', 'fixmatch', 'mean_teacher', 'cmpl', 'ltg', 'acl_mtl_base',
    'acl_mtl'
])
def test_init_ssl_loads_f_d_into_every_method(method, tiny_coarse, tmp_path):
    """``--init ssl`` as the suite runs it: a stage-1 checkpoint of f_D,
    ``ssl_to_recognizer.py`` under the method's prefix, ``load_from`` in
    the real runner. After one iteration at learning rate 0 the trained
    network's backbone (and a teacher's, copied by the EMA hook) holds
    f_D's weights, not its own initialisation."""
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    sys.path.insert(0, osp.join(REPO, 'tools', 'timebalance'))
    import semi_benchmark
    import ssl_to_recognizer
    from mmaction.registry import MODELS
    torch.manual_seed(123)
    f_d = MODELS.build(
        Config.fromfile(osp.join(REPO, semi_benchmark.SSL_CONFIGS[0])).model)
    stage1 = str(tmp_path / 'ssl_distinctive.pth')
    torch.save(dict(state_dict=f_d.state_dict(), meta={}), stage1)
    init = str(tmp_path / 'init.pth')
    prefix = semi_benchmark.INIT_PREFIX.get(method, 'student.')
    assert ssl_to_recognizer.convert(stage1, init, prefix) > 0
    config = osp.join(REPO, semi_benchmark.CONFIGS[method])
    extra = {'optim_wrapper.optimizer.lr': 0.0, 'train_cfg.val_interval': 10,
             'train_dataloader.num_workers': 0,
             'train_dataloader.persistent_workers': False}
    if method == 'supervised':
        cfg = Config.fromfile(config)
        opts = {k: v for k, v in data_options(tiny_coarse).items()
                if not k.startswith('train_')}
        cfg.merge_from_dict({
            **opts,
            'train_dataloader.dataset.ann_file': f'{tiny_coarse}/labeled.txt',
            'train_dataloader.dataset.data_prefix.video': tiny_coarse,
            'train_cfg.max_iters': 1, **extra})
        cfg.work_dir = str(tmp_path / 'run')
    else:
        if method == 'acl_mtl':
            extra['model.semi_train_cfg.bank_size'] = 8
        cfg = tiny_cfg(config, tiny_coarse, tmp_path / 'run', max_iters=1,
                       **extra)
    cfg.load_from = init
    runner = Runner.from_cfg(cfg)
    runner.train()
    model = runner.model
    networks = [getattr(model, 'student', model)]
    if getattr(model, 'teacher', None) is not None:
        networks.append(model.teacher)
    reference = dict(f_d.recognizer.backbone.named_parameters())
    for network in networks:
        params = dict(network.backbone.named_parameters())
        assert set(params) == set(reference)
        for name, value in reference.items():
            torch.testing.assert_close(params[name], value, rtol=0, atol=0,
                                       msg=f'{method}: backbone.{name}')
