"""Cost of one training iteration of each method against its floor.

For each method (its synthetic config) this measures, each in a fresh
process so that timings and peak memory do not mix:

* ``iter``: one ``model.train_step`` (data preprocessing, every forward
  and backward pass, the loss bookkeeping, the optimizer step) on a real
  collated batch of generated videos;
* ``floor``: the same forward/backward passes done by plain MMAction2
  recognizers (``Recognizer.train_step`` on the same clips, concatenated as
  the method does; teacher passes without gradient) with the same
  optimizer; the ratio ``iter / floor`` is the method's overhead (the
  efficiency of its implementation);
* ``supervised``: the plain supervised step of the same backbone and batch
  (the method's first network, one forward/backward on as many clips as
  the batch holds videos: its labeled and first unlabeled branch); the
  ratio ``iter / supervised`` is the price of the method;
* the same three measured again alternately in one process (iteration,
  floor, supervised step, iteration, ...; twice as many calls), so that
  slow phases of a shared machine affect them alike: the steadier ratios;
* ``pipeline``: samples/s of the training pipeline as configured (one
  decode, all views), of the same views decoded once per view, and clips/s
  of one view alone;
* how the iteration time grows with the unlabeled ratio mu (1, 2, 5; 4
  labeled clips per batch) and the clip length (8, 16 frames).

With ``--timebalance-scoring`` it measures TimeBalance's stage 2
(``tools/timebalance/score_videos.py``) in videos/s, decode included, and
against the two teachers' forwards alone (``timebalance_scoring.json`` /
``.md``, on generated 64-frame videos); stage 3 is the ``timebalance``
method of the iteration table.

With ``--finepseudo`` it also measures FinePseudo's own costs (in one
process; ``--methods`` may then be empty) and writes
``OUT/finepseudo_cost.json`` / ``.md``:

* soft-DTW forward + backward on ``B`` cost matrices of ``T x T`` against
  the same arithmetic without the recursion's sequential dependency (the
  3-way log-sum-exp and the add of every cell, and its backward, as one
  batched tensor operation): the ratio is what the ``2T - 1`` wavefront
  steps cost over the ``O(T^2)`` arithmetic itself;
* gallery scoring (``PseudoLabelFilterHook``'s per-batch work: ``p_E``,
  ``f_A`` embeddings, soft-DTW against ``C x rho`` gallery videos per
  video, ``f_S``) in videos/s and as a ratio to the ``f_A`` forward floor
  (and to the ``f_A`` + ``f_E`` forwards).

Writes ``OUT/cost.json`` and ``OUT/cost.md``::

    python tools/benchmark/cost_benchmark.py --out work_dirs/cost
    python tools/benchmark/cost_benchmark.py --methods cmpl --quick \
        --out work_dirs/cost
    python tools/benchmark/cost_benchmark.py --methods --finepseudo \
        --out work_dirs/cost
    # another backbone width, e.g. ACL+MTL at full-width R3D-18
    python tools/benchmark/cost_benchmark.py --methods acl_mtl \
        --cfg-options model.recognizer.backbone.base_channels=64 \
        model.recognizer.cls_head.in_channels=512 --out work_dirs/cost_wide

Timings are medians over ``--iters`` iterations after 2 warm-up ones, on
whatever device is present (CPU threads as torch sets them). Peak memory is
the process's peak resident set (CPU) or ``max_memory_allocated`` (CUDA)
minus its value before the model was built.
"""
import argparse
import copy
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from semi_benchmark import CONFIGS  # noqa: E402

#: the forward/backward passes of one iteration of each method:
#: (network attribute, branches concatenated in one pass, with gradient)
PASSES = dict(
    fixmatch=[('student', ('labeled', 'weak', 'strong'), True)],
    mean_teacher=[('student', ('labeled', 'strong'), True),
                  ('teacher', ('weak', ), False)],
    cmpl=[('student', ('labeled', 'weak', 'strong'), True),
          ('auxiliary', ('labeled_aux', 'weak_aux', 'strong_aux'), True)],
    ltg=[('student', ('labeled', 'weak', 'strong'), True),
         ('auxiliary', ('labeled_tg', 'weak_tg', 'strong_tg'), True)],
    acl_mtl_base=[('student', ('labeled', 'strong'), True),
                  ('teacher', ('weak', ), False)],
    acl_mtl=[('student', ('labeled', 'strong', 'weak'), True),
             ('teacher', ('weak', 'long_0'), False)],
    # TimeBalance stage 3: the student on labeled and unlabeled clips, both
    # fine-tuned teachers on the same clips without gradient
    timebalance=[('student', ('labeled', 'weak'), True),
                 ('teacher_invariant', ('labeled', 'weak'), False),
                 ('teacher_distinctive', ('labeled', 'weak'), False)],
)


# ---------------------------------------------------------------------------
# worker side (one measurement per process)
def scale_frames(cfg, frames):
    """Set every training/validation clip to ``frames`` frames (views keep
    their frame-count ratios), keeping each clip's time span."""
    def scale(view, factor):
        clip_len = max(1, round(view['clip_len'] * factor))
        span = view['clip_len'] * view.get('frame_interval', 1)
        view['clip_len'] = clip_len
        view['frame_interval'] = max(1, span // clip_len)

    def walk(pipeline):
        for step in pipeline:
            if step['type'] == 'SampleFrames':
                scale(step, frames / step['clip_len'])
            elif step['type'] == 'SampleMultiViewFrames':
                views = list(step['views'].values())
                factor = frames / views[0]['clip_len']
                for view in views:
                    scale(view, factor)

    dataset = cfg.train_dataloader.dataset
    for source in ('labeled', 'unlabeled'):
        walk(dataset[source].pipeline)


def stand_in_scores(data_root):
    """A TimeBalance score file (stage 2's output) for every video of the
    cost data, with fixed stand-in values: the cost does not depend on
    them."""
    import json
    path = osp.join(data_root, 'stand_in_scores.json')
    if not osp.isfile(path):
        scores = {}
        for source in ('labeled', 'unlabeled'):
            with open(osp.join(data_root, f'{source}.txt')) as f:
                for k, line in enumerate(f):
                    if line.strip():
                        name = osp.join(data_root, line.split()[0])
                        scores[name] = 0.25 + 0.5 * (k % 2)
        with open(path, 'w') as f:
            json.dump(scores, f)
    return path


def load_cfg(method, data_root, mu=None, labeled=None, frames=None,
             cfg_options=None):
    from mmengine.config import Config, DictAction
    cfg = Config.fromfile(osp.join(REPO, CONFIGS[method]))
    if cfg_options:  # KEY=VALUE strings, parsed as the runner's tools do
        parser = argparse.ArgumentParser()
        parser.add_argument('--opts', nargs='+', action=DictAction)
        cfg.merge_from_dict(
            parser.parse_args(['--opts'] + list(cfg_options)).opts)
    dataset = cfg.train_dataloader.dataset
    for source in ('labeled', 'unlabeled'):
        dataset[source].ann_file = osp.join(data_root, f'{source}.txt')
        dataset[source].data_prefix = dict(video=data_root)
        if dataset[source].get('score_file'):
            # TimeBalance: any score per video costs the same
            dataset[source].score_file = stand_in_scores(data_root)
    if cfg.model.get('teacher_checkpoints'):
        cfg.model.teacher_checkpoints = None  # random teachers cost alike
    sampler = cfg.train_dataloader.sampler
    if mu is not None:
        sampler.source_ratio = [1, mu]
        cfg.train_dataloader.batch_size = labeled * (1 + mu)
    if frames is not None:
        scale_frames(cfg, frames)
    return cfg


def collated_batch(cfg, seed=0):
    """A batch as the runner's data loader gives it: ``B * r_l / sum r``
    labeled and the rest unlabeled samples, ``pseudo_collate``-d."""
    import numpy as np
    import torch
    from mmaction.registry import DATASETS
    from mmengine.dataset import pseudo_collate
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    sampler = cfg.train_dataloader.sampler
    ratio = sampler.source_ratio
    batch_size = cfg.train_dataloader.batch_size
    num_labeled = batch_size * ratio[0] // sum(ratio)
    num_unlabeled = batch_size - num_labeled
    rng = np.random.default_rng(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    n_l = len(dataset.labeled)
    indices = list(rng.integers(0, n_l, num_labeled)) + list(
        n_l + rng.integers(0, len(dataset.unlabeled), num_unlabeled))
    return dataset, pseudo_collate([dataset[int(i)] for i in indices])


def timed(step, iters, warmup=2):
    """Median seconds of ``step`` over ``iters`` calls after ``warmup``."""
    import torch
    times = []
    for i in range(iters + warmup):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory_mb():
    import torch
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_batch(batch, branches):
    """The clips of ``branches``, concatenated, as a plain labeled batch."""
    import torch
    from mmaction.structures import ActionDataSample
    inputs = [x for b in branches for x in batch['inputs'][b]
              if x is not None]
    samples = []
    for i in range(len(inputs)):
        sample = ActionDataSample()
        sample.set_gt_label(torch.tensor([i % 2]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def fill_memory_bank(model):
    """Fill a method's memory bank (ACL+MTL) with unit features and
    random labels, so that the timed iterations fit their GMMs over a full
    bank as in training, not over the first few entries."""
    import torch
    bank = getattr(model, 'bank', None)
    if bank is None:
        return
    g = torch.Generator().manual_seed(0)
    feats = torch.nn.functional.normalize(
        torch.randn(bank.feats.shape, generator=g), dim=1)
    num_classes = model.prototypes.prototypes.shape[0]
    bank.enqueue(feats.to(bank.feats.device),
                 torch.randint(num_classes, (bank.size, ), generator=g).to(
                     bank.feats.device))


def measure_iteration(method, mode, data_root, iters, mu=None, labeled=None,
                      frames=None, cfg_options=None):
    import torch
    from mmengine.logging import MessageHub
    from mmengine.registry import init_default_scope

    import mmsemi_action  # noqa: F401
    init_default_scope('mmaction')
    cfg = load_cfg(method, data_root, mu, labeled, frames, cfg_options)
    _, batch = collated_batch(cfg)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    # past any warm-up: every loss of the method is active
    MessageHub.get_current_instance().update_info('iter', 10**6)
    before = peak_memory_mb()
    if mode == 'interleaved':
        seconds = timed_alternately(
            (method_step(cfg, batch, device),
             floor_step(method, cfg, batch, device),
             supervised_step(method, cfg, batch, device)), iters)
        return dict(zip(('iter', 'floor', 'supervised'), seconds))
    step = dict(iter=method_step, floor=floor_step,
                supervised=supervised_step)[mode]
    step = step(cfg, batch, device) if mode == 'iter' else step(
        method, cfg, batch, device)
    seconds = timed(step, iters)
    return dict(seconds=seconds, peak_mb=peak_memory_mb() - before)


def method_step(cfg, batch, device):
    """One ``model.train_step`` of the method on ``batch``, then the update
    of its memory bank, prototypes and centres (``MemoryBankUpdateHook``,
    after the optimizer step as in a run)."""
    from mmaction.registry import MODELS
    from mmengine.optim import build_optim_wrapper

    from mmsemi_action.engine.hooks import MemoryBankUpdateHook
    model = MODELS.build(cfg.model).to(device)
    model.train()
    fill_memory_bank(model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    return lambda: (model.train_step(batch, optim),
                    MemoryBankUpdateHook.update(model))


def floor_step(method, cfg, batch, device):
    """The method's passes (``PASSES``) done by plain recognizers."""
    import torch
    from mmaction.registry import MODELS
    from mmengine.optim import build_optim_wrapper

    from mmsemi_action.models.network_config import network_config
    steps = []
    for network, branches, grad in PASSES[method]:
        recognizer = MODELS.build(
            copy.deepcopy(network_config(cfg, network))).to(device)
        data = plain_batch(batch, branches)
        if grad:
            recognizer.train()
            optim = build_optim_wrapper(recognizer, cfg.optim_wrapper)
            steps.append(lambda r=recognizer, d=data, o=optim:
                         r.train_step(d, o))
        else:
            recognizer.eval()

            def forward(r=recognizer, d=data):
                with torch.no_grad():
                    d = r.data_preprocessor(d, False)
                    r(d['inputs'], d['data_samples'], mode='tensor')
            steps.append(forward)
    return lambda: [step() for step in steps]


def supervised_step(method, cfg, batch, device):
    """One ``train_step`` of the method's first network, as a plain
    recognizer, on one clip per video of the batch (its labeled branch and
    its first unlabeled branch)."""
    from mmaction.registry import MODELS
    from mmengine.optim import build_optim_wrapper

    from mmsemi_action.models.network_config import network_config
    network, branches, _ = PASSES[method][0]
    recognizer = MODELS.build(
        copy.deepcopy(network_config(cfg, network))).to(device)
    recognizer.train()
    optim = build_optim_wrapper(recognizer, cfg.optim_wrapper)
    data = plain_batch(batch, branches[:2])
    return lambda: recognizer.train_step(data, optim)


def timed_alternately(steps, iters):
    """Medians of steps run in turn in one process (A, B, C, A, B, C...),
    so that slow phases of a shared machine hit them alike."""
    times = [[] for _ in steps]
    for i in range(iters + 2):
        for k, step in enumerate(steps):
            seconds = timed(step, 1, warmup=0)
            if i >= 2:
                times[k].append(seconds)
    return tuple(statistics.median(t) for t in times)


def measure_pipeline(method, data_root, samples, cfg_options=None):
    """samples/s of the unlabeled pipeline: all views from one decode, each
    view decoded on its own, and one view alone."""
    from mmcv.transforms import Compose
    from mmengine.registry import init_default_scope

    import mmsemi_action  # noqa: F401
    init_default_scope('mmaction')
    cfg = load_cfg(method, data_root, cfg_options=cfg_options)
    source = cfg.train_dataloader.dataset.unlabeled
    pipeline = source.pipeline
    split = next(i for i, s in enumerate(pipeline)
                 if s['type'] == 'MultiBranch')
    decode, multi = pipeline[:split], pipeline[split]
    branches = {k: v for k, v in multi.items()
                if k not in ('type', 'branch_field')}

    def per_view_decode(branch_pipeline):
        """The view decoded on its own: the sampler keeps this branch's
        view only (FixMatch-style pipelines decode their one clip again)."""
        view = next((s['view'] for s in branch_pipeline if 'view' in s),
                    None)
        steps = []
        for step in decode:
            if step['type'] == 'SampleMultiViewFrames':
                step = dict(step, views={view: step['views'][view]})
            steps.append(step)
        return steps + branch_pipeline

    from mmaction.registry import DATASETS
    dataset = DATASETS.build(
        dict(source, pipeline=[], type='SemiVideoDataset'))
    infos = [dataset.get_data_info(i % len(dataset)) for i in range(samples)]

    def rate(pipelines):
        composed = [Compose(copy.deepcopy(p)) for p in pipelines]
        start = time.perf_counter()
        for info in infos:
            for p in composed:
                p(copy.deepcopy(info))
        return len(infos) / (time.perf_counter() - start)

    first = next(iter(branches))
    return dict(
        views=len(branches),
        decode_once=rate([pipeline]),
        decode_per_view=rate([per_view_decode(b) for b in branches.values()]),
        one_view=rate([per_view_decode(branches[first])]))


# ---------------------------------------------------------------------------
# driver
def run_worker(args, **kwargs):
    kwargs['cfg_options'] = args.cfg_options
    cmd = [sys.executable, osp.abspath(__file__), '--worker',
           json.dumps(kwargs), '--out', args.out]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if res.returncode:
        raise RuntimeError(f'{kwargs} failed:\n{res.stderr[-3000:]}')
    return json.loads(res.stdout.strip().splitlines()[-1])


def report(results):
    lines = [f'config overrides: `{" ".join(results["cfg_options"])}`', '']\
        if results.get('cfg_options') else []
    lines += [
        '| method | iteration (ms) | floor (ms) | iteration / floor | '
        'iteration / floor, alternating in one process | '
        'supervised step (ms) | iteration / supervised | '
        'iteration / supervised, alternating | '
        'peak mem, iteration (MB) | peak mem, floor (MB) |',
        '|---|---|---|---|---|---|---|---|---|---|'
    ]
    for method, r in results['methods'].items():
        it, fl, alt = r['iter'], r['floor'], r['interleaved']
        sup = r.get('supervised')  # absent in files of earlier versions
        sup_ms = f'{1e3 * sup["seconds"]:.0f}' if sup else '-'
        sup_ratio = f'{it["seconds"] / sup["seconds"]:.2f}' if sup else '-'
        # absent in files of earlier versions
        alt_sup = f'{alt["iter"] / alt["supervised"]:.2f}' \
            if 'supervised' in alt else '-'
        lines.append(
            f'| {method} | {1e3 * it["seconds"]:.0f} | '
            f'{1e3 * fl["seconds"]:.0f} | '
            f'{it["seconds"] / fl["seconds"]:.2f} | '
            f'{alt["iter"] / alt["floor"]:.2f} | {sup_ms} | {sup_ratio} | '
            f'{alt_sup} | '
            f'{it["peak_mb"]:.0f} | {fl["peak_mb"]:.0f} |')
    lines += [
        '', '| method | views | samples/s, one decode | samples/s, decode '
        'per view | one decode / per view | clips/s, one view alone |',
        '|---|---|---|---|---|---|'
    ]
    for method, r in results['methods'].items():
        p = r['pipeline']
        lines.append(
            f'| {method} | {p["views"]} | {p["decode_once"]:.1f} | '
            f'{p["decode_per_view"]:.1f} | '
            f'{p["decode_once"] / p["decode_per_view"]:.2f} | '
            f'{p["one_view"]:.1f} |')
    if results['scaling']:
        lines += ['', '| method | frames | mu | iteration (ms) | floor (ms) '
                  '| iteration / floor |', '|---|---|---|---|---|---|']
        for s in results['scaling']:
            lines.append(
                f'| {s["method"]} | {s["frames"]} | {s["mu"]} | '
                f'{1e3 * s["iter"]:.0f} | {1e3 * s["floor"]:.0f} | '
                f'{s["iter"] / s["floor"]:.2f} |')
    return '\n'.join(lines) + '\n'


def measure_finepseudo(iters, lengths=(8, 16, 32), pairs=256, videos=16,
                       rho=8, gamma=0.1):
    """FinePseudo's costs (see the module docstring), in this process."""
    import torch
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmsemi_action  # noqa: F401
    from mmsemi_action.models.soft_dtw import soft_dtw
    init_default_scope('mmaction')
    torch.manual_seed(0)
    out = dict(soft_dtw=[], scoring=None)
    for t in lengths:
        cost = torch.rand(pairs, t, t, requires_grad=True)

        def recursion():
            soft_dtw(cost, gamma).sum().backward()

        stack = torch.rand(3, pairs, t, t, dtype=torch.float64,
                           requires_grad=True)

        def arithmetic():
            # every cell's softmin of three values and add, all at once (in
            # float64, as the recursion computes)
            value = cost.double() - gamma * torch.logsumexp(
                -stack / gamma, dim=0)
            value.sum().backward()
        a, b = timed(recursion, iters), timed(arithmetic, iters)
        out['soft_dtw'].append(dict(
            frames=t, pairs=pairs, seconds=a, arithmetic_seconds=b,
            pairs_per_s=pairs / a, ratio=a / b))
    cfg = Config.fromfile(osp.join(REPO, CONFIGS['finepseudo']))
    model = MODELS.build(cfg.model).eval()
    classes = cfg.model.recognizer.cls_head.num_classes
    x = torch.randn(videos, 1, 3, 8, 56, 56)
    gallery = torch.randn(classes * rho, 8, cfg.model.aligner.out_channels)
    draws = torch.randint(0, len(gallery), (videos, classes * rho))

    @torch.no_grad()
    def scoring():
        model.class_probs(x)
        emb = model.embed(x)
        scores = model.alignability(emb, gallery[draws])
        scores.view(videos, classes, rho).mean(2)

    @torch.no_grad()
    def f_a():
        model.embed(x)

    @torch.no_grad()
    def f_a_and_f_e():
        model.embed(x)
        model.class_probs(x)

    score_s, floor_s, both_s = (timed(step, iters)
                                for step in (scoring, f_a, f_a_and_f_e))
    out['scoring'] = dict(
        videos=videos, classes=classes, rho=rho, seconds=score_s,
        videos_per_s=videos / score_s, f_a_seconds=floor_s,
        ratio_to_f_a=score_s / floor_s, f_a_f_e_seconds=both_s,
        ratio_to_f_a_f_e=score_s / both_s)
    return out


def measure_timebalance_scoring(data_root, iters, batch_size=8):
    """TimeBalance stage 2 (``tools/timebalance/score_videos.py``): videos/s
    of decoding a batch and scoring it with both stage-1 teachers, and of
    the teachers' forwards alone on a collated batch (the floor)."""
    import torch
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope

    import mmsemi_action  # noqa: F401
    sys.path.insert(0, osp.join(REPO, 'tools', 'timebalance'))
    from score_videos import scoring_pipeline, videos

    from mmsemi_action.models.temporal_similarity import \
        temporal_similarity_score
    from semi_benchmark import SSL_CONFIGS
    init_default_scope('mmaction')
    torch.manual_seed(0)
    models, cfg = [], None
    for config in SSL_CONFIGS[:2]:
        cfg = Config.fromfile(osp.join(REPO, config))
        for source in ('labeled', 'unlabeled'):
            cfg.train_dataloader.dataset[source].ann_file = osp.join(
                data_root, f'{source}.txt')
            cfg.train_dataloader.dataset[source].data_prefix = dict(
                video=data_root)
        models.append(MODELS.build(cfg.model).eval())
    dataset = next(videos(cfg, scoring_pipeline(cfg, models[0].num_clips)))
    state = dict(start=0)

    def load():
        start = state['start'] % (len(dataset) - batch_size)
        state['start'] += batch_size
        return pseudo_collate(
            [dataset[i] for i in range(start, start + batch_size)])

    @torch.no_grad()
    def forward(batch):
        z = [m(m.data_preprocessor(batch)['inputs'], mode='tensor')
             for m in models]
        return temporal_similarity_score(*z)

    collated = load()
    whole = timed(lambda: forward(load()), iters)
    floor = timed(lambda: forward(collated), iters)
    return dict(batch=batch_size, videos_per_s=batch_size / whole,
                floor_videos_per_s=batch_size / floor, ratio=whole / floor,
                clips_per_video=models[0].num_clips)


def finepseudo_report(res):
    lines = ['| frames T | pairs | soft-DTW fwd+bwd (ms) | same arithmetic, '
             'no recursion (ms) | ratio | pairs/s |',
             '|---|---|---|---|---|---|']
    for row in res['soft_dtw']:
        lines.append(f'| {row["frames"]} | {row["pairs"]} | '
                     f'{1000 * row["seconds"]:.1f} | '
                     f'{1000 * row["arithmetic_seconds"]:.1f} | '
                     f'{row["ratio"]:.1f}x | {row["pairs_per_s"]:.0f} |')
    sc = res['scoring']
    lines += ['', '| gallery scoring | videos/s | f_A forward (ms) | '
              'scoring (ms) | / f_A | / (f_A + f_E) |', '|---|---|---|---|'
              '---|---|',
              f'| {sc["videos"]} videos x {sc["classes"]} classes x rho '
              f'{sc["rho"]} | {sc["videos_per_s"]:.1f} | '
              f'{1000 * sc["f_a_seconds"]:.1f} | '
              f'{1000 * sc["seconds"]:.1f} | {sc["ratio_to_f_a"]:.2f}x | '
              f'{sc["ratio_to_f_a_f_e"]:.2f}x |']
    return '\n'.join(lines) + '\n'


def ensure_data(args):
    if args.data:
        return osp.abspath(args.data)
    root = osp.abspath(osp.join(args.out, 'synthetic-coarse'))
    if not osp.isfile(osp.join(root, 'val.txt')):
        subprocess.run([
            sys.executable,
            osp.join(REPO, 'tools', 'data', 'generate_synthetic.py'), root,
            '--preset', 'small', '--labels-per-class', '5'
        ], check=True, capture_output=True)
    return root


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--methods', nargs='*', default=list(PASSES),
                        choices=list(PASSES))
    parser.add_argument('--timebalance-scoring', action='store_true',
                        help='also TimeBalance stage 2 (score_videos.py) '
                        'videos/s on 64-frame videos '
                        '(timebalance_scoring.json / .md)')
    parser.add_argument('--finepseudo', action='store_true',
                        help="also FinePseudo's soft-DTW and gallery-scoring "
                        'costs (finepseudo_cost.json / .md)')
    parser.add_argument('--iters', type=int, default=8)
    parser.add_argument('--mus', type=int, nargs='+', default=[1, 2, 5])
    parser.add_argument('--frames', type=int, nargs='+', default=[8, 16])
    parser.add_argument('--labeled', type=int, default=4,
                        help='labeled clips per batch in the mu sweep')
    parser.add_argument('--pipeline-samples', type=int, default=40)
    parser.add_argument('--quick', action='store_true',
                        help='3 iterations, mu 1 and 2, 8 frames')
    parser.add_argument('--data', help='DIR with labeled.txt and '
                        'unlabeled.txt (default: generated)')
    parser.add_argument('--out', required=True)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='config overrides for every measured method '
                        '(e.g. a wider backbone)')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        job = json.loads(args.worker)
        kind = job.pop('kind')
        out = measure_pipeline(**job) if kind == 'pipeline' else \
            measure_iteration(**job)
        print(json.dumps(out))
        return
    if args.quick:
        args.iters, args.mus, args.frames = 3, [1, 2], [8]
        args.pipeline_samples = 10
    os.makedirs(args.out, exist_ok=True)
    if args.timebalance_scoring:
        root = osp.abspath(osp.join(args.out, 'synthetic-long'))
        if not osp.isfile(osp.join(root, 'val.txt')):
            subprocess.run([
                sys.executable, osp.join(REPO, 'tools', 'data',
                                         'generate_synthetic.py'), root,
                '--preset', 'long', '--train-per-class', '8',
                '--val-per-class', '1', '--test-per-class', '1',
                '--labels-per-class', '2'], check=True, capture_output=True)
        res = dict(measure_timebalance_scoring(root, args.iters),
                   iters=args.iters, date=time.strftime('%Y-%m-%d'),
                   cpu_count=os.cpu_count())
        with open(osp.join(args.out, 'timebalance_scoring.json'), 'w') as f:
            json.dump(res, f, indent=1)
        table = ('| TimeBalance stage 2 | videos/s (decode + 2 teachers) | '
                 'videos/s (2 teachers only) | ratio |\n|---|---|---|---|\n'
                 f'| batch {res["batch"]}, n = {res["clips_per_video"]} '
                 f'clips | {res["videos_per_s"]:.1f} | '
                 f'{res["floor_videos_per_s"]:.1f} | {res["ratio"]:.2f}x |\n')
        with open(osp.join(args.out, 'timebalance_scoring.md'), 'w') as f:
            f.write(table)
        print(table)
        if not args.methods and not args.finepseudo:
            return
    if args.finepseudo:
        res = dict(measure_finepseudo(args.iters), iters=args.iters,
                   date=time.strftime('%Y-%m-%d'), cpu_count=os.cpu_count())
        with open(osp.join(args.out, 'finepseudo_cost.json'), 'w') as f:
            json.dump(res, f, indent=1)
        table = finepseudo_report(res)
        with open(osp.join(args.out, 'finepseudo_cost.md'), 'w') as f:
            f.write(table)
        print(table)
        if not args.methods:
            return
    data_root = ensure_data(args)
    results = dict(methods={}, scaling=[], iters=args.iters,
                   cfg_options=args.cfg_options,
                   date=time.strftime('%Y-%m-%d'), cpu_count=os.cpu_count())
    for method in args.methods:
        print(f'== {method}', flush=True)
        row = {
            mode: run_worker(args, kind='iteration', method=method,
                             mode=mode, data_root=data_root,
                             iters=args.iters)
            for mode in ('iter', 'floor', 'supervised')
        }
        row['interleaved'] = run_worker(args, kind='iteration',
                                        method=method, mode='interleaved',
                                        data_root=data_root,
                                        iters=2 * args.iters)
        row['pipeline'] = run_worker(args, kind='pipeline', method=method,
                                     data_root=data_root,
                                     samples=args.pipeline_samples)
        results['methods'][method] = row
        for frames in args.frames:
            for mu in args.mus:
                times = {
                    mode: run_worker(args, kind='iteration', method=method,
                                     mode=mode, data_root=data_root,
                                     iters=args.iters, mu=mu,
                                     labeled=args.labeled,
                                     frames=frames)['seconds']
                    for mode in ('iter', 'floor')
                }
                results['scaling'].append(
                    dict(method=method, frames=frames, mu=mu, **times))
                print(f'   frames={frames} mu={mu} '
                      f'{times["iter"] / times["floor"]:.2f}x', flush=True)
    with open(osp.join(args.out, 'cost.json'), 'w') as f:
        json.dump(results, f, indent=1)
    table = report(results)
    with open(osp.join(args.out, 'cost.md'), 'w') as f:
        f.write(table)
    print(table)


if __name__ == '__main__':
    main()
