"""The cost benchmark runs end to end (a smoke run; the figures it reports
come from real runs of the script, never from tests)."""
import json
import os.path as osp
import subprocess
import sys

from conftest import REPO


def test_cost_benchmark_reports_every_figure(tiny_coarse, tmp_path):
    out = tmp_path / 'cost'
    res = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'benchmark', 'cost_benchmark.py'),
        '--methods', 'acl_mtl', '--iters', '1', '--mus', '1', '--frames', '8',
        '--labeled', '2', '--pipeline-samples', '2', '--data', tiny_coarse,
        '--out', str(out)
    ], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads((out / 'cost.json').read_text())
    row = results['methods']['acl_mtl']
    for mode in ('iter', 'floor'):
        assert row[mode]['seconds'] > 0
    assert row['pipeline']['views'] == 3  # weak, strong, long_0
    for key in ('decode_once', 'decode_per_view', 'one_view'):
        assert row['pipeline'][key] > 0
    assert [(s['mu'], s['frames']) for s in results['scaling']] == [(1, 8)]
    table = (out / 'cost.md').read_text()
    assert row['interleaved']['iter'] > 0 and row['interleaved']['floor'] > 0
    assert '| acl_mtl |' in table and 'iteration / floor' in table


def test_short_budgets_keep_the_share_of_warm_up():
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import semi_benchmark
    config = osp.join(REPO, semi_benchmark.CONFIGS['acl_mtl'])
    key = 'model.semi_train_cfg.warmup_iters'
    assert semi_benchmark.warmup_options(config, 2000) == {key: 330}
    assert semi_benchmark.warmup_options(config, 300) == {key: 50}
    fixmatch = osp.join(REPO, semi_benchmark.CONFIGS['fixmatch'])
    assert semi_benchmark.warmup_options(fixmatch, 300) == {}


def test_cost_benchmark_applies_config_overrides(tiny_coarse):
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import cost_benchmark
    cfg = cost_benchmark.load_cfg(
        'acl_mtl', tiny_coarse, cfg_options=[
            'model.recognizer.backbone.base_channels=64',
            'model.semi_train_cfg.long_branches=[long_0]'
        ])
    assert cfg.model.recognizer.backbone.base_channels == 64
    assert list(cfg.model.semi_train_cfg.long_branches) == ['long_0']
    assert cfg.train_dataloader.dataset.labeled.ann_file == osp.join(
        tiny_coarse, 'labeled.txt')


def test_benchmark_table_covers_every_finished_run(tmp_path):
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import semi_benchmark
    rows = [('supervised', 1, 0, 0.2), ('supervised_all', 1, 0, 0.8),
            ('fixmatch', 1, 0, 0.5), ('supervised', 10, 0, 0.6),
            ('supervised', 10, 1, 0.7), ('not_a_method', 10, 0, 0.1)]
    for method, lpc, seed, top1 in rows:
        run = tmp_path / 'runs' / f'{method}_{lpc}pc_seed{seed}'
        run.mkdir(parents=True)
        (run / 'result.json').write_text(json.dumps(dict(
            method=method, labels_per_class=lpc, seed=seed, top1=top1,
            top5=1.0, iters=10, wall_s=1.0)))
    found = semi_benchmark.finished_runs(str(tmp_path))
    assert [(r['method'], r['labels_per_class'], r['seed'])
            for r in found] == [('supervised', 1, 0), ('supervised', 10, 0),
                                ('supervised', 10, 1),
                                ('supervised_all', 1, 0), ('fixmatch', 1, 0)]
    table = semi_benchmark.summarise(found)
    # gap closed at 1 label/class: (0.5 - 0.2) / (0.8 - 0.2)
    assert '| 1 | fixmatch | 50.0 | 100.0 | 0.50 |' in table
    assert '| 10 | supervised | 65.0 ± 7.1 |' in table
    semi_benchmark.plot(found, str(tmp_path / 'plot.png'))
    assert (tmp_path / 'plot.png').read_bytes()[:4] == b'\x89PNG'
