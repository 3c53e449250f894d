"""The cost benchmark runs end to end (a smoke run; the figures it reports
come from real runs of the script, never from tests)."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

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
    for mode in ('iter', 'floor', 'supervised'):
        assert row[mode]['seconds'] > 0
    assert row['pipeline']['views'] == 3  # weak, strong, long_0
    for key in ('decode_once', 'decode_per_view', 'one_view'):
        assert row['pipeline'][key] > 0
    assert [(s['mu'], s['frames']) for s in results['scaling']] == [(1, 8)]
    table = (out / 'cost.md').read_text()
    alt = row['interleaved']
    assert alt['iter'] > 0 and alt['floor'] > 0 and alt['supervised'] > 0
    assert '| acl_mtl |' in table and 'iteration / floor' in table
    line = table.split('| acl_mtl |')[1].split('\n')[0]
    ratio = row['iter']['seconds'] / row['supervised']['seconds']
    assert f'| {ratio:.2f} | {alt["iter"] / alt["supervised"]:.2f} |' in line


def test_short_budgets_keep_the_share_of_warm_up():
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import semi_benchmark
    config = osp.join(REPO, semi_benchmark.CONFIGS['acl_mtl'])
    key = 'model.semi_train_cfg.warmup_iters'
    assert semi_benchmark.warmup_options(config, 2000) == {key: 330}
    assert semi_benchmark.warmup_options(config, 300) == {key: 50}
    fixmatch = osp.join(REPO, semi_benchmark.CONFIGS['fixmatch'])
    assert semi_benchmark.warmup_options(fixmatch, 300) == {}


def test_timebalance_variants_build_their_ablation():
    """Each TimeBalance variant's student options, parsed as
    tools/timebalance/train.py parses them, build the intended student:
    both teachers with TSTR, both with the plain average (Table 4), f_D
    alone (Table 2's one-teacher row)."""
    import argparse

    from mmengine.config import Config, DictAction

    from mmaction.registry import MODELS
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import semi_benchmark
    parser = argparse.ArgumentParser()
    parser.add_argument('--student-cfg-options', nargs='+',
                        action=DictAction)
    built = {}
    for method, options in semi_benchmark.TIMEBALANCE.items():
        cfg = Config.fromfile(osp.join(REPO, semi_benchmark.CONFIGS[method]))
        if options:
            cfg.merge_from_dict(parser.parse_args(
                ['--student-cfg-options', *options]).student_cfg_options)
        model = MODELS.build(cfg.model)
        built[method] = (tuple(model.teachers),
                         model.semi_train_cfg.reweighting)
    both = ('invariant', 'distinctive')
    assert built == dict(timebalance=(both, True),
                         timebalance_avg=(both, False),
                         timebalance_distinctive=(('distinctive', ), True))


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


def _suite():
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import semi_benchmark
    return semi_benchmark


def _fake_run_dir(path, method, lpc, seed, test_log, val_log, scalars):
    path.mkdir(parents=True)
    (path / 'run.json').write_text(json.dumps(dict(
        method=method, family='coarse', init=None, labels_per_class=lpc,
        seed=seed, iters=10, wall_s=12.0, key='k')))
    (path / 'test.log').write_text(test_log)
    (path / 'val.log').write_text(val_log)
    vis = path / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text(''.join(
        json.dumps(s) + '\n' for s in scalars))


def test_record_and_row_from_a_work_dir_with_known_logs(tmp_path):
    """Known logs in, the known row out: the metric lines of tools/test.py,
    the last logged pseudo-label scalars, gap closed on test."""
    sb = _suite()
    log = ('11/25 02:00:00 - mmengine - INFO - Epoch(test) [2/2]    '
           'acc/top1: {:.4f}  acc/top5: 0.9000  acc/mean1: 0.3000  '
           'data_time: 0.01  time: 0.2\n')
    runs = tmp_path / 'runs'
    _fake_run_dir(runs / 'fixmatch_3pc_seed0', 'fixmatch', 3, 0,
                  log.format(0.5), log.format(0.375), [
                      dict(lr=0.1, loss=2.0, unsup_pl_acc=0.25,
                           unsup_mask_ratio=0.5, iter=5),
                      dict(lr=0.1, loss=1.5, unsup_pl_acc=0.75,
                           unsup_mask_ratio=0.625, iter=10),
                      dict(**{'acc/top1': 0.1}, step=10)])
    record = sb.collect(str(runs / 'fixmatch_3pc_seed0'))
    assert (record['top1'], record['top5'], record['val_top1']) == (
        0.5, 0.9, 0.375)
    assert (record['pl_acc'], record['mask_ratio'], record['loss']) == (
        0.75, 0.625, 1.5)
    for method, top1 in (('supervised', 0.2), ('supervised_all', 0.8)):
        _fake_run_dir(runs / f'{method}_3pc_seed0', method, 3, 0,
                      log.format(top1), log.format(top1), [dict(loss=1.0)])
    rows = []
    for name in ('supervised', 'supervised_all', 'fixmatch'):
        row = sb.collect(str(runs / f'{name}_3pc_seed0'))
        sb.write_record(str(tmp_path), str(runs / f'{name}_3pc_seed0'), row)
        rows.append(row)
    table = sb.write_report(str(tmp_path))
    # (0.5 - 0.2) / (0.8 - 0.2) = 0.50 of the gap closed
    assert ('| 3 | fixmatch | 50.0 | 37.5 | 0.50 | 75.0 | 62.5 | 12 | 0 |'
            in table), table
    assert '| 3 | supervised | 20.0 | 20.0 | 0.00 | - | - | 12 | 0 |' in table
    assert (tmp_path / 'results.md').read_text() == table
    assert (tmp_path / 'top1_vs_labels_coarse.png').read_bytes()[:4] == \
        b'\x89PNG'
    with pytest.raises(ValueError, match='no "acc/top1'):
        sb.parse_metrics('Traceback ...', 'x/test.log')


def test_a_report_quotes_one_run_per_cell(tmp_path):
    sb = _suite()
    record = dict(method='fixmatch', family='fine', init=None,
                  labels_per_class=1, seed=2, top1=0.1, wall_s=1)
    for sweep in ('a', 'b'):
        (tmp_path / sweep / 'records').mkdir(parents=True)
        (tmp_path / sweep / 'records' / 'r.json').write_text(
            json.dumps(record))
    with pytest.raises(ValueError, match='same cell'):
        sb.read_records(str(tmp_path))


def test_a_report_orders_labels_by_number(tmp_path, monkeypatch):
    """10, 3, 1 labels in the table (most first, as a sweep's command line
    orders them; not '1', '10', '3' as strings) and 1, 3, 10 on the plot's
    x axis, so that its lines do not double back."""
    sb = _suite()
    rows = [dict(method='supervised', family='coarse', init=None,
                 labels_per_class=lpc, seed=0, top1=lpc / 100, wall_s=1)
            for lpc in (1, 10, 3)]
    table = sb.summarise(rows)
    assert [line.split('|')[1].strip() for line in table.splitlines()
            if line.startswith('| ') and 'supervised' in line] == [
                '10', '3', '1']
    plotted = []

    class Axes:
        def errorbar(self, xs, ys, **kwargs):
            plotted.append((list(xs), list(ys)))

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, 'subplots', lambda **kwargs: (Axes(), Axes()))
    monkeypatch.setattr(plt, 'close', lambda fig: None)
    sb.plot(rows, str(tmp_path / 'plot.png'))
    assert plotted == [([1, 3, 10], [1.0, 3.0, 10.0])]
    # results.csv lists the runs in the same numeric order
    os.makedirs(tmp_path / 'sweep' / 'records')
    for row in rows:
        with open(tmp_path / 'sweep' / 'records' /
                  f"{row['labels_per_class']}.json", 'w') as f:
            json.dump(row, f)
    assert [r['labels_per_class'] for r in sb.read_records(
        str(tmp_path))] == [1, 3, 10]


FAKE_PYTHON = r"""#!{python}
# stands in for the interpreter: tools/train.py writes a checkpoint and
# scalars, tools/test.py prints a metric line that says which split it read
import json, os, sys
args = sys.argv[1:]
with open({calls!r}, 'a') as f:
    f.write(os.path.basename(args[0]) + '\n')
with open({calls!r} + '.argv', 'a') as f:
    f.write(json.dumps(args) + '\n')
if args[0].endswith('train.py'):
    work = args[args.index('--work-dir') + 1]
    iters = [a for a in args if a.startswith('train_cfg.max_iters=')]
    os.makedirs(os.path.join(work, 'vis_data'), exist_ok=True)
    open(os.path.join(work, 'iter_%s.pth' % iters[-1].split('=')[1]),
         'w').close()
    with open(os.path.join(work, 'vis_data', 'scalars.json'), 'w') as f:
        f.write(json.dumps(dict(loss=1.0, unsup_pl_acc=0.5)) + '\n')
else:
    ann = [a for a in args
           if a.startswith('test_dataloader.dataset.ann_file=')][-1]
    top1 = 0.25 if ann.endswith('val.txt') else 0.75
    print('Epoch(test) [1/1]  acc/top1: %.4f  acc/top5: 1.0000' % top1)
"""


def _stand_in(tmp_path, script, num_classes):
    """A stand-in interpreter from ``script`` (it logs its calls to the
    returned file) and a data dict of one-line annotation files."""
    calls = tmp_path / 'calls.txt'
    python = tmp_path / 'python'
    python.write_text(script.format(python=sys.executable, calls=str(calls)))
    python.chmod(0o755)
    data = dict(data_root=str(tmp_path), num_classes=num_classes)
    for name in _suite().DATA_FILES:
        data[name] = str(tmp_path / f'{name}.txt')
        (tmp_path / f'{name}.txt').write_text('videos/0.mp4 0\n')
    return calls, python, data


def test_method_options_reach_the_method_run_only(tmp_path):
    """``--method-cfg-options`` go to the method's training and its cache
    key, not to the self-supervised f_A run it starts from (whose config
    has no such key); ``--cfg-options`` go to both."""
    sb = _suite()
    calls, python, data = _stand_in(tmp_path, FAKE_PYTHON, num_classes=4)
    every, own = 'default_hooks.logger.interval=7', \
        'custom_hooks.0.threshold=0.95'
    args = dict(method='finepseudo', lpc=1, seed=0, data=data, iters=4,
                out_dir=str(tmp_path / 'out'), python=str(python),
                family='fine', extra=[every])
    plain = sb.run_one(**args)
    tuned = sb.run_one(**args, method_extra=[own])
    assert tuned['key'] != plain['key']
    assert own in tuned['cfg_options'] and own not in plain['cfg_options']
    trains = [json.loads(line) for line in open(f'{calls}.argv')
              if 'train.py' in line]
    ssl = [a for a in trains if sb.ALIGNER_SSL_CONFIG in a[1]]
    method = [a for a in trains if a[1].endswith(sb.CONFIGS['finepseudo'])]
    assert len(ssl) == 1 and len(method) == 2  # f_A trained once
    assert every in ssl[0] and own not in ssl[0]
    assert every in method[0] and own not in method[0] and own in method[1]
    with pytest.raises(ValueError, match='method_extra'):
        sb.run_one(**dict(args, method='timebalance'), method_extra=[own])


def test_a_changed_option_misses_the_cache(tmp_path):
    """run_one through a stand-in interpreter: the same options reuse the
    finished run; iterations, cfg-options, init or a data file's contents
    changed rerun it and move the old run aside."""
    sb = _suite()
    calls, python, data = _stand_in(tmp_path, FAKE_PYTHON, num_classes=4)
    out = str(tmp_path / 'out')

    def run(**kwargs):
        args = dict(method='fixmatch', lpc=1, seed=0, data=data, iters=4,
                    out_dir=out, python=str(python), family='coarse')
        args.update(kwargs)
        return sb.run_one(**args)

    def trainings():
        return calls.read_text().count('train.py')

    first = run()
    assert (first['top1'], first['val_top1'], first['pl_acc']) == (
        0.75, 0.25, 0.5)
    assert trainings() == 1 and calls.read_text().count('test.py') == 2
    assert run() == first and trainings() == 1  # cache hit
    run(family='fine')  # the same lists, another family's videos
    assert trainings() == 2
    run(iters=6)
    assert trainings() == 3
    run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'])
    assert trainings() == 4
    ssl = tmp_path / 'ssl.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2))), ssl)
    init = ('ssl', str(ssl))
    run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'], init=init)
    assert trainings() == 5
    # the same tensors in another file: a hit; other tensors: a miss
    torch.save(dict(state_dict=dict(w=torch.zeros(2)), meta=dict(a=1)), ssl)
    run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'], init=init)
    assert trainings() == 5
    torch.save(dict(state_dict=dict(w=torch.ones(2))), ssl)
    run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'], init=init)
    assert trainings() == 6
    (tmp_path / 'labeled.txt').write_text('videos/1.mp4 0\n')
    last = run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'],
               init=init)
    assert trainings() == 7
    assert len(os.listdir(osp.join(out, 'runs', 'stale'))) == 6
    # the record is compact and says how to rerun the run
    record = (tmp_path / 'out' / 'records' / 'fixmatch_1pc_seed0.json')
    assert len(record.read_bytes()) < 8000
    saved = json.loads(record.read_text())
    assert saved['key'] == last['key'] and saved['iters'] == 6
    assert saved['commands']['train'][1:3] == [
        'tools/train.py', sb.CONFIGS['fixmatch']]
    assert 'model.semi_train_cfg.threshold=0.9' in saved['cfg_options']
    assert f'load_from={ssl}' in saved['cfg_options']
    assert saved['init'] == 'ssl'
    assert saved['versions']['torch'] and saved['commit']
    # a fresh checkout: no run directories, the committed records only
    committed = tmp_path / 'committed'
    committed.mkdir()
    (committed / record.name).write_text(record.read_text())
    fresh = dict(out_dir=str(tmp_path / 'fresh'), reuse=str(committed))
    again = run(iters=6, extra=['model.semi_train_cfg.threshold=0.9'],
                init=init, **fresh)
    assert trainings() == 7 and again['key'] == last['key']
    run(iters=7, extra=['model.semi_train_cfg.threshold=0.9'], init=init,
        **fresh)  # another key: trained
    assert trainings() == 8


FAKE_TIMEBALANCE = r"""#!{python}
# stands in for the interpreter running tools/timebalance/train.py
# --stop-after STAGE: each stage-1 run not DONE writes a checkpoint (weights
# that depend on the stage, optimizer state), scalars, last_checkpoint, DONE
import json, os, sys
import torch
args = sys.argv[1:]
with open({calls!r}, 'a') as f:
    f.write(' '.join(os.path.basename(a) for a in args) + '\n')
work = args[args.index('--ssl-work-dir') + 1]
last = args[args.index('--stop-after') + 1]
for stage in ('ssl_distinctive', 'ssl_invariant'):
    stage_dir = os.path.join(work, stage)
    if not os.path.isfile(os.path.join(stage_dir, 'DONE')):
        os.makedirs(os.path.join(stage_dir, 'vis_data'), exist_ok=True)
        ckpt = os.path.join(stage_dir, 'iter_4.pth')
        # a BatchNorm layer's state, 0-dim num_batches_tracked included
        bn = torch.nn.BatchNorm1d(3).state_dict()
        bn['weight'] = torch.full((3, ), len(stage) * .5)
        torch.save(dict(state_dict=bn, meta=dict(iter=4),
                        optimizer=dict(s=torch.ones(9))), ckpt)
        with open(os.path.join(stage_dir, 'last_checkpoint'), 'w') as f:
            f.write(ckpt)
        with open(os.path.join(stage_dir, 'vis_data', 'scalars.json'),
                  'w') as f:
            f.write(json.dumps(dict(loss=3.5)) + '\n')
        open(os.path.join(stage_dir, 'DONE'), 'w').close()
    if stage == last:
        break
"""


def test_stage_one_is_exported_and_restored_on_a_fresh_checkout(tmp_path):
    """TimeBalance's stage 1 is trained once for every split seed, one
    stage at a time; each finished stage leaves its weights (no optimizer
    state) and a JSON of how it was trained; a fresh out directory with
    ``--reuse`` beside committed weights restores them, trains nothing and
    gives --init runs the same weights; tampered weights are refused."""
    sb = _suite()
    calls, python, data = _stand_in(tmp_path, FAKE_TIMEBALANCE,
                                    num_classes=8)

    def runs():
        return calls.read_text().count('\n') if calls.exists() else 0

    out = tmp_path / 'out'
    ssl_dir = sb.stage_one(str(python), data, 4, str(out),
                           last='ssl_distinctive')
    assert runs() == 1 and '--stop-after ssl_distinctive' in \
        calls.read_text()
    assert '--ssl-seed 0' in calls.read_text()
    assert not osp.exists(osp.join(ssl_dir, 'ssl_invariant.pth'))
    # another split seed, the whole of stage 1: only f_I is trained
    assert sb.stage_one(str(python), data, 4, str(out)) == ssl_dir
    assert runs() == 2 and '--stop-after ssl_invariant' in \
        calls.read_text().split('\n')[1]
    assert sb.stage_one(str(python), data, 4, str(out)) == ssl_dir
    assert runs() == 2
    # --ssl-per-seed: another seed, its own stage 1
    per_seed = sb.stage_one(str(python), data, 4, str(out), ssl_seed=2,
                            last='ssl_distinctive')
    assert per_seed != ssl_dir and runs() == 3
    assert '--ssl-seed 2' in calls.read_text().split('\n')[2]
    meta = json.loads(open(osp.join(ssl_dir, 'ssl_invariant.json')).read())
    assert (meta['checkpoint'], meta['loss'], meta['iters']) == (
        'iter_4.pth', 3.5, 4)
    exported = torch.load(osp.join(ssl_dir, 'ssl_invariant.pth'))
    assert set(exported) == {'state_dict', 'meta'}
    assert torch.equal(exported['state_dict']['weight'],
                       torch.full((3, ), 6.5))
    # a stage that finished but was not exported (killed in between) is
    # exported on the next call, not trained again
    os.remove(osp.join(ssl_dir, 'ssl_invariant.pth'))
    sb.stage_one(str(python), data, 4, str(out))
    assert runs() == 3 and sb.weights_digest(
        osp.join(ssl_dir, 'ssl_invariant.pth')) == meta['weights_sha1']
    # committed beside the records; a fresh checkout restores both stages
    docs = tmp_path / 'docs' / 'coarse-long'
    (docs / 'records').mkdir(parents=True)
    kept = docs / 'ssl' / osp.basename(ssl_dir)
    kept.mkdir(parents=True)
    for stage in sb.SSL_STAGES:  # what a session commits
        for ext in ('.pth', '.json'):
            shutil.copyfile(osp.join(ssl_dir, stage + ext), kept / (
                stage + ext))
    fresh = tmp_path / 'fresh'
    # an interrupted training of f_D there: replaced by the restore
    ssl_fresh = sb.ssl_dir_of(data, 4, str(fresh), family='custom')
    os.makedirs(osp.join(ssl_fresh, 'ssl_distinctive'))
    open(osp.join(ssl_fresh, 'ssl_distinctive', 'last_checkpoint'),
         'w').write('iter_2.pth')
    restored = sb.stage_one(str(python), data, 4, str(fresh),
                            reuse=str(docs / 'records'))
    assert runs() == 3 and restored == ssl_fresh
    for stage in sb.SSL_STAGES:
        with open(osp.join(restored, stage, 'last_checkpoint')) as f:
            ckpt = f.read().strip()
        assert ckpt == osp.abspath(osp.join(restored, stage, 'iter_4.pth'))
        assert osp.isfile(osp.join(restored, stage, 'DONE'))
        assert sb.weights_digest(ckpt) == sb.weights_digest(
            osp.join(ssl_dir, stage, 'iter_4.pth'))
    # an --init ssl sweep committed under its own directory: no ssl/ of
    # its own, the sibling sweep's stage 1 of the same key is restored
    ssl_records = tmp_path / 'docs' / 'coarse-long-ssl' / 'records'
    ssl_records.mkdir(parents=True)
    assert sb.committed_stage_dir(str(ssl_records), kept.name) == str(kept)
    sibling = sb.stage_one(str(python), data, 4, str(tmp_path / 'sib'),
                           reuse=str(ssl_records))
    assert runs() == 3 and sb.weights_digest(osp.join(
        sibling, 'ssl_invariant.pth')) == meta['weights_sha1']
    # other iterations: another key, both stages trained
    sb.stage_one(str(python), data, 5, str(fresh),
                 reuse=str(docs / 'records'))
    assert runs() == 5
    torch.save(dict(state_dict=torch.nn.BatchNorm1d(3).state_dict()),
               kept / 'ssl_distinctive.pth')
    with pytest.raises(ValueError, match='do not match weights_sha1'):
        sb.stage_one(str(python), data, 4, str(tmp_path / 'third'),
                     reuse=str(docs / 'records'))


def test_cost_benchmark_finepseudo_and_timebalance_pieces(tiny_coarse):
    """FinePseudo's soft-DTW and gallery-scoring figures; TimeBalance's
    stage 3 runs on the cost data (stand-in scores for every video, no
    teacher checkpoints) and its floor finds both teachers' configs."""
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import cost_benchmark
    from mmsemi_action.models.network_config import network_config
    res = cost_benchmark.measure_finepseudo(1, lengths=(4, ), pairs=8,
                                            videos=2, rho=2)
    (row, ) = res['soft_dtw']
    assert row['frames'] == 4 and row['seconds'] > 0
    assert row['ratio'] == row['seconds'] / row['arithmetic_seconds']
    scoring = res['scoring']
    assert scoring['videos'] == 2 and scoring['rho'] == 2
    assert scoring['ratio_to_f_a'] == scoring['seconds'] / scoring[
        'f_a_seconds']
    table = cost_benchmark.finepseudo_report(res)
    assert '| 4 | 8 |' in table and 'videos x' in table
    cfg = cost_benchmark.load_cfg('timebalance', tiny_coarse)
    assert cfg.model.teacher_checkpoints is None
    scores = json.loads(open(cfg.train_dataloader.dataset.labeled.score_file
                             ).read())
    listed = [osp.join(tiny_coarse, line.split()[0]) for source in (
        'labeled', 'unlabeled') for line in open(
            osp.join(tiny_coarse, f'{source}.txt')) if line.strip()]
    assert sorted(scores) == sorted(listed)
    for network, _, _ in cost_benchmark.PASSES['timebalance']:
        assert network_config(cfg, network).type == 'Recognizer3D'


def test_open_world_runs_add_the_shipped_gate():
    """The suite's open-world FinePseudo runs use the gate the shipped
    open-world config uses; confidence-only runs get none."""
    from mmengine.config import Config
    sb = _suite()
    cfg = Config.fromfile(osp.join(
        sb.REPO, 'configs/finepseudo/finepseudo_r3d18-tiny_1xb16-2k-iter_'
        'synthetic-fine-open-world.py'))
    gate = cfg.custom_hooks[0].min_alignability
    assert gate is not None
    assert sb.method_options('finepseudo', open_world=True) == [
        f'custom_hooks.0.min_alignability={gate}']
    assert sb.method_options('finepseudo') == []
    assert sb.method_options('finepseudo_confidence', open_world=True) == [
        'custom_hooks.0.strategy=confidence']


def test_cache_key_holds_open_world_and_time_stride_options(tmp_path):
    sb = _suite()
    data = dict(data_root=str(tmp_path), num_classes=4)
    for name in sb.DATA_FILES:
        data[name] = str(tmp_path / f'{name}.txt')
        (tmp_path / f'{name}.txt').write_text('videos/0.mp4 0\n')

    def key(method, **extra):
        return sb.cache_key(sb.key_fields(method, 10, 0, dict(data, **extra),
                                          2000))

    assert key('finepseudo') != key('finepseudo', open_world=True)
    # the generator numbers every family's videos alike: equal lists
    fields = [sb.key_fields('fixmatch', 10, 0, data, 2000, family=f)
              for f in ('coarse', 'fine')]
    assert fields[0]['data'] == fields[1]['data']
    assert sb.cache_key(fields[0]) != sb.cache_key(fields[1])
    assert key('supervised') != key('supervised', time_stride=4)
    fields = sb.key_fields('ltg', 10, 0, dict(data, time_stride=4), 2000)
    assert any(o.endswith('pair_offset=4')
               for o in fields['time_stride_options'])


def test_long_preset_scales_every_temporal_distance():
    """``--preset long`` (64-frame videos, 4x the frames of ``benchmark``):
    the supervised config with the suite's options samples as the
    hand-written synthetic-long config does, and LTG's view by hand."""
    from mmengine.config import Config
    sb = _suite()

    def config(name):
        return osp.join(sb.REPO, name)

    def sampling(cfg):
        return [p[1] for p in (cfg.train_dataloader.dataset.pipeline,
                               cfg.val_dataloader.dataset.pipeline,
                               cfg.test_dataloader.dataset.pipeline)]

    supervised = config(sb.CONFIGS['supervised'])
    assert sb.time_stride_options(supervised, 1) == {}
    cfg = Config.fromfile(supervised)
    cfg.merge_from_dict(sb.time_stride_options(supervised, 4))
    long = Config.fromfile(config(
        'configs/timebalance/timebalance-teacher_r3d18-tiny_1xb8-2k-iter_'
        'synthetic-long.py'))
    assert sampling(cfg) == sampling(long)
    assert [s.frame_interval for s in sampling(cfg)] == [8, 8, 8]

    ltg = config(sb.CONFIGS['ltg'])
    cfg = Config.fromfile(ltg)
    cfg.merge_from_dict(sb.time_stride_options(ltg, 4))
    for source in ('labeled', 'unlabeled'):
        (view, ) = [t for t in cfg.train_dataloader.dataset[source].pipeline
                    if t.type == 'SampleMultiViewFrames']
        # 8 frames 2 apart, each paired with the next frame -> 8 apart, 4
        assert dict(view.views.rgb) == dict(clip_len=8, frame_interval=8,
                                            pair_offset=4)


def test_time_stride_reaches_hook_pipelines_and_offsets(tmp_path):
    """A time offset in seconds and a hook's scoring pipeline scale too;
    lengths (``clip_len``) and other keys do not."""
    from mmengine.config import Config
    sb = _suite()
    path = tmp_path / 'cfg.py'
    path.write_text(
        "views = dict(a=dict(clip_len=8, frame_interval=1),\n"
        "             b=dict(clip_len=4, frame_interval=2, shift=8))\n"
        "train_dataloader = dict(dataset=dict(pipeline=[\n"
        "    dict(type='DecordInit'),\n"
        "    dict(type='SampleMultiViewFrames', views=views,\n"
        "         max_offset=0.5)]))\n"
        "custom_hooks = [dict(type='X'), dict(type='Y', pipeline=[\n"
        "    dict(type='SampleFrames', clip_len=8, frame_interval=3,\n"
        "         num_clips=1)])]\n")
    opts = sb.time_stride_options(str(path), 4)
    assert opts == {
        'train_dataloader.dataset.pipeline.1.max_offset': 2.0,
        'train_dataloader.dataset.pipeline.1.views.a.frame_interval': 4,
        'train_dataloader.dataset.pipeline.1.views.b.frame_interval': 8,
        'train_dataloader.dataset.pipeline.1.views.b.shift': 32,
        'custom_hooks.1.pipeline.0.frame_interval': 12}
    cfg = Config.fromfile(str(path))
    cfg.merge_from_dict(opts)
    assert cfg.custom_hooks[1].pipeline[0].frame_interval == 12
    assert cfg.train_dataloader.dataset.pipeline[1].views.b == dict(
        clip_len=4, frame_interval=8, shift=32)


def test_custom_data_without_test_list_falls_back_to_val_with_a_warning(
        tmp_path, capsys):
    """``--data DIR``: test.txt when present; without it val.txt serves as
    both, with a warning that says so; a missing labeled list is refused
    with its path."""
    import argparse
    import warnings
    sb = _suite()
    data_dir = tmp_path / 'data'
    data_dir.mkdir()
    for name, label in (('labeled', 0), ('unlabeled', 1), ('val', 0)):
        (data_dir / f'{name}.txt').write_text(f'v/{name}.mp4 {label}\n')
    args = argparse.Namespace(data=str(data_dir), out=str(tmp_path / 'out'),
                              seeds=[0, 1])
    (tmp_path / 'out').mkdir()
    parser = argparse.ArgumentParser()
    with pytest.warns(UserWarning, match='val.txt is used as test too'):
        settings = sb.custom_settings(parser, args)
    assert [s[:2] for s in settings] == [('custom', 0), ('custom', 1)]
    data = settings[0][2]
    assert data['test'] == data['val'] == str(data_dir / 'val.txt')
    assert data['num_classes'] == 2
    (data_dir / 'test.txt').write_text('v/test.mp4 1\n')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        data = sb.custom_settings(parser, args)[0][2]
    assert data['test'] == str(data_dir / 'test.txt')
    (data_dir / 'labeled.txt').unlink()
    with pytest.raises(SystemExit):
        sb.custom_settings(parser, args)
    assert f'{data_dir}/labeled.txt is missing' in capsys.readouterr().err


def test_timebalance_targets_scores_each_mixture_by_hand():
    """Eq. 7 by hand on three videos: the invariant teacher is right on
    v0, the distinctive one on v1 and v2; s = 0.9 / 0.2 / 0.8 picks the
    invariant teacher's class on v0 and v2, the plain average ties
    nowhere."""
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    from timebalance_targets import summarize
    t = torch.tensor
    probs = dict(
        invariant={'v0': (t([0.8, 0.2]), 0), 'v1': (t([0.7, 0.3]), 1),
                   'v2': (t([0.6, 0.4]), 1)},
        distinctive={'v0': (t([0.3, 0.7]), 0), 'v1': (t([0.1, 0.9]), 1),
                     'v2': (t([0.2, 0.8]), 1)})
    scores = {'v0': 0.9, 'v1': 0.2, 'v2': 0.8, 'other': 0.0}
    out = summarize(probs, scores)
    # v0: average (0.55, 0.45) -> 0 right; tstr 0.9*0.8+0.1*0.3=0.75 -> 0
    # v1: average (0.4, 0.6) -> 1 right; tstr 0.2*0.7+0.8*0.1=0.22 -> 1
    # v2: average (0.4, 0.6) -> 1 right; tstr 0.8*0.6+0.2*0.2=0.52 -> 0
    assert out['top1'] == pytest.approx(dict(
        invariant=1 / 3, distinctive=2 / 3, average=1.0, tstr=2 / 3))
    assert out['tstr_differs_from_average'] == pytest.approx(1 / 3)
    assert out['score']['per_class']['1']['mean'] == pytest.approx(0.5)
    assert out['score']['per_class']['1']['std'] == pytest.approx(0.3)
    assert out['score']['mean'] == pytest.approx((0.9 + 0.2 + 0.8) / 3)
    # only f_I right on v0 (s 0.9), only f_D right on v1 and v2 (0.2, 0.8)
    assert out['one_teacher_right']['invariant_only'] == dict(
        videos=1, score_mean=pytest.approx(0.9))
    assert out['one_teacher_right']['distinctive_only'] == dict(
        videos=2, score_mean=pytest.approx(0.5))
    assert out['score']['per_class']['0']['top1'] == dict(
        invariant=1.0, distinctive=0.0)
    assert out['score']['per_class']['1']['top1'] == dict(
        invariant=0.0, distinctive=1.0)
    with pytest.raises(KeyError, match='v2'):
        summarize(probs, {'v0': 0.5, 'v1': 0.5})


def _probe_tool():
    sys.path.insert(0, osp.join(REPO, 'tools', 'benchmark'))
    import ssl_probe
    return ssl_probe


def test_ssl_probe_rules_against_sklearn_and_by_hand():
    from sklearn.neighbors import KNeighborsClassifier
    probe = _probe_tool()
    g = torch.Generator().manual_seed(0)
    feats = torch.randn(40, 6, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 5, (40, ), generator=g)
    queries = torch.randn(25, 6, generator=g, dtype=torch.float64)
    for k in (1, 4, 7):
        reference = KNeighborsClassifier(
            n_neighbors=k, metric='cosine', algorithm='brute').fit(
                feats.numpy(), labels.numpy()).predict(queries.numpy())
        assert probe.knn_predict(feats, labels, queries, k).tolist() == \
            reference.tolist()
    # class means (1, 0) for class 0 and (0, 2) for class 2, by hand: the
    # query (1, 3) is nearer (by angle) to class 2, (3, 1) to class 0;
    # class 1 has no labeled video and is never predicted
    feats = torch.tensor([[1., 1.], [1., -1.], [0., 1.], [0., 3.]])
    labels = torch.tensor([0, 0, 2, 2])
    queries = torch.tensor([[1., 3.], [3., 1.], [-1., 0.1]])
    assert probe.nearest_mean_predict(feats, labels, queries).tolist() == [
        2, 0, 2]


def test_ssl_probe_reads_a_stage_one_backbone(tiny_coarse, tmp_path):
    """Features from a stage-1 checkpoint are those of the network it was
    saved from (every backbone tensor loaded, under TimeBalance's
    ``recognizer.backbone.`` names), not of the random initialisation; the
    command writes one entry per model."""
    from mmengine.config import Config
    probe = _probe_tool()
    config = osp.join(REPO, 'configs', 'supervised',
                      'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-'
                      'coarse-labeled.py')
    cfg = Config.fromfile(config)
    source = probe.build_model(cfg, seed=3)
    ckpt = tmp_path / 'ssl.pth'
    torch.save(dict(state_dict={
        'recognizer.' + k: v for k, v in source.state_dict().items()
        if k.startswith('backbone.')}), ckpt)
    ann = osp.join(tiny_coarse, 'val.txt')
    feats = probe.video_features(
        cfg, dict(expected=source, loaded=probe.build_model(cfg, str(ckpt)),
                  random=probe.build_model(cfg)), ann, tiny_coarse)
    expected, loaded, random = (feats[name] for name in (
        'expected', 'loaded', 'random'))
    assert expected.keys() == loaded.keys() == random.keys()
    for name in expected:
        torch.testing.assert_close(loaded[name], expected[name])
        assert not torch.allclose(random[name], expected[name])
    out = tmp_path / 'probe.json'
    probe.main([config, '--data', tiny_coarse, '--reference',
                osp.join(tiny_coarse, 'train.txt'), '--labeled',
                f'1={osp.join(tiny_coarse, "labeled.txt")}', '--eval', ann,
                '--checkpoint', f'ssl={ckpt}', '--k', '3', '--out',
                str(out)])
    models = json.loads(out.read_text())['models']
    assert sorted(models) == ['random', 'ssl']
    assert sorted(models['ssl']) == ['checkpoint', 'knn3', 'nearest_mean']
    with pytest.raises(SystemExit, match='not in --reference'):
        probe.main([config, '--data', tiny_coarse, '--reference', ann,
                    '--labeled', f'1={osp.join(tiny_coarse, "labeled.txt")}',
                    '--eval', ann])
