"""Each compat fix: needed on this stack, applied, and inert otherwise."""
import os
import subprocess
import sys
import textwrap

import pytest
import torch

from mmsemi_action import compat


def test_import_mmaction_models_works():
    import mmaction.models  # noqa: F401
    from mmaction.registry import MODELS
    assert MODELS.get('Recognizer3D') is not None
    assert 'fix_mmaction_missing_drn' in compat.APPLIED or \
        not compat._mmaction_drn_missing()


def test_drn_stub_raises_clear_error_and_is_skipped_when_present(
        tmp_path, monkeypatch):
    if compat._mmaction_drn_missing():
        from mmaction.models.localizers import DRN
        with pytest.raises(ImportError, match='drn'):
            DRN()
    # an mmaction that ships drn is left alone
    fake = tmp_path / 'mmaction'
    (fake / 'models' / 'localizers' / 'drn').mkdir(parents=True)
    spec = type('Spec', (), {'submodule_search_locations': [str(fake)]})
    monkeypatch.setattr(compat.importlib.util, 'find_spec', lambda _: spec)
    assert not compat._mmaction_drn_missing()


def test_mmengine_loads_its_own_checkpoint(tmp_path):
    """A checkpoint with non-tensor objects (as mmengine writes: meta,
    numpy, message hub) loads through mmengine although torch >= 2.6
    refuses it with weights_only=True."""
    import numpy as np
    from mmengine.runner.checkpoint import _load_checkpoint, save_checkpoint
    path = str(tmp_path / 'ckpt.pth')
    save_checkpoint(
        dict(state_dict=dict(w=torch.ones(2)),
             meta=dict(rng=np.random.get_state())), path)
    if compat._torch_refuses_pickled_checkpoints():
        with pytest.raises(Exception):
            torch.load(path)  # torch's default refuses it
    ckpt = _load_checkpoint(path, map_location='cpu')
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))
    # the fix changes mmengine's checkpoint module only
    assert torch.load is not compat._TorchFullLoad.load


def test_fix_is_idempotent():
    assert compat.fix_mmengine_torch_load() is False
    assert compat.fix_mmaction_missing_drn() is False
    assert compat.fix_mmengine_cpu_distributed() is False
    assert compat.fix_finished_run_leaves_loader_workers() is False


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only fix')
def test_cpu_distributed_init_and_ddp(tmp_path):
    """mmengine's pytorch launcher with backend='nccl' and its DDP wrapper
    with device_ids work on a CPU-only machine."""
    script = textwrap.dedent('''
        import os, torch
        import mmsemi_action
        from mmengine.dist import init_dist, get_world_size, all_reduce
        from mmengine.model import MMDistributedDataParallel
        init_dist('pytorch', backend='nccl')
        model = MMDistributedDataParallel(
            torch.nn.Linear(2, 2), device_ids=[int(os.environ['LOCAL_RANK'])])
        t = torch.ones(1)
        all_reduce(t)
        print('OK', get_world_size(), torch.distributed.get_backend(),
              t.item())
    ''')
    env = dict(os.environ, RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
               MASTER_ADDR='127.0.0.1', MASTER_PORT='29611')
    out = subprocess.run([sys.executable, '-c', script], env=env,
                         capture_output=True, text=True, timeout=120)
    assert 'OK 1 gloo 1.0' in out.stdout, out.stderr[-2000:]


def test_undeclared_dependencies_present_and_mmaction_base_config_loads():
    """mmaction2 imports importlib_metadata; mmengine resolves
    ``mmaction::`` bases through pkg_resources (setuptools < 82)."""
    import importlib_metadata  # noqa: F401
    import pkg_resources  # noqa: F401
    from mmengine import Config
    cfg = Config.fromfile(os.path.join(
        os.path.dirname(__file__), '..', 'configs', 'fixmatch',
        'fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py'))
    assert cfg.default_scope == 'mmaction'
    assert cfg.custom_imports['imports'] == ['mmsemi_action']


def _without_plugin(script: str, **env) -> subprocess.CompletedProcess:
    """``script`` in a fresh interpreter that never imports mmsemi_action
    (the stack as installed, without its fixes)."""
    return subprocess.run([sys.executable, '-c', textwrap.dedent(script)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **env))


def test_each_fix_is_needed_on_this_stack_and_applied(tmp_path):
    """Each defect is reproduced in a fresh process without the plugin
    (so a fix that is no longer needed shows up here as a failure to
    reproduce, and can be dropped), and the same operation works in this
    process, where ``mmsemi_action`` applied the fixes."""
    # 1. mmaction2 1.2.0's wheel lacks localizers/drn: importing its
    #    models fails without the stub
    res = _without_plugin('import mmaction.models')
    assert res.returncode != 0 and 'drn' in res.stderr, res.stderr[-1500:]
    assert 'fix_mmaction_missing_drn' in compat.APPLIED
    import mmaction.models  # noqa: F401  (works here)

    # 2. torch >= 2.6 loads with weights_only=True: mmengine cannot read
    #    its own checkpoints (numpy state in meta) without the fix
    import numpy as np
    from mmengine.runner.checkpoint import _load_checkpoint, save_checkpoint
    path = str(tmp_path / 'ckpt.pth')
    save_checkpoint(dict(state_dict=dict(w=torch.ones(2)),
                         meta=dict(rng=np.random.get_state())), path)
    res = _without_plugin(f'''
        from mmengine.runner.checkpoint import _load_checkpoint
        _load_checkpoint({path!r}, map_location='cpu')
    ''')
    assert res.returncode != 0 and 'weights_only' in res.stderr, \
        res.stderr[-1500:]
    assert 'fix_mmengine_torch_load' in compat.APPLIED
    assert torch.equal(_load_checkpoint(path, map_location='cpu')[
        'state_dict']['w'], torch.ones(2))


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only fix')
def test_cpu_distributed_fix_is_needed_without_the_plugin():
    """mmengine's launcher with its default NCCL backend fails on a machine
    without GPU unless the plugin switched it to gloo
    (``test_cpu_distributed_init_and_ddp`` runs the fixed path)."""
    res = _without_plugin('''
        from mmengine.dist import init_dist
        init_dist('pytorch', backend='nccl')
    ''', RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
                          MASTER_ADDR='127.0.0.1', MASTER_PORT='29612')
    assert res.returncode != 0, res.stdout[-1500:]
    assert 'fix_mmengine_cpu_distributed' in compat.APPLIED


def test_finished_run_stops_its_loader_workers(tiny_coarse, tmp_path,
                                               monkeypatch):
    """``Runner.train`` returns with the workers of its training and
    validation loaders stopped cleanly (exit code 0, not killed), and the
    runner validates again afterwards with new workers. mmengine's own
    ``train`` returns with them running, left to the garbage collector,
    which frees a finished runner (a reference cycle) only after waiting
    out each worker's 5 s status check."""
    from mmengine.runner import Runner
    from test_end_to_end import FIXMATCH, tiny_cfg
    from torch.utils.data import dataloader

    started = []
    init = dataloader._MultiProcessingDataLoaderIter.__init__

    def record(self, *args, **kwargs):
        init(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(dataloader._MultiProcessingDataLoaderIter,
                        '__init__', record)

    def workers():
        return [w for it in started for w in it._workers]

    def stopped_cleanly():
        return all(not w.is_alive() and w.exitcode == 0 for w in workers())

    # mmengine's train: a training and a validation iterator, 2 workers
    # each, still running when it returns
    stock = Runner.from_cfg(tiny_cfg(FIXMATCH, tiny_coarse, tmp_path / 'a',
                                     max_iters=1))
    getattr(Runner.train, '__wrapped__', Runner.train)(stock)
    assert len(started) == 2 and len(workers()) == 4
    assert all(w.is_alive() for w in workers())
    loop = stock.train_loop
    assert compat.release_loader_workers(
        loop.dataloader_iterator, loop.dataloader,
        stock.val_loop.dataloader) == 2
    assert stopped_cleanly()
    assert 'fix_finished_run_leaves_loader_workers' in compat.APPLIED

    # with the fix
    started.clear()
    runner = Runner.from_cfg(tiny_cfg(FIXMATCH, tiny_coarse, tmp_path / 'b',
                                      max_iters=1))
    runner.train()
    assert len(started) == 2 and stopped_cleanly()
    assert runner.val_loop.dataloader._iterator is None
    started.clear()
    metrics = runner.val()
    assert 'student/acc/top1' in metrics
    assert len(started) == 1 and stopped_cleanly()
