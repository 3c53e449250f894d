"""ACL + MTL: prototypes, memory bank, GMM against scikit-learn, the ACL,
MoCo, SimCLR and DINO losses by hand; the recognizer's losses recomputed by
hand (on a tiny TimeSformer, whose LayerNorm lets every clip be forwarded
alone), its invariants; the state written by MemoryBankUpdateHook (save /
load round trip, 2 gloo processes); the paper configs as built."""
import copy
import io
import math
import os
import tempfile
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from sklearn.mixture import GaussianMixture

from _dist import run_two_processes
from _models import NUM_CLASSES, batch, loss_and_grads
from _models import samples as make_samples
from _models import tiny_recognizer
from conftest import REPO
from mmsemi_action.datasets.synthetic import write_mp4
from mmsemi_action.engine.hooks import EMATeacherHook, MemoryBankUpdateHook
from mmsemi_action.engine.runner.config_checks import route_optim_wrapper
from mmsemi_action.models import (ClassPrototypes, MemoryBank,
                                  StagedStateModule)
from mmsemi_action.models.gaussian_mixture import (fit_two_gaussians,
                                                   init_two_gaussians)
from mmsemi_action.models.recognizers import cross_scale_calibration
from mmsemi_action.models.utils import recognizer_logits
from test_end_to_end import tiny_cfg

LONG = ('long_0', 'long_1')
CONFIGS = os.path.join(REPO, 'configs', 'acl_mtl')
SYNTHETIC = os.path.join(
    CONFIGS, 'acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py')
UCF101 = os.path.join(
    CONFIGS, 'acl-mtl_timesformer-vit-b_8xb6-30e_ucf101-1percent.py')
commit = MemoryBankUpdateHook.update


@pytest.fixture(autouse=True)
def _iteration():
    MessageHub.get_current_instance().update_info('iter', 100)


def acl_mtl(**semi_train_cfg):
    """ACL+MTL around the tiny R3D-18 (BatchNorm)."""
    cfg = dict(bank_size=32, long_branches=LONG)
    cfg.update(semi_train_cfg)
    return MODELS.build(
        dict(type='ACLMTLRecognizer', recognizer=tiny_recognizer(),
             semi_train_cfg=cfg))


def tiny_timesformer():
    return dict(
        type='Recognizer3D',
        backbone=dict(type='TimeSformer', num_frames=4, img_size=16,
                      patch_size=8, embed_dims=32, num_heads=2,
                      num_transformer_layers=1,
                      attention_type='divided_space_time'),
        cls_head=dict(type='TimeSformerHead', num_classes=NUM_CLASSES,
                      in_channels=32),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW'))


#: projection heads without BatchNorm: with TimeSformer's LayerNorm, every
#: quantity of a clip can be recomputed from that clip alone
PER_CLIP_HEADS = dict(
    spatial_projection=dict(type='MLPProjectionHead', out_channels=16,
                            num_layers=1),
    temporal_projection=dict(type='DINOProjectionHead', out_channels=24,
                             bottleneck_channels=8, hidden_channels=16))


def acl_mtl_vit(**semi_train_cfg):
    """ACL+MTL around a tiny TimeSformer (class token to the head)."""
    cfg = dict(bank_size=64, long_branches=LONG, **PER_CLIP_HEADS)
    cfg.update(semi_train_cfg)
    return MODELS.build(
        dict(type='ACLMTLRecognizer', recognizer=tiny_timesformer(),
             semi_train_cfg=cfg))


def acl_mtl_batch(num_labeled=2, num_unlabeled=4, seed=0,
                  unlabeled_labels=None):
    inputs, data_samples = batch(num_labeled, num_unlabeled, seed,
                                 unlabeled_labels)
    g = torch.Generator().manual_seed(seed + 11)
    for branch in LONG:
        inputs[branch] = inputs['weak'] + 0.3 * torch.randn(
            inputs['weak'].shape, generator=g)
        data_samples[branch] = data_samples['weak']
    return inputs, data_samples


def with_unlabeled_labels(data_samples, labels):
    """The same batch with other ground truth on every unlabeled branch."""
    out = dict(data_samples)
    for branch in ('weak', 'strong') + LONG:
        out[branch] = make_samples(labels)
    return out


def teacher_views(model, inputs):
    """Eq. 19 and Eq. 6 by hand, each branch forwarded alone (the teacher
    and its heads are in eval mode: per-clip statistics): pseudo-labels,
    confidences and the naive positives ``f^p``."""
    with torch.no_grad():
        probs = sum(
            recognizer_logits(model.teacher, inputs[b]).softmax(1)
            for b in ('weak', ) + LONG) / (1 + len(LONG))
        _, pooled = recognizer_logits(model.teacher, inputs['weak'],
                                      return_feats=True)
        f_p = F.normalize(model.teacher_heads['spatial'](pooled), dim=1)
    conf, pseudo = probs.max(1)
    return pseudo, conf, f_p


def at_cosine(direction, cos, g):
    """A unit vector at cosine ``cos`` from the unit ``direction``."""
    v = torch.randn(direction.shape, generator=g)
    v = F.normalize(v - (v @ direction) * direction, dim=0)
    cos = min(max(cos, -0.99), 0.99)
    return cos * direction + math.sqrt(1 - cos**2) * v


def fill_state(model, inputs, seed=0, per_mode=6, near=0.95, far=0.1,
               spread=0.03, anchor_cos=1.0):
    """Prototypes for every class and, per class, a bank of ``per_mode``
    entries at cosine ~``near`` to the prototype and ``per_mode`` at
    ~``far`` (Gaussian ``spread``): every GMM sees two clusters. The
    prototype of a pseudo-label class is at cosine ``anchor_cos`` from the
    mean of its clips' ``f^p`` (1: that mean; lower: the clips fall between
    the clusters, with intermediate reliabilities)."""
    pseudo, conf, f_p = teacher_views(model, inputs)
    g = torch.Generator().manual_seed(seed)
    num_classes, dim = model.prototypes.prototypes.shape
    protos = F.normalize(torch.randn(num_classes, dim, generator=g), dim=1)
    for c in pseudo.unique():
        mean = F.normalize(f_p[pseudo == c].mean(0), dim=0)
        protos[c] = mean if anchor_cos == 1 else F.normalize(
            at_cosine(mean, anchor_cos, g), dim=0)
    feats, labels = [], []
    for c in range(num_classes):
        for cos in [near] * per_mode + [far] * per_mode:
            jitter = spread * float(torch.randn(1, generator=g))
            feats.append(at_cosine(protos[c], cos + jitter, g))
            labels.append(c)
    model.prototypes.prototypes.copy_(protos)
    model.prototypes.initialized.fill_(True)
    model.bank.enqueue(torch.stack(feats), torch.tensor(labels))
    return pseudo, conf, f_p


def discard_staged(model):
    for module in model.modules():
        if isinstance(module, StagedStateModule):
            module.discard()


def log_softmax_np(x):
    x = x - x.max(1, keepdims=True)
    return x - np.log(np.exp(x).sum(1, keepdims=True))


def logsumexp_np(x):
    return x.max() + np.log(np.exp(x - x.max()).sum())


def unit_np(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


# ------------------------------------------------------- prototypes, bank
def test_prototype_ema_arithmetic():
    protos = ClassPrototypes(num_classes=3, dim=2, momentum=0.9)
    protos.update(torch.tensor([[3.0, 4.0], [0.0, 2.0], [6.0, 8.0]]),
                  torch.tensor([0, 1, 0]))
    # first batch of a class sets it: mean of the L2-normalised features
    assert torch.allclose(protos.prototypes[0], torch.tensor([0.6, 0.8]))
    assert torch.allclose(protos.prototypes[1], torch.tensor([0.0, 1.0]))
    assert protos.initialized.tolist() == [True, True, False]
    assert torch.equal(protos.prototypes[2], torch.zeros(2))
    # staged (training): returned for the step's loss, written on commit
    new, initialized = protos.stage_update(torch.tensor([[1.0, 0.0]]),
                                           torch.tensor([0]))
    expected = 0.1 * torch.tensor([1.0, 0.0]) + 0.9 * torch.tensor([0.6, 0.8])
    assert torch.allclose(new[0], expected)  # X_t = (1-beta) f + beta X_t-1
    assert torch.allclose(protos.prototypes[0], torch.tensor([0.6, 0.8]))
    assert protos.commit() and not protos.commit()
    assert torch.allclose(protos.prototypes[0], expected)
    assert torch.allclose(protos.prototypes[1], torch.tensor([0.0, 1.0]))
    assert initialized.tolist() == [True, True, False]


def test_bank_is_fifo_with_labels_and_waits_for_its_commit():
    bank = MemoryBank(size=4, dim=2)
    assert bank.fill == 0 and not bank.valid.any()
    bank.enqueue(torch.tensor([[1.0, 0], [2, 0], [3, 0]]),
                 torch.tensor([7, 8, 9]))
    assert bank.fill == 0.75 and int(bank.ptr) == 3
    bank.stage(torch.tensor([[4.0, 0], [5, 0]]), torch.tensor([1, 2]))
    assert bank.labels.tolist() == [7, 8, 9, -1]  # nothing written yet
    with pytest.raises(RuntimeError, match='MemoryBankUpdateHook'):
        bank.stage(torch.zeros(1, 2), torch.tensor([0]))
    assert bank.commit()
    # the oldest entry (1) was overwritten, the pointer wrapped
    assert bank.feats[:, 0].tolist() == [5, 2, 3, 4]
    assert bank.labels.tolist() == [2, 8, 9, 1]
    assert int(bank.ptr) == 1 and bank.fill == 1.0
    bank.enqueue(torch.arange(12.0).view(6, 2), torch.arange(6))
    assert sorted(bank.labels.tolist()) == [2, 3, 4, 5]  # newest 4 kept


# -------------------------------------------------------------------- GMM
def sklearn_posteriors(values, init):
    weights, means, variances = (t.numpy() for t in init)
    gmm = GaussianMixture(
        2, covariance_type='full', max_iter=20, tol=0, reg_covar=1e-6,
        weights_init=weights, means_init=means[:, None],
        precisions_init=(1 / variances)[:, None, None])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # tol=0 never "converges"
        gmm.fit(values[:, None])
    return gmm.predict_proba(values[:, None]), gmm.means_.ravel()


def sklearn_gamma(values):
    """Eq. 9 by scikit-learn from the same start: the posterior of the
    higher-mean component for each value."""
    values = np.asarray(values, dtype=np.float64)
    init = init_two_gaussians(torch.from_numpy(values)[None],
                              torch.ones(1, len(values), dtype=torch.bool))
    post, means = sklearn_posteriors(values, tuple(t[0] for t in init))
    return post[:, int(np.argmax(means))]


def test_gmm_matches_sklearn_on_the_same_start():
    g = torch.Generator().manual_seed(0)
    rows = []
    for low, high, n in ((0.1, 0.8, 30), (0.4, 0.6, 17), (-0.5, 0.9, 41)):
        k = n // 2
        rows.append(torch.cat([low + 0.1 * torch.randn(k, generator=g),
                               high + 0.05 * torch.randn(n - k,
                                                         generator=g)]))
    width = max(len(r) for r in rows)
    values = torch.zeros(len(rows), width)
    mask = torch.zeros(len(rows), width, dtype=torch.bool)
    for i, r in enumerate(rows):
        values[i, :len(r)], mask[i, :len(r)] = r, True
    resp, (_, means, _) = fit_two_gaussians(values, mask, num_iters=20)
    init = init_two_gaussians(values, mask)
    for i, r in enumerate(rows):
        expected, sk_means = sklearn_posteriors(
            r.double().numpy(), tuple(t[i] for t in init))
        got = resp[i, :len(r)].double().numpy()
        assert np.abs(got - expected).max() < 1e-4
        assert np.abs(means[i].numpy() - sk_means).max() < 1e-4
        assert torch.all(resp[i, len(r):] == 0)  # masked entries


def test_gmm_degenerate_rows_stay_finite():
    """Equal values (variance = reg_covar only), two values, an empty row:
    posteriors finite, summing to 1 over valid entries, 0 elsewhere."""
    values = torch.tensor([[0.5, 0.5, 0.5, 0.5], [0.2, 0.9, 0.0, 0.0],
                           [0.0, 0.0, 0.0, 0.0]])
    mask = torch.tensor([[True] * 4, [True, True, False, False],
                         [False] * 4])
    resp, params = fit_two_gaussians(values, mask)
    assert torch.isfinite(resp).all()
    assert all(torch.isfinite(p).all() for p in params)
    assert torch.allclose(resp.sum(-1), mask.float(), atol=1e-6)
    # two separated values: each is certain of its own component
    assert resp[1, 0, 0] > 0.99 and resp[1, 1, 1] > 0.99


# -------------------------------------------------------------------- ACL
def test_acl_loss_by_hand_for_both_branches():
    loss = MODELS.build(dict(type='AdaptiveContrastiveLoss', temperature=0.5))
    anchor = torch.tensor([[1.0, 0.0]])
    positive = torch.tensor([[2.0, 0.0]])  # normalised inside
    bank = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [5.0, 5.0]])
    valid = torch.tensor([True, True, True, False])  # last slot empty
    e = math.exp
    # reliable anchor: N+ = {f^p, bank[0]}, negatives M - N+
    reliable = torch.tensor([[True, True, False, False, False]])
    expected = -math.log((e(2) + e(2)) / (e(2) + e(2) + e(0) + e(-2)))
    assert loss(anchor, positive, bank, valid,
                reliable).item() == pytest.approx(expected, rel=1e-6)
    # unreliable anchor: only f^p against the whole bank
    own = torch.tensor([[True, False, False, False, False]])
    expected = -math.log(e(2) / (e(2) + e(2) + e(0) + e(-2)))
    assert loss(anchor, positive, bank, valid,
                own).item() == pytest.approx(expected, rel=1e-6)


def reliability_case():
    """Class 0's prototype is e0; the bank holds 6 class-0 features close
    to it, 6 class-0 features far from it and 4 of class 1."""
    g = torch.Generator().manual_seed(3)

    def at(cos, n):
        angle = torch.acos(torch.full((n, ), cos)) + 0.02 * torch.randn(
            n, generator=g)
        return torch.stack([angle.cos(), angle.sin(), torch.zeros(n)], 1)

    bank = torch.cat([at(0.97, 6), at(0.2, 6), at(0.9, 4)])
    labels = torch.tensor([0] * 12 + [1] * 4)
    prototypes = torch.tensor([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    return bank, labels, prototypes


def test_reliability_selects_positives_like_sklearn_gmm():
    bank, bank_labels, prototypes = reliability_case()
    loss = MODELS.build(dict(type='AdaptiveContrastiveLoss',
                             reliability_threshold=0.7))
    positives = torch.tensor([[0.97, 0.2431, 0.0],   # close: reliable
                              [0.2, 0.9798, 0.0],    # far: unreliable
                              [0.0, 0.0, 1.0],       # class 2: no prototype
                              [0.0, 0.0, 0.0]])      # class 1: set below
    positives[3] = bank[12]  # like its 4 class-1 neighbours
    labels = torch.tensor([0, 0, 2, 1])
    has_prototype = torch.tensor([True, True, False])
    mask, gamma, reliable = loss.select_positives(
        positives, labels, bank, bank_labels, prototypes, has_prototype)

    for i in (0, 1):  # reference: sklearn on the cosine values, same start
        values = torch.cat([positives[i:i + 1], bank[:12]]) @ prototypes[0]
        expected = sklearn_gamma(values.double().numpy())
        assert abs(gamma[i].item() - expected[0]) < 1e-4
        selected = expected > 0.7
        if i == 0:  # reliable: f^p and the reliable class-0 entries
            assert reliable[0] and selected[0]
            assert mask[0].tolist() == selected.tolist() + [False] * 4
            assert mask[0, 1:7].all() and not mask[0, 7:].any()
        else:  # unreliable: f^p alone
            assert not reliable[1] and not selected[0]
            assert mask[1].tolist() == [True] + [False] * 16
    # no prototype for the class -> gamma 0, f^p alone
    assert gamma[2] == 0 and not reliable[2]
    assert mask[2].tolist() == [True] + [False] * 16
    # 4 class-1 neighbours + f^p = 5 values >= min_gmm_samples: fitted
    values = F.normalize(torch.cat([positives[3:4], bank[12:]]),
                         dim=1) @ prototypes[1]
    expected = sklearn_gamma(values.double().numpy())
    assert abs(gamma[3].item() - expected[0]) < 1e-4
    assert bool(reliable[3]) == bool(expected[0] > 0.7)

    few = MODELS.build(dict(type='AdaptiveContrastiveLoss',
                            min_gmm_samples=6))
    _, gamma_few, _ = few.select_positives(positives, labels, bank,
                                           bank_labels, prototypes,
                                           has_prototype)
    assert gamma_few[3] == 0  # too few neighbours to fit two Gaussians

    ablation = MODELS.build(dict(type='AdaptiveContrastiveLoss',
                                 use_anchor_reliability=False))
    mask_ab, _, _ = ablation.select_positives(positives, labels, bank,
                                              bank_labels, prototypes,
                                              has_prototype)
    # the unreliable anchor keeps the reliable bank entries as positives
    assert mask_ab[1, 0] and mask_ab[1, 1:7].all()


# ------------------------------------------------------ MoCo and SimCLR
def test_moco_loss_by_hand():
    loss = MODELS.build(dict(type='MoCoInfoNCELoss', temperature=0.5))
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    bank = torch.tensor([[0.0, 1.0], [-1.0, 0.0], [9.0, 9.0]])
    valid = torch.tensor([True, True, False])
    e = math.exp
    c = 1 / math.sqrt(2)
    first = -math.log(e(2) / (e(2) + e(0) + e(-2)))
    second = -math.log(e(2 * c) / (e(2 * c) + e(2) + e(0)))
    assert loss(q, k, bank, valid).item() == pytest.approx(
        (first + second) / 2, rel=1e-6)


def nt_xent_by_hand(a, b, tau):
    z = unit_np(np.concatenate([a, b]))
    n = len(a)
    sims = z @ z.T / tau
    terms = []
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        others = np.array([sims[i, k] for k in range(2 * n) if k != i])
        terms.append(logsumexp_np(others) - sims[i, j])
    return float(np.mean(terms))


def test_simclr_loss_by_hand_and_on_two_processes():
    g = torch.Generator().manual_seed(5)
    a, b = torch.randn(4, 6, generator=g), torch.randn(4, 6, generator=g)
    whole_a, whole_b = a.clone().requires_grad_(), b.clone().requires_grad_()
    cfg = dict(type='SimCLRInfoNCELoss', temperature=0.2)
    expected = MODELS.build(cfg)(whole_a, whole_b)
    assert expected.item() == pytest.approx(
        nt_xent_by_hand(a.numpy(), b.numpy(), 0.2), rel=1e-5)
    expected.backward()
    ranks = run_two_processes(cfg, a, b)
    # DDP averages over ranks: the mean of the ranks' losses and gradients
    assert torch.stack([r['loss'] for r in ranks]).mean().item() == \
        pytest.approx(expected.item(), rel=1e-5)
    assert torch.allclose(torch.cat([r['grads'][0] for r in ranks]) / 2,
                          whole_a.grad, atol=1e-6)
    assert torch.allclose(torch.cat([r['grads'][1] for r in ranks]) / 2,
                          whole_b.grad, atol=1e-6)


# -------------------------------------------------------------------- MTL
def test_cross_scale_calibration_by_hand():
    # maps (C=2, 2 positions): query pooled, one weight per key position
    q = torch.tensor([[[1.0, 1.0], [0.0, 0.0]]])  # both positions e0
    k = torch.tensor([[[2.0, 0.0], [0.0, 3.0]]])  # e0 * 2, e1 * 3
    assert torch.allclose(cross_scale_calibration(q, k),
                          torch.tensor([[1.0, 0.0]]))
    # vector query (a class token) against 3 positions, one opposed to it:
    # cos 1, 0, -1 -> (1 * (2, 0) + 0 * (0, 1) - 1 * (-1, 0)) / 3
    q = torch.tensor([[1.0, 0.0]])
    k = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]]])
    assert torch.allclose(cross_scale_calibration(q, k),
                          torch.tensor([[1.0, 0.0]]))
    with pytest.raises(ValueError, match='positions'):
        cross_scale_calibration(q, torch.tensor([[2.0, 0.0]]))


def test_dino_cross_entropy_and_centre_by_hand():
    loss = MODELS.build(dict(type='DINOCrossEntropyLoss', out_channels=3))
    s = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    t = torch.tensor([[0.2, 0.1, 0.0], [0.0, 0.3, 0.1]])

    def by_hand(center):
        p_t = np.exp((t.numpy() - center) / 0.04)
        p_t /= p_t.sum(1, keepdims=True)
        log_p_s = s.numpy() / 0.1
        log_p_s = log_p_s - np.log(np.exp(log_p_s).sum(1, keepdims=True))
        return -(p_t * log_p_s).sum(1).mean()

    assert loss(s, t).item() == pytest.approx(by_hand(0.0), rel=1e-5)
    assert torch.equal(loss.center, torch.zeros(1, 3))  # staged only
    assert loss.commit()
    center = 0.1 * t.numpy().mean(0)
    assert np.allclose(loss.center.numpy()[0], center)
    assert loss(s, t).item() == pytest.approx(by_hand(center), rel=1e-5)
    loss.commit()
    loss.eval()  # no centre update outside training
    before = loss.center.clone()
    loss(s, t)
    assert not loss.has_staged and torch.equal(loss.center, before)


def test_dino_head_is_dinos_gelu_mlp_without_batch_norm():
    head = MODELS.build(dict(type='DINOProjectionHead', in_channels=6,
                             out_channels=10, bottleneck_channels=4,
                             hidden_channels=8))
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
                   for m in head.modules())
    linear = [m for m in head.mlp if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(6, 8),
                                                                 (8, 8),
                                                                 (8, 4)]
    assert all(torch.equal(m.bias, torch.zeros_like(m.bias)) for m in linear)
    x = torch.randn(5, 6)
    out = head(x)
    with torch.no_grad():  # Linear-GELU-Linear-GELU-Linear, L2, cosines
        h = x
        for i, m in enumerate(linear):
            h = h @ m.weight.t() + m.bias
            if i < 2:
                h = 0.5 * h * (1 + torch.erf(h / math.sqrt(2)))
        h = h / h.norm(dim=1, keepdim=True)
        w = head.last_layer / head.last_layer.norm(dim=1, keepdim=True)
        assert torch.allclose(out, h @ w.t(), atol=1e-6)
    # the output does not depend on the scale of the last layer's rows
    with torch.no_grad():
        head.last_layer.mul_(torch.rand(10, 1) + 0.5)
    assert torch.allclose(head(x), out, atol=1e-5)


# ------------------------------------------------------------- recognizer
def test_teacher_and_teacher_heads_get_no_gradient():
    """With a filled bank (ACL and L_u non-zero) every loss trains the
    student side only, and every student head parameter gets a gradient."""
    torch.manual_seed(0)
    model = acl_mtl(threshold=0.0, bank_size=64)
    model.train()
    inputs, samples = acl_mtl_batch()
    fill_state(model, inputs)
    losses = model.loss(inputs, samples)
    assert losses['loss_acl'] > 0 and losses['loss_mtl'] > 0
    assert losses['unsup_loss_cls'] > 0 and losses['acl_gamma'] > 0
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert all(p.grad is None for p in model.teacher_heads.parameters())
    for name in ('spatial', 'temporal'):
        for param in model.student_heads[name].parameters():
            assert param.grad is not None and param.grad.abs().sum() > 0
    assert model.student.backbone.conv1.conv.weight.grad.abs().sum() > 0


def test_acl_and_reliability_weighted_unsup_loss_by_hand():
    """Eq. 4-11 and L_u = mean(gamma * 1(conf >= delta) * CE) recomputed
    from clips forwarded one branch at a time, GMMs by scikit-learn."""
    torch.manual_seed(0)
    model = acl_mtl_vit()
    model.train()
    inputs, samples = acl_mtl_batch()
    # labeled clips of the pseudo-label classes (2, 3): Algorithm 1
    # updates their prototypes before the loss uses them
    samples['labeled'] = make_samples([2, 3])
    # wide, overlapping clusters and clips between them: gamma in (0, 1)
    pseudo, conf, f_p = fill_state(model, inputs, near=0.8, far=0.3,
                                   spread=0.12, anchor_cos=0.58)
    # delta between the 2nd and 3rd lowest confidences: two clips masked
    threshold = float(conf.sort().values[1:3].mean())
    model.semi_train_cfg.threshold = threshold
    with torch.no_grad():
        logits_s, pooled_s = recognizer_logits(model.student,
                                               inputs['strong'],
                                               return_feats=True)
        _, pooled_l = recognizer_logits(model.student, inputs['labeled'],
                                        return_feats=True)
        f_a = model.student_heads['spatial'](pooled_s)
        f_l = F.normalize(model.student_heads['spatial'](pooled_l), dim=1)
    # Eq. 5 (Algorithm 1, line 2: before the loss)
    labels_l = np.array([int(s.gt_label) for s in samples['labeled']])
    protos = model.prototypes.prototypes.double().numpy().copy()
    for c in np.unique(labels_l):
        protos[c] = 0.1 * f_l.double().numpy()[labels_l == c].mean(
            0) + 0.9 * protos[c]
    bank = model.bank.feats.double().numpy()
    bank_labels = model.bank.labels.numpy()
    f_a, f_p = unit_np(f_a.double().numpy()), f_p.double().numpy()
    gammas, terms = [], []
    for i, c in enumerate(pseudo.tolist()):
        members = np.concatenate([f_p[i:i + 1], bank[bank_labels == c]])
        gamma = sklearn_gamma(unit_np(members) @ unit_np(protos[c]))
        gammas.append(gamma[0])
        keys = unit_np(np.concatenate([f_p[i:i + 1],
                                       bank[bank_labels >= 0]]))
        positives = unit_np(members[gamma > 0.7] if gamma[0] > 0.7 else
                            f_p[i:i + 1])
        terms.append(logsumexp_np(keys @ f_a[i] / 0.07) -
                     logsumexp_np(positives @ f_a[i] / 0.07))
    gammas = np.array(gammas)
    mask = conf.numpy() >= threshold
    ce = -log_softmax_np(logits_s.double().numpy())[np.arange(4),
                                                    pseudo.numpy()]
    # the case is not degenerate: kept clips weighted by gamma in (0, 1)
    # (alpha = 1 would differ), a masked clip with gamma > 0 (the mask
    # matters), reliable and unreliable anchors (both ACL branches)
    assert ((gammas > 0.05) & (gammas < 0.95) & mask).sum() == 2
    assert ((gammas > 0.05) & ~mask).any()
    assert (gammas > 0.7).any() and (gammas <= 0.7).any()

    losses = model.loss(inputs, samples)
    assert losses['unsup_loss_cls'].item() == pytest.approx(
        np.mean(gammas * mask * ce), rel=1e-4)
    assert losses['loss_acl'].item() == pytest.approx(np.mean(terms),
                                                      rel=1e-4)
    assert losses['acl_gamma'].item() == pytest.approx(gammas.mean(),
                                                       rel=1e-4)
    assert losses['acl_reliable_ratio'].item() == pytest.approx(
        (gammas > 0.7).mean())

    # gamma = 0 without bank neighbours: L_u = 0 although every clip
    # passes delta = 0; alpha = 1 instead of gamma gives mean CE
    empty = acl_mtl_vit(threshold=0.0)
    empty.load_state_dict(model.state_dict())
    empty.bank.labels.fill_(-1)
    empty.train()
    assert empty.loss(inputs, samples)['unsup_loss_cls'] == 0
    fixed = acl_mtl_vit(threshold=0.0, reliability_weighting=False)
    fixed.load_state_dict(empty.state_dict())
    fixed.train()
    assert fixed.loss(inputs, samples)['unsup_loss_cls'].item() == \
        pytest.approx(ce.mean(), rel=1e-4)


def mtl_by_hand(model, inputs, tokens=True):
    """Eq. 12-18 from clips forwarded one at a time: query = the student's
    class token of the weak short clip, keys = the patch tokens after the
    teacher's final LayerNorm (``tokens=False``: its class token)."""
    def last_norm(backbone, x):
        out = []
        handle = backbone.norm.register_forward_hook(
            lambda _m, _i, o: out.append(o))
        backbone(x)
        handle.remove()
        return out[0]

    with torch.no_grad():
        q = model.student.backbone(inputs['weak'].flatten(0, 1))
        _, pooled_s = recognizer_logits(model.student, inputs['strong'],
                                        return_feats=True)
        total = 0
        for n, branch in enumerate(LONG):
            norm = last_norm(model.teacher.backbone,
                             inputs[branch].flatten(0, 1))
            keys = norm[:, 1:] if tokens else norm[:, :1]  # (N, L, C)
            attention = (F.normalize(keys, dim=2) @ F.normalize(
                q, dim=1)[:, :, None])  # (N, L, 1), Eq. 13
            calibrated = (attention * keys).mean(1)  # Eq. 14, pooled
            z_k = model.teacher_heads['temporal'][n](calibrated)
            z_q = model.student_heads['temporal'][n](pooled_s)
            center = model.mtl_losses[n].center
            p_k = ((z_k - center) / 0.04).softmax(1)
            log_p_q = torch.from_numpy(log_softmax_np(
                (z_q / 0.1).double().numpy())).float()
            total = total + (-(p_k * log_p_q).sum(1).mean())  # Eq. 17
    return float(total / len(LONG)), z_k  # Eq. 18


def test_mtl_loss_by_hand_on_timesformer_patch_tokens():
    torch.manual_seed(2)
    model = acl_mtl_vit(contrastive=None, reliability_weighting=False)
    model.train()
    g = torch.Generator().manual_seed(4)
    for loss in model.mtl_losses:  # a centre in use
        loss.center.copy_(0.1 * torch.randn(loss.center.shape, generator=g))
    inputs, samples = acl_mtl_batch()
    expected, z_k = mtl_by_hand(model, inputs)
    class_token, _ = mtl_by_hand(model, inputs, tokens=False)
    centre = model.mtl_losses[1].center.clone()
    losses = model.loss(inputs, samples)
    assert losses['loss_mtl'].item() == pytest.approx(expected, rel=1e-4)
    # a class-token key (one scalar A_n per clip) gives another loss
    assert abs(class_token - expected) > 1e-3 * abs(expected)
    # DINO centring, written by the hook: c <- 0.9 c + 0.1 mean(z_k)
    assert torch.equal(model.mtl_losses[1].center, centre)
    commit(model)
    assert torch.allclose(model.mtl_losses[1].center,
                          0.9 * centre + 0.1 * z_k.mean(0), atol=1e-6)


def test_key_map_layer_resolves_and_a_vector_key_is_refused():
    assert acl_mtl_vit()._key_layer == 'norm'
    assert acl_mtl()._key_layer is None  # 3D CNN: the map before pooling
    model = acl_mtl_vit(mtl_key_layer=None)
    model.train()
    with pytest.raises(ValueError, match='one scalar'):
        model.loss(*acl_mtl_batch())
    with pytest.raises(ValueError, match='no such sub-module'):
        acl_mtl_vit(mtl_key_layer='missing')


def saved_bytes(model, inputs, samples):
    """Bytes of the activations autograd keeps for the backward of a loss
    (tensors saved for it, parameters and their views left out)."""
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    total = [0]

    def pack(t):
        if t.untyped_storage().data_ptr() not in params:
            total[0] += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model.loss(inputs, samples)
    return total[0]


def test_weak_short_clip_without_gradient_keeps_loss_and_gradients():
    """The student's weak short clip only gives the MTL query: forwarded
    alone under no_grad (TimeSformer: no BatchNorm, so 'auto' does it), the
    losses and gradients are those of the joint pass, with fewer saved
    activations."""
    torch.manual_seed(3)
    alone = acl_mtl_vit(threshold=0.0)
    assert alone._weak_no_grad  # 'auto' without BatchNorm
    joint = acl_mtl_vit(threshold=0.0, student_weak_no_grad=False)
    joint.load_state_dict(alone.state_dict())
    for model in (alone, joint):
        model.train()
    inputs, samples = acl_mtl_batch()
    fill_state(alone, inputs)
    fill_state(joint, inputs)
    la, ga = loss_and_grads(alone, inputs, samples)
    lb, gb = loss_and_grads(joint, inputs, samples)
    assert la['loss_mtl'] > 0 and la['loss_acl'] > 0
    for key, value in la.items():
        assert torch.allclose(value, lb[key], rtol=1e-5, atol=1e-6), key
    assert ga.keys() == gb.keys()
    for name, grad in ga.items():  # up to float rounding (batch sizes)
        assert (grad - gb[name]).abs().max() <= 1e-5 * grad.abs().max(), \
            name
    for model in (alone, joint):
        discard_staged(model)
    # 4 of 10 student clips leave the graph
    assert saved_bytes(alone, inputs, samples) < 0.8 * saved_bytes(
        joint, inputs, samples)
    # BatchNorm: batch statistics would change, so 'auto' keeps it joint
    assert not acl_mtl()._weak_no_grad
    with pytest.raises(ValueError, match='simclr'):
        acl_mtl_vit(contrastive='simclr', reliability_weighting=False,
                    student_weak_no_grad=True)


def test_warmup_zeroes_the_unsupervised_losses_only():
    torch.manual_seed(4)
    model = acl_mtl_vit(threshold=0.0, warmup_iters=10)
    model.train()
    inputs, samples = acl_mtl_batch()
    fill_state(model, inputs)
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 9)
    warm = copy.deepcopy(model)
    lw, gw = loss_and_grads(warm, inputs, samples)
    hub.update_info('iter', 10)
    active = copy.deepcopy(model)
    la, _ = loss_and_grads(active, inputs, samples)
    _, g_sup = loss_and_grads(copy.deepcopy(model), inputs, samples,
                              key='sup_loss_cls')
    for key in ('unsup_loss_cls', 'loss_acl', 'loss_mtl'):
        assert la[key] > 0, key
        assert lw[key].item() == 0, key
    assert torch.equal(lw['sup_loss_cls'], la['sup_loss_cls'])
    for name, param in model.named_parameters():
        zero = torch.zeros_like(param)
        assert torch.equal(gw.get(name, zero), g_sup.get(name, zero)), name
    # the state is still updated during the warm-up
    assert warm.bank.has_staged and warm.prototypes.has_staged


def test_pseudo_labels_average_short_and_long_teacher_clips():
    """Eq. 19 (argmax of the mean of the short and long clips'
    probabilities, the confidence its max), also with L_MTL off (Table 2's
    baseline row: mtl_loss=None keeps the long clips' votes)."""
    inputs, samples = acl_mtl_batch()
    for cfg in (dict(), dict(mtl_loss=None, contrastive=None,
                             reliability_weighting=False)):
        torch.manual_seed(0)
        model = acl_mtl(threshold=0.0, bank_size=32, **cfg)
        model.train()
        with torch.no_grad():
            probs = [recognizer_logits(model.teacher, inputs[b]).softmax(1)
                     for b in ('weak', ) + LONG]
        mean = sum(probs) / 3
        truth = mean.argmax(1)
        short_only = probs[0].argmax(1)
        losses = model.loss(inputs, with_unlabeled_labels(
            samples, truth.tolist()))
        assert losses['unsup_pl_acc_all'] == 1
        staged = model.bank._staged['labels'] if not cfg else None
        discard_staged(model)
        if not (short_only == truth).all():  # the long clips changed a vote
            assert model.loss(inputs, with_unlabeled_labels(
                samples, short_only.tolist()))['unsup_pl_acc_all'] < 1
            discard_staged(model)
        if cfg:
            assert 'loss_mtl' not in losses and 'temporal' not in \
                model.student_heads
            assert not hasattr(model, 'bank')
        else:  # the bank receives the Eq. 19 labels
            assert staged.tolist() == truth.tolist()
    # confidence = max of the mean: delta just above the lowest one masks
    # that clip
    torch.manual_seed(0)
    model = acl_mtl(contrastive=None, reliability_weighting=False)
    model.train()
    with torch.no_grad():
        conf = (sum(recognizer_logits(model.teacher, inputs[b]).softmax(1)
                    for b in ('weak', ) + LONG) / 3).max(1).values
    model.semi_train_cfg.threshold = float(conf.min()) + 1e-6
    ratio = model.loss(inputs, samples)['unsup_mask_ratio'].item()
    assert ratio == pytest.approx(
        (conf >= model.semi_train_cfg.threshold).float().mean().item())
    assert ratio < 1


def test_unlabeled_ground_truth_changes_no_loss_or_gradient():
    """Unlabeled ground truth permuted, or made all right / all wrong:
    every loss and gradient identical; only the logged accuracy moves."""
    torch.manual_seed(5)
    model = acl_mtl(threshold=0.0, bank_size=64)
    model.train()
    inputs, samples = acl_mtl_batch()
    pseudo, _, _ = fill_state(model, inputs)
    variants = dict(
        right=pseudo.tolist(),
        wrong=((pseudo + 1) % NUM_CLASSES).tolist(),
        permuted=torch.tensor([int(s.gt_label) for s in samples['weak']
                               ]).roll(1).tolist())
    la, ga = loss_and_grads(copy.deepcopy(model), inputs, samples)
    assert la['loss_acl'] > 0 and la['unsup_loss_cls'] > 0
    logged = {}
    for name, labels in variants.items():
        lb, gb = loss_and_grads(copy.deepcopy(model), inputs,
                                with_unlabeled_labels(samples, labels))
        for key, value in la.items():
            if 'loss' in key:
                assert torch.equal(value, lb[key]), (name, key)
        assert ga.keys() == gb.keys()
        for key, grad in ga.items():
            assert torch.equal(grad, gb[key]), (name, key)
        logged[name] = lb['unsup_pl_acc_all'].item()
    assert logged['right'] == 1 and logged['wrong'] == 0


def test_moco_and_simclr_switches_by_hand():
    """Table 3's variants at the recognizer level: MoCo = the anchor's
    f^p against the bank; SimCLR = NT-Xent of the student's strong and
    weak short clips; both with ACL's tau, alpha for L_u."""
    inputs, samples = acl_mtl_batch()
    torch.manual_seed(6)
    moco = acl_mtl_vit(contrastive='moco', reliability_weighting=False,
                       threshold=0.0)
    moco.train()
    assert not hasattr(moco, 'prototypes')
    g = torch.Generator().manual_seed(1)
    moco.bank.enqueue(torch.randn(40, 16, generator=g),
                      torch.randint(NUM_CLASSES, (40, ), generator=g))
    pseudo, _, f_p = teacher_views(moco, inputs)
    with torch.no_grad():
        _, pooled_s = recognizer_logits(moco.student, inputs['strong'],
                                        return_feats=True)
        f_a = unit_np(moco.student_heads['spatial'](pooled_s).numpy())
    keys = unit_np(moco.bank.feats.numpy()[:40])
    expected = np.mean([
        logsumexp_np(np.concatenate([[f_a[i] @ f_p[i].numpy()],
                                     keys @ f_a[i]]) / 0.07) -
        f_a[i] @ f_p[i].numpy() / 0.07 for i in range(4)
    ])
    losses = moco.loss(inputs, samples)
    assert 'loss_acl' not in losses
    assert losses['loss_moco'].item() == pytest.approx(expected, rel=1e-4)
    assert losses['moco_bank_fill'].item() == pytest.approx(40 / 64)
    assert moco.bank._staged['labels'].tolist() == pseudo.tolist()

    torch.manual_seed(7)
    simclr = acl_mtl_vit(contrastive='simclr', reliability_weighting=False)
    simclr.train()
    assert not hasattr(simclr, 'bank') and not simclr._weak_no_grad
    with torch.no_grad():
        views = [
            simclr.student_heads['spatial'](recognizer_logits(
                simclr.student, inputs[b], return_feats=True)[1]).numpy()
            for b in ('strong', 'weak')
        ]
    losses, grads = loss_and_grads(simclr, inputs, samples,
                                   key='loss_simclr')
    assert losses['loss_simclr'].item() == pytest.approx(
        nt_xent_by_hand(*views, 0.07), rel=1e-4)
    assert grads['student.backbone.patch_embed.projection.weight'].abs(
    ).sum() > 0
    with pytest.raises(ValueError, match='reliability_weighting'):
        acl_mtl_vit(contrastive='moco')
    with pytest.raises(ValueError, match='contrastive=None'):
        acl_mtl(acl_loss=None)
    with pytest.raises(ValueError, match='contrastive must be'):
        acl_mtl(contrastive='byol')


def test_ablation_switches_remove_losses_and_state():
    inputs, samples = acl_mtl_batch()
    base = acl_mtl(contrastive=None, reliability_weighting=False,
                   long_branches=())
    base.train()
    losses = base.loss(inputs, samples)
    assert 'loss_acl' not in losses and 'loss_mtl' not in losses
    assert not hasattr(base, 'bank') and len(base.student_heads) == 0
    assert MemoryBankUpdateHook.update(base) == 0
    no_mtl = acl_mtl(long_branches=())
    assert 'loss_mtl' not in no_mtl.loss(inputs, samples)
    no_acl = acl_mtl(contrastive=None, reliability_weighting=False)
    assert 'loss_acl' not in no_acl.loss(inputs, samples)
    with pytest.raises(ValueError, match='reliability_weighting'):
        acl_mtl(contrastive=None)


def test_state_lives_in_the_state_dict_and_ema_covers_the_heads():
    model = acl_mtl()
    keys = model.state_dict().keys()
    for key in ('bank.feats', 'bank.labels', 'bank.ptr',
                'prototypes.prototypes', 'prototypes.initialized',
                'mtl_losses.0.center', 'mtl_losses.1.center'):
        assert key in keys
    hook = EMATeacherHook(momentum=0.9)
    student = model.student_heads['spatial'].mlp[0].weight
    teacher = model.teacher_heads['spatial'].mlp[0].weight
    with torch.no_grad():
        student.add_(1.0)
    before = teacher.clone()
    hook.update_pairs(model, 0.9)
    assert torch.allclose(teacher, 0.9 * before + 0.1 * student)


def train_step(model, step, hook, optimizer, ema=EMATeacherHook(0.9)):
    """Loss, backward, optimizer step, then the hooks (as the runner)."""
    inputs, samples = acl_mtl_batch(seed=step)
    optimizer.zero_grad()
    losses = model.loss(inputs, samples)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    optimizer.step()
    runner = SimpleNamespace(model=model, iter=step)
    hook.after_train_iter(runner, step)
    ema.after_train_iter(runner, step)
    return losses


def test_bank_update_waits_for_the_hook_and_is_refused_without_it():
    torch.manual_seed(8)
    model = acl_mtl(threshold=0.0, bank_size=8)
    model.train()
    inputs, samples = acl_mtl_batch()
    model.loss(inputs, samples)
    assert model.bank.fill == 0  # written after the optimizer step
    with pytest.raises(RuntimeError, match='MemoryBankUpdateHook'):
        model.loss(inputs, samples)
    discard_staged(model)
    model.loss(inputs, samples)
    assert commit(model) == 4  # bank, prototypes, 2 centres
    assert model.bank.fill == 0.5 and model.prototypes.initialized.any()


def test_save_load_round_trip_with_a_full_bank_gives_the_same_next_step():
    torch.manual_seed(9)
    hook = MemoryBankUpdateHook()
    a = acl_mtl(threshold=0.0, bank_size=8)
    a.train()
    optimizer = torch.optim.SGD(
        [p for p in a.parameters() if p.requires_grad], lr=0.05)
    for step in range(3):  # 12 entries through 8 slots: full, wrapped
        train_step(a, step, hook, optimizer)
    assert a.bank.fill == 1 and int(a.bank.ptr) == 4
    buffer = io.BytesIO()
    torch.save(a.state_dict(), buffer)
    torch.manual_seed(10)
    b = acl_mtl(threshold=0.0, bank_size=8)
    b.train()
    buffer.seek(0)
    b.load_state_dict(torch.load(buffer))
    inputs, samples = acl_mtl_batch(seed=3)
    lost = copy.deepcopy(b)  # the same weights, the bank lost
    lost.bank.labels.fill_(-1)
    la, ga = loss_and_grads(a, inputs, samples)
    lb, gb = loss_and_grads(b, inputs, samples)
    assert la['loss_acl'] > 0
    for key, value in la.items():
        assert torch.equal(value, lb[key]), key
    assert ga.keys() == gb.keys()
    for key, grad in ga.items():
        assert torch.equal(grad, gb[key]), key
    assert not torch.equal(
        loss_and_grads(lost, inputs, samples)[0]['loss_acl'], la['loss_acl'])
    hook.after_train_iter(SimpleNamespace(model=a, iter=3), 3)
    hook.after_train_iter(SimpleNamespace(model=b, iter=3), 3)
    sa, sb = a.state_dict(), b.state_dict()
    for key in ('bank.feats', 'bank.labels', 'bank.ptr',
                'prototypes.prototypes', 'mtl_losses.0.center'):
        assert torch.equal(sa[key], sb[key]), key


# ------------------------------------------------------------ 2 processes
def _bank_worker(rank, world_size, init_file, out):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    import mmsemi_action  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    MessageHub.get_current_instance().update_info('iter', 100)
    torch.manual_seed(0)  # the same initial weights on both ranks
    model = acl_mtl(bank_size=32)
    model.train()
    hook = MemoryBankUpdateHook()
    staged, before = [], []
    for step in range(2):  # different clips on each rank
        inputs, samples = acl_mtl_batch(seed=10 * step + rank)
        model.loss(inputs, samples)
        staged.append(dict(
            feats=model.bank._staged['feats'].clone(),
            centre=model.mtl_losses[0]._staged['teacher_out'].clone()))
        before.append(int((model.bank.labels >= 0).sum()))
        hook.after_train_iter(SimpleNamespace(model=model, iter=step), step)
    state = {k: v for k, v in model.state_dict().items()
             if k.startswith(('bank.', 'prototypes.', 'mtl_losses.'))}
    torch.save(dict(state=state, staged=staged, before=before),
               f'{out}.{rank}')
    dist.destroy_process_group()


def test_two_processes_keep_identical_state_through_the_hook():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'state')
        mp.spawn(_bank_worker, args=(2, os.path.join(tmp, 'init'), out),
                 nprocs=2, join=True)
        ranks = [torch.load(f'{out}.{r}') for r in range(2)]
    states = [r['state'] for r in ranks]
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key
    # nothing written by the forward; the hook gathers 2 ranks x 4 clips
    assert ranks[0]['before'] == [0, 8] and ranks[1]['before'] == [0, 8]
    feats = states[0]['bank.feats']
    for step in range(2):
        for rank in range(2):
            start = 8 * step + 4 * rank  # in rank order
            assert torch.equal(feats[start:start + 4],
                               ranks[rank]['staged'][step]['feats'])
    assert int(states[0]['bank.ptr']) == 16
    assert states[0]['prototypes.initialized'].any()
    # centre: c <- 0.9 c + 0.1 mean over both ranks' batches, twice
    means = [torch.cat([r['staged'][s]['centre'] for r in ranks]).mean(0)
             for s in range(2)]
    expected = 0.9 * (0.1 * means[0]) + 0.1 * means[1]
    assert torch.allclose(states[0]['mtl_losses.0.center'][0], expected,
                          atol=1e-6)


# ----------------------------------------------------------------- runner
def test_training_loop_registers_the_hook_when_a_config_lacks_it(
        tiny_coarse, tmp_path):
    cfg = tiny_cfg(SYNTHETIC, tiny_coarse, tmp_path / 'auto',
                   custom_hooks=[dict(type='EMATeacherHook', momentum=0.99)])
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    runner = Runner.from_cfg(cfg)
    assert 'MemoryBankUpdateHook' not in [type(h).__name__
                                          for h in runner.hooks]
    runner.train_loop  # noqa: B018  (builds the loop)
    names = [type(h).__name__ for h in runner.hooks]
    assert 'MemoryBankUpdateHook' in names
    # before CheckpointHook saves
    assert names.index('MemoryBankUpdateHook') < names.index(
        'CheckpointHook')


# ---------------------------------------------------------------- configs
PAPER = sorted(
    os.path.join(CONFIGS, name) for name in os.listdir(CONFIGS)
    if 'timesformer' in name)


def types(pipeline):
    return [t['type'] for t in pipeline]


def branching(pipeline):
    """The steps before MultiBranch and its branch pipelines."""
    index = types(pipeline).index('MultiBranch')
    branches = {k: v for k, v in pipeline[index].items()
                if k not in ('type', 'branch_field')}
    return pipeline[:index], branches


PACK = ['FormatShape', 'PackActionInputs']
COLOUR = ['TorchVisionWrapper', 'TorchVisionWrapper']


@pytest.mark.parametrize('path', PAPER, ids=os.path.basename)
def test_paper_configs_views_optimizer_and_hooks(path):
    cfg = Config.fromfile(path)
    data = cfg.train_dataloader.dataset
    weak = [dict(type='RandomRescale', scale_range=(256, 320)),
            dict(type='RandomCrop', size=224)]
    before, branches = branching(data.labeled.pipeline)
    assert before[-2:] == weak and list(branches) == ['labeled']
    assert types(branches['labeled']) == PACK
    before, branches = branching(data.unlabeled.pipeline)
    # one decode, the weak crop once, before branching
    assert types(before) == ['DecordInit', 'SampleMultiViewFrames',
                             'DecordDecode', 'RandomRescale', 'RandomCrop']
    assert before[-2:] == weak
    assert types(branches['weak']) == ['SelectViewFrames'] + PACK
    assert branches['weak'][0]['view'] == 'short'
    # strong = the same crop + grayscale + colour jitter
    assert types(branches['strong']) == ['SelectViewFrames'] + COLOUR + PACK
    assert branches['strong'][0]['view'] == 'short'
    assert [t['op'] for t in branches['strong'][1:3]] == [
        'RandomGrayscale', 'ColorJitter']
    for name in cfg.model.semi_train_cfg.long_branches:
        assert types(branches[name]) == ['SelectViewFrames'] + PACK
    views = before[1]['views']
    assert [views[v]['frame_interval'] for v in views] == [8, 16, 32]
    # optimizer "follows TimeSformer"
    optim = cfg.optim_wrapper
    assert optim.optimizer == dict(type='SGD', lr=0.005, momentum=0.9,
                                   weight_decay=1e-3, nesterov=True)
    assert optim.paramwise_cfg.custom_keys == {
        f'.backbone.{k}': dict(decay_mult=0.0)
        for k in ('cls_token', 'pos_embed', 'time_embed')
    }
    assert optim.clip_grad == dict(max_norm=40, norm_type=2)
    # "divide it by 10 at the 25-th epoch and the 28-th epoch" of 30, in
    # epochs of the run's own data and GPUs (converted by the loop)
    assert (cfg.train_cfg.type, cfg.train_cfg.max_epochs) == (
        'SemiIterBasedTrainLoop', 30)
    assert 'max_iters' not in cfg.train_cfg
    (step, ) = cfg.param_scheduler
    assert (step.type, step.by_epoch, step.milestones, step.gamma) == (
        'MultiStepLR', True, [25, 28], 0.1)
    hooks = [h.type for h in cfg.custom_hooks]
    assert 'MemoryBankUpdateHook' in hooks and 'EMATeacherHook' in hooks
    assert cfg.model.recognizer.backbone.type == 'TimeSformer'
    # DINO's head widths (hidden 2048, bottleneck 256; 1024-d output)
    head = cfg.model.semi_train_cfg.temporal_projection
    assert (head.type, head.hidden_channels, head.bottleneck_channels,
            head.out_channels) == ('DINOProjectionHead', 2048, 256, 1024)


def test_paper_optimizer_reaches_the_students_parameters():
    cfg = Config.fromfile(UCF101)
    model = acl_mtl_vit()
    runner = SimpleNamespace(optim_wrapper=copy.deepcopy(cfg.optim_wrapper))
    route_optim_wrapper(runner)
    wrapper = build_optim_wrapper(model, runner.optim_wrapper)
    groups = {id(p): g for g in wrapper.optimizer.param_groups
              for p in g['params']}
    backbone = model.student.backbone
    for param in (backbone.cls_token, backbone.pos_embed,
                  backbone.time_embed):
        assert groups[id(param)]['weight_decay'] == 0
    assert groups[id(model.student.cls_head.fc_cls.weight)][
        'weight_decay'] == 1e-3
    assert all(g['nesterov'] for g in wrapper.optimizer.param_groups)
    assert not any(id(p) in groups for p in model.teacher.parameters())
    assert wrapper.clip_grad_kwargs == dict(max_norm=40, norm_type=2)


@pytest.fixture(scope='module')
def still_video(tmp_path_factory):
    """40 identical frames of random texture: equal crops of any frames
    are equal."""
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    path = str(tmp_path_factory.mktemp('still') / 'still.mp4')
    write_mp4(path, np.repeat(frame[None], 40, 0))
    return path


@pytest.mark.parametrize('path', [UCF101, SYNTHETIC], ids=['ucf101',
                                                           'synthetic'])
@pytest.mark.parametrize('seed', range(2))
def test_weak_strong_and_long_views_share_one_crop(still_video, path, seed):
    """With the colour steps removed, the strong view is the weak view
    pixel for pixel and the long clips show the same crop."""
    cfg = Config.fromfile(path)
    pipeline = copy.deepcopy(cfg.train_dataloader.dataset.unlabeled.pipeline)
    _, branches = branching(pipeline)
    size = 224 if path == UCF101 else 56
    info = dict(filename=still_video, start_index=0, modality='RGB',
                label=-1)
    np.random.seed(seed)
    packed = Compose(copy.deepcopy(pipeline))(dict(info))
    assert tuple(packed['inputs']['strong'].shape) == (1, 3, 8, size, size)
    multi_branch = pipeline[types(pipeline).index('MultiBranch')]
    multi_branch['strong'] = [t for t in branches['strong']
                              if t['type'] != 'TorchVisionWrapper']
    np.random.seed(seed)
    packed = Compose(pipeline)(dict(info))
    weak = packed['inputs']['weak'].float()
    assert torch.equal(packed['inputs']['strong'].float(), weak)
    for name in cfg.model.semi_train_cfg.long_branches:
        assert (packed['inputs'][name].float() - weak).abs().mean() < 2
    # another draw crops elsewhere (the test can tell crops apart)
    np.random.seed(seed + 10)
    other = Compose(pipeline)(dict(info))['inputs']['weak'].float()
    assert (other - weak).abs().mean() > 10


@pytest.mark.parametrize('variant, switches', [
    ('acl-mtl-moco_timesformer-vit-b_8xb6-30e_ucf101-1percent',
     dict(contrastive='moco', reliability_weighting=False)),
    ('acl-mtl-simclr_timesformer-vit-b_8xb6-30e_ucf101-1percent',
     dict(contrastive='simclr', reliability_weighting=False)),
    ('acl-mtl-base-eq19_timesformer-vit-b_8xb6-30e_ucf101-1percent',
     dict(contrastive=None, reliability_weighting=False, mtl_loss=None)),
    ('acl-mtl-base-eq19_timesformer-vit-b_8xb6-30e_hmdb51-40percent',
     dict(contrastive=None, reliability_weighting=False, mtl_loss=None)),
    ('acl-mtl-base-eq19_r3d18-tiny_1xb16-2k-iter_synthetic-coarse',
     dict(contrastive=None, reliability_weighting=False, mtl_loss=None)),
])
def test_ablation_configs_are_the_full_method_with_their_switches(
        variant, switches):
    """Table 3's SimCLR / MoCo rows and Table 2's Eq. 19 base row: the
    resolved config is the full method's of the same setting with exactly
    these ``semi_train_cfg`` switches changed, and the recognizer accepts
    them."""
    import re

    from mmengine.config import Config

    from mmsemi_action.models.recognizers.acl_mtl import CONTRASTIVE
    path = f'{REPO}/configs/acl_mtl/{variant}.py'
    (base, ) = re.findall(r"_base_ = '\./(.+\.py)'", open(path).read())
    assert base.startswith('acl-mtl_')  # the full method's config
    cfg = Config.fromfile(path)
    full = Config.fromfile(f'{REPO}/configs/acl_mtl/{base}')
    variant_dict, full_dict = cfg.to_dict(), full.to_dict()
    semi, full_semi = (d['model'].pop('semi_train_cfg')
                       for d in (variant_dict, full_dict))
    assert variant_dict == full_dict
    changed = {k: semi[k] for k in set(semi) | set(full_semi)
               if semi.get(k) != full_semi.get(k)}
    assert changed == switches
    assert semi['contrastive'] in CONTRASTIVE + (None, )
