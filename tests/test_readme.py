"""The README's configs and commands, as written: each ``python`` block that
starts with ``# configs/my/<name>.py`` is saved under that path (next to
this repository's ``configs/_base_``), shrunk to CPU size by
``--cfg-options`` only, trained with the README's command and tested with
``tools/dist_test.sh`` on 2 processes."""
import os
import os.path as osp
import re
import shlex
import subprocess
import sys

import pytest

from conftest import REPO

README = osp.join(REPO, 'README.md')


def readme_configs() -> dict:
    text = open(README).read()
    blocks = re.findall(r'```python\n(# (configs/my/\S+\.py)\n.*?)```', text,
                        re.S)
    return {path: code for code, path in blocks}


def readme_commands() -> list:
    text = open(README).read()
    (block, ) = re.findall(r'```bash\n(mim train mmaction configs/my/.*?)```',
                           text, re.S)
    return [shlex.split(line) for line in block.strip().splitlines()]


@pytest.fixture
def user_dir(tmp_path):
    """A directory laid out as the repository: configs/_base_ and tools."""
    os.makedirs(tmp_path / 'configs' / 'my')
    os.symlink(osp.join(REPO, 'configs', '_base_'),
               tmp_path / 'configs' / '_base_')
    os.symlink(osp.join(REPO, 'tools'), tmp_path / 'tools')
    for path, code in readme_configs().items():
        (tmp_path / path).write_text(code)
    return tmp_path


def run(cmd, cwd):
    env = dict(os.environ)
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=900)
    assert res.returncode == 0, (res.stdout[-3000:], res.stderr[-3000:])
    return res.stdout + res.stderr


def data_opts(root, loaders=('train', 'val', 'test')):
    opts = {}
    if 'train' in loaders:
        for source in ('labeled', 'unlabeled'):
            key = f'train_dataloader.dataset.{source}'
            opts[f'{key}.ann_file'] = f'{root}/{source}.txt'
            opts[f'{key}.data_prefix.video'] = root
    for split in ('val', 'test'):
        if split in loaders:
            opts[f'{split}_dataloader.dataset.ann_file'] = f'{root}/val.txt'
            opts[f'{split}_dataloader.dataset.data_prefix.video'] = root
    return opts


def as_args(opts):
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


def test_readme_lists_both_configs_and_the_commands():
    assert set(readme_configs()) == {
        'configs/my/fixmatch_slowonly_my-data.py',
        'configs/my/mean-teacher_tsm_my-data.py'
    }
    train, test = readme_commands()
    assert train[:3] == ['mim', 'train', 'mmaction']
    assert test[:2] == ['bash', 'tools/dist_test.sh']


def test_readme_recognizer_snippet_trains_and_tests(tiny_coarse, user_dir):
    model = {
        'model.recognizer.backbone.depth': 18,
        'model.recognizer.backbone.base_channels': 8,
        'model.recognizer.cls_head.in_channels': 64,
        'model.recognizer.cls_head.num_classes': 8,
    }
    train_opts = dict(model, **data_opts(tiny_coarse), **{
        'train_dataloader.dataset.labeled.num_classes': 8,
        'train_dataloader.batch_size': 6,
        'train_dataloader.num_workers': 2,
        'train_dataloader.sampler.source_ratio': '[1,2]',
        'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 2,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
        'val_dataloader.num_workers': 2,
    })
    train, test = readme_commands()
    out = run(train + as_args(train_opts), user_dir)
    assert 'unsup_loss_cls' in out
    ckpt = test[3].replace('iter_45000', 'iter_2')
    assert osp.isfile(user_dir / ckpt)
    test_opts = dict(model, **data_opts(tiny_coarse, ('test', )), **{
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False})
    out = run(test[:3] + [ckpt] + test[4:] + as_args(test_opts), user_dir)
    assert 'Distributed training: True' in out
    assert re.search(r'acc/top1: [0-9.]+', out)


def test_readme_stock_config_snippet_trains(tiny_coarse, user_dir):
    """The whole stock TSM config wrapped in Mean Teacher: 2 epochs of the
    converted schedule (unlabeled set cut to 8 videos: 2 iterations per
    epoch), its per-epoch checkpoints as iteration checkpoints."""
    opts = dict(data_opts(tiny_coarse), **{
        'model.recognizer.backbone.depth': 18,
        'model.recognizer.cls_head.in_channels': 512,
        'model.recognizer.cls_head.num_classes': 8,
        'train_dataloader.batch_size': 6,
        'train_dataloader.num_workers': 2,
        'train_dataloader.sampler.source_ratio': '[1,2]',
        'train_dataloader.dataset.unlabeled.indices': 8,
        'train_cfg.max_epochs': 2,
        'default_hooks.checkpoint.interval': 1,
        'val_dataloader.num_workers': 2,
    })
    train, _ = readme_commands()
    work = user_dir / 'work_dirs' / 'tsm'
    cmd = train[:3] + ['configs/my/mean-teacher_tsm_my-data.py',
                       '--work-dir', str(work)] + as_args(opts)
    out = run(cmd, user_dir)
    assert 'param_scheduler[0] LinearLR is epoch-based' in out
    assert 'optim_wrapper TSMOptimWrapperConstructor' in out
    for it in (2, 4):
        assert osp.isfile(work / f'iter_{it}.pth'), it


def test_benchmark_tables_are_rebuilt_from_committed_records(tmp_path):
    """The README's accuracy tables and the plots next to them come from
    the committed run records alone: ``semi_benchmark.py --report`` on a
    copy of them rebuilds both byte for byte."""
    import glob
    import shutil
    docs = osp.join(REPO, 'docs', 'benchmark')
    records = glob.glob(osp.join(docs, '*', 'records', '*.json'))
    for path in records:
        rel = osp.relpath(path, docs)
        os.makedirs(tmp_path / osp.dirname(rel), exist_ok=True)
        shutil.copy(path, tmp_path / rel)
    text = open(README).read()
    command = re.search(r'\n(python tools/benchmark/semi_benchmark.py '
                        r'--report docs/benchmark)\n', text)
    assert command, 'the README shows the --report command'
    words = shlex.split(command[1])
    words[words.index('docs/benchmark')] = str(tmp_path)
    res = subprocess.run([sys.executable] + words[1:], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    rebuilt = (tmp_path / 'results.md').read_text()
    assert rebuilt == open(osp.join(docs, 'results.md')).read()
    block = re.search(r'<!-- benchmark-results:begin[^\n]*-->\n(.*?)'
                      r'<!-- benchmark-results:end -->', text, re.S)
    assert block and block[1] == rebuilt, (
        'README block differs from the --report tables')
    # every committed record is one seed of one row
    rows = [line for line in rebuilt.splitlines()
            if line.startswith('| ') and not line.startswith('| labels')]
    assert sum(len(r.split('|')[-2].split(',')) for r in rows) == len(records)
    pngs = sorted(glob.glob(str(tmp_path / '*.png')))
    assert [osp.basename(p) for p in pngs] == sorted(
        osp.basename(p) for p in glob.glob(osp.join(docs, '*.png')))
    for png in pngs:
        committed = open(osp.join(docs, osp.basename(png)), 'rb').read()
        assert open(png, 'rb').read() == committed, png
    # the README shows every plot the report writes
    shown = re.findall(r'!\[[^]]*\]\((docs/benchmark/[^)]+\.png)\)', text)
    assert sorted(osp.basename(p) for p in shown) == [
        osp.basename(p) for p in pngs]


def readme_tool_commands() -> list:
    """``(script, options)`` of every ``python tools/...py`` command in the
    README's bash blocks (continuation lines joined)."""
    text = open(README).read()
    commands = []
    for block in re.findall(r'```bash\n(.*?)```', text, re.S):
        for line in block.replace('\\\n', ' ').splitlines():
            words = shlex.split(line.split('#')[0])
            for i, word in enumerate(words):
                if re.fullmatch(r'tools/\S+\.py', word) and i and \
                        words[i - 1].endswith('python'):
                    options = []
                    for w in words[i + 1:]:
                        if w in (';', 'done', '&&') or w.endswith(';'):
                            break
                        if w.startswith('--'):
                            options.append(w.split('=')[0])
                    commands.append((word, options))
    return commands


def test_readme_tool_commands_name_real_scripts_and_options():
    """Every ``python tools/...`` command the README shows names a script
    of this repository and only options its ``--help`` lists."""
    commands = readme_tool_commands()
    assert {s for s, _ in commands} >= {
        'tools/benchmark/semi_benchmark.py', 'tools/benchmark/ssl_probe.py',
        'tools/data/make_semi_split.py'}
    helps = {}
    for script, options in commands:
        assert osp.isfile(osp.join(REPO, script)), script
        if script not in helps:
            helps[script] = run([sys.executable, script, '--help'], REPO)
        unknown = [o for o in options
                   if not re.search(re.escape(o) + r'(?![\w-])',
                                    helps[script])]
        assert not unknown, f'README: {script} has no option {unknown}'
