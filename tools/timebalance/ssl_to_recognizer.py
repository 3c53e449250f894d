"""Turn a TimeBalance stage-1 checkpoint into starting weights for a
recognizer: its ``recognizer.backbone.*`` tensors as ``backbone.*`` (a
plain MMAction2 recognizer, e.g. a teacher to fine-tune) or, with
``--prefix student.``, as ``student.backbone.*`` (any method of this
package). Load the result with ``load_from=OUT`` (non-strict: the head and
everything else keep their initialisation).

    python tools/timebalance/ssl_to_recognizer.py SSL_CKPT OUT [--prefix P]
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.runner.checkpoint import _load_checkpoint

import mmsemi_action  # noqa: F401  (checkpoint loading on torch >= 2.6)

SOURCE = 'recognizer.backbone.'


def backbone_state(checkpoint: str, prefix: str = '') -> dict:
    """The stage-1 checkpoint's ``recognizer.backbone.*`` tensors, renamed
    ``<prefix>backbone.*``."""
    state = _load_checkpoint(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    backbone = {prefix + 'backbone.' + k[len(SOURCE):]: v
                for k, v in state.items() if k.startswith(SOURCE)}
    if not backbone:
        raise KeyError(f'{checkpoint} has no {SOURCE}* weights: is it a '
                       'TimeBalance stage-1 (TemporalSelfSupervisedModel) '
                       'checkpoint?')
    return backbone


def convert(checkpoint: str, out: str, prefix: str = '') -> int:
    backbone = backbone_state(checkpoint, prefix)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    torch.save(dict(state_dict=backbone,
                    meta=dict(source_checkpoint=osp.abspath(checkpoint))),
               out)
    return len(backbone)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    parser.add_argument('--prefix', default='',
                        help="e.g. 'student.' for a semi-supervised model")
    args = parser.parse_args(argv)
    try:
        count = convert(args.checkpoint, args.out, args.prefix)
    except KeyError as error:
        raise SystemExit(f'ssl_to_recognizer.py: error: {error}')
    print(f'wrote {count} backbone tensors to {args.out}')


if __name__ == '__main__':
    main()
