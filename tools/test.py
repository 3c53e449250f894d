"""Test a checkpoint with MMAction2's own ``tools/test.py``.

Usage as MMAction2's script::

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] \
        [--cfg-options model.semi_test_cfg.predict_on=student]
"""
import runpy

from train import mmaction_tool

if __name__ == '__main__':
    runpy.run_path(mmaction_tool('test.py'), run_name='__main__')
