"""Train a model with MMAction2's own ``tools/train.py``.

``import mmsemi_action`` applies the plugin's compatibility fixes and
registers its modules; everything else (arguments, config merging, the
runner) is MMAction2's script, so the usage is the same::

    python tools/train.py CONFIG [--work-dir DIR] [--resume] [--seed N] \
        [--cfg-options k=v ...] [--launcher pytorch]
"""
import os.path as osp
import runpy

import mmaction

import mmsemi_action  # noqa: F401  (compat fixes + registration)


def mmaction_tool(name: str) -> str:
    """Path of a script shipped in the installed mmaction2 package."""
    path = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools', name)
    if not osp.isfile(path):
        raise FileNotFoundError(f'mmaction2 does not ship tools/{name}: '
                                f'{path} is missing')
    return path


if __name__ == '__main__':
    runpy.run_path(mmaction_tool('train.py'), run_name='__main__')
