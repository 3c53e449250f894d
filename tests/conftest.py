import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


@pytest.fixture(autouse=True, scope='session')
def _mmaction_scope():
    import mmsemi_action  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')


def generate_synthetic(out: str, *args: str) -> str:
    """Write a synthetic set with ``tools/data/generate_synthetic.py``."""
    subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'data', 'generate_synthetic.py'), out
    ] + list(args), check=True, capture_output=True)
    return out


@pytest.fixture(scope='session')
def tiny_coarse(tmp_path_factory):
    """A tiny synthetic-coarse set: 8 classes, 4 train + 2 val per class,
    1 label per class."""
    return generate_synthetic(
        str(tmp_path_factory.mktemp('synthetic-coarse')), '--preset', 'tiny',
        '--labels-per-class', '1')
