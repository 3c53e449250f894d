from types import SimpleNamespace

import pytest
import torch
from torch import nn

from mmsemi_action.engine.hooks import EMATeacherHook


class Pair(nn.Module):

    def __init__(self):
        super().__init__()
        self.student = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
        self.teacher = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))


def state(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_copy_at_start_then_ema_arithmetic():
    model = Pair()
    hook = EMATeacherHook(momentum=0.9)
    runner = SimpleNamespace(model=model, iter=0)
    hook.before_train(runner)
    for k, v in model.student.state_dict().items():
        assert torch.equal(v, model.teacher.state_dict()[k])

    teacher0 = state(model.teacher)
    with torch.no_grad():
        for p in model.student.parameters():
            p.add_(1.0)
    model.student[1].running_mean.add_(2.0)
    model.student[1].num_batches_tracked.add_(5)
    student = state(model.student)
    hook.after_train_iter(runner, batch_idx=0)
    for k, t in model.teacher.state_dict().items():
        if k.endswith('num_batches_tracked'):
            assert torch.equal(t, student[k])
        else:
            expected = 0.9 * teacher0[k] + 0.1 * student[k]
            assert torch.allclose(t, expected), k


def test_interval_warmup_and_buffer_copy():
    model = Pair()
    hook = EMATeacherHook(momentum=0.5, interval=2, warmup_iters=2,
                          update_buffers=False)
    with torch.no_grad():
        model.student[0].weight.fill_(1.0)
        model.teacher[0].weight.fill_(0.0)
    model.student[1].running_var.fill_(3.0)
    # iteration 0 done (step 1): not on the interval
    hook.after_train_iter(SimpleNamespace(model=model, iter=0), 0)
    assert model.teacher[0].weight.eq(0).all()
    # step 2 within warm-up: copy
    hook.after_train_iter(SimpleNamespace(model=model, iter=1), 1)
    assert model.teacher[0].weight.eq(1).all()
    with torch.no_grad():
        model.student[0].weight.fill_(3.0)
    # step 4: EMA with m = 0.5, buffers copied
    hook.after_train_iter(SimpleNamespace(model=model, iter=3), 3)
    assert torch.allclose(model.teacher[0].weight, torch.tensor(2.0))
    assert model.teacher[1].running_var.eq(3.0).all()


def test_resumed_run_keeps_checkpoint_teacher():
    model = Pair()
    with torch.no_grad():
        model.teacher[0].weight.fill_(7.0)
    EMATeacherHook().before_train(SimpleNamespace(model=model, iter=10))
    assert model.teacher[0].weight.eq(7.0).all()


@pytest.mark.parametrize('kwargs', [dict(momentum=1.0), dict(interval=0)])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        EMATeacherHook(**kwargs)


def test_model_without_teacher_is_rejected():
    model = nn.Module()
    model.teacher = None
    with pytest.raises(RuntimeError, match='teacher'):
        EMATeacherHook().before_train(SimpleNamespace(model=model, iter=0))
