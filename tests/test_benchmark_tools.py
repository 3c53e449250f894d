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
