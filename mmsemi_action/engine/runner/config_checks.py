"""What :class:`SemiIterBasedTrainLoop` checks and converts when it is
built, before the first iteration: a stock MMAction2 config wrapped in a
method either keeps its meaning or is refused with the setting named."""
from typing import Dict, List

from mmengine.hooks import CheckpointHook, LoggerHook
from mmengine.logging import print_log
from mmengine.optim import _ParamScheduler

from ..schedulers import TrainLossPlateauLR

SEMI_CONSTRUCTOR = 'SemiOptimWrapperConstructor'


def _log(message: str) -> None:
    print_log(f'SemiIterBasedTrainLoop: {message}', logger='current')


def _scheduler_cfgs(param_schedulers) -> List:
    """The scheduler entries of ``param_scheduler`` (one, a list, or a dict
    of lists per optimizer)."""
    if param_schedulers is None:
        return []
    if isinstance(param_schedulers, dict) and 'type' not in param_schedulers:
        out = []
        for value in param_schedulers.values():
            out += _scheduler_cfgs(value)
        return out
    if isinstance(param_schedulers, (list, tuple)):
        return list(param_schedulers)
    return [param_schedulers]


def convert_epoch_settings(runner, iters_per_epoch: int) -> None:
    """Turn the epoch-based settings of ``runner`` into iterations (one
    epoch = ``iters_per_epoch``), logging each conversion.

    * ``param_scheduler`` entries with ``by_epoch=True`` (MMEngine's
      default) get ``convert_to_iter_based=True``: MMEngine then scales
      ``begin``, ``end``, milestones and periods by ``len(train_dataloader)``
      (= ``iters_per_epoch`` with :class:`SemiSupervisedSampler`); without
      it an epoch-based scheduler would never step in an iteration loop.
      :class:`TrainLossPlateauLR` stays epoch-based: its hook steps it
      once per ``iters_per_epoch``.
    * ``CheckpointHook(by_epoch=True)``: ``interval`` and ``save_begin``
      times ``iters_per_epoch``, ``by_epoch=False`` (it would save nothing
      before the end of training otherwise).
    * ``log_processor.by_epoch`` and ``LoggerHook.log_metric_by_epoch``:
      off (logs and metric steps by iteration).
    """
    for index, cfg in enumerate(_scheduler_cfgs(runner.param_schedulers)):
        if isinstance(cfg, _ParamScheduler):
            if cfg.by_epoch:
                raise ValueError(
                    f'param_scheduler[{index}] ({type(cfg).__name__}) is an '
                    'already built epoch-based scheduler, which an '
                    'iteration-based semi-supervised run cannot step: give '
                    'it as a config dict (converted with '
                    'convert_to_iter_based) or with by_epoch=False')
            continue
        if cfg.get('type') in ('TrainLossPlateauLR', TrainLossPlateauLR):
            continue  # counts epochs itself (TrainLossPlateauHook)
        if cfg.get('by_epoch', True) and not cfg.get('convert_to_iter_based'):
            cfg['convert_to_iter_based'] = True
            _log(f'param_scheduler[{index}] {cfg.get("type")} is epoch-based'
                 f': converted to iterations (1 epoch = {iters_per_epoch} '
                 'iterations)')
    for hook in runner.hooks:
        if isinstance(hook, CheckpointHook) and hook.by_epoch:
            old = (hook.interval, hook.save_begin)
            hook.interval *= iters_per_epoch
            hook.save_begin *= iters_per_epoch
            hook.by_epoch = False
            if hook.filename_tmpl == 'epoch_{}.pth':
                hook.filename_tmpl = 'iter_{}.pth'
            _log(f'CheckpointHook(by_epoch=True, interval={old[0]}, '
                 f'save_begin={old[1]}) -> every {hook.interval} iterations'
                 f' from iteration {hook.save_begin}')
        if isinstance(hook, LoggerHook) and hook.log_metric_by_epoch:
            hook.log_metric_by_epoch = False
    if getattr(runner.log_processor, 'by_epoch', False):
        runner.log_processor.by_epoch = False
        _log('log_processor.by_epoch=True -> False (logs by iteration)')


def route_optim_wrapper(runner) -> None:
    """Make a semi-supervised model's ``optim_wrapper`` config go through
    :class:`SemiOptimWrapperConstructor` (its ``constructor`` and
    ``paramwise_cfg`` become the inner ones)."""
    cfg = runner.optim_wrapper
    if not isinstance(cfg, dict) or cfg.get('constructor') == SEMI_CONSTRUCTOR:
        return
    if 'optimizer' not in cfg:
        raise ValueError(
            'optim_wrapper: a semi-supervised model takes one optimizer '
            f'config (optim_wrapper.optimizer), got keys {sorted(cfg)}')
    inner = cfg.pop('constructor', 'DefaultOptimWrapperConstructor')
    paramwise = cfg.pop('paramwise_cfg', None)
    cfg['constructor'] = SEMI_CONSTRUCTOR
    cfg['paramwise_cfg'] = dict(constructor=inner, paramwise_cfg=paramwise)
    if inner != 'DefaultOptimWrapperConstructor' or paramwise:
        _log(f'optim_wrapper {inner} (paramwise_cfg={paramwise}) is applied '
             'to each trained network on its own '
             '(SemiOptimWrapperConstructor)')


def _pipeline_branches(dataset) -> Dict[str, None]:
    """Branches built by the ``MultiBranch`` transforms of a pipeline."""
    from ...datasets.transforms import MultiBranch
    branches = {}
    stack = list(getattr(dataset.pipeline, 'transforms', []))
    while stack:
        transform = stack.pop()
        if isinstance(transform, MultiBranch):
            branches.update(dict.fromkeys(transform.branch_pipelines))
        stack += list(getattr(transform, 'transforms', []))
    return branches


def check_branches(model, dataset) -> None:
    """Every branch ``model.required_branches()`` lists is built by the
    pipeline of the source it comes from (``SemiDataset.labeled`` /
    ``.unlabeled``; one dataset, e.g. TimeBalance's stage 1 on one
    training list, must build the ``labeled`` source's branches)."""
    if not hasattr(model, 'required_branches'):
        return
    if not hasattr(dataset, 'datasets'):
        sources = [('labeled', 'train_dataloader.dataset', dataset)]
    elif len(dataset.datasets) == 2:
        sources = [(source, f'train_dataloader.dataset.{source}', sub)
                   for source, sub in zip(('labeled', 'unlabeled'),
                                          dataset.datasets)]
    else:
        return
    method = type(model).__name__
    for source, key, sub in sources:
        built = _pipeline_branches(sub)
        missing = [b for b in model.required_branches()[source]
                   if b not in built]
        if missing:
            raise ValueError(
                f'{method} needs the branches {missing} from the {source} '
                f'videos, but {key}.pipeline '
                f'builds {sorted(built) or "no branch (no MultiBranch)"}: '
                f'add them to its MultiBranch transform (see the data '
                f'config of {method} under configs/_base_/datasets/)')


def check_label_range(model, dataset) -> None:
    """Every label of the labeled training lists is below the
    ``num_classes`` of each trained recognizer's head (file and line
    named)."""
    if not hasattr(model, 'trained_networks'):
        return
    heads = {name: getattr(getattr(net, 'cls_head', None), 'num_classes',
                           None)
             for name, net in model.trained_networks().items()}
    heads = {k: v for k, v in heads.items() if v is not None}
    if not heads:
        return
    num_classes = min(heads.values())
    for sub in getattr(dataset, 'datasets', [dataset]):
        if getattr(sub, 'labeled', True) is False:
            # labels of an unlabeled list are only logged (pseudo-label
            # accuracy); open-world lists hold classes beyond the heads
            continue
        for index in range(len(sub)):
            info = sub.get_data_info(index)
            label = info.get('label')
            if isinstance(label, int) and label >= num_classes:
                where = getattr(sub, 'ann_file', type(sub).__name__)
                line = info.get('lineno')
                where = f'{where}:{line}' if line else where
                raise ValueError(
                    f'{where} ({info.get("filename")}): label {label} is '
                    f'outside the range [0, {num_classes}) of the '
                    f'recognizer heads (cls_head.num_classes: {heads})')
