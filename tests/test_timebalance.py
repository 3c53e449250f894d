"""TimeBalance (Dave et al., CVPR 2023): the self-supervised objectives,
the temporal similarity score and the distillation distances against
hand computations of the paper's equations."""
import json
import math
import os
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy

from _dist import run_model_two_processes, run_two_processes
from _splits import expected_split
from conftest import REPO, generate_synthetic
from mmsemi_action.models.temporal_similarity import \
    temporal_similarity_score


def h(u, v, tau):
    """Eq. 1's h: exp of the cosine over tau."""
    return math.exp(float(np.dot(u, v) / np.linalg.norm(u) /
                          np.linalg.norm(v)) / tau)


def l_invariant_by_hand(z, tau):
    """Eq. 1, summed over t1 != t2 per video, averaged over videos."""
    b, n, _ = z.shape
    total = 0.0
    for i in range(b):
        for t1 in range(n):
            for t2 in range(n):
                if t1 == t2:
                    continue
                den = sum(h(z[i, t1], z[j, t1], tau) +
                          h(z[i, t1], z[j, t2], tau)
                          for j in range(b) if j != i)
                total -= math.log(h(z[i, t1], z[i, t2], tau) / den)
    return total / b


def l_distinctive_by_hand(z, za, tau):
    """Eq. 3, summed over t1 per video, averaged over videos."""
    b, n, _ = z.shape
    total = 0.0
    for i in range(b):
        for t1 in range(n):
            den = sum(h(z[i, t1], z[i, t2], tau) + h(z[i, t1], za[i, t2], tau)
                      for t2 in range(n) if t2 != t1)
            total -= math.log(h(z[i, t1], za[i, t1], tau) / den)
    return total / b


def test_invariant_loss_is_eq1():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 4, 5))
    loss = MODELS.build(dict(type='TemporalContrastiveLoss',
                             objective='invariant', temperature=0.1))
    assert loss(torch.tensor(z)).item() == pytest.approx(
        l_invariant_by_hand(z, 0.1), rel=1e-9)


def test_distinctive_loss_is_eq3_and_ignores_other_videos():
    rng = np.random.default_rng(2)
    z, za = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    loss = MODELS.build(dict(type='TemporalContrastiveLoss',
                             objective='distinctive', temperature=0.1))
    value = loss(torch.tensor(z), torch.tensor(za)).item()
    assert value == pytest.approx(l_distinctive_by_hand(z, za, 0.1),
                                  rel=1e-9)
    # a video's terms do not depend on the other videos
    single = loss(torch.tensor(z[:1]), torch.tensor(za[:1])).item()
    assert single == pytest.approx(l_distinctive_by_hand(z[:1], za[:1], 0.1),
                                   rel=1e-9)


def l_local_global_by_hand(z, s, tau):
    """TCLR's local-global loss: each local clip against the n slices and
    each slice against the n local clips (softmax over the n), aligned
    timestamp positive; mean of the two directions, summed per video."""
    b, n, _ = z.shape
    total = 0.0
    for i in range(b):
        for t in range(n):
            for a, keys in ((z[i, t], s[i]), (s[i, t], z[i])):
                den = sum(h(a, keys[u], tau) for u in range(n))
                total -= math.log(h(a, keys[t], tau) / den)
    return total / (2 * b)


def test_local_global_loss_is_tclr():
    rng = np.random.default_rng(5)
    z, s = rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 4, 5))
    loss = MODELS.build(dict(type='TemporalContrastiveLoss',
                             objective='local_global', temperature=0.1))
    assert loss(torch.tensor(z), torch.tensor(s)).item() == pytest.approx(
        l_local_global_by_hand(z, s, 0.1), rel=1e-9)


def test_temporal_similarity_score_is_eq6():
    rng = np.random.default_rng(3)
    zi, zd = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 4, 6))

    def cos(u, v):
        return float(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v))

    n = 4
    expected = [
        sum(cos(zi[b, a], zi[b, c]) + cos(zd[b, a], zd[b, c])
            for a in range(n) for c in range(n) if a != c) / (2 * n * (n - 1))
        for b in range(2)
    ]
    got = temporal_similarity_score(torch.tensor(zi), torch.tensor(zd))
    assert got.tolist() == pytest.approx(expected, rel=1e-9)
    # identical clips: s = 1
    same = torch.ones(1, 3, 4)
    assert temporal_similarity_score(same, same).item() == pytest.approx(1)


@pytest.mark.parametrize('loss_type', ['SoftmaxMSELoss', 'SoftmaxKLLoss',
                                       'SoftmaxJSLoss'])
def test_distillation_distances(loss_type):
    """L2 (Eq. 8, summed over classes), KL(p_T || p_S) and JS against
    scipy."""
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(3, 5))
    p_t = rng.dirichlet(np.ones(5), size=3)
    p_s = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    if loss_type == 'SoftmaxMSELoss':
        cfg = dict(type=loss_type, class_reduction='sum')
        expected = ((p_t - p_s)**2).sum(1).mean()
    elif loss_type == 'SoftmaxKLLoss':
        cfg = dict(type=loss_type)
        expected = np.mean([entropy(p_t[i], p_s[i]) for i in range(3)])
    else:
        cfg = dict(type=loss_type)
        expected = np.mean([jensenshannon(p_t[i], p_s[i])**2
                            for i in range(3)])
    loss = MODELS.build(cfg)
    got = loss(torch.tensor(logits), torch.tensor(p_t)).item()
    assert got == pytest.approx(expected, rel=1e-9)


def test_invariant_two_processes_equal_one_process():
    torch.manual_seed(0)
    z = torch.randn(4, 3, 5)
    cfg = dict(type='TemporalContrastiveLoss', objective='invariant')
    whole = z.clone().requires_grad_(True)
    expected = MODELS.build(cfg)(whole)
    expected.backward()
    ranks = run_two_processes(cfg, z)
    assert torch.stack([r['loss'] for r in ranks]).mean().item() == \
        pytest.approx(expected.item(), rel=1e-6)
    grad = torch.cat([r['grads'][0] for r in ranks]) / 2
    assert torch.allclose(grad, whole.grad, atol=1e-6)


@pytest.mark.parametrize('objective', ['invariant', 'distinctive'])
def test_pretraining_two_processes_equal_one_process(objective):
    """The model's pretraining losses and parameter gradients (averaged
    over the ranks as DDP does) on 2 gloo processes of 2 videos each equal
    one process on the 4 videos: L_I's negatives are gathered across ranks
    with their gradient. BatchNorm is in eval mode on both sides: its batch
    statistics are per rank, as in every stock MMAction2 config."""
    from _models import tiny_recognizer
    cfg = dict(type='TemporalSelfSupervisedModel',
               recognizer=tiny_recognizer(), objective=objective,
               num_clips=2)
    g = torch.Generator().manual_seed(1)
    names = ['clip_0', 'clip_1'] + (['aug_0', 'aug_1']
                                    if objective == 'distinctive' else [])
    inputs = {n: torch.randn((4, 1, 3, 8, 16, 16), generator=g)
              for n in names}
    if objective == 'distinctive':
        inputs['long'] = torch.randn((4, 1, 3, 16, 16, 16), generator=g)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.eval()
    losses = model.loss(inputs)
    sum(losses.values()).backward()
    ranks = run_model_two_processes(cfg, inputs)
    assert set(ranks[0]['losses']) == set(losses)
    for key, value in losses.items():
        two = torch.stack([r['losses'][key] for r in ranks]).mean()
        assert two.item() == pytest.approx(value.item(), rel=1e-5), key
    grads = {n: p.grad for n, p in model.named_parameters()
             if p.grad is not None}
    assert set(ranks[0]['grads']) == set(grads)
    for name, grad in grads.items():
        assert torch.equal(ranks[0]['grads'][name], ranks[1]['grads'][name])
        # float32 sums in another order: differences of a few 1e-6 of the
        # gradient's scale; a wrong negative set differs by ~1e-1
        error = (ranks[0]['grads'][name] - grad).abs().max()
        assert error <= 1e-5 * grad.abs().max(), name
    assert grads['recognizer.backbone.conv1.conv.weight'].abs().sum() > 0


# ------------------------------------------------------------ stage 1
SSL_CONFIGS = {
    objective: osp.join(
        REPO, 'configs', 'timebalance',
        f'timebalance-ssl-{objective}_r3d18-tiny_1xb8-2k-iter_'
        'synthetic-long.py')
    for objective in ('invariant', 'distinctive')
}
STUDENT = osp.join(REPO, 'configs', 'timebalance',
                   'timebalance_r3d18-tiny_1xb16-2k-iter_synthetic-long.py')


@pytest.fixture(scope='module')
def tiny_long(tmp_path_factory):
    """Tiny synthetic set with 64-frame videos (room for 4 clips of 8)."""
    return generate_synthetic(str(tmp_path_factory.mktemp('synthetic-long')),
                              '--preset', 'tiny', '--num-frames', '64')


def ssl_cfg(objective, root, work_dir, max_iters):
    cfg = Config.fromfile(SSL_CONFIGS[objective])
    opts = {
        'train_dataloader.batch_size': 4,
        'train_dataloader.num_workers': 2,
        'train_cfg.max_iters': max_iters,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
        'randomness': dict(seed=0, deterministic=True),
    }
    for source in ('labeled', 'unlabeled'):
        key = f'train_dataloader.dataset.{source}'
        opts[f'{key}.ann_file'] = f'{root}/{source}.txt'
        opts[f'{key}.data_prefix.video'] = root
    cfg.merge_from_dict(opts)
    cfg.work_dir = str(work_dir)
    return cfg


@pytest.mark.parametrize('objective', ['invariant', 'distinctive'])
def test_ssl_teacher_trains_and_resumes_exactly(tiny_long, tmp_path,
                                                objective):
    """Stage 1 through the runner (2 workers): the objective's losses are
    logged, labels are not needed, and resuming at iteration 2 gives the
    weights of an uninterrupted run of 4 iterations."""
    full = Runner.from_cfg(ssl_cfg(objective, tiny_long, tmp_path / 'a', 4))
    full.train()
    keys = ['loss_inv'] if objective == 'invariant' else ['loss_d1',
                                                          'loss_d2']
    for key in keys:
        assert f'train/{key}' in full.message_hub.log_scalars, key
    part = ssl_cfg(objective, tiny_long, tmp_path / 'b', 4)
    part.resume = True
    part.load_from = str(tmp_path / 'a' / 'iter_2.pth')
    Runner.from_cfg(part).train()
    a = _load_checkpoint(str(tmp_path / 'a' / 'iter_4.pth'))['state_dict']
    b = _load_checkpoint(str(tmp_path / 'b' / 'iter_4.pth'))['state_dict']
    c = _load_checkpoint(part.load_from)['state_dict']
    key = 'recognizer.backbone.conv1.conv.weight'
    assert not torch.equal(a[key], c[key])
    for name, value in a.items():
        assert torch.equal(value, b[name]), name


def test_ssl_losses_are_the_objectives_on_its_projections():
    """The model's loss is L_I, or L_D1 + L_D2, of its own projections of
    the clips, copies and long-clip slices (labels absent)."""
    from _models import tiny_recognizer
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='TemporalSelfSupervisedModel',
        recognizer=tiny_recognizer(), objective='distinctive',
        num_clips=2))
    shape = (3, 1, 3, 8, 16, 16)
    inputs = {name: torch.randn(shape) for name in
              ['clip_0', 'clip_1', 'aug_0', 'aug_1']}
    inputs['long'] = torch.randn(3, 1, 3, 16, 16, 16)
    model.train()
    losses = model.loss(inputs)
    z = model.project([inputs[n] for n in
                       ['clip_0', 'clip_1', 'aug_0', 'aug_1']])
    d1 = MODELS.build(dict(type='TemporalContrastiveLoss',
                           objective='distinctive'))(z[:, :2], z[:, 2:])
    d2 = MODELS.build(dict(type='TemporalContrastiveLoss',
                           objective='local_global'))(
                               z[:, :2], model.slice_projections(
                                   inputs['long']))
    assert losses['loss_d1'].item() == pytest.approx(d1.item(), rel=1e-5)
    assert losses['loss_d2'].item() == pytest.approx(d2.item(), rel=1e-5)
    assert model.required_branches()['unlabeled'] == [
        'clip_0', 'clip_1', 'aug_0', 'aug_1', 'long']
    # g of supp. B.1.2: Linear(C, 512)-BN-ReLU-Linear(512, 128, no bias)-BN
    layers = list(model.head.mlp)
    assert [type(m).__name__ for m in layers] == [
        'Linear', 'BatchNorm1d', 'ReLU', 'Linear', 'BatchNorm1d']
    assert (layers[0].out_features, layers[3].out_features) == (512, 128)
    assert layers[0].bias is not None and layers[3].bias is None


# ------------------------------------------------------------ stage 2
def test_scores_cover_every_training_video_and_resume(tiny_long, tmp_path):
    """``score_videos.py`` scores every labeled and unlabeled training video
    of stage-1 teachers; stopped after 10 videos and rerun, it writes the
    scores of an uninterrupted run; the dataset hands them to samples."""
    import json
    import subprocess
    import sys

    from mmaction.registry import DATASETS
    args = []
    for objective in ('invariant', 'distinctive'):
        cfg = ssl_cfg(objective, tiny_long, tmp_path / objective, 1)
        Runner.from_cfg(cfg).train()
        args += [SSL_CONFIGS[objective],
                 str(tmp_path / objective / 'iter_1.pth')]
    opts = ['--cfg-options'] + [
        f'train_dataloader.dataset.{source}.{key}={value}'
        for source in ('labeled', 'unlabeled')
        for key, value in (('ann_file', f'{tiny_long}/{source}.txt'),
                           ('data_prefix.video', tiny_long))
    ]
    tool = [sys.executable,
            osp.join(REPO, 'tools', 'timebalance', 'score_videos.py')]

    def run(out, *extra):
        subprocess.run(tool + args + ['--out', str(out), '--batch-size', '4']
                       + list(extra) + opts, check=True, cwd=REPO,
                       capture_output=True)
        return json.loads(out.read_text())

    assert len(run(tmp_path / 'resumed.json', '--max-videos', '10')) >= 10
    resumed = run(tmp_path / 'resumed.json')
    whole = run(tmp_path / 'whole.json')
    assert resumed == whole
    # two processes under torchrun (gloo), each scoring its share of every
    # batch: rank 0 writes the one-process file
    two = tmp_path / 'two.json'
    env = dict(os.environ, PATH=osp.dirname(sys.executable) + os.pathsep +
               os.environ['PATH'])
    res = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
         '2', '--master_port', '29523'] + tool[1:] + args +
        ['--out', str(two), '--batch-size', '3', '--launcher', 'pytorch'] +
        opts, cwd=REPO, capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    two = json.loads(two.read_text())
    assert two.keys() == whole.keys()
    for name, value in whole.items():
        assert two[name] == pytest.approx(value, abs=1e-6), name
    listed = [osp.join(tiny_long, line.split()[0])
              for source in ('labeled', 'unlabeled')
              for line in open(f'{tiny_long}/{source}.txt') if line.strip()]
    assert sorted(whole) == sorted(listed) and len(listed) == 32
    assert len(set(round(s, 6) for s in whole.values())) > 1

    dataset = DATASETS.build(dict(
        type='SemiVideoDataset', ann_file=f'{tiny_long}/unlabeled.txt',
        data_prefix=dict(video=tiny_long), pipeline=[], labeled=False,
        score_file=str(tmp_path / 'whole.json')))
    info = dataset.get_data_info(3)
    assert info['temporal_score'] == whole[info['filename']]
    del whole[info['filename']]
    (tmp_path / 'missing.json').write_text(json.dumps(whole))
    with pytest.raises(KeyError, match=r'no score for 1 videos.*line 4'):
        DATASETS.build(dict(
            type='SemiVideoDataset', ann_file=f'{tiny_long}/unlabeled.txt',
            data_prefix=dict(video=tiny_long), pipeline=[], labeled=False,
            score_file=str(tmp_path / 'missing.json')))


# ------------------------------------------------------------ stage 3
def timebalance(**semi_train_cfg):
    from _models import tiny_recognizer
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='TimeBalanceRecognizer', recognizer=tiny_recognizer(),
        teacher_invariant=tiny_recognizer(),
        teacher_distinctive=tiny_recognizer(),
        semi_train_cfg=semi_train_cfg))


def scored_batch(scores_l=(0.9, 0.2), scores_u=(0.1, 0.5, 0.7, 0.3),
                 **kwargs):
    from _models import batch
    inputs, samples = batch(**kwargs)
    for branch, scores in (('labeled', scores_l), ('weak', scores_u)):
        for sample, s in zip(samples[branch], scores):
            sample.set_metainfo(dict(temporal_score=s))
    return inputs, samples


def softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_timebalance_loss_is_eq2_4_7_8_by_hand():
    """CE on labeled clips + omega * mean over labeled AND unlabeled clips
    of sum_c (p_T - p_S)^2, p_T = s p_I + (1 - s) p_D, from the networks'
    own logits."""
    from mmsemi_action.models.utils import recognizer_logits
    model = timebalance(unsup_weight=3.0)
    model.train()
    inputs, samples = scored_batch()
    losses = model.loss(inputs, samples)
    clips = torch.cat([inputs['labeled'], inputs['weak']])
    with torch.no_grad():
        p_s = softmax(recognizer_logits(model.student, clips).numpy())
        p_i = softmax(recognizer_logits(model.teachers['invariant'],
                                        clips).numpy())
        p_d = softmax(recognizer_logits(model.teachers['distinctive'],
                                        clips).numpy())
    s = np.array([0.9, 0.2, 0.1, 0.5, 0.7, 0.3])[:, None]
    p_t = s * p_i + (1 - s) * p_d
    labels = np.array([0, 1])
    ce = -np.log(p_s[np.arange(2), labels]).mean()
    l2 = ((p_t - p_s)**2).sum(1).mean()
    assert losses['sup_loss_cls'].item() == pytest.approx(ce, rel=1e-4)
    assert losses['unsup_loss_distill'].item() == pytest.approx(3 * l2,
                                                                rel=1e-4)


def test_timebalance_teachers_frozen_and_switches():
    model = timebalance()
    model.train()
    assert not any(t.training for t in model.teachers.modules())
    assert not any(p.requires_grad for p in model.teachers.parameters())
    inputs, samples = scored_batch()
    model.zero_grad()
    sum(v for k, v in model.loss(inputs, samples).items()
        if 'loss' in k).backward()
    assert all(p.grad is None for p in model.teachers.parameters())
    assert model.trained_networks() == dict(student=model.student)

    clips = torch.cat([inputs['labeled'], inputs['weak']])
    scores = torch.tensor([0.9, 0.2, 0.1, 0.5, 0.7, 0.3])
    from mmsemi_action.models.utils import recognizer_logits
    with torch.no_grad():
        p_i = recognizer_logits(model.teachers['invariant'],
                                clips).softmax(1)
        p_d = recognizer_logits(model.teachers['distinctive'],
                                clips).softmax(1)
    plain = timebalance(reweighting=False)
    plain.load_state_dict(model.state_dict())
    assert torch.allclose(plain.teacher_probs(clips, scores),
                          (p_i + p_d) / 2)
    only_i = timebalance(teachers=('invariant', ))
    only_i.load_state_dict(model.state_dict(), strict=False)
    assert list(only_i.teachers) == ['invariant']
    assert torch.allclose(only_i.teacher_probs(clips, scores), p_i)
    # s is a mean of cosines: negative s puts p_T off the simplex, which KL
    # / JS cannot take; they are refused unless s is clamped to [0, 1]
    for loss in ('SoftmaxKLLoss', 'SoftmaxJSLoss'):
        with pytest.raises(ValueError, match='semi_train_cfg.clamp_score'):
            timebalance(distill_loss=dict(type=loss))
    clamped = timebalance(distill_loss=dict(type='SoftmaxKLLoss'),
                          clamp_score=True)
    clamped.load_state_dict(model.state_dict())
    odd = torch.tensor([-0.3, 1.4, 0.5, -1.0, 0.0, 1.0])
    s = torch.tensor([0.0, 1.0, 0.5, 0.0, 0.0, 1.0])[:, None]
    assert torch.allclose(clamped.teacher_probs(clips, odd),
                          s * p_i + (1 - s) * p_d)
    # the default passes s as computed
    raw = odd[:, None]
    assert torch.allclose(model.teacher_probs(clips, odd),
                          raw * p_i + (1 - raw) * p_d)


def test_timebalance_distils_labeled_clips_and_ignores_unlabeled_labels():
    """The labeled clips' scores change L_unsup (they are distilled too;
    off with distill_labeled=False); permuting unlabeled ground truth
    changes no loss."""
    model = timebalance()
    model.train()
    a = model.loss(*scored_batch(scores_l=(0.9, 0.2)))
    b = model.loss(*scored_batch(scores_l=(0.0, 1.0)))
    assert a['unsup_loss_distill'].item() != pytest.approx(
        b['unsup_loss_distill'].item())
    off = timebalance(distill_labeled=False)
    off.load_state_dict(model.state_dict())
    off.train()
    c = off.loss(*scored_batch(scores_l=(0.9, 0.2)))
    d = off.loss(*scored_batch(scores_l=(0.0, 1.0)))
    assert c['unsup_loss_distill'].item() == pytest.approx(
        d['unsup_loss_distill'].item())
    e = model.loss(*scored_batch(unlabeled_labels=[3, 2, 1, 0]))
    for key in ('sup_loss_cls', 'unsup_loss_distill'):
        assert e[key].item() == pytest.approx(a[key].item())


def test_timebalance_names_missing_scores():
    from _models import batch
    model = timebalance()
    model.train()
    with pytest.raises(KeyError, match='temporal_score.*score_file'):
        model.loss(*batch())


def test_timebalance_loads_fine_tuned_teachers_after_initialisation(
        tmp_path):
    from _models import tiny_recognizer
    source = MODELS.build(tiny_recognizer())
    torch.save(dict(state_dict=source.state_dict()), tmp_path / 'f_i.pth')
    model = MODELS.build(dict(
        type='TimeBalanceRecognizer', recognizer=tiny_recognizer(),
        teacher_invariant=tiny_recognizer(),
        teacher_distinctive=tiny_recognizer(),
        teacher_checkpoints=dict(invariant=str(tmp_path / 'f_i.pth'))))
    model.init_weights()
    for key, value in source.state_dict().items():
        assert torch.equal(model.teachers['invariant'].state_dict()[key],
                           value), key
    with pytest.raises(KeyError, match='teacher_checkpoints'):
        MODELS.build(dict(
            type='TimeBalanceRecognizer', recognizer=tiny_recognizer(),
            teacher_invariant=tiny_recognizer(),
            teacher_distinctive=tiny_recognizer(),
            teacher_checkpoints=dict(student='x.pth')))


# ------------------------------------------------------------ all stages
def test_three_stages_run_end_to_end_and_skip_when_done(tiny_long, tmp_path):
    """``tools/timebalance/train.py``: both teachers' pretraining and
    fine-tuning, the scores and the student, each stage feeding the next
    by path (the student starts from f_D's stage-1 backbone and loads the
    fine-tuned teachers); a rerun skips every finished stage; the exported
    student passes MMAction2's own test tool; an interrupted student
    resumes exactly (stages 1 and 2: in their own tests above)."""
    import subprocess
    import sys
    cmd = [sys.executable,
           osp.join(REPO, 'tools', 'timebalance', 'train.py'), '--work-dir',
           str(tmp_path), '--data', tiny_long, '--iters', '2',
           '--cfg-options', 'train_dataloader.batch_size=4',
           'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False']
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    student = _load_checkpoint(str(tmp_path / 'student' / 'iter_2.pth'))
    state = student['state_dict']
    for obj in ('invariant', 'distinctive'):
        teacher = _load_checkpoint(
            str(tmp_path / f'teacher_{obj}' / 'iter_2.pth'))['state_dict']
        for key, value in teacher.items():  # frozen: as fine-tuned
            assert torch.equal(state[f'teachers.{obj}.{key}'], value), key
    ssl_d = _load_checkpoint(str(tmp_path / 'ssl_distinctive' /
                                 'iter_2.pth'))['state_dict']
    key = 'backbone.conv1.conv.weight'
    init = torch.load(str(tmp_path / 'student_init.pth'),
                      weights_only=True)['state_dict']
    assert torch.equal(init['student.' + key], ssl_d['recognizer.' + key])
    # the student trained 2 iterations from it: close, not equal
    assert not torch.equal(state['student.' + key], ssl_d['recognizer.' + key])
    assert (state['student.' + key] - ssl_d['recognizer.' + key]).abs().max() \
        < 0.05
    # the benchmark's diagnostic of the distillation targets reads the
    # finished stages: a teacher's top-1 on the unlabeled list is the one
    # MMAction2's test loop gives on that list
    res = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'benchmark', 'timebalance_targets.py'),
        str(tmp_path), '--data', tiny_long, '--split', tiny_long, '--out',
        str(tmp_path / 'targets.json')], cwd=REPO, capture_output=True,
        text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    targets = json.loads((tmp_path / 'targets.json').read_text())
    with open(osp.join(tiny_long, 'unlabeled.txt')) as f:
        assert targets['unlabeled']['videos'] == len(f.readlines())
    teacher = tmp_path / 'teacher_distinctive'
    [teacher_cfg] = teacher.glob('*.py')
    res = subprocess.run([
        sys.executable, osp.join(REPO, 'tools', 'test.py'), str(teacher_cfg),
        str(teacher / 'iter_2.pth'), '--work-dir', str(tmp_path / 'tt'),
        '--cfg-options', 'test_dataloader.dataset.ann_file=' +
        osp.join(tiny_long, 'unlabeled.txt')], cwd=REPO,
        capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert targets['unlabeled']['top1']['distinctive'] == pytest.approx(
        float(re.search(r'acc/top1: ([0-9.]+)',
                        res.stdout + res.stderr).group(1)), abs=1e-4)

    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.count('done, skipped') == 5
    # the plain-average ablation next to it: same stages, its own student
    res = subprocess.run(cmd + [
        '--student-work-dir', str(tmp_path / 'student_avg'),
        '--student-cfg-options', 'model.semi_train_cfg.reweighting=False'],
        cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.count('done, skipped') == 4
    avg = _load_checkpoint(str(tmp_path / 'student_avg' / 'iter_2.pth'))
    assert avg['meta']['cfg'].count('reweighting=False') == 1
    assert not torch.equal(avg['state_dict']['student.' + key],
                           state['student.' + key])

    # the exported student evaluates with MMAction2's own tools/test.py as
    # it validated in training
    from test_end_to_end import export_and_stock_test
    student_cfg = osp.join(tmp_path, 'student', osp.basename(STUDENT))
    top1 = export_and_stock_test(student_cfg,
                                 str(tmp_path / 'student' / 'iter_2.pth'),
                                 tiny_long, tmp_path)
    assert top1 == pytest.approx(
        last_val_top1(tmp_path / 'student', 'student/acc/top1'))

    # an interrupted student stage (2 data workers, a validation every
    # iteration, checkpoints every 2 and at each new best) resumes from its
    # last checkpoint to the weights of the uninterrupted run
    resume = cmd[:cmd.index('--cfg-options')] + [
        '--cfg-options', 'train_dataloader.batch_size=4',
        '--student-work-dir', str(tmp_path / 'student_4'),
        '--student-cfg-options', 'train_cfg.max_iters=4',
        'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=2',
        'train_dataloader.num_workers=2',
        'train_dataloader.persistent_workers=True']
    res = subprocess.run(resume, cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    work = tmp_path / 'student_4'
    full = _load_checkpoint(str(work / 'iter_4.pth'))['state_dict']
    # what a stop before iteration 4 leaves behind: the checkpoints kept
    # before it (a new best also saves one), no DONE
    os.remove(work / 'DONE')
    os.remove(work / 'iter_4.pth')
    stop = max(int(p.stem[5:]) for p in work.glob('iter_*.pth'))
    (work / 'last_checkpoint').write_text(str(work / f'iter_{stop}.pth'))
    at_stop = _load_checkpoint(str(work / f'iter_{stop}.pth'))['state_dict']
    res = subprocess.run(resume, cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert '--resume' in res.stdout
    again = _load_checkpoint(str(work / 'iter_4.pth'))['state_dict']
    assert not torch.equal(at_stop['student.' + key],
                           full['student.' + key])
    assert full.keys() == again.keys()
    for name, value in full.items():
        assert torch.equal(value, again[name]), name


def last_val_top1(work_dir, key):
    """The last ``key`` of a run's ``vis_data/scalars.json``."""
    import glob
    import json
    [path] = glob.glob(str(work_dir / '*' / 'vis_data' / 'scalars.json'))
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return [r[key] for r in rows if key in r][-1]


# ---------------------------------------------------------- paper configs
@pytest.mark.parametrize('backbone, data, ssl_epochs, pcts', [
    ('r3d50', 'ucf101', 250, (1, 5, 10, 20, 50)),
    ('r3d18', 'ucf101', 250, (1, 5, 10, 20, 50)),
    ('r3d50', 'hmdb51', 250, (40, 50, 60)),
    ('r3d50', 'kinetics400', 100, (1, 10)),
])
def test_paper_configs_follow_sec_4_2_and_supp_b(backbone, data, ssl_epochs,
                                                 pcts):
    """Stage 1: n = 4 clips of 16 frames at 224, tau = 0.1, 250 epochs
    (100 on K400); student: 8-frame clips, 150 epochs, 10 x 3 test views;
    every stage: Adam 1e-3, 10-epoch linear warm-up, LR halved on a
    training-loss plateau (supp. B.2)."""
    def schedule_is_the_papers(cfg):
        assert cfg.optim_wrapper.optimizer.type == 'Adam'
        assert cfg.optim_wrapper.optimizer.lr == 1e-3
        warmup, plateau = cfg.param_scheduler
        assert (warmup.type, warmup.by_epoch, warmup.end) == (
            'LinearLR', True, 10)
        assert plateau.type == 'TrainLossPlateauLR'
        import inspect
        from mmsemi_action.engine import TrainLossPlateauLR
        factor = inspect.signature(TrainLossPlateauLR).parameters['factor']
        assert plateau.get('factor', factor.default) == 0.5  # halved

    depth = dict(r3d50=50, r3d18=18)[backbone]
    for obj in ('distinctive', 'invariant'):
        cfg = Config.fromfile(osp.join(
            REPO, 'configs', 'timebalance',
            f'timebalance-ssl-{obj}_{backbone}_8xb4-{ssl_epochs}e_{data}.py'))
        assert cfg.train_cfg.max_epochs == ssl_epochs
        assert (cfg.model.objective, cfg.model.num_clips,
                cfg.model.temperature) == (obj, 4, 0.1)
        assert cfg.model.recognizer.backbone.depth == depth
        schedule_is_the_papers(cfg)
        # one pass over the training list per epoch (the paper's epochs):
        # one source, read once per pass, labels never read
        loader = cfg.train_dataloader
        assert loader.sampler.source_ratio == [1]
        assert loader.dataset.type == 'SemiVideoDataset'
        assert loader.dataset.labeled is False
        assert loader.dataset.ann_file.endswith(
            f'{data}_train_split_1_videos.txt' if data != 'kinetics400'
            else 'kinetics400_train_list_videos.txt'), loader.dataset.ann_file
        (views, ) = [t for t in loader.dataset.pipeline
                     if t['type'] == 'SampleMultiViewFrames']
        assert [views.views[f'clip_{t}'].clip_len for t in range(4)] == \
            [16] * 4
        assert views.views['long'].clip_len == 64
    for pct in pcts:
        cfg = Config.fromfile(osp.join(
            REPO, 'configs', 'timebalance',
            f'timebalance_{backbone}_8xb8-150e_{data}-{pct}percent.py'))
        assert cfg.train_cfg.max_epochs == 150
        assert cfg.model.recognizer.backbone.depth == depth
        assert cfg.model.semi_train_cfg.reweighting
        schedule_is_the_papers(cfg)
        split = cfg.train_dataloader.dataset.labeled.ann_file
        # K400: 6 / 60 labels per class; UCF101 / HMDB51: the rule every
        # paper config follows (VideoSSL's lists; 1 per class for 1%)
        expected = {1: '/semi/6pc_seed0/', 10: '/semi/60pc_seed0/'}[pct] \
            if data == 'kinetics400' else expected_split(cfg.filename)
        assert expected in split, split
        (clip, ) = [t for t in cfg.train_dataloader.dataset.unlabeled
                    .pipeline if t['type'] == 'SampleFrames']
        assert clip.clip_len == 8
        test = {t['type']: t for t in cfg.test_dataloader.dataset.pipeline}
        assert test['SampleFrames']['num_clips'] == 10
        assert test['ThreeCrop']['crop_size'] == 256
        teacher = Config.fromfile(osp.join(
            REPO, 'configs', 'timebalance',
            f'timebalance-teacher_{backbone}_8xb8-100e_{data}-{pct}percent'
            '.py'))
        assert teacher.train_dataloader.dataset.ann_file == split
        schedule_is_the_papers(teacher)


def test_cost_benchmark_times_stage_2_on_real_videos(tiny_long):
    """``cost_benchmark.py``'s stage-2 figure decodes and scores batches of
    the data set's videos with both stage-1 models (n = 4 clips each)."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import cost_benchmark
    res = cost_benchmark.measure_timebalance_scoring(tiny_long, 1,
                                                     batch_size=2)
    assert (res['batch'], res['clips_per_video']) == (2, 4)
    assert res['videos_per_s'] > 0 and res['floor_videos_per_s'] > 0


def test_scoring_crops_the_centre_of_each_clip():
    """Stage 2 reads each clip as test time would: the paper config's
    random resized crop + 224 x 224 resize becomes the centred 224 crop of
    the 256-short-side frame (no squash of a 4:3 frame, no flip or
    jitter); on a frame with a horizontal ramp the crop's columns are the
    middle ones."""
    import sys

    from mmaction.registry import TRANSFORMS
    from mmengine.dataset import Compose
    sys.path.insert(0, osp.join(REPO, 'tools', 'timebalance'))
    import score_videos
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/timebalance/timebalance-ssl-distinctive_r3d50_'
        '8xb4-250e_ucf101.py'))
    pipeline = score_videos.scoring_pipeline(cfg, 4)
    (branches, ) = [t for t in pipeline if t['type'] == 'MultiBranch']
    spatial = [t for t in branches['clip_0']
               if t['type'] in ('Resize', 'CenterCrop')]
    assert [t['type'] for t in branches['clip_0']] == [
        'SelectViewFrames', 'Resize', 'CenterCrop', 'FormatShape',
        'PackActionInputs']
    (decode_resize, ) = [t for t in pipeline if t['type'] == 'Resize']
    assert decode_resize['scale'] == (-1, 256)
    # a 320 x 240 frame whose pixel value is its column index
    ramp = np.tile(np.arange(320, dtype=np.float32)[None, :, None],
                   (240, 1, 3))
    out = Compose([TRANSFORMS.build(decode_resize)] +
                  [TRANSFORMS.build(t) for t in spatial])(dict(
                      imgs=[ramp], img_shape=(240, 320),
                      modality='RGB'))
    (img, ) = out['imgs']
    assert img.shape[:2] == (224, 224)
    # 320 x 240 -> 341 x 256 -> 299 x 224 -> columns 37.5..261.5 of 299,
    # i.e. source columns 40..279 of 320: the centre, the ramp's slope kept
    cols = img[112, :, 0]
    assert cols[0] == pytest.approx(40, abs=1.5)
    assert cols[-1] == pytest.approx(279, abs=1.5)


def test_stage_1_data_options_follow_the_config():
    """tools/timebalance/train.py points a paper-scale stage-1 config (one
    training list) at ``--ssl-ann`` and refuses to guess it; a synthetic
    config (two sources) reads the labeled and unlabeled lists. The scorer
    reads the same lists as stage 1."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools', 'timebalance'))
    import score_videos
    import train as tb_train
    paper = osp.join(REPO, 'configs/timebalance/timebalance-ssl-invariant_'
                     'r3d50_8xb4-250e_hmdb51.py')
    synthetic = tb_train.SSL['invariant']
    lists = dict(labeled='L.txt', unlabeled='U.txt')
    assert tb_train.ssl_data(paper, 'root', lists, 'all.txt') == [
        'train_dataloader.dataset.ann_file=all.txt',
        'train_dataloader.dataset.data_prefix.video=root']
    with pytest.raises(ValueError, match='--ssl-ann'):
        tb_train.ssl_data(paper, 'root', lists)
    assert tb_train.ssl_data(synthetic, 'root', lists) == [
        'train_dataloader.dataset.labeled.ann_file=L.txt',
        'train_dataloader.dataset.labeled.data_prefix.video=root',
        'train_dataloader.dataset.unlabeled.ann_file=U.txt',
        'train_dataloader.dataset.unlabeled.data_prefix.video=root']
    sources = score_videos.training_sources(Config.fromfile(paper))
    assert [s.ann_file for s in sources] == [
        'data/hmdb51/hmdb51_train_split_1_videos.txt']
    sources = score_videos.training_sources(Config.fromfile(synthetic))
    assert [osp.basename(s.ann_file) for s in sources] == [
        'labeled.txt', 'unlabeled.txt']


def test_long_clip_shorter_than_the_clips_is_warned_about():
    """L_D2 slices the long clip's map into n parts: with fewer time steps
    than clips the slices repeat, which the model says (the tiny R3D-18
    has a time stride of 16: 32 frames give 2 steps, 64 give 4)."""
    import warnings
    from _models import tiny_recognizer
    model = MODELS.build(dict(
        type='TemporalSelfSupervisedModel', recognizer=tiny_recognizer(),
        objective='distinctive', num_clips=4))
    with pytest.warns(UserWarning, match='2 time steps for n = 4'):
        model.slice_projections(torch.randn(1, 1, 3, 32, 16, 16))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert model.slice_projections(
            torch.randn(1, 1, 3, 64, 16, 16)).shape[:2] == (1, 4)


def test_synthetic_long_clip_gives_one_time_step_per_clip():
    """The CPU stage-1 config's long clip spans the n clips and its
    feature map (tiny R3D-18 of that config) has exactly n time steps, so
    L_D2 aligns clip t with a step of its own (32 frames 2 apart, as
    before 2026-12-07, gave 2 steps for 4 clips)."""
    import warnings
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/timebalance/timebalance-ssl-distinctive_r3d18-tiny_'
        '1xb8-2k-iter_synthetic-long.py'))
    views = cfg.views
    n = cfg.model.num_clips
    span = views['long']['clip_len'] * views['long']['frame_interval']
    clip = views['clip_0']
    assert span == n * clip['clip_len'] * clip['frame_interval']
    assert views[f'clip_{n - 1}']['shift'] + \
        clip['clip_len'] * clip['frame_interval'] == span
    model = MODELS.build(cfg.model)
    long = torch.randn(1, 1, 3, views['long']['clip_len'], 32, 32)
    assert model.features(long).shape[2] == n
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert model.slice_projections(long).shape[:2] == (1, n)
