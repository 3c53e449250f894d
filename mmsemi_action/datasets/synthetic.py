"""Synthetic motion-pattern videos in MMAction2 ``VideoDataset`` format.

The class of a video is *only* its motion pattern (direction, rotation
sense, scaling, order of phases). Everything a single frame shows is random
per video: shape, colours, textured background, distractor objects that
random-walk, sensor noise and camera jitter. A frame-level appearance model
therefore stays at chance level; solving the task needs temporal reasoning.

Two families:

* ``coarse``: one motion over the whole clip, 8 classes.
* ``fine``: 2-4 phases of random length; classes come in pairs that differ
  in exactly one phase (fine-grained), 8 classes.

Everything is deterministic from ``seed``: video ``i`` is drawn from
``numpy.random.default_rng([seed, i])``, so a subset can be regenerated
without the rest.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

#: primitive motions a phase can have
PRIMITIVES = ('right', 'left', 'up', 'down', 'cw', 'ccw', 'grow', 'shrink')

COARSE_CLASSES: Tuple[Tuple[str, ...], ...] = tuple((p, ) for p in PRIMITIVES)

#: pairs (2k, 2k+1) differ in one phase only
FINE_CLASSES: Tuple[Tuple[str, ...], ...] = (
    ('right', 'up'),
    ('right', 'down'),
    ('left', 'cw', 'up'),
    ('left', 'ccw', 'up'),
    ('grow', 'right', 'shrink'),
    ('grow', 'left', 'shrink'),
    ('up', 'cw', 'down', 'grow'),
    ('up', 'cw', 'down', 'shrink'),
)

FAMILIES: Dict[str, Tuple[Tuple[str, ...], ...]] = dict(
    coarse=COARSE_CLASSES, fine=FINE_CLASSES)

#: named sizes: videos per class for train and val, frames, frame size
PRESETS = dict(
    tiny=dict(train_per_class=4, val_per_class=2, test_per_class=2,
              num_frames=16, size=32),
    small=dict(train_per_class=20, val_per_class=10, test_per_class=10,
               num_frames=16, size=64),
    benchmark=dict(train_per_class=60, val_per_class=25, test_per_class=25,
                   num_frames=16, size=64),
    # room for several clips per video (TimeBalance's n consecutive clips,
    # ACL+MTL's long strides, CMPL's time offset)
    long=dict(train_per_class=60, val_per_class=25, test_per_class=25,
              num_frames=64, size=64),
)


def class_names(family: str) -> List[str]:
    """Human-readable class names, e.g. ``'right-up'``."""
    return ['-'.join(phases) for phases in FAMILIES[family]]


@dataclass
class _Shape:
    points: np.ndarray  # (K, 2) polygon around the origin, radius ~1
    color: Tuple[int, int, int]


def _random_shape(rng: np.random.Generator) -> np.ndarray:
    """A polygon without rotational symmetry so rotation sense is visible."""
    kind = rng.integers(4)
    if kind == 0:  # isosceles triangle
        pts = [(1.0, 0.0), (-0.7, 0.6), (-0.7, -0.6)]
    elif kind == 1:  # L shape
        pts = [(-0.8, -0.9), (0.0, -0.9), (0.0, 0.2), (0.9, 0.2), (0.9, 0.9),
               (-0.8, 0.9)]
    elif kind == 2:  # arrow
        pts = [(1.0, 0.0), (0.2, 0.7), (0.2, 0.3), (-0.9, 0.3), (-0.9, -0.3),
               (0.2, -0.3), (0.2, -0.7)]
    else:  # irregular quadrilateral
        pts = [(1.0, 0.1), (0.1, 0.8), (-0.8, 0.4), (-0.4, -0.9)]
    pts = np.asarray(pts, dtype=np.float64)
    pts *= rng.uniform(0.8, 1.2, size=(1, 2))  # random aspect
    return pts


def _random_color(rng, avoid=None, min_dist=120):
    for _ in range(20):
        color = rng.integers(0, 256, size=3)
        if avoid is None or np.abs(color - avoid).sum() >= min_dist:
            break
    return tuple(int(c) for c in color)


def _background(rng, size: int) -> np.ndarray:
    """Random colour with a smooth random texture, (H, W, 3) float."""
    base = rng.uniform(0, 255, size=3)
    yy, xx = np.mgrid[0:size, 0:size] / size
    texture = np.zeros((size, size, 3))
    for _ in range(3):
        fx, fy = rng.uniform(0.5, 4, size=2)
        phase = rng.uniform(0, 2 * np.pi)
        amp = rng.uniform(2, 8, size=3)
        wave = np.sin(2 * np.pi * (fx * xx + fy * yy) + phase)
        texture += wave[..., None] * amp
    return np.clip(base + texture, 0, 255)


def _phase_lengths(rng, num_frames: int, num_phases: int) -> np.ndarray:
    """Random phase lengths (>= 3 frames each) summing to num_frames - 1
    steps."""
    steps = num_frames - 1
    min_len = max(2, steps // (3 * num_phases))
    free = steps - min_len * num_phases
    cuts = np.sort(rng.integers(0, free + 1, size=num_phases - 1))
    parts = np.diff(np.concatenate([[0], cuts, [free]]))
    return parts + min_len


def _trajectory(rng, phases: Sequence[str], num_frames: int, size: int):
    """Per-frame (cx, cy, angle, scale) of the main object."""
    lengths = _phase_lengths(rng, num_frames, len(phases))
    speed = rng.uniform(0.5, 0.8) * size / (num_frames - 1)
    spin = rng.uniform(np.pi / 3, np.pi / 2) * 2 / (num_frames - 1)
    growth = np.log(rng.uniform(1.8, 2.4)) / (num_frames - 1)
    state = np.array([0.0, 0.0, rng.uniform(0, 2 * np.pi), 0.0])
    states = [state.copy()]
    deltas = dict(
        right=(speed, 0, 0, 0), left=(-speed, 0, 0, 0), up=(0, -speed, 0, 0),
        down=(0, speed, 0, 0), cw=(0, 0, spin, 0), ccw=(0, 0, -spin, 0),
        grow=(0, 0, 0, growth), shrink=(0, 0, 0, -growth))
    for phase, length in zip(phases, lengths):
        for _ in range(length):
            state = state + np.asarray(deltas[phase])
            states.append(state.copy())
    states = np.stack(states)[:num_frames]
    # scale: log-scale -> radius in pixels, kept within the frame
    log_scale = states[:, 3] - states[:, 3].mean()
    radius = size * rng.uniform(0.16, 0.22) * np.exp(log_scale)
    # place the path so that the object stays inside the frame
    margin = radius.max() + 1
    xs, ys = states[:, 0], states[:, 1]
    span_x, span_y = np.ptp(xs), np.ptp(ys)
    shrink = min(1.0, (size - 2 * margin) / max(span_x, span_y, 1e-6))
    xs, ys = xs * shrink, ys * shrink
    low = np.array([margin - xs.min(), margin - ys.min()])
    high = np.maximum(low, [size - margin - xs.max(),
                            size - margin - ys.max()])
    ox, oy = rng.uniform(low, high)
    return xs + ox, ys + oy, states[:, 2], radius


def _draw(frame, shape: _Shape, cx, cy, angle, radius):
    rot = np.array([[np.cos(angle), -np.sin(angle)],
                    [np.sin(angle), np.cos(angle)]])
    pts = shape.points @ rot.T * radius + np.array([cx, cy])
    cv2.fillPoly(frame, [np.round(pts * 16).astype(np.int32)], shape.color,
                 lineType=cv2.LINE_AA, shift=4)


def render_video(phases: Sequence[str], rng: np.random.Generator,
                 num_frames: int = 16, size: int = 64) -> np.ndarray:
    """Render one clip, (T, H, W, 3) uint8 BGR."""
    background = _background(rng, size)
    main = _Shape(_random_shape(rng), _random_color(rng, background.mean(
        (0, 1))))
    xs, ys, angles, radius = _trajectory(rng, phases, num_frames, size)

    # distractors: random walk, random spin; no systematic motion
    distractors = []
    for _ in range(rng.integers(0, 2)):  # 0 or 1 distractor
        steps = rng.normal(0, size * 0.02, size=(num_frames, 2)).cumsum(0)
        start = rng.uniform(0.2 * size, 0.8 * size, size=2)
        distractors.append(
            (_Shape(_random_shape(rng), _random_color(rng)),
             np.clip(start + steps, 0, size - 1),
             rng.uniform(0, 2 * np.pi)
             + rng.normal(0, 0.2, num_frames).cumsum(),
             size * rng.uniform(0.04, 0.07)))
    noise_sigma = rng.uniform(1, 4)
    jitter = rng.integers(-1, 2, size=(num_frames, 2))

    frames = np.empty((num_frames, size, size, 3), dtype=np.uint8)
    for t in range(num_frames):
        canvas = background.copy()
        for shape, path, spin, r in distractors:
            _draw(canvas, shape, path[t, 0], path[t, 1], spin[t], r)
        _draw(canvas, main, xs[t], ys[t], angles[t], radius[t])
        canvas = np.roll(canvas, shift=tuple(jitter[t]), axis=(0, 1))
        canvas += rng.normal(0, noise_sigma, size=canvas.shape)
        frames[t] = np.clip(canvas, 0, 255).astype(np.uint8)
    return frames


def write_mp4(path: str, frames: np.ndarray, fps: int = 8) -> None:
    """Write (T, H, W, 3) BGR frames as an MPEG-4 video that decord reads."""
    height, width = frames.shape[1:3]
    if width % 32 or height % 32:
        # decord 0.6.0 mis-copies rows of some widths (e.g. 48 px)
        raise ValueError(f'frame size must be a multiple of 32, got '
                         f'{width}x{height} for {path}')
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write {path}')
    for frame in frames:
        writer.write(frame)
    writer.release()


def generate_dataset(out_dir: str,
                     family: str = 'coarse',
                     train_per_class: int = 20,
                     val_per_class: int = 10,
                     test_per_class: int = 10,
                     num_frames: int = 16,
                     size: int = 64,
                     seed: int = 0) -> Dict[str, str]:
    """Write ``videos/*.mp4``, ``train.txt``, ``val.txt``, ``test.txt`` and
    ``classes.txt`` under ``out_dir``.

    Three disjoint splits: ``train`` (labeled + unlabeled), ``val`` for
    choosing settings and ``test`` for reported numbers only. The test
    videos are rendered after the others, so adding them leaves the train
    and val videos of a seed unchanged.

    Annotation lines are ``videos/000123.mp4 label`` (relative to
    ``out_dir``); file names carry no class information.

    Returns:
        dict: paths of the written annotation files.
    """
    if family not in FAMILIES:
        raise ValueError(f'family must be one of {sorted(FAMILIES)}, '
                         f'got {family!r}')
    classes = FAMILIES[family]
    os.makedirs(osp.join(out_dir, 'videos'), exist_ok=True)
    splits = dict(train=train_per_class, val=val_per_class,
                  test=test_per_class)
    index = 0
    paths = {}
    for split, per_class in splits.items():
        lines = []
        for label in range(len(classes)):
            for _ in range(per_class):
                rng = np.random.default_rng([seed, index])
                name = f'videos/{index:06d}.mp4'
                frames = render_video(classes[label], rng, num_frames, size)
                write_mp4(osp.join(out_dir, name), frames)
                lines.append((name, label))
                index += 1
        # interleave classes deterministically so lists are not sorted
        order = np.random.default_rng([seed, 10**9]).permutation(len(lines))
        paths[split] = osp.join(out_dir, f'{split}.txt')
        with open(paths[split], 'w') as f:
            f.writelines(f'{lines[i][0]} {lines[i][1]}\n' for i in order)
    with open(osp.join(out_dir, 'classes.txt'), 'w') as f:
        f.writelines(name + '\n' for name in class_names(family))
    return paths
