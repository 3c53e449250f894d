"""ACL + MTL: prototypes, memory bank, GMM against scikit-learn, the ACL
and DINO losses by hand, the recognizer's invariants, and banks kept
identical across 2 gloo processes."""
import copy
import math
import os
import tempfile
import warnings

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.logging import MessageHub
from sklearn.mixture import GaussianMixture

from _models import NUM_CLASSES, batch, tiny_recognizer
from mmsemi_action.engine.hooks import EMATeacherHook
from mmsemi_action.models import ClassPrototypes, MemoryBank
from mmsemi_action.models.gaussian_mixture import (fit_two_gaussians,
                                                   init_two_gaussians)
from mmsemi_action.models.recognizers import cross_scale_calibration
from mmsemi_action.models.utils import recognizer_logits

LONG = ('long_0', 'long_1')


@pytest.fixture(autouse=True)
def _iteration():
    MessageHub.get_current_instance().update_info('iter', 100)


def acl_mtl(**semi_train_cfg):
    cfg = dict(bank_size=32, long_branches=LONG)
    cfg.update(semi_train_cfg)
    return MODELS.build(
        dict(type='ACLMTLRecognizer', recognizer=tiny_recognizer(),
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
    protos.update(torch.tensor([[1.0, 0.0]]), torch.tensor([0]))
    # X_t = (1 - beta) f + beta X_{t-1}
    expected = 0.1 * torch.tensor([1.0, 0.0]) + 0.9 * torch.tensor([0.6, 0.8])
    assert torch.allclose(protos.prototypes[0], expected)
    assert torch.allclose(protos.prototypes[1], torch.tensor([0.0, 1.0]))


def test_bank_is_fifo_with_labels():
    bank = MemoryBank(size=4, dim=2)
    assert bank.fill == 0 and not bank.valid.any()
    bank.enqueue(torch.tensor([[1.0, 0], [2, 0], [3, 0]]),
                 torch.tensor([7, 8, 9]))
    assert bank.fill == 0.75 and int(bank.ptr) == 3
    bank.enqueue(torch.tensor([[4.0, 0], [5, 0]]), torch.tensor([1, 2]))
    # the oldest entry (1) was overwritten, the pointer wrapped
    assert bank.feats[:, 0].tolist() == [5, 2, 3, 4]
    assert bank.labels.tolist() == [2, 8, 9, 1]
    assert int(bank.ptr) == 1 and bank.fill == 1.0
    bank.enqueue(torch.arange(12.0).view(6, 2), torch.arange(6))
    assert sorted(bank.labels.tolist()) == [2, 3, 4, 5]  # newest 4 kept
    for key in ('feats', 'labels', 'ptr'):
        assert key in bank.state_dict()


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
        values = values.double()
        init = init_two_gaussians(values[None], torch.ones(1, 13,
                                                           dtype=torch.bool))
        post, sk_means = sklearn_posteriors(values.numpy(),
                                            tuple(t[0] for t in init))
        expected = post[:, int(np.argmax(sk_means))]
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
    assert 0 < gamma[3] <= 1

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


# -------------------------------------------------------------------- MTL
def test_cross_scale_calibration_by_hand():
    # vectors (TimeSformer): cos(q, k) k
    q, k = torch.tensor([[1.0, 1.0]]), torch.tensor([[2.0, 0.0]])
    assert torch.allclose(cross_scale_calibration(q, k),
                          math.cos(math.pi / 4) * k)
    # maps (C=2, 2 positions): query pooled, one weight per key position
    q = torch.tensor([[[1.0, 1.0], [0.0, 0.0]]])  # both positions e0
    k = torch.tensor([[[2.0, 0.0], [0.0, 3.0]]])  # e0 * 2, e1 * 3
    assert torch.allclose(cross_scale_calibration(q, k),
                          torch.tensor([[1.0, 0.0]]))


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
    center = 0.1 * t.numpy().mean(0)
    assert np.allclose(loss.center.numpy()[0], center)
    assert loss(s, t).item() == pytest.approx(by_hand(center), rel=1e-5)
    loss.eval()  # no centre update outside training
    before = loss.center.clone()
    loss(s, t)
    assert torch.equal(loss.center, before)


# ------------------------------------------------------------- recognizer
def test_teacher_and_teacher_heads_get_no_gradient():
    model = acl_mtl()
    model.train()
    assert not model.teacher.training and not model.teacher_heads.training
    inputs, samples = acl_mtl_batch()
    losses = model.loss(inputs, samples)
    for key in ('sup_loss_cls', 'unsup_loss_cls', 'loss_acl', 'loss_mtl'):
        assert key in losses
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert all(p.grad is None for p in model.teacher_heads.parameters())
    for name in ('spatial', 'temporal'):
        assert all(p.grad is not None
                   for p in model.student_heads[name].parameters())
    for key in ('acl_gamma', 'acl_reliable_ratio', 'acl_bank_fill',
                'unsup_mask_ratio', 'unsup_pl_acc_all'):
        assert key in losses


def test_pseudo_labels_average_short_and_long_teacher_clips():
    """Eq. 19, and the unlabeled ground truth changes no loss."""
    model = acl_mtl(threshold=0.0, reliability_weighting=False)
    model.train()
    inputs, samples = acl_mtl_batch()
    with torch.no_grad():
        probs = sum(recognizer_logits(model.teacher, inputs[b]).softmax(1)
                    for b in ('weak', ) + LONG) / 3
    expected = probs.argmax(1)
    fresh = copy.deepcopy(model)
    losses = model.loss(inputs, samples)
    # the bank now holds this batch's pseudo-labels
    assert model.bank.labels[:4].tolist() == expected.tolist()
    _, other = acl_mtl_batch(unlabeled_labels=expected.tolist())
    other['labeled'] = samples['labeled']
    losses_other = fresh.loss(inputs, other)
    for key, value in losses.items():
        if 'loss' in key:
            assert torch.equal(value, losses_other[key]), key
    # only the logged accuracy sees the ground truth
    truth = torch.arange(4) % NUM_CLASSES
    assert losses['unsup_pl_acc_all'].item() == pytest.approx(
        (expected == truth).float().mean().item())
    assert losses_other['unsup_pl_acc_all'] == 1


def test_reliability_replaces_the_fixed_weight():
    """An empty bank gives no neighbours: gamma = 0, so L_u = 0 although
    every clip passes delta = 0; with alpha it is not."""
    inputs, samples = acl_mtl_batch()
    weighted = acl_mtl(threshold=0.0)
    weighted.train()
    losses = weighted.loss(inputs, samples)
    assert losses['unsup_mask_ratio'] == 1
    assert losses['unsup_loss_cls'] == 0 and losses['acl_gamma'] == 0
    fixed = acl_mtl(threshold=0.0, reliability_weighting=False)
    fixed.load_state_dict(weighted.state_dict())
    fixed.bank.labels.fill_(-1)
    fixed.bank.ptr.zero_()
    assert fixed.loss(inputs, samples)['unsup_loss_cls'] > 0


def test_ablation_switches_remove_losses_and_state():
    inputs, samples = acl_mtl_batch()
    base = acl_mtl(acl_loss=None, reliability_weighting=False,
                   long_branches=())
    base.train()
    losses = base.loss(inputs, samples)
    assert 'loss_acl' not in losses and 'loss_mtl' not in losses
    assert not hasattr(base, 'bank') and len(base.student_heads) == 0
    no_mtl = acl_mtl(long_branches=())
    assert 'loss_mtl' not in no_mtl.loss(inputs, samples)
    no_acl = acl_mtl(acl_loss=None, reliability_weighting=False)
    assert 'loss_acl' not in no_acl.loss(inputs, samples)
    with pytest.raises(ValueError, match='reliability_weighting'):
        acl_mtl(acl_loss=None)


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


# ------------------------------------------------------------ 2 processes
def _bank_worker(rank, world_size, init_file, out):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    import mmsemi_action  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    torch.manual_seed(0)  # the same initial weights on both ranks
    model = acl_mtl(bank_size=32)
    model.train()
    for step in range(2):  # different clips on each rank
        inputs, samples = acl_mtl_batch(seed=10 * step + rank)
        model.loss(inputs, samples)
    state = {k: v for k, v in model.state_dict().items()
             if k.startswith(('bank.', 'prototypes.', 'mtl_losses.'))}
    torch.save(state, f'{out}.{rank}')
    dist.destroy_process_group()


def test_two_processes_keep_identical_banks_prototypes_and_centres():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'state')
        mp.spawn(_bank_worker, args=(2, os.path.join(tmp, 'init'), out),
                 nprocs=2, join=True)
        states = [torch.load(f'{out}.{r}') for r in range(2)]
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key
    # 2 steps x 2 ranks x 4 unlabeled clips, gathered in rank order
    assert int((states[0]['bank.labels'] >= 0).sum()) == 16
    assert int(states[0]['bank.ptr']) == 16
    feats = states[0]['bank.feats']
    assert not torch.equal(feats[:4], feats[4:8])  # rank 0 vs rank 1 clips
    assert states[0]['prototypes.initialized'].any()


def test_transformer_recognizer_with_vector_features():
    """TimeSformer features are one vector per clip: the calibration map
    has one position and every loss still trains the student only."""
    recognizer = dict(
        type='Recognizer3D',
        backbone=dict(type='TimeSformer', num_frames=4, img_size=16,
                      patch_size=8, embed_dims=32, num_heads=2,
                      num_transformer_layers=1,
                      attention_type='divided_space_time'),
        cls_head=dict(type='TimeSformerHead', num_classes=NUM_CLASSES,
                      in_channels=32),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW'))
    model = MODELS.build(
        dict(type='ACLMTLRecognizer', recognizer=recognizer,
             semi_train_cfg=dict(bank_size=8, long_branches=LONG)))
    model.train()
    inputs, samples = acl_mtl_batch()
    losses = model.loss(inputs, samples)
    assert losses['loss_mtl'] > 0 and losses['loss_acl'] >= 0
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.student.backbone.patch_embed.projection.weight.grad \
        is not None


def test_dino_head_outputs_cosines_to_unit_directions():
    head = MODELS.build(dict(type='DINOProjectionHead', in_channels=6,
                             out_channels=10, bottleneck_channels=4))
    head.eval()
    x = torch.randn(5, 6)
    out = head(x)
    bottleneck = F.normalize(head.mlp(x), dim=1)
    directions = F.normalize(head.last_layer, dim=1)
    assert torch.allclose(out, bottleneck @ directions.t(), atol=1e-6)
    assert out.abs().max() <= 1 + 1e-6
    # the output does not depend on the scale of the last layer's rows
    with torch.no_grad():
        head.last_layer.mul_(torch.rand(10, 1) + 0.5)
    assert torch.allclose(head(x), out, atol=1e-5)
