"""FinePseudo: soft-DTW, alignability losses, the collaborative
pseudo-labels and the self-training rounds through the real runner."""
import json
import math
import os
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

from conftest import REPO, generate_synthetic
from test_end_to_end import (assert_same_weights, data_options,
                             export_and_stock_test, tiny_cfg,
                             train_and_resume)

FINEPSEUDO = osp.join(
    REPO, 'configs', 'finepseudo',
    'finepseudo_r3d18-tiny_1xb16-2k-iter_synthetic-fine.py')


# ----------------------------------------------------------------------
# soft-DTW
def reference_soft_dtw(cost, gamma):
    """Eq. 1 / Cuturi & Blondel's recursion cell by cell in float64, with
    autograd giving the gradient (independent of the wavefront code)."""
    t, s = cost.shape
    inf = torch.tensor(float('inf'), dtype=torch.float64)
    r = [[inf] * (s + 1) for _ in range(t + 1)]
    r[0][0] = torch.tensor(0., dtype=torch.float64)
    for i in range(1, t + 1):
        for j in range(1, s + 1):
            prev = torch.stack([r[i - 1][j - 1], r[i - 1][j], r[i][j - 1]])
            r[i][j] = cost[i - 1, j - 1] - gamma * torch.logsumexp(
                -prev / gamma, 0)
    return r[t][s]


@pytest.mark.parametrize('gamma', [0.01, 0.1, 1.0])
@pytest.mark.parametrize('shape', [(5, 5), (4, 7), (8, 3)])
def test_soft_dtw_value_and_gradient_match_a_float64_reference(gamma, shape):
    from mmsemi_action.models.soft_dtw import soft_dtw
    torch.manual_seed(0)
    cost = torch.rand(3, *shape)
    cost32 = cost.clone().requires_grad_(True)
    value = soft_dtw(cost32, gamma)
    value.sum().backward()
    for b in range(3):
        ref_cost = cost[b].double().requires_grad_(True)
        ref = reference_soft_dtw(ref_cost, gamma)
        (ref_grad, ) = torch.autograd.grad(ref, ref_cost)
        assert value[b].item() == pytest.approx(ref.item(), abs=1e-5)
        assert torch.allclose(cost32.grad[b].double(), ref_grad, atol=1e-5)
    # a soft minimum lies below the hard DTW cost
    assert (value <= reference_dtw(cost) + 1e-5).all()


def reference_dtw(cost):
    out = []
    for c in cost.double().numpy():
        t, s = c.shape
        r = np.full((t + 1, s + 1), np.inf)
        r[0, 0] = 0
        for i in range(1, t + 1):
            for j in range(1, s + 1):
                r[i, j] = c[i - 1, j - 1] + min(r[i - 1, j - 1], r[i - 1, j],
                                                r[i, j - 1])
        out.append(r[t, s])
    return torch.tensor(out, dtype=torch.float32)


def test_soft_dtw_matches_tslearn_and_passes_gradcheck():
    tslearn = pytest.importorskip('tslearn.metrics')
    from mmsemi_action.models.soft_dtw import soft_dtw
    torch.manual_seed(1)
    cost = torch.rand(4, 6, 9, dtype=torch.float64, requires_grad=True)
    value = soft_dtw(cost, 0.3)
    (grad, ) = torch.autograd.grad(value.sum(), cost)
    for b in range(4):
        other = tslearn.SoftDTW(cost[b].detach().numpy(), gamma=0.3)
        assert value[b].item() == pytest.approx(other.compute(), abs=1e-10)
        assert np.allclose(grad[b].numpy(), other.grad(), atol=1e-10)
    assert torch.autograd.gradcheck(lambda c: soft_dtw(c, 0.3), (cost, ))


def test_soft_dtw_is_safe_under_autocast_and_refuses_bad_input():
    from mmsemi_action.models.soft_dtw import pairwise_soft_dtw, soft_dtw
    torch.manual_seed(2)
    x, y = torch.randn(3, 8, 16), torch.randn(5, 8, 16)
    full = pairwise_soft_dtw(x, y)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        half = pairwise_soft_dtw(x.bfloat16(), y.bfloat16())
    assert half.dtype == torch.float32
    assert torch.allclose(half, full, atol=0.05)
    with pytest.raises(ValueError, match='gamma > 0'):
        soft_dtw(torch.rand(1, 3, 3), 0.0)
    with pytest.raises(ValueError, match=r'\(B, T, S\)'):
        soft_dtw(torch.rand(3, 3), 0.1)


def test_pairwise_distance_is_soft_dtw_of_the_cosine_cost():
    """Entry (i, j) = soft-DTW of 1 - cos between frames, over T; per-video
    galleries give the same numbers."""
    from mmsemi_action.models.soft_dtw import pairwise_soft_dtw
    torch.manual_seed(3)
    x, y = torch.randn(2, 4, 5), torch.randn(3, 6, 5)
    dist = pairwise_soft_dtw(x, y, gamma=0.2)
    for i in range(2):
        for j in range(3):
            a = x[i].double().numpy()
            b = y[j].double().numpy()
            cos = (a @ b.T) / np.outer(np.linalg.norm(a, axis=1),
                                       np.linalg.norm(b, axis=1))
            ref = reference_soft_dtw(torch.from_numpy(1 - cos), 0.2) / 4
            assert dist[i, j].item() == pytest.approx(ref.item(), abs=1e-5)
    per_video = pairwise_soft_dtw(x, y[None].expand(2, 3, 6, 5), gamma=0.2)
    assert torch.allclose(per_video, dist)
    # a video aligns with itself better than with a time-reversed copy
    z = torch.randn(1, 8, 5)
    assert pairwise_soft_dtw(z, z)[0, 0] < pairwise_soft_dtw(
        z, z.flip(1))[0, 0]


def test_soft_dtw_divergence_by_hand():
    """D(x, y) - (D(x, x) + D(y, y)) / 2 from the cell-by-cell reference;
    0 for a video and itself, and symmetric."""
    from mmsemi_action.models.soft_dtw import pairwise_soft_dtw
    torch.manual_seed(4)
    x, y = torch.randn(2, 5, 6), torch.randn(3, 4, 6)

    def cost(a, b):
        a = F.normalize(a.double(), dim=1)
        b = F.normalize(b.double(), dim=1)
        return 1 - a @ b.t()

    div = pairwise_soft_dtw(x, y, gamma=0.3, normalize=False,
                            divergence=True)
    for i in range(2):
        for j in range(3):
            hand = reference_soft_dtw(cost(x[i], y[j]), 0.3) - (
                reference_soft_dtw(cost(x[i], x[i]), 0.3) +
                reference_soft_dtw(cost(y[j], y[j]), 0.3)) / 2
            assert div[i, j].item() == pytest.approx(hand.item(), abs=1e-5)
    same = pairwise_soft_dtw(x, x, gamma=0.3, divergence=True)
    assert torch.allclose(same.diagonal(), torch.zeros(2), atol=1e-6)
    assert torch.allclose(same, same.t(), atol=1e-6)


# ----------------------------------------------------------------------
# alignability losses
def test_mining_picks_the_hardest_negative_for_every_positive_pair():
    from mmsemi_action.models.losses import hard_negative_triplets
    labels = torch.tensor([0, 0, 1, 2, 1])
    dist = torch.tensor([[0.0, 0.5, 0.9, 0.3, 0.4],
                         [0.5, 0.0, 0.2, 0.8, 0.7],
                         [0.9, 0.2, 0.0, 0.6, 0.1],
                         [0.3, 0.8, 0.6, 0.0, 0.5],
                         [0.4, 0.7, 0.1, 0.5, 0.0]])
    triplets = set(zip(*[t.tolist() for t in hard_negative_triplets(
        dist, labels)]))
    # anchor 0: positive 1, negatives 2 (0.9), 3 (0.3), 4 (0.4) -> 3
    # anchor 1: positive 0, negatives 2 (0.2), 3, 4 -> 2
    # anchor 2: positive 4, negatives 0, 1 (0.2), 3 -> 1
    # anchor 4: positive 2, negatives 0 (0.4), 1, 3 (0.5) -> 0
    # anchor 3 has no positive
    assert triplets == {(0, 1, 3), (1, 0, 2), (2, 4, 1), (4, 2, 0)}


def test_triplet_and_score_losses_by_hand():
    from mmsemi_action.models.losses import (AlignabilityScoreLoss,
                                             AlignabilityTripletLoss)
    dist = torch.tensor([[0.0, 0.5, 0.3], [0.5, 0.0, 0.9], [0.3, 0.9, 0.0]])
    a, p, n = torch.tensor([0, 1]), torch.tensor([1, 0]), torch.tensor([2, 2])
    loss = AlignabilityTripletLoss(margin=0.25)(dist, a, p, n)
    # [0.5 - 0.3 + 0.25]_+ = 0.45 ; [0.5 - 0.9 + 0.25]_+ = 0
    assert loss.item() == pytest.approx((0.45 + 0.0) / 2)
    logits = torch.tensor([[9.0, 2.0, -1.0], [0.5, 9.0, 3.0],
                           [1.5, -2.0, 9.0]])
    labels = torch.tensor([4, 4, 1])
    score = AlignabilityScoreLoss(loss_weight=0.5)(logits, labels)

    def bce(x, y):
        s = 1 / (1 + math.exp(-x))
        return -(y * math.log(s) + (1 - y) * math.log(1 - s))

    # same class: (0,1)=2.0, (1,0)=0.5; other: (0,2)=-1, (1,2)=3, (2,0)=1.5,
    # (2,1)=-2; the diagonal is left out
    positive = (bce(2.0, 1) + bce(0.5, 1)) / 2
    negative = (bce(-1.0, 0) + bce(3.0, 0) + bce(1.5, 0) + bce(-2.0, 0)) / 4
    assert score.item() == pytest.approx(0.5 * (positive + negative) / 2,
                                         rel=1e-6)
    # no triplet: zero loss that still backpropagates
    empty = torch.tensor([], dtype=torch.long)
    d = dist.clone().requires_grad_(True)
    AlignabilityTripletLoss()(d, empty, empty, empty).backward()
    assert torch.equal(d.grad, torch.zeros_like(d))


def test_recognizer_losses_gradients_and_prediction():
    """The alignability losses train f_A and f_S, the CE trains f_E, and
    predict uses f_E alone."""
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    from mmengine.config import Config
    cfg = Config.fromfile(FINEPSEUDO)
    model = MODELS.build(cfg.model)
    torch.manual_seed(0)
    x = torch.randn(6, 1, 3, 8, 32, 32)
    samples = [ActionDataSample().set_gt_label(y) for y in [0, 0, 1, 1, 2, 2]]
    losses = model.loss(dict(labeled=x), dict(labeled=samples))
    assert losses['align_num_triplets'].item() == 6
    # L_AV does not reach f_E; the CE does not reach f_A
    (none, ) = torch.autograd.grad(
        losses['align_loss_triplet'] + losses['align_loss_score'],
        model.student.backbone.conv1.conv.weight, retain_graph=True,
        allow_unused=True)
    assert none is None
    (none, ) = torch.autograd.grad(
        losses['sup_loss_cls'], model.aligner.frame_proj.weight,
        retain_graph=True, allow_unused=True)
    assert none is None
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    for name in ('student.backbone.conv1.conv.weight',
                 'aligner.frame_proj.weight',
                 'score_head.scale.0.weight'):
        assert model.get_parameter(name).grad.abs().sum() > 0, name
    model.eval()
    with torch.no_grad():
        out = model.predict(x, [ActionDataSample() for _ in range(6)])
        probs = model.class_probs(x)
    assert torch.allclose(torch.stack([o.pred_score for o in out]), probs,
                          atol=1e-6)


def test_frame_transformer_feeds_frames_and_their_differences():
    """frame_difference: the backbone sees [x_t, x_t - x_(t-1)] per frame
    (zeros for the first), built here by hand; off, the frames alone."""
    from mmaction.registry import MODELS
    from mmengine.config import Config
    aligner = Config.fromfile(osp.join(
        REPO, 'configs/_base_/models/frame-transformer_r18-tiny.py')).aligner
    seen = []
    x = torch.randn(2, 3, 4, 32, 32)
    for on in (True, False):
        cfg = dict(aligner, frame_difference=on,
                   backbone=dict(aligner.backbone, in_channels=6 if on else 3))
        model = MODELS.build(cfg).eval()
        model.backbone.register_forward_pre_hook(
            lambda module, args: seen.append(args[0]))
        with torch.no_grad():
            assert model(x).shape == (2, 4, aligner.out_channels)
    frames = [x[:, :, t] for t in range(4)]
    by_hand = torch.stack([
        torch.cat([frames[t], frames[t] - frames[t - 1] if t else
                   torch.zeros_like(frames[0])], 1) for t in range(4)], 1)
    assert torch.equal(seen[0], by_hand.flatten(0, 1))
    assert torch.equal(seen[1], torch.stack(frames, 1).flatten(0, 1))


def test_paper_configs_feed_f_a_plain_frames():
    """The paper's VTN sees RGB frames (Sec. 3.1): every paper-scale
    FinePseudo config builds f_A without frame differences and with a
    3-channel stem (a standard 2D checkpoint loads); the synthetic configs
    keep the differences (our addition)."""
    import glob
    from mmengine.config import Config
    paper = sorted(glob.glob(osp.join(REPO, 'configs/finepseudo/*8xb8*.py')))
    synthetic = sorted(glob.glob(
        osp.join(REPO, 'configs/finepseudo/finepseudo_*synthetic*.py')))
    assert len(paper) == 17 and len(synthetic) == 2
    for path in paper + synthetic:
        aligner = Config.fromfile(path).model.aligner
        on = path in synthetic
        assert aligner.frame_difference is on, path
        assert aligner.backbone.in_channels == (6 if on else 3), path


# ----------------------------------------------------------------------
# the collaborative rule (Eq. 7-8, Algorithm 1 line 20) and strategies
def make_hook(**kwargs):
    from mmsemi_action.engine.hooks import PseudoLabelFilterHook
    return PseudoLabelFilterHook(**dict(dict(milestones=[1], pipeline=[]),
                                        **kwargs))


def test_p_a_of_eq8_and_the_collaborative_rule_by_hand():
    probs = torch.tensor([[0.90, 0.05, 0.05],   # f_E sure of class 0
                          [0.40, 0.50, 0.10],
                          [0.34, 0.33, 0.33]])
    align = torch.tensor([[0.10, 0.95, float('nan')],  # class 2: no gallery
                          [0.20, 0.90, float('nan')],
                          [0.30, 0.30, float('nan')]])
    scores = dict(probs=probs, align=align)
    tau = 0.1
    hook = make_hook(strategy='nonparametric', threshold=0.6, temperature=tau)
    labels, keep = hook.select(scores)
    for n in range(3):
        e = [math.exp(align[n, c].item() / tau) for c in range(2)]
        p_a = [v / sum(e) for v in e] + [0.0]
        p = [(p_a[c] + probs[n, c].item()) / 2 for c in range(3)]
        best = max(range(3), key=lambda c: p[c])
        assert labels[n].item() == best
        assert keep[n].item() == (p[best] > 0.6)
    # video 0: f_E alone would keep class 0; alignability overrules it
    assert labels[0].item() == 1 and not keep[0].item()
    assert labels[1].item() == 1 and keep[1].item()

    labels, keep = make_hook(strategy='confidence', threshold=0.6).select(
        scores)
    assert labels.tolist() == [0, 1, 0] and keep.tolist() == [True, False,
                                                              False]
    labels, keep = make_hook(strategy='verification', threshold=0.45,
                             score_threshold=0.6).select(scores)
    # video 0: confident but S_0 = 0.10 < 0.6; video 1: 0.5 > 0.45, S = 0.9
    assert keep.tolist() == [False, True, False]

    # the open-world gate on S of the label given: at theta 0.4 all three
    # pass (p = 0.525, 0.7, 0.42) with labels 1, 1, 0, whose S are 0.95,
    # 0.90 and 0.30
    assert make_hook(threshold=0.4).select(scores)[1].tolist() == [True] * 3
    for gate, expected in ((0.5, [True, True, False]),
                           (0.92, [True, False, False])):
        labels, keep = make_hook(threshold=0.4,
                                 min_alignability=gate).select(scores)
        assert labels.tolist() == [1, 1, 0] and keep.tolist() == expected
    # a label whose S is low is dropped even when another class aligns well
    # (f_E sure of class 0, S_0 = 0.4 < 0.5 < S_1 = 0.6; p = 0.55 for 0)
    odd = dict(probs=torch.tensor([[0.98, 0.01, 0.01]]),
               align=torch.tensor([[0.40, 0.60, float('nan')]]))
    labels, keep = make_hook(threshold=0.4).select(odd)
    assert labels.tolist() == [0] and keep.tolist() == [True]
    labels, keep = make_hook(threshold=0.4, min_alignability=0.5).select(odd)
    assert labels.tolist() == [0] and keep.tolist() == [False]
    labels, keep = make_hook(strategy='verification', threshold=0.45,
                             score_threshold=0.6,
                             min_alignability=0.92).select(scores)
    assert keep.tolist() == [False, False, False]


def test_hook_options_are_checked_when_built():
    with pytest.raises(ValueError, match='increasing'):
        make_hook(milestones=[5, 3])
    with pytest.raises(ValueError, match='strategy'):
        make_hook(strategy='uncertainty')
    with pytest.raises(ValueError, match='threshold must lie'):
        make_hook(threshold=1.0)
    with pytest.raises(ValueError, match="min_alignability needs"):
        make_hook(strategy='confidence', min_alignability=0.5)
    with pytest.raises(ValueError, match='min_alignability must lie'):
        make_hook(min_alignability=1.5)


# ----------------------------------------------------------------------
# self-training through the real runner
@pytest.fixture(scope='module')
def tiny_fine(tmp_path_factory):
    return generate_synthetic(
        str(tmp_path_factory.mktemp('synthetic-fine')), '--family', 'fine',
        '--preset', 'tiny', '--labels-per-class', '1')


def fine_options(milestones, **extra):
    return dict({
        'train_dataloader.sampler.source_ratio': [1],
        'custom_hooks.0.milestones': milestones,
        'custom_hooks.0.threshold': 0.1,
        'custom_hooks.0.num_workers': 2,
        'custom_hooks.0.batch_size': 5,
    }, **extra)


@pytest.mark.parametrize('milestones', [[3, 5], [4, 6]])
def test_rounds_resume_inside_and_between_rounds(tiny_fine, tmp_path,
                                                 milestones):
    """8 iterations with 2 rounds; a run resumed from iteration 4 (inside
    round 1 for milestones 3, 5; at the boundary for 4, 6) ends with the
    uninterrupted weights and the same pseudo-labels."""
    a, b, runner = train_and_resume(
        FINEPSEUDO, tiny_fine, tmp_path, 'aligner.frame_proj.weight',
        **fine_options(milestones))
    assert_same_weights(a, b)
    assert a['pseudo_label_filter'] == b['pseudo_label_filter']
    assert a['pseudo_label_filter']['round'] == 2
    # round 2 ran after the resume in both cases
    assert (tmp_path / 'full' / 'pseudo_labels' / 'round_2.txt').read_text(
    ) == (tmp_path / 'part' / 'pseudo_labels' / 'round_2.txt').read_text()
    assert not (tmp_path / 'part' / 'pseudo_labels' / 'round_1.txt').exists()
    scalars = runner.message_hub.log_scalars
    assert 'pseudo/count' in scalars and 'pseudo/acc' in scalars


def test_unlabeled_ground_truth_changes_nothing_but_the_accuracy(
        tiny_fine, tmp_path):
    """A second unlabeled list whose labels are the first run's
    pseudo-labels (and shifted by one elsewhere): same weights, same
    pseudo-labels; each run's logged accuracy is that of its written
    pseudo-labels against its own list (100% for the second)."""
    original = osp.join(tiny_fine, 'unlabeled.txt')
    rewritten = tmp_path / 'rewritten.txt'
    runs = {}
    for name in ('true', 'rewritten'):
        if name == 'rewritten':
            given = {p: y for p, y in (line.split() for line in runs['true'][1]
                                       if line)}
            lines = open(original).read().split('\n')
            rewritten.write_text('\n'.join(
                f'{p} {given.get(p, (int(y) + 1) % 8)}' for p, y in (
                    line.split() for line in lines if line)) + '\n')
        ann = original if name == 'true' else str(rewritten)
        cfg = tiny_cfg(FINEPSEUDO, tiny_fine, tmp_path / name, max_iters=5,
                       **fine_options([2, 4], **{
                           'train_dataloader.dataset.unlabeled.ann_file': ann,
                           'train_dataloader.num_workers': 0,
                           'train_dataloader.persistent_workers': False}))
        Runner.from_cfg(cfg).train()
        ckpt = _load_checkpoint(str(tmp_path / name / 'iter_5.pth'),
                                map_location='cpu')
        truth = {p: int(y) for p, y in (
            line.split() for line in open(ann).read().split('\n') if line)}
        written = (tmp_path / name / 'pseudo_labels' /
                   'round_2.txt').read_text().split('\n')
        pairs = [line.split() for line in written if line]
        stats = json.loads((tmp_path / name / 'pseudo_labels' /
                            'round_2.json').read_text())
        assert stats['count'] == len(pairs) > 0
        hand = 100 * sum(truth[p] == int(y) for p, y in pairs) / len(pairs)
        assert stats['acc'] == pytest.approx(hand)
        runs[name] = (ckpt, written, stats['acc'])
    assert_same_weights(runs['true'][0], runs['rewritten'][0])
    assert runs['true'][1] == runs['rewritten'][1]
    assert runs['rewritten'][2] == pytest.approx(100.0)
    assert runs['true'][2] < 100.0


def test_mim_train_two_rounds_and_stock_test_of_the_export(tiny_fine,
                                                           tmp_path):
    """``mim train mmaction`` runs two self-training rounds (at iterations
    2 and 3 of 4); the exported f_E evaluates with MMAction2's own
    ``tools/test.py`` as the run validated it."""
    from test_end_to_end import run
    work = tmp_path / 'mim'
    opts = dict(data_options(tiny_fine), **fine_options([2, 3], **{
        'train_dataloader.batch_size': 6,
        'train_dataloader.num_workers': 2,
        'train_cfg.max_iters': 4,
        'train_cfg.val_interval': 4,
        'default_hooks.checkpoint.interval': 4}))
    opts = [f'{k}={v}'.replace(' ', '') for k, v in opts.items()]
    run(['mim', 'train', 'mmaction', FINEPSEUDO, '--gpus', '0', '--work-dir',
         str(work), '--cfg-options'] + opts)
    for r in (1, 2):
        stats = json.loads((work / 'pseudo_labels' /
                            f'round_{r}.json').read_text())
        assert stats['count'] > 0, r
    [scalars] = list(work.glob('*/vis_data/scalars.json'))
    rows = [json.loads(line) for line in scalars.read_text().split('\n')
            if line]
    val_top1 = [r['student/acc/top1'] for r in rows
                if 'student/acc/top1' in r][-1]
    stock = export_and_stock_test(FINEPSEUDO, str(work / 'iter_4.pth'),
                                  tiny_fine, tmp_path)
    assert stock == pytest.approx(val_top1)


def test_a_model_without_alignability_is_told_to_use_confidence(
        tiny_fine, tmp_path):
    from mmengine.config import ConfigDict
    cfg = tiny_cfg(FINEPSEUDO, tiny_fine, tmp_path / 'plain', max_iters=4,
                   **fine_options([2]))
    cfg.model = ConfigDict(cfg.model.recognizer)
    with pytest.raises(TypeError, match="strategy='confidence'"):
        Runner.from_cfg(cfg).train()
    cfg.custom_hooks[0].milestones = [4]
    cfg.custom_hooks[0].strategy = 'confidence'
    with pytest.raises(ValueError, match='below train_cfg.max_iters'):
        Runner.from_cfg(cfg).train()


def test_open_world_split_renumbers_known_classes_first(tmp_path):
    from mmsemi_action.datasets.semi_split import read_annotations
    train = tmp_path / 'train.txt'
    test = tmp_path / 'test.txt'
    train.write_text(''.join(f'v{c}_{i}.mp4 {c}\n' for c in range(5)
                             for i in range(4)))
    test.write_text(''.join(f't{c}.mp4 {c}\n' for c in range(5)))
    import subprocess
    import sys
    subprocess.run([
        sys.executable, osp.join(REPO, 'tools', 'data', 'make_semi_split.py'),
        str(train), '--labels-per-class', '1', '--novel-classes', '1', '3',
        '--eval-lists', str(test), '--out-dir', str(tmp_path / 'out')
    ], check=True, capture_output=True)
    split = tmp_path / 'out' / '1pc_open-world_seed0'
    labeled = read_annotations(str(split / 'labeled.txt'))
    unlabeled = read_annotations(str(split / 'unlabeled.txt'))
    # known classes 0, 2, 4 -> 0, 1, 2; novel 1, 3 -> 3, 4
    mapping = {0: 0, 2: 1, 4: 2, 1: 3, 3: 4}
    assert sorted(y for _, y in labeled) == [0, 1, 2]
    for name, y in labeled + unlabeled:
        assert mapping[int(name[1])] == y
    assert sum(y >= 3 for _, y in unlabeled) == 8  # every novel video
    assert read_annotations(str(split / 'test.txt')) == [
        ('t0.mp4', 0), ('t2.mp4', 1), ('t4.mp4', 2)]


def test_open_world_config_trains_and_counts_novel_pseudo_labels(
        tiny_fine, tmp_path):
    """The open-world config on a tiny split (classes 6, 7 novel): labels
    beyond the 6-class head in the unlabeled list are accepted (logged
    only), and the round counts the kept videos of novel classes."""
    import subprocess
    import sys
    subprocess.run([
        sys.executable, osp.join(REPO, 'tools', 'data', 'make_semi_split.py'),
        osp.join(tiny_fine, 'train.txt'), '--labels-per-class', '1',
        '--novel-classes', '6', '7', '--eval-lists',
        osp.join(tiny_fine, 'val.txt'), '--out-dir', str(tmp_path / 'splits')
    ], check=True, capture_output=True)
    split = tmp_path / 'splits' / '1pc_open-world_seed0'
    cfg = tiny_cfg(
        FINEPSEUDO.replace('.py', '-open-world.py'), tiny_fine,
        tmp_path / 'ow', max_iters=3, **fine_options([2], **{
            'train_dataloader.dataset.labeled.ann_file':
            str(split / 'labeled.txt'),
            'train_dataloader.dataset.unlabeled.ann_file':
            str(split / 'unlabeled.txt'),
            'val_dataloader.dataset.ann_file': str(split / 'val.txt'),
            'test_dataloader.dataset.ann_file': str(split / 'val.txt'),
            'custom_hooks.0.threshold': 0.0}))
    assert cfg.model.recognizer.cls_head.num_classes == 6
    Runner.from_cfg(cfg).train()
    stats = json.loads((tmp_path / 'ow' / 'pseudo_labels' /
                        'round_1.json').read_text())
    # threshold 0: every unlabeled video is kept, the 8 novel ones too
    assert stats['count'] == stats['num_unlabeled'] == 6 * 3 + 2 * 4
    assert stats['novel'] == 8


def test_alignability_pretraining_loads_into_finepseudo(tiny_fine, tmp_path):
    """The frame-level self-supervised f_A (labels unread) trains through
    the runner and its weights are what FinePseudo's aligner starts from."""
    from mmaction.registry import MODELS
    ssl_config = osp.join(
        REPO, 'configs', 'finepseudo',
        'finepseudo-ssl_frame-transformer-r18-tiny_1xb8-1k-iter_'
        'synthetic-fine.py')
    from mmengine.config import Config
    cfg = Config.fromfile(ssl_config)
    opts = {f'train_dataloader.dataset.{s}.{k}': v
            for s in ('labeled', 'unlabeled')
            for k, v in (('ann_file', f'{tiny_fine}/{s}.txt'),
                         ('data_prefix.video', tiny_fine))}
    opts.update({'train_dataloader.sampler.source_ratio': [1, 1],
                 'train_dataloader.batch_size': 4,
                 'train_cfg.max_iters': 2,
                 'default_hooks.checkpoint.interval': 2})
    cfg.merge_from_dict(opts)
    cfg.work_dir = str(tmp_path / 'ssl')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert 'train/loss_frame' in runner.message_hub.log_scalars
    ckpt = str(tmp_path / 'ssl' / 'iter_2.pth')
    fp = tiny_cfg(FINEPSEUDO, tiny_fine, tmp_path / 'fp',
                  **fine_options([2]))
    fp.model.aligner.init_cfg = dict(type='Pretrained', checkpoint=ckpt,
                                     prefix='aligner.')
    model = MODELS.build(fp.model)
    model.init_weights()
    state = _load_checkpoint(ckpt, map_location='cpu')['state_dict']
    for name, value in model.aligner.state_dict().items():
        assert torch.equal(value, state['aligner.' + name]), name


def test_two_process_round_equals_one_process_scoring(tiny_fine, tmp_path):
    """A round under DDP (2 gloo processes: gallery gathered on each rank,
    the unlabeled set scored in shards) writes the pseudo-labels that one
    process computes from the same weights (the checkpoint of the round's
    iteration, saved after the round)."""
    import re
    import subprocess
    import sys
    from test_end_to_end import data_options
    opts = dict(data_options(tiny_fine), **fine_options([2], **{
        'train_cfg.max_iters': 3, 'train_cfg.val_interval': 3,
        'default_hooks.checkpoint.interval': 2,
        'train_dataloader.batch_size': 4,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'custom_hooks.0.num_workers': 0,
        'custom_hooks.0.batch_size': 3,
        'randomness.seed': 0}))
    words = [f'{k}={v}' if not isinstance(v, list) else
             f'{k}=[{",".join(map(str, v))}]' for k, v in opts.items()]
    work = tmp_path / 'ddp'
    env = dict(os.environ, PORT='29517', PATH=osp.dirname(sys.executable)
               + os.pathsep + os.environ['PATH'])
    res = subprocess.run(['bash', 'tools/dist_train.sh', FINEPSEUDO, '2',
                          '--work-dir', str(work), '--cfg-options'] + words,
                         cwd=REPO, capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert re.search('Distributed training: True', res.stdout + res.stderr)
    written = (work / 'pseudo_labels' / 'round_1.txt').read_text()

    cfg = tiny_cfg(FINEPSEUDO, tiny_fine, tmp_path / 'one',
                   **fine_options([2]))
    cfg.load_from = str(work / 'iter_2.pth')
    runner = Runner.from_cfg(cfg)
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    runner.load_or_resume()
    hook = next(h for h in runner.hooks
                if type(h).__name__ == 'PseudoLabelFilterHook')
    runner.model.eval()
    scores = hook.score(runner)
    labels, keep = hook.select(scores)
    prefix = tiny_fine.rstrip('/') + '/'
    mine = ''.join(
        f'{scores["filenames"][i][len(prefix):]} {int(labels[i])}\n'
        for i in keep.nonzero()[:, 0].tolist())
    assert mine == written and mine


def _lr_by_param(model, optim_wrapper):
    from mmengine.optim import build_optim_wrapper
    optimizer = build_optim_wrapper(model, optim_wrapper).optimizer
    lrs = {id(p): g['lr'] for g in optimizer.param_groups
           for p in g['params']}
    return {name: lrs[id(p)] for name, p in model.named_parameters()}


def test_aligner_rate_survives_a_stock_optim_wrapper():
    """``semi_train_cfg.aligner_lr_mult`` (f_A at a tenth of f_E's rate)
    is the model's: a stock config's optimizer settings (TSM's ``fc_lr5``
    constructor, which replaces the method's ``paramwise_cfg``) keep it;
    with the default constructor the groups are those the earlier
    ``custom_keys=dict(aligner=dict(lr_mult=0.1))`` gave."""
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(FINEPSEUDO)
    assert cfg.model.semi_train_cfg.aligner_lr_mult == 0.1
    assert 'paramwise_cfg' not in cfg.optim_wrapper
    base = cfg.optim_wrapper.optimizer.lr
    model = MODELS.build(cfg.model)

    def semi(inner, paramwise=None):
        return dict(cfg.optim_wrapper,
                    constructor='SemiOptimWrapperConstructor',
                    paramwise_cfg=dict(constructor=inner,
                                       paramwise_cfg=paramwise))

    for inner, paramwise in (('DefaultOptimWrapperConstructor', None),
                             ('TSMOptimWrapperConstructor',
                              dict(fc_lr5=True))):
        lrs = _lr_by_param(model, semi(inner, paramwise))
        for name, lr in lrs.items():
            if name.startswith('aligner.'):
                assert lr == pytest.approx(0.1 * base), name
            elif name.startswith('score_head.'):
                assert lr == pytest.approx(base), name
        if inner.startswith('TSM'):  # the stock setting reaches f_E too
            assert lrs['student.cls_head.fc_cls.weight'] == pytest.approx(
                5 * base)
    # the same groups as the method's former paramwise setting
    cfg.model.semi_train_cfg.aligner_lr_mult = 1.0
    plain = MODELS.build(cfg.model)
    plain.load_state_dict(model.state_dict())
    former = _lr_by_param(plain, semi('DefaultOptimWrapperConstructor', dict(
        custom_keys=dict(aligner=dict(lr_mult=0.1)))))
    assert former == _lr_by_param(
        model, semi('DefaultOptimWrapperConstructor'))
    with pytest.raises(ValueError, match='aligner_lr_mult must be > 0'):
        cfg.model.semi_train_cfg.aligner_lr_mult = 0
        MODELS.build(cfg.model)
