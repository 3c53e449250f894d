"""LTG: alignment and contrastive losses, fused pseudo-labels, gradients,
and the cross-rank contrastive loss."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.logging import MessageHub

from _dist import run_two_processes
from _models import batch, tiny_recognizer
from mmsemi_action.models.utils import recognizer_logits


@pytest.fixture(autouse=True)
def _iteration():
    MessageHub.get_current_instance().update_info('iter', 100)


def ltg(**semi_train_cfg):
    return MODELS.build(
        dict(type='LTGRecognizer', primary=tiny_recognizer(),
             auxiliary=tiny_recognizer(), semi_train_cfg=semi_train_cfg))


def ltg_batch(num_labeled=2, num_unlabeled=4, seed=0):
    inputs, data_samples = batch(num_labeled, num_unlabeled, seed)
    g = torch.Generator().manual_seed(seed + 7)
    for branch in ('labeled', 'weak', 'strong'):
        inputs[branch + '_tg'] = torch.randn(inputs[branch].shape,
                                             generator=g)
        data_samples[branch + '_tg'] = data_samples[branch]
    return inputs, data_samples


# ---------------------------------------------------------------- losses
def alignment_pair():
    """One clip, C = 2 channels at T x H x W = 1 x 1 x 2 positions:
    position 0 holds (1, 0) and (0, 1), position 1 holds (0, 2) and
    (0, 4)."""
    a = torch.zeros(1, 2, 1, 1, 2)
    b = torch.zeros(1, 2, 1, 1, 2)
    a[0, :, 0, 0, 0] = torch.tensor([1.0, 0.0])
    b[0, :, 0, 0, 0] = torch.tensor([0.0, 1.0])
    a[0, :, 0, 0, 1] = torch.tensor([0.0, 2.0])
    b[0, :, 0, 0, 1] = torch.tensor([0.0, 4.0])
    return a, b


def test_alignment_distances_against_hand_computation():
    a, b = alignment_pair()
    # dense cosine: position 0 orthogonal (1 - 0), position 1 parallel
    # (1 - 1): mean 0.5; the whole block as one vector: a = (1, 0, 0, 2),
    # b = (0, 0, 1, 4) in (C, W) order, cosine 8 / (sqrt(5) sqrt(17))
    # differences (1, -1) and (0, -2): L1 = 4 / 4, L2 = 6 / 4
    cases = ((dict(distance='cosine'), 0.5),
             (dict(distance='cosine', dense=False),
              1 - 8 / (math.sqrt(5) * math.sqrt(17))),
             (dict(distance='l1'), 1.0), (dict(distance='l2'), 1.5))
    for options, expected in cases:
        loss = MODELS.build(dict(type='FeatureAlignmentLoss',
                                 loss_weight=2.0, **options))
        # two blocks: the sum of their distances
        assert loss([a, a], [b, b]).item() == pytest.approx(4 * expected)


@pytest.mark.parametrize('stop_gradient', [True, False])
def test_alignment_stop_gradient(stop_gradient):
    a = torch.randn(3, 4, 2, 2, 2, requires_grad=True)
    b = torch.randn(3, 4, 2, 2, 2, requires_grad=True)
    loss = MODELS.build(dict(type='FeatureAlignmentLoss',
                             stop_gradient=stop_gradient))
    loss([a], [b]).backward()
    assert a.grad is not None and a.grad.abs().sum() > 0
    assert (b.grad is None) == stop_gradient


def eq10_by_hand(q, k, tau):
    """LTG's Eq. 10 written out: for each clip i and each direction, the
    positive is the other modality of clip i and the negatives the other
    modality of the other clips; mean over clips, then over directions."""
    def unit(x):
        return [np.asarray(v) / np.linalg.norm(v) for v in x]

    def direction(anchors, keys):
        total = 0.0
        for i, anchor in enumerate(anchors):
            sims = [math.exp(float(anchor @ key) / tau) for key in keys]
            total += -math.log(sims[i] / sum(sims))
        return total / len(anchors)

    q, k = unit(q), unit(k)
    return (direction(q, k) + direction(k, q)) / 2


def nt_xent_by_hand(q, k, tau):
    """SimCLR's NT-Xent with cross-modal positives, anchor by anchor."""
    z = np.concatenate([q / np.linalg.norm(q, axis=1, keepdims=True),
                        k / np.linalg.norm(k, axis=1, keepdims=True)])
    n = len(q)
    total = 0.0
    for a in range(2 * n):
        positive = (a + n) % (2 * n)
        sims = {b: math.exp(float(z[a] @ z[b]) / tau)
                for b in range(2 * n) if b != a}
        total += -math.log(sims[positive] / sum(sims.values()))
    return total / (2 * n)


def test_info_nce_against_hand_computation():
    q = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 2.0]])
    k = np.array([[0.8, 0.6], [1.0, 1.0], [-1.0, 0.5]])
    loss = MODELS.build(dict(type='CrossModalInfoNCELoss', temperature=0.5))
    value = loss(torch.tensor(q), torch.tensor(k)).item()
    assert value == pytest.approx(eq10_by_hand(q, k, 0.5), rel=1e-6)
    simclr = MODELS.build(dict(type='CrossModalInfoNCELoss', temperature=0.5,
                               negatives='all'))
    value_all = simclr(torch.tensor(q), torch.tensor(k)).item()
    assert value_all == pytest.approx(nt_xent_by_hand(q, k, 0.5), rel=1e-6)
    # the two forms differ here: same-modality negatives add terms
    assert abs(value - value_all) > 0.05
    # matching pairs: lower loss than mismatched pairs
    assert loss(torch.tensor(q), torch.tensor(q)) < value


def test_info_nce_two_processes_equal_one_process_with_whole_batch():
    torch.manual_seed(0)
    q, k = torch.randn(6, 5), torch.randn(6, 5)
    whole_q, whole_k = q.clone().requires_grad_(True), k.clone(
    ).requires_grad_(True)
    loss = MODELS.build(dict(type='CrossModalInfoNCELoss', temperature=0.3))
    expected = loss(whole_q, whole_k)
    assert expected.item() == pytest.approx(
        eq10_by_hand(q.numpy(), k.numpy(), 0.3), rel=1e-5)
    expected.backward()
    ranks = run_two_processes(
        dict(type='CrossModalInfoNCELoss', temperature=0.3), q, k)
    # DDP averages over ranks: the mean of the ranks' losses and gradients
    assert torch.stack([r['loss'] for r in ranks]).mean().item() == \
        pytest.approx(expected.item(), rel=1e-5)
    q_grad = torch.cat([r['grads'][0] for r in ranks]) / 2
    k_grad = torch.cat([r['grads'][1] for r in ranks]) / 2
    assert torch.allclose(q_grad, whole_q.grad, atol=1e-6)
    assert torch.allclose(k_grad, whole_k.grad, atol=1e-6)


# ------------------------------------------------------------ recognizer
@pytest.mark.parametrize('source', ['fused', 'rgb', 'tg', 'self'])
def test_pseudo_labels_follow_the_source_rule(source):
    """Fused = average of the two streams' weak-view probabilities (Eq. 5),
    thresholded at gamma; checked in eval mode (per-clip statistics)."""
    torch.manual_seed(0)
    model = ltg(pseudo_label_source=source, unsup_weight=2.0, fm_weight=0.5)
    model.eval()
    inputs, data_samples = ltg_batch(num_unlabeled=6)
    with torch.no_grad():
        p_rgb = recognizer_logits(model.primary, inputs['weak']).softmax(1)
        p_tg = recognizer_logits(model.auxiliary,
                                 inputs['weak_tg']).softmax(1)
        rgb_s = recognizer_logits(model.primary, inputs['strong'])
        tg_s = recognizer_logits(model.auxiliary, inputs['strong_tg'])
    fused = (p_rgb + p_tg) / 2
    targets = dict(fused=(fused, fused), rgb=(p_rgb, p_rgb),
                   tg=(p_tg, p_tg), self=(p_rgb, p_tg))[source]
    tau = float(targets[0].max(1).values.median())
    model.semi_train_cfg.threshold = tau

    def expected(p, strong):
        keep = (p.max(1).values >= tau).float()
        ce = F.cross_entropy(strong, p.argmax(1), reduction='none')
        return 0.5 * 2.0 * (keep * ce).mean()

    losses = model.loss(inputs, data_samples)
    assert losses['unsup_loss_cls'].item() == pytest.approx(
        expected(targets[0], rgb_s).item(), rel=1e-5)
    assert losses['aux_unsup_loss_cls'].item() == pytest.approx(
        expected(targets[1], tg_s).item(), rel=1e-5)
    fused_keep = (fused.max(1).values >= tau).float().mean()
    assert losses['pl_fused_mask_ratio'].item() == pytest.approx(
        fused_keep.item())


def grad_owners(model, key, inputs, data_samples):
    model.zero_grad()
    model.loss(inputs, data_samples)[key].backward()
    return {
        name.split('.')[0]
        for name, p in model.named_parameters()
        if p.grad is not None and p.grad.abs().sum() > 0
    }


@pytest.mark.parametrize('stop_gradient', [True, False])
def test_alignment_gradient_reaches_tg_only_without_stop_gradient(
        stop_gradient):
    torch.manual_seed(0)
    model = ltg(align_loss=dict(type='FeatureAlignmentLoss',
                                stop_gradient=stop_gradient))
    model.train()
    owners = grad_owners(model, 'loss_kd', *ltg_batch())
    assert 'student' in owners
    assert ('auxiliary' in owners) != stop_gradient


def test_contrast_trains_both_streams_and_heads():
    torch.manual_seed(0)
    model = ltg()
    model.train()
    owners = grad_owners(model, 'loss_clr', *ltg_batch())
    assert owners == {'student', 'auxiliary', 'rgb_projection',
                      'tg_projection'}


def test_ablation_switches_remove_losses():
    torch.manual_seed(0)
    model = ltg(align_layers=(), contrast_loss=None)
    losses = model.loss(*ltg_batch())
    assert 'loss_kd' not in losses and 'loss_clr' not in losses
    assert {'sup_loss_cls', 'aux_sup_loss_cls', 'unsup_loss_cls',
            'aux_unsup_loss_cls'} <= set(losses)


def test_alignment_uses_labeled_and_weak_views_only():
    """Changing the strong clips does not change L_kd or L_clr (eval mode:
    no batch statistics couple the rows)."""
    torch.manual_seed(0)
    model = ltg(threshold=0.0)
    model.eval()
    inputs, data_samples = ltg_batch()
    before = model.loss(inputs, data_samples)
    inputs['strong'] = inputs['strong'] + 3.0
    inputs['strong_tg'] = inputs['strong_tg'] - 3.0
    after = model.loss(inputs, data_samples)
    for key in ('loss_kd', 'loss_clr'):
        assert torch.allclose(before[key], after[key]), key
    assert not torch.allclose(before['unsup_loss_cls'],
                              after['unsup_loss_cls'])


def test_bad_pseudo_label_source_is_rejected():
    with pytest.raises(ValueError, match='pseudo_label_source'):
        ltg(pseudo_label_source='teacher')


# ---------------------------------------------------------- paper configs
@pytest.mark.parametrize('name, epochs, warmup_epochs, train_videos', [
    ('ltg_r3d18_8xb10-180e_ucf101-5percent', 180, 30, 9537),
    ('ltg_r3d18_8xb10-180e_ucf101-10percent', 180, 30, 9537),
    ('ltg_r3d18_8xb10-180e_ucf101-20percent', 180, 30, 9537),
    ('ltg_r3d18_8xb10-180e_ucf101-50percent', 180, 30, 9537),
    ('ltg_r3d18_8xb10-360e_hmdb51-40percent', 360, 60, 3570),
    ('ltg_r3d18_8xb10-360e_hmdb51-50percent', 360, 60, 3570),
    ('ltg_r3d18_8xb10-360e_hmdb51-60percent', 360, 60, 3570),
    # Kinetics-400: the authors' 45 / 90 epochs, warm-ups at UCF101's 1/6
    ('ltg_r3d18_8xb10-270k-iter_kinetics400-1percent', 45, 7.5, 240000),
    ('ltg_r3d18_8xb10-540k-iter_kinetics400-10percent', 90, 15, 240000),
])
def test_paper_configs_follow_sec_4_2(name, epochs, warmup_epochs,
                                      train_videos):
    """Schedules from the paper's epochs (an epoch = the split's training
    videos at 8 GPUs x 5 unlabeled clips, as the authors' runner counts),
    224 training crops from short side 256, 10 x 3 test views of 256,
    RandAugment-only strong views, PreciseBN on unlabeled clips with the
    validation pipeline, Eq. 10 negatives, dense alignment."""
    from mmengine.config import Config
    from conftest import REPO
    cfg = Config.fromfile(f'{REPO}/configs/ltg/{name}.py')
    per_epoch = train_videos // 40
    assert cfg.train_cfg.max_iters == epochs * per_epoch
    assert cfg.model.semi_train_cfg.warmup_iters == warmup_epochs * per_epoch
    warm, cosine = cfg.param_scheduler
    assert (warm.type, warm.end, warm.start_factor) == (
        'LinearLR', warmup_epochs * per_epoch, 0.1)
    assert (cosine.begin, cosine.end) == (warm.end, cfg.train_cfg.max_iters)
    assert cfg.optim_wrapper.optimizer.lr == 0.2
    unlabeled = cfg.train_dataloader.dataset.unlabeled.pipeline
    types = [t['type'] for t in unlabeled]
    assert unlabeled[types.index('Resize')]['scale'] == (-1, 256)
    crop = types.index('RandomResizedCrop')
    assert unlabeled[crop + 1]['scale'] == (224, 224)
    strong = unlabeled[-1]['strong']
    assert [t['type'] for t in strong if t['type'] in (
        'RandAugmentVideo', 'TorchVisionWrapper')] == ['RandAugmentVideo']
    test = {t['type']: t for t in cfg.test_dataloader.dataset.pipeline}
    assert test['SampleFrames']['num_clips'] == 10
    assert test['ThreeCrop']['crop_size'] == 256
    val = {t['type']: t for t in cfg.val_dataloader.dataset.pipeline}
    assert val['CenterCrop']['crop_size'] == 224
    (hook, ) = cfg.custom_hooks
    assert (hook.type, hook.source) == ('SemiPreciseBNHook', 'unlabeled')
    semi = cfg.model.semi_train_cfg
    assert semi.contrast_loss.negatives == 'cross_modal'
    assert semi.align_loss.dense and semi.align_loss.stop_gradient
    assert semi.projection.num_layers == 3
    # test views averaged as scores (the authors' code; the paper is silent)
    for stream in (cfg.model.primary, cfg.model.auxiliary):
        assert stream.cls_head.average_clips == 'score'


def test_paper_projection_heads_are_512_wide_mlps():
    """The built paper model projects each stream 512 -> 512 -> 512 -> 512
    (3 layers at the backbone's width: the paper gives no width, the
    authors' code keeps 512)."""
    from mmengine.config import Config
    from conftest import REPO
    cfg = Config.fromfile(
        f'{REPO}/configs/ltg/ltg_r3d18_8xb10-180e_ucf101-10percent.py')
    model = MODELS.build(cfg.model)
    for head in (model.rgb_projection, model.tg_projection):
        linears = [m for m in head.modules() if isinstance(m, torch.nn.Linear)]
        assert [(m.in_features, m.out_features) for m in linears] == [
            (512, 512)] * 3


# ----------------------------------------------------- unlabeled labels
@pytest.mark.parametrize('source', ['fused', 'rgb', 'tg', 'self'])
def test_unlabeled_ground_truth_changes_no_loss_and_no_gradient(source):
    """Permuted or shifted ground truth on every unlabeled branch (RGB and
    TG): every loss and every gradient unchanged; only the logged
    pseudo-label accuracy may move."""
    from _models import NUM_CLASSES, loss_and_grads, samples
    torch.manual_seed(0)
    model = ltg(pseudo_label_source=source, threshold=0.0, unsup_weight=2.0)
    model.train()
    inputs, data_samples = ltg_batch(num_unlabeled=6)
    truth = [0, 1, 2, 3, 4, 0]
    runs = []
    for labels in (truth, [4, 0, 3, 0, 1, 2],
                   [(y + 1) % NUM_CLASSES for y in truth]):
        relabeled = dict(data_samples)
        for branch in ('weak', 'strong', 'weak_tg', 'strong_tg'):
            relabeled[branch] = samples(labels)
        runs.append(loss_and_grads(model, inputs, relabeled))
    (losses, grads), others = runs[0], runs[1:]
    assert grads
    for other_losses, other_grads in others:
        for key, value in losses.items():
            if 'loss' in key:
                assert torch.equal(value, other_losses[key]), key
        assert other_grads.keys() == grads.keys()
        for name, grad in grads.items():
            assert torch.equal(grad, other_grads[name]), name
    logged = [k for k in losses if 'pl_acc' in k]
    assert logged and any(
        not torch.equal(torch.as_tensor(losses[k]),
                        torch.as_tensor(other[0][k]))
        for k in logged for other in others)


def test_precise_bn_reads_unlabeled_videos_with_the_val_pipeline(
        tiny_coarse, tmp_path):
    """LTG's ``SemiPreciseBNHook(source='unlabeled')`` loader: the unlabeled
    list, the validation pipeline (one centred clip per video, no
    branches), shuffled, the training batch size."""
    from types import SimpleNamespace

    from mmengine.config import Config
    from mmengine.runner import Runner

    from conftest import REPO
    from mmsemi_action.engine.hooks import SemiPreciseBNHook
    from test_end_to_end import tiny_cfg
    cfg = tiny_cfg(f'{REPO}/configs/ltg/ltg_r3d18-tiny_1xb16-2k-iter_'
                   'synthetic-coarse.py', tiny_coarse, tmp_path)
    assert isinstance(cfg, Config)
    (hook_cfg, ) = [h for h in cfg.custom_hooks
                    if h.type == 'SemiPreciseBNHook']
    assert hook_cfg.source == 'unlabeled'
    hook = SemiPreciseBNHook(source='unlabeled')
    runner = SimpleNamespace(cfg=cfg, seed=0,
                             build_dataloader=Runner.build_dataloader)
    loader = hook._precise_bn_loader(runner)
    dataset = loader.dataset
    assert dataset.ann_file == f'{tiny_coarse}/unlabeled.txt'
    assert [t.__class__.__name__ for t in dataset.pipeline.transforms] == [
        t['type'] for t in cfg.val_dataloader.dataset.pipeline]
    assert loader.batch_size == cfg.train_dataloader.batch_size
    batch = next(iter(loader))
    inputs = batch['inputs']
    assert isinstance(inputs, list) and inputs[0].shape[:2] == (1, 3)
    # the val pipeline is deterministic: the same video twice, equal clips
    assert torch.equal(dataset[0]['inputs'], dataset[0]['inputs'])
