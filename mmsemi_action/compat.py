"""Fixes that make the pinned OpenMMLab stack usable; nothing more.

Each fix checks whether it is still needed and does nothing otherwise, so it
disappears on its own once the upstream package is fixed:

* ``mmaction2 1.2.0`` wheels lack ``mmaction/models/localizers/drn`` although
  ``mmaction.models.localizers`` imports it, so ``import mmaction.models``
  fails. A stub package is registered only when the folder is missing.
* ``mmengine 0.10.7`` calls ``torch.load`` without ``weights_only``; torch
  >= 2.6 defaults to ``weights_only=True`` and refuses mmengine's own
  checkpoints (``resume``, ``load_from``, ``tools/test.py``). The checkpoint
  module gets a ``torch`` whose ``load`` defaults to ``weights_only=False``
  (the behaviour mmengine was written for), only while mmengine's source does
  not pass ``weights_only`` itself.
* CPU-only distributed training (gloo): ``_init_dist_pytorch`` calls
  ``torch.cuda.set_device`` unconditionally and ``Runner.wrap_model`` passes
  ``device_ids=[LOCAL_RANK]`` to DDP, which a CPU module rejects. Both are
  patched only when CUDA is unavailable, so GPU (NCCL) runs are untouched.
* ``torch``'s multi-process data-loader iterator stops its workers in
  ``__del__``. A finished ``Runner`` is a reference cycle, so its loaders'
  iterators are freed by the cyclic garbage collector, which finalises the
  queues that carry the stop signal first: the signal never arrives and each
  worker is waited for until its 5 s status check (pytorch/pytorch#64766
  asks for an explicit close). Any process that runs one ``Runner`` after
  another (a notebook, a sweep, the test suite) stalls 10-40 s at some
  later allocation, once per finished run. ``Runner.train``, ``val`` and
  ``test`` now stop the workers of the loaders they used when they return
  (as torch does when an iterator is exhausted); the loaders build new ones
  if they are iterated again.
"""
import functools
import importlib.util
import inspect
import os.path as osp
import sys
import types

import torch

APPLIED = []


def _mmaction_drn_missing() -> bool:
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return False
    root = spec.submodule_search_locations[0]
    return not osp.exists(osp.join(root, 'models', 'localizers', 'drn'))


def fix_mmaction_missing_drn() -> bool:
    """Register a stub ``mmaction.models.localizers.drn`` when absent."""
    if not _mmaction_drn_missing() or \
            'mmaction.models.localizers.drn' in sys.modules:
        return False

    class DRN(torch.nn.Module):
        """Placeholder: the DRN localizer is missing from this wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'mmaction2 1.2.0 wheels do not ship '
                'mmaction/models/localizers/drn; install mmaction2 from '
                'source to use DRN.')

    package = types.ModuleType('mmaction.models.localizers.drn')
    package.__path__ = []
    module = types.ModuleType('mmaction.models.localizers.drn.drn')
    module.DRN = DRN
    package.drn = module
    sys.modules[package.__name__] = package
    sys.modules[module.__name__] = module
    return True


def _torch_refuses_pickled_checkpoints() -> bool:
    version = tuple(int(v) for v in torch.__version__.split('.')[:2])
    return version >= (2, 6)


class _TorchFullLoad(types.ModuleType):
    """``torch`` as seen by mmengine's checkpoint module, with
    ``load(..., weights_only=False)`` as default."""

    def __init__(self):
        super().__init__('torch')

    def __getattr__(self, name):
        return getattr(torch, name)

    @staticmethod
    @functools.wraps(torch.load)
    def load(*args, **kwargs):
        kwargs.setdefault('weights_only', False)
        return torch.load(*args, **kwargs)


def fix_mmengine_torch_load() -> bool:
    """Let mmengine load its own (pickled) checkpoints on torch >= 2.6."""
    from mmengine.runner import checkpoint
    if not _torch_refuses_pickled_checkpoints() or isinstance(
            checkpoint.torch, _TorchFullLoad):
        return False
    if 'weights_only' in inspect.getsource(checkpoint):
        return False  # upstream passes it itself
    checkpoint.torch = _TorchFullLoad()
    return True


def fix_mmengine_cpu_distributed() -> bool:
    """Make mmengine's pytorch launcher and DDP wrapper work on CPU."""
    if torch.cuda.is_available():
        return False
    from mmengine.dist import utils as dist_utils
    from mmengine.model import MMDistributedDataParallel
    if getattr(dist_utils._init_dist_pytorch, '_mmsemi_cpu', False):
        return False
    original_init = dist_utils._init_dist_pytorch

    @functools.wraps(original_init)
    def _init_dist_pytorch(backend='gloo', init_backend='torch', **kwargs):
        # no GPU: set_device would fail and NCCL cannot run, use gloo.
        if backend == 'nccl':
            backend = 'gloo'
        set_device = torch.cuda.set_device
        torch.cuda.set_device = lambda *a, **k: None
        try:
            return original_init(backend, init_backend=init_backend, **kwargs)
        finally:
            torch.cuda.set_device = set_device

    _init_dist_pytorch._mmsemi_cpu = True
    dist_utils._init_dist_pytorch = _init_dist_pytorch

    original_ddp_init = MMDistributedDataParallel.__init__

    @functools.wraps(original_ddp_init)
    def ddp_init(self, module, detect_anomalous_params=False, **kwargs):
        # DDP over a CPU module requires ``device_ids=None``.
        kwargs['device_ids'] = None
        kwargs.pop('output_device', None)
        original_ddp_init(
            self,
            module=module,
            detect_anomalous_params=detect_anomalous_params,
            **kwargs)

    MMDistributedDataParallel.__init__ = ddp_init
    return True


def _inner_iterator(owner):
    # DataLoader / mmengine's infinite iterator: ``_iterator``; the resume
    # skip iterator: ``iterator`` (no truth test: iterators define __len__)
    for attr in ('_iterator', 'iterator'):
        inner = getattr(owner, attr, None)
        if inner is not None:
            return inner
    return None


def release_loader_workers(*holders) -> int:
    """Stop the worker processes behind ``holders`` now; returns how many
    running multi-process iterators were stopped.

    ``holders``: ``DataLoader`` objects (their persistent iterator is dropped,
    so the next pass starts new workers) or loop iterators that wrap one
    (mmengine's ``_InfiniteDataloaderIterator``, the resume skip iterator).
    """
    from torch.utils.data.dataloader import _MultiProcessingDataLoaderIter
    stopped = 0
    for holder in holders:
        owner = holder
        while owner is not None and not isinstance(
                owner, _MultiProcessingDataLoaderIter):
            owner = _inner_iterator(owner)
        if owner is not None and not owner._shutdown:
            owner._shutdown_workers()
            stopped += 1
        if isinstance(holder, torch.utils.data.DataLoader):
            holder._iterator = None
    return stopped


def _release_runner_loaders(runner) -> None:
    for name in ('_train_loop', '_val_loop', '_test_loop'):
        loop = runner.__dict__.get(name)
        if loop is None or isinstance(loop, dict):
            continue  # never built
        release_loader_workers(
            getattr(loop, 'dataloader_iterator', None),
            getattr(loop, 'dataloader', None))


def fix_finished_run_leaves_loader_workers() -> bool:
    """Stop a run's data-loader workers when ``Runner.train``, ``val`` or
    ``test`` returns (or raises), not when the garbage collector frees the
    runner."""
    from mmengine.runner import Runner
    from torch.utils.data import dataloader
    if not hasattr(dataloader._MultiProcessingDataLoaderIter,
                   '_shutdown_workers') or getattr(
                       Runner.train, '_mmsemi_release', False):
        return False
    for name in ('train', 'val', 'test'):
        original = getattr(Runner, name)

        @functools.wraps(original)
        def entry(self, *args, _original=original, **kwargs):
            try:
                return _original(self, *args, **kwargs)
            finally:
                _release_runner_loaders(self)

        entry._mmsemi_release = True
        setattr(Runner, name, entry)
    return True


def apply_all() -> list:
    """Apply every fix that is still needed; returns the applied names."""
    for fix in (fix_mmaction_missing_drn, fix_mmengine_torch_load,
                fix_mmengine_cpu_distributed,
                fix_finished_run_leaves_loader_workers):
        if fix():
            APPLIED.append(fix.__name__)
    return APPLIED
