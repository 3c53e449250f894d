"""Export the student (or teacher) of a semi-supervised checkpoint as a
plain MMAction2 recognizer checkpoint and config. For CMPL the student is
the primary network ``F``; ``--network auxiliary`` exports ``A``.

    python tools/export_student.py CONFIG CHECKPOINT OUT_DIR \
        [--network student|teacher|auxiliary]

writes ``OUT_DIR/{network}.pth`` (``state_dict`` of the recognizer alone)
and ``OUT_DIR/{network}_config.py`` (the recognizer with the test pipeline,
``VideoDataset`` and ``AccMetric``), which stock MMAction2 tools load::

    python tools/test.py OUT_DIR/student_config.py OUT_DIR/student.pth
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, ConfigDict
from mmengine.runner.checkpoint import _load_checkpoint

import mmsemi_action  # noqa: F401  (checkpoint loading on torch >= 2.6)
from mmsemi_action.models.network_config import (NETWORK_CONFIG_KEYS,
                                                 network_config)

# keys of SemiVideoDataset that a plain VideoDataset does not take
_SEMI_DATASET_KEYS = ('labeled', 'skip_unreadable')


def plain_dataset(dataset: ConfigDict) -> ConfigDict:
    dataset = dataset.copy()
    if dataset.get('type') == 'SemiVideoDataset':
        dataset.type = 'VideoDataset'
        for key in _SEMI_DATASET_KEYS:
            dataset.pop(key, None)
    return dataset


def plain_config(cfg: Config, network: str = 'student') -> Config:
    """A config with the recognizer and the test/val parts of ``cfg``."""
    plain = dict(
        default_scope=cfg.get('default_scope', 'mmaction'),
        # only the fixes of the pinned stack (mmaction2 1.2.0 wheel without
        # `drn`, mmengine's torch.load on torch >= 2.6), applied when this
        # package is installed; a stock MMAction2 install without it skips
        # the import (and needs neither fix unless it has those defects)
        custom_imports=dict(
            imports=['mmsemi_action.compat'], allow_failed_imports=True),
        model=network_config(cfg, network),
        default_hooks=cfg.default_hooks,
        env_cfg=cfg.env_cfg,
        log_processor=cfg.log_processor,
        log_level=cfg.get('log_level', 'INFO'),
        load_from=None,
        resume=False)
    for split in ('val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if loader:
            loader = loader.copy()
            loader.dataset = plain_dataset(loader.dataset)
            plain[f'{split}_dataloader'] = loader
            plain[f'{split}_evaluator'] = cfg.get(f'{split}_evaluator')
            plain[f'{split}_cfg'] = dict(type=f'{split.capitalize()}Loop')
    plain['default_hooks'].pop('rng_state', None)
    return Config(plain)


def check_matches(cfg: Config, network: str, state: dict, config: str,
                  checkpoint: str) -> None:
    """Refuse a checkpoint whose ``network`` weights do not fit the
    recognizer of ``config`` (missing, unexpected or differently shaped
    tensors), naming both files and the first differences."""
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = network_config(cfg, network).copy()
    model_cfg.pop('data_preprocessor', None)
    expected = MODELS.build(model_cfg).state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    shapes = [f'{k}: {tuple(state[k].shape)} in the checkpoint, '
              f'{tuple(expected[k].shape)} in the config'
              for k in sorted(set(state) & set(expected))
              if state[k].shape != expected[k].shape]
    problems = [f'{what} ({len(keys)}): {keys[:3]}'
                for what, keys in (('missing', missing),
                                   ('unexpected', unexpected),
                                   ('shape mismatch', shapes)) if keys]
    if problems:
        raise ValueError(
            f'{checkpoint} does not match {config} for network '
            f'{network!r}: ' + '; '.join(problems) +
            '. Export with the config the checkpoint was trained with.')


def export(config: str, checkpoint: str, out_dir: str,
           network: str = 'student') -> tuple:
    cfg = Config.fromfile(config)
    network_config(cfg, network)  # fail before reading the checkpoint
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    prefix = f'{network}.'
    sub_state = {
        k[len(prefix):]: v
        for k, v in state.items() if k.startswith(prefix)
    }
    if not sub_state:
        raise KeyError(f'{checkpoint} has no "{network}" weights')
    check_matches(cfg, network, sub_state, config, checkpoint)
    os.makedirs(out_dir, exist_ok=True)
    ckpt_path = osp.join(out_dir, f'{network}.pth')
    meta = dict(source_checkpoint=osp.abspath(checkpoint), network=network,
                iter=ckpt.get('meta', {}).get('iter'))
    torch.save(dict(state_dict=sub_state, meta=meta), ckpt_path)
    cfg_path = osp.join(out_dir, f'{network}_config.py')
    plain_config(cfg, network).dump(cfg_path)
    return ckpt_path, cfg_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out_dir')
    parser.add_argument('--network', choices=list(NETWORK_CONFIG_KEYS),
                        default='student')
    args = parser.parse_args()
    try:
        paths = export(args.config, args.checkpoint, args.out_dir,
                       args.network)
    except (KeyError, ValueError) as error:
        raise SystemExit(f'export_student.py: error: {error}')
    for path in paths:
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
