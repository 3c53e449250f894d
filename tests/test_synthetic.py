import numpy as np

from mmsemi_action.datasets.synthetic import (COARSE_CLASSES, FINE_CLASSES,
                                              render_video)


def test_rendering_is_deterministic():
    a = render_video(('right', ), np.random.default_rng([0, 5]), 8, 32)
    b = render_video(('right', ), np.random.default_rng([0, 5]), 8, 32)
    c = render_video(('right', ), np.random.default_rng([0, 6]), 8, 32)
    assert a.shape == (8, 32, 32, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_fine_classes_come_in_pairs_differing_in_one_phase():
    assert len(set(FINE_CLASSES)) == len(FINE_CLASSES) == 8
    for k in range(0, 8, 2):
        a, b = FINE_CLASSES[k], FINE_CLASSES[k + 1]
        assert 2 <= len(a) == len(b) <= 4
        assert sum(x != y for x, y in zip(a, b)) == 1
    assert len(COARSE_CLASSES) == 8


def _object_x(frames):
    """x of the centre of the pixels that differ from the temporal median
    (the moving object), in the first and the last frame."""
    frames = frames.astype(float)
    background = np.median(frames, axis=0)
    xs = []
    for t in (0, -1):
        moving = np.abs(frames[t] - background).sum(-1) > 60
        xs.append(np.nonzero(moving)[1].mean())
    return xs


def test_class_is_the_motion_not_the_appearance():
    """Same random draw (shape, colours, background, noise), different
    class: single frames look alike, the direction of motion differs."""
    for seed in range(5):
        right = render_video(('right', ), np.random.default_rng([seed]), 16,
                             64)
        left = render_video(('left', ), np.random.default_rng([seed]), 16, 64)
        assert abs(right[0].mean() - left[0].mean()) < 3
        x0, x1 = _object_x(right)
        assert x1 - x0 > 5
        x0, x1 = _object_x(left)
        assert x0 - x1 > 5


def _generate(*args):
    import os.path as osp
    import subprocess
    import sys

    from conftest import REPO
    return subprocess.run(
        [sys.executable,
         osp.join(REPO, 'tools', 'data', 'generate_synthetic.py')] +
        list(args), capture_output=True, text=True)


def test_generator_presets_run_with_their_defaults(tmp_path):
    """``--preset tiny`` alone: 1 label per class (4 training videos per
    class leave 3 unlabeled); ``--help`` lists the presets; a split that
    would leave no unlabeled video is refused by name."""
    res = _generate(str(tmp_path / 'tiny'), '--preset', 'tiny')
    assert res.returncode == 0, res.stderr[-2000:]
    labeled = (tmp_path / 'tiny' / 'labeled.txt').read_text().split('\n')
    unlabeled = (tmp_path / 'tiny' / 'unlabeled.txt').read_text().split('\n')
    assert len([x for x in labeled if x]) == 8
    assert len([x for x in unlabeled if x]) == 24
    test = (tmp_path / 'tiny' / 'test.txt').read_text().split('\n')
    assert len([x for x in test if x]) == 16
    import re
    assert 'tiny: 4 train + 2 val + 2 test videos per class' in re.sub(
        r'\s+', ' ', _generate('--help').stdout)
    res = _generate(str(tmp_path / 'bad'), '--preset', 'tiny',
                    '--labels-per-class', '4')
    assert res.returncode == 2
    assert '--labels-per-class [4] must lie in [1, 3]' in res.stderr
