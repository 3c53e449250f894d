import itertools
import pickle

import pytest
from mmengine.dataset import BaseDataset

from mmsemi_action.datasets import SemiDataset, SemiSupervisedSampler
from mmsemi_action.datasets.samplers import semi_sampler
from mmsemi_action.datasets.stream_index import StreamIndex


class ToyDataset(BaseDataset):

    def __init__(self, size, name='toy.txt'):
        self.size = size
        super().__init__(ann_file=name, serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.size)]


def make_sampler(monkeypatch, num_labeled=6, num_unlabeled=30, rank=0,
                 world_size=1, batch_size=6, ratio=(1, 5), seed=3):
    monkeypatch.setattr(semi_sampler, 'get_dist_info',
                        lambda: (rank, world_size))
    dataset = SemiDataset(
        labeled=ToyDataset(num_labeled, 'labeled.txt'),
        unlabeled=ToyDataset(num_unlabeled, 'unlabeled.txt'))
    return SemiSupervisedSampler(dataset, batch_size, list(ratio), seed=seed)


def take(sampler, n):
    return [int(i) for i in itertools.islice(iter(sampler), n)]


def test_every_batch_has_the_ratio(monkeypatch):
    sampler = make_sampler(monkeypatch, batch_size=12, ratio=(1, 5))
    indices = take(sampler, 12 * 50)
    for b in range(50):
        batch = indices[12 * b:12 * (b + 1)]
        assert all(i < 6 for i in batch[:2])  # labeled come first
        assert all(6 <= i < 36 for i in batch[2:])


def test_each_pass_visits_every_sample_once(monkeypatch):
    sampler = make_sampler(monkeypatch, batch_size=6, ratio=(1, 5))
    indices = take(sampler, 6 * 12)  # 12 batches: 2 passes of labeled
    labeled = [i for i in indices if i < 6]
    unlabeled = [i - 6 for i in indices if i >= 6]
    assert sorted(labeled[:6]) == list(range(6))
    assert sorted(labeled[6:12]) == list(range(6))
    assert sorted(unlabeled[:30]) == list(range(30))


def test_ranks_draw_disjoint_samples(monkeypatch):
    per_rank = []
    for rank in range(2):
        sampler = make_sampler(monkeypatch, num_labeled=8, num_unlabeled=40,
                               rank=rank, world_size=2, batch_size=6)
        per_rank.append(take(sampler, 6 * 4))  # 4 batches = 1 pass
    lab = [set(i for i in r if i < 8) for r in per_rank]
    unl = [set(i for i in r if i >= 8) for r in per_rank]
    assert not lab[0] & lab[1] and len(lab[0] | lab[1]) == 8
    assert not unl[0] & unl[1] and len(unl[0] | unl[1]) == 40


def test_seeded_and_deterministic(monkeypatch):
    a = take(make_sampler(monkeypatch, seed=1), 60)
    b = take(make_sampler(monkeypatch, seed=1), 60)
    c = take(make_sampler(monkeypatch, seed=2), 60)
    assert a == b and a != c


def test_resume_continues_the_stream(monkeypatch):
    full = take(make_sampler(monkeypatch), 6 * 20)
    state = make_sampler(monkeypatch).state_dict()
    resumed = make_sampler(monkeypatch, seed=99)  # seed comes from state
    resumed.resume(state, batch=7)
    assert take(resumed, 6 * 13) == full[6 * 7:]
    # stream positions carried by the indices continue as well
    first = next(iter(resumed))
    assert isinstance(first, StreamIndex) and first.position == 7


def test_resume_refuses_changed_settings(monkeypatch):
    state = make_sampler(monkeypatch, batch_size=6).state_dict()
    with pytest.raises(ValueError, match='batch_size'):
        make_sampler(monkeypatch, batch_size=12).resume(state, 3)


def test_stream_index_pickles():
    idx = StreamIndex(5, seed=1, source=1, position=42)
    back = pickle.loads(pickle.dumps(idx))
    assert back == 5 and back.position == 42 and back.source == 1


@pytest.mark.parametrize('kwargs,match', [
    (dict(batch_size=7, ratio=(1, 5)), 'not divisible by sum'),
    (dict(num_labeled=1, batch_size=12), 'labeled.txt has 1 samples'),
    (dict(num_unlabeled=4, batch_size=6), 'unlabeled.txt has 4 samples'),
])
def test_bad_settings_name_the_culprit(monkeypatch, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sampler(monkeypatch, **kwargs)
